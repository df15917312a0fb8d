//! Issue 18's protections in one place, handed to the API as an axum `Extension`: the
//! [`Throttle`], the [`Audit`] trail, the session limits and the sweeper of expired sessions,
//! the framing policy of `/chat`, and who may act as a supervisor on whom.

use crate::audit::{Audit, Record};
use crate::auth::{wall_ms, Principal, SessionLimits};
use crate::hub::Hub;
use crate::throttle::{Throttle, ThrottleOptions};
use omnidesk_core::{AgentId, Config};
use omnidesk_wire::http::AuditAction;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// The options of issue 18 (see README "Security").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GuardOptions {
    pub throttle: ThrottleOptions,
    /// `--session-idle-timeout`, `--session-max-age`.
    pub sessions: SessionLimits,
    /// `--chat-embed-origin` (repeatable): origins that may frame `/chat`.
    pub chat_embed_origins: Vec<String>,
}

/// See the module doc.
pub struct Guard {
    pub throttle: Throttle,
    pub audit: Audit,
    pub options: GuardOptions,
}

/// How a principal is named in the trail: the agent id, or `customer:<item>`.
pub fn principal_name(p: &Principal) -> String {
    match p {
        Principal::Agent { agent } => agent.as_str().to_owned(),
        Principal::Customer { item } => format!("customer:{item}"),
    }
}

/// Whether `agent` supervises any queue (issue 23's role).
pub fn is_supervisor(config: &Config, agent: &AgentId) -> bool {
    config
        .agents
        .get(agent)
        .is_some_and(|a| !a.supervises.is_empty())
}

/// Whether `supervisor` supervises a queue `agent` is a member of (who may lift `agent`'s
/// lockout or end their sessions).
pub fn supervises_agent(config: &Config, supervisor: &AgentId, agent: &AgentId) -> bool {
    config
        .queues
        .values()
        .any(|q| q.members.contains(agent) && config.supervises(supervisor, &q.id))
}

/// Whether an input goes in the trail (R25–R27's supervisor inputs).
pub fn audited(input: &omnidesk_core::Input) -> bool {
    use omnidesk_core::Input;
    matches!(
        input,
        Input::Assign { .. } | Input::ForceClose { .. } | Input::SupervisorTransfer { .. }
    )
}

impl Guard {
    pub fn new(options: GuardOptions, audit: Audit) -> Guard {
        Guard {
            throttle: Throttle::new(options.throttle.clone()),
            audit,
            options,
        }
    }

    /// Records one row of the trail, now.
    pub fn record(
        &self,
        principal: impl Into<String>,
        address: IpAddr,
        action: AuditAction,
        outcome: impl Into<String>,
        detail: Option<String>,
    ) {
        self.audit.record(Record {
            at: wall_ms(),
            principal: principal.into(),
            address: address.to_string(),
            action,
            outcome: outcome.into(),
            detail,
        });
    }

    /// R25–R27: a supervisor's `assign`, `force_close` or `transfer` (with `by`) goes in the
    /// trail with its status (a replayed resend is not recorded twice).
    pub fn record_action(
        &self,
        principal: &Principal,
        address: IpAddr,
        input: &omnidesk_core::Input,
        outcome: &crate::hub::Outcome,
    ) {
        use omnidesk_core::Input;
        let (action, detail) = match input {
            Input::Assign { item, agent, .. } => {
                (AuditAction::Assign, format!("item {item} to {agent}"))
            }
            Input::ForceClose { item, .. } => (AuditAction::ForceClose, format!("item {item}")),
            Input::SupervisorTransfer { item, queue, .. } => (
                AuditAction::SupervisorTransfer,
                format!("item {item} to queue {queue}"),
            ),
            _ => return,
        };
        if outcome.replayed {
            return;
        }
        self.record(
            principal_name(principal),
            address,
            action,
            outcome.status.to_string(),
            Some(detail),
        );
    }

    /// Sweeps expired sessions from the store (and the live map), recording each, every
    /// half idle timeout (between 1 s and 60 s), until the hub stops.
    pub fn start_sweeper(self: &Arc<Self>, hub: Hub) {
        let guard = self.clone();
        let every = Duration::from_millis((self.options.sessions.idle_ms / 2).clamp(1000, 60_000));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let expired = hub.sessions.expired(wall_ms());
                // All at once: they share the hub's next group commit.
                let drops = expired.iter().map(|(hash, _)| {
                    hub.sessions.mark_gone(*hash, "session expired");
                    hub.drop_session(*hash)
                });
                let done = futures_util::future::join_all(drops).await;
                for ((_, principal), r) in expired.iter().zip(done) {
                    // A drop the saturated hub refused is tried again by the next sweep.
                    if r.is_ok() {
                        guard.record(
                            principal_name(principal),
                            IpAddr::from([0, 0, 0, 0]),
                            AuditAction::SessionExpired,
                            "ok",
                            None,
                        );
                    }
                }
            }
        });
    }
}
