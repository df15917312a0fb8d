//! Offer alerts: the offer sound (a toggle button) and "Allow desktop notifications" (the
//! browser needs a user gesture to ask).

use super::icons::bell_icon;
use crate::browser::notify;
use crate::ui::context::OfferAlerts;
use leptos::prelude::*;

#[component]
pub fn AlertSettings() -> impl IntoView {
    let alerts = expect_context::<OfferAlerts>();
    let permission = alerts.permission;
    view! {
        <section class="alert-settings" aria-label="Offer alerts">
            <span class="alert-settings-label">"Offer alerts:"</span>
            <button
                type="button"
                class="btn btn-subtle"
                aria-pressed=move || alerts.sound.get().to_string()
                on:click=move |_| {
                    alerts.sound.update(|s| *s = !*s);
                    if alerts.sound.get_untracked() {
                        notify::beep();
                    }
                }
            >
                {move || bell_icon(alerts.sound.get())}
                "Offer sound"
            </button>
            <button
                type="button"
                class="btn btn-subtle"
                hidden=move || permission.with(|p| p != "default")
                on:click=move |_| notify::request(move |p| permission.set(p))
            >
                "Allow desktop notifications"
            </button>
        </section>
    }
}
