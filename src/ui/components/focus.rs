//! Focus helpers shared by the widgets. Each deferred one runs after the DOM has updated (on
//! the next animation frame) and touches only the DOM, never a reactive value, so it is safe
//! when the widget that asked is gone by then.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Focuses the element with DOM id `id` after the DOM has updated.
pub fn focus_id(id: impl Into<String>) {
    let id = id.into();
    request_animation_frame(move || {
        if let Some(el) = document()
            .get_element_by_id(&id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// Moves keyboard focus to the element at `index` of those matching `selector` in `root`.
pub fn focus_nth(root: &web_sys::Element, selector: &str, index: usize) {
    let Ok(list) = root.query_selector_all(selector) else {
        return;
    };
    if let Some(el) = list
        .item(index as u32)
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Focuses the tab at `index` of the tablist with DOM id `list_id`, after the DOM updated.
pub fn focus_tab_in(list_id: &'static str, index: usize) {
    request_animation_frame(move || {
        if let Some(list) = document().get_element_by_id(list_id) {
            focus_nth(&list, "[role=tab]", index);
        }
    });
}

/// Whether the agent is typing in a text field (an offer must not steal focus then).
pub fn typing() -> bool {
    document().active_element().is_some_and(|e| {
        matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || e.get_attribute("contenteditable").is_some()
    })
}

/// The element that has focus now (to give it back later).
pub fn focused() -> Option<web_sys::HtmlElement> {
    document()
        .active_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
}
