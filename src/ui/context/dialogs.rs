//! [`Dialogs`]: which modal dialog is open — R10's confirmation before a hand-chosen
//! overbooking, R18's "Why?", the unsent-reply question before Close conversation, the agent's own quick replies.

use leptos::prelude::*;
use omnidesk_core::ItemId;

/// A hand-chosen pick or reopen waiting for the agent's confirmation (R10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirm {
    pub item: ItemId,
    pub reopen: bool,
    pub customer: String,
    pub cost: u64,
    pub after: i64,
    pub capacity: u64,
}

#[derive(Clone, Copy)]
pub struct Dialogs {
    pub confirm: RwSignal<Option<Confirm>>,
    pub why: RwSignal<Option<ItemId>>,
    /// Close conversation asked with an unsent reply: the item, waiting for "Discard".
    pub discard: RwSignal<Option<ItemId>>,
    /// **My quick replies** (the agent's own quick replies) is open.
    pub replies: RwSignal<bool>,
}

impl Dialogs {
    pub fn new() -> Dialogs {
        Dialogs {
            confirm: RwSignal::new(None),
            why: RwSignal::new(None),
            discard: RwSignal::new(None),
            replies: RwSignal::new(false),
        }
    }
}

impl Default for Dialogs {
    fn default() -> Self {
        Dialogs::new()
    }
}
