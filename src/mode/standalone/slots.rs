//! The standalone demo's widgets in the mode-agnostic views: the Demo region on the dashboard.

use super::engine::Backend;
use crate::ui::components::demo_region::DemoRegion;
use crate::ui::context::ModeSlots;
use leptos::prelude::*;

/// The standalone demo's widgets in the mode-agnostic views: the Demo region.
pub fn slots() -> ModeSlots {
    ModeSlots {
        dashboard: Some(ViewFn::from(|| view! { <DemoControls /> })),
        ..Default::default()
    }
}

/// The Demo region under the dashboard's heading.
#[component]
fn DemoControls() -> impl IntoView {
    let backend = expect_context::<Backend>();
    view! {
        <DemoRegion
            note=backend.sim_note()
            on_simulate=move |channel: &'static str| backend.simulate(channel)
        />
    }
}
