//! A saved engine resumes exactly: the state serialised to JSON (as the browser's IndexedDB
//! snapshot and the server's snapshots store it), restored with `Engine::restore`, handles the
//! rest of a scenario with the same events as the engine that never stopped (R0: same inputs,
//! same outputs), whatever the point at which it was saved. The scenario includes R23's unseen
//! offers, R24's disconnections (the reconnect window's sign-out timer lives in the state, so
//! a server restarted mid-window still signs the agent out on time) and R25–R27's supervisor
//! inputs, and the supervisor's view (R28) of the restored engine equals the live one's.

use omnidesk_core::route::Router;
use omnidesk_core::scenario::Scenario;
use omnidesk_core::{Engine, State};

const SCENARIO: &str = r#"{
  "channels": [{"id": "chat", "offer_seen_timeout_ms": 15000}],
  "reconnect_window_ms": 60000,
  "queues": [{"id": "general", "members": ["bert", "ana"], "service_level_ms": 5000},
             {"id": "vip", "priority": 2, "members": ["ana"], "assignment_method": "round_robin"}],
  "agents": [{"id": "bert", "name": "Bert"}, {"id": "ana", "name": "Ana", "capacity": 40},
             {"id": "sue", "supervises": ["general", "vip"]}],
  "steps": [
    {"at": 0, "input": "sign_in", "agent": "bert"},
    {"at": 0, "input": "sign_in", "agent": "ana"},
    {"at": 1000, "input": "arrive", "item": "c1", "channel": "chat", "queue": "general", "customer": {"name": "Ada"}},
    {"at": 1100, "input": "arrive", "item": "c2", "channel": "chat", "queue": "vip", "customer": {"name": "Grace"}},
    {"at": 1200, "input": "arrive", "item": "s1", "channel": "sms", "queue": "general", "customer": {"name": "Linus"}, "text": "hi"},
    {"at": 2000, "input": "accept", "agent": "bert", "item": "c1"},
    {"at": 2500, "input": "reject", "agent": "ana", "item": "c2"},
    {"at": 3000, "input": "end", "agent": "bert", "item": "c1"},
    {"at": 4000, "input": "set_presence", "agent": "bert", "status": "away"},
    {"at": 130000, "input": "tick"},
    {"at": 140000, "input": "reset_presence", "agent": "ana"},
    {"at": 150000, "input": "close", "agent": "bert", "item": "c1"},
    {"at": 160000, "input": "set_presence", "agent": "bert", "status": "available"},
    {"at": 400000, "input": "tick"},
    {"at": 500000, "input": "reopen", "agent": "bert", "item": "c1"},
    {"at": 500100, "input": "arrive", "item": "c3", "channel": "chat", "queue": "general", "customer": {"name": "Ida"}},
    {"at": 501000, "input": "offer_seen", "agent": "ana", "item": "c3"},
    {"at": 502000, "input": "arrive", "item": "e1", "channel": "email", "queue": "general", "customer": {"name": "Joan"}},
    {"at": 503000, "input": "assign", "by": "sue", "item": "e1", "agent": "ana"},
    {"at": 504000, "input": "transfer", "by": "sue", "item": "c3", "queue": "vip"},
    {"at": 505000, "input": "disconnect", "agent": "bert"},
    {"at": 530000, "input": "force_close", "by": "sue", "item": "e1"},
    {"at": 540000, "input": "tick"},
    {"at": 565000, "input": "tick"},
    {"at": 566000, "input": "sign_in", "agent": "bert"},
    {"at": 567000, "input": "disconnect", "agent": "bert"},
    {"at": 568000, "input": "reconnect", "agent": "bert"},
    {"at": 900000, "input": "tick"}
  ]
}"#;

#[test]
fn an_engine_restored_from_a_json_snapshot_resumes_with_identical_events() {
    let scenario = Scenario::parse(SCENARIO).expect("valid scenario");
    let steps: Vec<_> = scenario.steps.clone();
    for cut in 0..=steps.len() {
        let mut live = Engine::new(scenario.config.clone());
        for step in &steps[..cut] {
            live.handle(step.input.clone(), step.at).unwrap();
        }
        let saved = serde_json::to_string(live.state()).expect("state serialises");
        let state: State = serde_json::from_str(&saved).expect("state deserialises");
        assert_eq!(
            &state,
            live.state(),
            "JSON round trip changed the state (cut {cut})"
        );
        let mut restored = restore_like(&live, state);
        for step in &steps[cut..] {
            let a = live.handle(step.input.clone(), step.at).unwrap();
            let b = restored.handle(step.input.clone(), step.at).unwrap();
            assert_eq!(a, b, "events differ after restoring at step {cut}");
        }
        assert_eq!(live.state(), restored.state());
        assert_eq!(live.next_timer(), restored.next_timer());
        let sue = "sue".into();
        assert_eq!(live.supervisor_view(&sue), restored.supervisor_view(&sue));
    }
}

/// An engine of the same router type as `live`, restored from `state` with a fresh router.
fn restore_like<R: Router + Default>(live: &Engine<R>, state: State) -> Engine<R> {
    Engine::restore(state, live.now(), live.last_seq(), R::default())
}
