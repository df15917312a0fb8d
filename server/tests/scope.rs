//! Issue 18 §4, read scope, over real sockets: an agent's socket, its catch-up and `GET
//! /api/events` carry the items of the agent's queues and those they were offered or held,
//! and the presence of their queue-mates — never another queue's customer text. An item that
//! enters the scope later (a transfer into the queue, a supervisor's assign, R25/R27) arrives
//! with its history, so the agent's replica has it right. A supervisor sees their queues.

mod common;
#[path = "support/ws_client.rs"]
mod ws_client;

use common::{start_with_hub, TestServer};
use omnidesk_server::hub::HubOptions;
use serde_json::{json, Value};
use ws_client::{recv, send, Ws};

/// `general` (ana, bert), `vip` (cara) supervised by sam, who is a member of none. Load-test
/// mode lets a test start a chat in `vip`.
const CONFIG: &str = r#"{
  "queues": [
    {"id": "general", "members": ["ana", "bert"], "channels": ["chat", "email"]},
    {"id": "vip", "members": ["cara"], "channels": ["chat"]}
  ],
  "agents": [
    {"id": "ana", "name": "Ana", "password": "pw-ana"},
    {"id": "bert", "name": "Bert", "password": "pw-bert"},
    {"id": "cara", "name": "Cara", "password": "pw-cara"},
    {"id": "sam", "name": "Sam", "supervises": ["vip"], "password": "pw-sam"}
  ],
  "live_chat": {"queue": "general"}
}"#;

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

async fn head(s: &TestServer) -> u64 {
    s.get("/api/health", None).await.1["last_seq"]
        .as_u64()
        .unwrap()
}

/// A socket authenticated with `token`, subscribed after `after`, caught up; returns it and
/// the frames of the catch-up (up to and without `caught_up`).
async fn caught_up(s: &TestServer, token: &str, after: u64) -> (Ws, Vec<Value>) {
    let mut ws = ws_client::connect(&s.base).await;
    send(&mut ws, json!({"type": "auth", "token": token})).await;
    assert_eq!(recv(&mut ws).await["type"], "authenticated");
    send(
        &mut ws,
        json!({"type": "subscribe", "after": after, "caught_up": true}),
    )
    .await;
    let mut frames = Vec::new();
    loop {
        let f = recv(&mut ws).await;
        match f["type"].as_str() {
            Some("caught_up") => return (ws, frames),
            Some("event") | Some("history") => frames.push(f),
            _ => panic!("unexpected frame {f}"),
        }
    }
}

/// Every frame until (and with) the event that satisfies `marker`.
async fn until(ws: &mut Ws, marker: impl Fn(&Value) -> bool) -> Vec<Value> {
    let mut frames = Vec::new();
    loop {
        let f = recv(ws).await;
        assert_ne!(f["type"], "resync", "{f}");
        let done = f["type"] == "event" && marker(&f["event"]);
        frames.push(f);
        if done {
            return frames;
        }
    }
}

/// The whole log `token` may read, page by page.
async fn all_events(s: &TestServer, token: &str) -> Vec<Value> {
    let mut after = 0;
    let mut out = Vec::new();
    loop {
        let (status, page) = s
            .get(&format!("/api/events?after={after}&limit=50"), Some(token))
            .await;
        assert_eq!(status, 200, "{page}");
        let events = page["events"].as_array().unwrap();
        out.extend(events.iter().cloned());
        let next = page["next_after"].as_u64().unwrap();
        if next == after || next >= page["last_seq"].as_u64().unwrap() {
            return out;
        }
        after = next;
    }
}

/// A chat in `queue` with its first message; returns (item, the customer's token).
async fn chat(s: &TestServer, queue: &str, question: &str) -> (String, String) {
    let (status, body) = s
        .post(
            "/api/conversations",
            None,
            json!({"name": "Customer", "question": question, "queue": queue}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    (
        body["item"].as_str().unwrap().to_owned(),
        body["token"].as_str().unwrap().to_owned(),
    )
}

async fn ok(s: &TestServer, token: &str, id: &str, input: Value) -> Value {
    let (status, body) = s.act(token, id, input).await;
    assert_eq!(status, 200, "{id}: {body}");
    body
}

async fn customer_says(s: &TestServer, token: &str, id: &str, text: &str) {
    let (status, body) = s
        .post(
            "/api/actions",
            Some(token),
            json!({"action_id": id, "input": {"input": "customer_message", "text": text}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

fn text_of(frames: &[Value]) -> String {
    frames
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The events of a socket's frames, histories included, in the order they came.
fn events_of(frames: &[Value]) -> Vec<Value> {
    let mut out = Vec::new();
    for f in frames {
        match f["type"].as_str() {
            Some("event") => out.push(f["event"].clone()),
            Some("history") => out.extend(f["events"].as_array().unwrap().iter().cloned()),
            _ => {}
        }
    }
    out
}

/// Issue 18 §4: ana (general) never receives vip's item — not its arrival, not its
/// customer's or agent's text — on her socket, in a catch-up from 0, nor in `/api/events`;
/// nor the presence of cara, who shares no queue with her; she does get bert's (general) and
/// general's items. cara's own stream has the text (the test can fail).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue18_s4_an_agent_gets_nothing_of_another_queues_items_nor_non_mates_presence() {
    let s = server().await;
    let (ana, bert, cara) = (
        s.login("ana").await,
        s.login("bert").await,
        s.login("cara").await,
    );
    let (mut live, _) = caught_up(&s, &ana, head(&s).await).await;

    ok(&s, &cara, "in", json!({"input": "sign_in"})).await;
    let (vip_item, customer) = chat(&s, "vip", "SECRET-vip-question").await;
    ok(
        &s,
        &cara,
        "acc",
        json!({"input": "accept", "item": vip_item}),
    )
    .await;
    let reply = json!({"input": "agent_message", "item": vip_item, "text": "SECRET-vip-reply"});
    ok(&s, &cara, "m1", reply).await;
    customer_says(&s, &customer, "c1", "SECRET-vip-followup").await;
    ok(&s, &bert, "in", json!({"input": "sign_in"})).await;
    // The marker: an event in ana's scope logged after all of vip's.
    let (general_item, _) = chat(&s, "general", "hello general").await;

    let frames = until(&mut live, |e| {
        e["event"] == "arrived" && e["item"] == json!(general_item)
    })
    .await;
    let seen = text_of(&frames);
    assert!(
        !seen.contains("SECRET"),
        "another queue's text reached ana: {seen}"
    );
    assert!(!seen.contains(&vip_item), "vip's item reached ana: {seen}");
    assert!(
        !seen.contains("\"agent\":\"cara\""),
        "cara's events reached ana: {seen}"
    );
    assert!(
        events_of(&frames)
            .iter()
            .any(|e| e["event"] == "signed_in" && e["agent"] == "bert"),
        "a queue-mate's presence reaches ana: {seen}"
    );

    // The same scope in a catch-up from the start and in the log's pages.
    let (_, catch_up) = caught_up(&s, &ana, 0).await;
    let pages = all_events(&s, &ana).await;
    for (what, text) in [
        ("catch-up", text_of(&catch_up)),
        ("/api/events", text_of(&pages)),
    ] {
        assert!(!text.contains("SECRET"), "{what}: {text}");
        assert!(!text.contains(&vip_item), "{what}: {text}");
        assert!(text.contains(&general_item), "{what}: {text}");
        assert!(text.contains("\"agent\":\"bert\""), "{what}: {text}");
    }
    // cara's stream has what ana's lacks.
    let theirs = text_of(&all_events(&s, &cara).await);
    for secret in [
        "SECRET-vip-question",
        "SECRET-vip-reply",
        "SECRET-vip-followup",
    ] {
        assert!(theirs.contains(secret), "{secret} in cara's stream");
    }
    assert!(
        !theirs.contains(&general_item),
        "nor does cara get general's"
    );

    // GET /api/snapshot is scoped the same way: ana's has general's item and her queue-mate,
    // not vip's item nor cara (who shares no queue with her); cara's has vip's.
    let (ana_view, _) = s.state(&ana).await;
    assert!(ana_view["items"].get(&general_item).is_some(), "{ana_view}");
    assert!(ana_view["items"].get(&vip_item).is_none(), "{ana_view}");
    assert!(ana_view["agents"].get("bert").is_some(), "{ana_view}");
    assert!(ana_view["agents"].get("cara").is_none(), "{ana_view}");
    let (cara_view, _) = s.state(&cara).await;
    assert!(cara_view["items"].get(&vip_item).is_some(), "{cara_view}");
    assert!(
        cara_view["items"].get(&general_item).is_none(),
        "{cara_view}"
    );
}

/// Issue 18 §4 with R27 (a holder's transfer): a vip conversation transferred into general
/// reaches ana live as a `history` frame (its arrival, both sides' messages, in seq order)
/// right before the `transferred` event, so a replica folding her stream has the item in
/// general with its conversation; a resume from before the transfer gets the same history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue18_s4_an_item_transferred_into_the_queue_arrives_with_its_history() {
    let s = server().await;
    let (ana, cara) = (s.login("ana").await, s.login("cara").await);
    let (mut live, _) = caught_up(&s, &ana, head(&s).await).await;

    ok(&s, &cara, "in", json!({"input": "sign_in"})).await;
    let (item, customer) = chat(&s, "vip", "moved-question").await;
    ok(&s, &cara, "acc", json!({"input": "accept", "item": item})).await;
    let m = json!({"input": "agent_message", "item": item, "text": "moved-reply"});
    ok(&s, &cara, "m1", m).await;
    customer_says(&s, &customer, "c1", "moved-followup").await;
    let before = head(&s).await;
    let t = json!({"input": "transfer", "item": item, "queue": "general"});
    ok(&s, &cara, "t", t).await;

    let frames = until(&mut live, |e| {
        e["event"] == "transferred" && e["item"] == json!(item)
    })
    .await;
    let n = frames.len();
    assert!(n >= 2, "{frames:?}");
    let history = &frames[n - 2];
    assert_eq!(
        history["type"], "history",
        "the history comes right before: {history}"
    );
    assert_eq!(history["item"], json!(item));
    assert!(
        !text_of(&frames[..n - 2]).contains(&item),
        "nothing of the item before it entered the scope"
    );
    let earlier = history["events"].as_array().unwrap();
    let seqs: Vec<u64> = earlier.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "in seq order: {seqs:?}"
    );
    let transferred = frames[n - 1]["event"]["seq"].as_u64().unwrap();
    assert!(seqs.iter().all(|&q| q < transferred));
    assert_eq!(earlier[0]["event"], "arrived");
    let text = text_of(std::slice::from_ref(history));
    for said in ["moved-question", "moved-reply", "moved-followup"] {
        assert!(text.contains(said), "{said} in the history: {text}");
    }

    // A replica folding ana's stream has the item as the server has it.
    let (_, config) = s.get("/api/config", Some(&ana)).await;
    let config: omnidesk_core::Config = serde_json::from_value(config["config"].clone()).unwrap();
    let mut replica = omnidesk_core::Engine::new(config);
    for e in events_of(&frames) {
        replica.apply(&serde_json::from_value(e).unwrap());
    }
    let it = &replica.state().items[&omnidesk_core::ItemId::from(item.as_str())];
    assert_eq!(it.queue.as_str(), "general");
    assert_eq!(it.status.name(), "open");
    assert_eq!(it.last_holder.as_ref().map(|a| a.as_str()), Some("cara"));

    // A resume from before the transfer: the same history, then the transfer.
    let (_, resumed) = caught_up(&s, &ana, before).await;
    let first = resumed
        .iter()
        .position(|f| text_of(std::slice::from_ref(f)).contains(&item))
        .expect("the item in the resumed stream");
    assert_eq!(resumed[first]["type"], "history", "{:?}", resumed[first]);
    assert_eq!(resumed[first]["events"], history["events"]);
    assert_eq!(resumed[first + 1]["event"]["event"], "transferred");
    // From the start, the catch-up carries the item's whole history in seq order instead.
    let (_, from_start) = caught_up(&s, &ana, 0).await;
    assert!(from_start.iter().all(|f| f["type"] == "event"));
    let mine: Vec<u64> = events_of(&from_start)
        .iter()
        .filter(|e| e["item"] == json!(item))
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(&mine[..seqs.len()], &seqs[..]);
}

/// Issue 18 §4 with R25: sam (supervising vip) assigns a vip item to ana, who serves only
/// general: it reaches ana with its history before the `assigned`. sam's own stream has
/// vip's items and cara's presence, and nothing of general's items nor of ana's or bert's
/// presence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue18_s4_an_assigned_item_reaches_its_agent_and_a_supervisor_sees_their_queues() {
    let s = server().await;
    let (ana, bert, cara, sam) = (
        s.login("ana").await,
        s.login("bert").await,
        s.login("cara").await,
        s.login("sam").await,
    );
    let start = head(&s).await;
    let (mut ana_ws, _) = caught_up(&s, &ana, start).await;
    let (mut sam_ws, _) = caught_up(&s, &sam, start).await;

    let (general_item, _) = chat(&s, "general", "SECRET-general").await;
    ok(&s, &bert, "in", json!({"input": "sign_in"})).await;
    ok(&s, &ana, "in", json!({"input": "sign_in"})).await;
    ok(&s, &cara, "in", json!({"input": "sign_in"})).await;
    let (item, _) = chat(&s, "vip", "assign-me").await;
    let a = json!({"input": "assign", "by": "sam", "item": item, "agent": "ana"});
    ok(&s, &sam, "as", a).await;

    let frames = until(&mut ana_ws, |e| {
        e["event"] == "assigned" && e["item"] == json!(item)
    })
    .await;
    let n = frames.len();
    assert_eq!(frames[n - 2]["type"], "history", "{:?}", frames[n - 2]);
    assert_eq!(frames[n - 2]["events"][0]["event"], "arrived");
    assert_eq!(frames[n - 2]["events"][0]["text"], "assign-me");

    let frames = until(&mut sam_ws, |e| {
        e["event"] == "assigned" && e["item"] == json!(item)
    })
    .await;
    let seen = text_of(&frames);
    assert!(!seen.contains("SECRET-general"), "{seen}");
    assert!(!seen.contains(&general_item), "{seen}");
    assert!(
        !frames.iter().any(|f| f["type"] == "history"),
        "sam saw it arrive"
    );
    let events = events_of(&frames);
    assert!(events
        .iter()
        .any(|e| e["event"] == "arrived" && e["item"] == json!(item)));
    assert!(events
        .iter()
        .any(|e| e["event"] == "signed_in" && e["agent"] == "cara"));
    for other in ["ana", "bert"] {
        assert!(
            !events
                .iter()
                .any(|e| e["agent"] == other && e.get("item").is_none_or(Value::is_null)),
            "{other}'s presence reached sam: {seen}"
        );
    }
    let pages = text_of(&all_events(&s, &sam).await);
    assert!(!pages.contains("SECRET-general") && pages.contains("assign-me"));

    // A refused assign (the item is Active now) is sam's refusal: it reaches sam, not the
    // agent it named.
    let again = json!({"input": "assign", "by": "sam", "item": item, "agent": "ana"});
    assert_eq!(s.act(&sam, "as2", again).await.0, 409);
    until(&mut sam_ws, |e| e["event"] == "rejected").await;
    let (marker, _) = chat(&s, "general", "marker").await;
    let frames = until(&mut ana_ws, |e| {
        e["event"] == "arrived" && e["item"] == json!(marker)
    })
    .await;
    assert!(
        !frames.iter().any(|f| f["event"]["event"] == "rejected"),
        "{frames:?}"
    );
}

/// The real binary, for the restart test (load-test mode lets a chat name its queue; frequent
/// snapshots make the restart start from one).
fn spawn(dir: &std::path::Path) -> (common::Process, String) {
    let tokens = dir.join("tokens.json");
    common::spawn_binary_with(
        dir,
        0,
        &[
            "--snapshot-every",
            "5",
            "--load-test-tokens",
            tokens.to_str().unwrap(),
            "--chat-start-limit",
            "0",
        ],
    )
}

async fn http_json(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Issue 18 §4 across a restart (from a snapshot: the scope's records are seeded from the
/// engine's state): ana's catch-up from 0 still has no vip text, and does have the item that
/// was transferred into general before the restart, with its history; a resume from before
/// the transfer gets that history as a `history` frame; vip's live text after the restart
/// doesn't reach her either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue18_s4_the_scope_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.json"), CONFIG).unwrap();
    std::fs::write(dir.path().join("index.html"), "app").unwrap();
    let (mut child, base) = spawn(dir.path());
    let http = reqwest::Client::new();
    let login = |agent: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let body = json!({"agent": agent, "password": format!("pw-{agent}")});
            let (st, b) = http_json(http.post(format!("{base}/api/sessions")).json(&body)).await;
            assert_eq!(st, 200, "{b}");
            b["token"].as_str().unwrap().to_owned()
        }
    };
    let (ana, cara) = (login("ana").await, login("cara").await);
    let act = |base: String, token: String, id: &'static str, input: Value| {
        let http = http.clone();
        async move {
            let body = json!({"client_id": "t", "action_id": id, "input": input});
            let (st, b) = http_json(
                http.post(format!("{base}/api/actions"))
                    .bearer_auth(token)
                    .json(&body),
            )
            .await;
            assert_eq!(st, 200, "{id}: {b}");
            b
        }
    };
    let chat = |base: String, queue: &'static str, question: &'static str| {
        let http = http.clone();
        async move {
            let body = json!({"name": "Customer", "question": question, "queue": queue});
            let (st, b) =
                http_json(http.post(format!("{base}/api/conversations")).json(&body)).await;
            assert_eq!(st, 201, "{b}");
            (
                b["item"].as_str().unwrap().to_owned(),
                b["token"].as_str().unwrap().to_owned(),
            )
        }
    };
    act(
        base.clone(),
        cara.clone(),
        "in",
        json!({"input": "sign_in"}),
    )
    .await;
    let (kept, customer) = chat(base.clone(), "vip", "SECRET-before-restart").await;
    act(
        base.clone(),
        cara.clone(),
        "a1",
        json!({"input": "accept", "item": kept}),
    )
    .await;
    let (moved, _) = chat(base.clone(), "vip", "moved-before-restart").await;
    let (_, h) = http_json(http.get(format!("{base}/api/health"))).await;
    let before = h["last_seq"].as_u64().unwrap();
    let t = json!({"input": "transfer", "by": "sam", "item": moved, "queue": "general"});
    // A supervisor's transfer of an Offered or Open item (R27), sam supervising vip.
    let sam = login("sam").await;
    act(base.clone(), sam, "t", t).await;
    child.kill();

    let (_child, base) = spawn(dir.path());
    let s_base = base.clone();
    let socket = |after: u64| {
        let (base, token) = (s_base.clone(), ana.clone());
        async move {
            let mut ws = ws_client::connect(&base).await;
            send(&mut ws, json!({"type": "auth", "token": token})).await;
            assert_eq!(recv(&mut ws).await["type"], "authenticated");
            send(
                &mut ws,
                json!({"type": "subscribe", "after": after, "caught_up": true}),
            )
            .await;
            let mut frames = Vec::new();
            loop {
                let f = recv(&mut ws).await;
                if f["type"] == "caught_up" {
                    return (ws, frames);
                }
                frames.push(f);
            }
        }
    };
    let (mut live, from_start) = socket(0).await;
    let text = text_of(&from_start);
    assert!(!text.contains("SECRET") && !text.contains(&kept), "{text}");
    assert!(text.contains("moved-before-restart"), "{text}");
    let (_, resumed) = socket(before).await;
    let first = resumed
        .iter()
        .position(|f| text_of(std::slice::from_ref(f)).contains(&moved))
        .expect("the moved item");
    assert_eq!(resumed[first]["type"], "history", "{}", resumed[first]);
    assert_eq!(resumed[first]["events"][0]["event"], "arrived");

    let (st, b) = http_json(
        http.post(format!("{base}/api/actions"))
            .bearer_auth(&customer)
            .json(&json!({"action_id": "c", "input": {"input": "customer_message", "text": "SECRET-after-restart"}})),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    let (marker, _) = chat(base.clone(), "general", "after the restart").await;
    let frames = until(&mut live, |e| {
        e["event"] == "arrived" && e["item"] == json!(marker)
    })
    .await;
    assert!(!text_of(&frames).contains("SECRET"), "{frames:?}");
}
