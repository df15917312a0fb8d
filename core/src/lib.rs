//! `omnidesk-core`: the deterministic routing engine of the omnidesk agent workspace.
//!
//! The core never reads a clock and does no I/O (R0): every input carries `now` in
//! milliseconds, and the same inputs in the same order give the same events, byte for byte.
//! The rules it implements are `shared/spec/routing.md` (R0–R22); code comments cite them.
//!
//! # Layout
//!
//! The major components are:
//!
//! * [`protocol`]: the wire vocabulary, [`Input`], [`Event`] and [`Stamped`]. The one module
//!   that defines what goes in and comes out; a server log and a sync protocol reuse it.
//! * [`config`]: channels with R1's defaults, queues (R2), agents (R3), custom presences.
//! * [`presence`]: statuses (R4), the automatic value (R6) and its guards (R7).
//! * [`state`]: agents and items, and [`State::apply`], the fold of events: the only place
//!   state changes.
//! * [`engine`]: [`Engine::handle`] runs R0a's order of work (timers, route, input, route),
//!   checks R5–R13 and decides events; [`Engine::apply`] folds a logged event.
//! * [`route`]: push routing behind the [`route::Router`] seam; [`route::reference`] is the
//!   plain reference model (R14–R17) other routers must match event for event, and
//!   [`route::indexed`] the engine's default router, O(log n) per decision, checked against
//!   the reference by `tests/equivalence.rs`.
//! * [`explain`]: R18's per-member reasons.
//! * [`queries`]: the dashboard streams (R19–R21).
//! * [`snapshot`]: the replay snapshot with scenarios.md's fixed key order.
//! * [`scenario`]: scenario files: parse, validate, run.
//! * `bin/omnidesk-replay`: the replay command.
//!
//! # Method taxonomy
//!
//! As in quinn-proto: `handle` takes an input, `apply` folds an event, getters take `&self`
//! (`snapshot`, `my_work_items`, `next_timer`, …). Time only moves through `handle`'s `now`.
//!
//! **Architecture invariant:** nothing here knows about the browser, the server, async or
//! clocks; `State` changes only in `State::apply`.

pub mod config;
pub mod engine;
pub mod explain;
pub mod ids;
mod index;
pub mod presence;
pub mod protocol;
pub mod queries;
pub mod route;
pub mod scenario;
pub mod snapshot;
pub mod state;
pub mod supervision;
#[doc(hidden)]
pub mod workload;

pub use config::Config;
pub use engine::{Engine, HandleError};
pub use explain::MemberReason;
pub use ids::{AgentId, ChannelId, ItemId, QueueId};
pub use presence::{BaseStatus, Presence, PresenceReason};
pub use protocol::{Event, Input, Stamped};
pub use state::State;
