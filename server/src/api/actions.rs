//! `POST /api/actions`: one input for the routing core, answered once it is durable.

use super::error::ApiError;
use super::extract::{parse_action, Caller, JsonBody, RawInput};
use super::security::{ClientAddr, Guarded};
use crate::hub::{Hub, Outcome};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use omnidesk_wire::http::REPLAYED;
use omnidesk_wire::ActionRequest;

/// Dedup, access check (403), the core (409), durable, then the answer: 200 with the events
/// it caused, or the refusal.
pub async fn act(
    State(hub): State<Hub>,
    Caller(principal): Caller,
    Guarded(guard): Guarded,
    ClientAddr(addr): ClientAddr,
    JsonBody(request): JsonBody<ActionRequest<RawInput>>,
) -> Result<Outcome, ApiError> {
    let action = parse_action(&hub, &principal, request).map_err(ApiError::from)?;
    // A supervisor's act goes in the audit trail (issue 18).
    let audit =
        crate::guard::audited(&action.input).then(|| (principal.clone(), action.input.clone()));
    let outcome = hub.act(principal, action).await?;
    if let Some((who, input)) = audit {
        guard.record_action(&who, addr, &input, &outcome);
    }
    Ok(outcome)
}

impl IntoResponse for Outcome {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut r = (status, Json(self.body)).into_response();
        if self.replayed {
            r.headers_mut()
                .insert(REPLAYED, HeaderValue::from_static("true"));
        }
        r
    }
}
