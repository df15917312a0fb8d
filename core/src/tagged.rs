//! Reading the core's internally tagged enums (`{"input": "accept", "agent": …}`) in less code.
//!
//! serde's derive for an internally tagged enum buffers the object into its private `Content`
//! and then instantiates every visitor method of every variant against it — about 2.5 KB of
//! wasm per variant, the largest single items of the browser bundle (BENCHMARKS.md, "What the
//! bytes are"). The same JSON read as a `serde_json::Value`, re-shaped to the externally tagged
//! form (`{"accept": {"agent": …}}`) and handed to an externally tagged derive of the same
//! variants instantiates only `visit_map` and `visit_seq` per variant.
//!
//! [`external_de!`] writes the enum once and derives both: the enum as written (serialized as
//! before, internally tagged) and a private `remote` twin that only deserializes, so the
//! variants are never listed twice by hand. [`external`] does the re-shaping. The JSON, the
//! error messages ("missing field `agent`", "unknown variant `x`, expected one of …") and the
//! accepted inputs are those of the internally tagged derive (`tests` below, and every
//! scenario and log the test suites read).

use serde_json::{Map, Value};

/// Emits the enum as written plus `enum $twin`, a `#[serde(remote = $remote)]` deserialize-only
/// derive of the same variants, externally tagged, with `rename_all = "snake_case"`.
macro_rules! external_de {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $($body:tt)* }
        twin $twin:ident = $remote:literal;
    ) => {
        $(#[$meta])*
        $vis enum $name { $($body)* }

        /// The deserialize-only twin (see `crate::tagged`).
        #[derive(serde::Deserialize)]
        #[serde(remote = $remote, rename_all = "snake_case")]
        #[allow(dead_code)]
        enum $twin { $($body)* }
    };
}
pub(crate) use external_de;

/// `{tag: "name", fields…}` → `{"name": {fields…}}`; with no other field, `{"name": {}}` for a
/// struct variant and `"name"` for a unit one — `deserialize` tries them in that order, so a
/// struct variant given only its tag says which field is missing.
pub(crate) fn external<T, E: serde::de::Error>(
    value: Value,
    tag: &str,
    deserialize: impl Fn(Value) -> Result<T, serde_json::Error>,
) -> Result<T, E> {
    let Value::Object(mut fields) = value else {
        return Err(E::custom(format!(
            "invalid type: {}, expected an object with `{tag}`",
            kind(&value)
        )));
    };
    let name = match fields.remove(tag) {
        Some(Value::String(name)) => name,
        Some(other) => {
            return Err(E::custom(format!(
                "invalid type: {}, expected the name of a variant in `{tag}`",
                kind(&other)
            )))
        }
        None => return Err(E::missing_field(leak(tag))),
    };
    let unit_candidate = fields.is_empty();
    let shaped = Value::Object(Map::from_iter([(name.clone(), Value::Object(fields))]));
    match deserialize(shaped) {
        Ok(v) => Ok(v),
        Err(e) if unit_candidate => deserialize(Value::String(name)).map_err(|_| E::custom(e)),
        // A unit variant sent with fields: the internally tagged derive ignores them.
        Err(e) => match deserialize(Value::String(name)) {
            Ok(v) => Ok(v),
            Err(_) => Err(E::custom(e)),
        },
    }
}

fn leak(tag: &str) -> &'static str {
    match tag {
        "input" => "input",
        "event" => "event",
        "state" => "state",
        _ => "tag",
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "sequence",
        Value::Object(_) => "map",
    }
}

#[cfg(test)]
mod tests {
    use crate::protocol::{Event, Input, Stamped};
    use crate::state::ItemStatus;

    fn err<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        serde_json::from_str::<T>(json).unwrap_err().to_string()
    }

    #[test]
    fn reads_what_the_internally_tagged_derive_read() {
        let tick: Input = serde_json::from_str(r#"{"input":"tick"}"#).unwrap();
        assert_eq!(tick, Input::Tick);
        // Extra fields on a unit variant are ignored, as before.
        let tick: Input = serde_json::from_str(r#"{"input":"tick","x":1}"#).unwrap();
        assert_eq!(tick, Input::Tick);
        let accept: Input =
            serde_json::from_str(r#"{"agent":"ana","input":"accept","item":"w1"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&accept).unwrap(),
            r#"{"input":"accept","agent":"ana","item":"w1"}"#
        );
        let open: ItemStatus = serde_json::from_str(r#"{"state":"open"}"#).unwrap();
        assert_eq!(open, ItemStatus::Open);
        let s: Stamped =
            serde_json::from_str(r#"{"seq":3,"at":9,"event":"signed_in","agent":"ana"}"#).unwrap();
        assert_eq!(s.seq, 3);
        assert!(matches!(s.event, Event::SignedIn { .. }));
    }

    #[test]
    fn errors_name_what_is_wrong() {
        assert!(
            err::<Input>(r#"{"input":"accept","agent":"ana"}"#).contains("missing field `item`")
        );
        assert!(err::<Input>(r#"{"input":"accept"}"#).contains("missing field `agent`"));
        assert!(err::<Input>(r#"{"input":"nope"}"#).contains("unknown variant `nope`"));
        assert!(err::<Input>(r#"{"agent":"ana"}"#).contains("missing field `input`"));
        assert!(err::<Input>(r#"{"input":7}"#).contains("invalid type"));
        assert!(err::<Input>(r#"[1]"#).contains("invalid type"));
        assert!(err::<Input>(r#"{"input":"accept","agent":1,"item":"w"}"#).contains("invalid type"));
        assert!(err::<Event>(r#"{"event":"signed_in"}"#).contains("missing field `agent`"));
        assert!(err::<ItemStatus>(r#"{"state":"offered","agent":"a"}"#)
            .contains("missing field `expires_at`"));
    }
}
