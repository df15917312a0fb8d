//! The Leptos components. Components stay thin: what can be decided without the DOM lives in
//! plain modules beside this one (see [`crate::tabs`]).

mod shell;

pub use shell::App;
