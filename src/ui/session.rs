//! A conversation session (ui-contract.md, "Conversation session"): its **Applications**
//! tablist (Active conversation, Customer), the **Conversation** region with the `log` of the
//! item's messages, the Message box with Send, End conversation, Set waiting (async
//! channels), the Transfer menu button and Close conversation; the Customer tab with the
//! customer's profile and earlier conversations.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::icons::channel_icon;
use super::shell::{TabList, TabSpec};
use super::workspace::Workspace;
use crate::projection;
use crate::runtime::journal::Author;
use crate::tabs::{target_index, Orientation};
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
    // Server mode: the agent's replies the server hasn't answered yet (sent, or waiting for the
    // connection), shown after the log's messages as "Sending…".
    let pending_item = item.clone();
    let unsent = Memo::new(move |_| {
        ws.pending.with(|p| {
            p.iter()
                .filter_map(|input| match input {
                    omnidesk_core::Input::AgentMessage { item, text, .. }
                        if *item == pending_item =>
                    {
                        Some(text.clone())
                    }
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    });
    let hidden = move || {
        ws.sessions
            .with(|s| s.items.get(s.selected.wrapping_sub(1)) != Some(&index_key))
    };
    let info_item = item.clone();
    let info = Memo::new(move |_| {
        ws.read(|c| projection::conversation(&c.engine, &c.journal, &c.me, &info_item))
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
    let customer_name = move || {
        info.with(|i| {
            i.as_ref()
                .map(|i| i.customer.name.clone())
                .unwrap_or_default()
        })
    };
    let status = move || info.with(|i| i.as_ref().map_or("", |i| i.status));
    let mine = move || info.with(|i| i.as_ref().is_some_and(|i| i.mine));
    let can_write = move || mine() && matches!(status(), "Active" | "Waiting");
    let prefix = format!("app-{id}");
    let draft_item = item.clone();
    let draft = move || {
        ws.drafts
            .with(|d| d.get(&draft_item).cloned().unwrap_or_default())
    };
    let input_item = item.clone();
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        ws.drafts.update(|d| {
            d.insert(input_item.clone(), text);
        });
    };
    let send_item = item.clone();
    let send = move || {
        let text = ws
            .drafts
            .with_untracked(|d| d.get(&send_item).cloned().unwrap_or_default());
        ws.send_message(send_item.clone(), text);
    };
    let send_key = send.clone();
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send_key();
        }
    };
    let log_ref = NodeRef::<leptos::html::Div>::new();
    // Keep the newest message in view.
    Effect::new(move |_| {
        messages.track();
        request_animation_frame(move || {
            if let Some(el) = log_ref.get_untracked() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    });
    let end_item = item.clone();
    let wait_item = item.clone();
    let close_item = item.clone();
    let transfer_item = item.clone();
    let message_id = format!("message-{id}");
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
                        {move || info.with(|i| i.as_ref().map(|i| channel_icon(&i.channel)))}
                        <div class="conversation-title">
                            <h1 class="panel-title">{customer_name}</h1>
                            <p class="panel-lead">
                                {move || info.with(|i| i.as_ref().map(|i| format!("{} · {}", i.channel_label, i.queue)).unwrap_or_default())}
                                " · "
                                <span class="state-badge">{status}</span>
                            </p>
                        </div>
                        <div class="conversation-actions">
                            <button
                                type="button"
                                class="btn"
                                hidden=move || !(mine() && status() == "Active" && info.with(|i| i.as_ref().is_some_and(|i| i.is_async)))
                                on:click=move |_| ws.set_waiting(wait_item.clone())
                            >
                                "Set waiting"
                            </button>
                            <TransferMenu ws=ws item=transfer_item info=info />
                            <button
                                type="button"
                                class="btn"
                                hidden=move || !(mine() && matches!(status(), "Active" | "Waiting"))
                                on:click=move |_| ws.end(end_item.clone())
                            >
                                "End conversation"
                            </button>
                            <button
                                type="button"
                                class="btn btn-primary"
                                hidden=move || !(mine() && status() == "Wrap-up")
                                on:click=move |_| ws.ask_close(close_item.clone())
                            >
                                "Close conversation"
                            </button>
                        </div>
                    </header>
                    <div
                        role="log"
                        aria-label={move || format!("Messages with {}", customer_name())}
                        class="log"
                        tabindex="0"
                        node_ref=log_ref
                    >
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
                    <div class="composer" hidden=move || !can_write()>
                        <label class="sr-only" for=message_id.clone()>"Message"</label>
                        <textarea
                            id=message_id.clone()
                            class="composer-input"
                            rows="2"
                            placeholder="Type a reply — Enter sends, Shift+Enter for a new line"
                            prop:value=draft
                            on:input=on_input
                            on:keydown=on_key
                        ></textarea>
                        <button type="button" class="btn btn-primary" on:click=move |_| send()>
                            "Send"
                        </button>
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
                <CustomerProfile info=info />
            </section>
        </div>
    }
}

/// The Customer application tab: the profile and the customer's earlier conversations.
#[component]
fn CustomerProfile(info: Memo<Option<projection::Conversation>>) -> impl IntoView {
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

/// The Transfer menu button (WAI-ARIA menu button): the other queues as menu items.
#[component]
fn TransferMenu(
    ws: Workspace,
    item: ItemId,
    info: Memo<Option<projection::Conversation>>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let menu_ref = NodeRef::<leptos::html::Div>::new();
    let button_ref = NodeRef::<leptos::html::Button>::new();
    let menu_id = format!("transfer-menu-{item}");
    let items = move || -> Vec<web_sys::HtmlElement> {
        menu_ref
            .get_untracked()
            .and_then(|m| m.query_selector_all("[role=menuitem]").ok())
            .map(|l| {
                (0..l.length())
                    .filter_map(|i| l.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    let focus_item = move |k: usize| {
        request_animation_frame(move || {
            let list = items();
            if let Some(el) = list.get(k.min(list.len().saturating_sub(1))) {
                let _ = el.focus();
            }
        });
    };
    let close = move || {
        open.set(false);
        if let Some(b) = button_ref.get_untracked() {
            let _ = b.focus();
        }
    };
    let on_button_key = move |ev: KeyboardEvent| {
        if matches!(ev.key().as_str(), "ArrowDown" | "Enter" | " ") {
            ev.prevent_default();
            open.set(true);
            focus_item(0);
        }
    };
    let on_menu_key = move |ev: KeyboardEvent| {
        let list = items();
        let active = document().active_element();
        let at = list
            .iter()
            .position(|e| Some(e.unchecked_ref::<web_sys::Element>()) == active.as_ref())
            .unwrap_or(0);
        match ev.key().as_str() {
            "Escape" | "Tab" => {
                ev.prevent_default();
                close();
            }
            key => {
                // The menu's arrows, Home and End: the tablist keyboard model, vertical.
                if let Some(next) = target_index(key, at, list.len(), Orientation::Vertical) {
                    ev.prevent_default();
                    focus_item(next);
                }
            }
        }
    };
    let shown = move || {
        info.with(|i| {
            i.as_ref()
                .is_some_and(|i| i.mine && matches!(i.status, "Active" | "Waiting"))
        })
    };
    view! {
        <div class="menu-anchor" hidden=move || !shown()>
            <button
                type="button"
                class="btn"
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                aria-controls=menu_id.clone()
                node_ref=button_ref
                on:click=move |_| {
                    let now = !open.get_untracked();
                    open.set(now);
                    if now {
                        focus_item(0);
                    }
                }
                on:keydown=on_button_key
            >
                "Transfer"
                <span aria-hidden="true">" ▾"</span>
            </button>
            <div
                role="menu"
                id=menu_id.clone()
                aria-label="Transfer to queue"
                class="menu"
                hidden=move || !open.get()
                node_ref=menu_ref
                on:keydown=on_menu_key
            >
                {move || info.with(|i| i.as_ref().map(|i| i.other_queues.clone()).unwrap_or_default())
                    .into_iter()
                    .map(|(queue, name)| {
                        let item = item.clone();
                        view! {
                            <button
                                type="button"
                                role="menuitem"
                                tabindex="-1"
                                class="menuitem"
                                on:click=move |_| {
                                    open.set(false);
                                    ws.transfer(item.clone(), &queue);
                                }
                            >
                                {name}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        </div>
    }
}
