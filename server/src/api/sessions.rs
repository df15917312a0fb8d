//! Sessions: an agent's sign-in with a password, sign-out, and whose a token is.

use super::error::ApiError;
use super::extract::{bearer, Caller, JsonBody};
use crate::auth::{dummy_hash, new_token, token_hash, verify_password};
use crate::hub::Hub;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use omnidesk_wire::http::{SignIn, SignedIn, Whoami};
use omnidesk_wire::Principal;

/// `POST /api/sessions`.
pub async fn sign_in(
    State(hub): State<Hub>,
    JsonBody(body): JsonBody<SignIn>,
) -> Result<Json<SignedIn>, ApiError> {
    let SignIn { agent, password } = body;
    let hash = hub.config.credentials.get(&agent).cloned();
    let ok = tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_password(&password, &h),
        None => {
            // Same cost as a wrong password, so agent ids can't be probed by timing.
            let _ = verify_password(&password, dummy_hash());
            false
        }
    })
    .await
    .unwrap_or(false);
    if !ok {
        return Err(ApiError::unauthorized("wrong agent or password"));
    }
    let (token, hash) = new_token();
    let principal = Principal::Agent {
        agent: agent.clone(),
    };
    hub.put_session(hash, principal).await?;
    Ok(Json(SignedIn { token, agent }))
}

/// `DELETE /api/sessions`: ends the bearer token's session.
pub async fn sign_out(
    State(hub): State<Hub>,
    _caller: Caller,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = bearer(&headers)?;
    hub.drop_session(token_hash(token)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/session`.
pub async fn whoami(State(hub): State<Hub>, Caller(principal): Caller) -> Json<Whoami> {
    Json(Whoami {
        principal,
        last_seq: hub.last_seq(),
    })
}
