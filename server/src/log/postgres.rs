//! The PostgreSQL backend: the schema of [`crate::db::MIGRATIONS`], one transaction per batch
//! (the events as one multi-row insert), and every write fenced by the lease: the transaction
//! begins with [`crate::db::LEASE_CHECK`] and rolls back, having written and acknowledging
//! nothing, when this process's epoch no longer holds the lease ([`LogError::is_fenced`]); a
//! write that fails otherwise while the lease is gone is reported as fenced too.

use super::{ActionKey, Batch, EventLog, EventReader, LogError, LoggedEvent, SessionOp, Snapshot};
use crate::auth::{Principal, TokenHash};
use crate::db::{migrate, pg_error, Db, PgClient, LEASE_CHECK};
use omnidesk_core::{AgentId, ItemId, QueueId, Stamped};
use postgres::{Statement, Transaction};
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

fn err(e: postgres::Error) -> LogError {
    LogError::new(pg_error(e))
}

pub use crate::db::Fence;

/// The event log in PostgreSQL, on the hub's own connection (see the module doc).
pub struct PgLog {
    client: PgClient,
    url: String,
    fence: Fence,
    /// The session's idle-in-transaction timeout (the lease's length).
    idle: Duration,
    /// Prepared once: each use is then one round trip instead of two (parse, then run).
    sql: Statements,
}

/// The hub's frequent statements, prepared on its connection.
struct Statements {
    lease_check: Statement,
    insert_events: Statement,
    insert_actions: Statement,
    put_session: Statement,
    delete_session: Statement,
    find_actions: Statement,
}

impl Statements {
    fn prepare(c: &mut postgres::Client) -> Result<Statements, postgres::Error> {
        Ok(Statements {
            lease_check: c.prepare(LEASE_CHECK)?,
            // Queue ids joined by U+001F (unit separator), which ids never contain.
            insert_events: c.prepare(
                "INSERT INTO events (seq, at, item, kind, event, queues, agent, epoch)
                 SELECT s, a, i, k, e, string_to_array(q, chr(31)), g, $8
                 FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                     AS t(s, a, i, k, e, q, g)",
            )?,
            insert_actions: c.prepare(
                "INSERT INTO actions (principal, client_id, action_id, input, outcome, at)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[])",
            )?,
            put_session: c.prepare(
                "INSERT INTO sessions (token_hash, principal, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (token_hash) DO UPDATE
                 SET principal = excluded.principal, created_at = excluded.created_at",
            )?,
            delete_session: c.prepare("DELETE FROM sessions WHERE token_hash = $1")?,
            find_actions: c.prepare(
                "SELECT a.principal, a.client_id, a.action_id, a.input, a.outcome
                 FROM unnest($1::text[], $2::text[], $3::text[]) AS k(p, c, i)
                 JOIN actions a ON a.principal = k.p AND a.client_id = k.c AND a.action_id = k.i",
            )?,
        })
    }
}

/// The hub's session: commits durable before they return; a transaction left open (a leader
/// paused mid-batch) ends after `idle`, so it cannot hold the lease row against a takeover.
fn writer_settings(idle: Duration) -> String {
    format!(
        "SET synchronous_commit = on; SET idle_in_transaction_session_timeout = {}",
        idle.as_millis().max(1)
    )
}

impl PgLog {
    /// Connects (migrating the schema forward) to write under `fence`; `idle` bounds how long a
    /// transaction may stay open (the lease's length).
    pub fn open(url: &str, fence: Fence, idle: Duration) -> Result<PgLog, LogError> {
        let mut client = PgClient::connect(url, &writer_settings(idle)).map_err(LogError::new)?;
        migrate(client.get()).map_err(LogError::new)?;
        let sql = Statements::prepare(client.get()).map_err(err)?;
        Ok(PgLog {
            client,
            url: url.to_owned(),
            fence,
            idle,
            sql,
        })
    }

    /// The hub's connection, opened again (statements prepared again) if it was closed — a
    /// restarted database, or a session ended by its idle timeout while this process was
    /// paused. Every write is its own fenced transaction, so a new connection is as safe as
    /// the old one.
    fn client(&mut self) -> Result<&mut postgres::Client, LogError> {
        if self.client.is_closed() {
            let mut client =
                PgClient::connect(&self.url, &writer_settings(self.idle)).map_err(LogError::new)?;
            self.sql = Statements::prepare(client.get()).map_err(err)?;
            self.client = client;
        }
        Ok(self.client.get())
    }

    /// A failed write, said as "fenced" when the reason is that the lease is gone: a write
    /// that failed for another reason first (the connection ended by its idle timeout while
    /// this process was paused, a conflict with the new leader's rows) is still a fenced
    /// leader's, and exits as one.
    fn explain(&mut self, e: LogError) -> LogError {
        if e.is_fenced() {
            return e;
        }
        if self.fence.lost(&self.url) {
            return LogError::fenced(format!("{} ({e})", self.fence.refused("this batch")));
        }
        // Still ours, or the database cannot say: an ordinary failure.
        e
    }

    /// Runs `write` in a transaction that first locks the lease row where it is still this
    /// process's (holder, epoch, unexpired), and commits only then. Checked before anything
    /// is written: a fenced leader never meets the new leader's rows (a duplicate seq), it
    /// is told it is fenced. The row lock (`FOR SHARE`) stays until the commit, so a
    /// takeover's `UPDATE` of the row waits for this commit, or this check waits for the
    /// takeover and then finds the row changed: each commit is wholly before or after it.
    fn write_fenced(
        &mut self,
        write: impl FnOnce(&mut Transaction<'_>, &Statements, &Fence) -> Result<(), LogError>,
    ) -> Result<(), LogError> {
        let fence = self.fence.clone();
        let result = (|| {
            self.client()?;
            let sql = &self.sql;
            let mut tx = self.client.get().transaction().map_err(err)?;
            if !fence.held(&mut tx, &sql.lease_check).map_err(err)? {
                let _ = tx.rollback();
                return Err(LogError::fenced(fence.refused("this batch")));
            }
            write(&mut tx, sql, &fence)?;
            tx.commit().map_err(err)
        })();
        result.map_err(|e| self.explain(e))
    }
}

fn join_queues(queues: &Option<Vec<QueueId>>) -> Option<String> {
    queues.as_ref().map(|q| {
        q.iter()
            .map(|q| q.as_str())
            .collect::<Vec<_>>()
            .join("\u{1f}")
    })
}

impl EventLog for PgLog {
    fn stored_config(&mut self) -> Result<Option<String>, LogError> {
        Ok(self
            .client()?
            .query_opt("SELECT value FROM meta WHERE key = 'config'", &[])
            .map_err(err)?
            .map(|r| r.get(0)))
    }

    fn store_config(&mut self, config: &str) -> Result<(), LogError> {
        self.write_fenced(|tx, _, _| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('config', $1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&config],
            )
            .map_err(err)?;
            Ok(())
        })
    }

    fn describe(&self) -> String {
        Db::Postgres(self.url.clone()).describe()
    }

    fn latest_snapshot(&mut self) -> Result<Option<Snapshot>, LogError> {
        Ok(self
            .client()?
            .query_opt(
                "SELECT seq, now, state FROM snapshots ORDER BY seq DESC LIMIT 1",
                &[],
            )
            .map_err(err)?
            .map(|r| Snapshot {
                seq: r.get::<_, i64>(0) as u64,
                now: r.get::<_, i64>(1) as u64,
                state: r.get(2),
            }))
    }

    fn replay(&mut self, after: u64, f: &mut dyn FnMut(Stamped)) -> Result<(), LogError> {
        // In pages, so a long log never sits in memory whole.
        let mut after = after as i64;
        loop {
            let rows = self
                .client()?
                .query(
                    "SELECT seq, event FROM events WHERE seq > $1 ORDER BY seq LIMIT 10000",
                    &[&after],
                )
                .map_err(err)?;
            let Some(last) = rows.last() else {
                return Ok(());
            };
            after = last.get(0);
            for row in &rows {
                let seq: i64 = row.get(0);
                let json: &str = row.get(1);
                let stamped: Stamped = serde_json::from_str(json).map_err(|e| {
                    LogError::new(format!("event {seq} in the log does not parse: {e}"))
                })?;
                f(stamped);
            }
        }
    }

    fn sessions(&mut self) -> Result<Vec<(TokenHash, Principal, u64)>, LogError> {
        let rows = self
            .client()?
            .query(
                "SELECT token_hash, principal, created_at FROM sessions",
                &[],
            )
            .map_err(err)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let hash: Vec<u8> = row.get(0);
            let hash: TokenHash = hash
                .try_into()
                .map_err(|_| LogError::new("a session token hash is not 32 bytes"))?;
            let principal: &str = row.get(1);
            out.push((
                hash,
                serde_json::from_str(principal)?,
                row.get::<_, i64>(2) as u64,
            ));
        }
        Ok(out)
    }

    fn append(&mut self, batch: &Batch) -> Result<(), LogError> {
        self.write_fenced(|tx, sql, fence| {
            if !batch.events.is_empty() {
                let n = batch.events.len();
                let (mut seq, mut at, mut item, mut kind, mut event, mut queues, mut agent) = (
                    Vec::with_capacity(n),
                    Vec::with_capacity(n),
                    Vec::with_capacity(n),
                    Vec::with_capacity(n),
                    Vec::with_capacity(n),
                    Vec::with_capacity(n),
                    Vec::with_capacity(n),
                );
                for e in &batch.events {
                    seq.push(e.seq as i64);
                    at.push(e.at as i64);
                    item.push(e.item.as_ref().map(|i| i.as_str()));
                    kind.push(e.kind.as_str());
                    event.push(e.json.get());
                    queues.push(join_queues(&e.queues));
                    agent.push(e.agent.as_ref().map(|a| a.as_str()));
                }
                tx.execute(
                    &sql.insert_events,
                    &[
                        &seq,
                        &at,
                        &item,
                        &kind,
                        &event,
                        &queues,
                        &agent,
                        &fence.epoch,
                    ],
                )
                .map_err(err)?;
            }
            if !batch.actions.is_empty() {
                let (mut p, mut c, mut id, mut input, mut outcome, mut at) =
                    (vec![], vec![], vec![], vec![], vec![], vec![]);
                for a in &batch.actions {
                    p.push(a.key.principal.as_str());
                    c.push(a.key.client_id.as_str());
                    id.push(a.key.action_id.as_str());
                    input.push(a.input.as_str());
                    outcome.push(a.outcome.as_str());
                    at.push(a.at as i64);
                }
                tx.execute(&sql.insert_actions, &[&p, &c, &id, &input, &outcome, &at])
                    .map_err(err)?;
            }
            for s in &batch.sessions {
                match s {
                    SessionOp::Put {
                        hash,
                        principal,
                        at,
                    } => {
                        tx.execute(
                            &sql.put_session,
                            &[
                                &&hash[..],
                                &serde_json::to_string(principal)?,
                                &(*at as i64),
                            ],
                        )
                        .map_err(err)?;
                    }
                    SessionOp::Delete { hash } => {
                        tx.execute(&sql.delete_session, &[&&hash[..]])
                            .map_err(err)?;
                    }
                }
            }
            Ok(())
        })
    }

    fn find_actions(
        &mut self,
        keys: &[ActionKey],
    ) -> Result<HashMap<ActionKey, (String, String)>, LogError> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let principals: Vec<&str> = keys.iter().map(|k| k.principal.as_str()).collect();
        let clients: Vec<&str> = keys.iter().map(|k| k.client_id.as_str()).collect();
        let ids: Vec<&str> = keys.iter().map(|k| k.action_id.as_str()).collect();
        self.client()?;
        let rows = self
            .client
            .get()
            .query(&self.sql.find_actions, &[&principals, &clients, &ids])
            .map_err(err)?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let key = ActionKey {
                    principal: r.get(0),
                    client_id: r.get(1),
                    action_id: r.get(2),
                };
                (key, (r.get(3), r.get(4)))
            })
            .collect())
    }

    fn save_snapshot(&mut self, snapshot: &Snapshot) -> Result<(), LogError> {
        let seq = snapshot.seq as i64;
        self.write_fenced(|tx, _, _| {
            tx.execute(
                "INSERT INTO snapshots (seq, now, state) VALUES ($1, $2, $3)
                 ON CONFLICT (seq) DO UPDATE SET now = excluded.now, state = excluded.state",
                &[&seq, &(snapshot.now as i64), &snapshot.state],
            )
            .map_err(err)?;
            tx.execute("DELETE FROM snapshots WHERE seq < $1", &[&seq])
                .map_err(err)?;
            Ok(())
        })
    }

    fn reader(&self) -> Result<Box<dyn EventReader>, LogError> {
        Ok(Box::new(PgReader::new(&self.url)))
    }
}

/// Connections of its own for readers catching up, opened when first used (always inside
/// `spawn_blocking` or a thread of its own) and again after a failure.
pub struct PgReader {
    url: String,
    conns: Vec<Mutex<Option<PgClient>>>,
    next: AtomicUsize,
}

/// Readers' connections: catch-up pages are short queries, a few suffice.
const READERS: usize = 4;

impl PgReader {
    pub fn new(url: &str) -> PgReader {
        PgReader {
            url: url.to_owned(),
            conns: (0..READERS).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
        }
    }
}

fn row_to_event(r: &postgres::Row) -> Result<LoggedEvent, LogError> {
    let json: String = r.get(4);
    Ok(LoggedEvent {
        seq: r.get::<_, i64>(0) as u64,
        at: r.get::<_, i64>(1) as u64,
        item: r.get::<_, Option<String>>(2).map(ItemId::from),
        kind: r.get(3),
        json: RawValue::from_string(json)?,
        queues: r
            .get::<_, Option<Vec<String>>>(5)
            .map(|q| q.into_iter().map(QueueId::from).collect()),
        agent: r.get::<_, Option<String>>(6).map(AgentId::from),
    })
}

impl EventReader for PgReader {
    fn events_after(
        &self,
        after: u64,
        limit: usize,
        item: Option<&ItemId>,
    ) -> Result<Vec<LoggedEvent>, LogError> {
        let slot = self
            .conns
            .iter()
            .find_map(|c| c.try_lock().ok())
            .map(Ok)
            .unwrap_or_else(|| {
                let i = self.next.fetch_add(1, Ordering::Relaxed) % self.conns.len();
                self.conns[i].lock()
            });
        let mut slot = slot.map_err(|_| LogError::new("reader lock poisoned"))?;
        if slot.as_ref().is_none_or(|c| c.is_closed()) {
            *slot = Some(PgClient::connect(&self.url, "").map_err(LogError::new)?);
        }
        let client = slot.as_mut().expect("just set").get();
        let limit = limit.min(10_000) as i64;
        let after = after as i64;
        let rows = match item {
            None => client.query(
                "SELECT seq, at, item, kind, event, queues, agent FROM events
                 WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&after, &limit],
            ),
            Some(item) => client.query(
                "SELECT seq, at, item, kind, event, queues, agent FROM events
                 WHERE item = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                &[&item.as_str(), &after, &limit],
            ),
        };
        let rows = match rows {
            Ok(rows) => rows,
            Err(e) => {
                *slot = None;
                return Err(err(e));
            }
        };
        rows.iter().map(row_to_event).collect()
    }
}
