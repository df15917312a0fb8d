//! The customer chat page (`/chat`, ui-contract.md "Customer chat page"): the live-chat
//! channel as a customer sees it. It talks to the agent's tab over a `BroadcastChannel`
//! ([`crate::runtime::live`]); the agent tab's centre turns its lines into core inputs.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::runtime::live::{self, Told};

#[derive(Clone, Debug, PartialEq, Eq)]
struct Line {
    who: String,
    text: String,
    system: bool,
    mine: bool,
}

/// The page.
#[component]
pub fn ChatPage() -> impl IntoView {
    let chat = format!(
        "{}-{}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 1e9) as u64
    );
    let bc = web_sys::BroadcastChannel::new(live::CHANNEL).ok();
    let bc = StoredValue::new_local(bc);
    let started = RwSignal::new(false);
    let ended = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let question = RwSignal::new(String::new());
    let draft = RwSignal::new(String::new());
    let lines = RwSignal::new(Vec::<Line>::new());
    let status = RwSignal::new(String::new());
    let system = move |text: String| {
        status.set(text.clone());
        lines.update(|l| {
            l.push(Line {
                who: String::new(),
                text,
                system: true,
                mine: false,
            })
        });
    };
    let post = move |line: String| {
        bc.with_value(|b| {
            if let Some(b) = b {
                let _ = b.post_message(&JsValue::from_str(&line));
            }
        });
    };
    let my_chat = chat.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some(told) = e.data().as_string().and_then(|l| live::told(&l, &my_chat)) else {
                return;
            };
            match told {
                Told::Queued => {
                    system("You're in the queue. An agent will be with you shortly.".into())
                }
                Told::Joined(agent) => system(format!("{agent} has joined the chat.")),
                Told::Agent(agent, text) => lines.update(|l| {
                    l.push(Line {
                        who: agent,
                        text,
                        system: false,
                        mine: false,
                    })
                }),
                Told::Ended => {
                    if !ended.get_untracked() {
                        ended.set(true);
                        system("The chat has ended. Thank you for contacting us.".into());
                    }
                }
            }
        });
    bc.with_value(|b| {
        if let Some(b) = b {
            b.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        }
    });
    on_message.forget();
    let chat_id = StoredValue::new(chat.clone());
    let start = move || {
        let start_chat = chat_id.get_value();
        let n = name.get_untracked().trim().to_owned();
        if n.is_empty() {
            status.set("Please enter your name.".into());
            return;
        }
        let q = question.get_untracked();
        post(live::start_line(&start_chat, &n, &q));
        started.set(true);
        if !q.trim().is_empty() {
            lines.update(|l| {
                l.push(Line {
                    who: n.clone(),
                    text: q.trim().to_owned(),
                    system: false,
                    mine: true,
                })
            });
        }
        system("Connecting you to an agent…".into());
        request_animation_frame(|| {
            if let Some(el) = document()
                .get_element_by_id("chat-message")
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        });
    };
    let send = move || {
        let say_chat = chat_id.get_value();
        let text = draft.get_untracked();
        if text.trim().is_empty() || ended.get_untracked() {
            return;
        }
        post(live::say_line(&say_chat, &text));
        let who = name.get_untracked();
        lines.update(|l| {
            l.push(Line {
                who,
                text,
                system: false,
                mine: true,
            })
        });
        draft.set(String::new());
    };
    let leave = move || {
        let leave_chat = chat_id.get_value();
        post(live::leave_line(&leave_chat));
        ended.set(true);
        system("You ended the chat. Thank you for contacting us.".into());
    };
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() {
            ev.prevent_default();
            send();
        }
    };
    view! {
        <div class="chat-page">
            <header class="topbar">
                <span class="brand" aria-hidden="true">"◆"</span>
                <span class="product">"Contoso support"</span>
            </header>
            <main class="chat-main">
                <h1 class="panel-title">"Chat with us"</h1>
                <div class="sr-only" role="status">{move || status.get()}</div>
                {move || if !started.get() {
                    view! {
                        <form class="chat-start" on:submit=move |ev| { ev.prevent_default(); start(); }>
                            <label for="chat-name">"Your name"</label>
                            <input id="chat-name" type="text" autocomplete="name" prop:value=move || name.get()
                                on:input=move |ev| name.set(event_target_value(&ev)) />
                            <label for="chat-question">"Your question"</label>
                            <textarea id="chat-question" rows="3" prop:value=move || question.get()
                                on:input=move |ev| question.set(event_target_value(&ev))></textarea>
                            <button type="submit" class="btn btn-primary">"Start chat"</button>
                        </form>
                    }.into_any()
                } else {
                    view! {
                        <div role="log" aria-label="Chat" class="log chat-log" tabindex="0">
                            <For each={move || lines.get().into_iter().enumerate().collect::<Vec<_>>()} key=|(i, _)| *i let:pair>
                                {
                                    let l = pair.1;
                                    let class = if l.system { "msg msg-system" } else if l.mine { "msg msg-agent" } else { "msg msg-customer" };
                                    view! {
                                        <div class=class>
                                            <span class="msg-who">{l.who}</span>
                                            <p class="msg-text">{l.text}</p>
                                        </div>
                                    }
                                }
                            </For>
                        </div>
                        <div class="composer" hidden=move || ended.get()>
                            <label class="sr-only" for="chat-message">"Message"</label>
                            <textarea id="chat-message" class="composer-input" rows="2" prop:value=move || draft.get()
                                on:input=move |ev| draft.set(event_target_value(&ev)) on:keydown=on_key></textarea>
                            <button type="button" class="btn btn-primary" on:click=move |_| send()>"Send"</button>
                            <button type="button" class="btn" on:click=move |_| leave()>"End chat"</button>
                        </div>
                    }.into_any()
                }}
            </main>
        </div>
    }
}
