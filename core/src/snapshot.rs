//! The replay snapshot (scenarios.md): `{"now", "agents": {id: {presence, manual, used,
//! capacity, disconnected?}}, "items": {id: {state, agent, queue, declines}}}`. Structs fix the key order;
//! `BTreeMap`s order the ids.

use crate::engine::Engine;
use crate::ids::{AgentId, ItemId, QueueId};
use crate::presence::Presence;
use crate::route::Router;
use crate::state::ItemStatus;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The whole snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub now: u64,
    pub agents: BTreeMap<AgentId, AgentView>,
    pub items: BTreeMap<ItemId, ItemView>,
}

/// One agent in the snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentView {
    pub presence: Presence,
    pub manual: bool,
    pub used: u64,
    pub capacity: u64,
    /// R24: present (and `true`) only while the agent is disconnected.
    #[serde(default, skip_serializing_if = "is_false")]
    pub disconnected: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One item in the snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    /// `open`, `offered`, `active`, `waiting`, `wrap_up` or `closed`.
    pub state: String,
    /// The holder; for a closed item its last holder; `null` when open or never Active.
    pub agent: Option<AgentId>,
    pub queue: QueueId,
    pub declines: u32,
}

impl<R: Router> Engine<R> {
    /// The snapshot as typed data; serialize it for the exact key order of scenarios.md.
    pub fn snapshot_view(&self) -> Snapshot {
        let state = self.state();
        Snapshot {
            now: self.now(),
            agents: state
                .agents
                .iter()
                .map(|(id, a)| {
                    (
                        id.clone(),
                        AgentView {
                            presence: a.presence.clone(),
                            manual: a.manual,
                            used: a.used,
                            capacity: a.capacity,
                            disconnected: a.disconnected.is_some(),
                        },
                    )
                })
                .collect(),
            items: state
                .items
                .iter()
                .map(|(id, it)| {
                    let agent = match &it.status {
                        ItemStatus::Closed { .. } => it.last_holder.clone(),
                        status => status.holder().cloned(),
                    };
                    (
                        id.clone(),
                        ItemView {
                            state: it.status.name().to_owned(),
                            agent,
                            queue: it.queue.clone(),
                            declines: it.declines,
                        },
                    )
                })
                .collect(),
        }
    }

    /// The snapshot as a JSON value (compare values in tests; print [`Engine::snapshot_view`]
    /// or [`Engine::snapshot_json`] for the fixed key order, since a `Value` sorts its keys).
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::to_value(self.snapshot_view()).expect("a snapshot always serializes")
    }

    /// The snapshot as one compact JSON line, keys in scenarios.md's order.
    pub fn snapshot_json(&self) -> String {
        serde_json::to_string(&self.snapshot_view()).expect("a snapshot always serializes")
    }
}
