//! The standalone workspace route: takes the lead (Web Locks), loads the save (migrating the
//! previous format), applies `?reset` once and drops it from the address, then provides the
//! context handles and shows the child route (the desk, the supervisor page). The clock's
//! interval, the `/chat` channel and the session-saving effect belong to that view: they end
//! with it (`on_cleanup`).

use super::chat::LiveChannel;
use super::engine::Backend;
use crate::browser::{self, lock};
use crate::centre::Centre;
use crate::model::params::Params;
use crate::model::sessions::Sessions;
use crate::storage::idb::{self, Loaded, Store};
use crate::storage::local;
use crate::ui::components::top_bar::TopBar;
use crate::ui::context::{Navigator, Workspace as Handles};
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_query_map};
use std::time::Duration;

/// Where the agent's own quick replies are kept (`localStorage`, a serde list).
const QUICK_REPLIES_KEY: &str = "omnidesk.quick-replies";

// The handles are ids of signals (Copy); boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Copy)]
enum Phase {
    Loading,
    Follower,
    Ready(Handles, Backend),
}

/// The route around every page that needs the running centre.
#[component]
pub fn Workspace() -> impl IntoView {
    let params = use_query_map().with_untracked(|q| {
        let pairs: Vec<(String, String)> = q
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Params::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    });
    if let Some(url) = params
        .server
        .as_deref()
        .and_then(crate::model::params::server_url)
    {
        // `?server=URL` in the standalone build: the server serves its own build of this app.
        if let Some(w) = web_sys::window() {
            let _ = w.location().replace(&url);
        }
        return view! { <p class="boot" role="status">{format!("Opening the omnidesk server at {url}…")}</p> }
            .into_any();
    }
    let nav = Navigator::here();
    let location = use_location();
    let phase = RwSignal::new(Phase::Loading);
    leptos::task::spawn_local(async move {
        let reset = params.reset;
        let ready = boot(params, nav).await;
        if reset {
            // Applied once: the address loses `?reset` (a reload must not empty the save).
            nav.reload_address(&location.pathname.get_untracked());
        }
        phase.try_set(ready);
    });
    (move || match phase.get() {
        Phase::Loading => view! {
            <div class="shell"><TopBar /><p class="boot" role="status">"Loading your workspace…"</p></div>
        }
        .into_any(),
        Phase::Follower => view! {
            <div class="shell">
                <TopBar />
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
        Phase::Ready(ws, backend) => {
            ws.provide();
            provide_context(backend);
            provide_context(super::slots::slots());
            run(ws, backend);
            view! { <Outlet /> }.into_any()
        }
    })
    .into_any()
}

/// Starts what keeps the workspace alive — the clock, the `/chat` channel, saving the open
/// sessions — for as long as the current reactive owner lives.
pub fn run(ws: Handles, backend: Backend) {
    // The clock: a tick now (timers that fell due while the page was closed fire, R0a), then
    // every second, and at the engine's next timer when that comes sooner.
    backend.tick_and_schedule();
    let interval = set_interval_with_handle(
        move || backend.tick_and_schedule(),
        Duration::from_millis(1000),
    )
    .ok();
    backend.live.set_value(LiveChannel::listen(ws.commands));
    Effect::new(move |first: Option<()>| {
        let sessions = ws.sessions.with(Sessions::clone);
        if first.is_some() {
            backend.save_sessions(sessions);
        }
    });
    on_cleanup(move || {
        if let Some(i) = interval {
            i.clear();
        }
        backend.live.try_set_value(None);
    });
}

async fn boot(params: Params, nav: Navigator) -> Phase {
    if lock::lead(false).await == lock::Leadership::Follower {
        leptos::task::spawn_local(async {
            lock::lead(true).await;
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        return Phase::Follower;
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
    let mut loaded = Loaded::default();
    if let Some(store) = &store {
        if params.reset {
            let _ = store.clear().await;
        }
        match store.load().await {
            Ok(l) => {
                browser::mark("save-loaded");
                loaded = l
            }
            Err(e) => {
                problem = Some(format!(
                    "Your saved workspace couldn't be read: {}.",
                    browser::describe(&e)
                ))
            }
        }
    }
    let now = browser::now_ms();
    let mut centre: Option<Centre> = None;
    let mut migrated = false;
    if !loaded.is_empty() {
        // The previous version's save is tab-separated text: written again in this one's.
        migrated = loaded
            .snapshot
            .as_ref()
            .and_then(|s| s.as_string())
            .is_some_and(|s| !crate::storage::clone::is_json(&s));
        let read = idb::read(&loaded);
        browser::mark("save-decoded");
        match read.and_then(|(saved, log)| Centre::restore(saved, log, params.sim_on)) {
            Ok(c) => centre = Some(c),
            Err(e) => {
                problem = Some(format!(
                    "Your saved workspace couldn't be used: {e}. It was set aside, and a fresh workspace started."
                ));
                if let Some(store) = &store {
                    let _ = store.set_aside(&loaded).await;
                }
                loaded.ui = None;
            }
        }
    }
    let fresh = centre.is_none();
    let mut centre =
        centre.unwrap_or_else(|| Centre::fresh(params.seed.unwrap_or(now), params.sim_on, now).0);
    if let Some(rate) = params.rate {
        centre.sim.arrival_every_ms = 60_000 / rate;
    }
    if fresh && params.demo > 0 {
        centre.fill(params.demo, now);
        browser::mark("demo-filled");
    }
    let mut sessions = idb::read_sessions(&loaded).unwrap_or_default();
    sessions.retain(|i| centre.engine.state().items.contains_key(i));
    let ws = Handles::new(centre, sessions, nav);
    let backend = Backend::new(&ws, store);
    ws.attach(move |input| backend.send(input));
    // Quick replies: the demo centre's, and the agent's own kept in this browser.
    ws.replies.centre.set(crate::centre::replies::demo());
    ws.replies
        .personal
        .set(local::read_or(QUICK_REPLIES_KEY, |_| None).unwrap_or_default());
    ws.replies
        .keep_with(|mine, _| local::write(QUICK_REPLIES_KEY, &mine));
    if let Some(p) = problem {
        ws.notices.alert(p);
    }
    if fresh || migrated {
        // A migrated save is written again in this version's format at once.
        backend.snapshot_now().await;
        if migrated {
            backend.save_sessions(ws.sessions.with_untracked(Sessions::clone));
        }
    }
    browser::mark("centre-ready");
    Phase::Ready(ws, backend)
}
