//! Data-driven scenario tests: every `core/scenarios/*.json` is replayed through
//! `omnidesk_core::scenario::run` and checked against its hand-written `expect`.
//!
//! A scenario file is exactly the format of `shared/spec/scenarios.md` plus three top-level
//! keys the parser ignores: `"rule"` (e.g. `"R7"`), `"description"` (one sentence: what the rule
//! says must happen here) and `"expect"`. Every expectation is derived by hand from
//! `shared/spec/routing.md`, never copied from the engine's output.
//!
//! # The `expect` object (every key optional, at least one required; unknown keys fail)
//! - `"snapshot"`: a partial snapshot. Objects match as a recursive subset (every key given must
//!   exist and match); arrays and scalars must be equal. `null` must be `null`.
//! - `"snapshot_exact": true`: the whole snapshot must equal `"snapshot"`.
//! - `"snapshot_absent"`: `["items/c9", ...]`: slash paths that must NOT exist in the snapshot.
//! - `"events"`: partial events (subset match on the flat log line `{"seq","at","event",...}`,
//!   nested objects such as `explanation` or a rejected `input` also by subset) that must occur
//!   in this order as a subsequence of the log.
//! - `"absent_events"`: partial events that must match no event of the log.
//! - `"streams"`: `{"bert": {"my": [..], "open": [..], "closed": [..]}}`, each list compared
//!   exactly with `Engine::my_work_items` / `open_work_items` / `closed_work_items`.
//! - `"members"`: `{"c1": {"bert": "capacity", ...}}`, compared exactly (as a map of every
//!   member) with `Engine::explain_members`.
//! - `"supervisor"`: `{"sue": {...}}`, each a partial supervisor's view (R28, scenarios.md's
//!   "The supervisor's view", `Engine::supervisor_view`), matched as a recursive subset like
//!   `"snapshot"`; with `"supervisor_exact": true` each must equal the whole view.
//! - `"supervisor_absent"`: `["sue/items/c9", ...]`: slash paths (starting with the
//!   supervisor) that must NOT exist in those views.
//!
//! Besides its own `expect`, every scenario is also checked for rules that hold at every moment:
//! R0 (a second replay gives the same log and snapshot, byte for byte), R22 (every item that
//! arrived is in the snapshot; an Open item has no holder, an Offered/Active/Waiting/Wrap-up one
//! has one) and R19 (each agent's my work items are exactly the Active, Waiting and Wrap-up items
//! the snapshot shows them holding).
//!
//! The test collects every failure (file, rule, description and a precise diff) and fails once
//! at the end, so one run shows everything.

use omnidesk_core::scenario::{run, Scenario};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

const EXPECT_KEYS: &[&str] = &[
    "snapshot",
    "snapshot_exact",
    "snapshot_absent",
    "events",
    "absent_events",
    "streams",
    "members",
    "supervisor",
    "supervisor_exact",
    "supervisor_absent",
];

#[test]
fn scenarios() {
    // OMNIDESK_SCENARIOS_DIR replays another directory (used to check the harness itself).
    let dir = std::env::var_os("OMNIDESK_SCENARIOS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no scenario file in {}: the scenario test must not pass vacuously",
        dir.display()
    );

    let mut failures: Vec<String> = Vec::new();
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        match check_file(file) {
            Ok(rule) => *per_rule.entry(rule).or_default() += 1,
            Err(report) => failures.push(format!("{name}\n{report}")),
        }
    }

    let counts: Vec<String> = per_rule.iter().map(|(r, n)| format!("{r}:{n}")).collect();
    eprintln!(
        "{} scenario files, {} passed ({})",
        files.len(),
        files.len() - failures.len(),
        counts.join(" ")
    );
    if !failures.is_empty() {
        let mut msg = format!(
            "{} of {} scenarios failed:\n\n",
            failures.len(),
            files.len()
        );
        for f in &failures {
            msg.push_str(f);
            msg.push('\n');
        }
        panic!("{msg}");
    }
}

/// Checks one file; returns its rule on success, or a report of every difference.
fn check_file(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("  cannot read: {e}"))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("  not JSON: {e}"))?;
    let rule = doc.get("rule").and_then(Value::as_str);
    let description = doc.get("description").and_then(Value::as_str);
    let header = format!(
        "  rule: {}\n  description: {}\n",
        rule.unwrap_or("<missing>"),
        description.unwrap_or("<missing>")
    );
    let (Some(rule), Some(_)) = (rule, description) else {
        return Err(format!(
            "{header}  the file needs string keys \"rule\" and \"description\""
        ));
    };
    let expect = match doc.get("expect") {
        Some(Value::Object(m)) if !m.is_empty() => m,
        _ => {
            return Err(format!(
                "{header}  the file needs a non-empty \"expect\" object"
            ))
        }
    };
    let mut diffs = Vec::new();
    for key in expect.keys() {
        if !EXPECT_KEYS.contains(&key.as_str()) {
            diffs.push(format!("unknown expect key {key:?}"));
        }
    }

    let scenario = match Scenario::parse(&text) {
        Ok(s) => s,
        Err(e) => return Err(format!("{header}  Scenario::parse failed: {e}")),
    };
    let replay = match catch_unwind(AssertUnwindSafe(|| run(&scenario))) {
        Ok(r) => r,
        Err(p) => return Err(format!("{header}  run panicked: {}", panic_text(&p))),
    };
    let engine = &replay.engine;
    let log: Vec<Value> = replay
        .events
        .iter()
        .map(|e| serde_json::to_value(e).expect("event serializes"))
        .collect();

    let snapshot = engine.snapshot();
    if let Some(want) = expect.get("snapshot") {
        if expect.get("snapshot_exact") == Some(&Value::Bool(true)) {
            if want != &snapshot {
                let mut d = Vec::new();
                exact_diff(want, &snapshot, "snapshot", &mut d);
                diffs.extend(d);
            }
        } else {
            subset_diff(want, &snapshot, "snapshot", &mut diffs);
        }
    }
    if let Some(paths) = expect.get("snapshot_absent") {
        for p in paths.as_array().into_iter().flatten() {
            let p = p.as_str().unwrap_or_default();
            let mut cur = Some(&snapshot);
            for seg in p.split('/') {
                cur = cur.and_then(|v| v.get(seg));
            }
            if let Some(v) = cur {
                diffs.push(format!("snapshot/{p}: must be absent, found {v}"));
            }
        }
    }
    if let Some(want) = expect.get("events") {
        check_events(want, &log, &mut diffs);
    }
    if let Some(absent) = expect.get("absent_events") {
        for (i, pat) in absent.as_array().into_iter().flatten().enumerate() {
            for ev in &log {
                if matches(pat, ev) {
                    diffs.push(format!(
                        "absent_events[{i}] {pat} matched the log line {ev}"
                    ));
                }
            }
        }
    }
    if let Some(streams) = expect.get("streams") {
        check_streams(engine, streams, &mut diffs);
    }
    if let Some(members) = expect.get("members") {
        check_members(engine, members, &mut diffs);
    }
    let exact = expect.get("supervisor_exact") == Some(&Value::Bool(true));
    if let Some(views) = expect.get("supervisor") {
        check_supervisor(engine, views, exact, &mut diffs);
    }
    if let Some(paths) = expect.get("supervisor_absent") {
        for p in paths.as_array().into_iter().flatten() {
            let p = p.as_str().unwrap_or_default();
            let mut segs = p.split('/');
            let who = segs.next().unwrap_or_default();
            let view = engine
                .supervisor_view(&who.into())
                .map(|v| serde_json::to_value(v).expect("view serializes"));
            let mut cur = view.as_ref();
            for seg in segs {
                cur = cur.and_then(|v| v.get(seg));
            }
            if let Some(v) = cur {
                diffs.push(format!("supervisor/{p}: must be absent, found {v}"));
            }
        }
    }

    check_invariants(&scenario, &log, &snapshot, engine, &mut diffs);

    if diffs.is_empty() {
        Ok(rule.to_string())
    } else {
        let mut out = header;
        for d in &diffs {
            let _ = writeln!(out, "  - {d}");
        }
        if expect.contains_key("events") || expect.contains_key("absent_events") {
            let _ = writeln!(out, "  log:");
            for ev in &log {
                let _ = writeln!(out, "    {ev}");
            }
        }
        let _ = writeln!(out, "  snapshot: {snapshot}");
        Err(out)
    }
}

/// R0, R19 and R22 checks that hold for every scenario whatever it expects.
fn check_invariants(
    scenario: &Scenario,
    log: &[Value],
    snapshot: &Value,
    engine: &omnidesk_core::Engine,
    diffs: &mut Vec<String>,
) {
    // R0: same inputs, same outputs, byte for byte.
    match catch_unwind(AssertUnwindSafe(|| run(scenario))) {
        Ok(again) => {
            let log2: Vec<Value> = again
                .events
                .iter()
                .map(|e| serde_json::to_value(e).expect("event serializes"))
                .collect();
            if serde_json::to_string(&log2).ok() != serde_json::to_string(log).ok() {
                diffs.push("R0: a second replay of the same file gave a different log".into());
            }
            // Byte for byte (R0), not just equal as JSON values.
            if again.engine.snapshot_json() != engine.snapshot_json() {
                diffs.push("R0: a second replay of the same file gave a different snapshot".into());
            }
        }
        Err(p) => diffs.push(format!(
            "R0: the second replay panicked: {}",
            panic_text(&p)
        )),
    }
    let items = snapshot.get("items").and_then(Value::as_object);
    // R22: no input loses an item.
    for ev in log.iter().filter(|e| e["event"] == "arrived") {
        let id = ev["item"].as_str().unwrap_or_default();
        if items.is_none_or(|m| !m.contains_key(id)) {
            diffs.push(format!("R22: item {id} arrived but is not in the snapshot"));
        }
    }
    // R22: one state, holder present exactly when the state has one.
    let mut held: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, item) in items.into_iter().flatten() {
        let state = item["state"].as_str().unwrap_or_default();
        let agent = &item["agent"];
        match state {
            "open" if !agent.is_null() => {
                diffs.push(format!("R22: open item {id} has a holder {agent}"))
            }
            "offered" | "active" | "waiting" | "wrap_up" if !agent.is_string() => {
                diffs.push(format!("R22: {state} item {id} has no holder"))
            }
            "open" | "offered" | "active" | "waiting" | "wrap_up" | "closed" => {}
            other => diffs.push(format!("R22: item {id} has an unknown state {other:?}")),
        }
        if matches!(state, "active" | "waiting" | "wrap_up") {
            if let Some(a) = agent.as_str() {
                held.entry(a.to_string()).or_default().push(id.clone());
            }
        }
    }
    // R19: my work items agree with the snapshot (both sorted by item id).
    for agent in snapshot
        .get("agents")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(a, _)| a)
    {
        let mut want = held.remove(agent).unwrap_or_default();
        want.sort();
        let got = serde_json::to_value(engine.my_work_items(&agent.as_str().into()))
            .expect("ids serialize");
        if got != serde_json::to_value(&want).unwrap() {
            diffs.push(format!(
                "R19: my_work_items({agent}) is {got}, the snapshot shows {want:?}"
            ));
        }
    }
}

fn check_events(want: &Value, log: &[Value], diffs: &mut Vec<String>) {
    let mut pos = 0;
    for (i, pat) in want.as_array().into_iter().flatten().enumerate() {
        match log[pos..].iter().position(|ev| matches(pat, ev)) {
            Some(k) => pos += k + 1,
            None => {
                let mut why = String::new();
                // The nearest candidates: same event name (and item when given).
                let same: Vec<&Value> = log
                    .iter()
                    .filter(|ev| ev.get("event") == pat.get("event"))
                    .filter(|ev| pat.get("item").is_none() || ev.get("item") == pat.get("item"))
                    .collect();
                if let Some(best) = same.first() {
                    let mut d = Vec::new();
                    subset_diff(pat, best, "", &mut d);
                    let _ = write!(
                        why,
                        "; {} candidate(s) of this kind, first differs: {}",
                        same.len(),
                        d.join(", ")
                    );
                    if log[..pos].iter().any(|ev| matches(pat, ev)) {
                        why.push_str(" (it does occur, but before the previous expected event)");
                    }
                } else {
                    why.push_str("; no event of this kind at all");
                }
                diffs.push(format!(
                    "events[{i}] {pat} not found in order after log position {pos}{why}"
                ));
            }
        }
    }
}

fn check_streams(engine: &omnidesk_core::Engine, streams: &Value, diffs: &mut Vec<String>) {
    let Some(map) = streams.as_object() else {
        diffs.push("streams must be an object".into());
        return;
    };
    for (agent, lists) in map {
        let id = agent.as_str().into();
        for (kind, want) in lists.as_object().into_iter().flatten() {
            let got = match kind.as_str() {
                "my" => serde_json::to_value(engine.my_work_items(&id)),
                "open" => serde_json::to_value(engine.open_work_items(&id)),
                "closed" => serde_json::to_value(engine.closed_work_items(&id)),
                other => {
                    diffs.push(format!("streams.{agent}: unknown stream {other:?}"));
                    continue;
                }
            }
            .expect("ids serialize");
            if &got != want {
                diffs.push(format!(
                    "streams.{agent}.{kind}: expected {want}, got {got}"
                ));
            }
        }
    }
}

fn check_members(engine: &omnidesk_core::Engine, members: &Value, diffs: &mut Vec<String>) {
    let Some(map) = members.as_object() else {
        diffs.push("members must be an object".into());
        return;
    };
    for (item, want) in map {
        let got_list = engine.explain_members(&item.as_str().into());
        let got_json = serde_json::to_value(&got_list).expect("reasons serialize");
        let mut got = Map::new();
        for pair in got_json.as_array().into_iter().flatten() {
            let (Some(a), Some(r)) = (pair.get(0).and_then(Value::as_str), pair.get(1)) else {
                diffs.push(format!("members.{item}: unexpected entry shape {pair}"));
                continue;
            };
            if got.insert(a.to_string(), r.clone()).is_some() {
                diffs.push(format!("members.{item}: agent {a} listed twice"));
            }
        }
        let got = Value::Object(got);
        if &got != want {
            let mut d = Vec::new();
            exact_diff(want, &got, &format!("members.{item}"), &mut d);
            diffs.extend(d);
        }
    }
}

fn check_supervisor(
    engine: &omnidesk_core::Engine,
    views: &Value,
    exact: bool,
    diffs: &mut Vec<String>,
) {
    let Some(map) = views.as_object() else {
        diffs.push("supervisor must be an object".into());
        return;
    };
    for (who, want) in map {
        let Some(view) = engine.supervisor_view(&who.as_str().into()) else {
            diffs.push(format!("supervisor.{who}: no such agent"));
            continue;
        };
        let got = serde_json::to_value(&view).expect("view serializes");
        let path = format!("supervisor.{who}");
        if exact {
            exact_diff(want, &got, &path, diffs);
        } else {
            subset_diff(want, &got, &path, diffs);
        }
    }
}

/// True when `actual` contains `pattern` (recursive subset on objects, equality otherwise).
fn matches(pattern: &Value, actual: &Value) -> bool {
    let mut d = Vec::new();
    subset_diff(pattern, actual, "", &mut d);
    d.is_empty()
}

fn subset_diff(want: &Value, got: &Value, path: &str, diffs: &mut Vec<String>) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let p = join(path, k);
                match g.get(k) {
                    Some(gv) => subset_diff(wv, gv, &p, diffs),
                    None => diffs.push(format!("{p}: missing (expected {wv})")),
                }
            }
        }
        _ if want == got => {}
        _ => diffs.push(format!("{}: expected {want}, got {got}", or_root(path))),
    }
}

fn exact_diff(want: &Value, got: &Value, path: &str, diffs: &mut Vec<String>) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let p = join(path, k);
                match g.get(k) {
                    Some(gv) => exact_diff(wv, gv, &p, diffs),
                    None => diffs.push(format!("{p}: missing (expected {wv})")),
                }
            }
            for (k, gv) in g {
                if !w.contains_key(k) {
                    diffs.push(format!("{}: unexpected (got {gv})", join(path, k)));
                }
            }
        }
        _ if want == got => {}
        _ => diffs.push(format!("{}: expected {want}, got {got}", or_root(path))),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn or_root(path: &str) -> &str {
    if path.is_empty() {
        "<value>"
    } else {
        path
    }
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic>".to_string()
    }
}
