//! The agent's desk (ui-contract.md, "Shell"): the top bar, the status bar, the Sessions
//! tablist, the selected session's panels (Home's dashboard or a conversation), the offers and
//! the modal dialogs (`?` lists the keyboard shortcuts). Ctrl+Alt+1 … 9 select a session (a new history entry). The child route
//! ([`HomeAddress`], [`SessionAddress`]) keeps the selection on the address.

mod address;
mod home;

pub use address::{HomeAddress, SessionAddress};

use crate::ui::components::confirm_dialog::ConfirmDialog;
use crate::ui::components::conversation::ConversationSession;
use crate::ui::components::discard_dialog::DiscardDialog;
use crate::ui::components::focus::focus_tab_in;
use crate::ui::components::offers::Offers;
use crate::ui::components::quick_replies::manage::MyRepliesDialog;
use crate::ui::components::session_tabs::{SessionTabs, TABLIST_ID};
use crate::ui::components::shortcuts_dialog::ShortcutsDialog;
use crate::ui::components::status_bar::StatusBar;
use crate::ui::components::top_bar::TopBar;
use crate::ui::components::why_dialog::WhyDialog;
use crate::ui::context::{Nav, SessionsHandle};
use home::HomeSession;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos_router::components::Outlet;

#[component]
pub fn Desk() -> impl IntoView {
    let sessions = expect_context::<SessionsHandle>();
    // Ctrl+Alt+1 … Ctrl+Alt+9 switch sessions (Alt+n alone is the browser's own).
    let keys = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if !(ev.ctrl_key() && ev.alt_key()) {
            return;
        }
        let Some(n) = ev
            .code()
            .strip_prefix("Digit")
            .and_then(|d| d.parse::<usize>().ok())
        else {
            return;
        };
        if (1..=9).contains(&n) && n <= sessions.with_untracked(|s| s.len()) {
            ev.prevent_default();
            sessions.select(n - 1, Nav::Push);
            focus_tab_in(TABLIST_ID, n - 1);
        }
    });
    on_cleanup(move || keys.remove());
    let items = Memo::new(move |_| sessions.with(|s| s.items.clone()));
    view! {
        <div class="shell">
            <TopBar />
            <StatusBar />
            <div class="frame">
                <nav class="sessions" aria-label="Sessions panel">
                    <SessionTabs />
                </nav>
                <main class="stage">
                    <div
                        role="tabpanel"
                        id="session-panel-home"
                        aria-labelledby="session-tab-home"
                        class="session"
                        hidden=move || sessions.selected() != 0
                    >
                        <HomeSession />
                    </div>
                    <For each=move || items.get() key=|id| id.clone() let:item>
                        <ConversationSession item=item />
                    </For>
                </main>
            </div>
            <Offers />
            <ConfirmDialog />
            <WhyDialog />
            <DiscardDialog />
            <MyRepliesDialog />
            <ShortcutsDialog />
            <Outlet />
        </div>
    }
}
