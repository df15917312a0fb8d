//! Throttling (issue 18, ASVS V2.2.1): sign-in failures and chat starts, counted in memory.
//!
//! **Sign-in.** Failures are counted per (agent id, client address) pair: after
//! [`PAIR_LIMIT`] failures within the window (`--signin-lockout SECONDS`, default 900) the pair
//! is locked for the window; a failure after a lockout, before a quiet window has passed,
//! locks it again for twice as long, up to [`MAX_LOCK_MS`] (1 h, or the window if longer).
//! Per agent, over every address, the limit is looser ([`AGENT_LIMIT`]), and an agent-wide
//! lockout spares the addresses the agent signed in from successfully before, so nobody can
//! lock an agent out from elsewhere. A lockout is checked before argon2 runs (a throttled
//! attempt costs no CPU) and a correct password during one is refused too (429). A success
//! clears the pair. A supervisor can lift an agent's lockouts ([`Throttle::lift`]).
//!
//! **Chat starts.** `POST /api/conversations` is limited per client address to
//! `--chat-start-limit N` a minute (default 10; 0 = off), in fixed one-minute windows.
//!
//! **The client address** is the socket's peer address; `X-Forwarded-For` counts only when
//! the peer is one of `--trust-proxy ADDR` (then the right-most address in it that is not a
//! trusted proxy).
//!
//! Memory is bounded: entries whose window and lockout are over are pruned, and each map holds
//! at most [`MAX_ENTRIES`] (past it, the oldest quiet ones go first).

use axum::http::HeaderMap;
use omnidesk_core::AgentId;
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;

/// Failures per (agent, address) within the window before a lockout.
pub const PAIR_LIMIT: u32 = 5;
/// Failures per agent (from any addresses) within the window before an agent-wide lockout.
pub const AGENT_LIMIT: u32 = 20;
/// The longest lockout (unless the window is longer).
pub const MAX_LOCK_MS: u64 = 3_600_000;
/// The most entries each map keeps.
pub const MAX_ENTRIES: usize = 100_000;

/// How throttling is set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThrottleOptions {
    /// `--signin-lockout SECONDS`: the failure window and the first lockout, in ms.
    pub signin_window_ms: u64,
    /// `--chat-start-limit N`: chats a client address may start per minute; 0 = unlimited.
    pub chat_start_limit: u32,
    /// `--trust-proxy ADDR`: peers whose `X-Forwarded-For` is believed.
    pub trust_proxy: Vec<IpAddr>,
}

impl Default for ThrottleOptions {
    fn default() -> Self {
        ThrottleOptions {
            signin_window_ms: 900_000,
            chat_start_limit: 10,
            trust_proxy: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Counter {
    /// Failures in the current window, which began at `since`.
    failures: u32,
    since: u64,
    /// Locked until this time (ms); 0: not locked.
    until: u64,
    /// The last lockout's length (ms); the next one doubles it.
    last_lock: u64,
    /// The last failure (for pruning and for "failures go on").
    last: u64,
}

impl Counter {
    fn locked(&self, now: u64) -> Option<u64> {
        (now < self.until).then(|| self.until - now)
    }

    /// Counts a failure; returns the new lockout's length if this one starts one.
    fn fail(&mut self, now: u64, limit: u32, window: u64) -> Option<u64> {
        // A quiet window after the last failure (and any lockout) forgets everything.
        if now >= self.last.max(self.until).saturating_add(window) {
            *self = Counter::default();
        }
        if now >= self.since.saturating_add(window) {
            self.failures = 0;
            self.since = now;
        }
        self.failures += 1;
        self.last = now;
        let again = self.last_lock > 0;
        if self.failures >= limit || again {
            let max = MAX_LOCK_MS.max(window);
            let lock = if again {
                (self.last_lock.saturating_mul(2)).min(max)
            } else {
                window.min(max)
            };
            self.last_lock = lock;
            self.until = now + lock;
            self.failures = 0;
            self.since = now;
            return Some(lock);
        }
        None
    }

    fn quiet(&self, now: u64, window: u64) -> bool {
        now >= self.last.max(self.until).saturating_add(window)
    }
}

/// A refusal: throttled for this many more ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttled {
    pub wait_ms: u64,
}

impl Throttled {
    /// Whole seconds, rounded up (the `Retry-After` value).
    pub fn seconds(self) -> u64 {
        self.wait_ms.div_ceil(1000).max(1)
    }
}

/// The throttle state. See the module doc.
pub struct Throttle {
    options: ThrottleOptions,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    pairs: HashMap<(AgentId, IpAddr), Counter>,
    agents: HashMap<AgentId, Counter>,
    /// Addresses each agent signed in from successfully.
    known: HashMap<AgentId, HashSet<IpAddr>>,
    /// Chat starts per address in the current minute: (window start, count).
    chats: HashMap<IpAddr, (u64, u32)>,
}

const MINUTE: u64 = 60_000;

impl Throttle {
    pub fn new(options: ThrottleOptions) -> Throttle {
        Throttle {
            options,
            inner: Mutex::default(),
        }
    }

    pub fn options(&self) -> &ThrottleOptions {
        &self.options
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Before argon2: is this sign-in attempt throttled?
    pub fn check_sign_in(&self, agent: &AgentId, addr: IpAddr, now: u64) -> Result<(), Throttled> {
        let inner = self.inner();
        let pair = inner
            .pairs
            .get(&(agent.clone(), addr))
            .and_then(|c| c.locked(now));
        let known = inner.known.get(agent).is_some_and(|k| k.contains(&addr));
        let whole = if known {
            None
        } else {
            inner.agents.get(agent).and_then(|c| c.locked(now))
        };
        match pair.max(whole) {
            Some(wait_ms) => Err(Throttled { wait_ms }),
            None => Ok(()),
        }
    }

    /// A wrong password (or unknown agent): returns the lockout it starts, if any.
    pub fn sign_in_failed(&self, agent: &AgentId, addr: IpAddr, now: u64) -> Option<Throttled> {
        let window = self.options.signin_window_ms.max(1);
        let mut inner = self.inner();
        inner.prune(now, window);
        let pair = inner
            .pairs
            .entry((agent.clone(), addr))
            .or_default()
            .fail(now, PAIR_LIMIT, window);
        let whole = inner
            .agents
            .entry(agent.clone())
            .or_default()
            .fail(now, AGENT_LIMIT, window);
        pair.or(whole).map(|wait_ms| Throttled { wait_ms })
    }

    /// A good password: the pair starts afresh and the address is known for the agent.
    pub fn sign_in_succeeded(&self, agent: &AgentId, addr: IpAddr) {
        let mut inner = self.inner();
        inner.pairs.remove(&(agent.clone(), addr));
        let known = inner.known.entry(agent.clone()).or_default();
        if known.len() < 64 {
            known.insert(addr);
        }
    }

    /// A supervisor lifts every lockout of `agent`; whether there was one.
    pub fn lift(&self, agent: &AgentId, now: u64) -> bool {
        let mut inner = self.inner();
        let mut lifted = inner
            .agents
            .remove(agent)
            .is_some_and(|c| c.locked(now).is_some());
        inner.pairs.retain(|(a, _), c| {
            if a == agent {
                lifted |= c.locked(now).is_some();
                false
            } else {
                true
            }
        });
        lifted
    }

    /// Counts a chat start from `addr`; refused past the limit.
    pub fn chat_start(&self, addr: IpAddr, now: u64) -> Result<(), Throttled> {
        let limit = self.options.chat_start_limit;
        if limit == 0 {
            return Ok(());
        }
        let mut inner = self.inner();
        if inner.chats.len() >= MAX_ENTRIES {
            inner.chats.retain(|_, (since, _)| now < *since + MINUTE);
        }
        let entry = inner.chats.entry(addr).or_insert((now, 0));
        if now >= entry.0 + MINUTE {
            *entry = (now, 0);
        }
        if entry.1 >= limit {
            return Err(Throttled {
                wait_ms: entry.0 + MINUTE - now,
            });
        }
        entry.1 += 1;
        Ok(())
    }

    /// The client address of a request: the peer, or with a trusted proxy the right-most
    /// `X-Forwarded-For` entry that is not one of them.
    pub fn client_addr(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> IpAddr {
        let peer = peer.map_or(IpAddr::from([0, 0, 0, 0]), |p| p.ip());
        client_addr(peer, headers, &self.options.trust_proxy)
    }
}

impl Inner {
    fn prune(&mut self, now: u64, window: u64) {
        if self.pairs.len() >= MAX_ENTRIES {
            self.pairs.retain(|_, c| !c.quiet(now, window));
            if self.pairs.len() >= MAX_ENTRIES {
                // Still full of live counters: drop the unlocked ones (a flood of addresses).
                self.pairs.retain(|_, c| c.locked(now).is_some());
            }
        }
        if self.agents.len() >= MAX_ENTRIES {
            self.agents.retain(|_, c| !c.quiet(now, window));
            if self.agents.len() >= MAX_ENTRIES {
                self.agents.retain(|_, c| c.locked(now).is_some());
            }
        }
    }
}

/// See [`Throttle::client_addr`].
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let canonical = |a: IpAddr| match a {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(a, IpAddr::V4),
        v4 => v4,
    };
    let peer = canonical(peer);
    if !trusted.iter().any(|t| canonical(*t) == peer) {
        return peer;
    }
    let mut addr = peer;
    for value in headers.get_all("x-forwarded-for").iter().rev() {
        let Ok(text) = value.to_str() else {
            return addr;
        };
        for part in text.rsplit(',') {
            match part.trim().parse::<IpAddr>().map(canonical) {
                Ok(a) if trusted.iter().any(|t| canonical(*t) == a) => addr = a,
                Ok(a) => return a,
                Err(_) => return addr,
            }
        }
    }
    addr
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(window_ms: u64) -> Throttle {
        Throttle::new(ThrottleOptions {
            signin_window_ms: window_ms,
            ..ThrottleOptions::default()
        })
    }

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn five_failures_lock_the_pair_and_the_wait_doubles_up_to_an_hour() {
        let t = throttle(900_000);
        let ana = AgentId::from("ana");
        for i in 0..4 {
            assert_eq!(t.sign_in_failed(&ana, A, i), None);
            assert!(t.check_sign_in(&ana, A, i).is_ok());
        }
        assert_eq!(
            t.sign_in_failed(&ana, A, 4),
            Some(Throttled { wait_ms: 900_000 })
        );
        assert_eq!(t.check_sign_in(&ana, A, 5).unwrap_err().seconds(), 900);
        // Another address is not locked by this pair.
        assert!(t.check_sign_in(&ana, B, 5).is_ok());
        // Failures go on after the lockout: the next one locks for twice as long, then an hour.
        let after = 4 + 900_000;
        assert!(t.check_sign_in(&ana, A, after).is_ok());
        assert_eq!(
            t.sign_in_failed(&ana, A, after),
            Some(Throttled { wait_ms: 1_800_000 })
        );
        let after = after + 1_800_000;
        assert_eq!(
            t.sign_in_failed(&ana, A, after),
            Some(Throttled { wait_ms: 3_600_000 })
        );
        let after = after + 3_600_000;
        assert_eq!(
            t.sign_in_failed(&ana, A, after),
            Some(Throttled { wait_ms: 3_600_000 })
        );
        // A quiet window after the lockout forgets it.
        let quiet = after + 3_600_000 + 900_000;
        assert_eq!(t.sign_in_failed(&ana, A, quiet), None);
    }

    #[test]
    fn the_agent_wide_limit_spares_known_addresses_and_a_supervisor_lifts_it() {
        let t = throttle(900_000);
        let ana = AgentId::from("ana");
        t.sign_in_succeeded(&ana, B);
        // 20 failures from 5 addresses (4 each, under the pair limit).
        for i in 0..AGENT_LIMIT {
            let addr = IpAddr::from([192, 0, 2, (i / 4) as u8]);
            t.sign_in_failed(&ana, addr, u64::from(i));
        }
        assert!(t
            .check_sign_in(&ana, IpAddr::from([192, 0, 2, 99]), 30)
            .is_err());
        assert!(t.check_sign_in(&ana, B, 30).is_ok(), "known address");
        assert!(t.lift(&ana, 31));
        assert!(t
            .check_sign_in(&ana, IpAddr::from([192, 0, 2, 99]), 32)
            .is_ok());
    }

    #[test]
    fn chat_starts_are_limited_per_address_per_minute() {
        let t = Throttle::new(ThrottleOptions {
            chat_start_limit: 2,
            ..ThrottleOptions::default()
        });
        assert!(t.chat_start(A, 0).is_ok());
        assert!(t.chat_start(A, 1).is_ok());
        assert_eq!(t.chat_start(A, 1_000).unwrap_err().seconds(), 59);
        assert!(t.chat_start(B, 1_000).is_ok());
        assert!(t.chat_start(A, 60_000).is_ok());
        let off = Throttle::new(ThrottleOptions {
            chat_start_limit: 0,
            ..ThrottleOptions::default()
        });
        assert!((0..100).all(|i| off.chat_start(A, i).is_ok()));
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "203.0.113.9, 10.0.0.1".parse().unwrap());
        assert_eq!(client_addr(B, &h, &[]), B);
        assert_eq!(client_addr(B, &h, &[A]), B, "B is not a trusted proxy");
        // Through two trusted proxies: the right-most untrusted entry.
        assert_eq!(client_addr(A, &h, &[A]), IpAddr::from([203, 0, 113, 9]));
        assert_eq!(client_addr(A, &HeaderMap::new(), &[A]), A);
    }
}
