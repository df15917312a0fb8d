//! The error body: every refusal the server sends, over HTTP or in an `error` frame.

use serde::{Deserialize, Serialize};

/// What kind of refusal. Statuses over HTTP: 401 `unauthorized`, 403 `forbidden`, 404
/// `not_found`, 409 `rejected` (the core's refusal), 413 `too_large`, 422 `invalid`, 429
/// `too_many_requests` (throttled: wait [`ErrorBody::retry_after`] seconds), 503
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
    /// Throttled (sign-in lockout, chat-start limit): try again after `retry_after` seconds.
    TooManyRequests,
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
            ErrorKind::TooManyRequests => 429,
            ErrorKind::Other => 500,
        }
    }
}

/// `{error, reason, field?, retry_after?}`: `reason` is for people; `field` (422 only) names
/// the field at fault as a path, e.g. `input.agent`, or `(body)` for the body as a whole;
/// `retry_after` (429 only) is the wait in whole seconds, the same as the `Retry-After` header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorKind,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl ErrorBody {
    pub fn new(error: ErrorKind, reason: impl Into<String>) -> ErrorBody {
        ErrorBody {
            error,
            reason: reason.into(),
            field: None,
            retry_after: None,
        }
    }

    /// A 422 naming `field`.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ErrorBody {
        ErrorBody {
            error: ErrorKind::Invalid,
            reason: reason.into(),
            field: Some(field.into()),
            retry_after: None,
        }
    }

    /// A 429: throttled, try again in `seconds` (at least 1).
    pub fn throttled(reason: impl Into<String>, seconds: u64) -> ErrorBody {
        ErrorBody {
            error: ErrorKind::TooManyRequests,
            reason: reason.into(),
            field: None,
            retry_after: Some(seconds.max(1)),
        }
    }
}
