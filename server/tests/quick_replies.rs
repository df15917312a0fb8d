//! Quick replies over real sockets: the centre's come with `GET /api/config`; an agent's
//! personal ones are created, listed, replaced and deleted, only by that agent, within the
//! limits (422 naming the field, nothing saved), and survive a `kill -9`; a configuration with
//! a bad entry is refused at start with the field named.

mod common;

use common::{start, start_with, Process, TestServer};
use serde_json::{json, Value};

const PATH: &str = "/api/me/quick-replies";

async fn send(
    s: &TestServer,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = s
        .http
        .request(method, format!("{}{path}", s.base))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn with_replies() -> String {
    let mut config: Value = serde_json::from_str(common::CONFIG).unwrap();
    config["quick_replies"] = json!([
        {"id": "hi", "title": "Greeting", "text": "Hi {customer}, I'm {agent}.", "tags": ["hello"]},
        {"id": "bye", "title": "Goodbye", "text": "Thanks for chatting, {customer}!"}
    ]);
    config.to_string()
}

/// The centre's quick replies are in the configuration answer; a configuration without any
/// (the previous version's) answers an empty list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_centre_s_quick_replies_come_with_the_configuration() {
    let s = start_with(&with_replies()).await;
    let ana = s.login("ana").await;
    let (status, body) = s.get("/api/config", Some(&ana)).await;
    assert_eq!(status, 200, "{body}");
    let answer: omnidesk_wire::http::ConfigAnswer = serde_json::from_value(body).unwrap();
    let ids: Vec<&str> = answer.quick_replies.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["hi", "bye"]);
    assert_eq!(answer.quick_replies[0].tags, ["hello"]);
    assert!(answer.quick_replies[1].tags.is_empty());

    let plain = start().await;
    let ana = plain.login("ana").await;
    let (_, body) = plain.get("/api/config", Some(&ana)).await;
    assert_eq!(body["quick_replies"], json!([]), "{body}");
}

/// An agent's own replies: create (201, an id), list, replace, delete; another agent sees none
/// of them and can't touch them (404); customers are refused (403).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_quick_replies_are_the_agent_s_own() {
    let s = start().await;
    let (ana, bert) = (s.login("ana").await, s.login("bert").await);
    let (status, created) = send(&s, reqwest::Method::POST, PATH, &ana,
        Some(json!({"title": "Refund", "text": "Your refund is on its way, {customer}.", "tags": ["refund"]}))).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, second) = send(
        &s,
        reqwest::Method::POST,
        PATH,
        &ana,
        Some(json!({"title": "Hold", "text": "One moment please."})),
    )
    .await;
    assert_eq!(status, 201, "{second}");
    let (_, list) = send(&s, reqwest::Method::GET, PATH, &ana, None).await;
    assert_eq!(list["replies"], json!([created, second]), "oldest first");
    let (_, theirs) = send(&s, reqwest::Method::GET, PATH, &bert, None).await;
    assert_eq!(theirs["replies"], json!([]));

    let one = format!("{PATH}/{id}");
    let (status, replaced) = send(
        &s,
        reqwest::Method::PUT,
        &one,
        &ana,
        Some(json!({"title": "Refund sent", "text": "Sent today."})),
    )
    .await;
    assert_eq!(status, 200, "{replaced}");
    assert_eq!(
        replaced,
        json!({"id": id, "title": "Refund sent", "text": "Sent today."})
    );
    let (status, body) = send(
        &s,
        reqwest::Method::PUT,
        &one,
        &bert,
        Some(json!({"title": "Mine now", "text": "x"})),
    )
    .await;
    assert_eq!(
        (status, &body["error"]),
        (404, &json!("not_found")),
        "{body}"
    );
    let (status, _) = send(&s, reqwest::Method::DELETE, &one, &bert, None).await;
    assert_eq!(status, 404);
    let (status, _) = send(&s, reqwest::Method::DELETE, &one, &ana, None).await;
    assert_eq!(status, 204);
    let (status, _) = send(&s, reqwest::Method::DELETE, &one, &ana, None).await;
    assert_eq!(status, 404, "already gone");
    let (_, list) = send(&s, reqwest::Method::GET, PATH, &ana, None).await;
    assert_eq!(list["replies"], json!([second]));

    let (_, customer) = s.conversation("Cy Customer").await;
    let (status, body) = send(&s, reqwest::Method::GET, PATH, &customer, None).await;
    assert_eq!(status, 403, "{body}");
    let resp = s
        .http
        .get(format!("{}{PATH}", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
}

/// Bad input is 422 naming the field and saves nothing; the 201st reply is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_quick_replies_are_refused_naming_the_field() {
    let s = start().await;
    let ana = s.login("ana").await;
    for (body, field) in [
        (json!({"title": "", "text": "x"}), "title"),
        (json!({"title": "t".repeat(121), "text": "x"}), "title"),
        (json!({"title": "ok", "text": "x".repeat(4001)}), "text"),
        (json!({"title": "ok", "text": "   "}), "text"),
        (json!({"title": "ok"}), "text"),
        (json!({"title": "ok", "text": 5}), "text"),
        (
            json!({"title": "ok", "text": "x", "tags": ["a", ""]}),
            "tags[1]",
        ),
        (
            json!({"title": "ok", "text": "x", "tags": vec!["t"; 11]}),
            "tags",
        ),
    ] {
        let (status, answer) =
            send(&s, reqwest::Method::POST, PATH, &ana, Some(body.clone())).await;
        assert_eq!(
            (status, answer["field"].as_str()),
            (422, Some(field)),
            "{body}: {answer}"
        );
    }
    // At the limits exactly: accepted (characters, not bytes).
    let (status, body) = send(
        &s,
        reqwest::Method::POST,
        PATH,
        &ana,
        Some(json!({"title": "é".repeat(120), "text": "ü".repeat(4000)})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    let (status, body) = send(
        &s,
        reqwest::Method::PUT,
        &format!("{PATH}/{id}"),
        &ana,
        Some(json!({"title": "", "text": "x"})),
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (422, Some("title")),
        "{body}"
    );
    for i in 1..200 {
        let (status, body) = send(
            &s,
            reqwest::Method::POST,
            PATH,
            &ana,
            Some(json!({"title": format!("r{i}"), "text": "x"})),
        )
        .await;
        assert_eq!(status, 201, "{i}: {body}");
    }
    let (status, body) = send(
        &s,
        reqwest::Method::POST,
        PATH,
        &ana,
        Some(json!({"title": "one too many", "text": "x"})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["reason"].as_str().unwrap().contains("200"), "{body}");
    let (_, list) = send(&s, reqwest::Method::GET, PATH, &ana, None).await;
    assert_eq!(list["replies"].as_array().unwrap().len(), 200);
    assert_eq!(
        list["replies"][0]["title"],
        "é".repeat(120),
        "the unchanged one, after the refused PUT"
    );
}

/// Personal replies are in the database: they survive a `kill -9`. A configuration with a bad
/// quick reply doesn't start, and says which field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_replies_survive_a_crash_and_a_bad_config_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.json"), common::CONFIG).unwrap();
    let http = reqwest::Client::new();
    let (mut process, base) = common::spawn_binary(dir.path(), 0);
    let token: Value = http
        .post(format!("{base}/api/sessions"))
        .json(&json!({"agent": "ana", "password": "pw-ana"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let resp = http
        .post(format!("{base}{PATH}"))
        .bearer_auth(&token)
        .json(&json!({"title": "Kept", "text": "Still here after a crash."}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    process.kill();
    let (_process, base): (Process, String) = common::spawn_binary(dir.path(), 0);
    let list: Value = http
        .get(format!("{base}{PATH}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["replies"][0]["title"], "Kept", "{list}");

    let mut bad: Value = serde_json::from_str(common::CONFIG).unwrap();
    bad["quick_replies"] = json!([
        {"id": "a", "title": "A", "text": "a"}, {"id": "b", "title": "B", "text": "b"},
        {"id": "c", "title": "C", "text": "c"}, {"id": "d", "title": "D", "text": ""}
    ]);
    let bad_dir = tempfile::tempdir().unwrap();
    std::fs::write(bad_dir.path().join("config.json"), bad.to_string()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_omnidesk-server"))
        .args(["--port", "0", "--config"])
        .arg(bad_dir.path().join("config.json"))
        .arg("--db")
        .arg(bad_dir.path().join("events.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("field `quick_replies[3].text`: empty"),
        "{stderr}"
    );
}
