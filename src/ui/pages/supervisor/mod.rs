//! `/supervisor`: the supervisor's page (ui-contract.md, "Supervisor page"; R25–R28). The
//! top bar and the status bar as on the desk (its notices and, in server mode, the refusal
//! bar: a refused action says why), the **Supervisor** heading and the way back, then the
//! Queues, Agents and Ongoing conversations tables and their dialogs. The offers still ring
//! here: a supervisor is also an agent. An agent who supervises nothing is told so.
//!
//! It sits beside the desk under the workspace route, so it finds the running centre in
//! context; every figure comes from R28's queries on it (the page's engine standalone, the
//! replica in server mode), every action goes through [`crate::ui::context::Commands`].

use crate::model::supervision;
use crate::ui::components::assign_dialog::AssignDialog;
use crate::ui::components::force_close_dialog::ForceCloseDialog;
use crate::ui::components::monitor_dialog::MonitorDialog;
use crate::ui::components::offers::Offers;
use crate::ui::components::ongoing_table::OngoingTable;
use crate::ui::components::status_bar::StatusBar;
use crate::ui::components::supervisor_agents::AgentsTable;
use crate::ui::components::supervisor_queues::QueuesTable;
use crate::ui::components::top_bar::TopBar;
use crate::ui::context::{CentreView, Navigator, SupervisorDialogs};
use leptos::prelude::*;

#[component]
pub fn SupervisorPage() -> impl IntoView {
    let nav = Navigator::here();
    let centre = expect_context::<CentreView>();
    provide_context(SupervisorDialogs::new());
    let supervises =
        Memo::new(move |_| centre.read(|c| supervision::is_supervisor(&c.engine, &c.me)));
    view! {
        <div class="shell">
            <TopBar />
            <StatusBar />
            <main class="page sup-page">
                <div class="sup-head">
                    <h1 class="panel-title">"Supervisor"</h1>
                    // The desk is its own bundle: the browser loads it.
                    <a href=move || nav.href("/") rel="external">"Back to my workspace"</a>
                </div>
                <Show
                    when=move || supervises.get()
                    fallback=|| view! {
                        <p class="panel-lead">"You don't supervise any queue. A supervisor sees their queues, their agents and every ongoing conversation here."</p>
                    }
                >
                    <QueuesTable />
                    <AgentsTable />
                    <OngoingTable />
                </Show>
            </main>
            <Offers />
            <AssignDialog />
            <MonitorDialog />
            <ForceCloseDialog />
        </div>
    }
}
