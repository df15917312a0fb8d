//! The status bar: storage problems and refused addresses (visible until dismissed), the
//! Inactive warning (saying whether the offer was missed or never seen, R13/R23), the mode's own part (server mode: the refusal bar), and short notices
//! such as "Maximum sessions reached" — all in live regions.

use crate::model::projection;
use crate::ui::context::{slot, CentreView, Commands, Notices};
use leptos::prelude::*;
use omnidesk_core::Presence;

#[component]
pub fn StatusBar() -> impl IntoView {
    let centre = expect_context::<CentreView>();
    let commands = expect_context::<Commands>();
    let notices = expect_context::<Notices>();
    let inactive = Memo::new(move |_| {
        centre.read(|c| {
            c.engine
                .state()
                .agents
                .get(&c.me)
                .is_some_and(|a| a.presence == Presence::Inactive)
        })
    });
    view! {
        <div class="statusbar">
            <div role="status" class="message-bar message-warning" hidden=move || notices.alert.with(|a| a.is_none())>
                <span class="message-icon" aria-hidden="true">"⚠"</span>
                <span class="message-text">{move || notices.alert.get().unwrap_or_default()}</span>
                <button type="button" class="btn btn-subtle" on:click=move |_| notices.alert.set(None)>"Dismiss"</button>
            </div>
            <div role="alert" class="message-bar message-warning message-error" hidden=move || !inactive.get()>
                <span class="message-icon" aria-hidden="true">"⚠"</span>
                <span class="message-text">{move || centre.read(|c| projection::inactive_text(&c.journal, &c.me))}</span>
                <button type="button" class="btn btn-subtle" on:click=move |_| commands.set_presence(Presence::Available)>"Set Available"</button>
            </div>
            {slot(|s| s.status_bar.clone())}
            <div role="status" class="toast" class:toast-shown=move || notices.notice.with(|n| !n.is_empty())>
                {move || notices.notice.get()}
            </div>
        </div>
    }
}
