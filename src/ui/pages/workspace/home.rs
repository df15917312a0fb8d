//! The Home session: the agent's base camp, with the agent dashboard as its application and
//! the offer alert settings.

use crate::model::tabs::Orientation;
use crate::ui::components::alert_settings::AlertSettings;
use crate::ui::components::dashboard::Dashboard;
use crate::ui::components::tab_list::{TabList, TabSpec};
use leptos::prelude::*;

/// The application tabs of the Home session.
const HOME_APPS: &[TabSpec] = &[TabSpec {
    id: "dashboard",
    label: "Dashboard",
}];

#[component]
pub fn HomeSession() -> impl IntoView {
    let selected_app = RwSignal::new(0usize);
    view! {
        <TabList
            label="Applications"
            prefix="app".to_owned()
            tabs=HOME_APPS
            selected=selected_app
            orientation=Orientation::Horizontal
        />
        <section
            role="tabpanel"
            id="app-panel-dashboard"
            aria-labelledby="app-tab-dashboard"
            class="app-panel dashboard"
            hidden=move || selected_app.get() != 0
        >
            <Dashboard />
            <AlertSettings />
        </section>
    }
}
