//! `POST /api/conversations`: a customer starts a live chat.

use super::error::ApiError;
use super::extract::JsonBody;
use super::security::{too_many, ClientAddr, Guarded};
use crate::auth::wall_ms;
use crate::hub::Hub;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use omnidesk_core::protocol::Customer;
use omnidesk_wire::http::AuditAction;
use omnidesk_wire::http::{ConversationStarted, StartConversation};
use omnidesk_wire::ActionBody;

/// An `arrive` on chat in the live-chat queue and a session for this conversation alone: 201
/// with the item, its token and the events the customer sees of the arrival. Limited per
/// client address (`--chat-start-limit`, [`crate::throttle`]): 429 with `Retry-After` past it.
pub async fn start(
    State(hub): State<Hub>,
    Guarded(guard): Guarded,
    ClientAddr(addr): ClientAddr,
    JsonBody(body): JsonBody<StartConversation>,
) -> Result<Response, ApiError> {
    if let Err(t) = guard.throttle.chat_start(addr, wall_ms()) {
        guard.record(
            "customer",
            addr,
            AuditAction::Throttled,
            "refused",
            Some("chat start limit".into()),
        );
        return Err(too_many("too many chats started from this address", t));
    }
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
