//! The hub: one OS thread owns the [`Engine`] and the [`EventLog`]; everything that changes
//! state is a [`Command`] sent to it over a bounded channel, so inputs are handled one at a time
//! in one order (two agents picking the same item: the first wins, the second meets the core's
//! refusal).
//!
//! Each turn the thread takes every command that is waiting (up to [`MAX_BATCH`]), handles them
//! against the engine, writes the batch's events, action records and session changes in one
//! transaction (group commit), and only then hands the events to the fan-out thread
//! ([`crate::fanout`], in commit order), answers and runs queued reads. A failed write stops
//! the process: the engine has moved on in memory, the log has not, and nothing of that batch
//! was acknowledged, so restarting from the log is the one consistent way on. On PostgreSQL a
//! write refused because another process took the lease exits with [`crate::db::EXIT_FENCED`].
//!
//! Time: `now = max(system clock, the engine's now)`, so the server's clock never goes backwards
//! against the log (the engine's now after a restart is the latest logged `at`). Timers (R0a):
//! the thread waits for commands no longer than until [`Engine::next_timer`] (and at most a
//! second), and sends `tick` when one is due; before each client input it also fires due timers
//! with a `tick` at the same `now`, so the access check sees the state the input will meet.
//!
//! R24: the server's own `disconnect` and `reconnect` come in as [`Command::Connection`] (a
//! *look* the connection registry, [`crate::connections`], asks for); the hub sends one only
//! if the registry and the state it is about to change agree, so they never meet a refusal.

use crate::auth::{authorize, input_item, new_token, Principal, Sessions, TokenHash};
use crate::config::ServerConfig;
use crate::connections::{ConnectionOptions, Connections};
use crate::fanout::{Fanout, Filter, LiveEvent, Receiver};
use crate::log::{ActionKey, ActionRecord, Batch, EventLog, EventReader, LoggedEvent, SessionOp};
use crate::scope::{Scope, Scopes};
use omnidesk_core::protocol::Customer;
use omnidesk_core::{AgentId, ChannelId, Engine, Event, Input, ItemId, QueueId, Stamped, State};
use omnidesk_wire::{ActionBody, Applied, ErrorBody, ErrorKind, Refusal};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::oneshot;

/// Commands handled in one group commit at most.
pub const MAX_BATCH: usize = 512;

/// Options of the hub.
#[derive(Clone, Debug)]
pub struct HubOptions {
    /// Commands that may wait for the hub; more get 503.
    pub queue: usize,
    /// Events a live subscriber may fall behind before it gets `resync`: the limit of its
    /// undelivered fan-out events and of each WebSocket connection's outbound queue (see
    /// [`crate::api::ws`]).
    pub live_buffer: usize,
    /// A snapshot of the engine state is saved every this many events.
    pub snapshot_every: u64,
    /// **Load tests only** (`--load-test-tokens`): `POST /api/conversations` may name the
    /// queue, and `GET /api/debug/stats` answers. Never on by default.
    pub load_test: bool,
    /// R24: the disconnect grace and the keep-alive ([`crate::connections`]).
    pub connections: ConnectionOptions,
}

impl Default for HubOptions {
    fn default() -> Self {
        HubOptions {
            queue: 4096,
            live_buffer: 4096,
            snapshot_every: 10_000,
            load_test: false,
            connections: ConnectionOptions::default(),
        }
    }
}

/// The answer to an action: an HTTP status and the wire's body (the WebSocket's `result` frame
/// carries the same). Stored as JSON in the dedup table, so a resend gets it back unchanged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub status: u16,
    pub body: ActionBody,
    /// True when this is the stored answer to an action already handled.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replayed: bool,
}

impl Outcome {
    /// A refusal with the status of its kind.
    pub fn refused(body: ErrorBody) -> Outcome {
        Outcome {
            status: body.error.status(),
            body: ActionBody::Refused(body.into()),
            replayed: false,
        }
    }

    pub fn error(kind: ErrorKind, reason: impl Into<String>) -> Outcome {
        Outcome::refused(ErrorBody::new(kind, reason))
    }

    pub fn invalid(field: &str, reason: impl Into<String>) -> Outcome {
        Outcome::refused(ErrorBody::invalid(field, reason))
    }
}

/// A client action: a client-chosen id and a parsed input.
#[derive(Clone, Debug)]
pub struct Action {
    pub client_id: String,
    pub action_id: String,
    pub input: Input,
}

/// A started live chat.
#[derive(Clone, Debug)]
pub struct Conversation {
    pub item: ItemId,
    pub token: String,
    pub outcome: Outcome,
}

type Read = Box<dyn FnOnce(&Engine) + Send>;

/// What the hub thread is asked to do.
pub enum Command {
    Act {
        principal: Principal,
        action: Action,
        reply: oneshot::Sender<Outcome>,
    },
    StartConversation {
        customer: Customer,
        text: String,
        queue: Option<QueueId>,
        reply: oneshot::Sender<Result<Conversation, Outcome>>,
    },
    PutSession {
        hash: TokenHash,
        principal: Principal,
        reply: oneshot::Sender<()>,
    },
    DropSession {
        hash: TokenHash,
        reply: oneshot::Sender<()>,
    },
    /// A read of the engine, run after the current batch is durable.
    Read(Read),
    /// R24: look at an agent's connections ([`crate::connections`]): `disconnect` or
    /// `reconnect` if the registry and the state call for it, nothing otherwise.
    Connection { agent: AgentId },
}

/// The hub is full or gone.
#[derive(Debug)]
pub struct Busy;

/// The handle every connection holds.
#[derive(Clone)]
pub struct Hub {
    tx: SyncSender<Command>,
    pub sessions: Arc<Sessions>,
    pub config: Arc<ServerConfig>,
    pub reader: Arc<dyn EventReader>,
    fanout: Arc<Fanout>,
    /// Every agent's read scope (issue 18 §4), from the configuration.
    scopes: Arc<HashMap<AgentId, Arc<Scope>>>,
    last_seq: Arc<AtomicU64>,
    live_buffer: usize,
    live_streams: Arc<AtomicUsize>,
    pub stats: Arc<HubStats>,
    load_test: bool,
    connections: Arc<Connections>,
}

/// Counters of the hub thread, read by `GET /api/debug/stats` in load-test mode.
#[derive(Debug, Default)]
pub struct HubStats {
    /// Turns (group commits, including empty timer turns).
    pub turns: AtomicU64,
    /// Commands handled (actions, conversations, session changes, reads).
    pub commands: AtomicU64,
    /// Inputs given to the core (client inputs and ticks) and the time inside `Engine::handle`.
    pub inputs: AtomicU64,
    pub handle_ns: AtomicU64,
    /// Durable events, and the time spent in `EventLog::append` (the fsync included).
    pub events: AtomicU64,
    pub commit_ns: AtomicU64,
    /// Time spent by the fan-out thread publishing, and by the hub thread in whole turns.
    pub publish_ns: AtomicU64,
    pub turn_ns: AtomicU64,
}

impl HubStats {
    fn add(counter: &AtomicU64, since: Instant) {
        counter.fetch_add(since.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }
}

/// Held by a connection while its subscription is on the live stream (caught up); counted by
/// [`Hub::live_streams`].
pub struct LiveStream(Arc<AtomicUsize>);

impl Drop for LiveStream {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Why the hub could not start.
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

impl Hub {
    /// Rebuilds the engine from the log (latest snapshot, then every later event) and starts
    /// the hub thread.
    pub fn start(
        config: ServerConfig,
        mut log: Box<dyn EventLog>,
        options: HubOptions,
    ) -> Result<Hub, StartError> {
        let err = |e: crate::log::LogError| StartError(e.to_string());
        let config_json = serde_json::to_string(&config.core).expect("config serializes");
        // A log written under another configuration opens if the new one keeps every channel,
        // queue, agent and presence the old one had (its events name them): an upgrade that
        // adds a supervisor or changes a timeout loses nothing. Anything else is refused.
        let stored = log.stored_config().map_err(err)?;
        if let Some(old) = stored.as_deref().filter(|old| *old != config_json) {
            let old: omnidesk_core::config::Config = serde_json::from_str(old).map_err(|e| {
                StartError(format!(
                    "{}: the stored configuration does not parse: {e}",
                    log.describe()
                ))
            })?;
            config.core.covers(&old).map_err(|missing| {
                StartError(format!(
                    "{}: this log names {missing}, which the configuration no longer has; \
                     start with a configuration that keeps it, or a new --db",
                    log.describe()
                ))
            })?;
        }
        let mut engine = match log.latest_snapshot().map_err(err)? {
            Some(s) => {
                let mut state: State = serde_json::from_str(&s.state)
                    .map_err(|e| StartError(format!("snapshot {} does not parse: {e}", s.seq)))?;
                // The snapshot holds the configuration it was taken under.
                state.reconfigure(config.core.clone()).map_err(|missing| {
                    StartError(format!(
                        "snapshot {}: names {missing}, which the configuration no longer has",
                        s.seq
                    ))
                })?;
                Engine::restore(state, s.now, s.seq, Default::default())
            }
            None => Engine::new(config.core.clone()),
        };
        let mut gap = None;
        log.replay(engine.last_seq(), &mut |stamped: Stamped| {
            if gap.is_none() && stamped.seq != engine.last_seq() + 1 {
                gap = Some((engine.last_seq(), stamped.seq));
            }
            if gap.is_none() {
                engine.apply(&stamped);
            }
        })
        .map_err(err)?;
        if let Some((last, next)) = gap {
            return Err(StartError(format!(
                "the log has a gap: event {next} follows {last}"
            )));
        }
        if stored.as_deref() != Some(config_json.as_str()) {
            log.store_config(&config_json).map_err(err)?;
        }
        // R24: everyone signed in and connected in the core's eyes has no connection yet.
        let connections = Arc::new(Connections::new(options.connections));
        for (id, agent) in &engine.state().agents {
            if agent.signed_in && agent.disconnected.is_none() {
                connections.watch(id);
            }
        }
        let sessions = Arc::new(Sessions::default());
        for (hash, principal, created) in log.sessions().map_err(err)? {
            sessions.insert(hash, principal, created);
        }
        let reader: Arc<dyn EventReader> = Arc::from(log.reader().map_err(err)?);
        let (tx, rx) = mpsc::sync_channel(options.queue.max(1));
        let fanout = Arc::new(Fanout::new(
            engine.last_seq(),
            Scopes::seed(&config.core, engine.state(), engine.last_seq()),
        ));
        let scopes = config
            .core
            .agents
            .keys()
            .map(|a| (a.clone(), Arc::new(Scope::of(&config.core, a))))
            .collect();
        let stats = Arc::new(HubStats::default());
        // The fan-out runs on its own thread, fed in commit order, so the hub thread's time
        // goes to the core and the commit (at 10 000 agents, publishing was ~40 % of it).
        let (publish, published) = mpsc::channel::<Vec<Arc<LiveEvent>>>();
        {
            let fanout = fanout.clone();
            let stats = stats.clone();
            std::thread::Builder::new()
                .name("omnidesk-fanout".into())
                .spawn(move || {
                    for batch in published {
                        let started = Instant::now();
                        fanout.publish(&batch);
                        HubStats::add(&stats.publish_ns, started);
                    }
                })
                .map_err(|e| StartError(format!("could not start the fan-out thread: {e}")))?;
        }
        let last_seq = Arc::new(AtomicU64::new(engine.last_seq()));
        let config = Arc::new(config);
        let worker = Worker {
            last_snapshot: engine.last_seq(),
            engine,
            log,
            config: config.clone(),
            sessions: sessions.clone(),
            publish,
            stats: stats.clone(),
            last_seq: last_seq.clone(),
            snapshot_every: options.snapshot_every.max(1),
            load_test: options.load_test,
            connections: connections.clone(),
        };
        std::thread::Builder::new()
            .name("omnidesk-hub".into())
            .spawn(move || worker.run(rx))
            .map_err(|e| StartError(format!("could not start the hub thread: {e}")))?;
        Ok(Hub {
            tx,
            sessions,
            config,
            reader,
            fanout,
            scopes: Arc::new(scopes),
            last_seq,
            live_buffer: options.live_buffer.max(1),
            live_streams: Arc::new(AtomicUsize::new(0)),
            stats,
            load_test: options.load_test,
            connections,
        })
    }

    fn send(&self, command: Command) -> Result<(), Busy> {
        match self.tx.try_send(command) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => Err(Busy),
        }
    }

    /// Handles a client action: dedup, access check, the core, durable, then the answer.
    pub async fn act(&self, principal: Principal, action: Action) -> Result<Outcome, Busy> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Act {
            principal,
            action,
            reply,
        })?;
        rx.await.map_err(|_| Busy)
    }

    /// Starts a live chat: an `arrive` on chat in the live-chat queue, and a customer session.
    /// `queue`: load-test mode only (see [`HubOptions::load_test`]); otherwise the live-chat queue.
    pub async fn start_conversation(
        &self,
        customer: Customer,
        text: String,
        queue: Option<QueueId>,
    ) -> Result<Result<Conversation, Outcome>, Busy> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::StartConversation {
            customer,
            text,
            queue,
            reply,
        })?;
        rx.await.map_err(|_| Busy)
    }

    /// Stores a session durably, then makes it live.
    pub async fn put_session(&self, hash: TokenHash, principal: Principal) -> Result<(), Busy> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::PutSession {
            hash,
            principal,
            reply,
        })?;
        rx.await.map_err(|_| Busy)
    }

    /// Ends a session.
    pub async fn drop_session(&self, hash: TokenHash) -> Result<(), Busy> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::DropSession { hash, reply })?;
        rx.await.map_err(|_| Busy)
    }

    /// Reads the engine (after every earlier command is durable).
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Read(Box::new(move |engine| {
            let _ = reply.send(f(engine));
        })))?;
        rx.await.map_err(|_| Busy)
    }

    /// Live events after `after` that pass `filter`, published after they are durable (see [`crate::fanout`]);
    /// the subscription may fall [`HubOptions::live_buffer`] events behind.
    pub fn subscribe(&self, filter: Filter, after: u64) -> Receiver {
        self.fanout.subscribe(filter, after, self.live_buffer)
    }

    /// An agent's read scope: their member and supervised queues (issue 18 §4).
    pub fn scope_of(&self, agent: &AgentId) -> Arc<Scope> {
        self.scopes.get(agent).cloned().unwrap_or_else(|| {
            Arc::new(Scope {
                agent: agent.clone(),
                queues: Default::default(),
            })
        })
    }

    /// The filter of a principal's whole stream: an agent's scope, a customer's conversation.
    pub fn filter_of(&self, principal: &Principal) -> Filter {
        match principal {
            Principal::Agent { agent } => Filter::Scoped(self.scope_of(agent)),
            Principal::Customer { item } => Filter::Item(item.clone()),
        }
    }

    /// Which of these events (read from the log) `filter`'s stream carries, by the read
    /// scope's records as they are now ([`crate::scope`]).
    pub fn wants(&self, filter: &Filter, events: &[LoggedEvent]) -> Vec<bool> {
        self.fanout.wants(filter, events)
    }

    /// The seq at which `item` entered `scope`, if it has.
    pub fn scope_entry(&self, scope: &Scope, item: &ItemId) -> Option<u64> {
        self.fanout.entry(scope, item)
    }

    /// R24: the registry of agents' live connections.
    pub fn connections(&self) -> &Arc<Connections> {
        &self.connections
    }

    /// R24: asks the hub to look at `agent`'s connections (see [`Command::Connection`]).
    pub fn check_connection(&self, agent: AgentId) -> Result<(), Busy> {
        self.send(Command::Connection { agent })
    }

    /// The fan-out (its counters and size).
    pub fn fanout(&self) -> &Fanout {
        &self.fanout
    }

    /// Whether load-test mode is on (see [`HubOptions::load_test`]).
    pub fn load_test(&self) -> bool {
        self.load_test
    }

    /// Events a live subscriber may fall behind ([`HubOptions::live_buffer`]).
    pub fn live_buffer(&self) -> usize {
        self.live_buffer
    }

    /// Marks a subscription as caught up and on the live stream until the guard is dropped.
    pub fn enter_live(&self) -> LiveStream {
        self.live_streams.fetch_add(1, Ordering::AcqRel);
        LiveStream(self.live_streams.clone())
    }

    /// Subscriptions currently on the live stream (caught up, not told to resync).
    pub fn live_streams(&self) -> usize {
        self.live_streams.load(Ordering::Acquire)
    }

    /// The seq of the last durable event.
    pub fn last_seq(&self) -> u64 {
        self.last_seq.load(Ordering::Acquire)
    }
}

/// Events a customer sees of their own conversation (no routing internals).
pub fn customer_visible(kind: &str) -> bool {
    matches!(
        kind,
        "arrived"
            | "accepted"
            | "picked"
            | "customer_message"
            | "agent_message"
            | "ended"
            | "closed"
            | "reopened"
    )
}

/// Whether `principal` may see `event`: agents see the whole log (their app folds it into the
/// core's state); a customer only the visible events of their conversation.
pub fn may_see(principal: &Principal, event: &LoggedEvent) -> bool {
    match principal {
        Principal::Agent { .. } => true,
        Principal::Customer { item } => {
            event.item.as_ref() == Some(item) && customer_visible(&event.kind)
        }
    }
}

/// Read scope (issue 18 §4) of an action's answer: an agent is told the events about the
/// item they acted on (which the access check let them act on) and those naming them; what
/// the same input caused elsewhere (a routing step offering another queue's item to a
/// colleague) reaches whoever's scope it is in, on their stream.
fn answers(principal: &Principal, item: Option<&ItemId>, e: &LoggedEvent) -> bool {
    match principal {
        Principal::Agent { agent } => {
            (e.item.is_some() && e.item.as_ref() == item)
                || e.agent.as_ref() == Some(agent)
                || (e.item.is_none() && e.agent.is_none())
        }
        Principal::Customer { .. } => true,
    }
}

fn system_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

type Reply = Box<dyn FnOnce(&Engine) + Send>;

struct Worker {
    engine: Engine,
    log: Box<dyn EventLog>,
    config: Arc<ServerConfig>,
    sessions: Arc<Sessions>,
    /// To the fan-out thread, in commit order.
    publish: mpsc::Sender<Vec<Arc<LiveEvent>>>,
    stats: Arc<HubStats>,
    last_seq: Arc<AtomicU64>,
    snapshot_every: u64,
    last_snapshot: u64,
    load_test: bool,
    connections: Arc<Connections>,
}

/// One turn's work in progress.
#[derive(Default)]
struct Turn {
    batch: Batch,
    /// Actions handled in this turn, for dedup before they are in the log.
    pending: HashMap<ActionKey, (String, Outcome)>,
    replies: Vec<Reply>,
    live_sessions: Vec<SessionOp>,
}

impl Worker {
    fn run(mut self, rx: mpsc::Receiver<Command>) {
        loop {
            let now = self.now();
            let wait = match self.engine.next_timer() {
                Some(due) => Duration::from_millis(due.saturating_sub(now).clamp(1, 1000)),
                None => Duration::from_millis(1000),
            };
            let mut commands = Vec::new();
            match rx.recv_timeout(wait) {
                Ok(c) => {
                    commands.push(c);
                    while commands.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(c) => commands.push(c),
                            Err(_) => break,
                        }
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            self.turn(commands);
        }
    }

    fn now(&self) -> u64 {
        system_now().max(self.engine.now())
    }

    fn turn(&mut self, commands: Vec<Command>) {
        let started = Instant::now();
        let mut turn = Turn::default();
        let now = self.now();
        self.fire_timers(&mut turn, now);
        self.stats
            .commands
            .fetch_add(commands.len() as u64, Ordering::Relaxed);
        for command in commands {
            self.command(command, &mut turn);
        }
        if !turn.batch.is_empty() {
            let commit = Instant::now();
            if let Err(e) = self.log.append(&turn.batch) {
                // Nothing of this batch was acknowledged; the log is the truth. See the module doc.
                if e.is_fenced() {
                    // Another process leads now (PostgreSQL's lease, see `crate::db`).
                    eprintln!("omnidesk-server: {e}; stopping");
                    std::process::exit(crate::db::EXIT_FENCED);
                }
                eprintln!("omnidesk-server: writing the event log failed, stopping: {e}");
                std::process::exit(70);
            }
            HubStats::add(&self.stats.commit_ns, commit);
            self.stats
                .events
                .fetch_add(turn.batch.events.len() as u64, Ordering::Relaxed);
        }
        self.last_seq
            .store(self.engine.last_seq(), Ordering::Release);
        for op in turn.live_sessions {
            match op {
                SessionOp::Put {
                    hash,
                    principal,
                    at,
                } => self.sessions.insert(hash, principal, at),
                SessionOp::Delete { hash } => self.sessions.remove(&hash),
            }
        }
        if !turn.batch.events.is_empty() {
            let live: Vec<Arc<LiveEvent>> = turn
                .batch
                .events
                .into_iter()
                .map(|e| Arc::new(LiveEvent::new(e)))
                .collect();
            // The fan-out thread only stops with the process.
            let _ = self.publish.send(live);
        }
        for reply in turn.replies {
            reply(&self.engine);
        }
        if self.engine.last_seq() >= self.last_snapshot + self.snapshot_every {
            self.snapshot();
        }
        self.stats.turns.fetch_add(1, Ordering::Relaxed);
        HubStats::add(&self.stats.turn_ns, started);
    }

    fn snapshot(&mut self) {
        let snapshot = crate::log::Snapshot {
            seq: self.engine.last_seq(),
            now: self.engine.now(),
            state: serde_json::to_string(self.engine.state()).expect("state serializes"),
        };
        match self.log.save_snapshot(&snapshot) {
            Ok(()) => self.last_snapshot = snapshot.seq,
            // A missing snapshot only makes the next start slower.
            Err(e) => eprintln!("omnidesk-server: saving a snapshot failed: {e}"),
        }
    }

    /// R0a: a `tick` at `now` when a timer is due.
    fn fire_timers(&mut self, turn: &mut Turn, now: u64) {
        if self.engine.next_timer().is_some_and(|due| due <= now) {
            let (_, logged) = self.handle(Input::Tick, now);
            turn.batch.events.extend(logged);
        }
    }

    /// The core (timed for the stats), then each event serialized and tagged with the queues
    /// of its item before and after the input (for per-queue subscriptions).
    fn handle(&mut self, input: Input, now: u64) -> (Vec<Stamped>, Vec<LoggedEvent>) {
        let input_item = input_item(&input).cloned();
        let queue_before: Option<QueueId> = input_item
            .as_ref()
            .and_then(|i| self.engine.state().items.get(i))
            .map(|i| i.queue.clone());
        let started = Instant::now();
        let events = self
            .engine
            .handle(input, now)
            .expect("now is never before the engine's now");
        HubStats::add(&self.stats.handle_ns, started);
        self.stats.inputs.fetch_add(1, Ordering::Relaxed);
        let state = self.engine.state();
        let logged = events
            .iter()
            .map(|stamped| {
                let mut e = LoggedEvent::new(stamped);
                let mut queues = Vec::new();
                if let Some(item) = &e.item {
                    if let Some(q) = state.items.get(item).map(|i| &i.queue) {
                        queues.push(q.clone());
                    }
                    if input_item.as_ref() == Some(item) {
                        if let Some(q) = &queue_before {
                            if !queues.contains(q) {
                                queues.push(q.clone());
                            }
                        }
                    }
                }
                e.queues = Some(queues);
                e
            })
            .collect();
        (events, logged)
    }

    fn command(&mut self, command: Command, turn: &mut Turn) {
        match command {
            Command::Act {
                principal,
                action,
                reply,
            } => {
                let outcome = self.act(&principal, action, turn);
                turn.replies.push(Box::new(move |_| {
                    let _ = reply.send(outcome);
                }));
            }
            Command::StartConversation {
                customer,
                text,
                queue,
                reply,
            } => {
                let result = self.start_conversation(customer, text, queue, turn);
                turn.replies.push(Box::new(move |_| {
                    let _ = reply.send(result);
                }));
            }
            Command::PutSession {
                hash,
                principal,
                reply,
            } => {
                let op = SessionOp::Put {
                    hash,
                    principal,
                    at: self.now(),
                };
                turn.batch.sessions.push(op.clone());
                turn.live_sessions.push(op);
                turn.replies.push(Box::new(move |_| {
                    let _ = reply.send(());
                }));
            }
            Command::DropSession { hash, reply } => {
                let op = SessionOp::Delete { hash };
                turn.batch.sessions.push(op.clone());
                turn.live_sessions.push(op);
                turn.replies.push(Box::new(move |_| {
                    let _ = reply.send(());
                }));
            }
            Command::Read(f) => turn.replies.push(f),
            Command::Connection { agent } => self.connection(&agent, turn),
        }
    }

    /// R24: `disconnect` a signed-in agent without a connection for the grace period,
    /// `reconnect` a disconnected one with a connection; nothing otherwise (so the log holds
    /// no refusal of the server's own input).
    fn connection(&mut self, agent: &AgentId, turn: &mut Turn) {
        let now = self.now();
        self.fire_timers(turn, now);
        let Some(a) = self.engine.state().agents.get(agent) else {
            return;
        };
        let input = if a.disconnected.is_some() {
            if self.connections.live(agent) == 0 {
                return;
            }
            Input::Reconnect {
                agent: agent.clone(),
            }
        } else if a.signed_in && self.connections.gone(agent, Instant::now()) {
            Input::Disconnect {
                agent: agent.clone(),
            }
        } else {
            return;
        };
        let (_, logged) = self.handle(input, now);
        turn.batch.events.extend(logged);
    }

    fn act(&mut self, principal: &Principal, action: Action, turn: &mut Turn) -> Outcome {
        let key = ActionKey::new(principal, &action.client_id, &action.action_id);
        let input_json = serde_json::to_string(&action.input).expect("inputs serialize");
        let earlier = match turn.pending.get(&key) {
            Some((input, outcome)) => Some((input.clone(), outcome.clone())),
            None => match self.log.find_action(&key) {
                Ok(found) => found.and_then(|(input, outcome)| {
                    serde_json::from_str::<Outcome>(&outcome)
                        .ok()
                        .map(|o| (input, o))
                }),
                Err(e) => {
                    eprintln!("omnidesk-server: reading the action table failed: {e}");
                    return Outcome::error(
                        ErrorKind::Unavailable,
                        "the action log could not be read",
                    );
                }
            },
        };
        if let Some((input, mut outcome)) = earlier {
            if input != input_json {
                return Outcome::invalid(
                    "action_id",
                    format!(
                        "action id \"{}\" was already used for a different input",
                        action.action_id
                    ),
                );
            }
            outcome.replayed = true;
            return outcome;
        }
        let now = self.now();
        self.fire_timers(turn, now);
        if let Err(reason) = authorize(principal, &action.input, self.engine.state()) {
            return Outcome::error(ErrorKind::Forbidden, reason);
        }
        let (events, logged) = self.handle(action.input.clone(), now);
        if let Principal::Agent { agent } = principal {
            // R24: a sign-in (or anything that ends a disconnection) without a connection.
            self.connections.watch(agent);
        }
        let outcome = self.outcome(principal, &action.input, &events, &logged);
        turn.batch.events.extend(logged);
        turn.batch.actions.push(ActionRecord {
            key: key.clone(),
            input: input_json.clone(),
            outcome: serde_json::to_string(&outcome).expect("outcomes serialize"),
            at: now,
        });
        turn.pending.insert(key, (input_json, outcome.clone()));
        outcome
    }

    /// 200 with the events the input caused, or 409 with the core's reason.
    fn outcome(
        &self,
        principal: &Principal,
        input: &Input,
        events: &[Stamped],
        logged: &[LoggedEvent],
    ) -> Outcome {
        let item = input_item(input);
        let visible: Vec<Stamped> = events
            .iter()
            .zip(logged)
            .filter(|(_, e)| may_see(principal, e) && answers(principal, item, e))
            .map(|(s, _)| s.clone())
            .collect();
        let last_seq = self.engine.last_seq();
        let refusal = events.iter().find_map(|s| match &s.event {
            Event::Rejected { input: i, reason } if i == input => Some(reason.clone()),
            _ => None,
        });
        match refusal {
            Some(reason) => Outcome {
                status: 409,
                body: ActionBody::Refused(Refusal {
                    error: ErrorKind::Rejected,
                    reason,
                    field: None,
                    events: Some(visible),
                    last_seq: Some(last_seq),
                }),
                replayed: false,
            },
            None => Outcome {
                status: 200,
                body: ActionBody::Applied(Applied {
                    events: visible,
                    last_seq,
                }),
                replayed: false,
            },
        }
    }

    fn start_conversation(
        &mut self,
        customer: Customer,
        text: String,
        queue: Option<QueueId>,
        turn: &mut Turn,
    ) -> Result<Conversation, Outcome> {
        let chat = ChannelId::from("chat");
        let queue =
            match queue {
                None => self.config.live_chat_queue.clone(),
                Some(_) if !self.load_test => return Err(Outcome::invalid(
                    "queue",
                    "customers arrive in the live-chat queue; naming one is for load tests only",
                )),
                Some(q) => match self.config.core.queues.get(&q) {
                    Some(found) if found.accepts(&chat) => Some(q),
                    _ => {
                        return Err(Outcome::invalid(
                            "queue",
                            format!("no queue \"{q}\" that accepts chat"),
                        ))
                    }
                },
            };
        let Some(queue) = queue else {
            return Err(Outcome::error(
                ErrorKind::NotFound,
                "live chat is not configured on this server",
            ));
        };
        let (_, hash) = new_token();
        let item = ItemId::from(format!(
            "chat-{}",
            hash[..6]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        ));
        let now = self.now();
        self.fire_timers(turn, now);
        let input = Input::Arrive {
            item: item.clone(),
            channel: chat,
            queue,
            customer,
            skills: Default::default(),
            priority: 0,
            text: Some(text),
        };
        let (events, logged) = self.handle(input.clone(), now);
        let principal = Principal::Customer { item: item.clone() };
        let outcome = self.outcome(&principal, &input, &events, &logged);
        turn.batch.events.extend(logged);
        if outcome.status != 200 {
            return Err(outcome);
        }
        let (token, hash) = new_token();
        let op = SessionOp::Put {
            hash,
            principal,
            at: now,
        };
        turn.batch.sessions.push(op.clone());
        turn.live_sessions.push(op);
        Ok(Conversation {
            item,
            token,
            outcome,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dedup table keeps outcomes as JSON; those written by the version before the typed
    /// wire (a `serde_json::Value` body) still read, so a resend after the upgrade gets its
    /// first answer.
    #[test]
    fn outcomes_stored_by_the_previous_version_still_read() {
        let applied = r#"{"status":200,"body":{"events":[{"seq":1,"at":5,"event":"signed_in","agent":"ana"}],"last_seq":1}}"#;
        let o: Outcome = serde_json::from_str(applied).unwrap();
        assert_eq!(o.status, 200);
        assert!(
            matches!(&o.body, ActionBody::Applied(a) if a.last_seq == 1 && a.events.len() == 1)
        );
        let rejected = r#"{"status":409,"body":{"error":"rejected","events":[],"last_seq":3,"reason":"already signed in"}}"#;
        let o: Outcome = serde_json::from_str(rejected).unwrap();
        let ActionBody::Refused(r) = &o.body else {
            panic!("{o:?}")
        };
        assert_eq!(
            (r.error, r.reason.as_str(), r.last_seq),
            (ErrorKind::Rejected, "already signed in", Some(3))
        );
        // And what this version stores reads back the same.
        let again: Outcome = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
        assert_eq!(again, o);
    }
}
