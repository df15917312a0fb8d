//! The Message box and Send: Enter sends, Shift+Enter starts a new line; the draft is kept
//! while the agent switches sessions. Shown while the conversation is the agent's and open.
//! Quick replies: `/` as the first character or the **Quick replies** button opens the list
//! ([`crate::ui::components::quick_replies`]); while it is open Enter inserts the active
//! reply instead of sending.

use super::view::mine_in;
use crate::centre::demo;
use crate::model::projection::Conversation;
use crate::model::replies::{fill, insert, QuickReply};
use crate::ui::components::quick_replies::{caret_of, set_box, Key, Picker, QuickReplyList};
use crate::ui::context::{CentreView, Commands, Drafts};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use omnidesk_core::ItemId;

#[component]
pub fn Composer(item: ItemId, info: Memo<Option<Conversation>>) -> impl IntoView {
    let commands = expect_context::<Commands>();
    let drafts = expect_context::<Drafts>();
    let centre = expect_context::<CentreView>();
    let message_id = format!("message-{item}");
    let picker = Picker::new(format!("quick-replies-{item}"));
    let area = NodeRef::<leptos::html::Textarea>::new();
    let (draft_item, input_item, send_item) = (item.clone(), item.clone(), item.clone());
    let send = move || commands.send_message(send_item.clone());
    let send_key = send.clone();
    let put_item = StoredValue::new(item.clone());
    // The chosen reply, names filled in, where the `/words` were or at the caret.
    let put = move |reply: QuickReply| {
        let item = put_item.get_value();
        let customer = info.with_untracked(|i| i.as_ref().map(|c| c.customer.name.clone()));
        let agent = centre.peek(|c| demo::agent_name(&c.engine.state().config, &c.me));
        let text = fill(&reply.text, &customer.unwrap_or_default(), &agent);
        let draft = drafts.get_untracked(&item);
        let caret = area
            .get_untracked()
            .map_or(draft.chars().count(), |a| caret_of(&a));
        let (next, at) = insert(&draft, &text, picker.from_slash.get_untracked(), caret);
        picker.close();
        drafts.set(&item, next.clone());
        set_box(area.get_untracked(), &next, at);
    };
    let choose = move |k: usize| {
        if let Some((_, r)) = picker.matches.with_untracked(|m| m.get(k).cloned()) {
            put(r);
        }
    };
    let on_key = move |ev: KeyboardEvent| {
        if ev.is_composing() {
            return;
        }
        match picker.key(&ev.key()) {
            Key::Insert(reply) => {
                ev.prevent_default();
                put(reply);
            }
            Key::Handled => {
                ev.prevent_default();
                ev.stop_propagation();
            }
            Key::Pass if ev.key() == "Enter" && !ev.shift_key() => {
                ev.prevent_default();
                send_key();
            }
            Key::Pass => {}
        }
    };
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        picker.typed(&text);
        drafts.set(&input_item, text);
    };
    let open_list = move |_| {
        picker.open_at_caret();
        if let Some(a) = area.get_untracked() {
            let _ = a.focus();
        }
    };
    let list_id = picker.list_id();
    view! {
        <div class="composer" hidden=move || !mine_in(info, &["Active", "Waiting"])>
            <QuickReplyList picker=picker on_choose=choose />
            <label class="sr-only" for=message_id.clone()>"Message"</label>
            <textarea
                id=message_id.clone()
                node_ref=area
                class="composer-input"
                rows="2"
                placeholder="Type a reply — Enter sends, Shift+Enter for a new line, / for quick replies"
                aria-autocomplete=move || picker.open.get().then_some("list")
                aria-controls=move || picker.open.get().then(|| list_id.clone())
                aria-activedescendant=move || picker.active_id()
                prop:value=move || drafts.get(&draft_item)
                on:input=on_input
                on:keydown=on_key
                on:blur=move |_| picker.close()
            ></textarea>
            <div class="composer-buttons">
                <button type="button" class="btn" on:mousedown=|ev| ev.prevent_default() on:click=open_list>
                    "Quick replies"
                </button>
                <button type="button" class="btn btn-primary" on:click=move |_| send()>
                    "Send"
                </button>
            </div>
        </div>
    }
}
