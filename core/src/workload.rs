//! A deterministic workload at Dynamics 365's published floor (routing.md "Scale"): 10 000
//! agents, 100 queues, 5 000 agents in one queue, 50 000 waiting items, and a steady mixed
//! stream of arrivals, offers, accepts, rejects, ends, closes, waits, customer messages,
//! picks, abandons, presence changes and sign-outs. Shared by the native benchmarks
//! (`benches/routing.rs`) and the wasm benchmark (`tests/wasm_bench.rs`) so both run exactly
//! the same inputs. Seeded (splitmix64): the same seed gives the same inputs.
//!
//! Not part of the engine's API: hidden from the docs and used only by benchmarks.

use crate::config::{AgentConfig, AssignmentMethod, Config, Queue};
use crate::engine::Engine;
use crate::ids::{AgentId, ChannelId, ItemId, QueueId};
use crate::presence::Presence;
use crate::protocol::{Customer, Event, Input, Skills, Stamped};
use crate::route::{IndexedRouter, ReferenceRouter, Router};
use crate::state::State;
use std::collections::{BTreeMap, BTreeSet};

/// splitmix64: small, fast, good enough for a workload.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The size of the centre.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub agents: usize,
    pub queues: usize,
    /// Members of queue 0.
    pub big_queue: usize,
    /// Open items to reach in the set-up.
    pub waiting: usize,
}

impl Scale {
    /// Dynamics 365's published floor.
    pub const D365: Scale = Scale {
        agents: 10_000,
        queues: 100,
        big_queue: 5_000,
        waiting: 50_000,
    };
}

const CHANNELS: [&str; 5] = ["chat", "sms", "voice", "email", "social"];

/// The id of agent `a` (`a00000`, …); agent 0 is the supervisor of every queue.
pub fn agent_id(a: usize) -> AgentId {
    AgentId::from(format!("a{a:05}"))
}

fn queue_id(q: usize) -> QueueId {
    QueueId::from(format!("q{q:03}"))
}

fn num(id: &str) -> u64 {
    id[1..].parse().unwrap_or(0)
}

/// The centre: standard channels (email is pick-only), agents of capacity 100 with language
/// skills, queue 0 with `big_queue` members (highest capacity), the other agents spread over
/// the other queues with overlaps (all three methods, some priorities); agent 0 supervises
/// every queue (R28).
pub fn config(scale: Scale) -> Config {
    let mut config = Config::new();
    let mut rng = Rng::new(7);
    for a in 0..scale.agents {
        let mut agent = AgentConfig::new(&format!("a{a:05}"));
        agent.skills.insert("en".into(), 5 + rng.below(6) as u8);
        if rng.percent(30) {
            agent.skills.insert("fr".into(), 1 + rng.below(10) as u8);
        }
        if rng.percent(20) {
            agent.skills.insert("de".into(), 1 + rng.below(10) as u8);
        }
        config.add_agent(agent);
    }
    let others = scale.queues.saturating_sub(1).max(1);
    for q in 0..scale.queues {
        let mut queue = Queue::new(&format!("q{q:03}"));
        queue.assignment_method = match q % 3 {
            0 => AssignmentMethod::HighestCapacity,
            1 => AssignmentMethod::RoundRobin,
            _ => AssignmentMethod::LeastActive,
        };
        queue.priority = i32::from(q % 10 == 5);
        config.add_queue(queue);
    }
    // R28: agent 0 supervises every queue (the supervisor benchmarks read its view); that
    // changes no routing.
    if let Some(sup) = config.agents.get_mut(&agent_id(0)) {
        sup.supervises = (0..scale.queues).map(queue_id).collect();
    }
    for a in 0..scale.agents {
        let home = if a < scale.big_queue {
            0
        } else {
            1 + (a - scale.big_queue) % others
        };
        let mut queues = vec![home];
        if a >= scale.big_queue {
            queues.push(1 + (home % others)); // overlapping membership
        } else if a % 10 == 0 {
            queues.push(1 + a % others);
        }
        for q in queues.into_iter().filter(|q| *q < scale.queues) {
            if let Some(queue) = config.queues.get_mut(&queue_id(q)) {
                queue.members.insert(agent_id(a));
            }
        }
    }
    config
}

/// A set with O(1) random choice and O(log n) removal.
#[derive(Clone, Debug, Default)]
struct Bag {
    items: Vec<u64>,
    pos: BTreeMap<u64, usize>,
}

impl Bag {
    fn insert(&mut self, x: u64) {
        if !self.pos.contains_key(&x) {
            self.pos.insert(x, self.items.len());
            self.items.push(x);
        }
    }
    fn remove(&mut self, x: u64) {
        if let Some(i) = self.pos.remove(&x) {
            self.items.swap_remove(i);
            if let Some(moved) = self.items.get(i) {
                self.pos.insert(*moved, i);
            }
        }
    }
    fn pick(&self, rng: &mut Rng) -> Option<u64> {
        (!self.items.is_empty()).then(|| self.items[rng.below(self.items.len() as u64) as usize])
    }
    fn len(&self) -> usize {
        self.items.len()
    }
}

/// The generator: it follows the engine's events to keep valid targets for its inputs.
#[derive(Clone, Debug)]
pub struct Workload {
    pub scale: Scale,
    rng: Rng,
    pub now: u64,
    next_item: u64,
    /// item → (queue, channel index)
    meta: BTreeMap<u64, (u32, u8)>,
    holder: BTreeMap<u64, u64>,
    open: Bag,
    open_email: Bag,
    offered: Bag,
    active: Bag,
    waiting: Bag,
    wrap_up: Bag,
    signed_out: BTreeSet<u64>,
    inactive: Bag,
    members: Vec<Vec<u64>>,
    /// Counters of what the engine did.
    pub offers: u64,
    pub inputs: u64,
}

impl Workload {
    pub fn new(scale: Scale, seed: u64) -> Workload {
        let cfg = config(scale);
        let members = cfg
            .queues
            .values()
            .map(|q| q.members.iter().map(|a| num(a.as_str())).collect())
            .collect();
        Workload {
            scale,
            rng: Rng::new(seed),
            now: 1_000,
            next_item: 0,
            meta: BTreeMap::new(),
            holder: BTreeMap::new(),
            open: Bag::default(),
            open_email: Bag::default(),
            offered: Bag::default(),
            active: Bag::default(),
            waiting: Bag::default(),
            wrap_up: Bag::default(),
            signed_out: (0..scale.agents as u64).collect(),
            inactive: Bag::default(),
            members,
            offers: 0,
            inputs: 0,
        }
    }

    pub fn open_items(&self) -> usize {
        self.open.len()
    }

    /// Follows the engine's events.
    pub fn observe(&mut self, events: &[Stamped]) {
        for e in events {
            match &e.event {
                Event::Arrived { item, .. } => {
                    let i = num(item.as_str());
                    self.open.insert(i);
                    if self.meta.get(&i).is_some_and(|m| m.1 == 3) {
                        self.open_email.insert(i);
                    }
                }
                Event::Offered { item, agent, .. } => {
                    let i = num(item.as_str());
                    self.offers += 1;
                    self.open.remove(i);
                    self.offered.insert(i);
                    self.holder.insert(i, num(agent.as_str()));
                }
                Event::Accepted { item, .. } | Event::Opened { item, .. } => {
                    let i = num(item.as_str());
                    self.offered.remove(i);
                    self.waiting.remove(i);
                    self.active.insert(i);
                }
                Event::Picked { item, agent } | Event::Reopened { item, agent } => {
                    let i = num(item.as_str());
                    self.open.remove(i);
                    self.open_email.remove(i);
                    self.active.insert(i);
                    self.holder.insert(i, num(agent.as_str()));
                }
                Event::Declined { item, .. }
                | Event::OfferWithdrawn { item, .. }
                | Event::Requeued { item, .. } => {
                    let i = num(item.as_str());
                    self.offered.remove(i);
                    self.waiting.remove(i);
                    self.holder.remove(&i);
                    self.open.insert(i);
                }
                Event::Ended { item, .. } => {
                    let i = num(item.as_str());
                    self.active.remove(i);
                    self.wrap_up.insert(i);
                }
                Event::SetWaiting { item, .. } => {
                    let i = num(item.as_str());
                    self.active.remove(i);
                    self.waiting.insert(i);
                }
                Event::Closed { item, .. } => {
                    let i = num(item.as_str());
                    for bag in [
                        &mut self.open,
                        &mut self.open_email,
                        &mut self.offered,
                        &mut self.active,
                        &mut self.waiting,
                        &mut self.wrap_up,
                    ] {
                        bag.remove(i);
                    }
                    self.holder.remove(&i);
                    self.meta.remove(&i);
                }
                Event::SignedIn { agent } => {
                    self.signed_out.remove(&num(agent.as_str()));
                }
                Event::SignedOut { agent, .. } => {
                    self.signed_out.insert(num(agent.as_str()));
                }
                Event::PresenceChanged { agent, to, .. } => {
                    let a = num(agent.as_str());
                    if *to == Presence::Inactive {
                        self.inactive.insert(a);
                    } else {
                        self.inactive.remove(a);
                    }
                }
                _ => {}
            }
        }
    }

    fn arrive(&mut self) -> Input {
        let i = self.next_item;
        self.next_item += 1;
        let r = self.rng.below(100);
        let c = match r {
            0..=59 => 0,  // chat
            60..=79 => 1, // sms
            80..=84 => 2, // voice
            85..=94 => 3, // email (pick)
            _ => 4,       // social
        };
        let q = if self.rng.percent(40) || self.scale.queues == 1 {
            0
        } else {
            1 + self.rng.below(self.scale.queues as u64 - 1) as usize
        };
        let mut skills = Skills::new();
        match self.rng.below(10) {
            0 => {
                skills.insert("fr".into(), 3);
            }
            1 => {
                skills.insert("de".into(), 5);
                skills.insert("en".into(), 6);
            }
            _ => {}
        }
        self.meta.insert(i, (q as u32, c as u8));
        Input::Arrive {
            item: ItemId::from(format!("i{i}")),
            channel: ChannelId::from(CHANNELS[c]),
            queue: queue_id(q),
            customer: Customer {
                name: "c".into(),
                ..Customer::default()
            },
            skills,
            priority: i32::from(self.rng.percent(10)),
            text: None,
        }
    }

    fn item(i: u64) -> ItemId {
        ItemId::from(format!("i{i}"))
    }

    fn agent_of(&self, i: u64) -> AgentId {
        agent_id(self.holder.get(&i).copied().unwrap_or(0) as usize)
    }

    /// The set-up: every agent signs in, then items arrive (offers accepted at once) until
    /// `scale.waiting` items are Open. Returns the number of inputs handled.
    pub fn setup<R: Router>(&mut self, engine: &mut Engine<R>) -> u64 {
        let mut n = 0;
        // Every agent but one in 97 signs in; those stay signed out and idle, to sign in and out
        // in the mixed stream and in the sign-in cycles.
        for a in (0..self.scale.agents).filter(|a| a % 97 != 0) {
            let events = engine
                .handle(Input::SignIn { agent: agent_id(a) }, self.now)
                .expect("time goes forward");
            self.observe(&events);
            n += 1;
        }
        while self.open.len() < self.scale.waiting {
            let input = self.arrive();
            let events = engine.handle(input, self.now).expect("time goes forward");
            self.observe(&events);
            n += 1;
            while let Some(i) = self.offered.items.last().copied() {
                let input = Input::Accept {
                    agent: self.agent_of(i),
                    item: Self::item(i),
                };
                let events = engine.handle(input, self.now).expect("time goes forward");
                self.observe(&events);
                n += 1;
            }
        }
        n
    }

    /// The next input of the steady mixed stream, and its time.
    pub fn next_input(&mut self) -> (Input, u64) {
        self.now += self.rng.below(20);
        self.inputs += 1;
        let target = self.scale.waiting as u64;
        let r = self.rng.below(100);
        let input = match r {
            // Arrivals, slowed down when more than the target wait (keeps a steady state).
            0..=21 if (self.open.len() as u64) < target + target / 10 => Some(self.arrive()),
            22..=41 => self.offered.pick(&mut self.rng).map(|i| Input::Accept {
                agent: self.agent_of(i),
                item: Self::item(i),
            }),
            42..=44 => self.offered.pick(&mut self.rng).map(|i| Input::Reject {
                agent: self.agent_of(i),
                item: Self::item(i),
            }),
            45..=59 => self.active.pick(&mut self.rng).map(|i| Input::End {
                item: Self::item(i),
                agent: (!self.rng.percent(20)).then(|| self.agent_of(i)),
            }),
            60..=76 => self.wrap_up.pick(&mut self.rng).map(|i| Input::Close {
                agent: self.agent_of(i),
                item: Self::item(i),
            }),
            77..=80 => self.active.pick(&mut self.rng).map(|i| {
                // Only async channels may wait; others get an agent message.
                if matches!(self.meta.get(&i), Some((_, 1 | 4))) {
                    Input::Wait {
                        agent: self.agent_of(i),
                        item: Self::item(i),
                    }
                } else {
                    Input::AgentMessage {
                        agent: self.agent_of(i),
                        item: Self::item(i),
                        text: "ok".into(),
                    }
                }
            }),
            81..=83 => self
                .waiting
                .pick(&mut self.rng)
                .map(|i| Input::CustomerMessage {
                    item: Self::item(i),
                    text: "hi".into(),
                }),
            84..=86 => self.open_email.pick(&mut self.rng).and_then(|i| {
                let (q, _) = *self.meta.get(&i)?;
                let members = &self.members[q as usize];
                let a = members[self.rng.below(members.len() as u64) as usize];
                (!self.signed_out.contains(&a)).then(|| Input::Pick {
                    agent: agent_id(a as usize),
                    item: Self::item(i),
                })
            }),
            87..=88 => self.open.pick(&mut self.rng).map(|i| Input::Abandon {
                item: Self::item(i),
            }),
            89..=91 => {
                let a = self.rng.below(self.scale.agents as u64) as usize;
                let status = if self.rng.percent(50) {
                    Presence::Away
                } else {
                    Presence::Available
                };
                Some(Input::SetPresence {
                    agent: agent_id(a),
                    status,
                })
            }
            92..=94 => self
                .inactive
                .pick(&mut self.rng)
                .or_else(|| Some(self.rng.below(self.scale.agents as u64)))
                .map(|a| Input::ResetPresence {
                    agent: agent_id(a as usize),
                }),
            95 => {
                let a = self.rng.below(self.scale.agents as u64);
                Some(if self.signed_out.contains(&a) {
                    Input::SignIn {
                        agent: agent_id(a as usize),
                    }
                } else {
                    Input::SignOut {
                        agent: agent_id(a as usize),
                    }
                })
            }
            96 => self
                .signed_out
                .iter()
                .nth(self.rng.below(self.signed_out.len().max(1) as u64) as usize)
                .map(|a| Input::SignIn {
                    agent: agent_id(*a as usize),
                }),
            _ => None,
        };
        (input.unwrap_or(Input::Tick), self.now)
    }

    /// Handles `n` inputs of the mixed stream; returns the offers made.
    pub fn run<R: Router>(&mut self, engine: &mut Engine<R>, n: u64) -> u64 {
        let before = self.offers;
        for _ in 0..n {
            let (input, now) = self.next_input();
            let events = engine.handle(input, now).expect("time goes forward");
            self.observe(&events);
        }
        self.offers - before
    }
}

/// A centre at `scale` after the set-up, with its generator.
pub fn centre(scale: Scale, seed: u64) -> (Engine, Workload) {
    let mut workload = Workload::new(scale, seed);
    let mut engine = Engine::new(config(scale));
    workload.setup(&mut engine);
    (engine, workload)
}

/// The same centre with the reference router.
pub fn as_reference(engine: &Engine) -> Engine<ReferenceRouter> {
    Engine::restore(
        engine.state().clone(),
        engine.now(),
        engine.last_seq(),
        ReferenceRouter,
    )
}

/// A copy of the state in which a routing decision is waiting: one signed-out agent of the big
/// queue is signed in, Available, with all its capacity free (a copy made for the purpose: the
/// engine never builds it). For measuring [`Router::next_offer`] alone.
pub fn decision_state(engine: &Engine, workload: &Workload) -> Option<(State, IndexedRouter)> {
    let big = workload.scale.big_queue as u64;
    let agent = workload
        .signed_out
        .iter()
        .find(|a| **a < big)
        .or(workload.signed_out.iter().next())
        .map(|a| agent_id(*a as usize))?;
    let mut state = engine.state().clone();
    let a = state.agents.get_mut(&agent)?;
    a.signed_in = true;
    a.presence = Presence::Available;
    a.used = 0;
    let router = IndexedRouter::build(&state);
    Some((state, router))
}

/// The figures of one measured run, with times from `clock` (milliseconds, any origin).
#[derive(Clone, Debug, Default)]
pub struct Figures {
    pub setup_ms: f64,
    pub setup_inputs: u64,
    pub open_items: usize,
    pub items: usize,
    /// `Router::next_offer` alone on the full centre, ns per call.
    pub decide_ns: f64,
    /// Sign-in/sign-out cycles: ns per offer made (each cycle's inputs and events included).
    pub cycle_ns_per_offer: f64,
    pub cycle_offers: u64,
    /// The mixed stream through the indexed engine.
    pub mixed_inputs: u64,
    pub mixed_offers: u64,
    pub mixed_ns_per_input: f64,
    /// The same slice through both engines from the same state.
    pub slice_inputs: u64,
    pub slice_offers: u64,
    pub slice_indexed_ns_per_input: f64,
    pub slice_reference_ns_per_input: f64,
}

impl Figures {
    /// One `key=value` per line, for scripts.
    pub fn lines(&self) -> String {
        let decisions_per_s = 1e9 / self.decide_ns;
        let cycle_decisions_per_s = 1e9 / self.cycle_ns_per_offer;
        format!(
            "setup_ms={:.0}\nsetup_inputs={}\nitems={}\nopen_items={}\n\
             decide_ns={:.1}\ndecisions_per_s={:.0}\n\
             cycle_ns_per_offer={:.1}\ncycle_offers_per_s={:.0}\ncycle_offers={}\n\
             mixed_inputs={}\nmixed_offers={}\nmixed_ns_per_input={:.1}\nmixed_inputs_per_s={:.0}\n\
             slice_inputs={}\nslice_offers={}\nslice_indexed_ns_per_input={:.1}\n\
             slice_reference_ns_per_input={:.1}\nreference_ratio={:.1}\n",
            self.setup_ms,
            self.setup_inputs,
            self.items,
            self.open_items,
            self.decide_ns,
            decisions_per_s,
            self.cycle_ns_per_offer,
            cycle_decisions_per_s,
            self.cycle_offers,
            self.mixed_inputs,
            self.mixed_offers,
            self.mixed_ns_per_input,
            1e9 / self.mixed_ns_per_input,
            self.slice_inputs,
            self.slice_offers,
            self.slice_indexed_ns_per_input,
            self.slice_reference_ns_per_input,
            self.slice_reference_ns_per_input / self.slice_indexed_ns_per_input,
        )
    }
}

/// Measures everything on one centre at `scale`: the set-up, `next_offer` alone, sign-in
/// cycles, `mixed` inputs through the indexed engine, and the same `slice` inputs through the
/// indexed and the reference engine from the same state (the reference is slow at scale).
pub fn measure(scale: Scale, mixed: u64, slice: u64, clock: &mut dyn FnMut() -> f64) -> Figures {
    let mut f = Figures::default();
    let t = clock();
    let mut workload = Workload::new(scale, 42);
    let mut engine = Engine::new(config(scale));
    f.setup_inputs = workload.setup(&mut engine);
    f.setup_ms = clock() - t;
    f.open_items = engine.state().open.len();
    f.items = engine.state().items.len();

    // Sign-in / sign-out cycles of agents that hold nothing: each sign-in fills the agent.
    let idle: Vec<AgentId> = workload
        .signed_out
        .iter()
        .map(|a| agent_id(*a as usize))
        .filter(|a| engine.state().agents.get(a).is_some_and(|s| s.used == 0))
        .take(20)
        .collect();
    let mut offers = 0u64;
    let t = clock();
    for round in 0..if idle.is_empty() { 0 } else { 2_000 } {
        let agent = idle[round % idle.len()].clone();
        for input in [
            Input::SignIn {
                agent: agent.clone(),
            },
            Input::SignOut { agent },
        ] {
            let events = engine
                .handle(input, workload.now)
                .expect("time goes forward");
            offers += events
                .iter()
                .filter(|e| matches!(e.event, Event::Offered { .. }))
                .count() as u64;
        }
    }
    f.cycle_ns_per_offer = (clock() - t) * 1e6 / offers.max(1) as f64;
    f.cycle_offers = offers;

    // The mixed stream.
    let t = clock();
    f.mixed_offers = workload.run(&mut engine, mixed);
    f.mixed_ns_per_input = (clock() - t) * 1e6 / mixed as f64;
    f.mixed_inputs = mixed;

    // The same slice through both engines.
    if slice > 0 {
        let mut reference = as_reference(&engine);
        let mut w2 = workload.clone();
        let t = clock();
        f.slice_offers = workload.run(&mut engine, slice);
        f.slice_indexed_ns_per_input = (clock() - t) * 1e6 / slice as f64;
        let t = clock();
        let offers = w2.run(&mut reference, slice);
        f.slice_reference_ns_per_input = (clock() - t) * 1e6 / slice as f64;
        assert_eq!(offers, f.slice_offers, "both engines made the same offers");
        assert!(engine.state() == reference.state(), "both engines agree");
        f.slice_inputs = slice;
    }

    // next_offer alone (last: the copied state is large).
    if let Some((state, mut router)) = decision_state(&engine, &workload) {
        let n = 200_000;
        let t = clock();
        let mut found = 0u64;
        for _ in 0..n {
            found += u64::from(router.next_offer(&state, None).is_some());
        }
        f.decide_ns = (clock() - t) * 1e6 / n as f64;
        assert_eq!(found, n, "a decision is waiting");
    }

    f
}
