//! [`QuickReplies`]: the centre's canned answers and the agent's own. The mode's boot fills
//! them (standalone: the demo centre's and the browser's; server mode: the configuration's and
//! the account's) and says where the agent's own are kept ([`QuickReplies::keep_with`]).

use crate::model::replies::{upsert, Change, Owner, QuickReply};
use leptos::prelude::*;
use std::rc::Rc;

/// Where the agent's own replies are kept (the browser, or the agent's account): it gets the
/// whole list after the change, and the change.
pub type Keep = Rc<dyn Fn(&[QuickReply], Change)>;

#[derive(Clone, Copy)]
pub struct QuickReplies {
    pub centre: RwSignal<Vec<QuickReply>>,
    pub personal: RwSignal<Vec<QuickReply>>,
    keep: StoredValue<Option<Keep>, LocalStorage>,
}

impl QuickReplies {
    pub fn new() -> QuickReplies {
        QuickReplies {
            centre: RwSignal::new(Vec::new()),
            personal: RwSignal::new(Vec::new()),
            keep: StoredValue::new_local(None),
        }
    }

    /// Where the agent's own replies go when they change.
    pub fn keep_with(&self, keep: impl Fn(&[QuickReply], Change) + 'static) {
        self.keep.set_value(Some(Rc::new(keep)));
    }

    /// Every reply, the centre's first, tracked.
    pub fn all(&self) -> Vec<(Owner, QuickReply)> {
        let mut out: Vec<(Owner, QuickReply)> = self
            .centre
            .with(|c| c.iter().map(|r| (Owner::Centre, r.clone())).collect());
        self.personal
            .with(|p| out.extend(p.iter().map(|r| (Owner::Personal, r.clone()))));
        out
    }

    /// The agent's own replies changed: shown at once, then kept.
    pub fn change(&self, change: Change) {
        let mut mine = self.personal.get_untracked();
        match &change {
            Change::Added(r) | Change::Edited(r) => mine = upsert(&mine, r.clone()),
            Change::Deleted(id) => mine.retain(|r| &r.id != id),
        }
        self.personal.set(mine.clone());
        if let Some(Some(keep)) = self.keep.try_get_value() {
            keep(&mine, change);
        }
    }

    /// The server gave the reply added as `local` its own id.
    pub fn renamed(&self, local: &str, id: String) {
        self.personal.try_update(|mine| {
            if let Some(r) = mine.iter_mut().find(|r| r.id == local) {
                r.id = id;
            }
        });
    }
}

impl Default for QuickReplies {
    fn default() -> Self {
        QuickReplies::new()
    }
}
