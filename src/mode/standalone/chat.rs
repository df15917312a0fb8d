//! The `/chat` page's BroadcastChannel ([`crate::centre::live`]): the agent tab's end
//! ([`LiveChannel`]: the customer page's messages become core inputs, and the events of its
//! chat go back), and the customer page's end ([`ChatTransport`]). The page posts core inputs,
//! the agent's tab posts [`ToCustomer`] messages, both as JSON text. Both close their channel when dropped.

use crate::centre::live::{self, FromCustomer, ToCustomer, Told};
use crate::centre::Centre;
use crate::ui::context::Commands;
use omnidesk_core::Stamped;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

fn to_js<T: serde::Serialize>(value: &T) -> Option<JsValue> {
    crate::storage::clone::to_js(value).ok()
}

/// The agent tab's channel.
pub struct LiveChannel {
    bc: web_sys::BroadcastChannel,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl LiveChannel {
    /// Opens the channel: customer pages' messages are sent to the core as inputs.
    pub fn listen(commands: Commands) -> Option<LiveChannel> {
        let bc = web_sys::BroadcastChannel::new(live::CHANNEL).ok()?;
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let posted = crate::storage::clone::from_js::<omnidesk_core::Input>(&e.data()).ok();
                if let Some(input) = posted.as_ref().and_then(live::admit) {
                    commands.send(input);
                }
            });
        bc.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(LiveChannel {
            bc,
            _on_message: on_message,
        })
    }

    /// Tells the customer pages what happened to their chats.
    pub fn publish(&self, centre: &Centre, events: &[Stamped]) {
        for e in events {
            if let Some(m) = live::to_customer(centre.engine.config(), e).and_then(|m| to_js(&m)) {
                let _ = self.bc.post_message(&m);
            }
        }
    }
}

impl Drop for LiveChannel {
    fn drop(&mut self) {
        self.bc.set_onmessage(None);
        self.bc.close();
    }
}

/// The customer page's end of the channel.
pub struct ChatTransport {
    bc: Option<web_sys::BroadcastChannel>,
    chat: String,
    _on_message: Option<Closure<dyn FnMut(web_sys::MessageEvent)>>,
}

impl ChatTransport {
    /// The customer must write a question to start (the server's endpoint asks for one).
    pub const NEEDS_QUESTION: bool = false;

    /// Opens the channel; `told` hears what the agent's tab says about this chat.
    pub fn open(told: impl Fn(Told) + 'static) -> ChatTransport {
        let chat = crate::browser::random_id();
        let bc = web_sys::BroadcastChannel::new(live::CHANNEL).ok();
        let mine = chat.clone();
        let on_message = bc.as_ref().map(|bc| {
            let c = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                move |e: web_sys::MessageEvent| {
                    let message = crate::storage::clone::from_js::<ToCustomer>(&e.data()).ok();
                    if let Some(t) = message.as_ref().and_then(|m| live::told(m, &mine)) {
                        told(t);
                    }
                },
            );
            bc.set_onmessage(Some(c.as_ref().unchecked_ref()));
            c
        });
        ChatTransport {
            bc,
            chat,
            _on_message: on_message,
        }
    }

    /// A chat to pick up again after a reload: none here (the demo's chats live in the tab).
    pub fn resume(&self) -> Option<String> {
        None
    }

    fn post(&self, message: &FromCustomer) {
        let input = live::customer_input(message);
        if let (Some(bc), Some(m)) = (&self.bc, input.as_ref().and_then(to_js)) {
            let _ = bc.post_message(&m);
        }
    }

    /// Starts the chat; `done` hears whether it started.
    pub fn start(
        &self,
        name: String,
        question: String,
        done: impl FnOnce(Result<(), String>) + 'static,
    ) {
        self.post(&FromCustomer::Start {
            chat: self.chat.clone(),
            name,
            question,
        });
        done(Ok(()));
    }

    pub fn say(&self, text: String) {
        self.post(&FromCustomer::Say {
            chat: self.chat.clone(),
            text,
        });
    }

    /// The customer ends the chat.
    pub fn leave(&self, _joined: bool) {
        self.post(&FromCustomer::Leave {
            chat: self.chat.clone(),
        });
    }
}

impl Drop for ChatTransport {
    fn drop(&mut self) {
        if let Some(bc) = &self.bc {
            bc.set_onmessage(None);
            bc.close();
        }
    }
}
