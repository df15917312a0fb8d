//! The contact centre's set-up: channels (R1), queues (R2), agents (R3) and custom presences.

use crate::ids::{AgentId, ChannelId, QueueId};
use crate::presence::{BaseStatus, Presence};
use crate::protocol::Skills;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// R1: how items of a channel reach agents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    /// Routed to agents (R14–R17).
    Push,
    /// Never pushed; agents pick items by hand.
    Pick,
}

/// R1: a channel's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub id: ChannelId,
    pub capacity_cost: u64,
    pub distribution: Distribution,
    pub r#async: bool,
    pub allowed_presences: BTreeSet<BaseStatus>,
    pub offer_timeout_ms: u64,
    pub max_declines_per_agent: u32,
    /// `None` blocks capacity until closed, `Some(0)` releases at end, `Some(n)` blocks n ms.
    pub wrap_up_block_ms: Option<u64>,
    /// `None` never auto-closes a Waiting item.
    pub auto_close_waiting_ms: Option<u64>,
    /// R23: an offer not seen (`offer_seen`) within this many ms of being made is withdrawn;
    /// `None` (the default) requires no confirmation. Not serialized when `None`, so a
    /// configuration without it serializes as the previous version wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_seen_timeout_ms: Option<u64>,
}

/// The five standard channels (R1).
pub const STANDARD_CHANNELS: [&str; 5] = ["chat", "sms", "email", "social", "voice"];

impl Channel {
    /// A channel with R1's defaults for `id`; a custom channel gets `capacity_cost`.
    pub fn with_defaults(id: &str, capacity_cost: u64) -> Channel {
        Channel {
            id: ChannelId::from(id),
            capacity_cost,
            distribution: if id == "email" {
                Distribution::Pick
            } else {
                Distribution::Push
            },
            r#async: matches!(id, "sms" | "email" | "social"),
            allowed_presences: [BaseStatus::Available, BaseStatus::Busy].into(),
            offer_timeout_ms: 120_000,
            max_declines_per_agent: 3,
            wrap_up_block_ms: None,
            auto_close_waiting_ms: Some(86_400_000),
            offer_seen_timeout_ms: None,
        }
    }

    /// A standard channel with R1's defaults, or `None` for any other id.
    pub fn standard(id: &str) -> Option<Channel> {
        let cost = match id {
            "chat" => 20,
            "sms" | "email" | "social" => 10,
            "voice" => 100,
            _ => return None,
        };
        Some(Channel::with_defaults(id, cost))
    }
}

/// R2: how a queue chooses among eligible agents (R17).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentMethod {
    #[default]
    HighestCapacity,
    RoundRobin,
    LeastActive,
}

/// R2: a queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub id: QueueId,
    pub name: String,
    pub priority: i32,
    pub members: BTreeSet<AgentId>,
    /// Channels accepted; `None` accepts all.
    pub channels: Option<BTreeSet<ChannelId>>,
    pub assignment_method: AssignmentMethod,
    /// R28: an item meets the service level when it first becomes Active within this many ms
    /// of arriving (default 60 000; not serialized at the default).
    #[serde(
        default = "default_service_level_ms",
        skip_serializing_if = "is_default_service_level"
    )]
    pub service_level_ms: u64,
}

/// R28: the default `service_level_ms`.
pub const DEFAULT_SERVICE_LEVEL_MS: u64 = 60_000;

/// R24: the default `reconnect_window_ms` (Dynamics 365's 2.5 minutes).
pub const DEFAULT_RECONNECT_WINDOW_MS: u64 = 150_000;

fn default_service_level_ms() -> u64 {
    DEFAULT_SERVICE_LEVEL_MS
}

fn is_default_service_level(ms: &u64) -> bool {
    *ms == DEFAULT_SERVICE_LEVEL_MS
}

fn default_reconnect_window_ms() -> u64 {
    DEFAULT_RECONNECT_WINDOW_MS
}

fn is_default_reconnect_window(ms: &u64) -> bool {
    *ms == DEFAULT_RECONNECT_WINDOW_MS
}

impl Queue {
    /// A queue with R2's defaults: priority 0, no members, all channels, highest capacity, and
    /// R28's service level of 60 s.
    pub fn new(id: &str) -> Queue {
        Queue {
            id: QueueId::from(id),
            name: id.to_owned(),
            priority: 0,
            members: BTreeSet::new(),
            channels: None,
            assignment_method: AssignmentMethod::HighestCapacity,
            service_level_ms: DEFAULT_SERVICE_LEVEL_MS,
        }
    }

    /// R2: whether the queue accepts items of `channel`.
    pub fn accepts(&self, channel: &ChannelId) -> bool {
        self.channels.as_ref().is_none_or(|c| c.contains(channel))
    }
}

/// R3: an agent's configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentConfig {
    pub id: AgentId,
    pub name: String,
    pub capacity: u64,
    pub skills: Skills,
    pub default_presence: Presence,
    /// R25–R28: the queues this agent supervises (default none: not a supervisor). Not
    /// serialized when empty.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub supervises: BTreeSet<QueueId>,
}

impl AgentConfig {
    /// An agent with R3's defaults: capacity 100, no skills, default presence Available.
    pub fn new(id: &str) -> AgentConfig {
        AgentConfig {
            id: AgentId::from(id),
            name: id.to_owned(),
            capacity: 100,
            skills: Skills::new(),
            default_presence: Presence::Available,
            supervises: BTreeSet::new(),
        }
    }

    /// R25–R27: whether this agent supervises `queue`.
    pub fn is_supervisor_of(&self, queue: &QueueId) -> bool {
        self.supervises.contains(queue)
    }
}

/// The whole set-up. Build it with [`Config::new`] (the standard channels) and the `add_*`
/// methods, or from a scenario file ([`crate::scenario::Scenario::parse`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    pub channels: BTreeMap<ChannelId, Channel>,
    /// Custom presences: name → base status.
    pub presences: BTreeMap<String, BaseStatus>,
    pub queues: BTreeMap<QueueId, Queue>,
    pub agents: BTreeMap<AgentId, AgentConfig>,
    /// R24: a disconnected agent still disconnected this many ms after the `disconnect` is
    /// signed out (default 150 000; not serialized at the default).
    #[serde(
        default = "default_reconnect_window_ms",
        skip_serializing_if = "is_default_reconnect_window"
    )]
    pub reconnect_window_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

impl Config {
    /// Can `self` replace `old` for a log written under `old`? Only if it keeps every channel,
    /// queue, agent and presence `old` has (the logged events name them); settings may change
    /// and anything may be added. `Err` names the first one missing.
    pub fn covers(&self, old: &Config) -> Result<(), String> {
        let missing = |kind: &str, id: &str| Err(format!("{kind} \"{id}\""));
        for id in old.channels.keys() {
            if !self.channels.contains_key(id) {
                return missing("channel", id.as_str());
            }
        }
        for id in old.queues.keys() {
            if !self.queues.contains_key(id) {
                return missing("queue", id.as_str());
            }
        }
        for id in old.agents.keys() {
            if !self.agents.contains_key(id) {
                return missing("agent", id.as_str());
            }
        }
        for name in old.presences.keys() {
            if !self.presences.contains_key(name) {
                return missing("presence", name);
            }
        }
        Ok(())
    }

    /// The five standard channels with R1's defaults, and nothing else.
    pub fn new() -> Config {
        let channels = crate::sorting::map(
            STANDARD_CHANNELS
                .iter()
                .filter_map(|id| Channel::standard(id))
                .map(|c| (c.id.clone(), c)),
        );
        Config {
            channels,
            presences: BTreeMap::new(),
            queues: BTreeMap::new(),
            agents: BTreeMap::new(),
            reconnect_window_ms: DEFAULT_RECONNECT_WINDOW_MS,
        }
    }

    /// Adds or replaces a channel.
    pub fn add_channel(&mut self, channel: Channel) -> &mut Self {
        self.channels.insert(channel.id.clone(), channel);
        self
    }

    /// Adds or replaces a queue.
    pub fn add_queue(&mut self, queue: Queue) -> &mut Self {
        self.queues.insert(queue.id.clone(), queue);
        self
    }

    /// Adds or replaces an agent.
    pub fn add_agent(&mut self, agent: AgentConfig) -> &mut Self {
        self.agents.insert(agent.id.clone(), agent);
        self
    }

    /// Adds or replaces a custom presence.
    pub fn add_presence(&mut self, name: &str, base: BaseStatus) -> &mut Self {
        self.presences.insert(name.to_owned(), base);
        self
    }

    /// R25–R27: whether `agent` is configured to supervise `queue`.
    pub fn supervises(&self, agent: &AgentId, queue: &QueueId) -> bool {
        self.agents
            .get(agent)
            .is_some_and(|a| a.is_supervisor_of(queue))
    }

    /// R4: the base status of a presence. Inactive's base is away; an undeclared custom name
    /// (which a validated set-up never holds) counts as away.
    pub fn base_of(&self, presence: &Presence) -> BaseStatus {
        match presence {
            Presence::Available => BaseStatus::Available,
            Presence::Busy => BaseStatus::Busy,
            Presence::Dnd => BaseStatus::Dnd,
            Presence::Away | Presence::Inactive => BaseStatus::Away,
            Presence::Offline => BaseStatus::Offline,
            Presence::Custom(name) => self
                .presences
                .get(name)
                .copied()
                .unwrap_or(BaseStatus::Away),
        }
    }

    /// Whether a presence may be set by hand (`set_presence`, `default_presence`): a standard
    /// status or a declared custom one. Inactive is system-only (R4).
    pub fn settable(&self, presence: &Presence) -> bool {
        match presence {
            Presence::Inactive => false,
            Presence::Custom(name) => self.presences.contains_key(name),
            _ => true,
        }
    }
}
