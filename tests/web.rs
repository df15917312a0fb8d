//! Browser tests of the shell (wasm-bindgen-test in headless Chromium): the component is
//! mounted in a real page and checked by role and accessible name, as a screen reader finds it.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app into a fresh container and returns the container.
async fn mount_app() -> Element {
    let document = leptos::prelude::document();
    let container = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone().unchecked_into(), omnidesk::ui::App);
    handle.forget();
    leptos::task::tick().await;
    container
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn tabs_of(tablist: &Element) -> Vec<Element> {
    let nodes = tablist.query_selector_all("[role=tab]").unwrap();
    (0..nodes.length())
        .map(|i| nodes.item(i).unwrap().unchecked_into())
        .collect()
}

#[wasm_bindgen_test]
async fn the_sessions_tablist_starts_with_a_selected_home_tab() {
    let root = mount_app().await;
    let sessions = find(&root, r#"[role=tablist][aria-label="Sessions"]"#);
    let tabs = tabs_of(&sessions);
    assert!(!tabs.is_empty(), "the Sessions tablist has no tab");
    let home = &tabs[0];
    assert_eq!(home.text_content().unwrap().trim(), "Home");
    assert_eq!(home.get_attribute("aria-selected").as_deref(), Some("true"));
    assert_eq!(home.get_attribute("tabindex").as_deref(), Some("0"));
    // Its panel exists, is labelled by it and is shown.
    let panel_id = home
        .get_attribute("aria-controls")
        .expect("Home controls a panel");
    let panel = find(&root, &format!("#{panel_id}"));
    assert_eq!(panel.get_attribute("role").as_deref(), Some("tabpanel"));
    assert_eq!(panel.get_attribute("aria-labelledby"), Some(home.id()));
    assert!(!panel.has_attribute("hidden"));
}

#[wasm_bindgen_test]
async fn home_has_no_close_control() {
    let root = mount_app().await;
    let buttons = root.query_selector_all("button").unwrap();
    for i in 0..buttons.length() {
        let button: Element = buttons.item(i).unwrap().unchecked_into();
        let name = button.text_content().unwrap_or_default();
        let label = button.get_attribute("aria-label").unwrap_or_default();
        assert!(
            !name.starts_with("Close") && !label.starts_with("Close"),
            "found a close control: {name}{label}"
        );
    }
}

#[wasm_bindgen_test]
async fn home_opens_the_dashboard_application_tab() {
    let root = mount_app().await;
    let apps = find(&root, r#"[role=tablist][aria-label="Applications"]"#);
    let tabs = tabs_of(&apps);
    assert_eq!(tabs.len(), 1);
    assert_eq!(tabs[0].text_content().unwrap().trim(), "Dashboard");
    assert_eq!(
        tabs[0].get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    let panel = find(
        &root,
        &format!("#{}", tabs[0].get_attribute("aria-controls").unwrap()),
    );
    assert_eq!(
        find(&panel, "h1").text_content().unwrap(),
        "Agent dashboard"
    );
}

#[wasm_bindgen_test]
async fn arrow_keys_keep_focus_on_the_only_session() {
    let root = mount_app().await;
    let sessions = find(&root, r#"[role=tablist][aria-label="Sessions"]"#);
    let home: HtmlElement = tabs_of(&sessions).remove(0).unchecked_into();
    home.focus().unwrap();
    let init = KeyboardEventInit::new();
    init.set_key("End");
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    home.dispatch_event(&event).unwrap();
    leptos::task::tick().await;
    assert!(event.default_prevented(), "the tablist handles End");
    assert_eq!(home.get_attribute("aria-selected").as_deref(), Some("true"));
    let active = leptos::prelude::document().active_element().unwrap();
    assert_eq!(active.id(), home.id());
}
