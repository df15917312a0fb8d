//! Who a session token speaks for.

use omnidesk_core::{AgentId, ItemId};
use serde::{Deserialize, Serialize};

/// An agent signed in with a password, or the customer of one live chat (a token from
/// `POST /api/conversations`). JSON: `{"kind":"agent","agent":"ana"}`,
/// `{"kind":"customer","item":"chat-…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Principal {
    Agent { agent: AgentId },
    Customer { item: ItemId },
}

impl Principal {
    /// The agent, if this is one.
    pub fn agent(&self) -> Option<&AgentId> {
        match self {
            Principal::Agent { agent } => Some(agent),
            Principal::Customer { .. } => None,
        }
    }

    /// The conversation, if this is a customer.
    pub fn item(&self) -> Option<&ItemId> {
        match self {
            Principal::Customer { item } => Some(item),
            Principal::Agent { .. } => None,
        }
    }
}
