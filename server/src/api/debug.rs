//! `GET /api/debug/stats`: the hub's and the fan-out's counters, in load-test mode only.

use super::error::ApiError;
use crate::hub::Hub;
use axum::extract::State;
use axum::Json;
use omnidesk_wire::http::{DebugStats, FanoutCounters, HubCounters};
use std::sync::atomic::{AtomicU64, Ordering};

pub async fn stats(State(hub): State<Hub>) -> Result<Json<DebugStats>, ApiError> {
    if !hub.load_test() {
        return Err(ApiError::forbidden(
            "the stats are served in load-test mode only (--load-test-tokens)",
        ));
    }
    let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let h = &hub.stats;
    let f = &hub.fanout().stats;
    Ok(Json(DebugStats {
        last_seq: hub.last_seq(),
        hub: HubCounters {
            turns: get(&h.turns),
            commands: get(&h.commands),
            inputs: get(&h.inputs),
            handle_ns: get(&h.handle_ns),
            events: get(&h.events),
            commit_ns: get(&h.commit_ns),
            publish_ns: get(&h.publish_ns),
            turn_ns: get(&h.turn_ns),
        },
        fanout: FanoutCounters {
            subscriptions: hub.fanout().len() as u64,
            live_streams: hub.live_streams() as u64,
            deliveries: get(&f.deliveries),
            event_deliveries: get(&f.event_deliveries),
            lagged: get(&f.lagged),
        },
    }))
}
