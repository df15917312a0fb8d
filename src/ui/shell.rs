//! The shell of the agent workspace (ui-contract.md, "Shell"): a vertical **Sessions** tablist
//! whose first tab, **Home**, is always there and never closable, conversation sessions after
//! it (their close buttons outside the tablist), and inside the selected session an
//! **Applications** tablist. [`App`] boots the runtime first.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::dashboard::Dashboard;
use super::dialogs::{ConfirmDialog, DiscardDialog, OfferNotice, WhyDialog};
use super::session::ConversationSession;
use super::topbar::{CapacityMeter, PresenceMenu};
use super::workspace::{Workspace, SERVER_BUILD};
use crate::runtime::browser::{self, Leadership, Store};
use crate::runtime::centre::Centre;
use crate::runtime::params::Params;
use crate::runtime::save;
use crate::sessions::{tab_names, Sessions};
use crate::tabs::{target_index, Orientation};

/// One tab of a static tablist: a stable DOM id stem and the visible (and accessible) name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TabSpec {
    pub id: &'static str,
    pub label: &'static str,
}

/// The application tabs of the Home session.
const HOME_APPS: &[TabSpec] = &[TabSpec {
    id: "dashboard",
    label: "Dashboard",
}];

// A `Workspace` is a handle of signal ids (Copy); boxing it would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Copy)]
enum Phase {
    Loading,
    Follower,
    Ready(Workspace),
}

/// The app: takes the lead (Web Locks), loads the save, then shows the [`Desk`].
#[component]
pub fn App() -> impl IntoView {
    if SERVER_BUILD {
        let base = crate::runtime::net::server_base();
        return view! { <super::signin::ServerApp base=base /> }.into_any();
    }
    if let Some(url) = crate::runtime::net::server_param() {
        // `?server=URL` in the standalone build: the server serves its own build of this app.
        if let Some(w) = web_sys::window() {
            let _ = w.location().replace(&url);
        }
        return view! { <p class="boot" role="status">{format!("Opening the omnidesk server at {url}…")}</p> }
            .into_any();
    }
    let phase = RwSignal::new(Phase::Loading);
    leptos::task::spawn_local(boot(phase));
    (move || {
        match phase.get() {
        Phase::Loading => view! {
            <div class="shell"><TopBar ws=None /><p class="boot" role="status">"Loading your workspace…"</p></div>
        }
        .into_any(),
        Phase::Follower => view! {
            <div class="shell">
                <TopBar ws=None />
                <div class="boot" role="status">
                    <h1 class="panel-title">"omnidesk is open in another tab"</h1>
                    <p>
                        "Only one tab runs your workspace at a time, so nothing is done twice or lost. "
                        "Keep working in the other tab; this one takes over as soon as that tab closes."
                    </p>
                </div>
            </div>
        }
        .into_any(),
        Phase::Ready(ws) => view! { <Desk ws=ws /> }.into_any(),
    }
    })
    .into_any()
}

async fn boot(phase: RwSignal<Phase>) {
    let params = Params::parse(&browser::query());
    if browser::lead(false).await == Leadership::Follower {
        phase.set(Phase::Follower);
        browser::lead(true).await;
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
        return;
    }
    let mut problem: Option<String> = None;
    let store = match Store::open().await {
        Ok(s) => Some(s),
        Err(e) => {
            problem = Some(format!(
                "Your work won't be saved in this browser: {}.",
                browser::describe(&e)
            ));
            None
        }
    };
    let mut loaded = browser::Loaded::default();
    if let Some(store) = &store {
        if params.reset {
            let _ = store.clear().await;
        }
        match store.load().await {
            Ok(l) => loaded = l,
            Err(e) => {
                problem = Some(format!(
                    "Your saved workspace couldn't be read: {}.",
                    browser::describe(&e)
                ))
            }
        }
    }
    let now = browser::now_ms();
    let seed = params.seed.unwrap_or(now);
    let mut centre: Option<Centre> = None;
    if loaded.snapshot.is_some() || !loaded.log.is_empty() {
        let restored = loaded
            .snapshot
            .as_deref()
            .ok_or_else(|| save::LoadError::Corrupt("the snapshot is missing".into()))
            .and_then(save::parse_snapshot)
            .and_then(|s| Centre::restore(s, &loaded.log, params.sim_on));
        match restored {
            Ok(c) => centre = Some(c),
            Err(e) => {
                problem = Some(format!(
                    "Your saved workspace couldn't be used: {e}. It was set aside, and a fresh workspace started."
                ));
                if let Some(store) = &store {
                    let raw = format!(
                        "{}\n{}",
                        loaded.snapshot.as_deref().unwrap_or(""),
                        loaded.log.join("\n")
                    );
                    let _ = store.set_aside(&raw).await;
                }
                loaded.ui = None;
            }
        }
    }
    let fresh = centre.is_none();
    let mut centre = centre.unwrap_or_else(|| Centre::fresh(seed, params.sim_on, now).0);
    if let Some(rate) = params.rate {
        centre.sim.arrival_every_ms = 60_000 / rate;
    }
    if fresh && params.demo > 0 {
        centre.fill(params.demo, now);
        browser::mark("demo-filled");
    }
    let mut sessions: Sessions = loaded
        .ui
        .as_deref()
        .and_then(Sessions::decode)
        .unwrap_or_default();
    sessions.retain(|i| centre.engine.state().items.contains_key(i));
    let ws = Workspace::new(centre, sessions, store);
    ws.alert.set(problem);
    if fresh {
        ws.snapshot_now().await;
    }
    browser::mark("centre-ready");
    super::live::listen(ws);
    phase.set(Phase::Ready(ws));
    ws.start();
}

/// The top bar: the product, and (once the workspace runs) the capacity meter and presence;
/// in server mode also the connection and Sign out.
#[component]
pub fn TopBar(ws: Option<Workspace>) -> impl IntoView {
    view! {
        <header class="topbar">
            <span class="brand" aria-hidden="true">"◆"</span>
            <span class="product">"omnidesk"</span>
            <span class="divider" aria-hidden="true"></span>
            <span class="workspace">"Customer Service workspace"</span>
            <span class="spacer"></span>
            {super::signin::connection(ws)}
            {ws.map(|ws| view! { <CapacityMeter ws=ws /><PresenceMenu ws=ws /> })}
            {super::signin::sign_out(ws)}
        </header>
    }
}

/// How offers get the agent's attention besides the notification on the page: a sound, and
/// the browser's own notification while the page is hidden (permission asked by a button,
/// since the browser needs a user gesture).
#[component]
fn AlertSettings(ws: Workspace) -> impl IntoView {
    let permission = ws.notify_permission;
    view! {
        <section class="alert-settings" aria-label="Offer alerts">
            <span class="alert-settings-label">"Offer alerts:"</span>
            <button
                type="button"
                class="btn btn-subtle"
                aria-pressed=move || ws.sound.get().to_string()
                on:click=move |_| {
                    ws.sound.update(|s| *s = !*s);
                    if ws.sound.get_untracked() {
                        super::notify::beep();
                    }
                }
            >
                {move || super::icons::bell_icon(ws.sound.get())}
                "Offer sound"
            </button>
            <button
                type="button"
                class="btn btn-subtle"
                hidden=move || permission.with(|p| p != "default")
                on:click=move |_| super::notify::request(move |p| permission.set(p))
            >
                "Allow desktop notifications"
            </button>
        </section>
    }
}

/// The workspace around a running centre: top bar, sessions, the selected session's panels,
/// offers and dialogs. Mounted by [`App`]; browser tests mount it with an in-memory centre.
#[component]
pub fn Desk(ws: Workspace) -> impl IntoView {
    provide_context(ws);
    // Ctrl+Alt+1 … Ctrl+Alt+9 switch sessions (ui-contract.md, "Shell").
    let listener = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if !(ev.ctrl_key() && ev.alt_key()) {
            return;
        }
        let Some(n) = ev
            .code()
            .strip_prefix("Digit")
            .and_then(|d| d.parse::<usize>().ok())
        else {
            return;
        };
        if (1..=9).contains(&n) && n <= ws.sessions.with_untracked(|s| s.len()) {
            ev.prevent_default();
            ws.select_session(n - 1);
            focus_in("session-tablist", n - 1);
        }
    });
    on_cleanup(move || listener.remove());
    let items = Memo::new(move |_| ws.sessions.with(|s| s.items.clone()));
    view! {
        <div class="shell">
            <TopBar ws=Some(ws) />
            <StatusBar ws=ws />
            <div class="frame">
                <nav class="sessions" aria-label="Sessions panel">
                    <SessionTabs ws=ws />
                </nav>
                <main class="stage">
                    <div
                        role="tabpanel"
                        id="session-panel-home"
                        aria-labelledby="session-tab-home"
                        class="session"
                        hidden=move || ws.sessions.with(|s| s.selected != 0)
                    >
                        <HomeSession />
                    </div>
                    <For each=move || items.get() key=|id| id.clone() let:item>
                        <ConversationSession ws=ws item=item />
                    </For>
                </main>
            </div>
            <OfferNotice ws=ws />
            <ConfirmDialog ws=ws />
            <WhyDialog ws=ws />
            <DiscardDialog ws=ws />
        </div>
    }
}

/// Storage problems (visible until dismissed) and short notices such as "Maximum sessions
/// reached", both in live regions.
#[component]
fn StatusBar(ws: Workspace) -> impl IntoView {
    let inactive = Memo::new(move |_| {
        ws.read(|c| {
            c.engine
                .state()
                .agents
                .get(&c.me)
                .is_some_and(|a| a.presence == omnidesk_core::Presence::Inactive)
        })
    });
    view! {
        <div class="statusbar">
            <div role="status" class="message-bar message-warning" hidden=move || ws.alert.with(|a| a.is_none())>
                <span class="message-icon" aria-hidden="true">"⚠"</span>
                <span class="message-text">{move || ws.alert.get().unwrap_or_default()}</span>
                <button type="button" class="btn btn-subtle" on:click=move |_| ws.alert.set(None)>"Dismiss"</button>
            </div>
            <div role="alert" class="message-bar message-warning message-error" hidden=move || !inactive.get()>
                <span class="message-icon" aria-hidden="true">"⚠"</span>
                <span class="message-text">
                    "You missed an offer, so your presence is now Inactive and no new conversations are offered to you. Set your presence to Available when you're back."
                </span>
                <button type="button" class="btn btn-subtle" on:click=move |_| ws.set_presence(omnidesk_core::Presence::Available)>"Set Available"</button>
            </div>
            {super::signin::rejection_bar(ws)}
            <div role="status" class="toast" class:toast-shown=move || ws.notice.with(|n| !n.is_empty())>
                {move || ws.notice.get()}
            </div>
        </div>
    }
}

/// The Sessions tablist (Home, then one tab per conversation) with each session's close button
/// beside its tab, outside the tablist element.
#[component]
fn SessionTabs(ws: Workspace) -> impl IntoView {
    let names = Memo::new(move |_| {
        let items = ws.sessions.with(|s| s.items.clone());
        let names = ws.read(|c| {
            tab_names(&items, |id| {
                c.engine.state().items.get(id).map_or_else(
                    || (id.to_string(), String::new()),
                    |it| {
                        (
                            it.customer.name.clone(),
                            crate::runtime::demo::channel_label(&it.channel),
                        )
                    },
                )
            })
        });
        items.into_iter().zip(names).collect::<Vec<_>>()
    });
    let selected = move || ws.sessions.with(|s| s.selected);
    let len = move || ws.sessions.with_untracked(|s| s.len());
    let on_keydown = move |ev: KeyboardEvent| {
        let current = selected();
        if ev.key() == "Delete" {
            if current > 0 {
                ev.prevent_default();
                ws.close_session(current);
                focus_in(
                    "session-tablist",
                    ws.sessions.with_untracked(|s| s.selected),
                );
            }
            return;
        }
        let Some(next) = target_index(&ev.key(), current, len(), Orientation::Vertical) else {
            return;
        };
        ev.prevent_default();
        ws.select_session(next);
        // The tabs exist already: focus at once, so a quick next key goes to the right place.
        if let Some(list) = document().get_element_by_id("session-tablist") {
            focus_tab(&list, next);
        }
    };
    let index_of = move |id: &omnidesk_core::ItemId| {
        ws.sessions
            .with_untracked(|s| s.items.iter().position(|i| i == id).map_or(0, |p| p + 1))
    };
    view! {
        <div class="session-rows">
            <div
                role="tablist"
                id="session-tablist"
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
                    on:click=move |_| ws.select_session(0)
                >
                    <span class="tab-icon" aria-hidden="true">"⌂"</span>
                    "Home"
                </button>
                <For each=move || names.get() key=|pair| pair.clone() let:pair>
                    {
                        let (id, name) = pair;
                        let key = id.clone();
                        let is_selected = Memo::new(move |_| selected() == index_of(&key));
                        let click_id = id.clone();
                        let unread_id = id.clone();
                        let unread = Memo::new(move |_| ws.unread.with(|u| u.get(&unread_id).copied().unwrap_or(0)));
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
                                on:click=move |_| ws.select_session(index_of(&click_id))
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
                                on:click=move |_| ws.close_session(index_of(&id))
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

/// The Home session: the agent's base camp, with the agent dashboard as its application.
#[component]
fn HomeSession() -> impl IntoView {
    let selected_app = RwSignal::new(0usize);
    view! {
        <TabList
            label="Applications"
            prefix="app".to_owned()
            tabs=HOME_APPS
            selected=selected_app
            orientation=Orientation::Horizontal
        />
        <section
            role="tabpanel"
            id="app-panel-dashboard"
            aria-labelledby="app-tab-dashboard"
            class="app-panel dashboard"
            hidden=move || selected_app.get() != 0
        >
            <Dashboard />
            <AlertSettings ws={expect_context::<Workspace>()} />
        </section>
    }
}

/// A WAI-ARIA tablist with automatic activation: one tab in the tab order (roving tabindex),
/// arrow keys along its orientation plus Home and End move focus and selection together.
#[component]
pub fn TabList(
    label: &'static str,
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
            focus_tab(&list, next);
        }
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

/// Moves keyboard focus to the tab at `index` inside a tablist element.
fn focus_tab(list: &web_sys::Element, index: usize) {
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

/// Focuses the tab at `index` of the tablist with DOM id `list_id`, after the DOM updated.
pub fn focus_in(list_id: &'static str, index: usize) {
    request_animation_frame(move || {
        if let Some(list) = document().get_element_by_id(list_id) {
            focus_tab(&list, index);
        }
    });
}
