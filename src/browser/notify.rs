//! The browser's own notification of an offer (shown when the page is hidden, once the agent
//! allowed it through a button; its `show` event confirms the offer was seen, R23) and the optional offer sound (a Web Audio beep).

use wasm_bindgen::JsCast;

/// The notification permission: "default", "granted", "denied", or "unsupported".
pub fn permission() -> String {
    let has = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"Notification".into()).ok())
        .is_some_and(|n| !n.is_undefined());
    if !has {
        return "unsupported".to_owned();
    }
    match web_sys::Notification::permission() {
        web_sys::NotificationPermission::Granted => "granted",
        web_sys::NotificationPermission::Denied => "denied",
        _ => "default",
    }
    .to_owned()
}

/// Asks for permission (needs a user gesture); calls `done` with the answer.
pub fn request(done: impl Fn(String) + 'static) {
    let Ok(promise) = web_sys::Notification::request_permission() else {
        return;
    };
    leptos::task::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        done(permission());
    });
}

/// Whether the page is hidden (another tab or a minimised window).
pub fn hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden)
}

/// Shows the browser's notification when the page is hidden and the agent allowed it;
/// `shown` runs on its `show` event (R23: a person has been shown the offer).
pub fn show(title: &str, body: &str, shown: impl FnOnce() + 'static) {
    if !hidden() || permission() != "granted" {
        return;
    }
    let options = web_sys::NotificationOptions::new();
    options.set_body(body);
    options.set_tag("omnidesk-offer");
    if let Ok(n) = web_sys::Notification::new_with_options(title, &options) {
        let on_click = wasm_bindgen::closure::Closure::once_into_js(move || {
            if let Some(w) = web_sys::window() {
                let _ = w.focus();
            }
        });
        n.set_onclick(Some(on_click.unchecked_ref()));
        let on_show = wasm_bindgen::closure::Closure::once_into_js(shown);
        n.set_onshow(Some(on_show.unchecked_ref()));
    }
}

/// A short two-tone beep.
pub fn beep() {
    let Ok(ctx) = web_sys::AudioContext::new() else {
        return;
    };
    let t = ctx.current_time();
    for (k, freq) in [880.0f32, 660.0].into_iter().enumerate() {
        let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
            return;
        };
        let start = t + k as f64 * 0.18;
        osc.frequency().set_value(freq);
        let _ = gain.gain().set_value_at_time(0.15, start);
        let _ = gain.gain().linear_ramp_to_value_at_time(0.0, start + 0.16);
        let _ = osc.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&ctx.destination());
        let _ = osc.start_with_when(start);
        let _ = osc.stop_with_when(start + 0.17);
    }
}
