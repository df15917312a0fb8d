//! The Web Lock that elects the one tab that runs the standalone engine on a save: a second
//! tab shows "omnidesk is open in another tab" and takes over when the first one closes.
//! (`navigator.locks` is not in web-sys's stable set, so it is called through `Reflect`.)

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The name of the Web Lock the leading tab holds for as long as it lives.
const LOCK: &str = "omnidesk-centre";

/// Who runs the engine on the save.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leadership {
    /// This tab holds the lock (or the browser has no Web Locks: it runs alone).
    Leader,
    /// Another tab of the app holds it.
    Follower,
}

fn lock_manager() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    Reflect::get(&navigator, &"locks".into())
        .ok()
        .filter(|l| !l.is_undefined() && !l.is_null())
}

/// Requests the lock. With `wait` false it answers at once; with `wait` true it resolves when
/// the lock is granted (the leading tab closed). The lock is then held until the page goes.
pub async fn lead(wait: bool) -> Leadership {
    let Some(locks) = lock_manager() else {
        return Leadership::Leader;
    };
    let Ok(request_fn) = Reflect::get(&locks, &"request".into()) else {
        return Leadership::Leader;
    };
    let request_fn: Function = request_fn.unchecked_into();
    let granted = Promise::new(&mut |resolve: Function, _reject: Function| {
        let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
            let got = !lock.is_null() && !lock.is_undefined();
            let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(got));
            if got {
                // Held until the page unloads: a promise that never settles.
                Promise::new(&mut |_, _| {}).into()
            } else {
                JsValue::NULL
            }
        });
        let options = Object::new();
        let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::from_bool(!wait));
        let _ = request_fn.call3(&locks, &JsValue::from_str(LOCK), &options, &callback);
    });
    match JsFuture::from(granted).await {
        Ok(v) if v.as_bool() == Some(false) => Leadership::Follower,
        _ => Leadership::Leader,
    }
}
