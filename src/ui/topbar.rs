//! Presence and capacity (ui-contract.md, "Presence and capacity"): the `Presence:` menu button
//! (WAI-ARIA menu button pattern) with R4's colour circle, and the **Capacity** meter.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::workspace::Workspace;
use crate::projection;
use crate::tabs::{target_index, Orientation};
use omnidesk_core::Presence;

/// The Capacity meter: available units of the agent's capacity, live.
#[component]
pub fn CapacityMeter(ws: Workspace) -> impl IntoView {
    let me = Memo::new(move |_| ws.read(|c| projection::me(&c.engine, &c.me)));
    let percent = move || me.with(|m| (m.value_now() * 100).checked_div(m.capacity).unwrap_or(0));
    view! {
        <div
            class="capacity"
            role="meter"
            aria-label="Capacity"
            aria-valuemin="0"
            aria-valuemax=move || me.with(|m| m.capacity.to_string())
            aria-valuenow=move || me.with(|m| m.value_now().to_string())
            aria-valuetext=move || me.with(|m| m.value_text())
        >
            <span class="capacity-label" aria-hidden="true">"Capacity"</span>
            <span class="capacity-bar" aria-hidden="true">
                <span
                    class="capacity-fill"
                    class:capacity-over=move || me.with(|m| m.available < 0)
                    style:width=move || format!("{}%", percent())
                ></span>
            </span>
            <span class="capacity-text" aria-hidden="true">
                {move || me.with(|m| format!("{} / {}", m.available, m.capacity))}
            </span>
        </div>
    }
}

/// The presence menu button and its menu of statuses.
#[component]
pub fn PresenceMenu(ws: Workspace) -> impl IntoView {
    let me = Memo::new(move |_| ws.read(|c| projection::me(&c.engine, &c.me)));
    let choices = ws.peek(|c| projection::presence_choices(c.engine.config()));
    let class_of = {
        let config = ws.peek(|c| c.engine.config().clone());
        move |p: &Presence| projection::presence_class(&config, p)
    };
    let open = RwSignal::new(false);
    let button = NodeRef::<leptos::html::Button>::new();
    let menu = NodeRef::<leptos::html::Div>::new();
    let root = NodeRef::<leptos::html::Div>::new();

    let items = move || -> Vec<web_sys::HtmlElement> {
        let Some(menu) = menu.get_untracked() else {
            return Vec::new();
        };
        let Ok(list) = menu.query_selector_all("[role=menuitemradio],[role=menuitem]") else {
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
        // Show the menu now (the reactive update follows in a microtask) so focus moves at once.
        if let Some(m) = menu.get_untracked() {
            let _ = m.remove_attribute("hidden");
        }
        {
            let all = items();
            let checked = all
                .iter()
                .position(|e| e.get_attribute("aria-checked").as_deref() == Some("true"));
            let index = if last {
                all.len().saturating_sub(1)
            } else {
                checked.unwrap_or(0)
            };
            focus_item(index);
        }
    };
    let close_menu = move |refocus: bool| {
        open.set(false);
        if refocus {
            if let Some(b) = button.get_untracked() {
                let _ = b.focus();
            }
        }
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
            .position(|e| {
                active
                    .as_ref()
                    .is_some_and(|a| a == e.unchecked_ref::<web_sys::Element>())
            })
            .unwrap_or(0);
        match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                close_menu(true);
            }
            "Tab" => close_menu(false),
            key => {
                // The menu's arrows, Home and End: the tablist keyboard model, vertical.
                if let Some(next) = target_index(key, current, all.len(), Orientation::Vertical) {
                    ev.prevent_default();
                    focus_item(next);
                }
            }
        }
    };
    // A click outside closes the menu.
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

    let entries = choices
        .into_iter()
        .map(|p| {
            let label = projection::presence_label(&p);
            let dot = class_of(&p);
            let checked_p = p.clone();
            let checked = move || me.with(|m| m.presence == checked_p).to_string();
            view! {
                <button
                    type="button"
                    role="menuitemradio"
                    class="menuitem"
                    tabindex="-1"
                    aria-checked=checked
                    on:click=move |_| {
                        ws.set_presence(p.clone());
                        close_menu(true);
                    }
                >
                    <span class=format!("dot {dot}") aria-hidden="true"></span>
                    <span>{label}</span>
                </button>
            }
        })
        .collect_view();

    view! {
        <div class="presence" node_ref=root>
            <button
                type="button"
                id="presence-button"
                class="presence-button"
                aria-haspopup="menu"
                aria-controls="presence-menu"
                aria-expanded=move || open.get().to_string()
                node_ref=button
                on:click=move |_| if open.get_untracked() { close_menu(false) } else { open_menu(false) }
                on:keydown=on_button_key
            >
                <span class=move || format!("dot {}", me.with(|m| m.class)) aria-hidden="true"></span>
                <span class="sr-only">"Presence: "</span>
                <span>{move || me.with(|m| m.label.clone())}</span>
                <span class="chevron" aria-hidden="true">"▾"</span>
            </button>
            <div
                role="menu"
                id="presence-menu"
                aria-label="Presence"
                class="menu"
                node_ref=menu
                hidden=move || !open.get()
                on:keydown=on_menu_key
            >
                {entries}
                <div role="separator" class="menu-separator"></div>
                <button
                    type="button"
                    role="menuitem"
                    class="menuitem"
                    tabindex="-1"
                    on:click=move |_| {
                        ws.reset_presence();
                        close_menu(true);
                    }
                >
                    <span class="dot dot-none" aria-hidden="true">"↺"</span>
                    <span>"Reset presence"</span>
                </button>
            </div>
        </div>
    }
}
