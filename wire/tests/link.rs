//! The client link against a simulated server in simulated time (quinn-proto's way: the
//! harness owns the clock; `settle` runs the exchange until nothing moves, `advance` lets time
//! pass, firing the link's timers on the way). The simulated server keeps a log, sessions and
//! the dedup table of answers, and can restart (dropping connections, keeping its state), go
//! down, fall silent, lose its log's tail, skip an event, tell a client to resync, or be too
//! busy for an action.

use omnidesk_core::{AgentId, Event, Input, ItemId, Stamped};
use omnidesk_wire::link::{backoff_ms, PING_AFTER_MS, SILENT_LIMIT_MS};
use omnidesk_wire::*;
use std::collections::{HashMap, VecDeque};

/// The server's clock runs this far ahead of the page's.
const SERVER_AHEAD: u64 = 90_000;

fn ana() -> AgentId {
    AgentId::from("ana")
}

fn message(text: &str) -> Input {
    Input::AgentMessage {
        agent: ana(),
        item: ItemId::from("w1"),
        text: text.into(),
    }
}

#[derive(Default)]
struct ServerConn {
    id: Option<ConnId>,
    principal: Option<Principal>,
    /// The subscription: the last seq sent, and the customer's item for a customer.
    sub: Option<u64>,
    out: VecDeque<ServerFrame>,
    /// This connection went dead without closing: frames are lost both ways (a network that
    /// drops packets). A new connection works again.
    silent: bool,
}

#[derive(Default)]
struct Server {
    up: bool,
    log: Vec<Stamped>,
    tokens: HashMap<String, Principal>,
    answers: HashMap<(ClientId, ActionId), ActionResult>,
    /// How many times each action id was applied.
    applied: HashMap<ActionId, u32>,
    conn: ServerConn,
    /// The next event logged is outside the agent's read scope (issue 18 §4): never sent,
    /// live or in catch-up (a gap in the stream's seqs that is no loss).
    hide_next: bool,
    hidden: std::collections::HashSet<u64>,
    /// The next this-many actions are answered 503.
    busy: u32,
    frames_in: Vec<ClientFrame>,
}

impl Server {
    fn append(&mut self, now: u64, event: Event) -> Stamped {
        let s = Stamped {
            seq: self.log.len() as u64 + 1,
            at: now,
            event,
        };
        self.log.push(s.clone());
        if std::mem::take(&mut self.hide_next) {
            self.hidden.insert(s.seq);
        }
        if let Some(last) = self.conn.sub.filter(|_| !self.conn.silent) {
            if self.visible(&s) {
                self.conn
                    .out
                    .push_back(ServerFrame::Event { event: s.clone() });
            }
            self.conn.sub = Some(last.max(s.seq));
        }
        s
    }

    fn visible(&self, s: &Stamped) -> bool {
        if self.hidden.contains(&s.seq) {
            return false;
        }
        match &self.conn.principal {
            Some(Principal::Customer { item }) => match &s.event {
                Event::CustomerMessage { item: i, .. } | Event::AgentMessage { item: i, .. } => {
                    i == item
                }
                _ => false,
            },
            _ => true,
        }
    }

    fn receive(&mut self, now: u64, frame: ClientFrame) {
        if self.conn.silent {
            return;
        }
        self.frames_in.push(frame.clone());
        if self.conn.silent {
            return;
        }
        let reply = |c: &mut ServerConn, f| c.out.push_back(f);
        match frame {
            ClientFrame::Auth { token } => match self.tokens.get(&token) {
                Some(p) => {
                    self.conn.principal = Some(p.clone());
                    let f = ServerFrame::Authenticated {
                        principal: p.clone(),
                        last_seq: self.log.len() as u64,
                        now: now + SERVER_AHEAD,
                    };
                    reply(&mut self.conn, f);
                }
                None => reply(
                    &mut self.conn,
                    ServerFrame::Error(ErrorBody::new(
                        ErrorKind::Unauthorized,
                        "unknown or expired token",
                    )),
                ),
            },
            ClientFrame::Subscribe(s) => {
                let events: Vec<Stamped> = self
                    .log
                    .iter()
                    .filter(|e| e.seq > s.after && self.visible(e))
                    .cloned()
                    .collect();
                for e in events {
                    self.conn.out.push_back(ServerFrame::Event { event: e });
                }
                let head = self.log.len() as u64;
                self.conn.sub = Some(head);
                if s.caught_up {
                    self.conn
                        .out
                        .push_back(ServerFrame::CaughtUp { last: head });
                }
            }
            ClientFrame::Unsubscribe => self.conn.sub = None,
            ClientFrame::Ping => reply(&mut self.conn, ServerFrame::Pong),
            ClientFrame::Action(a) => {
                let key = (a.client_id.clone().unwrap_or_default(), a.action_id.clone());
                if let Some(r) = self.answers.get(&key) {
                    let mut r = r.clone();
                    r.replayed = true;
                    reply(&mut self.conn, ServerFrame::Result(r));
                    return;
                }
                if self.busy > 0 {
                    self.busy -= 1;
                    let body = ErrorBody::new(ErrorKind::Unavailable, "saturated").into();
                    let r = ActionResult {
                        action_id: a.action_id,
                        status: 503,
                        body: ActionBody::Refused(body),
                        replayed: false,
                    };
                    reply(&mut self.conn, ServerFrame::Result(r));
                    return;
                }
                *self.applied.entry(a.action_id.clone()).or_default() += 1;
                let (status, body) = match a.input {
                    Input::Pick { ref item, .. } if item.as_str() == "taken" => {
                        let s = self.append(
                            now,
                            Event::Rejected {
                                input: a.input.clone(),
                                reason: "item is not open".into(),
                            },
                        );
                        let body = Refusal {
                            error: ErrorKind::Rejected,
                            reason: "item is not open".into(),
                            field: None,
                            events: Some(vec![s]),
                            last_seq: Some(self.log.len() as u64),
                        };
                        (409, ActionBody::Refused(body))
                    }
                    Input::AgentMessage { item, agent, text } => {
                        let s = self.append(now, Event::AgentMessage { item, agent, text });
                        (200, self.applied_body(s))
                    }
                    Input::CustomerMessage { item, text } => {
                        let s = self.append(now, Event::CustomerMessage { item, text });
                        (200, self.applied_body(s))
                    }
                    other => panic!("the simulated server does not take {other:?}"),
                };
                let r = ActionResult {
                    action_id: a.action_id,
                    status,
                    body,
                    replayed: false,
                };
                self.answers.insert(key, r.clone());
                reply(&mut self.conn, ServerFrame::Result(r));
            }
        }
    }

    fn applied_body(&self, s: Stamped) -> ActionBody {
        ActionBody::Applied(Applied {
            events: vec![s],
            last_seq: self.log.len() as u64,
        })
    }
}

/// The page (the app's side of the link) plus the network and the server.
struct Net {
    now: u64,
    link: Link,
    server: Server,
    /// The socket the driver has open.
    conn: Option<ConnId>,
    /// Everything the app polled.
    events: Vec<LinkEvent>,
    /// The replica: the events folded, in order.
    replica: Vec<Stamped>,
    /// Rebuild at once when asked (else the test calls `handle_rebuilt`).
    auto_rebuild: bool,
    /// Frames delivered to the link since the start.
    delivered: usize,
    /// Deliver at most this many frames (then the network holds them).
    budget: Option<usize>,
}

impl Net {
    fn new(options: LinkOptions) -> Net {
        let token = options.token.clone();
        let mut server = Server {
            up: true,
            ..Server::default()
        };
        server
            .tokens
            .insert(token, Principal::Agent { agent: ana() });
        let now = 1_000_000;
        Net {
            now,
            link: Link::new(options, now),
            server,
            conn: None,
            events: Vec::new(),
            replica: Vec::new(),
            auto_rebuild: true,
            delivered: 0,
            budget: None,
        }
    }

    fn agent() -> Net {
        Net::new(LinkOptions {
            token: "tok".into(),
            client_id: ClientId::from("page1"),
            seed: 42,
            ..LinkOptions::default()
        })
    }

    /// One round of the driver's loop; whether anything moved.
    fn step(&mut self) -> bool {
        let mut moved = false;
        let now = self.now;
        if let Some(id) = self.link.poll_connect() {
            moved = true;
            self.server.conn = ServerConn::default();
            if self.server.up {
                self.conn = Some(id);
                self.server.conn.id = Some(id);
                self.link.handle_open(now, id);
            } else {
                self.conn = None;
                self.link.handle_close(now, id);
            }
        }
        if let Some(id) = self.link.poll_disconnect() {
            moved = true;
            if self.conn == Some(id) {
                self.conn = None;
                self.server.conn = ServerConn::default();
            }
        }
        while let Some(f) = self.link.poll_transmit() {
            moved = true;
            if self.conn.is_some() {
                self.server.receive(now, f);
            }
        }
        while let Some(e) = self.link.poll_event() {
            moved = true;
            match &e {
                LinkEvent::Fold { event, .. } => self.replica.push((**event).clone()),
                LinkEvent::Rebuild => {
                    self.replica.clear();
                    if self.auto_rebuild {
                        self.link.handle_rebuilt(now);
                    }
                }
                _ => {}
            }
            self.events.push(e);
        }
        if let Some(id) = self.conn {
            if self.budget.is_none_or(|b| self.delivered < b) {
                if let Some(f) = self.server.conn.out.pop_front() {
                    moved = true;
                    self.delivered += 1;
                    self.link.handle_frame(now, id, f);
                }
            }
        }
        moved
    }

    /// Runs until nothing moves, without letting time pass.
    fn settle(&mut self) {
        for _ in 0..100_000 {
            if !self.step() {
                return;
            }
        }
        panic!("the exchange never settled");
    }

    /// Lets `ms` pass, firing the link's timers when due.
    fn advance(&mut self, ms: u64) {
        let until = self.now + ms;
        loop {
            self.settle();
            match self.link.poll_timeout() {
                Some(t) if t <= until => {
                    self.now = self.now.max(t);
                    self.link.handle_timeout(self.now);
                }
                _ => {
                    self.now = until;
                    self.settle();
                    return;
                }
            }
        }
    }

    /// The server process restarts: connections drop (frames in flight are lost), its log,
    /// sessions and answers stay.
    fn restart(&mut self) {
        self.server.conn = ServerConn::default();
        if let Some(id) = self.conn.take() {
            self.link.handle_close(self.now, id);
        }
    }

    fn seqs(&self) -> Vec<u64> {
        self.replica.iter().map(|s| s.seq).collect()
    }

    fn states(&self) -> Vec<LinkState> {
        self.events
            .iter()
            .filter_map(|e| match e {
                LinkEvent::State(s) => Some(s.clone()),
                _ => None,
            })
            .collect()
    }

    fn history(&mut self, n: usize) {
        for i in 0..n {
            self.server.append(
                self.now,
                Event::AgentMessage {
                    item: ItemId::from("w1"),
                    agent: AgentId::from("bert"),
                    text: format!("h{i}"),
                },
            );
        }
    }

    fn applied(&self) -> Vec<(ActionId, bool)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                LinkEvent::Applied {
                    action, replayed, ..
                } => Some((action.action_id.clone(), *replayed)),
                _ => None,
            })
            .collect()
    }

    fn subscribes(&self) -> Vec<u64> {
        self.server
            .frames_in
            .iter()
            .filter_map(|f| match f {
                ClientFrame::Subscribe(s) => Some(s.after),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn connects_authenticates_catches_up_and_goes_live() {
    let mut net = Net::agent();
    net.history(5);
    net.settle();
    assert_eq!(net.link.state(), &LinkState::Live);
    assert_eq!(
        net.states(),
        [
            LinkState::Authenticating,
            LinkState::CatchingUp,
            LinkState::Live
        ]
    );
    assert_eq!(net.seqs(), [1, 2, 3, 4, 5]);
    assert!(net.events.iter().any(|e| matches!(e,
        LinkEvent::Fold { event, history: true } if event.seq == 5)));
    assert_eq!(net.link.clock_offset(), Some(SERVER_AHEAD as i64));
    assert_eq!(net.link.server_now(net.now), net.now + SERVER_AHEAD);
    assert_eq!(
        net.link.principal(),
        Some(&Principal::Agent { agent: ana() })
    );
    assert_eq!(net.subscribes(), [0]);
    // Live events are not history.
    net.history(1);
    net.settle();
    assert_eq!(net.seqs(), [1, 2, 3, 4, 5, 6]);
    assert!(matches!(
        net.events.last(),
        Some(LinkEvent::Fold { history: false, .. })
    ));
}

#[test]
fn the_desk_is_live_at_once_on_an_empty_log_and_when_already_caught_up() {
    let mut net = Net::agent();
    net.settle();
    assert_eq!(net.link.state(), &LinkState::Live);
    assert!(!net.states().contains(&LinkState::CatchingUp));
    // A page that already folded the log (a saved replica) resumes after it.
    let mut net = Net::new(LinkOptions {
        token: "tok".into(),
        client_id: ClientId::from("p"),
        after: 3,
        ..LinkOptions::default()
    });
    net.history(3);
    net.settle();
    assert_eq!(net.link.state(), &LinkState::Live);
    assert_eq!(net.subscribes(), [3]);
    assert!(net.replica.is_empty());
}

/// Issue 18 §4: an agent's stream is their read scope, so it skips seqs; the desk goes live
/// on the server's `caught_up` (after the catch-up's events), not on reaching the head.
#[test]
fn a_scoped_desk_goes_live_on_the_servers_word() {
    let mut net = Net::agent();
    net.history(2);
    net.server.hide_next = true;
    net.history(1); // 3: another queue's
    net.history(1);
    net.server.hide_next = true;
    net.history(1); // 5, the head: another queue's
    net.settle();
    assert_eq!(net.seqs(), [1, 2, 4]);
    assert_eq!(net.link.state(), &LinkState::Live);
    assert_eq!(net.subscribes(), [0]);
    // A reconnect resumes past what the server skipped (its `caught_up` said up to 5).
    net.restart();
    net.advance(20_000);
    assert_eq!(net.subscribes(), [0, 5]);
    assert_eq!(net.link.state(), &LinkState::Live);
}

#[test]
fn actions_are_sent_answered_and_leave_the_outbox() {
    let mut net = Net::agent();
    net.settle();
    let a = net.link.send_action(net.now, message("hello"));
    let b = net.link.send_action(
        net.now,
        Input::Pick {
            agent: ana(),
            item: ItemId::from("taken"),
        },
    );
    assert_ne!(a, b);
    assert_eq!(a.as_str(), "page1.1");
    assert_eq!(net.link.outbox().len(), 2);
    net.settle();
    assert!(net.link.outbox().is_empty());
    assert_eq!(net.applied(), [(a, false)]);
    let refused: Vec<_> = net
        .events
        .iter()
        .filter_map(|e| match e {
            LinkEvent::Refused {
                action,
                status,
                refusal,
            } => Some((action.action_id.clone(), *status, refusal.reason.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(refused, [(b, 409, "item is not open".to_owned())]);
    // The events the actions caused came through the stream, folded in order.
    assert_eq!(net.seqs(), [1, 2]);
    assert!(net
        .events
        .iter()
        .any(|e| matches!(e, LinkEvent::OutboxChanged)));
}

#[test]
fn actions_typed_before_authentication_wait_for_it() {
    let mut net = Net::agent();
    net.server.up = false;
    net.settle();
    assert!(matches!(net.link.state(), LinkState::Reconnecting { .. }));
    let a = net.link.send_action(net.now, message("offline"));
    net.settle();
    assert!(net.server.frames_in.is_empty(), "nothing goes before auth");
    net.server.up = true;
    net.advance(1_000);
    assert_eq!(net.link.state(), &LinkState::Live);
    assert_eq!(net.applied(), [(a, false)]);
    // Auth first, then subscribe, then the outbox.
    let kinds: Vec<&str> = net
        .server
        .frames_in
        .iter()
        .map(|f| match f {
            ClientFrame::Auth { .. } => "auth",
            ClientFrame::Subscribe(_) => "subscribe",
            ClientFrame::Action(_) => "action",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["auth", "subscribe", "action"]);
}

/// The case: the server restarts while the page is catching up, with actions in
/// flight, one of them applied but its answer lost. The page resumes after the last event it
/// folded (no gap, no duplicate), resends its outbox with the same ids, the server answers the
/// applied one from its dedup table (replayed) and applies the other once.
#[test]
fn reconnects_after_a_server_restart_mid_catch_up_and_resends_the_outbox() {
    let mut net = Net::agent();
    net.history(50);
    // Only the first 20 frames get through before the restart.
    net.budget = Some(21); // authenticated + 20 events
    net.settle();
    assert_eq!(net.link.state(), &LinkState::CatchingUp);
    assert_eq!(net.seqs(), (1..=20).collect::<Vec<_>>());
    // Two actions: the server takes both, but their answers are still in flight.
    let a = net.link.send_action(net.now, message("one"));
    let b = net.link.send_action(net.now, message("two"));
    net.settle();
    assert_eq!(net.server.applied.len(), 2);
    net.restart();
    assert!(matches!(net.link.state(), LinkState::Reconnecting { .. }));
    net.budget = None;
    // It comes back within the first backoff (0.5 s ± 25 %).
    net.advance(625);
    assert_eq!(net.link.state(), &LinkState::Live);
    assert_eq!(net.subscribes(), [0, 20]);
    assert_eq!(net.seqs(), (1..=52).collect::<Vec<_>>(), "gap or duplicate");
    assert_eq!(net.applied(), [(a.clone(), true), (b.clone(), true)]);
    assert_eq!(net.server.applied[&a], 1);
    assert_eq!(net.server.applied[&b], 1);
    assert!(net.link.outbox().is_empty());
}

/// A reload: the new page's link gets the old page's saved outbox; its actions go with their
/// own ids beside the new page's, and the server applies each once.
#[test]
fn a_reload_resends_the_saved_outbox_under_its_own_ids() {
    let mut first = Net::agent();
    first.server.up = false;
    first.settle();
    let old = first.link.send_action(first.now, message("typed offline"));
    let saved = first.link.outbox().clone();
    assert_eq!(saved.len(), 1);

    let mut net = Net::new(LinkOptions {
        token: "tok".into(),
        client_id: ClientId::from("page2"),
        outbox: saved,
        seed: 1,
        ..LinkOptions::default()
    });
    let new = net.link.send_action(net.now, message("after reload"));
    assert_ne!(old, new);
    net.settle();
    assert_eq!(net.applied(), [(old.clone(), false), (new, false)]);
    let clients: Vec<_> = net
        .server
        .answers
        .keys()
        .map(|(c, _)| c.0.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(clients, ["page1", "page2"]);
}

#[test]
fn backoff_grows_from_half_a_second_to_fifteen_with_jitter_and_resets_on_success() {
    let mut net = Net::agent();
    net.server.up = false;
    let mut waits = Vec::new();
    for _ in 0..12 {
        net.settle();
        let LinkState::Reconnecting { retry_at } = *net.link.state() else {
            panic!("{:?}", net.link.state());
        };
        waits.push(retry_at - net.now);
        net.advance(retry_at - net.now);
    }
    for (i, w) in waits.iter().enumerate() {
        let base = backoff_ms(i as u32, 0.5) as f64;
        assert!(
            (base * 0.75..=base * 1.25).contains(&(*w as f64)),
            "try {i}: {w} ms, base {base}"
        );
    }
    assert!(waits[0] < 700 && *waits.iter().max().unwrap() <= 18_750);
    assert!(waits[8..].iter().all(|w| *w >= 11_250), "{waits:?}");
    // Deterministic for a seed.
    let mut again = Net::agent();
    again.server.up = false;
    again.settle();
    assert_eq!(
        again.link.state(),
        &LinkState::Reconnecting {
            retry_at: again.now + waits[0]
        }
    );
    // A good connection starts the backoff over.
    net.server.up = true;
    net.settle();
    net.advance(20_000);
    assert_eq!(net.link.state(), &LinkState::Live);
    net.restart();
    let LinkState::Reconnecting { retry_at } = *net.link.state() else {
        panic!()
    };
    assert!(retry_at - net.now <= 625, "{}", retry_at - net.now);
}

#[test]
fn a_quiet_connection_is_pinged_and_a_silent_one_given_up() {
    let mut net = Net::agent();
    net.settle();
    let pings = |net: &Net| {
        net.server
            .frames_in
            .iter()
            .filter(|f| matches!(f, ClientFrame::Ping))
            .count()
    };
    // Quiet but answering: one ping per 15 s of silence, answered, and the link stays.
    net.advance(PING_AFTER_MS - 1);
    assert_eq!(pings(&net), 0);
    net.advance(1);
    assert_eq!(pings(&net), 1);
    net.advance(60_000);
    assert_eq!(pings(&net), 5);
    assert_eq!(net.link.state(), &LinkState::Live);
    // Silent: pings go unanswered; 40 s after the last frame the socket is given up.
    net.server.conn.silent = true;
    let silent_since = net.now;
    net.advance(SILENT_LIMIT_MS - 1);
    assert_eq!(net.link.state(), &LinkState::Live);
    net.advance(1);
    assert!(
        matches!(net.link.state(), LinkState::Reconnecting { .. }),
        "{:?} after {} ms",
        net.link.state(),
        net.now - silent_since
    );
    assert!(net.conn.is_none(), "the driver was told to close it");
    net.advance(1_000);
    assert_eq!(net.link.state(), &LinkState::Live);
}

#[test]
fn a_socket_that_never_opens_is_given_up_too() {
    let mut net = Net::agent();
    // The driver asked for a socket and it hangs (neither open nor close).
    let id = net.link.poll_connect().unwrap();
    assert_eq!(net.link.poll_timeout(), Some(net.now + SILENT_LIMIT_MS));
    net.now += SILENT_LIMIT_MS;
    net.link.handle_timeout(net.now);
    assert_eq!(net.link.poll_disconnect(), Some(id));
    assert!(matches!(net.link.state(), LinkState::Reconnecting { .. }));
    // Its late events are ignored.
    net.link.handle_open(net.now, id);
    net.link.handle_close(net.now, id);
    assert!(matches!(net.link.state(), LinkState::Reconnecting { .. }));
}

/// Issue 18 §4: a gap in an agent's seqs is the read scope's, not a lost event: folded as it
/// comes, no resubscribe (the server tells a connection that fell behind to resync instead).
#[test]
fn a_scope_gap_is_no_loss_and_no_resubscribe() {
    let mut net = Net::agent();
    net.history(3);
    net.settle();
    net.server.hide_next = true;
    net.history(4); // 4 is another queue's; 5, 6, 7 arrive after a gap
    net.settle();
    assert_eq!(net.seqs(), [1, 2, 3, 5, 6, 7]);
    assert_eq!(net.subscribes(), [0]);
    assert_eq!(net.link.folded(), 7);
}

/// Issue 18 §4: an item that enters the scope comes with its earlier events (`history`),
/// handed to the app in order before the next event, without moving the link's position.
#[test]
fn an_item_entering_the_scope_brings_its_history() {
    let mut net = Net::agent();
    net.server.hide_next = true;
    net.history(1); // 1: w1, in another queue for now
    net.history(1);
    net.settle();
    assert_eq!(net.link.folded(), 2);
    let earlier = net.server.log[0].clone();
    let id = net.conn.unwrap();
    net.link.handle_frame(
        net.now,
        id,
        ServerFrame::History {
            item: ItemId::from("w1"),
            events: vec![earlier.clone()],
        },
    );
    net.history(1);
    net.settle();
    let i = net
        .events
        .iter()
        .position(|e| matches!(e, LinkEvent::History { item, events } if item.as_str() == "w1" && events == &vec![earlier.clone()]))
        .expect("the history is handed on");
    assert!(matches!(&net.events[i + 1], LinkEvent::Fold { event, .. } if event.seq == 3));
    assert_eq!(net.link.folded(), 3);
    assert_eq!(net.seqs(), [2, 3]);
}

#[test]
fn a_resync_subscribes_again_after_the_last_event() {
    let mut net = Net::agent();
    net.history(3);
    net.settle();
    net.server.conn.sub = None;
    net.server.conn.out.push_back(ServerFrame::Resync {
        after: 3,
        reason: "fell behind".into(),
    });
    net.history(2);
    net.settle();
    assert_eq!(net.subscribes(), [0, 3]);
    assert_eq!(net.seqs(), (1..=5).collect::<Vec<_>>());
    assert_eq!(net.link.state(), &LinkState::Live);
}

/// The server's log is shorter than what the page folded (its database was restored from an
/// older copy): the page rebuilds from scratch, and nothing is folded into the old replica.
#[test]
fn a_server_log_behind_the_page_asks_for_a_rebuild() {
    let mut net = Net::agent();
    net.auto_rebuild = false;
    net.history(10);
    net.settle();
    assert_eq!(net.link.folded(), 10);
    let pending = net.link.send_action(net.now, message("in flight"));
    net.server.conn.out.clear(); // its answer is lost with the old server
    net.server.log.truncate(6);
    net.server.answers.clear();
    net.restart();
    net.advance(1_000);
    assert!(net.events.contains(&LinkEvent::Rebuild));
    assert!(net.replica.is_empty(), "folded into the old replica");
    assert_eq!(net.link.folded(), 0);
    assert_eq!(net.link.state(), &LinkState::CatchingUp);
    let subscribes = net.subscribes().len();
    // Nothing is followed or sent until the app says its fresh replica is ready.
    net.advance(1_000);
    assert_eq!(net.subscribes().len(), subscribes);
    net.link.handle_rebuilt(net.now);
    net.settle();
    assert_eq!(net.subscribes().last(), Some(&0));
    assert_eq!(net.seqs(), (1..=7).collect::<Vec<_>>());
    assert_eq!(net.link.state(), &LinkState::Live);
    assert_eq!(net.applied(), [(pending, false)]);
}

#[test]
fn a_rebuild_waits_for_the_app_across_a_reconnect() {
    let mut net = Net::agent();
    net.auto_rebuild = false;
    net.history(4);
    net.settle();
    net.server.log.truncate(2);
    net.restart();
    net.advance(1_000);
    assert!(net.events.contains(&LinkEvent::Rebuild));
    net.restart();
    net.advance(2_000);
    assert_eq!(
        net.events
            .iter()
            .filter(|e| **e == LinkEvent::Rebuild)
            .count(),
        1
    );
    assert!(net.replica.is_empty());
    net.link.handle_rebuilt(net.now);
    net.settle();
    assert_eq!(net.seqs(), [1, 2]);
}

#[test]
fn a_refused_token_ends_the_link_for_sign_in() {
    let mut net = Net::agent();
    net.server.tokens.clear();
    net.settle();
    let LinkState::Ended(EndReason::SessionEnded { reason }) = net.link.state().clone() else {
        panic!("{:?}", net.link.state())
    };
    assert_eq!(reason, "unknown or expired token");
    assert!(net.conn.is_none(), "the socket is closed");
    // And stays ended: no reconnects.
    net.advance(120_000);
    assert_eq!(net.link.poll_timeout(), None);
    assert_eq!(
        net.server
            .frames_in
            .iter()
            .filter(|f| matches!(f, ClientFrame::Auth { .. }))
            .count(),
        1
    );
}

/// Issue 18: a session that expires on a live socket gets an `unauthorized` error frame
/// (then close code 4401): the link ends for sign-in at once rather than reconnecting to a
/// refused token.
#[test]
fn a_session_ended_on_a_live_socket_ends_the_link_for_sign_in() {
    let mut net = Net::agent();
    net.settle();
    assert_eq!(net.link.state(), &LinkState::Live);
    net.server.tokens.clear();
    net.server
        .conn
        .out
        .push_back(ServerFrame::Error(ErrorBody::new(
            ErrorKind::Unauthorized,
            "session expired",
        )));
    net.settle();
    let LinkState::Ended(EndReason::SessionEnded { reason }) = net.link.state().clone() else {
        panic!("{:?}", net.link.state())
    };
    assert_eq!(reason, "session expired");
    assert!(net.conn.is_none(), "the socket is closed");
    net.advance(120_000);
    assert_eq!(net.link.poll_timeout(), None, "no reconnect");
    assert_eq!(
        net.server
            .frames_in
            .iter()
            .filter(|f| matches!(f, ClientFrame::Auth { .. }))
            .count(),
        1
    );
}

#[test]
fn an_error_frame_after_authentication_is_reported_not_fatal() {
    let mut net = Net::agent();
    net.settle();
    net.server
        .conn
        .out
        .push_back(ServerFrame::Error(ErrorBody::invalid(
            "type",
            "unknown frame type",
        )));
    net.settle();
    assert_eq!(net.link.state(), &LinkState::Live);
    assert!(
        matches!(net.events.last(), Some(LinkEvent::ServerError(e)) if e.field.as_deref() == Some("type"))
    );
}

#[test]
fn signing_out_ends_the_link_and_keeps_the_outbox() {
    let mut net = Net::agent();
    net.settle();
    net.server.conn.silent = true;
    net.link.send_action(net.now, message("unanswered"));
    net.settle();
    net.link.end(net.now);
    net.settle();
    assert_eq!(net.link.state(), &LinkState::Ended(EndReason::SignedOut));
    assert!(net.conn.is_none());
    assert_eq!(net.link.outbox().len(), 1);
    assert_eq!(net.link.poll_timeout(), None);
}

#[test]
fn a_busy_server_gets_the_same_action_again_later() {
    let mut net = Net::agent();
    net.settle();
    net.server.busy = 2;
    let a = net.link.send_action(net.now, message("hello"));
    net.settle();
    assert_eq!(net.link.outbox().len(), 1, "a 503 keeps it");
    assert!(net.applied().is_empty());
    net.advance(700); // first retry: 503 again
    assert!(net.applied().is_empty());
    net.advance(1_300); // second retry: applied
    assert_eq!(net.applied(), [(a.clone(), false)]);
    assert_eq!(net.server.applied[&a], 1);
    let sent = net
        .server
        .frames_in
        .iter()
        .filter(|f| matches!(f, ClientFrame::Action(r) if r.action_id == a))
        .count();
    assert_eq!(sent, 3);
}

/// The `/chat` page: a customer's stream is their conversation only, so seqs skip; the link
/// deduplicates without calling that a gap, goes live on the server's `caught_up`, and marks
/// the conversation so far as history for a page drawing it again after a reload.
#[test]
fn a_customer_follows_their_conversation() {
    let mut net = Net::new(LinkOptions {
        token: "chat-token".into(),
        client_id: ClientId::from("cust"),
        ..LinkOptions::default()
    });
    let item = ItemId::from("chat-1");
    net.server.tokens.clear();
    net.server.tokens.insert(
        "chat-token".into(),
        Principal::Customer { item: item.clone() },
    );
    net.history(3); // other conversations' events: not visible
    net.server.append(
        net.now,
        Event::CustomerMessage {
            item: item.clone(),
            text: "hello?".into(),
        },
    );
    net.history(2);
    net.settle();
    assert_eq!(
        net.link.principal(),
        Some(&Principal::Customer { item: item.clone() })
    );
    assert_eq!(net.seqs(), [4]);
    assert!(matches!(
        &net.events
            .iter()
            .find(|e| matches!(e, LinkEvent::Fold { .. })),
        Some(LinkEvent::Fold { history: true, .. })
    ));
    assert_eq!(
        net.link.state(),
        &LinkState::Live,
        "caught_up ends the catch-up"
    );
    let a = net.link.send_action(
        net.now,
        Input::CustomerMessage {
            item: item.clone(),
            text: "anyone?".into(),
        },
    );
    net.settle();
    net.history(2);
    net.settle();
    assert_eq!(net.seqs(), [4, 7]);
    assert!(matches!(
        net.events
            .iter()
            .rev()
            .find(|e| matches!(e, LinkEvent::Fold { .. })),
        Some(LinkEvent::Fold { history: false, .. })
    ));
    assert_eq!(net.applied(), [(a, false)]);
    // A restart: resumes after its last event, no duplicate, no "gap" resubscribes.
    net.restart();
    net.advance(1_000);
    assert_eq!(net.subscribes(), [0, 7]);
    net.server.append(
        net.now,
        Event::AgentMessage {
            item: item.clone(),
            agent: ana(),
            text: "hi".into(),
        },
    );
    net.settle();
    assert_eq!(net.seqs(), [4, 7, 10]);
}

#[test]
fn frames_of_a_socket_given_up_are_ignored() {
    let mut net = Net::agent();
    net.history(2);
    net.settle();
    let old = net.conn.unwrap();
    net.restart();
    net.advance(1_000);
    let new = net.conn.unwrap();
    assert_ne!(old, new);
    // A late frame of the old socket (an event the new stream hasn't reached) is ignored.
    let late = Stamped {
        seq: 3,
        at: 0,
        event: Event::SignedIn { agent: ana() },
    };
    net.link
        .handle_frame(net.now, old, ServerFrame::Event { event: late });
    net.link.handle_close(net.now, old);
    net.settle();
    assert_eq!(net.seqs(), [1, 2]);
    assert_eq!(net.link.state(), &LinkState::Live);
}

/// What can happen to a page and its server, in any order.
#[derive(Clone, Debug)]
enum Op {
    /// Others' events are logged.
    History(usize),
    /// The agent sends a message.
    Send,
    /// The server restarts (frames in flight are lost).
    Restart,
    /// The server goes down or comes back.
    Down(bool),
    /// The network holds all but the next `n` frames.
    Hold(usize),
    /// The next event is outside the agent's read scope (never sent).
    Hide,
    /// The server tells the page to resync.
    Resync,
    /// The connection goes dead without closing.
    Silent,
    /// Time passes.
    Wait(u64),
}

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    use proptest::prelude::*;
    prop_oneof![
        3 => (1..5usize).prop_map(Op::History),
        3 => Just(Op::Send),
        1 => Just(Op::Restart),
        1 => any::<bool>().prop_map(Op::Down),
        1 => (0..6usize).prop_map(Op::Hold),
        1 => Just(Op::Hide),
        1 => Just(Op::Resync),
        1 => Just(Op::Silent),
        2 => (0..50_000u64).prop_map(Op::Wait),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(300))]

    /// Whatever happens, once the server is up and the network delivers again the page ends
    /// live with every event of its scope folded once, in order (issue 18 §4: the others
    /// never), and every action it sent applied once and answered.
    #[test]
    fn whatever_happens_the_page_ends_caught_up_and_every_action_applied_once(
        ops in proptest::collection::vec(op(), 1..40)
    ) {
        let mut net = Net::agent();
        let mut sent = Vec::new();
        for op in ops {
            match op {
                Op::History(n) => net.history(n),
                Op::Send => sent.push(net.link.send_action(net.now, message("m"))),
                Op::Restart => net.restart(),
                Op::Down(down) => {
                    net.server.up = !down;
                    if down {
                        net.restart();
                    }
                }
                Op::Hold(n) => net.budget = Some(net.delivered + n),
                Op::Hide => net.server.hide_next = true,
                Op::Resync => {
                    if let Some(last) = net.server.conn.sub.take() {
                        net.server.conn.out.push_back(ServerFrame::Resync {
                            after: last.min(net.server.log.len() as u64),
                            reason: "behind".into(),
                        });
                    }
                }
                Op::Silent => net.server.conn.silent = true,
                Op::Wait(ms) => net.advance(ms),
            }
            net.settle();
        }
        // Heal: up and delivering; a dead connection is noticed by its silence, so one more
        // event and enough time.
        net.server.up = true;
        net.server.hide_next = false;
        net.budget = None;
        net.advance(20_000);
        net.history(1);
        net.advance(60_000);
        let head = net.server.log.len() as u64;
        proptest::prop_assert_eq!(net.link.state(), &LinkState::Live);
        let in_scope: Vec<u64> = (1..=head).filter(|s| !net.server.hidden.contains(s)).collect();
        proptest::prop_assert_eq!(net.seqs(), in_scope);
        proptest::prop_assert!(net.link.outbox().is_empty());
        for id in &sent {
            proptest::prop_assert_eq!(net.server.applied.get(id), Some(&1), "{}", id);
        }
        let answered: std::collections::BTreeSet<_> =
            net.applied().into_iter().map(|(id, _)| id).collect();
        proptest::prop_assert_eq!(answered.len(), sent.len());
    }
}
