//! The client link: one WebSocket to `omnidesk-server`, kept open, as a sans-io state machine.
//! The agent desk and the `/chat` customer page both drive one [`Link`]; a wasm driver only
//! moves frames and timers, and everything decided here is tested natively
//! (`wire/tests/link.rs`).
//!
//! What it owns:
//! - **Connection state** ([`LinkState`]): connecting, authenticating, catching up, live,
//!   reconnecting at a time, ended (signed out, or the token refused: back to sign-in).
//! - **The outbox** ([`Outbox`]): every action until the server answers it. Each has a client
//!   id and an action id, unique across reloads, so it is resent after every reconnect (and by
//!   the next page after a reload, from the app's saved copy) and applied once. An answer
//!   removes it ([`LinkEvent::Applied`] / [`LinkEvent::Refused`]); `unavailable` (503) keeps it
//!   and sends it again after a backoff.
//! - **Reconnects**: 0.5 s doubling to 15 s, ±25 % jitter drawn from the seed in
//!   [`LinkOptions::seed`] (deterministic for a given seed); a good authentication resets it.
//! - **Keep-alive**: a `ping` after 15 s without a frame; after 40 s of silence (or a socket
//!   that never opens) the connection is given up and reconnected.
//! - **The stream**: `subscribe` after the last event folded (or past the seqs the server
//!   skipped, from a `resync`); caught up when the log's head at authentication is folded, or
//!   when the server says `caught_up`; a `resync` subscribes again.
//! - **Seq order (the link's job, not the replica's)**: the link hands the app each event once,
//!   in seq order ([`LinkEvent::Fold`]): duplicates are dropped. Every stream skips seqs by
//!   design — a customer's is their conversation, an agent's is their read scope (issue 18
//!   §4) — so a gap is no loss (the server never drops an event silently: a connection that
//!   falls behind gets `resync`). The app folds every `Fold` it polls, as it comes, and
//!   [`Link::folded`] is its replica's last seq.
//! - **An item entering the scope** (transferred into the agent's queue, assigned to them):
//!   the server sends its earlier events in a `history` frame right before its next event;
//!   the link hands them on as [`LinkEvent::History`] in the same order, without moving its
//!   position (their seqs are older).
//! - **A server whose log is behind the page** (`authenticated.last_seq` < the last seq
//!   folded: another server, or its database was restored): [`LinkEvent::Rebuild`]. The app
//!   drops its replica, builds a fresh one (fetching the configuration again) and calls
//!   [`Link::handle_rebuilt`]; only then does the link follow the log again, from 0.
//! - **The server's clock**: `authenticated.now` minus the local `now` ([`Link::clock_offset`]).
//!
//! Driving it: call [`Link::poll_connect`] and open a socket when it says so (tagged with the
//! [`ConnId`] it returns); report it with [`Link::handle_open`] / [`Link::handle_close`];
//! decode every text frame and pass it to [`Link::handle_frame`]; wake it at
//! [`Link::poll_timeout`] with [`Link::handle_timeout`]; after every call, drain
//! [`Link::poll_transmit`] (send), [`Link::poll_disconnect`] (close that socket) and
//! [`Link::poll_event`] (the app's work). Events of a socket the link has given up are
//! ignored by their stale [`ConnId`].
//!
//! A driver's loop, in outline (the wasm one uses gloo-net's WebSocket and gloo-timers):
//!
//! ```text
//! let mut link = Link::new(LinkOptions { token, client_id, after: replica.last_seq(), seed, .. }, now());
//! loop {
//!     if let Some(id) = link.poll_connect()    { open a socket tagged id (drop the old one) }
//!     if let Some(id) = link.poll_disconnect() { close socket id }
//!     while let Some(f) = link.poll_transmit() { send JSON of f on the current socket }
//!     while let Some(e) = link.poll_event()    { match e { Fold { event, .. } => replica.follow(event), … } }
//!     wait for: socket id opened → link.handle_open(now(), id)
//!             | a text frame     → link.handle_frame(now(), id, decode(text)?)
//!             | socket id closed → link.handle_close(now(), id)
//!             | link.poll_timeout() reached → link.handle_timeout(now())
//!             | the agent acts   → link.send_action(now(), input)
//! }
//! ```

mod backoff;
mod outbox;

pub use backoff::{backoff_ms, BACKOFF_FIRST_MS, BACKOFF_MAX_MS};
pub use outbox::{Outbox, Pending};

use crate::action::{ActionBody, ActionId, ActionResult, ClientId, Refusal};
use crate::error::{ErrorBody, ErrorKind};
use crate::frames::{ClientFrame, ServerFrame, Subscribe};
use crate::principal::Principal;
use backoff::Jitter;
use omnidesk_core::{Input, QueueId, Stamped};
use std::collections::{BTreeSet, VecDeque};

/// A ping goes out after this long without a frame from the server…
pub const PING_AFTER_MS: u64 = 15_000;
/// …and the connection is given up (and reconnected) after this long: a network that drops
/// packets without closing the socket would otherwise look connected forever.
pub const SILENT_LIMIT_MS: u64 = 40_000;

/// One socket the driver opened for the link. Events of an older socket are ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub u32);

/// How to start a link.
#[derive(Clone, Debug, Default)]
pub struct LinkOptions {
    /// The session token (an agent's from sign-in, a customer's from `POST /api/conversations`).
    pub token: String,
    /// This page's client id: new for every page load (random), so action ids never collide.
    pub client_id: ClientId,
    /// The last seq the app has folded (0: a fresh replica, or a customer page drawing the
    /// conversation from the start).
    pub after: u64,
    /// Agents only: follow these queues only (see [`Subscribe::queues`]).
    pub queues: Option<Vec<QueueId>>,
    /// Unanswered actions saved by an earlier page ([`Link::outbox`]); sent with their own ids.
    pub outbox: Outbox,
    /// Seeds the reconnect jitter.
    pub seed: u64,
}

/// Where the connection is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// A socket is being opened.
    Connecting,
    /// The socket is open and `auth` sent.
    Authenticating,
    /// Authenticated and following the log up to the head it had at authentication (or
    /// waiting for the app to rebuild its replica, see [`LinkEvent::Rebuild`]).
    CatchingUp,
    /// Caught up: events arrive as they happen.
    Live,
    /// The connection dropped; the next try is at `retry_at` (ms).
    Reconnecting { retry_at: u64 },
    /// No more connections.
    Ended(EndReason),
}

/// Why the link ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// [`Link::end`] (the user signed out, or the chat is over).
    SignedOut,
    /// The server refused the token (expired, signed out elsewhere, or unknown to it), or
    /// ended the session on a live socket (`session expired`, then close code 4401): sign in
    /// again. `reason` is the server's.
    SessionEnded { reason: String },
}

/// What the app has to do, polled with [`Link::poll_event`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkEvent {
    /// The connection state changed (show it).
    State(LinkState),
    /// (Re)authenticated as `principal`; `clock_offset` = the server's clock − the local one
    /// (ms), for countdowns on the server's time.
    Authenticated {
        principal: Principal,
        clock_offset: i64,
    },
    /// Fold this event, the next in seq order. `history`: it was in the log already when this
    /// link first authenticated (a page drawing its past again after a reload).
    Fold { event: Box<Stamped>, history: bool },
    /// `item` entered this stream's scope: fold those of its earlier `events` (seq order) the
    /// replica doesn't have — those after the last event of `item` it folded — before the
    /// next `Fold`. They don't change [`Link::folded`].
    History {
        item: omnidesk_core::ItemId,
        events: Vec<Stamped>,
    },
    /// The server applied the action (`replayed`: this is its stored answer to a resend).
    Applied {
        action: Pending,
        replayed: bool,
        last_seq: u64,
    },
    /// The server refused the action: `status` 403 (forbidden), 409 (the core refused; the
    /// reason is the core's), 422 (malformed) …
    Refused {
        action: Pending,
        status: u16,
        refusal: Box<Refusal>,
    },
    /// The server's log is behind this page: drop the replica, build a fresh one and call
    /// [`Link::handle_rebuilt`]. Nothing is folded (and no action sent) until then.
    Rebuild,
    /// The outbox changed: save [`Link::outbox`] if the app keeps it across reloads.
    OutboxChanged,
    /// An `error` frame that is not about the session (a bug to log, not to show).
    ServerError(ErrorBody),
}

#[derive(Clone, Debug)]
struct Socket {
    id: ConnId,
    open: bool,
    /// When the server (or, before it said anything, the socket's opening) was last heard.
    heard: u64,
    pinged: Option<u64>,
    authenticated: bool,
    subscribed: bool,
}

/// The client link. See the module doc.
#[derive(Clone, Debug)]
pub struct Link {
    token: String,
    client_id: ClientId,
    next_action: u64,
    queues: Option<Vec<QueueId>>,
    state: LinkState,
    socket: Option<Socket>,
    next_conn: u32,
    connect: Option<ConnId>,
    disconnect: Option<ConnId>,
    principal: Option<Principal>,
    /// The last seq handed out as `Fold`.
    folded: u64,
    /// Where to resume a filtered stream (past the seqs it skipped); `folded` for a full one.
    resume: u64,
    /// The log's head at the last authentication, and at the first (for `history`).
    target: u64,
    first_target: Option<u64>,
    rebuild_pending: bool,
    attempt: u32,
    jitter: Jitter,
    outbox: Outbox,
    /// Actions answered `unavailable`, sent again at `busy_retry_at`.
    busy: BTreeSet<ActionId>,
    busy_retry_at: Option<u64>,
    busy_attempt: u32,
    clock_offset: Option<i64>,
    transmit: VecDeque<ClientFrame>,
    events: VecDeque<LinkEvent>,
}

impl Link {
    /// A link that wants its first socket now ([`Link::poll_connect`]).
    pub fn new(options: LinkOptions, now: u64) -> Link {
        let mut link = Link {
            token: options.token,
            client_id: options.client_id,
            next_action: 0,
            queues: options.queues,
            state: LinkState::Connecting,
            socket: None,
            next_conn: 0,
            connect: None,
            disconnect: None,
            principal: None,
            folded: options.after,
            resume: options.after,
            target: 0,
            first_target: None,
            rebuild_pending: false,
            attempt: 0,
            jitter: Jitter::new(options.seed),
            outbox: options.outbox,
            busy: BTreeSet::new(),
            busy_retry_at: None,
            busy_attempt: 0,
            clock_offset: None,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
        };
        link.open_socket(now);
        link
    }

    // ---- Inputs -------------------------------------------------------------------------

    /// The socket `conn` opened: authenticate.
    pub fn handle_open(&mut self, now: u64, conn: ConnId) {
        let Some(s) = self.socket_mut(conn) else {
            return;
        };
        if s.open {
            return;
        }
        s.open = true;
        s.heard = now;
        self.transmit.push_back(ClientFrame::Auth {
            token: self.token.clone(),
        });
        self.set_state(LinkState::Authenticating);
    }

    /// The socket `conn` closed (or never opened): reconnect after a backoff.
    pub fn handle_close(&mut self, now: u64, conn: ConnId) {
        if self.socket_mut(conn).is_some() {
            self.reconnect_later(now);
        }
    }

    /// A frame arrived on `conn`.
    pub fn handle_frame(&mut self, now: u64, conn: ConnId, frame: ServerFrame) {
        let Some(s) = self.socket_mut(conn) else {
            return;
        };
        s.heard = now;
        match frame {
            ServerFrame::Authenticated {
                principal,
                last_seq,
                now: server_now,
            } => self.on_authenticated(now, principal, last_seq, server_now),
            ServerFrame::Event { event } => self.on_event(event),
            ServerFrame::History { item, events } => self.on_history(item, events),
            ServerFrame::Result(result) => self.on_result(now, result),
            ServerFrame::Resync { after, .. } => self.on_resync(after),
            ServerFrame::CaughtUp { last } => {
                // Every stream skips seqs (read scope), so the server's word says when the
                // catch-up is out; past `last` is live.
                let subscribed = self.socket.as_ref().is_some_and(|s| s.subscribed);
                if subscribed && !self.rebuild_pending {
                    self.resume = self.resume.max(last.max(self.folded));
                    if self.state == LinkState::CatchingUp {
                        self.set_state(LinkState::Live);
                    }
                }
            }
            ServerFrame::Pong => {}
            ServerFrame::Error(e) => {
                // `unauthorized` while authenticating: the token is refused. After it, the
                // server ended the session (idle or too old, or a supervisor ended it) and
                // closes the socket with 4401 next: a reconnect would only be refused too.
                if e.error == ErrorKind::Unauthorized {
                    self.finish(EndReason::SessionEnded { reason: e.reason });
                } else {
                    self.events.push_back(LinkEvent::ServerError(e));
                }
            }
        }
    }

    /// Time passed: reconnect when it is time, ping a quiet connection, give up a silent one,
    /// send again what the server was too busy for.
    pub fn handle_timeout(&mut self, now: u64) {
        if let LinkState::Reconnecting { retry_at } = self.state {
            if now >= retry_at {
                self.open_socket(now);
            }
            return;
        }
        let Some(s) = self.socket.as_mut() else {
            return;
        };
        if now >= s.heard + SILENT_LIMIT_MS {
            self.disconnect = Some(s.id);
            self.reconnect_later(now);
            return;
        }
        // No ping before authentication: an `auth` the server never answers is given up at
        // the silence limit, not kept alive by pongs.
        let ping_due = s.authenticated
            && now >= s.heard + PING_AFTER_MS
            && s.pinged.is_none_or(|p| now >= p + PING_AFTER_MS);
        if ping_due {
            s.pinged = Some(now);
            self.transmit.push_back(ClientFrame::Ping);
        }
        if self.busy_retry_at.is_some_and(|t| now >= t) && self.sending() {
            self.busy_retry_at = None;
            let ids = std::mem::take(&mut self.busy);
            for p in &self.outbox.pending {
                if ids.contains(&p.action_id) {
                    self.transmit.push_back(ClientFrame::Action(p.request()));
                }
            }
        }
    }

    /// The app has a fresh replica after [`LinkEvent::Rebuild`]: follow the log from 0.
    pub fn handle_rebuilt(&mut self, _now: u64) {
        if !self.rebuild_pending {
            return;
        }
        self.rebuild_pending = false;
        if self.socket.as_ref().is_some_and(|s| s.authenticated) {
            self.start_stream();
        }
    }

    /// Queues an action; it is sent now if the link is authenticated, else as soon as it is,
    /// and stays in the outbox until answered.
    pub fn send_action(&mut self, _now: u64, input: Input) -> ActionId {
        self.next_action += 1;
        let pending = Pending {
            client_id: self.client_id.clone(),
            action_id: ActionId(format!("{}.{}", self.client_id.0, self.next_action)),
            input,
        };
        let id = pending.action_id.clone();
        if self.sending() {
            self.transmit
                .push_back(ClientFrame::Action(pending.request()));
        }
        self.outbox.push(pending);
        self.events.push_back(LinkEvent::OutboxChanged);
        id
    }

    /// Ends the link (sign-out, or the chat is over): the socket closes and no reconnect
    /// follows. The outbox is kept ([`Link::outbox`]).
    pub fn end(&mut self, _now: u64) {
        self.finish(EndReason::SignedOut);
    }

    // ---- Outputs ------------------------------------------------------------------------

    /// The next frame to send on the current socket.
    pub fn poll_transmit(&mut self) -> Option<ClientFrame> {
        self.transmit.pop_front()
    }

    /// The next thing for the app to do.
    pub fn poll_event(&mut self) -> Option<LinkEvent> {
        self.events.pop_front()
    }

    /// When to call [`Link::handle_timeout`] next (ms), if ever.
    pub fn poll_timeout(&self) -> Option<u64> {
        if let LinkState::Reconnecting { retry_at } = self.state {
            return Some(retry_at);
        }
        let s = self.socket.as_ref()?;
        let mut due = s.heard + SILENT_LIMIT_MS;
        if s.authenticated {
            let ping = match s.pinged {
                Some(p) if p >= s.heard => p + PING_AFTER_MS,
                _ => s.heard + PING_AFTER_MS,
            };
            due = due.min(ping);
        }
        if let Some(t) = self.busy_retry_at.filter(|_| self.sending()) {
            due = due.min(t);
        }
        Some(due)
    }

    /// Open a new socket now, tagged `ConnId` (any earlier one is given up).
    pub fn poll_connect(&mut self) -> Option<ConnId> {
        self.connect.take()
    }

    /// Close this socket now (the link gave it up); no [`Link::handle_close`] is needed for it.
    pub fn poll_disconnect(&mut self) -> Option<ConnId> {
        self.disconnect.take()
    }

    // ---- Getters ------------------------------------------------------------------------

    pub fn state(&self) -> &LinkState {
        &self.state
    }

    /// Who the token speaks for, once authenticated.
    pub fn principal(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }

    /// The last seq handed out as [`LinkEvent::Fold`] (the replica's last seq).
    pub fn folded(&self) -> u64 {
        self.folded
    }

    /// The unanswered actions (save them to survive a reload).
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// The server's clock minus the local one (ms), once authenticated.
    pub fn clock_offset(&self) -> Option<i64> {
        self.clock_offset
    }

    /// The server's time at local time `now`.
    pub fn server_now(&self, now: u64) -> u64 {
        now.saturating_add_signed(self.clock_offset.unwrap_or(0))
    }

    /// This page's client id.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    // ---- Internals ----------------------------------------------------------------------

    fn socket_mut(&mut self, conn: ConnId) -> Option<&mut Socket> {
        self.socket.as_mut().filter(|s| s.id == conn)
    }

    /// Authenticated, following the log (not waiting for a rebuild): actions may go.
    fn sending(&self) -> bool {
        !self.rebuild_pending && self.socket.as_ref().is_some_and(|s| s.authenticated)
    }

    fn set_state(&mut self, state: LinkState) {
        if self.state != state {
            self.state = state.clone();
            self.events.push_back(LinkEvent::State(state));
        }
    }

    fn open_socket(&mut self, now: u64) {
        let id = ConnId(self.next_conn);
        self.next_conn = self.next_conn.wrapping_add(1);
        self.socket = Some(Socket {
            id,
            open: false,
            heard: now,
            pinged: None,
            authenticated: false,
            subscribed: false,
        });
        self.connect = Some(id);
        self.transmit.clear();
        self.set_state(LinkState::Connecting);
    }

    fn reconnect_later(&mut self, now: u64) {
        self.socket = None;
        self.connect = None;
        self.transmit.clear();
        let wait = backoff_ms(self.attempt, self.jitter.next());
        self.attempt = self.attempt.saturating_add(1);
        self.set_state(LinkState::Reconnecting {
            retry_at: now + wait,
        });
    }

    fn finish(&mut self, reason: EndReason) {
        if let Some(s) = self.socket.take() {
            self.disconnect = Some(s.id);
        }
        self.connect = None;
        self.transmit.clear();
        self.set_state(LinkState::Ended(reason));
    }

    fn on_authenticated(&mut self, now: u64, principal: Principal, last_seq: u64, server_now: u64) {
        let Some(s) = self.socket.as_mut() else {
            return;
        };
        if s.authenticated {
            return;
        }
        s.authenticated = true;
        self.attempt = 0;
        let clock_offset = server_now as i64 - now as i64;
        self.clock_offset = Some(clock_offset);
        self.principal = Some(principal.clone());
        self.events.push_back(LinkEvent::Authenticated {
            principal,
            clock_offset,
        });
        self.target = last_seq;
        if last_seq < self.folded {
            // Another log than the one this page folded: start over from its beginning.
            self.folded = 0;
            self.resume = 0;
            self.first_target = None;
            self.rebuild_pending = true;
            self.events.push_back(LinkEvent::Rebuild);
        }
        self.first_target.get_or_insert(last_seq);
        if self.rebuild_pending {
            self.set_state(LinkState::CatchingUp);
        } else {
            self.start_stream();
        }
    }

    /// Subscribe after the last event folded, then send every unanswered action (again: the
    /// ids make a resend harmless).
    fn start_stream(&mut self) {
        self.subscribe();
        self.busy.clear();
        self.busy_retry_at = None;
        for p in &self.outbox.pending {
            self.transmit.push_back(ClientFrame::Action(p.request()));
        }
        if self.folded >= self.target {
            self.set_state(LinkState::Live);
        } else {
            self.set_state(LinkState::CatchingUp);
        }
    }

    fn subscribe(&mut self) {
        let after = self.resume.max(self.folded);
        if let Some(s) = self.socket.as_mut() {
            s.subscribed = true;
        }
        self.transmit.push_back(ClientFrame::Subscribe(Subscribe {
            after,
            queues: self.queues.clone(),
            caught_up: true,
        }));
    }

    fn on_event(&mut self, event: Stamped) {
        let Some(s) = self.socket.as_ref() else {
            return;
        };
        if !s.subscribed || self.rebuild_pending || event.seq <= self.folded {
            return;
        }
        // A gap is the read scope's (or the conversation's), never a loss.
        self.folded = event.seq;
        self.resume = self.resume.max(event.seq);
        let history = self.first_target.is_some_and(|t| event.seq <= t);
        self.events.push_back(LinkEvent::Fold {
            event: Box::new(event),
            history,
        });
        if self.state == LinkState::CatchingUp && self.folded >= self.target {
            self.set_state(LinkState::Live);
        }
    }

    /// An item entered the scope: its earlier events, for the replica to fold those it lacks.
    fn on_history(&mut self, item: omnidesk_core::ItemId, events: Vec<Stamped>) {
        let subscribed = self.socket.as_ref().is_some_and(|s| s.subscribed);
        if !subscribed || self.rebuild_pending || events.is_empty() {
            return;
        }
        self.events.push_back(LinkEvent::History { item, events });
    }

    fn on_result(&mut self, now: u64, r: ActionResult) {
        if self.outbox.get(&r.action_id).is_none() {
            return;
        }
        let unavailable = matches!(&r.body, ActionBody::Refused(f) if f.error == ErrorKind::Unavailable)
            || r.status == 503;
        if unavailable {
            // The server was too busy to take it: the same id again, later.
            self.busy.insert(r.action_id);
            if self.busy_retry_at.is_none() {
                let wait = backoff_ms(self.busy_attempt, self.jitter.next());
                self.busy_attempt = self.busy_attempt.saturating_add(1);
                self.busy_retry_at = Some(now + wait);
            }
            return;
        }
        let Some(action) = self.outbox.settle(&r.action_id) else {
            return;
        };
        self.busy.remove(&action.action_id);
        self.busy_attempt = 0;
        self.events.push_back(LinkEvent::OutboxChanged);
        let event = match r.body {
            ActionBody::Applied(a) if r.status < 300 => LinkEvent::Applied {
                action,
                replayed: r.replayed,
                last_seq: a.last_seq,
            },
            ActionBody::Applied(a) => LinkEvent::Refused {
                action,
                status: r.status,
                refusal: Box::new(Refusal {
                    error: ErrorKind::Other,
                    reason: format!("status {}", r.status),
                    field: None,
                    events: Some(a.events),
                    last_seq: Some(a.last_seq),
                }),
            },
            ActionBody::Refused(refusal) => LinkEvent::Refused {
                action,
                status: r.status,
                refusal: Box::new(refusal),
            },
        };
        self.events.push_back(event);
    }

    fn on_resync(&mut self, after: u64) {
        let Some(s) = self.socket.as_mut() else {
            return;
        };
        if !s.subscribed || self.rebuild_pending {
            return;
        }
        // Resume past the seqs the server skipped for this stream (it says where it stopped:
        // nothing in scope lies between the last event folded and `after`).
        self.resume = self.resume.max(after.max(self.folded));
        self.subscribe();
    }
}
