//! [`App`]: the router (leptos_router). Its base is the path of `<base data-trunk-public-url>`,
//! so a build for a sub-path (`trunk build --public-url /omnidesk/`) routes there too.
//!
//! | address | page |
//! |---|---|
//! | `/`, `/session/:item` | the agent's desk ([`pages::workspace::Desk`]), Home or that session selected |
//! | `/supervisor` | the supervisor's page |
//! | `/chat` | the customer chat page |
//! | `/signin` | server mode's sign-in (the standalone demo has none) |
//! | anything else | the not-found page, with a link Home |
//!
//! The desk and the supervisor page sit under the mode's workspace route
//! ([`crate::mode::Workspace`]), which boots the centre once for both.

use super::pages;
use crate::mode;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    let base = crate::browser::public_base();
    view! {
        <Router base=base>
            <Routes fallback=|| view! { <pages::not_found::NotFound /> }>
                <Route path=path!("/chat") view=pages::chat::ChatPage />
                <Route path=path!("/signin") view=mode::SignInRoute />
                <ParentRoute path=path!("") view=mode::Workspace>
                    <Route path=path!("/supervisor") view=pages::supervisor::SupervisorPage />
                    <ParentRoute path=path!("") view=pages::workspace::Desk>
                        <Route path=path!("") view=pages::workspace::HomeAddress />
                        <Route path=path!("/session/:item") view=pages::workspace::SessionAddress />
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
