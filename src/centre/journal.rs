//! What the UI shows that the core's state doesn't keep, folded from the same events: each
//! conversation's messages, the explanation of its last routing decision (R18 keeps it O(1)
//! per decision: it lives in the `offered` event) and when it last changed state.

use crate::centre::demo;
use omnidesk_core::protocol::Explanation;
use omnidesk_core::{AgentId, Config, Event, ItemId, Presence, PresenceReason, Stamped};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Messages kept per conversation; older ones are dropped first.
pub const MAX_MESSAGES: usize = 200;

/// Who wrote a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Author {
    Customer,
    Agent(String),
    System,
}

/// One line of a conversation's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub at: u64,
    pub author: Author,
    pub text: String,
}

/// The journal: a fold of the event log, like the core's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    /// Arrivals seen so far (generated customers and item ids count from it).
    pub arrivals: u64,
    pub messages: BTreeMap<ItemId, Vec<Message>>,
    /// R18: the explanation of the item's last offer.
    pub explanations: BTreeMap<ItemId, Explanation>,
    /// When the item last changed state (the "age" of My work items).
    pub changed_at: BTreeMap<ItemId, u64>,
    /// Why each Inactive agent became Inactive (R13 `missed_offer`, R23 `unseen_offer`), so
    /// the page can say which; an agent leaves it when their presence changes again.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inactive_because: BTreeMap<AgentId, PresenceReason>,
}

impl Journal {
    /// Folds one event. `config` names agents in system messages.
    pub fn observe(&mut self, config: &Config, stamped: &Stamped) {
        let at = stamped.at;
        let name = |a: &AgentId| demo::agent_name(config, a);
        match &stamped.event {
            Event::Arrived { item, text, .. } => {
                self.arrivals += 1;
                self.changed_at.insert(item.clone(), at);
                if let Some(text) = text {
                    self.push(item, at, Author::Customer, text.clone());
                }
            }
            Event::Offered {
                item, explanation, ..
            } => {
                self.explanations.insert(item.clone(), explanation.clone());
                self.changed_at.insert(item.clone(), at);
            }
            Event::Accepted { item, agent } => {
                self.changed_at.insert(item.clone(), at);
                self.push(
                    item,
                    at,
                    Author::System,
                    format!("{} joined the conversation.", name(agent)),
                );
            }
            Event::Picked { item, agent } => {
                self.changed_at.insert(item.clone(), at);
                self.push(
                    item,
                    at,
                    Author::System,
                    format!("{} picked the conversation.", name(agent)),
                );
            }
            Event::Reopened { item, agent } | Event::Opened { item, agent } => {
                self.changed_at.insert(item.clone(), at);
                self.push(
                    item,
                    at,
                    Author::System,
                    format!("{} reopened the conversation.", name(agent)),
                );
            }
            Event::Ended { item, agent } => {
                self.changed_at.insert(item.clone(), at);
                let who = agent
                    .as_ref()
                    .map_or_else(|| "The customer".to_owned(), name);
                self.push(
                    item,
                    at,
                    Author::System,
                    format!("{who} ended the conversation."),
                );
            }
            Event::Closed { item, .. } => {
                self.changed_at.insert(item.clone(), at);
                self.push(
                    item,
                    at,
                    Author::System,
                    "The conversation was closed.".to_owned(),
                );
            }
            Event::Transferred { item, to_queue, .. } => {
                self.changed_at.insert(item.clone(), at);
                let queue = demo::queue_name(config, to_queue);
                self.push(item, at, Author::System, format!("Transferred to {queue}."));
            }
            Event::Declined { item, .. }
            | Event::OfferWithdrawn { item, .. }
            | Event::SetWaiting { item, .. }
            | Event::Requeued { item, .. }
            | Event::WrapUpReleased { item, .. } => {
                self.changed_at.insert(item.clone(), at);
            }
            Event::CustomerMessage { item, text } => {
                self.push(item, at, Author::Customer, text.clone());
            }
            Event::AgentMessage { item, agent, text } => {
                self.push(item, at, Author::Agent(name(agent)), text.clone());
            }
            Event::Assigned { item, agent, .. } => {
                self.changed_at.insert(item.clone(), at);
                self.push(
                    item,
                    at,
                    Author::System,
                    format!("{} was assigned the conversation.", name(agent)),
                );
            }
            Event::PresenceChanged {
                agent, to, reason, ..
            } => {
                if *to == Presence::Inactive {
                    self.inactive_because.insert(agent.clone(), *reason);
                } else {
                    self.inactive_because.remove(agent);
                }
            }
            Event::OfferSeen { .. }
            | Event::Disconnected { .. }
            | Event::Reconnected { .. }
            | Event::SignedIn { .. }
            | Event::SignedOut { .. }
            | Event::Rejected { .. } => {}
        }
    }

    fn push(&mut self, item: &ItemId, at: u64, author: Author, text: String) {
        let log = self.messages.entry(item.clone()).or_default();
        log.push(Message { at, author, text });
        if log.len() > MAX_MESSAGES {
            let extra = log.len() - MAX_MESSAGES;
            log.drain(..extra);
        }
    }
}
