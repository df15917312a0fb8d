//! The supervisor page's **Ongoing conversations** table (R28): a row per item not Closed in
//! the supervised queues — customer, channel, queue, state, holder, time in state — narrowed
//! by the Queue choice and the searchbox **Filter ongoing conversations** (customer, channel,
//! queue, state or holder). Windowed like the Agents table; each row offers only the actions
//! R25–R27 permit ([`row`]).

mod row;
mod transfer;

use crate::model::supervision;
use crate::ui::components::windowed::{spacer, Window};
use crate::ui::context::CentreView;
use leptos::prelude::*;
use omnidesk_core::QueueId;
use row::ItemRowView;

#[component]
pub fn OngoingTable() -> impl IntoView {
    let centre = expect_context::<CentreView>();
    let filter = RwSignal::new(String::new());
    let queue = RwSignal::new(None::<QueueId>);
    let queues = centre.peek(|c| supervision::queue_rows(&c.engine, &c.me));
    let ids = Memo::new(move |_| {
        let (q, f) = (queue.get(), filter.get());
        centre.read(|c| supervision::ongoing(&c.engine, &c.me, q.as_ref(), &f))
    });
    let all = Memo::new(move |_| centre.read(|c| c.engine.supervised_item_count(&c.me)));
    let window = Window::new(52);
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
                        supervision::item_row(&c.engine, id).map(|r| (first + k, r))
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let spacers = Memo::new(move |_| window.spacers(range.get(), total.get()));
    view! {
        <section class="sup-section sup-ongoing" aria-labelledby="sup-ongoing-title">
            <h2 id="sup-ongoing-title" class="stream-title">
                "Ongoing conversations" <span class="count">{move || all.get()}</span>
            </h2>
            <div class="stream-tools">
                <input
                    type="search"
                    class="filter"
                    aria-label="Filter ongoing conversations"
                    placeholder="Customer, channel, queue, state or agent"
                    prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev))
                />
                <label class="sort-label" for="sup-queue-filter">"Queue"</label>
                <select
                    id="sup-queue-filter"
                    class="sort"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        queue.set((!v.is_empty()).then(|| QueueId::from(v.as_str())));
                    }
                >
                    <option value="">"All queues"</option>
                    {queues
                        .into_iter()
                        .map(|q| view! { <option value=q.id.to_string()>{q.name}</option> })
                        .collect_view()}
                </select>
            </div>
            <p class="empty" hidden=move || total.get() > 0>
                {move || if all.get() == 0 { "No ongoing conversations." } else { "No conversation matches the filter." }}
            </p>
            <div class="table-scroll table-windowed" node_ref=window.body on:scroll=move |_| window.on_scroll() tabindex="0" role="group" aria-labelledby="sup-ongoing-title">
                <table
                    class="sup-table"
                    aria-labelledby="sup-ongoing-title"
                    aria-rowcount=move || (total.get() + 1).to_string()
                >
                    <thead>
                        <tr aria-rowindex="1">
                            <th scope="col">"Customer"</th>
                            <th scope="col">"Channel"</th>
                            <th scope="col">"Queue"</th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Agent"</th>
                            <th scope="col">"In state"</th>
                            <th scope="col">"Actions"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {spacer(move || spacers.get().0)}
                        <For
                            each=move || rows.get()
                            key=|(i, r)| (*i, r.clone())
                            children=move |(i, r)| view! { <ItemRowView index=i row=r /> }
                        />
                        {spacer(move || spacers.get().1)}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
