//! `Scenario::parse` never panics on arbitrary input, and whatever it accepts `run` replays
//! without panicking: arbitrary JSON trees, arbitrary text, and mutations of a valid scenario
//! (dropped fields, wrong types, random ids, shuffled or extreme `at`s, swapped steps).

use omnidesk_core::scenario::{run, Scenario};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// A valid scenario touching every input kind, timers included.
fn base() -> Value {
    json!({
        "channels": [
            {"id": "chat", "capacity_cost": 20, "offer_timeout_ms": 5000, "wrap_up_block_ms": 3000, "offer_seen_timeout_ms": 1500},
            {"id": "sms", "auto_close_waiting_ms": 8000},
            {"id": "webform", "capacity_cost": 5, "distribution": "pick", "allowed_presences": ["available"]}
        ],
        "presences": [{"name": "Lunch", "base": "away"}],
        "queues": [
            {"id": "general", "priority": 1, "members": ["bert", "ana"], "channels": ["chat", "sms", "email"],
             "assignment_method": "highest_capacity"},
            {"id": "second", "members": ["ana"], "assignment_method": "round_robin", "service_level_ms": 2000}
        ],
        "reconnect_window_ms": 4000,
        "agents": [
            {"id": "bert", "name": "Bert", "capacity": 100, "skills": {"french": 7}},
            {"id": "ana", "name": "Ana", "capacity": 40, "default_presence": "busy"},
            {"id": "sue", "name": "Sue", "supervises": ["general", "second"]}
        ],
        "steps": [
            {"at": 0, "input": "sign_in", "agent": "bert"},
            {"at": 0, "input": "sign_in", "agent": "ana"},
            {"at": 1000, "input": "arrive", "item": "c1", "channel": "chat", "queue": "general",
             "customer": {"name": "Ada", "email": "ada@example.com"}, "skills": {"french": 5}, "priority": 2, "text": "hi"},
            {"at": 1000, "input": "arrive", "item": "s1", "channel": "sms", "queue": "general", "customer": {"name": "Bob"}},
            {"at": 1500, "input": "reject", "agent": "ana", "item": "s1"},
            {"at": 2000, "input": "accept", "agent": "bert", "item": "c1"},
            {"at": 2100, "input": "accept", "agent": "bert", "item": "s1"},
            {"at": 2200, "input": "wait", "agent": "bert", "item": "s1"},
            {"at": 2300, "input": "customer_message", "item": "s1", "text": "still there?"},
            {"at": 2400, "input": "agent_message", "agent": "bert", "item": "c1", "text": "yes"},
            {"at": 2500, "input": "transfer", "agent": "bert", "item": "c1", "queue": "second"},
            {"at": 2600, "input": "set_presence", "agent": "bert", "status": "Lunch"},
            {"at": 2700, "input": "reset_presence", "agent": "bert"},
            {"at": 2800, "input": "pick", "agent": "ana", "item": "c1"},
            {"at": 2900, "input": "end", "item": "c1"},
            {"at": 3000, "input": "close", "agent": "ana", "item": "c1"},
            {"at": 3100, "input": "reopen", "agent": "ana", "item": "c1"},
            {"at": 3200, "input": "open", "agent": "bert", "item": "s1"},
            {"at": 3300, "input": "arrive", "item": "w1", "channel": "webform", "queue": "second", "customer": {"name": "Cy"}},
            {"at": 3400, "input": "abandon", "item": "w1"},
            {"at": 3500, "input": "sign_out", "agent": "ana"},
            {"at": 3600, "input": "arrive", "item": "z9", "channel": "chat", "queue": "general", "customer": {"name": "Zed"}},
            {"at": 3700, "input": "offer_seen", "agent": "bert", "item": "z9"},
            {"at": 3800, "input": "disconnect", "agent": "bert"},
            {"at": 3900, "input": "reconnect", "agent": "bert"},
            {"at": 4000, "input": "assign", "by": "sue", "item": "z9", "agent": "bert"},
            {"at": 4100, "input": "transfer", "by": "sue", "item": "z9", "queue": "second"},
            {"at": 4200, "input": "force_close", "by": "sue", "item": "z9"},
            {"at": 4300, "input": "disconnect", "agent": "bert"},
            {"at": 20000, "input": "tick"}
        ]
    })
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        prop::sample::select(vec![
            "at", "input", "agent", "item", "steps", "queues", "agents", "chat", "sign_in",
            "arrive", "bert", "tick",
        ])
        .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(vec![
                            "channels",
                            "presences",
                            "queues",
                            "agents",
                            "steps",
                            "at",
                            "input",
                            "agent",
                            "item",
                            "channel",
                            "queue",
                            "customer",
                            "id",
                            "members",
                            "capacity",
                            "status",
                        ])
                        .prop_map(String::from),
                        "[a-z_]{1,8}",
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Remove the object key (or array element) at the chosen path.
    Drop(usize),
    /// Replace the value at the chosen path with an arbitrary one (usually a wrong type).
    Retype(usize, Value),
    /// Replace a string leaf (an id, a name, an input) with a random string.
    RandomString(usize, String),
    /// Set one step's `at` to an arbitrary (possibly huge, possibly backwards) value.
    SetAt(usize, u64),
    /// Swap two steps.
    Swap(usize, usize),
}

fn arb_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Drop),
        (any::<usize>(), arb_json()).prop_map(|(i, v)| Mutation::Retype(i, v)),
        (
            any::<usize>(),
            prop_oneof![
                "[a-z]{0,4}",
                ".{0,6}",
                Just("bert".to_string()),
                Just("c1".to_string())
            ]
        )
            .prop_map(|(i, s)| Mutation::RandomString(i, s)),
        (
            any::<usize>(),
            prop_oneof![
                0u64..30_000,
                Just(u64::MAX),
                Just(u64::MAX - 1),
                Just(u64::MAX / 2),
                any::<u64>()
            ]
        )
            .prop_map(|(i, at)| Mutation::SetAt(i, at)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ]
}

/// Mutations that keep the file valid most of the time, so `run` is exercised on odd but
/// legal replays: declared-but-wrong ids, optional fields dropped, re-timed steps.
#[derive(Debug, Clone)]
enum Gentle {
    /// Replace an id with another declared id of the same kind (agent, item, queue, ...).
    SwapId(usize, usize),
    /// Drop a field the format marks optional, wherever it occurs.
    DropOptional(usize),
    /// Give the steps new `at`s: these values, sorted, so time still never goes backwards.
    Retime(Vec<u64>),
    /// Duplicate one step at the end (with the last step's `at`).
    Repeat(usize),
}

const ID_KINDS: &[&[&str]] = &[
    &["bert", "ana", "sue"],
    &["c1", "s1", "w1", "z9"],
    &["general", "second"],
    &["chat", "sms", "email", "voice", "webform", "social"],
    &["Lunch", "available", "busy", "away", "dnd", "offline"],
];
const OPTIONAL: &[&str] = &[
    "priority",
    "skills",
    "text",
    "capacity",
    "members",
    "channels",
    "assignment_method",
    "presences",
    "agent",
    "offer_timeout_ms",
    "wrap_up_block_ms",
    "auto_close_waiting_ms",
    "default_presence",
    "name",
    "email",
    "offer_seen_timeout_ms",
    "service_level_ms",
    "supervises",
    "reconnect_window_ms",
];

fn arb_gentle() -> impl Strategy<Value = Gentle> {
    prop_oneof![
        3 => (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Gentle::SwapId(i, j)),
        2 => any::<usize>().prop_map(Gentle::DropOptional),
        2 => prop::collection::vec(prop_oneof![0u64..300_000, 0u64..200_000_000], 30).prop_map(Gentle::Retime),
        1 => any::<usize>().prop_map(Gentle::Repeat),
    ]
}

fn apply_gentle(doc: &mut Value, g: &Gentle) {
    match g {
        Gentle::SwapId(i, j) => {
            let mut all = Vec::new();
            paths(doc, &mut Vec::new(), &mut all, true);
            // Only ids of a known kind, never the `input` tags or free text.
            let kind_of = |doc: &Value, p: &[Seg]| {
                let (last, parent) = p.split_last()?;
                if matches!(last, Seg::Key(k) if k == "input" || k == "text" || k == "name") {
                    return None;
                }
                let mut cur = doc;
                for seg in parent.iter().chain(std::iter::once(last)) {
                    cur = match seg {
                        Seg::Key(k) => cur.get(k.as_str())?,
                        Seg::Index(n) => cur.get(*n)?,
                    };
                }
                let v = cur.as_str()?;
                ID_KINDS.iter().find(|kind| kind.contains(&v))
            };
            let all: Vec<(Vec<Seg>, &[&str])> = all
                .into_iter()
                .filter_map(|p| kind_of(doc, &p).map(|k| (p, *k)))
                .collect();
            if all.is_empty() {
                return;
            }
            let (path, kind) = &all[i % all.len()];
            let id = kind[j % kind.len()];
            let (last, parent) = path.split_last().unwrap();
            match (last, parent_mut(doc, parent)) {
                (Seg::Key(k), Some(Value::Object(o))) => {
                    o.insert(k.clone(), Value::from(id));
                }
                (Seg::Index(n), Some(Value::Array(a))) => a[*n] = Value::from(id),
                _ => {}
            }
        }
        Gentle::DropOptional(i) => {
            let mut all = Vec::new();
            paths(doc, &mut Vec::new(), &mut all, false);
            all.retain(|p| matches!(p.last(), Some(Seg::Key(k)) if OPTIONAL.contains(&k.as_str())));
            if all.is_empty() {
                return;
            }
            let path = &all[i % all.len()];
            let (last, parent) = path.split_last().unwrap();
            if let (Seg::Key(k), Some(Value::Object(o))) = (last, parent_mut(doc, parent)) {
                o.remove(k);
            }
        }
        Gentle::Retime(ats) => {
            let mut ats = ats.clone();
            ats.sort_unstable();
            if let Some(steps) = doc["steps"].as_array_mut() {
                for (step, at) in steps.iter_mut().zip(ats) {
                    if let Value::Object(o) = step {
                        o.insert("at".into(), Value::from(at));
                    }
                }
                // Steps beyond the new times keep time monotone too.
                let mut last = 0;
                for step in steps.iter_mut() {
                    if let Some(Value::Number(n)) = step.get("at") {
                        let at = n.as_u64().unwrap_or(0).max(last);
                        last = at;
                        step["at"] = Value::from(at);
                    }
                }
            }
        }
        Gentle::Repeat(i) => {
            if let Some(steps) = doc["steps"].as_array_mut() {
                if let (Some(step), Some(last)) = (
                    steps.get(i % steps.len().max(1)).cloned(),
                    steps.last().cloned(),
                ) {
                    let mut step = step;
                    if let (Value::Object(o), Some(at)) = (&mut step, last.get("at").cloned()) {
                        o.insert("at".into(), at);
                    }
                    steps.push(step);
                }
            }
        }
    }
}

fn paths(v: &Value, prefix: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>, strings_only: bool) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                prefix.push(Seg::Key(k.clone()));
                if !strings_only || child.is_string() {
                    out.push(prefix.clone());
                }
                paths(child, prefix, out, strings_only);
                prefix.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                prefix.push(Seg::Index(i));
                if !strings_only || child.is_string() {
                    out.push(prefix.clone());
                }
                paths(child, prefix, out, strings_only);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn parent_mut<'a>(root: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    let mut cur = root;
    for seg in path {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn apply(doc: &mut Value, m: &Mutation) {
    let mut all = Vec::new();
    let strings_only = matches!(m, Mutation::RandomString(..));
    paths(doc, &mut Vec::new(), &mut all, strings_only);
    let steps_len = doc["steps"].as_array().map_or(0, Vec::len);
    match m {
        Mutation::Drop(i) | Mutation::Retype(i, _) | Mutation::RandomString(i, _) => {
            if all.is_empty() {
                return;
            }
            let path = &all[i % all.len()];
            let (last, parent) = path.split_last().unwrap();
            let Some(p) = parent_mut(doc, parent) else {
                return;
            };
            match (m, last, p) {
                (Mutation::Drop(_), Seg::Key(k), Value::Object(o)) => {
                    o.remove(k);
                }
                (Mutation::Drop(_), Seg::Index(i), Value::Array(a)) => {
                    a.remove(*i);
                }
                (Mutation::Retype(_, v), Seg::Key(k), Value::Object(o)) => {
                    o.insert(k.clone(), v.clone());
                }
                (Mutation::Retype(_, v), Seg::Index(i), Value::Array(a)) => a[*i] = v.clone(),
                (Mutation::RandomString(_, s), Seg::Key(k), Value::Object(o)) => {
                    o.insert(k.clone(), Value::from(s.clone()));
                }
                (Mutation::RandomString(_, s), Seg::Index(i), Value::Array(a)) => {
                    a[*i] = Value::from(s.clone())
                }
                _ => {}
            }
        }
        Mutation::SetAt(i, at) => {
            if steps_len > 0 {
                if let Some(Value::Object(step)) = doc["steps"].get_mut(i % steps_len) {
                    step.insert("at".into(), Value::from(*at));
                }
            }
        }
        Mutation::Swap(a, b) => {
            if steps_len > 0 {
                if let Some(steps) = doc["steps"].as_array_mut() {
                    steps.swap(a % steps_len, b % steps_len);
                }
            }
        }
    }
}

fn parse_and_run(text: &str) {
    if let Ok(scenario) = Scenario::parse(text) {
        let replay = run(&scenario);
        // Touch the read side too: it must not panic on whatever state the replay reached.
        let _ = replay.engine.snapshot();
        for agent in scenario.config.agents.keys() {
            let _ = replay.engine.supervisor_view(agent);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        parse_and_run(&v.to_string());
    }

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,64}") {
        parse_and_run(&s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios_never_panic(muts in prop::collection::vec(arb_mutation(), 1..5)) {
        let mut doc = base();
        for m in &muts {
            apply(&mut doc, m);
        }
        parse_and_run(&doc.to_string());
    }

    #[test]
    fn gently_mutated_scenarios_never_panic(muts in prop::collection::vec(arb_gentle(), 1..6)) {
        let mut doc = base();
        for m in &muts {
            apply_gentle(&mut doc, m);
        }
        parse_and_run(&doc.to_string());
    }

    #[test]
    fn extreme_times_never_panic(ats in prop::collection::vec(prop_oneof![0u64..10, u64::MAX - 200_000..=u64::MAX], 30)) {
        // Monotone but huge `at`s: timers (now + timeout) must not overflow.
        let mut doc = base();
        let mut sorted = ats.clone();
        sorted.sort_unstable();
        for (i, at) in sorted.iter().enumerate() {
            doc["steps"][i]["at"] = Value::from(*at);
        }
        parse_and_run(&doc.to_string());
    }
}

#[test]
fn the_fuzz_base_is_itself_valid() {
    let text = base().to_string();
    let scenario =
        Scenario::parse(&text).unwrap_or_else(|e| panic!("base scenario must parse: {e}"));
    let replay = run(&scenario);
    assert!(!replay.events.is_empty());
}
