//! Storage: the event log, the dedup table of client actions, sessions and engine snapshots,
//! behind the small [`EventLog`] trait (written by the hub alone) and [`EventReader`] (read by
//! any connection catching up). Two backends: [`SqliteLog`] (one file, the embedded default)
//! and [`PgLog`] (PostgreSQL, shared by a leader and its standbys, every write fenced by the
//! lease's epoch, see [`crate::db`]); the core and the hub know only the traits.
//!
//! # Durability
//!
//! The hub acknowledges nothing before [`EventLog::append`] has returned, and `append` is one
//! transaction per batch (group commit: every command that queued up while the previous batch
//! was being written shares one commit).
//!
//! SQLite: WAL mode with `synchronous = FULL`. In WAL mode `NORMAL` already survives a killed
//! process (`kill -9`: the WAL is in the OS page cache), but a power loss or OS crash can roll
//! back the last transactions; `FULL` fsyncs the WAL on every commit, so an acknowledged event
//! survives those too. Group commit pays for it.
//!
//! PostgreSQL: `synchronous_commit = on` (set on the session, whatever the server's default),
//! so a commit has reached the WAL on disk — and, with a synchronous standby configured on the
//! database, the standby's too — before `append` returns.

mod postgres;
mod sqlite;

pub use self::postgres::{Fence, PgLog, PgReader};
pub use self::sqlite::SqliteLog;

use crate::auth::{Principal, TokenHash};
use omnidesk_core::{AgentId, Event, ItemId, QueueId, Stamped};
use serde_json::value::RawValue;
use std::fmt;

/// A storage failure. The hub stops the process on a failed append (see `hub`).
#[derive(Debug)]
pub struct LogError {
    message: String,
    fenced: bool,
}

impl LogError {
    pub fn new(message: impl Into<String>) -> LogError {
        LogError {
            message: message.into(),
            fenced: false,
        }
    }

    /// The write was refused because this process no longer holds the lease (PostgreSQL).
    pub fn fenced(message: impl Into<String>) -> LogError {
        LogError {
            message: message.into(),
            fenced: true,
        }
    }

    pub fn is_fenced(&self) -> bool {
        self.fenced
    }
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LogError {}

impl From<rusqlite::Error> for LogError {
    fn from(e: rusqlite::Error) -> Self {
        LogError::new(format!("sqlite: {e}"))
    }
}

impl From<serde_json::Error> for LogError {
    fn from(e: serde_json::Error) -> Self {
        LogError::new(format!("json: {e}"))
    }
}

/// One logged event with its serialized form (sent to clients as is).
#[derive(Clone, Debug)]
pub struct LoggedEvent {
    pub seq: u64,
    pub at: u64,
    /// The item the event is about (for a `rejected` one, its input's item).
    pub item: Option<ItemId>,
    /// The event's name (`offered`, `picked`, …).
    pub kind: String,
    /// The stamped event as JSON: `{"seq":…,"at":…,"event":…,…}`, sent to clients as it is.
    pub json: Box<RawValue>,
    /// Routing of the live stream (per-queue subscriptions, see [`crate::fanout`]): the queues
    /// of the event's item before and after the input that caused it (one or two; none for an
    /// event without an item). `None`: unknown (an event logged before this was recorded),
    /// which every filtered subscription receives.
    pub queues: Option<Vec<QueueId>>,
    /// The agent the event names (`agent` of the event, or of a rejected input), if any.
    pub agent: Option<AgentId>,
}

impl LoggedEvent {
    /// Serializes a stamped event.
    pub fn new(stamped: &Stamped) -> LoggedEvent {
        let json = serde_json::value::to_raw_value(stamped).expect("events serialize");
        let value: serde_json::Value = serde_json::from_str(json.get()).expect("just serialized");
        let kind = value
            .get("event")
            .and_then(|k| k.as_str())
            .unwrap_or_default()
            .to_owned();
        let agent = value
            .get("agent")
            .or_else(|| value.pointer("/input/agent"))
            .and_then(|a| a.as_str())
            .map(AgentId::from);
        LoggedEvent {
            seq: stamped.seq,
            at: stamped.at,
            item: event_item(&stamped.event),
            kind,
            json,
            queues: None,
            agent,
        }
    }
}

fn event_item(event: &Event) -> Option<ItemId> {
    use Event::*;
    match event {
        Arrived { item, .. }
        | Offered { item, .. }
        | Accepted { item, .. }
        | Declined { item, .. }
        | OfferWithdrawn { item, .. }
        | Picked { item, .. }
        | Ended { item, .. }
        | SetWaiting { item, .. }
        | Opened { item, .. }
        | CustomerMessage { item, .. }
        | AgentMessage { item, .. }
        | Requeued { item, .. }
        | Transferred { item, .. }
        | WrapUpReleased { item, .. }
        | Closed { item, .. }
        | Reopened { item, .. }
        | OfferSeen { item, .. }
        | Assigned { item, .. } => Some(item.clone()),
        Rejected { input, .. } => crate::auth::input_item(input).cloned(),
        SignedIn { .. }
        | SignedOut { .. }
        | PresenceChanged { .. }
        | Disconnected { .. }
        | Reconnected { .. } => None,
    }
}

/// The dedup key of a client action.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ActionKey {
    pub principal: String,
    pub client_id: String,
    pub action_id: String,
}

impl ActionKey {
    /// The key of `principal`'s action: the principal as stored, `agent:bert` or
    /// `customer:chat-…`.
    pub fn new(principal: &Principal, client_id: &str, action_id: &str) -> ActionKey {
        let principal = match principal {
            Principal::Agent { agent } => format!("agent:{agent}"),
            Principal::Customer { item } => format!("customer:{item}"),
        };
        ActionKey {
            principal,
            client_id: client_id.to_owned(),
            action_id: action_id.to_owned(),
        }
    }
}

/// A handled client action: its input (canonical JSON) and its outcome (JSON), kept so that a
/// resent action gets the original answer.
#[derive(Clone, Debug)]
pub struct ActionRecord {
    pub key: ActionKey,
    pub input: String,
    pub outcome: String,
    pub at: u64,
}

/// A change to the sessions table.
#[derive(Clone, Debug)]
pub enum SessionOp {
    Put {
        hash: TokenHash,
        principal: Principal,
        at: u64,
    },
    Delete {
        hash: TokenHash,
    },
}

/// What one group commit writes, atomically.
#[derive(Debug, Default)]
pub struct Batch {
    pub events: Vec<LoggedEvent>,
    pub actions: Vec<ActionRecord>,
    pub sessions: Vec<SessionOp>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.actions.is_empty() && self.sessions.is_empty()
    }
}

/// A saved engine state: the state as JSON after event `seq`, at time `now`.
pub struct Snapshot {
    pub seq: u64,
    pub now: u64,
    pub state: String,
}

/// The write side of storage, owned by the hub's thread.
pub trait EventLog: Send {
    /// The core configuration (JSON) the log was last opened with, if any.
    fn stored_config(&mut self) -> Result<Option<String>, LogError>;
    /// Records `config` as the log's configuration (the hub has checked that it covers the
    /// stored one, `omnidesk_core::Config::covers`).
    fn store_config(&mut self, config: &str) -> Result<(), LogError>;
    /// Where the log is, for messages.
    fn describe(&self) -> String;
    /// The latest snapshot, if any.
    fn latest_snapshot(&mut self) -> Result<Option<Snapshot>, LogError>;
    /// Calls `f` with every event after `after`, in seq order.
    fn replay(&mut self, after: u64, f: &mut dyn FnMut(Stamped)) -> Result<(), LogError>;
    /// Every stored session, with when it was created (ms).
    fn sessions(&mut self) -> Result<Vec<(TokenHash, Principal, u64)>, LogError>;
    /// Writes a batch atomically and durably: when this returns `Ok`, it survives a crash.
    fn append(&mut self, batch: &Batch) -> Result<(), LogError>;
    /// A handled action: (input, outcome) as stored.
    fn find_action(&mut self, key: &ActionKey) -> Result<Option<(String, String)>, LogError>;
    /// Saves a snapshot (and may drop older ones).
    fn save_snapshot(&mut self, snapshot: &Snapshot) -> Result<(), LogError>;
    /// A reader for connections that catch up.
    fn reader(&self) -> Result<Box<dyn EventReader>, LogError>;
}

/// The read side: pages of logged events, safe to call from any thread.
pub trait EventReader: Send + Sync {
    /// Up to `limit` events after `after`, in seq order; only those about `item` if given.
    fn events_after(
        &self,
        after: u64,
        limit: usize,
        item: Option<&ItemId>,
    ) -> Result<Vec<LoggedEvent>, LogError>;
}
