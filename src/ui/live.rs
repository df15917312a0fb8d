//! The agent tab's end of the live-chat channel ([`crate::runtime::live`]): a
//! `BroadcastChannel` whose customer page lines become core inputs, and which carries the
//! events of live-chat items back to the customer page.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::workspace::Workspace;
use crate::runtime::centre::Centre;
use crate::runtime::live;
use omnidesk_core::Stamped;

/// The agent tab's BroadcastChannel.
#[derive(Clone)]
pub struct Channel {
    bc: web_sys::BroadcastChannel,
}

impl Channel {
    /// Tells the customer pages what happened to their chats.
    pub fn publish(&self, centre: &Centre, events: &[Stamped]) {
        for e in events {
            if let Some(line) = live::to_customer(centre.engine.config(), e) {
                let _ = self.bc.post_message(&JsValue::from_str(&line));
            }
        }
    }
}

/// Opens the channel: customer page lines are sent to the core as inputs.
pub fn listen(ws: Workspace) {
    let Ok(bc) = web_sys::BroadcastChannel::new(live::CHANNEL) else {
        return;
    };
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(input) = e.data().as_string().and_then(|l| live::customer_input(&l)) {
                ws.send(input);
            }
        });
    bc.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    ws.live.set_value(Some(Channel { bc }));
}
