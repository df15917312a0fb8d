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

/// The server mode's chat: the conversation's item and token, and the socket that follows it.
struct ServerChat {
    base: String,
    /// The customer's name, for their own lines when the chat is drawn again after a reload.
    name: String,
    token: String,
    socket: Option<web_sys::WebSocket>,
    last_seq: u64,
    attempt: u32,
    next_action: u64,
    client_id: String,
    /// Frames of the customer's actions the server hasn't answered: sent again on reconnect
    /// (same ids, so each applies once).
    unanswered: Vec<(String, String)>,
    /// After a reload: the events up to the server's seq at authentication are the
    /// conversation so far, drawn in full (the customer's own lines included).
    resuming: bool,
    history_until: u64,
    handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

/// `sessionStorage` key of this tab's conversation (`base \t token \t name`), so a reload
/// picks the chat up again; cleared when the chat ends.
const CHAT_KEY: &str = "omnidesk.chat";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn remember_chat(value: Option<&str>) {
    if let Some(s) = session_storage() {
        let _ = match value {
            Some(v) => s.set_item(CHAT_KEY, v),
            None => s.remove_item(CHAT_KEY),
        };
    }
}

/// The page. Standalone it talks to the agent's tab over a `BroadcastChannel`; served by
/// omnidesk-server (or with `?server=URL`) it starts a conversation at the server's customer
/// endpoint and follows it over a WebSocket, reconnecting with backoff.
#[component]
pub fn ChatPage() -> impl IntoView {
    let chat = format!(
        "{}-{}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 1e9) as u64
    );
    // An `if` on the constant (not `bool::then`) so the other mode's code is dropped at -Oz.
    let server = if super::workspace::SERVER_BUILD {
        Some(crate::runtime::net::server_base())
    } else {
        None
    };
    let bc = if server.is_none() {
        web_sys::BroadcastChannel::new(live::CHANNEL).ok()
    } else {
        None
    };
    let bc = StoredValue::new_local(bc);
    let remote = StoredValue::new_local(None::<ServerChat>);
    let started = RwSignal::new(false);
    let ended = RwSignal::new(false);
    let joined = RwSignal::new(false);
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
    let on_told = move |told: Told| match told {
        Told::Queued => system("You're in the queue. An agent will be with you shortly.".into()),
        Told::Joined(agent) => {
            joined.set(true);
            system(format!("{agent} has joined the chat."))
        }
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
    };
    let my_chat = chat.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(told) = e.data().as_string().and_then(|l| live::told(&l, &my_chat)) {
                on_told(told);
            }
        });
    bc.with_value(|b| {
        if let Some(b) = b {
            b.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        }
    });
    on_message.forget();
    let chat_id = StoredValue::new(chat.clone());
    let server = StoredValue::new(server);
    let focus_message = || {
        request_animation_frame(|| {
            if let Some(el) = document()
                .get_element_by_id("chat-message")
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        });
    };
    let start = move || {
        let start_chat = chat_id.get_value();
        let n = name.get_untracked().trim().to_owned();
        if n.is_empty() {
            status.set("Please enter your name.".into());
            return;
        }
        let q = question.get_untracked();
        if let Some(base) = if super::workspace::SERVER_BUILD {
            server.get_value()
        } else {
            None
        } {
            if q.trim().is_empty() {
                status.set("Please enter your question.".into());
                return;
            }
            leptos::task::spawn_local(start_remote(
                base,
                n,
                q,
                StartCtx {
                    remote,
                    started,
                    lines,
                    on_told,
                    system,
                },
            ));
            return;
        }
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
        focus_message();
    };
    let send = move || {
        let say_chat = chat_id.get_value();
        let text = draft.get_untracked();
        if text.trim().is_empty() || ended.get_untracked() {
            return;
        }
        if super::workspace::SERVER_BUILD && server.with_value(|s| s.is_some()) {
            remote_act(
                remote,
                &format!(
                    "{{\"input\":\"customer_message\",\"text\":{}}}",
                    crate::runtime::sync::json_string(&text)
                ),
            );
        } else {
            post(live::say_line(&say_chat, &text));
        }
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
        if super::workspace::SERVER_BUILD && server.with_value(|s| s.is_some()) {
            // Before an agent joined the customer abandons the queue; after, ends the chat.
            let input = if joined.get_untracked() {
                "{\"input\":\"end\"}"
            } else {
                "{\"input\":\"abandon\"}"
            };
            remote_act(remote, input);
        } else {
            post(live::leave_line(&leave_chat));
        }
        ended.set(true);
        remember_chat(None);
        system("You ended the chat. Thank you for contacting us.".into());
    };
    // A reload in the middle of a chat picks it up again (server build).
    let saved = if super::workspace::SERVER_BUILD {
        session_storage().and_then(|s| s.get_item(CHAT_KEY).ok().flatten())
    } else {
        None
    };
    if let Some(saved) = saved {
        let f: Vec<&str> = saved.split('\t').collect();
        if f.len() == 3 && server.with_value(|b| b.as_deref() == Some(f[0])) {
            remote.set_value(Some(ServerChat {
                base: f[0].to_owned(),
                name: f[2].to_owned(),
                token: f[1].to_owned(),
                socket: None,
                last_seq: 0,
                attempt: 0,
                next_action: 0,
                client_id: crate::runtime::net::random_id(),
                unanswered: Vec::new(),
                resuming: true,
                history_until: 0,
                handlers: Vec::new(),
            }));
            name.set(f[2].to_owned());
            started.set(true);
            remote_connect(remote, lines, on_told, system);
        }
    }
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

/// What [`start_remote`] needs of the page.
#[derive(Clone, Copy)]
struct StartCtx<T: Fn(Told) + Copy + 'static, S: Fn(String) + Copy + 'static> {
    remote: StoredValue<Option<ServerChat>, LocalStorage>,
    started: RwSignal<bool>,
    lines: RwSignal<Vec<Line>>,
    on_told: T,
    system: S,
}

/// Starts the conversation at the server's customer endpoint, then follows it.
async fn start_remote<T: Fn(Told) + Copy + 'static, S: Fn(String) + Copy + 'static>(
    base: String,
    name: String,
    question: String,
    ctx: StartCtx<T, S>,
) {
    use crate::runtime::net;
    use crate::runtime::sync::json_string;
    let body = format!(
        "{{\"name\":{},\"question\":{}}}",
        json_string(&name),
        json_string(question.trim())
    );
    let answer = net::request(
        "POST",
        &format!("{base}api/conversations"),
        None,
        Some(body),
    )
    .await;
    let field = |v: &JsValue, k: &str| {
        js_sys::Reflect::get(v, &k.into())
            .ok()
            .and_then(|x| x.as_string())
            .unwrap_or_default()
    };
    match answer {
        Ok(a) if a.status == 201 => {
            let base_again = base.clone();
            ctx.remote.set_value(Some(ServerChat {
                base,
                name: name.clone(),
                token: field(&a.body, "token"),
                socket: None,
                last_seq: 0,
                attempt: 0,
                next_action: 0,
                client_id: net::random_id(),
                unanswered: Vec::new(),
                resuming: false,
                history_until: 0,
                handlers: Vec::new(),
            }));
            remember_chat(Some(&format!(
                "{base_again}\t{}\t{name}",
                field(&a.body, "token")
            )));
            ctx.started.set(true);
            ctx.lines.update(|l| {
                l.push(Line {
                    who: name.clone(),
                    text: question.trim().to_owned(),
                    system: false,
                    mine: true,
                })
            });
            (ctx.system)("Connecting you to an agent…".into());
            remote_connect(ctx.remote, ctx.lines, ctx.on_told, ctx.system);
        }
        Ok(a) => (ctx.system)(format!(
            "The chat couldn't start: {}. Please try again.",
            a.reason().unwrap_or_else(|| format!("status {}", a.status))
        )),
        Err(e) => (ctx.system)(format!(
            "We can't reach our service right now ({e}). Please try again in a moment."
        )),
    }
}

/// Sends one of the customer's inputs (the server fills in their conversation).
fn remote_act(remote: StoredValue<Option<ServerChat>, LocalStorage>, input: &str) {
    remote.update_value(|r| {
        if let Some(r) = r {
            r.next_action += 1;
            let id = format!("c{}", r.next_action);
            let frame = crate::runtime::sync::action_frame(&r.client_id, &id, input);
            if let Some(s) = &r.socket {
                let _ = s.send_with_str(&frame);
            }
            r.unanswered.push((id, frame));
        }
    });
}

/// Opens the customer's socket: auth with the conversation's token, subscribe after the last
/// event seen; on close, back off and come back.
fn remote_connect<T: Fn(Told) + Copy + 'static, S: Fn(String) + Copy + 'static>(
    remote: StoredValue<Option<ServerChat>, LocalStorage>,
    lines: RwSignal<Vec<Line>>,
    on_told: T,
    system: S,
) {
    use crate::runtime::{sync, wire};
    let Some(url) = remote.with_value(|r| r.as_ref().map(|r| sync::ws_url(&r.base))) else {
        return;
    };
    let Ok(socket) = web_sys::WebSocket::new(&url) else {
        return;
    };
    let opened = socket.clone();
    let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_| {
        remote.update_value(|r| {
            if let Some(r) = r {
                r.attempt = 0;
                let _ = opened.send_with_str(&sync::auth_frame(&r.token));
                let _ = opened.send_with_str(&sync::subscribe_frame(r.last_seq));
                for (_, frame) in &r.unanswered {
                    let _ = opened.send_with_str(frame);
                }
            }
        });
    });
    let on_message = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        let frame = e
            .dyn_ref::<web_sys::MessageEvent>()
            .and_then(|m| m.data().as_string())
            .and_then(|t| js_sys::JSON::parse(&t).ok())
            .and_then(|v| wire::frame(&v).ok());
        if let Some(wire::Frame::Result { action_id, .. }) = &frame {
            remote.update_value(|r| {
                if let Some(r) = r {
                    r.unanswered.retain(|(id, _)| id != action_id);
                }
            });
        }
        if let Some(wire::Frame::Authenticated { last_seq, .. }) = &frame {
            remote.update_value(|r| {
                if let Some(r) = r.as_mut().filter(|r| r.resuming) {
                    r.resuming = false;
                    r.history_until = *last_seq;
                }
            });
        }
        if let Some(wire::Frame::Event(stamped)) = frame {
            // (fresh, history, the customer's name)
            let seen = remote
                .try_update_value(|r| {
                    r.as_mut().map(|r| {
                        let fresh = stamped.seq > r.last_seq;
                        r.last_seq = r.last_seq.max(stamped.seq);
                        (fresh, stamped.seq <= r.history_until, r.name.clone())
                    })
                })
                .flatten();
            let Some((true, history, name)) = seen else {
                return;
            };
            // The customer's own words are on the page already, except when it is drawn again.
            let own = match &stamped.event {
                omnidesk_core::Event::Arrived { text, .. } => text.clone(),
                omnidesk_core::Event::CustomerMessage { text, .. } => Some(text.clone()),
                _ => None,
            };
            if let Some(text) = own.filter(|_| history) {
                lines.update(|l| {
                    l.push(Line {
                        who: name,
                        text,
                        system: false,
                        mine: true,
                    })
                });
            }
            if let Some(told) = live::told_by_server(&stamped.event) {
                if told == Told::Ended {
                    remember_chat(None);
                }
                on_told(told);
            }
        }
    });
    let on_close = Closure::<dyn FnMut(JsValue)>::new(move |_| {
        let wait = remote
            .try_update_value(|r| {
                r.as_mut().map(|r| {
                    r.socket = None;
                    r.attempt += 1;
                    sync::backoff_ms(r.attempt - 1, js_sys::Math::random())
                })
            })
            .flatten();
        if let Some(wait) = wait {
            system(format!(
                "Connection lost. Reconnecting in {} s…",
                wait.div_ceil(1000)
            ));
            set_timeout(
                move || remote_connect(remote, lines, on_told, system),
                std::time::Duration::from_millis(wait),
            );
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    remote.update_value(|r| {
        if let Some(r) = r {
            r.socket = Some(socket);
            r.handlers = vec![on_open, on_message, on_close];
        }
    });
}
