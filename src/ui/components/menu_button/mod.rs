//! The WAI-ARIA menu button, once for every menu (Presence, Transfer): a `button` with
//! `aria-haspopup="menu"` that opens a `menu`. ArrowDown, Enter or Space open it on the checked
//! item (or the first), ArrowUp on the last; in the menu the arrow keys, Home and End move
//! (the tablist's vertical keyboard model, [`crate::model::tabs`]); Escape closes it and gives
//! focus back to the button, Tab closes it, a click outside closes it. Items get a
//! [`MenuHandle`] from context to close the menu after their action.

use crate::model::tabs::{target_index, Orientation};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

const ITEMS: &str = "[role=menuitemradio],[role=menuitem],[role=menuitemcheckbox]";

/// What a menu's items may do to it.
#[derive(Clone, Copy)]
pub struct MenuHandle {
    open: RwSignal<bool>,
    button: NodeRef<leptos::html::Button>,
}

impl MenuHandle {
    /// Closes the menu; `refocus` gives focus back to its button.
    pub fn close(&self, refocus: bool) {
        self.open.set(false);
        if refocus {
            if let Some(b) = self.button.get_untracked() {
                let _ = b.focus();
            }
        }
    }
}

#[component]
pub fn MenuButton(
    /// The DOM id of the menu (the button's `aria-controls`).
    menu_id: String,
    /// The menu's accessible name.
    menu_label: &'static str,
    /// The class of the wrapper (it positions the menu).
    class: &'static str,
    /// The class of the button.
    button_class: &'static str,
    #[prop(optional)] button_id: Option<&'static str>,
    /// The whole widget is hidden (e.g. Transfer on a conversation that isn't the agent's).
    #[prop(optional, into)]
    hidden: Signal<bool>,
    /// What the button shows (its accessible name).
    trigger: AnyView,
    children: Children,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let button = NodeRef::<leptos::html::Button>::new();
    let menu = NodeRef::<leptos::html::Div>::new();
    let root = NodeRef::<leptos::html::Div>::new();
    let handle = MenuHandle { open, button };
    provide_context(handle);
    let items = move || -> Vec<web_sys::HtmlElement> {
        let Some(list) = menu
            .get_untracked()
            .and_then(|m| m.query_selector_all(ITEMS).ok())
        else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
            .collect()
    };
    let focus_item = move |index: usize| {
        if let Some(el) = items().get(index) {
            let _ = el.focus();
        }
    };
    let open_menu = move |last: bool| {
        open.set(true);
        // Show the menu now (the reactive update follows) so focus can move at once.
        if let Some(m) = menu.get_untracked() {
            let _ = m.remove_attribute("hidden");
        }
        let all = items();
        let checked = all
            .iter()
            .position(|e| e.get_attribute("aria-checked").as_deref() == Some("true"));
        focus_item(if last {
            all.len().saturating_sub(1)
        } else {
            checked.unwrap_or(0)
        });
    };
    let on_button_key = move |ev: KeyboardEvent| match ev.key().as_str() {
        "ArrowDown" | "Enter" | " " => {
            ev.prevent_default();
            open_menu(false);
        }
        "ArrowUp" => {
            ev.prevent_default();
            open_menu(true);
        }
        _ => {}
    };
    let on_menu_key = move |ev: KeyboardEvent| {
        let all = items();
        let active = document().active_element();
        let current = all
            .iter()
            .position(|e| active.as_ref() == Some(e.unchecked_ref::<web_sys::Element>()))
            .unwrap_or(0);
        match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                handle.close(true);
            }
            "Tab" => handle.close(false),
            key => {
                if let Some(next) = target_index(key, current, all.len(), Orientation::Vertical) {
                    ev.prevent_default();
                    focus_item(next);
                }
            }
        }
    };
    // A click outside closes the menu; the listener goes with the widget.
    let outside = window_event_listener(leptos::ev::pointerdown, move |ev| {
        if !open.get_untracked() {
            return;
        }
        let inside = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
            .zip(root.get_untracked())
            .is_some_and(|(t, r)| r.contains(Some(&t)));
        if !inside {
            open.set(false);
        }
    });
    on_cleanup(move || outside.remove());
    view! {
        <div class=class node_ref=root hidden=move || hidden.get()>
            <button
                type="button"
                id=button_id
                class=button_class
                aria-haspopup="menu"
                aria-controls=menu_id.clone()
                aria-expanded=move || open.get().to_string()
                node_ref=button
                on:click=move |_| if open.get_untracked() { handle.close(false) } else { open_menu(false) }
                on:keydown=on_button_key
            >
                {trigger}
            </button>
            <div
                role="menu"
                id=menu_id
                aria-label=menu_label
                class="menu"
                node_ref=menu
                hidden=move || !open.get()
                on:keydown=on_menu_key
            >
                {children()}
            </div>
        </div>
    }
}
