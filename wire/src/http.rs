//! The HTTP API's bodies (JSON), besides actions ([`crate::action`]) and errors
//! ([`crate::error`]), and its paths. Requests a client sends are built from these types;
//! answers decode into them.

use crate::error::ErrorBody;
use crate::principal::Principal;
use omnidesk_core::snapshot::Snapshot;
use omnidesk_core::supervision::{AgentRow, ItemRow, QueueFigures};
use omnidesk_core::{AgentId, Config, ItemId, QueueId, Stamped};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    /// `GET ?limit`: [`super::SupervisorAnswer`] (R28; supervisors only).
    pub const SUPERVISOR: &str = "api/supervisor";
    /// `GET ?after&limit`: [`super::SupervisorAgents`], the next window of agent rows.
    pub const SUPERVISOR_AGENTS: &str = "api/supervisor/agents";
    /// `GET ?after&limit`: [`super::SupervisorItems`], the next window of item rows.
    pub const SUPERVISOR_ITEMS: &str = "api/supervisor/items";
    /// `GET`: [`super::QuickReplies`], the agent's personal quick replies; `POST`
    /// [`super::QuickReplyDraft`] → 201 [`super::QuickReply`].
    pub const MY_QUICK_REPLIES: &str = "api/me/quick-replies";
    /// `PUT` [`super::QuickReplyDraft`] → [`super::QuickReply`]; `DELETE` (204). The route's
    /// template; [`my_quick_reply`] is one reply's path.
    pub const MY_QUICK_REPLY: &str = "api/me/quick-replies/{id}";

    /// The path of the personal quick reply `id` (ids the server gives are URL-safe).
    pub fn my_quick_reply(id: &str) -> String {
        format!("{MY_QUICK_REPLIES}/{id}")
    }
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

/// `GET /api/health`: 200 from the leader (the one process that serves), 503 from a standby
/// (issue 16), so a load balancer checking it sends traffic to the leader only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub ok: bool,
    /// The seq of the last durable event (a standby: the log's last seq when it last looked).
    pub last_seq: u64,
    /// Absent from a server older than standbys: it was the leader.
    #[serde(default)]
    pub role: Role,
}

/// Which part a server process plays on a shared database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Holds the lease (always, on SQLite): serves.
    #[default]
    Leader,
    /// Waits for the lease; answers every request with 503 and a [`Standby`] body.
    Standby,
}

/// A standby's 503 body for every request: [`Health`] (`ok: false`, `role: "standby"`) and an
/// `unavailable` [`ErrorBody`] in one object, so a client reading either finds its fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standby {
    #[serde(flatten)]
    pub health: Health,
    #[serde(flatten)]
    pub error: ErrorBody,
}

/// `GET /api/config`: the routing core's configuration, from which a browser builds its replica
/// engine before following the log from `after = 0`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigAnswer {
    pub last_seq: u64,
    pub config: Config,
    /// The centre's quick replies (issue 17), from the server's configuration; empty from a
    /// server that has none (or predates them).
    #[serde(default)]
    pub quick_replies: Vec<QuickReply>,
}

/// The limits of a quick reply, the same for the centre's (checked when the configuration is
/// read) and an agent's personal ones (checked by the server, 422 naming the field).
pub mod quick_reply {
    /// `id`: at most this many characters.
    pub const ID_MAX: usize = 100;
    /// `title`: at most this many characters.
    pub const TITLE_MAX: usize = 120;
    /// `text`: at most this many characters.
    pub const TEXT_MAX: usize = 4000;
    /// `tags`: at most this many, each at most [`TAG_MAX`] characters.
    pub const TAGS_MAX: usize = 10;
    pub const TAG_MAX: usize = 40;
    /// Personal quick replies one agent may keep.
    pub const PERSONAL_MAX: usize = 200;
}

/// A quick reply: a titled text an agent inserts into the Message box (`{customer}` and
/// `{agent}` are filled in on insert), found by its title, text and tags.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickReply {
    pub id: String,
    pub title: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// A personal quick reply as an agent writes it: `POST` creates one, `PUT` replaces one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickReplyDraft {
    pub title: String,
    pub text: String,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub tags: Vec<String>,
}

/// `GET /api/me/quick-replies`: the agent's personal quick replies, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickReplies {
    pub replies: Vec<QuickReply>,
}

fn chars_at_most(field: &str, value: &str, max: usize) -> Result<(), ErrorBody> {
    if value.trim().is_empty() {
        return Err(ErrorBody::invalid(field, "empty"));
    }
    let n = value.chars().count();
    if n > max {
        return Err(ErrorBody::invalid(
            field,
            format!("{n} characters; at most {max}"),
        ));
    }
    Ok(())
}

impl QuickReplyDraft {
    /// Whether the draft is within [`quick_reply`]'s limits; `Err` names the field
    /// (`title`, `text`, `tags[2]`).
    pub fn check(&self) -> Result<(), ErrorBody> {
        chars_at_most("title", &self.title, quick_reply::TITLE_MAX)?;
        chars_at_most("text", &self.text, quick_reply::TEXT_MAX)?;
        if self.tags.len() > quick_reply::TAGS_MAX {
            return Err(ErrorBody::invalid(
                "tags",
                format!(
                    "{} tags; at most {}",
                    self.tags.len(),
                    quick_reply::TAGS_MAX
                ),
            ));
        }
        for (i, tag) in self.tags.iter().enumerate() {
            chars_at_most(&format!("tags[{i}]"), tag, quick_reply::TAG_MAX)?;
        }
        Ok(())
    }

    /// The reply with this draft's contents and `id`.
    pub fn with_id(self, id: String) -> QuickReply {
        QuickReply {
            id,
            title: self.title,
            text: self.text,
            tags: self.tags,
        }
    }
}

impl QuickReply {
    /// Whether the reply is within [`quick_reply`]'s limits; `Err` names the field (`id`,
    /// `title`, `text`, `tags[2]`).
    pub fn check(&self) -> Result<(), ErrorBody> {
        chars_at_most("id", &self.id, quick_reply::ID_MAX)?;
        QuickReplyDraft {
            title: self.title.clone(),
            text: self.text.clone(),
            tags: self.tags.clone(),
        }
        .check()
    }
}

/// `GET /api/supervisor?limit` (R28, supervisors only): the figures of every supervised queue,
/// how many agents and items the lists have, and their first windows (`limit` rows each,
/// default 100, at most 1000; the next ones come from [`paths::SUPERVISOR_AGENTS`] and
/// [`paths::SUPERVISOR_ITEMS`] after the last id). Times are relative to `now`, the core's
/// time of the last input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisorAnswer {
    pub last_seq: u64,
    pub now: u64,
    pub supervisor: AgentId,
    pub queues: BTreeMap<QueueId, QueueFigures>,
    /// Members of a supervised queue, and items not Closed in one.
    pub agent_count: u64,
    pub item_count: u64,
    pub agents: Vec<SupervisedAgent>,
    pub items: Vec<SupervisedItem>,
}

/// One row of the supervisor's Agents list: the agent's id and R28's row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisedAgent {
    pub id: AgentId,
    #[serde(flatten)]
    pub row: AgentRow,
}

/// One row of the supervisor's Ongoing conversations list: the item's id and R28's row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisedItem {
    pub id: ItemId,
    #[serde(flatten)]
    pub row: ItemRow,
}

/// `GET /api/supervisor/agents|items?after&limit`: the query (rows after the id `after`, in id
/// order; at most `limit`, default 100, at most 1000).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

/// `GET /api/supervisor/agents`: a window of agent rows; `next_after` is the id to ask after
/// for the next window (`None`: this one reached the end).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisorAgents {
    pub last_seq: u64,
    pub now: u64,
    pub total: u64,
    pub agents: Vec<SupervisedAgent>,
    pub next_after: Option<AgentId>,
}

/// `GET /api/supervisor/items`: a window of item rows (see [`SupervisorAgents`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisorItems {
    pub last_seq: u64,
    pub now: u64,
    pub total: u64,
    pub items: Vec<SupervisedItem>,
    pub next_after: Option<ItemId>,
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
