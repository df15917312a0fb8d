//! A row's **Transfer** menu (R27): the other queues that take the item's channel, as menu
//! items on the shared [`MenuButton`] (its keyboard model). The button is named
//! "Transfer <customer>".

use crate::ui::components::menu_button::{MenuButton, MenuHandle};
use crate::ui::context::Commands;
use leptos::prelude::*;
use omnidesk_core::{ItemId, QueueId};

#[component]
pub fn RowTransfer(
    item: ItemId,
    customer: String,
    queues: Vec<(QueueId, String)>,
) -> impl IntoView {
    let commands = expect_context::<Commands>();
    let trigger = view! {
        "Transfer"
        <span class="sr-only">" "{customer}</span>
        <span aria-hidden="true">" ▾"</span>
    }
    .into_any();
    view! {
        <MenuButton
            menu_id=format!("sup-transfer-{item}")
            menu_label="Transfer to queue"
            class="menu-anchor"
            button_class="btn"
            trigger=trigger
        >
            {
                let menu = expect_context::<MenuHandle>();
                queues
                    .into_iter()
                    .map(|(queue, name)| {
                        let item = item.clone();
                        view! {
                            <button
                                type="button"
                                role="menuitem"
                                tabindex="-1"
                                class="menuitem"
                                on:click=move |_| {
                                    menu.close(true);
                                    commands.supervisor_transfer(item.clone(), queue.clone());
                                }
                            >
                                {name}
                            </button>
                        }
                    })
                    .collect_view()
            }
        </MenuButton>
    }
}
