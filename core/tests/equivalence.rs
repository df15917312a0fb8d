//! The indexed router makes exactly the reference model's decisions (route/mod.rs's contract):
//! the same random input sequences go through `Engine::<ReferenceRouter>` and the default
//! (indexed) engine, and the event logs, serialised to JSON lines, must be identical byte for
//! byte, as must the states after every input.
//!
//! The centres are built so the hard cases are common: many agents with equal capacities (ties
//! broken by later criteria and by agent id), 1–12 queues with overlapping members and all
//! three assignment methods, channels with different costs (an agent may fit a 10-unit sms but
//! not a 20-unit chat), a pick-only channel, a channel offered to Away agents, skills, item
//! priorities, queue priorities, rejects up to `max_declines_per_agent` and past 100 declines
//! (a "reject storm" op rejects every ringing offer many times over), Inactive agents after
//! expiries, custom presences, and time jumps past offer expiry, wrap-up, auto-close and 24 h;
//! and since R23–R27: unseen-offer withdrawals (seen timeouts shorter, equal and longer than the
//! offer timeout), `offer_seen`, disconnected agents (never eligible, counted apart by R18) who
//! reconnect or are signed out by their window, and supervisors' assigns, force closes and
//! transfers (to any queue, the same one included).

use omnidesk_core::config::{AgentConfig, AssignmentMethod, Channel, Config, Queue};
use omnidesk_core::presence::{BaseStatus, Presence};
use omnidesk_core::protocol::{Customer, Input, Stamped};
use omnidesk_core::route::{ReferenceRouter, Router};
use omnidesk_core::state::ItemStatus;
use omnidesk_core::{AgentId, ChannelId, Engine, ItemId, QueueId};
use proptest::prelude::*;
use std::collections::BTreeMap;

const CHANNELS: [&str; 6] = ["chat", "sms", "email", "video", "voice", "loop"];
const LANGS: [&str; 2] = ["french", "german"];

#[derive(Clone, Debug)]
struct Centre {
    /// Per agent: capacity, french level (0 = none), german level, default presence index.
    agents: Vec<(u64, u8, u8, u8)>,
    /// Per queue: members bitmask (over agents), method, priority, accepts all channels.
    queues: Vec<(u64, u8, i32, bool)>,
    chat_wrap_up: Option<u64>,
    sms_auto_close: Option<u64>,
    lunch_base: u8,
    signed_in: u64,
    /// R23: chat's and video's offer_seen_timeout_ms.
    seen: (Option<u64>, Option<u64>),
    /// R25: bit (agent * 5 + queue) % 64 says the agent supervises the queue.
    supervises: u64,
    /// R24.
    reconnect_window: u64,
}

fn centre(
    agents: std::ops::RangeInclusive<usize>,
    queues: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = Centre> {
    (
        prop::collection::vec(
            (
                // Equal capacities are the common case so ties are frequent.
                prop::sample::select(vec![100u64, 100, 100, 40, 40, 20, 30, 150]),
                prop::sample::select(vec![0u8, 0, 3, 6, 9]),
                prop::sample::select(vec![0u8, 0, 0, 5]),
                prop::sample::select(vec![0u8, 0, 0, 0, 1, 2, 3]),
            ),
            agents,
        ),
        prop::collection::vec(
            (
                any::<u64>(),
                0u8..3,
                prop::sample::select(vec![0i32, 0, 1, 2, -1]),
                prop::sample::select(vec![true, true, false]),
            ),
            queues,
        ),
        prop::sample::select(vec![None, Some(0u64), Some(700)]),
        prop::sample::select(vec![None, Some(4_000u64)]),
        0u8..3,
        any::<u64>(),
        (
            prop::sample::select(vec![None, Some(500u64), Some(2_000), Some(9_000)]),
            prop::sample::select(vec![None, Some(1_000u64)]),
            any::<u64>(),
            prop::sample::select(vec![1_000u64, 2_000, 150_000]),
        ),
    )
        .prop_map(
            |(
                agents,
                queues,
                chat_wrap_up,
                sms_auto_close,
                lunch_base,
                signed_in,
                (chat_seen, video_seen, supervises, reconnect_window),
            )| Centre {
                agents,
                queues,
                chat_wrap_up,
                sms_auto_close,
                lunch_base,
                signed_in,
                seen: (chat_seen, video_seen),
                supervises,
                reconnect_window,
            },
        )
}

fn agent_name(i: usize) -> String {
    format!("a{i:02}")
}

impl Centre {
    fn config(&self) -> Config {
        let mut config = Config::new();
        let mut chat = Channel::standard("chat").unwrap();
        chat.offer_timeout_ms = 2_000;
        chat.wrap_up_block_ms = self.chat_wrap_up;
        chat.max_declines_per_agent = 2;
        chat.offer_seen_timeout_ms = self.seen.0;
        config.add_channel(chat);
        config.reconnect_window_ms = self.reconnect_window;
        let mut sms = Channel::standard("sms").unwrap();
        sms.offer_timeout_ms = 3_000;
        sms.auto_close_waiting_ms = self.sms_auto_close;
        config.add_channel(sms);
        let mut voice = Channel::standard("voice").unwrap();
        voice.offer_timeout_ms = 1_000;
        voice.wrap_up_block_ms = Some(300);
        voice.allowed_presences = [BaseStatus::Available].into();
        config.add_channel(voice);
        // A custom push channel also offered to Away agents (custom Lunch may be based on away).
        let mut video = Channel::with_defaults("video", 50);
        video.allowed_presences.insert(BaseStatus::Away);
        video.offer_timeout_ms = 1_500;
        video.wrap_up_block_ms = Some(0);
        video.offer_seen_timeout_ms = self.seen.1;
        config.add_channel(video);
        // A cheap channel with many declines allowed per agent, so items reach 100 declines.
        let mut lp = Channel::with_defaults("loop", 10);
        lp.max_declines_per_agent = 60;
        lp.offer_timeout_ms = 500;
        lp.allowed_presences = [BaseStatus::Available, BaseStatus::Busy, BaseStatus::Dnd].into();
        config.add_channel(lp);
        config.add_presence(
            "Lunch",
            [BaseStatus::Available, BaseStatus::Away, BaseStatus::Busy][self.lunch_base as usize],
        );
        for (i, (capacity, french, german, presence)) in self.agents.iter().enumerate() {
            let mut agent = AgentConfig::new(&agent_name(i));
            agent.capacity = *capacity;
            if *french > 0 {
                agent.skills.insert("french".into(), *french);
            }
            if *german > 0 {
                agent.skills.insert("german".into(), *german);
            }
            agent.default_presence = match presence {
                1 => Presence::Busy,
                2 => Presence::Away,
                3 => Presence::Custom("Lunch".into()),
                _ => Presence::Available,
            };
            agent.supervises = (0..self.queues.len())
                .filter(|q| self.supervises & (1 << ((i * 5 + q) % 64)) != 0)
                .map(|q| QueueId::from(format!("q{q:02}").as_str()))
                .collect();
            config.add_agent(agent);
        }
        for (q, (members, method, priority, all)) in self.queues.iter().enumerate() {
            let mut queue = Queue::new(&format!("q{q:02}"));
            queue.priority = *priority;
            queue.assignment_method = match method {
                0 => AssignmentMethod::HighestCapacity,
                1 => AssignmentMethod::RoundRobin,
                _ => AssignmentMethod::LeastActive,
            };
            // Members: a bitmask over the first 64 agents, plus agent q so no queue is empty
            // more often than chance; an unknown member now and then (counts as not signed in).
            let n = self.agents.len();
            queue.members = (0..n)
                .filter(|i| members & (1 << (i % 64)) != 0 || *i == q % n)
                .map(|i| AgentId::from(agent_name(i)))
                .collect();
            if members % 7 == 0 {
                queue.members.insert(AgentId::from("ghost"));
            }
            if !all {
                queue.channels = Some(
                    [
                        ChannelId::from("chat"),
                        ChannelId::from("email"),
                        ChannelId::from("loop"),
                    ]
                    .into(),
                );
            }
            config.add_queue(queue);
        }
        config
    }
}

/// One random op; item and agent targets are chosen from the live state so valid transitions
/// are common (`k` picks the k-th candidate cyclically).
#[derive(Clone, Debug)]
enum Op {
    SignIn(usize),
    SignOut(usize),
    Reset(usize),
    SetPresence(usize, usize),
    /// item number, channel, queue, skills, priority
    Arrive(usize, usize, usize, u8, i32),
    Accept(usize),
    Reject(usize),
    /// Rejects the k-th ringing offer (a `loop` item first), then the same item wherever it
    /// is offered next, up to `n` times (each reject is one input, same time): items reach
    /// `max_declines_per_agent` for many agents and 100 declines in all (R12).
    Storm(usize, usize),
    Pick(usize),
    Wait(usize),
    Open(usize),
    Close(usize),
    Reopen(usize),
    End(usize, bool),
    Transfer(usize, usize),
    CustomerMessage(usize),
    Abandon(usize),
    Tick,
    /// R23: the k-th ringing offer seen by its holder (the bool: by some other agent).
    OfferSeen(usize, bool),
    Disconnect(usize),
    /// R24: the k-th disconnected agent (or agent `a` when none is).
    Reconnect(usize),
    /// R25: the k-th Open or Offered item to agent `a`.
    Assign(usize, usize),
    /// R26: the k-th item not Closed.
    ForceClose(usize),
    /// R27: the k-th Open, Offered, Active or Waiting item to queue `q`.
    SupTransfer(usize, usize),
}

fn op(agents: usize, items: usize) -> impl Strategy<Value = Op> {
    let a = move || 0..agents + 1;
    let k = || 0usize..1000;
    prop_oneof![
        3 => a().prop_map(Op::SignIn),
        1 => a().prop_map(Op::SignOut),
        3 => a().prop_map(Op::Reset),
        2 => (a(), 0usize..7).prop_map(|(a, p)| Op::SetPresence(a, p)),
        8 => (0..items + 1, prop::sample::select(vec![0usize, 0, 0, 1, 1, 2, 3, 4, 5]), 0usize..13, 0u8..4, -1i32..2)
            .prop_map(|(i, c, q, s, p)| Op::Arrive(i, c, q, s, p)),
        6 => k().prop_map(Op::Accept),
        4 => k().prop_map(Op::Reject),
        2 => (k(), 1usize..130).prop_map(|(k, n)| Op::Storm(k, n)),
        1 => k().prop_map(Op::Pick),
        3 => k().prop_map(Op::Wait),
        1 => k().prop_map(Op::Open),
        3 => k().prop_map(Op::Close),
        1 => k().prop_map(Op::Reopen),
        3 => (k(), any::<bool>()).prop_map(|(k, c)| Op::End(k, c)),
        1 => (k(), 0usize..13).prop_map(|(k, q)| Op::Transfer(k, q)),
        4 => k().prop_map(Op::CustomerMessage),
        1 => k().prop_map(Op::Abandon),
        1 => Just(Op::Tick),
        4 => (k(), prop::bool::weighted(0.1)).prop_map(|(k, w)| Op::OfferSeen(k, w)),
        1 => a().prop_map(Op::Disconnect),
        1 => a().prop_map(Op::Reconnect),
        2 => (k(), a()).prop_map(|(k, a)| Op::Assign(k, a)),
        1 => k().prop_map(Op::ForceClose),
        1 => (k(), 0usize..13).prop_map(|(k, q)| Op::SupTransfer(k, q)),
    ]
}

/// Time steps: none, small, past offer timeouts and wrap-up, past auto-close, past 24 h.
fn dt() -> impl Strategy<Value = u64> {
    prop::sample::select(vec![
        0u64, 0, 0, 0, 0, 0, 1, 1, 10, 50, 100, 100, 299, 300, 500, 700, 1_000, 1_500, 2_000,
        3_000, 4_000, 5_000, 86_400_000, 86_400_001,
    ])
}

fn nth<R: Router>(
    engine: &Engine<R>,
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

/// The inputs of one op (a storm gives several), chosen from `engine`'s state.
fn inputs<R: Router>(op: &Op, engine: &Engine<R>, n_agents: usize) -> Vec<Input> {
    let agent = |i: usize| {
        let i = i % (n_agents + 1);
        if i < n_agents {
            AgentId::from(agent_name(i))
        } else {
            AgentId::from("zed")
        }
    };
    let fallback = |k: usize| {
        (
            ItemId::from(format!("i{}", k % 7).as_str()),
            agent(k % (n_agents + 1)),
        )
    };
    let is = |k: usize, pred: fn(&ItemStatus) -> bool| {
        nth(engine, k, pred).map(|(i, a)| (i, a.unwrap_or_else(|| agent(k % n_agents))))
    };
    let queue = |q: usize| QueueId::from(format!("q{q:02}").as_str());
    let presences = [
        "available",
        "busy",
        "dnd",
        "away",
        "offline",
        "Lunch",
        "inactive",
    ];
    let one = match op.clone() {
        Op::SignIn(a) => Input::SignIn { agent: agent(a) },
        Op::SignOut(a) => Input::SignOut { agent: agent(a) },
        Op::Reset(a) => Input::ResetPresence { agent: agent(a) },
        Op::SetPresence(a, p) => Input::SetPresence {
            agent: agent(a),
            status: Presence::from_name(presences[p]),
        },
        Op::Arrive(i, c, q, s, priority) => Input::Arrive {
            item: ItemId::from(format!("i{i}").as_str()),
            channel: ChannelId::from(CHANNELS[c]),
            queue: queue(q % engine.config().queues.len().max(1)),
            customer: Customer {
                name: "C".into(),
                ..Customer::default()
            },
            skills: match s {
                0 | 1 => BTreeMap::new(),
                2 => [(LANGS[0].to_owned(), 5)].into(),
                _ => [(LANGS[0].to_owned(), 3), (LANGS[1].to_owned(), 5)].into(),
            },
            priority,
            text: None,
        },
        Op::Accept(k) => {
            let (item, agent) =
                is(k, |s| matches!(s, ItemStatus::Offered { .. })).unwrap_or_else(|| fallback(k));
            Input::Accept { agent, item }
        }
        Op::Reject(k) => {
            let (item, agent) =
                is(k, |s| matches!(s, ItemStatus::Offered { .. })).unwrap_or_else(|| fallback(k));
            Input::Reject { agent, item }
        }
        Op::Storm(..) => return Vec::new(),
        Op::Pick(k) => {
            let (item, _) = is(k, |s| *s == ItemStatus::Open).unwrap_or_else(|| fallback(k));
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
                .unwrap_or_else(|| agent(k % n_agents));
            Input::Pick { agent, item }
        }
        Op::Wait(k) => {
            let (item, agent) =
                is(k, |s| matches!(s, ItemStatus::Active { .. })).unwrap_or_else(|| fallback(k));
            Input::Wait { agent, item }
        }
        Op::Open(k) => {
            let (item, agent) =
                is(k, |s| matches!(s, ItemStatus::Waiting { .. })).unwrap_or_else(|| fallback(k));
            Input::Open { agent, item }
        }
        Op::Close(k) => {
            let (item, agent) =
                is(k, |s| matches!(s, ItemStatus::WrapUp { .. })).unwrap_or_else(|| fallback(k));
            Input::Close { agent, item }
        }
        Op::Reopen(k) => {
            let (item, agent) =
                is(k, |s| matches!(s, ItemStatus::Closed { .. })).unwrap_or_else(|| fallback(k));
            Input::Reopen { agent, item }
        }
        Op::End(k, by_customer) => {
            let (item, agent) =
                is(k, |s| matches!(s, ItemStatus::Active { .. })).unwrap_or_else(|| fallback(k));
            Input::End {
                item,
                agent: (!by_customer).then_some(agent),
            }
        }
        Op::Transfer(k, q) => {
            let (item, agent) = is(k, |s| {
                matches!(s, ItemStatus::Active { .. } | ItemStatus::Waiting { .. })
            })
            .unwrap_or_else(|| fallback(k));
            Input::Transfer {
                agent,
                item,
                queue: queue(q % engine.config().queues.len().max(1)),
            }
        }
        Op::CustomerMessage(k) => {
            let (item, _) = is(k, |s| matches!(s, ItemStatus::Waiting { .. }))
                .or_else(|| is(k, |_| true))
                .unwrap_or_else(|| fallback(k));
            Input::CustomerMessage {
                item,
                text: "hi".into(),
            }
        }
        Op::Abandon(k) => {
            let (item, _) = is(k, |s| {
                matches!(s, ItemStatus::Open | ItemStatus::Offered { .. })
            })
            .unwrap_or_else(|| fallback(k));
            Input::Abandon { item }
        }
        Op::Tick => Input::Tick,
        Op::OfferSeen(k, wrong) => {
            let (item, holder) =
                is(k, |s| matches!(s, ItemStatus::Offered { .. })).unwrap_or_else(|| fallback(k));
            Input::OfferSeen {
                agent: if wrong { agent(k + 1) } else { holder },
                item,
            }
        }
        Op::Disconnect(a) => Input::Disconnect { agent: agent(a) },
        Op::Reconnect(a) => {
            let disconnected: Vec<&AgentId> = engine
                .state()
                .agents
                .iter()
                .filter(|(_, s)| s.disconnected.is_some())
                .map(|(id, _)| id)
                .collect();
            Input::Reconnect {
                agent: match disconnected.get(a % 8) {
                    Some(id) => (*id).clone(),
                    None => agent(a),
                },
            }
        }
        Op::Assign(k, a) => {
            let (item, _) = is(k, |s| {
                matches!(s, ItemStatus::Open | ItemStatus::Offered { .. })
            })
            .unwrap_or_else(|| fallback(k));
            Input::Assign {
                by: supervisor(engine, &item, k, n_agents),
                item,
                agent: agent(a),
            }
        }
        Op::ForceClose(k) => {
            let (item, _) =
                is(k, |s| !matches!(s, ItemStatus::Closed { .. })).unwrap_or_else(|| fallback(k));
            Input::ForceClose {
                by: supervisor(engine, &item, k, n_agents),
                item,
            }
        }
        Op::SupTransfer(k, q) => {
            let (item, _) = is(k, |s| {
                matches!(
                    s,
                    ItemStatus::Open
                        | ItemStatus::Offered { .. }
                        | ItemStatus::Active { .. }
                        | ItemStatus::Waiting { .. }
                )
            })
            .unwrap_or_else(|| fallback(k));
            Input::SupervisorTransfer {
                by: supervisor(engine, &item, k, n_agents),
                item,
                queue: queue(q % engine.config().queues.len().max(1)),
            }
        }
    };
    vec![one]
}

/// A supervisor of the item's queue (the k-th of them), or now and then any agent.
fn supervisor<R: Router>(engine: &Engine<R>, item: &ItemId, k: usize, n_agents: usize) -> AgentId {
    let config = engine.config();
    let queue = engine.state().items.get(item).map(|it| it.queue.clone());
    let sups: Vec<&AgentId> = config
        .agents
        .values()
        .filter(|a| queue.as_ref().is_some_and(|q| a.supervises.contains(q)))
        .map(|a| &a.id)
        .collect();
    if k.is_multiple_of(9) || sups.is_empty() {
        AgentId::from(agent_name(k % n_agents.max(1)))
    } else {
        sups[k % sups.len()].clone()
    }
}

fn lines(events: &[Stamped]) -> String {
    let mut out = String::new();
    for e in events {
        out.push_str(&serde_json::to_string(e).unwrap());
        out.push('\n');
    }
    out
}

fn run_case(centre: &Centre, steps: &[(u64, Op)]) -> Result<(), TestCaseError> {
    let config = centre.config();
    let n_agents = centre.agents.len();
    let mut reference = Engine::with_router(config.clone(), ReferenceRouter);
    let mut indexed = Engine::new(config);
    let mut now = 0;
    let sign_ins = (0..n_agents)
        .filter(|i| centre.signed_in & (1 << (i % 64)) != 0)
        .map(|i| (0, Op::SignIn(i)));
    for (step, (dt, op)) in sign_ins.chain(steps.iter().cloned()).enumerate() {
        now += dt;
        let batch = match op {
            Op::Storm(k, rounds) => {
                let mut batch = Vec::new();
                let offered = |c: Option<&str>| {
                    nth(&reference, k, |s| matches!(s, ItemStatus::Offered { .. })).filter(
                        |(i, _)| c.is_none_or(|c| reference.state().items[i].channel.as_str() == c),
                    )
                };
                let Some((item, _)) = offered(Some("loop")).or_else(|| offered(None)) else {
                    continue;
                };
                for _ in 0..rounds {
                    let ItemStatus::Offered { agent, .. } = &reference.state().items[&item].status
                    else {
                        break;
                    };
                    let input = Input::Reject {
                        agent: agent.clone(),
                        item: item.clone(),
                    };
                    let a = reference.handle(input.clone(), now).unwrap();
                    let b = indexed.handle(input.clone(), now).unwrap();
                    batch.push((input, a, b));
                }
                batch
            }
            op => inputs(&op, &reference, n_agents)
                .into_iter()
                .map(|input| {
                    let a = reference.handle(input.clone(), now).unwrap();
                    let b = indexed.handle(input.clone(), now).unwrap();
                    (input, a, b)
                })
                .collect(),
        };
        for (input, a, b) in batch {
            let (a, b) = (lines(&a), lines(&b));
            prop_assert!(
                a == b,
                "step {} at {}: {:?}\nreference:\n{}indexed:\n{}",
                step,
                now,
                input,
                a,
                b
            );
        }
        prop_assert_eq!(
            reference.state(),
            indexed.state(),
            "state after step {}",
            step
        );
        prop_assert_eq!(reference.next_timer(), indexed.next_timer());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2500, max_shrink_iters: 4000, ..ProptestConfig::default() })]

    /// Small centres, long runs: dense contention, declines to the max, storms past 100.
    #[test]
    fn small_centres_route_like_the_reference(
        centre in centre(2..=6, 1..=3),
        steps in prop::collection::vec((dt(), op(6, 40)), 1..120),
    ) {
        run_case(&centre, &steps)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, max_shrink_iters: 4000, ..ProptestConfig::default() })]

    /// Larger centres: 2–40 agents, 1–12 overlapping queues, many items.
    #[test]
    fn large_centres_route_like_the_reference(
        centre in centre(2..=40, 1..=12),
        steps in prop::collection::vec((dt(), op(40, 150)), 1..250),
    ) {
        run_case(&centre, &steps)?;
    }
}
