//! Server mode, the plain-Rust half: what the browser keeps while it follows `omnidesk-server`.
//! The WebSocket driver (`ui::sync`, wasm only) moves frames; everything it decides is here,
//! tested natively.
//!
//! - [`Outbox`]: the agent's actions not yet answered. Each has a client id and an action id,
//!   so sending it again after a reconnect (or a reload) is safe: the server answers a resend
//!   with the first answer (`replayed`) and applies it once. The outbox is written to
//!   `localStorage` ([`Outbox::encode`]) so an action typed while offline survives a reload.
//! - [`backoff_ms`]: when to try again after the connection dropped.
//! - [`rejection_text`]: a server refusal in words the agent understands ("Ana Lima picked this
//!   conversation first"), read from the replica's state — the replica may learn who won only
//!   after the refusal arrives, so the UI recomputes it as events come in.
//!
//! The replica itself is a [`crate::runtime::centre::Centre`] whose engine only *applies*
//! the server's events ([`crate::runtime::centre::Centre::follow`]): the browser never routes.

use crate::runtime::log::{clean, unclean};
use omnidesk_core::{Input, State};

/// One action on its way to the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub client_id: String,
    pub action_id: String,
    pub input: Input,
    /// The JSON the server gets as the action's `input` ([`crate::runtime::wire::input_json`]).
    pub json: String,
}

impl Pending {
    /// The WebSocket frame that sends it.
    pub fn frame(&self) -> String {
        action_frame(&self.client_id, &self.action_id, &self.json)
    }
}

/// An action as `POST /api/actions` takes it: `{client_id, action_id, input}` (`input_json`
/// already JSON, e.g. from [`crate::runtime::wire::input_json`]).
pub fn action_body(client_id: &str, action_id: &str, input_json: &str) -> String {
    format!(
        "{{\"client_id\":{},\"action_id\":{},\"input\":{input_json}}}",
        json_string(client_id),
        json_string(action_id),
    )
}

/// The same action as a WebSocket frame (`{"type":"action", …}`).
pub fn action_frame(client_id: &str, action_id: &str, input_json: &str) -> String {
    let body = action_body(client_id, action_id, input_json);
    format!("{{\"type\":\"action\",{}", &body[1..])
}

/// The WebSocket URL of the server at `base` (`http(s)://host/` → `ws(s)://host/api/ws`).
pub fn ws_url(base: &str) -> String {
    let rest = base
        .strip_prefix("https://")
        .map(|r| format!("wss://{r}"))
        .or_else(|| base.strip_prefix("http://").map(|r| format!("ws://{r}")))
        .unwrap_or_else(|| base.to_owned());
    format!("{rest}api/ws")
}

/// The actions sent (or waiting to be sent) and not yet answered, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outbox {
    /// This page's client id: a fresh one per page load, so action ids never collide.
    pub client_id: String,
    next: u64,
    pub pending: Vec<Pending>,
}

impl Outbox {
    pub fn new(client_id: String) -> Outbox {
        Outbox {
            client_id,
            next: 0,
            pending: Vec::new(),
        }
    }

    /// Queues `input`; returns the pending action (send its [`Pending::frame`]).
    pub fn push(&mut self, input: Input) -> &Pending {
        self.next += 1;
        let json = crate::runtime::wire::input_json(&input);
        self.pending.push(Pending {
            client_id: self.client_id.clone(),
            // Unique across page loads too: a reload resends the old page's actions beside
            // this page's, and answers name the action id only.
            action_id: format!("{}.{}", self.client_id, self.next),
            input,
            json,
        });
        self.pending.last().expect("just pushed")
    }

    /// The server answered `action_id` (from `client_id`): it leaves the outbox.
    pub fn settle(&mut self, action_id: &str) -> Option<Pending> {
        let i = self.pending.iter().position(|p| p.action_id == action_id)?;
        Some(self.pending.remove(i))
    }

    /// The text kept in `localStorage`: one `client_id \t action_id \t input-json` line each.
    pub fn encode(&self) -> String {
        self.pending
            .iter()
            .map(|p| {
                format!(
                    "{}\t{}\t{}",
                    clean(&p.client_id),
                    clean(&p.action_id),
                    clean(&p.json)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Reads [`Outbox::encode`]'s lines back; `parse` turns an input's JSON into the input
    /// (in the browser: `JSON.parse` and [`crate::runtime::wire::input`]). Lines it can't
    /// read are returned apart, so the caller can say so instead of dropping them silently.
    pub fn decode(&mut self, text: &str, parse: impl Fn(&str) -> Option<Input>) -> Vec<String> {
        let mut unreadable = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split('\t').collect();
            let read = (f.len() == 3)
                .then(|| unclean(f[2]))
                .and_then(|json| parse(&json).map(|input| (input, json)));
            match read {
                Some((input, json)) => self.pending.push(Pending {
                    client_id: unclean(f[0]),
                    action_id: unclean(f[1]),
                    input,
                    json,
                }),
                None => unreadable.push(line.to_owned()),
            }
        }
        unreadable
    }
}

pub use crate::runtime::wire::json_string;

/// The first frame on a new socket.
pub fn auth_frame(token: &str) -> String {
    format!("{{\"type\":\"auth\",\"token\":{}}}", json_string(token))
}

/// Asks for every event after `after` (the whole log: the replica folds all of it).
pub fn subscribe_frame(after: u64) -> String {
    format!("{{\"type\":\"subscribe\",\"after\":{after}}}")
}

/// Reconnect delay after `attempt` failed tries (0 = the first retry): 0.5 s doubling up to
/// 15 s, spread by ±25 % (`jitter` in 0..1) so many browsers don't all come back at once
/// after a server restart.
pub fn backoff_ms(attempt: u32, jitter: f64) -> u64 {
    let base = 500u64.saturating_mul(1u64 << attempt.min(10)).min(15_000) as f64;
    (base * (0.75 + 0.5 * jitter.clamp(0.0, 1.0))) as u64
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
        _ => format!("The server refused {}: {reason}.", input_label(input)),
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
    use crate::runtime::centre::Centre;
    use omnidesk_core::{AgentId, Engine, ItemId};

    fn pick(item: &str) -> Input {
        Input::Pick {
            agent: AgentId::from("bert"),
            item: ItemId::from(item),
        }
    }

    #[test]
    fn the_outbox_gives_each_action_its_own_id_and_settles_by_it() {
        let mut o = Outbox::new("c1".into());
        let a = o.push(pick("w1")).clone();
        let b = o.push(pick("w2")).clone();
        assert_ne!(a.action_id, b.action_id);
        assert!(a.frame().contains("\"client_id\":\"c1\""));
        assert!(a.frame().starts_with("{\"type\":\"action\""));
        assert_eq!(o.settle(&b.action_id), Some(b));
        assert_eq!(o.settle("nope"), None);
        assert_eq!(o.pending, vec![a]);
    }

    #[test]
    fn the_outbox_survives_its_text_form_and_reports_lines_it_cannot_read() {
        let mut o = Outbox::new("c1".into());
        o.push(Input::AgentMessage {
            agent: AgentId::from("bert"),
            item: ItemId::from("w1"),
            text: "tab\there\nand \"quotes\"".into(),
        });
        o.push(pick("w2"));
        let text = o.encode();
        let mut back = Outbox::new("c2".into());
        let inputs: Vec<(String, Input)> = o
            .pending
            .iter()
            .map(|p| (p.json.clone(), p.input.clone()))
            .collect();
        let parse = |json: &str| {
            inputs
                .iter()
                .find(|(j, _)| j == json)
                .map(|(_, i)| i.clone())
        };
        let bad = back.decode(&format!("{text}\ngarbage"), parse);
        assert_eq!(back.pending, o.pending);
        assert_eq!(bad, vec!["garbage".to_owned()]);
    }

    #[test]
    fn actions_have_one_shape_over_http_and_the_socket() {
        let body = action_body("c1", "c1.1", "{\"input\":\"tick\"}");
        assert_eq!(
            body,
            "{\"client_id\":\"c1\",\"action_id\":\"c1.1\",\"input\":{\"input\":\"tick\"}}"
        );
        assert_eq!(
            action_frame("c1", "c1.1", "{\"input\":\"tick\"}"),
            format!("{{\"type\":\"action\",{}", &body[1..])
        );
        assert_eq!(
            ws_url("http://127.0.0.1:8080/"),
            "ws://127.0.0.1:8080/api/ws"
        );
        assert_eq!(
            ws_url("https://desk.example/od/"),
            "wss://desk.example/od/api/ws"
        );
    }

    #[test]
    fn backoff_doubles_and_is_capped_with_jitter() {
        assert_eq!(backoff_ms(0, 0.5), 500);
        assert_eq!(backoff_ms(1, 0.5), 1_000);
        assert_eq!(backoff_ms(3, 0.5), 4_000);
        assert_eq!(backoff_ms(30, 0.5), 15_000);
        assert_eq!(backoff_ms(0, 0.0), 375);
        assert_eq!(backoff_ms(0, 1.0), 625);
    }

    #[test]
    fn json_strings_escape_what_json_requires() {
        assert_eq!(json_string("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\u0001é\"");
        assert_eq!(auth_frame("t"), "{\"type\":\"auth\",\"token\":\"t\"}");
        assert_eq!(subscribe_frame(7), "{\"type\":\"subscribe\",\"after\":7}");
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
