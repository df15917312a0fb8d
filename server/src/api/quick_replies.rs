//! Quick replies: an agent's personal ones (`GET`/`POST /api/me/quick-replies`, `PUT`/`DELETE
//! /api/me/quick-replies/{id}`), kept in [`crate::quick_replies::QuickReplyStore`]. The centre's
//! come with `GET /api/config`. Bad input is 422 naming the field (`title`, `text`, `tags[1]`),
//! and changes nothing; another agent's id is 404 like one that doesn't exist.

use super::error::ApiError;
use super::extract::{AgentCaller, Check, JsonBody};
use crate::quick_replies::{QuickReplyStore, StoreError};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::{Extension, Json};
use omnidesk_wire::http::{QuickReplies, QuickReply, QuickReplyDraft};
use omnidesk_wire::ErrorBody;
use std::sync::Arc;

impl Check for QuickReplyDraft {
    fn check(&self) -> Result<(), ErrorBody> {
        QuickReplyDraft::check(self)
    }
}

type Store = Extension<Arc<QuickReplyStore>>;

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            if let StoreError::Db(msg) | StoreError::Fenced(msg) = &e {
                eprintln!("omnidesk-server: quick replies: {msg}");
            }
            Err(ApiError::from(e.body()))
        }
        Err(_) => Err(ApiError::busy()),
    }
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("you have no quick reply \"{id}\""))
}

/// `GET /api/me/quick-replies`.
pub async fn list(
    Extension(store): Store,
    AgentCaller(agent): AgentCaller,
) -> Result<Json<QuickReplies>, ApiError> {
    let replies = blocking(move || store.list(&agent)).await?;
    Ok(Json(QuickReplies { replies }))
}

/// `POST /api/me/quick-replies`: 201 with the new reply and its id.
pub async fn create(
    Extension(store): Store,
    AgentCaller(agent): AgentCaller,
    JsonBody(draft): JsonBody<QuickReplyDraft>,
) -> Result<(StatusCode, Json<QuickReply>), ApiError> {
    let reply = blocking(move || store.create(&agent, draft)).await?;
    Ok((StatusCode::CREATED, Json(reply)))
}

/// `PUT /api/me/quick-replies/{id}`: replaces the reply's title, text and tags.
pub async fn update(
    Extension(store): Store,
    AgentCaller(agent): AgentCaller,
    Path(id): Path<String>,
    JsonBody(draft): JsonBody<QuickReplyDraft>,
) -> Result<Json<QuickReply>, ApiError> {
    let key = id.clone();
    match blocking(move || store.update(&agent, &key, draft)).await? {
        Some(reply) => Ok(Json(reply)),
        None => Err(not_found(&id)),
    }
}

/// `DELETE /api/me/quick-replies/{id}`: 204.
pub async fn delete(
    Extension(store): Store,
    AgentCaller(agent): AgentCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let key = id.clone();
    if blocking(move || store.delete(&agent, &key)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found(&id))
    }
}
