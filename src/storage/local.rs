//! `localStorage` items through gloo-storage (serde values): in server mode the sign-in, the
//! open sessions and the outbox of each agent. A value written by the previous version in its
//! tab-separated form is read once ([`read_or`]) and written back as serde.

use gloo_storage::{LocalStorage, Storage};
use serde::{de::DeserializeOwned, Serialize};

/// Reads `key`; `legacy` reads the previous version's raw text when the value isn't serde's.
pub fn read_or<T: DeserializeOwned>(key: &str, legacy: impl Fn(&str) -> Option<T>) -> Option<T> {
    match LocalStorage::get::<T>(key) {
        Ok(v) => Some(v),
        Err(_) => {
            let raw = LocalStorage::raw().get_item(key).ok().flatten()?;
            legacy(&raw)
        }
    }
}

/// Writes `key` (a full quota is not fatal: the page goes on, the item isn't kept).
pub fn write<T: Serialize>(key: &str, value: &T) {
    let _ = LocalStorage::set(key, value);
}

pub fn remove(key: &str) {
    LocalStorage::delete(key);
}
