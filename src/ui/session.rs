//! A conversation session (ui-contract.md, "Conversation session"): its **Applications**
//! tablist (Active conversation, Customer), the **Conversation** region with the `log` of the
//! item's messages, and the customer's details. Sending and ending arrive with a later issue.

use leptos::prelude::*;

use super::icons::channel_icon;
use super::shell::{TabList, TabSpec};
use super::workspace::Workspace;
use crate::runtime::demo;
use crate::runtime::journal::Author;
use crate::tabs::Orientation;
use omnidesk_core::ItemId;

const CONVERSATION_APPS: &[TabSpec] = &[
    TabSpec {
        id: "conversation",
        label: "Active conversation",
    },
    TabSpec {
        id: "customer",
        label: "Customer",
    },
];

fn clock_time(at: u64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

#[component]
pub fn ConversationSession(ws: Workspace, item: ItemId) -> impl IntoView {
    let selected_app = RwSignal::new(0usize);
    let id = item.to_string();
    let index_key = item.clone();
    let hidden = move || {
        ws.sessions
            .with(|s| s.items.get(s.selected.wrapping_sub(1)) != Some(&index_key))
    };
    let info_item = item.clone();
    let info = Memo::new(move |_| {
        ws.read(|c| {
            let state = c.engine.state();
            state.items.get(&info_item).map(|it| {
                (
                    it.customer.clone(),
                    it.channel.to_string(),
                    demo::channel_label(&it.channel),
                    demo::queue_name(&state.config, &it.queue),
                    it.status.name(),
                )
            })
        })
    });
    let log_item = item.clone();
    let messages = Memo::new(move |_| {
        ws.read(|c| {
            c.journal
                .messages
                .get(&log_item)
                .cloned()
                .unwrap_or_default()
        })
    });
    let customer_name =
        move || info.with(|i| i.as_ref().map(|i| i.0.name.clone()).unwrap_or_default());
    let state_label = move || {
        info.with(|i| match i.as_ref().map(|i| i.4) {
            Some("active") => "Active",
            Some("waiting") => "Waiting",
            Some("wrap_up") => "Wrap-up",
            Some("closed") => "Closed",
            Some("offered") => "Offered",
            Some("open") => "Open",
            _ => "",
        })
    };
    let prefix = format!("app-{id}");
    let end_item = item.clone();
    let close_item = item.clone();
    view! {
        <div
            role="tabpanel"
            id=format!("session-panel-{id}")
            aria-labelledby=format!("session-tab-{id}")
            class="session"
            hidden=hidden
        >
            <TabList
                label="Applications"
                prefix=prefix.clone()
                tabs=CONVERSATION_APPS
                selected=selected_app
                orientation=Orientation::Horizontal
            />
            <section
                role="tabpanel"
                id=format!("{prefix}-panel-conversation")
                aria-labelledby=format!("{prefix}-tab-conversation")
                class="app-panel conversation-panel"
                hidden=move || selected_app.get() != 0
            >
                <section role="region" aria-label="Conversation" class="conversation">
                    <header class="conversation-head">
                        {move || info.with(|i| i.as_ref().map(|i| channel_icon(&i.1)))}
                        <div>
                            <h1 class="panel-title">{customer_name}</h1>
                            <p class="panel-lead">
                                {move || info.with(|i| i.as_ref().map(|i| format!("{} · {}", i.2, i.3)).unwrap_or_default())}
                                " · "
                                <span class="state-badge">{state_label}</span>
                            </p>
                        </div>
                    </header>
                    <div class="conversation-actions">
                        <button
                            type="button"
                            class="btn"
                            hidden=move || state_label() != "Active"
                            on:click={
                                let item = end_item.clone();
                                move |_| ws.end(item.clone())
                            }
                        >
                            "End conversation"
                        </button>
                        <button
                            type="button"
                            class="btn btn-primary"
                            hidden=move || state_label() != "Wrap-up"
                            on:click={
                                let item = close_item.clone();
                                move |_| ws.close_conversation(item.clone())
                            }
                        >
                            "Close conversation"
                        </button>
                    </div>
                    <div role="log" aria-label={move || format!("Messages with {}", customer_name())} class="log" tabindex="0">
                        <For
                            each={move || messages.get().into_iter().enumerate().collect::<Vec<_>>()}
                            key=|(i, m)| (*i, m.at)
                            children=move |(_, m)| {
                                let (class, who) = match &m.author {
                                    Author::Customer => ("msg msg-customer", customer_name()),
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
                    </div>
                </section>
            </section>
            <section
                role="tabpanel"
                id=format!("{prefix}-panel-customer")
                aria-labelledby=format!("{prefix}-tab-customer")
                class="app-panel"
                hidden=move || selected_app.get() != 1
            >
                <h1 class="panel-title">{customer_name}</h1>
                {move || info.get().map(|(customer, _, channel, queue, _)| view! {
                    <dl class="facts">
                        <dt>"Customer ID"</dt><dd>{customer.id.unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Email"</dt><dd>{customer.email.unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Phone"</dt><dd>{customer.phone.unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Language"</dt><dd>{customer.language.unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Location"</dt><dd>{customer.location.unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Channel"</dt><dd>{channel}</dd>
                        <dt>"Queue"</dt><dd>{queue}</dd>
                    </dl>
                })}
            </section>
        </div>
    }
}
