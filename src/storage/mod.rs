//! What the browser keeps.
//!
//! The saved form itself is the centre's ([`crate::centre::save`]).
//! - [`legacy`]: the previous version's tab-separated save, read once to migrate it.
//! - `idb` (wasm32): IndexedDB — the snapshot and the bounded log as structured clones of
//!   their serde values, the open sessions, a store where an unusable save is set aside.
//! - `local` (wasm32): `localStorage` items through gloo-storage (server mode: the sign-in,
//!   the open sessions, the outbox).

pub mod legacy;

#[cfg(target_arch = "wasm32")]
pub mod clone;
#[cfg(target_arch = "wasm32")]
pub mod idb;
#[cfg(target_arch = "wasm32")]
pub mod local;
