//! Server mode's workspace route: with no saved sign-in for this server it goes to
//! `/signin` (coming back here afterwards); otherwise it reads the configuration (retrying
//! while the server is unreachable), builds the replica, connects, and shows the child route
//! once the replica has caught up — then restores the agent's open sessions and signs them in
//! to routing if needed. When the session ends it goes back to sign-in. The link, the clock
//! and the session-saving effect end with the route (`on_cleanup`).

use super::backend::{outbox_key, sessions_key, Backend};
use super::place::{server_base, tell_signin};
use crate::browser::app_path;
use crate::centre::Centre;
use crate::link::api::{self, ApiError};
use crate::link::SavedSession;
use crate::model::address;
use crate::model::replies::QuickReply;
use crate::model::sessions::Sessions;
use crate::storage::{legacy, local};
use crate::ui::components::top_bar::TopBar;
use crate::ui::context::{Change, Conn, Nav, Navigator, Workspace as Handles};
use leptos::prelude::*;
use leptos_router::components::Outlet;
use omnidesk_core::{AgentId, Input};
use omnidesk_wire::Outbox;
use std::time::Duration;

// The handles are ids of signals (Copy); boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Phase {
    Loading(String),
    Ready(Handles),
}

#[component]
pub fn Workspace() -> impl IntoView {
    let nav = Navigator::here();
    let base = server_base();
    let saved =
        local::read_or(SavedSession::KEY, SavedSession::legacy).and_then(|s| s.for_base(&base));
    let Some(session) = saved else {
        nav.go(&address::signin_path(&app_path()), Nav::Replace);
        return ().into_any();
    };
    let phase = RwSignal::new(Phase::Loading("Connecting to the server…".into()));
    let started = RwSignal::new(None::<(Handles, Backend)>);
    leptos::task::spawn_local(start(session, nav, phase, started));
    on_cleanup(move || {
        if let Some(Some((_, b))) = started.try_get_untracked() {
            b.shutdown();
        }
    });
    // Once live: the open sessions, sign-in to routing, the desk. When the session ends:
    // back to the form.
    let shown = StoredValue::new(false);
    Effect::new(move |_| {
        let Some((ws, _)) = started.get() else {
            return;
        };
        match ws.link.conn.get() {
            Conn::Live if !shown.get_value() => {
                shown.set_value(true);
                show(ws);
                phase.set(Phase::Ready(ws));
            }
            Conn::Ended(message) => {
                tell_signin(message);
                nav.go(&address::signin_path(&app_path()), Nav::Replace);
            }
            _ => {}
        }
    });
    (move || match phase.get() {
        Phase::Loading(what) => view! {
            <div class="shell"><TopBar /><p class="boot" role="status">{what}</p></div>
        }
        .into_any(),
        Phase::Ready(ws) => {
            ws.provide();
            if let Some(Some((_, backend))) = started.try_get_untracked() {
                provide_context(backend);
            }
            provide_context(super::slots::slots());
            run(ws);
            view! { <Outlet /> }.into_any()
        }
    })
    .into_any()
}

/// The clock and the saving of the open sessions, for as long as the view lives.
fn run(ws: Handles) {
    let interval =
        set_interval_with_handle(move || ws.clock.tick(), Duration::from_millis(1000)).ok();
    let key = sessions_key(&ws.centre.me());
    Effect::new(move |first: Option<()>| {
        let sessions = ws.sessions.with(Sessions::clone);
        if first.is_some() {
            local::write(&key, &sessions);
        }
    });
    on_cleanup(move || {
        if let Some(i) = interval {
            i.clear();
        }
    });
}

async fn start(
    s: SavedSession,
    nav: Navigator,
    phase: RwSignal<Phase>,
    started: RwSignal<Option<(Handles, Backend)>>,
) {
    let mut attempt = 0;
    let (config, replies) = loop {
        match api::config(&s.base, &s.token).await {
            Ok(a) => break (a.config, a.quick_replies),
            Err(ApiError::Status(401 | 403, _)) => {
                local::remove(SavedSession::KEY);
                tell_signin("Your session has ended. Sign in again.".into());
                nav.go(&address::signin_path(&app_path()), Nav::Replace);
                return;
            }
            Err(e) => {
                let wait = omnidesk_wire::link::backoff_ms(attempt, js_sys::Math::random());
                attempt += 1;
                let shown = phase.try_set(Phase::Loading(format!(
                    "Reconnecting… The server at {} can't be reached ({}). Trying again in {} s.",
                    s.base,
                    e.reason(),
                    wait.div_ceil(1000)
                )));
                if shown.is_some() {
                    return; // the route is gone
                }
                gloo_timers::future::sleep(Duration::from_millis(wait)).await;
            }
        }
    };
    let me = AgentId::from(s.agent.as_str());
    let ws = Handles::new(
        Centre::replica(config, me.clone()),
        Sessions::default(),
        nav,
    );
    ws.link.conn.set(Conn::Connecting);
    quick_replies(ws, &s, replies);
    let backend = Backend::new(ws, s);
    ws.attach(move |input| {
        backend.send(input);
    });
    if started.try_set(Some((ws, backend))).is_some() {
        return;
    }
    phase.try_set(Phase::Loading("Loading your workspace…".into()));
    let outbox: Outbox = local::read_or(&outbox_key(&me), legacy_outbox).unwrap_or_default();
    backend.connect(outbox);
}

/// Quick replies: the configuration's, and the agent's own kept with their account (a
/// server without them leaves the list with the centre's; a failed save is said).
fn quick_replies(ws: Handles, s: &SavedSession, centre: Vec<QuickReply>) {
    ws.replies.centre.set(centre);
    let (base, token) = (s.base.clone(), s.token.clone());
    let (b, t) = (base.clone(), token.clone());
    leptos::task::spawn_local(async move {
        if let Ok(mine) = api::my_replies(&b, &t).await {
            ws.replies.personal.try_set(mine);
        }
    });
    ws.replies.keep_with(move |_, change| {
        let (base, token) = (base.clone(), token.clone());
        let added = match &change {
            Change::Added(r) => Some(r.id.clone()),
            _ => None,
        };
        leptos::task::spawn_local(async move {
            match api::change_my_reply(&base, &token, change).await {
                Ok(Some(kept)) => {
                    if let Some(local) = added {
                        ws.replies.renamed(&local, kept.id);
                    }
                }
                Ok(None) => {}
                Err(e) => ws.notices.alert(format!(
                    "Your quick reply couldn't be saved on the server ({}).",
                    e.reason()
                )),
            }
        });
    });
}

/// The replica is live: the agent's open sessions come back, and the agent is signed in to
/// routing if they aren't (and haven't asked already).
fn show(ws: Handles) {
    let me = ws.centre.me();
    let sessions = local::read_or(&sessions_key(&me), legacy::decode_sessions);
    if let Some(mut sessions) = sessions {
        ws.centre
            .peek(|c| sessions.retain(|i| c.engine.state().items.contains_key(i)));
        ws.sessions.set(sessions);
    }
    let signed_in = ws.centre.peek(|c| {
        c.engine
            .state()
            .agents
            .get(&me)
            .is_some_and(|a| a.signed_in)
    });
    let asked = ws
        .link
        .pending
        .with_untracked(|p| p.iter().any(|i| matches!(i, Input::SignIn { .. })));
    if !signed_in && !asked {
        ws.commands.send(Input::SignIn { agent: me });
    }
    crate::browser::mark("centre-ready");
}

/// The previous version's outbox: `client_id \t action_id \t input-json` lines.
fn legacy_outbox(text: &str) -> Option<Outbox> {
    let pending = text
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let input = serde_json::from_str(&legacy::unclean(f.get(2)?)).ok()?;
            Some(omnidesk_wire::Pending {
                client_id: legacy::unclean(f[0]).as_str().into(),
                action_id: legacy::unclean(f[1]).as_str().into(),
                input,
            })
        })
        .collect();
    Some(Outbox { pending })
}
