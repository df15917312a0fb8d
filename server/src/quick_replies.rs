//! Quick replies (issue 17): the centre's, read from the configuration's `quick_replies` and
//! checked at load ([`from_config`]: a bad entry refuses the file, naming the field), and each
//! agent's personal ones, kept in the server's database ([`QuickReplyStore`]: the SQLite file,
//! or PostgreSQL with `--db postgres://…`, so a failover keeps them).
//!
//! The store is not the event log: a personal reply is nobody's routing state, so it has its
//! own connection and table and never passes through the hub. Its schema is versioned in the
//! `meta` table (key `schema.quick_replies`) and migrated forward on open, so a database
//! written before quick replies existed opens and gains the table, and a later version can
//! add migrations after the first. The limits (200 per agent, title ≤ 120 characters, text
//! ≤ 4000, tags) are omnidesk-wire's ([`omnidesk_wire::http::quick_reply`]), the same the app
//! checks against.
//!
//! On PostgreSQL every change (create, update, delete) is a transaction fenced by the lease
//! as the event log's writes are ([`crate::db::Fence::held`] first): a leader paused past its
//! lease and resumed after a standby took over changes nothing, answers 503
//! ([`StoreError::Fenced`]) and its [`OnFenced`] stops it leading.

use crate::db::{pg_error, Fence, OnFenced, PgClient, LEASE_CHECK};
use omnidesk_core::AgentId;
use omnidesk_wire::http::{quick_reply, QuickReply, QuickReplyDraft};
use omnidesk_wire::ErrorBody;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::sync::Mutex;

/// The configuration's `quick_replies` (absent or `null`: none). `Err` names the field, e.g.
/// `field `quick_replies[3].text`: empty`.
pub fn from_config(value: Option<&Value>) -> Result<Vec<QuickReply>, String> {
    let list = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => {
            return Err(
                "field `quick_replies`: expected an array of {id, title, text, tags?}".into(),
            )
        }
    };
    let mut ids = BTreeSet::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let at =
            |field: &str, reason: &str| format!("field `quick_replies[{i}].{field}`: {reason}");
        let reply: QuickReply = serde_path_to_error::deserialize(v).map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." {
                // serde names a missing field in its message only.
                e.inner()
                    .to_string()
                    .split('`')
                    .nth(1)
                    .unwrap_or("(entry)")
                    .to_owned()
            } else {
                path
            };
            at(&field, &e.inner().to_string())
        })?;
        if let Err(e) = reply.check() {
            return Err(at(e.field.as_deref().unwrap_or("(entry)"), &e.reason));
        }
        if !ids.insert(reply.id.clone()) {
            return Err(at(
                "id",
                &format!("\"{}\" is the id of an earlier entry", reply.id),
            ));
        }
        out.push(reply);
    }
    Ok(out)
}

/// Why a store operation failed.
#[derive(Debug)]
pub enum StoreError {
    /// The agent already keeps [`quick_reply::PERSONAL_MAX`] replies.
    Full,
    /// The database failed.
    Db(String),
    /// PostgreSQL: this process's lease is gone (another process leads); nothing was changed.
    Fenced(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Full => write!(
                f,
                "you already have {} personal quick replies; delete one first",
                quick_reply::PERSONAL_MAX
            ),
            StoreError::Db(e) | StoreError::Fenced(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(format!("sqlite: {e}"))
    }
}

impl StoreError {
    /// The answer a client gets: 422 naming the list when it is full, 503 otherwise.
    pub fn body(&self) -> ErrorBody {
        match self {
            StoreError::Full => ErrorBody::invalid("(body)", self.to_string()),
            StoreError::Db(_) => ErrorBody::new(
                omnidesk_wire::ErrorKind::Unavailable,
                "the quick replies could not be read or saved",
            ),
            StoreError::Fenced(_) => ErrorBody::new(
                omnidesk_wire::ErrorKind::Unavailable,
                "this server is no longer the leader (another process holds the lease); \
                 nothing was changed; send requests to the leader",
            ),
        }
    }
}

/// The schema's migrations, in order; `MIGRATIONS[n]` brings version `n` to `n + 1`.
const MIGRATIONS: &[&str] = &["CREATE TABLE quick_replies (
        agent TEXT NOT NULL,
        id TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        tags TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (agent, id)
    ) WITHOUT ROWID;"];

const VERSION_KEY: &str = "schema.quick_replies";

/// Agents' personal quick replies, in the server's database (see the module doc).
pub struct QuickReplyStore {
    backend: Backend,
}

enum Backend {
    Sqlite(SqliteReplies),
    Postgres(PgReplies),
}

/// In the SQLite file.
struct SqliteReplies {
    conn: Mutex<Connection>,
}

/// In PostgreSQL (the table is [`crate::db::MIGRATIONS`]'), so a failover keeps them.
struct PgReplies {
    url: String,
    conn: Mutex<Option<PgClient>>,
    /// The lease every change checks, and what a refused one calls.
    fence: Fence,
    on_fenced: OnFenced,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<QuickReply> {
    let tags: String = r.get(3)?;
    Ok(QuickReply {
        id: r.get(0)?,
        title: r.get(1)?,
        text: r.get(2)?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
    })
}

impl QuickReplyStore {
    /// Opens the table in the database file at `path`, migrating it forward.
    pub fn open(path: &Path) -> Result<QuickReplyStore, StoreError> {
        Ok(QuickReplyStore {
            backend: Backend::Sqlite(SqliteReplies::open(path)?),
        })
    }

    /// Opens the table in PostgreSQL (migrating the schema forward), changing it under `fence`;
    /// a change refused because the lease is gone calls `on_fenced`. Blocking: call it off
    /// the async runtime.
    pub fn open_postgres(
        url: &str,
        fence: Fence,
        on_fenced: OnFenced,
    ) -> Result<QuickReplyStore, StoreError> {
        let mut client = PgClient::connect(url, "").map_err(StoreError::Db)?;
        crate::db::migrate(client.get()).map_err(StoreError::Db)?;
        Ok(QuickReplyStore {
            backend: Backend::Postgres(PgReplies {
                url: url.to_owned(),
                conn: Mutex::new(Some(client)),
                fence,
                on_fenced,
            }),
        })
    }

    /// The agent's replies, oldest first.
    pub fn list(&self, agent: &AgentId) -> Result<Vec<QuickReply>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.list(agent),
            Backend::Postgres(p) => p.with(|c| p.list(c, agent)),
        }
    }

    /// Adds a reply (the draft already checked) with a new id; refused past the limit.
    pub fn create(
        &self,
        agent: &AgentId,
        draft: QuickReplyDraft,
    ) -> Result<QuickReply, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.create(agent, draft),
            Backend::Postgres(p) => p.with(|c| p.create(c, agent, draft)),
        }
    }

    /// Replaces the agent's reply `id`; `None` if they have none by that id.
    pub fn update(
        &self,
        agent: &AgentId,
        id: &str,
        draft: QuickReplyDraft,
    ) -> Result<Option<QuickReply>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.update(agent, id, draft),
            Backend::Postgres(p) => p.with(|c| p.update(c, agent, id, draft)),
        }
    }

    /// Deletes the agent's reply `id`; `false` if they have none by that id.
    pub fn delete(&self, agent: &AgentId, id: &str) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.delete(agent, id),
            Backend::Postgres(p) => p.with(|c| p.delete(c, agent, id)),
        }
    }
}

fn new_id() -> Result<String, StoreError> {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Db(e.to_string()))?;
    Ok(format!(
        "my-{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}

fn tags_json(reply: &QuickReply) -> String {
    serde_json::to_string(&reply.tags).expect("strings serialize")
}

impl PgReplies {
    /// Runs `f` on the connection, reconnecting first if it was lost (and dropping it when a
    /// query fails, so the next call reconnects).
    fn with<T>(
        &self,
        f: impl FnOnce(&mut postgres::Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        if conn.as_ref().is_none_or(|c| c.is_closed()) {
            *conn = Some(PgClient::connect(&self.url, "").map_err(StoreError::Db)?);
        }
        let result = match f(conn.as_mut().expect("just set").get()) {
            Err(StoreError::Db(e)) => {
                *conn = None;
                // A failure while the lease is gone is a fenced leader's (see `crate::db`).
                if self.fence.lost(&self.url) {
                    Err(StoreError::Fenced(format!(
                        "{} ({e})",
                        self.fence.refused("this quick-reply change")
                    )))
                } else {
                    Err(StoreError::Db(e))
                }
            }
            other => other,
        };
        if let Err(StoreError::Fenced(why)) = &result {
            (self.on_fenced)(why);
        }
        result
    }

    /// A transaction for a change: begun by locking the lease row ([`Fence::held`]), so a
    /// fenced process changes nothing.
    fn fenced<'c>(
        &self,
        c: &'c mut postgres::Client,
    ) -> Result<postgres::Transaction<'c>, StoreError> {
        let mut tx = c.transaction().map_err(pg)?;
        if !self.fence.held(&mut tx, LEASE_CHECK).map_err(pg)? {
            let _ = tx.rollback();
            return Err(StoreError::Fenced(
                self.fence.refused("this quick-reply change"),
            ));
        }
        Ok(tx)
    }

    fn list(
        &self,
        c: &mut postgres::Client,
        agent: &AgentId,
    ) -> Result<Vec<QuickReply>, StoreError> {
        let rows = c
            .query(
                "SELECT id, title, text, tags FROM quick_replies WHERE agent = $1 \
                 ORDER BY created_at, id",
                &[&agent.as_str()],
            )
            .map_err(pg)?;
        Ok(rows
            .iter()
            .map(|r| QuickReply {
                id: r.get(0),
                title: r.get(1),
                text: r.get(2),
                tags: serde_json::from_str(r.get(3)).unwrap_or_default(),
            })
            .collect())
    }

    fn create(
        &self,
        c: &mut postgres::Client,
        agent: &AgentId,
        draft: QuickReplyDraft,
    ) -> Result<QuickReply, StoreError> {
        let mut tx = self.fenced(c)?;
        // One agent's creations one at a time, so two at once cannot pass the limit.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            &[&agent.as_str()],
        )
        .map_err(pg)?;
        let count: i64 = tx
            .query_one(
                "SELECT count(*) FROM quick_replies WHERE agent = $1",
                &[&agent.as_str()],
            )
            .map_err(pg)?
            .get(0);
        if count as usize >= quick_reply::PERSONAL_MAX {
            return Err(StoreError::Full);
        }
        let reply = draft.with_id(new_id()?);
        tx.execute(
            "INSERT INTO quick_replies (agent, id, title, text, tags, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &agent.as_str(),
                &reply.id,
                &reply.title,
                &reply.text,
                &tags_json(&reply),
                &now_ms(),
            ],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)?;
        Ok(reply)
    }

    fn update(
        &self,
        c: &mut postgres::Client,
        agent: &AgentId,
        id: &str,
        draft: QuickReplyDraft,
    ) -> Result<Option<QuickReply>, StoreError> {
        let reply = draft.with_id(id.to_owned());
        let mut tx = self.fenced(c)?;
        let changed = tx
            .execute(
                "UPDATE quick_replies SET title = $3, text = $4, tags = $5 WHERE agent = $1 AND id = $2",
                &[&agent.as_str(), &id, &reply.title, &reply.text, &tags_json(&reply)],
            )
            .map_err(pg)?;
        tx.commit().map_err(pg)?;
        Ok((changed > 0).then_some(reply))
    }

    fn delete(
        &self,
        c: &mut postgres::Client,
        agent: &AgentId,
        id: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.fenced(c)?;
        let changed = tx
            .execute(
                "DELETE FROM quick_replies WHERE agent = $1 AND id = $2",
                &[&agent.as_str(), &id],
            )
            .map_err(pg)?;
        tx.commit().map_err(pg)?;
        Ok(changed > 0)
    }
}

fn pg(e: postgres::Error) -> StoreError {
    StoreError::Db(pg_error(e))
}

impl SqliteReplies {
    fn open(path: &Path) -> Result<SqliteReplies, StoreError> {
        let mut conn = Connection::open(path)?;
        conn.execute_batch("PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL;")?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
        )?;
        let version: usize = tx
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                params![VERSION_KEY],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if version > MIGRATIONS.len() {
            return Err(StoreError::Db(format!(
                "{}: the quick replies' schema is version {version}, newer than this server's {}",
                path.display(),
                MIGRATIONS.len()
            )));
        }
        for m in &MIGRATIONS[version..] {
            tx.execute_batch(m)?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![VERSION_KEY, MIGRATIONS.len().to_string()],
        )?;
        tx.commit()?;
        Ok(SqliteReplies {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The agent's replies, oldest first.
    fn list(&self, agent: &AgentId) -> Result<Vec<QuickReply>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, title, text, tags FROM quick_replies WHERE agent = ?1 \
             ORDER BY created_at, id",
        )?;
        let out = stmt
            .query_map(params![agent.as_str()], row)?
            .collect::<Result<_, _>>()?;
        Ok(out)
    }

    /// Adds a reply (the draft already checked) with a new id; refused past the limit.
    fn create(&self, agent: &AgentId, draft: QuickReplyDraft) -> Result<QuickReply, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let count: i64 = tx.query_row(
            "SELECT count(*) FROM quick_replies WHERE agent = ?1",
            params![agent.as_str()],
            |r| r.get(0),
        )?;
        if count as usize >= quick_reply::PERSONAL_MAX {
            return Err(StoreError::Full);
        }
        let reply = draft.with_id(new_id()?);
        tx.execute(
            "INSERT INTO quick_replies (agent, id, title, text, tags, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                agent.as_str(),
                reply.id,
                reply.title,
                reply.text,
                serde_json::to_string(&reply.tags).expect("strings serialize"),
                now_ms()
            ],
        )?;
        tx.commit()?;
        Ok(reply)
    }

    /// Replaces the agent's reply `id`; `None` if they have none by that id.
    fn update(
        &self,
        agent: &AgentId,
        id: &str,
        draft: QuickReplyDraft,
    ) -> Result<Option<QuickReply>, StoreError> {
        let reply = draft.with_id(id.to_owned());
        let changed = self.conn().execute(
            "UPDATE quick_replies SET title = ?3, text = ?4, tags = ?5 WHERE agent = ?1 AND id = ?2",
            params![
                agent.as_str(),
                id,
                reply.title,
                reply.text,
                serde_json::to_string(&reply.tags).expect("strings serialize")
            ],
        )?;
        Ok((changed > 0).then_some(reply))
    }

    /// Deletes the agent's reply `id`; `false` if they have none by that id.
    fn delete(&self, agent: &AgentId, id: &str) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "DELETE FROM quick_replies WHERE agent = ?1 AND id = ?2",
            params![agent.as_str(), id],
        )?;
        Ok(changed > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(v: Value) -> String {
        from_config(Some(&v)).unwrap_err()
    }

    /// A bad entry is refused with the field named; a good list reads, tags optional.
    #[test]
    fn config_entries_are_checked_and_name_the_field() {
        let good = json!([
            {"id": "hi", "title": "Hi", "text": "Hello {customer}"},
            {"id": "bye", "title": "Bye", "text": "Bye", "tags": ["closing"]}
        ]);
        let replies = from_config(Some(&good)).unwrap();
        assert_eq!(replies.len(), 2);
        assert_eq!(replies[1].tags, vec!["closing".to_owned()]);
        assert!(from_config(None).unwrap().is_empty());
        let entry = |i: usize, patch: Value| {
            let mut list = vec![json!({"id": "a", "title": "A", "text": "a"}); 4];
            for (k, v) in patch.as_object().unwrap() {
                list[i][k] = v.clone();
            }
            for (n, e) in list.iter_mut().enumerate() {
                if n != i || patch.get("id").is_none() {
                    e["id"] = json!(format!("r{n}"));
                }
            }
            Value::Array(list)
        };
        assert_eq!(
            err(entry(3, json!({"text": ""}))),
            "field `quick_replies[3].text`: empty"
        );
        assert!(err(entry(1, json!({"title": "x".repeat(121)})))
            .starts_with("field `quick_replies[1].title`: 121 characters"));
        assert!(err(entry(2, json!({"text": 5}))).starts_with("field `quick_replies[2].text`"));
        assert!(err(entry(0, json!({"tags": ["ok", ""]})))
            .starts_with("field `quick_replies[0].tags[1]`: empty"));
        let mut missing = entry(2, json!({}));
        missing[2].as_object_mut().unwrap().remove("title");
        assert!(err(missing).starts_with("field `quick_replies[2].title`"));
        let dup =
            json!([{"id": "a", "title": "A", "text": "a"}, {"id": "a", "title": "B", "text": "b"}]);
        assert!(err(dup).starts_with("field `quick_replies[1].id`"));
        assert!(err(json!({"id": "a"})).starts_with("field `quick_replies`"));
    }

    /// The store migrates an older database forward (a log file without the table), keeps
    /// replies per agent and stops at the limit; a reopen finds them.
    #[test]
    fn the_store_migrates_keeps_per_agent_and_stops_at_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.db");
        // A database as the previous version left it: a meta table, no quick replies.
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('config', '{}');")
            .unwrap();
        let store = QuickReplyStore::open(&path).unwrap();
        let (ana, bert) = (AgentId::from("ana"), AgentId::from("bert"));
        let draft = |t: &str| QuickReplyDraft {
            title: t.into(),
            text: format!("{t} text"),
            tags: vec![],
        };
        let first = store.create(&ana, draft("one")).unwrap();
        store.create(&bert, draft("his")).unwrap();
        assert_eq!(store.list(&ana).unwrap(), vec![first.clone()]);
        assert!(store
            .update(&bert, &first.id, draft("not his"))
            .unwrap()
            .is_none());
        assert!(!store.delete(&bert, &first.id).unwrap());
        for i in 1..quick_reply::PERSONAL_MAX {
            store.create(&ana, draft(&format!("r{i}"))).unwrap();
        }
        assert!(matches!(
            store.create(&ana, draft("too many")),
            Err(StoreError::Full)
        ));
        drop(store);
        let again = QuickReplyStore::open(&path).unwrap();
        assert_eq!(again.list(&ana).unwrap().len(), quick_reply::PERSONAL_MAX);
        assert_eq!(again.list(&ana).unwrap()[0], first);
    }
}
