//! The real `omnidesk-replay` binary against `shared/spec/scenarios.md`: the example's exact
//! snapshot, `--events` lines, exit code 2 with step index and field for every bad-file class
//! (fixtures in `tests/bad/`), and refused inputs that are not errors.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_omnidesk-replay");

/// The supervisor's view scenarios.md shows ("The supervisor's view"), compacted: the
/// scenario `r28-supervisor-view-example.json` is built to print exactly it.
const EXAMPLE_VIEW: &str = r#"{"now":4500,"supervisor":"sue","queues":{"q1":{"open":0,"offered":0,"held":1,"longest_wait_ms":0,"service_level":{"met":1,"of":1}}},"agents":{"ana":{"presence":"busy","presence_for_ms":1500,"used":20,"capacity":100,"held":["c1"]}},"items":{"c1":{"state":"active","holder":"ana","queue":"q1","channel":"chat","customer":{"name":"Ada"},"in_state_ms":1500}}}"#;

/// The snapshot scenarios.md says the example prints, exactly.
const EXAMPLE_SNAPSHOT: &str = r#"{"now":9000,"agents":{"bert":{"presence":"busy","manual":false,"used":20,"capacity":100}},"items":{"c1":{"state":"active","agent":"bert","queue":"general","declines":0}}}"#;

fn core_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example() -> PathBuf {
    core_dir().join("scenarios/example.json")
}

fn bad(name: &str) -> PathBuf {
    core_dir().join("tests/bad").join(name)
}

fn replay(args: &[&Path]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("omnidesk-replay runs")
}

fn replay_events(file: &Path) -> Output {
    Command::new(BIN)
        .arg("--events")
        .arg(file)
        .output()
        .expect("omnidesk-replay runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn example_prints_exactly_the_documented_snapshot() {
    let out = replay(&[&example()]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "exit status; stderr: {}",
        text(&out.stderr)
    );
    let got: Value = serde_json::from_str(stdout.trim()).expect("stdout is one JSON object");
    let want: Value = serde_json::from_str(EXAMPLE_SNAPSHOT).unwrap();
    assert_eq!(got, want, "snapshot as JSON");
    assert_eq!(
        stdout.trim(),
        EXAMPLE_SNAPSHOT,
        "snapshot as the exact compact string"
    );
}

#[test]
fn events_flag_prints_one_stamped_object_per_line() {
    let out = replay_events(&example());
    assert_eq!(
        out.status.code(),
        Some(0),
        "exit status; stderr: {}",
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        lines.len() >= 4,
        "at least signed_in, arrived, offered, accepted: {stdout}"
    );
    let mut last_at = 0;
    let mut names = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let v: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("line {i} is not one JSON object ({e}): {line}"));
        assert!(v.is_object(), "line {i} is an object: {line}");
        assert_eq!(
            v["seq"].as_u64(),
            Some(i as u64 + 1),
            "seq starts at 1 and counts up: {line}"
        );
        let at = v["at"]
            .as_u64()
            .unwrap_or_else(|| panic!("line {i} has a u64 at: {line}"));
        assert!(at >= last_at, "at never goes backwards: {line}");
        last_at = at;
        names.push(v["event"].as_str().expect("event name").to_string());
    }
    for want in ["signed_in", "arrived", "offered", "accepted"] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    let first: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["event"], "signed_in");
    assert_eq!(first["at"], 0);
    let offered: Value = lines
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["event"] == "offered")
        .unwrap();
    assert_eq!(offered["item"], "c1");
    assert_eq!(offered["agent"], "bert");
    assert_eq!(offered["at"], 1000);
    assert_eq!(offered["expires_at"], 121000);
}

/// (fixture, step index or None for set-up/not-JSON, texts stderr must contain)
const BAD_FILES: &[(&str, Option<usize>, &[&str])] = &[
    ("not-json.json", None, &["not JSON"]),
    ("missing-field.json", Some(2), &["agent"]),
    ("missing-at.json", Some(1), &["at"]),
    ("mistyped-field.json", Some(1), &["priority"]),
    ("mistyped-at.json", Some(1), &["at"]),
    ("unknown-input.json", Some(1), &["input", "teleport"]),
    ("at-backwards.json", Some(2), &["at"]),
    ("unknown-agent.json", Some(1), &["agent", "zed"]),
    ("unknown-queue.json", Some(1), &["queue", "nowhere"]),
    ("unknown-channel.json", Some(1), &["channel", "fax"]),
    ("unknown-presence.json", Some(1), &["status", "Gym"]),
    (
        "unknown-transfer-queue.json",
        Some(3),
        &["queue", "elsewhere"],
    ),
    (
        "unknown-member.json",
        None,
        &["set-up", "queues[0].members[1]", "zed"],
    ),
    (
        "custom-channel-without-cost.json",
        None,
        &["set-up", "capacity_cost"],
    ),
    (
        "unknown-supervised-queue.json",
        None,
        &["set-up", "agents[0].supervises[1]", "nowhere"],
    ),
    ("unknown-by.json", Some(2), &["by", "zed"]),
    ("missing-by.json", Some(1), &["by", "missing"]),
    ("transfer-agent-and-by.json", Some(1), &["by", "agent"]),
];

/// True when `hay` contains `step N` not followed by another digit.
fn names_step(hay: &str, n: usize) -> bool {
    let needle = format!("step {n}");
    hay.match_indices(&needle).any(|(i, _)| {
        !hay[i + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

#[test]
fn bad_files_exit_2_naming_step_and_field() {
    let mut failures = Vec::new();
    for (name, step, needles) in BAD_FILES {
        for events in [false, true] {
            let out = if events {
                replay_events(&bad(name))
            } else {
                replay(&[&bad(name)])
            };
            let stderr = text(&out.stderr);
            let mode = if events { " --events" } else { "" };
            if out.status.code() != Some(2) {
                failures.push(format!(
                    "{name}{mode}: exit {:?}, want 2; stderr: {stderr}",
                    out.status.code()
                ));
                continue;
            }
            if let Some(n) = step {
                if !names_step(&stderr, *n) {
                    failures.push(format!(
                        "{name}{mode}: stderr doesn't name step {n}: {stderr}"
                    ));
                }
            }
            for needle in *needles {
                if !stderr.contains(needle) {
                    failures.push(format!("{name}{mode}: stderr lacks {needle:?}: {stderr}"));
                }
            }
            if !out.stdout.is_empty() && !events {
                failures.push(format!(
                    "{name}: a bad file prints no snapshot, stdout: {}",
                    text(&out.stdout)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn refused_inputs_are_rejected_events_not_errors() {
    let file = bad("refused-inputs-ok.json");
    let out = replay_events(&file);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a refused input is not a bad file; stderr: {}",
        text(&out.stderr)
    );
    let events: Vec<Value> = text(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    let rejected: Vec<&Value> = events.iter().filter(|e| e["event"] == "rejected").collect();
    assert_eq!(
        rejected.len(),
        3,
        "unknown item accept, duplicate arrive, second sign_in: {events:?}"
    );
    assert_eq!(rejected[0]["input"]["input"], "accept");
    assert_eq!(rejected[0]["input"]["item"], "ghost");
    assert_eq!(rejected[0]["at"], 1000);
    assert_eq!(rejected[1]["input"]["input"], "arrive");
    assert_eq!(rejected[2]["input"]["input"], "sign_in");
    for r in &rejected {
        assert!(
            r["reason"].as_str().is_some_and(|s| !s.is_empty()),
            "a rejected event carries a reason: {r}"
        );
    }
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "accepted" && e["at"] == 4000),
        "replay went on after the refusals: {events:?}"
    );

    let out = replay(&[&file]);
    assert_eq!(out.status.code(), Some(0));
    let snap: Value = serde_json::from_str(text(&out.stdout).trim()).expect("snapshot JSON");
    assert_eq!(snap["items"]["c1"]["state"], "active");
    assert_eq!(snap["items"]["c1"]["agent"], "bert");
    assert!(
        snap["items"].get("ghost").is_none(),
        "a refused input creates nothing"
    );
}

fn replay_args(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("omnidesk-replay runs")
}

#[test]
fn supervisor_flag_prints_exactly_the_documented_view() {
    let file = core_dir().join("scenarios/r28-supervisor-view-example.json");
    let out = replay_args(&["--supervisor", "sue", file.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "exit status; stderr: {}",
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout.trim(),
        EXAMPLE_VIEW,
        "the view as the exact compact string"
    );
    assert_eq!(stdout.lines().count(), 1, "one JSON object: {stdout}");
}

#[test]
fn supervisor_flag_refuses_undeclared_agents_bad_files_and_usage_errors() {
    let file = core_dir().join("scenarios/r28-supervisor-view-example.json");
    let file = file.to_str().unwrap();
    let bad_file = bad("unknown-agent.json");
    let cases: [(&[&str], &str); 4] = [
        (&["--supervisor", "zed", file], "zed"),
        (
            &["--supervisor", "sue", bad_file.to_str().unwrap()],
            "step 1",
        ),
        (&["--supervisor"], "agent"),
        (&["--events", "--supervisor", "sue", file], "--supervisor"),
    ];
    for (args, needle) in cases {
        let out = replay_args(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: stderr {stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: stderr lacks {needle:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
    // A declared agent who supervises nothing sees an empty view.
    let out = replay_args(&["--supervisor", "ana", file]);
    assert_eq!(out.status.code(), Some(0));
    let view: Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(view["queues"], serde_json::json!({}));
    assert_eq!(view["agents"], serde_json::json!({}));
}
