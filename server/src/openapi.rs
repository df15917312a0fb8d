//! The OpenAPI 3.1 document of the HTTP API, served at `/api/openapi.json`. Written by hand next
//! to the router; the test `openapi_matches_router` calls every documented operation on a live
//! server and checks it is routed (no 404/405), and that an undocumented `/api` path is 404.

use serde_json::{json, Value};

/// Every documented operation as (method, path), in document order.
pub fn operations() -> Vec<(String, String)> {
    let doc = document();
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

fn error_responses(codes: &[&str]) -> Value {
    let mut m = serde_json::Map::new();
    for code in codes {
        let description = match *code {
            "401" => "No, unknown or expired bearer token (or wrong credentials).",
            "403" => "A forbidden act; `reason` says why. State unchanged.",
            "409" => "The routing core refused the input; `reason` is the core's. State unchanged; the `rejected` event is logged.",
            "413" => "Body over 64 KiB.",
            "422" => "Malformed body; `field` names the field. State unchanged.",
            "503" => "The server is saturated; retry with the same action id.",
            _ => "Error.",
        };
        m.insert(
            (*code).to_owned(),
            json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
    }
    Value::Object(m)
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

/// The document.
pub fn document() -> Value {
    let bearer = json!([{"bearer": []}]);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "omnidesk sync server",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "One routing core for many agents. Inputs and events are omnidesk-core's JSON vocabulary (core/CONTRACT.md). Every accepted input is durable before it is acknowledged. The WebSocket at /api/ws carries the same actions and the event stream (see server/src/ws.rs for its frames)."
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "reason"], "properties": {
                    "error": {"type": "string", "enum": ["unauthorized", "forbidden", "rejected", "invalid", "not_found", "unavailable"]},
                    "reason": {"type": "string"},
                    "field": {"type": "string", "description": "422 only: the field at fault, e.g. `input.agent`."}
                }},
                "Input": {"type": "object", "required": ["input"], "description": "An omnidesk-core input, tagged by `input` (sign_in, set_presence, accept, pick, …). `agent` (agents) or `item` (customers) may be left out and is filled in from the session.", "additionalProperties": true},
                "Stamped": {"type": "object", "required": ["seq", "at", "event"], "description": "A logged event: {seq, at, event, …fields}.", "additionalProperties": true},
                "Action": {"type": "object", "required": ["action_id", "input"], "properties": {
                    "client_id": {"type": "string", "maxLength": 200},
                    "action_id": {"type": "string", "maxLength": 200, "description": "Client-chosen; the server deduplicates on (principal, client_id, action_id) and answers a resend with the original result."},
                    "input": {"$ref": "#/components/schemas/Input"}
                }},
                "Applied": {"type": "object", "properties": {
                    "events": {"type": "array", "items": {"$ref": "#/components/schemas/Stamped"}},
                    "last_seq": {"type": "integer"}
                }}
            }
        },
        "paths": {
            "/api/health": {"get": {"summary": "Liveness and the last durable seq.", "responses": {"200": {"description": "OK"}}}},
            "/api/openapi.json": {"get": {"summary": "This document.", "responses": {"200": {"description": "OK"}}}},
            "/api/sessions": {
                "post": {"summary": "Agent sign-in with credentials; returns a session token.",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["agent", "password"], "properties": {"agent": {"type": "string"}, "password": {"type": "string"}}}}}},
                    "responses": merge(json!({"200": {"description": "{token, agent}"}}), error_responses(&["401", "413", "422", "503"]))},
                "delete": {"summary": "Ends the session of the bearer token.", "security": bearer,
                    "responses": merge(json!({"204": {"description": "Signed out"}}), error_responses(&["401", "503"]))}
            },
            "/api/session": {"get": {"summary": "The principal of the bearer token.", "security": bearer,
                "responses": merge(json!({"200": {"description": "{principal, last_seq}"}}), error_responses(&["401"]))}},
            "/api/actions": {"post": {"summary": "Sends one input (an action) to the routing core.", "security": bearer,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Action"}}}},
                "responses": merge(json!({"200": {"description": "Applied; the events it caused (header x-omnidesk-replayed on a resend).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Applied"}}}}}),
                    error_responses(&["401", "403", "409", "413", "422", "503"]))}},
            "/api/events": {"get": {"summary": "Logged events after a seq (customers: their conversation's visible events).", "security": bearer,
                "parameters": [
                    {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}}
                ],
                "responses": merge(json!({"200": {"description": "{events, next_after, last_seq}"}}), error_responses(&["401", "422"]))}},
            "/api/snapshot": {"get": {"summary": "The engine snapshot (scenarios.md's shape); agents only.", "security": bearer,
                "responses": merge(json!({"200": {"description": "{last_seq, snapshot}"}}), error_responses(&["401", "403"]))}},
            "/api/work": {"get": {"summary": "The signed-in agent's streams: my (R19), open (R20), closed (R21).", "security": bearer,
                "responses": merge(json!({"200": {"description": "{last_seq, my, open, closed}"}}), error_responses(&["401", "403"]))}},
            "/api/conversations": {"post": {"summary": "A customer starts a live chat: an `arrive` on chat in the live-chat queue; returns a token for this conversation alone.",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["name", "question"], "properties": {"name": {"type": "string"}, "question": {"type": "string"}, "email": {"type": "string"}, "language": {"type": "string"}}}}}},
                "responses": merge(json!({"201": {"description": "{item, token, events, last_seq}"}}), error_responses(&["404", "409", "413", "422", "503"]))}},
            "/api/ws": {"get": {"summary": "WebSocket upgrade: auth in the first frame, actions, and the event stream.",
                "responses": merge(json!({"101": {"description": "Switching protocols"}}), error_responses(&["403"]))}}
        }
    })
}
