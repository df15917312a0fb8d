//! `omnidesk-server`: flags and environment, then [`omnidesk_server::serve`].

use omnidesk_server::config::ServerConfig;
use omnidesk_server::db::Db;
use omnidesk_server::{bind, Options};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

const USAGE: &str = "usage: omnidesk-server [--config FILE] [--db FILE|URL] [--lease-ms N] [--dist DIR] [--host IP] [--port N] [--allow-origin ORIGIN]...
  --config FILE   centre configuration (a scenario set-up with agents' passwords); env OMNIDESK_CONFIG;
                  default: the embedded demo (passwords demo-<agent>)
  --db FILE|URL   the database; env OMNIDESK_DB; default omnidesk.db. A file path is SQLite (one
                  process). postgres://… or postgresql://… is PostgreSQL, which several processes
                  may share: one leader holds a lease, the others wait as standbys (503 with
                  \"role\": \"standby\" on /api/health and every request) and take over when it
                  runs out; a leader that finds its lease lost exits with code 75
  --lease-ms N    PostgreSQL: the lease's length in ms (default 3000); the leader renews it every
                  third of that, a standby looks every 250 ms
  --dist DIR      the built app to serve (its server build: trunk build --release --features server
                  --dist dist-server); env OMNIDESK_DIST; default dist-server
  --host IP       address to bind; env OMNIDESK_HOST; default 127.0.0.1
  --port N        port (0 picks one); env OMNIDESK_PORT; default 8080
  --allow-origin  an extra allowed browser origin (CORS and WebSocket); env OMNIDESK_ALLOWED_ORIGINS (comma-separated)
  --snapshot-every N  save an engine snapshot every N events (default 10000)
  --disconnect-grace-ms N  R24: a signed-in agent without an open connection this long is
                  disconnected (default 20000)
  --keepalive-ms N  WebSocket ping interval; a connection silent for twice this is closed (default 10000)
  --signin-lockout SECONDS  sign-in failure window and first lockout (default 900): 5 failures per
                  (agent, client address), 20 per agent, then 429 with Retry-After, doubling to 1 h
  --chat-start-limit N  chats one client address may start per minute (default 10; 0 = off)
  --trust-proxy ADDR  believe X-Forwarded-For from this peer address (repeatable)
  --session-idle-timeout SECONDS  a session unused this long ends; env OMNIDESK_SESSION_IDLE_TIMEOUT;
                  default 43200 (12 h)
  --session-max-age SECONDS  a session older than this ends; default 604800 (7 days)
  --chat-embed-origin ORIGIN  an origin that may frame /chat in an iframe (repeatable)
  --load-test-tokens FILE  LOAD TESTS ONLY, never in production: mints a session token for every
                  configured agent without a password (writes `agent<TAB>token` lines to FILE, mode
                  0600), lets POST /api/conversations name a `queue`, and serves GET /api/debug/stats";

fn main() {
    let (config, options, load_test_tokens) = match parse_args() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("omnidesk-server: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(async move {
        let dist = options.dist.clone();
        let fail = |e: Box<dyn std::error::Error + Send + Sync>| -> ! {
            eprintln!("omnidesk-server: {e}");
            std::process::exit(1);
        };
        // On PostgreSQL the address is announced once bound: a standby answers 503 there while
        // it waits for the lease. On SQLite, once the engine is rebuilt (as before standbys).
        let shared = matches!(options.db, Db::Postgres(_));
        let bound = bind(config, options).await.unwrap_or_else(|e| fail(e));
        let addr = bound.addr;
        if shared {
            println!("listening on http://{addr}");
            let _ = std::io::stdout().flush();
        }
        let mut running = tokio::select! {
            r = bound.lead() => r.unwrap_or_else(|e| fail(e)),
            _ = stop_signal() => return,
        };
        if let Some(path) = &load_test_tokens {
            if let Err(e) = mint_load_test_tokens(&running.hub, path).await {
                eprintln!("omnidesk-server: --load-test-tokens: {e}");
                std::process::exit(1);
            }
        }
        if !shared {
            println!("listening on http://{addr}");
        }
        eprintln!(
            "omnidesk-server: leader: serving at seq {}",
            running.hub.last_seq()
        );
        if !dist.join("index.html").exists() {
            eprintln!(
                "omnidesk-server: no app in {} (build it with `trunk build --release --features server --dist {}`); the API works without it",
                dist.display(),
                dist.display()
            );
        }
        let _ = std::io::stdout().flush();
        tokio::select! {
            r = &mut running.task => {
                if let Ok(Err(e)) = r {
                    eprintln!("omnidesk-server: {e}");
                    std::process::exit(1);
                }
            }
            _ = stop_signal() => {
                // A planned stop hands the lease over at once (PostgreSQL).
                running.release_lease().await;
            }
        }
    });
}

/// Ctrl-C or SIGTERM (what a process supervisor sends).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `--load-test-tokens`: a session for every agent, stored like a sign-in's (durable, so a
/// restarted server keeps them), without argon2 (a load test would otherwise measure argon2).
async fn mint_load_test_tokens(
    hub: &omnidesk_server::hub::Hub,
    path: &std::path::Path,
) -> Result<(), String> {
    use omnidesk_server::auth::{new_token, Principal};
    eprintln!(
        "omnidesk-server: LOAD-TEST MODE: minting session tokens for every agent into {} \
         (never use this flag in production)",
        path.display()
    );
    let agents: Vec<_> = hub.config.core.agents.keys().cloned().collect();
    let mut lines = String::new();
    for chunk in agents.chunks(1000) {
        let mut puts = Vec::new();
        for agent in chunk {
            let (token, hash) = new_token();
            lines.push_str(&format!("{agent}\t{token}\n"));
            let principal = Principal::Agent {
                agent: agent.clone(),
            };
            puts.push(hub.put_session(hash, principal));
        }
        for r in futures_util::future::join_all(puts).await {
            r.map_err(|_| "the hub is busy".to_owned())?;
        }
    }
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
    // Written beside and renamed into place, so whoever waits for the file (a load test
    // against a PostgreSQL standby that becomes the leader later) never reads half of it.
    let partial = path.with_extension("partial");
    file.open(&partial)
        .and_then(|mut f| f.write_all(lines.as_bytes()))
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| format!("{}: {e}", path.display()))
}

type Args = (ServerConfig, Options, Option<PathBuf>);

/// A positive number of seconds, in ms.
fn seconds(what: &str, v: &str) -> Result<u64, String> {
    match v.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n.saturating_mul(1000)),
        _ => Err(format!(
            "{what}: expected a positive number of seconds, not {v}"
        )),
    }
}

fn parse_args() -> Result<Args, String> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let mut config_path = env("OMNIDESK_CONFIG").map(PathBuf::from);
    let mut options = Options::default();
    let mut host: IpAddr = env("OMNIDESK_HOST")
        .map(|h| {
            h.parse()
                .map_err(|_| format!("OMNIDESK_HOST: bad address {h}"))
        })
        .transpose()?
        .unwrap_or(options.addr.ip());
    let mut port: u16 = env("OMNIDESK_PORT")
        .map(|p| {
            p.parse()
                .map_err(|_| format!("OMNIDESK_PORT: bad port {p}"))
        })
        .transpose()?
        .unwrap_or(options.addr.port());
    if let Some(db) = env("OMNIDESK_DB") {
        options.db = Db::parse(&db);
    }
    if let Some(dist) = env("OMNIDESK_DIST") {
        options.dist = dist.into();
    }
    if let Some(o) = env("OMNIDESK_ALLOWED_ORIGINS") {
        options.allowed_origins.extend(
            o.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
        );
    }
    if let Some(v) = env("OMNIDESK_SESSION_IDLE_TIMEOUT") {
        options.guard.sessions.idle_ms = seconds("OMNIDESK_SESSION_IDLE_TIMEOUT", &v)?;
    }
    let mut load_test_tokens: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--config" => config_path = Some(value()?.into()),
            "--db" => options.db = Db::parse(&value()?),
            "--lease-ms" => {
                let v = value()?;
                let ms: u64 = v.parse().ok().filter(|ms| *ms >= 300).ok_or_else(|| {
                    format!("--lease-ms: expected a number of ms, at least 300, not {v}")
                })?;
                options.lease = std::time::Duration::from_millis(ms);
            }
            "--dist" => options.dist = value()?.into(),
            "--host" => {
                let v = value()?;
                host = v.parse().map_err(|_| format!("--host: bad address {v}"))?;
            }
            "--port" => {
                let v = value()?;
                port = v.parse().map_err(|_| format!("--port: bad port {v}"))?;
            }
            "--allow-origin" => options.allowed_origins.push(value()?),
            "--snapshot-every" => {
                let v = value()?;
                options.hub.snapshot_every = v
                    .parse()
                    .map_err(|_| format!("--snapshot-every: bad number {v}"))?;
            }
            "--disconnect-grace-ms" => {
                let v = value()?;
                let ms: u64 = v
                    .parse()
                    .map_err(|_| format!("--disconnect-grace-ms: bad number {v}"))?;
                options.hub.connections.disconnect_grace = std::time::Duration::from_millis(ms);
            }
            "--keepalive-ms" => {
                let v = value()?;
                let ms: u64 = v
                    .parse()
                    .ok()
                    .filter(|ms| *ms > 0)
                    .ok_or_else(|| format!("--keepalive-ms: bad number {v}"))?;
                options.hub.connections.keepalive = std::time::Duration::from_millis(ms);
            }
            "--signin-lockout" => {
                options.guard.throttle.signin_window_ms = seconds(&flag, &value()?)?
            }
            "--chat-start-limit" => {
                let v = value()?;
                options.guard.throttle.chat_start_limit = v
                    .parse()
                    .map_err(|_| format!("--chat-start-limit: bad number {v}"))?;
            }
            "--trust-proxy" => {
                let v = value()?;
                let addr = v
                    .parse()
                    .map_err(|_| format!("--trust-proxy: bad address {v}"))?;
                options.guard.throttle.trust_proxy.push(addr);
            }
            "--session-idle-timeout" => options.guard.sessions.idle_ms = seconds(&flag, &value()?)?,
            "--session-max-age" => options.guard.sessions.max_age_ms = seconds(&flag, &value()?)?,
            "--chat-embed-origin" => {
                let v = value()?;
                let host = v
                    .strip_prefix("https://")
                    .or_else(|| v.strip_prefix("http://"))
                    .unwrap_or_default();
                let ok = !host.is_empty()
                    && host
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
                if !ok {
                    return Err(format!(
                        "--chat-embed-origin: expected an origin such as https://shop.example, not {v}"
                    ));
                }
                options.guard.chat_embed_origins.push(v);
            }
            "--load-test-tokens" => {
                load_test_tokens = Some(value()?.into());
                options.hub.load_test = true;
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    options.addr = SocketAddr::new(host, port);
    let config = match config_path {
        Some(p) => {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            ServerConfig::parse(&text).map_err(|e| format!("{}: {e}", p.display()))?
        }
        None => ServerConfig::demo(),
    };
    Ok((config, options, load_test_tokens))
}
