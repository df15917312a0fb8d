//! The `/chat` page's end in server mode: the chat starts at the server's customer endpoint
//! (`POST /api/conversations`) and follows its conversation over the same link driver the
//! desk uses. The conversation (server, token, name) is kept in `sessionStorage`, so a reload
//! draws it again from the events — the customer's own words included — and goes on.

use super::place::server_base;
use crate::centre::live::{told_by_server, Told};
use crate::link::api;
use crate::link::driver::LinkDriver;
use gloo_storage::{SessionStorage, Storage};
use omnidesk_core::{Event, Input, ItemId};
use omnidesk_wire::http::StartConversation;
use omnidesk_wire::{LinkEvent, LinkOptions, LinkState, Principal};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::Rc;

/// `sessionStorage` key of this tab's conversation; cleared when the chat ends.
const CHAT_KEY: &str = "omnidesk.chat";

#[derive(Clone, Debug, Serialize, Deserialize)]
struct SavedChat {
    base: String,
    token: String,
    name: String,
}

impl SavedChat {
    /// The previous version's form: `base \t token \t name`.
    fn legacy(text: &str) -> Option<SavedChat> {
        let f: Vec<&str> = text.split('\t').collect();
        (f.len() == 3).then(|| SavedChat {
            base: f[0].to_owned(),
            token: f[1].to_owned(),
            name: f[2].to_owned(),
        })
    }
}

struct State {
    driver: Option<LinkDriver>,
    item: Option<ItemId>,
    name: String,
    /// Drawing the conversation again after a reload: the customer's own words too.
    resuming: bool,
}

pub struct ChatTransport {
    base: String,
    told: Rc<dyn Fn(Told)>,
    state: Rc<RefCell<State>>,
}

impl ChatTransport {
    /// The server's endpoint asks for a question.
    pub const NEEDS_QUESTION: bool = true;

    pub fn open(told: impl Fn(Told) + 'static) -> ChatTransport {
        ChatTransport {
            base: server_base(),
            told: Rc::new(told),
            state: Rc::new(RefCell::new(State {
                driver: None,
                item: None,
                name: String::new(),
                resuming: false,
            })),
        }
    }

    /// The chat of this tab before a reload, picked up again: the customer's name.
    pub fn resume(&self) -> Option<String> {
        let saved: SavedChat = SessionStorage::get(CHAT_KEY).ok().or_else(|| {
            let raw = SessionStorage::raw().get_item(CHAT_KEY).ok().flatten()?;
            SavedChat::legacy(&raw)
        })?;
        if saved.base != self.base {
            return None;
        }
        {
            let mut s = self.state.borrow_mut();
            s.name = saved.name.clone();
            s.resuming = true;
        }
        self.follow(saved.token, 0);
        Some(saved.name)
    }

    /// Starts the chat; `done` hears whether it started (and why not, in words).
    pub fn start(
        &self,
        name: String,
        question: String,
        done: impl FnOnce(Result<(), String>) + 'static,
    ) {
        let base = self.base.clone();
        let state = self.state.clone();
        let told = self.told.clone();
        let me = ChatTransport {
            base: base.clone(),
            told: told.clone(),
            state: state.clone(),
        };
        leptos::task::spawn_local(async move {
            let body = StartConversation {
                name: name.clone(),
                question,
                email: None,
                language: None,
                queue: None,
            };
            match api::start_conversation(&base, &body).await {
                Ok(started) => {
                    let _ = SessionStorage::set(
                        CHAT_KEY,
                        SavedChat {
                            base,
                            token: started.token.clone(),
                            name: name.clone(),
                        },
                    );
                    {
                        let mut s = state.borrow_mut();
                        s.name = name;
                        s.item = Some(started.item.clone());
                    }
                    done(Ok(()));
                    for e in &started.events {
                        if let Some(t) = told_by_server(&e.event) {
                            told(t);
                        }
                    }
                    me.follow(started.token, started.last_seq);
                }
                Err(e) => {
                    let why = match e {
                        api::ApiError::Network(e) => format!(
                            "We can't reach our service right now ({e}). Please try again in a moment."
                        ),
                        api::ApiError::Status(429, body) => format!(
                            "Too many chats have been started from your network just now. Please {}.",
                            crate::link::retry_text(body.and_then(|b| b.retry_after))
                        ),
                        e => format!("The chat couldn't start: {}. Please try again.", e.reason()),
                    };
                    done(Err(why));
                }
            }
        });
    }

    /// Follows the conversation over the link, after `after`.
    fn follow(&self, token: String, after: u64) {
        let options = LinkOptions {
            token,
            client_id: crate::browser::random_id().as_str().into(),
            after,
            seed: (js_sys::Math::random() * 1e15) as u64,
            ..Default::default()
        };
        let (state, told) = (Rc::downgrade(&self.state), self.told.clone());
        let driver =
            LinkDriver::start(omnidesk_wire::http::ws_url(&self.base), options, move |e| {
                if let Some(state) = state.upgrade() {
                    on_event(&state, &*told, e);
                }
            });
        self.state.borrow_mut().driver = Some(driver);
    }

    fn act(&self, input: impl FnOnce(ItemId) -> Input) {
        let s = self.state.borrow();
        if let (Some(d), Some(item)) = (&s.driver, &s.item) {
            d.send_action(input(item.clone()));
        }
    }

    pub fn say(&self, text: String) {
        self.act(|item| Input::CustomerMessage { item, text });
    }

    /// Before an agent joined the customer abandons the queue; after, ends the chat.
    pub fn leave(&self, joined: bool) {
        self.act(|item| {
            if joined {
                Input::End { item, agent: None }
            } else {
                Input::Abandon { item }
            }
        });
        SessionStorage::delete(CHAT_KEY);
    }
}

impl Drop for ChatTransport {
    fn drop(&mut self) {
        if Rc::strong_count(&self.state) == 1 {
            if let Some(d) = self.state.borrow_mut().driver.take() {
                d.shutdown();
            }
        }
    }
}

fn on_event(state: &RefCell<State>, told: &dyn Fn(Told), e: LinkEvent) {
    match e {
        LinkEvent::Authenticated {
            principal: Principal::Customer { item },
            ..
        } => state.borrow_mut().item = Some(item),
        LinkEvent::State(LinkState::Reconnecting { retry_at }) => {
            let wait = retry_at.saturating_sub(js_sys::Date::now() as u64);
            told(Told::Lost(format!(
                "Connection lost. Reconnecting in {} s…",
                wait.div_ceil(1000).max(1)
            )));
        }
        LinkEvent::Fold { event, history } => {
            let (resuming, name) = {
                let s = state.borrow();
                (s.resuming, s.name.clone())
            };
            // The customer's own words are on the page already, except when it is drawn again.
            let own = match &event.event {
                Event::Arrived { text, .. } => text.clone(),
                Event::CustomerMessage { text, .. } => Some(text.clone()),
                _ => None,
            };
            if let Some(text) = own.filter(|_| history && resuming) {
                told(Told::Mine(name, text));
            }
            if let Some(t) = told_by_server(&event.event) {
                if t == Told::Ended {
                    SessionStorage::delete(CHAT_KEY);
                }
                told(t);
            }
        }
        _ => {}
    }
}
