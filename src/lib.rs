//! # omnidesk — the agent workspace
//!
//! A Leptos client-side app compiled to WebAssembly. It runs the routing core
//! (`omnidesk-core`) in the page, sends it inputs stamped with the browser's clock and projects
//! the state built from the events it emits; it owns no routing logic.
//!
//! # Layout
//! - [`runtime`]: the driver — the engine with the journal and the simulator it feeds
//!   ([`runtime::centre::Centre`]), the demo configuration, the save format; in the browser
//!   also the tick loop, IndexedDB persistence and the Web Locks leader election.
//! - [`projection`]: the view models (stream rows, sorting and filtering, presence, capacity
//!   meter, offers, R10's question, R18's explanation), plain Rust tested natively.
//! - [`sessions`]: the Sessions tablist's model (open, close, at most ten, tab names).
//! - [`tabs`]: the WAI-ARIA tabs pattern's keyboard model (which tab an arrow key moves to).
//! - `ui` (wasm32 only): the Leptos components, thin renderers of the above.

pub mod projection;
pub mod runtime;
pub mod sessions;
pub mod tabs;

#[cfg(target_arch = "wasm32")]
pub mod ui;
