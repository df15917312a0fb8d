//! Indices the engine derives from state, so that an input costs O(log n) and R28's figures
//! O(1) per queue, never a scan of all items:
//!
//! * pending timers in R0a's firing order (due time; item timers before agent timers at an
//!   equal due time, R24; then by id),
//! * the offers ringing per agent (R5's and R24's withdrawals) and the items held per agent
//!   (R19, R28),
//! * per queue (R28): Open, Offered and held counts, the `enqueued_at` times of its Open items
//!   (the longest wait), the ids of its items that are not Closed (the supervisor's list), and
//!   the service level of the last hour (met and counted).
//!
//! The index never drifts from the state: [`crate::Engine::apply`] takes the [`ItemFacts`] of
//! the item an event names before and after folding it and moves only what changed (the same
//! for an agent's window timer); [`EngineIndex::build`] builds it from a state the same way.
//! Like the router's indices it is not persisted: `Engine::restore` rebuilds it.

use crate::config::Config;
use crate::ids::{AgentId, ItemId, QueueId};
use crate::state::{Item, ItemStatus, State};
use std::collections::{BTreeMap, BTreeSet};

/// R28: the service level counts the items that arrived at most this long ago (1 h).
pub const SERVICE_LEVEL_WINDOW_MS: u64 = 3_600_000;

/// Whose timer it is. Item timers fire before agent timers at an equal due time (R24), so the
/// variant order is part of R0a's order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimerKey {
    Item(ItemId),
    Agent(AgentId),
}

/// A timer (R0a step 1) and what it does when it fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// R11/R13: an offer rang out.
    OfferExpiry,
    /// R23: an offer was not seen within the channel's `offer_seen_timeout_ms`.
    UnseenOffer,
    /// R1: the wrap-up block ended.
    WrapUpRelease,
    /// R11: a Waiting item closes by itself.
    AutoClose,
    /// R24: a disconnected agent's reconnect window ended.
    ReconnectWindow,
}

/// The pending timer of an item, if any, as (due, what).
pub fn item_timer(config: &Config, item: &Item) -> Option<(u64, Timer)> {
    let channel = config.channels.get(&item.channel)?;
    match &item.status {
        ItemStatus::Offered { expires_at, .. } => {
            // R23: an unseen offer has its own, earlier timer (none when the seen timeout is
            // not shorter than the offer timeout). Each offer is timed from when it was made.
            let unseen = channel
                .offer_seen_timeout_ms
                .filter(|t| *t < channel.offer_timeout_ms && !item.offer_seen)
                .zip(item.state_since)
                .map(|(t, offered_at)| offered_at.saturating_add(t))
                .filter(|due| due < expires_at);
            Some(match unseen {
                Some(due) => (due, Timer::UnseenOffer),
                None => (*expires_at, Timer::OfferExpiry),
            })
        }
        ItemStatus::WrapUp {
            ended_at,
            blocking: true,
            ..
        } => channel
            .wrap_up_block_ms
            .map(|ms| (ended_at.saturating_add(ms), Timer::WrapUpRelease)),
        ItemStatus::Waiting { since, .. } => channel
            .auto_close_waiting_ms
            .map(|ms| (since.saturating_add(ms), Timer::AutoClose)),
        _ => None,
    }
}

/// R24: the due time of an agent's reconnect-window sign-out, if the agent is disconnected.
pub fn agent_timer(state: &State, agent: &AgentId) -> Option<u64> {
    let d = state.agents.get(agent)?.disconnected.as_ref()?;
    Some(d.since.saturating_add(state.config.reconnect_window_ms))
}

/// R28's classes of a not-Closed item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Open,
    Offered,
    /// Active, Waiting or Wrap-up (R19).
    Held,
}

/// What the index records about one item, computed from the state alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemFacts {
    timer: Option<u64>,
    offered_to: Option<AgentId>,
    held_by: Option<AgentId>,
    queue: QueueId,
    /// `None` when Closed.
    class: Option<Class>,
    enqueued_at: u64,
    /// R28: (arrived at, arrival queue, met) once the item counts for the service level.
    counted: Option<(u64, QueueId, bool)>,
}

impl ItemFacts {
    /// The facts of item `id` in `state`, `None` for an unknown item.
    pub fn of(state: &State, id: &ItemId) -> Option<ItemFacts> {
        let item = state.items.get(id)?;
        let (class, offered_to, held_by) = match &item.status {
            ItemStatus::Open => (Some(Class::Open), None, None),
            ItemStatus::Offered { agent, .. } => (Some(Class::Offered), Some(agent.clone()), None),
            ItemStatus::Active { agent }
            | ItemStatus::Waiting { agent, .. }
            | ItemStatus::WrapUp { agent, .. } => (Some(Class::Held), None, Some(agent.clone())),
            ItemStatus::Closed { .. } => (None, None, None),
        };
        let level = state
            .config
            .queues
            .get(item.arrival_queue())
            .map_or(crate::config::DEFAULT_SERVICE_LEVEL_MS, |q| {
                q.service_level_ms
            });
        // R28: counted once it has been Active or is Closed; met when it first became Active
        // within the arrival queue's service_level_ms of arriving.
        let counted = item.arrived_at.and_then(|arrived| {
            let met = match item.first_active_at {
                Some(active) => active.saturating_sub(arrived) <= level,
                None if class.is_none() => false,
                None => return None,
            };
            Some((arrived, item.arrival_queue().clone(), met))
        });
        Some(ItemFacts {
            timer: item_timer(&state.config, item).map(|(due, _)| due),
            offered_to,
            held_by,
            queue: item.queue.clone(),
            class,
            enqueued_at: item.enqueued_at,
            counted,
        })
    }
}

/// R28's figures of one queue, kept incrementally.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueIndex {
    pub open: u32,
    pub offered: u32,
    pub held: u32,
    /// `enqueued_at` of the Open items → how many (a multiset: the first is the oldest).
    waiting: BTreeMap<u64, u32>,
    /// The queue's items that are not Closed.
    pub live: BTreeSet<ItemId>,
    /// R28: items counted for the service level in the last hour, and those that met it.
    pub met: u32,
    pub counted: u32,
}

impl QueueIndex {
    /// The `enqueued_at` of the queue's oldest Open item.
    pub fn oldest_open(&self) -> Option<u64> {
        self.waiting.keys().next().copied()
    }
}

/// The engine's indices (see the module doc).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EngineIndex {
    /// (due, whose) of every pending timer, in R0a's firing order.
    pub timers: BTreeSet<(u64, TimerKey)>,
    /// (agent, item) of every Offered item.
    pub offers: BTreeSet<(AgentId, ItemId)>,
    /// (agent, item) of every Active, Waiting or Wrap-up item.
    pub held: BTreeSet<(AgentId, ItemId)>,
    pub queues: BTreeMap<QueueId, QueueIndex>,
    /// R28: the counted items of the last hour by (arrival time, arrival queue) → (met, counted).
    window: BTreeMap<(u64, QueueId), (u32, u32)>,
}

impl EngineIndex {
    /// Builds every index from `state` at time `now`.
    pub fn build(state: &State, now: u64) -> EngineIndex {
        let mut index = EngineIndex {
            queues: crate::sorting::map(
                state
                    .config
                    .queues
                    .keys()
                    .map(|q| (q.clone(), QueueIndex::default())),
            ),
            ..EngineIndex::default()
        };
        for id in state.items.keys() {
            index.update_item(id, None, ItemFacts::of(state, id), now);
        }
        for id in state.agents.keys() {
            index.update_agent(id, None, agent_timer(state, id));
        }
        index.evict(now);
        index
    }

    /// Moves what changed between the item's facts `before` and `after` an event: O(log n).
    pub fn update_item(
        &mut self,
        id: &ItemId,
        before: Option<ItemFacts>,
        after: Option<ItemFacts>,
        now: u64,
    ) {
        if before == after {
            return;
        }
        let field = |f: &Option<ItemFacts>| f.as_ref().and_then(|f| f.timer);
        let (t0, t1) = (field(&before), field(&after));
        if t0 != t1 {
            if let Some(due) = t0 {
                self.timers.remove(&(due, TimerKey::Item(id.clone())));
            }
            if let Some(due) = t1 {
                self.timers.insert((due, TimerKey::Item(id.clone())));
            }
        }
        let offered = |f: &Option<ItemFacts>| f.as_ref().and_then(|f| f.offered_to.clone());
        move_pair(&mut self.offers, id, offered(&before), offered(&after));
        let held = |f: &Option<ItemFacts>| f.as_ref().and_then(|f| f.held_by.clone());
        move_pair(&mut self.held, id, held(&before), held(&after));
        let place = |f: &Option<ItemFacts>| {
            f.as_ref()
                .and_then(|f| f.class.map(|c| (f.queue.clone(), c, f.enqueued_at)))
        };
        let (p0, p1) = (place(&before), place(&after));
        if p0 != p1 {
            if let Some((queue, class, enqueued_at)) = p0 {
                let q = self.queues.entry(queue).or_default();
                q.live.remove(id);
                match class {
                    Class::Open => {
                        q.open -= 1;
                        if let Some(n) = q.waiting.get_mut(&enqueued_at) {
                            *n -= 1;
                            if *n == 0 {
                                q.waiting.remove(&enqueued_at);
                            }
                        }
                    }
                    Class::Offered => q.offered -= 1,
                    Class::Held => q.held -= 1,
                }
            }
            if let Some((queue, class, enqueued_at)) = p1 {
                let q = self.queues.entry(queue).or_default();
                q.live.insert(id.clone());
                match class {
                    Class::Open => {
                        q.open += 1;
                        *q.waiting.entry(enqueued_at).or_default() += 1;
                    }
                    Class::Offered => q.offered += 1,
                    Class::Held => q.held += 1,
                }
            }
        }
        // R28: an item is counted once (the facts never un-count it); only arrivals of the
        // last hour enter the window.
        let counted = |f: &Option<ItemFacts>| f.as_ref().and_then(|f| f.counted.clone());
        if let (None, Some((arrived, queue, met))) = (counted(&before), counted(&after)) {
            if now.saturating_sub(arrived) <= SERVICE_LEVEL_WINDOW_MS {
                let bucket = self.window.entry((arrived, queue.clone())).or_default();
                bucket.0 += u32::from(met);
                bucket.1 += 1;
                let q = self.queues.entry(queue).or_default();
                q.met += u32::from(met);
                q.counted += 1;
            }
        }
    }

    /// Moves an agent's window timer (R24).
    pub fn update_agent(&mut self, id: &AgentId, before: Option<u64>, after: Option<u64>) {
        if before == after {
            return;
        }
        if let Some(due) = before {
            self.timers.remove(&(due, TimerKey::Agent(id.clone())));
        }
        if let Some(due) = after {
            self.timers.insert((due, TimerKey::Agent(id.clone())));
        }
    }

    /// R28: drops from the service level the arrivals more than an hour before `now`;
    /// amortised O(log n) per counted item.
    pub fn evict(&mut self, now: u64) {
        while let Some(entry) = self.window.first_entry() {
            let (arrived, _) = entry.key();
            if now.saturating_sub(*arrived) <= SERVICE_LEVEL_WINDOW_MS {
                break;
            }
            let ((_, queue), (met, counted)) = entry.remove_entry();
            if let Some(q) = self.queues.get_mut(&queue) {
                q.met -= met;
                q.counted -= counted;
            }
        }
    }
}

/// Moves `(agent, id)` in `set` from `old` to `new`.
fn move_pair(
    set: &mut BTreeSet<(AgentId, ItemId)>,
    id: &ItemId,
    old: Option<AgentId>,
    new: Option<AgentId>,
) {
    if old == new {
        return;
    }
    if let Some(a) = old {
        set.remove(&(a, id.clone()));
    }
    if let Some(a) = new {
        set.insert((a, id.clone()));
    }
}
