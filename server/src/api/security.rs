//! Issue 18 over HTTP: the client address and the [`Guard`] as extractors, and the
//! supervisors' endpoints — lift a lockout, end an agent's sessions, read the audit trail.
//!
//! Supervisors are agents whose configuration lists `supervises`; they act on agents who are
//! members of a queue they supervise (403 otherwise), and read the whole trail.

use super::error::ApiError;
use super::extract::AgentCaller;
use crate::auth::wall_ms;
use crate::guard::{is_supervisor, supervises_agent, Guard};
use crate::hub::Hub;
use crate::throttle::Throttled;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use omnidesk_core::AgentId;
use omnidesk_wire::http::{AuditAction, AuditPage, SessionsEnded};
use omnidesk_wire::{ErrorBody, ErrorKind};
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The server's [`Guard`] (an extension of the router, see [`crate::serve`]).
pub struct Guarded(pub Arc<Guard>);

impl<S: Send + Sync> FromRequestParts<S> for Guarded {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Arc<Guard>>()
            .cloned()
            .map(Guarded)
            .ok_or_else(|| ApiError::new(ErrorKind::Unavailable, "the server has no guard"))
    }
}

/// The client's address ([`crate::throttle::Throttle::client_addr`]: the socket's, or a
/// trusted proxy's `X-Forwarded-For`).
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        let Guarded(guard) = Guarded::from_request_parts(parts, state).await?;
        Ok(ClientAddr(guard.throttle.client_addr(peer, &parts.headers)))
    }
}

/// A 429 with `Retry-After`.
pub fn too_many(reason: &str, t: Throttled) -> ApiError {
    let seconds = t.seconds();
    ApiError::from(ErrorBody::throttled(
        format!("{reason}; try again in {seconds} s"),
        seconds,
    ))
}

/// A supervisor acting on `agent` (403 unless they supervise one of `agent`'s queues).
fn supervising(hub: &Hub, me: &AgentId, agent: &AgentId) -> Result<(), ApiError> {
    if !hub.config.core.agents.contains_key(agent) {
        return Err(ApiError::not_found(format!("no agent \"{agent}\"")));
    }
    if !supervises_agent(&hub.config.core, me, agent) {
        return Err(ApiError::forbidden(format!(
            "you don't supervise a queue \"{agent}\" is a member of"
        )));
    }
    Ok(())
}

/// `DELETE /api/lockouts/{agent}`: lifts the agent's sign-in lockouts (204).
pub async fn lift_lockout(
    State(hub): State<Hub>,
    AgentCaller(me): AgentCaller,
    Guarded(guard): Guarded,
    ClientAddr(addr): ClientAddr,
    Path(agent): Path<String>,
) -> Result<StatusCode, ApiError> {
    let agent = AgentId::from(agent.as_str());
    supervising(&hub, &me, &agent)?;
    let lifted = guard.throttle.lift(&agent, wall_ms());
    guard.record(
        me.as_str(),
        addr,
        AuditAction::LockoutLifted,
        if lifted { "ok" } else { "none" },
        Some(format!("agent {agent}")),
    );
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/agents/{agent}/sessions`: ends every session of the agent; their sockets get
/// `session ended` and close with 4401.
pub async fn end_sessions(
    State(hub): State<Hub>,
    AgentCaller(me): AgentCaller,
    Guarded(guard): Guarded,
    ClientAddr(addr): ClientAddr,
    Path(agent): Path<String>,
) -> Result<Json<SessionsEnded>, ApiError> {
    let agent = AgentId::from(agent.as_str());
    supervising(&hub, &me, &agent)?;
    let hashes = hub.sessions.of_agent(&agent);
    for hash in &hashes {
        hub.sessions.mark_gone(*hash, "session ended");
        hub.drop_session(*hash).await?;
    }
    guard.record(
        me.as_str(),
        addr,
        AuditAction::SessionsEnded,
        "ok",
        Some(format!("agent {agent}: {} sessions", hashes.len())),
    );
    Ok(Json(SessionsEnded {
        agent,
        ended: hashes.len(),
    }))
}

#[derive(Deserialize)]
pub struct AuditQuery {
    pub before: Option<u64>,
    pub limit: Option<usize>,
}

/// `GET /api/audit?before&limit`: the trail, newest first (supervisors only).
pub async fn audit(
    State(hub): State<Hub>,
    AgentCaller(me): AgentCaller,
    Guarded(guard): Guarded,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<AuditPage>, ApiError> {
    if !is_supervisor(&hub.config.core, &me) {
        return Err(ApiError::forbidden("the audit trail is for supervisors"));
    }
    let Ok(Query(q)) = query else {
        return Err(ApiError::invalid(
            "before",
            "expected before and limit as non-negative integers",
        ));
    };
    guard.audit.flush().await;
    let g = guard.clone();
    let page = tokio::task::spawn_blocking(move || g.audit.page(q.before, q.limit.unwrap_or(100)))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
    page.map(Json)
        .map_err(|e| ApiError::new(ErrorKind::Unavailable, format!("the audit trail: {e}")))
}
