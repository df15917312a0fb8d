//! The pages, one folder each: [`workspace`] (the agent's desk at `/` and
//! `/session/:item`), [`chat`] (`/chat`), [`supervisor`] (`/supervisor`), [`signin`] (server
//! mode's `/signin`), [`not_found`].

pub mod chat;
pub mod not_found;
pub mod signin;
pub mod supervisor;
pub mod workspace;
