//! # omnidesk — the agent workspace
//!
//! A Leptos client-side app compiled to WebAssembly. It runs the routing core
//! (`omnidesk-core`) in the page (the standalone demo) or follows a server that runs it (the
//! server build, feature `server`), and projects the core's state; it owns no routing logic.
//!
//! # Layout
//! The plain-Rust rooms build and test natively; the browser rooms are wasm32 only.
//! - [`centre`]: the contact centre in the page — [`centre::Centre`] (the engine with the
//!   journal and the simulator it feeds), the demo configuration, the simulator, and the
//!   `/chat` page's BroadcastChannel protocol (serde types).
//! - [`link`]: the server link's plain half — the outbox, the backoff, refusals in words, the
//!   server's JSON (until the shared wire crate lands).
//! - [`storage`]: what the browser keeps — the versioned snapshot and input log (serde), the
//!   migration of the previous tab-separated save, and (wasm32) IndexedDB and `localStorage`.
//! - [`model`]: the view models — stream rows, presence, capacity, offers, R10, R18, the
//!   Sessions tablist, the tabs keyboard model, the addresses and the URL parameters.
//! - [`mode`]: **the mode switch**, the one module that reads `cfg(feature = "server")`: the
//!   standalone engine or the server link behind one `Backend` type; the rest of the app is
//!   mode-agnostic.
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
