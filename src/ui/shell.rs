//! The shell of the agent workspace (ui-contract.md, "Shell"): a vertical **Sessions** tablist
//! whose first tab, **Home**, is always there and never closable, and inside the selected
//! session an **Applications** tablist with its app tabs (Home: **Dashboard**).

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::tabs::{target_index, Orientation};

/// One tab of a tablist: a stable DOM id stem and the visible (and accessible) name.
#[derive(Clone, Debug, PartialEq, Eq)]
struct TabSpec {
    id: &'static str,
    label: &'static str,
}

/// The sessions the shell shows. Conversation sessions join this list when work items can
/// be accepted; Home is always first and has no close control.
const SESSIONS: &[TabSpec] = &[TabSpec {
    id: "home",
    label: "Home",
}];

/// The application tabs of the Home session.
const HOME_APPS: &[TabSpec] = &[TabSpec {
    id: "dashboard",
    label: "Dashboard",
}];

#[component]
pub fn App() -> impl IntoView {
    let selected_session = RwSignal::new(0usize);
    view! {
        <div class="shell">
            <header class="topbar">
                <span class="brand" aria-hidden="true">"◆"</span>
                <span class="product">"omnidesk"</span>
                <span class="divider" aria-hidden="true"></span>
                <span class="workspace">"Customer Service workspace"</span>
            </header>
            <div class="frame">
                <nav class="sessions" aria-label="Sessions panel">
                    <TabList
                        label="Sessions"
                        prefix="session"
                        tabs=SESSIONS
                        selected=selected_session
                        orientation=Orientation::Vertical
                    />
                </nav>
                <main class="stage">
                    <div
                        role="tabpanel"
                        id="session-panel-home"
                        aria-labelledby="session-tab-home"
                        class="session"
                        hidden=move || selected_session.get() != 0
                    >
                        <HomeSession />
                    </div>
                </main>
            </div>
        </div>
    }
}

/// The Home session: the agent's base camp, with the agent dashboard as its application.
#[component]
fn HomeSession() -> impl IntoView {
    let selected_app = RwSignal::new(0usize);
    view! {
        <TabList
            label="Applications"
            prefix="app"
            tabs=HOME_APPS
            selected=selected_app
            orientation=Orientation::Horizontal
        />
        <section
            role="tabpanel"
            id="app-panel-dashboard"
            aria-labelledby="app-tab-dashboard"
            class="app-panel"
            tabindex="0"
            hidden=move || selected_app.get() != 0
        >
            <h1 class="panel-title">"Agent dashboard"</h1>
            <p class="panel-lead">
                "Your work items, the open items of your queues and what you closed in the last 24 hours."
            </p>
        </section>
    }
}

/// A WAI-ARIA tablist with automatic activation: one tab in the tab order (roving tabindex),
/// arrow keys along its orientation plus Home and End move focus and selection together.
#[component]
fn TabList(
    label: &'static str,
    prefix: &'static str,
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
        focus_tab(list_ref, next);
    };
    let aria_orientation = match orientation {
        Orientation::Horizontal => "horizontal",
        Orientation::Vertical => "vertical",
    };
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

/// Moves keyboard focus to the tab at `index` inside the tablist.
fn focus_tab(list_ref: NodeRef<leptos::html::Div>, index: usize) {
    use wasm_bindgen::JsCast;
    let Some(list) = list_ref.get_untracked() else {
        return;
    };
    let Ok(tabs) = list.query_selector_all("[role=tab]") else {
        return;
    };
    if let Some(tab) = tabs
        .item(index as u32)
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = tab.focus();
    }
}
