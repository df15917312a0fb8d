//! R24, the server's side of lost connections: each agent's live authenticated WebSocket
//! connections, when an agent has been without one for the grace period, and the keep-alive
//! that makes a vanished browser count as gone.
//!
//! The registry ([`Connections`]) only counts and schedules; it never decides what the core
//! is told. At a due time (or when a connection of an agent with none authenticates) it asks
//! the hub to *look at* the agent ([`run`] calls the hub's `check_connection`), and the hub
//! thread decides against the state the input will meet: `disconnect` for a signed-in agent
//! who is not disconnected and has had no connection for the grace period, `reconnect` for a
//! disconnected agent with a connection. Because the hub reads the registry in its own order,
//! a connection that authenticates while a `disconnect` is on its way still ends with the
//! agent connected: whichever look comes last sees the connection.
//!
//! An agent with no entry has had no connection since the server started, so after a restart
//! every agent who is signed in and not disconnected (connected before the crash, or signed
//! in over HTTP only) gets a `disconnect` one grace period after the start unless a
//! connection of theirs authenticates first; an agent disconnected at the crash is signed out
//! by the core's own reconnect-window timer, which is in the core's state.
//!
//! Keep-alive ([`KeepAlive`]): every connection is pinged every `keepalive`; one that has sent
//! nothing (no frame, no pong) for twice that long is closed, so a browser whose machine went
//! to sleep or whose network vanished without a TCP reset stops counting.

use omnidesk_core::AgentId;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// R24's server options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionOptions {
    /// How long a signed-in agent may be without an open connection before the server sends
    /// `disconnect` (`--disconnect-grace-ms`, default 20 000).
    pub disconnect_grace: Duration,
    /// The WebSocket ping interval; a connection silent for twice this is closed
    /// (`--keepalive-ms`, default 10 000).
    pub keepalive: Duration,
}

impl Default for ConnectionOptions {
    fn default() -> Self {
        ConnectionOptions {
            disconnect_grace: Duration::from_millis(20_000),
            keepalive: Duration::from_millis(10_000),
        }
    }
}

/// If the hub is busy when an agent is due, the look is retried this much later.
const RETRY: Duration = Duration::from_millis(100);

#[derive(Debug, Default)]
struct Entry {
    /// Live authenticated connections.
    live: usize,
    /// When `live` last dropped to 0 (`None`: never had one since the start).
    zero_since: Option<Instant>,
    /// The latest look scheduled.
    pending: Option<Instant>,
}

#[derive(Debug, Default)]
struct Inner {
    agents: HashMap<AgentId, Entry>,
    /// Looks to take, by time.
    due: BTreeSet<(Instant, AgentId)>,
}

/// The registry of agents' live connections (see the module doc).
#[derive(Debug)]
pub struct Connections {
    options: ConnectionOptions,
    started: Instant,
    inner: Mutex<Inner>,
    wake: tokio::sync::Notify,
}

impl Connections {
    pub fn new(options: ConnectionOptions) -> Connections {
        Connections {
            options,
            started: Instant::now(),
            inner: Mutex::new(Inner::default()),
            wake: tokio::sync::Notify::new(),
        }
    }

    pub fn options(&self) -> ConnectionOptions {
        self.options
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn schedule(&self, inner: &mut Inner, agent: &AgentId, at: Instant) {
        let entry = inner.agents.entry(agent.clone()).or_default();
        entry.pending = Some(entry.pending.map_or(at, |p| p.max(at)));
        inner.due.insert((at, agent.clone()));
        self.wake.notify_one();
    }

    /// A connection of `agent` authenticated; counts until the returned guard is dropped. The
    /// first one of an agent with none is looked at at once (R24's `reconnect`).
    pub fn attach(self: &Arc<Self>, agent: &AgentId) -> Attachment {
        let mut inner = self.lock();
        let entry = inner.agents.entry(agent.clone()).or_default();
        entry.live += 1;
        if entry.live == 1 {
            self.schedule(&mut inner, agent, Instant::now());
        }
        Attachment {
            connections: self.clone(),
            agent: agent.clone(),
        }
    }

    fn detach(&self, agent: &AgentId) {
        let mut inner = self.lock();
        let Some(entry) = inner.agents.get_mut(agent) else {
            return;
        };
        entry.live = entry.live.saturating_sub(1);
        if entry.live == 0 {
            let now = Instant::now();
            entry.zero_since = Some(now);
            self.schedule(&mut inner, agent, now + self.options.disconnect_grace);
        }
    }

    /// `agent` is (or may have become) signed in and connected in the core's eyes: if they have
    /// no connection and no look is still ahead, one is scheduled a grace period from now. The
    /// hub calls it at start for every signed-in agent and after each input of an agent.
    pub fn watch(&self, agent: &AgentId) {
        let mut inner = self.lock();
        let now = Instant::now();
        let entry = inner.agents.entry(agent.clone()).or_default();
        if entry.live == 0 && entry.pending.is_none_or(|p| p <= now) {
            self.schedule(&mut inner, agent, now + self.options.disconnect_grace);
        }
    }

    /// Live authenticated connections of `agent`.
    pub fn live(&self, agent: &AgentId) -> usize {
        self.lock().agents.get(agent).map_or(0, |e| e.live)
    }

    /// Whether `agent` has been without a connection for the grace period at `now`.
    pub fn gone(&self, agent: &AgentId, now: Instant) -> bool {
        let inner = self.lock();
        let (live, since) = inner
            .agents
            .get(agent)
            .map_or((0, None), |e| (e.live, e.zero_since));
        live == 0 && since.unwrap_or(self.started) + self.options.disconnect_grace <= now
    }

    /// Takes the looks due at `now`; also returns when the next one is due.
    fn take_due(&self, now: Instant) -> (Vec<AgentId>, Option<Instant>) {
        let mut inner = self.lock();
        let mut agents = Vec::new();
        while let Some(first) = inner.due.first() {
            if first.0 > now {
                break;
            }
            let (_, agent) = inner.due.pop_first().expect("just seen");
            if !agents.contains(&agent) {
                agents.push(agent);
            }
        }
        let next = inner.due.first().map(|(t, _)| *t);
        (agents, next)
    }

    fn retry(&self, agent: &AgentId) {
        let mut inner = self.lock();
        self.schedule(&mut inner, agent, Instant::now() + RETRY);
    }
}

/// One counted connection; dropping it uncounts it.
#[derive(Debug)]
pub struct Attachment {
    connections: Arc<Connections>,
    agent: AgentId,
}

impl Attachment {
    pub fn agent(&self) -> &AgentId {
        &self.agent
    }
}

impl Drop for Attachment {
    fn drop(&mut self) {
        self.connections.detach(&self.agent);
    }
}

/// Keeps a connection's attachment in step with its principal: attached while it is
/// authenticated as an agent (a new attachment before the old one goes, so re-authenticating
/// as the same agent never drops the count to 0).
pub fn follow(
    connections: &Arc<Connections>,
    attached: &mut Option<Attachment>,
    agent: Option<&AgentId>,
) {
    if attached.as_ref().map(Attachment::agent) == agent {
        return;
    }
    let next = agent.map(|a| connections.attach(a));
    *attached = next;
}

/// Takes the due looks and hands each agent to `look` (the hub's `check_connection`; `false`:
/// the hub is busy, so it is retried shortly). Runs until the process ends.
pub async fn run(connections: Arc<Connections>, look: impl Fn(AgentId) -> bool) {
    loop {
        let (agents, next) = connections.take_due(Instant::now());
        for agent in agents {
            if !look(agent.clone()) {
                connections.retry(&agent);
            }
        }
        let sleep = match next {
            Some(at) => tokio::time::sleep_until(at.into()),
            None => tokio::time::sleep(Duration::from_secs(3600)),
        };
        tokio::select! {
            _ = sleep => {}
            _ = connections.wake.notified() => {}
        }
    }
}

/// What a connection's keep-alive asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Beat {
    /// Send a ping.
    Ping,
    /// Nothing was heard for twice the interval: close the connection.
    Silent,
}

/// A connection's keep-alive clock (see the module doc).
pub struct KeepAlive {
    every: Duration,
    heard: Instant,
    interval: tokio::time::Interval,
}

impl KeepAlive {
    pub fn new(every: Duration) -> KeepAlive {
        let every = every.max(Duration::from_millis(10));
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        KeepAlive {
            every,
            heard: Instant::now(),
            interval,
        }
    }

    /// Something arrived from the client.
    pub fn heard(&mut self) {
        self.heard = Instant::now();
    }

    /// The next beat.
    pub async fn tick(&mut self) -> Beat {
        self.interval.tick().await;
        if self.heard.elapsed() >= self.every * 2 {
            Beat::Silent
        } else {
            Beat::Ping
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(grace_ms: u64) -> Arc<Connections> {
        Arc::new(Connections::new(ConnectionOptions {
            disconnect_grace: Duration::from_millis(grace_ms),
            keepalive: Duration::from_secs(10),
        }))
    }

    /// R24: an agent counts as gone only with no connection for the whole grace period; the
    /// first connection is looked at at once, the last one's end a grace period later.
    #[test]
    fn r24_gone_after_the_grace_with_no_connection() {
        let c = registry(1000);
        let ana = AgentId::from("ana");
        let t0 = Instant::now();
        let a = c.attach(&ana);
        let b = c.attach(&ana);
        assert_eq!(c.live(&ana), 2);
        let (due, _) = c.take_due(t0 + Duration::from_millis(1));
        assert_eq!(due, vec![ana.clone()], "the first connection is looked at");
        drop(a);
        assert!(c.take_due(Instant::now()).0.is_empty(), "one still open");
        assert!(!c.gone(&ana, Instant::now() + Duration::from_secs(5)));
        let before = Instant::now();
        drop(b);
        let dropped = Instant::now();
        assert!(!c.gone(&ana, before + Duration::from_millis(999)));
        assert!(c.gone(&ana, dropped + Duration::from_millis(1000)));
        let (due, next) = c.take_due(dropped);
        assert!(due.is_empty());
        assert!(next.is_some_and(|t| t >= before + Duration::from_millis(1000)));
        assert_eq!(c.take_due(dropped + Duration::from_secs(2)).0, vec![ana]);
    }

    /// An agent never connected since the start is gone a grace period after the start, and
    /// `watch` schedules their look once.
    #[test]
    fn r24_never_connected_counts_from_the_start() {
        let c = registry(500);
        let bert = AgentId::from("bert");
        assert!(!c.gone(&bert, c.started + Duration::from_millis(499)));
        assert!(c.gone(&bert, c.started + Duration::from_millis(500)));
        c.watch(&bert);
        c.watch(&bert);
        let (due, _) = c.take_due(Instant::now() + Duration::from_secs(1));
        assert_eq!(due, vec![bert.clone()]);
        let _held = c.attach(&bert);
        c.take_due(Instant::now());
        c.watch(&bert);
        assert!(c
            .take_due(Instant::now() + Duration::from_secs(9))
            .0
            .is_empty());
    }

    /// Re-authenticating as the same agent keeps one attachment; as another moves it.
    #[test]
    fn follow_moves_the_attachment_with_the_principal() {
        let c = registry(1000);
        let (ana, bert) = (AgentId::from("ana"), AgentId::from("bert"));
        let mut slot = None;
        follow(&c, &mut slot, Some(&ana));
        follow(&c, &mut slot, Some(&ana));
        assert_eq!(c.live(&ana), 1);
        follow(&c, &mut slot, Some(&bert));
        assert_eq!((c.live(&ana), c.live(&bert)), (0, 1));
        follow(&c, &mut slot, None);
        assert_eq!(c.live(&bert), 0);
    }
}
