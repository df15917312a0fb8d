//! The OpenAPI 3.1 document of the HTTP API, served at `/api/openapi.json`. Its `paths` are
//! generated from [`crate::http::api_routes`], the one list the router's API routes are built
//! from (each entry carries its operation object), so routes and document cannot drift apart.
//! The tests in `tests/api.rs` check every operation is really documented (summary, a success
//! response), that each one answers on a live server (no 404/405, other methods 405), and that
//! no route is added around the list.

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

/// `security` of an operation that takes the bearer token.
pub fn bearer() -> Value {
    json!([{"bearer": []}])
}

/// A `requestBody` of JSON with this schema.
pub fn body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

/// `responses` with one success.
pub fn ok(code: &str, description: &str) -> Value {
    json!({ code: {"description": description} })
}

/// `responses` with one success whose body is a named schema.
pub fn ok_schema(code: &str, description: &str, schema: &str) -> Value {
    json!({ code: {"description": description, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}})
}

/// `responses` plus the error responses with these codes.
pub fn errors(responses: Value, codes: &[&str]) -> Value {
    merge(responses, error_responses(codes))
}

fn error_responses(codes: &[&str]) -> Value {
    let mut m = serde_json::Map::new();
    for code in codes {
        let description = match *code {
            "401" => "No, unknown or expired bearer token (or wrong credentials).",
            "403" => "A forbidden act; `reason` says why. State unchanged.",
            "409" => "The routing core refused the input; `reason` is the core's. State unchanged; the `rejected` event is logged.",
            "404" => "Not found; `reason` says what.",
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
        "paths": paths()
    })
}

/// `paths`, generated from [`crate::http::api_routes`], the list the router is built from.
fn paths() -> Value {
    let mut paths = serde_json::Map::new();
    for r in crate::http::api_routes() {
        let item = paths.entry(r.path).or_insert_with(|| json!({}));
        item[r.method.as_str().to_lowercase()] = r.operation;
    }
    Value::Object(paths)
}
