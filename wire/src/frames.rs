//! The WebSocket at `/api/ws`: JSON text frames tagged by `type`.
//!
//! Client → server: `auth` first (browsers can't send headers on a WebSocket), then
//! `subscribe` (the log after a seq, optionally some queues only), `unsubscribe`, `action`
//! and `ping`. Server → client: `authenticated`, `event` (one logged event), `history` (the
//! earlier events of an item that entered the stream's scope), `result` (the answer to an
//! action), `resync` (subscribe again from `after`), `caught_up` (asked for in `subscribe`),
//! `pong`, and `error` (a bad frame; the connection stays open).
//!
//! Read scope (issue 18 §4): an agent's stream holds only what is in their scope (the items
//! of the queues they are a member of or supervise, the items they were offered or held, the
//! presence of the agents of those queues); its seqs are the log's, so it skips some. When
//! an item enters the scope later (transferred into one of those queues, assigned to the
//! agent), a `history` frame with its earlier events comes right before its first `event`.

use crate::action::{ActionRequest, ActionResult};
use crate::error::ErrorBody;
use crate::principal::Principal;
use omnidesk_core::{Input, ItemId, QueueId, Stamped};
use serde::{Deserialize, Serialize};

/// A frame the client sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame<I = Input> {
    /// `{"type":"auth","token"}`: the session token; answered by `authenticated` or an
    /// `unauthorized` error.
    Auth { token: String },
    /// `{"type":"subscribe","after","queues"?,"caught_up"?}`.
    Subscribe(Subscribe),
    /// `{"type":"unsubscribe"}`: stop the stream.
    Unsubscribe,
    /// `{"type":"action","client_id"?,"action_id","input"}`: answered by `result`.
    Action(ActionRequest<I>),
    /// `{"type":"ping"}`: answered by `pong`.
    Ping,
}

/// A subscription: every event after `after` the principal may see, in seq order, with no gap
/// and no duplicate, then live ones. A new `subscribe` replaces the previous one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscribe {
    /// The last seq the client has (0: from the start).
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub after: u64,
    /// Agents only: narrow the agent's scope to these of its queues (the items they were
    /// offered or held, and their own events, still come). Seqs stay the log's, so such a
    /// stream skips some — as every agent's does (read scope, issue 18 §4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queues: Option<Vec<QueueId>>,
    /// Ask for a `caught_up` frame once the stream has sent everything logged before it went
    /// live (a filtered stream can't tell from seqs alone). Servers before this field ignore it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub caught_up: bool,
}

/// A frame the server sends. `E` is how an event is held: [`Stamped`] for clients; the server
/// passes the event's stored JSON through unparsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame<E = Stamped> {
    /// The token is good. `last_seq`: the log's head as it answered (a client that has folded
    /// up to it has caught up); `now`: the server's clock (ms since the epoch), for countdowns
    /// on the server's time.
    Authenticated {
        principal: Principal,
        last_seq: u64,
        now: u64,
    },
    /// One logged event.
    Event {
        event: E,
    },
    /// `{"type":"history","item","events":[…]}`: `item` has just entered this stream's scope
    /// (transferred into one of the agent's queues, assigned to them …) and these are its
    /// events logged before the `event` frame that follows, in seq order. Their seqs are below
    /// the stream's position, which they don't move: fold each one whose seq is after the
    /// last event of this item the replica has (a replica may have some already); then go on.
    History {
        item: ItemId,
        events: Vec<E>,
    },
    /// The answer to an action.
    Result(ActionResult<E>),
    /// The subscription ended (the client fell behind the live stream, or the log could not be
    /// read): subscribe again from `after` (the last event sent) for no gap and no duplicate.
    Resync {
        after: u64,
        reason: String,
    },
    /// Everything logged up to `last` has been sent on this subscription (the events it
    /// wants); what follows is live. Sent only when `subscribe` asked for it.
    CaughtUp {
        last: u64,
    },
    Pong,
    /// A frame the server could not take; `field` names the field at fault.
    Error(ErrorBody),
}
