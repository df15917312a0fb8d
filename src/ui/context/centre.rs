//! The centre behind two handles: [`CentreView`] reads (components), [`CentreCell`] writes
//! (the mode's backend). One `revision` counts the changes; projections track it and
//! recompute from the new state (their `Memo`s stop a row that didn't change from
//! re-rendering).

use crate::centre::Centre;
use leptos::prelude::*;
use omnidesk_core::AgentId;

/// Reads the centre.
#[derive(Clone, Copy)]
pub struct CentreView {
    centre: StoredValue<Centre, LocalStorage>,
    revision: RwSignal<u64>,
}

impl CentreView {
    /// Reads the centre, tracking changes so the caller reruns after each.
    pub fn read<R>(&self, f: impl FnOnce(&Centre) -> R) -> R {
        self.revision.track();
        self.centre.with_value(f)
    }

    /// Reads the centre without tracking (`None` once the workspace is gone).
    pub fn peek<R>(&self, f: impl FnOnce(&Centre) -> R) -> R {
        self.centre.with_value(f)
    }

    /// Like [`CentreView::peek`], but `None` after the workspace was disposed (for timers
    /// and callbacks that may outlive it).
    pub fn try_peek<R>(&self, f: impl FnOnce(&Centre) -> R) -> Option<R> {
        self.centre.try_with_value(f)
    }

    /// The agent at the keyboard (server mode: the one signed in at this page).
    pub fn me(&self) -> AgentId {
        self.peek(|c| c.me.clone())
    }
}

/// Changes the centre.
#[derive(Clone, Copy)]
pub struct CentreCell {
    centre: StoredValue<Centre, LocalStorage>,
    revision: RwSignal<u64>,
}

impl CentreCell {
    pub fn new(centre: Centre) -> CentreCell {
        CentreCell {
            centre: StoredValue::new_local(centre),
            revision: RwSignal::new(0),
        }
    }

    pub fn view(&self) -> CentreView {
        CentreView {
            centre: self.centre,
            revision: self.revision,
        }
    }

    /// Changes the centre (`None` once the workspace is gone). Call [`CentreCell::bump`]
    /// after a batch of events.
    pub fn update<R>(&self, f: impl FnOnce(&mut Centre) -> R) -> Option<R> {
        self.centre.try_update_value(f)
    }

    /// The centre changed: projections recompute.
    pub fn bump(&self) {
        self.revision.try_update(|r| *r += 1);
    }
}
