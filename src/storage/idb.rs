//! IndexedDB: the snapshot and the bounded input log, each the JSON text of its serde value
//! ([`crate::centre::save`], [`crate::storage::clone`]), the open sessions, and a store
//! where an unusable save is set aside. IndexedDB is used directly through web-sys (a few promise
//! wrappers) rather than through a wrapper crate, so nothing more enters the bundle.
//!
//! [`Store::load`] reads what is there and [`read`] turns it into a snapshot and a log: the
//! current format through serde, the previous one (tab-separated text, format 2) through
//! [`crate::storage::legacy`], so a save of the previous version opens with nothing lost.

use super::clone::{from_text, is_json, to_js};
use crate::centre::save::{self, FormatOnly, LoadError, LogEntry, Saved, SnapshotRef};
use crate::model::sessions::Sessions;
use crate::storage::legacy;
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbKeyRange, IdbRequest, IdbTransaction, IdbTransactionMode};

const DB_NAME: &str = "omnidesk";
const DB_VERSION: u32 = 1;
const META: &str = "meta";
const LOG: &str = "log";
const ASIDE: &str = "aside";

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

/// What was found in storage, as stored.
#[derive(Default)]
pub struct Loaded {
    pub snapshot: Option<JsValue>,
    pub log: Vec<JsValue>,
    pub ui: Option<JsValue>,
}

impl Loaded {
    pub fn is_empty(&self) -> bool {
        self.snapshot.is_none() && self.log.is_empty()
    }
}

/// The snapshot and the log in what was found: serde values of this version, or the
/// previous version's strings, migrated.
pub fn read(loaded: &Loaded) -> Result<(Saved, Vec<LogEntry>), LoadError> {
    let snapshot = loaded
        .snapshot
        .as_ref()
        .ok_or_else(|| LoadError::Corrupt("the snapshot is missing".into()))?;
    let text = snapshot
        .as_string()
        .ok_or_else(|| LoadError::Corrupt("the snapshot is not text".into()))?;
    let saved = if is_json(&text) {
        let format: FormatOnly = from_text(&text).map_err(LoadError::Corrupt)?;
        save::check_format(format.format)?;
        from_text(&text).map_err(LoadError::Corrupt)?
    } else {
        legacy::parse_snapshot(&text)?
    };
    let log = loaded
        .log
        .iter()
        .map(|v| {
            let line = v.as_string().unwrap_or_default();
            if is_json(&line) {
                from_text(&line)
                    .map_err(|e| LoadError::Corrupt(format!("unreadable log entry: {e}")))
            } else {
                legacy::decode_log_line(&line)
                    .ok_or_else(|| LoadError::Corrupt(format!("unreadable log line {line:?}")))
            }
        })
        .collect::<Result<_, _>>()?;
    Ok((saved, log))
}

/// The open sessions in what was found (either version); `None` if there are none.
pub fn read_sessions(loaded: &Loaded) -> Option<Sessions> {
    let text = loaded.ui.as_ref()?.as_string()?;
    if is_json(&text) {
        from_text(&text).ok()
    } else {
        legacy::decode_sessions(&text)
    }
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

    /// Reads the snapshot, the log after it (in key order) and the open sessions.
    pub async fn load(&self) -> Result<Loaded, JsValue> {
        let tx = self.tx(&[META, LOG], false)?;
        let meta = tx.object_store(META)?;
        let some = |v: JsValue| (!v.is_undefined() && !v.is_null()).then_some(v);
        let snapshot = some(request(&meta.get(&"snapshot".into())?).await?);
        let ui = some(request(&meta.get(&"ui".into())?).await?);
        let all = request(&tx.object_store(LOG)?.get_all()?).await?;
        let log = Array::from(&all).iter().collect();
        Ok(Loaded { snapshot, log, ui })
    }

    /// Appends inputs to the log (keyed by seq).
    pub async fn append(&self, entries: &[LogEntry]) -> Result<(), JsValue> {
        let tx = self.tx(&[LOG], true)?;
        let log = tx.object_store(LOG)?;
        for e in entries {
            log.put_with_key(&to_js(e)?, &JsValue::from_f64(e.seq as f64))?;
        }
        committed(&tx).await
    }

    /// Writes a snapshot and drops the log entries it contains, in one transaction. The value
    /// is made before the first `await`, so it is the centre as it is now.
    pub fn snapshot(
        &self,
        snapshot: &SnapshotRef<'_>,
        seq: u64,
    ) -> Result<impl std::future::Future<Output = Result<(), JsValue>>, JsValue> {
        let value = to_js(snapshot)?;
        let tx = self.tx(&[META, LOG], true)?;
        tx.object_store(META)?
            .put_with_key(&value, &"snapshot".into())?;
        let range = IdbKeyRange::upper_bound(&JsValue::from_f64(seq as f64))?;
        tx.object_store(LOG)?.delete(&range)?;
        Ok(async move { committed(&tx).await })
    }

    /// Saves the open sessions.
    pub async fn save_ui(&self, sessions: &Sessions) -> Result<(), JsValue> {
        let tx = self.tx(&[META], true)?;
        tx.object_store(META)?
            .put_with_key(&to_js(sessions)?, &"ui".into())?;
        committed(&tx).await
    }

    /// Moves an unusable save aside (kept under the time it was set aside) and empties the
    /// live save.
    pub async fn set_aside(&self, found: &Loaded) -> Result<(), JsValue> {
        let what = Array::new();
        what.push(found.snapshot.as_ref().unwrap_or(&JsValue::NULL));
        what.push(&found.log.iter().collect::<Array>());
        let tx = self.tx(&[META, LOG, ASIDE], true)?;
        tx.object_store(ASIDE)?
            .put_with_key(&what, &JsValue::from_f64(js_sys::Date::now()))?;
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
