//! Upgrades lose nothing: a log written under one configuration opens under a newer one that
//! keeps every channel, queue, agent and presence it had (a new agent, a changed timeout), with
//! everything that happened still there; a configuration that drops one of them is refused at
//! start, naming it, and the log is left as it was.

mod common;

use common::durability::snapshot;
use serde_json::{json, Value};
use std::time::Duration;

async fn sign_in(http: &reqwest::Client, base: &str, agent: &str) -> (u16, Value) {
    let resp = http
        .post(format!("{base}/api/sessions"))
        .json(&json!({"agent": agent, "password": format!("pw-{agent}")}))
        .send()
        .await
        .unwrap();
    (
        resp.status().as_u16(),
        resp.json().await.unwrap_or(Value::Null),
    )
}

fn config_with(edit: impl FnOnce(&mut Value)) -> String {
    let mut config: Value = serde_json::from_str(common::CONFIG).unwrap();
    edit(&mut config);
    config.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_configuration_that_keeps_everything_opens_the_log_and_one_that_drops_an_agent_is_refused(
) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "app").unwrap();
    std::fs::write(dir.path().join("config.json"), common::CONFIG).unwrap();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    // The previous configuration: ana signs in and sets herself Busy.
    let (mut server, base) = common::spawn_binary(dir.path(), 0);
    let (status, body) = sign_in(&http, &base, "ana").await;
    assert_eq!(status, 200, "{body}");
    let ana = body["token"].as_str().unwrap().to_owned();
    for (id, input) in [
        ("a1", json!({"input": "sign_in"})),
        ("a2", json!({"input": "set_presence", "status": "busy"})),
    ] {
        let resp = http
            .post(format!("{base}/api/actions"))
            .bearer_auth(&ana)
            .json(&json!({"action_id": id, "input": input}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
    }
    let before = snapshot(&http, &base, &ana).await;
    server.kill();

    // The newer one adds a supervisor and a seen-offer timeout: it opens, and ana is as she was.
    let newer = config_with(|c| {
        c["agents"].as_array_mut().unwrap().push(
            json!({"id": "sam", "name": "Sam", "password": "pw-sam", "supervises": ["general", "vip"]}),
        );
        c["channels"][0]["offer_seen_timeout_ms"] = json!(15000);
    });
    std::fs::write(dir.path().join("config.json"), &newer).unwrap();
    let (mut server, base) = common::spawn_binary(dir.path(), 0);
    let (status, body) = sign_in(&http, &base, "ana").await;
    assert_eq!(status, 200, "{body}");
    let ana = body["token"].as_str().unwrap().to_owned();
    let after = snapshot(&http, &base, &ana).await;
    assert_eq!(
        after["last_seq"], before["last_seq"],
        "no event lost or added: {after}"
    );
    assert_eq!(
        after["snapshot"]["agents"]["ana"], before["snapshot"]["agents"]["ana"],
        "ana's state survives the upgrade"
    );
    let (status, body) = sign_in(&http, &base, "sam").await;
    assert_eq!(status, 200, "the new agent signs in: {body}");
    // sam shares no queue with ana (read scope, issue 18 §4); in sam's own view sam is there,
    // signed out (the engine's sign-in is an input of its own).
    let sams = snapshot(&http, &base, body["token"].as_str().unwrap()).await;
    assert_eq!(
        sams["snapshot"]["agents"]["sam"]["presence"],
        json!("offline"),
        "{sams}"
    );
    server.kill();

    // A configuration without cara is refused, naming her; the log still opens afterwards.
    let dropped = config_with(|c| {
        c["agents"]
            .as_array_mut()
            .unwrap()
            .retain(|a| a["id"] != "cara");
        c["queues"][1]["members"] = json!([]);
    });
    std::fs::write(dir.path().join("config.json"), &dropped).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_omnidesk-server"))
        .args(["--host", "127.0.0.1", "--port", "0", "--config"])
        .arg(dir.path().join("config.json"))
        .arg("--db")
        .arg(dir.path().join("events.db"))
        .arg("--dist")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("agent \"cara\""),
        "names the missing agent: {stderr}"
    );

    std::fs::write(dir.path().join("config.json"), &newer).unwrap();
    let (_server, base) = common::spawn_binary(dir.path(), 0);
    let (status, body) = sign_in(&http, &base, "sam").await;
    assert_eq!(status, 200, "{body}");
}
