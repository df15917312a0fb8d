//! The live fan-out: who receives which durable event, without waking anyone else.
//!
//! Each subscription registers a [`Filter`]: the whole log (an agent without a queue filter),
//! the events of some queues plus those naming the agent (an agent's per-queue subscription),
//! or one item (a customer). The hub calls [`Fanout::publish`] once per group commit with the
//! batch's events; the registry's indexes (by queue, by agent, by item) find the interested
//! subscriptions and each gets **one** [`Delivery`] holding all of that batch's events it
//! wants (coalescing: one wake-up and, in the connection, one socket flush per batch, however
//! many events). A subscription nobody's event concerns is never woken, so the cost of an
//! event is the number of its receivers, not the number of connections.
//!
//! Each subscription may have at most `limit` events delivered and not yet taken; past that it
//! gets [`Delivery::Lagged`] and leaves the registry (the connection tells its client to
//! resync, see [`crate::api::ws`]). The sending side never blocks.
//!
//! Delivery rule: a customer's subscription gets its conversation's events; an agent's, the
//! events of their read scope ([`crate::scope`], issue 18 §4), whose records (per item, the
//! queues it has been in and the agents it has named) live in the registry and are updated
//! here, in commit order, before each event is routed. The same records answer the socket's
//! catch-up ([`Fanout::wants`], [`Fanout::entry`]), so a resumed stream is the same stream.

use crate::log::LoggedEvent;
use crate::scope::{Route, Scope, Scopes};
use axum::extract::ws::Utf8Bytes;
use omnidesk_core::{AgentId, ItemId, QueueId};
use omnidesk_wire::ServerFrame;
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// What a subscription wants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    /// An agent's read scope.
    Scoped(Arc<Scope>),
    /// Events about this item (a customer's conversation).
    Item(ItemId),
}

/// A durable event as published: the log record and its WebSocket frame, serialized once for
/// every receiver.
#[derive(Debug)]
pub struct LiveEvent {
    pub event: LoggedEvent,
    pub frame: Utf8Bytes,
}

impl LiveEvent {
    pub fn new(event: LoggedEvent) -> LiveEvent {
        let frame = event_frame_text(&event).into();
        LiveEvent { event, frame }
    }
}

/// The `event` frame of a logged event, `{"type":"event","event":<stamped>}`: the typed
/// [`ServerFrame`] around the event's stored JSON, which is passed through unparsed.
pub fn event_frame_text(e: &LoggedEvent) -> String {
    let frame: ServerFrame<&RawValue> = ServerFrame::Event { event: &e.json };
    serde_json::to_string(&frame).expect("frames serialize")
}

/// What a subscription receives.
#[derive(Debug)]
pub enum Delivery {
    /// The events of one group commit it wants, in seq order.
    Events(Vec<Arc<LiveEvent>>),
    /// It fell more than the limit behind and was dropped from the registry.
    Lagged(usize),
}

struct Entry {
    tx: mpsc::UnboundedSender<Delivery>,
    pending: Arc<AtomicUsize>,
    limit: usize,
    filter: Filter,
}

/// Recent events kept in memory, so a subscription that starts (or resumes) near the head
/// catches up without reading the log: 10 000 agents signing in at once would otherwise each
/// page through the log's tail.
pub const RECENT: usize = 65_536;

#[derive(Default)]
struct Registry {
    next: u64,
    /// The seq of the last event in the log: published, or logged before this process started
    /// (then `recent` is empty but the log is not).
    head: u64,
    /// The last [`RECENT`] published events, seq-contiguous.
    recent: VecDeque<Arc<LiveEvent>>,
    subs: HashMap<u64, Entry>,
    /// Every scoped (agent) subscription: events about nobody in particular.
    scoped: HashSet<u64>,
    /// The read scope's records.
    scopes: Scopes,
    by_queue: HashMap<QueueId, HashSet<u64>>,
    by_agent: HashMap<AgentId, HashSet<u64>>,
    by_item: HashMap<ItemId, HashSet<u64>>,
}

fn unindex<K: std::hash::Hash + Eq>(map: &mut HashMap<K, HashSet<u64>>, key: &K, id: u64) {
    if let Some(set) = map.get_mut(key) {
        set.remove(&id);
        if set.is_empty() {
            map.remove(key);
        }
    }
}

impl Registry {
    fn remove(&mut self, id: u64) {
        let Some(entry) = self.subs.remove(&id) else {
            return;
        };
        match &entry.filter {
            Filter::Item(item) => unindex(&mut self.by_item, item, id),
            Filter::Scoped(scope) => {
                self.scoped.remove(&id);
                for q in &scope.queues {
                    unindex(&mut self.by_queue, q, id);
                }
                unindex(&mut self.by_agent, &scope.agent, id);
            }
        }
    }

    /// Whether a subscription wants an event (the same rule as the indexes).
    fn wants(&self, filter: &Filter, e: &LoggedEvent) -> bool {
        match filter {
            Filter::Item(item) => e.item.as_ref() == Some(item),
            Filter::Scoped(scope) => self.scopes.wants(scope, e),
        }
    }
}

/// Counters of the fan-out (for the load-test stats).
#[derive(Debug, Default)]
pub struct FanoutStats {
    /// Deliveries sent (one per subscription per batch it wanted).
    pub deliveries: AtomicU64,
    /// Events delivered, summed over subscriptions.
    pub event_deliveries: AtomicU64,
    /// Subscriptions dropped as lagged.
    pub lagged: AtomicU64,
}

/// The registry of live subscriptions (one per server, shared by the hub and connections).
#[derive(Default)]
pub struct Fanout {
    inner: Mutex<Registry>,
    pub stats: FanoutStats,
}

/// A registered subscription; dropping it leaves the registry.
///
/// [`Receiver::caught_up`]: the events after `after` it wants were all in memory and are its
/// first delivery ([`Receiver::backlog`]: there were some); otherwise the subscriber reads the
/// log from `after` first (events published after the registration come through the receiver
/// either way).
pub struct Receiver {
    pub caught_up: bool,
    pub backlog: bool,
    id: u64,
    rx: mpsc::UnboundedReceiver<Delivery>,
    pending: Arc<AtomicUsize>,
    fanout: Arc<Fanout>,
}

impl Receiver {
    /// The next delivery; `None` when the registry dropped this subscription and nothing is
    /// left (never while registered).
    pub async fn recv(&mut self) -> Option<Delivery> {
        let d = self.rx.recv().await?;
        if let Delivery::Events(events) = &d {
            self.pending.fetch_sub(events.len(), Ordering::AcqRel);
        }
        Some(d)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Ok(mut r) = self.fanout.inner.lock() {
            r.remove(self.id);
        }
    }
}

impl Fanout {
    /// A registry for a log whose last event is `head` (0 for an empty log) and whose
    /// read-scope records are `scopes`.
    pub fn new(head: u64, scopes: Scopes) -> Fanout {
        let fanout = Fanout::default();
        {
            let mut r = fanout.inner.lock().expect("fan-out registry");
            r.head = head;
            r.scopes = scopes;
        }
        fanout
    }

    /// Which of these events (read from the log) a subscription wants, by the records as
    /// they are now.
    pub fn wants(&self, filter: &Filter, events: &[LoggedEvent]) -> Vec<bool> {
        let r = self.inner.lock().expect("fan-out registry");
        events.iter().map(|e| r.wants(filter, e)).collect()
    }

    /// The seq at which `item` entered `scope`, if it has ([`crate::scope`]).
    pub fn entry(&self, scope: &Scope, item: &ItemId) -> Option<u64> {
        let r = self.inner.lock().expect("fan-out registry");
        r.scopes.entry(scope, item)
    }

    /// Registers a subscription that has seen the events up to `after` and may fall `limit`
    /// events behind.
    pub fn subscribe(self: &Arc<Self>, filter: Filter, after: u64, limit: usize) -> Receiver {
        let (tx, rx) = mpsc::unbounded_channel();
        let pending = Arc::new(AtomicUsize::new(0));
        let mut r = self.inner.lock().expect("fan-out registry");
        // Under the lock, so nothing is published between the backlog and the registration.
        let head = r.recent.back().map(|e| e.event.seq);
        let first = r.recent.front().map(|e| e.event.seq);
        let mut backlog_sent = false;
        let caught_up = match (first, head) {
            // Nothing published since the start: caught up only if nothing was logged after
            // `after` before it (a resume after a restart reads the log).
            (_, None) => after >= r.head,
            (_, Some(h)) if after >= h => true,
            (Some(f), Some(_)) if after + 1 >= f => {
                let skip = (after + 1 - f) as usize;
                let backlog: Vec<Arc<LiveEvent>> = r
                    .recent
                    .range(skip..)
                    .filter(|e| r.wants(&filter, &e.event))
                    .take(limit.max(1) + 1)
                    .cloned()
                    .collect();
                if backlog.len() > limit.max(1) {
                    false
                } else {
                    if !backlog.is_empty() {
                        pending.fetch_add(backlog.len(), Ordering::AcqRel);
                        let _ = tx.send(Delivery::Events(backlog));
                        backlog_sent = true;
                    }
                    true
                }
            }
            _ => false,
        };
        let id = r.next;
        r.next += 1;
        match &filter {
            Filter::Item(item) => {
                r.by_item.entry(item.clone()).or_default().insert(id);
            }
            Filter::Scoped(scope) => {
                r.scoped.insert(id);
                for q in &scope.queues {
                    r.by_queue.entry(q.clone()).or_default().insert(id);
                }
                r.by_agent
                    .entry(scope.agent.clone())
                    .or_default()
                    .insert(id);
            }
        }
        r.subs.insert(
            id,
            Entry {
                tx,
                pending: pending.clone(),
                limit: limit.max(1),
                filter,
            },
        );
        Receiver {
            caught_up,
            backlog: backlog_sent,
            id,
            rx,
            pending,
            fanout: self.clone(),
        }
    }

    /// Delivers one group commit's events to every subscription that wants some of them.
    pub fn publish(&self, events: &[Arc<LiveEvent>]) {
        if events.is_empty() {
            return;
        }
        let mut r = self.inner.lock().expect("fan-out registry");
        if let Some(last) = events.last() {
            r.head = r.head.max(last.event.seq);
        }
        for e in events {
            if r.recent.len() == RECENT {
                r.recent.pop_front();
            }
            r.recent.push_back(e.clone());
        }
        let mut targets: HashMap<u64, Vec<Arc<LiveEvent>>> = HashMap::new();
        let mut push = |id: u64, e: &Arc<LiveEvent>| {
            let list = targets.entry(id).or_default();
            if list.last().is_none_or(|l| l.event.seq != e.event.seq) {
                list.push(e.clone());
            }
        };
        for e in events {
            let ev = &e.event;
            // The records first: the event that brings an item into a scope reaches it.
            r.scopes.note(ev);
            if let Some(ids) = ev.item.as_ref().and_then(|i| r.by_item.get(i)) {
                for &id in ids {
                    push(id, e);
                }
            }
            let of = |ids: Option<&HashSet<u64>>, push: &mut dyn FnMut(u64)| {
                for &id in ids.into_iter().flatten() {
                    push(id);
                }
            };
            let mut add = |id: u64| push(id, e);
            match r.scopes.routing(ev) {
                Route::Item(item) => {
                    let (queues, agents) = r.scopes.item_keys(item);
                    for q in queues {
                        of(r.by_queue.get(q), &mut add);
                    }
                    for a in agents {
                        of(r.by_agent.get(a), &mut add);
                    }
                }
                Route::Agent(a) => of(r.by_agent.get(&a), &mut add),
                Route::Colleague(a) => {
                    for q in r.scopes.member_queues(a) {
                        of(r.by_queue.get(q), &mut add);
                    }
                    of(r.by_agent.get(a), &mut add);
                }
                Route::Everyone => of(Some(&r.scoped), &mut add),
            }
        }
        let mut dropped = Vec::new();
        for (id, list) in targets {
            let Some(entry) = r.subs.get(&id) else {
                continue;
            };
            let n = list.len();
            let limit = entry.limit;
            let before = entry.pending.fetch_add(n, Ordering::AcqRel);
            let delivery = if before + n > limit {
                self.stats.lagged.fetch_add(1, Ordering::Relaxed);
                dropped.push(id);
                Delivery::Lagged(before + n)
            } else {
                self.stats.deliveries.fetch_add(1, Ordering::Relaxed);
                self.stats
                    .event_deliveries
                    .fetch_add(n as u64, Ordering::Relaxed);
                Delivery::Events(list)
            };
            if entry.tx.send(delivery).is_err() {
                dropped.push(id);
            }
        }
        for id in dropped {
            r.remove(id);
        }
    }

    /// Live subscriptions.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|r| r.subs.len()).unwrap_or(0)
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
