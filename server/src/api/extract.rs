//! Reading requests: JSON bodies and WebSocket frames into the wire's types, with a 422 that
//! names the field at fault (`serde_path_to_error`); the bearer token into a principal; an
//! action's input through the core's own parser.
//!
//! Bodies are read whatever their `Content-Type` (clients have always sent JSON with or
//! without it), up to [`MAX_MESSAGE`] (413 past it).

use super::error::ApiError;
use crate::auth::complete_input;
use crate::hub::{Action, Hub};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use omnidesk_core::scenario::parse_input_value;
use omnidesk_core::AgentId;
use omnidesk_wire::{ActionRequest, ClientFrame, ErrorBody, ErrorKind, Principal, Subscribe};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// The largest request body or WebSocket message the server reads.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// Strings a client names things with (ids, names) are at most this long.
pub const MAX_FIELD: usize = 200;

/// An action's `input` as the client sent it: an object the server completes (the session's
/// `agent` or `item`) and reads with the core's parser, which checks it against the centre's
/// configuration (unknown agents, queues, presences are a 422 naming `input.<field>`).
pub type RawInput = serde_json::Map<String, serde_json::Value>;

/// A client frame as the server reads it.
pub type Frame = ClientFrame<RawInput>;

/// A JSON body decoded into `T` and checked ([`Check`]); any `Content-Type`.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Check> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                ApiError::invalid("(body)", format!("the body could not be read: {e}"))
            }
        })?;
        let value: T = decode(&bytes)?;
        value.check()?;
        Ok(JsonBody(value))
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        ErrorKind::TooLarge,
        format!("bodies and frames are limited to {MAX_MESSAGE} bytes"),
    )
}

/// Decodes JSON into `T`; the error names the field (`action_id`, `input`, `(body)` for the
/// body as a whole).
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ErrorBody> {
    // Every body and frame is an object (serde would also read a struct from an array).
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                Ok(_) => ErrorBody::invalid("(body)", "expected a JSON object"),
                Err(e) => ErrorBody::invalid("(body)", format!("not JSON: {}", message(&e))),
            },
        );
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        describe(&path, e.inner())
    })?;
    de.end()
        .map_err(|e| ErrorBody::invalid("(body)", format!("not JSON: {}", message(&e))))?;
    Ok(value)
}

/// serde_json's message without its " at line L column C" (the field is named instead).
fn message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

fn describe(path: &str, e: &serde_json::Error) -> ErrorBody {
    use serde_json::error::Category;
    let reason = message(e);
    if matches!(
        e.classify(),
        Category::Syntax | Category::Eof | Category::Io
    ) {
        return ErrorBody::invalid("(body)", format!("not JSON: {reason}"));
    }
    let at = |name: &str| {
        if path == "." || path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    // serde reports a missing field at its parent; name the field itself.
    if let Some(name) = reason
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return ErrorBody::invalid(at(name), "missing");
    }
    if path == "." || path.is_empty() {
        if reason.starts_with("invalid type:") {
            return ErrorBody::invalid("(body)", "expected a JSON object");
        }
        return ErrorBody::invalid("(body)", reason);
    }
    ErrorBody::invalid(path, reason)
}

/// Decodes a WebSocket text frame. A frame of a known type whose fields are wrong is decoded
/// again as that type's fields, so the error names the field (serde loses the path inside an
/// internally tagged enum).
pub fn decode_frame(text: &str) -> Result<Frame, ErrorBody> {
    if text.len() > MAX_MESSAGE {
        return Err(too_large().body);
    }
    let err = match decode::<Frame>(text.as_bytes()) {
        Ok(f) => return Ok(f),
        Err(e) => e,
    };
    if err.field.as_deref() != Some("(body)") {
        return Err(err);
    }
    #[derive(Deserialize)]
    struct Tag {
        #[serde(rename = "type")]
        kind: serde_json::Value,
    }
    let Ok(tag) = decode::<Tag>(text.as_bytes()) else {
        return Err(err);
    };
    let diagnosed = match tag.kind.as_str() {
        None => Some(ErrorBody::invalid("type", "expected a string")),
        Some("subscribe") => decode::<Subscribe>(text.as_bytes()).err(),
        Some("action") => decode::<ActionRequest<RawInput>>(text.as_bytes()).err(),
        Some("auth") => Some(ErrorBody::invalid("token", "missing or not a string")),
        Some(_) => None,
    };
    Err(diagnosed.unwrap_or(err))
}

/// Server-side checks of a decoded body beyond its type: lengths, non-empty names.
pub trait Check {
    fn check(&self) -> Result<(), ErrorBody> {
        Ok(())
    }
}

/// A string field a client names something with: at most [`MAX_FIELD`] bytes, not empty if
/// `required`.
pub fn check_str(field: &str, value: &str, required: bool) -> Result<(), ErrorBody> {
    if value.len() > MAX_FIELD {
        return Err(ErrorBody::invalid(
            field,
            format!("longer than {MAX_FIELD} bytes"),
        ));
    }
    if required && value.is_empty() {
        return Err(ErrorBody::invalid(field, "empty"));
    }
    Ok(())
}

impl<I> Check for ActionRequest<I> {
    fn check(&self) -> Result<(), ErrorBody> {
        check_str("action_id", &self.action_id.0, true)?;
        if let Some(c) = &self.client_id {
            check_str("client_id", &c.0, false)?;
        }
        Ok(())
    }
}

impl Check for omnidesk_wire::http::SignIn {
    fn check(&self) -> Result<(), ErrorBody> {
        check_str("agent", self.agent.as_str(), true)?;
        check_str("password", &self.password, true)
    }
}

impl Check for omnidesk_wire::http::StartConversation {
    fn check(&self) -> Result<(), ErrorBody> {
        check_str("name", &self.name, true)?;
        if self.question.trim().is_empty() {
            return Err(ErrorBody::invalid("question", "empty"));
        }
        for (field, value) in [("email", &self.email), ("language", &self.language)] {
            if let Some(v) = value {
                check_str(field, v, false)?;
            }
        }
        if let Some(q) = &self.queue {
            check_str("queue", q.as_str(), false)?;
        }
        Ok(())
    }
}

/// Reads an action for `principal`: its checks, then `input` completed with what the
/// principal implies and parsed by the core's parser against the centre's configuration.
pub fn parse_action(
    hub: &Hub,
    principal: &Principal,
    request: ActionRequest<RawInput>,
) -> Result<Action, ErrorBody> {
    request.check()?;
    let mut input = serde_json::Value::Object(request.input);
    complete_input(principal, &mut input);
    let input = parse_input_value(&input, &hub.config.core)
        .map_err(|e| ErrorBody::invalid(format!("input.{}", e.field), e.message))?;
    Ok(Action {
        client_id: request.client_id.map(|c| c.0).unwrap_or_default(),
        action_id: request.action_id.0,
        input,
    })
}

/// The bearer token of a request, if it has one in the right form.
pub fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::unauthorized(
            "missing Authorization: Bearer <token>",
        ));
    };
    value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| ApiError::unauthorized("expected Authorization: Bearer <token>"))
}

/// The principal of the request's bearer token (401 without a live session).
pub struct Caller(pub Principal);

impl FromRequestParts<Hub> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, hub: &Hub) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers)?;
        // Any request refreshes the session's idle clock (issue 18).
        let hash = crate::auth::token_hash(token);
        match hub.sessions.check_hash(&hash, crate::auth::wall_ms(), true) {
            crate::auth::Session::Live(p) => Ok(Caller(p)),
            crate::auth::Session::Over(why) => Err(ApiError::unauthorized(why)),
            crate::auth::Session::Unknown => {
                Err(ApiError::unauthorized("unknown or expired token"))
            }
        }
    }
}

/// An agent's session (401 without one, 403 for a customer's).
pub struct AgentCaller(pub AgentId);

impl FromRequestParts<Hub> for AgentCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, hub: &Hub) -> Result<Self, ApiError> {
        match Caller::from_request_parts(parts, hub).await?.0 {
            Principal::Agent { agent } => Ok(AgentCaller(agent)),
            Principal::Customer { .. } => Err(ApiError::forbidden("this is for agents only")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str) -> Option<String> {
        decode_frame(text).err().and_then(|e| e.field)
    }

    #[test]
    fn bad_frames_name_their_field() {
        assert_eq!(field(r#"{"no":"type"}"#).as_deref(), Some("type"));
        assert_eq!(field(r#"{"type":"fly"}"#).as_deref(), Some("type"));
        assert_eq!(field(r#"{"type":7}"#).as_deref(), Some("type"));
        assert_eq!(
            field(r#"{"type":"subscribe","after":-1}"#).as_deref(),
            Some("after")
        );
        assert_eq!(
            field(r#"{"type":"subscribe","queues":"x"}"#).as_deref(),
            Some("queues")
        );
        assert_eq!(
            field(r#"{"type":"action","input":{"input":"x"}}"#).as_deref(),
            Some("action_id")
        );
        assert_eq!(
            field(r#"{"type":"action","action_id":5,"input":{}}"#).as_deref(),
            Some("action_id")
        );
        assert_eq!(
            field(r#"{"type":"action","action_id":"a","input":5}"#).as_deref(),
            Some("input")
        );
        assert_eq!(field(r#"{"type":"auth"}"#).as_deref(), Some("token"));
        assert_eq!(field("42").as_deref(), Some("(body)"));
        assert_eq!(field("{not json").as_deref(), Some("(body)"));
        assert!(decode_frame(r#"{"type":"subscribe","after":3,"extra":1}"#).is_ok());
    }

    #[test]
    fn bad_bodies_name_their_field() {
        let e = decode::<ActionRequest<RawInput>>(br#"{"input":{}}"#).unwrap_err();
        assert_eq!(
            (e.field.as_deref(), e.reason.as_str()),
            (Some("action_id"), "missing")
        );
        let e = decode::<ActionRequest<RawInput>>(b"[1,2]").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("(body)"));
        let e =
            decode::<ActionRequest<RawInput>>(br#"{"action_id":"a","input":{}} x"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("(body)"));
        assert!(e.reason.starts_with("not JSON"), "{e:?}");
        let e =
            decode::<omnidesk_wire::http::SignIn>(br#"{"agent":"a","password":3}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("password"));
    }
}
