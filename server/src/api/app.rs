//! The static app (`dist-server/`, the app's server build): index.html for `/` and deep
//! links, marked with [`SERVER_MARKER`] so the app runs as this server's client; other files
//! as they are.

use super::error::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use omnidesk_wire::ErrorKind;
use tower_http::services::ServeDir;

/// The `<meta>` that tells the app it is served by this server (server mode); its `content` is
/// the API's base path.
pub const SERVER_MARKER: &str = r#"<meta name="omnidesk-server" content="/">"#;

/// The app's index.html with [`SERVER_MARKER`] inserted at the start of its `<head>` (or, for
/// a page without a `<head>` tag, after the doctype, where the parser's implied head begins).
pub fn mark_index(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let head = lower
        .match_indices("<head")
        .find(|(i, _)| {
            // `<head>` or `<head …>`, not `<header>`.
            matches!(
                lower.as_bytes().get(i + 5),
                Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')
            )
        })
        .and_then(|(i, _)| lower[i..].find('>').map(|j| i + j + 1));
    let at = head.unwrap_or_else(|| {
        if lower.trim_start().starts_with("<!doctype") {
            lower.find('>').map_or(0, |j| j + 1)
        } else {
            0
        }
    });
    format!("{}{SERVER_MARKER}{}", &html[..at], &html[at..])
}

/// The marked index.html as served: HTML, revalidated on every load (it names the hashed
/// assets of the current build).
fn index_page(index: Bytes) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        index,
    )
        .into_response()
}

/// The app: `/` and `/index.html` are the marked index, other files come from `files`, and
/// what is not a file (a deep link such as `/chat`) is the marked index too.
pub async fn serve_app(mut files: ServeDir, index: Bytes, req: Request) -> Response {
    let path = req.uri().path();
    if matches!(*req.method(), Method::GET | Method::HEAD) && (path == "/" || path == "/index.html")
    {
        return index_page(index);
    }
    match files.try_call(req).await {
        Ok(r) if r.status() == StatusCode::NOT_FOUND => index_page(index),
        Ok(r) => r.map(Body::new),
        Err(e) => {
            let mut r = ApiError::new(
                ErrorKind::Unavailable,
                format!("the app's files could not be read: {e}"),
            )
            .into_response();
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            r
        }
    }
}
