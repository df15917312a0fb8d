//! The WebSocket at `/api/ws`: authentication in the first frame (browsers can't send headers
//! on a WebSocket), actions, and the event stream from any seq with no gap and no duplicate.
//!
//! Frames are JSON text, omnidesk-wire's [`ClientFrame`](omnidesk_wire::ClientFrame) in and
//! [`ServerFrame`] out (their docs give every shape). `authenticated` carries `now`, the
//! server's clock in ms since the epoch, so a browser can show offer countdowns on the
//! server's time. A bad frame gets an `error` frame naming the field and the connection stays
//! open (frames over 1 MiB are beyond the protocol layer's limit and close it); an action
//! whose `action_id` was read but whose input is refused gets its `result` (422), so the
//! client's outbox lets go of it.
//!
//! Sessions (issue 18): every frame but `ping` refreshes the session's idle clock. When the
//! session expires (idle or too old) or ends (a supervisor, a sign-out elsewhere), the socket
//! gets an `unauthorized` error frame (`session expired` / `session ended`) and is closed with
//! code [`SESSION_OVER`] (4401); an `auth` with an expired token gets the same.
//!
//! Streaming: on `subscribe` the connection first subscribes to the live feed, then reads the
//! log after `after` in pages, then switches to live, skipping what it already sent (by seq); a
//! fresh live subscription is taken just before the last, empty, page so catch-up never lags.
//! A `subscribe` with `caught_up: true` gets a `caught_up` frame at that switch, after the
//! last event of the catch-up (a filtered stream can't tell it from seqs).
//!
//! Read scope (issue 18 §4, the rule in [`crate::scope`]): an agent's stream is the events of
//! their scope — the items of the queues they are a member of or supervise and those they
//! were offered or held, their queue-mates' presence, their own refusals. `subscribe` may
//! narrow it to some of those queues (`queues`; another's queue is refused). Seqs stay the
//! log's: the stream has gaps by design, `last` advances over the events it skips, and
//! resuming (`after` of a `resync`, or the last seq the client saw) gives the same stream with
//! no gap and no duplicate. An item in scope brings all its events: in a catch-up they come in
//! seq order; when an item enters the scope after the subscription's `after` (transferred in,
//! assigned to the agent) and this stream has not sent it yet, a `history` frame with its
//! earlier events (read from the log, the same filter) comes right before its event.
//!
//! Live events come from the fan-out ([`crate::fanout`]) one delivery per group commit, and
//! each event's frame is serialized once for all receivers; the writer task feeds every queued
//! frame and flushes once, so a burst costs one socket write.
//!
//! Slow clients: each connection has a bounded outbound queue ([`HubOptions::live_buffer`]
//! frames) drained by its own writer task, the only one that writes to the socket, so a client
//! that stops reading blocks only that task. Live events are queued without waiting: when the
//! queue is full (the socket's TCP buffers are full too), the connection leaves the live stream
//! and, after the frames already queued, sends `resync` with `after` = the last event queued;
//! the client subscribes again from there (catch-up from the log) with no gap and no duplicate.
//! A connection whose fan-out deliveries pile up past the same limit (its loop was busy) is
//! told the same. Catch-up pages and answers to the client's own frames wait for room in the
//! queue instead (they are pulled at the client's pace); a write that makes no progress for
//! [`SEND_TIMEOUT`] closes the connection. So per connection the server holds at most the
//! queue, one page and the kernel's socket buffers, and never stalls the hub or the others.
//!
//! Lost connections (R24, [`crate::connections`]): while a connection is authenticated as an
//! agent it counts as one of that agent's connections; the server pings it every
//! `--keepalive-ms` and closes it after twice that with nothing heard (no frame, no pong).
//!
//! [`HubOptions::live_buffer`]: crate::hub::HubOptions::live_buffer

use super::error::ApiError;
use super::extract::{decode_frame, parse_action, Frame};
use super::security::{ClientAddr, Guarded};
use crate::auth::{token_hash, wall_ms, Session, TokenHash};
use crate::connections::{follow, Beat, KeepAlive};
use crate::fanout::{event_frame_text, Delivery, Filter, LiveEvent, Receiver};
use crate::guard::{audited, Guard};
use crate::hub::{may_see, Hub, LiveStream, Outcome};
use crate::log::LoggedEvent;
use crate::scope::Scope;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use omnidesk_core::ItemId;
use omnidesk_wire::{ActionResult, ErrorBody, ErrorKind, Principal, ServerFrame, Subscribe};
use serde_json::value::RawValue;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{self, error::TrySendError};

/// The server's wall clock (ms since the epoch).
fn system_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Events read from the log per catch-up page.
const PAGE: usize = 500;

/// A socket write that makes no progress for this long closes the connection.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// `GET /api/ws`: checks the Origin (same origin or a configured one), then upgrades.
pub async fn upgrade(
    State(hub): State<Hub>,
    Guarded(guard): Guarded,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let ws = match ws {
        Ok(ws) => ws,
        // Not a WebSocket handshake: axum's reason, as JSON like every other refusal.
        Err(r) => {
            let mut e = ApiError::invalid("(request)", r.body_text());
            e.status = r.status();
            return e.into_response();
        }
    };
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default();
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        let same = origin == format!("http://{host}") || origin == format!("https://{host}");
        if !same && !hub.config.allowed_origins.iter().any(|o| o == origin) {
            return ApiError::forbidden(format!("origin {origin} is not allowed")).into_response();
        }
    }
    // Small socket buffers (tungstenite's default is 128 KiB to read, per connection): 10 000
    // connections would hold 1.3 GB of read buffers. They grow for a large frame.
    ws.max_message_size(1 << 20)
        .read_buffer_size(8 * 1024)
        .write_buffer_size(16 * 1024)
        .on_upgrade(move |socket| connection(socket, hub, Peer { guard, addr }))
        .into_response()
}

struct Subscription {
    /// The last seq queued for the client (or skipped as not visible to it).
    last: u64,
    /// The `after` it started from: the client has every event of its scope up to it.
    start: u64,
    /// Items this subscription has sent an event of: their history is settled (sent, or
    /// not needed), so each item asks the scope's records once.
    known: HashSet<ItemId>,
    /// What the client asked for (all, some queues, its conversation).
    filter: Filter,
    /// The fan-out registration; taken just before the last catch-up read.
    rx: Option<Receiver>,
    catching_up: bool,
    fresh: bool,
    /// The client asked for `caught_up`: send it once the catch-up is out (`AfterBacklog`:
    /// after the fan-out's first delivery, which holds the backlog from memory).
    announce: Announce,
    /// Held while on the live stream.
    live: Option<LiveStream>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Announce {
    No,
    Pending,
    AfterBacklog,
}

enum Next {
    /// A page read from the log (catch-up): queued with backpressure, never dropped.
    Page(Vec<LoggedEvent>),
    /// Live events of one group commit: queued only if the connection's outbound queue has room.
    Live(Vec<Arc<LiveEvent>>),
    Resync(String),
    /// The catch-up is out (announced when the client asked).
    CaughtUp,
}

/// A typed reply as a text frame.
fn frame(f: &ServerFrame) -> Message {
    Message::Text(serde_json::to_string(f).expect("frames serialize").into())
}

fn event_frame(e: &LoggedEvent) -> Message {
    Message::Text(event_frame_text(e).into())
}

/// The `history` frame of an item: its earlier events' stored JSON, passed through.
fn history_frame(item: &ItemId, events: &[LoggedEvent]) -> Message {
    let frame: ServerFrame<&RawValue> = ServerFrame::History {
        item: item.clone(),
        events: events.iter().map(|e| &*e.json).collect(),
    };
    Message::Text(
        serde_json::to_string(&frame)
            .expect("frames serialize")
            .into(),
    )
}

/// Issue 18 §4: before the first event of an item that entered the agent's scope after the
/// subscription's start, its earlier events of the scope as a `history` frame (none for its
/// arrival, which has none). `Err`: the log could not be read.
async fn history_before(
    s: &mut Subscription,
    hub: &Hub,
    e: &LoggedEvent,
) -> Result<Option<Message>, ()> {
    let (Filter::Scoped(scope), Some(item)) = (&s.filter, &e.item) else {
        return Ok(None);
    };
    if e.kind == "rejected" || !s.known.insert(item.clone()) {
        return Ok(None);
    }
    // In scope at or before `start`: the client has its events up to there (and gets every
    // later one). Its arrival has nothing before it.
    let entered_later = hub
        .scope_entry(scope, item)
        .is_some_and(|entry| entry > s.start);
    if !entered_later || e.kind == "arrived" {
        return Ok(None);
    }
    let mut earlier = Vec::new();
    let mut after = 0;
    loop {
        let (reader, it) = (hub.reader.clone(), item.clone());
        let page =
            tokio::task::spawn_blocking(move || reader.events_after(after, PAGE, Some(&it))).await;
        let Ok(Ok(page)) = page else { return Err(()) };
        let full = page.len() == PAGE;
        let mut reached = false;
        for p in page {
            if p.seq >= e.seq {
                reached = true;
                break;
            }
            after = p.seq;
            earlier.push(p);
        }
        if reached || !full {
            break;
        }
    }
    let wants = hub.wants(&s.filter, &earlier);
    let earlier: Vec<LoggedEvent> = earlier
        .into_iter()
        .zip(wants)
        .filter_map(|(e, w)| w.then_some(e))
        .collect();
    Ok((!earlier.is_empty()).then(|| history_frame(item, &earlier)))
}

fn error_frame(body: ErrorBody) -> Message {
    frame(&ServerFrame::Error(body))
}

fn result_frame(action_id: omnidesk_wire::ActionId, outcome: Outcome) -> Message {
    frame(&ServerFrame::Result(ActionResult {
        action_id,
        status: outcome.status,
        body: outcome.body,
        replayed: outcome.replayed,
    }))
}

/// Writes queued frames to the socket. A write (or flush) that takes longer than
/// [`SEND_TIMEOUT`] closes the connection: the client has stopped reading altogether.
async fn write_loop(mut sink: SplitSink<WebSocket, Message>, mut queue: mpsc::Receiver<Message>) {
    while let Some(first) = queue.recv().await {
        let write = async {
            sink.feed(first).await?;
            while let Ok(m) = queue.try_recv() {
                sink.feed(m).await?;
            }
            sink.flush().await
        };
        match tokio::time::timeout(SEND_TIMEOUT, write).await {
            Ok(Ok(())) => {}
            _ => return,
        }
    }
    let _ = tokio::time::timeout(SEND_TIMEOUT, sink.close()).await;
}

/// Who is at the other end: the guard (audit) and the client address.
struct Peer {
    guard: Arc<Guard>,
    addr: std::net::IpAddr,
}

/// Session expiry on the socket (issue 18): the close code after the `unauthorized` error
/// frame, when the session expires or is ended while the socket is open.
pub const SESSION_OVER: u16 = 4401;

/// The error frame and the close (4401) that end a socket whose session is over.
fn session_over(why: &str) -> Vec<Message> {
    vec![
        error_frame(ErrorBody::new(ErrorKind::Unauthorized, why)),
        Message::Close(Some(CloseFrame {
            code: SESSION_OVER,
            reason: why.to_owned().into(),
        })),
    ]
}

/// When the session's deadline passes, as a tokio instant (far off without a session).
fn expiry_at(hub: &Hub, session: Option<&TokenHash>) -> tokio::time::Instant {
    let far = tokio::time::Instant::now() + Duration::from_secs(86_400 * 365);
    match session.and_then(|h| hub.sessions.deadline(h)) {
        Some(d) => tokio::time::Instant::now() + Duration::from_millis(d.saturating_sub(wall_ms())),
        None if session.is_some() => tokio::time::Instant::now(),
        None => far,
    }
}

async fn connection(socket: WebSocket, hub: Hub, peer: Peer) {
    let (sink, mut stream) = socket.split();
    // The bounded outbound queue; its writer task is the only one that touches the sink, so a
    // client that stops reading blocks only that task, never this loop's live stream.
    let (out, queue) = mpsc::channel::<Message>(hub.live_buffer());
    tokio::spawn(write_loop(sink, queue));
    let mut principal: Option<Principal> = None;
    let mut sub: Option<Subscription> = None;
    // R24: counted as the agent's connection while authenticated; pinged, closed when silent.
    let mut attached = None;
    let mut keepalive = KeepAlive::new(hub.connections().options().keepalive);
    // Issue 18: the session's expiry, re-armed after every frame that refreshes it, and a
    // wake-up whenever sessions end (sign-out, sweep, a supervisor).
    let mut session: Option<TokenHash> = None;
    let expiry = tokio::time::sleep_until(expiry_at(&hub, None));
    tokio::pin!(expiry);
    let mut ended = hub.sessions.watch_ended();
    loop {
        tokio::select! {
            _ = &mut expiry, if session.is_some() => {
                let over = match session.as_ref().map(|h| hub.sessions.check_hash(h, wall_ms(), false)) {
                    Some(Session::Live(_)) | None => None,
                    Some(Session::Over(why)) => Some(why),
                    Some(Session::Unknown) => Some("session ended"),
                };
                match over {
                    // Refreshed meanwhile (an HTTP request with the same token).
                    None => expiry.as_mut().reset(expiry_at(&hub, session.as_ref())),
                    Some(why) => {
                        for m in session_over(why) {
                            let _ = out.send(m).await;
                        }
                        return;
                    }
                }
            }
            Ok(()) = ended.changed(), if session.is_some() => {
                // Checked at once; the expiry branch closes the socket if it is over.
                expiry.as_mut().reset(expiry_at(&hub, session.as_ref()));
            }
            msg = stream.next() => {
                let Some(Ok(msg)) = msg else { return };
                keepalive.heard();
                let replies = match msg {
                    Message::Text(text) => {
                        let replies = on_frame(text.as_str(), &hub, &peer, &mut principal, &mut session, &mut sub).await;
                        expiry.as_mut().reset(expiry_at(&hub, session.as_ref()));
                        let agent = match &principal {
                            Some(Principal::Agent { agent }) => Some(agent),
                            _ => None,
                        };
                        follow(hub.connections(), &mut attached, agent);
                        replies
                    }
                    Message::Binary(_) => vec![error_frame(ErrorBody::invalid("(body)", "only JSON text frames are understood"))],
                    Message::Close(_) => return,
                    Message::Ping(_) | Message::Pong(_) => Vec::new(),
                };
                for r in replies {
                    let close = matches!(r, Message::Close(_));
                    // Answers wait for room: a client that doesn't read its answers stops being read.
                    if out.send(r).await.is_err() || close {
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
                let resync = match next {
                    Next::Page(events) => {
                        let wants = match sub.as_ref() {
                            Some(s) => hub.wants(&s.filter, &events),
                            None => Vec::new(),
                        };
                        let mut resync = None;
                        for (e, want) in events.into_iter().zip(wants) {
                            let Some(s) = sub.as_mut() else { break };
                            if !(want && principal.as_ref().is_some_and(|p| may_see(p, &e))) {
                                s.last = s.last.max(e.seq);
                                continue;
                            }
                            match history_before(s, &hub, &e).await {
                                Ok(Some(h)) => if out.send(h).await.is_err() { return },
                                Ok(None) => {}
                                Err(()) => {
                                    resync = Some("the event log could not be read".to_owned());
                                    break;
                                }
                            }
                            s.last = s.last.max(e.seq);
                            if out.send(event_frame(&e)).await.is_err() {
                                return;
                            }
                        }
                        resync
                    }
                    Next::Live(events) => {
                        let mut resync = None;
                        for e in events {
                            let Some(s) = sub.as_mut() else { break };
                            // The fan-out routed it by the scope; a customer sees only some kinds.
                            if !principal.as_ref().is_some_and(|p| may_see(p, &e.event)) {
                                s.last = s.last.max(e.event.seq);
                                continue;
                            }
                            match history_before(s, &hub, &e.event).await {
                                // Rare (an item entering the scope): waits for room.
                                Ok(Some(h)) => if out.send(h).await.is_err() { return },
                                Ok(None) => {}
                                Err(()) => {
                                    resync = Some("the event log could not be read".to_owned());
                                    break;
                                }
                            }
                            match out.try_send(Message::Text(e.frame.clone())) {
                                Ok(()) => s.last = s.last.max(e.event.seq),
                                Err(TrySendError::Full(_)) => {
                                    resync = Some(format!(
                                        "this connection fell more than {} events behind the live stream; subscribe again from `after`",
                                        hub.live_buffer()
                                    ));
                                    break;
                                }
                                Err(TrySendError::Closed(_)) => return,
                            }
                        }
                        resync
                    }
                    Next::Resync(reason) => Some(reason),
                    Next::CaughtUp => None,
                };
                let announce = sub.as_ref().is_some_and(|s| {
                    s.announce == Announce::Pending && !s.catching_up && resync.is_none()
                });
                if announce {
                    if let Some(s) = sub.as_mut() {
                        s.announce = Announce::No;
                        if out.send(frame(&ServerFrame::CaughtUp { last: s.last })).await.is_err() {
                            return;
                        }
                    }
                }
                if let Some(reason) = resync {
                    // `after` is the last event queued before this frame: resuming from it leaves
                    // no gap and no duplicate.
                    let after = sub.as_ref().map_or(0, |s| s.last);
                    sub = None;
                    let f = frame(&ServerFrame::Resync { after, reason });
                    if out.send(f).await.is_err() {
                        return;
                    }
                }
            }
            beat = keepalive.tick() => match beat {
                // A full queue already has frames to send; the client's answer to them counts.
                Beat::Ping => { let _ = out.try_send(Message::Ping(Default::default())); }
                Beat::Silent => return,
            },
            _ = out.closed() => return,
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
        if s.rx.is_none() {
            // Register before reading: nothing committed from here on can be missed. When the
            // events after `last` are still in the fan-out's memory (the common case: a fresh
            // subscription from `last_seq` of `authenticated`, or a resume near the head), they
            // are the registration's first delivery and the log is not read at all.
            let rx = hub.subscribe(s.filter.clone(), s.last);
            let (caught_up, backlog) = (rx.caught_up, rx.backlog);
            s.rx = Some(rx);
            s.fresh = true;
            if caught_up {
                s.catching_up = false;
                s.live = Some(hub.enter_live());
                if s.announce == Announce::Pending && backlog {
                    // Announced after the backlog's delivery (below).
                    s.announce = Announce::AfterBacklog;
                    break;
                }
                return Next::CaughtUp;
            }
        }
        let reader = hub.reader.clone();
        let (after, it) = (s.last, item.clone());
        let page =
            tokio::task::spawn_blocking(move || reader.events_after(after, PAGE, it.as_ref()))
                .await;
        match page {
            Ok(Ok(page)) if !page.is_empty() => {
                s.fresh = false;
                return Next::Page(page);
            }
            Ok(Ok(_)) if s.fresh => {
                s.catching_up = false;
                s.live = Some(hub.enter_live());
                return Next::CaughtUp;
            }
            Ok(Ok(_)) => {
                // Register anew before one more read: nothing can fall between them.
                s.rx = None;
            }
            _ => return Next::Resync("the event log could not be read".into()),
        }
    }
    let Some(rx) = s.rx.as_mut() else {
        return Next::Resync("the live stream was lost; subscribe again from `after`".into());
    };
    loop {
        match rx.recv().await {
            Some(Delivery::Events(events)) => {
                let events: Vec<_> = events
                    .into_iter()
                    .filter(|e| e.event.seq > s.last)
                    .collect();
                if events.is_empty() {
                    continue;
                }
                if s.announce == Announce::AfterBacklog {
                    s.announce = Announce::Pending;
                }
                return Next::Live(events);
            }
            Some(Delivery::Lagged(n)) => {
                return Next::Resync(format!(
                    "this connection fell {n} events behind the live stream; subscribe again from `after`"
                ))
            }
            None => {
                return Next::Resync(
                    "the live stream was lost; subscribe again from `after`".into(),
                )
            }
        }
    }
}

async fn on_frame(
    text: &str,
    hub: &Hub,
    peer: &Peer,
    principal: &mut Option<Principal>,
    session: &mut Option<TokenHash>,
    sub: &mut Option<Subscription>,
) -> Vec<Message> {
    let frame_in = match decode_frame(text) {
        Ok(f) => f,
        Err(e) => return vec![error_frame(e)],
    };
    let p = match (&frame_in, principal.clone()) {
        (Frame::Ping, _) => return vec![frame(&ServerFrame::Pong)],
        (Frame::Auth { token }, _) => {
            let hash = token_hash(token);
            return match hub.sessions.check_hash(&hash, wall_ms(), true) {
                Session::Live(p) => {
                    *session = Some(hash);
                    let f = frame(&ServerFrame::Authenticated {
                        principal: p.clone(),
                        last_seq: hub.last_seq(),
                        now: system_now(),
                    });
                    *principal = Some(p);
                    *sub = None;
                    vec![f]
                }
                Session::Over(why) => session_over(why),
                Session::Unknown => vec![error_frame(ErrorBody::new(
                    ErrorKind::Unauthorized,
                    "unknown or expired token",
                ))],
            };
        }
        (_, None) => {
            return vec![error_frame(ErrorBody::new(
                ErrorKind::Unauthorized,
                "authenticate first: {\"type\":\"auth\",\"token\":…}",
            ))]
        }
        (_, Some(p)) => p,
    };
    // Every frame but a ping refreshes the session's idle clock (issue 18).
    if let Some(h) = session.as_ref() {
        match hub.sessions.check_hash(h, wall_ms(), true) {
            Session::Live(_) => {}
            Session::Over(why) => return session_over(why),
            Session::Unknown => return session_over("session ended"),
        }
    }
    match frame_in {
        Frame::Subscribe(request) => match subscription(hub, &p, request) {
            Ok(s) => {
                *sub = Some(s);
                Vec::new()
            }
            Err(e) => vec![error_frame(e)],
        },
        Frame::Unsubscribe => {
            *sub = None;
            Vec::new()
        }
        Frame::Action(request) => {
            let action_id = request.action_id.clone();
            let action = match parse_action(hub, &p, request) {
                Ok(a) => a,
                Err(e) => return vec![result_frame(action_id, Outcome::refused(e))],
            };
            // A supervisor's act goes in the audit trail (issue 18).
            let audit = audited(&action.input).then(|| (p.clone(), action.input.clone()));
            let outcome = match hub.act(p, action).await {
                Ok(o) => o,
                Err(_) => Outcome::refused(ApiError::busy().body),
            };
            if let Some((who, input)) = audit {
                peer.guard.record_action(&who, peer.addr, &input, &outcome);
            }
            vec![result_frame(action_id, outcome)]
        }
        Frame::Ping | Frame::Auth { .. } => Vec::new(),
    }
}

/// A `subscribe` read into a subscription: an agent's read scope (narrowed to the named
/// queues, which must be theirs), the conversation for a customer (who names no queues).
fn subscription(hub: &Hub, p: &Principal, request: Subscribe) -> Result<Subscription, ErrorBody> {
    let filter = match (p, request.queues) {
        (Principal::Customer { .. }, Some(_)) => {
            return Err(ErrorBody::invalid(
                "queues",
                "a customer's stream is their conversation; it takes no queues",
            ))
        }
        (_, None) => hub.filter_of(p),
        (Principal::Agent { agent }, Some(list)) => {
            let mine = hub.scope_of(agent);
            let mut queues = HashSet::new();
            for q in list {
                if !hub.config.core.queues.contains_key(&q) {
                    return Err(ErrorBody::invalid(
                        "queues",
                        format!("unknown queue \"{q}\""),
                    ));
                }
                if !mine.queues.contains(&q) {
                    return Err(ErrorBody::invalid(
                        "queues",
                        format!("\"{q}\" is not one of your queues (you neither serve nor supervise it)"),
                    ));
                }
                queues.insert(q);
            }
            Filter::Scoped(Arc::new(Scope {
                agent: agent.clone(),
                queues,
            }))
        }
    };
    Ok(Subscription {
        last: request.after,
        start: request.after,
        known: HashSet::new(),
        filter,
        rx: None,
        catching_up: true,
        fresh: false,
        announce: if request.caught_up {
            Announce::Pending
        } else {
            Announce::No
        },
        live: None,
    })
}
