//! The state of the centre and the fold that builds it: [`State::apply`] is the only place
//! state changes. The engine decides events and applies them through it; a replica that folds
//! the same log from scratch is equal (`PartialEq`) to the live state.

use crate::config::Config;
use crate::ids::{AgentId, ChannelId, ItemId, QueueId};
use crate::presence::{Presence, PresenceReason};
use crate::protocol::{Customer, Event, Skills};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

fn is_false(b: &bool) -> bool {
    !*b
}

/// What the engine remembers about one agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentState {
    pub signed_in: bool,
    pub presence: Presence,
    /// Set by hand (`set_presence`, or the default presence of `sign_in` before R6).
    pub manual: bool,
    /// R9: the sum of `capacity_cost` of the items that hold capacity.
    pub used: u64,
    pub capacity: u64,
    /// R17: the latest time an item was offered to or picked by this agent.
    pub last_assignment: Option<u64>,
    /// R17 `round_robin`: the same, per queue.
    pub last_assignment_in_queue: BTreeMap<QueueId, u64>,
    /// R17 `least_active`: the later of the last `sign_in` and the last time `used` went down.
    pub idle_since: u64,
    /// R24: set while the agent is disconnected (signed in, Offline, never offered anything).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disconnected: Option<Disconnection>,
    /// R28: when the presence last changed; `None` before the first change.
    #[serde(default)]
    pub presence_since: Option<u64>,
}

impl AgentState {
    /// A configured agent before their first sign-in (Offline, R5).
    fn signed_out(a: &crate::config::AgentConfig) -> AgentState {
        AgentState {
            signed_in: false,
            presence: Presence::Offline,
            manual: false,
            used: 0,
            capacity: a.capacity,
            last_assignment: None,
            last_assignment_in_queue: BTreeMap::new(),
            idle_since: 0,
            disconnected: None,
            presence_since: None,
        }
    }
}

/// R24: what a disconnection remembers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disconnection {
    /// The time of the `disconnect`: the window's sign-out is due `reconnect_window_ms` later.
    pub since: u64,
    /// The presence `reconnect` brings back (the one after the withdrawals' R6 trigger).
    pub presence: Presence,
    /// Its manual flag.
    pub manual: bool,
}

impl AgentState {
    /// R9: capacity − used; negative after a hand-chosen overbooking (R10).
    pub fn available(&self) -> i64 {
        self.capacity as i64 - self.used as i64
    }
}

crate::tagged::external_de! {
/// R11: the states of a work item. Holder-bearing states carry their holder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ItemStatus {
    Open,
    Offered {
        agent: AgentId,
        expires_at: u64,
    },
    Active {
        agent: AgentId,
    },
    Waiting {
        agent: AgentId,
        since: u64,
    },
    /// `blocking`: the item still holds capacity (R9, R1 `wrap_up_block_ms`).
    WrapUp {
        agent: AgentId,
        ended_at: u64,
        blocking: bool,
    },
    Closed {
        closed_at: u64,
    },
}
twin ExternalItemStatus = "ItemStatus";
}

/// Read through the externally tagged twin (`crate::tagged`): the same JSON, less code.
impl<'de> Deserialize<'de> for ItemStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        crate::tagged::external(value, "state", ExternalItemStatus::deserialize)
    }
}

impl ItemStatus {
    /// The snapshot name.
    pub fn name(&self) -> &'static str {
        match self {
            ItemStatus::Open => "open",
            ItemStatus::Offered { .. } => "offered",
            ItemStatus::Active { .. } => "active",
            ItemStatus::Waiting { .. } => "waiting",
            ItemStatus::WrapUp { .. } => "wrap_up",
            ItemStatus::Closed { .. } => "closed",
        }
    }

    /// R11: the agent the item is offered or assigned to.
    pub fn holder(&self) -> Option<&AgentId> {
        match self {
            ItemStatus::Offered { agent, .. }
            | ItemStatus::Active { agent }
            | ItemStatus::Waiting { agent, .. }
            | ItemStatus::WrapUp { agent, .. } => Some(agent),
            ItemStatus::Open | ItemStatus::Closed { .. } => None,
        }
    }

    /// R9: whether the item holds its holder's capacity (Offered, Active, blocking Wrap-up).
    pub fn holds_capacity(&self) -> bool {
        matches!(
            self,
            ItemStatus::Offered { .. }
                | ItemStatus::Active { .. }
                | ItemStatus::WrapUp { blocking: true, .. }
        )
    }
}

/// A work item (a conversation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: ItemId,
    pub channel: ChannelId,
    pub queue: QueueId,
    pub customer: Customer,
    pub skills: Skills,
    pub priority: i32,
    pub status: ItemStatus,
    /// R15: set when the item becomes Open by arrive, transfer or customer message.
    pub enqueued_at: u64,
    /// R12: declines per agent, for the item's whole life.
    pub declines_by: BTreeMap<AgentId, u32>,
    /// R12: declines by all agents.
    pub declines: u32,
    /// R11: the last agent the item was Active with.
    pub last_holder: Option<AgentId>,
    /// R28: when the item arrived. `None` only for an item restored from a state saved by the
    /// version before R28 (such items are not counted in the service level).
    #[serde(default)]
    pub arrived_at: Option<u64>,
    /// R28: the queue it arrived in, recorded at its first transfer (until then, `queue`;
    /// boxed because it is rare and every item carries the field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrived_in: Option<Box<QueueId>>,
    /// R28: when the item first became Active.
    #[serde(default)]
    pub first_active_at: Option<u64>,
    /// R28: the time of the item's last transition (a change of state, a re-offer or a
    /// transfer). `None` only for an item saved by the version before R28 and not moved since.
    #[serde(default)]
    pub state_since: Option<u64>,
    /// R23: the holder confirmed that the current offer was seen (the `offer_seen` event
    /// records when); cleared by every change of state.
    #[serde(default, skip_serializing_if = "is_false")]
    pub offer_seen: bool,
}

impl Item {
    /// R12: this agent's declines of the item.
    pub fn declines_of(&self, agent: &AgentId) -> u32 {
        self.declines_by.get(agent).copied().unwrap_or(0)
    }

    /// R28: the queue the item arrived in.
    pub fn arrival_queue(&self) -> &QueueId {
        self.arrived_in.as_deref().unwrap_or(&self.queue)
    }
}

/// The whole centre: configuration, agents and items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub config: Config,
    pub agents: BTreeMap<AgentId, AgentState>,
    /// Boxed: the map's nodes then hold a pointer per item instead of the whole record, which
    /// keeps half-full B-tree nodes from doubling the memory of 100 000 items.
    pub items: BTreeMap<ItemId, Box<Item>>,
    /// Items per state name would be an index; the reference model keeps only this one, the
    /// Open items, because routing and R20 read it on every input.
    pub open: BTreeSet<ItemId>,
}

impl State {
    /// A centre where every configured agent is signed out (Offline, R5) and nothing arrived.
    pub fn new(config: Config) -> State {
        let agents = crate::sorting::map(
            config
                .agents
                .values()
                .map(|a| (a.id.clone(), AgentState::signed_out(a))),
        );
        State {
            config,
            agents,
            items: BTreeMap::new(),
            open: BTreeSet::new(),
        }
    }

    /// Replaces the configuration with `config`, which must keep everything the current one
    /// has ([`Config::covers`]; `Err` names what it lacks, and nothing changes). Agents new to
    /// it start signed out; every agent's capacity becomes the new configuration's. Used when a
    /// server restarts under a changed configuration (new agents, new settings).
    pub fn reconfigure(&mut self, config: Config) -> Result<(), String> {
        config.covers(&self.config)?;
        for a in config.agents.values() {
            match self.agents.get_mut(&a.id) {
                Some(agent) => agent.capacity = a.capacity,
                None => {
                    self.agents.insert(a.id.clone(), AgentState::signed_out(a));
                }
            }
        }
        self.config = config;
        Ok(())
    }

    /// R1: the capacity cost of an item's channel.
    pub fn cost_of(&self, item: &Item) -> u64 {
        self.config
            .channels
            .get(&item.channel)
            .map_or(0, |c| c.capacity_cost)
    }

    /// Folds one event that happened at time `at`. This is the only place state changes.
    /// Events come from the engine and are assumed valid; an event naming an unknown agent or
    /// item (which the engine never produces) is ignored rather than panicking.
    pub fn apply(&mut self, event: &Event, at: u64) {
        match event {
            Event::SignedIn { agent } => {
                if let Some(a) = self.agents.get_mut(agent) {
                    a.signed_in = true;
                    // R17: idle_since is at least the last sign_in.
                    a.idle_since = at;
                    // R24: a sign_in ends a disconnection first.
                    a.disconnected = None;
                }
            }
            Event::SignedOut { agent, .. } => {
                if let Some(a) = self.agents.get_mut(agent) {
                    a.signed_in = false;
                    // R24: a sign-out (the agent's or the window's) ends a disconnection.
                    a.disconnected = None;
                }
            }
            Event::PresenceChanged {
                agent,
                to,
                manual,
                reason,
                ..
            } => {
                if let Some(a) = self.agents.get_mut(agent) {
                    a.presence = to.clone();
                    a.manual = *manual;
                    a.presence_since = Some(at);
                    // R24: set_presence ends a disconnection first.
                    if *reason == PresenceReason::Manual {
                        a.disconnected = None;
                    }
                }
            }
            Event::Disconnected {
                agent,
                remembered,
                manual,
            } => {
                if let Some(a) = self.agents.get_mut(agent) {
                    a.disconnected = Some(Disconnection {
                        since: at,
                        presence: remembered.clone(),
                        manual: *manual,
                    });
                }
            }
            Event::Reconnected { agent } => {
                if let Some(a) = self.agents.get_mut(agent) {
                    a.disconnected = None;
                }
            }
            Event::OfferSeen { item, .. } => {
                if let Some(it) = self.items.get_mut(item) {
                    it.offer_seen = true;
                }
            }
            Event::Assigned { item, agent, .. } => {
                self.set_status(
                    item,
                    ItemStatus::Active {
                        agent: agent.clone(),
                    },
                    at,
                );
                self.set_last_holder(item, agent, at);
                // R25: an assign is the agent's last assignment (R17), like a pick.
                self.note_assignment(item, agent, at);
            }
            Event::Arrived {
                item,
                channel,
                queue,
                customer,
                skills,
                priority,
                ..
            } => {
                self.items.insert(
                    item.clone(),
                    Box::new(Item {
                        id: item.clone(),
                        channel: channel.clone(),
                        queue: queue.clone(),
                        customer: customer.clone(),
                        skills: skills.clone(),
                        priority: *priority,
                        status: ItemStatus::Open,
                        enqueued_at: at,
                        declines_by: BTreeMap::new(),
                        declines: 0,
                        last_holder: None,
                        arrived_at: Some(at),
                        arrived_in: None,
                        first_active_at: None,
                        state_since: Some(at),
                        offer_seen: false,
                    }),
                );
                self.open.insert(item.clone());
            }
            Event::Offered {
                item,
                agent,
                expires_at,
                ..
            } => {
                self.set_status(
                    item,
                    ItemStatus::Offered {
                        agent: agent.clone(),
                        expires_at: *expires_at,
                    },
                    at,
                );
                self.note_assignment(item, agent, at);
            }
            Event::Accepted { item, agent } => {
                self.set_status(
                    item,
                    ItemStatus::Active {
                        agent: agent.clone(),
                    },
                    at,
                );
                self.set_last_holder(item, agent, at);
            }
            Event::Declined { item, agent, .. } => {
                if let Some(it) = self.items.get_mut(item) {
                    *it.declines_by.entry(agent.clone()).or_insert(0) += 1;
                    it.declines += 1;
                }
                self.set_status(item, ItemStatus::Open, at);
            }
            Event::OfferWithdrawn { item, .. } => self.set_status(item, ItemStatus::Open, at),
            Event::Picked { item, agent } => {
                self.set_status(
                    item,
                    ItemStatus::Active {
                        agent: agent.clone(),
                    },
                    at,
                );
                self.set_last_holder(item, agent, at);
                self.note_assignment(item, agent, at);
            }
            Event::Ended { item, .. } => {
                let Some(it) = self.items.get(item) else {
                    return;
                };
                let Some(holder) = it.status.holder().cloned() else {
                    return;
                };
                // R1: `wrap_up_block_ms` 0 releases at end; null or n keeps it blocked.
                let blocking = self
                    .config
                    .channels
                    .get(&it.channel)
                    .is_none_or(|c| c.wrap_up_block_ms != Some(0));
                self.set_status(
                    item,
                    ItemStatus::WrapUp {
                        agent: holder,
                        ended_at: at,
                        blocking,
                    },
                    at,
                );
            }
            Event::SetWaiting { item, agent } => self.set_status(
                item,
                ItemStatus::Waiting {
                    agent: agent.clone(),
                    since: at,
                },
                at,
            ),
            Event::Opened { item, agent } | Event::Reopened { item, agent } => {
                self.set_status(
                    item,
                    ItemStatus::Active {
                        agent: agent.clone(),
                    },
                    at,
                );
                self.set_last_holder(item, agent, at);
            }
            Event::CustomerMessage { .. } | Event::AgentMessage { .. } | Event::Rejected { .. } => {
            }
            Event::Requeued { item, .. } => {
                self.set_status(item, ItemStatus::Open, at);
                if let Some(it) = self.items.get_mut(item) {
                    it.enqueued_at = at;
                }
            }
            Event::Transferred { item, to_queue, .. } => {
                self.set_status(item, ItemStatus::Open, at);
                if let Some(it) = self.items.get_mut(item) {
                    if it.arrived_in.is_none() {
                        it.arrived_in = Some(Box::new(it.queue.clone()));
                    }
                    it.queue = to_queue.clone();
                    it.enqueued_at = at;
                    // R28: a transfer is a transition, even of an Open item.
                    it.state_since = Some(at);
                }
            }
            Event::WrapUpReleased { item, .. } => {
                let Some(it) = self.items.get(item) else {
                    return;
                };
                if let ItemStatus::WrapUp {
                    agent, ended_at, ..
                } = &it.status
                {
                    let status = ItemStatus::WrapUp {
                        agent: agent.clone(),
                        ended_at: *ended_at,
                        blocking: false,
                    };
                    self.set_status(item, status, at);
                }
            }
            Event::Closed { item, .. } => {
                self.set_status(item, ItemStatus::Closed { closed_at: at }, at)
            }
        }
    }

    /// Moves an item to a new status, keeping the holders' used capacity (R9), their
    /// idle_since (R17), the Open index, the time of the last transition (R28) and the seen
    /// mark of the offer (R23, which every change of status ends) in step.
    fn set_status(&mut self, item: &ItemId, status: ItemStatus, at: u64) {
        let Some(it) = self.items.get(item) else {
            return;
        };
        let cost = self.cost_of(it);
        let old_hold = it
            .status
            .holds_capacity()
            .then(|| it.status.holder().cloned())
            .flatten();
        let new_hold = status
            .holds_capacity()
            .then(|| status.holder().cloned())
            .flatten();
        if old_hold != new_hold {
            if let Some(a) = old_hold.and_then(|a| self.agents.get_mut(&a)) {
                a.used = a.used.saturating_sub(cost);
                if cost > 0 {
                    // R17: used capacity went down (never back: a replica may fold an
                    // item's earlier events late, Engine::apply).
                    a.idle_since = a.idle_since.max(at);
                }
            }
            if let Some(a) = new_hold.and_then(|a| self.agents.get_mut(&a)) {
                a.used += cost;
            }
        }
        if matches!(status, ItemStatus::Open) {
            self.open.insert(item.clone());
        } else {
            self.open.remove(item);
        }
        if let Some(it) = self.items.get_mut(item) {
            if it.status.name() != status.name() {
                it.state_since = Some(at);
            }
            it.offer_seen = false;
            it.status = status;
        }
    }

    /// R11: the item is Active with `agent`; R28: the first time counts for the service level.
    fn set_last_holder(&mut self, item: &ItemId, agent: &AgentId, at: u64) {
        if let Some(it) = self.items.get_mut(item) {
            it.last_holder = Some(agent.clone());
            it.first_active_at.get_or_insert(at);
        }
    }

    /// R17: an offer or a pick is an assignment, globally and in the item's queue.
    fn note_assignment(&mut self, item: &ItemId, agent: &AgentId, at: u64) {
        let Some(queue) = self.items.get(item).map(|it| it.queue.clone()) else {
            return;
        };
        if let Some(a) = self.agents.get_mut(agent) {
            // Never back (a replica folding an item's earlier events late, Engine::apply);
            // in a log `at` never decreases, so this is `at`.
            a.last_assignment = Some(a.last_assignment.map_or(at, |l| l.max(at)));
            let q = a.last_assignment_in_queue.entry(queue).or_insert(at);
            *q = (*q).max(at);
        }
    }
}
