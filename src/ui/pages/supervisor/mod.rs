//! `/supervisor`: the supervisor's page. A placeholder until the supervisor issue builds it
//! (queues, agents, ongoing conversations; assign, transfer, monitor, force close): the
//! heading, what is coming, and the way back. It sits beside the desk under the workspace
//! route, so it will find the running centre in context.

use crate::ui::components::top_bar::TopBar;
use crate::ui::context::Navigator;
use leptos::prelude::*;

#[component]
pub fn SupervisorPage() -> impl IntoView {
    let nav = Navigator::here();
    view! {
        <div class="shell">
            <TopBar />
            <main class="page">
                <h1 class="panel-title">"Supervisor"</h1>
                <p class="panel-lead">
                    "The supervisor's view of the whole contact centre — queues, agents and every ongoing conversation, live — comes soon."
                </p>
                <p><a href=move || nav.href("/")>"Back to my workspace"</a></p>
            </main>
        </div>
    }
}
