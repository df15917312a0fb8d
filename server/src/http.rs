//! The HTTP API (JSON) and the static app. Every API route is one entry of [`api_routes`],
//! which carries its OpenAPI operation too; `openapi.rs` builds the document from that list.
//!
//! Statuses: 401 no or bad token (or wrong password), 403 a forbidden act with the reason, 409
//! a rule the core refuses (its `rejected` reason), 422 a malformed body naming the field, 413 a
//! body over 64 KiB, 503 the hub is saturated. State is unchanged by all of them.

// Handlers return `Result<_, Response>`: the error *is* the response axum sends, built once.
#![allow(clippy::result_large_err)]

use crate::auth::{complete_input, dummy_hash, new_token, token_hash, verify_password, Principal};
use crate::hub::{may_see, Action, Busy, Hub, Outcome};
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::handler::Handler;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, on, MethodFilter, MethodRouter};
use axum::{Json, Router};
use omnidesk_core::protocol::Customer;
use omnidesk_core::scenario::parse_input_value;
use omnidesk_core::{AgentId, QueueId};
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::Path;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};

/// The largest request body or WebSocket message the server reads.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// One operation of the JSON API: its method and path, its handler, and its OpenAPI operation
/// object. [`api_routes`] is the one list of them: the router's API routes are built from it
/// and nothing else, and [`crate::openapi::document`] generates its `paths` from it, so a route
/// cannot exist undocumented nor a documented operation without a route (the tests
/// `every_api_route_is_documented_and_routed` and `routes_are_added_only_through_the_table`
/// hold the rest: a real operation object, and no route added around the table).
pub struct ApiRoute {
    pub method: Method,
    /// The axum path, which is also the OpenAPI path (`{param}` in both).
    pub path: &'static str,
    /// The OpenAPI operation object (summary, security, requestBody, responses, …).
    pub operation: Value,
    route: MethodRouter<Hub>,
}

fn op<H, T>(method: Method, path: &'static str, handler: H, operation: Value) -> ApiRoute
where
    H: Handler<T, Hub>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a method axum routes");
    ApiRoute {
        method,
        path,
        operation,
        route: on(filter, handler),
    }
}

/// Every API operation, in document order. See [`ApiRoute`].
pub fn api_routes() -> Vec<ApiRoute> {
    use crate::openapi::{bearer, body, errors, ok, ok_schema};
    vec![
        op(
            Method::GET,
            "/api/health",
            health,
            json!({
            "summary": "Liveness and the last durable seq.",
            "responses": ok("200", "{ok, last_seq}")}),
        ),
        op(
            Method::GET,
            "/api/openapi.json",
            openapi,
            json!({
            "summary": "This document.",
            "responses": ok("200", "OK")}),
        ),
        op(
            Method::POST,
            "/api/sessions",
            sign_in,
            json!({
            "summary": "Agent sign-in with credentials; returns a session token.",
            "requestBody": body(json!({"type": "object", "required": ["agent", "password"], "properties": {"agent": {"type": "string"}, "password": {"type": "string"}}})),
            "responses": errors(ok("200", "{token, agent}"), &["401", "413", "422", "503"])}),
        ),
        op(
            Method::DELETE,
            "/api/sessions",
            sign_out,
            json!({
            "summary": "Ends the session of the bearer token.", "security": bearer(),
            "responses": errors(ok("204", "Signed out"), &["401", "503"])}),
        ),
        op(
            Method::GET,
            "/api/session",
            whoami,
            json!({
            "summary": "The principal of the bearer token.", "security": bearer(),
            "responses": errors(ok("200", "{principal, last_seq}"), &["401"])}),
        ),
        op(
            Method::POST,
            "/api/actions",
            act,
            json!({
            "summary": "Sends one input (an action) to the routing core.", "security": bearer(),
            "requestBody": body(json!({"$ref": "#/components/schemas/Action"})),
            "responses": errors(ok_schema("200", "Applied; the events it caused (header x-omnidesk-replayed on a resend).", "Applied"),
                &["401", "403", "409", "413", "422", "503"])}),
        ),
        op(
            Method::GET,
            "/api/events",
            events,
            json!({
            "summary": "Logged events after a seq (customers: their conversation's visible events).", "security": bearer(),
            "parameters": [
                {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}}
            ],
            "responses": errors(ok("200", "{events, next_after, last_seq}"), &["401", "422", "503"])}),
        ),
        op(
            Method::GET,
            "/api/snapshot",
            snapshot,
            json!({
            "summary": "The engine snapshot (scenarios.md's shape); agents only.", "security": bearer(),
            "responses": errors(ok("200", "{last_seq, snapshot}"), &["401", "403", "503"])}),
        ),
        op(
            Method::GET,
            "/api/config",
            config,
            json!({
            "summary": "The routing core's configuration (omnidesk-core's `Config`, serde's JSON), from which a browser builds its replica engine before following the event stream from seq 0; agents only.", "security": bearer(),
            "responses": errors(ok("200", "{last_seq, config}"), &["401", "403"])}),
        ),
        op(
            Method::GET,
            "/api/work",
            work,
            json!({
            "summary": "The signed-in agent's streams: my (R19), open (R20), closed (R21).", "security": bearer(),
            "responses": errors(ok("200", "{last_seq, my, open, closed}"), &["401", "403", "503"])}),
        ),
        op(
            Method::POST,
            "/api/conversations",
            start_conversation,
            json!({
            "summary": "A customer starts a live chat: an `arrive` on chat in the live-chat queue; returns a token for this conversation alone.",
            "requestBody": body(json!({"type": "object", "required": ["name", "question"], "properties": {"name": {"type": "string"}, "question": {"type": "string"}, "email": {"type": "string"}, "language": {"type": "string"}}})),
            "responses": errors(ok("201", "{item, token, events, last_seq}"), &["404", "409", "413", "422", "503"])}),
        ),
        op(
            Method::GET,
            "/api/debug/stats",
            debug_stats,
            json!({
            "summary": "Load-test mode only (`--load-test-tokens`): the hub's counters (turns, inputs, time inside the core, commit and fan-out time) and the fan-out's; 403 otherwise.",
            "responses": errors(ok("200", "{hub, fanout}"), &["403"])}),
        ),
        op(
            Method::GET,
            "/api/ws",
            crate::ws::upgrade,
            json!({
            "summary": "WebSocket upgrade: auth in the first frame, actions, and the event stream (frames: server/src/ws.rs).",
            "responses": errors(ok("101", "Switching protocols"), &["403"])}),
        ),
    ]
}

/// The `<meta>` that tells the app it is served by this server (server mode); its `content` is
/// the API's base path.
pub const SERVER_MARKER: &str = r#"<meta name="omnidesk-server" content="/">"#;

/// The app's index.html with [`SERVER_MARKER`] inserted at the start of its `<head>` (or, for
/// a page without a `<head>` tag, after the doctype, where the parser's implied head begins).
pub fn mark_index(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let head = lower
        .match_indices("<head")
        .find(|(i, _)| {
            // `<head>` or `<head …>`, not `<header>`.
            matches!(
                lower.as_bytes().get(i + 5),
                Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')
            )
        })
        .and_then(|(i, _)| lower[i..].find('>').map(|j| i + j + 1));
    let at = head.unwrap_or_else(|| {
        if lower.trim_start().starts_with("<!doctype") {
            lower.find('>').map_or(0, |j| j + 1)
        } else {
            0
        }
    });
    format!("{}{SERVER_MARKER}{}", &html[..at], &html[at..])
}

/// The marked index.html as served: HTML, revalidated on every load (it names the hashed
/// assets of the current build).
fn index_page(index: Bytes) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        index,
    )
        .into_response()
}

/// The app: `/` and `/index.html` are the marked index, other files come from `files`, and
/// what is not a file (a deep link such as `/chat`) is the marked index too.
async fn serve_app(mut files: ServeDir, index: Bytes, req: Request) -> Response {
    let path = req.uri().path();
    if matches!(*req.method(), Method::GET | Method::HEAD) && (path == "/" || path == "/index.html")
    {
        return index_page(index);
    }
    match files.try_call(req).await {
        Ok(r) if r.status() == StatusCode::NOT_FOUND => index_page(index),
        Ok(r) => r.map(Body::new),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "unavailable",
            format!("the app's files could not be read: {e}"),
        ),
    }
}

/// The whole router: the API from [`api_routes`], 404 for any other `/api/…`, and the app
/// from `dist` (index.html, marked with [`SERVER_MARKER`], for `/` and deep links).
pub fn router(hub: Hub, dist: &Path) -> Router {
    let origins = hub.config.allowed_origins.clone();
    let mut api = Router::new();
    for r in api_routes() {
        // The same path twice with different methods merges into one route.
        api = api.route(r.path, r.route);
    }
    let api = api
        .route("/api/{*rest}", any(api_not_found))
        .layer(DefaultBodyLimit::max(MAX_MESSAGE));
    let api = if origins.is_empty() {
        api
    } else {
        let list: Vec<HeaderValue> = origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        api.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(list))
                .allow_methods([Method::GET, Method::POST, Method::DELETE])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
        )
    };
    // index.html is read once: marked, it is served from memory. Without one, the directory is
    // served as it is.
    match std::fs::read_to_string(dist.join("index.html")) {
        Ok(html) => {
            let index = Bytes::from(mark_index(&html));
            let files = ServeDir::new(dist);
            api.fallback(move |req: Request| serve_app(files.clone(), index.clone(), req))
                .with_state(hub)
        }
        Err(_) => {
            let app = ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html")));
            api.fallback_service(app).with_state(hub)
        }
    }
}

/// A JSON error response.
pub fn error(status: StatusCode, error: &str, reason: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"error": error, "reason": reason.into()})),
    )
        .into_response()
}

fn unauthorized(reason: &str) -> Response {
    let mut r = error(StatusCode::UNAUTHORIZED, "unauthorized", reason);
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

fn busy(_: Busy) -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "the server is saturated; retry the same action id",
    )
}

impl IntoResponse for Outcome {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut r = (status, Json(self.body)).into_response();
        if self.replayed {
            r.headers_mut()
                .insert("x-omnidesk-replayed", HeaderValue::from_static("true"));
        }
        r
    }
}

/// The principal of the request's bearer token, or the 401 to send.
pub fn authenticate(hub: &Hub, headers: &HeaderMap) -> Result<Principal, Response> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(unauthorized("missing Authorization: Bearer <token>"));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| unauthorized("expected Authorization: Bearer <token>"))?;
    hub.sessions
        .lookup(token)
        .ok_or_else(|| unauthorized("unknown or expired token"))
}

fn agent_only(principal: Principal) -> Result<AgentId, Response> {
    match principal {
        Principal::Agent { agent } => Ok(agent),
        Principal::Customer { .. } => Err(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this is for agents only",
        )),
    }
}

/// Parses a JSON body, or the 422 naming what is wrong.
fn json_body(body: &[u8]) -> Result<serde_json::Map<String, Value>, Outcome> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Outcome::invalid("(body)", "expected a JSON object")),
        Err(e) => Err(Outcome::invalid("(body)", format!("not JSON: {e}"))),
    }
}

fn string_field(
    map: &serde_json::Map<String, Value>,
    name: &str,
    required: bool,
) -> Result<Option<String>, Outcome> {
    match map.get(name) {
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err(Outcome::invalid(name, "missing")),
        Some(Value::String(s)) if s.len() > 200 => {
            Err(Outcome::invalid(name, "longer than 200 bytes"))
        }
        Some(Value::String(s)) if s.is_empty() && required => Err(Outcome::invalid(name, "empty")),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Outcome::invalid(name, "expected a string")),
    }
}

/// Reads an action `{client_id?, action_id, input}` for `principal`: fills in what the principal
/// implies and parses the input with the core's parser (unknown agents, queues, channels and
/// presences are 422 naming the field).
pub fn parse_action(
    hub: &Hub,
    principal: &Principal,
    map: &serde_json::Map<String, Value>,
) -> Result<Action, Outcome> {
    let action_id = string_field(map, "action_id", true)?.unwrap_or_default();
    let client_id = string_field(map, "client_id", false)?.unwrap_or_default();
    let mut input = match map.get("input") {
        None | Some(Value::Null) => return Err(Outcome::invalid("input", "missing")),
        Some(v @ Value::Object(_)) => v.clone(),
        Some(_) => return Err(Outcome::invalid("input", "expected an object")),
    };
    complete_input(principal, &mut input);
    let input = parse_input_value(&input, &hub.config.core)
        .map_err(|e| Outcome::invalid(&format!("input.{}", e.field), e.message))?;
    Ok(Action {
        client_id,
        action_id,
        input,
    })
}

async fn health(State(hub): State<Hub>) -> Json<Value> {
    Json(json!({"ok": true, "last_seq": hub.last_seq()}))
}

async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}

async fn sign_in(State(hub): State<Hub>, body: Bytes) -> Response {
    let map = match json_body(&body) {
        Ok(m) => m,
        Err(o) => return o.into_response(),
    };
    let (agent, password) = match (
        string_field(&map, "agent", true),
        string_field(&map, "password", true),
    ) {
        (Ok(a), Ok(p)) => (a.unwrap_or_default(), p.unwrap_or_default()),
        (Err(o), _) | (_, Err(o)) => return o.into_response(),
    };
    let agent = AgentId::from(agent);
    let hash = hub.config.credentials.get(&agent).cloned();
    let ok = tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_password(&password, &h),
        None => {
            // Same cost as a wrong password, so agent ids can't be probed by timing.
            let _ = verify_password(&password, dummy_hash());
            false
        }
    })
    .await
    .unwrap_or(false);
    if !ok {
        return unauthorized("wrong agent or password");
    }
    let (token, hash) = new_token();
    let principal = Principal::Agent {
        agent: agent.clone(),
    };
    if let Err(b) = hub.put_session(hash, principal).await {
        return busy(b);
    }
    Json(json!({"token": token, "agent": agent})).into_response()
}

async fn sign_out(State(hub): State<Hub>, headers: HeaderMap) -> Response {
    if let Err(r) = authenticate(&hub, &headers) {
        return r;
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .trim();
    match hub.drop_session(token_hash(token)).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(b) => busy(b),
    }
}

async fn whoami(State(hub): State<Hub>, headers: HeaderMap) -> Response {
    match authenticate(&hub, &headers) {
        Ok(p) => Json(json!({"principal": p, "last_seq": hub.last_seq()})).into_response(),
        Err(r) => r,
    }
}

async fn act(State(hub): State<Hub>, headers: HeaderMap, body: Bytes) -> Response {
    let principal = match authenticate(&hub, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let action = match json_body(&body).and_then(|m| parse_action(&hub, &principal, &m)) {
        Ok(a) => a,
        Err(o) => return o.into_response(),
    };
    match hub.act(principal, action).await {
        Ok(outcome) => outcome.into_response(),
        Err(b) => busy(b),
    }
}

#[derive(Deserialize)]
struct EventsQuery {
    after: Option<u64>,
    limit: Option<usize>,
}

async fn events(
    State(hub): State<Hub>,
    headers: HeaderMap,
    query: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let principal = match authenticate(&hub, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Ok(Query(q)) = query else {
        return Outcome::invalid("after", "expected after and limit as non-negative integers")
            .into_response();
    };
    let after = q.after.unwrap_or(0);
    let limit = q.limit.unwrap_or(1000).clamp(1, 10_000);
    let item = match &principal {
        Principal::Customer { item } => Some(item.clone()),
        Principal::Agent { .. } => None,
    };
    let reader = hub.reader.clone();
    let page =
        tokio::task::spawn_blocking(move || reader.events_after(after, limit, item.as_ref())).await;
    let page = match page {
        Ok(Ok(p)) => p,
        _ => {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the event log could not be read",
            )
        }
    };
    let next_after = page.last().map_or(after, |e| e.seq);
    let events: Vec<Value> = page
        .iter()
        .filter(|e| may_see(&principal, e))
        .filter_map(|e| serde_json::from_str(&e.json).ok())
        .collect();
    Json(json!({"events": events, "next_after": next_after, "last_seq": hub.last_seq()}))
        .into_response()
}

async fn snapshot(State(hub): State<Hub>, headers: HeaderMap) -> Response {
    if let Err(r) = authenticate(&hub, &headers).and_then(agent_only) {
        return r;
    }
    match hub
        .read(|engine| json!({"last_seq": engine.last_seq(), "snapshot": engine.snapshot()}))
        .await
    {
        Ok(v) => Json(v).into_response(),
        Err(b) => busy(b),
    }
}

async fn config(State(hub): State<Hub>, headers: HeaderMap) -> Response {
    if let Err(r) = authenticate(&hub, &headers).and_then(agent_only) {
        return r;
    }
    Json(json!({"last_seq": hub.last_seq(), "config": hub.config.core})).into_response()
}

async fn work(State(hub): State<Hub>, headers: HeaderMap) -> Response {
    let agent = match authenticate(&hub, &headers).and_then(agent_only) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match hub
        .read(move |engine| {
            json!({
                "last_seq": engine.last_seq(),
                "my": engine.my_work_items(&agent),
                "open": engine.open_work_items(&agent),
                "closed": engine.closed_work_items(&agent),
            })
        })
        .await
    {
        Ok(v) => Json(v).into_response(),
        Err(b) => busy(b),
    }
}

async fn start_conversation(State(hub): State<Hub>, body: Bytes) -> Response {
    let parsed = json_body(&body).and_then(|map| {
        let name = string_field(&map, "name", true)?.unwrap_or_default();
        let question = match map.get("question") {
            Some(Value::String(q)) if !q.trim().is_empty() => q.clone(),
            Some(Value::String(_)) => return Err(Outcome::invalid("question", "empty")),
            None | Some(Value::Null) => return Err(Outcome::invalid("question", "missing")),
            Some(_) => return Err(Outcome::invalid("question", "expected a string")),
        };
        let email = string_field(&map, "email", false)?;
        let language = string_field(&map, "language", false)?;
        // Load-test mode only (the hub refuses it otherwise).
        let queue = string_field(&map, "queue", false)?.map(QueueId::from);
        Ok((
            Customer {
                name,
                email,
                language,
                ..Customer::default()
            },
            question,
            queue,
        ))
    });
    let (customer, question, queue) = match parsed {
        Ok(p) => p,
        Err(o) => return o.into_response(),
    };
    match hub.start_conversation(customer, question, queue).await {
        Ok(Ok(c)) => {
            let mut body = c.outcome.body;
            body["item"] = json!(c.item);
            body["token"] = json!(c.token);
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Ok(Err(o)) => o.into_response(),
        Err(b) => busy(b),
    }
}

async fn debug_stats(State(hub): State<Hub>) -> Response {
    if !hub.load_test() {
        return error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the stats are served in load-test mode only (--load-test-tokens)",
        );
    }
    let h = &hub.stats;
    let f = &hub.fanout().stats;
    let get = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed);
    Json(json!({
        "last_seq": hub.last_seq(),
        "hub": {
            "turns": get(&h.turns), "commands": get(&h.commands), "inputs": get(&h.inputs),
            "handle_ns": get(&h.handle_ns), "events": get(&h.events), "commit_ns": get(&h.commit_ns),
            "publish_ns": get(&h.publish_ns), "turn_ns": get(&h.turn_ns),
        },
        "fanout": {
            "subscriptions": hub.fanout().len(), "live_streams": hub.live_streams(),
            "deliveries": get(&f.deliveries), "event_deliveries": get(&f.event_deliveries),
            "lagged": get(&f.lagged),
        },
    }))
    .into_response()
}

async fn api_not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "no such API route")
}
