//! The error body: every refusal the server sends, over HTTP or in an `error` frame.

use serde::{Deserialize, Serialize};

/// What kind of refusal. Statuses over HTTP: 401 `unauthorized`, 403 `forbidden`, 404
/// `not_found`, 409 `rejected` (the core's refusal), 413 `too_large`, 422 `invalid`, 503
/// `unavailable` (retry the same action id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Unauthorized,
    Forbidden,
    NotFound,
    Rejected,
    TooLarge,
    Invalid,
    Unavailable,
    /// A kind this version does not know (a newer server's).
    #[serde(other)]
    Other,
}

impl ErrorKind {
    /// The HTTP status the server answers this kind with.
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::Unauthorized => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::Rejected => 409,
            ErrorKind::TooLarge => 413,
            ErrorKind::Invalid => 422,
            ErrorKind::Unavailable => 503,
            ErrorKind::Other => 500,
        }
    }
}

/// `{error, reason, field?}`: `reason` is for people; `field` (422 only) names the field at
/// fault as a path, e.g. `input.agent`, or `(body)` for the body as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorKind,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ErrorBody {
    pub fn new(error: ErrorKind, reason: impl Into<String>) -> ErrorBody {
        ErrorBody {
            error,
            reason: reason.into(),
            field: None,
        }
    }

    /// A 422 naming `field`.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ErrorBody {
        ErrorBody {
            error: ErrorKind::Invalid,
            reason: reason.into(),
            field: Some(field.into()),
        }
    }
}
