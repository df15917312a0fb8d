//! The PostgreSQL backend's contract (issue 16), in-process against a real PostgreSQL: what
//! `EventLog` / `EventReader` promise (a batch written together, read back as written, the
//! dedup table, sessions, snapshots, the stored configuration), the schema's migration, the
//! lease (one epoch at a time, taken only once expired) and the fencing of a leader whose
//! epoch is gone: its append, snapshot and configuration writes roll back and write nothing.
//! Quick replies and the audit trail live there too (a failover keeps them).
//!
//! The cluster is `common::pg`'s (`$OMNIDESK_TEST_PG_URL`, or one started for this test
//! process and stopped by its watchdog once the process is gone), a fresh database per check.
//! PostgreSQL missing fails the test and says so.

mod common;

use omnidesk_core::protocol::Customer;
use omnidesk_core::{AgentId, Input, ItemId, QueueId, Stamped};
use omnidesk_server::audit::{Audit, Record};
use omnidesk_server::auth::{new_token, Principal};
use omnidesk_server::config::ServerConfig;
use omnidesk_server::db::{self, Lease, LeaseId, PgClient, Renewal};
use omnidesk_server::hub::{Action, Hub, HubOptions};
use omnidesk_server::log::{
    ActionKey, ActionRecord, Batch, EventLog, Fence, LoggedEvent, PgLog, SessionOp, Snapshot,
};
use omnidesk_server::quick_replies::{QuickReplyStore, StoreError};
use omnidesk_wire::http::{quick_reply, AuditAction, QuickReplyDraft};
use serde_json::json;
use std::sync::{mpsc, Arc};
use std::time::Duration;

fn event(v: serde_json::Value, queues: Option<&[&str]>) -> LoggedEvent {
    let stamped: Stamped = serde_json::from_value(v).unwrap();
    let mut e = LoggedEvent::new(&stamped);
    e.queues = queues.map(|q| q.iter().map(|q| QueueId::from(*q)).collect());
    e
}

/// Migrates `url` (as a server does before it looks at the lease) and takes the lease.
fn lease(url: &str) -> (Lease, Fence) {
    db::migrate(PgClient::connect(url, "").unwrap().get()).unwrap();
    let mut lease = Lease::new(url, LeaseId::new(Duration::from_secs(30)));
    let epoch = lease.try_acquire().unwrap().expect("the lease is free");
    let fence = Fence {
        holder: lease.id.holder.clone(),
        epoch,
    };
    (lease, fence)
}

fn sql(url: &str, q: &str) -> Vec<postgres::Row> {
    let mut c = PgClient::connect(url, "").unwrap();
    c.get().query(q, &[]).unwrap()
}

/// Migrating twice changes nothing; the version is recorded; a newer schema is refused.
fn schema_is_created_once_and_a_newer_one_refused() {
    let url = common::pg::database();
    let mut c = PgClient::connect(&url, "").unwrap();
    db::migrate(c.get()).unwrap();
    db::migrate(c.get()).unwrap();
    let version: String = c
        .get()
        .query_one("SELECT value FROM meta WHERE key = 'schema_version'", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, db::MIGRATIONS.len().to_string());
    c.get()
        .execute(
            "UPDATE meta SET value = '999' WHERE key = 'schema_version'",
            &[],
        )
        .unwrap();
    let e = db::migrate(c.get()).unwrap_err();
    assert!(e.contains("newer than this server's"), "{e}");
}

/// Everything a batch holds reads back as written, from the log and from a reader.
fn a_batch_reads_back_as_written() {
    let url = common::pg::database();
    let (_lease, fence) = lease(&url);
    let mut log = PgLog::open(&url, fence, Duration::from_secs(30)).unwrap();
    assert_eq!(log.stored_config().unwrap(), None);
    log.store_config(r#"{"a":1}"#).unwrap();
    assert_eq!(log.stored_config().unwrap().as_deref(), Some(r#"{"a":1}"#));
    assert!(log.describe().starts_with("postgres://"));

    let (_, kept) = new_token();
    let (_, dropped) = new_token();
    let ana = Principal::Agent {
        agent: AgentId::from("ana"),
    };
    let key = ActionKey::new(&ana, "tab-1", "a1");
    let batch = Batch {
        events: vec![
            event(
                json!({"seq": 1, "at": 10, "event": "signed_in", "agent": "ana"}),
                Some(&[]),
            ),
            event(
                json!({"seq": 2, "at": 11, "event": "offer_seen", "agent": "ana", "item": "i-1"}),
                Some(&["general", "vip"]),
            ),
            event(
                json!({"seq": 3, "at": 12, "event": "offer_seen", "agent": "bert", "item": "i-2"}),
                None,
            ),
        ],
        actions: vec![ActionRecord {
            key: key.clone(),
            input: r#"{"input":"sign_in"}"#.into(),
            outcome: r#"{"status":200}"#.into(),
            at: 10,
        }],
        sessions: vec![
            SessionOp::Put {
                hash: kept,
                principal: ana.clone(),
                at: 10,
            },
            SessionOp::Put {
                hash: dropped,
                principal: ana.clone(),
                at: 10,
            },
            SessionOp::Delete { hash: dropped },
        ],
    };
    log.append(&batch).unwrap();

    let mut replayed = Vec::new();
    log.replay(1, &mut |s| replayed.push(s.seq)).unwrap();
    assert_eq!(replayed, [2, 3]);
    assert_eq!(
        log.find_action(&key).unwrap(),
        Some((r#"{"input":"sign_in"}"#.into(), r#"{"status":200}"#.into()))
    );
    assert_eq!(
        log.find_action(&ActionKey::new(&ana, "tab-1", "a2"))
            .unwrap(),
        None
    );
    // A whole batch's lookup at once: the handled ones by key, the others absent.
    let found = log
        .find_actions(&[
            ActionKey::new(&ana, "tab-1", "a2"),
            key.clone(),
            ActionKey::new(&ana, "tab-2", "a1"),
        ])
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found.get(&key),
        Some(&(r#"{"input":"sign_in"}"#.into(), r#"{"status":200}"#.into()))
    );
    assert!(log.find_actions(&[]).unwrap().is_empty());
    let sessions = log.sessions().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(
        (sessions[0].0, &sessions[0].1, sessions[0].2),
        (kept, &ana, 10)
    );

    // A reader has its own connections; it may be called from the runtime's blocking pool.
    let reader = log.reader().unwrap();
    let all = reader.events_after(0, 100, None).unwrap();
    let seen: Vec<_> = all
        .iter()
        .map(|e| {
            (
                e.seq,
                e.at,
                e.kind.clone(),
                e.item.clone(),
                e.queues.clone(),
                e.agent.clone(),
            )
        })
        .collect();
    let written: Vec<_> = batch
        .events
        .iter()
        .map(|e| {
            (
                e.seq,
                e.at,
                e.kind.clone(),
                e.item.clone(),
                e.queues.clone(),
                e.agent.clone(),
            )
        })
        .collect();
    assert_eq!(seen, written);
    for (a, b) in all.iter().zip(&batch.events) {
        assert_eq!(
            a.json.get(),
            b.json.get(),
            "the stored JSON is sent as it is"
        );
    }
    let only = reader
        .events_after(0, 100, Some(&ItemId::from("i-2")))
        .unwrap();
    assert_eq!(only.iter().map(|e| e.seq).collect::<Vec<_>>(), [3]);
    assert_eq!(reader.events_after(1, 1, None).unwrap()[0].seq, 2);

    // A second action with the same key is refused by the table (the hub never sends one).
    assert!(log
        .append(&Batch {
            actions: batch.actions.clone(),
            ..Batch::default()
        })
        .is_err());

    for seq in [2, 3] {
        log.save_snapshot(&Snapshot {
            seq,
            now: 100 + seq,
            state: format!("state {seq}"),
        })
        .unwrap();
    }
    let s = log.latest_snapshot().unwrap().unwrap();
    assert_eq!((s.seq, s.now, s.state.as_str()), (3, 103, "state 3"));
    assert_eq!(
        sql(&url, "SELECT count(*) FROM snapshots")[0].get::<_, i64>(0),
        1,
        "older snapshots are dropped"
    );
}

/// One epoch at a time: the lease is taken only once expired, with the next epoch; the old
/// holder's writes then roll back (fenced) and its renewal says it lost the lease.
fn a_leader_whose_epoch_is_gone_writes_nothing() {
    let url = common::pg::database();
    let (mut old_lease, old_fence) = lease(&url);
    assert_eq!(old_fence.epoch, 1);
    let mut old = PgLog::open(&url, old_fence.clone(), Duration::from_secs(30)).unwrap();
    old.append(&Batch {
        events: vec![event(
            json!({"seq": 1, "at": 10, "event": "signed_in", "agent": "ana"}),
            Some(&[]),
        )],
        ..Batch::default()
    })
    .unwrap();

    let mut standby = Lease::new(&url, LeaseId::new(Duration::from_secs(30)));
    let held = standby.try_acquire().unwrap().unwrap_err();
    assert_eq!(
        (held.holder.as_str(), held.epoch, held.last_seq),
        (old_fence.holder.as_str(), 1, 1)
    );
    assert!(matches!(old_lease.renew(1), Renewal::Renewed { .. }));

    // The old leader stops renewing (paused); its lease runs out.
    sql(
        &url,
        "UPDATE lease SET expires_at = clock_timestamp() - interval '1 second'",
    );
    let epoch = standby
        .try_acquire()
        .unwrap()
        .expect("an expired lease is taken");
    assert_eq!(epoch, 2);

    let (_, hash) = new_token();
    let ana = Principal::Agent {
        agent: AgentId::from("ana"),
    };
    let stale = Batch {
        events: vec![event(
            json!({"seq": 2, "at": 11, "event": "signed_out", "agent": "ana"}),
            Some(&[]),
        )],
        actions: vec![ActionRecord {
            key: ActionKey::new(&ana, "tab-1", "a9"),
            input: "{}".into(),
            outcome: "{}".into(),
            at: 11,
        }],
        sessions: vec![SessionOp::Put {
            hash,
            principal: ana.clone(),
            at: 11,
        }],
    };
    let e = old.append(&stale).unwrap_err();
    assert!(e.is_fenced(), "{e}");
    let e = old
        .save_snapshot(&Snapshot {
            seq: 1,
            now: 10,
            state: "{}".into(),
        })
        .unwrap_err();
    assert!(e.is_fenced(), "{e}");
    assert!(old.store_config("{}").unwrap_err().is_fenced());
    assert!(matches!(old_lease.renew(1), Renewal::Lost(_)));
    let counts = &sql(
        &url,
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM actions), \
         (SELECT count(*) FROM sessions), (SELECT count(*) FROM snapshots), \
         (SELECT count(*) FROM meta WHERE key = 'config')",
    )[0];
    assert_eq!(
        (0..5).map(|i| counts.get::<_, i64>(i)).collect::<Vec<_>>(),
        [1, 0, 0, 0, 0],
        "the fenced leader wrote nothing"
    );

    // The new leader writes the same seq the old one tried.
    let new_fence = Fence {
        holder: standby.id.holder.clone(),
        epoch,
    };
    let mut new = PgLog::open(&url, new_fence, Duration::from_secs(30)).unwrap();
    new.append(&stale).unwrap();
    let rows = sql(&url, "SELECT seq, epoch FROM events ORDER BY seq");
    assert_eq!(
        rows.iter()
            .map(|r| (r.get::<_, i64>(0), r.get::<_, i64>(1)))
            .collect::<Vec<_>>(),
        [(1, 1), (2, 2)]
    );
    // The old leader again, with the seq the new one has just written: still told it is
    // fenced (the lease is checked before the insert, which would meet the new row's key).
    let e = old.append(&stale).unwrap_err();
    assert!(e.is_fenced(), "{e}");
    // Its lease is unexpired: nobody else takes it.
    let mut third = Lease::new(&url, LeaseId::new(Duration::from_secs(30)));
    assert_eq!(third.try_acquire().unwrap().unwrap_err().epoch, 2);
    // A clean stop hands it over at once.
    standby.release(2);
    assert_eq!(third.try_acquire().unwrap().unwrap(), 3);
}

/// What a fenced store write reports, for the tests: sent on a channel.
fn on_fenced() -> (db::OnFenced, mpsc::Receiver<String>) {
    let (tx, rx) = mpsc::channel();
    (Arc::new(move |why: &str| drop(tx.send(why.to_owned()))), rx)
}

/// Personal quick replies and the audit trail are in the database too.
async fn quick_replies_and_the_audit_trail_are_kept(url: String) {
    let u = url.clone();
    let (_lease, fence) = tokio::task::spawn_blocking(move || lease(&u))
        .await
        .unwrap();
    let (u, f) = (url.clone(), fence.clone());
    let store = tokio::task::spawn_blocking(move || {
        QuickReplyStore::open_postgres(&u, f, on_fenced().0).unwrap()
    })
    .await
    .unwrap();
    let store = std::sync::Arc::new(store);
    let s = store.clone();
    tokio::task::spawn_blocking(move || {
        let (ana, bert) = (AgentId::from("ana"), AgentId::from("bert"));
        let draft = |t: &str| QuickReplyDraft {
            title: t.into(),
            text: format!("{t} text"),
            tags: vec!["x".into()],
        };
        let first = s.create(&ana, draft("one")).unwrap();
        s.create(&bert, draft("his")).unwrap();
        assert_eq!(s.list(&ana).unwrap(), vec![first.clone()]);
        assert!(s.update(&bert, &first.id, draft("no")).unwrap().is_none());
        let changed = s.update(&ana, &first.id, draft("uno")).unwrap().unwrap();
        assert_eq!(s.list(&ana).unwrap(), vec![changed]);
        for i in 1..quick_reply::PERSONAL_MAX {
            s.create(&ana, draft(&format!("r{i}"))).unwrap();
        }
        assert!(matches!(
            s.create(&ana, draft("more")),
            Err(StoreError::Full)
        ));
        assert!(!s.delete(&bert, &first.id).unwrap());
        assert!(s.delete(&ana, &first.id).unwrap());
        assert_eq!(s.list(&ana).unwrap().len(), quick_reply::PERSONAL_MAX - 1);
    })
    .await
    .unwrap();
    drop(store); // on the runtime: the connection closes on a thread of its own

    let u = url.clone();
    let audit = tokio::task::spawn_blocking(move || {
        omnidesk_server::audit::Audit::open_postgres(&u, fence, on_fenced().0).unwrap()
    })
    .await
    .unwrap();
    for i in 0..3 {
        audit.record(omnidesk_server::audit::Record {
            at: i,
            principal: format!("p{i}"),
            address: "127.0.0.1".into(),
            action: AuditAction::SignIn,
            outcome: "ok".into(),
            detail: (i == 1).then(|| "why".into()),
        });
    }
    audit.flush().await;
    let audit = std::sync::Arc::new(audit);
    let a = audit.clone();
    let page = tokio::task::spawn_blocking(move || a.page(None, 2).unwrap())
        .await
        .unwrap();
    assert_eq!(
        page.entries.iter().map(|e| e.at).collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(page.entries[1].detail.as_deref(), Some("why"));
    let a = audit.clone();
    let rest = tokio::task::spawn_blocking(move || a.page(page.next_before, 10).unwrap())
        .await
        .unwrap();
    assert_eq!(rest.entries.iter().map(|e| e.at).collect::<Vec<_>>(), [0]);
}

fn audit_row(at: u64) -> Record {
    Record {
        at,
        principal: "ana".into(),
        address: "127.0.0.1".into(),
        action: AuditAction::SignIn,
        outcome: "ok".into(),
        detail: None,
    }
}

/// Issue 16's fencing covers the audit trail and the quick replies too: once a newer epoch
/// holds the lease, the old holder's audit rows and quick-reply changes (each a transaction
/// that locks the lease row first) write nothing, report fenced and call its `on_fenced`.
async fn a_fenced_leader_writes_no_audit_row_and_changes_no_quick_reply(url: String) {
    let u = url.clone();
    let (_old_lease, old_fence) = tokio::task::spawn_blocking(move || lease(&u))
        .await
        .unwrap();
    let (on_audit, audit_fenced) = on_fenced();
    let (on_replies, replies_fenced) = on_fenced();
    let (u, f) = (url.clone(), old_fence.clone());
    let (store, audit) = tokio::task::spawn_blocking(move || {
        (
            QuickReplyStore::open_postgres(&u, f.clone(), on_replies).unwrap(),
            Audit::open_postgres(&u, f, on_audit).unwrap(),
        )
    })
    .await
    .unwrap();
    let store = Arc::new(store);
    let ana = AgentId::from("ana");
    let draft = |t: &str| QuickReplyDraft {
        title: t.into(),
        text: format!("{t} text"),
        tags: vec![],
    };
    // While the lease is held, both write.
    let (s, a) = (store.clone(), ana.clone());
    let kept = tokio::task::spawn_blocking(move || s.create(&a, draft("kept")).unwrap())
        .await
        .unwrap();
    audit.record(audit_row(1));
    audit.flush().await;

    // The old holder is paused past its lease; a standby takes it with the next epoch.
    let u = url.clone();
    tokio::task::spawn_blocking(move || {
        sql(
            &u,
            "UPDATE lease SET expires_at = clock_timestamp() - interval '1 second'",
        );
        let mut standby = Lease::new(&u, LeaseId::new(Duration::from_secs(30)));
        assert_eq!(standby.try_acquire().unwrap().unwrap(), 2);
    })
    .await
    .unwrap();

    let (s, a, id) = (store.clone(), ana.clone(), kept.id.clone());
    tokio::task::spawn_blocking(move || {
        for refused in [
            s.create(&a, draft("new")).map(|_| ()),
            s.update(&a, &id, draft("changed")).map(|_| ()),
            s.delete(&a, &id).map(|_| ()),
        ] {
            let e = refused.unwrap_err();
            assert!(matches!(e, StoreError::Fenced(_)), "{e}");
            assert_eq!(e.body().error, omnidesk_wire::ErrorKind::Unavailable, "503");
        }
    })
    .await
    .unwrap();
    assert_eq!(
        replies_fenced.try_iter().count(),
        3,
        "each refusal reported"
    );
    audit.record(audit_row(2));
    audit.flush().await;
    let why = audit_fenced
        .try_recv()
        .expect("the audit write reported fenced");
    assert!(why.contains("epoch 1"), "{why}");

    let u = url.clone();
    let (replies, audits) = tokio::task::spawn_blocking(move || {
        let replies: Vec<(String, String)> = sql(&u, "SELECT id, title FROM quick_replies")
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let audits: Vec<i64> = sql(&u, "SELECT at FROM audit")
            .iter()
            .map(|r| r.get(0))
            .collect();
        (replies, audits)
    })
    .await
    .unwrap();
    assert_eq!(replies, [(kept.id, "kept".to_owned())], "no change written");
    assert_eq!(audits, [1], "no audit row written");
    drop(store); // on the runtime: the connection closes on a thread of its own
}

/// A hub on PostgreSQL: what it acknowledged is what a new leader (the next epoch) rebuilds,
/// from a snapshot and the log after it, sessions and the dedup table included.
async fn a_new_leader_rebuilds_what_the_old_one_acknowledged(url: String) {
    let config = ServerConfig::parse(common::CONFIG).unwrap();
    let options = HubOptions {
        snapshot_every: 3,
        ..HubOptions::default()
    };
    let start = |config: ServerConfig, options: HubOptions, url: String| async move {
        tokio::task::spawn_blocking(move || {
            let (lease, fence) = lease(&url);
            let log = PgLog::open(&url, fence.clone(), Duration::from_secs(30)).unwrap();
            (
                Hub::start(config, Box::new(log), options).unwrap(),
                lease,
                fence,
            )
        })
        .await
        .unwrap()
    };
    let (hub, mut first_lease, first) = start(config.clone(), options.clone(), url.clone()).await;
    let ana = Principal::Agent {
        agent: AgentId::from("ana"),
    };
    let act = |id: &str, input: Input| Action {
        client_id: "tab".into(),
        action_id: id.into(),
        input,
    };
    let sign_in = act(
        "a1",
        Input::SignIn {
            agent: AgentId::from("ana"),
        },
    );
    assert_eq!(
        hub.act(ana.clone(), sign_in.clone()).await.unwrap().status,
        200
    );
    let customer = Customer {
        name: "Kim".into(),
        ..Customer::default()
    };
    let chat = hub
        .start_conversation(customer, "hello".into(), None)
        .await
        .unwrap()
        .unwrap();
    let pick = act(
        "a2",
        Input::Pick {
            agent: AgentId::from("ana"),
            item: chat.item.clone(),
        },
    );
    let picked = hub.act(ana.clone(), pick).await.unwrap();
    let (token, hash) = new_token();
    hub.put_session(hash, ana.clone()).await.unwrap();
    let live = hub
        .read(|e| (e.state().clone(), e.last_seq()))
        .await
        .unwrap();
    drop(hub);
    tokio::task::spawn_blocking(move || first_lease.release(first.epoch))
        .await
        .unwrap();

    let (rebuilt, _lease, second) = start(config, options, url.clone()).await;
    assert_eq!(second.epoch, 2);
    let again = rebuilt
        .read(|e| (e.state().clone(), e.last_seq()))
        .await
        .unwrap();
    assert_eq!(live.1, again.1, "last seq differs");
    assert!(
        live.0 == again.0,
        "the rebuilt state differs from the live one"
    );
    assert_eq!(
        rebuilt.sessions.lookup(&token),
        Some(ana.clone()),
        "sessions are back"
    );
    assert_eq!(
        rebuilt.sessions.lookup(&chat.token),
        Some(Principal::Customer {
            item: chat.item.clone()
        })
    );
    // A resend of an acknowledged action gets its first answer from the new leader.
    let resent = rebuilt
        .act(
            ana.clone(),
            act(
                "a2",
                Input::Pick {
                    agent: AgentId::from("ana"),
                    item: chat.item.clone(),
                },
            ),
        )
        .await
        .unwrap();
    assert!(resent.replayed);
    assert_eq!(resent.body, picked.body);
    let snapshots: i64 =
        tokio::task::spawn_blocking(move || sql(&url, "SELECT count(*) FROM snapshots")[0].get(0))
            .await
            .unwrap();
    assert_eq!(snapshots, 1, "the hub saved snapshots there");
}

/// Every check, each on a fresh database of the test cluster (`common::pg`).
#[test]
fn the_postgres_backend_keeps_its_contract() {
    schema_is_created_once_and_a_newer_one_refused();
    a_batch_reads_back_as_written();
    a_leader_whose_epoch_is_gone_writes_nothing();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(quick_replies_and_the_audit_trail_are_kept(
        common::pg::database(),
    ));
    runtime.block_on(
        a_fenced_leader_writes_no_audit_row_and_changes_no_quick_reply(common::pg::database()),
    );
    runtime.block_on(a_new_leader_rebuilds_what_the_old_one_acknowledged(
        common::pg::database(),
    ));
}
