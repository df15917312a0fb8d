//! Quick replies for one Message box (ui-contract.md, "Quick replies"): a `listbox` named
//! **Quick replies** that `/` at the start of the box or the **Quick replies** button opens.
//! Focus stays in the box ([`Picker`] drives the list from its keys: ↑/↓ move, Enter inserts,
//! Escape shuts), which carries `aria-autocomplete`, `aria-controls` and
//! `aria-activedescendant` while the list is open; a live region says how many match. The
//! agent's own replies are edited in [`manage::MyRepliesDialog`].

pub mod manage;
mod picker;

pub use picker::{Key, Picker};

use crate::model::replies::{count_text, Owner};
use crate::ui::context::Dialogs;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The open list: the matching replies as options, or a sentence when none match.
#[component]
pub fn QuickReplyList(
    picker: Picker,
    on_choose: impl Fn(usize) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let dialogs = expect_context::<Dialogs>();
    let none = move || picker.matches.with(Vec::is_empty);
    let keep_focus = |ev: leptos::ev::MouseEvent| ev.prevent_default();
    let options = move || {
        picker
            .matches
            .get()
            .into_iter()
            .enumerate()
            .map(|(k, (owner, r))| {
                view! {
                    <div
                        role="option"
                        id=picker.option_id(k)
                        class="qr-option"
                        aria-selected=move || (picker.active.get() == k).to_string()
                        on:mousedown=keep_focus
                        on:click=move |_| on_choose(k)
                    >
                        <span class="qr-title">
                            {r.title}
                            {(owner == Owner::Personal).then(|| view! { <span class="qr-mine">" · mine"</span> })}
                        </span>
                        <span class="qr-text">{r.text}</span>
                    </div>
                }
                .into_any()
            })
            .collect_view()
    };
    let manage = move |_| {
        picker.close();
        dialogs.replies.set(true);
    };
    view! {
        <div class="qr" hidden=move || !picker.open.get()>
            <div role="listbox" id=picker.list_id() aria-label="Quick replies" class="qr-list" hidden=none>
                {options}
            </div>
            <p class="qr-empty" hidden=move || !none()>"No quick replies match."</p>
            <div class="qr-footer">
                <span class="qr-hint" aria-hidden="true">"↑ ↓ to choose · Enter to insert · Esc to close"</span>
                <button type="button" class="btn btn-subtle" on:mousedown=keep_focus on:click=manage>
                    "My quick replies…"
                </button>
            </div>
        </div>
        <div role="status" class="sr-only">
            {move || picker.open.get().then(|| count_text(picker.matches.with(Vec::len)))}
        </div>
    }
}

/// Puts `text` in the textarea with the caret at `caret` (a char index) and focus in it.
pub fn set_box(area: Option<web_sys::HtmlTextAreaElement>, text: &str, caret: usize) {
    let Some(area) = area else {
        return;
    };
    area.set_value(text);
    let at = text.chars().take(caret).map(char::len_utf16).sum::<usize>() as u32;
    let _ = area.set_selection_range(at, at);
    let _ = area.unchecked_ref::<web_sys::HtmlElement>().focus();
}

/// The caret of the textarea as a char index (the DOM counts UTF-16 units).
pub fn caret_of(area: &web_sys::HtmlTextAreaElement) -> usize {
    let units = area.selection_start().ok().flatten().unwrap_or(u32::MAX) as usize;
    let mut seen = 0;
    area.value()
        .chars()
        .take_while(|c| {
            seen += c.len_utf16();
            seen <= units
        })
        .count()
}
