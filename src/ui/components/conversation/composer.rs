//! The Message box and Send: Enter sends, Shift+Enter starts a new line; the draft is kept
//! while the agent switches sessions. Shown while the conversation is the agent's and open.

use super::view::mine_in;
use crate::model::projection::Conversation;
use crate::ui::context::{Commands, Drafts};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use omnidesk_core::ItemId;

#[component]
pub fn Composer(item: ItemId, info: Memo<Option<Conversation>>) -> impl IntoView {
    let commands = expect_context::<Commands>();
    let drafts = expect_context::<Drafts>();
    let message_id = format!("message-{item}");
    let (draft_item, input_item, send_item) = (item.clone(), item.clone(), item.clone());
    let send = move || commands.send_message(send_item.clone());
    let send_key = send.clone();
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send_key();
        }
    };
    view! {
        <div class="composer" hidden=move || !mine_in(info, &["Active", "Waiting"])>
            <label class="sr-only" for=message_id.clone()>"Message"</label>
            <textarea
                id=message_id.clone()
                class="composer-input"
                rows="2"
                placeholder="Type a reply — Enter sends, Shift+Enter for a new line"
                prop:value=move || drafts.get(&draft_item)
                on:input=move |ev| drafts.set(&input_item, event_target_value(&ev))
                on:keydown=on_key
            ></textarea>
            <button type="button" class="btn btn-primary" on:click=move |_| send()>
                "Send"
            </button>
        </div>
    }
}
