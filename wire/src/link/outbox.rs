//! The outbox: actions sent (or waiting to be sent) and not yet answered.

use crate::action::{ActionId, ActionRequest, ClientId};
use omnidesk_core::Input;
use serde::{Deserialize, Serialize};

/// One action on its way to the server. Its ids are unique across page loads (the client id
/// is new for every load), so a resend after a reconnect or a reload is applied once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub client_id: ClientId,
    pub action_id: ActionId,
    pub input: Input,
}

impl Pending {
    /// The request that sends it (the `action` frame's fields, or `POST /api/actions`'s body).
    pub fn request(&self) -> ActionRequest {
        ActionRequest {
            client_id: Some(self.client_id.clone()),
            action_id: self.action_id.clone(),
            input: self.input.clone(),
        }
    }
}

/// The unanswered actions, oldest first. Serializable so the app can keep it (in
/// `localStorage`) and hand it to the next page's [`crate::Link`]: an action typed while
/// offline survives a reload. Fields default, so a save by an older version still reads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    #[serde(default)]
    pub pending: Vec<Pending>,
}

impl Outbox {
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn get(&self, id: &ActionId) -> Option<&Pending> {
        self.pending.iter().find(|p| &p.action_id == id)
    }

    pub(crate) fn push(&mut self, p: Pending) {
        self.pending.push(p);
    }

    /// Takes the action `id` out (it was answered).
    pub(crate) fn settle(&mut self, id: &ActionId) -> Option<Pending> {
        let i = self.pending.iter().position(|p| &p.action_id == id)?;
        Some(self.pending.remove(i))
    }
}
