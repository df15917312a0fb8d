//! [`Workspace`]: the one handle components get (a `Copy` context). It holds the running
//! [`Centre`] and the reactive signals the views read, and turns what the agent does into core
//! inputs stamped with the browser's clock. After each batch of events it bumps `revision` (the
//! projections recompute from the new state) and hands the events to persistence.

use crate::projection;
use crate::runtime::browser::{self, Store};
use crate::runtime::centre::Centre;
use crate::sessions::{Opened, Sessions, MAXIMUM_REACHED};
use leptos::prelude::*;
use omnidesk_core::{Input, ItemId, Presence, Stamped};
use std::time::Duration;

/// Snapshot after this many logged events (the log stays bounded).
const SNAPSHOT_EVERY_EVENTS: u64 = 2_000;
/// Or after this long with something logged.
const SNAPSHOT_EVERY_MS: u64 = 60_000;

/// A hand-chosen pick or reopen waiting for the agent's confirmation (R10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirm {
    pub item: ItemId,
    pub reopen: bool,
    pub customer: String,
    pub cost: u64,
    pub after: i64,
    pub capacity: u64,
}

#[derive(Clone, Copy)]
pub struct Workspace {
    centre: StoredValue<Centre, LocalStorage>,
    store: StoredValue<Option<Store>, LocalStorage>,
    /// Events logged since the last snapshot, and when that snapshot was taken.
    logged: StoredValue<(u64, u64), LocalStorage>,
    /// Bumped after every batch of events: projections track it.
    pub revision: RwSignal<u64>,
    /// The browser's clock at the last tick (live ages and countdowns).
    pub now: RwSignal<u64>,
    pub sessions: RwSignal<Sessions>,
    /// A short polite announcement ("Maximum sessions reached").
    pub notice: RwSignal<String>,
    /// A storage problem the agent must see (full quota, a save set aside).
    pub alert: RwSignal<Option<String>>,
    pub confirm: RwSignal<Option<Confirm>>,
    pub why: RwSignal<Option<ItemId>>,
    pub seed: u64,
}

impl Workspace {
    /// A workspace around a running centre; `store` is where it saves (none in tests).
    pub fn new(centre: Centre, sessions: Sessions, store: Option<Store>) -> Workspace {
        let now = centre.engine.now();
        let seed = centre.sim.seed;
        Workspace {
            centre: StoredValue::new_local(centre),
            store: StoredValue::new_local(store),
            logged: StoredValue::new_local((0, now)),
            revision: RwSignal::new(0),
            now: RwSignal::new(now),
            sessions: RwSignal::new(sessions),
            notice: RwSignal::new(String::new()),
            alert: RwSignal::new(None),
            confirm: RwSignal::new(None),
            why: RwSignal::new(None),
            seed,
        }
    }

    /// Reads the centre, tracking `revision` so the caller reruns after every change.
    pub fn read<R>(&self, f: impl FnOnce(&Centre) -> R) -> R {
        self.revision.track();
        self.centre.with_value(f)
    }

    /// Reads the centre without tracking.
    pub fn peek<R>(&self, f: impl FnOnce(&Centre) -> R) -> R {
        self.centre.with_value(f)
    }

    fn clock(&self) -> u64 {
        browser::now_ms()
    }

    /// Sends one input at the browser's time.
    pub fn send(&self, input: Input) {
        let now = self.clock();
        let events = self
            .centre
            .try_update_value(|c| c.submit(input, now))
            .unwrap_or_default();
        self.after(events, now);
    }

    /// The clock moved on.
    pub fn tick(&self) {
        let now = self.clock();
        let events = self
            .centre
            .try_update_value(|c| c.tick(now))
            .unwrap_or_default();
        self.now.set(now);
        self.after(events, now);
    }

    fn after(&self, events: Vec<Stamped>, now: u64) {
        if events.is_empty() {
            return;
        }
        if self.now.get_untracked() < now {
            self.now.set(now);
        }
        self.revision.update(|r| *r += 1);
        self.persist(&events, now);
    }

    fn me(&self) -> omnidesk_core::AgentId {
        self.peek(|c| c.me.clone())
    }

    /// Pick (R11) — asking first when it would overbook (R10).
    pub fn pick(&self, item: ItemId) {
        self.manual(item, false);
    }

    /// Reopen (R11) — asking first when it would overbook (R10).
    pub fn reopen(&self, item: ItemId) {
        self.manual(item, true);
    }

    fn manual(&self, item: ItemId, reopen: bool) {
        let ask = self.peek(|c| {
            projection::overbooking(&c.engine, &c.me, &item).map(|(cost, after)| Confirm {
                customer: c
                    .engine
                    .state()
                    .items
                    .get(&item)
                    .map(|i| i.customer.name.clone())
                    .unwrap_or_default(),
                capacity: c.engine.state().agents.get(&c.me).map_or(0, |a| a.capacity),
                item: item.clone(),
                reopen,
                cost,
                after,
            })
        });
        match ask {
            Some(confirm) => self.confirm.set(Some(confirm)),
            None => self.do_manual(item, reopen),
        }
    }

    fn do_manual(&self, item: ItemId, reopen: bool) {
        let agent = self.me();
        self.send(if reopen {
            Input::Reopen { agent, item }
        } else {
            Input::Pick { agent, item }
        });
    }

    /// The agent confirmed the overbooking.
    pub fn confirm_yes(&self) {
        if let Some(c) = self.confirm.get_untracked() {
            self.confirm.set(None);
            self.do_manual(c.item, c.reopen);
        }
    }

    pub fn set_presence(&self, status: Presence) {
        let agent = self.me();
        self.send(Input::SetPresence { agent, status });
    }

    pub fn reset_presence(&self) {
        let agent = self.me();
        self.send(Input::ResetPresence { agent });
    }

    /// Accepts an offer and opens its session (or says the sessions are full, and leaves the
    /// offer ringing).
    pub fn accept(&self, item: ItemId) {
        if self
            .sessions
            .with_untracked(|s| s.len() >= crate::sessions::MAX_SESSIONS)
        {
            self.say(MAXIMUM_REACHED);
            return;
        }
        let agent = self.me();
        self.send(Input::Accept {
            agent,
            item: item.clone(),
        });
        self.open_session(item);
    }

    /// End conversation (Active → Wrap-up, R11).
    pub fn end(&self, item: ItemId) {
        let agent = self.me();
        self.send(Input::End {
            item,
            agent: Some(agent),
        });
    }

    /// Close conversation (Wrap-up → Closed, R11), and close its session.
    pub fn close_conversation(&self, item: ItemId) {
        let agent = self.me();
        self.send(Input::Close {
            agent,
            item: item.clone(),
        });
        let index = self
            .sessions
            .with_untracked(|s| s.items.iter().position(|i| *i == item));
        if let Some(i) = index {
            self.close_session(i + 1);
        }
    }

    pub fn reject(&self, item: ItemId) {
        let agent = self.me();
        self.send(Input::Reject { agent, item });
    }

    /// A Demo button: a new conversation on `channel` in the agent's queue.
    pub fn simulate(&self, channel: &str) {
        let now = self.clock();
        let events = self
            .centre
            .try_update_value(|c| c.simulate(channel, now))
            .unwrap_or_default();
        self.after(events, now);
    }

    /// "Open": the item's session, new or already open, selected.
    pub fn open_session(&self, item: ItemId) {
        let mut result = Opened::New;
        self.sessions.update(|s| result = s.open(&item));
        if result == Opened::Full {
            self.say(MAXIMUM_REACHED);
        }
        self.save_ui();
    }

    pub fn select_session(&self, index: usize) {
        if self
            .sessions
            .with_untracked(|s| s.selected != index && index < s.len())
        {
            self.sessions.update(|s| s.selected = index);
            self.save_ui();
        }
    }

    pub fn close_session(&self, index: usize) {
        let mut closed = false;
        self.sessions.update(|s| closed = s.close(index));
        if closed {
            self.save_ui();
        }
    }

    /// Announces a short message (and shows it for a few seconds).
    pub fn say(&self, text: &str) {
        self.notice.set(text.to_owned());
        let notice = self.notice;
        let text = text.to_owned();
        set_timeout(
            move || {
                if notice.get_untracked() == text {
                    notice.set(String::new());
                }
            },
            Duration::from_secs(6),
        );
    }

    fn save_ui(&self) {
        let Some(store) = self.store.get_value() else {
            return;
        };
        let json = self
            .sessions
            .with_untracked(|s| serde_json::to_string(s).unwrap_or_default());
        let alert = self.alert;
        leptos::task::spawn_local(async move {
            if let Err(e) = store.save_ui(&json).await {
                alert.set(Some(format!(
                    "Open sessions can't be saved: {}.",
                    browser::describe(&e)
                )));
            }
        });
    }

    /// Logs the events; takes a snapshot (which empties the log) when the log has grown.
    fn persist(&self, events: &[Stamped], now: u64) {
        let _ = events;
        let lines: Vec<(u64, String)> = self
            .centre
            .try_update_value(|c| std::mem::take(&mut c.unsaved))
            .unwrap_or_default();
        let Some(store) = self.store.get_value() else {
            return;
        };
        let mut due = false;
        self.logged.update_value(|(count, since)| {
            *count += lines.len() as u64;
            if *count >= SNAPSHOT_EVERY_EVENTS || now.saturating_sub(*since) >= SNAPSHOT_EVERY_MS {
                due = true;
                *count = 0;
                *since = now;
            }
        });
        let alert = self.alert;
        let problem = move |e: wasm_bindgen::JsValue| {
            alert.set(Some(format!(
                "Your work can't be saved: {}. It goes on in this tab, but a reload would lose the latest changes.",
                browser::describe(&e)
            )));
        };
        let snapshot = due.then(|| self.peek(|c| (c.saved_json(), c.engine.last_seq())));
        leptos::task::spawn_local(async move {
            let result = match snapshot {
                Some((json, seq)) => store.snapshot(&json, seq).await,
                None => store.append(&lines).await,
            };
            if let Err(e) = result {
                problem(e);
            }
        });
    }

    /// Writes a snapshot now (after a fresh start or `?demo=N`).
    pub async fn snapshot_now(&self) {
        let Some(store) = self.store.get_value() else {
            return;
        };
        let (json, seq) = self.peek(|c| (c.saved_json(), c.engine.last_seq()));
        self.centre.update_value(|c| c.unsaved.clear());
        if let Err(e) = store.snapshot(&json, seq).await {
            self.alert.set(Some(format!(
                "Your work can't be saved: {}.",
                browser::describe(&e)
            )));
        }
        self.logged.set_value((0, self.clock()));
    }

    /// Starts the clock: a tick now (timers that fell due while the page was closed fire,
    /// R0a), then every second (the steady cadence), and at `engine.next_timer()` when that
    /// comes sooner.
    pub fn start(self) {
        self.tick_and_schedule();
        let _ = set_interval_with_handle(
            move || self.tick_and_schedule(),
            Duration::from_millis(1000),
        );
    }

    fn tick_and_schedule(self) {
        self.tick();
        if let Some(due) = self.peek(|c| c.engine.next_timer()) {
            let wait = due.saturating_sub(self.clock());
            if wait < 1000 {
                set_timeout(move || self.tick(), Duration::from_millis(wait + 1));
            }
        }
    }
}
