//! The standalone demo: the routing core runs in the page. [`Backend`] hands the agent's
//! inputs to the page's engine, ticks its clock, saves to IndexedDB and talks to the `/chat`
//! page over a BroadcastChannel; [`Workspace`] boots it (the Web Lock, the save, `?reset`);
//! [`slots`] puts the Demo region on the dashboard.

mod boot;
mod chat;
mod engine;
mod slots;

pub use boot::{run, Workspace};
pub use chat::ChatTransport;
pub use engine::Backend;
pub use slots::slots;

use leptos::prelude::*;

/// `/signin` is server mode's: the standalone demo has no such page.
#[component]
pub fn SignInRoute() -> impl IntoView {
    view! { <crate::ui::pages::not_found::NotFound /> }
}
