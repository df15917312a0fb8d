//! Upgrades lose nothing: what the version before R23–R28 wrote still loads, and means what it
//! meant. The fixtures in `tests/fixtures/v0/` were captured with that version (commit
//! e6d36e9) from `centre.json`: its event log (`events.jsonl`, one stamped event a line, as
//! the server's log stores them), its final engine state (`state.json`, as the server's
//! snapshots store `Engine::state`), its configuration (`config.json`, as the server's log
//! stores it to check it at start) and its replay snapshot (`snapshot.json`).

use omnidesk_core::protocol::{Input, Stamped};
use omnidesk_core::route::IndexedRouter;
use omnidesk_core::scenario::{run, Scenario};
use omnidesk_core::{AgentId, Config, Engine, ItemId, State};
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/v0/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn old_log() -> Vec<Stamped> {
    fixture("events.jsonl")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn meta() -> (u64, u64) {
    let v: Value = serde_json::from_str(&fixture("meta.json")).unwrap();
    (v["now"].as_u64().unwrap(), v["seq"].as_u64().unwrap())
}

#[test]
fn an_old_configuration_loads_and_serializes_byte_for_byte_as_before() {
    let text = fixture("config.json");
    let config: Config = serde_json::from_str(&text).expect("the old configuration loads");
    // The new settings take their defaults (R23, R24, R25, R28).
    assert!(config
        .channels
        .values()
        .all(|c| c.offer_seen_timeout_ms.is_none()));
    assert_eq!(config.reconnect_window_ms, 150_000);
    assert!(config.queues.values().all(|q| q.service_level_ms == 60_000));
    assert!(config.agents.values().all(|a| a.supervises.is_empty()));
    // Defaults are not written, so the server's stored configuration still compares equal.
    assert_eq!(serde_json::to_string(&config).unwrap(), text);
    // The scenario-shaped set-up the server reads (its config file) still parses to it.
    let scenario = Scenario::parse(&fixture("centre.json")).expect("the old set-up parses");
    assert_eq!(scenario.config, config);
}

#[test]
fn an_old_event_log_loads_and_folds_to_the_old_snapshot() {
    let log = old_log();
    assert_eq!(log.len() as u64, meta().1);
    let config: Config = serde_json::from_str(&fixture("config.json")).unwrap();
    let mut replica = Engine::new(config);
    for e in &log {
        replica.apply(e);
    }
    assert_eq!(replica.snapshot_json(), fixture("snapshot.json"));
}

#[test]
fn the_old_scenario_gives_the_same_events_as_before() {
    let scenario = Scenario::parse(&fixture("centre.json")).unwrap();
    let replay = run(&scenario);
    assert_eq!(replay.events, old_log(), "same inputs, same events (R0)");
    assert_eq!(replay.engine.snapshot_json(), fixture("snapshot.json"));
}

#[test]
fn an_old_engine_snapshot_restores_and_goes_on_like_the_live_engine() {
    let state: State = serde_json::from_str(&fixture("state.json")).expect("the old state loads");
    let (now, seq) = meta();
    let mut restored = Engine::restore(state, now, seq, IndexedRouter::new());
    assert_eq!(restored.snapshot_json(), fixture("snapshot.json"));
    // The live engine of the same scenario and the restored one handle what comes next alike.
    let scenario = Scenario::parse(&fixture("centre.json")).unwrap();
    let mut live = run(&scenario).engine;
    let next = [
        (
            40_000,
            Input::Arrive {
                item: ItemId::from("n1"),
                channel: "chat".into(),
                queue: "general".into(),
                customer: Default::default(),
                skills: Default::default(),
                priority: 0,
                text: None,
            },
        ),
        (
            40_100,
            Input::SetPresence {
                agent: AgentId::from("cy"),
                status: omnidesk_core::Presence::Available,
            },
        ),
        (
            40_200,
            Input::Disconnect {
                agent: AgentId::from("bert"),
            },
        ),
        (200_000, Input::Tick),
        (
            200_100,
            Input::Reopen {
                agent: AgentId::from("cy"),
                item: ItemId::from("s2"),
            },
        ),
        (90_000_000, Input::Tick),
    ];
    for (at, input) in next {
        let a = live.handle(input.clone(), at).unwrap();
        let b = restored.handle(input.clone(), at).unwrap();
        assert_eq!(a, b, "{input:?} at {at}");
    }
    assert_eq!(live.snapshot_json(), restored.snapshot_json());
    // R28 works on the restored state too (items from before it have no recorded arrival).
    let view = restored.supervisor_view(&AgentId::from("bert")).unwrap();
    assert!(view.queues.is_empty(), "bert supervises nothing");
}
