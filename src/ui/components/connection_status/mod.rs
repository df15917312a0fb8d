//! Server mode's Connection status in the top bar: live, catching up, or reconnecting (with
//! when), and the agent's actions still waiting for the server.

use crate::ui::context::{Clock, Conn, LinkStatus};
use leptos::prelude::*;

#[component]
pub fn ConnectionStatus() -> impl IntoView {
    let link = expect_context::<LinkStatus>();
    let clock = expect_context::<Clock>();
    let text = move || {
        let pending = link.pending.with(|p| p.len());
        let now = clock.now();
        let (state, offline) = match link.conn.get() {
            Conn::Live => ("Live".to_owned(), false),
            Conn::Connecting => ("Connecting…".to_owned(), true),
            Conn::CatchingUp => ("Catching up…".to_owned(), false),
            Conn::Reconnecting { retry_at } => (
                format!(
                    "Reconnecting… next try in {} s",
                    retry_at.saturating_sub(now).div_ceil(1000).max(1)
                ),
                true,
            ),
            Conn::Ended(_) => ("Signed out".to_owned(), true),
        };
        let actions = if pending == 1 { "action" } else { "actions" };
        match (pending, offline) {
            (0, _) => state,
            (n, true) => {
                format!("{state} · {n} {actions} will be sent when the connection is back")
            }
            (n, false) => format!("{state} · sending {n} {actions}…"),
        }
    };
    let class = move || match link.conn.get() {
        Conn::Live => "conn conn-live",
        Conn::Reconnecting { .. } | Conn::Connecting => "conn conn-down",
        _ => "conn",
    };
    view! {
        <span class=class role="status" aria-label="Connection">
            <span class="conn-dot" aria-hidden="true"></span>
            <span class="conn-text" title=text>{text}</span>
        </span>
    }
}
