//! The Leptos components. Components stay thin: they render the view models of
//! [`crate::projection`] and call [`Workspace`] methods, which turn clicks into core inputs.
//!
//! - `shell`: [`App`] (boots the runtime: Web Lock, IndexedDB, the clock) and [`Desk`] (the
//!   Sessions tablist, the top bar, the selected session).
//! - `dashboard`: the Home session's agent dashboard — three live streams and the Demo region.
//! - `topbar`: the Presence menu button and the Capacity meter.
//! - `dialogs`: the offer notification, R10's confirmation and R18's "Why?".
//! - `session`: a conversation session (Active conversation, Customer).
//! - `icons`: the channel icons.
//! - `workspace`: the [`Workspace`] handle.
//! - `signin`: server mode's shell — the sign-in page, the connection status, Sign out and
//!   refusals.
//! - `sync`: server mode's WebSocket driver (auth, subscribe, actions, reconnect).

pub mod chat;
mod dashboard;
mod dialogs;
mod icons;
pub mod live;
pub mod notify;
mod session;
mod shell;
mod signin;
pub mod sync;
mod topbar;
mod workspace;

pub use shell::{App, Desk};
pub use workspace::Workspace;
