//! [`Commands`]: what the agent does, turned into core inputs and handed to the mode's
//! backend (the page's engine, or the server link). R10's question is asked here before a
//! hand-chosen overbooking; sessions open and close with the commands that imply it.

use super::centre::CentreView;
use super::dialogs::{Confirm, Dialogs};
use super::drafts::Drafts;
use super::nav::Nav;
use super::notices::Notices;
use super::sessions::SessionsHandle;
use crate::model::projection;
use crate::model::sessions::{MAXIMUM_REACHED, MAX_SESSIONS};
use leptos::prelude::*;
use omnidesk_core::state::ItemStatus;
use omnidesk_core::{AgentId, Input, ItemId, Presence, QueueId};
use std::rc::Rc;

/// Where the mode's backend takes an input.
pub type Send = Rc<dyn Fn(Input)>;

#[derive(Clone, Copy)]
pub struct Commands {
    send: StoredValue<Option<Send>, LocalStorage>,
    centre: CentreView,
    sessions: SessionsHandle,
    drafts: Drafts,
    dialogs: Dialogs,
    notices: Notices,
}

impl Commands {
    pub fn new(
        centre: CentreView,
        sessions: SessionsHandle,
        drafts: Drafts,
        dialogs: Dialogs,
        notices: Notices,
    ) -> Commands {
        Commands {
            send: StoredValue::new_local(None),
            centre,
            sessions,
            drafts,
            dialogs,
            notices,
        }
    }

    pub(super) fn attach(&self, send: Send) {
        self.send.set_value(Some(send));
    }

    /// Hands one input to the mode's backend (nothing once the workspace is gone).
    pub fn send(&self, input: Input) {
        if let Some(Some(send)) = self.send.try_get_value() {
            send(input);
        }
    }

    fn me(&self) -> omnidesk_core::AgentId {
        self.centre.me()
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
        let ask = self.centre.peek(|c| {
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
            Some(confirm) => self.dialogs.confirm.set(Some(confirm)),
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
        if let Some(c) = self.dialogs.confirm.get_untracked() {
            self.dialogs.confirm.set(None);
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
        if self.sessions.with_untracked(|s| s.len() >= MAX_SESSIONS) {
            self.notices.say(MAXIMUM_REACHED);
            return;
        }
        let agent = self.me();
        self.send(Input::Accept {
            agent,
            item: item.clone(),
        });
        self.sessions.open(&item, Nav::Push);
    }

    /// R23: a person has been shown the offer of `item` (its dialog on a visible page, or the
    /// desktop notification). Sent only while the offer is the agent's and not yet marked
    /// seen, so the core has nothing to refuse; a late one that crosses a withdrawal is
    /// refused quietly (the server backend shows no refusal for it).
    pub fn offer_seen(&self, item: ItemId) {
        let me = self.centre.try_peek(|c| {
            let it = c.engine.state().items.get(&item)?;
            let mine = matches!(&it.status, ItemStatus::Offered { agent, .. } if *agent == c.me);
            (mine && !it.offer_seen).then(|| c.me.clone())
        });
        if let Some(Some(agent)) = me {
            self.send(Input::OfferSeen { agent, item });
        }
    }

    pub fn reject(&self, item: ItemId) {
        let agent = self.me();
        self.send(Input::Reject { agent, item });
    }

    /// "Open": the item's session, new or already open, selected.
    pub fn open(&self, item: ItemId) {
        self.sessions.open(&item, Nav::Push);
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
    pub fn send_message(&self, item: ItemId) {
        let text = self.drafts.get_untracked(&item).trim_end().to_owned();
        if text.trim().is_empty() {
            return;
        }
        let agent = self.me();
        self.drafts.clear(&item);
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
            queue: QueueId::from(queue),
        });
        self.close_session_of(&item);
    }

    /// Close conversation, asking first when a reply is unsent.
    pub fn ask_close(&self, item: ItemId) {
        if self.drafts.unsent(&item) {
            self.dialogs.discard.set(Some(item));
        } else {
            self.close_conversation(item);
        }
    }

    /// Close conversation (Wrap-up → Closed, R11), and close its session. An item no longer
    /// the agent's (a supervisor closed it, R26) only loses its session.
    pub fn close_conversation(&self, item: ItemId) {
        let agent = self.me();
        let mine = self.centre.peek(|c| {
            c.engine
                .state()
                .items
                .get(&item)
                .is_some_and(|i| i.status.holder() == Some(&agent))
        });
        if mine {
            self.send(Input::Close {
                agent,
                item: item.clone(),
            });
        }
        self.close_session_of(&item);
    }

    /// A session's close control: a draft that can no longer be sent (a supervisor closed
    /// the conversation, R26) is kept until now, so ask before it goes.
    pub fn close_session(&self, item: ItemId) {
        let closed = self.centre.peek(|c| {
            c.engine
                .state()
                .items
                .get(&item)
                .is_some_and(|i| i.status.name() == "closed")
        });
        if closed && self.drafts.unsent(&item) {
            self.dialogs.discard.set(Some(item));
        } else {
            self.sessions.close_item(&item);
        }
    }

    /// R25: the supervisor at the keyboard makes `agent` the holder of `item` (the Assign
    /// dialog has asked first when it overbooks).
    pub fn assign(&self, item: ItemId, agent: AgentId) {
        let by = self.me();
        self.send(Input::Assign { by, item, agent });
    }

    /// R26: the supervisor closes `item`, whatever its state.
    pub fn force_close(&self, item: ItemId) {
        let by = self.me();
        self.send(Input::ForceClose { by, item });
    }

    /// R27: the supervisor moves `item` to `queue`.
    pub fn supervisor_transfer(&self, item: ItemId, queue: QueueId) {
        let by = self.me();
        self.send(Input::SupervisorTransfer { by, item, queue });
    }

    /// The item's session goes, with its draft.
    pub fn close_session_of(&self, item: &ItemId) {
        self.sessions.close_item(item);
        self.drafts.clear(item);
    }
}
