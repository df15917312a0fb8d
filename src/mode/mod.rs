//! **The mode switch.** The same source builds twice: the standalone demo (the routing core
//! runs in the page: `standalone`) and, with the `server` feature, the client of
//! omnidesk-server (the page follows the server's events: `server`). This is the one module
//! that reads `cfg(feature = "server")`; everything else is mode-agnostic and talks to the
//! mode through what is re-exported here:
//!
//! - [`AppRouter`], [`SERVER_BUILD`] ([`build`], a leaf the plain-Rust rooms may use);
//! - `Backend` (wasm32): where an agent's input goes — the page's engine, or the server link;
//! - `Workspace` (wasm32): the route that boots the mode and provides the context handles
//!   (standalone: Web Lock, IndexedDB, restore; server: sign-in, replica, catch-up);
//! - `slots()` (wasm32): the mode's own widgets in the mode-agnostic views (standalone: the
//!   Demo region; server: the Connection status, Sign out, the refusal bar);
//! - `SignInRoute` (`/signin`: server mode's, a not-found page standalone) and
//!   `ChatTransport` (the `/chat` page's BroadcastChannel, or its socket to the server).
//!
//! A real `cfg` rather than `if SERVER_BUILD`: each bundle then carries only its mode's code
//! (wasm's linker keeps boxed closures' vtables — and all they reach — even behind a false
//! constant; ARCHITECTURE.md has the figures).

pub mod build;

pub use build::{AppRouter, SERVER_BUILD};

#[cfg(all(target_arch = "wasm32", not(feature = "server")))]
mod standalone;
#[cfg(all(target_arch = "wasm32", not(feature = "server")))]
pub use standalone::*;

#[cfg(all(target_arch = "wasm32", feature = "server"))]
mod server;
#[cfg(all(target_arch = "wasm32", feature = "server"))]
pub use server::*;
