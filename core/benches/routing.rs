//! Routing benchmarks at Dynamics 365's published floor (routing.md "Scale"): 10 000 agents,
//! 100 queues, 5 000 agents in one queue, 50 000 waiting items. Run with `cargo bench -p
//! omnidesk-core --bench routing` (or `scripts/bench`).
//!
//! Harness: divan rather than criterion — a far smaller dependency tree (it builds quickly on
//! the project's 2-core machine), no plotting stack, and `#[divan::bench]` with counters
//! reports per-iteration time and throughput directly.
//!
//! One run prints, before divan's table, a summary block (`key=value` lines between
//! `== summary ==` and `== end ==`, parsed by `scripts/bench`) measured with `Instant` through
//! `omnidesk_core::workload::measure` — the same code the wasm benchmark runs, so the two are
//! comparable — and the memory of the whole centre, counted by a counting global allocator
//! (bytes live on the heap, not RSS): the engine's bytes are the growth of live bytes across
//! `engine.clone()` (a compact copy of everything the engine owns: state, router indices,
//! timer index), and the process's live bytes after the set-up (engine + workload generator);
//! the growth of VmRSS during that set-up is printed too (it includes allocator overhead the
//! counter doesn't see, and may reuse memory freed by earlier measurements).
//! Benchmarks never assert on time.
//!
//! R28 (the supervisor's view): a second block, `== supervisor summary ==`, measures on the
//! same centre what one update of the supervisor page costs — the figures of all 100 queues
//! plus one screenful (50 rows) of agents and of items — and, for scale, all 10 000 agent rows
//! and the whole view, each next to one `Engine::handle` of the mixed workload measured in the
//! same run (the baseline). The divan benches `supervisor_*` measure the same. Run them alone
//! with `OMNIDESK_BENCH=supervisor cargo bench -p omnidesk-core --bench routing -- supervisor`.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use omnidesk_core::route::Router;
    use omnidesk_core::workload::{self, Scale, Workload};
    use omnidesk_core::Engine;
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Mutex, OnceLock};
    use std::time::Instant;

    /// Counts live heap bytes.
    pub struct Counting;

    pub static LIVE: AtomicUsize = AtomicUsize::new(0);

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    #[global_allocator]
    static ALLOC: Counting = Counting;

    /// VmRSS from /proc/self/status, in KiB (Linux only).
    fn vm_rss_kib() -> Option<usize> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    fn mib(bytes: usize) -> f64 {
        bytes as f64 / (1024.0 * 1024.0)
    }

    /// The summary block: the shared measurement plus memory.
    pub fn summary() {
        let start = Instant::now();
        let mut clock = || start.elapsed().as_secs_f64() * 1e3;
        let mixed: u64 = std::env::var("OMNIDESK_BENCH_MIXED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(200_000);
        let slice: u64 = std::env::var("OMNIDESK_BENCH_SLICE")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(4);
        // Memory first, on a fresh process heap: a centre measured on its own.
        let before = LIVE.load(Ordering::Relaxed);
        let rss_before = vm_rss_kib();
        let (engine, wl) = workload::centre(Scale::D365, 42);
        let process = LIVE.load(Ordering::Relaxed) - before;
        let rss_growth = vm_rss_kib()
            .zip(rss_before)
            .map(|(a, b)| a.saturating_sub(b));
        let before_clone = LIVE.load(Ordering::Relaxed);
        let copy = engine.clone();
        let engine_bytes = LIVE.load(Ordering::Relaxed) - before_clone;
        drop(copy);
        let figures = workload::measure(Scale::D365, mixed, slice, &mut clock);
        println!("== summary ==");
        print!("{}", figures.lines());
        println!("engine_bytes={engine_bytes}");
        println!("engine_mib={:.1}", mib(engine_bytes));
        println!("centre_process_mib={:.1}", mib(process));
        if let Some(kib) = rss_growth {
            println!("centre_rss_growth_mib={:.1}", kib as f64 / 1024.0);
        }
        println!("== end ==");
        drop((engine, wl));
    }

    /// The supervisor of every queue in the workload's centre.
    fn supervisor() -> omnidesk_core::AgentId {
        workload::agent_id(0)
    }

    /// One update of the supervisor page: every queue's figures and a screenful of agent and
    /// item rows (R28).
    pub fn page_update(engine: &Engine, screen: usize) -> usize {
        let sup = supervisor();
        let mut n = 0;
        for q in &engine.config().agents[&sup].supervises {
            n += usize::from(engine.queue_figures(q).is_some());
        }
        n += engine.supervised_agents(&sup, None, screen).len();
        n += engine.supervised_items(&sup, None, screen).len();
        n += engine.supervised_item_count(&sup);
        n
    }

    /// Mean ns of `f` over `n` calls.
    fn mean_ns(n: u32, mut f: impl FnMut()) -> f64 {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        t.elapsed().as_secs_f64() * 1e9 / f64::from(n)
    }

    /// The supervisor block (see the crate doc above).
    pub fn supervisor_summary() {
        let t = Instant::now();
        let (mut engine, mut wl) = workload::centre(Scale::D365, 42);
        let setup_ms = t.elapsed().as_secs_f64() * 1e3;
        let before = LIVE.load(Ordering::Relaxed);
        let copy = engine.clone();
        let engine_bytes = LIVE.load(Ordering::Relaxed) - before;
        drop(copy);
        // Warm the steady state, then the baseline: one handle of the mixed stream.
        wl.run(&mut engine, 20_000);
        let inputs = 100_000u32;
        let t = Instant::now();
        wl.run(&mut engine, u64::from(inputs));
        let handle_ns = t.elapsed().as_secs_f64() * 1e9 / f64::from(inputs);
        let sup = supervisor();
        let queues = engine.supervised_queues(&sup).len();
        let page_ns = mean_ns(2_000, || {
            divan::black_box(page_update(&engine, 50));
        });
        let figures_ns = mean_ns(2_000, || {
            for q in &engine.config().agents[&sup].supervises {
                divan::black_box(engine.queue_figures(q));
            }
        });
        let agents_all_ns = mean_ns(20, || {
            divan::black_box(engine.supervised_agents(&sup, None, usize::MAX));
        });
        let view_ns = mean_ns(3, || {
            divan::black_box(engine.supervisor_view(&sup));
        });
        let view = engine.supervisor_view(&sup).expect("the supervisor exists");
        println!("== supervisor summary ==");
        println!("setup_ms={setup_ms:.0}");
        println!("engine_mib={:.1}", mib(engine_bytes));
        println!("queues={queues}");
        println!("agents={}", view.agents.len());
        println!("live_items={}", view.items.len());
        println!("handle_ns={handle_ns:.0}");
        println!("queue_figures_all_ns={figures_ns:.0}");
        println!("page_update_ns={page_ns:.0}");
        println!("page_update_per_handle={:.2}", page_ns / handle_ns);
        println!("agent_rows_all_us={:.0}", agents_all_ns / 1e3);
        println!("agent_rows_all_per_handle={:.0}", agents_all_ns / handle_ns);
        println!("full_view_ms={:.1}", view_ns / 1e6);
        println!("== end ==");
    }

    struct Shared {
        engine: Engine,
        workload: Workload,
    }

    fn shared() -> &'static Mutex<Shared> {
        static CENTRE: OnceLock<Mutex<Shared>> = OnceLock::new();
        CENTRE.get_or_init(|| {
            let (engine, workload) = workload::centre(Scale::D365, 1);
            Mutex::new(Shared { engine, workload })
        })
    }

    /// `Router::next_offer` alone: one routing decision (the first servable item in R15 order,
    /// its best eligible agent, the R18 explanation) on the full centre.
    #[divan::bench]
    fn decision(bencher: divan::Bencher) {
        let guard = shared().lock().unwrap();
        let (state, mut router) =
            workload::decision_state(&guard.engine, &guard.workload).expect("an idle agent");
        bencher
            .counter(divan::counter::ItemsCount::new(1usize))
            .bench_local(|| router.next_offer(divan::black_box(&state), None));
    }

    /// One input of the mixed workload through the indexed engine (state carries over).
    #[divan::bench]
    fn mixed_indexed(bencher: divan::Bencher) {
        let mut guard = shared().lock().unwrap();
        let Shared { engine, workload } = &mut *guard;
        bencher
            .counter(divan::counter::ItemsCount::new(1usize))
            .bench_local(|| workload.run(engine, 1));
    }

    /// The baseline of the supervisor benches: one input of the mixed workload (as
    /// `mixed_indexed`, named so `-- supervisor` selects it too).
    #[divan::bench]
    fn supervisor_baseline_handle(bencher: divan::Bencher) {
        let mut guard = shared().lock().unwrap();
        let Shared { engine, workload } = &mut *guard;
        bencher
            .counter(divan::counter::ItemsCount::new(1usize))
            .bench_local(|| workload.run(engine, 1));
    }

    /// R28: one update of the supervisor page (100 queues' figures, 50 agent rows, 50 item
    /// rows, the item count).
    #[divan::bench]
    fn supervisor_page_update(bencher: divan::Bencher) {
        let guard = shared().lock().unwrap();
        bencher.bench_local(|| page_update(divan::black_box(&guard.engine), 50));
    }

    /// R28: the figures of all 100 queues alone.
    #[divan::bench]
    fn supervisor_queue_figures(bencher: divan::Bencher) {
        let guard = shared().lock().unwrap();
        let sup = supervisor();
        let queues = guard.engine.supervised_queues(&sup);
        bencher.bench_local(|| {
            for q in &queues {
                divan::black_box(guard.engine.queue_figures(q));
            }
        });
    }

    /// R28: all 10 000 agent rows (what a page that doesn't window its rows would read).
    #[divan::bench(sample_count = 10)]
    fn supervisor_all_agent_rows(bencher: divan::Bencher) {
        let guard = shared().lock().unwrap();
        let sup = supervisor();
        bencher.bench_local(|| guard.engine.supervised_agents(&sup, None, usize::MAX));
    }

    /// One input of the same mixed workload through the reference model, from a copy of the
    /// same centre (few samples: each input scans 50 000 Open items).
    #[divan::bench(sample_count = 3, sample_size = 1)]
    fn mixed_reference(bencher: divan::Bencher) {
        let guard = shared().lock().unwrap();
        let mut reference = workload::as_reference(&guard.engine);
        let mut workload = guard.workload.clone();
        drop(guard);
        bencher
            .counter(divan::counter::ItemsCount::new(1usize))
            .bench_local(|| workload.run(&mut reference, 1));
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // OMNIDESK_BENCH=supervisor: only the supervisor block (R28); otherwise both.
    if std::env::var("OMNIDESK_BENCH").as_deref() != Ok("supervisor") {
        native::summary();
    }
    native::supervisor_summary();
    divan::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
