//! The WebSocket at `/api/ws`: authentication in the first frame (browsers can't send headers
//! on a WebSocket), actions, and the event stream from any seq with no gap and no duplicate.
//!
//! Frames are JSON text. Client → server: `{"type":"auth","token"}`,
//! `{"type":"subscribe","after":N}`, `{"type":"unsubscribe"}`,
//! `{"type":"action","client_id"?,"action_id","input"}`, `{"type":"ping"}`.
//! Server → client: `{"type":"authenticated","principal","last_seq"}`,
//! `{"type":"event","event":<stamped>}`, `{"type":"result","action_id","status","body","replayed"}`,
//! `{"type":"resync","after":N,"reason"}`, `{"type":"pong"}`,
//! `{"type":"error","error","reason","field"?}`. A bad frame gets an error frame and the
//! connection stays open (frames over 1 MiB are beyond the protocol layer's limit and close it).
//!
//! Streaming: on `subscribe` the connection first subscribes to the live feed, then reads the
//! log after `after` in pages, then switches to live, skipping what it already sent (by seq); a
//! fresh live subscription is taken just before the last, empty, page so catch-up never lags.
//! Each live subscriber has a bounded place in the hub's broadcast ring: one that falls behind
//! by more than the ring gets `resync` and leaves the live stream (it subscribes again from its
//! last seq), so a slow client never stalls the hub or the others.

use crate::auth::Principal;
use crate::http::{parse_action, MAX_MESSAGE};
use crate::hub::{may_see, Hub, Outcome};
use crate::log::LoggedEvent;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::sync::broadcast;

/// Events read from the log per catch-up page.
const PAGE: usize = 500;

/// `GET /api/ws`: checks the Origin (same origin or a configured one), then upgrades.
pub async fn upgrade(State(hub): State<Hub>, headers: HeaderMap, ws: WebSocketUpgrade) -> Response {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default();
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        let same = origin == format!("http://{host}") || origin == format!("https://{host}");
        if !same && !hub.config.allowed_origins.iter().any(|o| o == origin) {
            return crate::http::error(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("origin {origin} is not allowed"),
            );
        }
    }
    ws.max_message_size(1 << 20)
        .on_upgrade(move |socket| connection(socket, hub))
        .into_response()
}

struct Subscription {
    last: u64,
    rx: broadcast::Receiver<Arc<LoggedEvent>>,
    catching_up: bool,
    fresh: bool,
}

enum Next {
    Events(Vec<Arc<LoggedEvent>>),
    Resync(String),
}

fn frame(v: Value) -> Message {
    Message::Text(v.to_string().into())
}

fn error_frame(error: &str, reason: impl Into<String>, field: Option<&str>) -> Message {
    let mut v = json!({"type": "error", "error": error, "reason": reason.into()});
    if let Some(f) = field {
        v["field"] = json!(f);
    }
    frame(v)
}

fn outcome_error_frame(o: Outcome) -> Message {
    let mut v = o.body;
    v["type"] = json!("error");
    frame(v)
}

async fn connection(mut socket: WebSocket, hub: Hub) {
    let mut principal: Option<Principal> = None;
    let mut sub: Option<Subscription> = None;
    loop {
        tokio::select! {
            msg = socket.recv() => {
                let Some(Ok(msg)) = msg else { return };
                let replies = match msg {
                    Message::Text(text) => on_frame(text.as_str(), &hub, &mut principal, &mut sub).await,
                    Message::Binary(_) => vec![error_frame("invalid", "only JSON text frames are understood", None)],
                    Message::Close(_) => return,
                    Message::Ping(_) | Message::Pong(_) => Vec::new(),
                };
                for r in replies {
                    if socket.send(r).await.is_err() {
                        return;
                    }
                }
            }
            next = async {
                match sub.as_mut() {
                    Some(s) => next_events(s, &hub, principal.as_ref()).await,
                    None => std::future::pending().await,
                }
            } => {
                match next {
                    Next::Events(events) => {
                        for e in events {
                            let Some(s) = sub.as_mut() else { break };
                            s.last = s.last.max(e.seq);
                            if principal.as_ref().is_some_and(|p| may_see(p, &e)) {
                                let text = format!("{{\"type\":\"event\",\"event\":{}}}", e.json);
                                if socket.send(Message::Text(text.into())).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                    Next::Resync(reason) => {
                        let after = sub.as_ref().map_or(0, |s| s.last);
                        sub = None;
                        let f = frame(json!({"type": "resync", "after": after, "reason": reason}));
                        if socket.send(f).await.is_err() {
                            return;
                        }
                    }
                }
            }
        }
    }
}

/// The next events for a subscription: a page of the log while catching up, then live ones.
async fn next_events(s: &mut Subscription, hub: &Hub, principal: Option<&Principal>) -> Next {
    let item = match principal {
        Some(Principal::Customer { item }) => Some(item.clone()),
        _ => None,
    };
    while s.catching_up {
        let reader = hub.reader.clone();
        let (after, it) = (s.last, item.clone());
        let page =
            tokio::task::spawn_blocking(move || reader.events_after(after, PAGE, it.as_ref()))
                .await;
        match page {
            Ok(Ok(page)) if !page.is_empty() => {
                s.fresh = false;
                return Next::Events(page.into_iter().map(Arc::new).collect());
            }
            Ok(Ok(_)) if s.fresh => s.catching_up = false,
            Ok(Ok(_)) => {
                // Subscribe anew before one more read: nothing can fall between them.
                s.rx = hub.subscribe();
                s.fresh = true;
            }
            _ => return Next::Resync("the event log could not be read".into()),
        }
    }
    loop {
        match s.rx.recv().await {
            Ok(e) if e.seq <= s.last => continue,
            Ok(e) => {
                if item.is_none() && e.seq != s.last + 1 {
                    // Not expected; read the missing part from the log rather than skip it.
                    s.catching_up = true;
                    s.fresh = false;
                    return Next::Events(Vec::new());
                }
                return Next::Events(vec![e]);
            }
            Err(broadcast::error::RecvError::Lagged(n)) => {
                return Next::Resync(format!(
                    "this connection fell {n} events behind the live stream; subscribe again from `after`"
                ))
            }
            Err(broadcast::error::RecvError::Closed) => {
                return std::future::pending().await;
            }
        }
    }
}

async fn on_frame(
    text: &str,
    hub: &Hub,
    principal: &mut Option<Principal>,
    sub: &mut Option<Subscription>,
) -> Vec<Message> {
    if text.len() > MAX_MESSAGE {
        return vec![error_frame(
            "too_large",
            format!("frames are limited to {MAX_MESSAGE} bytes"),
            None,
        )];
    }
    let map = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return vec![error_frame("invalid", "expected a JSON object", None)],
        Err(e) => return vec![error_frame("invalid", format!("not JSON: {e}"), None)],
    };
    let kind = match map.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(_) => return vec![error_frame("invalid", "expected a string", Some("type"))],
        None => return vec![error_frame("invalid", "missing", Some("type"))],
    };
    if kind == "ping" {
        return vec![frame(json!({"type": "pong"}))];
    }
    if kind == "auth" {
        let Some(token) = map.get("token").and_then(Value::as_str) else {
            return vec![error_frame(
                "invalid",
                "missing or not a string",
                Some("token"),
            )];
        };
        return match hub.sessions.lookup(token) {
            Some(p) => {
                let f = frame(
                    json!({"type": "authenticated", "principal": p, "last_seq": hub.last_seq()}),
                );
                *principal = Some(p);
                *sub = None;
                vec![f]
            }
            None => vec![error_frame(
                "unauthorized",
                "unknown or expired token",
                None,
            )],
        };
    }
    let Some(p) = principal.clone() else {
        return vec![error_frame(
            "unauthorized",
            "authenticate first: {\"type\":\"auth\",\"token\":…}",
            None,
        )];
    };
    match kind {
        "subscribe" => {
            let after = match map.get("after") {
                None | Some(Value::Null) => 0,
                Some(v) => match v.as_u64() {
                    Some(n) => n,
                    None => {
                        return vec![error_frame(
                            "invalid",
                            "expected a non-negative integer",
                            Some("after"),
                        )]
                    }
                },
            };
            *sub = Some(Subscription {
                last: after,
                rx: hub.subscribe(),
                catching_up: true,
                fresh: false,
            });
            Vec::new()
        }
        "unsubscribe" => {
            *sub = None;
            Vec::new()
        }
        "action" => {
            let action_id = map.get("action_id").cloned().unwrap_or(Value::Null);
            let action = match parse_action(hub, &p, &map) {
                Ok(a) => a,
                Err(o) => return vec![outcome_error_frame(o)],
            };
            let outcome = match hub.act(p, action).await {
                Ok(o) => o,
                Err(_) => Outcome::error(
                    503,
                    "unavailable",
                    "the server is saturated; retry the same action id",
                ),
            };
            vec![frame(json!({
                "type": "result",
                "action_id": action_id,
                "status": outcome.status,
                "body": outcome.body,
                "replayed": outcome.replayed,
            }))]
        }
        other => vec![error_frame(
            "invalid",
            format!("unknown frame type \"{other}\""),
            Some("type"),
        )],
    }
}
