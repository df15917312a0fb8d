//! The Sessions tablist (ui-contract.md, "Shell"): Home, then one tab per conversation, each
//! session's close button beside its tab but outside the tablist element (a button inside a
//! tablist fails axe). Selecting by click adds a history entry; the arrow keys, Home and End
//! replace it ([`crate::ui::context::SessionsHandle`] keeps selection and address in step);
//! Delete closes the focused conversation session.

mod tab;

use super::focus::{focus_nth, focus_tab_in};
use crate::centre::demo;
use crate::model::sessions::tab_names;
use crate::model::tabs::{target_index, Orientation};
use crate::ui::context::{CentreView, Commands, Nav, SessionsHandle};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use omnidesk_core::ItemId;
use tab::SessionTab;

/// The DOM id of the Sessions tablist.
pub const TABLIST_ID: &str = "session-tablist";

#[component]
pub fn SessionTabs() -> impl IntoView {
    let centre = expect_context::<CentreView>();
    let sessions = expect_context::<SessionsHandle>();
    let commands = expect_context::<Commands>();
    let names = Memo::new(move |_| {
        let items = sessions.with(|s| s.items.clone());
        let names = centre.read(|c| {
            tab_names(&items, |id| {
                c.engine.state().items.get(id).map_or_else(
                    || (id.to_string(), String::new()),
                    |it| (it.customer.name.clone(), demo::channel_label(&it.channel)),
                )
            })
        });
        items
            .into_iter()
            .zip(names)
            .collect::<Vec<(ItemId, String)>>()
    });
    let selected = move || sessions.selected();
    let on_keydown = move |ev: KeyboardEvent| {
        let current = sessions.with_untracked(|s| s.selected);
        if ev.key() == "Delete" {
            if current > 0 {
                ev.prevent_default();
                sessions.close(current);
                focus_tab_in(TABLIST_ID, sessions.with_untracked(|s| s.selected));
            }
            return;
        }
        let len = sessions.with_untracked(|s| s.len());
        let Some(next) = target_index(&ev.key(), current, len, Orientation::Vertical) else {
            return;
        };
        ev.prevent_default();
        sessions.select(next, Nav::Replace);
        // The tabs exist already: focus at once, so a quick next key goes to the right place.
        if let Some(list) = document().get_element_by_id(TABLIST_ID) {
            focus_nth(&list, "[role=tab]", next);
        }
    };
    view! {
        <div class="session-rows">
            <div
                role="tablist"
                id=TABLIST_ID
                aria-label="Sessions"
                aria-orientation="vertical"
                class="tablist tablist-vertical"
                on:keydown=on_keydown
            >
                <button
                    role="tab"
                    type="button"
                    class="tab session-tab"
                    id="session-tab-home"
                    aria-controls="session-panel-home"
                    aria-selected=move || (selected() == 0).to_string()
                    tabindex=move || if selected() == 0 { "0" } else { "-1" }
                    on:click=move |_| sessions.select(0, Nav::Push)
                >
                    <span class="tab-icon" aria-hidden="true">"⌂"</span>
                    "Home"
                </button>
                <For each=move || names.get() key=|pair| pair.clone() let:pair>
                    <SessionTab item=pair.0 name=pair.1 />
                </For>
            </div>
            <div class="session-closers">
                <span class="closer-spacer" aria-hidden="true"></span>
                <For each=move || names.get() key=|pair| pair.clone() let:pair>
                    {
                        let (id, name) = pair;
                        view! {
                            <button
                                type="button"
                                class="closer"
                                aria-label=format!("Close {name}")
                                title=format!("Close {name}")
                                on:click=move |_| commands.close_session(id.clone())
                            >
                                <span aria-hidden="true">"✕"</span>
                            </button>
                        }
                    }
                </For>
            </div>
        </div>
    }
}
