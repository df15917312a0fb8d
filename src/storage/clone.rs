//! How a serde value becomes something IndexedDB and a BroadcastChannel keep (a structured
//! clone) and back: serde-wasm-bindgen's plain JavaScript values (maps as `Map`s, which
//! structured clone keeps). Chosen by measuring (BENCHMARKS.md, "serde in the bundle"):
//! MessagePack bytes through rmp-serde made the standalone bundle 81 KB gzip larger.

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

/// A serde value as a structured-clonable JavaScript value.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new())
        .map_err(JsValue::from)
}

/// Reads back what [`to_js`] made; the error says why not.
pub fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(value.clone()).map_err(|e| e.to_string())
}
