//! Issue 18 over real sockets: sign-in throttling (429 with Retry-After, refused even with the
//! right password, lifted after the window or by a supervisor), the chat-start limit, session
//! expiry (401 `session expired`; a socket gets an error frame and close code 4401), the
//! security headers on the index, the assets and the API, framing, and the audit trail.

mod common;

use common::{start_guarded, test_guard, TestServer};
use futures_util::{SinkExt, StreamExt};
use omnidesk_server::guard::GuardOptions;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// `general` (ana, bert; sam supervises it), `vip` (cara). Passwords `pw-<id>`.
const CONFIG: &str = r#"{
  "queues": [
    {"id": "general", "members": ["ana", "bert"], "channels": ["chat", "email"]},
    {"id": "vip", "members": ["cara"], "channels": ["chat"]}
  ],
  "agents": [
    {"id": "ana", "password": "pw-ana"},
    {"id": "bert", "password": "pw-bert"},
    {"id": "cara", "password": "pw-cara"},
    {"id": "sam", "password": "pw-sam", "supervises": ["general"]}
  ],
  "live_chat": {"queue": "general"}
}"#;

const INDEX: &str = "<!doctype html><html><head><script type=\"module\">import init from '/app.js'; init();</script></head><body></body></html>";

async fn server(guard: GuardOptions) -> TestServer {
    start_guarded(
        CONFIG,
        guard,
        &[
            ("index.html", INDEX),
            ("app.js", "export default function init() {}"),
        ],
    )
    .await
}

fn window(ms: u64) -> GuardOptions {
    let mut g = test_guard();
    g.throttle.signin_window_ms = ms;
    g
}

/// A sign-in attempt: (status, Retry-After, body).
async fn sign_in(s: &TestServer, agent: &str, password: &str) -> (u16, Option<u64>, Value) {
    sign_in_from(s, agent, password, None).await
}

async fn sign_in_from(
    s: &TestServer,
    agent: &str,
    password: &str,
    forwarded: Option<&str>,
) -> (u16, Option<u64>, Value) {
    let mut req = s
        .http
        .post(format!("{}/api/sessions", s.base))
        .json(&json!({"agent": agent, "password": password}));
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (status, retry, resp.json().await.unwrap())
}

/// Issue 18 §1: five failures, then 429 with Retry-After — the sixth attempt and a correct
/// password alike — and another address is not locked out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sixth_failure_and_a_correct_password_inside_the_window_get_429() {
    let s = server(test_guard()).await;
    for _ in 0..5 {
        assert_eq!(sign_in(&s, "ana", "wrong").await.0, 401);
    }
    let (status, retry, body) = sign_in(&s, "ana", "wrong").await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(retry, Some(900));
    assert_eq!(body["error"], "too_many_requests");
    assert_eq!(body["retry_after"], 900);
    let (status, _, body) = sign_in(&s, "ana", "pw-ana").await;
    assert_eq!(status, 429, "a correct password during the lockout: {body}");
    // Another agent from the same address is not affected.
    assert_eq!(sign_in(&s, "bert", "pw-bert").await.0, 200);
}

/// Issue 18 §1: sign-in works again once the (shortened) lockout is over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_works_again_after_a_short_lockout() {
    let s = server(window(1500)).await;
    for _ in 0..5 {
        assert_eq!(sign_in(&s, "ana", "wrong").await.0, 401);
    }
    assert_eq!(sign_in(&s, "ana", "pw-ana").await.0, 429);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let (status, _, body) = sign_in(&s, "ana", "pw-ana").await;
    assert_eq!(status, 200, "{body}");
}

/// Issue 18 §1: `X-Forwarded-For` counts only from a `--trust-proxy` peer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    let mut g = test_guard();
    g.throttle.trust_proxy = vec!["127.0.0.1".parse().unwrap()];
    let s = server(g).await;
    for _ in 0..5 {
        sign_in_from(&s, "ana", "wrong", Some("203.0.113.1")).await;
    }
    assert_eq!(
        sign_in_from(&s, "ana", "pw-ana", Some("203.0.113.1"))
            .await
            .0,
        429
    );
    assert_eq!(
        sign_in_from(&s, "ana", "pw-ana", Some("203.0.113.2"))
            .await
            .0,
        200,
        "another client behind the same proxy"
    );
    // Without a trusted proxy the header is ignored: all five failures count for 127.0.0.1.
    let s = server(test_guard()).await;
    for i in 0..5 {
        sign_in_from(&s, "ana", "wrong", Some(&format!("203.0.113.{i}"))).await;
    }
    assert_eq!(
        sign_in_from(&s, "ana", "pw-ana", Some("198.51.100.7"))
            .await
            .0,
        429
    );
}

/// Issue 18 §1: a supervisor of the agent's queue lifts the lockout; others may not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_lifts_a_lockout() {
    let s = server(test_guard()).await;
    let sam = s.login("sam").await;
    let cara = s.login("cara").await;
    for _ in 0..5 {
        sign_in(&s, "ana", "wrong").await;
    }
    assert_eq!(sign_in(&s, "ana", "pw-ana").await.0, 429);
    let delete = |token: String, path: &str| {
        s.http
            .delete(format!("{}{path}", s.base))
            .bearer_auth(token)
            .send()
    };
    let r = delete(cara.clone(), "/api/lockouts/ana").await.unwrap();
    assert_eq!(r.status().as_u16(), 403, "cara supervises nothing");
    let r = delete(sam.clone(), "/api/lockouts/cara").await.unwrap();
    assert_eq!(
        r.status().as_u16(),
        403,
        "cara is not in a queue sam supervises"
    );
    let r = delete(sam.clone(), "/api/lockouts/nobody").await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let r = delete(sam, "/api/lockouts/ana").await.unwrap();
    assert_eq!(r.status().as_u16(), 204);
    assert_eq!(sign_in(&s, "ana", "pw-ana").await.0, 200);
}

/// Issue 18 §1: `POST /api/conversations` per client address, `--chat-start-limit` a minute.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_starts_past_the_limit_get_429() {
    let mut g = test_guard();
    g.throttle.chat_start_limit = 2;
    let s = server(g).await;
    s.conversation("one").await;
    s.conversation("two").await;
    let resp = s
        .http
        .post(format!("{}/api/conversations", s.base))
        .json(&json!({"name": "three", "question": "hello?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["retry_after"], retry);
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn socket(s: &TestServer, token: &str) -> Ws {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/api/ws", s.addr))
        .await
        .unwrap();
    ws.send(Message::Text(
        json!({"type": "auth", "token": token}).to_string().into(),
    ))
    .await
    .unwrap();
    let f = next_text(&mut ws).await;
    assert_eq!(f["type"], "authenticated", "{f}");
    ws
}

async fn next_text(ws: &mut Ws) -> Value {
    loop {
        match next(ws).await {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

async fn next(ws: &mut Ws) -> Message {
    tokio::time::timeout(Duration::from_secs(15), ws.next())
        .await
        .expect("a frame within 15 s")
        .expect("the connection is open")
        .unwrap()
}

/// The `unauthorized` error frame and the close with 4401 that end a socket's session.
async fn expect_session_over(ws: &mut Ws, reason: &str) {
    let f = next_text(ws).await;
    assert_eq!(
        (
            f["type"].as_str(),
            f["error"].as_str(),
            f["reason"].as_str()
        ),
        (Some("error"), Some("unauthorized"), Some(reason)),
        "{f}"
    );
    match next(ws).await {
        Message::Close(Some(c)) => {
            assert_eq!(c.code, CloseCode::from(4401));
            assert_eq!(c.reason.as_str(), reason);
        }
        other => panic!("expected a close, got {other:?}"),
    }
}

fn idle(ms: u64) -> GuardOptions {
    let mut g = test_guard();
    g.sessions.idle_ms = ms;
    g
}

/// Issue 18 §2: with a 2 s idle timeout, a token unused for 3 s gets 401 `session expired`,
/// and a socket kept alive by pings alone is closed (error frame, then 4401).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_expires_on_http_and_on_the_socket() {
    let s = server(idle(2000)).await;
    let ana = s.login("ana").await;
    let bert = s.login("bert").await;
    let mut ws = socket(&s, &bert).await;
    // Pings don't refresh the session.
    ws.send(Message::Text(json!({"type": "ping"}).to_string().into()))
        .await
        .unwrap();
    assert_eq!(next_text(&mut ws).await["type"], "pong");
    tokio::time::sleep(Duration::from_millis(3000)).await;
    let (status, body) = s.get("/api/session", Some(&ana)).await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (401, Some("session expired"))
    );
    expect_session_over(&mut ws, "session expired").await;
    let (status, body) = s.get("/api/session", Some(&bert)).await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (401, Some("session expired"))
    );
}

/// Issue 18 §2: requests refresh the idle clock (a busy session does not expire), and the
/// maximum age ends even a busy one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_refresh_the_idle_clock_and_the_max_age_ends_a_busy_session() {
    let mut g = idle(2000);
    g.sessions.max_age_ms = 4000;
    let s = server(g).await;
    let ana = s.login("ana").await;
    let started = std::time::Instant::now();
    // Used every 0.5 s: alive past the idle timeout, until the maximum age.
    let mut alive_past_idle = false;
    loop {
        let (status, body) = s.get("/api/session", Some(&ana)).await;
        if status == 401 {
            assert_eq!(body["reason"], "session expired");
            break;
        }
        assert_eq!(status, 200, "{body}");
        alive_past_idle |= started.elapsed() > Duration::from_millis(2500);
        assert!(started.elapsed() < Duration::from_secs(30), "never expired");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(
        alive_past_idle,
        "requests kept the session past the idle timeout"
    );
}

/// Issue 18 §2: a supervisor ends an agent's sessions; the agent's socket is told and closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_ends_an_agents_sessions() {
    let s = server(test_guard()).await;
    let sam = s.login("sam").await;
    let ana = s.login("ana").await;
    let mut ws = socket(&s, &ana).await;
    let r = s
        .http
        .delete(format!("{}/api/agents/ana/sessions", s.base))
        .bearer_auth(&sam)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body, json!({"agent": "ana", "ended": 1}));
    expect_session_over(&mut ws, "session ended").await;
    let (status, body) = s.get("/api/session", Some(&ana)).await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (401, Some("session ended"))
    );
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} on {}", resp.url()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// Issue 18 §3: the headers on the index, an asset, the API (an answer and an error); the
/// CSP allows the index's inline script by its hash; nothing is frameable but `/chat`, by
/// the `--chat-embed-origin` origins only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_are_on_every_response_and_only_chat_may_be_framed() {
    let mut g = test_guard();
    g.chat_embed_origins = vec!["https://shop.example".into()];
    let s = server(g).await;
    let script = "import init from '/app.js'; init();";
    let hash = {
        use base64_check::encode;
        encode(&Sha256::digest(script.as_bytes()))
    };
    for path in [
        "/",
        "/session/7",
        "/app.js",
        "/api/health",
        "/api/session",
        "/api/nope",
    ] {
        let resp = s
            .http
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .unwrap();
        let csp = header(&resp, "content-security-policy");
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(
            csp.contains(&format!(
                "script-src 'self' 'sha256-{hash}' 'wasm-unsafe-eval'"
            )),
            "{path}: {csp}"
        );
        let host = s.addr.to_string();
        assert!(
            csp.contains(&format!("connect-src 'self' ws://{host} wss://{host}")),
            "{path}: {csp}"
        );
        for part in [
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
        assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
        assert_eq!(header(&resp, "referrer-policy"), "no-referrer");
        assert_eq!(header(&resp, "x-frame-options"), "DENY", "{path}");
    }
    let chat = s.http.get(format!("{}/chat", s.base)).send().await.unwrap();
    let csp = header(&chat, "content-security-policy");
    assert!(
        csp.contains("frame-ancestors https://shop.example"),
        "{csp}"
    );
    assert!(chat.headers().get("x-frame-options").is_none());
}

/// Issue 18 §5: sign-ins, failed sign-ins, throttling, sign-outs, expiries and a supervisor's
/// act go in the trail, which only supervisors read, newest first, in pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_trail_records_and_pages() {
    let s = server(idle(3000)).await;
    let sam = s.login("sam").await;
    for _ in 0..5 {
        sign_in(&s, "cara", "wrong").await;
    }
    assert_eq!(sign_in(&s, "cara", "pw-cara").await.0, 429);
    let bert = s.login("bert").await;
    let r = s
        .http
        .delete(format!("{}/api/sessions", s.base))
        .bearer_auth(&bert)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let (item, _) = s.conversation("Zed").await;
    let (assigned, body) = s
        .act(
            &sam,
            "sam.1",
            json!({"input": "assign", "by": "sam", "item": item, "agent": "ana"}),
        )
        .await;
    assert!(assigned == 200 || assigned == 409, "{assigned} {body}");
    let ana = s.login("ana").await;
    let (status, _) = s.get("/api/audit", Some(&ana)).await;
    assert_eq!(
        status, 403,
        "agents who supervise nothing don't read the trail"
    );
    // An expiry: ana's session is left unused until the sweeper removes it.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let entries = loop {
        // Sam keeps his own session alive by reading.
        let (status, page) = s.get("/api/audit?limit=1000", Some(&sam)).await;
        assert_eq!(status, 200, "{page}");
        let entries = page["entries"].as_array().unwrap().clone();
        if entries
            .iter()
            .any(|e| e["action"] == "session_expired" && e["principal"] == "ana")
        {
            break entries;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no expiry recorded: {page}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let has = |action: &str, principal: &str, outcome: &str| {
        entries.iter().any(|e| {
            e["action"] == action
                && e["principal"] == principal
                && e["outcome"] == outcome
                && e["address"] == "127.0.0.1"
        })
    };
    assert!(has("sign_in", "sam", "ok"), "{entries:?}");
    assert!(has("sign_in_failed", "cara", "refused"));
    assert!(has("throttled", "cara", "locked"));
    assert!(has("throttled", "cara", "refused"));
    assert!(has("sign_out", "bert", "ok"));
    assert!(has("assign", "sam", &assigned.to_string()));
    let failed = entries
        .iter()
        .filter(|e| e["action"] == "sign_in_failed")
        .count();
    assert_eq!(failed, 5);
    // Newest first, and in pages that add up to the whole.
    let ids: Vec<u64> = entries.iter().map(|e| e["id"].as_u64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    let (_, first) = s.get("/api/audit?limit=3", Some(&sam)).await;
    assert_eq!(first["entries"].as_array().unwrap().len(), 3);
    let before = first["next_before"].as_u64().unwrap();
    let (_, second) = s
        .get(
            &format!("/api/audit?limit=1000&before={before}"),
            Some(&sam),
        )
        .await;
    assert_eq!(
        second["entries"][0]["id"].as_u64().unwrap(),
        ids[3],
        "the next page starts after the first"
    );
    // No password or token ever goes in the trail.
    let text = serde_json::to_string(&entries).unwrap();
    assert!(!text.contains("pw-") && !text.contains(&sam));
}

/// Standard base64, to check the CSP's hash independently of the server's encoder.
mod base64_check {
    pub fn encode(bytes: &[u8]) -> String {
        let table: Vec<char> = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .chars()
            .collect();
        let mut bits = 0u32;
        let mut n = 0;
        let mut out = String::new();
        for b in bytes {
            bits = (bits << 8) | u32::from(*b);
            n += 8;
            while n >= 6 {
                n -= 6;
                out.push(table[((bits >> n) & 63) as usize]);
            }
        }
        if n > 0 {
            out.push(table[((bits << (6 - n)) & 63) as usize]);
        }
        while !out.len().is_multiple_of(4) {
            out.push('=');
        }
        out
    }
}
