//! Reads: health, the log in pages, the engine's snapshot, the core's configuration and an
//! agent's work streams.

use super::error::ApiError;
use super::extract::{AgentCaller, Caller};
use crate::hub::{may_see, Hub};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use omnidesk_wire::http::{ConfigAnswer, EventsPage, EventsQuery, Health, SnapshotAnswer, Work};
use omnidesk_wire::ErrorKind;
use serde_json::value::RawValue;

/// `GET /api/health`.
pub async fn health(State(hub): State<Hub>) -> Json<Health> {
    Json(Health {
        ok: true,
        last_seq: hub.last_seq(),
        role: omnidesk_wire::http::Role::Leader,
    })
}

/// `GET /api/events?after&limit`: a page of the log as the caller's stream has it: an
/// agent's read scope (issue 18 §4, [`crate::scope`]: the same filter as the socket's, by
/// the records as they are now, so an item in scope brings its earlier events in seq order;
/// no `history` here), a customer's conversation's visible events. `next_after` passes the
/// events skipped. The events are the log's stored JSON, passed through.
pub async fn events(
    State(hub): State<Hub>,
    Caller(principal): Caller,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Json<EventsPage<Box<RawValue>>>, ApiError> {
    let Ok(Query(q)) = query else {
        return Err(ApiError::invalid(
            "after",
            "expected after and limit as non-negative integers",
        ));
    };
    let after = q.after.unwrap_or(0);
    let limit = q.limit.unwrap_or(1000).clamp(1, 10_000);
    let item = principal.item().cloned();
    let reader = hub.reader.clone();
    let page =
        tokio::task::spawn_blocking(move || reader.events_after(after, limit, item.as_ref())).await;
    let Ok(Ok(page)) = page else {
        return Err(ApiError::new(
            ErrorKind::Unavailable,
            "the event log could not be read",
        ));
    };
    let next_after = page.last().map_or(after, |e| e.seq);
    let wants = hub.wants(&hub.filter_of(&principal), &page);
    let events = page
        .into_iter()
        .zip(wants)
        .filter(|(e, want)| *want && may_see(&principal, e))
        .map(|(e, _)| e.json)
        .collect();
    Ok(Json(EventsPage {
        events,
        next_after,
        last_seq: hub.last_seq(),
    }))
}

/// `GET /api/snapshot` (agents only): the engine's state as the caller's read scope has it
/// (issue 18 §4, [`crate::scope`]): the items in their scope, and the agents who share a queue
/// with them (themselves included) — no other queue's customers.
pub async fn snapshot(
    State(hub): State<Hub>,
    AgentCaller(agent): AgentCaller,
) -> Result<Json<SnapshotAnswer>, ApiError> {
    let (last_seq, mut snapshot) = hub
        .read(|engine| (engine.last_seq(), engine.snapshot_view()))
        .await?;
    let scope = hub.scope_of(&agent);
    snapshot
        .items
        .retain(|item, _| hub.scope_entry(&scope, item).is_some());
    let queues = &hub.config.core.queues;
    snapshot.agents.retain(|other, _| {
        *other == agent
            || scope
                .queues
                .iter()
                .any(|q| queues.get(q).is_some_and(|q| q.members.contains(other)))
    });
    Ok(Json(SnapshotAnswer { last_seq, snapshot }))
}

/// `GET /api/config` (agents only).
pub async fn config(State(hub): State<Hub>, _agent: AgentCaller) -> Json<ConfigAnswer> {
    Json(ConfigAnswer {
        last_seq: hub.last_seq(),
        config: hub.config.core.clone(),
        quick_replies: hub.config.quick_replies.clone(),
    })
}

/// `GET /api/work`: the signed-in agent's R19–R21 streams.
pub async fn work(
    State(hub): State<Hub>,
    AgentCaller(agent): AgentCaller,
) -> Result<Json<Work>, ApiError> {
    let work = hub
        .read(move |engine| Work {
            last_seq: engine.last_seq(),
            my: engine.my_work_items(&agent),
            open: engine.open_work_items(&agent),
            closed: engine.closed_work_items(&agent),
        })
        .await?;
    Ok(Json(work))
}
