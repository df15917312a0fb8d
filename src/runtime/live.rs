//! The live-chat channel of the standalone demo: the customer page (`/chat`) and the agent's
//! tab talk over a `BroadcastChannel` (same browser, other tab). This module is the protocol,
//! plain Rust: what the customer page says becomes core inputs ([`customer_input`]), and the
//! events of a live-chat item become lines for the customer page ([`to_customer`]).
//!
//! Lines are tab-separated, fields escaped with [`log::clean`]:
//! - customer page → agent tab: `start chat name question`, `say chat text`, `leave chat`
//! - agent tab → customer page: `queued chat`, `joined chat agent`, `agent chat agent text`,
//!   `ended chat`, `closed chat`
//!
//! `chat` is the customer page's id; the item is `live-<chat>` ([`demo::LIVE_CHAT_PREFIX`]).

use crate::runtime::demo;
use crate::runtime::log::{clean, unclean};
use omnidesk_core::protocol::Customer;
use omnidesk_core::{ChannelId, Config, Event, Input, ItemId, QueueId, Stamped};

/// The BroadcastChannel's name.
pub const CHANNEL: &str = "omnidesk-live-chat";

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

/// The core input a customer page's line asks for; `None` for anything else.
pub fn customer_input(line: &str) -> Option<Input> {
    let f: Vec<&str> = line.split('\t').collect();
    let chat = *f.get(1)?;
    if !valid_chat(chat) {
        return None;
    }
    let item = item_of(chat);
    match *f.first()? {
        "start" => {
            let name = unclean(f.get(2)?).trim().to_owned();
            let question = unclean(f.get(3)?).trim().to_owned();
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
        "say" => {
            let text = unclean(f.get(2)?);
            (!text.trim().is_empty()).then_some(Input::CustomerMessage { item, text })
        }
        "leave" => Some(Input::End { item, agent: None }),
        _ => None,
    }
}

/// What the customer page is told about an event of its chat; `None` if nothing.
pub fn to_customer(config: &Config, stamped: &Stamped) -> Option<String> {
    let line = match &stamped.event {
        Event::Arrived { item, .. } => format!("queued\t{}", chat_of(item)?),
        Event::Accepted { item, agent }
        | Event::Picked { item, agent }
        | Event::Reopened { item, agent } => format!(
            "joined\t{}\t{}",
            chat_of(item)?,
            clean(&demo::agent_name(config, agent))
        ),
        Event::AgentMessage { item, agent, text } => format!(
            "agent\t{}\t{}\t{}",
            chat_of(item)?,
            clean(&demo::agent_name(config, agent)),
            clean(text)
        ),
        Event::Ended { item, .. } => format!("ended\t{}", chat_of(item)?),
        Event::Closed { item, .. } => format!("closed\t{}", chat_of(item)?),
        _ => return None,
    };
    Some(line)
}

/// What the customer page shows for a line from the agent tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Told {
    Queued,
    Joined(String),
    Agent(String, String),
    Ended,
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
        | Event::Reopened { agent, .. } => Told::Joined(name(agent)),
        Event::AgentMessage { agent, text, .. } => Told::Agent(name(agent), text.clone()),
        Event::Ended { .. } | Event::Closed { .. } => Told::Ended,
        _ => return None,
    })
}

/// Reads a line for the chat `chat`; `None` if it is for another chat or not understood.
pub fn told(line: &str, chat: &str) -> Option<Told> {
    let f: Vec<&str> = line.split('\t').collect();
    if *f.get(1)? != chat {
        return None;
    }
    Some(match *f.first()? {
        "queued" => Told::Queued,
        "joined" => Told::Joined(unclean(f.get(2)?)),
        "agent" => Told::Agent(unclean(f.get(2)?), unclean(f.get(3)?)),
        "ended" | "closed" => Told::Ended,
        _ => return None,
    })
}

/// The customer page's lines.
pub fn start_line(chat: &str, name: &str, question: &str) -> String {
    format!("start\t{chat}\t{}\t{}", clean(name), clean(question))
}

pub fn say_line(chat: &str, text: &str) -> String {
    format!("say\t{chat}\t{}", clean(text))
}

pub fn leave_line(chat: &str) -> String {
    format!("leave\t{chat}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::centre::Centre;

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
        let start = customer_input(&start_line("abc1", "Ada\tL", "Hi\nthere")).unwrap();
        let events = c.submit(start, 2_000);
        let item = item_of("abc1");
        let it = &c.engine.state().items[&item];
        assert_eq!(it.customer.name, "Ada\tL");
        assert_eq!(c.journal.messages[&item][0].text, "Hi\nthere");
        let told_lines: Vec<String> = events
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
        let say = customer_input(&say_line("abc1", "Thanks")).unwrap();
        c.submit(say, 4_000);
        assert_eq!(c.journal.messages[&item].last().unwrap().text, "Thanks");
        let ended: Vec<Told> = c
            .submit(customer_input(&leave_line("abc1")).unwrap(), 5_000)
            .iter()
            .filter_map(|e| to_customer(c.engine.config(), e))
            .filter_map(|l| told(&l, "abc1"))
            .collect();
        assert_eq!(ended, vec![Told::Ended]);
    }

    #[test]
    fn foreign_lines_are_ignored() {
        assert_eq!(customer_input("start\t../x\tA\tq"), None);
        assert_eq!(customer_input("start\tabc\t \tq"), None);
        assert_eq!(customer_input("say\tabc\t  "), None);
        assert_eq!(customer_input("nonsense"), None);
    }
}
