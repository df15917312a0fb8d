//! Server mode's shell: [`ServerApp`] signs the agent in (or reuses the saved token), builds
//! the replica from the server's configuration, connects ([`super::sync`]) and shows the
//! [`Desk`](super::Desk) once the replica has caught up with the log. Also the top bar's
//! **Connection** status and **Sign out**, and the bar that shows a server refusal.

use super::shell::TopBar;
use super::sync::{self, Link};
use super::workspace::{sessions_key, Conn, Workspace};
use crate::runtime::centre::Centre;
use crate::runtime::net::{self, SavedSession};
use crate::runtime::sync::{backoff_ms, json_string};
use crate::runtime::{browser, wire};
use crate::sessions::Sessions;
use leptos::prelude::*;
use omnidesk_core::{AgentId, Input};
use std::time::Duration;

// A `Workspace` is a handle of signal ids (Copy); boxing it would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Phase {
    /// The sign-in form, with a message (why the agent is here again), maybe empty.
    SignIn(String),
    /// Connecting / catching up, with what the page is waiting for.
    Loading(String),
    Ready(Workspace),
}

/// The app in server mode, following the server at `base`.
#[component]
pub fn ServerApp(base: String) -> impl IntoView {
    let phase = RwSignal::new(Phase::Loading("Connecting to the server…".into()));
    let started = RwSignal::new(None::<Workspace>);
    let base = StoredValue::new(base);
    match net::saved_session(&base.get_value()) {
        Some(s) => leptos::task::spawn_local(start(s, phase, started)),
        None => phase.set(Phase::SignIn(String::new())),
    }
    // Once the replica is live: restore the open sessions, sign in to routing if needed, show
    // the desk. When the session ends: back to the form.
    let mut shown = false;
    Effect::new(move |_| {
        let Some(ws) = started.get() else {
            return;
        };
        match ws.conn.get() {
            Conn::Live if !shown => {
                shown = true;
                let me = ws.me();
                let sessions = net::local_get(&sessions_key(&me))
                    .as_deref()
                    .and_then(Sessions::decode);
                if let Some(mut sessions) = sessions {
                    ws.peek(|c| sessions.retain(|i| c.engine.state().items.contains_key(i)));
                    ws.sessions.set(sessions);
                }
                let signed_in = ws.peek(|c| {
                    c.engine
                        .state()
                        .agents
                        .get(&me)
                        .is_some_and(|a| a.signed_in)
                });
                let asked = ws
                    .pending
                    .with_untracked(|p| p.iter().any(|i| matches!(i, Input::SignIn { .. })));
                if !signed_in && !asked {
                    ws.send(Input::SignIn { agent: me });
                }
                browser::mark("centre-ready");
                phase.set(Phase::Ready(ws));
            }
            Conn::Ended(message) => {
                shown = false;
                started.set(None);
                phase.set(Phase::SignIn(message));
            }
            _ => {}
        }
    });
    move || match phase.get() {
        Phase::SignIn(message) => view! {
            <SignInPage base=base.get_value() message=message on_signed_in=move |s| {
                leptos::task::spawn_local(start(s, phase, started));
            } />
        }
        .into_any(),
        Phase::Loading(what) => view! {
            <div class="shell"><TopBar ws=None /><p class="boot" role="status">{what}</p></div>
        }
        .into_any(),
        Phase::Ready(ws) => view! { <super::Desk ws=ws /> }.into_any(),
    }
}

/// Reads the configuration (retrying while the server is unreachable), builds the replica and
/// connects.
async fn start(s: SavedSession, phase: RwSignal<Phase>, started: RwSignal<Option<Workspace>>) {
    let mut attempt = 0;
    let config = loop {
        let answer = net::request(
            "GET",
            &format!("{}api/config", s.base),
            Some(&s.token),
            None,
        )
        .await;
        match answer {
            Ok(a) if a.status == 200 => {
                let config = js_sys::Reflect::get(&a.body, &"config".into())
                    .map_err(|_| "no config".to_owned())
                    .and_then(|c| wire::config(&c).map_err(|e| e.to_string()));
                match config {
                    Ok(c) => break c,
                    Err(e) => {
                        phase.set(Phase::SignIn(format!(
                            "The server's configuration couldn't be read ({e}). This app and the server may be different versions."
                        )));
                        return;
                    }
                }
            }
            Ok(a) if a.status == 401 || a.status == 403 => {
                net::save_session(None);
                phase.set(Phase::SignIn(
                    "Your session has ended. Sign in again.".into(),
                ));
                return;
            }
            failed => {
                let why = match failed {
                    Ok(a) => a.reason().unwrap_or_else(|| format!("status {}", a.status)),
                    Err(e) => e,
                };
                let wait = backoff_ms(attempt, js_sys::Math::random());
                attempt += 1;
                phase.set(Phase::Loading(format!(
                    "Reconnecting… The server at {} can't be reached ({why}). Trying again in {} s.",
                    s.base,
                    wait.div_ceil(1000)
                )));
                sleep(wait).await;
            }
        }
    };
    phase.set(Phase::Loading("Loading your workspace…".into()));
    let me = AgentId::from(s.agent.as_str());
    let link = Link::new(s.base.clone(), s.token.clone(), &s.agent);
    let ws = Workspace::following(Centre::replica(config, me), Sessions::default(), link);
    started.set(Some(ws));
    sync::connect(ws);
    ws.start();
}

async fn sleep(ms: u64) {
    let (tx, rx) = futures_channel();
    set_timeout(tx, Duration::from_millis(ms));
    let _ = rx.await;
}

/// A one-shot wake-up without another dependency: a JS promise resolved by the timer.
fn futures_channel() -> (impl FnOnce(), wasm_bindgen_futures::JsFuture) {
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |r, _| resolve = Some(r));
    let resolve = resolve.expect("the executor runs at once");
    (
        move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        },
        wasm_bindgen_futures::JsFuture::from(promise),
    )
}

/// The sign-in form.
#[component]
fn SignInPage(
    base: String,
    message: String,
    on_signed_in: impl Fn(SavedSession) + Copy + 'static,
) -> impl IntoView {
    let agent = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(message);
    let busy = RwSignal::new(false);
    let base = StoredValue::new(base);
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let id = agent.get_untracked().trim().to_owned();
        let pw = password.get_untracked();
        if id.is_empty() || pw.is_empty() {
            error.set("Enter your agent ID and your password.".into());
            return;
        }
        busy.set(true);
        error.set(String::new());
        let base = base.get_value();
        leptos::task::spawn_local(async move {
            let body = format!(
                "{{\"agent\":{},\"password\":{}}}",
                json_string(&id),
                json_string(&pw)
            );
            let answer =
                net::request("POST", &format!("{base}api/sessions"), None, Some(body)).await;
            busy.set(false);
            match answer {
                Ok(a) if a.status == 200 => {
                    let token = js_sys::Reflect::get(&a.body, &"token".into())
                        .ok()
                        .and_then(|t| t.as_string())
                        .unwrap_or_default();
                    let session = SavedSession {
                        base,
                        agent: js_sys::Reflect::get(&a.body, &"agent".into())
                            .ok()
                            .and_then(|t| t.as_string())
                            .unwrap_or(id),
                        token,
                    };
                    net::save_session(Some(&session));
                    password.set(String::new());
                    on_signed_in(session);
                }
                Ok(a) if a.status == 401 => {
                    error.set("Wrong agent ID or password. Check both and try again.".into())
                }
                Ok(a) => error.set(format!(
                    "The server couldn't sign you in: {}.",
                    a.reason().unwrap_or_else(|| format!("status {}", a.status))
                )),
                Err(e) => error.set(format!(
                    "Can't reach the server at {base} ({e}). Check your connection and try again."
                )),
            }
        });
    };
    view! {
        <div class="shell">
            <TopBar ws=None />
            <main class="signin">
                <form class="signin-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                    <h1 class="panel-title">"Sign in to omnidesk"</h1>
                    <p class="panel-lead">"Your contact centre's workspace. Sign in with your agent ID."</p>
                    <div role="alert" class="message-bar message-error" hidden=move || error.with(|e| e.is_empty())>
                        <span class="message-icon" aria-hidden="true">"⚠"</span>
                        <span class="message-text">{move || error.get()}</span>
                    </div>
                    <label for="signin-agent">"Agent ID"</label>
                    <input id="signin-agent" type="text" autocomplete="username" autocapitalize="none"
                        spellcheck="false" prop:value=move || agent.get()
                        on:input=move |ev| agent.set(event_target_value(&ev)) />
                    <label for="signin-password">"Password"</label>
                    <input id="signin-password" type="password" autocomplete="current-password"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                    <button type="submit" class="btn btn-primary" aria-disabled=move || busy.get().to_string()>
                        {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
            </main>
        </div>
    }
}

// The top bar's and status bar's server-mode parts, in the server build only. Real `cfg`s:
// their handlers are boxed closures, which wasm's linker keeps (vtables) even behind an `if`
// on a constant.

/// The top bar's Connection status (server build).
#[cfg(feature = "server")]
pub fn connection(ws: Option<Workspace>) -> Option<impl IntoView> {
    ws.map(|ws| view! { <Connection ws=ws /> })
}

#[cfg(not(feature = "server"))]
pub fn connection(_: Option<Workspace>) -> Option<()> {
    None
}

/// The signed-in agent and Sign out (server build).
#[cfg(feature = "server")]
pub fn sign_out(ws: Option<Workspace>) -> Option<impl IntoView> {
    ws.map(|ws| view! { <SignOut ws=ws /> })
}

#[cfg(not(feature = "server"))]
pub fn sign_out(_: Option<Workspace>) -> Option<()> {
    None
}

/// The refusal bar (server build).
#[cfg(feature = "server")]
pub fn rejection_bar(ws: Workspace) -> Option<impl IntoView> {
    Some(view! { <RejectionBar ws=ws /> })
}

#[cfg(not(feature = "server"))]
pub fn rejection_bar(_: Workspace) -> Option<()> {
    None
}

/// The connection status in the top bar: live, catching up, or reconnecting (with when), and
/// the actions still waiting for the server.
#[cfg(feature = "server")]
#[component]
pub fn Connection(ws: Workspace) -> impl IntoView {
    let text = move || {
        let pending = ws.pending.with(|p| p.len());
        let now = ws.now.get();
        let (state, offline) = match ws.conn.get() {
            Conn::Live => ("Live".to_owned(), false),
            Conn::Connecting => ("Connecting…".to_owned(), true),
            Conn::CatchingUp => ("Catching up…".to_owned(), false),
            Conn::Reconnecting { retry_at } => (
                format!(
                    "Reconnecting… next try in {} s",
                    retry_at.saturating_sub(now).div_ceil(1000).max(1)
                ),
                true,
            ),
            Conn::Ended(_) => ("Signed out".to_owned(), true),
        };
        let actions = if pending == 1 { "action" } else { "actions" };
        match (pending, offline) {
            (0, _) => state,
            (n, true) => {
                format!("{state} · {n} {actions} will be sent when the connection is back")
            }
            (n, false) => format!("{state} · sending {n} {actions}…"),
        }
    };
    let class = move || match ws.conn.get() {
        Conn::Live => "conn conn-live",
        Conn::Reconnecting { .. } | Conn::Connecting => "conn conn-down",
        _ => "conn",
    };
    view! {
        <span class=class role="status" aria-label="Connection">
            <span class="conn-dot" aria-hidden="true"></span>
            <span class="conn-text" title=text>{text}</span>
        </span>
    }
}

/// Sign out (the agent leaves routing and the token ends).
#[cfg(feature = "server")]
#[component]
pub fn SignOut(ws: Workspace) -> impl IntoView {
    let name = ws.peek(|c| {
        c.engine
            .config()
            .agents
            .get(&c.me)
            .map_or_else(|| c.me.to_string(), |a| a.name.clone())
    });
    view! {
        <span class="signed-in-as">{name}</span>
        <button type="button" class="sign-out" on:click=move |_| leptos::task::spawn_local(sync::sign_out(ws))>
            "Sign out"
        </button>
    }
}

/// A server refusal of the agent's action, in words, until dismissed.
#[cfg(feature = "server")]
#[component]
pub fn RejectionBar(ws: Workspace) -> impl IntoView {
    let text = Memo::new(move |_| {
        ws.rejection.with(|r| {
            r.as_ref().map(|r| {
                ws.read(|c| {
                    crate::runtime::sync::rejection_text(
                        &r.input,
                        &r.reason,
                        c.engine.state(),
                        &c.me,
                    )
                })
            })
        })
    });
    view! {
        <div role="alert" class="message-bar message-warning message-error" hidden=move || text.with(|t| t.is_none())>
            <span class="message-icon" aria-hidden="true">"⚠"</span>
            <span class="message-text">{move || text.get().unwrap_or_default()}</span>
            <button type="button" class="btn btn-subtle" on:click=move |_| ws.rejection.set(None)>"Dismiss"</button>
        </div>
    }
}
