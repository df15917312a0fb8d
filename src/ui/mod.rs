//! The Leptos app (wasm32). Components stay thin: they render the view models of
//! [`crate::model`] and call the context handles, which turn clicks into core inputs.
//!
//! - [`app`]: the routers of the three bundles ([`DeskApp`], [`SupervisorApp`], [`ChatApp`]) — the pages by address.
//! - [`context`]: the narrow `Copy` handles (one job each) and the [`context::Workspace`]
//!   bundle the mode's boot provides.
//! - [`pages`]: one folder per page — the workspace desk, `/chat`, `/supervisor`, `/signin`,
//!   the not-found page.
//! - [`components`]: one folder per widget (tab list, menu button, dialog, streams, …).

pub mod app;
pub mod components;
pub mod context;
pub mod pages;

pub use app::{ChatApp, DeskApp, SupervisorApp};
