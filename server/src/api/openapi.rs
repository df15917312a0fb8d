//! The OpenAPI 3.1 document served at `/api/openapi.json`. Its `paths` are generated from the
//! route table ([`super::routes::table`]), so routes and document cannot drift apart; its
//! schemas describe omnidesk-wire's types and are checked against them (each type's JSON,
//! serialized by serde, validates against its schema: the tests below, and
//! `tests/api.rs` on a live server).

use super::routes::ApiRoute;
use serde_json::{json, Map, Value};

/// The document for the table `routes`.
pub fn document(routes: &[ApiRoute]) -> Value {
    let mut paths = Map::new();
    for r in routes {
        let item = paths.entry(r.path.clone()).or_insert_with(|| json!({}));
        item[r.method.as_str().to_lowercase()] = r.operation.clone();
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "omnidesk sync server",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "One routing core for many agents. Inputs and events are omnidesk-core's JSON vocabulary (core/CONTRACT.md); bodies and frames are omnidesk-wire's types. Every accepted input is durable before it is acknowledged. The WebSocket at /api/ws carries the same actions and the event stream (ClientFrame, ServerFrame)."
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas(),
        },
        "paths": paths,
    })
}

/// Every documented operation of `doc` as (method, path), in document order.
pub fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            if let Some(methods) = item.as_object() {
                for method in methods.keys() {
                    out.push((method.to_uppercase(), path.clone()));
                }
            }
        }
    }
    out
}

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "required": required, "properties": properties})
}

fn string() -> Value {
    json!({"type": "string"})
}

fn integer() -> Value {
    json!({"type": "integer", "minimum": 0})
}

fn array(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

fn nullable(schema: Value) -> Value {
    json!({"oneOf": [schema, {"type": "null"}]})
}

/// An object whose every value is `values` (a map by id).
fn map_of(values: Value) -> Value {
    json!({"type": "object", "additionalProperties": values})
}

/// `components.schemas`: omnidesk-wire's types.
pub fn schemas() -> Value {
    let error_kind = json!({"type": "string", "enum": ["unauthorized", "forbidden", "not_found", "rejected", "too_large", "invalid", "unavailable", "too_many_requests"]});
    let events = array(r("Stamped"));
    let mut all = json!({
        "Error": object(&["error", "reason"], json!({
            "error": error_kind,
            "reason": string(),
            "field": {"type": "string", "description": "422 only: the field at fault, e.g. `input.agent`, or `(body)`."},
            "retry_after": {"type": "integer", "minimum": 1, "description": "429 only: seconds to wait, as in the Retry-After header."}
        })),
        "Refusal": object(&["error", "reason"], json!({
            "error": error_kind,
            "reason": string(),
            "field": string(),
            "events": {"type": "array", "items": r("Stamped"), "description": "409: the events the refused input caused (its `rejected` event)."},
            "last_seq": integer()
        })),
        "Principal": {"oneOf": [
            object(&["kind", "agent"], json!({"kind": {"const": "agent"}, "agent": string()})),
            object(&["kind", "item"], json!({"kind": {"const": "customer"}, "item": string()}))
        ]},
        "Input": {"type": "object", "required": ["input"], "additionalProperties": true, "description": "An omnidesk-core input, tagged by `input` (sign_in, set_presence, accept, pick, …). `agent` (agents) or `item` (customers) may be left out and is filled in from the session.", "properties": {"input": string()}},
        "Stamped": {"type": "object", "required": ["seq", "at", "event"], "additionalProperties": true, "description": "A logged event: {seq, at, event, …fields} (omnidesk-core's Stamped).", "properties": {"seq": integer(), "at": integer(), "event": string()}},
        "Action": object(&["action_id", "input"], json!({
            "client_id": {"type": "string", "maxLength": 200},
            "action_id": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Client-chosen; the server deduplicates on (principal, client_id, action_id) and answers a resend with the original result."},
            "input": r("Input")
        })),
        "Applied": object(&["events", "last_seq"], json!({"events": events, "last_seq": integer()})),
        "SignIn": object(&["agent", "password"], json!({"agent": {"type": "string", "minLength": 1, "maxLength": 200}, "password": {"type": "string", "minLength": 1, "maxLength": 200}})),
        "SignedIn": object(&["token", "agent"], json!({"token": string(), "agent": string()})),
        "Whoami": object(&["principal", "last_seq"], json!({"principal": r("Principal"), "last_seq": integer()})),
        "AuditPage": object(&["entries"], json!({
            "entries": array(object(&["id", "at", "principal", "address", "action", "outcome"], json!({
                "id": integer(), "at": integer(), "principal": string(), "address": string(),
                "action": {"type": "string", "enum": ["sign_in", "sign_in_failed", "throttled", "sign_out", "session_expired", "sessions_ended", "lockout_lifted", "assign", "force_close", "supervisor_transfer"]},
                "outcome": string(), "detail": string()
            }))),
            "next_before": {"type": "integer", "minimum": 0, "description": "The next (older) page is `before=next_before`; absent on the last page."}
        })),
        "SessionsEnded": object(&["agent", "ended"], json!({"agent": string(), "ended": integer()})),
        "Health": object(&["ok", "last_seq"], json!({"ok": {"type": "boolean"}, "last_seq": integer(), "role": {"type": "string", "enum": ["leader", "standby"], "description": "`standby` (with 503) from a process waiting for the lease on a shared PostgreSQL database; absent means leader."}})),
        "EventsPage": object(&["events", "next_after", "last_seq"], json!({"events": events, "next_after": integer(), "last_seq": integer()})),
        "SnapshotAnswer": object(&["last_seq", "snapshot"], json!({"last_seq": integer(), "snapshot": object(&["now", "agents", "items"], json!({"now": integer(), "agents": {"type": "object"}, "items": {"type": "object"}}))})),
        "ConfigAnswer": object(&["last_seq", "config"], json!({"last_seq": integer(), "config": {"type": "object", "description": "omnidesk-core's Config."}, "quick_replies": {"type": "array", "items": r("QuickReply"), "description": "The centre's quick replies (the configuration's `quick_replies`); absent or empty without."}})),
        "Work": object(&["last_seq", "my", "open", "closed"], json!({"last_seq": integer(), "my": array(string()), "open": array(string()), "closed": array(string())})),
        "StartConversation": object(&["name", "question"], json!({
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "question": {"type": "string", "minLength": 1},
            "email": {"type": "string", "maxLength": 200},
            "language": {"type": "string", "maxLength": 200},
            "queue": {"type": "string", "description": "Load-test mode only."}
        })),
        "ConversationStarted": object(&["item", "token", "events", "last_seq"], json!({"item": string(), "token": string(), "events": events, "last_seq": integer()})),
        "DebugStats": object(&["last_seq", "hub", "fanout"], json!({
            "last_seq": integer(),
            "hub": object(&["turns", "commands", "inputs", "handle_ns", "events", "commit_ns", "publish_ns", "turn_ns"], json!({
                "turns": integer(), "commands": integer(), "inputs": integer(), "handle_ns": integer(),
                "events": integer(), "commit_ns": integer(), "publish_ns": integer(), "turn_ns": integer()})),
            "fanout": object(&["subscriptions", "live_streams", "deliveries", "event_deliveries", "lagged"], json!({
                "subscriptions": integer(), "live_streams": integer(), "deliveries": integer(),
                "event_deliveries": integer(), "lagged": integer()}))
        })),
        "ClientFrame": {"description": "A WebSocket frame from the client.", "oneOf": [
            object(&["type", "token"], json!({"type": {"const": "auth"}, "token": string()})),
            object(&["type"], json!({"type": {"const": "subscribe"}, "after": integer(), "queues": array(string()), "caught_up": {"type": "boolean"}})),
            object(&["type"], json!({"type": {"const": "unsubscribe"}})),
            object(&["type", "action_id", "input"], json!({"type": {"const": "action"}, "client_id": string(), "action_id": string(), "input": r("Input")})),
            object(&["type"], json!({"type": {"const": "ping"}}))
        ]},
        "ServerFrame": {"description": "A WebSocket frame from the server.", "oneOf": [
            object(&["type", "principal", "last_seq", "now"], json!({"type": {"const": "authenticated"}, "principal": r("Principal"), "last_seq": integer(), "now": integer()})),
            object(&["type", "event"], json!({"type": {"const": "event"}, "event": r("Stamped")})),
            object(&["type", "item", "events"], json!({"type": {"const": "history", "description": "Read scope (issue 18 §4): the item entered this stream's scope; its earlier events, in seq order, before the event that follows. Fold those after the last event of the item you have; they don't move the stream's position."}, "item": string(), "events": array(r("Stamped"))})),
            object(&["type", "action_id", "status", "body", "replayed"], json!({"type": {"const": "result"}, "action_id": string(), "status": integer(), "body": {"oneOf": [r("Applied"), r("Refusal")]}, "replayed": {"type": "boolean"}})),
            object(&["type", "after", "reason"], json!({"type": {"const": "resync"}, "after": integer(), "reason": string()})),
            object(&["type", "last"], json!({"type": {"const": "caught_up"}, "last": integer()})),
            object(&["type"], json!({"type": {"const": "pong"}})),
            object(&["type", "error", "reason"], json!({"type": {"const": "error"}, "error": error_kind, "reason": string(), "field": string()}))
        ]}
    });
    if let (Some(all), Value::Object(more)) = (all.as_object_mut(), more_schemas()) {
        all.extend(more);
    }
    all
}

/// The schemas of R28's supervisor bodies and of quick replies (a second `json!`: one would
/// pass the macro's recursion limit).
fn more_schemas() -> Value {
    json!({
        "QuickReply": object(&["id", "title", "text"], json!({
            "id": {"type": "string", "minLength": 1},
            "title": {"type": "string", "minLength": 1, "description": "At most 120 characters."},
            "text": {"type": "string", "minLength": 1, "description": "At most 4000 characters; `{customer}` and `{agent}` are filled in on insert."},
            "tags": {"type": "array", "items": {"type": "string", "minLength": 1}, "description": "At most 10, each at most 40 characters."}
        })),
        "QuickReplyDraft": object(&["title", "text"], json!({
            "title": {"type": "string", "minLength": 1, "description": "At most 120 characters."},
            "text": {"type": "string", "minLength": 1, "description": "At most 4000 characters."},
            "tags": {"type": "array", "items": {"type": "string", "minLength": 1}, "description": "At most 10, each at most 40 characters."}
        })),
        "QuickReplies": object(&["replies"], json!({"replies": array(r("QuickReply"))})),
        "QueueFigures": object(&["open", "offered", "held", "longest_wait_ms", "service_level"], json!({
            "open": integer(), "offered": integer(),
            "held": {"type": "integer", "minimum": 0, "description": "Active, Waiting or Wrap-up (R19)."},
            "longest_wait_ms": {"type": "integer", "minimum": 0, "description": "now − the oldest Open item's enqueue time; 0 with none."},
            "service_level": nullable(object(&["met", "of"], json!({"met": integer(), "of": integer()})))
        })),
        "SupervisedAgent": object(&["id", "presence", "presence_for_ms", "used", "capacity", "held"], json!({
            "id": string(),
            "presence": string(),
            "presence_for_ms": nullable(integer()),
            "used": integer(),
            "capacity": integer(),
            "held": array(string()),
            "disconnected": {"const": true, "description": "R24: present only while the agent is disconnected."}
        })),
        "SupervisedItem": object(&["id", "state", "holder", "queue", "channel", "customer", "in_state_ms"], json!({
            "id": string(),
            "state": {"type": "string", "enum": ["open", "offered", "active", "waiting", "wrap_up"]},
            "holder": nullable(string()),
            "queue": string(),
            "channel": string(),
            "customer": object(&["name"], json!({"name": string(), "id": string(), "email": string(), "phone": string(), "language": string(), "location": string()})),
            "in_state_ms": integer()
        })),
        "SupervisorAnswer": object(&["last_seq", "now", "supervisor", "queues", "agent_count", "item_count", "agents", "items"], json!({
            "last_seq": integer(), "now": integer(), "supervisor": string(),
            "queues": map_of(r("QueueFigures")),
            "agent_count": integer(), "item_count": integer(),
            "agents": array(r("SupervisedAgent")), "items": array(r("SupervisedItem"))
        })),
        "SupervisorAgents": object(&["last_seq", "now", "total", "agents", "next_after"], json!({
            "last_seq": integer(), "now": integer(), "total": integer(),
            "agents": array(r("SupervisedAgent")), "next_after": nullable(string())
        })),
        "SupervisorItems": object(&["last_seq", "now", "total", "items", "next_after"], json!({
            "last_seq": integer(), "now": integer(), "total": integer(),
            "items": array(r("SupervisedItem")), "next_after": nullable(string())
        }))
    })
}

/// Whether `value` satisfies `schema` (the subset of JSON Schema the document uses: `$ref`,
/// `oneOf`, `const`, `enum`, `type` (`null` too), `required`, `properties`, `items`,
/// `minimum`, `minLength`, `maxLength`, `additionalProperties: true`, and
/// `additionalProperties` as the schema of a map's values). Other undocumented properties are
/// refused, so a field a type gains must be documented. `Err` says where it fails.
pub fn validate(value: &Value, schema: &Value, schemas: &Value) -> Result<(), String> {
    if let Some(name) = schema["$ref"].as_str() {
        let name = name.trim_start_matches("#/components/schemas/");
        return validate(value, &schemas[name], schemas).map_err(|e| format!("{name}: {e}"));
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let fits = options
            .iter()
            .filter(|o| validate(value, o, schemas).is_ok())
            .count();
        return if fits == 1 {
            Ok(())
        } else {
            Err(format!("{value} fits {fits} of oneOf"))
        };
    }
    if let Some(c) = schema.get("const") {
        return (value == c)
            .then_some(())
            .ok_or(format!("{value} is not {c}"));
    }
    if let Some(e) = schema["enum"].as_array() {
        if !e.contains(value) {
            return Err(format!("{value} is not one of {schema}"));
        }
    }
    let kind_ok = match schema["type"].as_str() {
        None => true,
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_u64() || value.is_i64(),
        Some("boolean") => value.is_boolean(),
        Some("null") => value.is_null(),
        Some(other) => return Err(format!("unknown type {other}")),
    };
    if !kind_ok {
        return Err(format!("{value} is not of type {}", schema["type"]));
    }
    if let (Some(min), Some(n)) = (schema["minimum"].as_f64(), value.as_f64()) {
        if n < min {
            return Err(format!("{n} < {min}"));
        }
    }
    if let Some(s) = value.as_str() {
        if schema["minLength"]
            .as_u64()
            .is_some_and(|m| (s.len() as u64) < m)
        {
            return Err(format!("{s:?} is too short"));
        }
        if schema["maxLength"]
            .as_u64()
            .is_some_and(|m| (s.len() as u64) > m)
        {
            return Err(format!("{s:?} is too long"));
        }
    }
    if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
        for (i, v) in list.iter().enumerate() {
            validate(v, items, schemas).map_err(|e| format!("[{i}]: {e}"))?;
        }
    }
    if let Some(map) = value.as_object() {
        for key in schema["required"].as_array().into_iter().flatten() {
            let key = key.as_str().unwrap_or_default();
            if !map.contains_key(key) {
                return Err(format!("missing required `{key}`"));
            }
        }
        if let Some(values) = schema["additionalProperties"]
            .as_object()
            .filter(|_| schema.get("properties").is_none())
        {
            let values = Value::Object(values.clone());
            for (key, v) in map {
                validate(v, &values, schemas).map_err(|e| format!(".{key}: {e}"))?;
            }
        }
        if let Some(props) = schema["properties"].as_object() {
            // Core types (Input, Stamped) carry their own fields beyond the tag.
            let open = schema["additionalProperties"] == Value::Bool(true);
            for (key, v) in map {
                match props.get(key) {
                    Some(p) => validate(v, p, schemas).map_err(|e| format!(".{key}: {e}"))?,
                    None if open => {}
                    None => return Err(format!("undocumented property `{key}`")),
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use omnidesk_core::{AgentId, Event, Input, ItemId, QueueId, Stamped};
    use omnidesk_wire::http::*;
    use omnidesk_wire::*;
    use serde::Serialize;

    fn stamped() -> Stamped {
        Stamped {
            seq: 3,
            at: 9,
            event: Event::AgentMessage {
                item: ItemId::from("w1"),
                agent: AgentId::from("ana"),
                text: "hi".into(),
            },
        }
    }

    fn check<T: Serialize>(schema: &str, value: &T) {
        let schemas = schemas();
        let json = serde_json::to_value(value).unwrap();
        assert!(
            schemas.get(schema).is_some(),
            "no schema {schema} in the document"
        );
        validate(&json, &r(schema), &schemas)
            .unwrap_or_else(|e| panic!("{schema} does not describe {json}: {e}"));
    }

    /// Each wire type's JSON (every variant, optional fields present and absent) validates
    /// against the schema the document gives it, and the schemas are strict enough to refuse
    /// a wrong shape: the hand-written schemas can't drift from the types.
    #[test]
    fn the_schemas_describe_the_wire_types() {
        let error = ErrorBody::invalid("input.agent", "unknown agent");
        check("Error", &error);
        check("Error", &ErrorBody::new(ErrorKind::Forbidden, "no"));
        check(
            "Error",
            &ErrorBody::throttled("too many failed sign-ins", 900),
        );
        let entry = omnidesk_wire::http::AuditEntry {
            id: 7,
            at: 1,
            principal: "ana".into(),
            address: "127.0.0.1".into(),
            action: omnidesk_wire::http::AuditAction::SignInFailed,
            outcome: "refused".into(),
            detail: Some("d".into()),
        };
        check(
            "AuditPage",
            &omnidesk_wire::http::AuditPage {
                entries: vec![entry.clone()],
                next_before: Some(7),
            },
        );
        check(
            "AuditPage",
            &omnidesk_wire::http::AuditPage {
                entries: vec![omnidesk_wire::http::AuditEntry {
                    detail: None,
                    ..entry
                }],
                next_before: None,
            },
        );
        check(
            "SessionsEnded",
            &omnidesk_wire::http::SessionsEnded {
                agent: AgentId::from("ana"),
                ended: 2,
            },
        );
        let refusal = Refusal::<Stamped> {
            error: ErrorKind::Rejected,
            reason: "item is not open".into(),
            field: None,
            events: Some(vec![stamped()]),
            last_seq: Some(3),
        };
        check("Refusal", &refusal);
        let applied = Applied {
            events: vec![stamped()],
            last_seq: 3,
        };
        check("Applied", &applied);
        let request = ActionRequest {
            client_id: Some(ClientId::from("c")),
            action_id: ActionId::from("c.1"),
            input: Input::Pick {
                agent: AgentId::from("ana"),
                item: ItemId::from("w1"),
            },
        };
        check("Action", &request);
        let agent = Principal::Agent {
            agent: AgentId::from("ana"),
        };
        let customer = Principal::Customer {
            item: ItemId::from("chat-1"),
        };
        check("Principal", &agent);
        check("Principal", &customer);
        check(
            "SignIn",
            &SignIn {
                agent: AgentId::from("ana"),
                password: "pw".into(),
            },
        );
        check(
            "SignedIn",
            &SignedIn {
                token: "t".into(),
                agent: AgentId::from("ana"),
            },
        );
        check(
            "Whoami",
            &Whoami {
                principal: customer.clone(),
                last_seq: 1,
            },
        );
        check(
            "Health",
            &Health {
                ok: true,
                last_seq: 1,
                role: omnidesk_wire::http::Role::Leader,
            },
        );
        check(
            "EventsPage",
            &EventsPage {
                events: vec![stamped()],
                next_after: 3,
                last_seq: 3,
            },
        );
        let engine = omnidesk_core::Engine::new(crate::config::ServerConfig::demo().core);
        check(
            "SnapshotAnswer",
            &SnapshotAnswer {
                last_seq: 0,
                snapshot: engine.snapshot_view(),
            },
        );
        check(
            "ConfigAnswer",
            &ConfigAnswer {
                last_seq: 0,
                config: engine.config().clone(),
                quick_replies: crate::config::ServerConfig::demo().quick_replies,
            },
        );
        let reply = QuickReply {
            id: "hi".into(),
            title: "Hi".into(),
            text: "Hello {customer}".into(),
            tags: vec!["hello".into()],
        };
        check("QuickReply", &reply);
        check(
            "QuickReply",
            &QuickReply {
                tags: vec![],
                ..reply.clone()
            },
        );
        check(
            "QuickReplyDraft",
            &QuickReplyDraft {
                title: "t".into(),
                text: "x".into(),
                tags: vec![],
            },
        );
        check(
            "QuickReplies",
            &QuickReplies {
                replies: vec![reply],
            },
        );
        supervisor_bodies();
        check(
            "Work",
            &Work {
                last_seq: 0,
                my: vec![ItemId::from("a")],
                open: vec![],
                closed: vec![],
            },
        );
        check(
            "StartConversation",
            &StartConversation {
                name: "Ada".into(),
                question: "?".into(),
                email: Some("a@example.com".into()),
                language: Some("en".into()),
                queue: Some(QueueId::from("q")),
            },
        );
        check(
            "ConversationStarted",
            &ConversationStarted {
                item: ItemId::from("chat-1"),
                token: "t".into(),
                events: vec![stamped()],
                last_seq: 3,
            },
        );
        check("DebugStats", &DebugStats::default());
        let frames: Vec<ClientFrame> = vec![
            ClientFrame::Auth { token: "t".into() },
            ClientFrame::Subscribe(Subscribe {
                after: 3,
                queues: Some(vec![QueueId::from("vip")]),
                caught_up: true,
            }),
            ClientFrame::Unsubscribe,
            ClientFrame::Action(request),
            ClientFrame::Ping,
        ];
        for f in &frames {
            check("ClientFrame", f);
        }
        let frames: Vec<ServerFrame> = vec![
            ServerFrame::Authenticated {
                principal: agent,
                last_seq: 3,
                now: 5,
            },
            ServerFrame::Event { event: stamped() },
            ServerFrame::History {
                item: "c1".into(),
                events: vec![stamped()],
            },
            ServerFrame::Result(ActionResult {
                action_id: ActionId::from("a"),
                status: 200,
                body: ActionBody::Applied(applied),
                replayed: false,
            }),
            ServerFrame::Result(ActionResult {
                action_id: ActionId::from("a"),
                status: 409,
                body: ActionBody::Refused(refusal),
                replayed: true,
            }),
            ServerFrame::Resync {
                after: 3,
                reason: "behind".into(),
            },
            ServerFrame::CaughtUp { last: 3 },
            ServerFrame::Pong,
            ServerFrame::Error(error),
        ];
        for f in &frames {
            check("ServerFrame", f);
        }
        // And they refuse what the types would not write.
        let schemas = schemas();
        for (schema, wrong) in [
            ("Error", json!({"error": "invalid"})),
            ("Error", json!({"error": "nope", "reason": "r"})),
            (
                "Applied",
                json!({"events": [], "last_seq": 1, "extra": true}),
            ),
            ("ServerFrame", json!({"type": "event"})),
            ("ClientFrame", json!({"type": "fly"})),
            ("Principal", json!({"kind": "robot"})),
        ] {
            assert!(
                validate(&wrong, &r(schema), &schemas).is_err(),
                "{schema} took {wrong}"
            );
        }
    }

    /// R28's bodies, from a centre with a supervisor, agents signed in and out, a
    /// disconnected one, and items Open, Offered and Active.
    fn supervisor_bodies() {
        let scenario = omnidesk_core::scenario::Scenario::parse(
            r#"{"queues": [{"id": "q", "members": ["ana", "bert", "cleo"]}],
                "agents": [{"id": "sam", "supervises": ["q"]}, {"id": "ana"}, {"id": "bert"}, {"id": "cleo"}],
                "steps": [{"at": 0, "input": "sign_in", "agent": "ana"},
                          {"at": 0, "input": "sign_in", "agent": "cleo"},
                          {"at": 0, "input": "disconnect", "agent": "cleo"},
                          {"at": 1, "input": "arrive", "item": "c1", "channel": "chat", "queue": "q", "customer": {"name": "A", "email": "a@example.com"}},
                          {"at": 2, "input": "accept", "item": "c1", "agent": "ana"},
                          {"at": 3, "input": "arrive", "item": "c2", "channel": "chat", "queue": "q", "customer": {"name": "B"}},
                          {"at": 4, "input": "arrive", "item": "e1", "channel": "email", "queue": "q", "customer": {"name": "C"}}]}"#,
        )
        .unwrap();
        let engine = omnidesk_core::scenario::run(&scenario).engine;
        let sam = AgentId::from("sam");
        let agents: Vec<SupervisedAgent> = engine
            .supervised_agents(&sam, None, 10)
            .into_iter()
            .map(|(id, row)| SupervisedAgent { id, row })
            .collect();
        let items: Vec<SupervisedItem> = engine
            .supervised_items(&sam, None, 10)
            .into_iter()
            .map(|(id, row)| SupervisedItem { id, row })
            .collect();
        assert!(agents.iter().any(|a| a.row.disconnected));
        assert!(agents.iter().any(|a| a.row.presence_for_ms.is_none()));
        assert!(items.iter().any(|i| i.row.holder.is_none()));
        let answer = SupervisorAnswer {
            last_seq: engine.last_seq(),
            now: engine.now(),
            supervisor: sam.clone(),
            queues: engine
                .supervised_queues(&sam)
                .into_iter()
                .filter_map(|q| engine.queue_figures(&q).map(|f| (q, f)))
                .collect(),
            agent_count: 3,
            item_count: 3,
            agents: agents.clone(),
            items: items.clone(),
        };
        check("SupervisorAnswer", &answer);
        // Round trip: the flattened rows read back as they were written.
        let again: SupervisorAnswer =
            serde_json::from_value(serde_json::to_value(&answer).unwrap()).unwrap();
        assert_eq!(again, answer);
        check(
            "SupervisorAgents",
            &SupervisorAgents {
                last_seq: 1,
                now: 2,
                total: 3,
                agents,
                next_after: Some(AgentId::from("cleo")),
            },
        );
        check(
            "SupervisorItems",
            &SupervisorItems {
                last_seq: 1,
                now: 2,
                total: 3,
                items,
                next_after: None,
            },
        );
        let schemas = schemas();
        for (schema, wrong) in [
            ("QuickReply", json!({"id": "a", "title": "", "text": "x"})),
            (
                "SupervisorItems",
                json!({"last_seq": 1, "now": 2, "total": 0, "items": [], "next_after": 5}),
            ),
            (
                "SupervisorAnswer",
                json!({"last_seq": 1, "now": 2, "supervisor": "s", "queues": {"q": {"open": 1}}, "agent_count": 0, "item_count": 0, "agents": [], "items": []}),
            ),
        ] {
            assert!(
                validate(&wrong, &r(schema), &schemas).is_err(),
                "{schema} took {wrong}"
            );
        }
    }

    /// Every `$ref` in the document names a schema it has.
    #[test]
    fn every_reference_resolves() {
        fn refs(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::String(r)) = m.get("$ref") {
                        out.push(r.clone());
                    }
                    m.values().for_each(|v| refs(v, out));
                }
                Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let doc = document(&super::super::routes::table());
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.len() > 20);
        for r in found {
            let name = r.trim_start_matches("#/components/schemas/");
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "{r} does not resolve"
            );
        }
    }
}
