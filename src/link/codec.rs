//! How the app decodes and encodes the wire types: serde_json over the socket's text and the
//! responses' bodies (BENCHMARKS.md, "serde in the bundle": measured against
//! serde-wasm-bindgen over `JSON.parse`). One place, so the choice is one line.

use serde::{de::DeserializeOwned, Serialize};

/// Reads a JSON text as `T`; the error says where it went wrong.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// Writes `value` as JSON text.
pub fn encode<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use omnidesk_wire::{ClientFrame, ServerFrame};

    #[test]
    fn frames_round_trip_and_bad_ones_say_why() {
        let f: ClientFrame = ClientFrame::Auth { token: "t".into() };
        assert_eq!(encode(&f), r#"{"type":"auth","token":"t"}"#);
        assert_eq!(decode::<ClientFrame>(&encode(&f)), Ok(f));
        assert_eq!(
            decode::<ServerFrame>(r#"{"type":"pong"}"#),
            Ok(ServerFrame::Pong)
        );
        assert!(decode::<ServerFrame>(r#"{"type":"nope"}"#).is_err());
    }
}
