//! Crash test on PostgreSQL (issue 16): the check of `crash.rs` — `kill -9` under write load,
//! every acknowledged event in the log after the restart, dense seqs, the state the fold of
//! the log, sessions and dedup survived — with `--db postgres://…` on a fresh database of the
//! test cluster (`common::pg`). The restarted server takes the lease over once the killed
//! one's has expired.

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_load_on_postgres_loses_nothing_acknowledged() {
    common::durability::kill_9_mid_load(common::Backend::Postgres).await;
}
