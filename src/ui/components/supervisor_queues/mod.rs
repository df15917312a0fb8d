//! The supervisor page's **Queues** table (R28): a row per supervised queue — name, In queue
//! (the Open items), Offered, Held, Longest wait, Service level — and each queue's chart of
//! the last hour ([`chart`]). Live: it follows the centre and ages the wait on the clock.

mod chart;

use crate::model::projection::age;
use crate::model::supervision::{self, QueueRow};
use crate::ui::context::{CentreView, Clock};
use chart::QueueChart;
use leptos::prelude::*;

#[component]
pub fn QueuesTable() -> impl IntoView {
    let centre = expect_context::<CentreView>();
    let clock = expect_context::<Clock>();
    let rows = Memo::new(move |_| centre.read(|c| supervision::queue_rows(&c.engine, &c.me)));
    view! {
        <section class="sup-section" aria-labelledby="sup-queues-title">
            <h2 id="sup-queues-title" class="stream-title">"Queues"</h2>
            <div class="table-scroll">
                <table class="sup-table" aria-labelledby="sup-queues-title">
                    <thead>
                        <tr>
                            <th scope="col">"Queue"</th>
                            <th scope="col">"In queue"</th>
                            <th scope="col">"Offered"</th>
                            <th scope="col">"Held"</th>
                            <th scope="col">"Longest wait"</th>
                            <th scope="col">"Service level"</th>
                            <th scope="col">"Last hour"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || rows.get() key=|r: &QueueRow| r.clone() let:r>
                            <tr>
                                <th scope="row" data-label="Queue">{r.name.clone()}</th>
                                <td data-label="In queue">{r.open}</td>
                                <td data-label="Offered">{r.offered}</td>
                                <td data-label="Held">{r.held}</td>
                                <td data-label="Longest wait">
                                    {move || r.waiting_since.map_or("—".to_owned(), |s| age(clock.now(), s))}
                                </td>
                                <td data-label="Service level">{r.service_level.clone()}</td>
                                <td data-label="Last hour">
                                    <QueueChart queue=r.id.clone() name=r.name.clone() open=r.open />
                                </td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
        </section>
    }
}
