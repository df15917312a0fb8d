//! The reference router: the rules written out as plainly as possible. For each Open item in
//! R15 order it scans the queue's members (R14), honours affinity (R16) and ranks the eligible
//! agents (R17). It is the model an indexed router is checked against.

use super::{Decision, Router, MAX_TOTAL_DECLINES};
use crate::config::{AssignmentMethod, Distribution};
use crate::explain::{member_reason, MemberReason};
use crate::ids::{AgentId, ItemId};
use crate::protocol::{Criterion, Excluded, Explanation};
use crate::state::{Item, State};

/// The straightforward router (see the module doc).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReferenceRouter;

impl Router for ReferenceRouter {
    fn next_offer(
        &mut self,
        state: &State,
        affinity: Option<(&ItemId, &AgentId)>,
    ) -> Option<Decision> {
        let mut open: Vec<&Item> = state
            .open
            .iter()
            .filter_map(|id| state.items.get(id).map(|it| &**it))
            .filter(|item| pushable(state, item))
            .collect();
        super::sort_by_order(state, &mut open);
        open.into_iter().find_map(|item| {
            let affinity = affinity
                .filter(|(id, _)| **id == item.id)
                .map(|(_, agent)| agent);
            decide(state, item, affinity)
        })
    }
}

/// Whether routing may push this item at all: Open, on a push channel (pick channels are never
/// pushed, R1), in a known queue, with fewer than 100 declines in all (R12).
pub fn pushable(state: &State, item: &Item) -> bool {
    matches!(item.status, crate::state::ItemStatus::Open)
        && item.declines < MAX_TOTAL_DECLINES
        && state.config.queues.contains_key(&item.queue)
        && state
            .config
            .channels
            .get(&item.channel)
            .is_some_and(|c| c.distribution == Distribution::Push)
}

/// R14–R18 for one item: the best eligible member and why, or `None` if no member is eligible.
pub fn decide(state: &State, item: &Item, affinity: Option<&AgentId>) -> Option<Decision> {
    let queue = state.config.queues.get(&item.queue)?;
    let mut excluded = Excluded::default();
    let mut eligible: Vec<&AgentId> = Vec::new();
    for member in &queue.members {
        match member_reason(state, item, member) {
            MemberReason::Eligible => eligible.push(member),
            reason => reason.count_into(&mut excluded),
        }
    }
    if eligible.is_empty() {
        return None;
    }
    let count = eligible.len() as u32;
    let explanation = |agent: &AgentId, criterion| Explanation {
        agent: agent.clone(),
        criterion,
        eligible: count,
        excluded,
    };
    // R16: affinity beats R17's ranking when the last holder is eligible; otherwise it's gone.
    if let Some(holder) = affinity.filter(|h| eligible.contains(h)) {
        return Some(Decision {
            item: item.id.clone(),
            agent: holder.clone(),
            affinity: true,
            explanation: explanation(holder, Criterion::Affinity),
        });
    }
    let mut ranked: Vec<(Rank, &AgentId)> = eligible
        .into_iter()
        .map(|agent| (rank(state, item, queue.assignment_method, agent), agent))
        .collect();
    crate::sorting::sort_by(&mut ranked, |a, b| a.cmp(b)); // agent ids are unique
    let (best_rank, best) = &ranked[0];
    let criterion = match ranked.get(1) {
        None => Criterion::OnlyEligible,
        Some((runner_up, _)) => best_rank.separated_by(runner_up),
    };
    Some(Decision {
        item: item.id.clone(),
        agent: (*best).clone(),
        affinity: false,
        explanation: explanation(best, criterion),
    })
}

/// R17: an eligible agent's place, compared field by field (smaller is better). The agent id
/// breaks the last tie outside this struct.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    /// Agents who already declined this item rank after all who have not.
    declined: bool,
    /// The method's first criterion, encoded so that smaller wins.
    first: i128,
    /// `highest_capacity`'s second criterion (earliest last assignment); 0 for the others.
    second: i128,
    method: MethodTag,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum MethodTag {
    HighestCapacity,
    RoundRobin,
    LeastActive,
}

impl Rank {
    /// R18: the first criterion that tells `self` (the winner) from `other` (the runner-up).
    fn separated_by(&self, other: &Rank) -> Criterion {
        if self.declined != other.declined {
            return Criterion::NotDeclined;
        }
        if self.first != other.first {
            return match self.method {
                MethodTag::HighestCapacity => Criterion::MostAvailable,
                MethodTag::RoundRobin => Criterion::EarliestLastAssignment,
                MethodTag::LeastActive => Criterion::EarliestIdleSince,
            };
        }
        if self.second != other.second {
            return Criterion::EarliestLastAssignment;
        }
        Criterion::AgentId
    }
}

/// "Never assigned sorts first" (R17): encode `None` below every time.
fn time_key(t: Option<u64>) -> i128 {
    t.map_or(-1, i128::from)
}

fn rank(state: &State, item: &Item, method: AssignmentMethod, agent: &AgentId) -> Rank {
    let a = &state.agents[agent];
    let declined = item.declines_of(agent) > 0;
    match method {
        AssignmentMethod::HighestCapacity => Rank {
            declined,
            first: -i128::from(a.available()),
            second: time_key(a.last_assignment),
            method: MethodTag::HighestCapacity,
        },
        // R17: round_robin's last assignment is per queue (the item's queue).
        AssignmentMethod::RoundRobin => Rank {
            declined,
            first: time_key(a.last_assignment_in_queue.get(&item.queue).copied()),
            second: 0,
            method: MethodTag::RoundRobin,
        },
        AssignmentMethod::LeastActive => Rank {
            declined,
            first: i128::from(a.idle_since),
            second: 0,
            method: MethodTag::LeastActive,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rank(declined: bool, first: i128, second: i128, method: MethodTag) -> Rank {
        Rank {
            declined,
            first,
            second,
            method,
        }
    }

    /// R18: the criterion named is the first field of R17's chain where winner and runner-up
    /// differ; scenarios can only show this through whole routing decisions.
    #[test]
    fn separating_criterion_follows_the_chain() {
        use MethodTag::*;
        let hc = |d, f, s| rank(d, f, s, HighestCapacity);
        assert_eq!(
            hc(false, -80, 5).separated_by(&hc(true, -90, 1)),
            Criterion::NotDeclined
        );
        assert_eq!(
            hc(false, -90, 5).separated_by(&hc(false, -80, 1)),
            Criterion::MostAvailable
        );
        assert_eq!(
            hc(false, -80, -1).separated_by(&hc(false, -80, 7)),
            Criterion::EarliestLastAssignment
        );
        assert_eq!(
            hc(false, -80, 7).separated_by(&hc(false, -80, 7)),
            Criterion::AgentId
        );
        let rr = rank(false, 3, 0, RoundRobin);
        assert_eq!(
            rr.separated_by(&rank(false, 9, 0, RoundRobin)),
            Criterion::EarliestLastAssignment
        );
        let la = rank(false, 3, 0, LeastActive);
        assert_eq!(
            la.separated_by(&rank(false, 9, 0, LeastActive)),
            Criterion::EarliestIdleSince
        );
        // Never assigned sorts before time 0.
        assert!(time_key(None) < time_key(Some(0)));
    }
}
