//! The wire vocabulary: [`Input`]s go in, [`Stamped`] [`Event`]s come out. This is the one
//! module that defines them; a server's log and a sync protocol reuse these types unchanged.
//!
//! Inputs are internally tagged by `"input"`, events by `"event"`, both snake_case. A stamped
//! event serializes flat: `{"seq": 1, "at": 1000, "event": "offered", ...fields}`.

use crate::ids::{AgentId, ChannelId, ItemId, QueueId};
use crate::presence::{Presence, PresenceReason};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Required skills of an item or skills of an agent: name → level 1..10.
pub type Skills = BTreeMap<String, u8>;

/// The customer of a work item.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// Everything that can happen to the engine from outside (a scenario step minus `at`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "input", rename_all = "snake_case")]
pub enum Input {
    SignIn {
        agent: AgentId,
    },
    SignOut {
        agent: AgentId,
    },
    ResetPresence {
        agent: AgentId,
    },
    SetPresence {
        agent: AgentId,
        status: Presence,
    },
    Arrive {
        item: ItemId,
        channel: ChannelId,
        queue: QueueId,
        customer: Customer,
        #[serde(default)]
        skills: Skills,
        #[serde(default)]
        priority: i32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    Accept {
        agent: AgentId,
        item: ItemId,
    },
    Reject {
        agent: AgentId,
        item: ItemId,
    },
    Pick {
        agent: AgentId,
        item: ItemId,
    },
    Wait {
        agent: AgentId,
        item: ItemId,
    },
    Open {
        agent: AgentId,
        item: ItemId,
    },
    Close {
        agent: AgentId,
        item: ItemId,
    },
    Reopen {
        agent: AgentId,
        item: ItemId,
    },
    End {
        item: ItemId,
        /// `None` when the customer ends the conversation.
        #[serde(default)]
        agent: Option<AgentId>,
    },
    Transfer {
        agent: AgentId,
        item: ItemId,
        queue: QueueId,
    },
    CustomerMessage {
        item: ItemId,
        text: String,
    },
    AgentMessage {
        agent: AgentId,
        item: ItemId,
        text: String,
    },
    Abandon {
        item: ItemId,
    },
    Tick,
}

/// Why an offer ended without an accept (R12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineCause {
    Reject,
    Expiry,
}

/// Why an item closed (R11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseCause {
    Close,
    Abandon,
    AutoClose,
}

/// R18: the first criterion of R17's chain that separated the chosen agent from the runner-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// R16: the item went back to its last holder.
    Affinity,
    /// Only one member was eligible.
    OnlyEligible,
    /// R17: the runner-up had declined the item, the chosen agent had not.
    NotDeclined,
    /// `highest_capacity`: more available units.
    MostAvailable,
    /// `highest_capacity` (second) or `round_robin` (in this queue).
    EarliestLastAssignment,
    /// `least_active`.
    EarliestIdleSince,
    /// Every criterion tied; the smaller agent id won.
    AgentId,
}

/// R18: how many members of the queue were left out, per reason. Each member is counted once,
/// under the first reason in R14's order that excludes it (this field order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excluded {
    pub not_signed_in: u32,
    pub inactive: u32,
    pub presence: u32,
    pub capacity: u32,
    pub skill: u32,
    pub declined: u32,
}

/// R18: why a routing decision chose its agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub agent: AgentId,
    pub criterion: Criterion,
    /// Eligible members (R14), the chosen one included.
    pub eligible: u32,
    pub excluded: Excluded,
}

/// Everything the engine decided. State is a fold of these (see [`crate::state::State::apply`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    SignedIn {
        agent: AgentId,
    },
    SignedOut {
        agent: AgentId,
    },
    PresenceChanged {
        agent: AgentId,
        from: Presence,
        to: Presence,
        reason: PresenceReason,
        /// The manual flag after the change.
        manual: bool,
    },
    Arrived {
        item: ItemId,
        channel: ChannelId,
        queue: QueueId,
        customer: Customer,
        skills: Skills,
        priority: i32,
        text: Option<String>,
    },
    Offered {
        item: ItemId,
        agent: AgentId,
        expires_at: u64,
        affinity: bool,
        explanation: Explanation,
    },
    Accepted {
        item: ItemId,
        agent: AgentId,
    },
    Declined {
        item: ItemId,
        agent: AgentId,
        cause: DeclineCause,
        /// The item's total declines after this one.
        declines: u32,
    },
    OfferWithdrawn {
        item: ItemId,
        agent: AgentId,
    },
    Picked {
        item: ItemId,
        agent: AgentId,
    },
    Ended {
        item: ItemId,
        /// `None` when the customer ended it.
        agent: Option<AgentId>,
    },
    SetWaiting {
        item: ItemId,
        agent: AgentId,
    },
    Opened {
        item: ItemId,
        agent: AgentId,
    },
    CustomerMessage {
        item: ItemId,
        text: String,
    },
    AgentMessage {
        item: ItemId,
        agent: AgentId,
        text: String,
    },
    Requeued {
        item: ItemId,
        /// R16: the last holder, offered the item first in the routing step right after.
        affinity: AgentId,
    },
    Transferred {
        item: ItemId,
        agent: AgentId,
        from_queue: QueueId,
        to_queue: QueueId,
    },
    WrapUpReleased {
        item: ItemId,
        agent: AgentId,
    },
    Closed {
        item: ItemId,
        /// The item's last holder (R11), `None` if it was never Active.
        agent: Option<AgentId>,
        cause: CloseCause,
    },
    Reopened {
        item: ItemId,
        agent: AgentId,
    },
    Rejected {
        input: Input,
        reason: String,
    },
}

/// An event with its place in the log: `seq` starts at 1 and increases by 1; `at` is the `now`
/// of the input that produced it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamped {
    pub seq: u64,
    pub at: u64,
    #[serde(flatten)]
    pub event: Event,
}
