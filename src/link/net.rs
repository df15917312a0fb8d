//! Browser glue of server mode (wasm only): where the server is, the saved sign-in, and JSON
//! over `fetch`. Thin wrappers over `web-sys` rather than gloo-net, to keep the bundle inside
//! its budget (the JSON is parsed by the browser's own `JSON.parse`).

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `localStorage` key of the signed-in session: `base \t agent \t token`.
const SESSION_KEY: &str = "omnidesk.server-session";

/// `?server=URL`: the server named in the address, if any ([`Params::server`], decoded).
///
/// [`Params::server`]: crate::runtime::params::Params::server
pub fn server_param() -> Option<String> {
    let raw = crate::runtime::params::Params::parse(&crate::runtime::browser::query()).server?;
    let url = js_sys::decode_uri_component(&raw)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or(raw);
    crate::runtime::params::server_url(&url)
}

/// The server the server build follows: `?server=URL`, else the page's own origin with the
/// API path of the `omnidesk-server` meta tag the server puts in the page it serves (`/` when
/// the tag is missing). Always ends with `/`.
pub fn server_base() -> String {
    if let Some(url) = server_param() {
        return url;
    }
    let Some(window) = web_sys::window() else {
        return "/".into();
    };
    let path = window
        .document()
        .and_then(|d| {
            d.query_selector("meta[name=omnidesk-server]")
                .ok()
                .flatten()
        })
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_else(|| "/".into());
    let origin = window.location().origin().unwrap_or_default();
    let path = path.trim_matches('/');
    if path.is_empty() {
        format!("{origin}/")
    } else {
        format!("{origin}/{path}/")
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn local_get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

pub fn local_set(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = if value.is_empty() {
            s.remove_item(key)
        } else {
            s.set_item(key, value)
        };
    }
}

/// A saved sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedSession {
    pub base: String,
    pub agent: String,
    pub token: String,
}

/// The sign-in saved for `base` (a token for another server is not used).
pub fn saved_session(base: &str) -> Option<SavedSession> {
    let text = local_get(SESSION_KEY)?;
    let mut f = text.split('\t');
    let s = SavedSession {
        base: f.next()?.to_owned(),
        agent: f.next()?.to_owned(),
        token: f.next()?.to_owned(),
    };
    (s.base == base && !s.token.is_empty()).then_some(s)
}

pub fn save_session(s: Option<&SavedSession>) {
    match s {
        Some(s) => local_set(
            SESSION_KEY,
            &format!("{}\t{}\t{}", s.base, s.agent, s.token),
        ),
        None => local_set(SESSION_KEY, ""),
    }
}

/// What a request came back with: the HTTP status and the parsed JSON body (`null` when the
/// body wasn't JSON).
pub struct Answer {
    pub status: u16,
    pub body: JsValue,
}

impl Answer {
    /// The `reason` of an error body.
    pub fn reason(&self) -> Option<String> {
        js_sys::Reflect::get(&self.body, &"reason".into())
            .ok()
            .and_then(|r| r.as_string())
    }
}

/// `method url` with an optional bearer token and JSON body. `Err` is a network failure (the
/// server is unreachable), described for people.
pub async fn request(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<String>,
) -> Result<Answer, String> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(describe)?;
    if let Some(t) = token {
        headers
            .set("authorization", &format!("Bearer {t}"))
            .map_err(describe)?;
    }
    if let Some(b) = body {
        headers
            .set("content-type", "application/json")
            .map_err(describe)?;
        init.set_body(&JsValue::from_str(&b));
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(describe)?
        .dyn_into()
        .map_err(describe)?;
    let status = response.status();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    }
    .unwrap_or_default();
    let body = js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL);
    Ok(Answer { status, body })
}

fn describe(e: JsValue) -> String {
    crate::runtime::browser::describe(&e)
}

/// A random id (client ids): time and `Math.random`, enough to never collide between loads.
pub fn random_id() -> String {
    format!(
        "{:x}{:08x}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 4e9) as u64
    )
}
