//! Shared test helpers: a server on 127.0.0.1:0 with a temp database, and a small HTTP client.
#![allow(dead_code)]

pub mod durability;
pub mod pg;

use omnidesk_server::config::ServerConfig;
use omnidesk_server::hub::HubOptions;
use omnidesk_server::{serve, Options, Running};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::Duration;

/// A small centre: `general` (ana, bert; chat, sms, email), `vip` (cara; chat, voice).
/// Passwords are `pw-<id>`. Chat is made async here so that `wait` and `open` can be driven through live chats.
pub const CONFIG: &str = r#"{
  "channels": [{"id": "chat", "async": true}],
  "queues": [
    {"id": "general", "members": ["ana", "bert"], "channels": ["chat", "sms", "email"]},
    {"id": "vip", "priority": 1, "members": ["cara"], "channels": ["chat", "voice"]}
  ],
  "agents": [
    {"id": "ana", "name": "Ana", "password": "pw-ana"},
    {"id": "bert", "name": "Bert", "password": "pw-bert"},
    {"id": "cara", "name": "Cara", "password": "pw-cara"}
  ],
  "live_chat": {"queue": "general"},
  "allowed_origins": ["http://allowed.example"]
}"#;

/// Issue 18's options for tests: no chat-start limit (tests start many chats from 127.0.0.1);
/// the rest as in production.
pub fn test_guard() -> omnidesk_server::guard::GuardOptions {
    let mut g = omnidesk_server::guard::GuardOptions::default();
    g.throttle.chat_start_limit = 0;
    g
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub base: String,
    pub http: reqwest::Client,
    pub running: Running,
    pub dir: tempfile::TempDir,
}

pub async fn start() -> TestServer {
    start_with(CONFIG).await
}

pub async fn start_with(config: &str) -> TestServer {
    start_with_hub(config, HubOptions::default()).await
}

/// The app `start*` serve: an index.html (without a `<head>` tag).
pub const APP: &[(&str, &str)] = &[(
    "index.html",
    "<!doctype html><title>omnidesk test app</title>",
)];

pub async fn start_with_hub(config: &str, hub: HubOptions) -> TestServer {
    start_full(config, hub, APP).await
}

/// A server whose `dist/` holds these files (path relative to `dist/`, contents).
pub async fn start_with_app(app: &[(&str, &str)]) -> TestServer {
    start_full(CONFIG, HubOptions::default(), app).await
}

pub async fn start_full(config: &str, hub: HubOptions, app: &[(&str, &str)]) -> TestServer {
    start_opts(config, hub, test_guard(), app).await
}

/// A server with these issue-18 options (throttling, session limits, `/chat` framing).
pub async fn start_guarded(
    config: &str,
    guard: omnidesk_server::guard::GuardOptions,
    app: &[(&str, &str)],
) -> TestServer {
    start_opts(config, HubOptions::default(), guard, app).await
}

async fn start_opts(
    config: &str,
    hub: HubOptions,
    guard: omnidesk_server::guard::GuardOptions,
    app: &[(&str, &str)],
) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("dist")).unwrap();
    for (path, contents) in app {
        let path = dir.path().join("dist").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    let config = ServerConfig::parse(config).unwrap();
    let options = Options {
        addr: "127.0.0.1:0".parse().unwrap(),
        db: Backend::from_env()
            .new_db(dir.path())
            .to_str()
            .unwrap()
            .into(),
        dist: dir.path().join("dist"),
        hub,
        guard,
        ..Options::default()
    };
    let running = serve(config, options).await.unwrap();
    let addr = running.addr;
    TestServer {
        addr,
        base: format!("http://{addr}"),
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap(),
        running,
        dir,
    }
}

impl TestServer {
    pub async fn login(&self, agent: &str) -> String {
        let (status, body) = self
            .post(
                "/api/sessions",
                None,
                json!({"agent": agent, "password": format!("pw-{agent}")}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.post_raw(path, token, body.to_string()).await
    }

    pub async fn post_raw(&self, path: &str, token: Option<&str>, body: String) -> (u16, Value) {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Sends an action; returns (status, body).
    pub async fn act(&self, token: &str, action_id: &str, input: Value) -> (u16, Value) {
        self.post(
            "/api/actions",
            Some(token),
            json!({"client_id": "test", "action_id": action_id, "input": input}),
        )
        .await
    }

    /// Agents and items of the snapshot (without `now`), and the last seq.
    pub async fn state(&self, token: &str) -> (Value, u64) {
        let (status, body) = self.get("/api/snapshot", Some(token)).await;
        assert_eq!(status, 200, "{body}");
        let mut snap = body["snapshot"].clone();
        snap.as_object_mut().unwrap().remove("now");
        (snap, body["last_seq"].as_u64().unwrap())
    }

    /// A customer starts a chat; returns (item, token).
    pub async fn conversation(&self, name: &str) -> (String, String) {
        let (status, body) = self
            .post(
                "/api/conversations",
                None,
                json!({"name": name, "question": "hello?"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        (
            body["item"].as_str().unwrap().to_owned(),
            body["token"].as_str().unwrap().to_owned(),
        )
    }
}

/// A server process, `kill -9`ed when dropped (a failing test leaves none behind).
pub struct Process(pub std::process::Child);

impl Process {
    /// `kill -9`, and wait for it to be gone.
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The real server binary on 127.0.0.1 (`port` 0 picks one) with `dir/config.json` and
/// `dir/events.db`; returns the process and its `http://addr` once it listens.
pub fn spawn_binary(dir: &std::path::Path, port: u16) -> (Process, String) {
    spawn_binary_with(dir, port, &[])
}

/// [`spawn_binary`] with more command-line options (`--snapshot-every 40`, …).
pub fn spawn_binary_with(dir: &std::path::Path, port: u16, extra: &[&str]) -> (Process, String) {
    let db = dir.join("events.db");
    spawn_binary_on(dir, db.as_os_str(), port, extra)
}

/// Where a test's server keeps its log: a SQLite file in the test's folder, or a fresh
/// PostgreSQL database ([`pg::database`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend of the in-process test servers ([`start`] and the like):
    /// `OMNIDESK_TEST_BACKEND=postgres` runs them on PostgreSQL (`scripts/test` runs the API
    /// and socket suites once that way too), SQLite otherwise.
    pub fn from_env() -> Backend {
        match std::env::var("OMNIDESK_TEST_BACKEND").as_deref() {
            Ok("postgres") => Backend::Postgres,
            Ok("sqlite") | Ok("") | Err(_) => Backend::Sqlite,
            Ok(other) => panic!("OMNIDESK_TEST_BACKEND: {other:?} is neither sqlite nor postgres"),
        }
    }

    /// A new, empty log of this kind for a test whose folder is `dir`: the `--db` value.
    pub fn new_db(self, dir: &std::path::Path) -> std::ffi::OsString {
        match self {
            Backend::Sqlite => dir.join("events.db").into_os_string(),
            Backend::Postgres => pg::database().into(),
        }
    }
}

/// [`spawn_binary_with`] on this `--db` (a SQLite file or a `postgres://` URL). Returns once
/// the server listens, which a standby does too (it answers `/api/health` with 503).
pub fn spawn_binary_on(
    dir: &std::path::Path,
    db: &std::ffi::OsStr,
    port: u16,
    extra: &[&str],
) -> (Process, String) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_omnidesk-server"))
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args(extra)
        .arg("--config")
        .arg(dir.join("config.json"))
        .arg("--db")
        .arg(db)
        .env_remove("OMNIDESK_DB")
        .arg("--dist")
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    // The first `listening on` line gives the address; whatever it prints later goes on to
    // stderr (so a later line never meets a closed pipe).
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    let base = loop {
        match lines.next() {
            Some(Ok(line)) => match line.trim().strip_prefix("listening on ") {
                Some(base) => break base.to_owned(),
                None => seen.push(line),
            },
            _ => panic!("the server exited before listening; it printed {seen:?}"),
        }
    };
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            eprintln!("[server] {line}");
        }
    });
    (Process(child), base)
}
