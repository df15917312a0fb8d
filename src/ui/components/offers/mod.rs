//! The ringing offers (ui-contract.md, "Notifications"), stacked soonest-to-expire first, none
//! lost. Each new one is announced through a live region, takes focus only when the agent
//! isn't typing, shows the browser's notification when the page is hidden, and beeps when the
//! sound is on. R23: once a person can see an offer — its dialog drawn while the page is
//! visible, or the desktop notification shown — `offer_seen` is sent, once per offer; a
//! hidden page without a notification sends nothing, so the offer moves on.

mod card;

use super::focus::{focus_id, typing};
use crate::browser::notify;
use crate::model::projection;
use crate::ui::context::{CentreView, Commands, OfferAlerts};
use card::OfferCard;
use leptos::prelude::*;
use omnidesk_core::ItemId;

#[component]
pub fn Offers() -> impl IntoView {
    let centre = expect_context::<CentreView>();
    let alerts = expect_context::<OfferAlerts>();
    let commands = expect_context::<Commands>();
    let offers =
        Memo::new(move |_| centre.read(|c| projection::offers(&c.engine, &c.journal, &c.me)));
    let announcement = RwSignal::new(String::new());
    seen_when_visible(offers);
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
            let item = o.id.clone();
            notify::show(
                &format!("{} request: {}", o.channel_label, o.customer),
                &text,
                move || commands.offer_seen(item),
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

/// R23: `offer_seen` for each unseen offer while the page is visible (the dialogs are drawn
/// by then: effects run after the DOM update), once per offer (an offer is its item and its
/// expiry; a new offer of the same item after a decline is confirmed again).
fn seen_when_visible(offers: Memo<Vec<projection::Offer>>) {
    let commands = expect_context::<Commands>();
    let visible = RwSignal::new(!notify::hidden());
    let listener = window_event_listener_untyped("visibilitychange", move |_| {
        visible.try_set(!notify::hidden());
    });
    on_cleanup(move || listener.remove());
    let sent = StoredValue::new(Vec::<(ItemId, u64)>::new());
    Effect::new(move |_| {
        let ringing: Vec<(ItemId, u64, bool)> = offers.with(|o| {
            o.iter()
                .map(|o| (o.id.clone(), o.expires_at, o.seen))
                .collect()
        });
        sent.update_value(|s| s.retain(|k| ringing.iter().any(|(i, e, _)| (i, e) == (&k.0, &k.1))));
        if !visible.get() {
            return;
        }
        for (item, expires, _) in ringing.into_iter().filter(|r| !r.2) {
            let key = (item.clone(), expires);
            if sent.with_value(|s| !s.contains(&key)) {
                sent.update_value(|s| s.push(key));
                commands.offer_seen(item);
            }
        }
    });
}
