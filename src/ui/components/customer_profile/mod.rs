//! The Customer application tab: the customer's profile and their earlier conversations
//! (by customer id).

use super::conversation::view::clock_time;
use crate::model::projection::Conversation;
use leptos::prelude::*;

/// The Customer application tab: the profile and the customer's earlier conversations.
#[component]
pub fn CustomerProfile(info: Memo<Option<Conversation>>) -> impl IntoView {
    move || {
        info.get().map(|c| {
            let dash = || "—".to_owned();
            let earlier = if c.earlier.is_empty() {
                view! { <p class="empty">"No earlier conversations with this customer."</p> }.into_any()
            } else {
                view! {
                    <ul class="earlier">
                        {c.earlier.into_iter().map(|e| view! {
                            <li class="earlier-row">
                                <span class="earlier-main">{format!("{} · {}", e.channel_label, e.queue)}</span>
                                <span class="state-badge">{e.status}</span>
                                <span class="earlier-time">{clock_time(e.at)}</span>
                                {e.first_message.map(|t| view! { <p class="earlier-text">{t}</p> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            };
            view! {
                <h1 class="panel-title">{c.customer.name.clone()}</h1>
                <dl class="facts">
                    <dt>"Customer ID"</dt><dd>{c.customer.id.unwrap_or_else(dash)}</dd>
                    <dt>"Email"</dt><dd>{c.customer.email.unwrap_or_else(dash)}</dd>
                    <dt>"Phone"</dt><dd>{c.customer.phone.unwrap_or_else(dash)}</dd>
                    <dt>"Language"</dt><dd>{c.customer.language.unwrap_or_else(dash)}</dd>
                    <dt>"Location"</dt><dd>{c.customer.location.unwrap_or_else(dash)}</dd>
                    <dt>"Channel"</dt><dd>{c.channel_label}</dd>
                    <dt>"Queue"</dt><dd>{c.queue}</dd>
                </dl>
                <h2 class="dialog-subtitle">"Earlier conversations"</h2>
                {earlier}
            }
        })
    }
}
