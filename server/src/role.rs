//! Leader or standby (issue 16): what a process on a shared PostgreSQL database answers while
//! it waits for the lease, and the thread that keeps the lease once it has it. The lease and
//! the fencing of writes are [`crate::db`]'s; on SQLite a process is always the leader.
//!
//! The listener is bound before the lease is won; every request goes through [`dispatch`]:
//! the leader's app once it is installed and the lease is valid by this process's clock,
//! otherwise 503 with a [`Standby`] body (`"role": "standby"`) — `GET /api/health`, every
//! other request and WebSocket upgrades alike. So a load balancer checking `/api/health`
//! sends traffic to the leader only, and a leader resumed after a pause longer than its lease
//! (SIGSTOP) answers 503 until its renewal finds the lease taken and stops the process.

use crate::db::{Lease, Renewal, EXIT_FENCED};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use omnidesk_wire::http::{Health, Role, Standby};
use omnidesk_wire::{ErrorBody, ErrorKind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// This process's part, shared by the dispatcher, the lease thread and the start-up.
pub struct RoleState {
    /// Whether the part depends on a lease (PostgreSQL); without one it always leads.
    leased: bool,
    leader: AtomicBool,
    /// While leading: the lease is valid until `base + valid_until_ms` by this clock.
    base: Instant,
    valid_until_ms: AtomicU64,
    /// The log's head as a standby last saw it (its health body's `last_seq`).
    standby_seq: AtomicU64,
    /// A store's write found the lease gone ([`RoleState::step_down`]): never serve again.
    fenced: AtomicBool,
}

impl RoleState {
    /// A process without a lease: the leader from the start.
    pub fn unleased() -> RoleState {
        RoleState {
            leased: false,
            leader: AtomicBool::new(true),
            base: Instant::now(),
            valid_until_ms: AtomicU64::new(u64::MAX),
            standby_seq: AtomicU64::new(0),
            fenced: AtomicBool::new(false),
        }
    }

    /// A process that must win a lease first.
    pub fn leased() -> RoleState {
        RoleState {
            leased: true,
            leader: AtomicBool::new(false),
            valid_until_ms: AtomicU64::new(0),
            ..RoleState::unleased()
        }
    }

    pub fn standby_at(&self, last_seq: u64) {
        self.standby_seq.store(last_seq, Ordering::Relaxed);
    }

    /// Won (or renewed) the lease: valid until `until` by this process's clock.
    pub fn lead_until(&self, until: Instant) {
        let ms = until.saturating_duration_since(self.base).as_millis() as u64;
        self.valid_until_ms.fetch_max(ms, Ordering::AcqRel);
        self.leader.store(true, Ordering::Release);
    }

    fn valid_until(&self) -> Instant {
        self.base + Duration::from_millis(self.valid_until_ms.load(Ordering::Acquire))
    }

    /// A write of the audit trail or the quick replies was fenced (another process leads):
    /// from now on every request gets the standby's 503, and the lease thread's next renewal
    /// finds the lease lost and stops the process with [`EXIT_FENCED`].
    pub fn step_down(&self) {
        self.fenced.store(true, Ordering::Release);
    }

    /// Whether this process may serve now.
    pub fn serving(&self) -> bool {
        !self.fenced.load(Ordering::Acquire)
            && self.leader.load(Ordering::Acquire)
            && (!self.leased || Instant::now() < self.valid_until())
    }
}

/// What [`dispatch`] needs: the part and, once installed, the leader's app.
#[derive(Clone)]
pub struct Dispatch {
    pub role: Arc<RoleState>,
    pub app: Arc<OnceLock<Router>>,
}

/// The outer router: everything goes to [`dispatch`].
pub fn router(dispatch: Dispatch) -> Router {
    Router::new().fallback(self::dispatch).with_state(dispatch)
}

/// The leader's app when it serves, 503 with the standby body otherwise.
pub async fn dispatch(State(d): State<Dispatch>, request: Request<Body>) -> Response {
    if d.role.serving() {
        if let Some(app) = d.app.get() {
            return match app.clone().oneshot(request).await {
                Ok(r) => r,
                Err(never) => match never {},
            };
        }
    }
    let leader = d.role.leader.load(Ordering::Acquire) && !d.role.fenced.load(Ordering::Acquire);
    let reason = if leader && d.app.get().is_none() {
        "this server has just taken the lease and is replaying the log; try again in a moment"
    } else {
        "this server is a standby (another process holds the lease); send requests to the leader"
    };
    let body = Standby {
        health: Health {
            ok: false,
            last_seq: d.role.standby_seq.load(Ordering::Relaxed),
            role: Role::Standby,
        },
        error: ErrorBody::new(ErrorKind::Unavailable, reason),
    };
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("1"),
    );
    response
}

/// The leader's lease thread: renews every third of the lease; stops the process with
/// [`EXIT_FENCED`] when the lease is lost, or when the database cannot be reached before it
/// runs out (a standby may then take over, so this process must not serve on).
pub fn keep_lease(mut lease: Lease, epoch: i64, role: Arc<RoleState>) -> std::io::Result<()> {
    let every = lease.id.lease / 3;
    std::thread::Builder::new()
        .name("omnidesk-lease".into())
        .spawn(move || loop {
            std::thread::sleep(every);
            loop {
                match lease.renew(epoch) {
                    Renewal::Renewed { valid_until } => {
                        role.lead_until(valid_until);
                        break;
                    }
                    Renewal::Lost(why) => {
                        eprintln!("omnidesk-server: fenced: {why}; stopping");
                        std::process::exit(EXIT_FENCED);
                    }
                    Renewal::Failed(e) => {
                        if Instant::now() >= role.valid_until() {
                            eprintln!(
                                "omnidesk-server: fenced: the lease could not be renewed before it ran out ({e}); stopping"
                            );
                            std::process::exit(EXIT_FENCED);
                        }
                        eprintln!("omnidesk-server: renewing the lease failed, retrying: {e}");
                        std::thread::sleep(Duration::from_millis(100));
                    }
                }
            }
        })
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A leased process serves only while its lease is valid by its own clock; an unleased
    /// one always does.
    #[test]
    fn a_leased_process_serves_only_inside_its_lease() {
        assert!(RoleState::unleased().serving());
        let role = RoleState::leased();
        assert!(!role.serving(), "a standby does not serve");
        role.lead_until(Instant::now() + Duration::from_secs(60));
        assert!(role.serving());
        // A renewal that started earlier never shortens the lease.
        role.lead_until(Instant::now());
        assert!(role.serving());
        let lapsed = RoleState::leased();
        lapsed.lead_until(Instant::now());
        assert!(!lapsed.serving(), "a lease run out by this clock: 503");
        // A fenced store write steps the leader down for good, renewals notwithstanding.
        role.step_down();
        role.lead_until(Instant::now() + Duration::from_secs(120));
        assert!(!role.serving(), "a fenced write: 503");
    }

    /// Before the app is installed, and on a standby, every request gets the standby body.
    #[tokio::test]
    async fn a_standby_answers_503_with_its_role() {
        let d = Dispatch {
            role: Arc::new(RoleState::leased()),
            app: Arc::new(OnceLock::new()),
        };
        d.role.standby_at(42);
        let request = Request::builder()
            .uri("/api/health")
            .body(Body::empty())
            .unwrap();
        let response = dispatch(State(d.clone()), request).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: Standby = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            (body.health.role, body.health.last_seq, body.error.error),
            (Role::Standby, 42, ErrorKind::Unavailable)
        );
        // Leading, with the app installed: the app answers.
        d.role.lead_until(Instant::now() + Duration::from_secs(60));
        let _ = d.app.set(Router::new().fallback(|| async { "app" }));
        let request = Request::builder()
            .uri("/api/health")
            .body(Body::empty())
            .unwrap();
        let response = dispatch(State(d), request).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
}
