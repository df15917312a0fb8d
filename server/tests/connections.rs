//! R24 over real sockets: the server tracks each agent's live connections, sends `disconnect`
//! after the grace period with none and `reconnect` when one authenticates again; the core's
//! window signs out an agent who stays away, also across a `kill -9`; the keep-alive closes a
//! socket that went silent. Grace and window are short here; every wait is for an event (with
//! a generous bound), never a fixed sleep.

mod common;
#[path = "support/ws_client.rs"]
mod ws_client;

use common::{start_with_hub, TestServer};
use omnidesk_server::connections::ConnectionOptions;
use omnidesk_server::hub::HubOptions;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use ws_client::{event, is, logged, open};

const GRACE_MS: u64 = 300;

fn config(window_ms: u64) -> String {
    format!(
        r#"{{
  "reconnect_window_ms": {window_ms},
  "queues": [{{"id": "general", "members": ["ana", "bert"], "channels": ["chat", "email"]}}],
  "agents": [
    {{"id": "ana", "name": "Ana", "password": "pw-ana"}},
    {{"id": "bert", "name": "Bert", "password": "pw-bert"}}
  ],
  "live_chat": {{"queue": "general"}}
}}"#
    )
}

async fn server(window_ms: u64, keepalive: Duration) -> TestServer {
    start_with_hub(
        &config(window_ms),
        HubOptions {
            connections: ConnectionOptions {
                disconnect_grace: Duration::from_millis(GRACE_MS),
                keepalive,
            },
            ..HubOptions::default()
        },
    )
    .await
}

async fn ok(s: &TestServer, token: &str, id: &str, input: Value) -> Value {
    let (status, body) = s.act(token, id, input).await;
    assert_eq!(status, 200, "{id}: {body}");
    body
}

async fn presence(s: &TestServer, token: &str, agent: &str) -> Value {
    let (snap, _) = s.state(token).await;
    snap["agents"][agent].clone()
}

/// R24: ana's socket drops while her chat offer rings; after the grace the server sends
/// `disconnect`, the offer is withdrawn without a decline, and bert (still connected) is
/// offered the chat — on his stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r24_a_dropped_socket_s_offer_goes_to_another_agent_after_the_grace() {
    let s = server(60_000, Duration::from_secs(10)).await;
    let (ana, bert) = (s.login("ana").await, s.login("bert").await);
    let ana_ws = open(&s.base, &ana, 0).await;
    let mut bert_ws = open(&s.base, &bert, 0).await;
    ok(&s, &ana, "a1", json!({"input": "sign_in"})).await;
    ok(&s, &bert, "b1", json!({"input": "sign_in"})).await;
    ok(
        &s,
        &bert,
        "b2",
        json!({"input": "set_presence", "status": "away"}),
    )
    .await;
    let (item, _) = s.conversation("Rita Dropped").await;
    let offered = event(&mut bert_ws, |e| {
        e["event"] == "offered" && e["item"] == item
    })
    .await;
    assert_eq!(offered["agent"], "ana");
    ok(
        &s,
        &bert,
        "b3",
        json!({"input": "set_presence", "status": "available"}),
    )
    .await;

    let dropped = Instant::now();
    drop(ana_ws);
    let gone = event(&mut bert_ws, is("disconnected", "ana")).await;
    let withdrawn_at = dropped.elapsed();
    let again = event(&mut bert_ws, |e| {
        e["event"] == "offered" && e["item"] == item
    })
    .await;
    let reoffered_at = dropped.elapsed();
    assert_eq!(again["agent"], "bert", "{again}");
    assert!(again["seq"].as_u64() > gone["seq"].as_u64());
    println!(
        "R24 figure: socket drop → disconnect {} ms, → re-offer to another agent {} ms (grace {GRACE_MS} ms)",
        withdrawn_at.as_millis(),
        reoffered_at.as_millis()
    );
    // No decline was counted for ana (a withdrawal, as on sign-out), and she is Offline.
    let (snap, _) = s.state(&bert).await;
    assert_eq!(snap["items"][&item]["declines"], 0, "{snap}");
    assert_eq!(snap["agents"]["ana"]["presence"], "offline", "{snap}");
    assert_eq!(snap["agents"]["ana"]["disconnected"], true, "{snap}");
    // bert, connected all along, was never disconnected.
    assert_eq!(snap["agents"]["bert"].get("disconnected"), None, "{snap}");
}

/// R24: back inside the window, the connection's `auth` makes the server send `reconnect`, and
/// the presence ana set by hand (Do not disturb) is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r24_reconnect_inside_the_window_brings_the_presence_back() {
    let s = server(60_000, Duration::from_secs(10)).await;
    let (ana, bert) = (s.login("ana").await, s.login("bert").await);
    let mut bert_ws = open(&s.base, &bert, 0).await;
    let ana_ws = open(&s.base, &ana, 0).await;
    ok(&s, &ana, "a1", json!({"input": "sign_in"})).await;
    ok(
        &s,
        &ana,
        "a2",
        json!({"input": "set_presence", "status": "dnd"}),
    )
    .await;
    drop(ana_ws);
    event(&mut bert_ws, is("disconnected", "ana")).await;
    assert_eq!(presence(&s, &bert, "ana").await["presence"], "offline");

    let _ana_ws = open(&s.base, &ana, 0).await;
    event(&mut bert_ws, is("reconnected", "ana")).await;
    let back = event(&mut bert_ws, is("presence_changed", "ana")).await;
    assert_eq!(back["to"], "dnd", "{back}");
    let row = presence(&s, &bert, "ana").await;
    assert_eq!(row["presence"], "dnd", "{row}");
    assert_eq!(row.get("disconnected"), None, "{row}");
}

/// R24: away past the window, the core's timer signs ana out (reason `disconnected`); bert,
/// connected, stays signed in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r24_away_past_the_window_is_signed_out() {
    let s = server(400, Duration::from_secs(10)).await;
    let (ana, bert) = (s.login("ana").await, s.login("bert").await);
    let mut bert_ws = open(&s.base, &bert, 0).await;
    let ana_ws = open(&s.base, &ana, 0).await;
    ok(&s, &ana, "a1", json!({"input": "sign_in"})).await;
    ok(&s, &bert, "b1", json!({"input": "sign_in"})).await;
    drop(ana_ws);
    event(&mut bert_ws, is("disconnected", "ana")).await;
    let out = event(&mut bert_ws, is("signed_out", "ana")).await;
    assert_eq!(out["reason"], "disconnected", "{out}");
    let (snap, _) = s.state(&bert).await;
    assert_eq!(snap["agents"]["ana"]["presence"], "offline");
    assert_eq!(snap["agents"]["bert"]["presence"], "available");
    // And a connection afterwards brings nothing back: she signs in again herself.
    let _ana_ws = open(&s.base, &ana, 0).await;
    ok(&s, &ana, "a2", json!({"input": "sign_in"})).await;
}

/// An agent signed in over HTTP alone, with no socket at all, also counts as gone after the
/// grace; one with two sockets stays while either is open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r24_no_socket_at_all_counts_and_two_sockets_count_as_one() {
    let s = server(60_000, Duration::from_secs(10)).await;
    let (ana, bert) = (s.login("ana").await, s.login("bert").await);
    let mut bert_ws = open(&s.base, &bert, 0).await;
    let second = open(&s.base, &bert, 0).await;
    ok(&s, &bert, "b1", json!({"input": "sign_in"})).await;
    let signed_in = ok(&s, &ana, "a1", json!({"input": "sign_in"})).await;
    let after = signed_in["last_seq"].as_u64().unwrap();
    let gone = logged(&s.http, &s.base, &bert, after, |e| {
        e["event"] == "disconnected"
    })
    .await;
    assert_eq!(gone["agent"], "ana", "only ana, without a socket: {gone}");
    // bert closes one of his two sockets; the other keeps him connected. ana's sign_in after
    // her disconnection takes full effect (R24) and, still without a socket, she is
    // disconnected again — which is the next disconnection in the log, not bert's.
    drop(second);
    let again = ok(&s, &ana, "a2", json!({"input": "sign_in"})).await;
    let after = again["last_seq"].as_u64().unwrap();
    let next = event(&mut bert_ws, |e| {
        e["event"] == "disconnected" && e["seq"].as_u64() > Some(after)
    })
    .await;
    assert_eq!(next["agent"], "ana", "{next}");
}

/// The keep-alive: a client that stops answering (it no longer reads, so sends no pong) is
/// closed after twice the ping interval and counts as gone: ana is disconnected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r24_a_silent_socket_is_closed_by_the_keepalive_and_counts_as_gone() {
    let s = server(60_000, Duration::from_millis(100)).await;
    let ana = s.login("ana").await;
    let mut silent = open(&s.base, &ana, 0).await;
    let signed_in = ok(&s, &ana, "a1", json!({"input": "sign_in"})).await;
    let after = signed_in["last_seq"].as_u64().unwrap();
    // From here the socket is not read: tungstenite answers pings only while reading.
    let silent_since = Instant::now();
    let gone = logged(&s.http, &s.base, &ana, after, is("disconnected", "ana")).await;
    println!(
        "R24 figure: silent socket → disconnect {} ms (keep-alive 100 ms: closed after 200–300 ms of silence; grace {GRACE_MS} ms)",
        silent_since.elapsed().as_millis()
    );
    assert_eq!(gone["manual"], false);
    // The server closed it: reading now finds the end of the stream (after its pings).
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    while let Some(Ok(Message::Ping(_) | Message::Text(_))) =
        tokio::time::timeout(ws_client::PATIENCE, silent.next())
            .await
            .expect("the server closes the socket")
    {}
}

/// The real binary with R24's options, `kill -9`ed when dropped.
fn spawn(dir: &std::path::Path) -> (common::Process, String) {
    common::spawn_binary_with(dir, 0, &["--disconnect-grace-ms", &GRACE_MS.to_string()])
}

async fn token(http: &reqwest::Client, base: &str, agent: &str) -> String {
    let body: Value = http
        .post(format!("{base}/api/sessions"))
        .json(&json!({"agent": agent, "password": format!("pw-{agent}")}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap().to_owned()
}

async fn act(http: &reqwest::Client, base: &str, token: &str, id: &str, input: Value) -> u64 {
    let resp = http
        .post(format!("{base}/api/actions"))
        .bearer_auth(token)
        .json(&json!({"client_id": "t", "action_id": id, "input": input}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    body["last_seq"].as_u64().unwrap()
}

/// R24 across a crash: bert was disconnected when the server was `kill -9`ed and never comes
/// back, so the window (a timer in the core's state) still signs him out after the restart;
/// ana was connected at the crash and has no connection after it, so the restarted server
/// disconnects her after the grace.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r24_survives_a_kill_9_for_the_disconnected_and_the_connected() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.json"), config(1_500)).unwrap();
    let http = reqwest::Client::new();
    let (mut process, base) = spawn(dir.path());
    let (ana, bert) = (
        token(&http, &base, "ana").await,
        token(&http, &base, "bert").await,
    );
    let _ana_ws = open(&base, &ana, 0).await;
    let bert_ws = open(&base, &bert, 0).await;
    act(&http, &base, &ana, "a1", json!({"input": "sign_in"})).await;
    let after = act(&http, &base, &bert, "b1", json!({"input": "sign_in"})).await;
    drop(bert_ws);
    let gone = logged(&http, &base, &ana, after, is("disconnected", "bert")).await;
    let after = gone["seq"].as_u64().unwrap();
    process.kill();

    let (_process, base) = spawn(dir.path());
    // Sessions are durable: the same tokens read the log of the restarted server.
    let out = logged(&http, &base, &ana, after, is("signed_out", "bert")).await;
    assert_eq!(out["reason"], "disconnected", "{out}");
    let lost = logged(&http, &base, &ana, after, is("disconnected", "ana")).await;
    assert_eq!(lost["remembered"], "available", "{lost}");
}
