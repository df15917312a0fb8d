//! A WAI-ARIA tablist with automatic activation: one tab in the tab order (roving tabindex),
//! arrow keys along its orientation plus Home and End move focus and selection together
//! ([`crate::model::tabs`] is the keyboard model). Used for the Applications tablists; the
//! Sessions tablist ([`super::session_tabs`]) has the same keyboard model with addresses.

use super::focus::focus_nth;
use crate::model::tabs::{target_index, Orientation};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

/// One tab of a static tablist: a stable DOM id stem and the visible (and accessible) name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TabSpec {
    pub id: &'static str,
    pub label: &'static str,
}

/// `aria-orientation`'s value.
pub fn orientation_name(orientation: Orientation) -> &'static str {
    match orientation {
        Orientation::Horizontal => "horizontal",
        Orientation::Vertical => "vertical",
    }
}

#[component]
pub fn TabList(
    label: &'static str,
    /// DOM ids are `{prefix}-tab-{id}`, the panels `{prefix}-panel-{id}`.
    prefix: String,
    tabs: &'static [TabSpec],
    selected: RwSignal<usize>,
    orientation: Orientation,
) -> impl IntoView {
    let list_ref = NodeRef::<leptos::html::Div>::new();
    let on_keydown = move |ev: KeyboardEvent| {
        let Some(next) = target_index(&ev.key(), selected.get_untracked(), tabs.len(), orientation)
        else {
            return;
        };
        ev.prevent_default();
        selected.set(next);
        if let Some(list) = list_ref.get_untracked() {
            focus_nth(&list, "[role=tab]", next);
        }
    };
    let aria_orientation = orientation_name(orientation);
    view! {
        <div
            role="tablist"
            aria-label=label
            aria-orientation=aria_orientation
            class=format!("tablist tablist-{aria_orientation}")
            node_ref=list_ref
            on:keydown=on_keydown
        >
            {tabs
                .iter()
                .enumerate()
                .map(|(index, tab)| {
                    let is_selected = move || selected.get() == index;
                    view! {
                        <button
                            role="tab"
                            type="button"
                            class="tab"
                            id=format!("{prefix}-tab-{}", tab.id)
                            aria-controls=format!("{prefix}-panel-{}", tab.id)
                            aria-selected=move || is_selected().to_string()
                            tabindex=move || if is_selected() { "0" } else { "-1" }
                            on:click=move |_| selected.set(index)
                        >
                            {tab.label}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
