//! An action: one core input a client asks the server to apply, and the server's answer. The
//! same shapes over `POST /api/actions` and the WebSocket's `action` / `result` frames.

use crate::error::{ErrorBody, ErrorKind};
use omnidesk_core::{Input, Stamped};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A client's id for one page load (or process): random, so action ids never collide.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientId(pub String);

/// An action's id, chosen by the client. The server deduplicates on (principal, client id,
/// action id): a resend gets the first answer (`replayed`) and is applied once.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ActionId(pub String);

impl ActionId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ActionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ActionId {
    fn from(s: &str) -> Self {
        ActionId(s.to_owned())
    }
}

impl From<&str> for ClientId {
    fn from(s: &str) -> Self {
        ClientId(s.to_owned())
    }
}

/// `{client_id?, action_id, input}`. `input` is an omnidesk-core input (`{"input":"pick",
/// "agent":…,"item":…}`); the server fills in `agent` (an agent's session) or `item` (a
/// customer's) when a client leaves them out, and checks the rest against its centre's
/// configuration, so it reads `input` with the core's own parser (`I` = the raw object there).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRequest<I = Input> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientId>,
    pub action_id: ActionId,
    pub input: I,
}

/// What an action did: HTTP status 200, or `status` 200 in a `result` frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied<E = Stamped> {
    /// The events it caused that this principal may see (a customer sees less).
    pub events: Vec<E>,
    /// The log's last seq after them.
    pub last_seq: u64,
}

/// Why an action was not applied: the error body, plus for a `rejected` one (409, the core's
/// refusal, whose `rejected` event is logged) the events it caused and the last seq.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal<E = Stamped> {
    pub error: ErrorKind,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<E>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seq: Option<u64>,
}

impl<E> Refusal<E> {
    /// The error body alone.
    pub fn error_body(&self) -> ErrorBody {
        ErrorBody {
            error: self.error,
            reason: self.reason.clone(),
            field: self.field.clone(),
            retry_after: None,
        }
    }
}

impl<E> From<ErrorBody> for Refusal<E> {
    fn from(e: ErrorBody) -> Self {
        Refusal {
            error: e.error,
            reason: e.reason,
            field: e.field,
            events: None,
            last_seq: None,
        }
    }
}

/// The body of an action's answer: a refusal has `error`, an applied action has not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ActionBody<E = Stamped> {
    Refused(Refusal<E>),
    Applied(Applied<E>),
}

/// The `result` frame's fields: the answer to the action `action_id`, with the HTTP status the
/// same action gets over `POST /api/actions`. `replayed`: the stored answer to an action
/// already handled (a resend).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionResult<E = Stamped> {
    pub action_id: ActionId,
    pub status: u16,
    pub body: ActionBody<E>,
    #[serde(default)]
    pub replayed: bool,
}
