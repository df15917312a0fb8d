//! The modal dialog, once for every modal (R10's confirmation, R18's "Why?", the unsent-reply
//! question): a backdrop, `role` dialog or alertdialog with `aria-modal`, labelled by its
//! title and described by its text; focus moves to the given control when it opens and back
//! to where it was when it closes; Tab stays inside; Escape closes it — also before focus has
//! moved in (a window listener, removed when the dialog goes).

use super::focus::{focus_id, focused};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

const FOCUSABLE: &str = "button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])";

#[component]
pub fn ModalDialog(
    /// `dialog` or `alertdialog`.
    role: &'static str,
    /// The DOM id of the title element (inside `children`).
    labelled_by: &'static str,
    #[prop(optional)] described_by: Option<&'static str>,
    /// The DOM id of the control that takes focus on opening.
    initial_focus: &'static str,
    #[prop(optional)] wide: bool,
    /// Escape (or the window's Escape before focus moved in).
    on_escape: impl Fn() + Clone + 'static,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Div>::new();
    let back_to = StoredValue::new_local(focused());
    focus_id(initial_focus);
    let escape = on_escape.clone();
    let listener = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && !ev.default_prevented() {
            ev.prevent_default();
            escape();
        }
    });
    on_cleanup(move || {
        listener.remove();
        // Give focus back to where it was, if that is still on the page.
        if let Some(Some(el)) = back_to.try_get_value() {
            if el.is_connected() {
                let _ = el.focus();
            }
        }
    });
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            on_escape();
        } else if let Some(d) = dialog.get_untracked() {
            trap_tab(&ev, &d);
        }
    };
    view! {
        <div class="backdrop">
            <div
                class=if wide { "dialog dialog-wide" } else { "dialog" }
                role=role
                aria-modal="true"
                aria-labelledby=labelled_by
                aria-describedby=described_by
                node_ref=dialog
                on:keydown=on_key
            >
                {children()}
            </div>
        </div>
    }
}

/// Keeps Tab inside a modal dialog element.
fn trap_tab(ev: &KeyboardEvent, dialog: &web_sys::Element) {
    if ev.key() != "Tab" {
        return;
    }
    let Ok(list) = dialog.query_selector_all(FOCUSABLE) else {
        return;
    };
    let n = list.length();
    if n == 0 {
        return;
    }
    let first = list.item(0);
    let last = list.item(n - 1);
    let active = document().active_element().map(web_sys::Node::from);
    let target = if ev.shift_key() && active == first {
        last
    } else if !ev.shift_key() && active == last {
        first
    } else {
        None
    };
    if let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
        ev.prevent_default();
        let _ = el.focus();
    }
}
