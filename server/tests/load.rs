//! The load generator works: `omnidesk-load --smoke` (50 agents, 5 queues, 3 s) starts the
//! real server binary with load-test tokens, drives conversations over 50 WebSockets and exits
//! 0 only if every subscribed client received every arrival. Figures are not asserted (shared
//! machines); they belong in BENCHMARKS.md (`scripts/bench-server`).

use std::process::Command;

#[test]
fn the_load_generator_runs_in_smoke_mode() {
    let out = Command::new(env!("CARGO_BIN_EXE_omnidesk-load"))
        .arg("--smoke")
        .arg("--server")
        .arg(env!("CARGO_BIN_EXE_omnidesk-server"))
        .output()
        .expect("omnidesk-load runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains(" 0 missing"), "{stdout}");
    assert!(stdout.contains("ROW | 50 |"), "{stdout}");
}
