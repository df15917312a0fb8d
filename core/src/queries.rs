//! The dashboard streams each agent sees (R19–R21), as `&self` getters on the engine.

use crate::engine::{Engine, REOPEN_WINDOW_MS};
use crate::ids::{AgentId, ItemId};
use crate::route::Router;
use crate::state::{Item, ItemStatus};

impl<R: Router> Engine<R> {
    /// R19: items the agent holds in Active, Waiting or Wrap-up, by item id. O(log n + k)
    /// from the engine's index.
    pub fn my_work_items(&self, agent: &AgentId) -> Vec<ItemId> {
        self.held_items(agent)
    }

    /// R20: Open items in the queues the agent is a member of, in R15's routing order. Items
    /// on pick channels and items no longer pushed (R12) are listed too: they wait to be picked.
    pub fn open_work_items(&self, agent: &AgentId) -> Vec<ItemId> {
        let state = self.state();
        let mut items: Vec<&Item> = state
            .open
            .iter()
            .filter_map(|id| state.items.get(id).map(|it| &**it))
            .filter(|it| {
                state
                    .config
                    .queues
                    .get(&it.queue)
                    .is_some_and(|q| q.members.contains(agent))
            })
            .collect();
        crate::route::sort_by_order(state, &mut items);
        items.into_iter().map(|it| it.id.clone()).collect()
    }

    /// R21: items whose last holder is the agent, closed at most 24 h before the engine's now
    /// (the same window as reopen, R11), newest first; equal close times by item id.
    pub fn closed_work_items(&self, agent: &AgentId) -> Vec<ItemId> {
        let now = self.now();
        let mut items: Vec<(u64, &ItemId)> = self
            .state()
            .items
            .values()
            .filter_map(|it| match it.status {
                ItemStatus::Closed { closed_at }
                    if it.last_holder.as_ref() == Some(agent)
                        && now.saturating_sub(closed_at) <= REOPEN_WINDOW_MS =>
                {
                    Some((closed_at, &it.id))
                }
                _ => None,
            })
            .collect();
        crate::sorting::sort_by(&mut items, |a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        items.into_iter().map(|(_, id)| id.clone()).collect()
    }
}
