//! The WebSocket over a real socket: auth in the first frame, bad frames answered with an error
//! frame on a connection that stays open, the Origin check, actions with dedup, and
//! subscribe-and-resume with no gap and no duplicate.

mod common;

use common::start;
use futures_util::{SinkExt, StreamExt};
use omnidesk_server::hub::HubOptions;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn connect(addr: std::net::SocketAddr, origin: Option<&str>) -> Result<Ws, u16> {
    let mut req = format!("ws://{addr}/api/ws").into_client_request().unwrap();
    if let Some(o) = origin {
        req.headers_mut().insert("origin", o.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
        Err(e) => panic!("{e}"),
    }
}

async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::Text(v.to_string().into())).await.unwrap();
}

/// The next JSON frame, within 10 s.
async fn recv(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a frame within 10 s")
            .expect("the connection is open")
            .unwrap();
        match msg {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

async fn auth(ws: &mut Ws, token: &str) {
    send(ws, json!({"type": "auth", "token": token})).await;
    let f = recv(ws).await;
    assert_eq!(f["type"], "authenticated", "{f}");
    // The server's clock, for the browser's countdowns (within a minute of this machine's).
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let now = f["now"]
        .as_u64()
        .expect("authenticated carries the server's now");
    assert!(now.abs_diff(wall) < 60_000, "{now} vs {wall}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_frames_get_error_frames_and_the_connection_stays_open() {
    let s = start().await;
    let ana = s.login("ana").await;
    let mut ws = connect(s.addr, None).await.unwrap();
    // Before auth: actions and subscriptions are refused.
    send(&mut ws, json!({"type": "subscribe", "after": 0})).await;
    assert_eq!(recv(&mut ws).await["error"], "unauthorized");
    send(&mut ws, json!({"type": "auth", "token": "nope"})).await;
    assert_eq!(recv(&mut ws).await["error"], "unauthorized");
    auth(&mut ws, &ana).await;
    let bad: Vec<(Message, &str)> = vec![
        (Message::Text("{not json".into()), "invalid"),
        (Message::Text("42".into()), "invalid"),
        (
            Message::Text(json!({"no": "type"}).to_string().into()),
            "invalid",
        ),
        (
            Message::Text(json!({"type": "fly"}).to_string().into()),
            "invalid",
        ),
        (Message::Binary(vec![1, 2, 3].into()), "invalid"),
        (
            Message::Text(json!({"type": "subscribe", "after": -1}).to_string().into()),
            "invalid",
        ),
        (
            Message::Text(
                json!({"type": "action", "input": {"input": "sign_in"}})
                    .to_string()
                    .into(),
            ),
            "invalid",
        ),
        (
            Message::Text(
                json!({"type": "action", "action_id": "a", "input": 5})
                    .to_string()
                    .into(),
            ),
            "invalid",
        ),
        (Message::Text("x".repeat(70_000).into()), "too_large"),
    ];
    for (msg, error) in bad {
        let shown = format!("{msg:?}").chars().take(80).collect::<String>();
        ws.send(msg).await.unwrap();
        let f = recv(&mut ws).await;
        assert_eq!(f["type"], "error", "{shown}: {f}");
        assert_eq!(f["error"], error, "{shown}: {f}");
        send(&mut ws, json!({"type": "ping"})).await;
        assert_eq!(recv(&mut ws).await["type"], "pong", "closed after {shown}");
    }
    // Error frames name the field.
    for (frame, field) in [
        (json!({"type": "subscribe", "after": -1}), "after"),
        (json!({"type": "fly"}), "type"),
        (json!({"no": "type"}), "type"),
        (
            json!({"type": "action", "input": {"input": "sign_in"}}),
            "action_id",
        ),
        (
            json!({"type": "action", "action_id": "a", "input": 5}),
            "input",
        ),
    ] {
        send(&mut ws, frame.clone()).await;
        let f = recv(&mut ws).await;
        assert_eq!(
            (f["type"].as_str(), f["field"].as_str()),
            (Some("error"), Some(field)),
            "{frame}: {f}"
        );
    }
    // An action whose id was read but whose input is refused gets its result, a 422 naming
    // the field, so the client's outbox lets go of it (it would be resent forever otherwise).
    for (input, field) in [
        (
            json!({"input": "set_presence", "status": "nope"}),
            "input.status",
        ),
        (json!({"input": "nope"}), "input.input"),
        (
            json!({"input": "pick", "item": "x", "agent": "ghost"}),
            "input.agent",
        ),
    ] {
        send(
            &mut ws,
            json!({"type": "action", "action_id": "bad", "input": input}),
        )
        .await;
        let f = recv(&mut ws).await;
        assert_eq!(
            (
                f["type"].as_str(),
                f["action_id"].as_str(),
                f["status"].as_u64()
            ),
            (Some("result"), Some("bad"), Some(422)),
            "{f}"
        );
        assert_eq!(f["body"]["field"], field, "{f}");
        assert_eq!(f["body"]["error"], "invalid", "{f}");
    }
    // And a good action still works, with dedup.
    send(
        &mut ws,
        json!({"type": "action", "action_id": "in", "input": {"input": "sign_in"}}),
    )
    .await;
    let r1 = recv(&mut ws).await;
    assert_eq!(
        (r1["type"].clone(), r1["status"].clone()),
        (json!("result"), json!(200)),
        "{r1}"
    );
    send(
        &mut ws,
        json!({"type": "action", "action_id": "in", "input": {"input": "sign_in"}}),
    )
    .await;
    let r2 = recv(&mut ws).await;
    assert_eq!(r2["replayed"], true);
    assert_eq!(r1["body"], r2["body"]);
    // 403 through the socket.
    send(
        &mut ws,
        json!({"type": "action", "action_id": "x", "input": {"input": "sign_in", "agent": "bert"}}),
    )
    .await;
    assert_eq!(recv(&mut ws).await["status"], 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_origin_check_allows_only_same_origin_and_configured_ones() {
    let s = start().await;
    assert!(connect(s.addr, None).await.is_ok());
    assert!(connect(s.addr, Some("http://allowed.example"))
        .await
        .is_ok());
    assert!(connect(s.addr, Some(&format!("http://{}", s.addr)))
        .await
        .is_ok());
    assert_eq!(
        connect(s.addr, Some("http://evil.example")).await.err(),
        Some(403)
    );
}

/// Reads event frames until one has `seq == until`; returns their seqs.
async fn events_until(ws: &mut Ws, until: u64) -> Vec<u64> {
    let mut seqs = Vec::new();
    for _ in 0..10_000 {
        let f = recv(ws).await;
        assert_eq!(f["type"], "event", "{f}");
        let seq = f["event"]["seq"].as_u64().unwrap();
        seqs.push(seq);
        if seq >= until {
            return seqs;
        }
    }
    panic!("never reached seq {until}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_and_resume_without_gaps_or_duplicates() {
    let s = start().await;
    let ana = s.login("ana").await;
    let bert = s.login("bert").await;
    // Some history.
    assert_eq!(s.act(&ana, "in", json!({"input": "sign_in"})).await.0, 200);
    for i in 0..20 {
        let status = if i % 2 == 0 { "away" } else { "available" };
        assert_eq!(
            s.act(
                &ana,
                &format!("p{i}"),
                json!({"input": "set_presence", "status": status})
            )
            .await
            .0,
            200
        );
    }
    let (_, head) = s.state(&ana).await;

    // A subscriber from 0 gets the whole history in order, then live events.
    let mut ws = connect(s.addr, None).await.unwrap();
    auth(&mut ws, &ana).await;
    send(&mut ws, json!({"type": "subscribe", "after": 0})).await;
    let mut seen = events_until(&mut ws, head).await;
    assert_eq!(seen, (1..=head).collect::<Vec<_>>());
    // Live: more events while subscribed, from another agent over HTTP.
    assert_eq!(s.act(&bert, "in", json!({"input": "sign_in"})).await.0, 200);
    let (_, head2) = s.state(&ana).await;
    seen.extend(events_until(&mut ws, head2).await);
    assert_eq!(seen, (1..=head2).collect::<Vec<_>>());
    // The connection drops; events happen meanwhile; it resumes from its last seq.
    let last = *seen.last().unwrap();
    drop(ws);
    for i in 0..30 {
        let status = if i % 2 == 0 { "away" } else { "available" };
        assert_eq!(
            s.act(
                &bert,
                &format!("q{i}"),
                json!({"input": "set_presence", "status": status})
            )
            .await
            .0,
            200
        );
    }
    let mut ws = connect(s.addr, None).await.unwrap();
    auth(&mut ws, &ana).await;
    send(&mut ws, json!({"type": "subscribe", "after": last})).await;
    // Load runs concurrently with the catch-up, so the switch to live is exercised too.
    let driver = {
        let (base, http, bert) = (s.base.clone(), s.http.clone(), bert.clone());
        tokio::spawn(async move {
            for i in 0..30 {
                let status = if i % 2 == 0 { "away" } else { "available" };
                let r = http
                    .post(format!("{base}/api/actions"))
                    .bearer_auth(&bert)
                    .json(&json!({"action_id": format!("r{i}"), "input": {"input": "set_presence", "status": status}}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status().as_u16(), 200);
            }
        })
    };
    driver.await.unwrap();
    let (_, head3) = s.state(&ana).await;
    let resumed = events_until(&mut ws, head3).await;
    assert_eq!(
        resumed,
        (last + 1..=head3).collect::<Vec<_>>(),
        "gap or duplicate"
    );
    // Nothing more arrives (no duplicate after the head).
    send(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(recv(&mut ws).await["type"], "pong");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_streams_only_their_conversation() {
    let s = start().await;
    let ana = s.login("ana").await;
    assert_eq!(s.act(&ana, "in", json!({"input": "sign_in"})).await.0, 200);
    let (mine, token) = s.conversation("Ada").await;
    let (other, _) = s.conversation("Grace").await;
    assert_eq!(
        s.act(&ana, "acc", json!({"input": "accept", "item": mine}))
            .await
            .0,
        200
    );
    assert_eq!(
        s.act(
            &ana,
            "msg",
            json!({"input": "agent_message", "item": mine, "text": "Hello Ada"})
        )
        .await
        .0,
        200
    );
    let mut ws = connect(s.addr, None).await.unwrap();
    auth(&mut ws, &token).await;
    send(&mut ws, json!({"type": "subscribe", "after": 0})).await;
    let mut kinds = Vec::new();
    for _ in 0..3 {
        let f = recv(&mut ws).await;
        assert_eq!(f["event"]["item"], json!(mine), "{f} (other is {other})");
        kinds.push(f["event"]["event"].as_str().unwrap().to_owned());
    }
    assert_eq!(kinds, ["arrived", "accepted", "agent_message"]);
    send(&mut ws, json!({"type": "action", "action_id": "c1", "input": {"input": "customer_message", "text": "thanks"}})).await;
    // The result and the live event both arrive (in either order).
    let mut got = Vec::new();
    for _ in 0..2 {
        got.push(recv(&mut ws).await["type"].as_str().unwrap().to_owned());
    }
    got.sort();
    assert_eq!(got, ["event", "result"]);
}

/// Waits (at most 10 s) until `n` subscriptions are on the live stream.
async fn wait_live_streams(s: &common::TestServer, n: usize) {
    for _ in 0..1000 {
        if s.running.hub.live_streams() == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "expected {n} live subscriptions, have {}",
        s.running.hub.live_streams()
    );
}

/// Reads frames until the event with `seq == until`, asserting they are events in order from
/// `from + 1`.
async fn expect_events(ws: &mut Ws, from: u64, until: u64) {
    for expected in from + 1..=until {
        let f = recv(ws).await;
        assert_eq!(f["type"], "event", "{f}");
        assert_eq!(f["event"]["seq"], expected, "gap or duplicate");
    }
}

/// The issue: "A slow client never stalls others (bounded buffers; one too far behind is told
/// to resync)". With a live buffer of 16, a subscriber that does not read its socket at all
/// while large events are produced is sent `resync` once its bounded outbound queue (behind
/// the full TCP buffers) overflows, and resumes from `after` with no gap and no duplicate;
/// meanwhile a reading subscriber gets every event as soon as it is acknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_subscriber_is_told_to_resync_and_never_stalls_the_others() {
    const LIVE_BUFFER: usize = 16;
    // Enough for the kernel's loopback buffers (a few MiB at most), many times over.
    const MAX_EVENTS: usize = 2000;
    let s = common::start_with_hub(
        common::CONFIG,
        HubOptions {
            live_buffer: LIVE_BUFFER,
            ..HubOptions::default()
        },
    )
    .await;
    let ana = s.login("ana").await;
    assert_eq!(s.act(&ana, "in", json!({"input": "sign_in"})).await.0, 200);
    let (item, _) = s.conversation("Ada").await;
    assert_eq!(
        s.act(&ana, "acc", json!({"input": "accept", "item": item}))
            .await
            .0,
        200
    );
    let (_, head) = s.state(&ana).await;

    let mut slow = connect(s.addr, None).await.unwrap();
    let mut fast = connect(s.addr, None).await.unwrap();
    for ws in [&mut slow, &mut fast] {
        auth(ws, &ana).await;
        send(ws, json!({"type": "subscribe", "after": head})).await;
    }
    // Both caught up and live before the flood; from here on `slow` is not read at all.
    wait_live_streams(&s, 2).await;

    // Each event carries ~32 KiB, so the TCP buffers fill after a bounded number of events.
    let text = "x".repeat(32 * 1024);
    let mut last = head;
    let mut after_overflow = 0;
    for i in 0..MAX_EVENTS {
        let (status, body) = s
            .act(
                &ana,
                &format!("m{i}"),
                json!({"input": "agent_message", "item": item, "text": text}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let seq = body["last_seq"].as_u64().unwrap();
        // (b) The reading subscriber has every event promptly (`recv` allows 10 s, but it is
        // read here in lockstep with the producer), however stuck the other one is.
        expect_events(&mut fast, last, seq).await;
        last = seq;
        if s.running.hub.live_streams() == 1 {
            // `slow` was dropped from the live stream; `fast` keeps going.
            after_overflow += 1;
            if after_overflow == 3 * LIVE_BUFFER {
                break;
            }
        }
    }
    assert_eq!(
        after_overflow,
        3 * LIVE_BUFFER,
        "the non-reading subscriber was never dropped from the live stream"
    );

    // (a) Now `slow` reads: the events queued before it overflowed, in order, then `resync`.
    let mut seqs = Vec::new();
    let resync = loop {
        let f = recv(&mut slow).await;
        match f["type"].as_str() {
            Some("event") => seqs.push(f["event"]["seq"].as_u64().unwrap()),
            Some("resync") => break f,
            _ => panic!("unexpected {f}"),
        }
        assert!(seqs.len() <= MAX_EVENTS, "no resync");
    };
    let after = resync["after"].as_u64().expect("resync names `after`");
    eprintln!(
        "slow: resync after {} of {} events",
        after - head,
        last - head
    );
    assert_eq!(seqs, (head + 1..=after).collect::<Vec<_>>(), "{resync}");
    assert!(after < last, "{resync} with the head at {last}");
    // The server buffered a bounded amount for it, not the whole flood.
    assert!(
        (after - head) as usize <= MAX_EVENTS / 2,
        "{} events were buffered for the slow client",
        after - head
    );
    // It resumes from `after`: the rest of the log, no gap, no duplicate, then live again.
    send(&mut slow, json!({"type": "subscribe", "after": after})).await;
    expect_events(&mut slow, after, last).await;
    wait_live_streams(&s, 2).await;
    let (status, body) = s
        .act(
            &ana,
            "end",
            json!({"input": "agent_message", "item": item, "text": "bye"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let end = body["last_seq"].as_u64().unwrap();
    expect_events(&mut slow, last, end).await;
    expect_events(&mut fast, last, end).await;
    for ws in [&mut slow, &mut fast] {
        send(ws, json!({"type": "ping"})).await;
        assert_eq!(recv(ws).await["type"], "pong", "nothing after the head");
    }
}

/// Per-queue subscriptions: an agent subscribed to `vip` gets the events of vip's items and
/// those naming them, nothing of `general`'s items; the stream resumes from the last seq it
/// saw with no gap and no duplicate (seqs stay the log's: a filtered stream skips some).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_per_queue_subscription_gets_its_queues_and_resumes_without_gap_or_duplicate() {
    let s = common::start_with_hub(
        common::CONFIG,
        HubOptions {
            load_test: true,
            ..HubOptions::default()
        },
    )
    .await;
    let ana = s.login("ana").await;
    let cara = s.login("cara").await;
    let (_, head) = s.state(&ana).await;
    let mut ws = connect(s.addr, None).await.unwrap();
    auth(&mut ws, &cara).await;
    // Unknown queues and customers' queues are refused.
    send(
        &mut ws,
        json!({"type": "subscribe", "after": head, "queues": ["nope"]}),
    )
    .await;
    assert_eq!(recv(&mut ws).await["field"], "queues");
    send(
        &mut ws,
        json!({"type": "subscribe", "after": head, "queues": ["vip"]}),
    )
    .await;
    wait_live_streams(&s, 1).await;

    assert_eq!(s.act(&ana, "in", json!({"input": "sign_in"})).await.0, 200);
    assert_eq!(s.act(&cara, "in", json!({"input": "sign_in"})).await.0, 200);
    let (general_item, _) = s.conversation("Ada").await;
    let (status, body) = s
        .post(
            "/api/conversations",
            None,
            json!({"name": "Bo", "question": "hi", "queue": "vip"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let vip_item = body["item"].as_str().unwrap().to_owned();
    let (status, body) = s
        .act(&cara, "acc", json!({"input": "accept", "item": vip_item}))
        .await;
    assert_eq!(status, 200, "{body}");
    for i in 0..4 {
        let input = json!({"input": "agent_message", "item": vip_item, "text": format!("m{i}")});
        assert_eq!(s.act(&cara, &format!("m{i}"), input).await.0, 200);
    }
    assert_eq!(
        s.act(
            &ana,
            "acc",
            json!({"input": "accept", "item": general_item})
        )
        .await
        .0,
        200
    );

    // What the filter should pass: cara's page of the log (issue 18 §4: the same read scope
    // as the socket's), which holds vip's item and cara's own events only.
    let (status, page) = s
        .get(&format!("/api/events?after={head}&limit=1000"), Some(&cara))
        .await;
    assert_eq!(status, 200, "{page}");
    let mine = page["events"].as_array().unwrap().clone();
    for e in &mine {
        assert!(
            e["item"] == json!(vip_item)
                || e["agent"] == "cara"
                || (e["item"].is_null() && e["agent"].is_null()),
            "outside cara's scope: {e}"
        );
    }
    let expected: Vec<u64> = mine.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    let (_, ana_page) = s
        .get(&format!("/api/events?after={head}&limit=1000"), Some(&ana))
        .await;
    let ana_seqs: Vec<u64> = ana_page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert!(ana_page["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["item"] == json!(general_item)));
    assert!(expected.len() >= 8, "{expected:?}");
    assert!(
        expected.iter().all(|s| !ana_seqs.contains(s)),
        "ana and cara share no queue: {expected:?} {ana_seqs:?}"
    );

    // The first half live, then the connection drops; a new one resumes from the last seq seen.
    let half = expected.len() / 2;
    let mut got = Vec::new();
    for _ in 0..half {
        let f = recv(&mut ws).await;
        assert_eq!(f["type"], "event", "{f}");
        assert_ne!(f["event"]["item"], json!(general_item), "{f}");
        got.push(f["event"]["seq"].as_u64().unwrap());
    }
    drop(ws);
    let mut ws = connect(s.addr, None).await.unwrap();
    auth(&mut ws, &cara).await;
    let last = *got.last().unwrap();
    send(
        &mut ws,
        json!({"type": "subscribe", "after": last, "queues": ["vip"]}),
    )
    .await;
    while got.len() < expected.len() {
        let f = recv(&mut ws).await;
        assert_eq!(f["type"], "event", "{f}");
        got.push(f["event"]["seq"].as_u64().unwrap());
    }
    assert_eq!(got, expected, "gap or duplicate in the filtered stream");
    send(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(
        recv(&mut ws).await["type"],
        "pong",
        "nothing past the filter"
    );

    // Live again: the next vip event arrives, a general one does not.
    wait_live_streams(&s, 1).await;
    let input = json!({"input": "agent_message", "item": general_item, "text": "g"});
    assert_eq!(s.act(&ana, "g", input).await.0, 200);
    let input = json!({"input": "agent_message", "item": vip_item, "text": "v"});
    let (_, body) = s.act(&cara, "v", input).await;
    let f = recv(&mut ws).await;
    assert_eq!(f["event"]["seq"], body["last_seq"], "{f}");
    assert_eq!(f["event"]["text"], "v");
}

/// Naming the queue of a conversation is for load tests only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn naming_a_conversations_queue_needs_load_test_mode() {
    let s = start().await;
    let (status, body) = s
        .post(
            "/api/conversations",
            None,
            json!({"name": "Bo", "question": "hi", "queue": "vip"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "queue");
    assert_eq!(s.get("/api/debug/stats", None).await.0, 403);
}

/// After a restart nothing is in the fan-out's memory yet: a subscriber resuming from an older
/// seq reads the log (it used to be told it was caught up, and missed the log's tail).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resume_right_after_a_restart_reads_the_log() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.json"), common::CONFIG).unwrap();
    let (mut server, base) = common::spawn_binary(dir.path(), 0);
    let http = reqwest::Client::new();
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
    for (i, input) in [
        json!({"input": "sign_in"}),
        json!({"input": "set_presence", "status": "away"}),
        json!({"input": "reset_presence"}),
    ]
    .into_iter()
    .enumerate()
    {
        let r = http
            .post(format!("{base}/api/actions"))
            .bearer_auth(&token)
            .json(&json!({"action_id": format!("a{i}"), "input": input}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    let port: u16 = base.rsplit(':').next().unwrap().parse().unwrap();
    server.kill();
    let (_server, _) = common::spawn_binary(dir.path(), port);
    let addr: std::net::SocketAddr = base.trim_start_matches("http://").parse().unwrap();
    let mut ws = connect(addr, None).await.unwrap();
    send(&mut ws, json!({"type": "auth", "token": token})).await;
    let f = recv(&mut ws).await;
    let head = f["last_seq"].as_u64().unwrap();
    assert!(head >= 3, "{f}");
    send(
        &mut ws,
        json!({"type": "subscribe", "after": 1, "caught_up": true}),
    )
    .await;
    expect_events(&mut ws, 1, head).await;
    let f = recv(&mut ws).await;
    assert_eq!(
        (f["type"].as_str(), f["last"].as_u64()),
        (Some("caught_up"), Some(head)),
        "{f}"
    );
}

/// `caught_up` comes after the catch-up, from the log or from memory, and only when asked:
/// every event up to its `last` comes before it, every later one (live) after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caught_up_follows_the_catch_up_when_asked() {
    let s = start().await;
    let ana = s.login("ana").await;
    assert_eq!(s.act(&ana, "in", json!({"input": "sign_in"})).await.0, 200);
    let (_, head) = s.state(&ana).await;
    for after in [0, 1, head] {
        let mut ws = connect(s.addr, None).await.unwrap();
        auth(&mut ws, &ana).await;
        send(
            &mut ws,
            json!({"type": "subscribe", "after": after, "caught_up": true}),
        )
        .await;
        let (mut seqs, mut last) = (Vec::new(), None);
        while last.is_none() || seqs.last().copied().unwrap_or(after) < head {
            let f = recv(&mut ws).await;
            match f["type"].as_str() {
                Some("event") => {
                    let seq = f["event"]["seq"].as_u64().unwrap();
                    if let Some(l) = last {
                        assert!(seq > l, "event {seq} after caught_up at {l}");
                    }
                    seqs.push(seq);
                }
                Some("caught_up") => {
                    assert!(last.is_none(), "caught_up twice");
                    let l = f["last"].as_u64().unwrap();
                    assert!(
                        seqs.iter().all(|s| *s <= l),
                        "{seqs:?} before caught_up at {l}"
                    );
                    last = Some(l);
                }
                _ => panic!("unexpected {f}"),
            }
        }
        assert_eq!(seqs, (after + 1..=head).collect::<Vec<_>>());
        // Without asking: events, then nothing until a pong.
        send(&mut ws, json!({"type": "subscribe", "after": after})).await;
        expect_events(&mut ws, after, head).await;
        send(&mut ws, json!({"type": "ping"})).await;
        assert_eq!(recv(&mut ws).await["type"], "pong");
    }
}
