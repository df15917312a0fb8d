//! `omnidesk-wire`: the one definition of what travels between `omnidesk-server` and the
//! browser app. The server reads and writes these types (axum's `Json<T>`, typed WebSocket
//! frames); the app decodes the same types; nothing is encoded twice by hand.
//!
//! # Layout
//!
//! * [`frames`]: the WebSocket frames, [`ClientFrame`] (auth, subscribe, unsubscribe, action,
//!   ping) and [`ServerFrame`] (authenticated, event, history — the earlier events of an item
//!   entering the stream's read scope —, result, resync, caught_up, pong, error).
//! * [`action`]: an action request (`{client_id?, action_id, input}`, the same over HTTP and
//!   the socket) and its answer ([`ActionBody`]: applied events, or a refusal).
//! * [`error`]: the error body every refusal has (`{error, reason, field?}`).
//! * [`principal`]: who a session is ([`Principal`]: an agent, or the customer of one chat).
//! * [`http`]: the other HTTP bodies (sign-in, config, events page, session, health,
//!   conversations, work, snapshot, stats, the supervisor's view, quick replies) and the
//!   API's paths.
//! * [`link`]: the client side of the socket as a sans-io state machine ([`Link`]), the same for
//!   the agent desk and the `/chat` customer page. It does no I/O and reads no clock: the
//!   driver hands it frames and times and carries out what it polls.
//!
//! The JSON shapes are those the server has always spoken (`core/CONTRACT.md` for inputs and
//! events; server/src/api for the routes), so the load generator, the tests and the app's
//! previous version keep working.
//!
//! **Architecture invariant:** this crate depends on `omnidesk-core` and `serde` only; it knows
//! nothing of axum, tokio, the browser or a particular JSON decoder. Types that carry events or
//! inputs are generic over their representation (`ServerFrame<E = Stamped>`,
//! `ClientFrame<I = Input>`), so the server can pass an event's stored JSON through the typed
//! frame without parsing it again and read a client's input with the core's own
//! configuration-aware parser, while every client uses the defaults.
//!
//! # Method taxonomy of [`Link`] (after quinn-proto)
//!
//! `handle_*` feed it an input (a socket opened or closed, a frame, a timer), `poll_*` take
//! what it wants done (a frame to send, an event for the app, when to wake it, a socket to
//! open or close), getters take `&self`. Every input carries `now` (ms since the epoch).

pub mod action;
pub mod error;
pub mod frames;
pub mod http;
pub mod link;
pub mod principal;

pub use action::{ActionBody, ActionId, ActionRequest, ActionResult, Applied, ClientId, Refusal};
pub use error::{ErrorBody, ErrorKind};
pub use frames::{ClientFrame, ServerFrame, Subscribe};
pub use link::{ConnId, EndReason, Link, LinkEvent, LinkOptions, LinkState, Outbox, Pending};
pub use principal::Principal;

/// `#[serde(default)]` for a field that a client may also send as `null`.
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
