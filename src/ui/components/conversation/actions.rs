//! The conversation's actions, each shown only when the rules allow it: Set waiting (async
//! channels, Active), Transfer, End conversation (Active, Waiting), Close conversation
//! (Wrap-up; asks first when a reply is unsent).

use super::view::mine_in;
use crate::model::projection::Conversation;
use crate::ui::components::transfer_menu::TransferMenu;
use crate::ui::context::Commands;
use leptos::prelude::*;
use omnidesk_core::ItemId;

#[component]
pub fn ConversationActions(item: ItemId, info: Memo<Option<Conversation>>) -> impl IntoView {
    let commands = expect_context::<Commands>();
    let is_async = move || info.with(|i| i.as_ref().is_some_and(|i| i.is_async));
    let (wait_item, end_item, close_item) = (item.clone(), item.clone(), item.clone());
    view! {
        <div class="conversation-actions">
            <button
                type="button"
                class="btn"
                hidden=move || !(mine_in(info, &["Active"]) && is_async())
                on:click=move |_| commands.set_waiting(wait_item.clone())
            >
                "Set waiting"
            </button>
            <TransferMenu item=item info=info />
            <button
                type="button"
                class="btn"
                hidden=move || !mine_in(info, &["Active", "Waiting"])
                on:click=move |_| commands.end(end_item.clone())
            >
                "End conversation"
            </button>
            <button
                type="button"
                class="btn btn-primary"
                hidden=move || !mine_in(info, &["Wrap-up"])
                on:click=move |_| commands.ask_close(close_item.clone())
            >
                "Close conversation"
            </button>
        </div>
    }
}
