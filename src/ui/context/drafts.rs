//! [`Drafts`]: unsent replies per conversation, kept while the agent switches sessions.

use leptos::prelude::*;
use omnidesk_core::ItemId;
use std::collections::BTreeMap;

#[derive(Clone, Copy)]
pub struct Drafts {
    drafts: RwSignal<BTreeMap<ItemId, String>>,
}

impl Drafts {
    pub fn new() -> Drafts {
        Drafts {
            drafts: RwSignal::new(BTreeMap::new()),
        }
    }

    /// The draft of `item`, tracked.
    pub fn get(&self, item: &ItemId) -> String {
        self.drafts
            .with(|d| d.get(item).cloned().unwrap_or_default())
    }

    pub fn get_untracked(&self, item: &ItemId) -> String {
        self.drafts
            .with_untracked(|d| d.get(item).cloned().unwrap_or_default())
    }

    pub fn set(&self, item: &ItemId, text: String) {
        self.drafts.update(|d| {
            d.insert(item.clone(), text);
        });
    }

    /// Whether a reply is written and not sent.
    pub fn unsent(&self, item: &ItemId) -> bool {
        self.drafts
            .with_untracked(|d| d.get(item).is_some_and(|t| !t.trim().is_empty()))
    }

    pub fn clear(&self, item: &ItemId) {
        if self.drafts.with_untracked(|d| d.contains_key(item)) {
            self.drafts.update(|d| {
                d.remove(item);
            });
        }
    }
}

impl Default for Drafts {
    fn default() -> Self {
        Drafts::new()
    }
}
