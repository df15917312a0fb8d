//! The Demo region of the standalone demo: buttons that enqueue a conversation from a
//! generated customer in the agent's queue, and whether the simulator runs.

use super::icons::channel_icon;
use leptos::prelude::*;

#[component]
pub fn DemoRegion(
    note: String,
    on_simulate: impl Fn(&'static str) + Copy + 'static,
) -> impl IntoView {
    view! {
        <section role="region" aria-label="Demo" class="demo">
            <span class="demo-title" aria-hidden="true">"Demo"</span>
            <button type="button" class="btn" on:click=move |_| on_simulate("chat")>
                {channel_icon("chat")}
                "Simulate chat"
            </button>
            <button type="button" class="btn" on:click=move |_| on_simulate("sms")>
                {channel_icon("sms")}
                "Simulate SMS"
            </button>
            <span class="demo-note">{note}</span>
        </section>
    }
}
