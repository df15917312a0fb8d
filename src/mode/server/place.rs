//! Where this page is: the server it follows, the app path it is at, and the message the
//! sign-in page shows when the agent arrives there.

/// The server this page follows: `?server=URL`, else the page's own origin with the API path
/// of the `omnidesk-server` meta tag the server puts in the page it serves (`/` when the tag
/// is missing). Always ends with `/`.
pub fn server_base() -> String {
    let window = web_sys::window();
    let query = window
        .as_ref()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let param = crate::model::params::Params::parse(&query)
        .server
        .and_then(|raw| {
            let url = js_sys::decode_uri_component(&raw)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or(raw);
            crate::model::params::server_url(&url)
        });
    if let Some(url) = param {
        return url;
    }
    let Some(window) = window else {
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

/// Where the sign-in page's message waits: sessionStorage, so it survives the page load that
/// brings the desk's bundle (a supervisor page whose session ended goes to the desk's
/// `/signin`).
const SIGNIN_MESSAGE: &str = "omnidesk.signin-message";

/// Leaves a message for the sign-in page.
pub fn tell_signin(message: String) {
    use gloo_storage::Storage;
    let _ = gloo_storage::SessionStorage::set(SIGNIN_MESSAGE, message);
}

pub fn take_signin_message() -> String {
    use gloo_storage::Storage;
    let message = gloo_storage::SessionStorage::get(SIGNIN_MESSAGE).unwrap_or_default();
    gloo_storage::SessionStorage::delete(SIGNIN_MESSAGE);
    message
}
