//! The customer chat page (`/chat`, ui-contract.md "Customer chat page"): the live-chat
//! channel as a customer sees it — Your name, Your question, Start chat; then the log, the
//! Message box, Send and End chat; it says plainly when an agent joins and when the chat
//! ends. How it reaches the agents is the mode's [`ChatTransport`] (the standalone demo: a
//! BroadcastChannel to the agent's tab; server mode: the server's customer endpoint and
//! socket, picked up again after a reload). The transport closes with the page.

use crate::centre::live::Told;
use crate::mode::ChatTransport;
use crate::ui::components::focus::focus_id;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub who: String,
    pub text: String,
    pub system: bool,
    pub mine: bool,
}

/// What the page shows, as signals the transport's callback can reach.
#[derive(Clone, Copy)]
struct Chat {
    started: RwSignal<bool>,
    ended: RwSignal<bool>,
    joined: RwSignal<bool>,
    lines: RwSignal<Vec<Line>>,
    status: RwSignal<String>,
}

impl Chat {
    fn line(&self, who: String, text: String, mine: bool) {
        self.lines.update(|l| {
            l.push(Line {
                who,
                text,
                system: false,
                mine,
            })
        });
    }

    fn system(&self, text: String) {
        self.status.set(text.clone());
        self.lines.update(|l| {
            l.push(Line {
                who: String::new(),
                text,
                system: true,
                mine: false,
            })
        });
    }

    fn told(&self, told: Told) {
        match told {
            Told::Queued => {
                self.system("You're in the queue. An agent will be with you shortly.".into())
            }
            Told::Joined(agent) => {
                self.joined.set(true);
                self.system(format!("{agent} has joined the chat."));
            }
            Told::Agent(agent, text) => self.line(agent, text, false),
            Told::Ended => {
                if !self.ended.get_untracked() {
                    self.ended.set(true);
                    self.system("The chat has ended. Thank you for contacting us.".into());
                }
            }
            Told::Mine(who, text) => self.line(who, text, true),
            Told::Lost(text) => self.system(text),
        }
    }
}

#[component]
pub fn ChatPage() -> impl IntoView {
    let chat = Chat {
        started: RwSignal::new(false),
        ended: RwSignal::new(false),
        joined: RwSignal::new(false),
        lines: RwSignal::new(Vec::new()),
        status: RwSignal::new(String::new()),
    };
    let transport = StoredValue::new_local(ChatTransport::open(move |t| {
        // The page may be gone when a late message comes.
        if chat.lines.try_get_untracked().is_some() {
            chat.told(t);
        }
    }));
    on_cleanup(move || transport.dispose());
    let name = RwSignal::new(String::new());
    let question = RwSignal::new(String::new());
    let draft = RwSignal::new(String::new());
    if let Some(who) = transport.with_value(|t| t.resume()) {
        name.set(who);
        chat.started.set(true);
    }
    let start = move || {
        let n = name.get_untracked().trim().to_owned();
        let q = question.get_untracked().trim().to_owned();
        if n.is_empty() {
            chat.status.set("Please enter your name.".into());
            return;
        }
        if ChatTransport::NEEDS_QUESTION && q.is_empty() {
            chat.status.set("Please enter your question.".into());
            return;
        }
        let (who, first) = (n.clone(), q.clone());
        transport.with_value(|t| {
            t.start(n, q, move |started| match started {
                Ok(()) => {
                    chat.started.set(true);
                    if !first.is_empty() {
                        chat.line(who, first, true);
                    }
                    chat.system("Connecting you to an agent…".into());
                    focus_id("chat-message");
                }
                Err(why) => chat.system(why),
            })
        });
    };
    let send = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() || chat.ended.get_untracked() {
            return;
        }
        transport.with_value(|t| t.say(text.clone()));
        chat.line(name.get_untracked(), text, true);
        draft.set(String::new());
    };
    let leave = move || {
        transport.with_value(|t| t.leave(chat.joined.get_untracked()));
        chat.ended.set(true);
        chat.system("You ended the chat. Thank you for contacting us.".into());
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
                <div class="sr-only" role="status">{move || chat.status.get()}</div>
                {move || if !chat.started.get() {
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
                        <ChatLog lines=chat.lines />
                        <div class="composer" hidden=move || chat.ended.get()>
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

#[component]
fn ChatLog(lines: RwSignal<Vec<Line>>) -> impl IntoView {
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
    }
}
