//! A small WebSocket client for tests over real sockets (tokio-tungstenite): connect,
//! authenticate, send frames, wait for an event, and polling the log over HTTP.
#![allow(dead_code)]

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long any wait here may take before the test fails (a liveness bound, not a timing
/// target).
pub const PATIENCE: Duration = Duration::from_secs(20);

pub async fn connect(base: &str) -> Ws {
    let url = format!("{}/api/ws", base.replacen("http://", "ws://", 1));
    tokio_tungstenite::connect_async(url).await.unwrap().0
}

pub async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::Text(v.to_string().into())).await.unwrap();
}

/// The next JSON frame.
pub async fn recv(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(PATIENCE, ws.next())
            .await
            .expect("a frame in time")
            .expect("the connection is open")
            .unwrap();
        match msg {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// A socket authenticated with `token` and subscribed from `after`.
pub async fn open(base: &str, token: &str, after: u64) -> Ws {
    let mut ws = connect(base).await;
    send(&mut ws, json!({"type": "auth", "token": token})).await;
    let f = recv(&mut ws).await;
    assert_eq!(f["type"], "authenticated", "{f}");
    send(&mut ws, json!({"type": "subscribe", "after": after})).await;
    ws
}

/// Reads the stream until an event satisfies `want`; returns it.
pub async fn event(ws: &mut Ws, want: impl Fn(&Value) -> bool) -> Value {
    loop {
        let f = recv(ws).await;
        if f["type"] == "event" && want(&f["event"]) {
            return f["event"].clone();
        }
        assert_ne!(f["type"], "resync", "{f}");
    }
}

/// Polls `GET /api/events` with `token` until an event after `after` satisfies `want`.
pub async fn logged(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    mut after: u64,
    want: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let page: Value = http
            .get(format!("{base}/api/events?after={after}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for e in page["events"].as_array().unwrap() {
            if want(e) {
                return e.clone();
            }
        }
        after = page["next_after"].as_u64().unwrap();
        assert!(
            tokio::time::Instant::now() < deadline,
            "no such event in time"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `event == kind` and `agent == agent`.
pub fn is(kind: &'static str, agent: &'static str) -> impl Fn(&Value) -> bool {
    move |e| e["event"] == kind && e["agent"] == agent
}
