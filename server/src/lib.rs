//! `omnidesk-server`: the sync server. One routing core ([`omnidesk_core::Engine`]) serves many
//! agents; every accepted input is durable in an SQLite event log before it is acknowledged;
//! every input is access-checked before the core sees it.
//!
//! # Layout
//!
//! The modules, each using only those listed before it (no import cycles; `tests/layout.rs`
//! checks it from the sources):
//!
//! * [`auth`]: password hashes, session tokens (random, stored as SHA-256), and
//!   [`auth::authorize`], the 403 check every input passes. [`auth::Principal`] is the wire's.
//! * [`quick_replies`]: the centre's quick replies read from the configuration (checked, the
//!   field named) and agents' personal ones in their own versioned SQLite table.
//! * [`config`]: the configuration file, a scenario set-up read by the core's own parser, plus
//!   agents' passwords (argon2-hashed at load), the live-chat queue and the allowed origins.
//!   [`config::DEMO_CONFIG`] is used when none is given.
//! * [`connections`]: R24's registry of agents' live authenticated connections (the
//!   disconnect grace, the looks it asks the hub for) and the WebSocket keep-alive.
//! * [`log`]: storage behind the [`log::EventLog`] / [`log::EventReader`] traits; the SQLite
//!   backend ([`log::SqliteLog`], WAL, `synchronous = FULL`) holds events (with their JSON, sent
//!   to clients as stored), the dedup table of client actions, sessions and engine snapshots.
//! * [`scope`]: the read scope (issue 18 §4): which events an agent's stream carries — the
//!   items of their queues (member or supervised) and those they were offered or held, with
//!   their whole history, and their queue-mates' presence — from per-item records.
//! * [`fanout`]: the registry of live subscriptions, indexed by queue, agent and item, run on
//!   its own thread: a group commit wakes only the subscriptions that want some of its events,
//!   once each, with each event's typed `event` frame serialized once; the last events stay in
//!   memory for subscriptions starting near the head.
//! * [`throttle`]: sign-in lockouts per (agent, address) and per agent, the chat-start limit
//!   per address, the client address (`--trust-proxy`).
//! * [`audit`]: the audit trail, an `audit` table in the same SQLite file with its own writer.
//! * [`hub`]: the thread that owns the engine and the log: dedup, access check, the core, group
//!   commit, then answers ([`hub::Outcome`], the wire's action body) and the live fan-out;
//!   timers (R0a `tick`); counters ([`hub::HubStats`]).
//! * [`guard`]: issue 18's protections together (throttle, audit, session limits and the
//!   sweeper of expired sessions), handed to the API as an extension.
//! * [`api`]: everything a client talks to, in its own layers (see its doc): errors, the
//!   extractors that read omnidesk-wire's bodies and frames (a 422 names the field), OpenAPI
//!   fragments, one module per route group (sessions, actions, reads, conversations, debug,
//!   the WebSocket `ws`, the static `app`), the route table, the OpenAPI document built from
//!   the table, and [`api::router`].
//! * `main.rs`: flags and environment, then [`serve`]; `--load-test-tokens` (load tests only).
//! * `bin/omnidesk-load.rs`: the load generator (`scripts/bench-server`, BENCHMARKS.md).
//!
//! The protocol's types (frames, bodies, [`omnidesk_wire::Principal`]) are defined once, in
//! `omnidesk-wire`, which the browser app uses too; the server never matches on JSON values
//! for them. An action's `input` is the one part read as a JSON object, by the core's own
//! parser, because the server fills in what the session implies and checks it against the
//! centre's configuration.
//!
//! **Architecture invariant:** only the hub thread calls `Engine::handle` or writes the log,
//! and it answers a command (or publishes an event) only after the batch holding its events is
//! committed.

pub mod api;
pub mod audit;
pub mod auth;
pub mod config;
pub mod connections;
pub mod fanout;
pub mod guard;
pub mod hub;
pub mod log;
pub mod quick_replies;
pub mod scope;
pub mod throttle;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// Throttling, session expiry, `/chat` framing (issue 18).
    pub guard: guard::GuardOptions,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: PathBuf::from("omnidesk.db"),
            dist: PathBuf::from("dist-server"),
            allowed_origins: Vec::new(),
            hub: hub::HubOptions::default(),
            guard: guard::GuardOptions::default(),
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
    let quick_replies = Arc::new(quick_replies::QuickReplyStore::open(&options.db)?);
    let hub = tokio::task::spawn_blocking(move || {
        hub::Hub::start(config, Box::new(log), options.hub.clone())
    })
    .await??;
    {
        // R24: the looks at agents' connections the registry schedules.
        let hub = hub.clone();
        tokio::spawn(connections::run(hub.connections().clone(), move |agent| {
            hub.check_connection(agent).is_ok()
        }));
    }
    hub.sessions.set_limits(options.guard.sessions);
    let audit = audit::Audit::open(&options.db)?;
    let guard = std::sync::Arc::new(guard::Guard::new(options.guard.clone(), audit));
    guard.start_sweeper(hub.clone());
    let listener = tokio::net::TcpListener::bind(options.addr).await?;
    let addr = listener.local_addr()?;
    let index = std::fs::read_to_string(options.dist.join("index.html")).ok();
    let headers = api::headers::HeaderPolicy::new(
        index.as_deref(),
        &hub.config.allowed_origins,
        &options.guard.chat_embed_origins,
    );
    let app = api::router(hub.clone(), &options.dist)
        .layer(axum::Extension(quick_replies))
        .layer(axum::Extension(guard));
    let app =
        api::headers::secure(app, headers).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Running { addr, hub, task })
}
