//! Security headers on every response (issue 18, ASVS V14.4): the app's
//! Content-Security-Policy, `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
//! and framing: nothing may be framed (`frame-ancestors 'none'`, `X-Frame-Options: DENY`)
//! except `/chat`, which the `--chat-embed-origin` origins may frame.
//!
//! The policy:
//!
//! ```text
//! default-src 'self'; script-src 'self' 'sha256-…' 'wasm-unsafe-eval'; style-src 'self';
//! img-src 'self' data:; connect-src 'self' ws://HOST wss://HOST <--allow-origin ones>;
//! object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'
//! ```
//!
//! `'sha256-…'` are the hashes of the inline scripts of the served `index.html` (Trunk's
//! bootstrap `<script type="module">`), computed at start-up, so no other inline script runs.
//! `'wasm-unsafe-eval'` lets the page compile its WebAssembly and nothing else. `HOST` is the
//! request's `Host` (only host characters; without one, `'self'` alone), so the app's own
//! WebSocket is allowed on whatever name the server is reached by.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// What the headers are built from.
#[derive(Clone, Debug, Default)]
pub struct HeaderPolicy {
    /// `'sha256-…'` sources of the index's inline scripts.
    script_hashes: Vec<String>,
    /// `--allow-origin` origins, with their WebSocket forms.
    connect: Vec<String>,
    /// `frame-ancestors` of `/chat`: the `--chat-embed-origin` origins, or `'none'`.
    chat_ancestors: String,
    chat_embeddable: bool,
}

impl HeaderPolicy {
    /// From the served index.html (if any), the allowed origins and the chat embed origins.
    pub fn new(
        index_html: Option<&str>,
        allowed: &[String],
        chat_embed: &[String],
    ) -> HeaderPolicy {
        let script_hashes = index_html
            .map(inline_scripts)
            .unwrap_or_default()
            .iter()
            .map(|s| format!("'sha256-{}'", base64(&Sha256::digest(s.as_bytes()))))
            .collect();
        let mut connect = Vec::new();
        for o in allowed.iter().filter(|o| is_origin(o)) {
            connect.push(o.clone());
            if let Some(rest) = o.strip_prefix("https://") {
                connect.push(format!("wss://{rest}"));
            } else if let Some(rest) = o.strip_prefix("http://") {
                connect.push(format!("ws://{rest}"));
            }
        }
        let embed: Vec<&String> = chat_embed.iter().filter(|o| is_origin(o)).collect();
        HeaderPolicy {
            script_hashes,
            connect,
            chat_ancestors: if embed.is_empty() {
                "'none'".into()
            } else {
                embed
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            },
            chat_embeddable: !embed.is_empty(),
        }
    }

    /// The Content-Security-Policy for a request to `path` with this `Host`.
    pub fn csp(&self, path: &str, host: Option<&str>) -> String {
        let mut script = String::from("'self'");
        for h in &self.script_hashes {
            script.push(' ');
            script.push_str(h);
        }
        let mut connect = String::from("'self'");
        if let Some(h) = host.filter(|h| is_host(h)) {
            connect.push_str(&format!(" ws://{h} wss://{h}"));
        }
        for c in &self.connect {
            connect.push(' ');
            connect.push_str(c);
        }
        let ancestors = if is_chat(path) {
            self.chat_ancestors.as_str()
        } else {
            "'none'"
        };
        format!(
            "default-src 'self'; script-src {script} 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data:; connect-src {connect}; object-src 'none'; base-uri 'self'; \
             form-action 'self'; frame-ancestors {ancestors}"
        )
    }
}

/// `/chat` and what is under it (the customer's page).
fn is_chat(path: &str) -> bool {
    path == "/chat" || path.starts_with("/chat/") || path.starts_with("/chat?")
}

/// `scheme://host[:port]` with nothing a CSP would read as another source.
fn is_origin(o: &str) -> bool {
    let rest = o
        .strip_prefix("https://")
        .or_else(|| o.strip_prefix("http://"));
    rest.is_some_and(is_host)
}

fn is_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

/// The contents of the `<script>` elements without `src` (what a hash source must match).
pub fn inline_scripts(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<script") {
        let start = from + i;
        let Some(tag_end) = lower[start..].find('>').map(|j| start + j + 1) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</script").map(|j| tag_end + j) else {
            break;
        };
        let tag = &lower[start..tag_end];
        if !tag.contains(" src=") && !tag.contains("\tsrc=") && !tag.contains("\nsrc=") {
            out.push(html[tag_end..close].to_owned());
        }
        from = close;
    }
    out
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (k, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if k <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The middleware: the headers on whatever the router answered.
async fn apply(State(policy): State<Arc<HeaderPolicy>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&policy.csp(&path, host.as_deref())) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !(is_chat(&path) && policy.chat_embeddable) {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    r
}

/// `router` with the headers on every response.
pub fn secure(router: Router, policy: HeaderPolicy) -> Router {
    router.layer(axum::middleware::from_fn_with_state(
        Arc::new(policy),
        apply,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        // sha256("") as CSP writes it.
        assert_eq!(
            base64(&Sha256::digest(b"")),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn only_inline_scripts_are_hashed() {
        let html = r#"<head><script src="/a.js"></script><script type="module">init('/x.wasm');</script></head><body><SCRIPT>b()</SCRIPT>"#;
        assert_eq!(inline_scripts(html), ["init('/x.wasm');", "b()"]);
    }

    #[test]
    fn chat_may_be_framed_by_the_embed_origins_only() {
        let p = HeaderPolicy::new(
            Some("<script>x</script>"),
            &[
                "https://app.example".into(),
                "bad origin; script-src *".into(),
            ],
            &["https://shop.example".into()],
        );
        let desk = p.csp("/", Some("desk.example:8080"));
        assert!(desk.contains("frame-ancestors 'none'"), "{desk}");
        assert!(desk.contains("connect-src 'self' ws://desk.example:8080 wss://desk.example:8080 https://app.example wss://app.example;"), "{desk}");
        assert!(!desk.contains("bad origin"));
        assert!(desk.contains("'wasm-unsafe-eval'"));
        assert!(p
            .csp("/chat", None)
            .contains("frame-ancestors https://shop.example"));
        assert!(p.csp("/chatter", None).contains("frame-ancestors 'none'"));
        // A Host that would smuggle a source in is left out.
        assert!(!p.csp("/", Some("x; script-src *")).contains("script-src *"));
    }
}
