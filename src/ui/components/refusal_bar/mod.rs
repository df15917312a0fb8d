//! Server mode's refusal bar: the server refused one of the agent's actions, said in words
//! from the replica ("Ana Lima picked this conversation first"), until dismissed.

use crate::link::rejection_text;
use crate::ui::context::{CentreView, Notices};
use leptos::prelude::*;

#[component]
pub fn RefusalBar() -> impl IntoView {
    let notices = expect_context::<Notices>();
    let centre = expect_context::<CentreView>();
    let text = Memo::new(move |_| {
        notices.rejection.with(|r| {
            r.as_ref().map(|r| {
                centre.read(|c| rejection_text(&r.input, &r.reason, c.engine.state(), &c.me))
            })
        })
    });
    view! {
        <div role="alert" class="message-bar message-warning message-error" hidden=move || text.with(|t| t.is_none())>
            <span class="message-icon" aria-hidden="true">"⚠"</span>
            <span class="message-text">{move || text.get().unwrap_or_default()}</span>
            <button type="button" class="btn btn-subtle" on:click=move |_| notices.rejection.set(None)>"Dismiss"</button>
        </div>
    }
}
