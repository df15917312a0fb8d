//! `omnidesk-server`: the sync server. One routing core ([`omnidesk_core::Engine`]) serves many
//! agents; every accepted input is durable in an SQLite event log before it is acknowledged;
//! every input is access-checked before the core sees it.
//!
//! # Layout
//!
//! The major components are:
//!
//! * [`config`]: the configuration file, a scenario set-up read by the core's own parser, plus
//!   agents' passwords (argon2-hashed at load), the live-chat queue and the allowed origins.
//!   [`config::DEMO_CONFIG`] is used when none is given.
//! * [`auth`]: password hashes, session tokens (random, stored as SHA-256), and
//!   [`auth::authorize`], the 403 check every input passes.
//! * [`log`]: storage behind the [`log::EventLog`] / [`log::EventReader`] traits; the SQLite
//!   backend ([`log::SqliteLog`], WAL, `synchronous = FULL`) holds events, the dedup table of
//!   client actions, sessions and engine snapshots.
//! * [`hub`]: the thread that owns the engine and the log: dedup, access check, the core, group
//!   commit, then answers and the live fan-out; timers (R0a `tick`); counters ([`hub::HubStats`]).
//! * [`fanout`]: the registry of live subscriptions, indexed by queue, agent and item, run on
//!   its own thread: a group commit wakes only the subscriptions that want some of its events,
//!   once each; the last events stay in memory for subscriptions starting near the head.
//! * [`http`]: the JSON API routes, one table ([`http::api_routes`]) of method, path, handler
//!   and OpenAPI operation, and the static app (`dist-server/`, the app's server build; its
//!   index.html, for `/` and deep links,
//!   marked with `<meta name="omnidesk-server">` so the app runs as this server's client).
//! * [`ws`]: the WebSocket: auth in the first frame, actions, subscribe-from-seq (optionally
//!   to some queues only) and resume; a bounded outbound queue per connection, whose overflow
//!   sends `resync`.
//! * [`openapi`]: the OpenAPI document served at `/api/openapi.json`, its paths generated
//!   from [`http::api_routes`].
//! * `main.rs`: flags and environment, then [`serve`]; `--load-test-tokens` (load tests only).
//! * `bin/omnidesk-load.rs`: the load generator (`scripts/bench-server`, BENCHMARKS.md).
//!
//! **Architecture invariant:** only the hub thread calls `Engine::handle` or writes the log,
//! and it answers a command (or publishes an event) only after the batch holding its events is
//! committed.

pub mod api;
pub mod auth;
pub mod config;
pub mod fanout;
pub mod hub;
pub mod log;

use std::net::SocketAddr;
use std::path::PathBuf;

/// How to run the server.
#[derive(Clone, Debug)]
pub struct Options {
    /// Address to bind; port 0 picks a free one.
    pub addr: SocketAddr,
    /// The SQLite file of the event log.
    pub db: PathBuf,
    /// The built app.
    pub dist: PathBuf,
    /// Extra allowed origins besides those in the configuration.
    pub allowed_origins: Vec<String>,
    pub hub: hub::HubOptions,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: PathBuf::from("omnidesk.db"),
            dist: PathBuf::from("dist-server"),
            allowed_origins: Vec::new(),
            hub: hub::HubOptions::default(),
        }
    }
}

/// A running server.
pub struct Running {
    /// The bound address.
    pub addr: SocketAddr,
    /// The hub (for in-process reads in tests).
    pub hub: hub::Hub,
    /// Resolves when the server stops.
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Opens the log, rebuilds the engine, binds and starts serving (in a spawned task).
pub async fn serve(
    mut config: config::ServerConfig,
    options: Options,
) -> Result<Running, Box<dyn std::error::Error + Send + Sync>> {
    config
        .allowed_origins
        .extend(options.allowed_origins.iter().cloned());
    let log = log::SqliteLog::open(&options.db)?;
    let hub = tokio::task::spawn_blocking(move || {
        hub::Hub::start(config, Box::new(log), options.hub.clone())
    })
    .await??;
    let listener = tokio::net::TcpListener::bind(options.addr).await?;
    let addr = listener.local_addr()?;
    let app = api::router(hub.clone(), &options.dist);
    let task = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Running { addr, hub, task })
}
