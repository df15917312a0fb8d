//! Crash test on SQLite: the real server binary with a temp database, driven by concurrent
//! clients, `kill -9`ed mid-load, restarted on the same database (the check is
//! `common::durability`, which `pg_crash.rs` runs on PostgreSQL).

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_load_loses_nothing_acknowledged() {
    common::durability::kill_9_mid_load(common::Backend::Sqlite).await;
}
