//! # omnidesk — the agent workspace
//!
//! A Leptos client-side app compiled to WebAssembly. It projects the state of the routing
//! core (`omnidesk-core`) and sends it inputs; it owns no routing logic.
//!
//! # Layout
//! - [`tabs`]: the WAI-ARIA tabs pattern's keyboard model (which tab an arrow key moves to),
//!   plain Rust so it is tested natively.
//! - `ui` (wasm32 only): the Leptos components — the shell with the **Sessions** tablist, the
//!   Home session and its **Applications** tabs.

pub mod tabs;

#[cfg(target_arch = "wasm32")]
pub mod ui;
