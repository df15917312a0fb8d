//! The live-chat channel of the standalone demo: the customer page (`/chat`) and the agent's
//! tab talk over a `BroadcastChannel` (same browser, other tab). This module is the protocol,
//! plain Rust: the customer page posts the core inputs its actions make ([`FromCustomer`],
//! [`customer_input`]), which the agent's tab admits only in a customer page's shape
//! ([`admit`]); the events of a live-chat item become [`ToCustomer`] messages for the page
//! ([`to_customer`]). Both travel as JSON text.
//!
//! `chat` is the customer page's id; the item is `live-<chat>` ([`demo::LIVE_CHAT_PREFIX`]).

use crate::centre::demo;
use omnidesk_core::protocol::Customer;
use omnidesk_core::{ChannelId, Config, Event, Input, ItemId, QueueId, Stamped};
use serde::{Deserialize, Serialize};

/// The BroadcastChannel's name.
pub const CHANNEL: &str = "omnidesk-live-chat";

/// What the customer page asks for. It posts the core input this makes
/// ([`customer_input`]) — the core's own vocabulary, whose decoder the agent's tab has anyway
/// (the input log) — and the agent's tab admits only inputs of this shape ([`admit`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FromCustomer {
    Start {
        chat: String,
        name: String,
        question: String,
    },
    Say {
        chat: String,
        text: String,
    },
    Leave {
        chat: String,
    },
}

/// What the agent's tab posts about a customer page's chat (externally tagged too).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToCustomer {
    Queued {
        chat: String,
    },
    Joined {
        chat: String,
        agent: String,
    },
    Agent {
        chat: String,
        agent: String,
        text: String,
    },
    Ended {
        chat: String,
    },
    Closed {
        chat: String,
    },
}

/// The item of a customer page's chat.
pub fn item_of(chat: &str) -> ItemId {
    ItemId::from(format!("{}{chat}", demo::LIVE_CHAT_PREFIX))
}

/// The chat id of a live-chat item, `None` for any other item.
pub fn chat_of(item: &ItemId) -> Option<&str> {
    item.as_str().strip_prefix(demo::LIVE_CHAT_PREFIX)
}

fn valid_chat(chat: &str) -> bool {
    !chat.is_empty()
        && chat.len() <= 40
        && chat.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The core input a customer page's message asks for; `None` for anything else.
pub fn customer_input(message: &FromCustomer) -> Option<Input> {
    let chat = match message {
        FromCustomer::Start { chat, .. }
        | FromCustomer::Say { chat, .. }
        | FromCustomer::Leave { chat } => chat,
    };
    if !valid_chat(chat) {
        return None;
    }
    let item = item_of(chat);
    match message {
        FromCustomer::Start { name, question, .. } => {
            let name = name.trim().to_owned();
            let question = question.trim().to_owned();
            if name.is_empty() {
                return None;
            }
            Some(Input::Arrive {
                item,
                channel: ChannelId::from("chat"),
                queue: QueueId::from(demo::SIMULATE_QUEUE),
                customer: Customer {
                    name,
                    id: Some(format!("WEB-{chat}")),
                    language: Some("English".to_owned()),
                    location: Some("Web chat".to_owned()),
                    ..Default::default()
                },
                skills: Default::default(),
                priority: 0,
                text: (!question.is_empty()).then_some(question),
            })
        }
        FromCustomer::Say { text, .. } => {
            (!text.trim().is_empty()).then(|| Input::CustomerMessage {
                item,
                text: text.clone(),
            })
        }
        FromCustomer::Leave { .. } => Some(Input::End { item, agent: None }),
    }
}

/// An input posted by a customer page, if it is one a customer page may send (a chat's
/// arrival, a message, the end — of a `live-` chat, in the demo's shape); `None` for anything
/// else, so a page can't act for an agent or touch another item.
pub fn admit(input: &Input) -> Option<Input> {
    let message = match input {
        Input::Arrive {
            item,
            customer,
            text,
            ..
        } => FromCustomer::Start {
            chat: chat_of(item)?.to_owned(),
            name: customer.name.clone(),
            question: text.clone().unwrap_or_default(),
        },
        Input::CustomerMessage { item, text } => FromCustomer::Say {
            chat: chat_of(item)?.to_owned(),
            text: text.clone(),
        },
        Input::End { item, agent: None } => FromCustomer::Leave {
            chat: chat_of(item)?.to_owned(),
        },
        _ => return None,
    };
    customer_input(&message)
}

/// What the customer page is told about an event of its chat; `None` if nothing.
pub fn to_customer(config: &Config, stamped: &Stamped) -> Option<ToCustomer> {
    let chat = |item: &ItemId| chat_of(item).map(str::to_owned);
    Some(match &stamped.event {
        Event::Arrived { item, .. } => ToCustomer::Queued { chat: chat(item)? },
        Event::Accepted { item, agent }
        | Event::Picked { item, agent }
        | Event::Reopened { item, agent }
        | Event::Assigned { item, agent, .. } => ToCustomer::Joined {
            chat: chat(item)?,
            agent: demo::agent_name(config, agent),
        },
        Event::AgentMessage { item, agent, text } => ToCustomer::Agent {
            chat: chat(item)?,
            agent: demo::agent_name(config, agent),
            text: text.clone(),
        },
        Event::Ended { item, .. } => ToCustomer::Ended { chat: chat(item)? },
        Event::Closed { item, .. } => ToCustomer::Closed { chat: chat(item)? },
        _ => return None,
    })
}

/// What the customer page shows for a line from the agent tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Told {
    Queued,
    Joined(String),
    Agent(String, String),
    Ended,
    /// The customer's own words (server mode: drawn again after a reload).
    Mine(String, String),
    /// The connection dropped (server mode), with when it is tried again.
    Lost(String),
}

/// Server mode: what an event of the customer's own stream (the server sends a customer only
/// their conversation's visible events) tells the customer page. The customer can't read the
/// centre's configuration, so an agent is named by their id, capitalised ("ana" → "Ana").
/// The customer's own messages are already on their page: `None`.
pub fn told_by_server(event: &Event) -> Option<Told> {
    let name = |a: &omnidesk_core::AgentId| {
        let mut c = a.as_str().chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default()
    };
    Some(match event {
        Event::Arrived { .. } => Told::Queued,
        Event::Accepted { agent, .. }
        | Event::Picked { agent, .. }
        | Event::Reopened { agent, .. }
        | Event::Assigned { agent, .. } => Told::Joined(name(agent)),
        Event::AgentMessage { agent, text, .. } => Told::Agent(name(agent), text.clone()),
        Event::Ended { .. } | Event::Closed { .. } => Told::Ended,
        _ => return None,
    })
}

/// What the chat `chat` shows for a message of the agent's tab; `None` if it is for another
/// chat.
pub fn told(message: &ToCustomer, chat: &str) -> Option<Told> {
    let (of, told) = match message {
        ToCustomer::Queued { chat } => (chat, Told::Queued),
        ToCustomer::Joined { chat, agent } => (chat, Told::Joined(agent.clone())),
        ToCustomer::Agent { chat, agent, text } => (chat, Told::Agent(agent.clone(), text.clone())),
        ToCustomer::Ended { chat } | ToCustomer::Closed { chat } => (chat, Told::Ended),
    };
    (of == chat).then_some(told)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::centre::Centre;

    #[test]
    fn the_servers_customer_stream_reads_as_the_chat_page_lines() {
        let item = ItemId::from("w1");
        let ana = omnidesk_core::AgentId::from("ana");
        let told = |e: Event| told_by_server(&e);
        assert_eq!(
            told(Event::Accepted {
                item: item.clone(),
                agent: ana.clone()
            }),
            Some(Told::Joined("Ana".into()))
        );
        assert_eq!(
            told(Event::AgentMessage {
                item: item.clone(),
                agent: ana,
                text: "<b>hi</b>".into()
            }),
            Some(Told::Agent("Ana".into(), "<b>hi</b>".into()))
        );
        assert_eq!(
            told(Event::Ended {
                item: item.clone(),
                agent: None
            }),
            Some(Told::Ended)
        );
        assert_eq!(
            told(Event::CustomerMessage {
                item,
                text: "mine".into()
            }),
            None
        );
    }

    #[test]
    fn a_customer_page_chat_reaches_the_queue_and_hears_back() {
        let (mut c, _) = Centre::fresh(1, false, 1_000);
        let start = customer_input(&FromCustomer::Start {
            chat: "abc1".into(),
            name: "Ada\tL".into(),
            question: "Hi\nthere".into(),
        })
        .unwrap();
        let events = c.submit(start, 2_000);
        let item = item_of("abc1");
        let it = &c.engine.state().items[&item];
        assert_eq!(it.customer.name, "Ada\tL");
        assert_eq!(c.journal.messages[&item][0].text, "Hi\nthere");
        let told_lines: Vec<ToCustomer> = events
            .iter()
            .filter_map(|e| to_customer(c.engine.config(), e))
            .collect();
        assert_eq!(told(&told_lines[0], "abc1"), Some(Told::Queued));
        assert_eq!(told(&told_lines[0], "other"), None);
        // Offered to the agent at the keyboard (Available): accept, write, end.
        let mut lines = Vec::new();
        for input in [
            Input::Accept {
                agent: c.me.clone(),
                item: item.clone(),
            },
            Input::AgentMessage {
                agent: c.me.clone(),
                item: item.clone(),
                text: "Hello <b>Ada</b>".into(),
            },
        ] {
            for e in c.submit(input, 3_000) {
                lines.extend(to_customer(c.engine.config(), &e));
            }
        }
        let heard: Vec<Told> = lines.iter().filter_map(|l| told(l, "abc1")).collect();
        assert_eq!(
            heard,
            vec![
                Told::Joined("Alex Morgan".into()),
                Told::Agent("Alex Morgan".into(), "Hello <b>Ada</b>".into())
            ]
        );
        let say = customer_input(&FromCustomer::Say {
            chat: "abc1".into(),
            text: "Thanks".into(),
        })
        .unwrap();
        c.submit(say, 4_000);
        assert_eq!(c.journal.messages[&item].last().unwrap().text, "Thanks");
        let ended: Vec<Told> = c
            .submit(
                customer_input(&FromCustomer::Leave {
                    chat: "abc1".into(),
                })
                .unwrap(),
                5_000,
            )
            .iter()
            .filter_map(|e| to_customer(c.engine.config(), e))
            .filter_map(|l| told(&l, "abc1"))
            .collect();
        assert_eq!(ended, vec![Told::Ended]);
    }

    #[test]
    fn foreign_messages_are_ignored() {
        let start = |chat: &str, name: &str| FromCustomer::Start {
            chat: chat.into(),
            name: name.into(),
            question: "q".into(),
        };
        assert_eq!(customer_input(&start("../x", "A")), None);
        assert_eq!(customer_input(&start("abc", " ")), None);
        let say = FromCustomer::Say {
            chat: "abc".into(),
            text: "  ".into(),
        };
        assert_eq!(customer_input(&say), None);
        // What a page posts is admitted only in a customer page's shape.
        let arrive = customer_input(&start("abc", "Ada")).unwrap();
        assert_eq!(admit(&arrive), Some(arrive.clone()));
        let agent = omnidesk_core::AgentId::from("alex");
        let item = item_of("abc");
        assert_eq!(
            admit(&Input::Close {
                agent: agent.clone(),
                item: item.clone()
            }),
            None
        );
        assert_eq!(
            admit(&Input::End {
                item: item.clone(),
                agent: Some(agent)
            }),
            None
        );
        assert_eq!(
            admit(&Input::CustomerMessage {
                item: ItemId::from("w000001"),
                text: "hi".into()
            }),
            None
        );
        let mut queue_jump = arrive.clone();
        if let Input::Arrive {
            queue, priority, ..
        } = &mut queue_jump
        {
            *queue = QueueId::from("vip");
            *priority = 9;
        }
        assert_eq!(
            admit(&queue_jump),
            Some(arrive),
            "normalised to the demo's shape"
        );
    }
}
