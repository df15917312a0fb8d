//! The server link, plain Rust: what the app adds to the shared protocol crate
//! (`omnidesk_wire`, whose [`omnidesk_wire::Link`] is the sans-io state machine of the
//! connection — state, outbox, backoff, keep-alive, resubscribe, catch-up, rebuild, refused
//! token). Here, tested natively:
//! - [`rejection_text`]: a server refusal in words the agent understands ("Ana Lima picked
//!   this conversation first"), read from the replica's state — the replica may learn who won
//!   only after the refusal arrives, so the UI recomputes it as events come in;
//! - [`SavedSession`]: the sign-in kept in `localStorage` (serde; the previous version's
//!   tab-separated form is read once).
//!
//! In the browser (wasm32): [`driver`], the one gloo-net WebSocket driver that moves frames and
//! timers between the socket and a `Link` (the desk and the `/chat` page both use it), and
//! [`api`], the HTTP calls on gloo-net (sign-in, configuration, sign-out, conversations).
//! [`codec`] decodes and encodes the wire types (the measured choice, BENCHMARKS.md).

pub mod codec;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod driver;

use omnidesk_core::{Input, State};
use serde::{Deserialize, Serialize};

/// A saved sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSession {
    pub base: String,
    pub agent: String,
    pub token: String,
}

impl SavedSession {
    /// `localStorage` key of the signed-in session.
    pub const KEY: &'static str = "omnidesk.server-session";

    /// This sign-in, if it is for the server at `base` (a token for another is not used).
    pub fn for_base(self, base: &str) -> Option<SavedSession> {
        (self.base == base && !self.token.is_empty()).then_some(self)
    }

    /// The previous version's form: `base \t agent \t token`.
    pub fn legacy(text: &str) -> Option<SavedSession> {
        let mut f = text.split('\t');
        let s = SavedSession {
            base: f.next()?.to_owned(),
            agent: f.next()?.to_owned(),
            token: f.next()?.to_owned(),
        };
        f.next().is_none().then_some(s)
    }
}

fn agent_name(state: &State, agent: &omnidesk_core::AgentId) -> String {
    state
        .config
        .agents
        .get(agent)
        .map_or_else(|| agent.to_string(), |a| a.name.clone())
}

/// The refusal of `input` as the agent should read it. The replica's `state` tells who has the
/// item now, so a lost race names the winner.
pub fn rejection_text(
    input: &Input,
    reason: &str,
    state: &State,
    me: &omnidesk_core::AgentId,
) -> String {
    let item_of = |item: &omnidesk_core::ItemId| state.items.get(item);
    let customer = |item: &omnidesk_core::ItemId| {
        item_of(item).map_or_else(|| item.to_string(), |i| i.customer.name.clone())
    };
    let holder = |item: &omnidesk_core::ItemId| {
        item_of(item)
            .and_then(|i| i.status.holder().cloned())
            .filter(|h| h != me)
    };
    match input {
        Input::Pick { item, .. } | Input::Reopen { item, .. } | Input::Accept { item, .. } => {
            if let Some(other) = holder(item) {
                let verb = match input {
                    Input::Accept { .. } => "has",
                    Input::Reopen { .. } => "reopened",
                    _ => "picked",
                };
                if verb == "has" {
                    return format!(
                        "{} has the conversation with {} now.",
                        agent_name(state, &other),
                        customer(item)
                    );
                }
                return format!(
                    "{} {verb} this conversation first ({}).",
                    agent_name(state, &other),
                    customer(item)
                );
            }
            let what = match input {
                Input::Accept { .. } => "accept",
                Input::Reopen { .. } => "reopen",
                _ => "pick",
            };
            format!(
                "Couldn't {what} the conversation with {}: {reason}.",
                customer(item)
            )
        }
        Input::Assign { item, .. }
        | Input::ForceClose { item, .. }
        | Input::SupervisorTransfer { item, .. } => {
            let what = match input {
                Input::Assign { .. } => "assign",
                Input::ForceClose { .. } => "close",
                _ => "transfer",
            };
            format!(
                "Couldn't {what} the conversation with {}: {reason}.",
                customer(item)
            )
        }
        _ => format!("The server refused {}: {reason}.", input_label(input)),
    }
}

/// What the sign-in page says when the server ended the session (idle or too old, or a
/// supervisor ended it): why, and what the page had not sent yet — kept in this browser's
/// outbox and sent when the same agent signs in again.
pub fn session_ended_text(reason: &str, unsent: &[Input]) -> String {
    let mut text = format!("Your session has ended ({reason}). Sign in again.");
    if !unsent.is_empty() {
        let mut labels: Vec<&str> = unsent.iter().map(input_label).collect();
        labels.dedup();
        text.push_str(&format!(
            " Not sent yet: {}. It goes to the server when you sign in again.",
            labels.join(", ")
        ));
    }
    text
}

/// What a throttled request (429) says: the wait, in words.
pub fn retry_text(retry_after: Option<u64>) -> String {
    match retry_after {
        Some(s) if s >= 120 => format!("try again in {} min", s.div_ceil(60)),
        Some(s) => format!("try again in {s} s"),
        None => "try again later".into(),
    }
}

/// A short name of what an input asks, for messages.
pub fn input_label(input: &Input) -> &'static str {
    match input {
        Input::SignIn { .. } => "signing in",
        Input::SignOut { .. } => "signing out",
        Input::ResetPresence { .. } => "resetting your presence",
        Input::SetPresence { .. } => "the presence change",
        Input::Accept { .. } => "the accept",
        Input::Reject { .. } => "the reject",
        Input::Pick { .. } => "the pick",
        Input::Wait { .. } => "Set waiting",
        Input::Open { .. } => "opening the item",
        Input::Close { .. } => "closing the conversation",
        Input::Reopen { .. } => "the reopen",
        Input::End { .. } => "ending the conversation",
        Input::Transfer { .. } | Input::SupervisorTransfer { .. } => "the transfer",
        Input::OfferSeen { .. } => "confirming the offer was seen",
        Input::Disconnect { .. } | Input::Reconnect { .. } => "the connection change",
        Input::Assign { .. } => "the assign",
        Input::ForceClose { .. } => "the force close",
        Input::AgentMessage { .. } => "your message",
        Input::CustomerMessage { .. } | Input::Arrive { .. } | Input::Abandon { .. } => {
            "the customer's input"
        }
        Input::Tick => "the clock",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::centre::Centre;
    use omnidesk_core::{AgentId, Engine};

    /// Issue 18: an ended session says why and lists what was not sent; a 429 gives the wait.
    #[test]
    fn an_ended_session_lists_what_was_not_sent() {
        let unsent = [
            Input::AgentMessage {
                agent: AgentId::from("ana"),
                item: "w1".into(),
                text: "hi".into(),
            },
            Input::AgentMessage {
                agent: AgentId::from("ana"),
                item: "w1".into(),
                text: "there".into(),
            },
            Input::Close {
                agent: AgentId::from("ana"),
                item: "w1".into(),
            },
        ];
        let text = session_ended_text("session expired", &unsent);
        assert!(
            text.starts_with("Your session has ended (session expired)."),
            "{text}"
        );
        assert!(
            text.contains("Not sent yet: your message, closing the conversation."),
            "{text}"
        );
        assert!(!session_ended_text("session ended", &[]).contains("Not sent"));
        assert_eq!(retry_text(Some(42)), "try again in 42 s");
        assert_eq!(retry_text(Some(900)), "try again in 15 min");
        assert_eq!(retry_text(None), "try again later");
    }

    #[test]
    fn a_saved_sign_in_reads_in_both_forms_and_only_for_its_server() {
        let s = SavedSession {
            base: "http://h/".into(),
            agent: "ana".into(),
            token: "t1".into(),
        };
        let json = serde_json::to_string(&s).unwrap();
        let back: SavedSession = serde_json::from_str(&json).unwrap();
        assert_eq!(back.clone().for_base("http://h/"), Some(s.clone()));
        assert_eq!(back.for_base("http://other/"), None);
        assert_eq!(SavedSession::legacy("http://h/\tana\tt1"), Some(s));
        assert_eq!(SavedSession::legacy("garbage"), None);
    }

    #[test]
    fn a_lost_pick_names_the_colleague_who_won() {
        // A replica of a centre where chen picked w000001 (an email, so it waits to be picked).
        let (mut live, _) = Centre::fresh(1, false, 1_000);
        for agent in ["ana", "bert"] {
            live.submit(
                Input::SignIn {
                    agent: AgentId::from(agent),
                },
                1_000,
            );
        }
        let events = live.submit(
            omnidesk_core::Input::SetPresence {
                agent: live.me.clone(),
                status: omnidesk_core::Presence::Away,
            },
            1_000,
        );
        let _ = events;
        live.fill(1, 2_000);
        let item = live.engine.open_work_items(&live.me)[0].clone();
        let winner = AgentId::from("ana");
        let events = live.submit(
            Input::Pick {
                agent: winner.clone(),
                item: item.clone(),
            },
            3_000,
        );
        assert!(!events.is_empty());
        let lost = Input::Pick {
            agent: live.me.clone(),
            item: item.clone(),
        };
        let text = rejection_text(&lost, "item is not open", live.engine.state(), &live.me);
        let name = &live.engine.config().agents[&winner].name;
        assert!(
            text.starts_with(&format!("{name} picked this conversation first")),
            "{text}"
        );
        // Before the replica knows, the server's reason is shown with the customer's name.
        let fresh = Engine::new(live.engine.config().clone());
        let text = rejection_text(&lost, "item is not open", fresh.state(), &live.me);
        assert!(text.contains("Couldn't pick"), "{text}");
    }
}
