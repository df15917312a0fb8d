//! Browser tests of the shell (wasm-bindgen-test in headless Chromium): the component is
//! mounted in a real page and checked by role and accessible name, as a screen reader finds it.
#![cfg(target_arch = "wasm32")]

use omnidesk::runtime::centre::Centre;
use omnidesk::sessions::Sessions;
use omnidesk::ui::{Desk, Workspace};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the workspace around an in-memory demo centre (simulator off, no storage, no
/// clock: tests drive it) into a fresh container, and returns the container and the handle.
async fn mount_desk() -> (Element, Workspace) {
    let document = leptos::prelude::document();
    let container = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&container).unwrap();
    let (centre, _) = Centre::fresh(1, false, js_sys::Date::now() as u64);
    let mut ws = None;
    let handle = leptos::mount::mount_to(container.clone().unchecked_into(), {
        let ws = &mut ws;
        let w = Workspace::new(centre, Sessions::default(), None);
        *ws = Some(w);
        move || leptos::view! { <Desk ws=w /> }
    });
    handle.forget();
    leptos::task::tick().await;
    (container, ws.unwrap())
}

async fn mount_app() -> Element {
    mount_desk().await.0
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
    assert_eq!(home.text_content().unwrap().trim_start_matches('⌂'), "Home");
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
    // Only the selected session's Applications tablist is shown.
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

/// Finds the button whose accessible name (aria-label, else text) is exactly `name`.
fn button(root: &Element, name: &str) -> HtmlElement {
    let nodes = root.query_selector_all("button").unwrap();
    (0..nodes.length())
        .map(|i| nodes.item(i).unwrap().unchecked_into::<HtmlElement>())
        .find(|b| {
            b.get_attribute("aria-label")
                .unwrap_or_else(|| b.text_content().unwrap_or_default())
                .trim()
                == name
        })
        .unwrap_or_else(|| panic!("no button named {name}"))
}

fn buttons_starting(root: &Element, prefix: &str) -> Vec<HtmlElement> {
    let nodes = root.query_selector_all("button[aria-label]").unwrap();
    (0..nodes.length())
        .map(|i| nodes.item(i).unwrap().unchecked_into::<HtmlElement>())
        .filter(|b| b.get_attribute("aria-label").unwrap().starts_with(prefix))
        .collect()
}

fn region(root: &Element, name: &str) -> Element {
    let nodes = root.query_selector_all("[role=region]").unwrap();
    (0..nodes.length())
        .map(|i| nodes.item(i).unwrap().unchecked_into::<Element>())
        .find(|r| {
            let label = r.get_attribute("aria-label").or_else(|| {
                r.get_attribute("aria-labelledby").and_then(|id| {
                    leptos::prelude::document()
                        .get_element_by_id(&id)
                        .and_then(|e| e.text_content())
                })
            });
            label.as_deref() == Some(name)
        })
        .unwrap_or_else(|| panic!("no region named {name}"))
}

fn presence_button(root: &Element) -> Element {
    find(root, "[aria-haspopup=menu]")
}

#[wasm_bindgen_test]
async fn the_dashboard_has_three_stream_regions_with_filters() {
    let root = mount_app().await;
    for name in ["My work items", "Open work items", "Closed work items"] {
        let r = region(&root, name);
        let filter = find(&r, "input[type=search]");
        assert_eq!(
            filter.get_attribute("aria-label").unwrap(),
            format!("Filter {name}")
        );
        assert!(
            r.query_selector("select").unwrap().is_some(),
            "{name} has a sort control"
        );
    }
    region(&root, "Demo");
}

#[wasm_bindgen_test]
async fn a_picked_item_moves_to_my_work_items_and_presence_follows_capacity() {
    let (root, ws) = mount_desk().await;
    // Away by hand, so the simulated chat stays Open instead of being offered.
    ws.set_presence(omnidesk_core::Presence::Away);
    leptos::task::tick().await;
    assert_eq!(
        presence_button(&root)
            .text_content()
            .unwrap()
            .trim_end_matches('▾')
            .trim(),
        "Presence: Away"
    );
    button(&root, "Simulate chat").click();
    leptos::task::tick().await;
    let picks = buttons_starting(&region(&root, "Open work items"), "Pick ");
    assert_eq!(picks.len(), 1);
    let customer = picks[0].get_attribute("aria-label").unwrap()["Pick ".len()..].to_owned();
    picks[0].click();
    leptos::task::tick().await;
    assert!(buttons_starting(&region(&root, "Open work items"), "Pick ").is_empty());
    button(&region(&root, "My work items"), &format!("Open {customer}"));
    let meter = find(&root, "[role=meter]");
    assert_eq!(meter.get_attribute("aria-valuenow").as_deref(), Some("80"));
    assert_eq!(
        meter.get_attribute("aria-valuetext").as_deref(),
        Some("80 of 100 available")
    );
    // Reset presence applies R6: 20 of 100 used is Busy.
    ws.reset_presence();
    leptos::task::tick().await;
    assert!(presence_button(&root)
        .text_content()
        .unwrap()
        .contains("Busy"));
}

#[wasm_bindgen_test]
async fn the_presence_menu_opens_lists_statuses_and_closes_on_escape() {
    let root = mount_app().await;
    let b: HtmlElement = presence_button(&root).unchecked_into();
    assert_eq!(b.get_attribute("aria-expanded").as_deref(), Some("false"));
    b.click();
    leptos::task::tick().await;
    assert_eq!(b.get_attribute("aria-expanded").as_deref(), Some("true"));
    let menu = find(&root, "[role=menu]");
    assert!(!menu.has_attribute("hidden"));
    let radios = menu.query_selector_all("[role=menuitemradio]").unwrap();
    let names: Vec<String> = (0..radios.length())
        .map(|i| radios.item(i).unwrap().text_content().unwrap())
        .collect();
    for expected in [
        "Available",
        "Busy",
        "Do not disturb",
        "Away",
        "Offline",
        "Lunch",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    assert!(menu.query_selector("[role=menuitem]").unwrap().is_some());
    let init = KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    menu.dispatch_event(&event).unwrap();
    leptos::task::tick().await;
    assert!(menu.has_attribute("hidden"));
}

#[wasm_bindgen_test]
async fn open_adds_a_session_tab_with_its_close_button_outside_the_tablist() {
    let (root, ws) = mount_desk().await;
    ws.set_presence(omnidesk_core::Presence::Away);
    button(&root, "Simulate SMS").click();
    leptos::task::tick().await;
    let pick = buttons_starting(&region(&root, "Open work items"), "Pick ").remove(0);
    let customer = pick.get_attribute("aria-label").unwrap()["Pick ".len()..].to_owned();
    pick.click();
    leptos::task::tick().await;
    button(&root, &format!("Open {customer}")).click();
    leptos::task::tick().await;
    let sessions = find(&root, r#"[role=tablist][aria-label="Sessions"]"#);
    let tabs = tabs_of(&sessions);
    assert_eq!(tabs.len(), 2);
    assert_eq!(
        tabs[1]
            .text_content()
            .unwrap()
            .trim()
            .trim_start_matches('◉'),
        customer
    );
    assert_eq!(
        tabs[1].get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    assert!(sessions
        .query_selector("button:not([role=tab])")
        .unwrap()
        .is_none());
    let close = button(&root, &format!("Close {customer}"));
    let conversation = region(&root, "Conversation");
    assert!(conversation.query_selector("[role=log]").unwrap().is_some());
    close.click();
    leptos::task::tick().await;
    assert_eq!(tabs_of(&sessions).len(), 1);
}

#[wasm_bindgen_test]
async fn offers_are_stacked_each_with_a_countdown_from_its_expiry() {
    let (root, ws) = mount_desk().await;
    ws.set_presence(omnidesk_core::Presence::Away);
    button(&root, "Simulate SMS").click();
    button(&root, "Simulate SMS").click();
    ws.set_presence(omnidesk_core::Presence::Available);
    leptos::task::tick().await;
    let dialogs = root.query_selector_all("[role=alertdialog]").unwrap();
    assert_eq!(dialogs.length(), 2, "both offers are shown");
    for i in 0..2 {
        let d: Element = dialogs.item(i).unwrap().unchecked_into();
        let timer = find(&d, "[role=timer]").text_content().unwrap();
        assert!(
            timer == "2:00" || timer == "1:59",
            "a fresh offer counts down from 2:00: {timer}"
        );
        button(&d, "Accept");
        button(&d, "Reject");
    }
}
