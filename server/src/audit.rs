//! The audit trail (issue 18, ASVS V7.1–V7.2): sign-ins, failed sign-ins, throttling,
//! sign-outs, expiries and supervisors' acts, with time, principal, client address and
//! outcome, in the `audit` table of the server's database (the SQLite file, or PostgreSQL with
//! `--db postgres://…`, so a failover keeps the trail).
//!
//! The trail has its own connection to the database and its own writer thread, so the hub's
//! group commits never wait for it (SQLite's WAL lets both write; each waits for the other's
//! lock at most `busy_timeout`). [`Audit::record`] queues a row; [`Audit::page`] first waits
//! for every row queued before it, so what a request recorded is in the next read. Passwords
//! and tokens are never recorded.
//!
//! On PostgreSQL every write transaction is fenced by the lease as the event log's are
//! ([`crate::db::Fence::held`] first): a leader paused past its lease and resumed after a
//! standby took over writes no row, and its [`OnFenced`] stops it leading.

use crate::db::{pg_error, Fence, OnFenced, PgClient};
use omnidesk_wire::http::{AuditAction, AuditEntry, AuditPage};
use rusqlite::{params, Connection};
use std::path::Path;
use std::sync::mpsc;
use std::sync::Mutex;

/// The table; created if missing (a database from before the trail gains it on start-up).
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    principal TEXT NOT NULL,
    address TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT
);
";

/// The largest page `GET /api/audit` returns.
pub const MAX_PAGE: usize = 1000;

/// A row to record.
#[derive(Clone, Debug)]
pub struct Record {
    pub at: u64,
    pub principal: String,
    pub address: String,
    pub action: AuditAction,
    pub outcome: String,
    pub detail: Option<String>,
}

enum Msg {
    Row(Record),
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// The trail: a queue to its writer thread and a connection for reads.
pub struct Audit {
    tx: Mutex<mpsc::Sender<Msg>>,
    read: Mutex<Store>,
}

/// A connection to the trail's table: the SQLite file, or PostgreSQL (reconnected after a
/// failure), so a failover keeps the trail.
enum Store {
    Sqlite(Connection),
    Postgres {
        url: String,
        client: Option<PgClient>,
        /// The writer's: the lease its transactions check (`None` for the reader).
        fence: Option<Fence>,
    },
}

/// Why rows were not written.
enum WriteError {
    /// The lease is no longer this process's: nothing was written.
    Fenced(String),
    Failed(String),
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.execute_batch("PRAGMA busy_timeout = 5000;")?;
    Ok(conn)
}

fn name(action: AuditAction) -> String {
    serde_json::to_value(action)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "other".into())
}

/// A row as the tables hold it: `(id, at, principal, address, action, outcome, detail)`.
type Row = (i64, i64, String, String, String, String, Option<String>);

impl Store {
    fn pg(&mut self) -> Result<&mut postgres::Client, String> {
        let Store::Postgres { url, client, .. } = self else {
            unreachable!("only called on PostgreSQL")
        };
        if client.as_ref().is_none_or(|c| c.is_closed()) {
            *client = Some(PgClient::connect(url, "")?);
        }
        Ok(client.as_mut().expect("just set").get())
    }

    fn forget(&mut self) {
        if let Store::Postgres { client, .. } = self {
            *client = None;
        }
    }

    fn insert(&mut self, rows: &[Record]) -> Result<(), WriteError> {
        let result = match self {
            Store::Sqlite(conn) => (|| -> rusqlite::Result<()> {
                let tx = conn.transaction()?;
                {
                    let mut ins = tx.prepare_cached(
                        "INSERT INTO audit (at, principal, address, action, outcome, detail) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?;
                    for r in rows {
                        ins.execute(params![
                            r.at as i64,
                            r.principal,
                            r.address,
                            name(r.action),
                            r.outcome,
                            r.detail
                        ])?;
                    }
                }
                tx.commit()
            })()
            .map_err(|e| WriteError::Failed(format!("sqlite: {e}"))),
            Store::Postgres { fence, .. } => {
                let fence = fence.clone().expect("the writer has the fence");
                (|| {
                    let failed = WriteError::Failed;
                    let client = self.pg().map_err(failed)?;
                    let mut tx = client.transaction().map_err(|e| failed(pg_error(e)))?;
                    if !fence
                        .held(&mut tx, crate::db::LEASE_CHECK)
                        .map_err(|e| failed(pg_error(e)))?
                    {
                        let _ = tx.rollback();
                        return Err(WriteError::Fenced(fence.refused("these audit rows")));
                    }
                    for r in rows {
                        tx.execute(
                            "INSERT INTO audit (at, principal, address, action, outcome, detail) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                            &[
                                &(r.at as i64),
                                &r.principal,
                                &r.address,
                                &name(r.action),
                                &r.outcome,
                                &r.detail,
                            ],
                        )
                        .map_err(|e| failed(pg_error(e)))?;
                    }
                    tx.commit().map_err(|e| failed(pg_error(e)))
                })()
            }
        };
        match result {
            Err(WriteError::Failed(e)) => {
                self.forget();
                // A failure while the lease is gone is a fenced leader's (see `crate::db`).
                match self {
                    Store::Postgres {
                        url,
                        fence: Some(fence),
                        ..
                    } if fence.lost(url) => Err(WriteError::Fenced(format!(
                        "{} ({e})",
                        fence.refused("these audit rows")
                    ))),
                    _ => Err(WriteError::Failed(e)),
                }
            }
            other => other,
        }
    }

    fn rows(&mut self, before: i64, limit: i64) -> Result<Vec<Row>, String> {
        let result = match self {
            Store::Sqlite(conn) => (|| -> rusqlite::Result<Vec<Row>> {
                let mut stmt = conn.prepare_cached(
                    "SELECT id, at, principal, address, action, outcome, detail FROM audit \
                     WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
                )?;
                let rows = stmt.query_map(params![before, limit], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                })?;
                rows.collect()
            })()
            .map_err(|e| e.to_string()),
            Store::Postgres { .. } => self.pg().and_then(|c| {
                c.query(
                    "SELECT id, at, principal, address, action, outcome, detail FROM audit \
                     WHERE id < $1 ORDER BY id DESC LIMIT $2",
                    &[&before, &limit],
                )
                .map_err(pg_error)
                .map(|rows| {
                    rows.iter()
                        .map(|r| {
                            (
                                r.get(0),
                                r.get(1),
                                r.get(2),
                                r.get(3),
                                r.get(4),
                                r.get(5),
                                r.get(6),
                            )
                        })
                        .collect()
                })
            }),
        };
        if result.is_err() {
            self.forget();
        }
        result
    }
}

impl Audit {
    /// Opens the trail in the database at `path` (after the event log opened it in WAL mode).
    pub fn open(path: &Path) -> Result<Audit, String> {
        let err = |e: rusqlite::Error| format!("{}: the audit table: {e}", path.display());
        let write = open(path).map_err(err)?;
        write.execute_batch(SCHEMA).map_err(err)?;
        let read = open(path).map_err(err)?;
        Audit::start(Store::Sqlite(write), Store::Sqlite(read), None)
    }

    /// Opens the trail in PostgreSQL (the table is [`crate::db::MIGRATIONS`]'), writing under
    /// `fence`; a write refused because the lease is gone calls `on_fenced`. Blocking: call it
    /// off the async runtime.
    pub fn open_postgres(url: &str, fence: Fence, on_fenced: OnFenced) -> Result<Audit, String> {
        let mut client = PgClient::connect(url, "")?;
        crate::db::migrate(client.get())?;
        let write = Store::Postgres {
            url: url.to_owned(),
            client: Some(client),
            fence: Some(fence),
        };
        let read = Store::Postgres {
            url: url.to_owned(),
            client: None,
            fence: None,
        };
        Audit::start(write, read, Some(on_fenced))
    }

    fn start(write: Store, read: Store, on_fenced: Option<OnFenced>) -> Result<Audit, String> {
        let (tx, rx) = mpsc::channel::<Msg>();
        std::thread::Builder::new()
            .name("omnidesk-audit".into())
            .spawn(move || writer(write, rx, on_fenced))
            .map_err(|e| format!("could not start the audit thread: {e}"))?;
        Ok(Audit {
            tx: Mutex::new(tx),
            read: Mutex::new(read),
        })
    }

    /// Queues a row (never blocks the caller on the database).
    pub fn record(&self, record: Record) {
        if let Ok(tx) = self.tx.lock() {
            let _ = tx.send(Msg::Row(record));
        }
    }

    /// Waits until every row queued so far is written.
    pub async fn flush(&self) {
        let (reply, rx) = tokio::sync::oneshot::channel();
        if let Ok(tx) = self.tx.lock() {
            let _ = tx.send(Msg::Flush(reply));
        }
        let _ = rx.await;
    }

    /// Newest first: rows with `id < before` (all if `None`), at most `limit`. Blocking.
    pub fn page(&self, before: Option<u64>, limit: usize) -> Result<AuditPage, String> {
        let limit = limit.clamp(1, MAX_PAGE);
        let mut store = self.read.lock().map_err(|_| "the audit reader failed")?;
        let before = before.map_or(i64::MAX, |b| b.min(i64::MAX as u64) as i64);
        let mut entries: Vec<AuditEntry> = store
            .rows(before, (limit + 1) as i64)?
            .into_iter()
            .map(
                |(id, at, principal, address, action, outcome, detail)| AuditEntry {
                    id: id as u64,
                    at: at as u64,
                    principal,
                    address,
                    action: serde_json::from_value(serde_json::Value::String(action))
                        .unwrap_or(AuditAction::Other),
                    outcome,
                    detail,
                },
            )
            .collect();
        let more = entries.len() > limit;
        entries.truncate(limit);
        let next_before = if more {
            entries.last().map(|e| e.id)
        } else {
            None
        };
        Ok(AuditPage {
            entries,
            next_before,
        })
    }
}

/// Writes queued rows, all that are waiting in one transaction.
fn writer(mut store: Store, rx: mpsc::Receiver<Msg>, on_fenced: Option<OnFenced>) {
    while let Ok(first) = rx.recv() {
        let mut msgs = vec![first];
        while let Ok(m) = rx.try_recv() {
            msgs.push(m);
        }
        let mut flushes = Vec::new();
        let mut rows = Vec::new();
        for m in msgs {
            match m {
                Msg::Row(r) => rows.push(r),
                Msg::Flush(reply) => flushes.push(reply),
            }
        }
        if !rows.is_empty() {
            match store.insert(&rows) {
                Ok(()) => {}
                Err(WriteError::Fenced(why)) => {
                    eprintln!("omnidesk-server: the audit trail: {why}");
                    if let Some(on_fenced) = &on_fenced {
                        on_fenced(&why);
                    }
                }
                // The trail must not stop the server; say so loudly where operators look.
                Err(WriteError::Failed(e)) => {
                    eprintln!("omnidesk-server: writing the audit trail failed: {e}")
                }
            }
        }
        for f in flushes {
            let _ = f.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn rows_page_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let audit = Audit::open(&dir.path().join("a.db")).unwrap();
        for i in 0..5 {
            audit.record(Record {
                at: i,
                principal: format!("p{i}"),
                address: "127.0.0.1".into(),
                action: AuditAction::SignIn,
                outcome: "ok".into(),
                detail: None,
            });
        }
        audit.flush().await;
        let first = audit.page(None, 2).unwrap();
        assert_eq!(
            first.entries.iter().map(|e| e.at).collect::<Vec<_>>(),
            [4, 3]
        );
        let second = audit.page(first.next_before, 10).unwrap();
        assert_eq!(
            second.entries.iter().map(|e| e.at).collect::<Vec<_>>(),
            [2, 1, 0]
        );
        assert_eq!(second.next_before, None);
        assert_eq!(second.entries[0].action, AuditAction::SignIn);
    }
}
