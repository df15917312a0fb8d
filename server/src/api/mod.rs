//! The HTTP API (JSON, omnidesk-wire's bodies), the WebSocket (omnidesk-wire's frames) and the
//! static app.
//!
//! Statuses: 401 no or bad token (or wrong password), 403 a forbidden act with the reason, 409
//! a rule the core refuses (its `rejected` reason), 422 a malformed body naming the field, 413 a
//! body over 64 KiB, 503 the hub is saturated. State is unchanged by all of them.
//!
//! Layering (each module uses only those before it; no cycles):
//! 1. [`error`]: [`error::ApiError`], every error answer as the wire's `ErrorBody`.
//! 2. [`extract`]: bodies and frames into wire types (422 naming the field), the bearer
//!    token into a principal, an action's input through the core's parser.
//! 3. [`doc`]: OpenAPI fragments, and the handler serving the built document.
//! 4. One module per route group: [`sessions`], [`actions`], [`reads`], [`conversations`],
//!    [`debug`], [`supervisor`] (R28's view), [`quick_replies`] (an agent's own), [`ws`]
//!    (the WebSocket); [`app`] (the static files).
//! 5. [`routes`]: the table of operations (method, path, handler, OpenAPI operation).
//! 6. [`openapi`]: the document, from the table.
//! 7. This module: [`router`], from the table, the document and the app.

pub mod actions;
pub mod app;
pub mod conversations;
pub mod debug;
pub mod doc;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod quick_replies;
pub mod reads;
pub mod routes;
pub mod sessions;
pub mod supervisor;
pub mod ws;

use crate::hub::Hub;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Extension, Router};
use std::path::Path;
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};

pub use extract::MAX_MESSAGE;

/// The whole router: the API from [`routes::table`], 404 for any other `/api/…`, and the app
/// from `dist` (index.html, marked with [`app::SERVER_MARKER`], for `/` and deep links).
pub fn router(hub: Hub, dist: &Path) -> Router {
    let origins = hub.config.allowed_origins.clone();
    let table = routes::table();
    let document = doc::Document(Arc::new(openapi::document(&table)));
    let mut api = Router::new();
    for r in table {
        // The same path twice with different methods merges into one route.
        api = api.route(&r.path, r.route);
    }
    let api = api
        .route("/api/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(Extension(document))
        .layer(DefaultBodyLimit::max(MAX_MESSAGE));
    let api = if origins.is_empty() {
        api
    } else {
        let list: Vec<HeaderValue> = origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        api.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(list))
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
        )
    };
    // index.html is read once: marked, it is served from memory. Without one, the directory is
    // served as it is.
    match std::fs::read_to_string(dist.join("index.html")) {
        Ok(html) => {
            let index = Bytes::from(app::mark_index(&html));
            let files = ServeDir::new(dist);
            api.fallback(move |req: Request| app::serve_app(files.clone(), index.clone(), req))
                .with_state(hub)
        }
        Err(_) => {
            let app = ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html")));
            api.fallback_service(app).with_state(hub)
        }
    }
}

async fn method_not_allowed(method: Method) -> Response {
    let mut e = error::ApiError::not_found(format!("this route does not take {method}"));
    e.status = axum::http::StatusCode::METHOD_NOT_ALLOWED;
    e.into_response()
}

async fn api_not_found() -> Response {
    error::ApiError::not_found("no such API route").into_response()
}
