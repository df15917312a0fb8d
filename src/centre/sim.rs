//! The simulator: an input source that makes the standalone centre alive. Simulated colleagues
//! accept (now and then reject) their offers after a few seconds, talk with the customer for a
//! minute or three, end and close; customers arrive at a configurable rate and write follow-ups
//! to the agent at the keyboard. It only ever produces core inputs: who is offered what is the
//! core's decision.
//!
//! Its plans are a fold of events with draws from [`rng::draw`] keyed by the event's `seq`, so
//! a save (snapshot plus event log) restores them exactly.

use crate::centre::{demo, rng};
use omnidesk_core::state::ItemStatus;
use omnidesk_core::{AgentId, Event, ItemId, Stamped, State};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod plans_as_list {
    use crate::centre::sim::Plan;
    use omnidesk_core::ItemId;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(
        plans: &BTreeMap<(u64, ItemId), Plan>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(plans.iter().map(|((due, item), plan)| (due, item, plan)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<(u64, ItemId), Plan>, D::Error> {
        let list = Vec::<(u64, ItemId, Plan)>::deserialize(d)?;
        Ok(omnidesk_core::sorting::map(
            list.into_iter()
                .map(|(due, item, plan)| ((due, item), plan)),
        ))
    }
}

/// What the simulator will do to an item, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Plan {
    /// R23: the colleague's screen shows the offer (`offer_seen`); accept or reject follows.
    Seen(AgentId),
    Accept(AgentId),
    Reject(AgentId),
    End(AgentId),
    Close(AgentId),
    /// The customer writes a follow-up.
    CustomerWrites,
    /// The customer answers the agent's message.
    CustomerAnswers,
}

/// Something the simulator wants to happen now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Plan(ItemId, Plan),
    /// A new conversation should arrive.
    Arrival,
}

/// The simulator's memory. Its plans are saved as a list of (due, item, plan): a map with
/// tuple keys has no JSON or JavaScript form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sim {
    pub seed: u64,
    /// Mean time between automatic arrivals.
    pub arrival_every_ms: u64,
    /// (due, item) → plan, so due plans come out in (due, item) order.
    #[serde(with = "plans_as_list")]
    pub plans: BTreeMap<(u64, ItemId), Plan>,
    pub next_arrival: Option<u64>,
}

impl Sim {
    pub fn new(seed: u64, arrivals_per_minute: u64) -> Sim {
        Sim {
            seed,
            arrival_every_ms: 60_000 / arrivals_per_minute.max(1),
            plans: BTreeMap::new(),
            next_arrival: None,
        }
    }

    fn is_colleague(agent: &AgentId) -> bool {
        demo::COLLEAGUES.contains(&agent.as_str())
    }

    fn forget(&mut self, item: &ItemId) {
        self.plans.retain(|(_, i), _| i != item);
    }

    fn plan(&mut self, item: &ItemId, due: u64, plan: Plan) {
        self.forget(item);
        self.plans.insert((due, item.clone()), plan);
    }

    /// Folds one event (after the state has folded it).
    pub fn observe(&mut self, state: &State, stamped: &Stamped) {
        let (seed, seq, at) = (self.seed, stamped.seq, stamped.at);
        let pick = |lo, hi| rng::between(seed, 1, seq, lo, hi);
        match &stamped.event {
            Event::Arrived { .. } => {
                let spread = self.arrival_every_ms;
                self.next_arrival =
                    Some(at + rng::between(seed, 2, seq, spread / 2, spread * 3 / 2));
            }
            Event::Offered { item, agent, .. } if Self::is_colleague(agent) => {
                // R23: a colleague's screen shows the offer within a second or so.
                self.plan(item, at + pick(300, 1_500), Plan::Seen(agent.clone()));
            }
            Event::OfferSeen { item, agent } if Self::is_colleague(agent) => {
                let plan = if rng::draw(seed, 3, seq).is_multiple_of(10) {
                    Plan::Reject(agent.clone())
                } else {
                    Plan::Accept(agent.clone())
                };
                self.plan(item, at + pick(2_000, 9_000), plan);
            }
            Event::Accepted { item, agent }
            | Event::Picked { item, agent }
            | Event::Reopened { item, agent }
            | Event::Opened { item, agent } => {
                if Self::is_colleague(agent) {
                    self.plan(item, at + pick(40_000, 200_000), Plan::End(agent.clone()));
                } else if agent.as_str() == demo::ME
                    && !item.as_str().starts_with(demo::LIVE_CHAT_PREFIX)
                {
                    self.plan(item, at + pick(15_000, 45_000), Plan::CustomerWrites);
                } else {
                    self.forget(item);
                }
            }
            Event::Ended { item, .. } => {
                let holder = state.items.get(item).and_then(|it| match &it.status {
                    ItemStatus::WrapUp { agent, .. } => Some(agent.clone()),
                    _ => None,
                });
                match holder {
                    Some(agent) if Self::is_colleague(&agent) => {
                        self.plan(item, at + pick(5_000, 20_000), Plan::Close(agent));
                    }
                    _ => self.forget(item),
                }
            }
            Event::CustomerMessage { item, .. } => {
                // One follow-up per stretch of work is enough; an answer is given.
                self.plans.retain(|(_, i), p| {
                    !(i == item && matches!(p, Plan::CustomerWrites | Plan::CustomerAnswers))
                });
            }
            Event::AgentMessage { item, agent, .. } if agent.as_str() == demo::ME => {
                // A simulated customer answers the agent at the keyboard (not a customer
                // of the /chat page: those write for themselves).
                let simulated = state
                    .items
                    .get(item)
                    .is_some_and(|it| !it.id.as_str().starts_with(demo::LIVE_CHAT_PREFIX));
                if simulated {
                    self.plan(item, at + pick(4_000, 12_000), Plan::CustomerAnswers);
                }
            }
            Event::Declined { item, .. }
            | Event::OfferWithdrawn { item, .. }
            | Event::Closed { item, .. }
            | Event::Transferred { item, .. }
            | Event::SetWaiting { item, .. }
            | Event::Requeued { item, .. } => self.forget(item),
            _ => {}
        }
    }

    /// The actions due at `now` (plans in (due, item) order, then an arrival), removed from the
    /// plan. `arrivals` is false under `?sim=off`.
    pub fn due(&mut self, now: u64, arrivals: bool) -> Vec<Action> {
        let mut out = Vec::new();
        while let Some(entry) = self.plans.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let ((_, item), plan) = entry.remove_entry();
            out.push(Action::Plan(item, plan));
        }
        if arrivals {
            match self.next_arrival {
                Some(due) if due <= now => {
                    self.next_arrival = None;
                    out.push(Action::Arrival);
                }
                None => self.next_arrival = Some(now + self.arrival_every_ms),
                _ => {}
            }
        }
        out
    }
}
