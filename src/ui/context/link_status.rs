//! [`LinkStatus`]: the connection to the server and the agent's actions it hasn't answered
//! yet (shown as "Sending…"). In the standalone demo the link is always `Live` with nothing
//! pending.

use leptos::prelude::*;
use omnidesk_core::Input;

/// The state of the connection, shown in the top bar (server mode).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conn {
    Connecting,
    /// Authenticated, folding the events logged while this page was away.
    CatchingUp,
    Live,
    /// The socket dropped; the next try is at this time (the clock's).
    Reconnecting {
        retry_at: u64,
    },
    /// Signed out, or the server refused the token: the message for the sign-in page.
    Ended(String),
}

#[derive(Clone, Copy)]
pub struct LinkStatus {
    pub conn: RwSignal<Conn>,
    /// The agent's actions the server hasn't answered yet, oldest first.
    pub pending: RwSignal<Vec<Input>>,
}

impl LinkStatus {
    pub fn new() -> LinkStatus {
        LinkStatus {
            conn: RwSignal::new(Conn::Live),
            pending: RwSignal::new(Vec::new()),
        }
    }
}

impl Default for LinkStatus {
    fn default() -> Self {
        LinkStatus::new()
    }
}
