//! PostgreSQL for the server tests (issue 16): one throwaway cluster per test run, a fresh
//! database per test.
//!
//! The cluster is `$OMNIDESK_TEST_PG_URL` when set (`scripts/test` starts one for the whole
//! run with `scripts/pg-cluster`); otherwise the first test of a test binary to ask starts one
//! with the same script, `--watch`ing this process: the script's watchdog stops the cluster
//! and removes its folder once the test process is gone, however it ends. PostgreSQL missing
//! is a failure that says so, never a skip.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

struct Cluster {
    /// `postgres://postgres@127.0.0.1:PORT/postgres`
    url: String,
    /// The folder of `psql`.
    bin: PathBuf,
}

/// The newest `/usr/lib/postgresql/*/bin` (or `$PG_BIN`), as `scripts/pg-cluster` picks it.
fn find_pg_bin() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("PG_BIN").filter(|b| !b.is_empty()) {
        let bin = PathBuf::from(bin);
        return bin.join("initdb").exists().then_some(bin);
    }
    let mut bins: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e
                .file_name()
                .to_string_lossy()
                .split('.')
                .map(|p| p.parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    bins.sort();
    bins.pop().map(|(_, b)| b)
}

fn pg_bin() -> PathBuf {
    find_pg_bin().unwrap_or_else(|| {
        panic!(
            "PostgreSQL is missing: no /usr/lib/postgresql/*/bin/initdb (nor $PG_BIN/initdb). The PostgreSQL tests \
             need it: run scripts/setup (it installs Debian's postgresql), or set \
             OMNIDESK_TEST_PG_URL to a cluster this user may create databases in"
        )
    })
}

fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        let given = std::env::var("OMNIDESK_TEST_PG_URL")
            .ok()
            .filter(|u| !u.is_empty());
        if let Some(url) = given {
            // psql from the machine's PostgreSQL, or from PATH when it has only a client.
            let bin = find_pg_bin().unwrap_or_default();
            return Cluster { url, bin };
        }
        let bin = pg_bin();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg-cluster");
        let out = Command::new("bash")
            .arg(&script)
            .args(["start", "--watch", &std::process::id().to_string()])
            .env("PG_BIN", &bin)
            .output()
            .unwrap_or_else(|e| panic!("running {}: {e}", script.display()));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{} start failed: {}{}",
            script.display(),
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
        let url = stdout
            .lines()
            .find_map(|l| l.strip_prefix("export OMNIDESK_TEST_PG_URL="))
            .unwrap_or_else(|| panic!("no URL from pg-cluster: {stdout}"))
            .to_owned();
        eprintln!("{}", String::from_utf8_lossy(&out.stderr).trim_end());
        Cluster { url, bin }
    })
}

/// A cluster of its own on `port` (not the shared one): `scripts/pg-cluster start --port`,
/// watching this process. Its URL and folder (for [`stop_cluster`]).
pub fn start_cluster_on(port: u16) -> (String, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg-cluster");
    let out = Command::new("bash")
        .arg(&script)
        .args(["start", "--port", &port.to_string()])
        .args(["--watch", &std::process::id().to_string()])
        .env("PG_BIN", pg_bin())
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", script.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{} start --port {port} failed: {}{}",
        script.display(),
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    let export = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("export {name}=")))
            .unwrap_or_else(|| panic!("no {name} from pg-cluster: {stdout}"))
            .to_owned()
    };
    (
        export("OMNIDESK_TEST_PG_URL"),
        export("OMNIDESK_TEST_PG_DIR"),
    )
}

/// Stops a cluster of [`start_cluster_on`] and removes its folder.
pub fn stop_cluster(dir: &str) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg-cluster");
    let _ = Command::new("bash")
        .arg(&script)
        .args(["stop", dir])
        .status();
}

/// The URL of `database` in the test cluster.
fn url_of(database: &str) -> String {
    let base = &cluster().url;
    let (server, _) = base.rsplit_once('/').expect("a URL with a database");
    format!("{server}/{database}")
}

/// A fresh, empty database (`t_<pid>_<n>_<time>`) in the test cluster; its URL.
pub fn database() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let name = format!(
        "t_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    psql(&cluster().url, &format!("CREATE DATABASE {name}"));
    url_of(&name)
}

/// Runs `sql` with `psql` on `url` (stopping at the first error); its unaligned,
/// tuples-only output (`|` between columns, a line a row).
pub fn psql(url: &str, sql: &str) -> String {
    let bin = &cluster().bin;
    let psql = if bin.join("psql").exists() {
        bin.join("psql")
    } else {
        PathBuf::from("psql")
    };
    let out = Command::new(&psql)
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            sql,
        ])
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", psql.display()));
    assert!(
        out.status.success(),
        "psql {sql:?} on {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim_end().to_owned()
}
