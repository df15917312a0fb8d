//! [`Backend`] of server mode: the agent's inputs go to the link as actions (they stay in the
//! outbox, and in `localStorage`, until the server answers: a reload resends them); the
//! link's events fold into the replica (in seq order, the link's job), set the connection
//! status and the server's clock, and turn refusals into words. A burst of events (catching
//! up after a reconnect) repaints once.

use crate::centre::Centre;
use crate::link::api;
use crate::link::driver::LinkDriver;
use crate::link::SavedSession;
use crate::storage::local;
use crate::ui::context::{Conn, Rejection, Workspace};
use leptos::prelude::*;
use omnidesk_core::{AgentId, Input};
use omnidesk_wire::{ActionId, ActionRequest, EndReason, LinkEvent, LinkState, Outbox};
use std::future::Future;
use std::time::Duration;

/// `localStorage` key of an agent's unanswered actions.
pub fn outbox_key(agent: &AgentId) -> String {
    format!("omnidesk.outbox.{agent}")
}

/// `localStorage` key of an agent's open sessions.
pub fn sessions_key(agent: &AgentId) -> String {
    format!("omnidesk.sessions.{agent}")
}

#[derive(Clone, Copy)]
pub struct Backend {
    ws: Workspace,
    session: StoredValue<SavedSession>,
    driver: StoredValue<Option<LinkDriver>, LocalStorage>,
    /// A repaint is scheduled.
    bump_due: StoredValue<bool>,
}

impl Backend {
    pub fn new(ws: Workspace, session: SavedSession) -> Backend {
        Backend {
            ws,
            session: StoredValue::new(session),
            driver: StoredValue::new_local(None),
            bump_due: StoredValue::new(false),
        }
    }

    /// Starts following the server (the replica has folded nothing yet).
    pub fn connect(&self, outbox: Outbox) {
        let s = self.session.get_value();
        let backend = *self;
        let options = omnidesk_wire::LinkOptions {
            token: s.token.clone(),
            client_id: crate::browser::random_id().as_str().into(),
            after: 0,
            queues: None,
            outbox,
            seed: (js_sys::Math::random() * 1e15) as u64,
        };
        let driver = LinkDriver::start(omnidesk_wire::http::ws_url(&s.base), options, move |e| {
            backend.on_event(e)
        });
        self.driver.set_value(Some(driver));
        self.outbox_changed();
    }

    /// Closes the link (the workspace is going).
    pub fn shutdown(&self) {
        if let Some(Some(d)) = self.driver.try_get_value() {
            d.shutdown();
        }
    }

    /// One of the agent's inputs, as an action.
    pub fn send(&self, input: Input) -> Option<ActionId> {
        self.driver
            .with_value(|d| d.as_ref().map(|d| d.send_action(input)))
    }

    fn outbox_changed(&self) {
        let Some(outbox) = self
            .driver
            .with_value(|d| d.as_ref().map(LinkDriver::outbox))
        else {
            return;
        };
        self.ws
            .link
            .pending
            .try_set(outbox.pending.iter().map(|p| p.input.clone()).collect());
        local::write(&outbox_key(&self.ws.centre.me()), &outbox);
    }

    fn on_event(&self, e: LinkEvent) {
        let ws = self.ws;
        match e {
            LinkEvent::State(state) => {
                ws.link.conn.try_set(match state {
                    LinkState::Connecting | LinkState::Authenticating => Conn::Connecting,
                    LinkState::CatchingUp => Conn::CatchingUp,
                    LinkState::Live => Conn::Live,
                    LinkState::Reconnecting { retry_at } => Conn::Reconnecting {
                        retry_at: ws.clock.at(retry_at),
                    },
                    LinkState::Ended(EndReason::SignedOut) => Conn::Ended(String::new()),
                    LinkState::Ended(EndReason::SessionEnded { reason }) => {
                        local::remove(SavedSession::KEY);
                        let unsent = ws.link.pending.try_get_untracked().unwrap_or_default();
                        Conn::Ended(crate::link::session_ended_text(&reason, &unsent))
                    }
                });
            }
            LinkEvent::Authenticated { clock_offset, .. } => ws.clock.set_offset(clock_offset),
            LinkEvent::History { item, events } => {
                // Issue 18 §4: an item entered this agent's read scope; its past first.
                let folded = ws.cell.update(|c| c.follow_history(&item, &events));
                if folded == Some(true) {
                    self.repaint_soon();
                }
            }
            LinkEvent::Fold { event, .. } => {
                let folded = ws.cell.update(|c| c.follow(&event)).unwrap_or(false);
                if folded {
                    ws.sessions.count_unread(std::slice::from_ref(&event));
                    // §4 of the supervisor issue: a supervisor moved one of this agent's items.
                    let notice = ws.centre.peek(|c| {
                        crate::model::supervision::notice_for(&c.engine, &c.me, &event.event)
                    });
                    if let Some(text) = notice {
                        ws.notices.say(&text);
                    }
                    self.repaint_soon();
                }
            }
            LinkEvent::Applied { .. } => {}
            LinkEvent::Refused {
                action, refusal, ..
            } => self.refused(action.input, refusal.reason),
            LinkEvent::Rebuild => self.rebuild(),
            LinkEvent::OutboxChanged => self.outbox_changed(),
            LinkEvent::ServerError(e) => crate::browser::log(&format!(
                "omnidesk: the server said {:?}: {}",
                e.error, e.reason
            )),
        }
    }

    /// Events that come in a burst repaint once.
    fn repaint_soon(&self) {
        if self.bump_due.try_get_value() != Some(false) {
            return;
        }
        self.bump_due.set_value(true);
        let (ws, due) = (self.ws, self.bump_due);
        set_timeout(
            move || {
                if due.try_set_value(false).is_none() {
                    ws.clock.tick();
                    ws.cell.bump();
                }
            },
            Duration::ZERO,
        );
    }

    /// The server refused one of the agent's actions.
    fn refused(&self, input: Input, reason: String) {
        let ws = self.ws;
        if matches!(input, Input::OfferSeen { .. }) {
            // R23: a late or duplicate confirmation (the offer moved on, or another tab of
            // this agent confirmed it first) is nothing the agent did wrong.
            return;
        }
        if let Input::Accept { item, .. } = &input {
            // The session opened with the click; the conversation isn't the agent's after all.
            let mine = ws.centre.peek(|c| {
                c.engine
                    .state()
                    .items
                    .get(item)
                    .and_then(|i| i.status.holder())
                    == Some(&c.me)
            });
            if !mine {
                ws.commands.close_session_of(item);
            }
        }
        ws.notices
            .rejection
            .try_set(Some(Rejection { input, reason }));
    }

    /// The server's log is behind this page: a fresh replica from its configuration, then
    /// the link follows the log from the start.
    fn rebuild(&self) {
        let backend = *self;
        leptos::task::spawn_local(async move {
            let s = backend.session.get_value();
            let mut attempt = 0;
            let config = loop {
                match api::config(&s.base, &s.token).await {
                    Ok(a) => break a.config,
                    Err(_) => {
                        attempt += 1;
                        gloo_timers::future::sleep(Duration::from_millis(
                            omnidesk_wire::link::backoff_ms(attempt, js_sys::Math::random()),
                        ))
                        .await;
                    }
                }
            };
            let me = backend.ws.centre.me();
            backend.ws.cell.update(|c| *c = Centre::replica(config, me));
            backend.ws.cell.bump();
            if let Some(Some(d)) = backend.driver.try_get_value() {
                d.rebuilt();
            }
        });
    }

    /// Sign out: the core's `sign_out` (the agent leaves routing, offers are withdrawn), then
    /// the session token ends and the link closes.
    pub fn sign_out(&self) -> impl Future<Output = ()> + 'static {
        let s = self.session.get_value();
        let agent = self.ws.centre.me();
        let driver = self.driver.get_value();
        async move {
            let request = ActionRequest {
                client_id: Some(crate::browser::random_id().as_str().into()),
                action_id: format!("sign-out.{}", crate::browser::random_id())
                    .as_str()
                    .into(),
                input: Input::SignOut { agent },
            };
            let _ = api::action(&s.base, &s.token, &request).await;
            let _ = api::sign_out(&s.base, &s.token).await;
            local::remove(SavedSession::KEY);
            if let Some(d) = driver {
                d.shutdown();
            }
        }
    }
}
