//! Error answers: an [`ApiError`] is a status and the wire's [`ErrorBody`]
//! (`{error, reason, field?}`), sent as JSON. Every refusal of the API goes through it, so no
//! request ever gets axum's plain-text rejections.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use omnidesk_wire::{ErrorBody, ErrorKind};

/// An error answer. State is unchanged by every one of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(kind: ErrorKind, reason: impl Into<String>) -> ApiError {
        ApiError::from(ErrorBody::new(kind, reason))
    }

    /// 401, with `WWW-Authenticate: Bearer`.
    pub fn unauthorized(reason: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::Unauthorized, reason)
    }

    pub fn forbidden(reason: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::Forbidden, reason)
    }

    /// 422 naming `field`.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ApiError {
        ApiError::from(ErrorBody::invalid(field, reason))
    }

    /// 503: the hub's queue is full (or the log could not be read).
    pub fn busy() -> ApiError {
        ApiError::new(
            ErrorKind::Unavailable,
            "the server is saturated; retry the same action id",
        )
    }

    pub fn not_found(reason: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::NotFound, reason)
    }
}

impl From<ErrorBody> for ApiError {
    fn from(body: ErrorBody) -> ApiError {
        let status =
            StatusCode::from_u16(body.error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError { status, body }
    }
}

impl From<crate::hub::Busy> for ApiError {
    fn from(_: crate::hub::Busy) -> ApiError {
        ApiError::busy()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = self.body.retry_after;
        let mut r = (self.status, Json(self.body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = retry_after {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        r
    }
}
