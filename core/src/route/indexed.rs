//! The indexed router: the decisions of [`super::reference::ReferenceRouter`], event for event
//! and byte for byte, at O(log n) per routing decision instead of a scan of every Open item and
//! every member (`tests/equivalence.rs` drives both with the same random inputs and compares the
//! logs).
//!
//! # Design
//!
//! The router keeps indices in step with the state by observing every event
//! ([`Router::observe`]): after each event it *re-syncs* the agents and the item the event
//! touches (the event's agent, the item, the item's holder now, and the agent of an offer
//! that just ended). A re-sync
//! compares what the index recorded with the state and moves only what changed, so the index
//! can never drift from the state whatever the event (`Router::rebuild` builds it from scratch
//! the same way).
//!
//! **Agents.** An agent who is signed in, connected (R24) and not Inactive (R13) sits, in each
//! queue it is a
//! member of, in ordered sets keyed by the queue's R17 method (`highest_capacity`: most
//! available, then earliest last assignment; `round_robin`: earliest last assignment in this
//! queue; `least_active`: earliest `idle_since`; agent id last — agent indices are given in id
//! order, so `(key, index)` sorts exactly like the reference's `(Rank, &AgentId)`). There is
//! one set per
//! * *base presence* (R4; a channel's `allowed_presences` picks which sets an item reads),
//! * *capacity threshold*: each distinct `capacity_cost` of a push channel; an agent is in the
//!   sets of every threshold its available units reach, so a 10-unit sms reads a set an agent
//!   with 15 units is in while a 20-unit chat reads one they are not (R14, R10),
//! * *skill profile*: every distinct set of required skills seen on an Open item of the queue
//!   (profile 0 is "no requirement" = everybody); an agent is in a profile's sets only if it
//!   has every skill at the level.
//!
//! So the sets an item reads contain exactly the members that pass R14's presence, Inactive,
//! sign-in, capacity and skill tests, in R17 order. Declines are per item and are handled by a
//! bounded walk (below). Per queue the router also counts signed-in members, Inactive members
//! and active members per base status, which with the sets' lengths give R18's exclusion counts
//! without a scan (disconnected members, R24, are counted apart, before Inactive ones).
//!
//! **Items: classes.** Open, pushable items (push channel, fewer than 100 declines, R12, known
//! queue) are grouped in *classes* of items that have exactly the same eligible agents: same
//! queue, channel, skill profile, and set of agents who reached `max_declines_per_agent` on the
//! item ("maxed"; an item nobody maxed shares the plain class). Within a class items are ordered
//! by R15's key; the *active* set orders the classes by their head item's key. Routing takes the
//! first active class: if its head has an eligible agent, that is the reference's decision
//! (every item before it in R15 order is in a class with no eligible agent); if not, the class is
//! *blocked*: moved out of the active set into its queue's blocked list for its channel.
//!
//! **Unblocking.** A class's eligible agents depend only on agent state (its queue, channel,
//! profile and maxed set never change), so a blocked class can become servable only when some
//! agent *becomes* a candidate for its (queue, channel) (signed in, not Inactive, an allowed
//! base presence, enough available units) while having the profile's skills and not being in
//! the maxed set. Every agent re-sync that turns "candidate for (q, c)" from false to true
//! unblocks the blocked classes of (q, c) that agent could serve. An item joining a blocked
//! class leaves it blocked (same eligible agents, none); a class emptied of items is dropped,
//! and a new class starts active. So the active set never loses a servable class and the
//! routing order is exactly R15's.
//!
//! # Complexity (n = items, m = agents, log for a B-tree operation)
//!
//! * One routing decision: O(log n + log m) for the first active class and its head, plus
//!   O(d + 2) steps of the walk over the merged candidate sets (at most 5 base statuses), where
//!   d ≤ 100 is the number of agents who declined that item (decliners rank after the others,
//!   R17, and maxed agents are skipped, R12), plus O(d) for R18's `declined` count. All other
//!   R18 counts are O(1) from maintained counters and set lengths (`BTreeSet::len`). The
//!   explanation in the `offered` event is therefore exact and computed without a scan.
//! * A routing step that finds nothing: each class it looks at is blocked and is looked at
//!   again only after an unblocking change, so a step costs O(classes unblocked since the last
//!   step), amortised O(1) per decision or per agent change.
//! * One event: O(Q·(P·T + 1)·log m) for each re-synced agent with changed state (Q = the
//!   agent's queues, P = skill profiles of the queue the agent has, T = capacity thresholds
//!   it reaches), plus, when the agent newly becomes a candidate for a (queue, channel), a pass
//!   over that pair's blocked classes (O(blocked classes of the pair), each checked in O(skills
//!   + maxed)); O(log n) for the re-synced item.
//! * A new skill profile in a queue costs O(members·log m) once; profiles are kept for the
//!   engine's life (bounded by the distinct skill requirements seen per queue).
//! * Memory: O(n) for items and classes; O(Σ agents' queues × profiles × thresholds) set
//!   entries of 40 bytes.
//!
//! `Engine::explain_members` (per-member reasons) stays a scan of the queue's members, computed
//! on request as R18 allows.

use super::reference::pushable;
use super::{Decision, Router};
use crate::config::{AssignmentMethod, Distribution};
use crate::ids::{AgentId, ChannelId, ItemId, QueueId};
use crate::presence::{BaseStatus, Presence};
use crate::protocol::{Criterion, Event, Excluded, Explanation, Skills, Stamped};
use crate::state::{ItemStatus, State};
use std::cmp::Reverse;
use std::collections::btree_set;
use std::collections::{BTreeMap, BTreeSet};

type AgentIdx = u32;
type ClassId = u32;
/// R15's order (smaller first): higher queue priority, higher item priority, earlier
/// `enqueued_at`, item id.
type ItemKey = (Reverse<i32>, Reverse<i32>, u64, ItemId);
/// R17's order within a queue (smaller first): the method's first and second criteria, then the
/// agent index (= agent id order).
type AgentKey = (i128, i128, AgentIdx);

const BASES: usize = 5;

fn base_index(b: BaseStatus) -> usize {
    match b {
        BaseStatus::Available => 0,
        BaseStatus::Busy => 1,
        BaseStatus::Dnd => 2,
        BaseStatus::Away => 3,
        BaseStatus::Offline => 4,
    }
}

/// "Never assigned sorts first" (R17), as in the reference.
fn time_key(t: Option<u64>) -> i128 {
    t.map_or(-1, i128::from)
}

/// The indexed router (see the module doc).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexedRouter {
    /// Configured agents by index; indices follow id order.
    agent_ids: Vec<AgentId>,
    agent_idx: BTreeMap<AgentId, AgentIdx>,
    agent_skills: Vec<Skills>,
    /// Per agent, the queues it is a member of (queue indices, ascending).
    agent_queues: Vec<Vec<u32>>,
    /// Per agent, what the index holds about it.
    agents: Vec<AgentSnap>,
    queues: Vec<QueueIx>,
    queue_idx: BTreeMap<QueueId, u32>,
    channels: Vec<ChanIx>,
    channel_idx: BTreeMap<ChannelId, u32>,
    /// Distinct capacity costs of push channels, ascending.
    thresholds: Vec<u64>,
    /// Open, pushable items: their class and R15 key.
    items: BTreeMap<ItemId, (ClassId, ItemKey)>,
    /// Offered items and their holder (whose capacity an abandon releases).
    offered: BTreeMap<ItemId, AgentIdx>,
    classes: Vec<Option<Class>>,
    free_classes: Vec<ClassId>,
    class_of: BTreeMap<ClassKey, ClassId>,
    /// Unblocked classes by their head item's R15 key.
    active: BTreeSet<(ItemKey, ClassId)>,
    /// Whether the indices were built from a state (the engine does it on construction).
    built: bool,
}

/// What the index holds about one agent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct AgentSnap {
    signed_in: bool,
    /// R24: signed in and disconnected.
    disconnected: bool,
    /// Signed in, connected and Inactive.
    inactive: bool,
    /// The base presence when signed in, connected and not Inactive (a routing candidate),
    /// else `None`.
    base: Option<usize>,
    available: i64,
    /// How many thresholds (a prefix of `thresholds`) the available units reach.
    level: usize,
    /// The R17 key in each of the agent's queues (parallel to `agent_queues`).
    keys: Vec<(i128, i128)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct QueueIx {
    id: QueueId,
    priority: i32,
    method: AssignmentMethod,
    /// Configured members, unknown ids included (they count as not signed in, as in R18).
    members: u32,
    signed_in: u32,
    /// Signed-in members who are disconnected (R24).
    disconnected: u32,
    /// Signed-in, connected members who are Inactive.
    inactive: u32,
    /// Signed-in, not Inactive members per base status.
    base_count: [u32; BASES],
    profiles: Vec<Profile>,
    profile_of: BTreeMap<Skills, u32>,
    /// Blocked classes per channel index.
    blocked: BTreeMap<u32, BTreeSet<ClassId>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Profile {
    skills: Skills,
    /// One set per (base, threshold): `sets[base * thresholds + t]`.
    sets: Vec<BTreeSet<AgentKey>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct ChanIx {
    cost: u64,
    /// Index of `cost` in `thresholds` (push channels only).
    threshold: usize,
    allowed: [bool; BASES],
    push: bool,
    max_declines: u32,
}

/// (queue, channel, skill profile, maxed agents ascending).
type ClassKey = (u32, u32, u32, Vec<AgentIdx>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct Class {
    key: ClassKey,
    items: BTreeSet<ItemKey>,
    blocked: bool,
}

impl Router for IndexedRouter {
    fn next_offer(
        &mut self,
        state: &State,
        affinity: Option<(&ItemId, &AgentId)>,
    ) -> Option<Decision> {
        if !self.built {
            self.rebuild(state);
        }
        loop {
            let (_, cid) = self.active.first()?;
            let cid = *cid;
            match self.decide(state, cid, affinity) {
                Some(decision) => return Some(decision),
                None => self.block(cid),
            }
        }
    }

    fn observe(&mut self, state: &State, stamped: &Stamped) {
        if !self.built {
            // Never built (a router made without an engine): build from the state.
            self.rebuild(state);
            return;
        }
        let (agent, item) = touched(&stamped.event);
        let mut agents: [Option<AgentIdx>; 3] = [None; 3];
        if let Some(a) = agent {
            agents[0] = self.agent_idx.get(a).copied();
        }
        if let Some(id) = item {
            let (old, new) = self.sync_item(state, id);
            agents[1] = old;
            agents[2] = new;
        }
        for i in 0..3 {
            if let Some(a) = agents[i] {
                if !agents[..i].contains(&Some(a)) {
                    self.sync_agent(state, a);
                }
            }
        }
    }

    fn rebuild(&mut self, state: &State) {
        *self = IndexedRouter::build(state);
    }
}

/// The agent and the item an event is about.
fn touched(event: &Event) -> (Option<&AgentId>, Option<&ItemId>) {
    match event {
        Event::SignedIn { agent }
        | Event::SignedOut { agent, .. }
        | Event::PresenceChanged { agent, .. }
        | Event::Disconnected { agent, .. }
        | Event::Reconnected { agent } => (Some(agent), None),
        // A transferred item's holder (if it had one) released capacity.
        Event::Transferred { item, agent, .. } => (agent.as_ref(), Some(item)),
        Event::Arrived { item, .. }
        | Event::CustomerMessage { item, .. }
        | Event::Requeued { item, .. } => (None, Some(item)),
        // A closed Wrap-up item's holder is its last holder (R11); `Ended`'s holder is read
        // from the state, an abandoned offer's from `offered`.
        Event::Ended { item, agent } | Event::Closed { item, agent, .. } => {
            (agent.as_ref(), Some(item))
        }
        Event::Offered { item, agent, .. }
        | Event::Accepted { item, agent }
        | Event::Declined { item, agent, .. }
        | Event::OfferWithdrawn { item, agent }
        | Event::Picked { item, agent }
        | Event::SetWaiting { item, agent }
        | Event::Opened { item, agent }
        | Event::AgentMessage { item, agent, .. }
        | Event::WrapUpReleased { item, agent }
        | Event::OfferSeen { item, agent }
        | Event::Assigned { item, agent, .. }
        | Event::Reopened { item, agent } => (Some(agent), Some(item)),
        Event::Rejected { .. } => (None, None),
    }
}

impl IndexedRouter {
    /// An empty router; the engine builds it from its state ([`Router::rebuild`]).
    pub fn new() -> Self {
        IndexedRouter::default()
    }

    /// Builds every index from `state`.
    pub fn build(state: &State) -> Self {
        let config = &state.config;
        let mut thresholds: Vec<u64> = config
            .channels
            .values()
            .filter(|c| c.distribution == Distribution::Push)
            .map(|c| c.capacity_cost)
            .collect();
        crate::sorting::sort_by(&mut thresholds, u64::cmp);
        thresholds.dedup();
        let mut r = IndexedRouter {
            thresholds,
            built: true,
            ..IndexedRouter::default()
        };
        // Agents: the state's agents (the configured ones), in id order.
        for (i, (id, _)) in state.agents.iter().enumerate() {
            r.agent_ids.push(id.clone());
            r.agent_idx.insert(id.clone(), i as AgentIdx);
            r.agent_skills.push(
                config
                    .agents
                    .get(id)
                    .map(|a| a.skills.clone())
                    .unwrap_or_default(),
            );
            r.agent_queues.push(Vec::new());
            r.agents.push(AgentSnap::default());
        }
        for (qi, (id, q)) in config.queues.iter().enumerate() {
            r.queue_idx.insert(id.clone(), qi as u32);
            r.queues.push(QueueIx {
                id: id.clone(),
                priority: q.priority,
                method: q.assignment_method,
                members: q.members.len() as u32,
                signed_in: 0,
                disconnected: 0,
                inactive: 0,
                base_count: [0; BASES],
                profiles: Vec::new(),
                profile_of: BTreeMap::new(),
                blocked: BTreeMap::new(),
            });
            r.add_profile(qi as u32, Skills::new());
            for m in &q.members {
                if let Some(&a) = r.agent_idx.get(m) {
                    r.agent_queues[a as usize].push(qi as u32);
                }
            }
        }
        for (ci, (id, c)) in config.channels.iter().enumerate() {
            r.channel_idx.insert(id.clone(), ci as u32);
            let mut allowed = [false; BASES];
            for b in &c.allowed_presences {
                allowed[base_index(*b)] = true;
            }
            let push = c.distribution == Distribution::Push;
            r.channels.push(ChanIx {
                cost: c.capacity_cost,
                threshold: r
                    .thresholds
                    .iter()
                    .position(|t| *t == c.capacity_cost)
                    .unwrap_or(0),
                allowed,
                push,
                max_declines: c.max_declines_per_agent,
            });
        }
        for a in 0..r.agent_ids.len() {
            r.agents[a].keys = vec![(0, 0); r.agent_queues[a].len()];
            r.sync_agent(state, a as AgentIdx);
        }
        for id in state.items.keys() {
            r.sync_item(state, id);
        }
        r
    }

    // ---- agents -------------------------------------------------------------------------

    fn snap_of(&self, state: &State, a: AgentIdx) -> AgentSnap {
        let id = &self.agent_ids[a as usize];
        let Some(st) = state.agents.get(id) else {
            return AgentSnap::default();
        };
        let disconnected = st.signed_in && st.disconnected.is_some();
        let inactive = st.signed_in && !disconnected && st.presence == Presence::Inactive;
        let base = (st.signed_in && !disconnected && !inactive)
            .then(|| base_index(state.config.base_of(&st.presence)));
        let available = st.available();
        let level = self
            .thresholds
            .iter()
            .take_while(|t| available >= **t as i64)
            .count();
        let keys = self.agent_queues[a as usize]
            .iter()
            .map(|&q| {
                let q = &self.queues[q as usize];
                match q.method {
                    AssignmentMethod::HighestCapacity => {
                        (-i128::from(available), time_key(st.last_assignment))
                    }
                    AssignmentMethod::RoundRobin => {
                        (time_key(st.last_assignment_in_queue.get(&q.id).copied()), 0)
                    }
                    AssignmentMethod::LeastActive => (i128::from(st.idle_since), 0),
                }
            })
            .collect();
        AgentSnap {
            signed_in: st.signed_in,
            disconnected,
            inactive,
            base,
            available,
            level,
            keys,
        }
    }

    fn has_skills(&self, a: AgentIdx, skills: &Skills) -> bool {
        let have = &self.agent_skills[a as usize];
        skills
            .iter()
            .all(|(name, level)| have.get(name).is_some_and(|h| h >= level))
    }

    /// Whether the agent (as indexed) passes R14's sign-in, Inactive, presence and capacity
    /// tests for channel `c`.
    fn candidate(&self, snap: &AgentSnap, c: usize) -> bool {
        let ch = &self.channels[c];
        snap.base.is_some_and(|b| ch.allowed[b]) && snap.available >= ch.cost as i64
    }

    /// Brings the agent's entries, the queue counters and the blocked classes in step with the
    /// state.
    fn sync_agent(&mut self, state: &State, a: AgentIdx) {
        let new = self.snap_of(state, a);
        let old = std::mem::take(&mut self.agents[a as usize]);
        if new == old {
            self.agents[a as usize] = old;
            return;
        }
        let t_count = self.thresholds.len();
        let queues = std::mem::take(&mut self.agent_queues[a as usize]);
        for (pos, &q) in queues.iter().enumerate() {
            let old_key = old.keys.get(pos).copied().unwrap_or((0, 0));
            let new_key = new.keys[pos];
            let same_entries = old.base == new.base && old.level == new.level && old_key == new_key;
            if !same_entries {
                let skills = &self.agent_skills[a as usize];
                let qx = &mut self.queues[q as usize];
                for p in &mut qx.profiles {
                    let fits = p
                        .skills
                        .iter()
                        .all(|(name, level)| skills.get(name).is_some_and(|h| h >= level));
                    if !fits {
                        continue;
                    }
                    if let Some(b) = old.base {
                        for t in 0..old.level {
                            p.sets[b * t_count + t].remove(&(old_key.0, old_key.1, a));
                        }
                    }
                    if let Some(b) = new.base {
                        for t in 0..new.level {
                            p.sets[b * t_count + t].insert((new_key.0, new_key.1, a));
                        }
                    }
                }
            }
            let qx = &mut self.queues[q as usize];
            if old.signed_in {
                qx.signed_in -= 1;
            }
            if new.signed_in {
                qx.signed_in += 1;
            }
            if old.disconnected {
                qx.disconnected -= 1;
            }
            if new.disconnected {
                qx.disconnected += 1;
            }
            if old.inactive {
                qx.inactive -= 1;
            }
            if new.inactive {
                qx.inactive += 1;
            }
            if let Some(b) = old.base {
                qx.base_count[b] -= 1;
            }
            if let Some(b) = new.base {
                qx.base_count[b] += 1;
            }
            // Unblocking: the agent newly became a candidate for (q, c).
            if self.queues[q as usize].blocked.is_empty() {
                continue;
            }
            let chans: Vec<u32> = self.queues[q as usize].blocked.keys().copied().collect();
            for c in chans {
                if !self.candidate(&new, c as usize) || self.candidate(&old, c as usize) {
                    continue;
                }
                let wake: Vec<ClassId> = self.queues[q as usize].blocked[&c]
                    .iter()
                    .copied()
                    .filter(|&cid| {
                        let class = self.classes[cid as usize].as_ref().expect("live class");
                        let (_, _, p, maxed) = &class.key;
                        maxed.binary_search(&a).is_err()
                            && self.has_skills(
                                a,
                                &self.queues[q as usize].profiles[*p as usize].skills,
                            )
                    })
                    .collect();
                for cid in wake {
                    self.unblock(cid);
                }
            }
        }
        self.agent_queues[a as usize] = queues;
        self.agents[a as usize] = new;
    }

    /// Adds a skill profile to queue `q` and fills its sets from the current agent snapshots.
    fn add_profile(&mut self, q: u32, skills: Skills) -> u32 {
        let t_count = self.thresholds.len();
        let mut profile = Profile {
            skills,
            sets: vec![BTreeSet::new(); BASES * t_count],
        };
        for (a, queues) in self.agent_queues.iter().enumerate() {
            let Ok(pos) = queues.binary_search(&q) else {
                continue;
            };
            let snap = &self.agents[a];
            let Some(b) = snap.base else { continue };
            if !self.has_skills(a as AgentIdx, &profile.skills) {
                continue;
            }
            let key = snap.keys[pos];
            for t in 0..snap.level {
                profile.sets[b * t_count + t].insert((key.0, key.1, a as AgentIdx));
            }
        }
        let qx = &mut self.queues[q as usize];
        let p = qx.profiles.len() as u32;
        qx.profile_of.insert(profile.skills.clone(), p);
        qx.profiles.push(profile);
        p
    }

    // ---- items --------------------------------------------------------------------------

    /// Brings the item's class and offer in step with the state; returns the agent of an offer
    /// that just ended and the item's holder now (whose capacity may have changed).
    fn sync_item(&mut self, state: &State, id: &ItemId) -> (Option<AgentIdx>, Option<AgentIdx>) {
        let it = state.items.get(id);
        let holder = it
            .and_then(|it| it.status.holder())
            .and_then(|a| self.agent_idx.get(a).copied());
        let offered = it.is_some_and(|it| matches!(it.status, ItemStatus::Offered { .. }));
        let old_offer = if offered {
            if let Some(h) = holder {
                self.offered.insert(id.clone(), h);
            }
            None
        } else {
            self.offered.remove(id)
        };
        let class = it.filter(|it| pushable(state, it)).and_then(|it| {
            let q = *self.queue_idx.get(&it.queue)?;
            let c = *self.channel_idx.get(&it.channel)?;
            let ch = &self.channels[c as usize];
            if !ch.push {
                return None;
            }
            let max = ch.max_declines;
            let maxed: Vec<AgentIdx> = it
                .declines_by
                .iter()
                .filter(|(_, n)| **n >= max)
                .filter_map(|(a, _)| self.agent_idx.get(a).copied())
                .collect();
            let key: ItemKey = (
                Reverse(self.queues[q as usize].priority),
                Reverse(it.priority),
                it.enqueued_at,
                it.id.clone(),
            );
            Some((q, c, it.skills.clone(), maxed, key))
        });
        let old = self.items.remove(id);
        let mut rec = None;
        match (old, class) {
            (Some((cid, old_key)), Some((q, c, skills, maxed, key))) => {
                let p = self.profile(q, skills);
                let ck = (q, c, p, maxed);
                if self.classes[cid as usize].as_ref().map(|cl| &cl.key) == Some(&ck)
                    && old_key == key
                {
                    rec = Some((cid, key));
                } else {
                    self.class_remove(cid, &old_key);
                    let cid = self.class_insert(ck, key.clone());
                    rec = Some((cid, key));
                }
            }
            (Some((cid, old_key)), None) => self.class_remove(cid, &old_key),
            (None, Some((q, c, skills, maxed, key))) => {
                let p = self.profile(q, skills);
                let cid = self.class_insert((q, c, p, maxed), key.clone());
                rec = Some((cid, key));
            }
            (None, None) => {}
        }
        if let Some(rec) = rec {
            self.items.insert(id.clone(), rec);
        }
        (old_offer, holder)
    }

    fn profile(&mut self, q: u32, skills: Skills) -> u32 {
        match self.queues[q as usize].profile_of.get(&skills) {
            Some(p) => *p,
            None => self.add_profile(q, skills),
        }
    }

    fn class_insert(&mut self, ck: ClassKey, key: ItemKey) -> ClassId {
        let cid = match self.class_of.get(&ck) {
            Some(cid) => *cid,
            None => {
                let class = Class {
                    key: ck.clone(),
                    items: BTreeSet::new(),
                    blocked: false,
                };
                let cid = match self.free_classes.pop() {
                    Some(cid) => {
                        self.classes[cid as usize] = Some(class);
                        cid
                    }
                    None => {
                        self.classes.push(Some(class));
                        (self.classes.len() - 1) as ClassId
                    }
                };
                self.class_of.insert(ck, cid);
                cid
            }
        };
        let class = self.classes[cid as usize].as_mut().expect("live class");
        let old_head = class.items.first().cloned();
        class.items.insert(key.clone());
        if !class.blocked && old_head.as_ref().is_none_or(|h| key < *h) {
            if let Some(h) = old_head {
                self.active.remove(&(h, cid));
            }
            self.active.insert((key, cid));
        }
        cid
    }

    fn class_remove(&mut self, cid: ClassId, key: &ItemKey) {
        let class = self.classes[cid as usize].as_mut().expect("live class");
        let was_head = class.items.first() == Some(key);
        class.items.remove(key);
        if !class.blocked && was_head {
            self.active.remove(&(key.clone(), cid));
            if let Some(h) = class.items.first() {
                self.active.insert((h.clone(), cid));
            }
        }
        if class.items.is_empty() {
            let class = self.classes[cid as usize].take().expect("live class");
            let (q, c, _, _) = class.key;
            if class.blocked {
                let qx = &mut self.queues[q as usize];
                if let Some(set) = qx.blocked.get_mut(&c) {
                    set.remove(&cid);
                    if set.is_empty() {
                        qx.blocked.remove(&c);
                    }
                }
            }
            self.class_of.remove(&class.key);
            self.free_classes.push(cid);
        }
    }

    fn block(&mut self, cid: ClassId) {
        let class = self.classes[cid as usize].as_mut().expect("live class");
        class.blocked = true;
        let head = class.items.first().cloned().expect("a class has items");
        let (q, c, _, _) = class.key;
        self.active.remove(&(head, cid));
        self.queues[q as usize]
            .blocked
            .entry(c)
            .or_default()
            .insert(cid);
    }

    fn unblock(&mut self, cid: ClassId) {
        let class = self.classes[cid as usize].as_mut().expect("live class");
        class.blocked = false;
        let head = class.items.first().cloned().expect("a class has items");
        let (q, c, _, _) = class.key;
        self.active.insert((head, cid));
        let qx = &mut self.queues[q as usize];
        if let Some(set) = qx.blocked.get_mut(&c) {
            set.remove(&cid);
            if set.is_empty() {
                qx.blocked.remove(&c);
            }
        }
    }

    // ---- decisions ----------------------------------------------------------------------

    /// R14–R18 for the head item of class `cid`: the reference's decision, or `None` when no
    /// member is eligible.
    fn decide(
        &self,
        state: &State,
        cid: ClassId,
        affinity: Option<(&ItemId, &AgentId)>,
    ) -> Option<Decision> {
        let class = self.classes[cid as usize].as_ref()?;
        let (q, c, p, maxed) = &class.key;
        let (q, c, p) = (*q as usize, *c as usize, *p as usize);
        let head = class.items.first()?;
        let item = state.items.get(&head.3)?;
        let qx = &self.queues[q];
        let ch = &self.channels[c];
        let t_count = self.thresholds.len();
        fn sets<'p>(
            profile: &'p Profile,
            ch: &ChanIx,
            t_count: usize,
        ) -> Vec<&'p BTreeSet<AgentKey>> {
            (0..BASES)
                .filter(|b| ch.allowed[*b])
                .map(|b| &profile.sets[b * t_count + ch.threshold])
                .collect()
        }
        let all = sets(&qx.profiles[0], ch, t_count);
        let skilled = sets(&qx.profiles[p], ch, t_count);
        let candidates_all: usize = all.iter().map(|s| s.len()).sum();
        let candidates: usize = skilled.iter().map(|s| s.len()).sum();
        // R12: maxed agents are in the candidate sets when they pass every other test.
        let declined = maxed
            .iter()
            .filter(|&&a| {
                self.agent_queues[a as usize]
                    .binary_search(&(q as u32))
                    .is_ok()
                    && self.candidate(&self.agents[a as usize], c)
                    && self.has_skills(a, &qx.profiles[p].skills)
            })
            .count();
        let eligible = candidates - declined;
        if eligible == 0 {
            return None;
        }
        // R18: the counts per first reason, from counters and set lengths.
        let allowed_active: u32 = (0..BASES)
            .filter(|b| ch.allowed[*b])
            .map(|b| qx.base_count[b])
            .sum();
        let active: u32 = qx.base_count.iter().sum();
        let excluded = Excluded {
            not_signed_in: qx.members - qx.signed_in,
            disconnected: qx.disconnected,
            inactive: qx.inactive,
            presence: active - allowed_active,
            capacity: allowed_active - candidates_all as u32,
            skill: (candidates_all - candidates) as u32,
            declined: declined as u32,
        };
        let explanation = |agent: &AgentId, criterion| Explanation {
            agent: agent.clone(),
            criterion,
            eligible: eligible as u32,
            excluded,
        };
        // R16: affinity beats R17's ranking when the last holder is eligible.
        if let Some((_, holder)) = affinity.filter(|(id, _)| **id == item.id) {
            if let Some(&h) = self.agent_idx.get(holder) {
                let ok = self.agent_queues[h as usize]
                    .binary_search(&(q as u32))
                    .is_ok()
                    && self.candidate(&self.agents[h as usize], c)
                    && self.has_skills(h, &qx.profiles[p].skills)
                    && item.declines_of(holder) < ch.max_declines;
                if ok {
                    return Some(Decision {
                        item: item.id.clone(),
                        agent: holder.clone(),
                        affinity: true,
                        explanation: explanation(holder, Criterion::Affinity),
                    });
                }
            }
        }
        // R17: walk the merged candidate sets in key order; decliners rank after the others,
        // maxed agents are skipped. At most (agents who declined) + 2 steps.
        let walk = Merge::new(skilled);
        let mut best: [Option<AgentKey>; 2] = [None, None];
        let mut best_decliner: [Option<AgentKey>; 2] = [None, None];
        let no_declines = item.declines_by.is_empty();
        for key in walk {
            let declines = if no_declines {
                0
            } else {
                item.declines_of(&self.agent_ids[key.2 as usize])
            };
            if declines >= ch.max_declines {
                continue;
            }
            let slot = if declines > 0 {
                &mut best_decliner
            } else {
                &mut best
            };
            if slot[0].is_none() {
                slot[0] = Some(key);
            } else if slot[1].is_none() {
                slot[1] = Some(key);
            }
            if best[1].is_some() {
                break;
            }
        }
        let ranked: Vec<(bool, AgentKey)> = best
            .iter()
            .flatten()
            .map(|k| (false, *k))
            .chain(best_decliner.iter().flatten().map(|k| (true, *k)))
            .take(2)
            .collect();
        let (w_declined, winner) = ranked[0];
        let criterion = match ranked.get(1) {
            None => Criterion::OnlyEligible,
            Some((r_declined, runner)) => {
                if w_declined != *r_declined {
                    Criterion::NotDeclined
                } else if winner.0 != runner.0 {
                    match qx.method {
                        AssignmentMethod::HighestCapacity => Criterion::MostAvailable,
                        AssignmentMethod::RoundRobin => Criterion::EarliestLastAssignment,
                        AssignmentMethod::LeastActive => Criterion::EarliestIdleSince,
                    }
                } else if winner.1 != runner.1 {
                    Criterion::EarliestLastAssignment
                } else {
                    Criterion::AgentId
                }
            }
        };
        let agent = &self.agent_ids[winner.2 as usize];
        Some(Decision {
            item: item.id.clone(),
            agent: agent.clone(),
            affinity: false,
            explanation: explanation(agent, criterion),
        })
    }
}

/// A k-way merge (k ≤ 5) of ordered sets of disjoint agents.
struct Merge<'a> {
    iters: Vec<btree_set::Iter<'a, AgentKey>>,
    heads: Vec<Option<AgentKey>>,
}

impl<'a> Merge<'a> {
    fn new(sets: Vec<&'a BTreeSet<AgentKey>>) -> Self {
        let mut iters: Vec<_> = sets.into_iter().map(|s| s.iter()).collect();
        let heads = iters.iter_mut().map(|i| i.next().copied()).collect();
        Merge { iters, heads }
    }
}

impl Iterator for Merge<'_> {
    type Item = AgentKey;

    fn next(&mut self) -> Option<AgentKey> {
        let (i, key) = self
            .heads
            .iter()
            .enumerate()
            .filter_map(|(i, h)| h.map(|h| (i, h)))
            .min_by_key(|(_, h)| *h)?;
        self.heads[i] = self.iters[i].next().copied();
        Some(key)
    }
}
