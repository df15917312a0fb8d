//! The app's link (`omnidesk_wire::Link`, the sans-io state machine the browser drives) over a
//! real WebSocket (tokio-tungstenite) against the real server: the binary is `kill -9`ed
//! mid-catch-up and again with an action applied but its answer lost, and restarted on the
//! same port and database. The page resumes with no gap and no duplicate, resends its outbox,
//! and every action is applied exactly once. A customer's link follows their conversation and
//! goes live on the server's `caught_up`.

mod common;

use futures_util::{SinkExt, StreamExt};
use omnidesk_core::{Event, Input, ItemId, Stamped};
use omnidesk_wire::http::{ConversationStarted, EventsPage, SignedIn};
use omnidesk_wire::{
    ActionId, ClientId, ConnId, Link, LinkEvent, LinkOptions, LinkState, ServerFrame,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

fn wall() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// What the browser's wasm driver does, with tokio: open the socket the link asks for, move
/// frames both ways as JSON, wake it at its timeout; and what the app does with its events.
struct Page {
    base: String,
    link: Link,
    ws: Option<(ConnId, Ws)>,
    /// The replica: every event folded, in order.
    replica: Vec<Stamped>,
    events: Vec<LinkEvent>,
    /// While set, frames from the server are not read (they are lost with the socket).
    deaf: bool,
}

impl Page {
    fn new(base: &str, token: &str, client: &str) -> Page {
        Page {
            base: base.to_owned(),
            link: Link::new(
                LinkOptions {
                    token: token.to_owned(),
                    client_id: ClientId::from(client),
                    seed: 7,
                    ..LinkOptions::default()
                },
                wall(),
            ),
            ws: None,
            replica: Vec::new(),
            events: Vec::new(),
            deaf: false,
        }
    }

    /// Carries out what the link polls.
    async fn outputs(&mut self) {
        loop {
            let mut moved = false;
            if let Some(id) = self.link.poll_connect() {
                moved = true;
                self.ws = None;
                let url = omnidesk_wire::http::ws_url(&format!("{}/", self.base));
                match tokio_tungstenite::connect_async(url).await {
                    Ok((ws, _)) => {
                        self.ws = Some((id, ws));
                        self.link.handle_open(wall(), id);
                    }
                    Err(_) => self.link.handle_close(wall(), id),
                }
            }
            if let Some(id) = self.link.poll_disconnect() {
                moved = true;
                if self.ws.as_ref().is_some_and(|(c, _)| *c == id) {
                    self.ws = None;
                }
            }
            while let Some(f) = self.link.poll_transmit() {
                moved = true;
                let text = serde_json::to_string(&f).unwrap();
                if let Some((id, ws)) = self.ws.as_mut() {
                    if ws.send(Message::Text(text.into())).await.is_err() {
                        let id = *id;
                        self.ws = None;
                        self.link.handle_close(wall(), id);
                    }
                }
            }
            while let Some(e) = self.link.poll_event() {
                moved = true;
                if let LinkEvent::Fold { event, .. } = &e {
                    if let Some(last) = self.replica.last() {
                        assert!(event.seq > last.seq, "folded out of order");
                    }
                    self.replica.push((**event).clone());
                }
                self.events.push(e);
            }
            if !moved {
                return;
            }
        }
    }

    /// Runs the page until `done`, for at most `limit`.
    async fn run_until(&mut self, what: &str, limit: Duration, done: impl Fn(&Page) -> bool) {
        let deadline = Instant::now() + limit;
        loop {
            self.outputs().await;
            if done(self) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: not within {limit:?}; state {:?}, folded {}",
                self.link.state(),
                self.link.folded()
            );
            let wait = self
                .link
                .poll_timeout()
                .map_or(50, |t| t.saturating_sub(wall()))
                .clamp(1, 50);
            let next = async {
                match self.ws.as_mut() {
                    Some((_, ws)) if !self.deaf => ws.next().await,
                    _ => std::future::pending().await,
                }
            };
            match tokio::time::timeout(Duration::from_millis(wait), next).await {
                Err(_) => self.link.handle_timeout(wall()),
                Ok(Some(Ok(Message::Text(t)))) => {
                    let frame: ServerFrame =
                        serde_json::from_str(t.as_str()).expect("a frame the wire types read");
                    let id = self.ws.as_ref().unwrap().0;
                    self.link.handle_frame(wall(), id, frame);
                }
                Ok(Some(Ok(_))) => {}
                Ok(_) => {
                    let (id, _) = self.ws.take().unwrap();
                    self.link.handle_close(wall(), id);
                }
            }
        }
    }

    /// The socket dies with whatever the server sent unread.
    fn lose_socket(&mut self) {
        if let Some((id, _)) = self.ws.take() {
            self.link.handle_close(wall(), id);
        }
        self.deaf = false;
    }

    fn applied(&self, id: &ActionId) -> Option<bool> {
        self.events.iter().find_map(|e| match e {
            LinkEvent::Applied {
                action, replayed, ..
            } if &action.action_id == id => Some(*replayed),
            _ => None,
        })
    }
}

async fn post(
    http: &reqwest::Client,
    url: String,
    token: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let mut req = http.post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn sign_in(http: &reqwest::Client, base: &str, agent: &str) -> String {
    let (status, body) = post(
        http,
        format!("{base}/api/sessions"),
        None,
        json!({"agent": agent, "password": format!("pw-{agent}")}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_value::<SignedIn>(body).unwrap().token
}

/// The whole log, read over HTTP in pages.
async fn log(http: &reqwest::Client, base: &str, token: &str) -> Vec<Stamped> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page: EventsPage = http
            .get(format!("{base}/api/events?after={after}&limit=500"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if page.events.is_empty() {
            return out;
        }
        after = page.next_after;
        out.extend(page.events);
    }
}

fn port_of(base: &str) -> u16 {
    base.rsplit(':').next().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_resumes_across_server_restarts_and_applies_each_action_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.json"), common::CONFIG).unwrap();
    std::fs::write(dir.path().join("index.html"), "app").unwrap();
    let (mut server, base) = common::spawn_binary(dir.path(), 0);
    let port = port_of(&base);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let ana = sign_in(&http, &base, "ana").await;
    let bert = sign_in(&http, &base, "bert").await;

    // A history to catch up on: bert signs in and changes presence, many times.
    let act = |token: String, id: String, input: Value| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let body = json!({"client_id": "http", "action_id": id, "input": input});
            post(&http, format!("{base}/api/actions"), Some(&token), body).await
        }
    };
    assert_eq!(
        act(bert.clone(), "in".into(), json!({"input": "sign_in"}))
            .await
            .0,
        200
    );
    for i in 0..300 {
        let status = if i % 2 == 0 { "away" } else { "available" };
        let input = json!({"input": "set_presence", "status": status});
        assert_eq!(act(bert.clone(), format!("p{i}"), input).await.0, 200);
    }
    let head = log(&http, &base, &ana).await.len() as u64;
    assert!(head > 300, "{head}");

    // The page subscribes from 0 and reads 100 events; then the server is killed mid-catch-up
    // and what was in flight is lost with the socket.
    let mut page = Page::new(&base, &ana, "page-1");
    page.run_until("100 events folded", Duration::from_secs(20), |p| {
        p.link.folded() >= 100
    })
    .await;
    assert_eq!(page.link.state(), &LinkState::CatchingUp);
    server.kill();
    page.lose_socket();
    let folded_at_kill = page.link.folded();

    // While the server is down, the agent acts: the action waits in the outbox.
    let signed_in = page.link.send_action(
        wall(),
        Input::SignIn {
            agent: "ana".into(),
        },
    );
    page.run_until("the reconnect loop starts", Duration::from_secs(5), |p| {
        matches!(p.link.state(), LinkState::Reconnecting { .. })
    })
    .await;
    let (mut server, base2) = common::spawn_binary(dir.path(), port);
    assert_eq!(base2, base);
    page.run_until(
        "caught up after the restart",
        Duration::from_secs(30),
        |p| p.link.state() == &LinkState::Live && p.applied(&signed_in).is_some(),
    )
    .await;
    assert_eq!(page.applied(&signed_in), Some(false));
    assert!(
        page.link.folded() >= head,
        "live before the head: {}",
        page.link.folded()
    );
    assert!(page.link.outbox().is_empty());
    let seqs: Vec<u64> = page.replica.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        (1..=page.link.folded()).collect::<Vec<_>>(),
        "gap or duplicate across the restart (killed at {folded_at_kill})"
    );

    // A customer arrives; ana (the only one signed in) is offered it and accepts.
    let (status, body) = post(
        &http,
        format!("{base}/api/conversations"),
        None,
        json!({"name": "Ada", "question": "hello?"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let item = serde_json::from_value::<ConversationStarted>(body)
        .unwrap()
        .item;
    page.run_until("the offer", Duration::from_secs(10), |p| {
        p.replica
            .iter()
            .any(|e| matches!(&e.event, Event::Offered { item: i, .. } if *i == item))
    })
    .await;
    let accept = page.link.send_action(
        wall(),
        Input::Accept {
            agent: "ana".into(),
            item: item.clone(),
        },
    );
    page.run_until("accepted", Duration::from_secs(10), |p| {
        p.applied(&accept).is_some()
    })
    .await;

    // A message is applied by the server, but the socket dies before its answer is read; the
    // server is killed too. After the restart the resend gets the stored answer (replayed),
    // and the message is in the log once.
    page.deaf = true;
    let text = "exactly once, please";
    let message = page.link.send_action(
        wall(),
        Input::AgentMessage {
            agent: "ana".into(),
            item: item.clone(),
            text: text.into(),
        },
    );
    page.outputs().await;
    let count = |log: &[Stamped]| {
        log.iter()
            .filter(|e| matches!(&e.event, Event::AgentMessage { text: t, .. } if t == text))
            .count()
    };
    let started = Instant::now();
    while count(&log(&http, &base, &ana).await) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the message never landed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill();
    page.lose_socket();
    let (mut server, _) = common::spawn_binary(dir.path(), port);
    page.run_until("the resend answered", Duration::from_secs(30), |p| {
        p.applied(&message).is_some() && p.link.state() == &LinkState::Live
    })
    .await;
    assert_eq!(
        page.applied(&message),
        Some(true),
        "answered from the dedup table"
    );
    let full = log(&http, &base, &ana).await;
    assert_eq!(count(&full), 1, "the resent message was applied again");
    // The page's replica is the log: every event once, in order.
    let head = full.len() as u64;
    page.run_until("folded to the head", Duration::from_secs(10), |p| {
        p.link.folded() >= head
    })
    .await;
    let full = log(&http, &base, &ana).await;
    assert_eq!(page.replica, full);
    server.kill();
}

/// The `/chat` page's link: a customer token follows only their conversation (seqs skip), goes
/// live on the server's `caught_up`, and sends messages that come back in the stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_link_follows_the_conversation_and_goes_live() {
    let s = common::start().await;
    let ana = s.login("ana").await;
    assert_eq!(s.act(&ana, "in", json!({"input": "sign_in"})).await.0, 200);
    let (other, _) = s.conversation("Grace").await;
    let (item, token) = s.conversation("Ada").await;
    assert_eq!(
        s.act(&ana, "acc", json!({"input": "accept", "item": item}))
            .await
            .0,
        200
    );
    let mut page = Page::new(&s.base, &token, "chat-page");
    page.run_until(
        "live with the conversation so far",
        Duration::from_secs(10),
        |p| p.link.state() == &LinkState::Live && p.replica.len() >= 2,
    )
    .await;
    assert!(page.replica.iter().all(|e| matches!(&e.event,
        Event::Arrived { item: i, .. } | Event::Accepted { item: i, .. } if i.as_str() == item)));
    assert_eq!(page.replica.len(), 2, "{:?}", page.replica);
    assert!(page
        .events
        .iter()
        .all(|e| !matches!(e, LinkEvent::Fold { history: false, .. })));
    let said = page.link.send_action(
        wall(),
        Input::CustomerMessage {
            item: ItemId::from(item.as_str()),
            text: "still there?".into(),
        },
    );
    page.run_until("the message back", Duration::from_secs(10), |p| {
        p.applied(&said).is_some()
            && p.replica
                .iter()
                .any(|e| matches!(&e.event, Event::CustomerMessage { .. }))
    })
    .await;
    assert!(matches!(
        page.events
            .iter()
            .rev()
            .find(|e| matches!(e, LinkEvent::Fold { .. })),
        Some(LinkEvent::Fold { history: false, .. })
    ));
    assert!(page
        .replica
        .iter()
        .all(|e| !format!("{:?}", e.event).contains(&other)));
}
