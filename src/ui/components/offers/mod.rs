//! The ringing offers (ui-contract.md, "Notifications"), stacked soonest-to-expire first, none
//! lost. Each new one is announced through a live region, takes focus only when the agent
//! isn't typing, shows the browser's notification when the page is hidden, and beeps when the
//! sound is on.

mod card;

use super::focus::{focus_id, typing};
use crate::browser::notify;
use crate::model::projection;
use crate::ui::context::{CentreView, OfferAlerts};
use card::OfferCard;
use leptos::prelude::*;
use omnidesk_core::ItemId;

#[component]
pub fn Offers() -> impl IntoView {
    let centre = expect_context::<CentreView>();
    let alerts = expect_context::<OfferAlerts>();
    let offers =
        Memo::new(move |_| centre.read(|c| projection::offers(&c.engine, &c.journal, &c.me)));
    let announcement = RwSignal::new(String::new());
    Effect::new(move |previous: Option<Vec<ItemId>>| {
        let current: Vec<ItemId> = offers.with(|o| o.iter().map(|o| o.id.clone()).collect());
        let seen = previous.unwrap_or_default();
        let fresh = offers.with_untracked(|o| o.iter().find(|o| !seen.contains(&o.id)).cloned());
        if let Some(o) = fresh {
            let text = format!(
                "New {} request from {}{}",
                o.channel_label,
                o.customer,
                o.text
                    .as_ref()
                    .map(|t| format!(": {t}"))
                    .unwrap_or_default()
            );
            announcement.set(text.clone());
            notify::show(
                &format!("{} request: {}", o.channel_label, o.customer),
                &text,
            );
            if alerts.sound.get_untracked() {
                notify::beep();
            }
            if !typing() {
                focus_id(format!("offer-accept-{}", o.id));
            }
        }
        current
    });
    view! {
        <div class="sr-only" role="status" aria-live="assertive">{move || announcement.get()}</div>
        <div class="offers">
            <For each=move || offers.get() key=|o| o.id.clone() let:o>
                <OfferCard offer=o />
            </For>
        </div>
    }
}
