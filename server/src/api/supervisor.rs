//! R28 over HTTP: `GET /api/supervisor` (every supervised queue's figures, the list sizes and
//! the first window of agent and item rows) and the later windows, `GET
//! /api/supervisor/agents` and `/items` (`?after=<id>&limit=`). Supervisors only: an agent
//! whose configuration lists no queue gets 403 with the reason. The figures are
//! `omnidesk_core::supervision`'s, the same functions the app's supervisor page calls, read in
//! the hub after every earlier command is durable.

use super::error::ApiError;
use super::extract::AgentCaller;
use crate::hub::Hub;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use omnidesk_core::{AgentId, ItemId};
use omnidesk_wire::http::{
    SupervisedAgent, SupervisedItem, SupervisorAgents, SupervisorAnswer, SupervisorItems,
    WindowQuery,
};

/// Rows per window unless `limit` says otherwise, and the most a window holds.
pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;

/// 403 unless `agent` supervises a queue of the configuration.
fn supervisor(hub: &Hub, agent: &AgentId) -> Result<(), ApiError> {
    let config = &hub.config.core;
    let supervises = config
        .agents
        .get(agent)
        .is_some_and(|a| a.supervises.iter().any(|q| config.queues.contains_key(q)));
    if supervises {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "the supervisor's view is for supervisors; \"{agent}\" supervises no queue"
        )))
    }
}

fn window(query: Result<Query<WindowQuery>, QueryRejection>) -> Result<WindowQuery, ApiError> {
    match query {
        Ok(Query(q)) => {
            if q.limit == Some(0) || q.limit.is_some_and(|l| l > MAX_LIMIT) {
                return Err(ApiError::invalid(
                    "limit",
                    format!("between 1 and {MAX_LIMIT}"),
                ));
            }
            if q.after.as_deref() == Some("") {
                return Err(ApiError::invalid(
                    "after",
                    "empty; leave it out to start at the first row",
                ));
            }
            Ok(q)
        }
        Err(_) => Err(ApiError::invalid(
            "limit",
            "expected `after` as an id and `limit` as a positive integer",
        )),
    }
}

/// `GET /api/supervisor?limit`.
pub async fn overview(
    State(hub): State<Hub>,
    AgentCaller(me): AgentCaller,
    query: Result<Query<WindowQuery>, QueryRejection>,
) -> Result<Json<SupervisorAnswer>, ApiError> {
    let q = window(query)?;
    if q.after.is_some() {
        return Err(ApiError::invalid(
            "after",
            "the overview starts at the first rows; later windows are /api/supervisor/agents and /api/supervisor/items",
        ));
    }
    supervisor(&hub, &me)?;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    let answer = hub
        .read(move |engine| SupervisorAnswer {
            last_seq: engine.last_seq(),
            now: engine.now(),
            queues: engine
                .supervised_queues(&me)
                .into_iter()
                .filter_map(|q| engine.queue_figures(&q).map(|f| (q, f)))
                .collect(),
            agent_count: engine.supervised_agent_count(&me) as u64,
            item_count: engine.supervised_item_count(&me) as u64,
            agents: engine
                .supervised_agents(&me, None, limit)
                .into_iter()
                .map(|(id, row)| SupervisedAgent { id, row })
                .collect(),
            items: engine
                .supervised_items(&me, None, limit)
                .into_iter()
                .map(|(id, row)| SupervisedItem { id, row })
                .collect(),
            supervisor: me,
        })
        .await?;
    Ok(Json(answer))
}

/// `GET /api/supervisor/agents?after&limit`.
pub async fn agents(
    State(hub): State<Hub>,
    AgentCaller(me): AgentCaller,
    query: Result<Query<WindowQuery>, QueryRejection>,
) -> Result<Json<SupervisorAgents>, ApiError> {
    let q = window(query)?;
    supervisor(&hub, &me)?;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    let after = q.after.map(|a| AgentId::from(a.as_str()));
    let answer = hub
        .read(move |engine| {
            let agents: Vec<_> = engine
                .supervised_agents(&me, after.as_ref(), limit)
                .into_iter()
                .map(|(id, row)| SupervisedAgent { id, row })
                .collect();
            SupervisorAgents {
                last_seq: engine.last_seq(),
                now: engine.now(),
                total: engine.supervised_agent_count(&me) as u64,
                next_after: (agents.len() == limit)
                    .then(|| agents.last().map(|a| a.id.clone()))
                    .flatten(),
                agents,
            }
        })
        .await?;
    Ok(Json(answer))
}

/// `GET /api/supervisor/items?after&limit`.
pub async fn items(
    State(hub): State<Hub>,
    AgentCaller(me): AgentCaller,
    query: Result<Query<WindowQuery>, QueryRejection>,
) -> Result<Json<SupervisorItems>, ApiError> {
    let q = window(query)?;
    supervisor(&hub, &me)?;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    let after = q.after.map(|a| ItemId::from(a.as_str()));
    let answer = hub
        .read(move |engine| {
            let items: Vec<_> = engine
                .supervised_items(&me, after.as_ref(), limit)
                .into_iter()
                .map(|(id, row)| SupervisedItem { id, row })
                .collect();
            SupervisorItems {
                last_seq: engine.last_seq(),
                now: engine.now(),
                total: engine.supervised_item_count(&me) as u64,
                next_after: (items.len() == limit)
                    .then(|| items.last().map(|i| i.id.clone()))
                    .flatten(),
                items,
            }
        })
        .await?;
    Ok(Json(answer))
}
