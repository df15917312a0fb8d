//! [`Notices`]: what the page tells the agent in its status bar — a short polite
//! announcement ("Maximum sessions reached"), a problem they must see (storage full, a save
//! set aside, an address they can't open), a server refusal (server mode).

use leptos::prelude::*;
use omnidesk_core::Input;
use std::time::Duration;

/// A server refusal of one of the agent's actions, shown until dismissed. Its words are
/// computed from the replica as events arrive ([`crate::link::rejection_text`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub input: Input,
    pub reason: String,
}

#[derive(Clone, Copy)]
pub struct Notices {
    pub notice: RwSignal<String>,
    pub alert: RwSignal<Option<String>>,
    pub rejection: RwSignal<Option<Rejection>>,
}

impl Notices {
    pub fn new() -> Notices {
        Notices {
            notice: RwSignal::new(String::new()),
            alert: RwSignal::new(None),
            rejection: RwSignal::new(None),
        }
    }

    /// Announces a short message and shows it for a few seconds.
    pub fn say(&self, text: &str) {
        self.notice.set(text.to_owned());
        let notice = self.notice;
        let text = text.to_owned();
        set_timeout(
            move || {
                // The workspace may be gone by then (signed out): nothing to clear.
                if notice.try_get_untracked().as_deref() == Some(text.as_str()) {
                    notice.set(String::new());
                }
            },
            Duration::from_secs(6),
        );
    }

    /// Shows a problem until dismissed.
    pub fn alert(&self, text: String) {
        self.alert.try_set(Some(text));
    }
}

impl Default for Notices {
    fn default() -> Self {
        Notices::new()
    }
}
