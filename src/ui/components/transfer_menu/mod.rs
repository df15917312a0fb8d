//! The Transfer menu button: the other queues that accept the channel, as menu items
//! ([`super::menu_button`] carries the keyboard model). Transferring closes the session.

use super::menu_button::{MenuButton, MenuHandle};
use crate::model::projection::Conversation;
use crate::ui::components::conversation::view::mine_in;
use crate::ui::context::Commands;
use leptos::prelude::*;
use omnidesk_core::ItemId;

#[component]
pub fn TransferMenu(item: ItemId, info: Memo<Option<Conversation>>) -> impl IntoView {
    let commands = expect_context::<Commands>();
    let trigger = view! { "Transfer" <span aria-hidden="true">" ▾"</span> }.into_any();
    view! {
        <MenuButton
            menu_id=format!("transfer-menu-{item}")
            menu_label="Transfer to queue"
            class="menu-anchor"
            button_class="btn"
            hidden=Signal::derive(move || !mine_in(info, &["Active", "Waiting"]))
            trigger=trigger
        >
            {
                let menu = expect_context::<MenuHandle>();
                move || {
                    info.with(|i| i.as_ref().map(|i| i.other_queues.clone()).unwrap_or_default())
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
                                        menu.close(false);
                                        commands.transfer(item.clone(), &queue);
                                    }
                                >
                                    {name}
                                </button>
                            }
                        })
                        .collect_view()
                }
            }
        </MenuButton>
    }
}
