//! OpenAPI fragments the route table ([`super::routes`]) describes its operations with, and
//! the handler that serves the document (built once from the table by [`super::openapi`] and
//! handed in as an extension, so that neither depends on the other's other half).

use axum::{Extension, Json};
use serde_json::{json, Value};
use std::sync::Arc;

/// The document as served (an extension of the router).
#[derive(Clone)]
pub struct Document(pub Arc<Value>);

/// `GET /api/openapi.json`.
pub async fn serve(Extension(doc): Extension<Document>) -> Json<Value> {
    Json((*doc.0).clone())
}

/// `security` of an operation that takes the bearer token.
pub fn bearer() -> Value {
    json!([{"bearer": []}])
}

/// A `requestBody` of JSON with the named schema.
pub fn body(schema: &str) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema_ref(schema)}}})
}

/// `{"$ref": "#/components/schemas/<name>"}`.
pub fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// `responses` with one success without a body.
pub fn ok(code: &str, description: &str) -> Value {
    json!({ code: {"description": description} })
}

/// `responses` with one success whose body is the named schema.
pub fn ok_schema(code: &str, description: &str, schema: &str) -> Value {
    json!({ code: {"description": description, "content": {"application/json": {"schema": schema_ref(schema)}}}})
}

/// `responses` plus the error responses with these codes.
pub fn errors(mut responses: Value, codes: &[&str]) -> Value {
    if let Some(map) = responses.as_object_mut() {
        for code in codes {
            let description = match *code {
                "401" => "No, unknown or expired bearer token (or wrong credentials).",
                "403" => "A forbidden act; `reason` says why. State unchanged.",
                "409" => "The routing core refused the input; `reason` is the core's. State unchanged; the `rejected` event is logged.",
                "404" => "Not found; `reason` says what.",
                "413" => "Body over 64 KiB.",
                "422" => "Malformed body; `field` names the field. State unchanged.",
                "429" => "Throttled (too many failed sign-ins, or chats started from this address); `Retry-After` and `retry_after` give the wait in seconds.",
                "503" => "The server is saturated; retry with the same action id.",
                _ => "Error.",
            };
            let schema = if *code == "409" { "Refusal" } else { "Error" };
            map.insert(
                (*code).to_owned(),
                json!({"description": description, "content": {"application/json": {"schema": schema_ref(schema)}}}),
            );
        }
    }
    responses
}
