//! The top bar: the product, and once the workspace runs the Capacity meter and the Presence
//! menu button, with the mode's own part (server mode: the Connection status, Sign out) in its
//! slot.

use super::capacity_meter::CapacityMeter;
use super::presence_menu::PresenceMenu;
use crate::ui::context::{slot, CentreView};
use leptos::prelude::*;

#[component]
pub fn TopBar() -> impl IntoView {
    let running = use_context::<CentreView>().is_some();
    view! {
        <header class="topbar">
            <span class="brand" aria-hidden="true">"◆"</span>
            <span class="product">"omnidesk"</span>
            <span class="divider" aria-hidden="true"></span>
            <span class="workspace">"Customer Service workspace"</span>
            <span class="spacer"></span>
            {running.then(|| view! {
                {slot(|s| s.top_bar.clone())}
                <CapacityMeter />
                <PresenceMenu />
            })}
        </header>
    }
}
