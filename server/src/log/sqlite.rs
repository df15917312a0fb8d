//! The SQLite backend (see the parent module's doc for its durability).

use super::{ActionKey, Batch, EventLog, EventReader, LogError, LoggedEvent, SessionOp, Snapshot};
use crate::auth::{Principal, TokenHash};
use omnidesk_core::{AgentId, ItemId, QueueId, Stamped};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde_json::value::RawValue;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The SQLite backend: one file, WAL, `synchronous = FULL` (see the module doc).
pub struct SqliteLog {
    conn: Connection,
    path: PathBuf,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    item TEXT,
    kind TEXT NOT NULL,
    event TEXT NOT NULL,
    queues TEXT,
    agent TEXT
);
CREATE INDEX IF NOT EXISTS events_by_item ON events (item, seq);
CREATE TABLE IF NOT EXISTS actions (
    principal TEXT NOT NULL,
    client_id TEXT NOT NULL,
    action_id TEXT NOT NULL,
    input TEXT NOT NULL,
    outcome TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (principal, client_id, action_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (
    token_hash BLOB PRIMARY KEY,
    principal TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (seq INTEGER PRIMARY KEY, now INTEGER NOT NULL, state TEXT NOT NULL);
";

impl SqliteLog {
    /// Opens (or creates) the database file.
    pub fn open(path: &Path) -> Result<SqliteLog, LogError> {
        let conn = Connection::open(path)?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(LogError::new(format!(
                "{}: could not switch to WAL (journal_mode is {mode})",
                path.display()
            )));
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;")?;
        conn.execute_batch(SCHEMA)?;
        // Logs written before per-queue subscriptions lack the routing columns; their events
        // read back with `queues` unknown (delivered to every filtered subscription).
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('events')")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for column in ["queues", "agent"] {
            if !columns.iter().any(|c| c == column) {
                conn.execute_batch(&format!("ALTER TABLE events ADD COLUMN {column} TEXT"))?;
            }
        }
        Ok(SqliteLog {
            conn,
            path: path.to_owned(),
        })
    }
}

fn row_to_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<LoggedEvent> {
    Ok(LoggedEvent {
        seq: r.get::<_, i64>(0)? as u64,
        at: r.get::<_, i64>(1)? as u64,
        item: r.get::<_, Option<String>>(2)?.map(ItemId::from),
        kind: r.get(3)?,
        json: RawValue::from_string(r.get(4)?).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
        })?,
        queues: r.get::<_, Option<String>>(5)?.map(|q| {
            q.split('\u{1f}')
                .filter(|q| !q.is_empty())
                .map(QueueId::from)
                .collect()
        }),
        agent: r.get::<_, Option<String>>(6)?.map(AgentId::from),
    })
}

impl EventLog for SqliteLog {
    fn stored_config(&mut self) -> Result<Option<String>, LogError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'config'", [], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn store_config(&mut self, config: &str) -> Result<(), LogError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('config', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![config],
        )?;
        Ok(())
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn latest_snapshot(&mut self) -> Result<Option<Snapshot>, LogError> {
        Ok(self
            .conn
            .query_row(
                "SELECT seq, now, state FROM snapshots ORDER BY seq DESC LIMIT 1",
                [],
                |r| {
                    Ok(Snapshot {
                        seq: r.get::<_, i64>(0)? as u64,
                        now: r.get::<_, i64>(1)? as u64,
                        state: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    fn replay(&mut self, after: u64, f: &mut dyn FnMut(Stamped)) -> Result<(), LogError> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, event FROM events WHERE seq > ?1 ORDER BY seq")?;
        let mut rows = stmt.query(params![after as i64])?;
        while let Some(row) = rows.next()? {
            let seq: i64 = row.get(0)?;
            let json: String = row.get(1)?;
            let stamped: Stamped = serde_json::from_str(&json).map_err(|e| {
                LogError::new(format!("event {seq} in the log does not parse: {e}"))
            })?;
            f(stamped);
        }
        Ok(())
    }

    fn sessions(&mut self) -> Result<Vec<(TokenHash, Principal, u64)>, LogError> {
        let mut stmt = self
            .conn
            .prepare("SELECT token_hash, principal, created_at FROM sessions")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (hash, principal, created) = row?;
            let hash: TokenHash = hash
                .try_into()
                .map_err(|_| LogError::new("a session token hash is not 32 bytes"))?;
            out.push((hash, serde_json::from_str(&principal)?, created as u64));
        }
        Ok(out)
    }

    fn append(&mut self, batch: &Batch) -> Result<(), LogError> {
        let tx = self.conn.transaction()?;
        {
            let mut ev = tx.prepare_cached(
                "INSERT INTO events (seq, at, item, kind, event, queues, agent) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for e in &batch.events {
                // Queue ids joined by U+001F (unit separator), which ids never contain.
                let queues = e.queues.as_ref().map(|q| {
                    q.iter()
                        .map(|q| q.as_str())
                        .collect::<Vec<_>>()
                        .join("\u{1f}")
                });
                ev.execute(params![
                    e.seq as i64,
                    e.at as i64,
                    e.item.as_ref().map(|i| i.as_str()),
                    e.kind,
                    e.json.get(),
                    queues,
                    e.agent.as_ref().map(|a| a.as_str())
                ])?;
            }
            let mut ac = tx.prepare_cached(
                "INSERT INTO actions (principal, client_id, action_id, input, outcome, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for a in &batch.actions {
                ac.execute(params![
                    a.key.principal,
                    a.key.client_id,
                    a.key.action_id,
                    a.input,
                    a.outcome,
                    a.at as i64
                ])?;
            }
            for s in &batch.sessions {
                match s {
                    SessionOp::Put {
                        hash,
                        principal,
                        at,
                    } => {
                        tx.execute(
                            "INSERT OR REPLACE INTO sessions (token_hash, principal, created_at) \
                             VALUES (?1, ?2, ?3)",
                            params![&hash[..], serde_json::to_string(principal)?, *at as i64],
                        )?;
                    }
                    SessionOp::Delete { hash } => {
                        tx.execute(
                            "DELETE FROM sessions WHERE token_hash = ?1",
                            params![&hash[..]],
                        )?;
                    }
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn find_action(&mut self, key: &ActionKey) -> Result<Option<(String, String)>, LogError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT input, outcome FROM actions \
                 WHERE principal = ?1 AND client_id = ?2 AND action_id = ?3",
            )?
            .query_row(params![key.principal, key.client_id, key.action_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    fn save_snapshot(&mut self, snapshot: &Snapshot) -> Result<(), LogError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO snapshots (seq, now, state) VALUES (?1, ?2, ?3)",
            params![snapshot.seq as i64, snapshot.now as i64, snapshot.state],
        )?;
        tx.execute(
            "DELETE FROM snapshots WHERE seq < ?1",
            params![snapshot.seq as i64],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn reader(&self) -> Result<Box<dyn EventReader>, LogError> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch("PRAGMA busy_timeout = 5000;")?;
        Ok(Box::new(SqliteReader {
            conn: Mutex::new(conn),
        }))
    }
}

/// A read-only connection to the same file (WAL lets it read while the hub writes).
struct SqliteReader {
    conn: Mutex<Connection>,
}

impl EventReader for SqliteReader {
    fn events_after(
        &self,
        after: u64,
        limit: usize,
        item: Option<&ItemId>,
    ) -> Result<Vec<LoggedEvent>, LogError> {
        let conn = self
            .conn
            .lock()
            .map_err(|_| LogError::new("reader lock poisoned"))?;
        let limit = limit.min(10_000) as i64;
        let out = match item {
            None => conn
                .prepare_cached(
                    "SELECT seq, at, item, kind, event, queues, agent FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                )?
                .query_map(params![after as i64, limit], row_to_event)?
                .collect::<Result<Vec<_>, _>>()?,
            Some(item) => conn
                .prepare_cached(
                    "SELECT seq, at, item, kind, event, queues, agent FROM events WHERE item = ?1 AND seq > ?2 \
                     ORDER BY seq LIMIT ?3",
                )?
                .query_map(params![item.as_str(), after as i64, limit], row_to_event)?
                .collect::<Result<Vec<_>, _>>()?,
        };
        Ok(out)
    }
}
