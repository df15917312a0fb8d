//! The WebSocket over a real socket: auth in the first frame, bad frames answered with an error
//! frame on a connection that stays open, the Origin check, actions with dedup, and
//! subscribe-and-resume with no gap and no duplicate.

mod common;

use common::start;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn connect(addr: std::net::SocketAddr, origin: Option<&str>) -> Result<Ws, u16> {
    let mut req = format!("ws://{addr}/api/ws").into_client_request().unwrap();
    if let Some(o) = origin {
        req.headers_mut().insert("origin", o.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
        Err(e) => panic!("{e}"),
    }
}

async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::Text(v.to_string().into())).await.unwrap();
}

/// The next JSON frame, within 10 s.
async fn recv(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a frame within 10 s")
            .expect("the connection is open")
            .unwrap();
        match msg {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

async fn auth(ws: &mut Ws, token: &str) {
    send(ws, json!({"type": "auth", "token": token})).await;
    let f = recv(ws).await;
    assert_eq!(f["type"], "authenticated", "{f}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_frames_get_error_frames_and_the_connection_stays_open() {
    let s = start().await;
    let ana = s.login("ana").await;
    let mut ws = connect(s.addr, None).await.unwrap();
    // Before auth: actions and subscriptions are refused.
    send(&mut ws, json!({"type": "subscribe", "after": 0})).await;
    assert_eq!(recv(&mut ws).await["error"], "unauthorized");
    send(&mut ws, json!({"type": "auth", "token": "nope"})).await;
    assert_eq!(recv(&mut ws).await["error"], "unauthorized");
    auth(&mut ws, &ana).await;
    let bad: Vec<(Message, &str)> = vec![
        (Message::Text("{not json".into()), "invalid"),
        (Message::Text("42".into()), "invalid"),
        (Message::Text(json!({"no": "type"}).to_string().into()), "invalid"),
        (Message::Text(json!({"type": "fly"}).to_string().into()), "invalid"),
        (Message::Binary(vec![1, 2, 3].into()), "invalid"),
        (Message::Text(json!({"type": "subscribe", "after": -1}).to_string().into()), "invalid"),
        (Message::Text(json!({"type": "action", "input": {"input": "sign_in"}}).to_string().into()), "invalid"),
        (Message::Text(json!({"type": "action", "action_id": "a", "input": {"input": "nope"}}).to_string().into()), "invalid"),
        (Message::Text(json!({"type": "action", "action_id": "a", "input": {"input": "pick", "item": "x", "agent": "ghost"}}).to_string().into()), "invalid"),
        (Message::Text("x".repeat(70_000).into()), "too_large"),
    ];
    for (msg, error) in bad {
        let shown = format!("{msg:?}").chars().take(80).collect::<String>();
        ws.send(msg).await.unwrap();
        let f = recv(&mut ws).await;
        assert_eq!(f["type"], "error", "{shown}: {f}");
        assert_eq!(f["error"], error, "{shown}: {f}");
        send(&mut ws, json!({"type": "ping"})).await;
        assert_eq!(recv(&mut ws).await["type"], "pong", "closed after {shown}");
    }
    // A 422 names the field.
    send(&mut ws, json!({"type": "action", "action_id": "a", "input": {"input": "set_presence", "status": "nope"}})).await;
    assert_eq!(recv(&mut ws).await["field"], "input.status");
    // And a good action still works, with dedup.
    send(
        &mut ws,
        json!({"type": "action", "action_id": "in", "input": {"input": "sign_in"}}),
    )
    .await;
    let r1 = recv(&mut ws).await;
    assert_eq!(
        (r1["type"].clone(), r1["status"].clone()),
        (json!("result"), json!(200)),
        "{r1}"
    );
    send(
        &mut ws,
        json!({"type": "action", "action_id": "in", "input": {"input": "sign_in"}}),
    )
    .await;
    let r2 = recv(&mut ws).await;
    assert_eq!(r2["replayed"], true);
    assert_eq!(r1["body"], r2["body"]);
    // 403 through the socket.
    send(
        &mut ws,
        json!({"type": "action", "action_id": "x", "input": {"input": "sign_in", "agent": "bert"}}),
    )
    .await;
    assert_eq!(recv(&mut ws).await["status"], 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_origin_check_allows_only_same_origin_and_configured_ones() {
    let s = start().await;
    assert!(connect(s.addr, None).await.is_ok());
    assert!(connect(s.addr, Some("http://allowed.example"))
        .await
        .is_ok());
    assert!(connect(s.addr, Some(&format!("http://{}", s.addr)))
        .await
        .is_ok());
    assert_eq!(
        connect(s.addr, Some("http://evil.example")).await.err(),
        Some(403)
    );
}

/// Reads event frames until one has `seq == until`; returns their seqs.
async fn events_until(ws: &mut Ws, until: u64) -> Vec<u64> {
    let mut seqs = Vec::new();
    for _ in 0..10_000 {
        let f = recv(ws).await;
        assert_eq!(f["type"], "event", "{f}");
        let seq = f["event"]["seq"].as_u64().unwrap();
        seqs.push(seq);
        if seq >= until {
            return seqs;
        }
    }
    panic!("never reached seq {until}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_and_resume_without_gaps_or_duplicates() {
    let s = start().await;
    let ana = s.login("ana").await;
    let bert = s.login("bert").await;
    // Some history.
    assert_eq!(s.act(&ana, "in", json!({"input": "sign_in"})).await.0, 200);
    for i in 0..20 {
        let status = if i % 2 == 0 { "away" } else { "available" };
        assert_eq!(
            s.act(
                &ana,
                &format!("p{i}"),
                json!({"input": "set_presence", "status": status})
            )
            .await
            .0,
            200
        );
    }
    let (_, head) = s.state(&ana).await;

    // A subscriber from 0 gets the whole history in order, then live events.
    let mut ws = connect(s.addr, None).await.unwrap();
    auth(&mut ws, &ana).await;
    send(&mut ws, json!({"type": "subscribe", "after": 0})).await;
    let mut seen = events_until(&mut ws, head).await;
    assert_eq!(seen, (1..=head).collect::<Vec<_>>());
    // Live: more events while subscribed, from another agent over HTTP.
    assert_eq!(s.act(&bert, "in", json!({"input": "sign_in"})).await.0, 200);
    let (_, head2) = s.state(&ana).await;
    seen.extend(events_until(&mut ws, head2).await);
    assert_eq!(seen, (1..=head2).collect::<Vec<_>>());
    // The connection drops; events happen meanwhile; it resumes from its last seq.
    let last = *seen.last().unwrap();
    drop(ws);
    for i in 0..30 {
        let status = if i % 2 == 0 { "away" } else { "available" };
        assert_eq!(
            s.act(
                &bert,
                &format!("q{i}"),
                json!({"input": "set_presence", "status": status})
            )
            .await
            .0,
            200
        );
    }
    let mut ws = connect(s.addr, None).await.unwrap();
    auth(&mut ws, &ana).await;
    send(&mut ws, json!({"type": "subscribe", "after": last})).await;
    // Load runs concurrently with the catch-up, so the switch to live is exercised too.
    let driver = {
        let (base, http, bert) = (s.base.clone(), s.http.clone(), bert.clone());
        tokio::spawn(async move {
            for i in 0..30 {
                let status = if i % 2 == 0 { "away" } else { "available" };
                let r = http
                    .post(format!("{base}/api/actions"))
                    .bearer_auth(&bert)
                    .json(&json!({"action_id": format!("r{i}"), "input": {"input": "set_presence", "status": status}}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status().as_u16(), 200);
            }
        })
    };
    driver.await.unwrap();
    let (_, head3) = s.state(&ana).await;
    let resumed = events_until(&mut ws, head3).await;
    assert_eq!(
        resumed,
        (last + 1..=head3).collect::<Vec<_>>(),
        "gap or duplicate"
    );
    // Nothing more arrives (no duplicate after the head).
    send(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(recv(&mut ws).await["type"], "pong");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_streams_only_their_conversation() {
    let s = start().await;
    let ana = s.login("ana").await;
    assert_eq!(s.act(&ana, "in", json!({"input": "sign_in"})).await.0, 200);
    let (mine, token) = s.conversation("Ada").await;
    let (other, _) = s.conversation("Grace").await;
    assert_eq!(
        s.act(&ana, "acc", json!({"input": "accept", "item": mine}))
            .await
            .0,
        200
    );
    assert_eq!(
        s.act(
            &ana,
            "msg",
            json!({"input": "agent_message", "item": mine, "text": "Hello Ada"})
        )
        .await
        .0,
        200
    );
    let mut ws = connect(s.addr, None).await.unwrap();
    auth(&mut ws, &token).await;
    send(&mut ws, json!({"type": "subscribe", "after": 0})).await;
    let mut kinds = Vec::new();
    for _ in 0..3 {
        let f = recv(&mut ws).await;
        assert_eq!(f["event"]["item"], json!(mine), "{f} (other is {other})");
        kinds.push(f["event"]["event"].as_str().unwrap().to_owned());
    }
    assert_eq!(kinds, ["arrived", "accepted", "agent_message"]);
    send(&mut ws, json!({"type": "action", "action_id": "c1", "input": {"input": "customer_message", "text": "thanks"}})).await;
    // The result and the live event both arrive (in either order).
    let mut got = Vec::new();
    for _ in 0..2 {
        got.push(recv(&mut ws).await["type"].as_str().unwrap().to_owned());
    }
    got.sort();
    assert_eq!(got, ["event", "result"]);
}
