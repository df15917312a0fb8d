//! Small readings of a conversation's view model, shared by its parts and the Transfer menu.

use crate::model::projection::Conversation;
use leptos::prelude::*;

/// The time of day of a timestamp, `hh:mm` in the browser's time zone.
pub fn clock_time(at: u64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// The customer's name, once the conversation is known.
pub fn customer_name(info: Memo<Option<Conversation>>) -> String {
    info.with(|i| {
        i.as_ref()
            .map(|i| i.customer.name.clone())
            .unwrap_or_default()
    })
}

/// Whether the conversation is the agent's and in one of `states`.
pub fn mine_in(info: Memo<Option<Conversation>>, states: &[&str]) -> bool {
    info.with(|i| {
        i.as_ref()
            .is_some_and(|i| i.mine && states.contains(&i.status))
    })
}
