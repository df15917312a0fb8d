//! The agent dashboard (ui-contract.md, "Dashboard"): the heading, the mode's own part (the
//! standalone demo's Demo region) and the three live streams.

use super::stream::StreamView;
use crate::model::projection::Stream;
use crate::ui::context::slot;
use leptos::prelude::*;

#[component]
pub fn Dashboard() -> impl IntoView {
    // The first paint with rows, for the benchmark (performance.mark).
    request_animation_frame(|| crate::browser::mark("streams-painted"));
    view! {
        <div class="dash-head">
            <div>
                <h1 class="panel-title">"Agent dashboard"</h1>
                <p class="panel-lead">
                    "Your work items, the open items of your queues and what you closed in the last 24 hours."
                </p>
            </div>
            {slot(|s| s.dashboard.clone())}
        </div>
        <div class="streams">
            {Stream::ALL.into_iter().map(|s| view! { <StreamView stream=s /> }).collect_view()}
        </div>
    }
}
