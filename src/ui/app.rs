//! The routers (leptos_router), one per bundle. The app is built as three bundles so a page
//! downloads only its own code (BENCHMARKS.md, "Bundle size"): `index.html`'s loader picks
//! one by the address's first segment ([`Bundle::of`]), and each bundle's router has its own
//! pages. Their base is the path of `<base data-trunk-public-url>`, so a build for a sub-path
//! (`trunk build --public-url /omnidesk/`) routes there too.
//!
//! | address | bundle | page |
//! |---|---|---|
//! | `/`, `/session/:item` | [`DeskApp`] | the agent's desk ([`pages::workspace::Desk`]), Home or that session selected |
//! | `/signin` | [`DeskApp`] | server mode's sign-in (the standalone demo has none) |
//! | `/supervisor` | [`SupervisorApp`] | the supervisor's page |
//! | `/chat` | [`ChatApp`] | the customer chat page |
//! | anything else | [`DeskApp`] | the not-found page, with a link Home |
//!
//! The desk and the supervisor page sit under the mode's workspace route
//! ([`crate::mode::Workspace`]), which boots the centre. A move to another bundle's address
//! (a link, a navigation after sign-in) loads that page afresh ([`Elsewhere`]).

use super::pages;
use crate::mode;
use crate::model::address::Bundle;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// The agent's desk, sign-in and not-found: `src/main.rs`.
#[component]
pub fn DeskApp() -> impl IntoView {
    let base = crate::browser::public_base();
    view! {
        <Router base=base>
            <Routes fallback=|| view! { <pages::not_found::NotFound /> }>
                <Route path=path!("/signin") view=mode::SignInRoute />
                <Route path=path!("/chat") view=|| view! { <Elsewhere here=Bundle::Desk /> } />
                <Route path=path!("/supervisor") view=|| view! { <Elsewhere here=Bundle::Desk /> } />
                <ParentRoute path=path!("") view=mode::Workspace>
                    <ParentRoute path=path!("") view=pages::workspace::Desk>
                        <Route path=path!("") view=pages::workspace::HomeAddress />
                        <Route path=path!("/session/:item") view=pages::workspace::SessionAddress />
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The supervisor page: `src/bin/omnidesk-supervisor.rs`.
#[component]
pub fn SupervisorApp() -> impl IntoView {
    let base = crate::browser::public_base();
    view! {
        <Router base=base>
            <Routes fallback=|| view! { <Elsewhere here=Bundle::Supervisor /> }>
                <ParentRoute path=path!("") view=mode::Workspace>
                    <Route path=path!("/supervisor") view=pages::supervisor::SupervisorPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The customer's chat page: `src/bin/omnidesk-chat.rs`.
#[component]
pub fn ChatApp() -> impl IntoView {
    let base = crate::browser::public_base();
    view! {
        <Router base=base>
            <Routes fallback=|| view! { <Elsewhere here=Bundle::Chat /> }>
                <Route path=path!("/chat") view=pages::chat::ChatPage />
            </Routes>
        </Router>
    }
}

/// An address this bundle doesn't serve: if another bundle does, the page loads again at it
/// (the loader then picks that bundle); if it is this bundle's own, it is not found. Never a
/// loop: a bundle only reloads for an address [`Bundle::of`] gives to another.
#[component]
fn Elsewhere(here: Bundle) -> impl IntoView {
    let path = crate::browser::app_path();
    if Bundle::of(&path) == here {
        return view! { <pages::not_found::NotFound /> }.into_any();
    }
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
    view! { <p class="page-loading" role="status">"Opening the page…"</p> }.into_any()
}
