//! The HTTP API's bodies (JSON), besides actions ([`crate::action`]) and errors
//! ([`crate::error`]), and its paths. Requests a client sends are built from these types;
//! answers decode into them.

use crate::principal::Principal;
use omnidesk_core::snapshot::Snapshot;
use omnidesk_core::{AgentId, Config, ItemId, QueueId, Stamped};
use serde::{Deserialize, Serialize};

/// The API's paths (relative to the server's base, which ends with `/`).
pub mod paths {
    /// `GET`: [`super::Health`].
    pub const HEALTH: &str = "api/health";
    /// `GET`: the OpenAPI document.
    pub const OPENAPI: &str = "api/openapi.json";
    /// `POST` [`super::SignIn`] → [`super::SignedIn`]; `DELETE` signs the bearer token out (204).
    pub const SESSIONS: &str = "api/sessions";
    /// `GET`: [`super::Whoami`].
    pub const SESSION: &str = "api/session";
    /// `POST` [`crate::ActionRequest`] → [`crate::ActionBody`] (header [`super::REPLAYED`]
    /// on a resend).
    pub const ACTIONS: &str = "api/actions";
    /// `GET ?after&limit`: [`super::EventsPage`].
    pub const EVENTS: &str = "api/events";
    /// `GET`: [`super::SnapshotAnswer`] (agents only).
    pub const SNAPSHOT: &str = "api/snapshot";
    /// `GET`: [`super::ConfigAnswer`] (agents only).
    pub const CONFIG: &str = "api/config";
    /// `GET`: [`super::Work`] (agents only).
    pub const WORK: &str = "api/work";
    /// `POST` [`super::StartConversation`] → 201 [`super::ConversationStarted`].
    pub const CONVERSATIONS: &str = "api/conversations";
    /// `GET`: [`super::DebugStats`] (load-test mode only).
    pub const DEBUG_STATS: &str = "api/debug/stats";
    /// The WebSocket ([`crate::frames`]).
    pub const WS: &str = "api/ws";
    /// `GET ?before&limit`: [`super::AuditPage`] (supervisors only).
    pub const AUDIT: &str = "api/audit";
    /// `DELETE api/lockouts/{agent}`: a supervisor lifts an agent's sign-in lockouts (204).
    pub const LOCKOUTS: &str = "api/lockouts";
    /// `DELETE api/agents/{agent}/sessions`: a supervisor ends an agent's sessions
    /// ([`super::SessionsEnded`]).
    pub const AGENTS: &str = "api/agents";
}

/// The response header set (to `true`) on the stored answer to a resent action.
pub const REPLAYED: &str = "x-omnidesk-replayed";

/// The WebSocket URL of the server at `base` (`http(s)://host/…/` → `ws(s)://host/…/api/ws`).
pub fn ws_url(base: &str) -> String {
    let rest = if let Some(r) = base.strip_prefix("https://") {
        format!("wss://{r}")
    } else if let Some(r) = base.strip_prefix("http://") {
        format!("ws://{r}")
    } else {
        base.to_owned()
    };
    format!("{rest}{}", paths::WS)
}

/// `POST /api/sessions`: an agent signs in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    pub agent: AgentId,
    pub password: String,
}

/// The answer to [`SignIn`]: the session token (64 hex digits), shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub token: String,
    pub agent: AgentId,
}

/// `GET /api/session`: whose the bearer token is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Whoami {
    pub principal: Principal,
    pub last_seq: u64,
}

/// `GET /api/health`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub ok: bool,
    /// The seq of the last durable event.
    pub last_seq: u64,
}

/// `GET /api/config`: the routing core's configuration, from which a browser builds its replica
/// engine before following the log from `after = 0`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigAnswer {
    pub last_seq: u64,
    pub config: Config,
}

/// `GET /api/events?after&limit`: the query.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsQuery {
    /// Events after this seq (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<u64>,
    /// At most this many (default 1000, at most 10 000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

/// `GET /api/events`: one page of the log (a customer: their conversation's visible events).
/// The next page is `after = next_after`; an empty page is the end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsPage<E = Stamped> {
    pub events: Vec<E>,
    pub next_after: u64,
    pub last_seq: u64,
}

/// `GET /api/snapshot`: the engine's state in scenarios.md's snapshot shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotAnswer {
    pub last_seq: u64,
    pub snapshot: Snapshot,
}

/// `GET /api/work`: the signed-in agent's streams: my (R19), open (R20), closed (R21).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Work {
    pub last_seq: u64,
    pub my: Vec<ItemId>,
    pub open: Vec<ItemId>,
    pub closed: Vec<ItemId>,
}

/// `POST /api/conversations`: a customer starts a live chat (an `arrive` on chat in the
/// live-chat queue).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartConversation {
    pub name: String,
    pub question: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Load-test mode only (`--load-test-tokens`); refused (422) otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueId>,
}

/// The 201 answer to [`StartConversation`]: the conversation's item, a token for it alone
/// (a [`Principal::Customer`] session), and the events the arrival caused that the customer
/// sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationStarted<E = Stamped> {
    pub item: ItemId,
    pub token: String,
    pub events: Vec<E>,
    pub last_seq: u64,
}

/// `GET /api/debug/stats` (load-test mode): the hub's and the fan-out's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebugStats {
    pub last_seq: u64,
    pub hub: HubCounters,
    pub fanout: FanoutCounters,
}

/// The hub thread's counters (times in ns, summed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubCounters {
    /// Turns (group commits, including empty timer turns).
    pub turns: u64,
    /// Commands handled (actions, conversations, session changes, reads).
    pub commands: u64,
    /// Inputs given to the core (client inputs and ticks), and the time inside `Engine::handle`.
    pub inputs: u64,
    pub handle_ns: u64,
    /// Durable events, and the time spent writing them (the fsync included).
    pub events: u64,
    pub commit_ns: u64,
    /// Time spent publishing to the fan-out, and in whole turns.
    pub publish_ns: u64,
    pub turn_ns: u64,
}

/// The fan-out's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FanoutCounters {
    /// Registered subscriptions, and those on the live stream (caught up).
    pub subscriptions: u64,
    pub live_streams: u64,
    /// Deliveries (one per subscription per group commit it wanted), events delivered summed
    /// over subscriptions, subscriptions dropped as lagged.
    pub deliveries: u64,
    pub event_deliveries: u64,
    pub lagged: u64,
}

/// What an audit entry records (issue 18).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    /// A sign-in or chat start refused by throttling (429), or a lockout starting.
    Throttled,
    SignOut,
    /// A session swept for being idle too long or too old.
    SessionExpired,
    /// A supervisor ended an agent's sessions.
    SessionsEnded,
    /// A supervisor lifted an agent's sign-in lockout.
    LockoutLifted,
    /// R25–R27: a supervisor's `assign`, `force_close`, `transfer`.
    Assign,
    ForceClose,
    SupervisorTransfer,
    /// A kind this version does not know (a newer server's).
    #[serde(other)]
    Other,
}

/// One row of the audit trail: when (ms since the epoch), who (an agent id, the agent id a
/// failed sign-in named, or `customer:<item>`), from which client address, what, and how it
/// ended (`ok`, `refused`, `locked`, or the action's HTTP status).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: u64,
    pub at: u64,
    pub principal: String,
    pub address: String,
    pub action: AuditAction,
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// `GET /api/audit?before&limit`: newest first; the next (older) page is `before=next_before`;
/// no `next_before`: this is the last page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<u64>,
}

/// `DELETE /api/agents/{agent}/sessions`: how many sessions were ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsEnded {
    pub agent: AgentId,
    pub ended: usize,
}
