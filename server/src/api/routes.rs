//! The one table of API operations: method, path, handler and OpenAPI operation object. The
//! router's API routes are built from it and nothing else ([`super::router`]), and the
//! document's `paths` are generated from it ([`super::openapi`]), so a route cannot exist
//! undocumented nor a documented operation without a route.

use super::doc::{bearer, body, errors, ok, ok_schema};
use super::{actions, conversations, debug, doc, quick_replies, reads, sessions, supervisor, ws};
use crate::hub::Hub;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{on, MethodFilter, MethodRouter};
use omnidesk_wire::http::paths;
use serde_json::{json, Value};

/// One operation of the JSON API. See the module doc.
pub struct ApiRoute {
    pub method: Method,
    /// The axum path, which is also the OpenAPI path (`{param}` in both).
    pub path: String,
    /// The OpenAPI operation object (summary, security, requestBody, responses, …).
    pub operation: Value,
    pub(super) route: MethodRouter<Hub>,
}

fn op<H, T>(method: Method, path: &str, handler: H, operation: Value) -> ApiRoute
where
    H: Handler<T, Hub>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a method axum routes");
    ApiRoute {
        method,
        path: format!("/{path}"),
        operation,
        route: on(filter, handler),
    }
}

/// `after` and `limit` of a window of the supervisor's lists.
fn window_parameters() -> Value {
    json!([
        {"name": "after", "in": "query", "schema": {"type": "string", "minLength": 1}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}
    ])
}

/// Every API operation, in document order.
pub fn table() -> Vec<ApiRoute> {
    vec![
        op(
            Method::GET,
            paths::HEALTH,
            reads::health,
            json!({
            "summary": "Liveness and the last durable seq.",
            "responses": ok_schema("200", "OK", "Health")}),
        ),
        op(
            Method::GET,
            paths::OPENAPI,
            doc::serve,
            json!({
            "summary": "This document.",
            "responses": ok("200", "OK")}),
        ),
        op(
            Method::POST,
            paths::SESSIONS,
            sessions::sign_in,
            json!({
            "summary": "Agent sign-in with credentials; returns a session token.",
            "requestBody": body("SignIn"),
            "responses": errors(ok_schema("200", "Signed in.", "SignedIn"), &["401", "413", "422", "503"])}),
        ),
        op(
            Method::DELETE,
            paths::SESSIONS,
            sessions::sign_out,
            json!({
            "summary": "Ends the session of the bearer token.", "security": bearer(),
            "responses": errors(ok("204", "Signed out"), &["401", "503"])}),
        ),
        op(
            Method::GET,
            paths::SESSION,
            sessions::whoami,
            json!({
            "summary": "The principal of the bearer token.", "security": bearer(),
            "responses": errors(ok_schema("200", "The session's principal.", "Whoami"), &["401"])}),
        ),
        op(
            Method::POST,
            paths::ACTIONS,
            actions::act,
            json!({
            "summary": "Sends one input (an action) to the routing core.", "security": bearer(),
            "requestBody": body("Action"),
            "responses": errors(ok_schema("200", "Applied; the events it caused (header x-omnidesk-replayed on a resend).", "Applied"),
                &["401", "403", "409", "413", "422", "503"])}),
        ),
        op(
            Method::GET,
            paths::EVENTS,
            reads::events,
            json!({
            "summary": "Logged events after a seq (customers: their conversation's visible events).", "security": bearer(),
            "parameters": [
                {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}}
            ],
            "responses": errors(ok_schema("200", "One page; the next is after `next_after`, an empty one is the end.", "EventsPage"), &["401", "422", "503"])}),
        ),
        op(
            Method::GET,
            paths::SNAPSHOT,
            reads::snapshot,
            json!({
            "summary": "The engine snapshot (scenarios.md's shape); agents only.", "security": bearer(),
            "responses": errors(ok_schema("200", "The snapshot.", "SnapshotAnswer"), &["401", "403", "503"])}),
        ),
        op(
            Method::GET,
            paths::CONFIG,
            reads::config,
            json!({
            "summary": "The routing core's configuration (omnidesk-core's `Config`, serde's JSON), from which a browser builds its replica engine before following the event stream from seq 0; agents only.", "security": bearer(),
            "responses": errors(ok_schema("200", "The configuration.", "ConfigAnswer"), &["401", "403"])}),
        ),
        op(
            Method::GET,
            paths::WORK,
            reads::work,
            json!({
            "summary": "The signed-in agent's streams: my (R19), open (R20), closed (R21).", "security": bearer(),
            "responses": errors(ok_schema("200", "The streams.", "Work"), &["401", "403", "503"])}),
        ),
        op(
            Method::GET,
            paths::SUPERVISOR,
            supervisor::overview,
            json!({
            "summary": "R28, supervisors only: every supervised queue's figures (Open, Offered, held, longest wait, the last hour's service level), how many agents and items the lists hold, and the first `limit` rows of each (default 100, at most 1000).", "security": bearer(),
            "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
            "responses": errors(ok_schema("200", "The supervisor's view.", "SupervisorAnswer"), &["401", "403", "422", "503"])}),
        ),
        op(
            Method::GET,
            paths::SUPERVISOR_AGENTS,
            supervisor::agents,
            json!({
            "summary": "R28, supervisors only: a window of the members of the supervised queues, in id order, after the agent `after`.", "security": bearer(),
            "parameters": window_parameters(),
            "responses": errors(ok_schema("200", "One window; the next is after `next_after` (null: the end).", "SupervisorAgents"), &["401", "403", "422", "503"])}),
        ),
        op(
            Method::GET,
            paths::SUPERVISOR_ITEMS,
            supervisor::items,
            json!({
            "summary": "R28, supervisors only: a window of the items not Closed in the supervised queues, in id order, after the item `after`.", "security": bearer(),
            "parameters": window_parameters(),
            "responses": errors(ok_schema("200", "One window; the next is after `next_after` (null: the end).", "SupervisorItems"), &["401", "403", "422", "503"])}),
        ),
        op(
            Method::GET,
            paths::MY_QUICK_REPLIES,
            quick_replies::list,
            json!({
            "summary": "The signed-in agent's personal quick replies, oldest first (the centre's come with /api/config).", "security": bearer(),
            "responses": errors(ok_schema("200", "The replies.", "QuickReplies"), &["401", "403", "503"])}),
        ),
        op(
            Method::POST,
            paths::MY_QUICK_REPLIES,
            quick_replies::create,
            json!({
            "summary": "Adds a personal quick reply (at most 200 per agent; title ≤ 120 characters, text ≤ 4000, at most 10 tags of ≤ 40).", "security": bearer(),
            "requestBody": body("QuickReplyDraft"),
            "responses": errors(ok_schema("201", "Created, with its id.", "QuickReply"), &["401", "403", "413", "422", "503"])}),
        ),
        op(
            Method::PUT,
            paths::MY_QUICK_REPLY,
            quick_replies::update,
            json!({
            "summary": "Replaces one of the agent's personal quick replies.", "security": bearer(),
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": body("QuickReplyDraft"),
            "responses": errors(ok_schema("200", "Replaced.", "QuickReply"), &["401", "403", "404", "413", "422", "503"])}),
        ),
        op(
            Method::DELETE,
            paths::MY_QUICK_REPLY,
            quick_replies::delete,
            json!({
            "summary": "Deletes one of the agent's personal quick replies.", "security": bearer(),
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": errors(ok("204", "Deleted."), &["401", "403", "404", "503"])}),
        ),
        op(
            Method::POST,
            paths::CONVERSATIONS,
            conversations::start,
            json!({
            "summary": "A customer starts a live chat: an `arrive` on chat in the live-chat queue; returns a token for this conversation alone.",
            "requestBody": body("StartConversation"),
            "responses": errors(ok_schema("201", "Started.", "ConversationStarted"), &["404", "409", "413", "422", "503"])}),
        ),
        op(
            Method::GET,
            paths::DEBUG_STATS,
            debug::stats,
            json!({
            "summary": "Load-test mode only (`--load-test-tokens`): the hub's counters (turns, inputs, time inside the core, commit and fan-out time) and the fan-out's; 403 otherwise.",
            "responses": errors(ok_schema("200", "The counters.", "DebugStats"), &["403"])}),
        ),
        op(
            Method::GET,
            paths::WS,
            ws::upgrade,
            json!({
            "summary": "WebSocket upgrade: auth in the first frame, actions, and the event stream (frames: the ClientFrame and ServerFrame schemas, omnidesk-wire's `frames`).",
            "responses": errors(ok("101", "Switching protocols"), &["403"])}),
        ),
    ]
}
