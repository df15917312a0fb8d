//! # omnidesk — the agent workspace
//!
//! A Leptos client-side app compiled to WebAssembly. It runs the routing core
//! (`omnidesk-core`) in the page (the standalone demo) or follows a server that runs it (the
//! server build, feature `server`), and projects the core's state; it owns no routing logic.
//!
//! # Layout
//! The plain-Rust rooms build and test natively; the browser rooms are wasm32 only.
//! - [`centre`]: the contact centre in the page — [`centre::Centre`] (the engine with the
//!   journal and the simulator it feeds), the demo configuration, the simulator, the `/chat`
//!   page's BroadcastChannel protocol, and the centre's saved form (serde types).
//! - [`link`]: the server link, app side — refusals in words, the saved sign-in, the JSON
//!   codec; in wasm32 the one gloo-net WebSocket driver around `omnidesk_wire::Link` (the
//!   sans-io state machine of the shared protocol crate) and the HTTP API on gloo-net.
//! - [`storage`]: what the browser keeps — the migration of the previous tab-separated save,
//!   and (wasm32) IndexedDB and `localStorage`.
//! - [`model`]: the view models — stream rows, presence, capacity, offers, R10, R18, the
//!   Sessions tablist, the tabs keyboard model, the addresses and the URL parameters.
//! - [`mode`]: **the mode switch**, the one module that reads `cfg(feature = "server")`: the
//!   standalone engine or the server link behind one `Backend` type, the workspace route that
//!   boots it, its widgets; the rest of the app is mode-agnostic.
//!
//! Dependencies point one way, with no import cycle between files: `ui::app` (and the `/chat`
//! page) → `mode` → `ui` (context, components, pages) → `link`, `storage` → `centre` →
//! `model`.
//! - `browser` (wasm32): the clock, performance marks, the Web Lock, desktop notifications.
//! - `ui` (wasm32): the Leptos app — `app` (the router), `context` (the narrow `Copy`
//!   handles), `pages/` and `components/` (one folder per widget).

pub mod centre;
pub mod link;
pub mod mode;
pub mod model;
pub mod storage;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod ui;
