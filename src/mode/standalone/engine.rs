//! [`Backend`] of the standalone demo: the agent's inputs go to the page's engine at the
//! clock's time; after each batch of events the projections recompute, the `/chat` pages
//! hear about their chats, and the inputs are logged (a snapshot every 2 000 events or
//! minute, which empties the log).

use super::chat::LiveChannel;
use crate::storage::idb::Store;
use crate::ui::context::{CentreCell, Clock, Notices, SessionsHandle, Workspace};
use leptos::prelude::*;
use omnidesk_core::{Input, Stamped};
use std::time::Duration;

/// Snapshot after this many logged inputs (the log stays bounded).
const SNAPSHOT_EVERY: u64 = 2_000;
/// Or after this long with something logged.
const SNAPSHOT_EVERY_MS: u64 = 60_000;

#[derive(Clone, Copy)]
pub struct Backend {
    cell: CentreCell,
    clock: Clock,
    sessions: SessionsHandle,
    notices: Notices,
    store: StoredValue<Option<Store>, LocalStorage>,
    /// Inputs logged since the last snapshot, and when that snapshot was taken.
    logged: StoredValue<(u64, u64)>,
    pub(super) live: StoredValue<Option<LiveChannel>, LocalStorage>,
}

impl Backend {
    /// The backend of `ws`; `store` is where it saves (none in tests).
    pub fn new(ws: &Workspace, store: Option<Store>) -> Backend {
        Backend {
            cell: ws.cell,
            clock: ws.clock,
            sessions: ws.sessions,
            notices: ws.notices,
            store: StoredValue::new_local(store),
            logged: StoredValue::new((0, ws.clock.ms())),
            live: StoredValue::new_local(None),
        }
    }

    /// One input at the clock's time.
    pub fn send(&self, input: Input) {
        let now = self.clock.ms();
        let events = self
            .cell
            .update(|c| c.submit(input, now))
            .unwrap_or_default();
        self.after(&events, now);
    }

    /// A Demo button: a new conversation on `channel` in the agent's queue.
    pub fn simulate(&self, channel: &str) {
        let now = self.clock.ms();
        let events = self
            .cell
            .update(|c| c.simulate(channel, now))
            .unwrap_or_default();
        self.after(&events, now);
    }

    /// The Demo region's note.
    pub fn sim_note(&self) -> String {
        self.cell.view().peek(|c| {
            if c.sim_on {
                format!("Simulator on · seed {}", c.sim.seed)
            } else {
                "Simulator off".to_owned()
            }
        })
    }

    /// The clock moved on: timers due fire (R0a), the simulator acts.
    pub fn tick(&self) {
        let now = self.clock.ms();
        let Some(events) = self.cell.update(|c| c.tick(now)) else {
            return;
        };
        self.clock.tick();
        self.after(&events, now);
    }

    /// A tick now, and another at the engine's next timer when that is within the second.
    pub fn tick_and_schedule(self) {
        self.tick();
        if let Some(Some(due)) = self.cell.view().try_peek(|c| c.engine.next_timer()) {
            let wait = due.saturating_sub(self.clock.ms());
            if wait < 1000 {
                set_timeout(move || self.tick(), Duration::from_millis(wait + 1));
            }
        }
    }

    fn after(&self, events: &[Stamped], now: u64) {
        if events.is_empty() {
            return;
        }
        self.clock.advance(now);
        self.sessions.count_unread(events);
        self.cell.bump();
        self.live.with_value(|l| {
            if let Some(l) = l {
                self.cell.view().peek(|c| l.publish(c, events));
            }
        });
        self.persist(now);
    }

    /// Logs the inputs handled; takes a snapshot (which empties the log) when it has grown.
    fn persist(&self, now: u64) {
        let entries = self
            .cell
            .update(|c| std::mem::take(&mut c.unsaved))
            .unwrap_or_default();
        let Some(store) = self.store.get_value() else {
            return;
        };
        let mut due = false;
        self.logged.update_value(|(count, since)| {
            *count += entries.len() as u64;
            if *count >= SNAPSHOT_EVERY || now.saturating_sub(*since) >= SNAPSHOT_EVERY_MS {
                due = true;
                *count = 0;
                *since = now;
            }
        });
        let notices = self.notices;
        let problem = move |e: wasm_bindgen::JsValue| {
            notices.alert(format!(
                "Your work can't be saved: {}. It goes on in this tab, but a reload would lose the latest changes.",
                crate::browser::describe(&e)
            ));
        };
        if due {
            let write = self
                .cell
                .view()
                .peek(|c| store.snapshot(&c.snapshot(), c.engine.last_seq()));
            match write {
                Ok(done) => leptos::task::spawn_local(async move {
                    if let Err(e) = done.await {
                        problem(e);
                    }
                }),
                Err(e) => problem(e),
            }
        } else {
            leptos::task::spawn_local(async move {
                if let Err(e) = store.append(&entries).await {
                    problem(e);
                }
            });
        }
    }

    /// Writes a snapshot now (after a fresh start, a migration or `?demo=N`).
    pub async fn snapshot_now(&self) {
        let Some(store) = self.store.get_value() else {
            return;
        };
        self.cell.update(|c| c.unsaved.clear());
        let write = self
            .cell
            .view()
            .peek(|c| store.snapshot(&c.snapshot(), c.engine.last_seq()));
        let result = match write {
            Ok(done) => done.await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            self.notices.alert(format!(
                "Your work can't be saved: {}.",
                crate::browser::describe(&e)
            ));
        }
        self.logged.set_value((0, self.clock.ms()));
    }

    /// Saves the open sessions (an effect calls it when they change).
    pub fn save_sessions(&self, sessions: crate::model::sessions::Sessions) {
        let Some(store) = self.store.get_value() else {
            return;
        };
        let notices = self.notices;
        leptos::task::spawn_local(async move {
            if let Err(e) = store.save_ui(&sessions).await {
                notices.alert(format!(
                    "Open sessions can't be saved: {}.",
                    crate::browser::describe(&e)
                ));
            }
        });
    }
}
