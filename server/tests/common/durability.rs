//! The crash check, on either backend (`crash.rs` runs it on SQLite, `pg_crash.rs` on
//! PostgreSQL): the real server binary driven by concurrent clients, `kill -9`ed mid-load,
//! restarted on the same log. Everything acknowledged is in the rebuilt log unchanged, seqs
//! are dense, the rebuilt state is the fold of the log and equals the state read just before
//! the kill, sessions survived, and every acknowledged action resent gets its original answer
//! without being applied again.

use super::Backend;
use omnidesk_core::{Engine, Stamped};
use omnidesk_server::config::ServerConfig;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Waits (a liveness bound of 60 s, not a timing target) until the server at `base` answers
/// `GET /api/health` with 200: at once on SQLite; on PostgreSQL once it holds the lease.
pub async fn wait_leader(base: &str) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = http.get(format!("{base}/api/health")).send().await {
            if r.status() == 200 {
                return;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{base} did not become the leader within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[derive(Clone, Debug)]
pub struct Acked {
    pub token: String,
    pub action_id: String,
    pub input: Value,
    pub status: u16,
    pub body: Value,
}

pub async fn post(
    http: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: &Value,
) -> Result<(u16, Value), reqwest::Error> {
    let mut req = http.post(url).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await?;
    let status = resp.status().as_u16();
    let body = resp.json().await?;
    Ok((status, body))
}

pub async fn all_events(http: &reqwest::Client, base: &str, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = 0;
    for _ in 0..1000 {
        let page: Value = http
            .get(format!("{base}/api/events?after={after}&limit=500"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let events = page["events"].as_array().unwrap();
        out.extend(events.iter().cloned());
        // A page of an agent's read scope (issue 18 §4) may be empty before the end.
        let next = page["next_after"].as_u64().unwrap();
        if next == after || next >= page["last_seq"].as_u64().unwrap() {
            return out;
        }
        after = next;
    }
    panic!("the log never ended");
}

/// `GET /api/snapshot` as `token`'s agent reads it (their read scope, issue 18 §4).
pub async fn snapshot(http: &reqwest::Client, base: &str, token: &str) -> Value {
    http.get(format!("{base}/api/snapshot"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The whole log as the agents of `tokens` read it together: each reads their read scope
/// (issue 18 §4) — in the tests' centre ana and bert general's, cara vip's — and the union,
/// in seq order, is every event.
pub async fn whole_log(http: &reqwest::Client, base: &str, tokens: &[String]) -> Vec<Value> {
    let mut log = Vec::new();
    for token in tokens {
        log.extend(all_events(http, base, token).await);
    }
    log.sort_by_key(|e| e["seq"].as_u64());
    log.dedup_by_key(|e| e["seq"].as_u64());
    log
}

/// A snapshot cut down to what `agent`'s read scope shows when no item changed queues: the
/// items of the queues they are a member of, and those queues' agents.
pub fn scoped(mut snapshot: Value, config: &omnidesk_core::Config, agent: &str) -> Value {
    let queues: Vec<&omnidesk_core::config::Queue> = config
        .queues
        .values()
        .filter(|q| q.members.iter().any(|m| m.as_str() == agent))
        .collect();
    let visible_agent = |a: &str| {
        a == agent
            || queues
                .iter()
                .any(|q| q.members.iter().any(|m| m.as_str() == a))
    };
    snapshot["agents"]
        .as_object_mut()
        .unwrap()
        .retain(|a, _| visible_agent(a));
    snapshot["items"].as_object_mut().unwrap().retain(|_, it| {
        queues
            .iter()
            .any(|q| it["queue"].as_str() == Some(q.id.as_str()))
    });
    snapshot
}

pub fn without_now(mut snapshot: Value) -> Value {
    snapshot.as_object_mut().unwrap().remove("now");
    snapshot
}

/// The crash check on `backend`: the real server under concurrent clients, `kill -9`ed
/// mid-load, restarted on the same log (module doc).
pub async fn kill_9_mid_load(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.json"), super::CONFIG).unwrap();
    std::fs::write(dir.path().join("index.html"), "app").unwrap();
    let db = backend.new_db(dir.path());
    let spawn =
        |dir: &std::path::Path| super::spawn_binary_on(dir, &db, 0, &["--snapshot-every", "40"]);
    let (mut child, base) = spawn(dir.path());
    wait_leader(&base).await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    let mut tokens = Vec::new();
    for agent in ["ana", "bert", "cara"] {
        let (st, body) = post(
            &http,
            &format!("{base}/api/sessions"),
            None,
            &json!({"agent": agent, "password": format!("pw-{agent}")}),
        )
        .await
        .unwrap();
        assert_eq!(st, 200);
        tokens.push(body["token"].as_str().unwrap().to_owned());
    }
    let acked: Arc<Mutex<Vec<Acked>>> = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    // Three agents: sign in, then toggle presence, pick and accept what comes (bounded).
    for token in tokens.clone() {
        let (http, base, acked, count) = (http.clone(), base.clone(), acked.clone(), count.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..400 {
                let input = match i {
                    0 => json!({"input": "sign_in"}),
                    _ if i % 3 == 0 => json!({"input": "set_presence", "status": "away"}),
                    _ if i % 3 == 1 => json!({"input": "reset_presence"}),
                    _ => json!({"input": "set_presence", "status": "busy"}),
                };
                let action_id = format!("a{i}");
                let body = json!({"client_id": "crash", "action_id": action_id, "input": input});
                match post(&http, &format!("{base}/api/actions"), Some(&token), &body).await {
                    Ok((status, body)) => {
                        acked.lock().unwrap().push(Acked {
                            token: token.clone(),
                            action_id,
                            input,
                            status,
                            body,
                        });
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(_) => return,
                }
            }
        }));
    }
    // Customers arriving.
    {
        let (http, base, count) = (http.clone(), base.clone(), count.clone());
        let conversations: Arc<Mutex<Vec<Value>>> = Arc::default();
        let conv = conversations.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..200 {
                match post(
                    &http,
                    &format!("{base}/api/conversations"),
                    None,
                    &json!({"name": format!("C{i}"), "question": "?"}),
                )
                .await
                {
                    Ok((201, body)) => {
                        conv.lock().unwrap().push(body);
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                    _ => return,
                }
            }
        }));
    }
    // Let load build up, read the state, then kill -9 while requests are in flight.
    for _ in 0..2000 {
        if count.load(Ordering::SeqCst) >= 150 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let before = snapshot(&http, &base, &tokens[0]).await;
    for _ in 0..2000 {
        if count.load(Ordering::SeqCst) >= 250 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill(); // SIGKILL, then wait for it to be gone
    for t in tasks {
        tokio::time::timeout(Duration::from_secs(30), t)
            .await
            .unwrap()
            .unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 100,
        "too little load before the kill: {}",
        acked.len()
    );

    // Restart on the same database (on PostgreSQL it waits out the dead leader's lease).
    let (mut child, base) = spawn(dir.path());
    wait_leader(&base).await;
    // The sessions survived the crash.
    let log = whole_log(&http, &base, &tokens).await;
    let seqs: Vec<u64> = log.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as u64).collect::<Vec<_>>(),
        "seqs are not dense"
    );
    // Every acknowledged event is in the log, unchanged.
    for a in &acked {
        for e in a.body["events"].as_array().unwrap() {
            let seq = e["seq"].as_u64().unwrap() as usize;
            assert_eq!(
                log.get(seq - 1),
                Some(e),
                "acknowledged event {seq} lost or changed"
            );
        }
    }
    // The rebuilt state is the fold of the log, and equals the state read before the kill.
    let config = ServerConfig::parse(super::CONFIG).unwrap().core;
    let fold = |upto: u64| {
        let mut engine = Engine::new(config.clone());
        for e in &log[..upto as usize] {
            engine.apply(&serde_json::from_value::<Stamped>(e.clone()).unwrap());
        }
        // As the first agent's read scope has it (GET /api/snapshot, issue 18 §4): this load
        // moves no item between queues, so that is the items of her queues and their agents.
        scoped(
            serde_json::to_value(engine.snapshot()).unwrap(),
            &config,
            "ana",
        )
    };
    let after = snapshot(&http, &base, &tokens[0]).await;
    let head = after["last_seq"].as_u64().unwrap();
    assert_eq!(head, log.len() as u64);
    assert_eq!(
        without_now(after["snapshot"].clone()),
        without_now(fold(head))
    );
    let cut = before["last_seq"].as_u64().unwrap();
    assert_eq!(
        without_now(before["snapshot"].clone()),
        without_now(fold(cut)),
        "state before the kill differs"
    );
    // Resending acknowledged actions: the original answer, applied once.
    for a in acked.iter().step_by(7) {
        let body = json!({"client_id": "crash", "action_id": a.action_id, "input": a.input});
        let (status, again) = post(&http, &format!("{base}/api/actions"), Some(&a.token), &body)
            .await
            .unwrap();
        assert_eq!(
            (status, &again),
            (a.status, &a.body),
            "resent {}",
            a.action_id
        );
    }
    let (_, seq_after_resend) = {
        let v: Value = http
            .get(format!("{base}/api/health"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ((), v["last_seq"].as_u64().unwrap())
    };
    assert_eq!(seq_after_resend, head, "a resent action was applied again");
    child.kill();
}
