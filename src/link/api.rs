//! The server's HTTP API on gloo-net: sign-in, the configuration, an action, sign-out of the
//! session, a customer's new conversation. Bodies are the wire crate's serde types
//! ([`omnidesk_wire::http`]); a refusal is its [`omnidesk_wire::ErrorBody`].

use super::codec;
use crate::model::replies::Change;
use gloo_net::http::{Request, RequestBuilder};
use omnidesk_wire::http::{
    paths, ConfigAnswer, ConversationStarted, QuickReplies, QuickReply, QuickReplyDraft, SignIn,
    SignedIn, StartConversation,
};
use omnidesk_wire::{ActionRequest, ErrorBody};
use serde::de::DeserializeOwned;

/// Why a request gave no answer of the kind asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The server answered with this status and (if it sent one) its error body.
    Status(u16, Option<ErrorBody>),
    /// The server couldn't be reached (or the answer couldn't be read), for people.
    Network(String),
}

impl ApiError {
    /// The server's reason, or the status.
    pub fn reason(&self) -> String {
        match self {
            ApiError::Status(_, Some(e)) => e.reason.clone(),
            ApiError::Status(s, None) => format!("status {s}"),
            ApiError::Network(why) => why.clone(),
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status(s, _) => Some(*s),
            ApiError::Network(_) => None,
        }
    }
}

fn with_token(r: RequestBuilder, token: Option<&str>) -> RequestBuilder {
    match token {
        Some(t) => r.header("authorization", &format!("Bearer {t}")),
        None => r,
    }
}

async fn answer<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, ApiError> {
    codec::decode(&answer_text(request).await?).map_err(unreadable)
}

fn unreadable(e: String) -> ApiError {
    ApiError::Network(format!("an answer this app can't read ({e})"))
}

/// The body of a 2xx answer as text; any other status is its error.
async fn answer_text(request: Result<Request, gloo_net::Error>) -> Result<String, ApiError> {
    let request = request.map_err(|e| ApiError::Network(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(ApiError::Status(status, codec::decode(&text).ok()))
    }
}

fn json_body<T: serde::Serialize>(r: RequestBuilder, body: &T) -> Result<Request, gloo_net::Error> {
    r.header("content-type", "application/json")
        .body(codec::encode(body))
}

/// `POST /api/sessions`.
pub async fn sign_in(base: &str, body: &SignIn) -> Result<SignedIn, ApiError> {
    answer(json_body(
        Request::post(&format!("{base}{}", paths::SESSIONS)),
        body,
    ))
    .await
}

/// `GET /api/config`.
pub async fn config(base: &str, token: &str) -> Result<ConfigAnswer, ApiError> {
    answer(
        with_token(
            Request::get(&format!("{base}{}", paths::CONFIG)),
            Some(token),
        )
        .build(),
    )
    .await
}

/// `GET /api/me/quick-replies`: the agent's own replies.
pub async fn my_replies(base: &str, token: &str) -> Result<Vec<QuickReply>, ApiError> {
    let list: QuickReplies = answer(
        with_token(
            Request::get(&format!("{base}{}", paths::MY_QUICK_REPLIES)),
            Some(token),
        )
        .build(),
    )
    .await?;
    Ok(list.replies)
}

/// One change to the agent's own replies: `POST` a new one (the answer has the server's id),
/// `PUT` an edited one, `DELETE` one. Returns the reply the server keeps, if any.
pub async fn change_my_reply(
    base: &str,
    token: &str,
    change: Change,
) -> Result<Option<QuickReply>, ApiError> {
    let draft = |r: QuickReply| QuickReplyDraft {
        title: r.title,
        text: r.text,
        tags: r.tags,
    };
    match change {
        Change::Added(r) => {
            let req = with_token(
                Request::post(&format!("{base}{}", paths::MY_QUICK_REPLIES)),
                Some(token),
            );
            answer(json_body(req, &draft(r))).await.map(Some)
        }
        Change::Edited(r) => {
            let path = paths::my_quick_reply(&r.id);
            let req = with_token(Request::put(&format!("{base}{path}")), Some(token));
            answer(json_body(req, &draft(r))).await.map(Some)
        }
        Change::Deleted(id) => {
            let path = paths::my_quick_reply(&id);
            let req = with_token(Request::delete(&format!("{base}{path}")), Some(token));
            answer_text(req.build()).await.map(|_| None)
        }
    }
}

/// `POST /api/actions` (the answer's body is not needed).
pub async fn action(base: &str, token: &str, body: &ActionRequest) -> Result<(), ApiError> {
    let r = with_token(
        Request::post(&format!("{base}{}", paths::ACTIONS)),
        Some(token),
    );
    answer::<serde::de::IgnoredAny>(json_body(r, body))
        .await
        .map(|_| ())
}

/// `DELETE /api/sessions`: the token ends.
pub async fn sign_out(base: &str, token: &str) -> Result<(), ApiError> {
    let r = with_token(
        Request::delete(&format!("{base}{}", paths::SESSIONS)),
        Some(token),
    )
    .build();
    let request = r.map_err(|e| ApiError::Network(e.to_string()))?;
    request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    Ok(())
}

/// `POST /api/conversations`: a customer starts a chat.
pub async fn start_conversation(
    base: &str,
    body: &StartConversation,
) -> Result<ConversationStarted, ApiError> {
    answer(json_body(
        Request::post(&format!("{base}{}", paths::CONVERSATIONS)),
        body,
    ))
    .await
}
