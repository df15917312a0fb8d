//! The view models: plain Rust built from the core's state and the journal, tested natively;
//! components only render these.
//!
//! - [`projection`]: stream rows (R19–R21) and their view-only sort and filter, live ages,
//!   presence labels and colours (R4), the capacity meter, offers, the conversation view,
//!   R10's overbooking question, R18's explanation.
//! - [`replies`]: quick replies — the `/words` query, matching, `{customer}`/`{agent}`, where
//!   the reply goes in the draft, the agent's own replies.
//! - [`sessions`]: the Sessions tablist's model (open, select, close, at most ten, tab names).
//! - [`tabs`]: the WAI-ARIA tabs keyboard model (also the menus' arrow keys).
//! - [`address`]: the app's addresses — which path a session has, which parameters stay on
//!   every navigation, and whether the agent may see the item an address names.
//! - [`supervision`]: the supervisor page's rows (R28's queries named for people), the
//!   actions R25–R27 permit per row, the Assign dialog's choices, a supervisor's notice.
//! - [`queue_history`]: the last hour of In queue counts per queue, for the page's charts.
//! - [`params`]: the URL parameters (`?sim`, `?seed`, `?reset`, `?demo`, `?rate`, `?server`).
//!
//! **Architecture invariant:** nothing here decides routing or presence; it reads what the
//! core decided.

pub mod address;
pub mod params;
pub mod projection;
pub mod queue_history;
pub mod replies;
pub mod sessions;
pub mod supervision;
pub mod tabs;
