//! [`OfferAlerts`]: how offers get the agent's attention besides the notice on the page — the
//! offer sound, and the permission for the browser's own notification.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct OfferAlerts {
    /// The offer sound (Web Audio beep) is on.
    pub sound: RwSignal<bool>,
    /// Desktop notifications: "default" (not asked), "granted", "denied", "unsupported".
    pub permission: RwSignal<String>,
}

impl OfferAlerts {
    pub fn new() -> OfferAlerts {
        OfferAlerts {
            sound: RwSignal::new(false),
            permission: RwSignal::new(crate::browser::notify::permission()),
        }
    }
}

impl Default for OfferAlerts {
    fn default() -> Self {
        OfferAlerts::new()
    }
}
