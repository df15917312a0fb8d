//! One agent's row: name, presence with its circle and duration, the capacity meter (built
//! like the top bar's **Capacity**), the count of items held.

use crate::model::projection::age;
use crate::model::supervision::AgentRow;
use crate::ui::context::Clock;
use leptos::prelude::*;

#[component]
pub fn AgentRowView(index: usize, row: AgentRow) -> impl IntoView {
    let clock = expect_context::<Clock>();
    let available = row.available();
    let percent = (available.max(0) as u64 * 100)
        .checked_div(row.capacity)
        .unwrap_or(0);
    let since = row.presence_since;
    view! {
        <tr aria-rowindex=(index + 2).to_string()>
            <th scope="row" data-label="Agent">{row.name.clone()}</th>
            <td data-label="Presence">
                <span class=format!("dot {}", row.class) aria-hidden="true"></span>
                " "{row.presence.clone()}
                {since.map(|s| view! {
                    <span class="meta">" · for "{move || age(clock.now(), s)}</span>
                })}
            </td>
            <td data-label="Capacity">
                <div
                    class="capacity sup-capacity"
                    role="meter"
                    aria-label=format!("Capacity of {}", row.name)
                    aria-valuemin="0"
                    aria-valuemax=row.capacity.to_string()
                    aria-valuenow=available.max(0).to_string()
                    aria-valuetext=row.capacity_text()
                >
                    <span class="capacity-bar" aria-hidden="true">
                        <span
                            class="capacity-fill"
                            class:capacity-over=available < 0
                            style:width=format!("{percent}%")
                        ></span>
                    </span>
                    <span class="capacity-text" aria-hidden="true">
                        {format!("{available} / {}", row.capacity)}
                    </span>
                </div>
            </td>
            <td data-label="Held">{row.held}</td>
        </tr>
    }
}
