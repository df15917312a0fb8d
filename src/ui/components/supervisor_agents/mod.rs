//! The supervisor page's **Agents** table (R28): a row per member of a supervised queue —
//! name, presence (circle, label and how long), a `meter` "Capacity of <name>" and the count
//! of items held. Windowed ([`crate::ui::components::windowed`]): 10 000 agents are 10 000
//! ids in memory and a screenful of rows in the DOM, each computed from the core's
//! `agent_row` only while it is in view.

mod row;

use crate::model::supervision;
use crate::ui::components::windowed::{spacer, Window};
use crate::ui::context::CentreView;
use leptos::prelude::*;
use row::AgentRowView;

#[component]
pub fn AgentsTable() -> impl IntoView {
    let centre = expect_context::<CentreView>();
    // The members change only with the configuration: read once, not on every event.
    let ids = Memo::new(move |_| centre.peek(|c| supervision::member_ids(&c.engine, &c.me)));
    let window = Window::new(44);
    let total = Memo::new(move |_| ids.with(|v| v.len()));
    let range = Memo::new(move |_| window.range(total.get()));
    let rows = Memo::new(move |_| {
        let (first, last) = range.get();
        centre.read(|c| {
            ids.with(|v| {
                v[first..last]
                    .iter()
                    .enumerate()
                    .filter_map(|(k, id)| {
                        supervision::agent_row(&c.engine, id).map(|r| (first + k, r))
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let spacers = Memo::new(move |_| window.spacers(range.get(), total.get()));
    view! {
        <section class="sup-section" aria-labelledby="sup-agents-title">
            <h2 id="sup-agents-title" class="stream-title">
                "Agents" <span class="count">{total}</span>
            </h2>
            <div class="table-scroll table-windowed" node_ref=window.body on:scroll=move |_| window.on_scroll() tabindex="0" role="group" aria-labelledby="sup-agents-title">
                <table
                    class="sup-table"
                    aria-labelledby="sup-agents-title"
                    aria-rowcount=move || (total.get() + 1).to_string()
                >
                    <thead>
                        <tr aria-rowindex="1">
                            <th scope="col">"Agent"</th>
                            <th scope="col">"Presence"</th>
                            <th scope="col">"Capacity"</th>
                            <th scope="col">"Held"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {spacer(move || spacers.get().0)}
                        <For
                            each=move || rows.get()
                            key=|(i, r)| (*i, r.clone())
                            children=move |(i, r)| view! { <AgentRowView index=i row=r /> }
                        />
                        {spacer(move || spacers.get().1)}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
