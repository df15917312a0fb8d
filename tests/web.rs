//! Browser tests of the desk (wasm-bindgen-test in headless Chromium), for both builds: the
//! desk is mounted in a real page inside the router, around an in-memory centre, and checked
//! by role and accessible name, as a screen reader finds it. Standalone tests drive the
//! page's engine; server-build tests fold events into the replica as the link would.
//!
//! Every test goes through [`mount`]'s [`Mounted`]: it records the page's `console.error`s and
//! uncaught errors, and fails the test on any (once, here), then unmounts the desk.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::path;
use omnidesk::centre::Centre;
use omnidesk::model::sessions::Sessions;
use omnidesk::ui::context::{Navigator, Workspace};
use omnidesk::ui::pages::supervisor::SupervisorPage;
use omnidesk::ui::pages::workspace::{Desk, HomeAddress, SessionAddress};
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Counts what the page does that a test checks: console errors, uncaught errors, window
/// listeners and intervals (installed once per page).
const RECORDER: &str = r#"
if (!window.__od) {
  const od = window.__od = { errors: [], listeners: {}, intervals: new Set() };
  const error = console.error.bind(console);
  console.error = (...a) => { od.errors.push(a.map(String).join(' ')); error(...a); };
  window.addEventListener('error', (e) => od.errors.push('uncaught: ' + e.message));
  window.addEventListener('unhandledrejection', (e) => od.errors.push('unhandled: ' + e.reason));
  const add = window.addEventListener.bind(window), remove = window.removeEventListener.bind(window);
  window.addEventListener = (t, f, o) => { od.listeners[t] = (od.listeners[t] ?? 0) + 1; add(t, f, o); };
  window.removeEventListener = (t, f, o) => { od.listeners[t] = (od.listeners[t] ?? 0) - 1; remove(t, f, o); };
  const si = window.setInterval.bind(window), ci = window.clearInterval.bind(window);
  window.setInterval = (...a) => { const id = si(...a); od.intervals.add(id); return id; };
  window.clearInterval = (id) => { od.intervals.delete(id); ci(id); };
}
"#;

fn eval(js: &str) -> wasm_bindgen::JsValue {
    js_sys::eval(js).expect("test script runs")
}

fn errors() -> Vec<String> {
    let list = eval("window.__od.errors.splice(0)");
    js_sys::Array::from(&list)
        .iter()
        .filter_map(|v| v.as_string())
        .collect()
}

fn listeners(kind: &str) -> i32 {
    eval(&format!("window.__od.listeners['{kind}'] ?? 0"))
        .as_f64()
        .unwrap_or(0.0) as i32
}

#[cfg(not(feature = "server"))]
fn intervals() -> i32 {
    eval("window.__od.intervals.size").as_f64().unwrap_or(0.0) as i32
}

/// A mounted desk: its container, its handles, and the guard that checks errors and unmounts.
struct Mounted {
    root: Element,
    ws: Workspace,
    handle: Option<leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>>,
}

impl Mounted {
    /// Lets deferred work run (effects, animation frames), then checks for errors.
    async fn settle(&self) {
        for _ in 0..3 {
            leptos::task::tick().await;
            frame().await;
        }
        let e = errors();
        assert!(e.is_empty(), "the page logged errors: {e:?}");
    }

    /// Unmounts the desk (as a sign-out or leaving the route does) and checks for errors.
    async fn unmount(mut self) {
        self.handle.take();
        self.root.remove();
        self.settle().await;
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.handle.take();
        self.root.remove();
        let e = errors();
        if !std::thread::panicking() {
            assert!(e.is_empty(), "the page logged errors: {e:?}");
        }
    }
}

async fn frame() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().unwrap().request_animation_frame(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// The centre a test starts from: the demo's, simulator off, the agent signed in.
fn fresh_centre() -> Centre {
    let (centre, _) = Centre::fresh(1, false, js_sys::Date::now() as u64);
    centre
}

thread_local! {
    static NEXT_CENTRE: RefCell<Option<Centre>> = const { RefCell::new(None) };
    static MOUNTED: RefCell<Option<Workspace>> = const { RefCell::new(None) };
}

/// The workspace route of the tests: the handles around the next centre, the mode's backend.
#[component]
fn TestWorkspace() -> impl IntoView {
    let centre = NEXT_CENTRE
        .with(|c| c.borrow_mut().take())
        .expect("a centre to mount");
    let ws = Workspace::new(centre, Sessions::default(), Navigator::here());
    let backend = backend(&ws);
    ws.attach(move |input| {
        backend.send(input);
    });
    ws.provide();
    provide_context(backend);
    provide_context(omnidesk::mode::slots());
    MOUNTED.with(|w| *w.borrow_mut() = Some(ws));
    view! { <Outlet /> }
}

/// Mounts the desk inside the router at `/`, around `centre`, with the mode's backend (no
/// storage, no server: tests drive it).
async fn mount(centre: Centre) -> Mounted {
    mount_at(centre, "/").await
}

/// Mounts the app's workspace routes at `path` (`/` the desk, `/supervisor` its page).
async fn mount_at(centre: Centre, path: &str) -> Mounted {
    eval(RECORDER);
    errors();
    let _ = web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    let document = leptos::prelude::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    NEXT_CENTRE.with(|c| *c.borrow_mut() = Some(centre));
    let handle = leptos::mount::mount_to(root.clone().unchecked_into(), move || {
        view! {
            <Router>
                <Routes fallback=|| "not found">
                    <ParentRoute path=path!("") view=TestWorkspace>
                        <Route path=path!("/supervisor") view=SupervisorPage />
                        <ParentRoute path=path!("") view=Desk>
                            <Route path=path!("") view=HomeAddress />
                            <Route path=path!("/session/:item") view=SessionAddress />
                        </ParentRoute>
                    </ParentRoute>
                </Routes>
            </Router>
        }
        .into_any()
    });
    leptos::task::tick().await;
    let ws = MOUNTED
        .with(|w| w.borrow_mut().take())
        .expect("the workspace route rendered");
    Mounted {
        root,
        ws,
        handle: Some(handle),
    }
}

#[cfg(not(feature = "server"))]
fn backend(ws: &Workspace) -> omnidesk::mode::Backend {
    omnidesk::mode::Backend::new(ws, None)
}

#[cfg(feature = "server")]
fn backend(ws: &Workspace) -> omnidesk::mode::Backend {
    omnidesk::mode::Backend::new(
        *ws,
        omnidesk::link::SavedSession {
            base: "http://127.0.0.1:9/".into(),
            agent: "alex".into(),
            token: "test".into(),
        },
    )
}

/// Runs `input` through a centre as the server would, and folds its events into the desk's
/// replica (server build) — or hands it to the page's engine (standalone).
fn feed(ws: &Workspace, server: &mut Centre, input: omnidesk_core::Input) {
    if omnidesk::mode::SERVER_BUILD {
        let events = server.submit(input, js_sys::Date::now() as u64);
        ws.cell.update(|c| {
            for e in &events {
                let _ = c.follow(e);
            }
        });
        ws.sessions.count_unread(&events);
        ws.cell.bump();
    } else {
        ws.commands.send(input);
    }
}

/// A desk and the "server" centre beside it (server build: the replica follows it).
async fn mount_both() -> (Mounted, Centre) {
    let (server, events) = Centre::fresh(1, false, js_sys::Date::now() as u64);
    let centre = if omnidesk::mode::SERVER_BUILD {
        let mut replica = Centre::replica(server.engine.config().clone(), server.me.clone());
        for e in &events {
            assert!(replica.follow(e));
        }
        replica
    } else {
        fresh_centre()
    };
    (mount(centre).await, server)
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

/// The button whose accessible name (aria-label, else text) is exactly `name`.
#[cfg(not(feature = "server"))]
fn button(root: &Element, name: &str) -> HtmlElement {
    try_button(root, name).unwrap_or_else(|| panic!("no button named {name}"))
}

fn try_button(root: &Element, name: &str) -> Option<HtmlElement> {
    let nodes = root.query_selector_all("button").unwrap();
    (0..nodes.length())
        .map(|i| nodes.item(i).unwrap().unchecked_into::<HtmlElement>())
        .find(|b| {
            b.get_attribute("aria-label")
                .unwrap_or_else(|| b.text_content().unwrap_or_default())
                .trim()
                == name
        })
}

fn buttons_starting(root: &Element, prefix: &str) -> Vec<HtmlElement> {
    let nodes = root.query_selector_all("button[aria-label]").unwrap();
    (0..nodes.length())
        .map(|i| nodes.item(i).unwrap().unchecked_into::<HtmlElement>())
        .filter(|b| b.get_attribute("aria-label").unwrap().starts_with(prefix))
        .collect()
}

fn try_region(root: &Element, name: &str) -> Option<Element> {
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
}

fn region(root: &Element, name: &str) -> Element {
    try_region(root, name).unwrap_or_else(|| panic!("no region named {name}"))
}

fn presence_button(root: &Element) -> Element {
    find(root, "#presence-button")
}

fn key(target: &Element, key: &str) -> KeyboardEvent {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap();
    event
}

/// An item arrives in the agent's queue (by email: it waits in Open work items to be picked).
fn arrive(ws: &Workspace, server: &mut Centre, id: &str, name: &str) -> omnidesk_core::ItemId {
    let item = omnidesk_core::ItemId::from(id);
    feed(
        ws,
        server,
        omnidesk_core::Input::Arrive {
            item: item.clone(),
            channel: "email".into(),
            queue: "general".into(),
            customer: omnidesk_core::protocol::Customer {
                name: name.into(),
                ..Default::default()
            },
            skills: Default::default(),
            priority: 0,
            text: Some("Hello".into()),
        },
    );
    item
}

#[wasm_bindgen_test]
async fn the_sessions_tablist_starts_with_a_selected_home_tab() {
    let m = mount_both().await.0;
    let sessions = find(&m.root, r#"[role=tablist][aria-label="Sessions"]"#);
    let tabs = tabs_of(&sessions);
    assert!(!tabs.is_empty(), "the Sessions tablist has no tab");
    let home = &tabs[0];
    assert_eq!(home.text_content().unwrap().trim_start_matches('⌂'), "Home");
    assert_eq!(home.get_attribute("aria-selected").as_deref(), Some("true"));
    assert_eq!(home.get_attribute("tabindex").as_deref(), Some("0"));
    let panel_id = home
        .get_attribute("aria-controls")
        .expect("Home controls a panel");
    let panel = find(&m.root, &format!("#{panel_id}"));
    assert_eq!(panel.get_attribute("role").as_deref(), Some("tabpanel"));
    assert_eq!(panel.get_attribute("aria-labelledby"), Some(home.id()));
    assert!(!panel.has_attribute("hidden"));
    m.settle().await;
}

/// With a conversation session open, that session has its close control and Home has none;
/// Delete on the Home tab closes nothing.
#[wasm_bindgen_test]
async fn home_has_no_close_control_when_a_session_has_one() {
    let (m, mut server) = mount_both().await;
    let item = arrive(&m.ws, &mut server, "w-close", "Grace Hopper");
    m.ws.sessions.open(&item, omnidesk::ui::context::Nav::Push);
    m.settle().await;
    let closers = buttons_starting(&m.root, "Close ");
    let names: Vec<String> = closers
        .iter()
        .map(|b| b.get_attribute("aria-label").unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["Close Grace Hopper".to_owned()],
        "one close control, the session's"
    );
    let sessions = find(&m.root, r#"[role=tablist][aria-label="Sessions"]"#);
    let home: HtmlElement = tabs_of(&sessions).remove(0).unchecked_into();
    m.ws.sessions.select(0, omnidesk::ui::context::Nav::Replace);
    m.settle().await;
    home.focus().unwrap();
    key(&home, "Delete");
    leptos::task::tick().await;
    assert_eq!(
        tabs_of(&sessions).len(),
        2,
        "Delete on Home closed a session"
    );
    m.settle().await;
}

#[wasm_bindgen_test]
async fn home_opens_the_dashboard_application_tab() {
    let m = mount_both().await.0;
    let apps = find(&m.root, r#"[role=tablist][aria-label="Applications"]"#);
    let tabs = tabs_of(&apps);
    assert_eq!(tabs.len(), 1);
    assert_eq!(tabs[0].text_content().unwrap().trim(), "Dashboard");
    assert_eq!(
        tabs[0].get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    let panel = find(
        &m.root,
        &format!("#{}", tabs[0].get_attribute("aria-controls").unwrap()),
    );
    assert_eq!(
        find(&panel, "h1").text_content().unwrap(),
        "Agent dashboard"
    );
    m.settle().await;
}

#[wasm_bindgen_test]
async fn arrow_keys_keep_focus_on_the_only_session() {
    let m = mount_both().await.0;
    let sessions = find(&m.root, r#"[role=tablist][aria-label="Sessions"]"#);
    let home: HtmlElement = tabs_of(&sessions).remove(0).unchecked_into();
    home.focus().unwrap();
    let event = key(&home, "End");
    leptos::task::tick().await;
    assert!(event.default_prevented(), "the tablist handles End");
    assert_eq!(home.get_attribute("aria-selected").as_deref(), Some("true"));
    let active = leptos::prelude::document().active_element().unwrap();
    assert_eq!(active.id(), home.id());
    m.settle().await;
}

#[wasm_bindgen_test]
async fn the_dashboard_has_three_stream_regions_with_filters_and_the_modes_demo_region() {
    let m = mount_both().await.0;
    for name in ["My work items", "Open work items", "Closed work items"] {
        let r = region(&m.root, name);
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
    // The Demo region is the standalone demo's; the server build has none.
    assert_eq!(
        try_region(&m.root, "Demo").is_some(),
        !omnidesk::mode::SERVER_BUILD
    );
    m.settle().await;
}

#[wasm_bindgen_test]
async fn the_presence_menu_opens_lists_statuses_and_closes_on_escape() {
    let m = mount_both().await.0;
    let b: HtmlElement = presence_button(&m.root).unchecked_into();
    assert_eq!(b.get_attribute("aria-expanded").as_deref(), Some("false"));
    b.click();
    leptos::task::tick().await;
    assert_eq!(b.get_attribute("aria-expanded").as_deref(), Some("true"));
    let menu = find(&m.root, "[role=menu][aria-label=Presence]");
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
    key(&menu, "Escape");
    leptos::task::tick().await;
    assert!(menu.has_attribute("hidden"));
    m.settle().await;
}

/// Owned clean-ups: a desk with its menu, a dialog and the keyboard shortcuts leaves no
/// window listener behind when it goes (as at sign-out), and a second desk adds only its own.
#[wasm_bindgen_test]
async fn a_desk_that_goes_leaves_no_listener_behind() {
    eval(RECORDER);
    // An earlier test's desk may still be going.
    for _ in 0..3 {
        leptos::task::tick().await;
        frame().await;
    }
    let before = (listeners("keydown"), listeners("pointerdown"));
    let (m, mut server) = mount_both().await;
    let item = arrive(&m.ws, &mut server, "w-why", "Ada Lovelace");
    m.ws.dialogs.why.set(Some(item));
    m.settle().await;
    assert!(
        listeners("keydown") > before.0,
        "the desk listens for its shortcuts and Escape"
    );
    m.unmount().await;
    assert_eq!(
        (listeners("keydown"), listeners("pointerdown")),
        before,
        "listeners left behind"
    );
    let again = mount_both().await.0;
    again.settle().await;
    let one_desk = (listeners("keydown"), listeners("pointerdown"));
    again.unmount().await;
    assert_eq!((listeners("keydown"), listeners("pointerdown")), before);
    assert!(one_desk.0 > before.0);
}

#[cfg(feature = "server")]
#[wasm_bindgen_test]
async fn the_server_build_shows_the_connection_and_unanswered_replies_as_sending() {
    let (m, mut server) = mount_both().await;
    let item = arrive(&m.ws, &mut server, "w-send", "Alan Turing");
    let me = server.me.clone();
    feed(
        &m.ws,
        &mut server,
        omnidesk_core::Input::Pick {
            agent: me,
            item: item.clone(),
        },
    );
    m.ws.sessions.open(&item, omnidesk::ui::context::Nav::Push);
    m.ws.link
        .pending
        .set(vec![omnidesk_core::Input::AgentMessage {
            agent: server.me.clone(),
            item: item.clone(),
            text: "On its way".into(),
        }]);
    m.settle().await;
    let conn = find(&m.root, "[role=status][aria-label=Connection]");
    assert!(
        conn.text_content().unwrap().contains("Live"),
        "{:?}",
        conn.text_content()
    );
    let log = find(&region(&m.root, "Conversation"), "[role=log]");
    let text = log.text_content().unwrap();
    assert!(
        text.contains("On its way") && text.contains("Sending…"),
        "{text}"
    );
    assert!(try_button(&m.root, "Sign out").is_some());
    m.settle().await;
}

#[cfg(not(feature = "server"))]
mod standalone {
    use super::*;

    #[wasm_bindgen_test]
    async fn a_picked_item_moves_to_my_work_items_and_presence_follows_capacity() {
        let m = mount(fresh_centre()).await;
        let ws = m.ws;
        // Away by hand, so the simulated chat stays Open instead of being offered.
        ws.commands.set_presence(omnidesk_core::Presence::Away);
        leptos::task::tick().await;
        assert_eq!(
            presence_button(&m.root)
                .text_content()
                .unwrap()
                .trim_end_matches('▾')
                .trim(),
            "Presence: Away"
        );
        button(&m.root, "Simulate chat").click();
        leptos::task::tick().await;
        let picks = buttons_starting(&region(&m.root, "Open work items"), "Pick ");
        assert_eq!(picks.len(), 1);
        let customer = picks[0].get_attribute("aria-label").unwrap()["Pick ".len()..].to_owned();
        picks[0].click();
        leptos::task::tick().await;
        assert!(buttons_starting(&region(&m.root, "Open work items"), "Pick ").is_empty());
        button(
            &region(&m.root, "My work items"),
            &format!("Open {customer}"),
        );
        let meter = find(&m.root, "[role=meter]");
        assert_eq!(meter.get_attribute("aria-valuenow").as_deref(), Some("80"));
        assert_eq!(
            meter.get_attribute("aria-valuetext").as_deref(),
            Some("80 of 100 available")
        );
        // Reset presence applies R6: 20 of 100 used is Busy.
        ws.commands.reset_presence();
        leptos::task::tick().await;
        assert!(presence_button(&m.root)
            .text_content()
            .unwrap()
            .contains("Busy"));
        m.settle().await;
    }

    #[wasm_bindgen_test]
    async fn open_adds_a_session_tab_with_its_close_button_outside_the_tablist() {
        let m = mount(fresh_centre()).await;
        m.ws.commands.set_presence(omnidesk_core::Presence::Away);
        button(&m.root, "Simulate SMS").click();
        leptos::task::tick().await;
        let pick = buttons_starting(&region(&m.root, "Open work items"), "Pick ").remove(0);
        let customer = pick.get_attribute("aria-label").unwrap()["Pick ".len()..].to_owned();
        pick.click();
        leptos::task::tick().await;
        button(&m.root, &format!("Open {customer}")).click();
        leptos::task::tick().await;
        let sessions = find(&m.root, r#"[role=tablist][aria-label="Sessions"]"#);
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
        let close = button(&m.root, &format!("Close {customer}"));
        let conversation = region(&m.root, "Conversation");
        assert!(conversation.query_selector("[role=log]").unwrap().is_some());
        close.click();
        leptos::task::tick().await;
        assert_eq!(tabs_of(&sessions).len(), 1);
        m.settle().await;
    }

    /// The bug of issue 13: End conversation then Close conversation disposed the session while
    /// an animation frame still held its log's NodeRef ("Tried to access a reactive value that
    /// has already been disposed"). Now the whole path logs nothing.
    #[wasm_bindgen_test]
    async fn ending_and_closing_a_conversation_logs_no_error() {
        let m = mount(fresh_centre()).await;
        m.ws.commands.set_presence(omnidesk_core::Presence::Away);
        button(&m.root, "Simulate chat").click();
        leptos::task::tick().await;
        let pick = buttons_starting(&region(&m.root, "Open work items"), "Pick ").remove(0);
        let customer = pick.get_attribute("aria-label").unwrap()["Pick ".len()..].to_owned();
        pick.click();
        leptos::task::tick().await;
        button(&m.root, &format!("Open {customer}")).click();
        m.settle().await;
        button(&region(&m.root, "Conversation"), "End conversation").click();
        m.settle().await;
        button(&region(&m.root, "Conversation"), "Close conversation").click();
        m.settle().await;
        assert!(
            try_region(&m.root, "Conversation").is_none(),
            "the session closed: {:?} at {:?}",
            m.ws.sessions.with_untracked(|s| s.clone()),
            web_sys::window().unwrap().location().href()
        );
        button(
            &region(&m.root, "Closed work items"),
            &format!("Reopen {customer}"),
        );
    }

    #[wasm_bindgen_test]
    async fn offers_are_stacked_each_with_a_countdown_from_its_expiry() {
        let m = mount(fresh_centre()).await;
        m.ws.commands.set_presence(omnidesk_core::Presence::Away);
        button(&m.root, "Simulate SMS").click();
        button(&m.root, "Simulate SMS").click();
        m.ws.commands
            .set_presence(omnidesk_core::Presence::Available);
        leptos::task::tick().await;
        let dialogs = m.root.query_selector_all("[role=alertdialog]").unwrap();
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
        m.settle().await;
    }

    /// The clock's interval and the /chat channel end with the workspace view.
    #[wasm_bindgen_test]
    async fn the_clock_stops_when_the_workspace_goes() {
        eval(RECORDER);
        let before = intervals();
        let m = mount(fresh_centre()).await;
        let ws = m.ws;
        let owner = Owner::new();
        owner.with(|| omnidesk::mode::run(ws, omnidesk::mode::Backend::new(&ws, None)));
        assert_eq!(intervals(), before + 1, "the clock ticks every second");
        drop(owner);
        assert_eq!(intervals(), before, "the interval was cleared");
        m.settle().await;
    }
}

/// Records the inputs the desk hands its backend from now on (instead of sending them).
fn record_inputs(ws: &Workspace) -> std::rc::Rc<RefCell<Vec<omnidesk_core::Input>>> {
    let sent = std::rc::Rc::new(RefCell::new(Vec::new()));
    let keep = sent.clone();
    ws.attach(move |input| keep.borrow_mut().push(input));
    sent
}

/// The page's visibility as the tests want it (`None`: the browser's own again); a change is
/// announced with `visibilitychange`, as the browser does.
fn set_hidden(hidden: Option<bool>) {
    match hidden {
        Some(h) => eval(&format!(
            "Object.defineProperty(document, 'visibilityState', {{ configurable: true, get: () => '{}' }}); document.dispatchEvent(new Event('visibilitychange', {{ bubbles: true }}));",
            if h { "hidden" } else { "visible" }
        )),
        None => eval("delete document.visibilityState; document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));"),
    };
}

fn seen_inputs(sent: &RefCell<Vec<omnidesk_core::Input>>) -> Vec<omnidesk_core::ItemId> {
    sent.borrow()
        .iter()
        .filter_map(|i| match i {
            omnidesk_core::Input::OfferSeen { item, .. } => Some(item.clone()),
            _ => None,
        })
        .collect()
}

/// R23: the offer dialog drawn on a visible page sends `offer_seen` once; on a hidden page
/// (no notification allowed) nothing is sent until the page is shown.
#[wasm_bindgen_test]
async fn r23_offer_seen_is_sent_once_when_the_offer_is_on_a_visible_page() {
    let (m, mut server) = mount_both().await;
    let sent = record_inputs(&m.ws);
    let mut feed_server = |input| {
        if omnidesk::mode::SERVER_BUILD {
            feed(&m.ws, &mut server, input);
        } else {
            m.ws.cell
                .update(|c| c.submit(input, js_sys::Date::now() as u64));
            m.ws.cell.bump();
        }
    };
    // The visible page: the dialog is drawn, offer_seen goes out once.
    let a = offer_chat_via(&mut feed_server, &server_me(), "w-seen", "Ada Lovelace");
    m.settle().await;
    find(&m.root, "[role=alertdialog]");
    assert_eq!(seen_inputs(&sent), vec![a.clone()]);
    m.ws.cell.bump(); // another repaint sends nothing more
    m.settle().await;
    assert_eq!(seen_inputs(&sent).len(), 1);
    // A hidden page: the second offer rings unseen until the page is shown.
    set_hidden(Some(true));
    let b = offer_chat_via(&mut feed_server, &server_me(), "w-hidden", "Grace Hopper");
    m.settle().await;
    assert_eq!(
        m.root
            .query_selector_all("[role=alertdialog]")
            .unwrap()
            .length(),
        2
    );
    assert_eq!(
        seen_inputs(&sent),
        vec![a.clone()],
        "nothing sent while hidden"
    );
    set_hidden(Some(false));
    m.settle().await;
    assert_eq!(seen_inputs(&sent), vec![a, b]);
    set_hidden(None);
    m.settle().await;
}

fn server_me() -> omnidesk_core::AgentId {
    omnidesk_core::AgentId::from(omnidesk::centre::demo::ME)
}

/// Away, a chat arrives, Available: through `feed_server`.
fn offer_chat_via(
    feed_server: &mut impl FnMut(omnidesk_core::Input),
    me: &omnidesk_core::AgentId,
    id: &str,
    name: &str,
) -> omnidesk_core::ItemId {
    let item = omnidesk_core::ItemId::from(id);
    feed_server(omnidesk_core::Input::SetPresence {
        agent: me.clone(),
        status: omnidesk_core::Presence::Away,
    });
    feed_server(omnidesk_core::Input::Arrive {
        item: item.clone(),
        channel: "chat".into(),
        queue: "general".into(),
        customer: omnidesk_core::protocol::Customer {
            name: name.into(),
            ..Default::default()
        },
        skills: Default::default(),
        priority: 0,
        text: Some("Hello".into()),
    });
    feed_server(omnidesk_core::Input::SetPresence {
        agent: me.clone(),
        status: omnidesk_core::Presence::Available,
    });
    item
}

/// Types `text` into a textarea as a person would (its value, then an `input` event).
fn type_into(area: &Element, text: &str) {
    let area: web_sys::HtmlTextAreaElement = area.clone().unchecked_into();
    area.set_value(text);
    let n = text.encode_utf16().count() as u32;
    let _ = area.set_selection_range(n, n);
    let event = web_sys::Event::new_with_event_init_dict("input", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    area.dispatch_event(&event).unwrap();
}

/// Quick replies (ui-contract.md): `/words` opens the listbox named Quick replies with the
/// first match active, the textbox keeps focus and points at it; ↓ moves, Enter inserts with
/// the names filled in instead of sending; no match says so and Enter does nothing.
#[wasm_bindgen_test]
async fn quick_replies_open_with_a_slash_filter_and_insert_on_enter() {
    let (m, mut server) = mount_both().await;
    m.ws.replies.centre.set(omnidesk::centre::replies::demo());
    let item = arrive(&m.ws, &mut server, "w-qr", "Ada Lovelace");
    let me = server.me.clone();
    feed(
        &m.ws,
        &mut server,
        omnidesk_core::Input::Pick {
            agent: me,
            item: item.clone(),
        },
    );
    m.ws.sessions.open(&item, omnidesk::ui::context::Nav::Push);
    m.settle().await;
    let sent = record_inputs(&m.ws);
    let conversation = region(&m.root, "Conversation");
    let area = find(&conversation, "textarea");
    area.unchecked_ref::<HtmlElement>().focus().unwrap();
    type_into(&area, "/closing");
    m.settle().await;
    let list = find(
        &conversation,
        r#"[role=listbox][aria-label="Quick replies"]"#,
    );
    assert!(!list.has_attribute("hidden"));
    let options = list.query_selector_all("[role=option]").unwrap();
    assert_eq!(options.length(), 2, "Anything else? and Goodbye");
    let first: Element = options.item(0).unwrap().unchecked_into();
    let second: Element = options.item(1).unwrap().unchecked_into();
    assert_eq!(
        area.get_attribute("aria-autocomplete").as_deref(),
        Some("list")
    );
    assert_eq!(area.get_attribute("aria-controls"), Some(list.id()));
    assert_eq!(
        area.get_attribute("aria-activedescendant"),
        Some(first.id())
    );
    assert_eq!(
        first.get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    let status = conversation.query_selector_all("[role=status]").unwrap();
    let said: Vec<String> = (0..status.length())
        .filter_map(|i| status.item(i).unwrap().text_content())
        .collect();
    assert!(said.iter().any(|t| t == "2 quick replies"), "{said:?}");
    key(&area, "ArrowDown");
    m.settle().await;
    assert_eq!(
        area.get_attribute("aria-activedescendant"),
        Some(second.id())
    );
    let enter = key(&area, "Enter");
    assert!(enter.default_prevented());
    m.settle().await;
    let text = area.unchecked_ref::<web_sys::HtmlTextAreaElement>().value();
    assert!(
        text.starts_with("Thank you for contacting us, Ada Lovelace.")
            && text.ends_with("— Alex Morgan"),
        "{text}"
    );
    assert!(sent.borrow().is_empty(), "Enter inserted, it didn't send");
    assert!(area.get_attribute("aria-activedescendant").is_none());
    assert!(area.get_attribute("aria-autocomplete").is_none());
    assert_eq!(
        leptos::prelude::document().active_element().map(|e| e.id()),
        Some(area.id()),
        "focus stayed in the Message box"
    );
    // No match: the list says so and Enter does nothing.
    type_into(&area, "/zzzz");
    m.settle().await;
    assert!(list.has_attribute("hidden"));
    assert!(conversation
        .text_content()
        .unwrap()
        .contains("No quick replies match"));
    assert!(area.get_attribute("aria-activedescendant").is_none());
    key(&area, "Enter");
    m.settle().await;
    assert!(sent.borrow().is_empty());
    assert_eq!(
        area.unchecked_ref::<web_sys::HtmlTextAreaElement>().value(),
        "/zzzz"
    );
    // Escape shuts it and leaves the text alone; Enter sends again.
    key(&area, "Escape");
    m.settle().await;
    assert!(area.get_attribute("aria-controls").is_none());
    key(&area, "Enter");
    m.settle().await;
    assert_eq!(sent.borrow().len(), 1);
}

// ---- the supervisor page (issue 14, R25–R28; standalone: the page's engine acts) ----

#[cfg(not(feature = "server"))]
mod supervisor {
    use super::*;
    use omnidesk_core::config::AgentConfig;
    use omnidesk_core::state::ItemStatus;
    use omnidesk_core::{Input, ItemId, Presence};

    /// The demo centre with `extra` more agents in General support, the agent at the keyboard
    /// Away (arrivals wait Open) — a supervisor of every queue.
    fn centre_with(extra: usize) -> Centre {
        let mut config = omnidesk::centre::demo::config();
        for k in 0..extra {
            let id = format!("agent{k:05}");
            config.add_agent(AgentConfig::new(id.as_str()));
            config
                .queues
                .get_mut("general")
                .unwrap()
                .members
                .insert(id.as_str().into());
        }
        let now = js_sys::Date::now() as u64;
        let mut c = Centre::replica(config, "alex".into());
        c.submit(
            Input::SignIn {
                agent: "alex".into(),
            },
            now,
        );
        c.submit(
            Input::SetPresence {
                agent: "alex".into(),
                status: Presence::Away,
            },
            now,
        );
        c
    }

    fn chat(ws: &Workspace, id: &str, name: &str) -> ItemId {
        let item = ItemId::from(id);
        ws.commands.send(Input::Arrive {
            item: item.clone(),
            channel: "chat".into(),
            queue: "general".into(),
            customer: omnidesk_core::protocol::Customer {
                name: name.into(),
                ..Default::default()
            },
            skills: Default::default(),
            priority: 0,
            text: Some("Where is my parcel?".into()),
        });
        item
    }

    fn table(root: &Element, name: &str) -> Element {
        let nodes = root.query_selector_all("table[aria-labelledby]").unwrap();
        (0..nodes.length())
            .map(|i| nodes.item(i).unwrap().unchecked_into::<Element>())
            .find(|t| {
                let id = t.get_attribute("aria-labelledby").unwrap();
                document()
                    .get_element_by_id(&id)
                    .and_then(|e| e.text_content())
                    .is_some_and(|n| n.starts_with(name))
            })
            .unwrap_or_else(|| panic!("no table named {name}"))
    }

    fn rows(table: &Element) -> u32 {
        table
            .query_selector_all("tbody tr[aria-rowindex]")
            .unwrap()
            .length()
    }

    #[wasm_bindgen_test]
    async fn the_page_shows_queues_with_charts_agents_with_meters_and_the_ongoing_conversations() {
        let m = mount_at(centre_with(0), "/supervisor").await;
        chat(&m.ws, "c1", "Ada Lovelace");
        m.settle().await;
        assert!(find(&m.root, "h1")
            .text_content()
            .unwrap()
            .contains("Supervisor"));
        assert_eq!(
            rows(&table(&m.root, "Queues")),
            0,
            "queue rows are plain rows"
        );
        let queues = table(&m.root, "Queues");
        assert_eq!(queues.query_selector_all("tbody tr").unwrap().length(), 3);
        let chart = find(
            &m.root,
            r#"[role=img][aria-label="Queue length of General support over the last hour"]"#,
        );
        let text = document()
            .get_element_by_id(&chart.get_attribute("aria-describedby").unwrap())
            .unwrap()
            .text_content()
            .unwrap();
        assert_eq!(text, "1 in queue now, peak 1 in the last hour");
        assert_eq!(rows(&table(&m.root, "Agents")), 5);
        find(
            &m.root,
            r#"[role=meter][aria-label="Capacity of Ana Silva"]"#,
        );
        let ongoing = table(&m.root, "Ongoing conversations");
        assert_eq!(rows(&ongoing), 1);
        for name in [
            "Assign Ada Lovelace",
            "Monitor Ada Lovelace",
            "Force close Ada Lovelace",
        ] {
            button(&ongoing, name);
        }
        // The top bar's link says where the supervisor is.
        let link = find(&m.root, ".topbar a");
        assert_eq!(link.text_content().as_deref(), Some("Supervisor"));
        assert_eq!(link.get_attribute("aria-current").as_deref(), Some("page"));
        m.unmount().await;
    }

    #[wasm_bindgen_test]
    async fn r25_an_active_row_offers_no_assign_and_an_overbooking_assign_asks_first() {
        let m = mount_at(centre_with(0), "/supervisor").await;
        for k in 0..6 {
            chat(&m.ws, &format!("c{k}"), &format!("Customer {k}"));
        }
        for k in 0..5 {
            m.ws.commands
                .assign(ItemId::from(format!("c{k}")), "alex".into());
        }
        m.settle().await;
        let ongoing = table(&m.root, "Ongoing conversations");
        assert!(
            try_button(&ongoing, "Assign Customer 0").is_none(),
            "Active: no Assign"
        );
        button(&ongoing, "Force close Customer 0");
        button(&ongoing, "Assign Customer 5").click();
        m.settle().await;
        let dialog = find(&m.root, r#"[role=dialog][aria-labelledby="assign-title"]"#);
        assert_eq!(
            find(&dialog, "#assign-title").text_content().as_deref(),
            Some("Assign Customer 5")
        );
        assert!(
            button(&dialog, "Assign").has_attribute("disabled"),
            "nothing chosen yet"
        );
        let radio: HtmlElement =
            find(&dialog, r#"input[type=radio][value="alex"]"#).unchecked_into();
        radio.click();
        m.settle().await;
        assert!(find(&dialog, ".assign-warning")
            .text_content()
            .unwrap()
            .contains("over capacity"));
        button(&dialog, "Assign anyway").click();
        m.settle().await;
        let used =
            m.ws.centre
                .peek(|c| c.engine.state().agents[&omnidesk_core::AgentId::from("alex")].used);
        assert_eq!(used, 120, "R25: the units are held even over capacity");
        assert!(m.root.query_selector("#assign-title").unwrap().is_none());
        m.unmount().await;
    }

    #[wasm_bindgen_test]
    async fn r26_force_close_asks_first_and_monitor_shows_the_log_read_only() {
        let m = mount_at(centre_with(0), "/supervisor").await;
        chat(&m.ws, "c1", "Ada Lovelace");
        m.settle().await;
        button(&m.root, "Monitor Ada Lovelace").click();
        m.settle().await;
        let dialog = find(&m.root, r#"[role=dialog][aria-labelledby="monitor-title"]"#);
        assert_eq!(
            find(&dialog, "#monitor-title").text_content().as_deref(),
            Some("Conversation with Ada Lovelace")
        );
        assert!(find(&dialog, "[role=log]")
            .text_content()
            .unwrap()
            .contains("Where is my parcel?"));
        assert!(
            dialog.query_selector("textarea").unwrap().is_none(),
            "read only"
        );
        button(&dialog, "Done").click();
        m.settle().await;
        button(&m.root, "Force close Ada Lovelace").click();
        m.settle().await;
        let ask = find(
            &m.root,
            r#"[role=alertdialog][aria-labelledby="force-close-title"]"#,
        );
        button(&ask, "Cancel").click();
        m.settle().await;
        assert!(m.ws.centre.peek(|c| !matches!(
            c.engine.state().items[&ItemId::from("c1")].status,
            ItemStatus::Closed { .. }
        )));
        button(&m.root, "Force close Ada Lovelace").click();
        m.settle().await;
        let ask = find(
            &m.root,
            r#"[role=alertdialog][aria-labelledby="force-close-title"]"#,
        );
        button(&ask, "Close").click();
        m.settle().await;
        assert!(m.ws.centre.peek(|c| matches!(
            c.engine.state().items[&ItemId::from("c1")].status,
            ItemStatus::Closed { .. }
        )));
        assert!(
            try_button(&m.root, "Monitor Ada Lovelace").is_none(),
            "a Closed item leaves the table"
        );
        m.unmount().await;
    }

    /// BENCHMARKS.md: the page's first render with 10 000 agents (printed, not asserted), and
    /// the proof that the Agents table is windowed.
    #[wasm_bindgen_test]
    async fn ten_thousand_agents_are_a_screenful_of_rows() {
        let centre = centre_with(10_000);
        let start = js_sys::Date::now();
        let m = mount_at(centre, "/supervisor").await;
        frame().await;
        let first = js_sys::Date::now() - start;
        m.settle().await;
        let agents = table(&m.root, "Agents");
        assert_eq!(
            agents.get_attribute("aria-rowcount").as_deref(),
            Some("10006")
        );
        let n = rows(&agents);
        assert!(n > 0 && n < 60, "{n} agent rows in the DOM");
        let start = js_sys::Date::now();
        for k in 0..20 {
            m.ws.commands.send(Input::SignIn {
                agent: format!("agent{k:05}").as_str().into(),
            });
            leptos::task::tick().await;
        }
        let update = (js_sys::Date::now() - start) / 20.0;
        console_log!(
            "supervisor page, 10 000 agents: first render {first:.0} ms, an update {update:.1} ms"
        );
        m.unmount().await;
    }
}
