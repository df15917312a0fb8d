//! `omnidesk-load`: the server's load generator (BENCHMARKS.md "Server at scale",
//! `scripts/bench-server`). Loopback only, bounded in agents and time.
//!
//! It writes a centre of N agents across Q queues (each agent in K of them, chat pushed),
//! starts `omnidesk-server` as a child process with `--load-test-tokens` (pre-issued session
//! tokens: N argon2 sign-ins would only measure argon2), opens one WebSocket per agent that
//! authenticates, subscribes to its queues and signs in, then drives conversations:
//! customers arrive over HTTP (`POST /api/conversations` naming the queue, round-robin) at the
//! given rate; the agent offered one accepts it, sends a message, ends and closes it.
//!
//! Latency is measured from an input being sent to its event at **every** subscribed client:
//! `arrived` (the customer's name carries the send time) and `agent_message` (its text does),
//! for inputs sent in the measuring window. After a warm-up, one window of steady state; the
//! server's counters (`GET /api/debug/stats`), CPU (utime + stime) and memory (VmRSS, VmHWM
//! from /proc) are read at its start and end.
//!
//! `--smoke`: 50 agents, 5 queues, 3 s; exits non-zero when a delivery is missing.
//!
//! `--db VALUE` is the server's `--db` (default a SQLite file in a temp folder): a
//! `postgres://…` URL runs it on PostgreSQL (an empty database; `scripts/bench-server --pg`
//! makes one per run). `--failover N` (PostgreSQL only) measures failover instead of load: a
//! leader and a standby on the database, one agent sending actions back to back, the leader
//! `kill -9`ed, the time to the first action the new leader acknowledges; N times (a new
//! standby each round), then the median.
//!
//! It speaks omnidesk-wire's types: [`ClientFrame`]s out, [`ServerFrame`]s in. Events are read
//! into a small borrowed view ([`Ev`], the frames' event type parameter) rather than full
//! `Stamped` values, so that 10 000 clients on the server's machine cost it little CPU.

use futures_util::{SinkExt, StreamExt};
use omnidesk_core::{AgentId, Input, ItemId, QueueId};
use omnidesk_wire::http::{paths, DebugStats, StartConversation};
use omnidesk_wire::{
    ActionBody, ActionId, ActionRequest, ClientFrame, ClientId, ServerFrame, Subscribe,
};
use serde::Deserialize;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{BufRead, BufReader as StdBufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

const USAGE: &str =
    "usage: omnidesk-load [--smoke] [--agents N] [--queues Q] [--queues-per-agent K]
       [--rate CONVERSATIONS_PER_MINUTE] [--warmup S] [--duration S] [--no-filter] [--server PATH]
       [--chat-start-limit N]  (passed to the server; default 0 = off: every customer is 127.0.0.1)
       [--db FILE|postgres://…]  the server's log (default a SQLite file in a temp folder)
       [--lease-ms N]  (passed to the server) [--failover ROUNDS]  (PostgreSQL: failover times)
  Starts omnidesk-server (default: next to this binary) on 127.0.0.1 with a generated centre and
  pre-issued load-test tokens, connects one WebSocket per agent, drives conversations, reports.";

#[derive(Clone, Debug)]
struct Args {
    agents: usize,
    queues: usize,
    per_agent: usize,
    rate: f64,
    warmup: f64,
    duration: f64,
    filter: bool,
    server: PathBuf,
    smoke: bool,
    chat_start_limit: u64,
    db: Option<String>,
    lease_ms: Option<u64>,
    failover: usize,
}

fn parse_args() -> Result<Args, String> {
    let server = std::env::current_exe()
        .map_err(|e| e.to_string())?
        .with_file_name("omnidesk-server");
    let mut a = Args {
        agents: 1000,
        queues: 100,
        per_agent: 3,
        rate: 5000.0,
        warmup: 5.0,
        duration: 20.0,
        filter: true,
        server,
        smoke: false,
        chat_start_limit: 0,
        db: None,
        lease_ms: None,
        failover: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut v = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let num = |s: String| s.parse::<f64>().map_err(|_| format!("bad number {s}"));
        match flag.as_str() {
            "--smoke" => {
                a.smoke = true;
                a.agents = 50;
                a.queues = 5;
                a.per_agent = 2;
                a.rate = 1200.0;
                a.warmup = 1.0;
                a.duration = 3.0;
            }
            "--agents" => a.agents = num(v()?)? as usize,
            "--queues" => a.queues = num(v()?)? as usize,
            "--queues-per-agent" => a.per_agent = num(v()?)? as usize,
            "--rate" => a.rate = num(v()?)?,
            "--warmup" => a.warmup = num(v()?)?,
            "--duration" => a.duration = num(v()?)?,
            "--no-filter" => a.filter = false,
            "--chat-start-limit" => {
                let n = v()?;
                a.chat_start_limit = n.parse().map_err(|_| format!("bad number {n}"))?;
            }
            "--server" => a.server = v()?.into(),
            "--db" => a.db = Some(v()?),
            "--lease-ms" => {
                let n = v()?;
                a.lease_ms = Some(n.parse().map_err(|_| format!("bad number {n}"))?);
            }
            "--failover" => {
                let n = v()?;
                a.failover = n.parse().map_err(|_| format!("bad number {n}"))?;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    // Bounded: at most 15 000 agents (the fd limit is 20 000 a process), 10 minutes.
    if a.agents == 0 || a.agents > 15_000 {
        return Err("--agents must be 1..=15000".into());
    }
    if a.queues == 0 || a.per_agent == 0 || a.per_agent > a.queues {
        return Err("need 1 <= --queues-per-agent <= --queues".into());
    }
    if !(a.rate > 0.0 && a.rate <= 1_000_000.0) {
        return Err("--rate must be in (0, 1e6] a minute".into());
    }
    if a.warmup < 0.0 || a.duration <= 0.0 || a.warmup + a.duration > 600.0 {
        return Err("--warmup + --duration must be at most 600 s".into());
    }
    if a.failover > 0 {
        if !a.db.as_deref().is_some_and(is_postgres) {
            return Err("--failover needs --db postgres://…".into());
        }
        if a.failover > 20 {
            return Err("--failover must be 1..=20 rounds".into());
        }
    }
    Ok(a)
}

fn is_postgres(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

fn start() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

/// Microseconds since the process started.
fn now_us() -> u64 {
    start().elapsed().as_micros() as u64
}

/// The measuring window [start, end) in µs; inputs sent in it count.
static WINDOW_START: AtomicU64 = AtomicU64::new(u64::MAX);
static WINDOW_END: AtomicU64 = AtomicU64::new(u64::MAX);

fn in_window(t: u64) -> bool {
    t >= WINDOW_START.load(Ordering::Relaxed) && t < WINDOW_END.load(Ordering::Relaxed)
}

fn raise_nofile() -> u64 {
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local struct.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 0;
        }
        lim.rlim_cur = lim.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
        lim.rlim_cur
    }
}

/// Agent i's queues: K queues spread evenly.
fn agent_queues(i: usize, a: &Args) -> Vec<usize> {
    let stride = (a.queues / a.per_agent).max(1);
    let mut qs: Vec<usize> = (0..a.per_agent)
        .map(|j| (i + j * stride) % a.queues)
        .collect();
    qs.sort_unstable();
    qs.dedup();
    qs
}

fn agent_id(i: usize) -> String {
    format!("a{i:05}")
}

fn queue_id(q: usize) -> String {
    format!("q{q:03}")
}

fn centre(a: &Args) -> (Value, Vec<usize>) {
    let mut members: Vec<Vec<String>> = vec![Vec::new(); a.queues];
    for i in 0..a.agents {
        for q in agent_queues(i, a) {
            members[q].push(agent_id(i));
        }
    }
    let sizes = members.iter().map(Vec::len).collect();
    let queues: Vec<Value> = members
        .into_iter()
        .enumerate()
        .map(|(q, m)| json!({"id": queue_id(q), "members": m, "channels": ["chat"]}))
        .collect();
    let agents: Vec<Value> = (0..a.agents)
        .map(|i| json!({"id": agent_id(i), "name": agent_id(i)}))
        .collect();
    (
        json!({"description": "omnidesk-load generated centre", "channels": [{"id": "chat"}],
               "queues": queues, "agents": agents}),
        sizes,
    )
}

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 keep-alive client (loopback, JSON bodies with Content-Length).

struct Http {
    conn: BufReader<TcpStream>,
}

impl Http {
    async fn connect(addr: &str) -> std::io::Result<Http> {
        let s = TcpStream::connect(addr).await?;
        s.set_nodelay(true)?;
        Ok(Http {
            conn: BufReader::new(s),
        })
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        body: &str,
    ) -> std::io::Result<(u16, String)> {
        self.request_as(method, path, body, None).await
    }

    /// [`Http::request`] with a bearer token.
    async fn request_as(
        &mut self,
        method: &str,
        path: &str,
        body: &str,
        token: Option<&str>,
    ) -> std::io::Result<(u16, String)> {
        let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.conn.get_mut().write_all(req.as_bytes()).await?;
        let mut line = String::new();
        self.conn.read_line(&mut line).await?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut len = 0usize;
        loop {
            line.clear();
            self.conn.read_line(&mut line).await?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0u8; len];
        self.conn.read_exact(&mut body).await?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}

async fn server_stats(addr: &str) -> DebugStats {
    let path = format!("/{}", paths::DEBUG_STATS);
    match Http::connect(addr).await {
        Ok(mut h) => match h.request("GET", &path, "").await {
            Ok((200, body)) => serde_json::from_str(&body).unwrap_or_default(),
            _ => DebugStats::default(),
        },
        Err(_) => DebugStats::default(),
    }
}

// ---------------------------------------------------------------------------------------------
// /proc readings.

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the ')' (0-based 11, 12).
    let get = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    get(11) + get(12)
}

fn clk_tck() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 {
        t as f64
    } else {
        100.0
    }
}

fn mem_kib(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix(key)
                .and_then(|r| r.trim_start_matches(':').split_whitespace().next())
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// Agents.

/// The part of an event the load generator reads (the frames' event type).
#[derive(Deserialize)]
struct Ev<'a> {
    #[serde(borrow)]
    event: Cow<'a, str>,
    #[serde(borrow, default)]
    item: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    agent: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    customer: Option<Cust<'a>>,
}

#[derive(Deserialize)]
struct Cust<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
}

/// What every agent task counts.
#[derive(Default)]
struct Counters {
    ready: AtomicUsize,
    failed: AtomicUsize,
    frames: AtomicU64,
    arrived_deliveries: AtomicU64,
    message_deliveries: AtomicU64,
    offers: AtomicU64,
    closed: AtomicU64,
    refused: AtomicU64,
    resyncs: AtomicU64,
    parse_errors: AtomicU64,
}

fn text(frame: &ClientFrame) -> Message {
    Message::Text(
        serde_json::to_string(frame)
            .expect("frames serialize")
            .into(),
    )
}

fn action(id: String, input: Input) -> Message {
    text(&ClientFrame::Action(ActionRequest {
        client_id: Some(ClientId::from("load")),
        action_id: ActionId(id),
        input,
    }))
}

async fn agent(
    addr: String,
    me: String,
    token: String,
    queues: Option<Vec<String>>,
    counters: Arc<Counters>,
    stop: Arc<AtomicBool>,
    gate: Arc<tokio::sync::Semaphore>,
) -> Vec<u32> {
    let mut lat = Vec::new();
    let permit = gate.acquire_owned().await;
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(8 * 1024)
        .write_buffer_size(8 * 1024);
    let ws = tokio_tungstenite::connect_async_with_config(
        format!("ws://{addr}/api/ws"),
        Some(config),
        true,
    )
    .await;
    let Ok((mut ws, _)) = ws else {
        counters.failed.fetch_add(1, Ordering::Relaxed);
        return lat;
    };
    let queues: Option<Vec<QueueId>> = queues.map(|q| q.into_iter().map(QueueId::from).collect());
    let subscribe = |after: u64| {
        text(&ClientFrame::Subscribe(Subscribe {
            after,
            queues: queues.clone(),
            caught_up: false,
        }))
    };
    let agent = AgentId::from(me.as_str());
    let sent = async { ws.send(text(&ClientFrame::Auth { token })).await };
    if sent.await.is_err() {
        counters.failed.fetch_add(1, Ordering::Relaxed);
        return lat;
    }
    let mut permit = Some(permit);
    let mut n = 0u64;
    loop {
        let next = tokio::time::timeout(Duration::from_millis(200), ws.next()).await;
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let msg = match next {
            Err(_) => continue,
            Ok(Some(Ok(m))) => m,
            Ok(_) => {
                counters.failed.fetch_add(1, Ordering::Relaxed);
                break;
            }
        };
        let Message::Text(text) = msg else { continue };
        counters.frames.fetch_add(1, Ordering::Relaxed);
        let Ok(f) = serde_json::from_str::<ServerFrame<Ev>>(text.as_str()) else {
            counters.parse_errors.fetch_add(1, Ordering::Relaxed);
            continue;
        };
        let mut reply: Option<Message> = None;
        match f {
            ServerFrame::Authenticated { last_seq, .. } => {
                if ws.send(subscribe(last_seq)).await.is_err() {
                    break;
                }
                let input = Input::SignIn {
                    agent: agent.clone(),
                };
                reply = Some(action("in".into(), input));
            }
            ServerFrame::Event { event: e } => {
                let now = now_us();
                let sent_at = match &*e.event {
                    "arrived" => e.customer.as_ref().and_then(|c| c.name.strip_prefix('c')),
                    "agent_message" => e.text.as_deref().and_then(|t| t.strip_prefix('t')),
                    _ => None,
                }
                .and_then(|t| t.parse::<u64>().ok());
                if let Some(t) = sent_at {
                    if in_window(t) {
                        if e.event == "arrived" {
                            counters.arrived_deliveries.fetch_add(1, Ordering::Relaxed);
                        } else {
                            counters.message_deliveries.fetch_add(1, Ordering::Relaxed);
                        }
                        lat.push(now.saturating_sub(t).min(u32::MAX as u64) as u32);
                    }
                }
                if e.event == "offered" && e.agent.as_deref() == Some(me.as_str()) {
                    if let Some(item) = e.item {
                        counters.offers.fetch_add(1, Ordering::Relaxed);
                        let input = Input::Accept {
                            agent: agent.clone(),
                            item: ItemId::from(&*item),
                        };
                        reply = Some(action(format!("acc:{item}"), input));
                    }
                }
            }
            ServerFrame::Result(r) => {
                let id = r.action_id.as_str();
                let ok = r.status == 200 && matches!(r.body, ActionBody::Applied(_));
                if id == "in" {
                    if ok {
                        counters.ready.fetch_add(1, Ordering::Relaxed);
                    } else {
                        counters.failed.fetch_add(1, Ordering::Relaxed);
                    }
                    permit = None;
                    continue;
                }
                if !ok {
                    counters.refused.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                n += 1;
                if let Some((step, item)) = id.split_once(':') {
                    let (agent, item) = (agent.clone(), ItemId::from(item));
                    let next = match step {
                        "acc" => Some((
                            "msg",
                            Input::AgentMessage {
                                agent,
                                item: item.clone(),
                                text: format!("t{}", now_us()),
                            },
                        )),
                        "msg" => Some((
                            "end",
                            Input::End {
                                agent: Some(agent),
                                item: item.clone(),
                            },
                        )),
                        "end" => Some((
                            "cls",
                            Input::Close {
                                agent,
                                item: item.clone(),
                            },
                        )),
                        _ => {
                            counters.closed.fetch_add(1, Ordering::Relaxed);
                            None
                        }
                    };
                    reply = next.map(|(step, input)| action(format!("{step}:{item}"), input));
                }
            }
            ServerFrame::Resync { after, .. } => {
                counters.resyncs.fetch_add(1, Ordering::Relaxed);
                reply = Some(subscribe(after));
            }
            ServerFrame::CaughtUp { .. }
            | ServerFrame::History { .. }
            | ServerFrame::Pong
            | ServerFrame::Error(_) => {}
        }
        if let Some(r) = reply {
            if ws.send(r).await.is_err() {
                break;
            }
        }
    }
    drop(permit);
    let _ = n;
    let _ = ws.close(None).await;
    lat
}

// ---------------------------------------------------------------------------------------------
// Arrivals.

#[derive(Default)]
struct ArrivalCounters {
    sent: AtomicU64,
    ok: AtomicU64,
    failed: AtomicU64,
    late: AtomicU64,
    expected_deliveries: AtomicU64,
    next: AtomicU64,
}

async fn arrivals(
    addr: String,
    period: Duration,
    offset: Duration,
    queue_sizes: Arc<Vec<usize>>,
    c: Arc<ArrivalCounters>,
    stop: Arc<AtomicBool>,
) {
    let Ok(mut http) = Http::connect(&addr).await else {
        c.failed.fetch_add(1, Ordering::Relaxed);
        return;
    };
    tokio::time::sleep(offset).await;
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut expected_at = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        tick.tick().await;
        let now = Instant::now();
        if now > expected_at + period {
            c.late.fetch_add(
                ((now - expected_at).as_nanos() / period.as_nanos().max(1)) as u64,
                Ordering::Relaxed,
            );
        }
        expected_at = now + period;
        let q = c.next.fetch_add(1, Ordering::Relaxed) as usize % queue_sizes.len();
        let t = now_us();
        let body = serde_json::to_string(&StartConversation {
            name: format!("c{t}"),
            question: "hello?".into(),
            queue: Some(QueueId::from(queue_id(q))),
            ..StartConversation::default()
        })
        .expect("bodies serialize");
        c.sent.fetch_add(1, Ordering::Relaxed);
        match http
            .request("POST", &format!("/{}", paths::CONVERSATIONS), &body)
            .await
        {
            Ok((201, _)) => {
                c.ok.fetch_add(1, Ordering::Relaxed);
                if in_window(t) {
                    c.expected_deliveries
                        .fetch_add(queue_sizes[q] as u64, Ordering::Relaxed);
                }
            }
            Ok(_) => {
                c.failed.fetch_add(1, Ordering::Relaxed);
            }
            Err(_) => {
                c.failed.fetch_add(1, Ordering::Relaxed);
                match Http::connect(&addr).await {
                    Ok(h) => http = h,
                    Err(_) => return,
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

/// A counter's growth between two readings.
fn delta(a: &DebugStats, b: &DebugStats, counter: fn(&DebugStats) -> u64) -> f64 {
    counter(b).saturating_sub(counter(a)) as f64
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("omnidesk-load: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    start();
    let nofile = raise_nofile();
    if (nofile as usize) < args.agents + 200 {
        eprintln!(
            "omnidesk-load: the fd limit is {nofile}, too low for {} agents",
            args.agents
        );
        std::process::exit(2);
    }
    let code = tokio::runtime::Runtime::new()
        .expect("tokio runtime")
        .block_on(run(args));
    std::process::exit(code);
}

struct Child(std::process::Child);

/// Starts `omnidesk-server` on 127.0.0.1:0 with the centre at `config_path`, the log `--db`
/// (or `dir/events.db`), and `--load-test-tokens tokens` when given; returns it and its
/// `host:port` once it listens (a standby listens too).
async fn spawn_server(
    a: &Args,
    dir: &std::path::Path,
    config_path: &std::path::Path,
    tokens: Option<&std::path::Path>,
) -> Result<(Child, String), String> {
    let mut cmd = Command::new(&a.server);
    cmd.arg("--config").arg(config_path).arg("--db");
    match &a.db {
        Some(db) => cmd.arg(db),
        None => cmd.arg(dir.join("events.db")),
    };
    cmd.arg("--dist")
        .arg(dir)
        .args(["--host", "127.0.0.1", "--port", "0"])
        // Every customer arrives from 127.0.0.1: no chat-start limit unless asked for one
        // (`--chat-start-limit N`, for the with/without throttling runs in BENCHMARKS.md).
        .args(["--chat-start-limit", &a.chat_start_limit.to_string()])
        .env_remove("OMNIDESK_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(tokens) = tokens {
        cmd.arg("--load-test-tokens").arg(tokens);
    }
    if let Some(ms) = a.lease_ms {
        cmd.args(["--lease-ms", &ms.to_string()]);
    }
    let mut child = cmd
        .spawn()
        .map(Child)
        .map_err(|e| format!("starting {}: {e}", a.server.display()))?;
    let stdout = child.0.stdout.take().expect("piped stdout");
    let addr = tokio::task::spawn_blocking(move || {
        let mut lines = StdBufReader::new(stdout).lines();
        let addr = lines.by_ref().find_map(|l| {
            l.ok()
                .and_then(|l| l.strip_prefix("listening on http://").map(str::to_owned))
        });
        // Keep draining so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        addr
    })
    .await
    .ok()
    .flatten()
    .ok_or("the server did not start")?;
    Ok((child, addr))
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn run(a: Args) -> i32 {
    let dir = std::env::temp_dir().join(format!("omnidesk-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (config, sizes) = centre(&a);
    let config_path = dir.join("config.json");
    let tokens_path = dir.join("tokens.tsv");
    std::fs::write(&config_path, config.to_string()).expect("config written");
    let code = if a.failover > 0 {
        failover(&a, &dir, &config_path, &tokens_path).await
    } else {
        run_in(&a, &dir, &config_path, &tokens_path, sizes).await
    };
    let _ = std::fs::remove_dir_all(&dir);
    code
}

async fn run_in(
    a: &Args,
    dir: &std::path::Path,
    config_path: &std::path::Path,
    tokens_path: &std::path::Path,
    sizes: Vec<usize>,
) -> i32 {
    let t0 = Instant::now();
    let (child, addr) = match spawn_server(a, dir, config_path, Some(tokens_path)).await {
        Ok(x) => x,
        Err(e) => {
            eprintln!("omnidesk-load: {e}");
            return 1;
        }
    };
    let pid = child.0.id();
    // On PostgreSQL it listens as a standby first; the tokens file appears once it leads.
    if a.db.as_deref().is_some_and(is_postgres)
        && !(wait_health(&addr, 200, Duration::from_secs(60)).await
            && wait_file(tokens_path, Duration::from_secs(60)).await)
    {
        eprintln!("omnidesk-load: the server never became the leader");
        return 1;
    }
    let started_s = t0.elapsed().as_secs_f64();
    let tokens = std::fs::read_to_string(tokens_path).unwrap_or_default();
    let tokens: HashMap<String, String> = tokens
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(a, t)| (a.to_owned(), t.to_owned()))
        .collect();
    // Connect every agent (at most 256 handshakes at once).
    let counters = Arc::new(Counters::default());
    let stop = Arc::new(AtomicBool::new(false));
    let gate = Arc::new(tokio::sync::Semaphore::new(256));
    let mut agents = Vec::with_capacity(a.agents);
    for i in 0..a.agents {
        let me = agent_id(i);
        let Some(token) = tokens.get(&me).cloned() else {
            eprintln!("omnidesk-load: no token for {me}");
            return 1;
        };
        let queues = a
            .filter
            .then(|| agent_queues(i, a).into_iter().map(queue_id).collect());
        agents.push(tokio::spawn(agent(
            addr.clone(),
            me,
            token,
            queues,
            counters.clone(),
            stop.clone(),
            gate.clone(),
        )));
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while counters.ready.load(Ordering::Relaxed) + counters.failed.load(Ordering::Relaxed)
        < a.agents
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ready = counters.ready.load(Ordering::Relaxed);
    let connect_s = t0.elapsed().as_secs_f64() - started_s;
    eprintln!(
        "omnidesk-load: server up in {started_s:.1} s; {ready}/{} agents connected, subscribed and signed in in {connect_s:.1} s",
        a.agents
    );
    if ready < a.agents {
        stop.store(true, Ordering::Relaxed);
        eprintln!("omnidesk-load: not every agent connected");
        return 1;
    }
    // Every subscription caught up and on the live stream (bounded wait).
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut live = 0;
    while Instant::now() < deadline {
        live = server_stats(&addr).await.fanout.live_streams as usize;
        if live >= a.agents {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "omnidesk-load: {live}/{} subscriptions live after {:.1} s",
        a.agents,
        t0.elapsed().as_secs_f64() - started_s
    );
    // Arrivals: up to 96 HTTP connections (each waits for its answer), each at rate/K.
    let per_sec = a.rate / 60.0;
    let k = ((per_sec / 10.0).ceil() as usize).clamp(1, 96);
    let period = Duration::from_secs_f64(k as f64 / per_sec);
    let ac = Arc::new(ArrivalCounters::default());
    let astop = Arc::new(AtomicBool::new(false));
    let sizes = Arc::new(sizes);
    let mut drivers = Vec::new();
    for j in 0..k {
        drivers.push(tokio::spawn(arrivals(
            addr.clone(),
            period,
            period.mul_f64(j as f64 / k as f64),
            sizes.clone(),
            ac.clone(),
            astop.clone(),
        )));
    }
    tokio::time::sleep(Duration::from_secs_f64(a.warmup)).await;
    let tck = clk_tck();
    let s0 = server_stats(&addr).await;
    let (cpu0, own0, w0) = (
        cpu_ticks(pid),
        cpu_ticks(std::process::id()),
        Instant::now(),
    );
    let frames0 = counters.frames.load(Ordering::Relaxed);
    let sent0 = ac.sent.load(Ordering::Relaxed);
    WINDOW_START.store(now_us(), Ordering::Relaxed);
    let mut rss_max = 0;
    let window_end = w0 + Duration::from_secs_f64(a.duration);
    while Instant::now() < window_end {
        tokio::time::sleep(Duration::from_millis(250).min(window_end - Instant::now())).await;
        rss_max = rss_max.max(mem_kib(pid, "VmRSS"));
    }
    WINDOW_END.store(now_us(), Ordering::Relaxed);
    let window = w0.elapsed().as_secs_f64();
    let (cpu1, own1) = (cpu_ticks(pid), cpu_ticks(std::process::id()));
    let frames1 = counters.frames.load(Ordering::Relaxed);
    let window_arrivals = ac.sent.load(Ordering::Relaxed) - sent0;
    let s1 = server_stats(&addr).await;
    let (rss, hwm) = (mem_kib(pid, "VmRSS"), mem_kib(pid, "VmHWM"));
    astop.store(true, Ordering::Relaxed);
    for d in drivers {
        let _ = d.await;
    }
    // Let what was sent in the window arrive everywhere (bounded).
    let drain_until = Instant::now() + Duration::from_secs(5);
    let expected = || ac.expected_deliveries.load(Ordering::Relaxed);
    while counters.arrived_deliveries.load(Ordering::Relaxed) < expected()
        && Instant::now() < drain_until
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let mut lat: Vec<u32> = Vec::new();
    for t in agents {
        if let Ok(l) = t.await {
            lat.extend(l);
        }
    }
    lat.sort_unstable();
    let server_cpu = (cpu1 - cpu0) as f64 / tck / window;
    let own_cpu = (own1 - own0) as f64 / tck / window;
    let inputs = delta(&s0, &s1, |s| s.hub.inputs) / window;
    let commands = delta(&s0, &s1, |s| s.hub.commands) / window;
    let events = delta(&s0, &s1, |s| s.hub.events) / window;
    let turns = delta(&s0, &s1, |s| s.hub.turns) / window;
    let core_share = delta(&s0, &s1, |s| s.hub.handle_ns) / 1e9 / window;
    let commit_share = delta(&s0, &s1, |s| s.hub.commit_ns) / 1e9 / window;
    let publish_share = delta(&s0, &s1, |s| s.hub.publish_ns) / 1e9 / window;
    let turn_share = delta(&s0, &s1, |s| s.hub.turn_ns) / 1e9 / window;
    let deliveries = delta(&s0, &s1, |s| s.fanout.event_deliveries) / window;
    let lagged = delta(&s0, &s1, |s| s.fanout.lagged);
    let arrived = counters.arrived_deliveries.load(Ordering::Relaxed);
    let missing = expected().saturating_sub(arrived);
    let (p50, p99, max) = (
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat.last().map_or(f64::NAN, |&m| m as f64 / 1000.0),
    );
    let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let r = |c: &AtomicU64| c.load(Ordering::Relaxed);
    println!(
        "agents {} (queues {}, {} each, filter {}), rate {}/min ({:.1}/s), window {window:.1} s after {:.1} s warm-up",
        a.agents, a.queues, a.per_agent, a.filter, a.rate, per_sec, a.warmup
    );
    println!(
        "arrivals: {} sent, {} ok, {} failed, {} late ticks | conversations closed {} | offers {} | refused {} | resyncs {} | lagged {lagged} | parse errors {}",
        r(&ac.sent), r(&ac.ok), r(&ac.failed), r(&ac.late), r(&counters.closed), r(&counters.offers),
        r(&counters.refused), r(&counters.resyncs), r(&counters.parse_errors)
    );
    println!(
        "server: durable inputs {inputs:.0}/s (commands {commands:.0}/s), events {events:.0}/s, group commits {turns:.0}/s, event deliveries {deliveries:.0}/s; client frames {:.0}/s",
        (frames1 - frames0) as f64 / window
    );
    println!(
        "latency input -> event at every subscribed client ({} deliveries of arrived/agent_message; {arrived} of {} expected arrived deliveries, {missing} missing): p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms",
        lat.len(), expected()
    );
    println!(
        "server CPU {:.0} % of one core ({server_cpu:.2} cores); load generator {:.0} %; RSS {:.0} MiB (max seen {:.0}), HWM {:.0} MiB",
        server_cpu * 100.0,
        own_cpu * 100.0,
        rss as f64 / 1024.0,
        rss_max as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    println!(
        "hub thread busy {:.1} % of wall time: core (Engine::handle) {:.2} %, commit {:.1} %; fan-out thread busy {:.1} %",
        turn_share * 100.0,
        core_share * 100.0,
        commit_share * 100.0,
        publish_share * 100.0
    );
    println!("loadavg {}", loadavg.trim());
    println!(
        "ROW | {} | {}/min (sent {:.0}/min) | {inputs:.0} | {events:.0} | {deliveries:.0} | {p50:.1} | {p99:.1} | {:.0} % | {:.0} / {:.0} MiB | {:.2} % | {missing} missing, {} resyncs, {} late arrivals |",
        a.agents,
        a.rate,
        window_arrivals as f64 * 60.0 / window,
        server_cpu * 100.0,
        rss as f64 / 1024.0,
        hwm as f64 / 1024.0,
        core_share * 100.0,
        r(&counters.resyncs),
        r(&ac.late)
    );
    let failed = counters.failed.load(Ordering::Relaxed) > 0 || ac.ok.load(Ordering::Relaxed) == 0;
    if failed || (a.smoke && (missing > 0 || lat.is_empty())) {
        eprintln!("omnidesk-load: FAILED (connections failed, no arrivals, or missing deliveries)");
        return 1;
    }
    0
}

// ---------------------------------------------------------------------------------------------
// Failover (`--failover N`, PostgreSQL).

/// `GET /api/health`'s status, if it answers.
async fn health_status(addr: &str) -> Option<u16> {
    let mut h = Http::connect(addr).await.ok()?;
    h.request("GET", &format!("/{}", paths::HEALTH), "")
        .await
        .ok()
        .map(|(status, _)| status)
}

/// Waits (at most `bound`) until `/api/health` answers `want`.
async fn wait_health(addr: &str, want: u16, bound: Duration) -> bool {
    let deadline = Instant::now() + bound;
    while Instant::now() < deadline {
        if health_status(addr).await == Some(want) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// Waits (at most `bound`) until the file at `path` exists (a leader renames its
/// `--load-test-tokens` file into place once it has minted them all).
async fn wait_file(path: &std::path::Path, bound: Duration) -> bool {
    let deadline = Instant::now() + bound;
    while Instant::now() < deadline {
        if path.exists() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

fn action_body(action_id: String, input: Value) -> String {
    json!({"client_id": "failover", "action_id": action_id, "input": input}).to_string()
}

/// Sends actions back to back to `leader`; once it fails (killed), to `standby` until it
/// acknowledges one: the time of that answer.
async fn failover_sender(
    leader: String,
    standby: String,
    token: String,
    agent: String,
    round: usize,
) -> Option<Instant> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut target = leader;
    let mut on_standby = false;
    let mut http: Option<Http> = None;
    let mut n = 0u64;
    let path = format!("/{}", paths::ACTIONS);
    while Instant::now() < deadline {
        if http.is_none() {
            http = Http::connect(&target).await.ok();
        }
        let answer = match http.as_mut() {
            Some(h) => {
                n += 1;
                let input = if n.is_multiple_of(2) {
                    json!({"input": "set_presence", "agent": agent, "status": "away"})
                } else {
                    json!({"input": "reset_presence", "agent": agent})
                };
                let body = action_body(format!("r{round}-{n}"), input);
                h.request_as("POST", &path, &body, Some(&token)).await.ok()
            }
            None => None,
        };
        match answer {
            Some((200, _)) if on_standby => return Some(Instant::now()),
            Some((200, _)) => continue,
            _ => {
                // The leader gone (or the standby not yet leading: 503): ask the standby, on a
                // new connection each time.
                if !on_standby {
                    on_standby = true;
                    target = standby.clone();
                }
                http = None;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    None
}

async fn failover(
    a: &Args,
    dir: &std::path::Path,
    config_path: &std::path::Path,
    tokens_path: &std::path::Path,
) -> i32 {
    let fail = |e: &str| {
        eprintln!("omnidesk-load: {e}");
        1
    };
    let (mut leader, mut laddr) = match spawn_server(a, dir, config_path, Some(tokens_path)).await {
        Ok(x) => x,
        Err(e) => return fail(&e),
    };
    if !(wait_health(&laddr, 200, Duration::from_secs(60)).await
        && wait_file(tokens_path, Duration::from_secs(60)).await)
    {
        return fail("the first server never became the leader");
    }
    let agent = agent_id(0);
    let tokens = std::fs::read_to_string(tokens_path).unwrap_or_default();
    let Some(token) = tokens
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{agent}\t")).map(str::to_owned))
    else {
        return fail("no load-test token");
    };
    match Http::connect(&laddr).await {
        Ok(mut h) => {
            let body = action_body("in".into(), json!({"input": "sign_in", "agent": agent}));
            match h
                .request_as("POST", &format!("/{}", paths::ACTIONS), &body, Some(&token))
                .await
            {
                Ok((200, _)) => {}
                other => return fail(&format!("sign-in: {other:?}")),
            }
        }
        Err(e) => return fail(&format!("connect: {e}")),
    }
    let mut times = Vec::new();
    for round in 0..a.failover {
        let (standby, saddr) = match spawn_server(a, dir, config_path, None).await {
            Ok(x) => x,
            Err(e) => return fail(&e),
        };
        if !wait_health(&saddr, 503, Duration::from_secs(60)).await {
            return fail("the second server is not a standby");
        }
        let sender = tokio::spawn(failover_sender(
            laddr.clone(),
            saddr.clone(),
            token.clone(),
            agent.clone(),
            round,
        ));
        // Under load for a moment, then kill -9.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let killed_at = Instant::now();
        let _ = leader.0.kill();
        let _ = leader.0.wait();
        let Ok(Some(acked_at)) = sender.await else {
            return fail("the standby never acknowledged an action");
        };
        let ms = (acked_at - killed_at).as_secs_f64() * 1000.0;
        println!("round {}: leader killed -9 -> first acknowledged action on the new leader in {ms:.0} ms", round + 1);
        times.push(ms);
        (leader, laddr) = (standby, saddr);
    }
    drop(leader);
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let lease = a
        .lease_ms
        .map_or("default".to_owned(), |ms| format!("{ms} ms"));
    println!(
        "failover: median {median:.0} ms of {} rounds (min {:.0}, max {:.0}), lease {lease}",
        times.len(),
        times[0],
        times[times.len() - 1]
    );
    println!(
        "ROW | failover | {median:.0} ms | {:.0}–{:.0} ms | {} rounds | lease {lease} |",
        times[0],
        times[times.len() - 1],
        times.len()
    );
    0
}
