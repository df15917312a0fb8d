//! [`Clock`]: now, for live ages and countdowns — the browser's clock, corrected to the
//! server's in server mode (the `authenticated` frame's `now`), so countdowns run on the
//! server's time even when the browser's clock is off.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Clock {
    now: RwSignal<u64>,
    /// The server's clock minus the browser's (ms).
    offset: StoredValue<i64>,
}

impl Clock {
    pub fn new(now: u64) -> Clock {
        Clock {
            now: RwSignal::new(now),
            offset: StoredValue::new(0),
        }
    }

    /// The time of the last tick, tracked (views rerun every tick).
    pub fn now(&self) -> u64 {
        self.now.get()
    }

    /// The time now, in ms (not tracked).
    pub fn ms(&self) -> u64 {
        crate::browser::now_ms().saturating_add_signed(self.offset.try_get_value().unwrap_or(0))
    }

    /// Moves the shown time on to `now` (never back).
    pub fn advance(&self, now: u64) {
        if self.now.try_get_untracked().is_some_and(|t| t < now) {
            self.now.set(now);
        }
    }

    /// A tick: the shown time is now.
    pub fn tick(&self) {
        let now = self.ms();
        self.now.try_set(now);
    }

    /// Server mode: the server's clock minus the browser's (ms).
    pub fn set_offset(&self, offset: i64) {
        self.offset.try_set_value(offset);
        self.tick();
    }

    /// The clock's time at browser time `local` (ms).
    pub fn at(&self, local: u64) -> u64 {
        local.saturating_add_signed(self.offset.try_get_value().unwrap_or(0))
    }
}
