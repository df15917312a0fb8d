//! Read scope (issue 18 §4): which events an agent's stream carries. Decided here, once, for
//! the live fan-out ([`crate::fanout`]), the socket's catch-up and `GET /api/events`.
//!
//! **An agent's queues** are those they are a member of plus those they supervise
//! ([`Scope::of`]). **An item is in the agent's scope** from the first event that puts it in
//! one of those queues (its arrival there, a transfer into one) or names the agent as the
//! item's agent (an offer, an assign, a pick: a conversation the agent was offered or held),
//! and stays in it for good: the agent keeps what they were shown, and an item's events reach
//! a replica complete and in their own order. An item that is in scope "by now" has all its
//! events in the stream, the earlier ones included: in seq order in a catch-up, and as a
//! `history` frame right before the event that brought it in when that happens live
//! ([`omnidesk_wire::ServerFrame::History`]; the socket decides with [`Scopes::entry`]).
//!
//! **An agent's own events** (sign-in, presence, connection) reach the agents who share a
//! queue with them and the supervisors of their queues, and themselves. A `rejected` event
//! reaches the agent whose input it refused (the supervisor, `by`, of a supervisor's input;
//! for a customer's input, the item's scope).
//! An event about nobody in particular reaches everyone.
//!
//! Per item the registry keeps the queues it has been in and the agents it has named, each
//! with the seq of the first time (a few entries per item), so the rule costs a lookup and a
//! short scan, never a pass over agents or items. After a restart the records are seeded
//! from the engine's state (the item's queue, its first queue, its holder, last holder and
//! decliners) with the log's head as their seq: what the state no longer tells (an
//! intermediate queue of a twice-transferred item, an offer withdrawn) drops out of scope,
//! which only narrows it.

use crate::log::LoggedEvent;
use omnidesk_core::{AgentId, Config, ItemId, QueueId, State};
use std::collections::{HashMap, HashSet};

/// What one agent's stream may carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub agent: AgentId,
    /// The queues they are a member of or supervise (narrowed by `subscribe.queues`).
    pub queues: HashSet<QueueId>,
}

impl Scope {
    /// An agent's scope: their member and supervised queues.
    pub fn of(config: &Config, agent: &AgentId) -> Scope {
        let mut queues: HashSet<QueueId> = config
            .queues
            .iter()
            .filter(|(_, q)| q.members.contains(agent))
            .map(|(id, _)| id.clone())
            .collect();
        if let Some(a) = config.agents.get(agent) {
            queues.extend(a.supervises.iter().cloned());
        }
        Scope {
            agent: agent.clone(),
            queues,
        }
    }
}

/// The queues an item has been in and the agents it has named, with the first seq of each.
#[derive(Clone, Debug, Default)]
struct ItemScope {
    queues: Vec<(QueueId, u64)>,
    agents: Vec<(AgentId, u64)>,
}

impl ItemScope {
    fn entry(&self, scope: &Scope) -> Option<u64> {
        let q = self
            .queues
            .iter()
            .filter(|(q, _)| scope.queues.contains(q))
            .map(|(_, s)| *s);
        let a = self
            .agents
            .iter()
            .filter(|(a, _)| *a == scope.agent)
            .map(|(_, s)| *s);
        q.chain(a).min()
    }

    fn add_queue(&mut self, q: &QueueId, seq: u64) {
        if !self.queues.iter().any(|(k, _)| k == q) {
            self.queues.push((q.clone(), seq));
        }
    }

    fn add_agent(&mut self, a: &AgentId, seq: u64) {
        if !self.agents.iter().any(|(k, _)| k == a) {
            self.agents.push((a.clone(), seq));
        }
    }
}

/// How an event is routed under the scope rule.
pub enum Route<'a> {
    /// To the scope of this item (the agents whose queues it has been in or whom it named).
    Item(&'a ItemId),
    /// To this agent only (a refusal of their input: the supervisor's, `by`, for theirs).
    Agent(AgentId),
    /// An agent's own event: to them, and to everyone who sees one of their queues.
    Colleague(&'a AgentId),
    /// To everyone.
    Everyone,
}

/// The scope records of every item, and every agent's member queues.
#[derive(Debug, Default)]
pub struct Scopes {
    items: HashMap<ItemId, ItemScope>,
    members: HashMap<AgentId, Vec<QueueId>>,
}

fn is_rejected(e: &LoggedEvent) -> bool {
    e.kind == "rejected"
}

/// A refused supervisor's input (R25–R27) names the supervisor as `by`; the agent it named
/// (an assignee) did nothing. Read from the stored JSON (refusals are rare).
fn rejected_actor(e: &LoggedEvent) -> Option<AgentId> {
    #[derive(serde::Deserialize)]
    struct By {
        by: Option<AgentId>,
    }
    #[derive(serde::Deserialize)]
    struct Refused {
        input: By,
    }
    serde_json::from_str::<Refused>(e.json.get()).ok()?.input.by
}

impl Scopes {
    /// The records of a log whose events up to `head` made `state` (see the module doc).
    pub fn seed(config: &Config, state: &State, head: u64) -> Scopes {
        let mut members: HashMap<AgentId, Vec<QueueId>> = HashMap::new();
        for (id, q) in &config.queues {
            for m in &q.members {
                members.entry(m.clone()).or_default().push(id.clone());
            }
        }
        let mut items = HashMap::with_capacity(state.items.len());
        for (id, it) in &state.items {
            let mut r = ItemScope::default();
            if let Some(first) = &it.arrived_in {
                r.add_queue(first, head);
            }
            r.add_queue(&it.queue, head);
            for a in it
                .status
                .holder()
                .into_iter()
                .chain(it.last_holder.as_ref())
                .chain(it.declines_by.keys())
            {
                r.add_agent(a, head);
            }
            items.insert(id.clone(), r);
        }
        Scopes { items, members }
    }

    /// Where an event goes.
    pub fn routing<'a>(&self, e: &'a LoggedEvent) -> Route<'a> {
        match (&e.item, &e.agent) {
            (_, Some(a)) if is_rejected(e) => {
                Route::Agent(rejected_actor(e).unwrap_or_else(|| a.clone()))
            }
            (Some(item), _) => Route::Item(item),
            (None, Some(a)) => Route::Colleague(a),
            (None, None) => Route::Everyone,
        }
    }

    /// Records a durable event (in seq order): the queues it puts its item in, the agent it
    /// names. A refusal changes nothing (an agent can't bring an item into scope by asking).
    pub fn note(&mut self, e: &LoggedEvent) {
        let Some(item) = &e.item else {
            return;
        };
        if is_rejected(e) {
            return;
        }
        let r = self.items.entry(item.clone()).or_default();
        for q in e.queues.iter().flatten() {
            r.add_queue(q, e.seq);
        }
        if let Some(a) = &e.agent {
            r.add_agent(a, e.seq);
        }
    }

    /// The queues an item has been in and the agents it has named (its scope's keys).
    pub fn item_keys(&self, item: &ItemId) -> (Vec<&QueueId>, Vec<&AgentId>) {
        match self.items.get(item) {
            Some(r) => (
                r.queues.iter().map(|(q, _)| q).collect(),
                r.agents.iter().map(|(a, _)| a).collect(),
            ),
            None => (Vec::new(), Vec::new()),
        }
    }

    /// An agent's member queues.
    pub fn member_queues(&self, agent: &AgentId) -> &[QueueId] {
        self.members.get(agent).map_or(&[], Vec::as_slice)
    }

    /// The seq at which `item` entered `scope`, if it has.
    pub fn entry(&self, scope: &Scope, item: &ItemId) -> Option<u64> {
        self.items.get(item)?.entry(scope)
    }

    /// Whether the stream of `scope` carries `e` (by now: an item in scope brings all its
    /// events, see the module doc).
    pub fn wants(&self, scope: &Scope, e: &LoggedEvent) -> bool {
        match self.routing(e) {
            Route::Item(item) => self.entry(scope, item).is_some(),
            Route::Agent(a) => a == scope.agent,
            Route::Colleague(a) => {
                *a == scope.agent
                    || self
                        .member_queues(a)
                        .iter()
                        .any(|q| scope.queues.contains(q))
            }
            Route::Everyone => true,
        }
    }
}
