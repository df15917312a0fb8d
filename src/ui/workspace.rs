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
use std::collections::BTreeMap;
use std::time::Duration;

use super::{live, notify};

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

/// Which mode this build runs in. The same source builds twice: the standalone demo (the core
/// runs in the page) and, with the `server` feature, the client of omnidesk-server (the page
/// follows the server's events). A compile-time choice, so each bundle carries only its
/// mode's code: the server build has no routing, simulator or IndexedDB save; the standalone
/// build no sign-in, socket or JSON reader.
pub const SERVER_BUILD: bool = cfg!(feature = "server");

/// Server mode: the state of the connection, shown in the top bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conn {
    Connecting,
    /// Authenticated, folding the events logged while this page was away.
    CatchingUp,
    Live,
    /// The socket dropped; the next try is at this browser time.
    Reconnecting {
        retry_at: u64,
    },
    /// Signed out, or the server refused the token: the message for the sign-in page.
    Ended(String),
}

/// A server refusal of one of the agent's actions, shown until dismissed. Its text is computed
/// from the replica as events arrive ([`crate::runtime::sync::rejection_text`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub input: Input,
    pub reason: String,
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
    /// Unsent replies per conversation (kept while the agent switches sessions).
    pub drafts: RwSignal<BTreeMap<ItemId, String>>,
    /// Customer messages that arrived while the session wasn't in view.
    pub unread: RwSignal<BTreeMap<ItemId, u32>>,
    /// Close conversation asked with an unsent reply: the item, waiting for "Discard".
    pub discard: RwSignal<Option<ItemId>>,
    /// The offer sound (Web Audio beep) is on.
    pub sound: RwSignal<bool>,
    /// Desktop notifications: "default" (not asked), "granted", "denied", "unsupported".
    pub notify_permission: RwSignal<String>,
    /// Where the customer chat page's messages come in and the agent's go out.
    pub live: StoredValue<Option<live::Channel>, LocalStorage>,
    pub seed: u64,
    /// Server mode: the connection.
    pub conn: RwSignal<Conn>,
    /// Server mode: the agent's actions the server hasn't answered yet, oldest first.
    pub pending: RwSignal<Vec<Input>>,
    /// Server mode: the latest refusal.
    pub rejection: RwSignal<Option<Rejection>>,
    link: StoredValue<Option<super::sync::Link>, LocalStorage>,
    /// A revision bump is scheduled (events are folded as they come, repainted once a batch).
    bump_due: StoredValue<bool>,
    /// Server mode: the server's clock minus the browser's (ms), so countdowns and ages are on
    /// the server's time even when the browser's clock is off.
    clock_offset: StoredValue<i64>,
}

/// Server mode: where the open sessions of `agent` are kept in `localStorage`.
pub fn sessions_key(agent: &omnidesk_core::AgentId) -> String {
    format!("omnidesk.sessions.{agent}")
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
            drafts: RwSignal::new(BTreeMap::new()),
            unread: RwSignal::new(BTreeMap::new()),
            discard: RwSignal::new(None),
            sound: RwSignal::new(false),
            notify_permission: RwSignal::new(notify::permission()),
            live: StoredValue::new_local(None),
            seed,
            conn: RwSignal::new(Conn::Live),
            pending: RwSignal::new(Vec::new()),
            rejection: RwSignal::new(None),
            link: StoredValue::new_local(None),
            bump_due: StoredValue::new(false),
            clock_offset: StoredValue::new(0),
        }
    }

    /// A workspace following a server: `centre` is a replica ([`Centre::replica`]) and every
    /// action goes through `link`.
    pub fn following(centre: Centre, sessions: Sessions, link: super::sync::Link) -> Workspace {
        let ws = Workspace::new(centre, sessions, None);
        ws.conn.set(Conn::Connecting);
        ws.link.set_value(Some(link));
        ws.outbox_changed();
        ws
    }

    /// Reads the server link (server mode only).
    pub fn link_with<R>(&self, f: impl FnOnce(&super::sync::Link) -> R) -> R {
        self.link
            .with_value(|l| f(l.as_ref().expect("server mode has a link")))
    }

    /// Changes the server link (server mode only).
    pub fn link_update<R>(&self, f: impl FnOnce(&mut super::sync::Link) -> R) -> R {
        let mut f = Some(f);
        let mut out = None;
        self.link.update_value(|l| {
            if let (Some(l), Some(f)) = (l.as_mut(), f.take()) {
                out = Some(f(l));
            }
        });
        out.expect("server mode has a link")
    }

    /// The outbox changed: mirror it for the UI and save it (a reload resends it).
    pub fn outbox_changed(&self) {
        let inputs = self.link_with(|l| {
            l.outbox
                .pending
                .iter()
                .map(|p| p.input.clone())
                .collect::<Vec<_>>()
        });
        self.pending.set(inputs);
        super::sync::save_outbox(*self);
    }

    /// Folds one of the server's events into the replica; `Err(next)` on a gap.
    pub fn follow(&self, stamped: Stamped) -> Result<bool, u64> {
        let folded = self
            .centre
            .try_update_value(|c| c.follow(&stamped))
            .unwrap_or(Ok(false));
        if folded == Ok(true) {
            self.count_unread(std::slice::from_ref(&stamped));
            if !self.bump_due.get_value() {
                self.bump_due.set_value(true);
                let ws = *self;
                // Events that come in a burst (catching up after a reconnect) repaint once.
                set_timeout(
                    move || {
                        ws.bump_due.set_value(false);
                        ws.now.set(ws.clock().max(ws.now.get_untracked()));
                        ws.revision.update(|r| *r += 1);
                    },
                    Duration::ZERO,
                );
            }
        }
        folded
    }

    /// The server refused one of the agent's actions.
    pub fn rejected(&self, input: Input, reason: String) {
        if let Input::Accept { item, .. } = &input {
            // The session opened with the click; the conversation isn't the agent's after all.
            let mine = self.peek(|c| {
                c.engine
                    .state()
                    .items
                    .get(item)
                    .and_then(|i| i.status.holder())
                    == Some(&c.me)
            });
            if !mine {
                self.close_item_session(item);
            }
        }
        self.rejection.set(Some(Rejection { input, reason }));
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

    /// Now, in ms: the browser's clock, corrected to the server's in server mode.
    pub fn clock(&self) -> u64 {
        browser::now_ms().saturating_add_signed(self.clock_offset.get_value())
    }

    /// Server mode: the server said its clock reads `server_now` (at authentication).
    pub fn set_server_clock(&self, server_now: u64) {
        self.clock_offset
            .set_value(server_now as i64 - browser::now_ms() as i64);
        self.now.set(self.clock());
    }

    /// Sends one input at the browser's time (server mode: to the server).
    pub fn send(&self, input: Input) {
        if SERVER_BUILD {
            super::sync::act(*self, input);
            return;
        }
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
        if SERVER_BUILD {
            // The server's clock fires timers; here time only moves the countdowns and ages.
            self.now.set(now);
            super::sync::watchdog(*self, browser::now_ms());
            return;
        }
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
        self.count_unread(&events);
        self.revision.update(|r| *r += 1);
        self.live.with_value(|l| {
            if let Some(l) = l {
                self.peek(|c| l.publish(c, &events));
            }
        });
        self.persist(&events, now);
    }

    /// Customer messages in sessions that aren't in view count as unread.
    fn count_unread(&self, events: &[Stamped]) {
        let (open, selected) = self.sessions.with_untracked(|s| {
            (
                s.items.clone(),
                s.items.get(s.selected.wrapping_sub(1)).cloned(),
            )
        });
        for e in events {
            if let omnidesk_core::Event::CustomerMessage { item, .. } = &e.event {
                if open.contains(item) && selected.as_ref() != Some(item) {
                    self.unread
                        .update(|u| *u.entry(item.clone()).or_default() += 1);
                }
            }
        }
    }

    /// The agent at the keyboard (server mode: the one signed in at this page).
    pub fn me(&self) -> omnidesk_core::AgentId {
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

    /// Send: the agent's message (an `agent_message` input); clears the draft.
    pub fn send_message(&self, item: ItemId, text: String) {
        let text = text.trim_end().to_owned();
        if text.trim().is_empty() {
            return;
        }
        let agent = self.me();
        self.drafts.update(|d| {
            d.remove(&item);
        });
        self.send(Input::AgentMessage { agent, item, text });
    }

    /// Set waiting (async channels, R11): Active → Waiting.
    pub fn set_waiting(&self, item: ItemId) {
        let agent = self.me();
        self.send(Input::Wait { agent, item });
    }

    /// Transfer to another queue (R11); the session closes, the item is no longer the agent's.
    pub fn transfer(&self, item: ItemId, queue: &str) {
        let agent = self.me();
        self.send(Input::Transfer {
            agent,
            item: item.clone(),
            queue: omnidesk_core::QueueId::from(queue),
        });
        self.close_item_session(&item);
    }

    /// Close conversation, asking first when a reply is unsent.
    pub fn ask_close(&self, item: ItemId) {
        let unsent = self
            .drafts
            .with_untracked(|d| d.get(&item).is_some_and(|t| !t.trim().is_empty()));
        if unsent {
            self.discard.set(Some(item));
        } else {
            self.close_conversation(item);
        }
    }

    fn close_item_session(&self, item: &ItemId) {
        let index = self
            .sessions
            .with_untracked(|s| s.items.iter().position(|i| i == item));
        if let Some(i) = index {
            self.close_session(i + 1);
        }
        self.drafts.update(|d| {
            d.remove(item);
        });
    }

    /// Close conversation (Wrap-up → Closed, R11), and close its session.
    pub fn close_conversation(&self, item: ItemId) {
        let agent = self.me();
        self.send(Input::Close {
            agent,
            item: item.clone(),
        });
        self.close_item_session(&item);
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
        self.mark_read();
        self.save_ui();
    }

    pub fn select_session(&self, index: usize) {
        if self
            .sessions
            .with_untracked(|s| s.selected != index && index < s.len())
        {
            self.sessions.update(|s| s.selected = index);
            self.mark_read();
            self.save_ui();
        }
    }

    /// The selected session's messages are in view: nothing unread there.
    fn mark_read(&self) {
        let selected = self
            .sessions
            .with_untracked(|s| s.items.get(s.selected.wrapping_sub(1)).cloned());
        if let Some(item) = selected {
            if self.unread.with_untracked(|u| u.contains_key(&item)) {
                self.unread.update(|u| {
                    u.remove(&item);
                });
            }
        }
    }

    pub fn close_session(&self, index: usize) {
        let mut closed = false;
        self.sessions.update(|s| closed = s.close(index));
        if closed {
            self.mark_read();
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
        let json = self.sessions.with_untracked(Sessions::encode);
        if SERVER_BUILD {
            crate::runtime::net::local_set(&sessions_key(&self.me()), &json);
            return;
        }
        let Some(store) = self.store.get_value() else {
            return;
        };
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
        let snapshot = due.then(|| self.peek(|c| (c.saved_text(), c.engine.last_seq())));
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
        let (json, seq) = self.peek(|c| (c.saved_text(), c.engine.last_seq()));
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
