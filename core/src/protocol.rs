//! The wire vocabulary: [`Input`]s go in, [`Stamped`] [`Event`]s come out. This is the one
//! module that defines them; a server's log and a sync protocol reuse these types unchanged.
//!
//! Inputs are internally tagged by `"input"`, events by `"event"`, both snake_case. A stamped
//! event serializes flat: `{"seq": 1, "at": 1000, "event": "offered", ...fields}`.
//!
//! Upgrades lose nothing: every field added after the first version has a serde default (and
//! is left out when it says nothing new), and new cases are new variants, so a log written by
//! the previous version still reads (`tests/upgrade.rs`).

use crate::ids::{AgentId, ChannelId, ItemId, QueueId};
use crate::presence::{Presence, PresenceReason};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
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

crate::tagged::external_de! {
/// Everything that can happen to the engine from outside (a scenario step minus `at`).
///
/// The holder's `transfer {agent, item, queue}` and a supervisor's `transfer {by, item,
/// queue}` (R27) share the tag `"transfer"` and are told apart by `by`: a `transfer` that has
/// `by` is [`Input::SupervisorTransfer`]; one with both `agent` and `by` is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
// `remote = "Self"`: the derive becomes the inherent `Input::serialize`, which the trait impl
// below wraps; reading goes through the twin `ExternalInput` (`crate::tagged`), after the two
// shapes of `transfer` are told apart.
#[serde(remote = "Self", tag = "input", rename_all = "snake_case")]
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
    /// R23: the agent's client has shown the offer of `item` to a person.
    OfferSeen {
        agent: AgentId,
        item: ItemId,
    },
    /// R24: the server's input when a signed-in agent has had no connection for its grace
    /// period.
    Disconnect {
        agent: AgentId,
    },
    /// R24: a connection of a disconnected agent authenticated again.
    Reconnect {
        agent: AgentId,
    },
    /// R25: supervisor `by` makes `agent` the holder of an Open or Offered item.
    Assign {
        by: AgentId,
        item: ItemId,
        agent: AgentId,
    },
    /// R26: supervisor `by` closes an item in any state but Closed.
    ForceClose {
        by: AgentId,
        item: ItemId,
    },
    /// R27: supervisor `by` moves an Open, Offered, Active or Waiting item to `queue`. Its JSON
    /// tag is `"transfer"` (with `by` instead of `agent`).
    #[serde(rename(serialize = "transfer", deserialize = "supervisor_transfer"))]
    SupervisorTransfer {
        by: AgentId,
        item: ItemId,
        queue: QueueId,
    },
}
twin ExternalInput = "Input";
}

impl Serialize for Input {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Input::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for Input {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        use serde_json::Value;
        let mut value = Value::deserialize(d)?;
        if let Some(obj) = value.as_object_mut() {
            let given = |k: &str| obj.get(k).is_some_and(|v| !v.is_null());
            match obj.get("input").and_then(Value::as_str) {
                Some("supervisor_transfer") => {
                    return Err(D::Error::custom(
                        "unknown input `supervisor_transfer` (a supervisor's transfer is a `transfer` with `by`)",
                    ))
                }
                Some("transfer") if given("by") => {
                    if given("agent") {
                        return Err(D::Error::custom(
                            "a transfer has either `agent` (the holder's) or `by` (a supervisor's), not both",
                        ));
                    }
                    obj.insert("input".into(), "supervisor_transfer".into());
                }
                _ => {}
            }
        }
        crate::tagged::external(value, "input", ExternalInput::deserialize)
    }
}

impl Input {
    /// The input's JSON tag (`"sign_in"`, `"transfer"`, …), also for refusal texts.
    pub fn name(&self) -> &'static str {
        match self {
            Input::SignIn { .. } => "sign_in",
            Input::SignOut { .. } => "sign_out",
            Input::ResetPresence { .. } => "reset_presence",
            Input::SetPresence { .. } => "set_presence",
            Input::Arrive { .. } => "arrive",
            Input::Accept { .. } => "accept",
            Input::Reject { .. } => "reject",
            Input::Pick { .. } => "pick",
            Input::Wait { .. } => "wait",
            Input::Open { .. } => "open",
            Input::Close { .. } => "close",
            Input::Reopen { .. } => "reopen",
            Input::End { .. } => "end",
            Input::Transfer { .. } | Input::SupervisorTransfer { .. } => "transfer",
            Input::CustomerMessage { .. } => "customer_message",
            Input::AgentMessage { .. } => "agent_message",
            Input::Abandon { .. } => "abandon",
            Input::Tick => "tick",
            Input::OfferSeen { .. } => "offer_seen",
            Input::Disconnect { .. } => "disconnect",
            Input::Reconnect { .. } => "reconnect",
            Input::Assign { .. } => "assign",
            Input::ForceClose { .. } => "force_close",
        }
    }
}

/// Why an offer ended without an accept (R12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineCause {
    Reject,
    Expiry,
    /// R23: the offer was not seen within the channel's `offer_seen_timeout_ms`.
    Unseen,
}

/// Why an item closed (R11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseCause {
    Close,
    Abandon,
    AutoClose,
    /// R26: a supervisor's `force_close`.
    Supervisor,
}

/// Why an agent was signed out, when it was not their own `sign_out` (R24).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignOutReason {
    /// The reconnect window of a disconnected agent ended.
    Disconnected,
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
    /// R24: signed in but disconnected.
    #[serde(default)]
    pub disconnected: u32,
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

crate::tagged::external_de! {
/// Everything the engine decided. State is a fold of these (see [`crate::state::State::apply`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    SignedIn {
        agent: AgentId,
    },
    SignedOut {
        agent: AgentId,
        /// R24: `disconnected` when the reconnect window ended; left out for the agent's own
        /// `sign_out`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<SignOutReason>,
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
        /// The holder whose capacity the transfer released; `None` for an Open (or just
        /// withdrawn) item moved by a supervisor (R27).
        agent: Option<AgentId>,
        /// R27: the supervisor who moved it; left out for the holder's own transfer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<AgentId>,
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
        /// R26: the supervisor who force-closed it (cause `supervisor`); left out otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<AgentId>,
    },
    Reopened {
        item: ItemId,
        agent: AgentId,
    },
    Rejected {
        input: Input,
        reason: String,
    },
    /// R23: the holder confirmed that the offer was shown; nothing else changes.
    OfferSeen {
        item: ItemId,
        agent: AgentId,
    },
    /// R24: the agent lost their connection. Emitted after the pending offers' withdrawals;
    /// `remembered` and `manual` are the presence (and its manual flag) that `reconnect`
    /// brings back. A `presence_changed` to Offline (reason `disconnected`) follows.
    Disconnected {
        agent: AgentId,
        remembered: Presence,
        manual: bool,
    },
    /// R24: the agent is connected again; a `presence_changed` (reason `reconnected`) back to
    /// the remembered presence follows when it differs.
    Reconnected {
        agent: AgentId,
    },
    /// R25: supervisor `by` made `agent` the holder of an Open or Offered item (Active).
    Assigned {
        item: ItemId,
        agent: AgentId,
        by: AgentId,
    },
}
twin ExternalEvent = "Event";
}

/// Read through the externally tagged twin: less code than the internally tagged derive
/// (`crate::tagged`), the same JSON.
impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        crate::tagged::external(value, "event", ExternalEvent::deserialize)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Input, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    /// R27: the holder's `transfer {agent, item, queue}` parses exactly as before; one with
    /// `by` is a supervisor's; both, or the internal tag, are refused; both serialize as
    /// `"transfer"`.
    #[test]
    fn the_two_transfers_share_one_tag() {
        let holder = parse(r#"{"input":"transfer","agent":"bert","item":"c1","queue":"vip"}"#);
        assert_eq!(
            holder,
            Ok(Input::Transfer {
                agent: "bert".into(),
                item: "c1".into(),
                queue: "vip".into(),
            })
        );
        let supervisor = parse(r#"{"input":"transfer","by":"sue","item":"c1","queue":"vip"}"#);
        let want = Input::SupervisorTransfer {
            by: "sue".into(),
            item: "c1".into(),
            queue: "vip".into(),
        };
        assert_eq!(supervisor, Ok(want.clone()));
        assert_eq!(
            serde_json::to_string(&want).unwrap(),
            r#"{"input":"transfer","by":"sue","item":"c1","queue":"vip"}"#
        );
        // `by: null` is no `by`: the holder's transfer (which then needs `agent`).
        assert!(parse(r#"{"input":"transfer","by":null,"item":"c1","queue":"vip"}"#).is_err());
        let both =
            parse(r#"{"input":"transfer","agent":"bert","by":"sue","item":"c1","queue":"vip"}"#);
        assert!(both.unwrap_err().contains("not both"));
        assert!(
            parse(r#"{"input":"supervisor_transfer","by":"sue","item":"c1","queue":"vip"}"#)
                .is_err()
        );
        // Every input's tag is its name.
        for input in [
            want,
            Input::Tick,
            Input::OfferSeen {
                agent: "bert".into(),
                item: "c1".into(),
            },
            Input::Assign {
                by: "sue".into(),
                item: "c1".into(),
                agent: "bert".into(),
            },
        ] {
            let v = serde_json::to_value(&input).unwrap();
            assert_eq!(v["input"], input.name());
            assert_eq!(serde_json::from_value::<Input>(v).unwrap(), input);
        }
    }
}
