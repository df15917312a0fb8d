//! R18: why a member of a queue is or isn't eligible (R14) for an item. The router counts these
//! reasons per decision (O(1) to keep in the `offered` event); the per-member list for one item
//! is computed on request ([`crate::engine::Engine::explain_members`]).

use crate::ids::AgentId;
use crate::presence::Presence;
use crate::protocol::Excluded;
use crate::state::{Item, State};
use serde::{Deserialize, Serialize};

/// R14/R18: the first reason, in R14's order, that keeps a member from an item, or `Eligible`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberReason {
    Eligible,
    NotSignedIn,
    /// R24: signed in but disconnected.
    Disconnected,
    Inactive,
    /// The base presence is not in the channel's `allowed_presences`.
    Presence,
    /// Available units are fewer than the item's capacity cost.
    Capacity,
    /// A required skill is missing or below the required level.
    Skill,
    /// The agent already declined the item `max_declines_per_agent` times (R12).
    Declined,
}

impl MemberReason {
    /// Adds one to the matching counter of an explanation; `Eligible` counts nowhere.
    pub fn count_into(self, excluded: &mut Excluded) {
        match self {
            MemberReason::Eligible => {}
            MemberReason::NotSignedIn => excluded.not_signed_in += 1,
            MemberReason::Disconnected => excluded.disconnected += 1,
            MemberReason::Inactive => excluded.inactive += 1,
            MemberReason::Presence => excluded.presence += 1,
            MemberReason::Capacity => excluded.capacity += 1,
            MemberReason::Skill => excluded.skill += 1,
            MemberReason::Declined => excluded.declined += 1,
        }
    }
}

/// R14: whether `agent` could be offered `item` now, as far as the agent is concerned.
/// Membership of the item's queue and the channel's distribution are the caller's business.
/// An agent the configuration doesn't know counts as not signed in.
pub fn member_reason(state: &State, item: &Item, agent: &AgentId) -> MemberReason {
    let Some(a) = state.agents.get(agent) else {
        return MemberReason::NotSignedIn;
    };
    if !a.signed_in {
        return MemberReason::NotSignedIn;
    }
    // R24: a disconnected agent is never eligible, whatever its presence.
    if a.disconnected.is_some() {
        return MemberReason::Disconnected;
    }
    // R13: an Inactive agent is never offered anything, whatever allowed_presences says.
    if a.presence == Presence::Inactive {
        return MemberReason::Inactive;
    }
    let Some(channel) = state.config.channels.get(&item.channel) else {
        return MemberReason::Presence;
    };
    // R14: custom statuses count by their base.
    if !channel
        .allowed_presences
        .contains(&state.config.base_of(&a.presence))
    {
        return MemberReason::Presence;
    }
    if a.available() < channel.capacity_cost as i64 {
        return MemberReason::Capacity;
    }
    let skills = state.config.agents.get(agent).map(|c| &c.skills);
    let skilled = item.skills.iter().all(|(name, level)| {
        skills
            .and_then(|s| s.get(name))
            .is_some_and(|have| have >= level)
    });
    if !skilled {
        return MemberReason::Skill;
    }
    if item.declines_of(agent) >= channel.max_declines_per_agent {
        return MemberReason::Declined;
    }
    MemberReason::Eligible
}
