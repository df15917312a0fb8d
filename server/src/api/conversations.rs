//! `POST /api/conversations`: a customer starts a live chat.

use super::error::ApiError;
use super::extract::JsonBody;
use crate::hub::Hub;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use omnidesk_core::protocol::Customer;
use omnidesk_wire::http::{ConversationStarted, StartConversation};
use omnidesk_wire::ActionBody;

/// An `arrive` on chat in the live-chat queue and a session for this conversation alone: 201
/// with the item, its token and the events the customer sees of the arrival.
pub async fn start(
    State(hub): State<Hub>,
    JsonBody(body): JsonBody<StartConversation>,
) -> Result<Response, ApiError> {
    let customer = Customer {
        name: body.name,
        email: body.email,
        language: body.language,
        ..Customer::default()
    };
    match hub
        .start_conversation(customer, body.question, body.queue)
        .await?
    {
        Ok(c) => {
            let (events, last_seq) = match c.outcome.body {
                ActionBody::Applied(a) => (a.events, a.last_seq),
                ActionBody::Refused(r) => (r.events.unwrap_or_default(), r.last_seq.unwrap_or(0)),
            };
            let started = ConversationStarted {
                item: c.item,
                token: c.token,
                events,
                last_seq,
            };
            Ok((StatusCode::CREATED, Json(started)).into_response())
        }
        Err(outcome) => Ok(outcome.into_response()),
    }
}
