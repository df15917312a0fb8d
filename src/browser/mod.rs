//! The browser platform the app uses besides the DOM: the clock, `performance.mark`s (the
//! benchmarks read them), diagnostics in the console, the Web Lock that elects the one tab
//! that runs the standalone engine ([`lock`]), and offer alerts ([`notify`]: the browser's
//! notification while the page is hidden, the Web Audio beep).

pub mod lock;
pub mod notify;

use wasm_bindgen::{JsCast, JsValue};

/// The browser's clock, in milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// A line in the browser console (developers' diagnostics, never the agent's only notice).
pub fn log(text: &str) {
    web_sys::console::log_1(&JsValue::from_str(text));
}

/// Sets a `performance.mark` (benchmarks read them).
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// A message for people from a failed browser call (storage, network).
pub fn describe(err: &JsValue) -> String {
    if let Some(e) = err.dyn_ref::<web_sys::DomException>() {
        if e.name() == "QuotaExceededError" {
            return "the browser's storage is full".to_owned();
        }
        return format!("{}: {}", e.name(), e.message());
    }
    err.as_string()
        .or_else(|| {
            js_sys::Reflect::get(err, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "unknown error".to_owned())
}

/// The router's base: the path of `<base data-trunk-public-url>` (Trunk writes the public
/// URL there: `/omnidesk/` for `--public-url /omnidesk/`), without its trailing slash; `""`
/// at the root.
pub fn public_base() -> String {
    let href = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("base[href]").ok().flatten())
        .and_then(|b| b.get_attribute("href"))
        .unwrap_or_default();
    let path = href.split_once("://").map_or(href.as_str(), |(_, rest)| {
        rest.find('/').map_or("", |i| &rest[i..])
    });
    path.trim_end_matches('/').to_owned()
}

/// The app path of the current address: the router's base taken off (`/chat` in a build for
/// `/omnidesk/` at `/omnidesk/chat`), `/` at least; without the query.
pub fn app_path() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return "/".into();
    };
    let path = location.pathname().unwrap_or_default();
    let base = public_base();
    let path = path.strip_prefix(base.as_str()).unwrap_or(&path);
    let path = if path.is_empty() { "/" } else { path };
    path.to_owned()
}

/// A random id (client ids, chat ids): time and `Math.random`, enough to never collide
/// between page loads.
pub fn random_id() -> String {
    format!(
        "{:x}{:08x}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 4e9) as u64
    )
}
