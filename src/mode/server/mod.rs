//! Server mode: the page follows omnidesk-server. [`Backend`] hands the agent's inputs to the
//! link ([`crate::link::driver`] around `omnidesk_wire::Link`) and folds the server's events
//! into the replica; [`Workspace`] signs in (or reuses the saved token), builds the replica
//! from the server's configuration and shows the desk once it has caught up;
//! [`SignInRoute`] is `/signin`; [`slots`] puts the Connection status, Sign out and the
//! refusal bar in the top and status bars; [`ChatTransport`] is the `/chat` page's socket.

mod backend;
mod boot;
mod chat;
mod place;
mod signin;
mod slots;

pub use backend::Backend;
pub use boot::Workspace;
pub use chat::ChatTransport;
pub use signin::SignInRoute;
pub use slots::slots;
