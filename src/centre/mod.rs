//! The contact centre in the page. [`Centre`] owns the engine, feeds it inputs stamped with
//! the caller's clock, and folds every event it emits into the [`Journal`] and the [`Sim`].
//! The standalone loop calls [`Centre::tick`] on a steady cadence and at
//! `engine.next_timer()`. In server mode a [`Centre::replica`] only folds the server's events.
//!
//! - [`demo`]: the built-in configuration (queues, the five channels, the agent at the
//!   keyboard and simulated colleagues) and the generated customers.
//! - [`journal`]: what the UI needs that the core's state doesn't keep (messages, the last
//!   routing explanation, when an item last changed), folded from events.
//! - [`sim`]: the simulator, an input source: colleagues who accept, work and close items, and
//!   arrivals. It decides nothing about routing.
//! - [`replies`]: the demo centre's quick replies (the canned answers of the Message box).
//! - [`rng`]: a small deterministic PRNG (SplitMix64) for `?seed=N`.
//! - [`live`]: the `/chat` page's BroadcastChannel protocol (serde types) and its mapping to
//!   core inputs and back.
//! - [`save`]: the centre's saved form — the versioned snapshot and the input log (serde
//!   types); `crate::storage` keeps them in the browser.
//!
//! **Architecture invariant:** nothing here decides who gets an item or what presence is: the
//! simulator and the buttons send inputs, the core decides.

pub mod demo;
pub mod journal;
pub mod live;
pub mod replies;
pub mod rng;
pub mod save;
pub mod sim;

use crate::centre::save::{LoadError, LogEntry, Saved, SnapshotRef};
use crate::mode::build::AppRouter;
use crate::model::queue_history::QueueHistory;
use journal::Journal;
use omnidesk_core::protocol::Customer;
use omnidesk_core::{AgentId, ChannelId, Engine, Input, ItemId, QueueId, Stamped};
use sim::{Action, Plan, Sim};

/// Automatic arrivals per minute when the simulator runs: lively, but a pace a person can
/// follow.
pub const DEFAULT_ARRIVALS_PER_MINUTE: u64 = 6;

/// A fresh centre's first arrival comes this soon, so the demo shows life at once.
pub const FIRST_ARRIVAL_MS: u64 = 1_500;

/// The engine of this build (its router: [`AppRouter`], chosen by the mode).
pub type AppEngine = Engine<AppRouter>;

/// The engine and what is folded beside it.
pub struct Centre {
    pub engine: AppEngine,
    pub journal: Journal,
    pub sim: Sim,
    /// `?sim=off` turns the simulator off: no arrivals, no colleagues.
    pub sim_on: bool,
    /// The agent at the keyboard.
    pub me: AgentId,
    /// The inputs handled since the caller last took them, for the input log.
    pub unsaved: Vec<LogEntry>,
    /// The supervisor page's charts: the last hour of In queue counts of `me`'s queues.
    pub history: QueueHistory,
    /// A replica's last folded seq per item (server mode): an item's earlier events, sent
    /// when it enters the agent's read scope, fold only past it ([`Centre::follow_history`]).
    pub item_seq: std::collections::HashMap<ItemId, u64>,
}

impl Centre {
    /// A fresh demo centre at `now`: the agent at the keyboard signed in (Available), and the
    /// simulated colleagues too when the simulator runs.
    pub fn fresh(seed: u64, sim_on: bool, now: u64) -> (Centre, Vec<Stamped>) {
        let mut centre = Centre {
            engine: Engine::with_router(demo::config(), AppRouter::default()),
            journal: Journal::default(),
            sim: Sim::new(seed, DEFAULT_ARRIVALS_PER_MINUTE),
            sim_on,
            me: AgentId::from(demo::ME),
            unsaved: Vec::new(),
            history: QueueHistory::default(),
            item_seq: Default::default(),
        };
        let mut events = centre.submit(
            Input::SignIn {
                agent: centre.me.clone(),
            },
            now,
        );
        if sim_on {
            centre.sim.next_arrival = Some(now + FIRST_ARRIVAL_MS);
            for colleague in demo::COLLEAGUES {
                events.extend(centre.submit(
                    Input::SignIn {
                        agent: AgentId::from(colleague),
                    },
                    now,
                ));
            }
        }
        (centre, events)
    }

    /// A centre restored from a snapshot and the input log written after it: each logged
    /// input is handled again at its time and must end at its logged event number. The
    /// demo's configuration is today's ([`demo::config`]), not the saved one.
    pub fn restore(
        saved: Saved,
        mut entries: Vec<LogEntry>,
        sim_on: bool,
    ) -> Result<Centre, LoadError> {
        if !saved.state.agents.contains_key(&AgentId::from(demo::ME)) {
            return Err(LoadError::Corrupt(
                "the agent at the keyboard is missing".into(),
            ));
        }
        let mut state = saved.state;
        state.config = demo::config();
        let engine = Engine::restore(state, saved.now, saved.seq, Default::default());
        let mut centre = Centre {
            engine,
            journal: saved.journal,
            sim: saved.sim,
            sim_on,
            me: AgentId::from(demo::ME),
            unsaved: Vec::new(),
            history: QueueHistory::default(),
            item_seq: Default::default(),
        };
        omnidesk_core::sorting::sort_by_cached_key(&mut entries, |e| e.seq);
        for LogEntry { seq, now, input } in entries {
            if seq <= centre.engine.last_seq() {
                continue; // already in the snapshot
            }
            centre.submit(input, now);
            if centre.engine.last_seq() != seq {
                return Err(LoadError::Corrupt(format!(
                    "the log doesn't follow on from the snapshot at event {seq}"
                )));
            }
        }
        centre.unsaved.clear();
        Ok(centre)
    }

    /// A replica of a server's centre (server mode): the engine starts from the server's
    /// configuration and only ever *applies* the server's events ([`Centre::follow`]); it never
    /// handles an input, so the browser is no second routing authority. `me` is the agent
    /// signed in at this browser.
    pub fn replica(config: omnidesk_core::Config, me: AgentId) -> Centre {
        Centre {
            engine: Engine::with_router(config, AppRouter::default()),
            journal: Journal::default(),
            sim: Sim::new(0, DEFAULT_ARRIVALS_PER_MINUTE),
            sim_on: false,
            me,
            unsaved: Vec::new(),
            history: QueueHistory::default(),
            item_seq: Default::default(),
        }
    }

    /// Folds one event of the server's stream into the replica. The stream is the agent's
    /// read scope (issue 18 §4), in seq order with gaps (the other queues' events never come):
    /// an event already folded is skipped (`false`), any later one is folded.
    pub fn follow(&mut self, stamped: &Stamped) -> bool {
        if stamped.seq <= self.engine.last_seq() {
            return false;
        }
        self.engine.apply(stamped);
        self.journal.observe(self.engine.config(), stamped);
        if let Some(item) = stamped.event.item() {
            self.item_seq.insert(item.clone(), stamped.seq);
        }
        self.record(stamped.at);
        true
    }

    /// Folds the earlier events of an item that entered the agent's read scope (a `history`
    /// frame: transferred into their queue, assigned to them): those after the last event of
    /// it the replica has, in their order. They don't move the replica's last seq, nor the
    /// queue charts (they are the past). Whether any was folded.
    pub fn follow_history(&mut self, item: &ItemId, events: &[Stamped]) -> bool {
        let mut folded = false;
        for e in events {
            let have = self.item_seq.get(item).copied().unwrap_or(0);
            if e.seq <= have || e.event.item() != Some(item) {
                continue;
            }
            self.engine.apply(e);
            self.journal.observe(self.engine.config(), e);
            self.item_seq.insert(item.clone(), e.seq);
            folded = true;
        }
        folded
    }

    /// The In queue count of every queue `me` supervises, for the charts (nothing when `me`
    /// supervises none). O(q log q).
    fn record(&mut self, at: u64) {
        let Some(me) = self.engine.config().agents.get(&self.me) else {
            return;
        };
        for queue in &me.supervises {
            if let Some(f) = self.engine.queue_figures(queue) {
                self.history.record(queue, at, f.open);
            }
        }
    }

    /// The snapshot to save, borrowed (serialised without cloning the state).
    pub fn snapshot(&self) -> SnapshotRef<'_> {
        SnapshotRef::new(
            self.engine.now(),
            self.engine.last_seq(),
            self.engine.state(),
            &self.journal,
            &self.sim,
        )
    }

    fn fold(&mut self, stamped: &Stamped) {
        self.journal.observe(self.engine.config(), stamped);
        self.sim.observe(self.engine.state(), stamped);
        self.record(stamped.at);
    }

    /// Hands one input to the engine at `now` (never earlier than the engine's time, R0) and
    /// folds the events it emits.
    pub fn submit(&mut self, input: Input, now: u64) -> Vec<Stamped> {
        let now = now.max(self.engine.now());
        let logged = input.clone();
        let events = self.engine.handle(input, now).unwrap_or_default();
        if !events.is_empty() {
            self.unsaved.push(LogEntry {
                seq: self.engine.last_seq(),
                now,
                input: logged,
            });
        }
        for stamped in &events {
            self.fold(stamped);
        }
        events
    }

    /// The clock moved on: a `tick` (timers due while the page was closed fire now, R0a), then
    /// whatever the simulator has due.
    pub fn tick(&mut self, now: u64) -> Vec<Stamped> {
        let mut events = self.submit(Input::Tick, now);
        if !self.sim_on {
            return events;
        }
        for action in self.sim.due(now, true) {
            let input = match action {
                Action::Arrival => {
                    let channel = match self.journal.arrivals % 5 {
                        0 | 3 => "sms",
                        4 => "email",
                        _ => "chat",
                    };
                    let queue = match self.journal.arrivals % 7 {
                        2 => "billing",
                        5 => "vip",
                        _ => demo::SIMULATE_QUEUE,
                    };
                    self.arrival(channel, queue)
                }
                Action::Plan(item, plan) => match plan {
                    Plan::Seen(agent) => Input::OfferSeen { agent, item },
                    Plan::Accept(agent) => Input::Accept { agent, item },
                    Plan::Reject(agent) => Input::Reject { agent, item },
                    Plan::End(agent) => Input::End {
                        item,
                        agent: Some(agent),
                    },
                    Plan::Close(agent) => Input::Close { agent, item },
                    Plan::CustomerWrites => Input::CustomerMessage {
                        text: demo::follow_up(self.sim.seed, self.engine.last_seq()).to_owned(),
                        item,
                    },
                    Plan::CustomerAnswers => Input::CustomerMessage {
                        text: demo::answer(self.sim.seed, self.engine.last_seq()).to_owned(),
                        item,
                    },
                },
            };
            events.extend(self.submit(input, now));
        }
        events
    }

    /// The arrive input of the next generated conversation (a customer with a name distinct
    /// from every earlier one in this save).
    fn arrival(&self, channel: &str, queue: &str) -> Input {
        let n = self.journal.arrivals;
        let mut id = n + 1;
        while self
            .engine
            .state()
            .items
            .contains_key(&ItemId::from(format!("w{id:06}")))
        {
            id += 1;
        }
        let name = demo::customer_name(self.sim.seed, n);
        let handle = name.to_lowercase().replace(' ', ".");
        Input::Arrive {
            item: ItemId::from(format!("w{id:06}")),
            channel: ChannelId::from(channel),
            queue: QueueId::from(queue),
            customer: Customer {
                email: Some(format!("{handle}@example.com")),
                phone: Some(format!("+1 555 01{:02}", n % 100)),
                language: Some("English".to_owned()),
                location: Some("Seattle, WA".to_owned()),
                id: Some(format!("CUST-{:05}", n + 1)),
                name,
            },
            skills: Default::default(),
            priority: 0,
            text: Some(demo::opener(self.sim.seed, n).to_owned()),
        }
    }

    /// The Demo region's buttons: a new conversation on `channel` in the agent's queue.
    pub fn simulate(&mut self, channel: &str, now: u64) -> Vec<Stamped> {
        let input = self.arrival(channel, demo::SIMULATE_QUEUE);
        self.submit(input, now)
    }

    /// `?demo=N`: N open items in the agent's queues, through core inputs. They arrive on the
    /// email channel (pick distribution, R1), so they wait in Open work items to be picked.
    pub fn fill(&mut self, n: u64, now: u64) {
        for k in 0..n {
            let queue = if k % 3 == 0 {
                "billing"
            } else {
                demo::SIMULATE_QUEUE
            };
            let input = self.arrival("email", queue);
            self.submit(input, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use omnidesk_core::Presence;

    #[test]
    fn a_fresh_centre_signs_the_agent_in_available() {
        let (c, events) = Centre::fresh(1, false, 1_000);
        assert!(!events.is_empty());
        let me = &c.engine.state().agents[&c.me];
        assert!(me.signed_in);
        assert_eq!(me.presence, Presence::Available);
        assert!(!c.engine.state().agents[&AgentId::from("ana")].signed_in);
    }

    #[test]
    fn a_fresh_simulated_centre_has_its_first_arrival_within_two_seconds() {
        let start = 1_000_000;
        let run = |sim_on: bool| {
            let (mut c, _) = Centre::fresh(1, sim_on, start);
            let mut by_2s = 0;
            for ms in (250..=600_000).step_by(250) {
                c.tick(start + ms);
                if ms == 2_000 {
                    by_2s = c.journal.arrivals;
                }
            }
            (by_2s, c.journal.arrivals)
        };
        let (by_2s, total) = run(true);
        assert_eq!(by_2s, 1, "one arrival in the first 2 s");
        // Then a human pace: about DEFAULT_ARRIVALS_PER_MINUTE a minute, not a flood.
        let per_minute = total as f64 / 10.0;
        assert!((4.0..=8.0).contains(&per_minute), "{per_minute} a minute");
        // Reproducible with the same seed; none with the simulator off.
        assert_eq!(run(true), (by_2s, total));
        assert_eq!(run(false), (0, 0));
    }

    #[test]
    fn simulate_creates_distinct_customers_in_the_agents_queue() {
        let (mut c, _) = Centre::fresh(1, false, 1_000);
        c.submit(
            Input::SetPresence {
                agent: c.me.clone(),
                status: Presence::Away,
            },
            1_000,
        );
        c.simulate("chat", 2_000);
        c.simulate("sms", 3_000);
        let open = c.engine.open_work_items(&c.me);
        assert_eq!(open.len(), 2);
        let names: Vec<_> = open
            .iter()
            .map(|id| c.engine.state().items[id].customer.name.clone())
            .collect();
        assert_ne!(names[0], names[1]);
    }

    #[test]
    fn the_simulator_drives_colleagues_through_core_inputs() {
        let (mut c, _) = Centre::fresh(7, true, 0);
        c.submit(
            Input::SetPresence {
                agent: c.me.clone(),
                status: Presence::Away,
            },
            0,
        );
        let (mut closed, mut seen, mut unseen) = (0, 0, 0);
        for s in 1..=1_200u64 {
            for e in c.tick(s * 1_000) {
                match e.event {
                    omnidesk_core::Event::Closed { .. } => closed += 1,
                    omnidesk_core::Event::OfferSeen { .. } => seen += 1,
                    omnidesk_core::Event::Declined {
                        cause: omnidesk_core::protocol::DeclineCause::Unseen,
                        ..
                    } => unseen += 1,
                    _ => {}
                }
            }
        }
        assert!(c.journal.arrivals > 40, "arrivals: {}", c.journal.arrivals);
        assert!(closed > 10, "closed: {closed}");
        // R23 at the demo's 15 s: colleagues confirm every offer they are shown, so none is
        // withdrawn unseen and nobody goes Inactive for it.
        assert!(seen > 10, "offer_seen: {seen}");
        assert_eq!(unseen, 0);
        assert!(c.journal.inactive_because.is_empty());
    }

    #[test]
    fn a_replica_that_follows_the_events_has_the_same_state_and_journal() {
        let (mut live, first) = Centre::fresh(5, true, 0);
        let mut events = first;
        for s in 1..=300u64 {
            events.extend(live.tick(s * 1_000));
        }
        let mut replica = Centre::replica(demo::config(), live.me.clone());
        for e in &events {
            assert!(replica.follow(e));
        }
        // Duplicates are skipped.
        assert!(!replica.follow(&events[3]));
        assert_eq!(replica.engine.state(), live.engine.state());
        assert_eq!(replica.journal, live.journal);
        assert_eq!(replica.engine.next_timer(), live.engine.next_timer());
    }

    /// Issue 18 §4: a replica of a scoped stream. Some items' events come late, as the
    /// `history` of an item entering the agent's scope — after later events of other items —
    /// and the replica still ends with the live centre's state and journal; a history it
    /// partly has already folds only the rest, and a gap in seqs is no error.
    #[test]
    fn a_replica_folds_an_items_history_late_and_agrees() {
        let (mut live, first) = Centre::fresh(7, true, 0);
        let mut events = first;
        for s in 1..=400u64 {
            events.extend(live.tick(s * 1_000));
        }
        // Three items enter the scope late: every event of theirs but the last is held back
        // (the server sends them as history right before the last one).
        let mut late: Vec<ItemId> = Vec::new();
        for e in &events {
            if let omnidesk_core::Event::Arrived { item, .. } = &e.event {
                if late.len() < 3
                    && events
                        .iter()
                        .filter(|x| x.event.item() == Some(item))
                        .count()
                        > 3
                {
                    late.push(item.clone());
                }
            }
        }
        assert_eq!(late.len(), 3, "the run has items with a history");
        let last_of = |item: &ItemId| {
            events
                .iter()
                .rev()
                .find(|x| x.event.item() == Some(item))
                .map(|x| x.seq)
                .unwrap()
        };
        let mut replica = Centre::replica(demo::config(), live.me.clone());
        for e in &events {
            let item = e.event.item().filter(|i| late.contains(i)).cloned();
            match item {
                Some(i) if e.seq == last_of(&i) => {
                    let earlier: Vec<Stamped> = events
                        .iter()
                        .filter(|x| x.event.item() == Some(&i) && x.seq < e.seq)
                        .cloned()
                        .collect();
                    // Part of it is there already (a catch-up sent it): only the rest folds.
                    if i == late[0] {
                        assert!(replica.follow_history(&i, &earlier[..2]));
                    }
                    assert!(replica.follow_history(&i, &earlier));
                    assert!(!replica.follow_history(&i, &earlier), "all there");
                    assert!(replica.follow(e));
                }
                Some(_) => {}
                None => {
                    replica.follow(e);
                }
            }
        }
        assert_eq!(replica.engine.last_seq(), live.engine.last_seq());
        assert_eq!(replica.engine.state(), live.engine.state());
        assert_eq!(replica.journal, live.journal);
    }

    #[test]
    fn a_saved_centre_restores_with_its_log() {
        let (mut c, _) = Centre::fresh(3, true, 0);
        for s in 1..=300u64 {
            c.tick(s * 1_000);
        }
        // Through serde and back (JSON here; the browser keeps the same serde value).
        let json = serde_json::to_string(&c.snapshot()).unwrap();
        let saved: Saved = serde_json::from_str(&json).unwrap();
        assert_eq!(&saved.state, c.engine.state());
        c.unsaved.clear();
        for s in 301..=400u64 {
            c.tick(s * 1_000);
        }
        let log: Vec<LogEntry> =
            serde_json::from_str(&serde_json::to_string(&c.unsaved).unwrap()).unwrap();
        let restored = Centre::restore(saved, log, true).unwrap();
        assert_eq!(restored.engine.state(), c.engine.state());
        assert_eq!(restored.journal, c.journal);
        assert_eq!(restored.sim.plans, c.sim.plans);
    }
}
