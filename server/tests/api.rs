//! The HTTP API over a real socket: sign-in, every input, each 401/403/409/422 case with state
//! unchanged, dedup of resent actions, two agents picking the same item at once, the customer
//! endpoint, the OpenAPI document against the router, the app's deep-link fallback, CORS.

mod common;

use common::{start, TestServer};
use serde_json::{json, Value};

fn holder(snapshot: &Value, item: &str) -> Option<String> {
    snapshot["items"][item]["agent"].as_str().map(str::to_owned)
}

fn state_of(snapshot: &Value, item: &str) -> String {
    snapshot["items"][item]["state"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_with_good_and_wrong_passwords() {
    let s = start().await;
    let (status, body) = s
        .post(
            "/api/sessions",
            None,
            json!({"agent": "ana", "password": "pw-ana"}),
        )
        .await;
    assert_eq!(status, 200);
    let token = body["token"].as_str().unwrap();
    assert_eq!(token.len(), 64);
    let (status, me) = s.get("/api/session", Some(token)).await;
    assert_eq!(status, 200);
    assert_eq!(me["principal"], json!({"kind": "agent", "agent": "ana"}));

    for (agent, password) in [("ana", "pw-bert"), ("zed", "pw-zed"), ("ana", "")] {
        let (status, body) = s
            .post(
                "/api/sessions",
                None,
                json!({"agent": agent, "password": password}),
            )
            .await;
        assert!(
            status == 401 || status == 422,
            "{agent}/{password}: {status} {body}"
        );
    }
    let (status, _) = s
        .post(
            "/api/sessions",
            None,
            json!({"agent": "ana", "password": "nope"}),
        )
        .await;
    assert_eq!(status, 401);

    // Signing out ends the token.
    let resp = s
        .http
        .delete(format!("{}/api/sessions", s.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    let (status, _) = s.get("/api/session", Some(token)).await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_input_goes_through_the_api() {
    let s = start().await;
    let ana = s.login("ana").await;
    let bert = s.login("bert").await;
    let cara = s.login("cara").await;
    let tok = |a: &str| match a {
        "ana" => ana.clone(),
        "bert" => bert.clone(),
        _ => cara.clone(),
    };
    let ok = |(status, body): (u16, Value)| {
        assert_eq!(status, 200, "{body}");
        body
    };
    ok(s.act(&ana, "1", json!({"input": "sign_in"})).await);
    ok(
        s.act(&bert, "1", json!({"input": "sign_in", "agent": "bert"}))
            .await,
    );
    ok(s.act(
        &ana,
        "2",
        json!({"input": "set_presence", "status": "away"}),
    )
    .await);
    let (snap, _) = s.state(&ana).await;
    assert_eq!(snap["agents"]["ana"]["presence"], "away");
    ok(s.act(&ana, "3", json!({"input": "reset_presence"})).await);
    let (snap, _) = s.state(&ana).await;
    assert_eq!(snap["agents"]["ana"]["presence"], "available");

    // A customer arrives: offered to one of ana/bert.
    let (c1, customer) = s.conversation("Ada").await;
    let (snap, _) = s.state(&ana).await;
    assert_eq!(state_of(&snap, &c1), "offered");
    let first = holder(&snap, &c1).unwrap();
    let other = if first == "ana" { "bert" } else { "ana" };
    ok(
        s.act(&tok(&first), "r1", json!({"input": "reject", "item": c1}))
            .await,
    );
    let (snap, _) = s.state(&ana).await;
    assert_eq!(holder(&snap, &c1).as_deref(), Some(other), "{snap}");
    ok(
        s.act(&tok(other), "a1", json!({"input": "accept", "item": c1}))
            .await,
    );
    ok(s.act(
        &tok(other),
        "m1",
        json!({"input": "agent_message", "item": c1, "text": "Hi Ada"}),
    )
    .await);
    ok(s.post(
        "/api/actions",
        Some(&customer),
        json!({"action_id": "cm1", "input": {"input": "customer_message", "text": "thanks"}}),
    )
    .await);
    ok(
        s.act(&tok(other), "w1", json!({"input": "wait", "item": c1}))
            .await,
    );
    let (snap, _) = s.state(&ana).await;
    assert_eq!(state_of(&snap, &c1), "waiting");
    ok(
        s.act(&tok(other), "o1", json!({"input": "open", "item": c1}))
            .await,
    );
    ok(
        s.act(&tok(other), "e1", json!({"input": "end", "item": c1}))
            .await,
    );
    ok(
        s.act(&tok(other), "x1", json!({"input": "close", "item": c1}))
            .await,
    );
    let (snap, _) = s.state(&ana).await;
    assert_eq!(state_of(&snap, &c1), "closed");
    ok(
        s.act(&tok(other), "re1", json!({"input": "reopen", "item": c1}))
            .await,
    );
    ok(s.act(
        &tok(other),
        "t1",
        json!({"input": "transfer", "item": c1, "queue": "vip"}),
    )
    .await);
    let (snap, _) = s.state(&ana).await;
    assert_eq!(state_of(&snap, &c1), "open");
    ok(s.act(&cara, "1", json!({"input": "sign_in"})).await);
    let (snap, _) = s.state(&cara).await;
    assert_eq!(holder(&snap, &c1).as_deref(), Some("cara"));
    ok(s.act(&cara, "2", json!({"input": "accept", "item": c1}))
        .await);
    // The customer ends it (no agent).
    ok(s.post(
        "/api/actions",
        Some(&customer),
        json!({"action_id": "end", "input": {"input": "end"}}),
    )
    .await);
    let (snap, _) = s.state(&cara).await;
    assert_eq!(state_of(&snap, &c1), "wrap_up");

    // Pick: both general agents away, an item waits Open, one picks it.
    ok(s.act(
        &ana,
        "4",
        json!({"input": "set_presence", "status": "away"}),
    )
    .await);
    ok(s.act(
        &bert,
        "4",
        json!({"input": "set_presence", "status": "away"}),
    )
    .await);
    let (c2, _) = s.conversation("Grace").await;
    let (snap, _) = s.state(&ana).await;
    assert_eq!(state_of(&snap, &c2), "open");
    ok(s.act(&bert, "p2", json!({"input": "pick", "item": c2}))
        .await);
    let (snap, _) = s.state(&ana).await;
    assert_eq!(holder(&snap, &c2).as_deref(), Some("bert"));

    // Abandon: an Open item's customer leaves.
    let (c3, c3_customer) = s.conversation("Linus").await;
    ok(s.post(
        "/api/actions",
        Some(&c3_customer),
        json!({"action_id": "bye", "input": {"input": "abandon"}}),
    )
    .await);
    let (snap, _) = s.state(&ana).await;
    assert_eq!(state_of(&snap, &c3), "closed");

    ok(s.act(&ana, "5", json!({"input": "sign_out"})).await);
    let (snap, _) = s.state(&bert).await;
    assert_eq!(snap["agents"]["ana"]["presence"], "offline");

    // The R19–R21 streams.
    let (status, work) = s.get("/api/work", Some(&bert)).await;
    assert_eq!(status, 200);
    assert_eq!(work["my"], json!([c2]));

    // The customer reads only their conversation's visible events.
    let (status, evs) = s.get("/api/events?after=0", Some(&customer)).await;
    assert_eq!(status, 200);
    let evs = evs["events"].as_array().unwrap();
    assert!(evs.iter().all(|e| e["item"] == json!(c1)), "{evs:?}");
    assert!(evs
        .iter()
        .all(|e| e["event"] != "offered" && e["event"] != "declined"));
    assert!(evs.iter().any(|e| e["event"] == "agent_message"));
}

async fn unchanged<F, Fut>(s: &TestServer, token: &str, f: F) -> (u16, Value)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = (u16, Value)>,
{
    let (before, seq_before) = s.state(token).await;
    let out = f().await;
    let (after, seq_after) = s.state(token).await;
    assert_eq!(before, after, "state changed by {out:?}");
    if out.0 != 409 {
        assert_eq!(
            seq_before, seq_after,
            "a refused request logged events: {out:?}"
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_leave_state_unchanged() {
    let s = start().await;
    let ana = s.login("ana").await;
    let bert = s.login("bert").await;
    let cara = s.login("cara").await;
    assert_eq!(s.act(&ana, "1", json!({"input": "sign_in"})).await.0, 200);
    assert_eq!(s.act(&bert, "1", json!({"input": "sign_in"})).await.0, 200);
    let (c1, customer) = s.conversation("Ada").await;
    let (snap, _) = s.state(&ana).await;
    let first = holder(&snap, &c1).unwrap();
    let (holder_tok, other_tok) = if first == "ana" {
        (&ana, &bert)
    } else {
        (&bert, &ana)
    };
    let _ = holder_tok;

    // 401: no token, bad token.
    let (st, body) = s
        .post(
            "/api/actions",
            None,
            json!({"action_id": "x", "input": {"input": "sign_out"}}),
        )
        .await;
    assert_eq!(st, 401, "{body}");
    let (st, _) = s
        .post(
            "/api/actions",
            Some("deadbeef"),
            json!({"action_id": "x", "input": {"input": "sign_out"}}),
        )
        .await;
    assert_eq!(st, 401);
    let (st, _) = s.get("/api/snapshot", None).await;
    assert_eq!(st, 401);

    // 403: acting as someone else, on someone else's offer, outside one's queues, customer-only
    // and server-only inputs, a customer on another conversation or sending agent inputs.
    let cases: Vec<(&String, Value, &str)> = vec![
        (
            &ana,
            json!({"input": "set_presence", "agent": "bert", "status": "away"}),
            "act only as yourself",
        ),
        (
            other_tok,
            json!({"input": "accept", "item": c1}),
            "held by another agent",
        ),
        (&cara, json!({"input": "pick", "item": c1}), "not a member"),
        (
            &ana,
            json!({"input": "arrive", "item": "z", "channel": "chat", "queue": "general", "customer": {"name": "Z"}}),
            "customer endpoint",
        ),
        (
            &ana,
            json!({"input": "customer_message", "item": c1, "text": "x"}),
            "customer",
        ),
        (&ana, json!({"input": "tick"}), "clock"),
        (
            &customer,
            json!({"input": "accept", "agent": "ana", "item": c1}),
            "customer may send only",
        ),
        (
            &customer,
            json!({"input": "customer_message", "item": "other", "text": "x"}),
            "own conversation",
        ),
    ];
    for (i, (token, input, reason)) in cases.into_iter().enumerate() {
        let id = format!("f{i}");
        let (st, body) = unchanged(&s, &ana, || s.act(token, &id, input.clone())).await;
        assert_eq!(st, 403, "{input}: {body}");
        assert!(
            body["reason"].as_str().unwrap().contains(reason),
            "{input}: {body}"
        );
    }
    let (st, _) = s.get("/api/snapshot", Some(&customer)).await;
    assert_eq!(st, 403);

    // 409: the core refuses; the reason is the core's.
    let (st, body) = unchanged(&s, &ana, || {
        s.act(&ana, "again", json!({"input": "sign_in"}))
    })
    .await;
    assert_eq!(st, 409, "{body}");
    assert_eq!(body["error"], "rejected");
    assert!(
        body["reason"]
            .as_str()
            .unwrap()
            .contains("already signed in"),
        "{body}"
    );
    let (st, body) = unchanged(&s, &ana, || {
        s.act(
            &ana,
            "unknown-item",
            json!({"input": "close", "item": "nope"}),
        )
    })
    .await;
    assert_eq!(st, 409, "{body}");

    // 422: malformed input, naming the field.
    let bad: Vec<(String, &str)> = vec![
        ("{not json".into(), "(body)"),
        ("[1,2]".into(), "(body)"),
        (json!({"input": {"input": "sign_in"}}).to_string(), "action_id"),
        (json!({"action_id": 5, "input": {"input": "sign_in"}}).to_string(), "action_id"),
        (json!({"action_id": "m"}).to_string(), "input"),
        (json!({"action_id": "m", "input": {"input": "fly"}}).to_string(), "input.input"),
        (json!({"action_id": "m", "input": {"input": "pick"}}).to_string(), "input.item"),
        (json!({"action_id": "m", "input": {"input": "transfer", "item": c1, "queue": "nowhere"}}).to_string(), "input.queue"),
        (json!({"action_id": "m", "input": {"input": "set_presence", "status": 7}}).to_string(), "input.status"),
        (json!({"action_id": "m", "input": {"input": "accept", "agent": "zed", "item": c1}}).to_string(), "input.agent"),
    ];
    for (body, field) in bad {
        let (st, resp) = unchanged(&s, &ana, || {
            s.post_raw("/api/actions", Some(&ana), body.clone())
        })
        .await;
        assert_eq!(st, 422, "{body}: {resp}");
        assert_eq!(resp["field"], field, "{body}: {resp}");
    }
    // Over 64 KiB: refused whole.
    let big = json!({"action_id": "big", "input": {"input": "agent_message", "item": c1, "text": "x".repeat(70_000)}});
    let (st, _) = unchanged(&s, &ana, || s.post("/api/actions", Some(&ana), big.clone())).await;
    assert_eq!(st, 413);
    let (st, resp) = s
        .post("/api/conversations", None, json!({"name": "No question"}))
        .await;
    assert_eq!((st, resp["field"].clone()), (422, json!("question")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resent_action_is_applied_once_and_answered_the_same() {
    let s = start().await;
    let ana = s.login("ana").await;
    let (st1, b1) = s.act(&ana, "same", json!({"input": "sign_in"})).await;
    assert_eq!(st1, 200);
    let (_, seq) = s.state(&ana).await;
    let resp = s
        .http
        .post(format!("{}/api/actions", s.base))
        .bearer_auth(&ana)
        .json(&json!({"client_id": "test", "action_id": "same", "input": {"input": "sign_in"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["x-omnidesk-replayed"], "true");
    let b2: Value = resp.json().await.unwrap();
    assert_eq!(b1, b2);
    let (_, seq2) = s.state(&ana).await;
    assert_eq!(seq, seq2, "the resend was applied again");
    // Another client id is another action (and the core refuses a second sign_in).
    let (st, _) = s
        .post(
            "/api/actions",
            Some(&ana),
            json!({"client_id": "tab2", "action_id": "same", "input": {"input": "sign_in"}}),
        )
        .await;
    assert_eq!(st, 409);
    // The same id with a different input is a client bug: 422 on action_id.
    let (st, body) = s.act(&ana, "same", json!({"input": "sign_out"})).await;
    assert_eq!((st, body["field"].clone()), (422, json!("action_id")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_pick_the_same_item_at_once_exactly_one_wins() {
    let s = start().await;
    let ana = s.login("ana").await;
    let bert = s.login("bert").await;
    for t in [&ana, &bert] {
        assert_eq!(s.act(t, "in", json!({"input": "sign_in"})).await.0, 200);
        assert_eq!(
            s.act(
                t,
                "away",
                json!({"input": "set_presence", "status": "away"})
            )
            .await
            .0,
            200
        );
    }
    for round in 0..5 {
        let (item, _) = s.conversation(&format!("Customer {round}")).await;
        let id = format!("pick-{round}");
        let a = s.act(&ana, &id, json!({"input": "pick", "item": item}));
        let b = s.act(&bert, &id, json!({"input": "pick", "item": item}));
        let ((sa, ba), (sb, bb)) = tokio::join!(a, b);
        let mut statuses = [sa, sb];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "{ba} {bb}");
        let loser = if sa == 409 { &ba } else { &bb };
        assert_eq!(loser["error"], "rejected");
        assert!(!loser["reason"].as_str().unwrap().is_empty(), "{loser}");
        let (snap, _) = s.state(&ana).await;
        let winner = if sa == 200 { "ana" } else { "bert" };
        assert_eq!(holder(&snap, &item).as_deref(), Some(winner));
        assert_eq!(state_of(&snap, &item), "active");
    }
}

/// `GET /api/config`: the core's configuration for the browser's replica engine, to agents only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_config_is_served_to_agents_only() {
    let s = start().await;
    let (status, body) = s.get("/api/config", None).await;
    assert_eq!(status, 401, "{body}");
    let (status, _) = s.get("/api/config", Some("not-a-token")).await;
    assert_eq!(status, 401);
    let (_, customer) = s.conversation("Ada").await;
    let (status, body) = s.get("/api/config", Some(&customer)).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"], "forbidden");

    let ana = s.login("ana").await;
    assert_eq!(s.act(&ana, "in", json!({"input": "sign_in"})).await.0, 200);
    let (status, body) = s.get("/api/config", Some(&ana)).await;
    assert_eq!(status, 200, "{body}");
    let config: omnidesk_core::Config = serde_json::from_value(body["config"].clone()).unwrap();
    assert_eq!(config, s.running.hub.config.core);
    let (_, health) = s.get("/api/health", None).await;
    assert!(body["last_seq"].as_u64().unwrap() >= 2, "{body}");
    assert_eq!(body["last_seq"], health["last_seq"]);
}

/// The router's API routes and the document's operations are one list
/// (`http::api_routes`); this checks that every entry is really documented, that the served
/// document is exactly that list, and that each operation answers on a live server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_route_is_documented_and_routed() {
    use omnidesk_server::api::{openapi, routes};
    use std::collections::BTreeSet;
    let s = start().await;
    let (status, doc) = s.get("/api/openapi.json", None).await;
    assert_eq!(status, 200);
    let routes = routes::table();
    assert_eq!(doc, openapi::document(&routes));
    // Routed ⇔ documented: the document's operations are exactly the router's table.
    let routed: Vec<(String, String)> = routes
        .iter()
        .map(|r| (r.method.as_str().to_owned(), r.path.clone()))
        .collect();
    let routed_set: BTreeSet<_> = routed.iter().cloned().collect();
    assert_eq!(routed_set.len(), routed.len(), "a route twice: {routed:?}");
    let documented: BTreeSet<_> = openapi::operations(&doc).into_iter().collect();
    let unrouted: Vec<_> = documented.difference(&routed_set).collect();
    assert!(
        unrouted.is_empty(),
        "documented but not routes: {unrouted:?}"
    );
    let undocumented: Vec<_> = routed_set.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes but not documented: {undocumented:?}"
    );
    assert!(routed.len() >= 11, "{routed:?}");
    // Each one is really documented: a summary and a success response.
    for r in &routes {
        let op = &r.operation;
        let what = format!("{} {}", r.method, r.path);
        assert!(
            op["summary"].as_str().is_some_and(|t| !t.trim().is_empty()),
            "{what} is routed without documentation (no summary): {op}"
        );
        let responses = op["responses"].as_object();
        assert!(
            responses.is_some_and(|m| m.keys().any(|c| c.starts_with('1') || c.starts_with('2'))),
            "{what} is routed without documentation (no success response): {op}"
        );
        assert!(r.path.starts_with("/api/"), "{what}");
    }
    // And each answers on the live server (no 404/405); other methods on its path are 405.
    let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    for path in routed.iter().map(|(_, p)| p).collect::<BTreeSet<_>>() {
        for method in methods {
            let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let resp = s
                .http
                .request(m, format!("{}{path}", s.base))
                .send()
                .await
                .unwrap();
            let st = resp.status().as_u16();
            let json = resp
                .headers()
                .get("content-type")
                .is_some_and(|c| c == "application/json");
            assert!(json, "{method} {path}: {st} is not JSON");
            if documented.contains(&(method.to_owned(), path.clone())) {
                assert!(
                    st != 404 && st != 405,
                    "{method} {path} is documented but not routed ({st})"
                );
            } else {
                assert_eq!(st, 405, "{method} {path} answers but is not documented");
            }
        }
    }
    let (status, _) = s.get("/api/undocumented", None).await;
    assert_eq!(status, 404);
    // Deep links get the app.
    let resp = s
        .http
        .get(format!("{}/sessions/42", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.text().await.unwrap().contains("omnidesk test app"));
}

/// axum cannot list a router's routes, so this guards the one way around the table: the
/// server's sources add routes only in `api::router` (api/mod.rs), from `routes::table()` plus
/// the `/api` catch-all (404), and never nest or merge routers.
#[test]
fn routes_are_added_only_through_the_table() {
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
    let mut files = Vec::new();
    sources(dir, &mut files);
    assert!(files.len() >= 10, "{files:?}");
    let mut found = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for (n, line) in text.lines().enumerate() {
            for call in [
                ".route(",
                ".route_service(",
                ".nest(",
                ".nest_service(",
                ".merge(",
            ] {
                if line.contains(call) {
                    found.push(format!("{name}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    let expected = [
        "api = api.route(&r.path, r.route);",
        ".route(\"/api/{*rest}\", any(api_not_found))",
    ];
    let unexpected: Vec<&String> = found
        .iter()
        .filter(|f| !(f.starts_with("api/mod.rs:") && expected.iter().any(|e| f.ends_with(e))))
        .collect();
    assert!(
        unexpected.is_empty() && found.len() == expected.len(),
        "routes must be added through api::routes::table (which documents them); found {found:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_allows_only_configured_origins() {
    let s = start().await;
    let preflight = |origin: &'static str| {
        s.http
            .request(reqwest::Method::OPTIONS, format!("{}/api/actions", s.base))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
    };
    let ok = preflight("http://allowed.example").await.unwrap();
    assert_eq!(
        ok.headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap()),
        Some("http://allowed.example")
    );
    let bad = preflight("http://evil.example").await.unwrap();
    assert!(bad.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timers_fire_from_the_server_clock() {
    // Offers ring 300 ms here; nobody answers, so the server's own tick expires it (R13).
    let config = common::CONFIG.replace(
        r#"{"id": "chat", "async": true}"#,
        r#"{"id": "chat", "async": true, "offer_timeout_ms": 300}"#,
    );
    let s = common::start_with(&config).await;
    let ana = s.login("ana").await;
    assert_eq!(s.act(&ana, "in", json!({"input": "sign_in"})).await.0, 200);
    let (item, _) = s.conversation("Ada").await;
    let (snap, _) = s.state(&ana).await;
    assert_eq!(state_of(&snap, &item), "offered");
    let mut expired = false;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let (snap, _) = s.state(&ana).await;
        if snap["agents"]["ana"]["presence"] == "inactive" {
            assert_eq!(state_of(&snap, &item), "open");
            assert_eq!(snap["items"][&item]["declines"], 1);
            expired = true;
            break;
        }
    }
    assert!(expired, "the offer never expired");
}
