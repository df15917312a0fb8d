//! `omnidesk-server`: the sync server. One routing core ([`omnidesk_core::Engine`]) serves many
//! agents; every accepted input is durable in the event log (SQLite, or PostgreSQL shared with
//! hot standbys) before it is acknowledged; every input is access-checked before the core sees
//! it.
//!
//! # Layout
//!
//! The modules, each using only those listed before it (no import cycles; `tests/layout.rs`
//! checks it from the sources):
//!
//! * [`auth`]: password hashes, session tokens (random, stored as SHA-256), and
//!   [`auth::authorize`], the 403 check every input passes. [`auth::Principal`] is the wire's.
//! * [`db`]: which database (`--db`: an SQLite path or a PostgreSQL URL); for PostgreSQL the
//!   connection wrapper, the schema's migrations and the lease (epoch, expiry on the
//!   database's clock) that fences every write of the log.
//! * [`quick_replies`]: the centre's quick replies read from the configuration (checked, the
//!   field named) and agents' personal ones in their own table (SQLite or PostgreSQL).
//! * [`config`]: the configuration file, a scenario set-up read by the core's own parser, plus
//!   agents' passwords (argon2-hashed at load), the live-chat queue and the allowed origins.
//!   [`config::DEMO_CONFIG`] is used when none is given.
//! * [`connections`]: R24's registry of agents' live authenticated connections (the
//!   disconnect grace, the looks it asks the hub for) and the WebSocket keep-alive.
//! * [`log`]: storage behind the [`log::EventLog`] / [`log::EventReader`] traits; the SQLite
//!   backend ([`log::SqliteLog`], WAL, `synchronous = FULL`) and the PostgreSQL one
//!   ([`log::PgLog`], every write transaction fenced by the lease) hold events (with their
//!   JSON, sent to clients as stored), the dedup table of client actions, sessions and engine
//!   snapshots.
//! * [`scope`]: the read scope (issue 18 §4): which events an agent's stream carries — the
//!   items of their queues (member or supervised) and those they were offered or held, with
//!   their whole history, and their queue-mates' presence — from per-item records.
//! * [`fanout`]: the registry of live subscriptions, indexed by queue, agent and item, run on
//!   its own thread: a group commit wakes only the subscriptions that want some of its events,
//!   once each, with each event's typed `event` frame serialized once; the last events stay in
//!   memory for subscriptions starting near the head.
//! * [`throttle`]: sign-in lockouts per (agent, address) and per agent, the chat-start limit
//!   per address, the client address (`--trust-proxy`).
//! * [`audit`]: the audit trail, an `audit` table in the server's database with its own writer.
//! * [`hub`]: the thread that owns the engine and the log: dedup, access check, the core, group
//!   commit, then answers ([`hub::Outcome`], the wire's action body) and the live fan-out;
//!   timers (R0a `tick`); counters ([`hub::HubStats`]).
//! * [`role`]: leader or standby on a shared database: the outer router (503 with the
//!   standby body until this process leads and its app is installed) and the thread that
//!   renews the lease and stops a process that lost it.
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
pub mod db;
pub mod fanout;
pub mod guard;
pub mod hub;
pub mod log;
pub mod quick_replies;
pub mod role;
pub mod scope;
pub mod throttle;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// How to run the server.
#[derive(Clone, Debug)]
pub struct Options {
    /// Address to bind; port 0 picks a free one.
    pub addr: SocketAddr,
    /// The database: an SQLite file, or PostgreSQL shared with standbys.
    pub db: db::Db,
    /// PostgreSQL: the lease's length (`--lease-ms`); the leader renews it every third of it,
    /// a standby takes over once it has run out.
    pub lease: Duration,
    /// PostgreSQL: how often a standby looks at the lease.
    pub standby_poll: Duration,
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
            db: db::Db::Sqlite(PathBuf::from("omnidesk.db")),
            lease: Duration::from_millis(3000),
            standby_poll: Duration::from_millis(250),
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
    /// PostgreSQL: the database and the lease this process holds.
    lease: Option<(String, log::Fence)>,
}

impl Running {
    /// A clean stop on PostgreSQL: ends the lease now, so a standby takes over without waiting
    /// for it to run out. The log's next write is fenced, so nothing after this is acknowledged.
    pub async fn release_lease(&self) {
        let Some((url, fence)) = self.lease.clone() else {
            return;
        };
        let release = tokio::task::spawn_blocking(move || {
            let id = db::LeaseId {
                holder: fence.holder.clone(),
                lease: Duration::ZERO,
            };
            db::Lease::new(&url, id).release(fence.epoch);
        });
        let _ = tokio::time::timeout(Duration::from_secs(2), release).await;
    }
}

/// A server that has bound its address and answers 503 (a standby's body) until
/// [`Bound::lead`] has the lease and the rebuilt engine.
pub struct Bound {
    /// The bound address.
    pub addr: SocketAddr,
    config: config::ServerConfig,
    options: Options,
    dispatch: role::Dispatch,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Opens the log, rebuilds the engine, binds and starts serving (in a spawned task). On
/// PostgreSQL, waits as a standby until it holds the lease ([`bind`] then [`Bound::lead`]).
pub async fn serve(config: config::ServerConfig, options: Options) -> Result<Running, Error> {
    bind(config, options).await?.lead().await
}

/// Binds the address and serves the standby's 503 until [`Bound::lead`] installs the app.
pub async fn bind(mut config: config::ServerConfig, options: Options) -> Result<Bound, Error> {
    config
        .allowed_origins
        .extend(options.allowed_origins.iter().cloned());
    let role = Arc::new(match options.db {
        db::Db::Sqlite(_) => role::RoleState::unleased(),
        db::Db::Postgres(_) => role::RoleState::leased(),
    });
    let dispatch = role::Dispatch {
        role,
        app: Arc::new(OnceLock::new()),
    };
    let listener = tokio::net::TcpListener::bind(options.addr).await?;
    let addr = listener.local_addr()?;
    let outer = role::router(dispatch.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move { axum::serve(listener, outer).await });
    Ok(Bound {
        addr,
        config,
        options,
        dispatch,
        task,
    })
}

/// Blocking work off the runtime (the sync PostgreSQL client must not run on it).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, Error> {
    Ok(tokio::task::spawn_blocking(f).await??)
}

impl Bound {
    /// On PostgreSQL: waits for the lease (a standby meanwhile), keeps renewing it; then
    /// opens the stores, rebuilds the engine from the latest snapshot and the log, and serves.
    pub async fn lead(self) -> Result<Running, Error> {
        let Bound {
            addr,
            config,
            options,
            dispatch,
            task,
        } = self;
        match start(config, &options, &dispatch).await {
            Ok((hub, lease)) => Ok(Running {
                addr,
                hub,
                task,
                lease,
            }),
            Err(e) => {
                // Nothing will serve on this address: stop answering 503 there.
                task.abort();
                Err(e)
            }
        }
    }
}

/// The rest of [`Bound::lead`]: the lease (PostgreSQL), the stores, the hub, the app.
async fn start(
    config: config::ServerConfig,
    options: &Options,
    dispatch: &role::Dispatch,
) -> Result<(hub::Hub, Option<(String, log::Fence)>), Error> {
    let mut lease = None;
    let (log, quick_replies, audit): (Box<dyn log::EventLog>, _, _) = match &options.db {
        db::Db::Sqlite(path) => (
            Box::new(log::SqliteLog::open(path)?),
            quick_replies::QuickReplyStore::open(path)?,
            audit::Audit::open(path)?,
        ),
        db::Db::Postgres(url) => {
            let fence = win_lease(url, options, &dispatch.role).await?;
            lease = Some((url.clone(), fence.clone()));
            // A fenced write of the trail or the quick replies: stop serving now (503); the
            // lease thread's next renewal finds the lease lost and exits with EXIT_FENCED.
            let role = dispatch.role.clone();
            let on_fenced: db::OnFenced = Arc::new(move |why: &str| {
                eprintln!("omnidesk-server: {why}; no longer serving");
                role.step_down();
            });
            let (u, idle, f) = (url.clone(), options.lease, fence.clone());
            let log =
                blocking(move || log::PgLog::open(&u, f, idle).map_err(|e| e.to_string())).await?;
            let (u, f, o) = (url.clone(), fence.clone(), on_fenced.clone());
            let quick_replies = blocking(move || {
                quick_replies::QuickReplyStore::open_postgres(&u, f, o).map_err(|e| e.to_string())
            })
            .await?;
            let u = url.clone();
            let audit = blocking(move || audit::Audit::open_postgres(&u, fence, on_fenced)).await?;
            (Box::new(log), quick_replies, audit)
        }
    };
    let quick_replies = Arc::new(quick_replies);
    let hub = {
        let hub_options = options.hub.clone();
        tokio::task::spawn_blocking(move || hub::Hub::start(config, log, hub_options))
    }
    .await??;
    {
        // R24: the looks at agents' connections the registry schedules.
        let hub = hub.clone();
        tokio::spawn(connections::run(hub.connections().clone(), move |agent| {
            hub.check_connection(agent).is_ok()
        }));
    }
    hub.sessions.set_limits(options.guard.sessions);
    let guard = std::sync::Arc::new(guard::Guard::new(options.guard.clone(), audit));
    guard.start_sweeper(hub.clone());
    let index = std::fs::read_to_string(options.dist.join("index.html")).ok();
    let headers = api::headers::HeaderPolicy::new(
        index.as_deref(),
        &hub.config.allowed_origins,
        &options.guard.chat_embed_origins,
    );
    let app = api::router(hub.clone(), &options.dist)
        .layer(axum::Extension(quick_replies))
        .layer(axum::Extension(guard));
    let _ = dispatch.app.set(api::headers::secure(app, headers));
    Ok((hub, lease))
}

/// The first connection to PostgreSQL, retried while the database does not answer (a
/// database restarting, not yet up): every 250 ms at first, doubling up to 5 s, one line on
/// stderr for each new kind of failure; meanwhile the router answers as a standby. A URL the
/// client cannot use, or a refusal that would repeat (a password), fails at once.
async fn connect_patiently(url: &str) -> Result<db::PgClient, Error> {
    let mut wait = Duration::from_millis(250);
    let mut said = String::new();
    loop {
        let u = url.to_owned();
        match tokio::task::spawn_blocking(move || db::PgClient::try_connect(&u, "")).await? {
            Ok(client) => {
                if !said.is_empty() {
                    eprintln!("omnidesk-server: standby: the database answers now");
                }
                return Ok(client);
            }
            Err(e) if e.transient => {
                let say = format!(
                    "standby: the database does not answer, retrying (up to every 5 s): {}",
                    e.message
                );
                if say != said {
                    eprintln!("omnidesk-server: {say}");
                    said = say;
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e.message.into()),
        }
    }
}

/// A standby until the lease is ours: migrates the schema, polls the lease, and once it is
/// won starts the thread that renews it. Returns what the log's writes are fenced with.
async fn win_lease(
    url: &str,
    options: &Options,
    role: &Arc<role::RoleState>,
) -> Result<log::Fence, Error> {
    let mut client = connect_patiently(url).await?;
    blocking(move || db::migrate(client.get())).await?;
    let mut lease = db::Lease::new(url, db::LeaseId::new(options.lease));
    let mut said = String::new();
    let epoch = loop {
        let started = Instant::now();
        let (back, result) = tokio::task::spawn_blocking(move || {
            let r = lease.try_acquire();
            (lease, r)
        })
        .await?;
        lease = back;
        let say = match result {
            Ok(Ok(epoch)) => {
                role.lead_until(started + options.lease);
                break epoch;
            }
            Ok(Err(holder)) => {
                role.standby_at(holder.last_seq);
                format!(
                    "standby: the lease is held by {} (epoch {}); waiting for it",
                    holder.holder, holder.epoch
                )
            }
            Err(e) => format!("standby: could not look at the lease: {e}"),
        };
        if say != said {
            eprintln!("omnidesk-server: {say}");
            said = say;
        }
        tokio::time::sleep(options.standby_poll).await;
    };
    eprintln!(
        "omnidesk-server: leader: took the lease with epoch {epoch} as {}; replaying the log",
        lease.id.holder
    );
    let fence = log::Fence {
        holder: lease.id.holder.clone(),
        epoch,
    };
    role::keep_lease(lease, epoch, role.clone())?;
    Ok(fence)
}
