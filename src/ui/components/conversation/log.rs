//! The conversation's `log`: the customer's, the agent's and the system's messages (as text,
//! never HTML), then — server mode — the agent's replies the server hasn't answered yet, as
//! "Sending…". The newest message stays in view.

use super::view::{clock_time, customer_name};
use crate::centre::journal::Author;
use crate::model::projection::Conversation;
use crate::ui::context::{CentreView, LinkStatus};
use leptos::prelude::*;
use omnidesk_core::{Input, ItemId};

#[component]
pub fn MessageLog(item: ItemId, info: Memo<Option<Conversation>>) -> impl IntoView {
    let centre = expect_context::<CentreView>();
    let link = expect_context::<LinkStatus>();
    let log_item = item.clone();
    let messages = Memo::new(move |_| {
        centre.read(|c| {
            c.journal
                .messages
                .get(&log_item)
                .cloned()
                .unwrap_or_default()
        })
    });
    let unsent = Memo::new(move |_| {
        link.pending.with(|p| {
            p.iter()
                .filter_map(|input| match input {
                    Input::AgentMessage { item: i, text, .. } if *i == item => Some(text.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    });
    let log_ref = NodeRef::<leptos::html::Div>::new();
    // Keep the newest message in view. The scroll waits for the DOM (an animation frame);
    // it reads the element, not the NodeRef, so a session closed meanwhile is no problem.
    Effect::new(move |_| {
        messages.track();
        unsent.track();
        if let Some(el) = log_ref.get_untracked() {
            request_animation_frame(move || el.set_scroll_top(el.scroll_height()));
        }
    });
    view! {
        <div
            role="log"
            aria-label=move || format!("Messages with {}", customer_name(info))
            class="log"
            tabindex="0"
            node_ref=log_ref
        >
            <For
                each={move || messages.get().into_iter().enumerate().collect::<Vec<_>>()}
                key=|(i, m)| (*i, m.at)
                children=move |(_, m)| {
                    let (class, who) = match &m.author {
                        Author::Customer => ("msg msg-customer", customer_name(info)),
                        Author::Agent(name) => ("msg msg-agent", name.clone()),
                        Author::System => ("msg msg-system", "System".to_owned()),
                    };
                    view! {
                        <div class=class>
                            <span class="msg-who">{who}</span>
                            <span class="msg-time">{clock_time(m.at)}</span>
                            <p class="msg-text">{m.text.clone()}</p>
                        </div>
                    }
                }
            />
            {move || {
                unsent
                    .get()
                    .into_iter()
                    .map(|text| view! {
                        <div class="msg msg-agent msg-pending">
                            <span class="msg-who">"You"</span>
                            <span class="msg-time">"Sending…"</span>
                            <p class="msg-text">{text}</p>
                        </div>
                    })
                    .collect_view()
            }}
        </div>
    }
}
