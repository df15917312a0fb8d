//! The save format: a versioned snapshot (engine state, journal, simulator); the inputs
//! handled after it are logged beside it ([`crate::runtime::log`]). Reading checks the version
//! first, so an old format or a corrupt save is reported and set aside instead of breaking the
//! page.
//!
//! The snapshot is written by hand as tab-separated lines (fields escaped with
//! [`log::clean`]), one record a line, instead of serde + JSON: the derives of the core's
//! large types and serde_json's parser and float formatting were about a tenth of the
//! bundle. The configuration is not saved: the demo's is rebuilt ([`demo::config`]).
//!
//! ```text
//! omnidesk-save  2  now  seq
//! A  agent  signed_in  presence  manual  used  capacity  last_assignment|-  idle_since  (queue  at)*
//! I  item  channel  queue  priority  enqueued_at  declines  last_holder|-  status  a  b  c
//!    name  id  email  phone  language  location  n_skills  (skill  level)*  (agent  declines)*
//! T  item  arrived_at|-  arrived_in|-  first_active_at|-  state_since|-  offer_seen   (format 3)
//! D  agent  presence_since|-  disconnected_since|-  remembered_presence  remembered_manual   (format 3)
//! J  arrivals
//! M  item  at  customer|agent|system  agent name  text
//! E  item  agent  criterion  eligible  six exclusion counts  disconnected (format 3)
//! C  item  at
//! S  seed  arrival_every_ms  next_arrival|-
//! P  due  item  plan  agent
//! ```

use crate::runtime::demo;
use crate::runtime::journal::{Author, Journal, Message};
use crate::runtime::log::{clean, unclean};
use crate::runtime::sim::{Plan, Sim};
use omnidesk_core::protocol::{Criterion, Customer, Excluded, Explanation};
use omnidesk_core::state::{AgentState, Item, ItemStatus};
use omnidesk_core::{AgentId, ChannelId, ItemId, Presence, QueueId, State};
use std::collections::BTreeMap;
use std::fmt::{self, Write};

/// The version of the snapshot; bump it when the shape changes. Format 1 was JSON; format 3
/// added the `T` and `D` records and the `E` record's last count (R23, R24, R28), and a
/// format-2 save still loads (they are missing there, as in a state saved before those rules).
pub const FORMAT: u32 = 3;

/// The oldest format this version still reads.
const OLDEST_FORMAT: u32 = 2;

const MAGIC: &str = "omnidesk-save";

/// A snapshot of the centre.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    pub format: u32,
    pub now: u64,
    pub seq: u64,
    pub state: State,
    pub journal: Journal,
    pub sim: Sim,
}

/// Why a save can't be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// Written by another version of the app.
    OldFormat(u64),
    /// Not what this app writes.
    Corrupt(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::OldFormat(v) => write!(
                f,
                "it was saved in format {v} by another version of omnidesk (this one reads format {FORMAT})"
            ),
            LoadError::Corrupt(why) => write!(f, "it is damaged ({why})"),
        }
    }
}

fn opt_u64(v: Option<u64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

fn opt_str(v: &Option<String>) -> String {
    v.as_deref().map(clean).unwrap_or_default()
}

const CRITERIA: [(Criterion, &str); 7] = [
    (Criterion::Affinity, "affinity"),
    (Criterion::OnlyEligible, "only_eligible"),
    (Criterion::NotDeclined, "not_declined"),
    (Criterion::MostAvailable, "most_available"),
    (
        Criterion::EarliestLastAssignment,
        "earliest_last_assignment",
    ),
    (Criterion::EarliestIdleSince, "earliest_idle_since"),
    (Criterion::AgentId, "agent_id"),
];

/// Writes the snapshot text.
pub fn write(now: u64, seq: u64, state: &State, journal: &Journal, sim: &Sim) -> String {
    let mut o = String::with_capacity(256 + state.items.len() * 160);
    let _ = writeln!(o, "{MAGIC}\t{FORMAT}\t{now}\t{seq}");
    for (id, a) in &state.agents {
        let _ = write!(
            o,
            "A\t{id}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            u8::from(a.signed_in),
            clean(a.presence.name()),
            u8::from(a.manual),
            a.used,
            a.capacity,
            opt_u64(a.last_assignment),
            a.idle_since
        );
        for (q, at) in &a.last_assignment_in_queue {
            let _ = write!(o, "\t{q}\t{at}");
        }
        o.push('\n');
        let (since, remembered, manual) = a
            .disconnected
            .as_ref()
            .map_or((None, String::new(), false), |d| {
                (Some(d.since), clean(d.presence.name()), d.manual)
            });
        let _ = writeln!(
            o,
            "D\t{id}\t{}\t{}\t{remembered}\t{}",
            opt_u64(a.presence_since),
            opt_u64(since),
            u8::from(manual)
        );
    }
    for (id, it) in &state.items {
        let (kind, a, b, c) = match &it.status {
            ItemStatus::Open => ("open", String::new(), String::new(), String::new()),
            ItemStatus::Offered { agent, expires_at } => (
                "offered",
                agent.to_string(),
                expires_at.to_string(),
                String::new(),
            ),
            ItemStatus::Active { agent } => {
                ("active", agent.to_string(), String::new(), String::new())
            }
            ItemStatus::Waiting { agent, since } => (
                "waiting",
                agent.to_string(),
                since.to_string(),
                String::new(),
            ),
            ItemStatus::WrapUp {
                agent,
                ended_at,
                blocking,
            } => (
                "wrap_up",
                agent.to_string(),
                ended_at.to_string(),
                u8::from(*blocking).to_string(),
            ),
            ItemStatus::Closed { closed_at } => (
                "closed",
                closed_at.to_string(),
                String::new(),
                String::new(),
            ),
        };
        let cu = &it.customer;
        let _ = write!(
            o,
            "I\t{id}\t{}\t{}\t{}\t{}\t{}\t{}\t{kind}\t{a}\t{b}\t{c}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            it.channel,
            it.queue,
            it.priority,
            it.enqueued_at,
            it.declines,
            it.last_holder
                .as_ref()
                .map_or_else(|| "-".to_owned(), |h| h.to_string()),
            clean(&cu.name),
            opt_str(&cu.id),
            opt_str(&cu.email),
            opt_str(&cu.phone),
            opt_str(&cu.language),
            opt_str(&cu.location),
            it.skills.len()
        );
        for (s, l) in &it.skills {
            let _ = write!(o, "\t{}\t{l}", clean(s));
        }
        for (agent, n) in &it.declines_by {
            let _ = write!(o, "\t{agent}\t{n}");
        }
        o.push('\n');
        let _ = writeln!(
            o,
            "T\t{id}\t{}\t{}\t{}\t{}\t{}",
            opt_u64(it.arrived_at),
            it.arrived_in
                .as_ref()
                .map_or_else(|| "-".to_owned(), |q| q.to_string()),
            opt_u64(it.first_active_at),
            opt_u64(it.state_since),
            u8::from(it.offer_seen)
        );
    }
    let _ = writeln!(o, "J\t{}", journal.arrivals);
    for (item, log) in &journal.messages {
        for m in log {
            let (kind, name) = match &m.author {
                Author::Customer => ("customer", String::new()),
                Author::Agent(n) => ("agent", clean(n)),
                Author::System => ("system", String::new()),
            };
            let _ = writeln!(o, "M\t{item}\t{}\t{kind}\t{name}\t{}", m.at, clean(&m.text));
        }
    }
    for (item, e) in &journal.explanations {
        let crit = CRITERIA
            .iter()
            .find(|(c, _)| *c == e.criterion)
            .map_or("agent_id", |(_, n)| n);
        let x = &e.excluded;
        let _ = writeln!(
            o,
            "E\t{item}\t{}\t{crit}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            e.agent,
            e.eligible,
            x.not_signed_in,
            x.inactive,
            x.presence,
            x.capacity,
            x.skill,
            x.declined,
            x.disconnected
        );
    }
    for (item, at) in &journal.changed_at {
        let _ = writeln!(o, "C\t{item}\t{at}");
    }
    let _ = writeln!(
        o,
        "S\t{}\t{}\t{}",
        sim.seed,
        sim.arrival_every_ms,
        opt_u64(sim.next_arrival)
    );
    for ((due, item), plan) in &sim.plans {
        let (kind, agent) = match plan {
            Plan::Accept(a) => ("accept", a.as_str()),
            Plan::Reject(a) => ("reject", a.as_str()),
            Plan::End(a) => ("end", a.as_str()),
            Plan::Close(a) => ("close", a.as_str()),
            Plan::CustomerWrites => ("customer_writes", ""),
            Plan::CustomerAnswers => ("customer_answers", ""),
        };
        let _ = writeln!(o, "P\t{due}\t{item}\t{kind}\t{agent}");
    }
    o
}

/// Reads fields of one line in order.
struct Fields<'a> {
    parts: std::str::Split<'a, char>,
}

impl<'a> Fields<'a> {
    fn next(&mut self) -> Result<&'a str, String> {
        self.parts
            .next()
            .ok_or_else(|| "a line is short".to_owned())
    }
    fn num<T: std::str::FromStr>(&mut self) -> Result<T, String> {
        let f = self.next()?;
        f.parse().map_err(|_| format!("{f:?} is not a number"))
    }
    fn opt_num(&mut self) -> Result<Option<u64>, String> {
        match self.next()? {
            "-" => Ok(None),
            f => f
                .parse()
                .map(Some)
                .map_err(|_| format!("{f:?} is not a number")),
        }
    }
    fn text(&mut self) -> Result<String, String> {
        self.next().map(unclean)
    }
    fn opt_text(&mut self) -> Result<Option<String>, String> {
        self.next().map(|f| (!f.is_empty()).then(|| unclean(f)))
    }
    fn flag(&mut self) -> Result<bool, String> {
        Ok(self.next()? == "1")
    }
    /// The remaining fields, in pairs.
    fn pairs(&mut self) -> Vec<(&'a str, &'a str)> {
        let mut out = Vec::new();
        while let (Some(a), Some(b)) = (self.parts.next(), self.parts.next()) {
            out.push((a, b));
        }
        out
    }
}

/// Parses a snapshot, checking its format version before anything else.
pub fn parse_snapshot(text: &str) -> Result<Saved, LoadError> {
    let mut lines = text.lines();
    let head = lines.next().unwrap_or_default();
    if head.trim_start().starts_with('{') {
        return Err(LoadError::OldFormat(1));
    }
    let mut h = head.split('\t');
    if h.next() != Some(MAGIC) {
        return Err(LoadError::Corrupt("not an omnidesk save".into()));
    }
    let format: u64 = h
        .next()
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| LoadError::Corrupt("no format version".into()))?;
    if !(u64::from(OLDEST_FORMAT)..=u64::from(FORMAT)).contains(&format) {
        return Err(LoadError::OldFormat(format));
    }
    parse_body(h, lines).map_err(LoadError::Corrupt)
}

fn parse_body<'a>(
    mut head: std::str::Split<'a, char>,
    lines: std::str::Lines<'a>,
) -> Result<Saved, String> {
    let num = |f: Option<&str>| -> Result<u64, String> {
        f.and_then(|v| v.parse().ok())
            .ok_or_else(|| "the header is damaged".to_owned())
    };
    let now = num(head.next())?;
    let seq = num(head.next())?;
    let mut state = State::new(demo::config());
    let mut journal = Journal::default();
    let mut sim = Sim::new(0, 1);
    for line in lines {
        if line.is_empty() {
            continue;
        }
        let mut f = Fields {
            parts: line.split('\t'),
        };
        match f.next()? {
            "A" => {
                let id = AgentId::from(f.next()?);
                let mut a = AgentState {
                    signed_in: f.flag()?,
                    presence: Presence::from_name(&f.text()?),
                    manual: f.flag()?,
                    used: f.num()?,
                    capacity: f.num()?,
                    last_assignment: f.opt_num()?,
                    idle_since: f.num()?,
                    last_assignment_in_queue: BTreeMap::new(),
                    // Not in this save format (R24, R28): a reload starts them afresh.
                    disconnected: None,
                    presence_since: None,
                };
                for (q, at) in f.pairs() {
                    let at = at.parse().map_err(|_| "a bad assignment time")?;
                    a.last_assignment_in_queue.insert(QueueId::from(q), at);
                }
                state.agents.insert(id, a);
            }
            "I" => {
                let id = ItemId::from(f.next()?);
                let channel = ChannelId::from(f.next()?);
                let queue = QueueId::from(f.next()?);
                let priority = f.num()?;
                let enqueued_at = f.num()?;
                let declines = f.num()?;
                let last_holder = match f.next()? {
                    "-" => None,
                    h => Some(AgentId::from(h)),
                };
                let (kind, a, b, c) = (f.next()?, f.next()?, f.next()?, f.next()?);
                let n = |v: &str| v.parse::<u64>().map_err(|_| format!("{v:?} is not a time"));
                let status = match kind {
                    "open" => ItemStatus::Open,
                    "offered" => ItemStatus::Offered {
                        agent: AgentId::from(a),
                        expires_at: n(b)?,
                    },
                    "active" => ItemStatus::Active {
                        agent: AgentId::from(a),
                    },
                    "waiting" => ItemStatus::Waiting {
                        agent: AgentId::from(a),
                        since: n(b)?,
                    },
                    "wrap_up" => ItemStatus::WrapUp {
                        agent: AgentId::from(a),
                        ended_at: n(b)?,
                        blocking: c == "1",
                    },
                    "closed" => ItemStatus::Closed { closed_at: n(a)? },
                    other => return Err(format!("unknown item state {other:?}")),
                };
                let customer = Customer {
                    name: f.text()?,
                    id: f.opt_text()?,
                    email: f.opt_text()?,
                    phone: f.opt_text()?,
                    language: f.opt_text()?,
                    location: f.opt_text()?,
                };
                let n_skills: usize = f.num()?;
                let mut skills = BTreeMap::new();
                for _ in 0..n_skills {
                    let s = f.text()?;
                    skills.insert(s, f.num()?);
                }
                let mut declines_by = BTreeMap::new();
                for (agent, count) in f.pairs() {
                    let count = count.parse().map_err(|_| "a bad decline count")?;
                    declines_by.insert(AgentId::from(agent), count);
                }
                if status == ItemStatus::Open {
                    state.open.insert(id.clone());
                }
                state.items.insert(
                    id.clone(),
                    Box::new(Item {
                        id,
                        channel,
                        queue,
                        customer,
                        skills,
                        priority,
                        status,
                        enqueued_at,
                        declines_by,
                        declines,
                        last_holder,
                        // Not in this save format (R23, R28): read like a state saved before
                        // them.
                        arrived_at: None,
                        arrived_in: None,
                        first_active_at: None,
                        state_since: None,
                        offer_seen: false,
                    }),
                );
            }
            "T" => {
                let id = ItemId::from(f.next()?);
                let arrived_at = f.opt_num()?;
                let arrived_in = match f.next()? {
                    "-" => None,
                    q => Some(Box::new(QueueId::from(q))),
                };
                let first_active_at = f.opt_num()?;
                let state_since = f.opt_num()?;
                let offer_seen = f.flag()?;
                let it = state
                    .items
                    .get_mut(&id)
                    .ok_or_else(|| format!("times of an unknown item {id}"))?;
                it.arrived_at = arrived_at;
                it.arrived_in = arrived_in;
                it.first_active_at = first_active_at;
                it.state_since = state_since;
                it.offer_seen = offer_seen;
            }
            "D" => {
                let id = AgentId::from(f.next()?);
                let presence_since = f.opt_num()?;
                let since = f.opt_num()?;
                let remembered = f.text()?;
                let manual = f.flag()?;
                let a = state
                    .agents
                    .get_mut(&id)
                    .ok_or_else(|| format!("presence times of an unknown agent {id}"))?;
                a.presence_since = presence_since;
                a.disconnected = since.map(|since| omnidesk_core::state::Disconnection {
                    since,
                    presence: Presence::from_name(&remembered),
                    manual,
                });
            }
            "J" => journal.arrivals = f.num()?,
            "M" => {
                let item = ItemId::from(f.next()?);
                let at = f.num()?;
                let kind = f.next()?;
                let name = f.text()?;
                let author = match kind {
                    "customer" => Author::Customer,
                    "agent" => Author::Agent(name),
                    _ => Author::System,
                };
                let text = f.text()?;
                journal
                    .messages
                    .entry(item)
                    .or_default()
                    .push(Message { at, author, text });
            }
            "E" => {
                let item = ItemId::from(f.next()?);
                let agent = AgentId::from(f.next()?);
                let crit = f.next()?;
                let criterion = CRITERIA
                    .iter()
                    .find(|(_, n)| *n == crit)
                    .map(|(c, _)| *c)
                    .ok_or_else(|| format!("unknown criterion {crit:?}"))?;
                let explanation = Explanation {
                    agent,
                    criterion,
                    eligible: f.num()?,
                    excluded: Excluded {
                        not_signed_in: f.num()?,
                        disconnected: 0,
                        inactive: f.num()?,
                        presence: f.num()?,
                        capacity: f.num()?,
                        skill: f.num()?,
                        declined: f.num()?,
                    },
                };
                let mut explanation = explanation;
                // Format 3 appends the disconnected count (R24).
                if let Ok(n) = f.num() {
                    explanation.excluded.disconnected = n;
                }
                journal.explanations.insert(item, explanation);
            }
            "C" => {
                let item = ItemId::from(f.next()?);
                journal.changed_at.insert(item, f.num()?);
            }
            "S" => {
                sim.seed = f.num()?;
                sim.arrival_every_ms = f.num()?;
                sim.next_arrival = f.opt_num()?;
            }
            "P" => {
                let due = f.num()?;
                let item = ItemId::from(f.next()?);
                let kind = f.next()?;
                let agent = AgentId::from(f.next()?);
                let plan = match kind {
                    "accept" => Plan::Accept(agent),
                    "reject" => Plan::Reject(agent),
                    "end" => Plan::End(agent),
                    "close" => Plan::Close(agent),
                    "customer_writes" => Plan::CustomerWrites,
                    "customer_answers" => Plan::CustomerAnswers,
                    other => return Err(format!("unknown plan {other:?}")),
                };
                sim.plans.insert((due, item), plan);
            }
            other => return Err(format!("unknown record {other:?}")),
        }
    }
    Ok(Saved {
        format: FORMAT,
        now,
        seq,
        state,
        journal,
        sim,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_and_corrupt_saves_are_told_apart() {
        assert_eq!(
            parse_snapshot(r#"{"format": 1, "state": {}}"#),
            Err(LoadError::OldFormat(1))
        );
        assert_eq!(
            parse_snapshot("omnidesk-save\t7\t0\t0"),
            Err(LoadError::OldFormat(7))
        );
        assert!(matches!(
            parse_snapshot("{not json"),
            Err(LoadError::OldFormat(_))
        ));
        assert!(matches!(
            parse_snapshot("garbage"),
            Err(LoadError::Corrupt(_))
        ));
        assert!(matches!(
            parse_snapshot("omnidesk-save\t2\tx\t1"),
            Err(LoadError::Corrupt(_))
        ));
        assert!(matches!(
            parse_snapshot("omnidesk-save\t2\t1\t1\nI\tw1\tchat"),
            Err(LoadError::Corrupt(_))
        ));
    }
}
