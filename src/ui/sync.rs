//! Server mode, the browser half: one WebSocket to `omnidesk-server`, kept open. It
//! authenticates (first frame), subscribes after the replica's last seq, folds every event into
//! the replica ([`Workspace::follow`]), sends the agent's actions from the
//! [`Outbox`](crate::runtime::sync::Outbox) and settles them by their answers. When the socket
//! drops it shows "Reconnecting…", waits [`backoff_ms`](crate::runtime::sync::backoff_ms) and
//! comes back: auth, subscribe after the last seq it folded (no gap, no duplicate), resend
//! every unanswered action (same ids, so the server applies each once).

use super::workspace::{Conn, Workspace};
use crate::runtime::sync::{self, auth_frame, subscribe_frame, Outbox};
use crate::runtime::wire::{self, Frame};
use crate::runtime::{browser, net};
use leptos::prelude::*;
use omnidesk_core::Input;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// What the driver holds.
pub struct Link {
    pub base: String,
    pub token: String,
    pub outbox: Outbox,
    socket: Option<web_sys::WebSocket>,
    /// Failed tries since the last good connection.
    attempt: u32,
    /// The server's last seq when this connection authenticated: caught up once folded.
    target: u64,
    /// Signed out (or the token was refused): no more reconnects.
    stopped: bool,
    /// When the server was last heard from, and when this page last pinged it.
    heard: u64,
    pinged: u64,
    handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

fn outbox_key(agent: &str) -> String {
    format!("omnidesk.outbox.{agent}")
}

impl Link {
    pub fn new(base: String, token: String, agent: &str) -> Link {
        let mut outbox = Outbox::new(net::random_id());
        let saved = net::local_get(&outbox_key(agent)).unwrap_or_default();
        let _unreadable = outbox.decode(&saved, |json| {
            js_sys::JSON::parse(json)
                .ok()
                .and_then(|v| wire::input(&v).ok())
        });
        Link {
            base,
            token,
            outbox,
            socket: None,
            attempt: 0,
            target: 0,
            stopped: false,
            heard: 0,
            pinged: 0,
            handlers: Vec::new(),
        }
    }

    fn send(&self, text: &str) -> bool {
        match &self.socket {
            Some(s) if s.ready_state() == web_sys::WebSocket::OPEN => s.send_with_str(text).is_ok(),
            _ => false,
        }
    }

    fn drop_socket(&mut self) {
        if let Some(s) = self.socket.take() {
            s.set_onopen(None);
            s.set_onmessage(None);
            s.set_onclose(None);
            s.set_onerror(None);
            let _ = s.close();
        }
        self.handlers.clear();
    }
}

/// Opens (or reopens) the socket.
pub fn connect(ws: Workspace) {
    let url = ws.link_with(|l| crate::runtime::sync::ws_url(&l.base));
    let Ok(socket) = web_sys::WebSocket::new(&url) else {
        schedule_reconnect(ws);
        return;
    };
    let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_| {
        ws.link_update(|l| {
            let frame = auth_frame(&l.token);
            l.send(&frame);
        });
    });
    let on_message = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        ws.link_update(|l| l.heard = browser::now_ms());
        let Some(text) = e
            .dyn_ref::<web_sys::MessageEvent>()
            .and_then(|m| m.data().as_string())
        else {
            return;
        };
        match js_sys::JSON::parse(&text)
            .map_err(|_| "not JSON".to_owned())
            .and_then(|v| wire::frame(&v).map_err(|e| e.to_string()))
        {
            Ok(frame) => on_frame(ws, frame),
            Err(e) => browser::log(&format!("omnidesk: unreadable frame from the server: {e}")),
        }
    });
    let on_close = Closure::<dyn FnMut(JsValue)>::new(move |_| {
        ws.link_update(|l| {
            l.socket = None;
        });
        schedule_reconnect(ws);
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    ws.link_update(|l| {
        l.drop_socket();
        l.heard = browser::now_ms();
        l.socket = Some(socket);
        l.handlers = vec![on_open, on_message, on_close];
    });
}

fn schedule_reconnect(ws: Workspace) {
    let Some(wait) = ws.link_update(|l| {
        if l.stopped {
            return None;
        }
        let wait = sync::backoff_ms(l.attempt, js_sys::Math::random());
        l.attempt = l.attempt.saturating_add(1);
        Some(wait)
    }) else {
        return;
    };
    ws.conn.set(Conn::Reconnecting {
        retry_at: ws.clock() + wait,
    });
    set_timeout(move || connect(ws), Duration::from_millis(wait));
}

fn on_frame(ws: Workspace, frame: Frame) {
    match frame {
        Frame::Authenticated { last_seq, now, .. } => {
            if let Some(now) = now {
                ws.set_server_clock(now);
            }
            let after = ws.peek(|c| c.engine.last_seq());
            if last_seq < after {
                // The server's log is shorter than what this page folded: another server, or
                // its database was replaced. The replica can't follow it; build it afresh.
                browser::log("omnidesk: the server's log is behind this page; reloading");
                if let Some(w) = web_sys::window() {
                    let _ = w.location().reload();
                }
                return;
            }
            ws.link_update(|l| {
                l.attempt = 0;
                l.target = last_seq;
                l.send(&subscribe_frame(after));
                // Everything unanswered goes (again): the ids make a resend harmless.
                for p in &l.outbox.pending {
                    l.send(&p.frame());
                }
            });
            if after >= last_seq {
                ws.conn.set(Conn::Live);
            } else {
                ws.conn.set(Conn::CatchingUp);
            }
        }
        Frame::Event(stamped) => {
            let target = ws.link_with(|l| l.target);
            if let Err(next) = ws.follow(*stamped) {
                // A gap: ask again from the last event folded.
                ws.link_update(|l| l.send(&subscribe_frame(next - 1)));
                return;
            }
            if ws.conn.get_untracked() == Conn::CatchingUp
                && ws.peek(|c| c.engine.last_seq()) >= target
            {
                ws.conn.set(Conn::Live);
            }
        }
        Frame::Result {
            action_id,
            status,
            reason,
            ..
        } => {
            let settled = ws.link_update(|l| l.outbox.settle(&action_id));
            ws.outbox_changed();
            if let Some(p) = settled {
                if status >= 400 {
                    ws.rejected(
                        p.input,
                        reason.unwrap_or_else(|| format!("status {status}")),
                    );
                }
            }
        }
        Frame::Resync { after, .. } => {
            let after = after.min(ws.peek(|c| c.engine.last_seq()));
            ws.link_update(|l| l.send(&subscribe_frame(after)));
        }
        Frame::Pong => {}
        Frame::Error { error, reason, .. } => {
            if error == "unauthorized" {
                ws.link_update(|l| {
                    l.stopped = true;
                    l.drop_socket();
                });
                net::save_session(None);
                ws.conn.set(Conn::Ended(
                    "Your session has ended (the server no longer knows it). Sign in again.".into(),
                ));
            } else {
                browser::log(&format!("omnidesk: the server said {error}: {reason}"));
            }
        }
    }
}

/// Ping after this long without a frame from the server…
const PING_AFTER_MS: u64 = 15_000;
/// …and give the connection up (and reconnect) after this long: a network that drops packets
/// without closing the socket would otherwise look connected forever.
const SILENT_LIMIT_MS: u64 = 40_000;

/// Called every second: keeps a quiet connection proven alive.
pub fn watchdog(ws: Workspace, now: u64) {
    let dead = ws.link_update(|l| {
        let open = l
            .socket
            .as_ref()
            .is_some_and(|s| s.ready_state() == web_sys::WebSocket::OPEN);
        if !open || l.stopped {
            return false;
        }
        let quiet = now.saturating_sub(l.heard);
        if quiet > SILENT_LIMIT_MS {
            l.drop_socket();
            return true;
        }
        if quiet > PING_AFTER_MS && now.saturating_sub(l.pinged) > PING_AFTER_MS {
            l.pinged = now;
            l.send("{\"type\":\"ping\"}");
        }
        false
    });
    if dead {
        schedule_reconnect(ws);
    }
}

/// Sends `input` now if the socket is open, else when it is back; it stays in the outbox (and
/// in `localStorage`) until the server answers.
pub fn act(ws: Workspace, input: Input) {
    ws.link_update(|l| {
        let frame = l.outbox.push(input).frame();
        l.send(&frame);
    });
    ws.outbox_changed();
}

/// Saves the outbox (so a reload resends it).
pub fn save_outbox(ws: Workspace) {
    let (key, text) = ws.link_with(|l| (outbox_key(ws.me().as_str()), l.outbox.encode()));
    net::local_set(&key, &text);
}

/// Sign out: the core's `sign_out` (the agent leaves routing, offers are withdrawn), then the
/// session token ends; the page goes back to the sign-in form.
pub async fn sign_out(ws: Workspace) {
    let (base, token) = ws.link_with(|l| (l.base.clone(), l.token.clone()));
    let agent = ws.me();
    let body = sync::action_body(
        &net::random_id(),
        "sign-out",
        &wire::input_json(&Input::SignOut { agent }),
    );
    let _ = net::request(
        "POST",
        &format!("{base}api/actions"),
        Some(&token),
        Some(body),
    )
    .await;
    let _ = net::request("DELETE", &format!("{base}api/sessions"), Some(&token), None).await;
    ws.link_update(|l| {
        l.stopped = true;
        l.drop_socket();
    });
    net::save_session(None);
    ws.conn.set(Conn::Ended(String::new()));
}
