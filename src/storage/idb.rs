//! The browser side of the driver: the clock, IndexedDB persistence (a versioned snapshot plus
//! a bounded event log) and the Web Locks leader election that keeps two tabs from running two
//! engines on one save.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbKeyRange, IdbRequest, IdbTransaction, IdbTransactionMode};

/// The browser's clock, in milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Sets a `performance.mark` (benchmarks read them).
/// A line in the browser console (developers' diagnostics, never the agent's only notice).
pub fn log(text: &str) {
    web_sys::console::log_1(&wasm_bindgen::JsValue::from_str(text));
}

pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// The page's query string.
pub fn query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

const DB_NAME: &str = "omnidesk";
const DB_VERSION: u32 = 1;
const META: &str = "meta";
const LOG: &str = "log";
const ASIDE: &str = "aside";

/// A message for the status line from a failed storage call.
pub fn describe(err: &JsValue) -> String {
    if let Some(e) = err.dyn_ref::<web_sys::DomException>() {
        if e.name() == "QuotaExceededError" {
            return "the browser's storage is full".to_owned();
        }
        return format!("{}: {}", e.name(), e.message());
    }
    err.as_string()
        .or_else(|| {
            Reflect::get(err, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "unknown storage error".to_owned())
}

/// Waits for an IndexedDB request's result.
async fn request(req: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let ok_req = req.clone();
        let ok = Closure::once_into_js(move |_: JsValue| {
            let _ = resolve.call1(
                &JsValue::NULL,
                &ok_req.result().unwrap_or(JsValue::UNDEFINED),
            );
        });
        let err_req = req.clone();
        let err = Closure::once_into_js(move |_: JsValue| {
            let e = err_req.error().ok().flatten().map(JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &e.unwrap_or(JsValue::UNDEFINED));
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(err.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

/// Waits for a transaction to commit (or fail: a full quota surfaces here).
async fn committed(tx: &IdbTransaction) -> Result<(), JsValue> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let ok = Closure::once_into_js(move |_: JsValue| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let fail_tx = tx.clone();
        let reject2 = reject.clone();
        let fail = Closure::once_into_js(move |_: JsValue| {
            let e = fail_tx.error().map(JsValue::from);
            let _ = reject2.call1(&JsValue::NULL, &e.unwrap_or(JsValue::UNDEFINED));
        });
        let abort_tx = tx.clone();
        let abort = Closure::once_into_js(move |_: JsValue| {
            let e = abort_tx.error().map(JsValue::from);
            let _ = reject.call1(
                &JsValue::NULL,
                &e.unwrap_or_else(|| JsValue::from_str("the save was aborted")),
            );
        });
        tx.set_oncomplete(Some(ok.unchecked_ref()));
        tx.set_onerror(Some(fail.unchecked_ref()));
        tx.set_onabort(Some(abort.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(|_| ())
}

/// What was found in storage.
#[derive(Default)]
pub struct Loaded {
    pub snapshot: Option<String>,
    pub log: Vec<String>,
    pub ui: Option<String>,
}

/// The app's IndexedDB database.
#[derive(Clone)]
pub struct Store {
    db: IdbDatabase,
}

impl Store {
    /// Opens (and on first use creates) the database.
    pub async fn open() -> Result<Store, JsValue> {
        let factory = web_sys::window()
            .ok_or_else(|| JsValue::from_str("no window"))?
            .indexed_db()?
            .ok_or_else(|| JsValue::from_str("IndexedDB is not available"))?;
        let open = factory.open_with_u32(DB_NAME, DB_VERSION)?;
        let upgrade_req = open.clone();
        let on_upgrade = Closure::once_into_js(move |_: JsValue| {
            if let Ok(db) = upgrade_req.result() {
                let db: IdbDatabase = db.unchecked_into();
                let names = db.object_store_names();
                for name in [META, LOG, ASIDE] {
                    if !names.contains(name) {
                        let _ = db.create_object_store(name);
                    }
                }
            }
        });
        open.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
        let db = request(&open).await?;
        Ok(Store {
            db: db.unchecked_into(),
        })
    }

    fn tx(&self, stores: &[&str], write: bool) -> Result<IdbTransaction, JsValue> {
        let names = Array::new();
        for s in stores {
            names.push(&JsValue::from_str(s));
        }
        let mode = if write {
            IdbTransactionMode::Readwrite
        } else {
            IdbTransactionMode::Readonly
        };
        self.db.transaction_with_str_sequence_and_mode(&names, mode)
    }

    /// Reads the snapshot, the events after it (in order) and the UI state.
    pub async fn load(&self) -> Result<Loaded, JsValue> {
        let tx = self.tx(&[META, LOG], false)?;
        let meta = tx.object_store(META)?;
        let snapshot = request(&meta.get(&"snapshot".into())?).await?.as_string();
        let ui = request(&meta.get(&"ui".into())?).await?.as_string();
        let all = request(&tx.object_store(LOG)?.get_all()?).await?;
        let log = Array::from(&all)
            .iter()
            .filter_map(|v| v.as_string())
            .collect();
        Ok(Loaded { snapshot, log, ui })
    }

    /// Appends events (one JSON line each, keyed by seq).
    pub async fn append(&self, events: &[(u64, String)]) -> Result<(), JsValue> {
        let tx = self.tx(&[LOG], true)?;
        let log = tx.object_store(LOG)?;
        for (seq, line) in events {
            log.put_with_key(&JsValue::from_str(line), &JsValue::from_f64(*seq as f64))?;
        }
        committed(&tx).await
    }

    /// Writes a snapshot and drops the events it contains, in one transaction.
    pub async fn snapshot(&self, json: &str, seq: u64) -> Result<(), JsValue> {
        let tx = self.tx(&[META, LOG], true)?;
        tx.object_store(META)?
            .put_with_key(&JsValue::from_str(json), &"snapshot".into())?;
        let range = IdbKeyRange::upper_bound(&JsValue::from_f64(seq as f64))?;
        tx.object_store(LOG)?.delete(&range)?;
        committed(&tx).await
    }

    /// Saves the UI state (open sessions, the selected one).
    pub async fn save_ui(&self, json: &str) -> Result<(), JsValue> {
        let tx = self.tx(&[META], true)?;
        tx.object_store(META)?
            .put_with_key(&JsValue::from_str(json), &"ui".into())?;
        committed(&tx).await
    }

    /// Moves an unusable save aside (kept under the time it was set aside) and empties the
    /// live save. `what` is the snapshot and log as found.
    pub async fn set_aside(&self, what: &str) -> Result<(), JsValue> {
        let tx = self.tx(&[META, LOG, ASIDE], true)?;
        tx.object_store(ASIDE)?.put_with_key(
            &JsValue::from_str(what),
            &JsValue::from_f64(js_sys::Date::now()),
        )?;
        tx.object_store(META)?.clear()?;
        tx.object_store(LOG)?.clear()?;
        committed(&tx).await
    }

    /// Empties the live save (`?reset`).
    pub async fn clear(&self) -> Result<(), JsValue> {
        let tx = self.tx(&[META, LOG], true)?;
        tx.object_store(META)?.clear()?;
        tx.object_store(LOG)?.clear()?;
        committed(&tx).await
    }
}

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
