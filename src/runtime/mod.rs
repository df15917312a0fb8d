//! The driver of the standalone contact centre: the routing core running in the page.
//!
//! - [`centre`]: [`centre::Centre`], the engine plus the [`journal::Journal`] and the
//!   [`sim::Sim`] it feeds; every change goes in as a core input stamped with the caller's
//!   clock, and everything the UI shows is built from the engine's state and events.
//! - [`demo`]: the built-in configuration (queues, the five channels, the agent at the keyboard
//!   and simulated colleagues) and the generated customers.
//! - [`journal`]: what the UI needs that the core's state doesn't keep (messages, the last
//!   routing explanation, when an item last changed), folded from events.
//! - [`sim`]: the simulator, an input source: colleagues who accept, work and close items, and
//!   arrivals. It decides nothing about routing.
//! - [`save`]: the versioned save format (snapshot plus event log).
//! - [`rng`]: a small deterministic PRNG (SplitMix64) for `?seed=N`.
//! - [`wire`]: the server's JSON (frames, stamped events, inputs, the configuration) read into
//!   the core's types without serde in the bundle, and an input written as the server reads it.
//! - `browser` (wasm32 only): the live loop (tick, clock), IndexedDB persistence and the Web
//!   Locks leader election.
//!
//! **Architecture invariant:** nothing here decides who gets an item or what presence is: the
//! simulator and the buttons send inputs, the core decides.

pub mod centre;
pub mod demo;
pub mod journal;
pub mod live;
pub mod log;
pub mod params;
pub mod rng;
pub mod save;
pub mod sim;
pub mod sync;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod net;
