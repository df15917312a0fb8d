//! The Capacity meter (ui-contract.md, "Presence and capacity"): available units of the
//! agent's capacity, live.

use crate::model::projection;
use crate::ui::context::CentreView;
use leptos::prelude::*;

#[component]
pub fn CapacityMeter() -> impl IntoView {
    let centre = expect_context::<CentreView>();
    let me = Memo::new(move |_| centre.read(|c| projection::me(&c.engine, &c.me)));
    let percent = move || me.with(|m| (m.value_now() * 100).checked_div(m.capacity).unwrap_or(0));
    view! {
        <div
            class="capacity"
            role="meter"
            aria-label="Capacity"
            aria-valuemin="0"
            aria-valuemax=move || me.with(|m| m.capacity.to_string())
            aria-valuenow=move || me.with(|m| m.value_now().to_string())
            aria-valuetext=move || me.with(|m| m.value_text())
        >
            <span class="capacity-label" aria-hidden="true">"Capacity"</span>
            <span class="capacity-bar" aria-hidden="true">
                <span
                    class="capacity-fill"
                    class:capacity-over=move || me.with(|m| m.available < 0)
                    style:width=move || format!("{}%", percent())
                ></span>
            </span>
            <span class="capacity-text" aria-hidden="true">
                {move || me.with(|m| format!("{} / {}", m.available, m.capacity))}
            </span>
        </div>
    }
}
