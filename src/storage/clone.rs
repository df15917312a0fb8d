//! How a serde value becomes something IndexedDB and a BroadcastChannel keep (a structured
//! clone) and back: its JSON text (serde_json — the same codec the server build speaks to
//! the server with). Chosen by measuring (BENCHMARKS.md, "serde in the bundle"):
//! serde-wasm-bindgen's JavaScript values restored 10 000 items in ~320 ms (JSON text: see
//! there), and MessagePack bytes through rmp-serde made the bundle 81 KB gzip larger.

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

/// A serde value as a structured-clonable JavaScript value (a string).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    serde_json::to_string(value)
        .map(|s| JsValue::from_str(&s))
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// Reads back what [`to_js`] made; the error says why not.
pub fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, String> {
    let text = value
        .as_string()
        .ok_or("not a value this version of omnidesk wrote")?;
    from_text(&text)
}

/// Reads a JSON text.
pub fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// Whether a stored string is this version's (JSON) rather than the previous tab-separated
/// format's.
pub fn is_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}
