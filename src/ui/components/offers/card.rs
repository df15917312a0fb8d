//! One offer: an `alertdialog` named after the channel and the customer, with the customer's
//! details, the queue, the first message, a countdown computed from the offer's expiry, and
//! Accept and Reject.

use crate::model::projection;
use crate::ui::context::{Clock, Commands};
use leptos::prelude::*;

#[component]
pub fn OfferCard(offer: projection::Offer) -> impl IntoView {
    let clock = expect_context::<Clock>();
    let commands = expect_context::<Commands>();
    let o = offer;
    let accept_id = o.id.clone();
    let reject_id = o.id.clone();
    let expires = o.expires_at;
    let title_id = format!("offer-title-{}", o.id);
    let details_id = format!("offer-details-{}", o.id);
    let facts: Vec<(&'static str, String)> = [
        ("Customer ID", o.customer_id.clone()),
        ("Email", o.email.clone()),
        ("Phone", o.phone.clone()),
        ("Language", o.language.clone()),
        ("Location", o.location.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .chain(std::iter::once((
        "Previous conversations",
        o.previous.to_string(),
    )))
    .collect();
    view! {
        <div
            class="offer"
            class:offer-urgent=move || projection::urgent(clock.now(), expires)
            role="alertdialog"
            aria-labelledby=title_id.clone()
            aria-describedby=details_id.clone()
        >
            <h2 id=title_id.clone() class="offer-title">
                {format!("{} request: {}", o.channel_label, o.customer)}
            </h2>
            <div id=details_id.clone() class="offer-details">
                <p class="offer-meta">{format!("Queue: {}", o.queue)}</p>
                {o.text.clone().map(|t| view! { <p class="offer-text">{t}</p> })}
                <dl class="offer-facts">
                    {facts.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                </dl>
            </div>
            <p class="offer-timer">
                "Time left: "
                <span role="timer" aria-live="off">
                    {move || projection::countdown(clock.now(), expires)}
                </span>
            </p>
            <div class="offer-actions">
                <button
                    type="button"
                    id=format!("offer-accept-{}", o.id)
                    class="btn btn-primary"
                    on:click=move |_| commands.accept(accept_id.clone())
                >
                    "Accept"
                </button>
                <button type="button" class="btn" on:click=move |_| commands.reject(reject_id.clone())>
                    "Reject"
                </button>
            </div>
        </div>
    }
}
