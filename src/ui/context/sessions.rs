//! [`SessionsHandle`]: the open sessions (the Sessions tablist's model), which one is selected
//! and its address, and the unread counts of sessions not in view.
//!
//! The address and the selection stay in step both ways: selecting a session (a click,
//! Accept, Open, Ctrl+Alt+n: a new history entry; arrow keys, closing the selected session:
//! the entry replaced) goes to its address; an address the agent arrives at (Back, Forward,
//! a reload, a link) selects its session, opening it if the agent may see the item
//! ([`SessionsHandle::follow_address`]).

use super::nav::{Nav, Navigator};
use super::notices::Notices;
use crate::model::address;
use crate::model::sessions::{Opened, Sessions, MAXIMUM_REACHED};
use leptos::prelude::*;
use omnidesk_core::{Event, ItemId, Stamped};
use std::collections::BTreeMap;

#[derive(Clone, Copy)]
pub struct SessionsHandle {
    state: RwSignal<Sessions>,
    unread: RwSignal<BTreeMap<ItemId, u32>>,
    nav: Navigator,
    notices: Notices,
}

impl SessionsHandle {
    pub fn new(sessions: Sessions, nav: Navigator, notices: Notices) -> SessionsHandle {
        SessionsHandle {
            state: RwSignal::new(sessions),
            unread: RwSignal::new(BTreeMap::new()),
            nav,
            notices,
        }
    }

    /// Reads the sessions, tracked.
    pub fn with<R>(&self, f: impl FnOnce(&Sessions) -> R) -> R {
        self.state.with(f)
    }

    pub fn with_untracked<R>(&self, f: impl FnOnce(&Sessions) -> R) -> R {
        self.state.with_untracked(f)
    }

    /// The selected tab's index, tracked.
    pub fn selected(&self) -> usize {
        self.state.with(|s| s.selected)
    }

    /// Unread customer messages of `item`'s session, tracked.
    pub fn unread(&self, item: &ItemId) -> u32 {
        self.unread.with(|u| u.get(item).copied().unwrap_or(0))
    }

    /// Replaces the sessions (server mode: the saved ones, once the replica is live).
    pub fn set(&self, sessions: Sessions) {
        self.state.set(sessions);
    }

    fn path_of_selected(&self) -> String {
        self.state
            .with_untracked(|s| address::session_path(s.selected_item()))
    }

    /// Selects the tab at `index` and goes to its address.
    pub fn select(&self, index: usize, how: Nav) {
        let changed = self
            .state
            .with_untracked(|s| s.selected != index && index < s.len());
        if changed {
            self.state.update(|s| s.selected = index);
            self.mark_read();
            self.nav.go(&self.path_of_selected(), how);
        }
    }

    /// Opens (or selects) `item`'s session and goes to its address; says so when the
    /// sessions are full.
    pub fn open(&self, item: &ItemId, how: Nav) -> Opened {
        let mut result = Opened::New;
        self.state.update(|s| result = s.open(item));
        if result == Opened::Full {
            self.notices.say(MAXIMUM_REACHED);
            return result;
        }
        self.mark_read();
        self.nav.go(&self.path_of_selected(), how);
        result
    }

    /// Closes the session at tab `index`; when it was the selected one, the selection moves
    /// to the previous tab and the address follows (the history entry replaced).
    pub fn close(&self, index: usize) {
        let was = self.state.with_untracked(|s| s.selected);
        let mut closed = false;
        self.state.update(|s| closed = s.close(index));
        if closed {
            self.mark_read();
            if was == index {
                self.nav.go(&self.path_of_selected(), Nav::Replace);
            }
        }
    }

    /// Closes `item`'s session, if open.
    pub fn close_item(&self, item: &ItemId) {
        if let Some(i) = self.state.with_untracked(|s| s.index_of(item)) {
            self.close(i);
        }
    }

    /// The address names `item` (or Home for `None`): select its session, opening it when
    /// `may_see` allows; otherwise select Home, say why, and replace the address with Home's.
    pub fn follow_address(
        &self,
        item: Option<ItemId>,
        may_see: impl FnOnce(&ItemId) -> Result<(), address::Refused>,
    ) {
        let Some(item) = item else {
            if self.state.with_untracked(|s| s.selected != 0) {
                self.state.update(|s| s.selected = 0);
            }
            return;
        };
        if let Some(index) = self.state.with_untracked(|s| s.index_of(&item)) {
            if self.state.with_untracked(|s| s.selected != index) {
                self.state.update(|s| s.selected = index);
                self.mark_read();
            }
            return;
        }
        let refused = may_see(&item).err().map(|r| r.message());
        let full = self
            .state
            .with_untracked(|s| s.len() >= crate::model::sessions::MAX_SESSIONS);
        match refused {
            None if !full => {
                self.state.update(|s| {
                    s.open(&item);
                });
                self.mark_read();
            }
            refused => {
                if self.state.with_untracked(|s| s.selected != 0) {
                    self.state.update(|s| s.selected = 0);
                }
                self.notices.alert(refused.unwrap_or_else(|| {
                    format!("{MAXIMUM_REACHED}: close a session to open this one.")
                }));
                self.nav.go("/", Nav::Replace);
            }
        }
    }

    /// Customer messages in sessions that aren't in view count as unread.
    pub fn count_unread(&self, events: &[Stamped]) {
        let Some((open, selected)) = self
            .state
            .try_with_untracked(|s| (s.items.clone(), s.selected_item().cloned()))
        else {
            return;
        };
        for e in events {
            if let Event::CustomerMessage { item, .. } = &e.event {
                if open.contains(item) && selected.as_ref() != Some(item) {
                    self.unread
                        .update(|u| *u.entry(item.clone()).or_default() += 1);
                }
            }
        }
    }

    /// The selected session's messages are in view: nothing unread there.
    fn mark_read(&self) {
        let selected = self.state.with_untracked(|s| s.selected_item().cloned());
        if let Some(item) = selected {
            if self.unread.with_untracked(|u| u.contains_key(&item)) {
                self.unread.update(|u| {
                    u.remove(&item);
                });
            }
        }
    }
}
