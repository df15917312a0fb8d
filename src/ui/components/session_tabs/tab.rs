//! One conversation session's tab: the customer's name and the unread count.

use crate::ui::context::{Nav, SessionsHandle};
use leptos::prelude::*;
use omnidesk_core::ItemId;

#[component]
pub fn SessionTab(item: ItemId, name: String) -> impl IntoView {
    let sessions = expect_context::<SessionsHandle>();
    let key = item.clone();
    let is_selected = Memo::new(move |_| sessions.with(|s| s.selected_item() == Some(&key)));
    let unread_item = item.clone();
    let unread = Memo::new(move |_| sessions.unread(&unread_item));
    let click_item = item.clone();
    let id = item.to_string();
    view! {
        <button
            role="tab"
            type="button"
            class="tab session-tab"
            id=format!("session-tab-{id}")
            aria-controls=format!("session-panel-{id}")
            aria-selected=move || is_selected.get().to_string()
            aria-describedby=format!("unread-{id}")
            tabindex=move || if is_selected.get() { "0" } else { "-1" }
            on:click=move |_| {
                if let Some(i) = sessions.with_untracked(|s| s.index_of(&click_item)) {
                    sessions.select(i, Nav::Push);
                }
            }
        >
            <span class="tab-icon" aria-hidden="true">"◉"</span>
            <span class="tab-label">{name}</span>
            {move || {
                let n = unread.get();
                (n > 0).then(|| view! { <span class="unread" aria-hidden="true">{n}</span> })
            }}
            <span id=format!("unread-{id}") hidden>
                {move || match unread.get() {
                    0 => String::new(),
                    1 => "1 unread message".to_owned(),
                    n => format!("{n} unread messages"),
                }}
            </span>
        </button>
    }
}
