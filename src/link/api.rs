//! The server's HTTP API on gloo-net: sign-in, the configuration, an action, sign-out of the
//! session, a customer's new conversation. Bodies are the wire crate's serde types
//! ([`omnidesk_wire::http`]); a refusal is its [`omnidesk_wire::ErrorBody`].

use super::codec;
use crate::model::replies::QuickReply;
use gloo_net::http::{Request, RequestBuilder};
use omnidesk_wire::http::{
    paths, ConfigAnswer, ConversationStarted, SignIn, SignedIn, StartConversation,
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

// ---- Quick replies (issue 17). MERGE ADAPTER: omnidesk-wire doesn't carry them on this
// branch yet. When `ConfigAnswer` gains `quick_replies` and `paths` the personal replies' path,
// read `answer.quick_replies` in `config` instead of `RepliesField`, use the wire's path and
// body type below, and drop `QUICK_REPLIES_PATH`.

/// The personal replies of the signed-in agent: `GET` the list, `PUT` the whole list.
const QUICK_REPLIES_PATH: &str = "api/me/quick-replies";

/// `quick_replies` beside whatever else a body has (absent → none).
#[derive(serde::Deserialize, serde::Serialize)]
struct RepliesField {
    #[serde(default)]
    quick_replies: Vec<QuickReply>,
}

/// A list of replies as a bare array or as `{quick_replies: [...]}`.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum RepliesBody {
    List(Vec<QuickReply>),
    Field(RepliesField),
}

/// `GET /api/config`, with the centre's quick replies (none when the server sends none).
pub async fn config_and_replies(
    base: &str,
    token: &str,
) -> Result<(ConfigAnswer, Vec<QuickReply>), ApiError> {
    let text = answer_text(
        with_token(
            Request::get(&format!("{base}{}", paths::CONFIG)),
            Some(token),
        )
        .build(),
    )
    .await?;
    let config: ConfigAnswer = codec::decode(&text).map_err(unreadable)?;
    let replies = codec::decode::<RepliesField>(&text)
        .map(|r| r.quick_replies)
        .unwrap_or_default();
    Ok((config, replies))
}

/// `GET /api/me/quick-replies`: the agent's own replies (none if the server has none).
pub async fn my_replies(base: &str, token: &str) -> Result<Vec<QuickReply>, ApiError> {
    let body: RepliesBody = answer(
        with_token(
            Request::get(&format!("{base}{QUICK_REPLIES_PATH}")),
            Some(token),
        )
        .build(),
    )
    .await?;
    Ok(match body {
        RepliesBody::List(l) => l,
        RepliesBody::Field(f) => f.quick_replies,
    })
}

/// `PUT /api/me/quick-replies`: the agent's own replies, the whole list.
pub async fn keep_my_replies(
    base: &str,
    token: &str,
    mine: Vec<QuickReply>,
) -> Result<(), ApiError> {
    let r = with_token(
        Request::put(&format!("{base}{QUICK_REPLIES_PATH}")),
        Some(token),
    );
    answer_text(json_body(
        r,
        &RepliesField {
            quick_replies: mine,
        },
    ))
    .await
    .map(|_| ())
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
