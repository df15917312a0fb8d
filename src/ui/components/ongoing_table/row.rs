//! One ongoing conversation's row and its actions, each only where the rules permit it:
//! **Assign** (Open or Offered, R25), **Transfer** (to a queue that takes the channel, R27),
//! **Monitor** (always), **Force close** (any state but Closed, R26 — every row here).

use super::transfer::RowTransfer;
use crate::model::projection::age;
use crate::model::supervision::ItemRow;
use crate::ui::context::{Clock, SupervisorDialogs};
use leptos::prelude::*;

#[component]
pub fn ItemRowView(index: usize, row: ItemRow) -> impl IntoView {
    let clock = expect_context::<Clock>();
    let dialogs = expect_context::<SupervisorDialogs>();
    let since = row.since;
    let customer = row.customer.clone();
    let (assign_id, monitor_id, close_id) = (row.id.clone(), row.id.clone(), row.id.clone());
    view! {
        <tr aria-rowindex=(index + 2).to_string()>
            <th scope="row" data-label="Customer">{row.customer.clone()}</th>
            <td data-label="Channel">{row.channel.clone()}</td>
            <td data-label="Queue">{row.queue_name.clone()}</td>
            <td data-label="State">{row.state}</td>
            <td data-label="Agent">{row.holder_name.clone()}</td>
            <td data-label="In state">{move || age(clock.now(), since)}</td>
            <td data-label="Actions" class="sup-actions">
                {row.can_assign.then(|| view! {
                    <button
                        type="button"
                        class="btn"
                        aria-label=format!("Assign {customer}")
                        on:click=move |_| dialogs.assign.set(Some(assign_id.clone()))
                    >
                        "Assign"
                    </button>
                })}
                {(!row.transfer_to.is_empty()).then(|| view! {
                    <RowTransfer item=row.id.clone() customer=row.customer.clone() queues=row.transfer_to.clone() />
                })}
                <button
                    type="button"
                    class="btn"
                    aria-label=format!("Monitor {}", row.customer)
                    on:click=move |_| dialogs.monitor.set(Some(monitor_id.clone()))
                >
                    "Monitor"
                </button>
                <button
                    type="button"
                    class="btn btn-subtle"
                    aria-label=format!("Force close {}", row.customer)
                    on:click=move |_| dialogs.force_close.set(Some(close_id.clone()))
                >
                    "Force close"
                </button>
            </td>
        </tr>
    }
}
