//! The top bar: the product, and once the workspace runs the **Supervisor** link (for an agent
//! who supervises a queue, R25–R28; `aria-current` on its page), the Capacity meter and the
//! Presence menu button, with the mode's own part (server mode: the Connection status, Sign
//! out) in its slot.

use super::capacity_meter::CapacityMeter;
use super::presence_menu::PresenceMenu;
use crate::model::supervision::is_supervisor;
use crate::ui::context::{slot, CentreView, Navigator};
use leptos::prelude::*;

#[component]
pub fn TopBar() -> impl IntoView {
    let centre = use_context::<CentreView>();
    let running = centre.is_some();
    let supervises = centre.is_some_and(|c| c.peek(|c| is_supervisor(&c.engine, &c.me)));
    let nav = Navigator::here();
    let here = leptos_router::hooks::use_location().pathname;
    let on_page = move || here.with(|p| p.ends_with("/supervisor"));
    view! {
        <header class="topbar">
            <span class="brand" aria-hidden="true">"◆"</span>
            <span class="product">"omnidesk"</span>
            <span class="divider" aria-hidden="true"></span>
            <span class="workspace">"Customer Service workspace"</span>
            <span class="spacer"></span>
            {running.then(|| view! {
                {slot(|s| s.top_bar.clone())}
                {supervises.then(|| view! {
                    <a
                        class="topbar-link"
                        href=move || nav.href("/supervisor")
                        // The supervisor page is its own bundle: the browser loads it.
                        rel=move || (!on_page()).then_some("external")
                        aria-current=move || on_page().then_some("page")
                    >
                        "Supervisor"
                    </a>
                })}
                <CapacityMeter />
                <PresenceMenu />
            })}
        </header>
    }
}
