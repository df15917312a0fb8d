//! R25–R28 over real sockets: a supervisor's assign reaches the assignee's stream on another
//! connection; force close and a supervisor's transfer; every 403 path (an agent who is not a
//! supervisor, a supervisor outside their queues, acting as someone else) with the reason and
//! the state unchanged; `GET /api/supervisor` and its windows, for supervisors only.

mod common;
#[path = "support/ws_client.rs"]
mod ws_client;

use common::{start_with_hub, TestServer};
use omnidesk_server::hub::HubOptions;
use serde_json::{json, Value};
use ws_client::{event, open};

/// `general` (ana, bert; chat, email) supervised by sam; `vip` (cara; chat) by vera. sam is a
/// member of no queue. Load-test mode lets a test start a chat in `vip`.
const CONFIG: &str = r#"{
  "queues": [
    {"id": "general", "members": ["ana", "bert"], "channels": ["chat", "email"]},
    {"id": "vip", "members": ["cara"], "channels": ["chat"]}
  ],
  "agents": [
    {"id": "ana", "name": "Ana", "password": "pw-ana"},
    {"id": "bert", "name": "Bert", "password": "pw-bert"},
    {"id": "cara", "name": "Cara", "password": "pw-cara"},
    {"id": "sam", "name": "Sam", "supervises": ["general"], "password": "pw-sam"},
    {"id": "vera", "name": "Vera", "supervises": ["vip"], "password": "pw-vera"}
  ],
  "live_chat": {"queue": "general"}
}"#;

/// The live answer fits the OpenAPI document's schema for it.
fn documented(schema: &str, value: &Value) {
    use omnidesk_server::api::openapi::{schemas, validate};
    let schemas = schemas();
    validate(
        value,
        &json!({"$ref": format!("#/components/schemas/{schema}")}),
        &schemas,
    )
    .unwrap_or_else(|e| panic!("{schema} does not describe {value}: {e}"));
}

async fn server() -> TestServer {
    start_with_hub(
        CONFIG,
        HubOptions {
            load_test: true,
            ..HubOptions::default()
        },
    )
    .await
}

async fn chat_in(s: &TestServer, queue: &str, name: &str) -> String {
    let (status, body) = s
        .post(
            "/api/conversations",
            None,
            json!({"name": name, "question": "hello?", "queue": queue}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["item"].as_str().unwrap().to_owned()
}

async fn ok(s: &TestServer, token: &str, id: &str, input: Value) -> Value {
    let (status, body) = s.act(token, id, input).await;
    assert_eq!(status, 200, "{id}: {body}");
    body
}

/// An action refused with 403: the reason, and nothing in the log or the state changed.
async fn forbidden(s: &TestServer, token: &str, id: &str, input: Value, reason: &str) {
    let (before, seq) = s.state(token).await;
    let (status, body) = s.act(token, id, input).await;
    assert_eq!(status, 403, "{id}: {body}");
    assert_eq!(body["error"], "forbidden", "{body}");
    assert!(
        body["reason"].as_str().unwrap().contains(reason),
        "{id}: {body}"
    );
    let (after, seq_after) = s.state(token).await;
    assert_eq!((before, seq), (after, seq_after), "{id} changed the state");
}

/// R25: sam, on his own socket, assigns an Open chat to ana; her stream (another connection)
/// shows `assigned` by sam, and the item is in her My work items.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r25_a_supervisor_assigns_and_the_agent_s_stream_shows_it() {
    let s = server().await;
    let (ana, sam) = (s.login("ana").await, s.login("sam").await);
    let mut ana_ws = open(&s.base, &ana, 0).await;
    ok(&s, &ana, "a1", json!({"input": "sign_in"})).await;
    ok(
        &s,
        &ana,
        "a2",
        json!({"input": "set_presence", "status": "away"}),
    )
    .await;
    let item = chat_in(&s, "general", "Olga Open").await;

    let mut sam_ws = open(&s.base, &sam, 0).await;
    ws_client::send(
        &mut sam_ws,
        json!({"type": "action", "action_id": "s1",
               "input": {"input": "assign", "by": "sam", "item": item, "agent": "ana"}}),
    )
    .await;
    let result = loop {
        let f = ws_client::recv(&mut sam_ws).await;
        if f["type"] == "result" {
            break f;
        }
    };
    assert_eq!(result["status"], 200, "{result}");
    let assigned = event(&mut ana_ws, |e| {
        e["event"] == "assigned" && e["item"] == item
    })
    .await;
    assert_eq!(
        (&assigned["agent"], &assigned["by"]),
        (&json!("ana"), &json!("sam"))
    );
    let (status, work) = s.get("/api/work", Some(&ana)).await;
    assert_eq!(status, 200, "{work}");
    assert!(
        work["my"].as_array().unwrap().contains(&json!(item)),
        "{work}"
    );
    let (snap, _) = s.state(&sam).await;
    assert_eq!(snap["items"][&item]["state"], "active");
    assert_eq!(snap["items"][&item]["agent"], "ana");
}

/// R25: an agent who is not a supervisor can't assign (403 with the reason, nothing changes),
/// nor act as the supervisor by naming him in `by`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r25_an_agent_trying_to_assign_gets_403() {
    let s = server().await;
    let (ana, bert) = (s.login("ana").await, s.login("bert").await);
    let _ana_ws = open(&s.base, &ana, 0).await;
    let _bert_ws = open(&s.base, &bert, 0).await;
    ok(&s, &ana, "a1", json!({"input": "sign_in"})).await;
    ok(
        &s,
        &ana,
        "a2",
        json!({"input": "set_presence", "status": "away"}),
    )
    .await;
    let item = chat_in(&s, "general", "Nora Nobody").await;
    forbidden(
        &s,
        &bert,
        "b1",
        json!({"input": "assign", "by": "bert", "item": item, "agent": "ana"}),
        "which you don't supervise",
    )
    .await;
    forbidden(
        &s,
        &bert,
        "b2",
        json!({"input": "assign", "by": "sam", "item": item, "agent": "ana"}),
        "act only as yourself",
    )
    .await;
    forbidden(
        &s,
        &bert,
        "b3",
        json!({"input": "force_close", "by": "bert", "item": item}),
        "which you don't supervise",
    )
    .await;
}

/// R25–R27: sam supervises `general` only: on a `vip` item his assign, force close and
/// transfer are 403 with the reason, and the state is unchanged; vera, who supervises `vip`,
/// may.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r25_r27_a_supervisor_outside_their_queues_gets_403_and_state_is_unchanged() {
    let s = server().await;
    let (cara, sam, vera) = (
        s.login("cara").await,
        s.login("sam").await,
        s.login("vera").await,
    );
    let _cara_ws = open(&s.base, &cara, 0).await;
    ok(&s, &cara, "c1", json!({"input": "sign_in"})).await;
    ok(
        &s,
        &cara,
        "c2",
        json!({"input": "set_presence", "status": "away"}),
    )
    .await;
    let item = chat_in(&s, "vip", "Victor Vip").await;
    for (id, input) in [
        (
            "s1",
            json!({"input": "assign", "by": "sam", "item": item, "agent": "cara"}),
        ),
        (
            "s2",
            json!({"input": "force_close", "by": "sam", "item": item}),
        ),
        (
            "s3",
            json!({"input": "transfer", "by": "sam", "item": item, "queue": "general"}),
        ),
    ] {
        forbidden(
            &s,
            &sam,
            id,
            input,
            "queue \"vip\", which you don't supervise",
        )
        .await;
    }
    let body = ok(
        &s,
        &vera,
        "v1",
        json!({"input": "assign", "by": "vera", "item": item, "agent": "cara"}),
    )
    .await;
    assert!(body["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["event"] == "assigned" && e["by"] == "vera"));
}

/// R26 and R27: a supervisor force-closes an agent's Active chat (the agent's stream shows it
/// closed by him), and transfers another one to a queue he doesn't supervise (allowed: the
/// item's queue is his).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r26_r27_force_close_and_transfer_by_a_supervisor() {
    let s = server().await;
    let (ana, sam) = (s.login("ana").await, s.login("sam").await);
    let mut ana_ws = open(&s.base, &ana, 0).await;
    ok(&s, &ana, "a1", json!({"input": "sign_in"})).await;
    let item = chat_in(&s, "general", "Fay Forced").await;
    event(&mut ana_ws, |e| {
        e["event"] == "offered" && e["item"] == item
    })
    .await;
    ok(&s, &ana, "a2", json!({"input": "accept", "item": item})).await;
    ok(
        &s,
        &sam,
        "s1",
        json!({"input": "force_close", "by": "sam", "item": item}),
    )
    .await;
    let closed = event(&mut ana_ws, |e| e["event"] == "closed" && e["item"] == item).await;
    assert_eq!(closed["by"], "sam", "{closed}");
    let (snap, _) = s.state(&sam).await;
    assert_eq!(snap["items"][&item]["state"], "closed");
    // Closed already: the core's refusal (409), not a 403.
    let (status, body) = s
        .act(
            &sam,
            "s2",
            json!({"input": "force_close", "by": "sam", "item": item}),
        )
        .await;
    assert_eq!(status, 409, "{body}");

    ok(
        &s,
        &ana,
        "a3",
        json!({"input": "set_presence", "status": "away"}),
    )
    .await;
    let other = chat_in(&s, "general", "Tom Transfer").await;
    let body = ok(
        &s,
        &sam,
        "s3",
        json!({"input": "transfer", "by": "sam", "item": other, "queue": "vip"}),
    )
    .await;
    assert!(
        body["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "transferred"),
        "{body}"
    );
    let (snap, _) = s.state(&sam).await;
    assert_eq!(snap["items"][&other]["queue"], "vip");
}

/// R28: `GET /api/supervisor` gives sam his queue's figures and the first rows; the windows go
/// on after the last id; agents who supervise nothing and customers get 403 with the reason;
/// a bad `limit` is 422 naming it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r28_the_supervisor_view_over_http_for_supervisors_only() {
    let s = server().await;
    let (ana, sam) = (s.login("ana").await, s.login("sam").await);
    let _ana_ws = open(&s.base, &ana, 0).await;
    ok(&s, &ana, "a1", json!({"input": "sign_in"})).await;
    ok(
        &s,
        &ana,
        "a2",
        json!({"input": "set_presence", "status": "away"}),
    )
    .await;
    let first = chat_in(&s, "general", "Ada One").await;
    let second = chat_in(&s, "general", "Ben Two").await;
    chat_in(&s, "vip", "Not Sams").await;

    let (status, view) = s.get("/api/supervisor", Some(&sam)).await;
    assert_eq!(status, 200, "{view}");
    documented("SupervisorAnswer", &view);
    assert_eq!(view["supervisor"], "sam");
    let queues: Vec<&String> = view["queues"].as_object().unwrap().keys().collect();
    assert_eq!(queues, ["general"], "{view}");
    assert_eq!(view["queues"]["general"]["open"], 2, "{view}");
    assert_eq!(
        (view["agent_count"].as_u64(), view["item_count"].as_u64()),
        (Some(2), Some(2))
    );
    let agents: Vec<&Value> = view["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["id"])
        .collect();
    assert_eq!(agents, [&json!("ana"), &json!("bert")]);
    assert_eq!(view["agents"][0]["presence"], "away");
    let mut items: Vec<String> = vec![first.clone(), second.clone()];
    items.sort();
    assert_eq!(view["items"][0]["id"], items[0]);
    assert_eq!(view["items"][0]["state"], "open");

    // Windows of one row: the next starts after the last id, and the last one says so.
    let (status, page) = s.get("/api/supervisor/agents?limit=1", Some(&sam)).await;
    assert_eq!(status, 200, "{page}");
    documented("SupervisorAgents", &page);
    assert_eq!(
        (&page["agents"][0]["id"], &page["next_after"]),
        (&json!("ana"), &json!("ana"))
    );
    let (_, page) = s
        .get("/api/supervisor/agents?after=ana&limit=1", Some(&sam))
        .await;
    assert_eq!(page["agents"][0]["id"], "bert", "{page}");
    let (_, page) = s
        .get("/api/supervisor/agents?after=bert&limit=1", Some(&sam))
        .await;
    assert_eq!(
        (page["agents"].as_array().map(Vec::len), &page["next_after"]),
        (Some(0), &Value::Null)
    );
    let (_, page) = s
        .get(
            &format!("/api/supervisor/items?after={}", items[0]),
            Some(&sam),
        )
        .await;
    documented("SupervisorItems", &page);
    assert_eq!(page["total"], 2, "{page}");
    assert_eq!(page["items"][0]["id"], items[1], "{page}");
    assert_eq!(page["next_after"], Value::Null);

    // Not for agents who supervise nothing, nor customers.
    let (status, body) = s.get("/api/supervisor", Some(&ana)).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["reason"]
            .as_str()
            .unwrap()
            .contains("\"ana\" supervises no queue"),
        "{body}"
    );
    let (status, _) = s.get("/api/supervisor/items", Some(&ana)).await;
    assert_eq!(status, 403);
    let (_, customer) = s.conversation("Cy Customer").await;
    let (status, body) = s.get("/api/supervisor", Some(&customer)).await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = s.get("/api/supervisor", None).await;
    assert_eq!(status, 401);
    // Bad windows name the field.
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=x", "limit"),
        ("after=ana", "after"),
    ] {
        let (status, body) = s.get(&format!("/api/supervisor?{query}"), Some(&sam)).await;
        assert_eq!(
            (status, body["field"].as_str()),
            (422, Some(field)),
            "{query}: {body}"
        );
    }
}

/// The demo centre's supervisor: sam / demo-sam sees every queue and is a member of none; its
/// push channels ask for offers to be seen within 15 s (R23), and it has quick replies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_centre_has_sam_supervising_every_queue() {
    let s = common::start_with(omnidesk_server::config::DEMO_CONFIG).await;
    let (status, body) = s
        .post(
            "/api/sessions",
            None,
            json!({"agent": "sam", "password": "demo-sam"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let sam = body["token"].as_str().unwrap().to_owned();
    let (status, view) = s.get("/api/supervisor", Some(&sam)).await;
    assert_eq!(status, 200, "{view}");
    let queues: Vec<&String> = view["queues"].as_object().unwrap().keys().collect();
    assert_eq!(queues, ["billing", "general", "vip"]);
    let agents: Vec<&Value> = view["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["id"])
        .collect();
    assert!(!agents.contains(&&json!("sam")), "{agents:?}");
    assert_eq!(agents.len(), 5);
    let (_, config) = s.get("/api/config", Some(&sam)).await;
    for channel in ["chat", "sms", "social", "voice"] {
        assert_eq!(
            config["config"]["channels"][channel]["offer_seen_timeout_ms"], 15000,
            "{channel}: {}",
            config["config"]["channels"][channel]
        );
    }
    assert!(config["config"]["channels"]["email"]
        .get("offer_seen_timeout_ms")
        .is_none_or(Value::is_null));
    assert_eq!(config["quick_replies"].as_array().unwrap().len(), 10);
}
