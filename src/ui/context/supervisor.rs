//! [`SupervisorDialogs`]: which of the supervisor page's dialogs is open, and for which item
//! — Assign, Monitor or the Force close question. The page provides it; its rows and dialogs
//! take it from context.

use leptos::prelude::*;
use omnidesk_core::ItemId;

#[derive(Clone, Copy)]
pub struct SupervisorDialogs {
    pub assign: RwSignal<Option<ItemId>>,
    pub monitor: RwSignal<Option<ItemId>>,
    pub force_close: RwSignal<Option<ItemId>>,
}

impl SupervisorDialogs {
    pub fn new() -> SupervisorDialogs {
        SupervisorDialogs {
            assign: RwSignal::new(None),
            monitor: RwSignal::new(None),
            force_close: RwSignal::new(None),
        }
    }
}

impl Default for SupervisorDialogs {
    fn default() -> Self {
        SupervisorDialogs::new()
    }
}
