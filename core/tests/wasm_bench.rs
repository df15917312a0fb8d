//! The routing workload of `benches/routing.rs` compiled to wasm and run in headless Chromium,
//! to compare with native (target: at most 3× native). Same code path as the native summary:
//! `omnidesk_core::workload::measure`, timed here with `Date.now()` (millisecond resolution;
//! every timed section runs for tens of milliseconds or more).
//!
//! Never part of the normal test commands: the test target requires the `wasm-bench` feature
//! (`required-features` in core/Cargo.toml) and the file is empty off wasm32. Run it with
//! `scripts/bench`, or:
//!
//! ```text
//! CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=600 cargo test -p omnidesk-core \
//!   --release --target wasm32-unknown-unknown --features wasm-bench --test wasm_bench -- --nocapture
//! ```
#![cfg(target_arch = "wasm32")]

use omnidesk_core::workload::{measure, Scale};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn routing_workload_in_the_browser() {
    let mut clock = js_sys::Date::now;
    // The reference model is not run here (slice 0): it is measured natively.
    let figures = measure(Scale::D365, 200_000, 0, &mut clock);
    console_log!("== wasm summary ==\n{}== end ==", figures.lines());
}
