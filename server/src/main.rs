//! `omnidesk-server`: flags and environment, then [`omnidesk_server::serve`].

use omnidesk_server::config::ServerConfig;
use omnidesk_server::{serve, Options};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

const USAGE: &str = "usage: omnidesk-server [--config FILE] [--db FILE] [--dist DIR] [--host IP] [--port N] [--allow-origin ORIGIN]...
  --config FILE   centre configuration (a scenario set-up with agents' passwords); env OMNIDESK_CONFIG;
                  default: the embedded demo (passwords demo-<agent>)
  --db FILE       SQLite event log; env OMNIDESK_DB; default omnidesk.db
  --dist DIR      the built app to serve (its server build: trunk build --release --features server
                  --dist dist-server); env OMNIDESK_DIST; default dist-server
  --host IP       address to bind; env OMNIDESK_HOST; default 127.0.0.1
  --port N        port (0 picks one); env OMNIDESK_PORT; default 8080
  --allow-origin  an extra allowed browser origin (CORS and WebSocket); env OMNIDESK_ALLOWED_ORIGINS (comma-separated)
  --snapshot-every N  save an engine snapshot every N events (default 10000)
  --disconnect-grace-ms N  R24: a signed-in agent without an open connection this long is
                  disconnected (default 20000)
  --keepalive-ms N  WebSocket ping interval; a connection silent for twice this is closed (default 10000)
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
        let running = match serve(config, options).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("omnidesk-server: {e}");
                std::process::exit(1);
            }
        };
        if let Some(path) = &load_test_tokens {
            if let Err(e) = mint_load_test_tokens(&running.hub, path).await {
                eprintln!("omnidesk-server: --load-test-tokens: {e}");
                std::process::exit(1);
            }
        }
        println!("listening on http://{}", running.addr);
        if !dist.join("index.html").exists() {
            eprintln!(
                "omnidesk-server: no app in {} (build it with `trunk build --release --features server --dist {}`); the API works without it",
                dist.display(),
                dist.display()
            );
        }
        let _ = std::io::stdout().flush();
        tokio::select! {
            r = running.task => {
                if let Ok(Err(e)) = r {
                    eprintln!("omnidesk-server: {e}");
                    std::process::exit(1);
                }
            }
            _ = tokio::signal::ctrl_c() => {}
        }
    });
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
    file.open(path)
        .and_then(|mut f| f.write_all(lines.as_bytes()))
        .map_err(|e| format!("{}: {e}", path.display()))
}

type Args = (ServerConfig, Options, Option<PathBuf>);

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
        options.db = db.into();
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
            "--db" => options.db = value()?.into(),
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
