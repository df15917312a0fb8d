//! Access: password hashes (argon2id), session tokens, and the check every input passes before
//! it reaches the core.
//!
//! A token is 32 random bytes from the OS (`getrandom`), shown to the client once as hex. The
//! server keeps only its SHA-256 (in memory and in the SQLite `sessions` table, so sessions
//! survive a restart); a leaked database holds no usable token.
//!
//! The check ([`authorize`]) runs in the hub against the state the input will meet, so what it
//! allows the core sees unchanged. It answers "may this principal do this at all?" (403); whether
//! the rules allow it right now is the core's answer (409, the `rejected` event).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use omnidesk_core::{Input, ItemId, State};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::RwLock;

/// Who is acting: an agent signed in with a password, or the customer of one live chat
/// (the wire's type: clients read it in `authenticated` and `GET /api/session`).
pub use omnidesk_wire::Principal;

/// Hashes a password with argon2id and a random salt; returns the PHC string.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the OS random source");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes fit a salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters")
        .to_string()
}

/// Whether `password` matches the PHC `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A PHC hash to verify against when the agent is unknown, so that a wrong agent id costs the
/// same time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no such agent"))
}

/// A new random token (64 hex digits) and its SHA-256, which is what the server stores.
pub fn new_token() -> (String, TokenHash) {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random source");
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = token_hash(&token);
    (token, hash)
}

/// SHA-256 of a token.
pub type TokenHash = [u8; 32];

/// The stored form of a token.
pub fn token_hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

/// The live sessions: token hash → principal, when it was created and last used. Written by
/// the hub (after the session row is durable), read by every request.
///
/// Expiry (issue 18, ASVS V3.3): a session is over once it has not been used for
/// [`SessionLimits::idle_ms`] or is older than [`SessionLimits::max_age_ms`]. [`Sessions::check`]
/// tells an expired session from an unknown token (401 `session expired`); the sweeper
/// ([`crate::guard`]) deletes expired sessions from the store and keeps a tombstone of each for
/// a while, so a client that comes back late still hears why.
pub struct Sessions {
    map: RwLock<HashMap<TokenHash, Entry>>,
    /// Recently expired or ended sessions: hash → why (`session expired`, `session ended`).
    gone: RwLock<HashMap<TokenHash, (u64, &'static str)>>,
    limits: RwLock<SessionLimits>,
    /// Bumped whenever sessions end (sign-out, sweep, a supervisor): live sockets check theirs.
    ended: tokio::sync::watch::Sender<u64>,
}

struct Entry {
    principal: Principal,
    created: u64,
    used: std::sync::atomic::AtomicU64,
}

/// How long a session lives (ms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionLimits {
    /// Unused this long, it expires (`--session-idle-timeout`, default 12 h).
    pub idle_ms: u64,
    /// Older than this, it expires however busy (`--session-max-age`, default 7 days).
    pub max_age_ms: u64,
}

impl Default for SessionLimits {
    fn default() -> Self {
        SessionLimits {
            idle_ms: 43_200_000,
            max_age_ms: 604_800_000,
        }
    }
}

/// What a token is to [`Sessions::check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Session {
    Live(Principal),
    /// It was a session; the `&str` says how it ended (`session expired`, `session ended`).
    Over(&'static str),
    Unknown,
}

/// Tombstones of ended sessions are kept this long (ms), at most [`MAX_TOMBSTONES`].
const TOMBSTONE_MS: u64 = 24 * 3_600_000;
const MAX_TOMBSTONES: usize = 100_000;

/// The server's wall clock, ms since the epoch.
pub fn wall_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions {
            map: RwLock::default(),
            gone: RwLock::default(),
            limits: RwLock::default(),
            ended: tokio::sync::watch::Sender::new(0),
        }
    }
}

impl Sessions {
    /// The principal of a bearer token, if it is a live session (unexpired; not refreshed).
    pub fn lookup(&self, token: &str) -> Option<Principal> {
        match self.check_hash(&token_hash(token), wall_ms(), false) {
            Session::Live(p) => Some(p),
            _ => None,
        }
    }

    /// The session of `hash` at `now`; `touch` refreshes its idle clock when it is live.
    pub fn check_hash(&self, hash: &TokenHash, now: u64, touch: bool) -> Session {
        use std::sync::atomic::Ordering;
        let limits = self.limits();
        if let Ok(m) = self.map.read() {
            if let Some(e) = m.get(hash) {
                let used = e.used.load(Ordering::Relaxed);
                if now >= used.saturating_add(limits.idle_ms)
                    || now >= e.created.saturating_add(limits.max_age_ms)
                {
                    return Session::Over("session expired");
                }
                if touch {
                    e.used.fetch_max(now, Ordering::Relaxed);
                }
                return Session::Live(e.principal.clone());
            }
        }
        match self.gone.read().ok().and_then(|g| g.get(hash).copied()) {
            Some((_, why)) => Session::Over(why),
            None => Session::Unknown,
        }
    }

    /// When the session of `hash` expires if it is not used again (ms), if it is live.
    pub fn deadline(&self, hash: &TokenHash) -> Option<u64> {
        let limits = self.limits();
        let m = self.map.read().ok()?;
        let e = m.get(hash)?;
        let used = e.used.load(std::sync::atomic::Ordering::Relaxed);
        Some(
            used.saturating_add(limits.idle_ms)
                .min(e.created.saturating_add(limits.max_age_ms)),
        )
    }

    pub fn limits(&self) -> SessionLimits {
        self.limits.read().map(|l| *l).unwrap_or_default()
    }

    pub fn set_limits(&self, limits: SessionLimits) {
        if let Ok(mut l) = self.limits.write() {
            *l = limits;
        }
    }

    /// Sessions expired at `now` (for the sweeper), with their principals.
    pub fn expired(&self, now: u64) -> Vec<(TokenHash, Principal)> {
        self.map
            .read()
            .map(|m| {
                m.keys()
                    .filter(|h| matches!(self.check_in(&m, h, now), Some(true)))
                    .map(|h| (*h, m[h].principal.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn check_in(&self, m: &HashMap<TokenHash, Entry>, hash: &TokenHash, now: u64) -> Option<bool> {
        let limits = self.limits();
        let e = m.get(hash)?;
        let used = e.used.load(std::sync::atomic::Ordering::Relaxed);
        Some(
            now >= used.saturating_add(limits.idle_ms)
                || now >= e.created.saturating_add(limits.max_age_ms),
        )
    }

    /// The live sessions of `agent`.
    pub fn of_agent(&self, agent: &omnidesk_core::AgentId) -> Vec<TokenHash> {
        self.map
            .read()
            .map(|m| {
                m.iter()
                    .filter(|(_, e)| matches!(&e.principal, Principal::Agent { agent: a } if a == agent))
                    .map(|(h, _)| *h)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Changes whenever sessions end; a live socket checks its own then.
    pub fn watch_ended(&self) -> tokio::sync::watch::Receiver<u64> {
        self.ended.subscribe()
    }

    /// Remembers why the session of `hash` is over, so its token is told so (before it is
    /// removed: a socket woken by the removal reads the reason).
    pub fn mark_gone(&self, hash: TokenHash, why: &'static str) {
        let now = wall_ms();
        if let Ok(mut g) = self.gone.write() {
            if g.len() >= MAX_TOMBSTONES {
                g.retain(|_, (at, _)| now < at.saturating_add(TOMBSTONE_MS));
                if g.len() >= MAX_TOMBSTONES {
                    g.clear();
                }
            }
            g.insert(hash, (now, why));
        }
    }

    /// `created`: when the session began (ms); its idle clock starts then, or now if later
    /// (a session loaded at start-up).
    pub(crate) fn insert(&self, hash: TokenHash, principal: Principal, created: u64) {
        if let Ok(mut m) = self.map.write() {
            let used = std::sync::atomic::AtomicU64::new(created.max(wall_ms()));
            m.insert(
                hash,
                Entry {
                    principal,
                    created,
                    used,
                },
            );
        }
    }

    pub(crate) fn remove(&self, hash: &TokenHash) {
        let removed = self
            .map
            .write()
            .map(|mut m| m.remove(hash).is_some())
            .unwrap_or(false);
        if removed {
            self.ended.send_modify(|n| *n += 1);
        }
    }
}

/// Fills in what the principal implies: an agent's own id for `agent`, a customer's item for
/// `item`, when the client left them out. Anything given is kept (and checked by [`authorize`]).
pub fn complete_input(principal: &Principal, input: &mut serde_json::Value) {
    let Some(obj) = input.as_object_mut() else {
        return;
    };
    let kind = obj.get("input").and_then(|v| v.as_str()).unwrap_or("");
    match principal {
        Principal::Agent { agent } => {
            // `agent` of an assign is the assignee, and a supervisor's inputs are told apart by
            // `by` (R25–R27): never filled in.
            let supervisor_transfer =
                kind == "transfer" && obj.get("by").is_some_and(|v| !v.is_null());
            let takes_agent = !supervisor_transfer
                && !matches!(
                    kind,
                    "arrive"
                        | "customer_message"
                        | "abandon"
                        | "tick"
                        | "assign"
                        | "force_close"
                        | ""
                );
            if takes_agent && obj.get("agent").is_none_or(|v| v.is_null()) {
                obj.insert("agent".into(), agent.as_str().into());
            }
        }
        Principal::Customer { item } => {
            if obj.get("item").is_none_or(|v| v.is_null()) {
                obj.insert("item".into(), item.as_str().into());
            }
        }
    }
}

/// May `principal` send `input` at all, given the state it will meet? `Err` is the 403 reason.
///
/// Agents act only as themselves, and on items that are theirs: held by them, or not held by
/// anyone and in one of their queues (or last held by them, for `reopen`). Picks come only from
/// their own queues (an item someone else got first is the core's 409); accept, reject, wait,
/// open, end, close, transfer and messages never touch an item held by somebody else. Customers send only
/// `customer_message`, `end` (without an agent) and `abandon`, on their own conversation.
/// `arrive` comes from the customer endpoint, `tick` from the server's clock. An unknown item
/// passes: the core refuses it with its own reason (409).
pub fn authorize(principal: &Principal, input: &Input, state: &State) -> Result<(), String> {
    match principal {
        Principal::Customer { item } => match input {
            Input::CustomerMessage { item: i, .. }
            | Input::Abandon { item: i }
            | Input::End {
                item: i,
                agent: None,
            } => {
                if i == item {
                    Ok(())
                } else {
                    Err(format!(
                        "a customer acts only on their own conversation (\"{item}\")"
                    ))
                }
            }
            _ => Err(format!(
                "a customer may send only customer_message, end and abandon, not {}",
                input_name(input)
            )),
        },
        Principal::Agent { agent: me } => {
            let acting = match input {
                Input::Arrive { .. } => {
                    return Err(
                        "items arrive through the customer endpoint, not from agents".into(),
                    )
                }
                Input::CustomerMessage { .. } | Input::Abandon { .. } => {
                    return Err(format!("{} is the customer's input", input_name(input)))
                }
                Input::End { agent: None, .. } => {
                    return Err("an end without an agent is the customer's input".into())
                }
                Input::Tick => return Err("tick comes from the server's clock".into()),
                Input::Disconnect { .. } | Input::Reconnect { .. } => {
                    return Err(format!(
                        "{} comes from the server's connection tracking, not from clients",
                        input_name(input)
                    ))
                }
                // R25–R27: a supervisor acts as themselves on items of the queues they
                // supervise (an unknown item passes: the core refuses it, 409).
                Input::Assign { by, item, .. }
                | Input::ForceClose { by, item }
                | Input::SupervisorTransfer { by, item, .. } => {
                    if by != me {
                        return Err(format!(
                            "you are signed in as \"{me}\" and act only as yourself, not as \"{by}\""
                        ));
                    }
                    return match state.items.get(item) {
                        Some(it) if !state.config.supervises(me, &it.queue) => Err(format!(
                            "item \"{item}\" is in queue \"{}\", which you don't supervise",
                            it.queue
                        )),
                        _ => Ok(()),
                    };
                }
                Input::SignIn { agent }
                | Input::SignOut { agent }
                | Input::ResetPresence { agent }
                | Input::SetPresence { agent, .. }
                | Input::Accept { agent, .. }
                | Input::Reject { agent, .. }
                | Input::Pick { agent, .. }
                | Input::Wait { agent, .. }
                | Input::Open { agent, .. }
                | Input::Close { agent, .. }
                | Input::Reopen { agent, .. }
                | Input::Transfer { agent, .. }
                | Input::AgentMessage { agent, .. }
                | Input::OfferSeen { agent, .. }
                | Input::End {
                    agent: Some(agent), ..
                } => agent,
            };
            if acting != me {
                return Err(format!(
                    "you are signed in as \"{me}\" and act only as yourself, not as \"{acting}\""
                ));
            }
            let Some(item_id) = input_item(input) else {
                return Ok(());
            };
            let Some(item) = state.items.get(item_id) else {
                return Ok(());
            };
            let in_my_queue = state
                .config
                .queues
                .get(&item.queue)
                .is_some_and(|q| q.members.contains(me));
            if let Input::Pick { .. } = input {
                // Whether it is still Open when the pick arrives is the core's question (409).
                return if in_my_queue {
                    Ok(())
                } else {
                    Err(format!(
                        "item \"{item_id}\" is in queue \"{}\", which you are not a member of: you pick only from your own queues",
                        item.queue
                    ))
                };
            }
            if let Some(holder) = item.status.holder() {
                if holder != me {
                    return Err(format!("item \"{item_id}\" is held by another agent"));
                }
                return Ok(());
            }
            match input {
                Input::Reopen { .. } => {
                    if item.last_holder.as_ref() == Some(me) || item.last_holder.is_none() {
                        Ok(())
                    } else {
                        Err(format!("item \"{item_id}\" was last held by another agent"))
                    }
                }
                _ if in_my_queue || item.last_holder.as_ref() == Some(me) => Ok(()),
                _ => Err(format!(
                    "item \"{item_id}\" is in queue \"{}\", which you are not a member of",
                    item.queue
                )),
            }
        }
    }
}

/// The item an input is about, if any.
pub fn input_item(input: &Input) -> Option<&ItemId> {
    match input {
        Input::Arrive { item, .. }
        | Input::Accept { item, .. }
        | Input::Reject { item, .. }
        | Input::Pick { item, .. }
        | Input::Wait { item, .. }
        | Input::Open { item, .. }
        | Input::Close { item, .. }
        | Input::Reopen { item, .. }
        | Input::End { item, .. }
        | Input::Transfer { item, .. }
        | Input::CustomerMessage { item, .. }
        | Input::AgentMessage { item, .. }
        | Input::Abandon { item }
        | Input::OfferSeen { item, .. }
        | Input::Assign { item, .. }
        | Input::ForceClose { item, .. }
        | Input::SupervisorTransfer { item, .. } => Some(item),
        Input::SignIn { .. }
        | Input::SignOut { .. }
        | Input::ResetPresence { .. }
        | Input::SetPresence { .. }
        | Input::Disconnect { .. }
        | Input::Reconnect { .. }
        | Input::Tick => None,
    }
}

/// The input's wire name (`pick`, `sign_in`, …).
pub fn input_name(input: &Input) -> String {
    serde_json::to_value(input)
        .ok()
        .and_then(|v| v.get("input").and_then(|n| n.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "input".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use omnidesk_core::scenario::Scenario;
    use omnidesk_core::AgentId;

    fn state() -> State {
        let scenario = Scenario::parse(
            r#"{"queues": [{"id": "q1", "members": ["ana"]}, {"id": "q2", "members": ["ana"]}],
                "agents": [{"id": "sam", "supervises": ["q1"]}, {"id": "ana"}],
                "steps": [{"at": 0, "input": "sign_in", "agent": "ana"},
                          {"at": 1, "input": "arrive", "item": "e1", "channel": "email", "queue": "q1", "customer": {"name": "A"}},
                          {"at": 1, "input": "arrive", "item": "e2", "channel": "email", "queue": "q2", "customer": {"name": "B"}}]}"#,
        )
        .unwrap();
        omnidesk_core::scenario::run(&scenario)
            .engine
            .state()
            .clone()
    }

    fn agent(id: &str) -> Principal {
        Principal::Agent {
            agent: AgentId::from(id),
        }
    }

    /// R24's inputs come only from the server; R25–R27's only from a supervisor of the item's
    /// queue, acting as themselves.
    #[test]
    fn connection_and_supervisor_inputs_are_scoped() {
        let st = state();
        let assign = |by: &str, item: &str| Input::Assign {
            by: by.into(),
            item: item.into(),
            agent: "ana".into(),
        };
        assert!(authorize(
            &agent("ana"),
            &Input::Disconnect {
                agent: "ana".into()
            },
            &st
        )
        .is_err());
        assert!(authorize(
            &agent("ana"),
            &Input::Reconnect {
                agent: "ana".into()
            },
            &st
        )
        .is_err());
        assert!(authorize(&agent("sam"), &assign("sam", "e1"), &st).is_ok());
        assert!(authorize(&agent("sam"), &assign("sam", "e2"), &st).is_err());
        assert!(authorize(&agent("ana"), &assign("sam", "e1"), &st).is_err());
        assert!(authorize(&agent("ana"), &assign("ana", "e1"), &st).is_err());
        let close = Input::ForceClose {
            by: "sam".into(),
            item: "e1".into(),
        };
        assert!(authorize(&agent("sam"), &close, &st).is_ok());
        let moved = Input::SupervisorTransfer {
            by: "sam".into(),
            item: "e2".into(),
            queue: "q1".into(),
        };
        assert!(authorize(&agent("sam"), &moved, &st).is_err());
    }

    /// complete_input fills the agent's own id only where the input means "me".
    #[test]
    fn complete_input_leaves_supervisor_inputs_alone() {
        for (input, keeps_out) in [
            (
                serde_json::json!({"input": "assign", "by": "sam", "item": "e1"}),
                true,
            ),
            (
                serde_json::json!({"input": "force_close", "by": "sam", "item": "e1"}),
                true,
            ),
            (
                serde_json::json!({"input": "transfer", "by": "sam", "item": "e1", "queue": "q2"}),
                true,
            ),
            (
                serde_json::json!({"input": "transfer", "item": "e1", "queue": "q2"}),
                false,
            ),
            (
                serde_json::json!({"input": "offer_seen", "item": "e1"}),
                false,
            ),
        ] {
            let mut v = input.clone();
            complete_input(&agent("sam"), &mut v);
            assert_eq!(v.get("agent").is_none(), keeps_out, "{input}");
        }
    }
}
