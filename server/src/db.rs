//! Where the server keeps its data: an SQLite file (the embedded default) or a PostgreSQL
//! database shared by several server processes ([`Db`]). For PostgreSQL this module holds what
//! every store on it shares: connecting ([`PgClient`]), the schema and its migrations
//! ([`migrate`]), and the lease that makes one process the leader ([`Lease`]).
//!
//! # The lease (issue 16)
//!
//! One row, `lease (holder, epoch, expires_at)`, timed by the database's clock
//! (`clock_timestamp()`), so the processes' clocks never matter. A standby polls
//! [`Lease::try_acquire`]: once `expires_at` has passed it takes the row with `epoch + 1`. The
//! leader renews it every third of the lease ([`Lease::renew`], on its own thread and
//! connection). Fencing is the epoch: every write transaction of the event log begins by locking
//! the row `FOR SHARE` where it still has this process's holder and epoch and is unexpired
//! ([`LEASE_CHECK`]), and rolls back otherwise — so a leader paused past its lease (SIGSTOP)
//! and resumed after a standby took over commits nothing, and acknowledges nothing, because
//! the hub answers only after a commit. The row lock orders each commit before or after a
//! takeover: a new leader replays everything committed under the old epoch.
//!
//! # Why the sync `postgres` crate
//!
//! The hub is one OS thread that writes the log synchronously (group commit, see
//! [`crate::log`]); a blocking client fits it without a second runtime hop per batch. The
//! crate runs its own small runtime inside each connection and panics when called (or
//! dropped) inside tokio's, so it is used only on the hub's, the lease's and the audit's own
//! threads and in `spawn_blocking`; [`PgClient`] makes a drop on a runtime thread safe.

use postgres::{Client, NoTls};
use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The exit code of a leader that finds it lost the lease (`EX_TEMPFAIL`): a supervisor
/// restarts it, and it comes back as a standby.
pub const EXIT_FENCED: i32 = 75;

/// The database a server uses: `--db` (or `OMNIDESK_DB`).
#[derive(Clone, PartialEq, Eq)]
pub enum Db {
    /// An SQLite file (created if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL connection string (`postgres://…` or `postgresql://…`).
    Postgres(String),
}

impl Db {
    /// A `postgres://` or `postgresql://` URL is PostgreSQL; anything else an SQLite path.
    pub fn parse(s: &str) -> Db {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Db::Postgres(s.to_owned())
        } else {
            Db::Sqlite(PathBuf::from(s))
        }
    }

    /// For messages: the path, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Db::Sqlite(p) => p.display().to_string(),
            Db::Postgres(url) => redact(url),
        }
    }
}

impl From<PathBuf> for Db {
    fn from(p: PathBuf) -> Db {
        match p.to_str() {
            Some(s) => Db::parse(s),
            None => Db::Sqlite(p),
        }
    }
}

impl From<&str> for Db {
    fn from(s: &str) -> Db {
        Db::parse(s)
    }
}

impl fmt::Debug for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`, and a `password=` in the
/// query the same way.
fn redact(url: &str) -> String {
    let (url, query) = match url.split_once('?') {
        Some((u, q)) => (u, Some(q)),
        None => (url, None),
    };
    let mut out = match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((auth, host)) => match auth.split_once(':') {
                Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
                None => url.to_owned(),
            },
            None => url.to_owned(),
        },
        None => url.to_owned(),
    };
    if let Some(query) = query {
        let params: Vec<&str> = query
            .split('&')
            .map(|p| {
                if p.starts_with("password=") {
                    "password=***"
                } else {
                    p
                }
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

/// A PostgreSQL failure, as text: the server's SQLSTATE and message, or the client's error
/// with its cause ("error connecting to server: Connection refused (os error 111)", "invalid
/// connection string: unknown option `bogus`"), which the client's own text leaves out.
pub fn pg_error(e: postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("postgres: {}: {}", db.code().code(), db.message());
    }
    let mut text = format!("postgres: {e}");
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.ends_with(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// A connection that may be dropped anywhere: the sync client blocks (and panics inside a
/// tokio runtime) when it closes, so a drop on a runtime thread hands it to a short-lived
/// thread of its own.
pub struct PgClient(Option<Box<Client>>);

/// Why [`PgClient::try_connect`] failed.
#[derive(Debug)]
pub struct ConnectError {
    /// Names the database (without its password) and says why.
    pub message: String,
    /// The database did not answer — refused, timed out, starting up or shutting down (SQLSTATE
    /// classes 08 and 57) — so trying again later may work. Not for a URL the client cannot
    /// use or a server that refuses this user: those fail the same way every time.
    pub transient: bool,
}

/// Whether a failure is the database not answering (see [`ConnectError::transient`]).
fn transient(e: &postgres::Error) -> bool {
    match e.as_db_error() {
        Some(db) => {
            let code = db.code().code();
            code.starts_with("08") || code.starts_with("57")
        }
        None => true,
    }
}

impl PgClient {
    /// Connects; a session's settings (`SET …`) can follow in `init`. A failure names the
    /// database (without its password) and says why.
    pub fn connect(url: &str, init: &str) -> Result<PgClient, String> {
        PgClient::try_connect(url, init).map_err(|e| e.message)
    }

    /// [`PgClient::connect`], saying whether a failure is worth retrying.
    pub fn try_connect(url: &str, init: &str) -> Result<PgClient, ConnectError> {
        PgClient::open(url, init).map_err(|(e, transient)| ConnectError {
            message: format!("{}: {e}", redact(url)),
            transient,
        })
    }

    fn open(url: &str, init: &str) -> Result<PgClient, (String, bool)> {
        let lasting = |e: postgres::Error| (pg_error(e), false);
        let failed = |e: postgres::Error| {
            let t = transient(&e);
            (pg_error(e), t)
        };
        let mut config: postgres::Config = url.parse().map_err(lasting)?;
        if config.get_ssl_mode() == postgres::config::SslMode::Require {
            return Err((
                "sslmode=require: this server connects to PostgreSQL without TLS \
                 (use a private network or a tunnel, and sslmode=disable or prefer)"
                    .into(),
                false,
            ));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        config.keepalives_idle(Duration::from_secs(10));
        if config.get_application_name().is_none() {
            config.application_name("omnidesk-server");
        }
        let mut client = config.connect(NoTls).map_err(failed)?;
        if !init.is_empty() {
            client.batch_execute(init).map_err(failed)?;
        }
        Ok(PgClient(Some(Box::new(client))))
    }

    pub fn get(&mut self) -> &mut Client {
        self.0.as_mut().expect("present until dropped")
    }

    pub fn is_closed(&self) -> bool {
        self.0.as_ref().is_none_or(|c| c.is_closed())
    }
}

impl Drop for PgClient {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                let _ = std::thread::Builder::new()
                    .name("omnidesk-pg-close".into())
                    .spawn(move || drop(client));
            }
        }
    }
}

/// The schema's migrations, in order; `MIGRATIONS[n]` brings version `n` to `n + 1`. The
/// version is `meta.schema_version`. Each runs in the transaction that records it, under an
/// advisory lock, so two servers starting at once migrate once.
pub const MIGRATIONS: &[&str] = &["
CREATE TABLE lease (
    id INT PRIMARY KEY CHECK (id = 1),
    holder TEXT NOT NULL,
    epoch BIGINT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    acquired_at TIMESTAMPTZ
);
INSERT INTO lease (id, holder, epoch, expires_at) VALUES (1, '', 0, '-infinity');
CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    item TEXT,
    kind TEXT NOT NULL,
    event TEXT NOT NULL,
    queues TEXT[],
    agent TEXT,
    epoch BIGINT NOT NULL
);
CREATE INDEX events_by_item ON events (item, seq);
CREATE TABLE actions (
    principal TEXT NOT NULL,
    client_id TEXT NOT NULL,
    action_id TEXT NOT NULL,
    input TEXT NOT NULL,
    outcome TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (principal, client_id, action_id)
);
CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    principal TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE snapshots (seq BIGINT PRIMARY KEY, now BIGINT NOT NULL, state TEXT NOT NULL);
CREATE TABLE quick_replies (
    agent TEXT NOT NULL,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    tags TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (agent, id)
);
CREATE TABLE audit (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    principal TEXT NOT NULL,
    address TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT
);
"];

/// Creates the schema or migrates it forward; refuses one newer than this server's.
pub fn migrate(client: &mut Client) -> Result<(), String> {
    let mut tx = client.transaction().map_err(pg_error)?;
    // Any constant key: "omni" in ASCII.
    tx.execute("SELECT pg_advisory_xact_lock(1869573481)", &[])
        .map_err(pg_error)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        .map_err(pg_error)?;
    let version: usize = tx
        .query_opt("SELECT value FROM meta WHERE key = 'schema_version'", &[])
        .map_err(pg_error)?
        .and_then(|r| r.get::<_, String>(0).parse().ok())
        .unwrap_or(0);
    if version > MIGRATIONS.len() {
        return Err(format!(
            "the database's schema is version {version}, newer than this server's {}",
            MIGRATIONS.len()
        ));
    }
    for m in &MIGRATIONS[version..] {
        tx.batch_execute(m).map_err(pg_error)?;
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[&MIGRATIONS.len().to_string()],
    )
    .map_err(pg_error)?;
    tx.commit().map_err(pg_error)
}

/// The first statement of every fenced write transaction: `$1` the holder, `$2` the epoch; one
/// row means the lease is still ours (and stays so until the commit, the row being locked).
/// First, so a fenced leader is told so before it writes anything (its insert would otherwise
/// meet the new leader's rows of the same seqs).
pub const LEASE_CHECK: &str = "SELECT 1 FROM lease WHERE id = 1 AND holder = $1 AND epoch = $2 \
                               AND expires_at > clock_timestamp() FOR SHARE";

/// The lease a process writes under: the holder and epoch every fenced write transaction
/// checks ([`LEASE_CHECK`]) — the event log's, the audit trail's and the quick replies'.
#[derive(Clone, Debug)]
pub struct Fence {
    pub holder: String,
    pub epoch: i64,
}

impl Fence {
    /// The first statement of a fenced write transaction: locks the lease row `FOR SHARE`
    /// where it is still this process's (holder, epoch, unexpired). `false`: fenced — roll
    /// back and write nothing. `check` is [`LEASE_CHECK`], as text or prepared.
    pub fn held<T: ?Sized + postgres::ToStatement>(
        &self,
        tx: &mut postgres::Transaction<'_>,
        check: &T,
    ) -> Result<bool, postgres::Error> {
        Ok(tx.query_opt(check, &[&self.holder, &self.epoch])?.is_some())
    }

    /// After a write failed for another reason: whether the lease is gone (so the failure was
    /// a fenced process's — its connection ended by the idle timeout while it was paused, a
    /// conflict with the new leader's rows). Asked on a connection of its own, the failed one
    /// may be gone; `false` when the database cannot say.
    pub fn lost(&self, url: &str) -> bool {
        // Autocommit, so the row lock ends with the statement.
        PgClient::connect(url, "SET statement_timeout = '5s'")
            .and_then(|mut c| {
                c.get()
                    .query_opt(LEASE_CHECK, &[&self.holder, &self.epoch])
                    .map_err(pg_error)
            })
            .is_ok_and(|row| row.is_none())
    }

    /// What a write refused by [`Fence::held`] says.
    pub fn refused(&self, what: &str) -> String {
        format!(
            "fenced: this process's lease (epoch {}) expired or another process took it over; nothing of {what} was written",
            self.epoch
        )
    }
}

/// What a store outside the event log does when one of its writes is fenced (the audit
/// trail, the quick replies): the server stops leading (see `crate::serve`); tests watch.
pub type OnFenced = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

/// Who this process is on the lease, and for how long a lease runs.
#[derive(Clone, Debug)]
pub struct LeaseId {
    /// `host/pid/random`, unique per process start.
    pub holder: String,
    pub lease: Duration,
}

impl LeaseId {
    pub fn new(lease: Duration) -> LeaseId {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "host".into());
        let mut bytes = [0u8; 4];
        let _ = getrandom::fill(&mut bytes);
        let random: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        LeaseId {
            holder: format!("{host}/{}/{random}", std::process::id()),
            lease,
        }
    }

    fn lease_ms(&self) -> f64 {
        self.lease.as_millis() as f64
    }
}

/// The lease row as a standby saw it.
#[derive(Clone, Debug)]
pub struct Holder {
    pub holder: String,
    pub epoch: i64,
    /// The database's log head (for a standby's health body).
    pub last_seq: u64,
}

/// The lease, on a connection of its own.
pub struct Lease {
    url: String,
    client: Option<PgClient>,
    pub id: LeaseId,
}

/// The outcome of a renewal.
#[derive(Debug)]
pub enum Renewal {
    /// Renewed: the lease runs until at least `valid_until` (this process's clock; the
    /// database's expiry is later, the attempt having started before the database's now).
    Renewed { valid_until: Instant },
    /// Another epoch holds it, or it expired: this process is no longer the leader.
    Lost(String),
    /// The database did not answer; try again until the lease runs out.
    Failed(String),
}

impl Lease {
    pub fn new(url: &str, id: LeaseId) -> Lease {
        Lease {
            url: url.to_owned(),
            client: None,
            id,
        }
    }

    fn client(&mut self) -> Result<&mut Client, String> {
        if self.client.as_ref().is_none_or(|c| c.is_closed()) {
            self.client = None;
            // A takeover waits for a leader's commit holding the row (milliseconds); a paused
            // leader's open transaction is ended by its idle timeout, so don't wait longer.
            self.client = Some(PgClient::connect(
                &self.url,
                "SET lock_timeout = '1s'; SET statement_timeout = '5s'",
            )?);
        }
        Ok(self.client.as_mut().expect("just set").get())
    }

    /// Takes the lease if it has expired (or was never held), with the next epoch.
    /// `Ok(Err(holder))`: someone else holds it.
    pub fn try_acquire(&mut self) -> Result<Result<i64, Holder>, String> {
        let holder = self.id.holder.clone();
        let ms = self.id.lease_ms();
        let result = (|| {
            let client = self.client()?;
            let row = client
                .query_opt(
                    "UPDATE lease SET holder = $1, epoch = epoch + 1, acquired_at = clock_timestamp(),
                         expires_at = clock_timestamp() + $2::float8 * interval '1 millisecond'
                     WHERE id = 1 AND expires_at <= clock_timestamp() RETURNING epoch",
                    &[&holder, &ms],
                )
                .map_err(pg_error)?;
            if let Some(row) = row {
                return Ok(Ok(row.get::<_, i64>(0)));
            }
            let row = client
                .query_one(
                    "SELECT holder, epoch, (SELECT coalesce(max(seq), 0) FROM events) FROM lease WHERE id = 1",
                    &[],
                )
                .map_err(pg_error)?;
            Ok(Err(Holder {
                holder: row.get(0),
                epoch: row.get(1),
                last_seq: row.get::<_, i64>(2) as u64,
            }))
        })();
        if result.is_err() {
            self.client = None;
        }
        result
    }

    /// Extends the lease held with `epoch`.
    pub fn renew(&mut self, epoch: i64) -> Renewal {
        let started = Instant::now();
        let holder = self.id.holder.clone();
        let ms = self.id.lease_ms();
        let result = self.client().and_then(|client| {
            client
                .query_opt(
                    "UPDATE lease SET expires_at = clock_timestamp() + $3::float8 * interval '1 millisecond'
                     WHERE id = 1 AND holder = $1 AND epoch = $2 AND expires_at > clock_timestamp()
                     RETURNING epoch",
                    &[&holder, &epoch, &ms],
                )
                .map_err(pg_error)
        });
        match result {
            Ok(Some(_)) => Renewal::Renewed {
                valid_until: started + self.id.lease,
            },
            Ok(None) => {
                let now = self
                    .client()
                    .and_then(|c| {
                        c.query_one("SELECT holder, epoch FROM lease WHERE id = 1", &[])
                            .map_err(pg_error)
                    })
                    .map(|r| {
                        format!(
                            "held by {} with epoch {}",
                            r.get::<_, String>(0),
                            r.get::<_, i64>(1)
                        )
                    })
                    .unwrap_or_else(|e| e);
                Renewal::Lost(format!(
                    "the lease of epoch {epoch} expired or was taken ({now})"
                ))
            }
            Err(e) => {
                self.client = None;
                Renewal::Failed(e)
            }
        }
    }

    /// Gives the lease up (a clean stop), so a standby need not wait for it to expire.
    pub fn release(&mut self, epoch: i64) {
        let holder = self.id.holder.clone();
        if let Ok(client) = self.client() {
            let _ = client.execute(
                "UPDATE lease SET expires_at = clock_timestamp() WHERE id = 1 AND holder = $1 AND epoch = $2",
                &[&holder, &epoch],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_select_postgres_and_anything_else_is_a_file() {
        assert_eq!(
            Db::parse("postgres://u@h/d"),
            Db::Postgres("postgres://u@h/d".into())
        );
        assert!(matches!(Db::parse("postgresql://h/d"), Db::Postgres(_)));
        assert_eq!(Db::parse("omnidesk.db"), Db::Sqlite("omnidesk.db".into()));
        assert_eq!(
            Db::from(PathBuf::from("/tmp/postgres.db")),
            Db::Sqlite("/tmp/postgres.db".into())
        );
        assert_eq!(
            Db::parse("postgres://ana:secret@db:5432/od").describe(),
            "postgres://ana:***@db:5432/od"
        );
        assert_eq!(
            Db::parse("postgres://ana@db/od?password=secret&sslmode=disable").describe(),
            "postgres://ana@db/od?password=***&sslmode=disable"
        );
    }

    /// A URL the client cannot use is refused with the database named (no password) and the
    /// reason, not a bare "invalid connection string".
    #[test]
    fn a_bad_url_says_which_and_why() {
        let e = PgClient::connect("postgres://ana:secret@127.0.0.1/od?bogus=1", "")
            .err()
            .expect("refused");
        assert!(
            e.starts_with("postgres://ana:***@127.0.0.1/od?bogus=1: "),
            "{e}"
        );
        assert!(e.contains("bogus"), "{e}");
        assert!(!e.contains("secret"), "{e}");
    }
}
