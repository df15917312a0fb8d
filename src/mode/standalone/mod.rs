//! The standalone demo: the routing core runs in the page. [`Backend`] hands the agent's
//! inputs to the page's engine, ticks its clock, saves to IndexedDB and talks to the `/chat`
//! page over a BroadcastChannel; [`Workspace`] boots it (the Web Lock, the save, `?reset`);
//! [`DashboardExtras`] is the Demo region.

mod boot;
mod chat;
mod engine;

pub use boot::{run, Workspace};
pub use chat::ChatTransport;
pub use engine::Backend;

use crate::ui::components::demo_region::DemoRegion;
use crate::ui::context::Commands;
use leptos::prelude::*;

/// The Demo region under the dashboard's heading.
#[component]
pub fn DashboardExtras() -> impl IntoView {
    let commands = expect_context::<Commands>();
    let sim = commands.with_backend(|b| b.sim_note()).unwrap_or_default();
    view! {
        <DemoRegion
            note=sim
            on_simulate=move |channel: &'static str| {
                commands.with_backend(|b| b.simulate(channel));
            }
        />
    }
}

/// The top bar's mode-specific part: nothing in the standalone demo.
#[component]
pub fn TopBarExtras() -> impl IntoView {}

/// The status bar's mode-specific part: nothing in the standalone demo.
#[component]
pub fn StatusExtras() -> impl IntoView {}

/// `/signin` is server mode's: the standalone demo has no such page.
#[component]
pub fn SignInRoute() -> impl IntoView {
    view! { <crate::ui::pages::not_found::NotFound /> }
}
