//! The wire types read and write the JSON the server has always spoken: each shape here is a
//! frame or body as the previous server sent (or its clients sent) it, byte for byte where
//! key order allows.

use omnidesk_core::{AgentId, Event, Input, ItemId, QueueId, Stamped};
use omnidesk_wire::http::{self, ConversationStarted, EventsPage, SignIn, StartConversation};
use omnidesk_wire::*;
use serde_json::{json, Value};

fn stamped(seq: u64) -> Stamped {
    Stamped {
        seq,
        at: 1_000 + seq,
        event: Event::SignedIn {
            agent: AgentId::from("ana"),
        },
    }
}

/// `value` decodes to `expected`, and `expected` encodes to `value` (as JSON values: key order
/// aside).
fn both_ways<T>(value: Value, expected: T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let read: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"));
    assert_eq!(read, expected, "{value}");
    assert_eq!(serde_json::to_value(&expected).unwrap(), value);
}

#[test]
fn client_frames_keep_their_shapes() {
    both_ways(
        json!({"type": "auth", "token": "t"}),
        ClientFrame::<Input>::Auth { token: "t".into() },
    );
    both_ways(
        json!({"type": "subscribe", "after": 7}),
        ClientFrame::<Input>::Subscribe(Subscribe {
            after: 7,
            queues: None,
            caught_up: false,
        }),
    );
    both_ways(
        json!({"type": "subscribe", "after": 0, "queues": ["vip"], "caught_up": true}),
        ClientFrame::<Input>::Subscribe(Subscribe {
            after: 0,
            queues: Some(vec![QueueId::from("vip")]),
            caught_up: true,
        }),
    );
    both_ways(
        json!({"type": "unsubscribe"}),
        ClientFrame::<Input>::Unsubscribe,
    );
    both_ways(json!({"type": "ping"}), ClientFrame::<Input>::Ping);
    both_ways(
        json!({"type": "action", "client_id": "c1", "action_id": "c1.1",
               "input": {"input": "pick", "agent": "ana", "item": "w1"}}),
        ClientFrame::Action(ActionRequest {
            client_id: Some(ClientId::from("c1")),
            action_id: ActionId::from("c1.1"),
            input: Input::Pick {
                agent: AgentId::from("ana"),
                item: ItemId::from("w1"),
            },
        }),
    );
    // Older clients: `after` missing or null means 0; no client id.
    let f: ClientFrame = serde_json::from_value(json!({"type": "subscribe"})).unwrap();
    assert_eq!(f, ClientFrame::Subscribe(Subscribe::default()));
    let f: ClientFrame =
        serde_json::from_value(json!({"type": "subscribe", "after": null})).unwrap();
    assert_eq!(f, ClientFrame::Subscribe(Subscribe::default()));
    let f: ClientFrame = serde_json::from_value(
        json!({"type": "action", "action_id": "a", "input": {"input": "tick"}}),
    )
    .unwrap();
    assert!(matches!(
        f,
        ClientFrame::Action(ActionRequest {
            client_id: None,
            ..
        })
    ));
    // The server reads `input` raw (its core parser fills in and checks it).
    let f: ClientFrame<Value> = serde_json::from_value(
        json!({"type": "action", "action_id": "a", "input": {"input": "customer_message", "text": "hi"}}),
    )
    .unwrap();
    let ClientFrame::Action(a) = f else { panic!() };
    assert_eq!(a.input, json!({"input": "customer_message", "text": "hi"}));
}

#[test]
fn server_frames_keep_their_shapes() {
    both_ways(
        json!({"type": "authenticated", "principal": {"kind": "agent", "agent": "ana"},
               "last_seq": 12, "now": 1_700_000_000_000u64}),
        ServerFrame::<Stamped>::Authenticated {
            principal: Principal::Agent {
                agent: AgentId::from("ana"),
            },
            last_seq: 12,
            now: 1_700_000_000_000,
        },
    );
    both_ways(
        json!({"type": "authenticated", "principal": {"kind": "customer", "item": "chat-1"},
               "last_seq": 0, "now": 5}),
        ServerFrame::<Stamped>::Authenticated {
            principal: Principal::Customer {
                item: ItemId::from("chat-1"),
            },
            last_seq: 0,
            now: 5,
        },
    );
    both_ways(
        json!({"type": "event", "event": {"seq": 3, "at": 1003, "event": "signed_in", "agent": "ana"}}),
        ServerFrame::Event { event: stamped(3) },
    );
    // The fan-out's frame text, as the previous server wrote it by hand.
    let text = serde_json::to_string(&ServerFrame::Event { event: stamped(3) }).unwrap();
    let stamped_json = serde_json::to_string(&stamped(3)).unwrap();
    assert_eq!(
        text,
        format!("{{\"type\":\"event\",\"event\":{stamped_json}}}")
    );
    both_ways(
        json!({"type": "result", "action_id": "c1.1", "status": 200, "replayed": false,
               "body": {"events": [{"seq": 3, "at": 1003, "event": "signed_in", "agent": "ana"}], "last_seq": 3}}),
        ServerFrame::<Stamped>::Result(ActionResult {
            action_id: ActionId::from("c1.1"),
            status: 200,
            body: ActionBody::Applied(Applied {
                events: vec![stamped(3)],
                last_seq: 3,
            }),
            replayed: false,
        }),
    );
    both_ways(
        json!({"type": "result", "action_id": "a", "status": 409, "replayed": true,
               "body": {"error": "rejected", "reason": "already signed in", "events": [], "last_seq": 9}}),
        ServerFrame::<Stamped>::Result(ActionResult {
            action_id: ActionId::from("a"),
            status: 409,
            body: ActionBody::Refused(Refusal {
                error: ErrorKind::Rejected,
                reason: "already signed in".into(),
                field: None,
                events: Some(vec![]),
                last_seq: Some(9),
            }),
            replayed: true,
        }),
    );
    both_ways(
        json!({"type": "result", "action_id": "x", "status": 403, "replayed": false,
               "body": {"error": "forbidden", "reason": "not yours"}}),
        ServerFrame::<Stamped>::Result(ActionResult {
            action_id: ActionId::from("x"),
            status: 403,
            body: ActionBody::Refused(ErrorBody::new(ErrorKind::Forbidden, "not yours").into()),
            replayed: false,
        }),
    );
    both_ways(
        json!({"type": "resync", "after": 40, "reason": "behind"}),
        ServerFrame::<Stamped>::Resync {
            after: 40,
            reason: "behind".into(),
        },
    );
    both_ways(
        json!({"type": "caught_up", "last": 40}),
        ServerFrame::<Stamped>::CaughtUp { last: 40 },
    );
    both_ways(json!({"type": "pong"}), ServerFrame::<Stamped>::Pong);
    both_ways(
        json!({"type": "error", "error": "invalid", "reason": "missing", "field": "type"}),
        ServerFrame::<Stamped>::Error(ErrorBody::invalid("type", "missing")),
    );
    both_ways(
        json!({"type": "error", "error": "unauthorized", "reason": "unknown or expired token"}),
        ServerFrame::<Stamped>::Error(ErrorBody::new(
            ErrorKind::Unauthorized,
            "unknown or expired token",
        )),
    );
    // Issue 18: a 429 carries the wait; older bodies without it still read.
    let throttled = ErrorBody::throttled("too many failed sign-ins; try again in 900 s", 900);
    assert_eq!(
        serde_json::to_value(&throttled).unwrap(),
        json!({"error": "too_many_requests", "reason": "too many failed sign-ins; try again in 900 s", "retry_after": 900})
    );
    assert_eq!(throttled.error.status(), 429);
    let old: ErrorBody =
        serde_json::from_value(json!({"error": "unauthorized", "reason": "session expired"}))
            .unwrap();
    assert_eq!(old.retry_after, None);
    // A kind a newer server may add is still an error frame.
    let f: ServerFrame =
        serde_json::from_value(json!({"type": "error", "error": "teapot", "reason": "?"})).unwrap();
    assert!(matches!(
        f,
        ServerFrame::Error(ErrorBody {
            error: ErrorKind::Other,
            ..
        })
    ));
}

#[test]
fn http_bodies_keep_their_shapes() {
    both_ways(
        json!({"agent": "ana", "password": "pw"}),
        SignIn {
            agent: AgentId::from("ana"),
            password: "pw".into(),
        },
    );
    both_ways(
        json!({"name": "Ada", "question": "hello?"}),
        StartConversation {
            name: "Ada".into(),
            question: "hello?".into(),
            ..StartConversation::default()
        },
    );
    both_ways(
        json!({"item": "chat-1", "token": "t", "events": [], "last_seq": 4}),
        ConversationStarted::<Stamped> {
            item: ItemId::from("chat-1"),
            token: "t".into(),
            events: vec![],
            last_seq: 4,
        },
    );
    both_ways(
        json!({"events": [{"seq": 1, "at": 1001, "event": "signed_in", "agent": "ana"}], "next_after": 1, "last_seq": 5}),
        EventsPage {
            events: vec![stamped(1)],
            next_after: 1,
            last_seq: 5,
        },
    );
    both_ways(
        json!({"ok": true, "last_seq": 2, "role": "leader"}),
        http::Health {
            ok: true,
            last_seq: 2,
            role: http::Role::Leader,
        },
    );
    // A body from before standbys (no `role`) is the leader's.
    assert_eq!(
        serde_json::from_value::<http::Health>(json!({"ok": true, "last_seq": 2})).unwrap(),
        http::Health {
            ok: true,
            last_seq: 2,
            role: http::Role::Leader,
        }
    );
    // A standby's 503 body reads as its health and as an error.
    let standby = http::Standby {
        health: http::Health {
            ok: false,
            last_seq: 7,
            role: http::Role::Standby,
        },
        error: ErrorBody::new(omnidesk_wire::ErrorKind::Unavailable, "a standby"),
    };
    both_ways(
        json!({"ok": false, "last_seq": 7, "role": "standby", "error": "unavailable", "reason": "a standby"}),
        standby.clone(),
    );
    let text = serde_json::to_string(&standby).unwrap();
    assert_eq!(
        serde_json::from_str::<http::Health>(&text).unwrap(),
        standby.health
    );
    assert_eq!(
        serde_json::from_str::<ErrorBody>(&text).unwrap(),
        standby.error
    );
    both_ways(
        json!({"principal": {"kind": "agent", "agent": "ana"}, "last_seq": 2}),
        http::Whoami {
            principal: Principal::Agent {
                agent: AgentId::from("ana"),
            },
            last_seq: 2,
        },
    );
    both_ways(
        json!({"error": "invalid", "reason": "missing", "field": "input.item"}),
        ErrorBody::invalid("input.item", "missing"),
    );
    assert_eq!(
        http::ws_url("http://127.0.0.1:8080/"),
        "ws://127.0.0.1:8080/api/ws"
    );
    assert_eq!(
        http::ws_url("https://desk.example/od/"),
        "wss://desk.example/od/api/ws"
    );
}

/// The outbox as the app keeps it: it reads back, and a save from before a field existed
/// still reads.
#[test]
fn the_outbox_survives_its_saved_form() {
    let outbox = Outbox {
        pending: vec![Pending {
            client_id: ClientId::from("c0"),
            action_id: ActionId::from("c0.1"),
            input: Input::AgentMessage {
                agent: AgentId::from("ana"),
                item: ItemId::from("w1"),
                text: "tab\there\nand \"quotes\"".into(),
            },
        }],
    };
    let text = serde_json::to_string(&outbox).unwrap();
    assert_eq!(serde_json::from_str::<Outbox>(&text).unwrap(), outbox);
    assert_eq!(
        serde_json::from_str::<Outbox>("{}").unwrap(),
        Outbox::default()
    );
}
