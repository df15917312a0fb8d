//! The app as the server serves it, over a real socket: index.html carries the server-mode
//! marker (`<meta name="omnidesk-server" content="/">`) for `/`, `/index.html` and deep links,
//! other files are served as they are, and unknown `/api/…` paths stay JSON 404s.

mod common;

use common::{start_with_app, TestServer};
use omnidesk_server::api::app::{mark_index, SERVER_MARKER};
use serde_json::Value;

const INDEX: &str = "<!DOCTYPE html>
<html lang=\"en\">
  <head>
    <meta charset=\"utf-8\" />
    <title>omnidesk — agent workspace</title>
    <link rel=\"stylesheet\" href=\"/main-1234.css\"/>
  <link rel=\"modulepreload\" href=\"/omnidesk-5678.js\"></head>
  <body></body>
</html>
";
const JS: &str = "export default function init() { return '<head>'; }\n";
const CSS: &str = "body { margin: 0 }\n";

fn app() -> Vec<(&'static str, &'static str)> {
    vec![
        ("index.html", INDEX),
        ("omnidesk-5678.js", JS),
        ("main-1234.css", CSS),
        (
            "assets/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ),
    ]
}

struct Got {
    status: u16,
    content_type: String,
    cache_control: Option<String>,
    body: String,
}

async fn fetch(s: &TestServer, path: &str) -> Got {
    let resp = s
        .http
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let content_type = header("content-type").unwrap_or_default();
    let cache_control = header("cache-control");
    Got {
        status: resp.status().as_u16(),
        content_type,
        cache_control,
        body: resp.text().await.unwrap(),
    }
}

/// The marked page: the original with the marker once, inside `<head>`.
fn assert_marked(what: &str, got: &Got) {
    assert_eq!(got.status, 200, "{what}");
    assert!(
        got.content_type.starts_with("text/html"),
        "{what}: {}",
        got.content_type
    );
    assert_eq!(got.cache_control.as_deref(), Some("no-cache"), "{what}");
    assert_eq!(
        got.body.matches(SERVER_MARKER).count(),
        1,
        "{what}: {}",
        got.body
    );
    let marker = got.body.find(SERVER_MARKER).unwrap();
    let head = got.body.find("<head>").unwrap();
    let head_end = got.body.find("</head>").unwrap();
    assert!(head < marker && marker < head_end, "{what}: {}", got.body);
    assert_eq!(got.body.replacen(SERVER_MARKER, "", 1), INDEX, "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_is_marked_for_server_mode_and_other_files_are_not() {
    let s = start_with_app(&app()).await;
    for path in ["/", "/index.html", "/chat", "/sessions/42", "/chat?x=1"] {
        assert_marked(path, &fetch(&s, path).await);
    }
    for (path, body, ty) in [
        ("/omnidesk-5678.js", JS, "javascript"),
        ("/main-1234.css", CSS, "text/css"),
        (
            "/assets/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "image/svg+xml",
        ),
    ] {
        let got = fetch(&s, path).await;
        assert_eq!(got.status, 200, "{path}");
        assert_eq!(got.body, body, "{path}");
        assert!(
            got.content_type.contains(ty),
            "{path}: {}",
            got.content_type
        );
    }
    // The API's unknown paths stay JSON 404s, never the app.
    for path in ["/api/nope", "/api/chat/42", "/api/index.html"] {
        let got = fetch(&s, path).await;
        assert_eq!(got.status, 404, "{path}");
        assert!(got.content_type.starts_with("application/json"), "{path}");
        let body: Value = serde_json::from_str(&got.body).unwrap();
        assert_eq!(body["error"], "not_found", "{path}");
    }
    // Other methods on the app are still refused.
    let resp = s.http.post(format!("{}/", s.base)).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_index_the_directory_is_served_as_it_is() {
    let s = start_with_app(&[("robots.txt", "User-agent: *\n")]).await;
    let got = fetch(&s, "/robots.txt").await;
    assert_eq!((got.status, got.body.as_str()), (200, "User-agent: *\n"));
    assert_eq!(fetch(&s, "/").await.status, 404);
    assert_eq!(fetch(&s, "/chat").await.status, 404);
    assert_eq!(fetch(&s, "/api/nope").await.status, 404);
}

#[test]
fn the_marker_goes_at_the_start_of_the_head() {
    let m = SERVER_MARKER;
    assert_eq!(
        mark_index("<html><head><title>t</title></head></html>"),
        format!("<html><head>{m}<title>t</title></head></html>")
    );
    assert_eq!(
        mark_index("<HTML><HEAD lang=\"en\">\n<title>t</title>"),
        format!("<HTML><HEAD lang=\"en\">{m}\n<title>t</title>")
    );
    // `<header>` is not `<head>`.
    assert_eq!(
        mark_index("<!doctype html><header>x</header>"),
        format!("<!doctype html>{m}<header>x</header>")
    );
    // No `<head>` tag: after the doctype (the implied head), or at the start.
    assert_eq!(
        mark_index("<!doctype html><title>t</title>"),
        format!("<!doctype html>{m}<title>t</title>")
    );
    assert_eq!(
        mark_index("<title>t</title>"),
        format!("{m}<title>t</title>")
    );
}
