//! `omnidesk-core`: the deterministic routing engine of the omnidesk agent workspace.
//!
//! The core never reads a clock and does no I/O (R0): every input carries `now` in
//! milliseconds, and the same inputs in the same order give the same events, byte for byte.
//! The rules it implements are the repository's `docs/routing-rules.md` (R0–R28); code comments cite them.
//! R23–R24 make offers nobody misses (`offer_seen` and the unseen-offer withdrawal; a lost
//! connection's `disconnect`/`reconnect` and the reconnect window), R25–R27 let a supervisor
//! `assign`, `force_close` and `transfer`, and R28 is what a supervisor sees.
//!
//! # Layout
//!
//! The major components are:
//!
//! * [`protocol`]: the wire vocabulary, [`Input`], [`Event`] and [`Stamped`]. The one module
//!   that defines what goes in and comes out; a server log and a sync protocol reuse it. New
//!   fields carry serde defaults and new cases are new variants, so logs, snapshots and
//!   configurations of the previous version still load (`tests/upgrade.rs`).
//! * `tagged` (private): how the internally tagged enums ([`Input`], [`Event`],
//!   [`state::ItemStatus`]) are read — through an externally tagged twin each, derived from the
//!   one definition by `external_de!` — the same JSON in a fraction of the code serde's
//!   internally tagged derive makes (the browser bundle's largest items).
//! * [`config`]: channels with R1's defaults, queues (R2), agents (R3), custom presences.
//! * [`presence`]: statuses (R4), the automatic value (R6) and its guards (R7).
//! * [`state`]: agents and items, and [`State::apply`], the fold of events: the only place
//!   state changes; [`State::reconfigure`] takes a newer configuration that keeps everything
//!   the old one had ([`config::Config::covers`]), so a server's log opens after an upgrade.
//! * [`engine`]: [`Engine::handle`] runs R0a's order of work (timers, route, input, route),
//!   checks R5–R13 and decides events; [`Engine::apply`] folds a logged event.
//! * [`route`]: push routing behind the [`route::Router`] seam; [`route::reference`] is the
//!   plain reference model (R14–R17) other routers must match event for event, and
//!   [`route::indexed`] the engine's default router, O(log n) per decision, checked against
//!   the reference by `tests/equivalence.rs`.
//! * `index` (private): what the engine derives from state so no input scans all items —
//!   timers in R0a's order (items before agents' reconnect windows at an equal due time),
//!   offers and held items per agent, R28's per-queue figures kept incrementally. Rebuilt by
//!   [`Engine::restore`], never persisted.
//! * [`explain`]: R18's per-member reasons.
//! * [`queries`]: the dashboard streams (R19–R21).
//! * [`supervision`]: the supervisor's view (R28): [`Engine::supervisor_view`], the per-queue
//!   [`Engine::queue_figures`], the rows [`Engine::agent_row`] / [`Engine::item_row`], and the
//!   windowed lists [`Engine::supervised_agents`] / [`Engine::supervised_items`] a table that
//!   shows a screenful at a time reads.
//! * [`snapshot`]: the replay snapshot with scenarios.md's fixed key order.
//! * [`scenario`]: scenario files: parse, validate, run.
//! * `bin/omnidesk-replay`: the replay command.
//!
//! # Method taxonomy
//!
//! As in quinn-proto: `handle` takes an input, `apply` folds an event, getters take `&self`
//! (`snapshot`, `my_work_items`, `supervisor_view`, `next_timer`, …). Time only moves through
//! `handle`'s `now`.
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
pub mod sorting;
pub mod state;
pub mod supervision;
mod tagged;
#[doc(hidden)]
pub mod workload;

pub use config::Config;
pub use engine::{Engine, HandleError};
pub use explain::MemberReason;
pub use ids::{AgentId, ChannelId, ItemId, QueueId};
pub use presence::{BaseStatus, Presence, PresenceReason};
pub use protocol::{Event, Input, Stamped};
pub use state::State;
