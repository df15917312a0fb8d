//! What a supervisor sees (R28): per supervised queue its counts, longest wait and service
//! level; per member agent their presence, capacity and held items; every item not Closed in
//! those queues. These are the functions the app's supervisor page and the server's
//! `GET /api/supervisor` both call, and `omnidesk-replay --supervisor` prints
//! [`Engine::supervisor_view`].
//!
//! # Cost (n = items, m = agents, q = supervised queues)
//!
//! The counts, the longest wait and the service level are kept incrementally by the engine's
//! index as events are folded, so [`Engine::queue_figures`] is O(log q) and the figures of every
//! queue O(q). An agent row is O(log n + held items). The lists are windows in id order (a
//! cursor and a limit, as a table that shows a screenful at a time needs): O(q·log n + limit
//! ·log q) for items, O(q·log m + (limit + overlap)·log q) for agents. Only
//! [`Engine::supervisor_view`], the whole view, is O(items and members of those queues).
//!
//! Times (`presence_for_ms`, `in_state_ms`, the longest wait and the hour of the service
//! level) are relative to [`Engine::now`], the time of the last input.

use crate::engine::Engine;
use crate::ids::{AgentId, ChannelId, ItemId, QueueId};
use crate::index::QueueIndex;
use crate::presence::Presence;
use crate::protocol::Customer;
use crate::route::Router;
use crate::state::{Item, ItemStatus};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::ops::Bound;

/// R28: everything one supervisor sees, in scenarios.md's shape ("The supervisor's view").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisorView {
    pub now: u64,
    pub supervisor: AgentId,
    /// Every supervised queue.
    pub queues: BTreeMap<QueueId, QueueFigures>,
    /// Every member of a supervised queue.
    pub agents: BTreeMap<AgentId, AgentRow>,
    /// Every item not Closed in a supervised queue.
    pub items: BTreeMap<ItemId, ItemRow>,
}

/// R28: one queue's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFigures {
    pub open: u32,
    pub offered: u32,
    /// Active, Waiting or Wrap-up (R19).
    pub held: u32,
    /// now − `enqueued_at` of the oldest Open item; 0 with none.
    pub longest_wait_ms: u64,
    /// `None` when no item is counted.
    pub service_level: Option<ServiceLevel>,
}

/// R28: of the items that arrived in the queue at most an hour ago and have since been Active
/// or are Closed (`of`), those that first became Active within `service_level_ms` (`met`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLevel {
    pub met: u32,
    pub of: u32,
}

/// R28: one agent's row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRow {
    pub presence: Presence,
    /// now − the last presence change; `None` before the first.
    pub presence_for_ms: Option<u64>,
    pub used: u64,
    pub capacity: u64,
    /// The agent's Active, Waiting and Wrap-up items (R19), by id.
    pub held: Vec<ItemId>,
    /// R24: present (and `true`) only while the agent is disconnected.
    #[serde(default, skip_serializing_if = "is_false")]
    pub disconnected: bool,
}

/// R28: one item's row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRow {
    /// `open`, `offered`, `active`, `waiting` or `wrap_up` (never `closed` in the view).
    pub state: String,
    /// The agent it is offered or assigned to.
    pub holder: Option<AgentId>,
    pub queue: QueueId,
    pub channel: ChannelId,
    pub customer: Customer,
    /// now − the item's last transition (a change of state, a re-offer or a transfer).
    pub in_state_ms: u64,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl<R: Router> Engine<R> {
    /// R25–R28: the queues `supervisor` supervises that the configuration has, by id.
    pub fn supervised_queues(&self, supervisor: &AgentId) -> Vec<QueueId> {
        self.supervised(supervisor).cloned().collect()
    }

    /// The supervised queues, borrowed.
    fn supervised<'a>(&'a self, supervisor: &AgentId) -> impl Iterator<Item = &'a QueueId> + 'a {
        let config = self.config();
        config
            .agents
            .get(supervisor)
            .into_iter()
            .flat_map(|a| a.supervises.iter())
            .filter(move |q| config.queues.contains_key(*q))
    }

    /// R28: a queue's figures now, `None` for an unknown queue. O(log q).
    pub fn queue_figures(&self, queue: &QueueId) -> Option<QueueFigures> {
        self.config().queues.get(queue)?;
        let empty = QueueIndex::default();
        let q = self.index().queues.get(queue).unwrap_or(&empty);
        Some(QueueFigures {
            open: q.open,
            offered: q.offered,
            held: q.held,
            longest_wait_ms: q
                .oldest_open()
                .map_or(0, |since| self.now().saturating_sub(since)),
            service_level: (q.counted > 0).then_some(ServiceLevel {
                met: q.met,
                of: q.counted,
            }),
        })
    }

    /// R28: an agent's row now, `None` for an unknown agent. O(log n + held items).
    pub fn agent_row(&self, agent: &AgentId) -> Option<AgentRow> {
        let a = self.state().agents.get(agent)?;
        Some(AgentRow {
            presence: a.presence.clone(),
            presence_for_ms: a.presence_since.map(|t| self.now().saturating_sub(t)),
            used: a.used,
            capacity: a.capacity,
            held: self.held_items(agent),
            disconnected: a.disconnected.is_some(),
        })
    }

    /// R28: an item's row now (Closed ones too), `None` for an unknown item. O(log n).
    pub fn item_row(&self, item: &ItemId) -> Option<ItemRow> {
        let it = self.state().items.get(item)?;
        Some(ItemRow {
            state: it.status.name().to_owned(),
            holder: it.status.holder().cloned(),
            queue: it.queue.clone(),
            channel: it.channel.clone(),
            customer: it.customer.clone(),
            in_state_ms: self.now().saturating_sub(self.state_since(it)),
        })
    }

    /// R28: how many agents are members of a supervised queue. O(members of those queues).
    pub fn supervised_agent_count(&self, supervisor: &AgentId) -> usize {
        self.member_ids(supervisor, None, usize::MAX).len()
    }

    /// R28: the rows of the members of `supervisor`'s queues, in agent id order, after the
    /// agent `after` (exclusive; `None` from the first), at most `limit`.
    pub fn supervised_agents(
        &self,
        supervisor: &AgentId,
        after: Option<&AgentId>,
        limit: usize,
    ) -> Vec<(AgentId, AgentRow)> {
        self.member_ids(supervisor, after, limit)
            .into_iter()
            .filter_map(|id| self.agent_row(&id).map(|row| (id, row)))
            .collect()
    }

    /// R28: how many items not Closed the supervised queues hold. O(q).
    pub fn supervised_item_count(&self, supervisor: &AgentId) -> usize {
        self.supervised(supervisor)
            .filter_map(|q| self.index().queues.get(q))
            .map(|q| q.live.len())
            .sum()
    }

    /// R28: the rows of the items not Closed in `supervisor`'s queues, in item id order, after
    /// the item `after` (exclusive; `None` from the first), at most `limit`.
    pub fn supervised_items(
        &self,
        supervisor: &AgentId,
        after: Option<&ItemId>,
        limit: usize,
    ) -> Vec<(ItemId, ItemRow)> {
        let index = self.index();
        let sets = self
            .supervised(supervisor)
            .filter_map(|q| index.queues.get(q))
            .map(|q| after_in(&q.live, after))
            .collect();
        merge(sets, limit)
            .into_iter()
            .filter_map(|id| self.item_row(id).map(|row| (id.clone(), row)))
            .collect()
    }

    /// R28: the whole view of `supervisor` (every supervised queue, every member, every item
    /// not Closed in those queues); `None` for an agent the configuration doesn't have.
    pub fn supervisor_view(&self, supervisor: &AgentId) -> Option<SupervisorView> {
        self.config().agents.get(supervisor)?;
        Some(SupervisorView {
            now: self.now(),
            supervisor: supervisor.clone(),
            queues: self
                .supervised(supervisor)
                .filter_map(|q| self.queue_figures(q).map(|f| (q.clone(), f)))
                .collect(),
            agents: self
                .supervised_agents(supervisor, None, usize::MAX)
                .into_iter()
                .collect(),
            items: self
                .supervised_items(supervisor, None, usize::MAX)
                .into_iter()
                .collect(),
        })
    }

    /// R19's items of `agent` (Active, Waiting, Wrap-up) by id, from the index.
    pub(crate) fn held_items(&self, agent: &AgentId) -> Vec<ItemId> {
        self.index()
            .held
            .range((agent.clone(), ItemId::default())..)
            .take_while(|(a, _)| a == agent)
            .map(|(_, item)| item.clone())
            .collect()
    }

    /// The time of the item's last transition. An item saved by the version before R28 and not
    /// moved since has none recorded: the state's own times stand in for it.
    fn state_since(&self, it: &Item) -> u64 {
        if let Some(t) = it.state_since {
            return t;
        }
        match &it.status {
            ItemStatus::Open | ItemStatus::Active { .. } => it.enqueued_at,
            ItemStatus::Offered { expires_at, .. } => {
                let timeout = self
                    .config()
                    .channels
                    .get(&it.channel)
                    .map_or(0, |c| c.offer_timeout_ms);
                expires_at.saturating_sub(timeout)
            }
            ItemStatus::Waiting { since, .. } => *since,
            ItemStatus::WrapUp { ended_at, .. } => *ended_at,
            ItemStatus::Closed { closed_at } => *closed_at,
        }
    }

    /// The members of the supervised queues in id order, each once, after `after`.
    fn member_ids(
        &self,
        supervisor: &AgentId,
        after: Option<&AgentId>,
        limit: usize,
    ) -> Vec<AgentId> {
        let config = self.config();
        let sets = self
            .supervised(supervisor)
            .filter_map(|q| config.queues.get(q))
            .map(|q| after_in(&q.members, after))
            .collect();
        merge(sets, limit)
            .into_iter()
            .filter(|a| self.state().agents.contains_key(*a))
            .cloned()
            .collect()
    }
}

/// The values of `set` after `after` (exclusive), lazily: O(log n) to start.
fn after_in<'a, T: Ord>(set: &'a BTreeSet<T>, after: Option<&T>) -> Ascending<'a, T> {
    match after {
        Some(a) => Box::new(set.range((Bound::Excluded(a), Bound::Unbounded))),
        None => Box::new(set.iter()),
    }
}

type Ascending<'a, T> = Box<dyn Iterator<Item = &'a T> + 'a>;

/// A k-way merge of ascending sequences, each value once, at most `limit` values:
/// O(k + limit·log k) steps when the sequences are disjoint.
fn merge<'a, T: Ord>(mut seqs: Vec<Ascending<'a, T>>, limit: usize) -> Vec<&'a T> {
    let mut heap: BinaryHeap<Reverse<(&'a T, usize)>> = seqs
        .iter_mut()
        .enumerate()
        .filter_map(|(i, s)| s.next().map(|v| Reverse((v, i))))
        .collect();
    let mut out: Vec<&'a T> = Vec::new();
    while let Some(Reverse((v, i))) = heap.pop() {
        if out.last() != Some(&v) {
            if out.len() == limit {
                break;
            }
            out.push(v);
        }
        if let Some(next) = seqs[i].next() {
            heap.push(Reverse((next, i)));
        }
    }
    out
}
