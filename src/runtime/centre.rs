//! [`Centre`]: the standalone contact centre. It owns the engine, feeds it inputs stamped with
//! the caller's clock, and folds every event it emits into the [`Journal`] and the [`Sim`].
//! The browser loop calls [`Centre::tick`] on a steady cadence and at `engine.next_timer()`.
//! In server mode the same journal and the UI's projections would fold the server's events.

use crate::runtime::demo;
use crate::runtime::journal::Journal;
use crate::runtime::log;
use crate::runtime::save::{self, LoadError, Saved};
use crate::runtime::sim::{Action, Plan, Sim};
use omnidesk_core::protocol::Customer;
use omnidesk_core::{AgentId, ChannelId, Engine, Input, ItemId, QueueId, Stamped};

/// Automatic arrivals per minute when the simulator runs: lively, but a pace a person can
/// follow.
pub const DEFAULT_ARRIVALS_PER_MINUTE: u64 = 6;

/// A fresh centre's first arrival comes this soon, so the demo shows life at once.
pub const FIRST_ARRIVAL_MS: u64 = 1_500;

/// The router of this build's engine. The standalone demo routes in the page (the indexed
/// router). The server build's engine is a replica that only applies the server's events: the
/// reference router keeps no indices (its `observe` does nothing), and its routing code is
/// never linked, since the replica never handles an input.
#[cfg(not(feature = "server"))]
pub type AppRouter = omnidesk_core::route::IndexedRouter;
#[cfg(feature = "server")]
pub type AppRouter = omnidesk_core::route::ReferenceRouter;

/// The engine of this build ([`AppRouter`]).
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
    /// Log lines ([`log::encode`]) of the inputs handled since the caller last took them.
    pub unsaved: Vec<(u64, String)>,
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

    /// A centre restored from a snapshot and the log lines written after it: each logged
    /// input is handled again at its time and must end at its logged event number.
    pub fn restore(saved: Saved, lines: &[String], sim_on: bool) -> Result<Centre, LoadError> {
        if !saved.state.agents.contains_key(&AgentId::from(demo::ME)) {
            return Err(LoadError::Corrupt(
                "the agent at the keyboard is missing".into(),
            ));
        }
        let engine = Engine::restore(saved.state, saved.now, saved.seq, Default::default());
        let mut centre = Centre {
            engine,
            journal: saved.journal,
            sim: saved.sim,
            sim_on,
            me: AgentId::from(demo::ME),
            unsaved: Vec::new(),
        };
        let mut entries: Vec<(u64, u64, Input)> = lines
            .iter()
            .map(|l| {
                log::decode(l)
                    .ok_or_else(|| LoadError::Corrupt(format!("unreadable log line {l:?}")))
            })
            .collect::<Result<_, _>>()?;
        entries.sort_by_key(|(seq, _, _)| *seq);
        for (seq, now, input) in entries {
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
        }
    }

    /// Folds one event of the server's log into the replica. Events must come in log order:
    /// an event already folded is skipped (`Ok(false)`), one after a gap is refused with the
    /// seq the replica needs next, and the caller resubscribes from there.
    pub fn follow(&mut self, stamped: &Stamped) -> Result<bool, u64> {
        let next = self.engine.last_seq() + 1;
        if stamped.seq < next {
            return Ok(false);
        }
        if stamped.seq > next {
            return Err(next);
        }
        self.engine.apply(stamped);
        self.journal.observe(self.engine.config(), stamped);
        Ok(true)
    }

    /// The snapshot to save.
    #[cfg(test)]
    pub fn saved(&self) -> Saved {
        Saved {
            format: save::FORMAT,
            now: self.engine.now(),
            seq: self.engine.last_seq(),
            state: self.engine.state().clone(),
            journal: self.journal.clone(),
            sim: self.sim.clone(),
        }
    }

    /// The snapshot text ([`save::write`]), without cloning the state.
    pub fn saved_text(&self) -> String {
        save::write(
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
    }

    /// Hands one input to the engine at `now` (never earlier than the engine's time, R0) and
    /// folds the events it emits.
    pub fn submit(&mut self, input: Input, now: u64) -> Vec<Stamped> {
        let now = now.max(self.engine.now());
        let line_input = input.clone();
        let events = self.engine.handle(input, now).unwrap_or_default();
        if !events.is_empty() {
            let seq = self.engine.last_seq();
            self.unsaved.push((seq, log::encode(seq, now, &line_input)));
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
        let mut closed = 0;
        for s in 1..=1_200u64 {
            for e in c.tick(s * 1_000) {
                if matches!(e.event, omnidesk_core::Event::Closed { .. }) {
                    closed += 1;
                }
            }
        }
        assert!(c.journal.arrivals > 40, "arrivals: {}", c.journal.arrivals);
        assert!(closed > 10, "closed: {closed}");
    }

    #[test]
    fn a_replica_that_follows_the_events_has_the_same_state_and_journal() {
        let (mut live, first) = Centre::fresh(5, true, 0);
        let mut events = first;
        for s in 1..=300u64 {
            events.extend(live.tick(s * 1_000));
        }
        let mut replica = Centre::replica(demo::config(), live.me.clone());
        // Duplicates are skipped, a gap is refused with the seq needed next.
        assert_eq!(replica.follow(&events[1]), Err(1));
        for e in &events {
            assert_eq!(replica.follow(e), Ok(true));
        }
        assert_eq!(replica.follow(&events[3]), Ok(false));
        assert_eq!(replica.engine.state(), live.engine.state());
        assert_eq!(replica.journal, live.journal);
        assert_eq!(replica.engine.next_timer(), live.engine.next_timer());
    }

    #[test]
    fn a_saved_centre_restores_with_its_log() {
        let (mut c, _) = Centre::fresh(3, true, 0);
        for s in 1..=300u64 {
            c.tick(s * 1_000);
        }
        let text = c.saved_text();
        let saved = save::parse_snapshot(&text).unwrap();
        assert_eq!(saved, c.saved());
        c.unsaved.clear();
        let mut later = Vec::new();
        for s in 301..=400u64 {
            later.extend(c.tick(s * 1_000));
        }
        let _ = later;
        let lines: Vec<String> = c.unsaved.iter().map(|(_, l)| l.clone()).collect();
        let restored = Centre::restore(saved, &lines, true).unwrap();
        assert_eq!(restored.engine.state(), c.engine.state());
        assert_eq!(restored.journal, c.journal);
        assert_eq!(restored.sim.plans, c.sim.plans);
    }

    /// A save of the previous format (2: no `T`/`D` records, six exclusion counts) still
    /// loads: the centre is the same but for the times R23–R28 added, which it reads as
    /// unknown, as the core does for a state saved before them.
    #[test]
    fn a_format_2_save_still_loads() {
        let (mut c, _) = Centre::fresh(3, true, 0);
        for s in 1..=120u64 {
            c.tick(s * 1_000);
        }
        let text = c.saved_text();
        let old: String = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with("T\t") && !l.starts_with("D\t"))
            .map(|(i, l)| {
                if i == 0 {
                    l.replacen("\t3\t", "\t2\t", 1)
                } else if let Some(e) = l.strip_prefix("E\t") {
                    let mut f: Vec<&str> = e.split('\t').collect();
                    f.pop();
                    format!("E\t{}", f.join("\t"))
                } else {
                    l.to_owned()
                }
            })
            .map(|l| l + "\n")
            .collect();
        let saved = save::parse_snapshot(&old).expect("a format-2 save loads");
        let mut want = c.engine.state().clone();
        for it in want.items.values_mut() {
            it.arrived_at = None;
            it.arrived_in = None;
            it.first_active_at = None;
            it.state_since = None;
            it.offer_seen = false;
        }
        for a in want.agents.values_mut() {
            a.presence_since = None;
        }
        assert_eq!(saved.state, want);
        assert_eq!(saved.journal, c.journal);
    }
}
