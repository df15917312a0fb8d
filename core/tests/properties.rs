//! A state-machine property test over small random centres (R0–R28): random inputs, valid and
//! invalid (seen offers, lost connections and supervisors' assigns, force closes and transfers
//! included), with jumps in time past unseen-offer and offer timeouts, wrap-up blocks,
//! reconnect windows, auto-close, an hour and 24 h. After every step it checks the rules'
//! invariants against the engine and a replica folded from the event log, and R28's
//! incrementally kept figures against the same figures computed from the state by brute force
//! and by an engine restored from that state.

use omnidesk_core::config::{AgentConfig, AssignmentMethod, Channel, Config, Distribution, Queue};
use omnidesk_core::presence::{BaseStatus, Presence};
use omnidesk_core::protocol::{Customer, Event, Input, Stamped};
use omnidesk_core::route::IndexedRouter;
use omnidesk_core::state::ItemStatus;
use omnidesk_core::supervision::{QueueFigures, ServiceLevel};
use omnidesk_core::{AgentId, ChannelId, Engine, ItemId, QueueId};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const AGENTS: [&str; 4] = ["a0", "a1", "a2", "a3"];
const ITEMS: [&str; 10] = ["i0", "i1", "i2", "i3", "i4", "i5", "i6", "i7", "i8", "i9"];
const CHANNELS: [&str; 4] = ["chat", "sms", "email", "video"];

/// A centre: per agent (capacity, french level), per queue (members bitmask, method, priority,
/// accepts-all), and channel variations.
#[derive(Clone, Debug)]
struct Centre {
    agents: Vec<(u64, u8)>,
    queues: Vec<(u8, u8, i32, bool)>,
    chat_wrap_up: Option<u64>,
    sms_auto_close: Option<u64>,
    lunch_base_available: bool,
    signed_in: u8,
    /// R23: chat's offer_seen_timeout_ms (chat's offer timeout is 2 000).
    chat_seen: Option<u64>,
    /// R25: bit (agent * 3 + queue) says the agent supervises the queue.
    supervises: u16,
    /// R24.
    reconnect_window: u64,
}

fn centre() -> impl Strategy<Value = Centre> {
    (
        prop::collection::vec(
            (prop::sample::select(vec![10u64, 20, 40, 100]), 0u8..4),
            2..=4,
        ),
        prop::collection::vec((1u8..16, 0u8..3, -1i32..2, any::<bool>()), 1..=3),
        prop::sample::select(vec![None, Some(0u64), Some(500)]),
        prop::sample::select(vec![None, Some(3_000u64)]),
        any::<bool>(),
        0u8..16,
        (
            prop::sample::select(vec![None, Some(700u64), Some(2_000), Some(5_000)]),
            any::<u16>(),
            prop::sample::select(vec![1_000u64, 3_000, 150_000]),
        ),
    )
        .prop_map(
            |(
                agents,
                queues,
                chat_wrap_up,
                sms_auto_close,
                lunch_base_available,
                signed_in,
                (chat_seen, supervises, reconnect_window),
            )| {
                Centre {
                    agents,
                    queues,
                    chat_wrap_up,
                    sms_auto_close,
                    lunch_base_available,
                    signed_in,
                    chat_seen,
                    supervises,
                    reconnect_window,
                }
            },
        )
}

impl Centre {
    fn config(&self) -> Config {
        let mut config = Config::new();
        let mut chat = Channel::standard("chat").unwrap();
        chat.offer_timeout_ms = 2_000;
        chat.wrap_up_block_ms = self.chat_wrap_up;
        chat.max_declines_per_agent = 2;
        chat.offer_seen_timeout_ms = self.chat_seen;
        config.add_channel(chat);
        let mut sms = Channel::standard("sms").unwrap();
        sms.offer_timeout_ms = 3_000;
        sms.auto_close_waiting_ms = self.sms_auto_close;
        config.add_channel(sms);
        config.reconnect_window_ms = self.reconnect_window;
        // A custom push channel that also offers to Away agents; email stays pick (R1).
        let mut video = Channel::with_defaults("video", 50);
        video.allowed_presences.insert(BaseStatus::Away);
        video.offer_timeout_ms = 1_500;
        video.wrap_up_block_ms = Some(0);
        config.add_channel(video);
        config.add_presence(
            "Lunch",
            if self.lunch_base_available {
                BaseStatus::Available
            } else {
                BaseStatus::Away
            },
        );
        for (i, (capacity, french)) in self.agents.iter().enumerate() {
            let mut agent = AgentConfig::new(AGENTS[i]);
            agent.capacity = *capacity;
            if *french > 0 {
                agent.skills.insert("french".into(), french * 3);
            }
            if i == 3 {
                agent.default_presence = Presence::Busy;
            }
            agent.supervises = (0..self.queues.len())
                .filter(|q| self.supervises & (1 << ((i * 3 + q) % 16)) != 0)
                .map(queue)
                .collect();
            config.add_agent(agent);
        }
        for (q, (members, method, priority, all)) in self.queues.iter().enumerate() {
            let mut queue = Queue::new(&format!("q{q}"));
            queue.priority = *priority;
            queue.assignment_method = match method {
                0 => AssignmentMethod::HighestCapacity,
                1 => AssignmentMethod::RoundRobin,
                _ => AssignmentMethod::LeastActive,
            };
            queue.members = (0..self.agents.len())
                .filter(|i| members & (1 << i) != 0)
                .map(|i| AgentId::from(AGENTS[i]))
                .collect();
            if !all {
                queue.channels = Some([ChannelId::from("chat"), ChannelId::from("email")].into());
            }
            queue.service_level_ms = [500, 60_000, 0][q % 3];
            config.add_queue(queue);
        }
        config
    }
}

/// One random input. Most item inputs pick a target from the live state (e.g. `Accept(k)`
/// accepts the k-th offered item as its holder) so that valid transitions are common; `wild`
/// makes them name arbitrary (possibly unknown or wrong) agents and items instead.
#[derive(Clone, Debug)]
enum Op {
    SignIn(usize),
    SignOut(usize),
    Reset(usize),
    SetPresence(usize, usize),
    Arrive(usize, usize, usize, u8, i32),
    Accept(usize),
    Reject(usize),
    Pick(usize),
    Wait(usize),
    Open(usize),
    Close(usize),
    Reopen(usize),
    /// The bool: the customer ends it.
    End(usize, bool),
    Transfer(usize, usize),
    CustomerMessage(usize),
    AgentMessage(usize),
    Abandon(usize),
    Tick,
    /// Any agent-and-item input with arbitrary ids: (kind, agent, item).
    Wild(usize, usize, usize),
    /// R23: the k-th offered item, seen by its holder (or, with the bool, by agent `a`).
    OfferSeen(usize, bool, usize),
    Disconnect(usize),
    Reconnect(usize),
    /// R25: the k-th Open or Offered item, to agent `a`, by a supervisor of its queue (or, with
    /// the bool, by agent `by`).
    Assign(usize, usize, bool, usize),
    /// R26: the k-th not-Closed item.
    ForceClose(usize, bool, usize),
    /// R27: the k-th item, to queue `q`.
    SupTransfer(usize, usize, bool, usize),
}

fn op() -> impl Strategy<Value = Op> {
    let a = || 0usize..5;
    let k = || 0usize..64;
    prop_oneof![
        3 => a().prop_map(Op::SignIn),
        1 => a().prop_map(Op::SignOut),
        1 => a().prop_map(Op::Reset),
        1 => (a(), 0usize..7).prop_map(|(a, p)| Op::SetPresence(a, p)),
        5 => (0usize..ITEMS.len() + 1, prop::sample::select(vec![0usize, 0, 1, 2, 3]), 0usize..4, 0u8..3, -1i32..2)
            .prop_map(|(i, c, q, s, p)| Op::Arrive(i, c, q, s, p)),
        5 => k().prop_map(Op::Accept),
        2 => k().prop_map(Op::Reject),
        2 => k().prop_map(Op::Pick),
        2 => k().prop_map(Op::Wait),
        1 => k().prop_map(Op::Open),
        2 => k().prop_map(Op::Close),
        1 => k().prop_map(Op::Reopen),
        2 => (k(), any::<bool>()).prop_map(|(k, c)| Op::End(k, c)),
        1 => (k(), 0usize..4).prop_map(|(k, q)| Op::Transfer(k, q)),
        2 => k().prop_map(Op::CustomerMessage),
        1 => k().prop_map(Op::AgentMessage),
        1 => k().prop_map(Op::Abandon),
        1 => Just(Op::Tick),
        3 => (0usize..10, a(), 0usize..ITEMS.len() + 1).prop_map(|(k, a, i)| Op::Wild(k, a, i)),
        3 => (k(), prop::bool::weighted(0.15), a()).prop_map(|(k, w, a)| Op::OfferSeen(k, w, a)),
        1 => a().prop_map(Op::Disconnect),
        2 => a().prop_map(Op::Reconnect),
        2 => (k(), a(), prop::bool::weighted(0.2), a()).prop_map(|(k, a, w, by)| Op::Assign(k, a, w, by)),
        1 => (k(), prop::bool::weighted(0.2), a()).prop_map(|(k, w, by)| Op::ForceClose(k, w, by)),
        1 => (k(), 0usize..4, prop::bool::weighted(0.2), a()).prop_map(|(k, q, w, by)| Op::SupTransfer(k, q, w, by)),
    ]
}

/// Time steps: none, small, past offer timeouts and wrap-up blocks, past auto-close, past 24 h.
fn dt() -> impl Strategy<Value = u64> {
    prop::sample::select(vec![
        0u64, 0, 0, 1, 10, 100, 100, 400, 499, 500, 699, 700, 999, 1_000, 1_500, 2_000, 3_000,
        5_000, 3_600_000, 3_600_001, 86_400_000, 86_400_001,
    ])
}

fn agent(i: usize) -> AgentId {
    AgentId::from(*AGENTS.get(i).unwrap_or(&"zed"))
}
fn item(i: usize) -> ItemId {
    ItemId::from(*ITEMS.get(i).unwrap_or(&"nope"))
}
fn queue(i: usize) -> QueueId {
    QueueId::from(format!("q{i}").as_str())
}

/// The k-th item (cyclically) whose status passes `pred`, with its holder or last holder.
fn nth(
    engine: &Engine,
    k: usize,
    pred: impl Fn(&ItemStatus) -> bool,
) -> Option<(ItemId, Option<AgentId>)> {
    let found: Vec<_> = engine
        .state()
        .items
        .values()
        .filter(|it| pred(&it.status))
        .map(|it| {
            (
                it.id.clone(),
                it.status.holder().or(it.last_holder.as_ref()).cloned(),
            )
        })
        .collect();
    (!found.is_empty()).then(|| found[k % found.len()].clone())
}

fn input(op: &Op, engine: &Engine) -> Input {
    let presences = [
        "available",
        "busy",
        "dnd",
        "away",
        "offline",
        "Lunch",
        "inactive",
    ];
    let is = |k: usize, pred: fn(&ItemStatus) -> bool| {
        nth(engine, k, pred).map(|(i, a)| (i, a.unwrap_or_else(|| agent(k % 4))))
    };
    let wild = |k: usize| (item(k % 7), agent(k % 5));
    let offered = |s: &ItemStatus| matches!(s, ItemStatus::Offered { .. });
    let active = |s: &ItemStatus| matches!(s, ItemStatus::Active { .. });
    match op.clone() {
        Op::SignIn(a) => Input::SignIn { agent: agent(a) },
        Op::SignOut(a) => Input::SignOut { agent: agent(a) },
        Op::Reset(a) => Input::ResetPresence { agent: agent(a) },
        Op::SetPresence(a, p) => Input::SetPresence {
            agent: agent(a),
            status: Presence::from_name(presences[p]),
        },
        Op::Arrive(i, c, q, s, priority) => Input::Arrive {
            item: item(i),
            channel: ChannelId::from(CHANNELS[c]),
            queue: queue(q),
            customer: Customer {
                name: "C".into(),
                ..Customer::default()
            },
            skills: if s == 0 {
                BTreeMap::new()
            } else {
                [("french".to_owned(), s * 4)].into()
            },
            priority,
            text: None,
        },
        Op::Accept(k) => {
            let (item, agent) = is(k, offered).unwrap_or_else(|| wild(k));
            Input::Accept { agent, item }
        }
        Op::Reject(k) => {
            let (item, agent) = is(k, offered).unwrap_or_else(|| wild(k));
            Input::Reject { agent, item }
        }
        Op::Pick(k) => {
            // A member of the item's queue when there is one, else anyone.
            let (item, _) = is(k, |s| *s == ItemStatus::Open).unwrap_or_else(|| wild(k));
            let members: Vec<AgentId> = engine
                .state()
                .items
                .get(&item)
                .and_then(|it| engine.config().queues.get(&it.queue))
                .map(|q| q.members.iter().cloned().collect())
                .unwrap_or_default();
            let agent = members
                .get(k % members.len().max(1))
                .cloned()
                .unwrap_or_else(|| agent(k % 5));
            Input::Pick { agent, item }
        }
        Op::Wait(k) => {
            let (item, agent) = is(k, active).unwrap_or_else(|| wild(k));
            Input::Wait { agent, item }
        }
        Op::Open(k) => {
            let (item, agent) =
                is(k, |s| matches!(s, ItemStatus::Waiting { .. })).unwrap_or_else(|| wild(k));
            Input::Open { agent, item }
        }
        Op::Close(k) => {
            let (item, agent) =
                is(k, |s| matches!(s, ItemStatus::WrapUp { .. })).unwrap_or_else(|| wild(k));
            Input::Close { agent, item }
        }
        Op::Reopen(k) => {
            let (item, agent) =
                is(k, |s| matches!(s, ItemStatus::Closed { .. })).unwrap_or_else(|| wild(k));
            Input::Reopen { agent, item }
        }
        Op::End(k, by_customer) => {
            let (item, agent) = is(k, active).unwrap_or_else(|| wild(k));
            Input::End {
                item,
                agent: (!by_customer).then_some(agent),
            }
        }
        Op::Transfer(k, q) => {
            let (item, agent) = is(k, |s| {
                matches!(s, ItemStatus::Active { .. } | ItemStatus::Waiting { .. })
            })
            .unwrap_or_else(|| wild(k));
            Input::Transfer {
                agent,
                item,
                queue: queue(q),
            }
        }
        Op::CustomerMessage(k) => {
            let (item, _) = is(k, |s| matches!(s, ItemStatus::Waiting { .. }))
                .or_else(|| is(k, |_| true))
                .unwrap_or_else(|| wild(k));
            Input::CustomerMessage {
                item,
                text: "hi".into(),
            }
        }
        Op::AgentMessage(k) => {
            let (item, agent) = is(k, |s| s.holder().is_some()).unwrap_or_else(|| wild(k));
            Input::AgentMessage {
                agent,
                item,
                text: "hello".into(),
            }
        }
        Op::Abandon(k) => {
            let (item, _) = is(k, |s| {
                matches!(s, ItemStatus::Open | ItemStatus::Offered { .. })
            })
            .unwrap_or_else(|| wild(k));
            Input::Abandon { item }
        }
        Op::Tick => Input::Tick,
        Op::OfferSeen(k, wrong, a) => {
            let (item, holder) = is(k, offered).unwrap_or_else(|| wild(k));
            Input::OfferSeen {
                agent: if wrong { agent(a) } else { holder },
                item,
            }
        }
        Op::Disconnect(a) => Input::Disconnect { agent: agent(a) },
        Op::Reconnect(a) => {
            // A disconnected agent most of the time (the others are rejections).
            let disconnected: Vec<&AgentId> = engine
                .state()
                .agents
                .iter()
                .filter(|(_, s)| s.disconnected.is_some())
                .map(|(id, _)| id)
                .collect();
            Input::Reconnect {
                agent: match disconnected.get(a % 4) {
                    Some(id) => (*id).clone(),
                    None => agent(a),
                },
            }
        }
        Op::Assign(k, a, wrong, by) => {
            let (item, _) = is(k, |s| {
                matches!(s, ItemStatus::Open | ItemStatus::Offered { .. })
            })
            .unwrap_or_else(|| wild(k));
            Input::Assign {
                by: supervisor(engine, &item, wrong, by),
                item,
                agent: agent(a),
            }
        }
        Op::ForceClose(k, wrong, by) => {
            let (item, _) =
                is(k, |s| !matches!(s, ItemStatus::Closed { .. })).unwrap_or_else(|| wild(k));
            Input::ForceClose {
                by: supervisor(engine, &item, wrong, by),
                item,
            }
        }
        Op::SupTransfer(k, q, wrong, by) => {
            let (item, _) = is(k, |s| {
                matches!(
                    s,
                    ItemStatus::Open
                        | ItemStatus::Offered { .. }
                        | ItemStatus::Active { .. }
                        | ItemStatus::Waiting { .. }
                )
            })
            .unwrap_or_else(|| wild(k));
            Input::SupervisorTransfer {
                by: supervisor(engine, &item, wrong, by),
                item,
                queue: queue(q),
            }
        }
        Op::Wild(kind, a, i) => {
            let (agent, item) = (agent(a), item(i));
            match kind {
                0 => Input::Accept { agent, item },
                1 => Input::Reject { agent, item },
                2 => Input::Pick { agent, item },
                3 => Input::Wait { agent, item },
                4 => Input::Open { agent, item },
                5 => Input::Close { agent, item },
                6 => Input::Reopen { agent, item },
                7 => Input::End {
                    item,
                    agent: Some(agent),
                },
                8 => Input::Transfer {
                    agent,
                    item,
                    queue: queue(a),
                },
                _ => Input::AgentMessage {
                    agent,
                    item,
                    text: "?".into(),
                },
            }
        }
    }
}

/// A supervisor of the item's queue when there is one (and `wrong` is false), else agent `by`.
fn supervisor(engine: &Engine, item: &ItemId, wrong: bool, by: usize) -> AgentId {
    let config = engine.config();
    let queue = engine.state().items.get(item).map(|it| it.queue.clone());
    let sup = queue.and_then(|q| {
        config
            .agents
            .values()
            .filter(|a| a.supervises.contains(&q))
            .nth(by % 2)
            .or_else(|| config.agents.values().find(|a| a.supervises.contains(&q)))
            .map(|a| a.id.clone())
    });
    match sup {
        Some(s) if !wrong => s,
        _ => agent(by),
    }
}

/// Checks the invariants of R9, R6/R7, R19–R22 on the live engine.
fn check_state(engine: &Engine, arrived: &BTreeSet<ItemId>) -> Result<(), TestCaseError> {
    let state = engine.state();
    // R22: no input loses an item.
    let ids: BTreeSet<ItemId> = state.items.keys().cloned().collect();
    prop_assert_eq!(&ids, arrived);
    // The Open index is the set of Open items.
    let open: BTreeSet<ItemId> = state
        .items
        .values()
        .filter(|it| it.status == ItemStatus::Open)
        .map(|it| it.id.clone())
        .collect();
    prop_assert_eq!(&open, &state.open);
    for (id, a) in &state.agents {
        // R9: used is the sum of the costs of the agent's items that hold capacity.
        let used: u64 = state
            .items
            .values()
            .filter(|it| it.status.holds_capacity() && it.status.holder() == Some(id))
            .map(|it| state.cost_of(it))
            .sum();
        prop_assert_eq!(a.used, used, "R9: used of {}", id);
        // R5: an agent who is not signed in is Offline.
        if !a.signed_in {
            prop_assert_eq!(&a.presence, &Presence::Offline);
        }
        // R6/R7: an unguarded, automatic status is the capacity value.
        if !a.manual && !a.presence.guarded(false) {
            prop_assert_eq!(
                &a.presence,
                &Presence::automatic(a.used, a.capacity),
                "R6: {}",
                id
            );
        }
        // R19: my work items are the items the agent holds in Active, Waiting or Wrap-up.
        let mine: Vec<ItemId> = state
            .items
            .values()
            .filter(|it| {
                matches!(
                    it.status,
                    ItemStatus::Active { .. }
                        | ItemStatus::Waiting { .. }
                        | ItemStatus::WrapUp { .. }
                ) && it.status.holder() == Some(id)
            })
            .map(|it| it.id.clone())
            .collect();
        prop_assert_eq!(engine.my_work_items(id), mine);
        // R20: open items of the agent's queues.
        let open_mine: BTreeSet<ItemId> = open
            .iter()
            .filter(|i| {
                state.config.queues[&state.items[*i].queue]
                    .members
                    .contains(id)
            })
            .cloned()
            .collect();
        let listed = engine.open_work_items(id);
        prop_assert_eq!(listed.len(), open_mine.len());
        prop_assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), open_mine);
        // R21: closed items whose last holder is the agent, newest first.
        let closed = engine.closed_work_items(id);
        let mut last = u64::MAX;
        for i in &closed {
            let it = &state.items[i];
            let ItemStatus::Closed { closed_at } = it.status else {
                return Err(TestCaseError::fail(format!("R21: {i} is not closed")));
            };
            prop_assert_eq!(it.last_holder.as_ref(), Some(id));
            prop_assert!(engine.now() - closed_at <= 86_400_000);
            prop_assert!(closed_at <= last);
            last = closed_at;
        }
        let expected_closed = state
            .items
            .values()
            .filter(|it| {
                it.last_holder.as_ref() == Some(id)
                    && matches!(it.status, ItemStatus::Closed { closed_at } if engine.now() - closed_at <= 86_400_000)
            })
            .count();
        prop_assert_eq!(closed.len(), expected_closed);
    }
    for it in state.items.values() {
        // R22: holder-bearing states name a configured agent; Open and Closed have none.
        match &it.status {
            ItemStatus::Open | ItemStatus::Closed { .. } => {
                prop_assert!(it.status.holder().is_none())
            }
            status => prop_assert!(state.agents.contains_key(status.holder().unwrap())),
        }
        // R11: an Active, Waiting or Wrap-up item's holder is its last holder.
        if matches!(
            it.status,
            ItemStatus::Active { .. } | ItemStatus::Waiting { .. } | ItemStatus::WrapUp { .. }
        ) {
            prop_assert_eq!(it.status.holder(), it.last_holder.as_ref());
        }
        // R12: the total is the sum of per-agent declines.
        prop_assert_eq!(it.declines, it.declines_by.values().sum::<u32>());
        // R1: pick channels are never offered; checked on events too.
        if let ItemStatus::Offered { .. } = it.status {
            prop_assert_eq!(
                state.config.channels[&it.channel].distribution,
                Distribution::Push
            );
        }
    }
    Ok(())
}

/// What R28 needs, followed from the event log alone (not from the engine's own fields):
/// per item its arrival (time, queue), first time Active, and last transition; per agent the
/// time of the last presence change.
#[derive(Default)]
struct Model {
    arrival: BTreeMap<ItemId, (u64, QueueId)>,
    first_active: BTreeMap<ItemId, u64>,
    transition: BTreeMap<ItemId, u64>,
    presence: BTreeMap<AgentId, u64>,
}

impl Model {
    fn observe(&mut self, events: &[Stamped]) {
        for e in events {
            let at = e.at;
            match &e.event {
                Event::Arrived { item, queue, .. } => {
                    self.arrival.insert(item.clone(), (at, queue.clone()));
                    self.transition.insert(item.clone(), at);
                }
                Event::Accepted { item, .. }
                | Event::Picked { item, .. }
                | Event::Assigned { item, .. }
                | Event::Opened { item, .. }
                | Event::Reopened { item, .. } => {
                    self.first_active.entry(item.clone()).or_insert(at);
                    self.transition.insert(item.clone(), at);
                }
                Event::Offered { item, .. }
                | Event::Declined { item, .. }
                | Event::OfferWithdrawn { item, .. }
                | Event::Ended { item, .. }
                | Event::SetWaiting { item, .. }
                | Event::Requeued { item, .. }
                | Event::Transferred { item, .. }
                | Event::Closed { item, .. } => {
                    self.transition.insert(item.clone(), at);
                }
                Event::PresenceChanged { agent, .. } => {
                    self.presence.insert(agent.clone(), at);
                }
                _ => {}
            }
        }
    }
}

/// R23, R24 and R28 on the live engine: the incrementally kept figures equal a brute-force
/// computation from the state and the log's model, the windows tile the whole lists, and an
/// engine restored from the state (indices rebuilt) sees the same views and timers.
fn check_supervision(engine: &Engine, model: &Model) -> Result<(), TestCaseError> {
    let state = engine.state();
    let now = engine.now();
    for (id, a) in &state.agents {
        // R24: only a signed-in agent can be disconnected.
        if a.disconnected.is_some() {
            prop_assert!(a.signed_in, "R24: {} disconnected but signed out", id);
        }
        let row = engine.agent_row(id).unwrap();
        prop_assert_eq!(&row.held, &engine.my_work_items(id));
        prop_assert_eq!(
            row.presence_for_ms,
            model.presence.get(id).map(|t| now - t),
            "R28: presence_for_ms of {}",
            id
        );
    }
    for it in state.items.values() {
        // R23: only an offer ringing now can have been seen.
        if it.offer_seen {
            let offered = matches!(it.status, ItemStatus::Offered { .. });
            prop_assert!(offered, "R23: {} seen but not offered", it.id);
        }
        if !matches!(it.status, ItemStatus::Closed { .. }) {
            let row = engine.item_row(&it.id).unwrap();
            prop_assert_eq!(
                row.in_state_ms,
                now - model.transition[&it.id],
                "R28: in_state_ms of {}",
                it.id
            );
        }
    }
    for (qid, q) in &state.config.queues {
        let in_q: Vec<_> = state.items.values().filter(|it| it.queue == *qid).collect();
        let count =
            |f: fn(&ItemStatus) -> bool| in_q.iter().filter(|it| f(&it.status)).count() as u32;
        let (mut met, mut of) = (0, 0);
        for (item, (arrived, aq)) in &model.arrival {
            let closed = matches!(state.items[item].status, ItemStatus::Closed { .. });
            let active = model.first_active.get(item);
            if aq != qid || now - arrived > 3_600_000 || (active.is_none() && !closed) {
                continue;
            }
            of += 1;
            met += u32::from(active.is_some_and(|t| t - arrived <= q.service_level_ms));
        }
        let want = QueueFigures {
            open: count(|s| *s == ItemStatus::Open),
            offered: count(|s| matches!(s, ItemStatus::Offered { .. })),
            held: count(|s| {
                matches!(
                    s,
                    ItemStatus::Active { .. }
                        | ItemStatus::Waiting { .. }
                        | ItemStatus::WrapUp { .. }
                )
            }),
            longest_wait_ms: in_q
                .iter()
                .filter(|it| it.status == ItemStatus::Open)
                .map(|it| now - it.enqueued_at)
                .max()
                .unwrap_or(0),
            service_level: (of > 0).then_some(ServiceLevel { met, of }),
        };
        prop_assert_eq!(
            engine.queue_figures(qid),
            Some(want),
            "R28: figures of {}",
            qid
        );
    }
    let restored = Engine::restore(state.clone(), now, engine.last_seq(), IndexedRouter::new());
    prop_assert_eq!(
        restored
            .timers()
            .map(|(d, k, t)| (d, k.clone(), t))
            .collect::<Vec<_>>(),
        engine
            .timers()
            .map(|(d, k, t)| (d, k.clone(), t))
            .collect::<Vec<_>>()
    );
    prop_assert_eq!(restored.next_timer(), engine.next_timer());
    for sup in state.config.agents.keys() {
        let view = engine.supervisor_view(sup).unwrap();
        let again = restored.supervisor_view(sup);
        prop_assert_eq!(Some(&view), again.as_ref());
        // Windows of 2 tile the whole lists, in id order.
        let mut items = Vec::new();
        let mut after: Option<ItemId> = None;
        loop {
            let page = engine.supervised_items(sup, after.as_ref(), 2);
            prop_assert!(page.len() <= 2);
            let Some((last, _)) = page.last().cloned() else {
                break;
            };
            items.extend(page);
            after = Some(last);
        }
        prop_assert_eq!(
            items.into_iter().collect::<BTreeMap<_, _>>(),
            view.items.clone()
        );
        prop_assert_eq!(engine.supervised_item_count(sup), view.items.len());
        let want: BTreeSet<ItemId> = state
            .items
            .values()
            .filter(|it| {
                !matches!(it.status, ItemStatus::Closed { .. })
                    && state.config.supervises(sup, &it.queue)
            })
            .map(|it| it.id.clone())
            .collect();
        prop_assert_eq!(view.items.keys().cloned().collect::<BTreeSet<_>>(), want);
        let mut agents = Vec::new();
        let mut after: Option<AgentId> = None;
        loop {
            let page = engine.supervised_agents(sup, after.as_ref(), 2);
            let Some((last, _)) = page.last().cloned() else {
                break;
            };
            agents.extend(page);
            after = Some(last);
        }
        prop_assert_eq!(
            agents.into_iter().collect::<BTreeMap<_, _>>(),
            view.agents.clone()
        );
        prop_assert_eq!(engine.supervised_agent_count(sup), view.agents.len());
    }
    Ok(())
}

/// Folds `events` into `replica` one by one, checking R10 and R13 at each offer.
fn fold_checking(replica: &mut Engine, events: &[Stamped]) -> Result<(), TestCaseError> {
    for e in events {
        prop_assert_eq!(e.seq, replica.last_seq() + 1, "seq increases by 1");
        if let Event::Offered { agent, item, .. } = &e.event {
            let a = &replica.state().agents[agent];
            prop_assert!(a.signed_in, "offer to a signed-out agent");
            prop_assert!(
                a.presence != Presence::Inactive,
                "R13: offer to an Inactive agent"
            );
            prop_assert!(
                a.disconnected.is_none(),
                "R24: offer to a disconnected agent"
            );
            prop_assert_eq!(&replica.state().items[item].status, &ItemStatus::Open);
        }
        replica.apply(e);
        if let Event::Offered { agent, .. } = &e.event {
            // R10: push never makes available negative.
            prop_assert!(
                replica.state().agents[agent].available() >= 0,
                "R10: {} overbooked",
                agent
            );
        }
    }
    Ok(())
}

fn run_case(centre: &Centre, steps: &[(u64, Op)]) -> Result<(), TestCaseError> {
    let config = centre.config();
    let mut engine = Engine::new(config.clone());
    let mut replica = Engine::new(config.clone());
    let mut log = Vec::new();
    let mut arrived = BTreeSet::new();
    let mut model = Model::default();
    let mut now = 0;
    // Most agents start signed in, so offers are common.
    let sign_ins = (0..centre.agents.len()).filter(|i| centre.signed_in & (1 << i) != 0);
    let steps = sign_ins
        .map(|i| (0, Op::SignIn(i)))
        .chain(steps.iter().cloned());
    for (dt, op) in steps {
        now += dt;
        let input = input(&op, &engine);
        // The state just before step 3 (R0a): timers and routing only.
        let mut before = engine.clone();
        before.handle(Input::Tick, now).unwrap();
        let events = engine.handle(input.clone(), now).unwrap();
        let rejected = events
            .iter()
            .filter(|e| matches!(e.event, Event::Rejected { .. }))
            .count();
        prop_assert!(rejected <= 1);
        if rejected == 1 {
            // A refused input changes nothing: the state equals timers + routing alone.
            prop_assert_eq!(
                before.state(),
                engine.state(),
                "rejected {:?} changed state",
                input
            );
            let last_is_rejection = matches!(
                &events.last().unwrap().event,
                Event::Rejected { input: i, .. } if *i == input
            );
            prop_assert!(last_is_rejection, "the rejection is the input's last event");
        }
        for e in &events {
            prop_assert_eq!(e.at, now);
            if let Event::Arrived { item, .. } = &e.event {
                arrived.insert(item.clone());
            }
        }
        fold_checking(&mut replica, &events)?;
        prop_assert_eq!(
            replica.state(),
            engine.state(),
            "the fold equals the live state"
        );
        check_state(&engine, &arrived)?;
        model.observe(&events);
        check_supervision(&engine, &model)?;
        log.extend(events);
    }
    // A replica built from the whole log from scratch, through JSON (the wire format).
    let mut fresh = Engine::new(config);
    for e in &log {
        let line = serde_json::to_string(e).unwrap();
        let back: Stamped = serde_json::from_str(&line).unwrap();
        prop_assert_eq!(&back, e);
        fresh.apply(&back);
    }
    prop_assert_eq!(fresh.state(), engine.state());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn every_step_keeps_the_rules(
        centre in centre(),
        steps in prop::collection::vec((dt(), op()), 1..50),
    ) {
        run_case(&centre, &steps)?;
    }
}

/// Same inputs, same events, byte for byte (R0).
#[test]
fn replay_is_deterministic() {
    let centre = Centre {
        agents: vec![(100, 2), (40, 0), (20, 1)],
        queues: vec![
            (0b111, 0, 1, true),
            (0b011, 1, 0, false),
            (0b110, 2, 0, true),
        ],
        chat_wrap_up: Some(500),
        sms_auto_close: Some(3_000),
        lunch_base_available: true,
        signed_in: 0b111,
        chat_seen: Some(700),
        supervises: 0b0000_0100_1001,
        reconnect_window: 3_000,
    };
    let ops: Vec<(u64, Op)> = (0..300)
        .map(|k| {
            let op = match k % 10 {
                0 => Op::SignIn(k % 3),
                1 | 2 => Op::Arrive(
                    k % 11,
                    (k / 10) % 4,
                    (k / 3) % 3,
                    (k % 3) as u8,
                    (k % 3) as i32 - 1,
                ),
                3 => Op::Accept(k),
                4 => Op::Reject(k),
                5 => Op::End(k, k % 4 == 0),
                6 => Op::Close(k),
                7 => Op::CustomerMessage(k),
                8 => Op::Wait(k),
                _ => Op::SignOut((k + 1) % 3),
            };
            ((k as u64 % 5) * 400, op)
        })
        .collect();
    let run = || {
        let mut engine = Engine::new(centre.config());
        let mut now = 0;
        let mut out = String::new();
        for (dt, op) in &ops {
            now += dt;
            let input = input(op, &engine);
            for e in engine.handle(input, now).unwrap() {
                out.push_str(&serde_json::to_string(&e).unwrap());
                out.push('\n');
            }
        }
        out
    };
    let first = run();
    assert!(first.contains("\"event\":\"offered\""));
    assert_eq!(first, run());
}
