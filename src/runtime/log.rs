//! The event log's lines. The save keeps a snapshot plus the *inputs* handled since, one line
//! each: replaying them through the engine gives the same events again (R0: same inputs, same
//! outputs), and the journal and the simulator fold those events as they did the first time.
//! A tab-separated line per input keeps the bundle small (no second JSON decoder for the
//! core's large tagged enums) and the log cheap to write.
//!
//! A line is `seq \t now \t verb \t fields…`, where `seq` is the engine's last event number
//! after the input: replay checks it, so a gap or a foreign line is caught as corruption.

use omnidesk_core::protocol::Customer;
use omnidesk_core::{AgentId, ChannelId, Input, ItemId, Presence, QueueId};

/// Escapes a field: backslash, tab, newline and carriage return become `\\`, `\t`, `\n`, `\r`,
/// so a field never contains the separators and multi-line text survives.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// Undoes [`clean`].
pub fn unclean(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map(clean).unwrap_or_default()
}

/// The line of an input handled at `now` that brought the engine to event `seq`.
pub fn encode(seq: u64, now: u64, input: &Input) -> String {
    let fields: Vec<String> = match input {
        Input::SignIn { agent } => vec!["sign_in".into(), agent.to_string()],
        Input::SignOut { agent } => vec!["sign_out".into(), agent.to_string()],
        Input::ResetPresence { agent } => vec!["reset_presence".into(), agent.to_string()],
        Input::SetPresence { agent, status } => {
            vec![
                "set_presence".into(),
                agent.to_string(),
                clean(status.name()),
            ]
        }
        Input::Arrive {
            item,
            channel,
            queue,
            customer,
            priority,
            text,
            ..
        } => vec![
            "arrive".into(),
            item.to_string(),
            channel.to_string(),
            queue.to_string(),
            priority.to_string(),
            clean(&customer.name),
            opt(&customer.id),
            opt(&customer.email),
            opt(&customer.phone),
            opt(&customer.language),
            opt(&customer.location),
            text.as_deref()
                .map_or_else(|| "-".to_owned(), |t| format!("+{}", clean(t))),
        ],
        Input::Accept { agent, item } => vec!["accept".into(), agent.to_string(), item.to_string()],
        Input::Reject { agent, item } => vec!["reject".into(), agent.to_string(), item.to_string()],
        Input::Pick { agent, item } => vec!["pick".into(), agent.to_string(), item.to_string()],
        Input::Wait { agent, item } => vec!["wait".into(), agent.to_string(), item.to_string()],
        Input::Open { agent, item } => vec!["open".into(), agent.to_string(), item.to_string()],
        Input::Close { agent, item } => vec!["close".into(), agent.to_string(), item.to_string()],
        Input::Reopen { agent, item } => vec!["reopen".into(), agent.to_string(), item.to_string()],
        Input::End { item, agent } => vec![
            "end".into(),
            item.to_string(),
            agent.as_ref().map(|a| a.to_string()).unwrap_or_default(),
        ],
        Input::Transfer { agent, item, queue } => vec![
            "transfer".into(),
            agent.to_string(),
            item.to_string(),
            queue.to_string(),
        ],
        Input::CustomerMessage { item, text } => {
            vec!["customer_message".into(), item.to_string(), clean(text)]
        }
        Input::AgentMessage { agent, item, text } => vec![
            "agent_message".into(),
            agent.to_string(),
            item.to_string(),
            clean(text),
        ],
        Input::Abandon { item } => vec!["abandon".into(), item.to_string()],
        Input::Tick => vec!["tick".into()],
        Input::OfferSeen { agent, item } => {
            vec!["offer_seen".into(), agent.to_string(), item.to_string()]
        }
        Input::Disconnect { agent } => vec!["disconnect".into(), agent.to_string()],
        Input::Reconnect { agent } => vec!["reconnect".into(), agent.to_string()],
        Input::Assign { by, item, agent } => vec![
            "assign".into(),
            by.to_string(),
            item.to_string(),
            agent.to_string(),
        ],
        Input::ForceClose { by, item } => {
            vec!["force_close".into(), by.to_string(), item.to_string()]
        }
        Input::SupervisorTransfer { by, item, queue } => vec![
            "supervisor_transfer".into(),
            by.to_string(),
            item.to_string(),
            queue.to_string(),
        ],
    };
    format!("{seq}\t{now}\t{}", fields.join("\t"))
}

/// Parses a line back into (seq, now, input); `None` for anything else.
pub fn decode(line: &str) -> Option<(u64, u64, Input)> {
    let f: Vec<&str> = line.split('\t').collect();
    let seq = f.first()?.parse().ok()?;
    let now = f.get(1)?.parse().ok()?;
    let at = |i: usize| f.get(i).copied();
    let agent = |i: usize| at(i).map(AgentId::from);
    let item = |i: usize| at(i).map(ItemId::from);
    let some = |i: usize| at(i).filter(|s| !s.is_empty()).map(unclean);
    let input = match *f.get(2)? {
        "sign_in" => Input::SignIn { agent: agent(3)? },
        "sign_out" => Input::SignOut { agent: agent(3)? },
        "reset_presence" => Input::ResetPresence { agent: agent(3)? },
        "set_presence" => Input::SetPresence {
            agent: agent(3)?,
            status: Presence::from_name(&unclean(at(4)?)),
        },
        "arrive" => Input::Arrive {
            item: item(3)?,
            channel: ChannelId::from(at(4)?),
            queue: QueueId::from(at(5)?),
            priority: at(6)?.parse().ok()?,
            customer: Customer {
                name: unclean(at(7)?),
                id: some(8),
                email: some(9),
                phone: some(10),
                language: some(11),
                location: some(12),
            },
            skills: Default::default(),
            text: at(13)?.strip_prefix('+').map(unclean),
        },
        "accept" => Input::Accept {
            agent: agent(3)?,
            item: item(4)?,
        },
        "offer_seen" => Input::OfferSeen {
            agent: agent(3)?,
            item: item(4)?,
        },
        "disconnect" => Input::Disconnect { agent: agent(3)? },
        "reconnect" => Input::Reconnect { agent: agent(3)? },
        "assign" => Input::Assign {
            by: agent(3)?,
            item: item(4)?,
            agent: agent(5)?,
        },
        "force_close" => Input::ForceClose {
            by: agent(3)?,
            item: item(4)?,
        },
        "supervisor_transfer" => Input::SupervisorTransfer {
            by: agent(3)?,
            item: item(4)?,
            queue: QueueId::from(at(5)?),
        },
        "reject" => Input::Reject {
            agent: agent(3)?,
            item: item(4)?,
        },
        "pick" => Input::Pick {
            agent: agent(3)?,
            item: item(4)?,
        },
        "wait" => Input::Wait {
            agent: agent(3)?,
            item: item(4)?,
        },
        "open" => Input::Open {
            agent: agent(3)?,
            item: item(4)?,
        },
        "close" => Input::Close {
            agent: agent(3)?,
            item: item(4)?,
        },
        "reopen" => Input::Reopen {
            agent: agent(3)?,
            item: item(4)?,
        },
        "end" => Input::End {
            item: item(3)?,
            agent: some(4).map(AgentId::from),
        },
        "transfer" => Input::Transfer {
            agent: agent(3)?,
            item: item(4)?,
            queue: QueueId::from(at(5)?),
        },
        "customer_message" => Input::CustomerMessage {
            item: item(3)?,
            text: unclean(at(4)?),
        },
        "agent_message" => Input::AgentMessage {
            agent: agent(3)?,
            item: item(4)?,
            text: unclean(at(5)?),
        },
        "abandon" => Input::Abandon { item: item(3)? },
        "tick" => Input::Tick,
        _ => return None,
    };
    Some((seq, now, input))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_input_round_trips() {
        let a = || AgentId::from("alex");
        let i = || ItemId::from("w000001");
        let inputs = vec![
            Input::SignIn { agent: a() },
            Input::SignOut { agent: a() },
            Input::ResetPresence { agent: a() },
            Input::SetPresence {
                agent: a(),
                status: Presence::Custom("Lunch".into()),
            },
            Input::Arrive {
                item: i(),
                channel: ChannelId::from("chat"),
                queue: QueueId::from("general"),
                customer: Customer {
                    name: "Ada Lovelace".into(),
                    email: Some("ada@example.com".into()),
                    ..Default::default()
                },
                skills: Default::default(),
                priority: -2,
                text: Some("Hi\tthere\\ \nagain".into()),
            },
            Input::Accept {
                agent: a(),
                item: i(),
            },
            Input::Reject {
                agent: a(),
                item: i(),
            },
            Input::Pick {
                agent: a(),
                item: i(),
            },
            Input::Wait {
                agent: a(),
                item: i(),
            },
            Input::Open {
                agent: a(),
                item: i(),
            },
            Input::Close {
                agent: a(),
                item: i(),
            },
            Input::Reopen {
                agent: a(),
                item: i(),
            },
            Input::End {
                item: i(),
                agent: None,
            },
            Input::End {
                item: i(),
                agent: Some(a()),
            },
            Input::Transfer {
                agent: a(),
                item: i(),
                queue: QueueId::from("vip"),
            },
            Input::CustomerMessage {
                item: i(),
                text: "Thanks!".into(),
            },
            Input::AgentMessage {
                agent: a(),
                item: i(),
                text: "".into(),
            },
            Input::Abandon { item: i() },
            Input::Tick,
        ];
        for (k, input) in inputs.into_iter().enumerate() {
            let line = encode(k as u64, 1000 + k as u64, &input);
            let (seq, now, back) = decode(&line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!((seq, now), (k as u64, 1000 + k as u64));
            assert_eq!(back, input);
        }
        assert!(decode("garbage").is_none());
    }
}
