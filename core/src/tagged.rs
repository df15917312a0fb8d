//! Reading the core's internally tagged enums (`{"input": "accept", "agent": …}`) in less code.
//!
//! serde's derive for an internally tagged enum buffers the object into its private `Content`
//! and then instantiates every visitor method of every variant against it — about 2.5 KB of
//! wasm per variant, the largest single items of the browser bundle (BENCHMARKS.md, "What the
//! bytes are"). The same JSON read as a `serde_json::Value`, re-shaped to the externally tagged
//! form and handed to an externally tagged derive of the same variants, as a map per struct
//! variant, instantiates only `visit_map` per variant.
//!
//! [`external_de!`] writes the enum once and derives both: the enum as written (serialized as
//! before, internally tagged) and a private `remote` twin that only deserializes, so the
//! variants are never listed twice by hand. [`external`] hands the twin the object as an enum:
//! the tag names the variant, the other fields are a struct variant's map. The JSON, the
//! error messages ("missing field `agent`", "unknown variant `x`, expected one of …") and the
//! accepted inputs are those of the internally tagged derive (`tests` below, and every
//! scenario and log the test suites read).

use serde::de::value::MapDeserializer;
use serde::de::{
    DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, VariantAccess, Visitor,
};
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

/// Reads `{tag: "name", fields…}` as variant `name` of `T`, through `deserialize` — the
/// twin's derived `deserialize` — fed by [`Variant`], which hands a struct variant its fields as
/// a map (only `visit_map` is instantiated per variant) and lets a unit variant ignore extra
/// fields, as the internally tagged derive did.
pub(crate) fn external<T, E: serde::de::Error>(
    value: Value,
    tag: &'static str,
    deserialize: impl FnOnce(Variant) -> Result<T, serde_json::Error>,
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
        None => return Err(E::missing_field(tag)),
    };
    deserialize(Variant { name, fields }).map_err(E::custom)
}

/// One tagged object as an enum: the tag's value names the variant, the rest are its fields.
pub(crate) struct Variant {
    name: String,
    fields: Map<String, Value>,
}

impl<'de> Deserializer<'de> for Variant {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de> EnumAccess<'de> for Variant {
    type Error = serde_json::Error;
    type Variant = Fields;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Fields), Self::Error> {
        let variant = seed.deserialize(self.name.into_deserializer())?;
        Ok((variant, Fields(self.fields)))
    }
}

/// The fields of a [`Variant`].
pub(crate) struct Fields(Map<String, Value>);

impl<'de> VariantAccess<'de> for Fields {
    type Error = serde_json::Error;

    fn unit_variant(self) -> Result<(), Self::Error> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<S::Value, Self::Error> {
        seed.deserialize(Value::Object(self.0))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom(
            "a tagged object has no tuple variants",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_map(MapDeserializer::new(self.0.into_iter()))
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
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"seq":3,"at":9,"event":"signed_in","agent":"ana"}"#
        );
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
        assert!(err::<Stamped>(r#"{"at":1,"event":"tick"}"#).contains("missing field `seq`"));
        assert!(err::<Stamped>(r#"{"seq":"x","at":1}"#).contains("seq: invalid type"));
        assert!(err::<Stamped>(r#"{"seq":1,"at":1}"#).contains("missing field `event`"));
        assert!(err::<ItemStatus>(r#"{"state":"offered","agent":"a"}"#)
            .contains("missing field `expires_at`"));
    }
}
