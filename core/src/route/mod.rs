//! Push routing (R14–R17) behind a small seam. The engine asks a [`Router`] for the next offer
//! with a `&State` and applies it; any implementation must make exactly the decisions of
//! [`reference::ReferenceRouter`], so event logs stay byte-identical when one is swapped for
//! another. The engine's default is [`indexed::IndexedRouter`] (O(log n) per decision);
//! `tests/equivalence.rs` checks it against the reference on random input sequences.

pub mod indexed;
pub mod reference;

use crate::ids::{AgentId, ItemId};
use crate::protocol::{Explanation, Stamped};
use crate::state::{Item, State};
use std::cmp::Reverse;

pub use indexed::IndexedRouter;
pub use reference::ReferenceRouter;

/// R12: after this many declines in all, an item is no longer pushed.
pub const MAX_TOTAL_DECLINES: u32 = 100;

/// One routing decision: offer `item` to `agent`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub item: ItemId,
    pub agent: AgentId,
    /// R16: the offer went to the item's last holder by affinity.
    pub affinity: bool,
    pub explanation: Explanation,
}

/// The seam between the engine and a routing implementation.
pub trait Router {
    /// R15–R17: the next offer in `state`, or `None` when no Open item has an eligible agent.
    /// `affinity` is the item that became Open from Waiting in the input just applied, with its
    /// last holder (R16); it is `Some` only in the routing step right after that input.
    fn next_offer(
        &mut self,
        state: &State,
        affinity: Option<(&ItemId, &AgentId)>,
    ) -> Option<Decision>;

    /// Called after each event is folded into `state`, so an indexed router can keep its
    /// indices in step. The reference router needs nothing.
    fn observe(&mut self, _state: &State, _stamped: &Stamped) {}

    /// Rebuilds whatever the router derives from state, for an engine restored from a saved
    /// [`State`] (see [`crate::Engine::restore`]). The reference router keeps nothing.
    fn rebuild(&mut self, _state: &State) {}
}

/// R15: the routing order of Open items, as a sort key (smaller first): higher queue priority,
/// higher item priority, earlier `enqueued_at`, then item id.
/// Sorts items into R7's order (keys end with the item id, so they are unique), through the
/// shared sort ([`crate::sorting`]).
pub fn sort_by_order(state: &State, items: &mut [&Item]) {
    crate::sorting::sort_by_cached_key(items, |it| item_order_key(state, it));
}

pub fn item_order_key<'a>(
    state: &State,
    item: &'a Item,
) -> (Reverse<i32>, Reverse<i32>, u64, &'a ItemId) {
    let queue_priority = state
        .config
        .queues
        .get(&item.queue)
        .map_or(0, |q| q.priority);
    (
        Reverse(queue_priority),
        Reverse(item.priority),
        item.enqueued_at,
        &item.id,
    )
}
