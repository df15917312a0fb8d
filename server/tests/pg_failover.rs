//! One writer, a hot standby and fencing on PostgreSQL (issue 16 §2), over real processes and
//! sockets: two `omnidesk-server`s on one fresh database of the test cluster (`common::pg`).
//!
//! - a standby answers `GET /api/health` with 503 and `"role":"standby"`, every other request
//!   with 503, while the leader answers 200 and `"role":"leader"`;
//! - the leader `kill -9`ed under load: the standby takes over, no acknowledged action is lost,
//!   seqs have no gap, a WebSocket client resumes from its last seq on the new leader with no
//!   gap and no duplicate (the measured failover time is printed, never asserted);
//! - a paused leader (`SIGSTOP`, the standby takes over, `SIGCONT`) writes no event and
//!   acknowledges no action, and exits with the fenced code, 75;
//! - a server started before its database answers 503 `"role":"standby"` and retries; once a
//!   cluster listens on the port it becomes the leader and serves an action.
//!
//! Waits are "eventually" with loose bounds (liveness, not timing targets).

mod common;
#[path = "support/ws_client.rs"]
mod ws_client;

use common::durability::{post, wait_leader, whole_log, Acked};
use common::Process;
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// The lease the tests' servers hold: short, so a takeover comes soon.
const LEASE_MS: &str = "1000";

/// A loose bound for anything to happen "eventually".
const EVENTUALLY: Duration = Duration::from_secs(60);

/// The set-up two servers share: a folder with the configuration, and a fresh database.
struct Pair {
    dir: tempfile::TempDir,
    db: std::ffi::OsString,
}

impl Pair {
    fn new() -> Pair {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), common::CONFIG).unwrap();
        std::fs::write(dir.path().join("index.html"), "app").unwrap();
        let db = common::Backend::Postgres.new_db(dir.path());
        Pair { dir, db }
    }

    /// A server on the pair's database.
    fn spawn(&self) -> (Process, String) {
        common::spawn_binary_on(
            self.dir.path(),
            &self.db,
            0,
            // No R24 look at the signed-in agents during a test (a new leader looks one grace
            // after it starts, as a restarted server does): the log holds only the tests' input.
            &[
                "--lease-ms",
                LEASE_MS,
                "--snapshot-every",
                "40",
                "--disconnect-grace-ms",
                "600000",
            ],
        )
    }

    /// Two servers: the first the leader (waited for), the second a standby.
    async fn start(&self) -> ((Process, String), (Process, String)) {
        let leader = self.spawn();
        wait_leader(&leader.1).await;
        let standby = self.spawn();
        (leader, standby)
    }

    fn url(&self) -> &str {
        self.db.to_str().unwrap()
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn health(http: &reqwest::Client, base: &str) -> (u16, Value) {
    let r = http.get(format!("{base}/api/health")).send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn login(http: &reqwest::Client, base: &str, agent: &str) -> String {
    let (st, body) = post(
        http,
        &format!("{base}/api/sessions"),
        None,
        &json!({"agent": agent, "password": format!("pw-{agent}")}),
    )
    .await
    .unwrap();
    assert_eq!(st, 200, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

/// Waits until the process has exited; its status.
fn wait_exit(p: &mut Process) -> std::process::ExitStatus {
    let deadline = Instant::now() + EVENTUALLY;
    loop {
        if let Some(status) = p.0.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the process did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signal(p: &Process, sig: libc::c_int) {
    // SAFETY: kill(2) on our own child's pid.
    let r = unsafe { libc::kill(p.0.id() as libc::pid_t, sig) };
    assert_eq!(r, 0, "kill({sig})");
}

/// The action bodies three agents send: sign in, then presence changes (always applicable).
fn agent_input(i: usize) -> Value {
    match i {
        0 => json!({"input": "sign_in"}),
        _ if i.is_multiple_of(3) => json!({"input": "set_presence", "status": "away"}),
        _ if i % 3 == 1 => json!({"input": "reset_presence"}),
        _ => json!({"input": "set_presence", "status": "busy"}),
    }
}

/// Sends one action to whichever of `bases` is the leader: starts with `bases[*at]`, moves on
/// to the next on a connection error or a 503 (a standby, or the old leader gone), and resends
/// the same action id (the dedup answers an action that was committed before the kill with its
/// original answer). Returns the answer and the time it came.
async fn act_on_leader(
    http: &reqwest::Client,
    bases: &[String],
    at: &mut usize,
    token: &str,
    body: &Value,
) -> (u16, Value, Instant) {
    let deadline = Instant::now() + EVENTUALLY;
    loop {
        let url = format!("{}/api/actions", bases[*at]);
        match post(http, &url, Some(token), body).await {
            Ok((503, _)) | Err(_) => {
                assert!(Instant::now() < deadline, "no leader answered {body}");
                *at = (*at + 1) % bases.len();
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Ok((status, answer)) => return (status, answer, Instant::now()),
        }
    }
}

/// The events an answer carries (applied or rejected).
fn answer_events(body: &Value) -> Vec<Value> {
    body["events"].as_array().cloned().unwrap_or_default()
}

/// Every acknowledged event is in `log` (seq `n` at index `n - 1`), unchanged.
fn assert_in_log(acked: &[Acked], log: &[Value]) {
    for a in acked {
        for e in answer_events(&a.body) {
            let seq = e["seq"].as_u64().unwrap() as usize;
            assert_eq!(
                log.get(seq - 1),
                Some(&e),
                "acknowledged event {seq} (action {}) lost or changed",
                a.action_id
            );
        }
    }
}

fn assert_dense(log: &[Value]) {
    let seqs: Vec<u64> = log.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as u64).collect::<Vec<_>>(),
        "seqs are not dense"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standby_answers_health_503_with_role_standby_and_every_other_request_503() {
    let pair = Pair::new();
    let ((_leader, lbase), (_standby, sbase)) = pair.start().await;
    let http = http();
    let (status, body) = health(&http, &lbase).await;
    assert_eq!((status, &body["role"]), (200, &json!("leader")), "{body}");
    let (status, body) = health(&http, &sbase).await;
    assert_eq!((status, &body["role"]), (503, &json!("standby")), "{body}");

    // A session made on the leader is in the shared database, and still the standby serves
    // nothing with it.
    let token = login(&http, &lbase, "ana").await;
    for path in ["/api/config", "/api/snapshot", "/api/events?after=0", "/"] {
        let r = http
            .get(format!("{sbase}{path}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 503, "GET {path} on the standby");
    }
    let (status, _) = post(
        &http,
        &format!("{sbase}/api/sessions"),
        None,
        &json!({"agent": "bert", "password": "pw-bert"}),
    )
    .await
    .unwrap();
    assert_eq!(status, 503, "POST /api/sessions on the standby");
    let body = json!({"client_id": "t", "action_id": "x", "input": {"input": "sign_in"}});
    let (status, _) = post(&http, &format!("{sbase}/api/actions"), Some(&token), &body)
        .await
        .unwrap();
    assert_eq!(status, 503, "POST /api/actions on the standby");
    // No WebSocket either: the upgrade is refused.
    let ws = tokio_tungstenite::connect_async(format!(
        "{}/api/ws",
        sbase.replacen("http://", "ws://", 1)
    ))
    .await;
    match ws {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => {
            assert_eq!(r.status().as_u16(), 503, "the standby's WebSocket upgrade")
        }
        Err(e) => panic!("the standby's WebSocket upgrade: {e}"),
        Ok(_) => panic!("the standby accepted a WebSocket"),
    }
    // The standby's refusal left the log as the leader has it: nothing from its requests.
    let (status, body) = health(&http, &lbase).await;
    assert_eq!(status, 200);
    assert_eq!(body["last_seq"], 0, "{body}");
}

/// A WebSocket follower: connects to whichever base is the leader, authenticates, subscribes
/// after the last seq it has, collects every event; on a lost connection it starts again from
/// the last seq on the other base. Stops once `stop` is set and it has `want` events (or the
/// bound runs out). Returns the events' seqs and bodies in order of arrival, and how many
/// connections it made.
async fn follow(
    bases: Vec<String>,
    token: String,
    stop: Arc<AtomicBool>,
    want: Arc<AtomicUsize>,
) -> (Vec<Value>, usize) {
    let mut got: Vec<Value> = Vec::new();
    let mut at = 0;
    let mut connections = 0;
    let deadline = Instant::now() + Duration::from_secs(120);
    'connect: while Instant::now() < deadline {
        if stop.load(Ordering::SeqCst) && got.len() >= want.load(Ordering::SeqCst) {
            break;
        }
        let url = format!("{}/api/ws", bases[at].replacen("http://", "ws://", 1));
        let Ok((mut ws, _)) = tokio_tungstenite::connect_async(url).await else {
            at = (at + 1) % bases.len();
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        connections += 1;
        let after = got.last().map_or(0, |e| e["seq"].as_u64().unwrap());
        ws_client::send(&mut ws, json!({"type": "auth", "token": token})).await;
        let mut subscribed = false;
        loop {
            if stop.load(Ordering::SeqCst) && got.len() >= want.load(Ordering::SeqCst) {
                break 'connect;
            }
            let next = tokio::time::timeout(Duration::from_millis(200), ws.next()).await;
            let msg = match next {
                Err(_) => continue,
                Ok(Some(Ok(m))) => m,
                Ok(_) => {
                    // Lost: resume on the other one.
                    at = (at + 1) % bases.len();
                    continue 'connect;
                }
            };
            let Message::Text(text) = msg else { continue };
            let f: Value = serde_json::from_str(text.as_str()).unwrap();
            match f["type"].as_str() {
                Some("authenticated") if !subscribed => {
                    subscribed = true;
                    ws_client::send(&mut ws, json!({"type": "subscribe", "after": after})).await;
                }
                Some("event") => got.push(f["event"].clone()),
                Some("resync") => panic!("a resync after {after}: {f}"),
                _ => {}
            }
        }
    }
    (got, connections)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leader_killed_under_load_standby_takes_over_and_nothing_acknowledged_is_lost() {
    let pair = Pair::new();
    let ((mut leader, lbase), (mut standby, sbase)) = pair.start().await;
    let bases = vec![lbase.clone(), sbase.clone()];
    let http = http();
    let mut tokens = Vec::new();
    for agent in ["ana", "bert", "cara"] {
        tokens.push(login(&http, &lbase, agent).await);
    }

    // A WebSocket client following the log from the start, across the failover.
    let stop = Arc::new(AtomicBool::new(false));
    let want = Arc::new(AtomicUsize::new(usize::MAX));
    let follower = tokio::spawn(follow(
        bases.clone(),
        tokens[0].clone(),
        stop.clone(),
        want.clone(),
    ));

    // Three agents send actions one after another, each to whichever server is the leader.
    let acked: Arc<Mutex<Vec<(Acked, Instant, String)>>> = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for token in tokens.clone() {
        let (http, bases, acked, count) =
            (http.clone(), bases.clone(), acked.clone(), count.clone());
        tasks.push(tokio::spawn(async move {
            let mut at = 0;
            for i in 0..240 {
                let input = agent_input(i);
                let action_id = format!("f{i}");
                let body = json!({"client_id": "failover", "action_id": action_id, "input": input});
                let (status, answer, when) =
                    act_on_leader(&http, &bases, &mut at, &token, &body).await;
                assert!(status == 200 || status == 409, "{status} {answer}");
                acked.lock().unwrap().push((
                    Acked {
                        token: token.clone(),
                        action_id,
                        input,
                        status,
                        body: answer,
                    },
                    when,
                    bases[at].clone(),
                ));
                count.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    // Kill -9 the leader mid-load.
    let deadline = Instant::now() + EVENTUALLY;
    while count.load(Ordering::SeqCst) < 150 {
        assert!(Instant::now() < deadline, "too little load");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let killed_at = Instant::now();
    leader.kill();
    for t in tasks {
        tokio::time::timeout(Duration::from_secs(120), t)
            .await
            .unwrap()
            .unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let first_on_standby = acked
        .iter()
        .filter(|(_, when, base)| *base == sbase && *when > killed_at)
        .map(|(_, when, _)| *when)
        .min()
        .expect("the standby acknowledged actions");
    eprintln!(
        "failover: leader killed -9 -> first acknowledged action on the new leader in {} ms (lease {LEASE_MS} ms)",
        (first_on_standby - killed_at).as_millis()
    );
    let (status, body) = health(&http, &sbase).await;
    assert_eq!((status, &body["role"]), (200, &json!("leader")), "{body}");

    // The log on the new leader: dense, with every acknowledged event unchanged, and every
    // action of before the kill in it (a resent one answered as the first time).
    let log = whole_log(&http, &sbase, &tokens).await;
    assert_dense(&log);
    let acked: Vec<Acked> = acked.into_iter().map(|(a, _, _)| a).collect();
    assert_in_log(&acked, &log);
    assert_eq!(acked.len(), 3 * 240);
    // The database holds the same log.
    let rows = common::pg::psql(
        pair.url(),
        "SELECT count(*), coalesce(max(seq), 0) FROM events",
    );
    assert_eq!(
        rows,
        format!("{}|{}", log.len(), log.len()),
        "the events table"
    );

    // The WebSocket client (ana's) resumed on the new leader: every event of ana's read scope
    // (issue 18 §4) once, in seq order — exactly what the new leader's log gives her.
    let theirs = common::durability::all_events(&http, &sbase, &tokens[0]).await;
    assert!(!theirs.is_empty());
    want.store(theirs.len(), Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    let (seen, connections) = tokio::time::timeout(Duration::from_secs(150), follower)
        .await
        .unwrap()
        .unwrap();
    assert!(connections >= 2, "the WebSocket client never reconnected");
    let seqs: Vec<u64> = seen.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "the WebSocket stream has a duplicate or is out of order across the failover: {seqs:?}"
    );
    assert_eq!(
        seqs,
        theirs
            .iter()
            .map(|e| e["seq"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        "the WebSocket stream has a gap across the failover"
    );
    assert_eq!(seen, theirs, "the WebSocket stream differs from the log");
    standby.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paused_leader_resumed_after_takeover_writes_nothing_acknowledges_nothing_and_exits() {
    let pair = Pair::new();
    let ((mut old, obase), (mut new, nbase)) = pair.start().await;
    let http = http();
    let ana = login(&http, &obase, "ana").await;
    let bert = login(&http, &obase, "bert").await;
    let cara = login(&http, &obase, "cara").await;

    // Load on the old leader while it is paused: some actions are in flight inside it.
    let acked: Arc<Mutex<Vec<Acked>>> = Arc::default();
    let paused = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicUsize::new(0));
    let load = {
        let (http, obase, acked, paused, count, token) = (
            http.clone(),
            obase.clone(),
            acked.clone(),
            paused.clone(),
            count.clone(),
            ana.clone(),
        );
        tokio::spawn(async move {
            let mut refused_after_pause = 0;
            for i in 0..400 {
                let input = agent_input(i);
                let action_id = format!("p{i}");
                let body = json!({"client_id": "paused", "action_id": action_id, "input": input});
                let r = post(&http, &format!("{obase}/api/actions"), Some(&token), &body).await;
                match r {
                    Ok((status, answer)) if status == 200 || status == 409 => {
                        acked.lock().unwrap().push(Acked {
                            token: token.clone(),
                            action_id,
                            input,
                            status,
                            body: answer,
                        });
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                    _ if paused.load(Ordering::SeqCst) => {
                        refused_after_pause += 1;
                        if refused_after_pause >= 3 {
                            return;
                        }
                    }
                    other => panic!("before the pause: {other:?}"),
                }
            }
        })
    };
    let deadline = Instant::now() + EVENTUALLY;
    while count.load(Ordering::SeqCst) < 40 {
        assert!(Instant::now() < deadline, "too little load");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    paused.store(true, Ordering::SeqCst);
    signal(&old, libc::SIGSTOP);
    let paused_at = Instant::now();

    // The standby takes over and acknowledges actions.
    wait_leader(&nbase).await;
    eprintln!(
        "takeover from a paused leader: {} ms (lease {LEASE_MS} ms)",
        paused_at.elapsed().as_millis()
    );
    let mut new_acked = Vec::new();
    for (i, input) in [
        json!({"input": "sign_in"}),
        json!({"input": "set_presence", "status": "away"}),
    ]
    .into_iter()
    .enumerate()
    {
        let action_id = format!("n{i}");
        let body = json!({"client_id": "new", "action_id": action_id, "input": input});
        let (status, answer) = post(&http, &format!("{nbase}/api/actions"), Some(&bert), &body)
            .await
            .unwrap();
        assert_eq!(status, 200, "{answer}");
        new_acked.push(Acked {
            token: bert.clone(),
            action_id,
            input,
            status,
            body: answer,
        });
    }
    let head = health(&http, &nbase).await.1["last_seq"].as_u64().unwrap();

    // An action for the old leader, sent while it is paused, answered (if at all) once it
    // resumes: cara signing in, which nothing else does.
    let to_old = {
        let (http, obase, cara) = (http.clone(), obase.clone(), cara.clone());
        tokio::spawn(async move {
            let body =
                json!({"client_id": "old", "action_id": "o1", "input": {"input": "sign_in"}});
            post(&http, &format!("{obase}/api/actions"), Some(&cara), &body).await
        })
    };
    // Not a wait for an outcome: only so that the request is likely in the paused process's
    // socket before it resumes (if not, the resumed process must refuse it all the same).
    tokio::time::sleep(Duration::from_millis(100)).await;
    signal(&old, libc::SIGCONT);
    // Answered after the resume, or its connection closed as the fenced leader exits: never
    // acknowledged.
    let answer = tokio::time::timeout(Duration::from_secs(30), to_old)
        .await
        .unwrap()
        .unwrap();
    if let Ok((status, body)) = answer {
        assert_ne!(
            status, 200,
            "the resumed old leader acknowledged an action: {body}"
        );
    }
    // Fenced, not an ordinary write failure (70): whichever of its renewal and its next
    // append finds the lease gone first, and even when the new leader already wrote the seqs
    // the old one was about to (docs/server.md: 75, EX_TEMPFAIL).
    let status = wait_exit(&mut old);
    assert_eq!(
        status.code(),
        Some(75),
        "the fenced leader exited with {status}, not the fenced exit code"
    );
    tokio::time::timeout(Duration::from_secs(60), load)
        .await
        .unwrap()
        .unwrap();

    // The log: dense; every action the old leader acknowledged, and the new leader's, in it;
    // nothing of cara's (the action sent to the fenced leader); the database's events table
    // holds exactly what the new leader serves, and nothing past its head.
    let log = whole_log(&http, &nbase, &[ana.clone(), bert.clone(), cara.clone()]).await;
    assert_dense(&log);
    assert_eq!(
        log.len() as u64,
        head,
        "an event was written after the takeover"
    );
    assert_in_log(&acked.lock().unwrap(), &log);
    assert_in_log(&new_acked, &log);
    assert!(
        !log.iter().any(|e| e.to_string().contains("\"cara\"")),
        "the fenced leader's action is in the log"
    );
    let rows = common::pg::psql(
        pair.url(),
        "SELECT count(*), coalesce(max(seq), 0) FROM events",
    );
    assert_eq!(rows, format!("{head}|{head}"), "the events table");
    let cara = common::pg::psql(
        pair.url(),
        "SELECT count(*) FROM events WHERE event LIKE '%\"cara\"%'",
    );
    assert_eq!(
        cara, "0",
        "the fenced leader's action is in the events table"
    );
    // Every event of the old leader's epoch comes before every event of the new one's.
    let order = common::pg::psql(
        pair.url(),
        "SELECT count(*) FROM events a JOIN events b ON a.epoch > b.epoch AND a.seq < b.seq",
    );
    assert_eq!(order, "0", "an older epoch's event after a newer one's");
    // And the new leader goes on.
    let (status, body) = health(&http, &nbase).await;
    assert_eq!((status, &body["role"]), (200, &json!("leader")), "{body}");
    new.kill();
}

/// A server started while its database is down (a database restart, or not yet up) waits as
/// a standby instead of exiting: it answers 503 `"role":"standby"`, retries connecting, and
/// once a PostgreSQL listens on the port it migrates, takes the lease and serves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_started_before_its_database_waits_as_a_standby_then_leads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.json"), common::CONFIG).unwrap();
    std::fs::write(dir.path().join("index.html"), "app").unwrap();
    // A port nothing listens on yet (a race with another process taking it only fails the
    // cluster's start below, loudly).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let db = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let (server, base) = common::spawn_binary_on(
        dir.path(),
        std::ffi::OsStr::new(&db),
        0,
        &["--lease-ms", LEASE_MS],
    );
    let http = http();
    let (status, body) = health(&http, &base).await;
    assert_eq!((status, &body["role"]), (503, &json!("standby")), "{body}");

    // Starting a cluster takes a few of the server's attempts; a server that gave up at the
    // first would never become the leader below.
    let (_, cluster) = tokio::task::spawn_blocking(move || common::pg::start_cluster_on(port))
        .await
        .unwrap();
    wait_leader(&base).await;
    let (status, body) = health(&http, &base).await;
    assert_eq!((status, &body["role"]), (200, &json!("leader")), "{body}");
    let token = login(&http, &base, "ana").await;
    let action = json!({"client_id": "t", "action_id": "a1", "input": {"input": "sign_in"}});
    let (status, answer) = post(&http, &format!("{base}/api/actions"), Some(&token), &action)
        .await
        .unwrap();
    assert_eq!(status, 200, "{answer}");
    assert!(!answer_events(&answer).is_empty(), "{answer}");
    drop(server);
    common::pg::stop_cluster(&cluster);
}
