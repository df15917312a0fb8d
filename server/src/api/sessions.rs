//! Sessions: an agent's sign-in with a password, sign-out, and whose a token is.

use super::error::ApiError;
use super::extract::{bearer, Caller, JsonBody};
use super::security::{too_many, ClientAddr, Guarded};
use crate::auth::{dummy_hash, new_token, token_hash, verify_password, wall_ms};
use crate::guard::principal_name;
use crate::hub::Hub;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use omnidesk_wire::http::{AuditAction, SignIn, SignedIn, Whoami};
use omnidesk_wire::Principal;

/// `POST /api/sessions`. Throttled per (agent, client address) and per agent before argon2
/// runs ([`crate::throttle`]): a locked-out attempt is 429 with `Retry-After`, even with the
/// right password.
pub async fn sign_in(
    State(hub): State<Hub>,
    Guarded(guard): Guarded,
    ClientAddr(addr): ClientAddr,
    JsonBody(body): JsonBody<SignIn>,
) -> Result<Json<SignedIn>, ApiError> {
    let SignIn { agent, password } = body;
    if let Err(t) = guard.throttle.check_sign_in(&agent, addr, wall_ms()) {
        guard.record(
            agent.as_str(),
            addr,
            AuditAction::Throttled,
            "refused",
            Some(format!("sign-in locked for {} s more", t.seconds())),
        );
        return Err(too_many("too many failed sign-ins", t));
    }
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
        guard.record(
            agent.as_str(),
            addr,
            AuditAction::SignInFailed,
            "refused",
            None,
        );
        if let Some(t) = guard.throttle.sign_in_failed(&agent, addr, wall_ms()) {
            guard.record(
                agent.as_str(),
                addr,
                AuditAction::Throttled,
                "locked",
                Some(format!("sign-in locked for {} s", t.seconds())),
            );
        }
        return Err(ApiError::unauthorized("wrong agent or password"));
    }
    guard.throttle.sign_in_succeeded(&agent, addr);
    let (token, hash) = new_token();
    let principal = Principal::Agent {
        agent: agent.clone(),
    };
    hub.put_session(hash, principal).await?;
    guard.record(agent.as_str(), addr, AuditAction::SignIn, "ok", None);
    Ok(Json(SignedIn { token, agent }))
}

/// `DELETE /api/sessions`: ends the bearer token's session.
pub async fn sign_out(
    State(hub): State<Hub>,
    Caller(principal): Caller,
    Guarded(guard): Guarded,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = bearer(&headers)?;
    hub.sessions.mark_gone(token_hash(token), "signed out");
    hub.drop_session(token_hash(token)).await?;
    guard.record(
        principal_name(&principal),
        addr,
        AuditAction::SignOut,
        "ok",
        None,
    );
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/session`.
pub async fn whoami(State(hub): State<Hub>, Caller(principal): Caller) -> Json<Whoami> {
    Json(Whoami {
        principal,
        last_seq: hub.last_seq(),
    })
}
