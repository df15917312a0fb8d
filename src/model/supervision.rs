//! The supervisor page's view models (ui-contract.md, "Supervisor page"), read from R28's
//! queries in `omnidesk_core::supervision` — the same functions the server's
//! `GET /api/supervisor` calls — and named for people: queue rows, agent rows, the ongoing
//! conversations with the actions R25–R27 permit on each, the Assign dialog's choices and its
//! overbooking warning, and the notice an agent gets when a supervisor moves their work.
//!
//! Times are instants (`since`), not durations, so the page ages them on its own clock.
//!
//! **Architecture invariant:** nothing here decides; the core refuses what the rules refuse,
//! and these models only leave out the buttons it would refuse.

use super::projection::{presence_class, presence_label};
use crate::centre::demo;
use crate::centre::AppEngine as Engine;
use omnidesk_core::protocol::Event;
use omnidesk_core::{AgentId, ItemId, QueueId};

/// Whether `agent` supervises any queue (the top bar's Supervisor link).
pub fn is_supervisor(engine: &Engine, agent: &AgentId) -> bool {
    !engine.supervised_queues(agent).is_empty()
}

/// One row of the Queues table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QueueRow {
    pub id: QueueId,
    pub name: String,
    pub open: u32,
    pub offered: u32,
    pub held: u32,
    /// The oldest Open item's `enqueued_at`; `None` with none.
    pub waiting_since: Option<u64>,
    /// "4 of 5 (80 %)", or "None counted".
    pub service_level: String,
}

pub fn queue_rows(engine: &Engine, supervisor: &AgentId) -> Vec<QueueRow> {
    let config = engine.config();
    engine
        .supervised_queues(supervisor)
        .into_iter()
        .filter_map(|id| {
            let f = engine.queue_figures(&id)?;
            Some(QueueRow {
                name: demo::queue_name(config, &id),
                open: f.open,
                offered: f.offered,
                held: f.held,
                waiting_since: (f.open > 0).then(|| engine.now() - f.longest_wait_ms),
                service_level: f.service_level.map_or("None counted".to_owned(), |s| {
                    format!("{} of {} ({} %)", s.met, s.of, s.met * 100 / s.of.max(1))
                }),
                id,
            })
        })
        .collect()
}

/// The members of the supervised queues, in id order (the Agents table's rows, windowed):
/// from the configuration alone, no row computed. O(members · log members).
pub fn member_ids(engine: &Engine, supervisor: &AgentId) -> Vec<AgentId> {
    let config = engine.config();
    let members: std::collections::BTreeSet<&AgentId> = engine
        .supervised_queues(supervisor)
        .iter()
        .filter_map(|q| config.queues.get(q))
        .flat_map(|q| q.members.iter())
        .filter(|a| engine.state().agents.contains_key(*a))
        .collect();
    members.into_iter().cloned().collect()
}

/// One row of the Agents table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AgentRow {
    pub id: AgentId,
    pub name: String,
    /// The presence's label ("Available", "Offline (disconnected)").
    pub presence: String,
    pub class: &'static str,
    /// When the presence last changed.
    pub presence_since: Option<u64>,
    pub used: u64,
    pub capacity: u64,
    pub held: usize,
}

impl AgentRow {
    pub fn available(&self) -> i64 {
        self.capacity as i64 - self.used as i64
    }

    /// The meter's text, as the top bar's Capacity says it.
    pub fn capacity_text(&self) -> String {
        format!("{} of {} available", self.available(), self.capacity)
    }
}

pub fn agent_row(engine: &Engine, agent: &AgentId) -> Option<AgentRow> {
    let r = engine.agent_row(agent)?;
    let signed_in = engine
        .state()
        .agents
        .get(agent)
        .is_some_and(|a| a.signed_in);
    let mut presence = presence_label(&r.presence);
    if r.disconnected {
        presence.push_str(" (disconnected)");
    } else if !signed_in {
        presence = "Signed out".to_owned();
    }
    Some(AgentRow {
        id: agent.clone(),
        name: demo::agent_name(engine.config(), agent),
        class: presence_class(engine.config(), &r.presence),
        presence,
        presence_since: r.presence_for_ms.map(|d| engine.now() - d),
        used: r.used,
        capacity: r.capacity,
        held: r.held.len(),
    })
}

/// One row of the Ongoing conversations table, with the actions the rules permit on it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ItemRow {
    pub id: ItemId,
    pub customer: String,
    pub channel: String,
    pub queue: QueueId,
    pub queue_name: String,
    pub state: &'static str,
    pub holder: Option<AgentId>,
    pub holder_name: String,
    /// When it entered its state.
    pub since: u64,
    /// R25: Open or Offered.
    pub can_assign: bool,
    /// R27: the queues it may go to — its channel accepted, its own queue left out.
    pub transfer_to: Vec<(QueueId, String)>,
}

fn state_label(state: &str) -> &'static str {
    match state {
        "open" => "Open",
        "offered" => "Offered",
        "active" => "Active",
        "waiting" => "Waiting",
        "wrap_up" => "Wrap-up",
        _ => "Closed",
    }
}

pub fn item_row(engine: &Engine, item: &ItemId) -> Option<ItemRow> {
    let r = engine.item_row(item)?;
    let config = engine.config();
    let state = state_label(&r.state);
    let movable = matches!(state, "Open" | "Offered" | "Active" | "Waiting");
    Some(ItemRow {
        id: item.clone(),
        customer: r.customer.name.clone(),
        channel: demo::channel_label(&r.channel),
        queue_name: demo::queue_name(config, &r.queue),
        state,
        holder_name: r
            .holder
            .as_ref()
            .map_or_else(String::new, |a| demo::agent_name(config, a)),
        holder: r.holder,
        since: engine.now() - r.in_state_ms,
        can_assign: matches!(state, "Open" | "Offered"),
        transfer_to: config
            .queues
            .values()
            .filter(|q| movable && q.id != r.queue && q.accepts(&r.channel))
            .map(|q| (q.id.clone(), q.name.clone()))
            .collect(),
        queue: r.queue,
    })
}

/// The ongoing conversations, filtered: in `queue` (all with `None`) and matching `text`
/// (customer, channel, queue, state or holder, any case). Ids in id order. Only the ids are
/// collected (rows are built for the window in view, and for the text filter): at 111 236
/// live items a whole list of rows per event would cost ~200 ms (BENCHMARKS.md, R28).
pub fn ongoing(
    engine: &Engine,
    supervisor: &AgentId,
    queue: Option<&QueueId>,
    text: &str,
) -> Vec<ItemId> {
    let needle = text.trim().to_lowercase();
    let supervised: std::collections::BTreeSet<QueueId> =
        engine.supervised_queues(supervisor).into_iter().collect();
    engine
        .state()
        .items
        .values()
        .filter(|it| it.status.name() != "closed" && supervised.contains(&it.queue))
        .filter(|it| queue.is_none_or(|q| &it.queue == q))
        .filter(|it| {
            needle.is_empty()
                || item_row(engine, &it.id).is_some_and(|row| {
                    [
                        row.customer.as_str(),
                        row.channel.as_str(),
                        row.queue_name.as_str(),
                        row.state,
                        row.holder_name.as_str(),
                    ]
                    .iter()
                    .any(|h| h.to_lowercase().contains(&needle))
                })
        })
        .map(|it| it.id.clone())
        .collect()
}

/// Most agents the Assign dialog lists (members of the item's queue first).
pub const MAX_CHOICES: usize = 50;

/// One choice of the Assign dialog: an agent R25 allows (signed in, not disconnected).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Choice {
    pub id: AgentId,
    pub name: String,
    pub presence: String,
    pub class: &'static str,
    pub available: i64,
    /// A member of the item's queue.
    pub member: bool,
    /// Assigning would leave the agent over capacity (R25 step 2).
    pub overbooks: bool,
}

pub fn assign_choices(engine: &Engine, item: &ItemId) -> Vec<Choice> {
    let state = engine.state();
    let Some(it) = state.items.get(item) else {
        return Vec::new();
    };
    let cost = state.cost_of(it) as i64;
    let members = engine.config().queues.get(&it.queue).map(|q| &q.members);
    let mut out: Vec<Choice> = state
        .agents
        .iter()
        .filter(|(_, a)| a.signed_in && a.disconnected.is_none())
        .map(|(id, a)| Choice {
            id: id.clone(),
            name: demo::agent_name(engine.config(), id),
            presence: presence_label(&a.presence),
            class: presence_class(engine.config(), &a.presence),
            available: a.available(),
            member: members.is_some_and(|m| m.contains(id)),
            overbooks: a.available() - cost < 0,
        })
        .collect();
    omnidesk_core::sorting::sort_by_cached_key(&mut out, |c| !c.member);
    out.truncate(MAX_CHOICES);
    out
}

/// §4: the notice for `me` when a supervisor (not `me`) assigned, transferred or closed one of
/// `me`'s items: "Sam Rivera assigned you the conversation with Ada Lovelace."
pub fn notice_for(engine: &Engine, me: &AgentId, event: &Event) -> Option<String> {
    let (item, by, what) = match event {
        Event::Assigned { item, agent, by } if agent == me => {
            (item, by, "assigned you the conversation with")
        }
        Event::Transferred {
            item,
            agent: Some(agent),
            by: Some(by),
            ..
        } if agent == me => (item, by, "transferred your conversation with"),
        Event::Closed {
            item,
            agent: Some(agent),
            by: Some(by),
            ..
        } if agent == me => (item, by, "closed your conversation with"),
        _ => return None,
    };
    if by == me {
        return None;
    }
    let config = engine.config();
    let customer = engine.state().items.get(item)?.customer.name.clone();
    let who = demo::agent_name(config, by);
    let to = match event {
        Event::Transferred { to_queue, .. } => {
            format!(" to {}", demo::queue_name(config, to_queue))
        }
        _ => String::new(),
    };
    Some(format!("{who} {what} {customer}{to}."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::centre::Centre;
    use omnidesk_core::{Input, Presence};

    /// The demo centre with the agent at the keyboard (a supervisor of every queue) Away and
    /// Ana signed in, so arrivals wait Open.
    fn centre() -> Centre {
        let (mut c, _) = Centre::fresh(5, false, 1_000);
        let me = c.me.clone();
        c.submit(
            Input::SetPresence {
                agent: me,
                status: Presence::Away,
            },
            1_000,
        );
        c.submit(
            Input::SignIn {
                agent: "ana".into(),
            },
            1_000,
        );
        c.submit(
            Input::SetPresence {
                agent: "ana".into(),
                status: Presence::Away,
            },
            1_000,
        );
        c
    }

    fn only_item(c: &Centre) -> ItemId {
        let ids = ongoing(&c.engine, &c.me, None, "");
        assert_eq!(ids.len(), 1);
        ids[0].clone()
    }

    #[test]
    fn the_demo_agent_supervises_the_three_queues_and_their_five_agents() {
        let mut c = centre();
        assert!(is_supervisor(&c.engine, &c.me));
        assert!(!is_supervisor(&c.engine, &"ana".into()));
        c.simulate("chat", 2_000);
        let queues = queue_rows(&c.engine, &c.me);
        let general = queues.iter().find(|q| q.id.as_str() == "general").unwrap();
        assert_eq!(
            (general.name.as_str(), general.open),
            ("General support", 1)
        );
        assert_eq!(general.waiting_since, Some(2_000));
        assert_eq!(general.service_level, "None counted");
        assert_eq!(member_ids(&c.engine, &c.me).len(), 5);
        let ana = agent_row(&c.engine, &"ana".into()).unwrap();
        assert_eq!(
            (ana.presence.as_str(), ana.capacity_text()),
            ("Away", "100 of 100 available".into())
        );
        let bert = agent_row(&c.engine, &"bert".into()).unwrap();
        assert_eq!(bert.presence, "Signed out");
    }

    #[test]
    fn r25_r27_an_open_row_offers_assign_and_the_queues_that_take_its_channel() {
        let mut c = centre();
        c.simulate("chat", 2_000);
        let item = only_item(&c);
        let row = item_row(&c.engine, &item).unwrap();
        assert_eq!(row.state, "Open");
        assert!(row.can_assign);
        let to: Vec<&str> = row.transfer_to.iter().map(|(q, _)| q.as_str()).collect();
        assert_eq!(to, ["billing", "vip"], "its own queue left out");
        // Assigned: Active, no Assign any more, still transferable.
        c.submit(
            Input::Assign {
                by: c.me.clone(),
                item: item.clone(),
                agent: "ana".into(),
            },
            3_000,
        );
        let row = item_row(&c.engine, &item).unwrap();
        assert_eq!(
            (row.state, row.holder_name.as_str()),
            ("Active", "Ana Silva")
        );
        assert!(!row.can_assign);
        assert_eq!(row.transfer_to.len(), 2);
        // Wrap-up: R27 refuses a transfer, so no queue is offered.
        c.submit(
            Input::End {
                item: item.clone(),
                agent: Some("ana".into()),
            },
            4_000,
        );
        assert!(item_row(&c.engine, &item).unwrap().transfer_to.is_empty());
    }

    #[test]
    fn r25_assign_choices_are_signed_in_agents_members_first_with_the_overbooking_flag() {
        let mut c = centre();
        c.simulate("chat", 2_000);
        let item = only_item(&c);
        let choices = assign_choices(&c.engine, &item);
        let ids: Vec<&str> = choices.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            ["alex", "ana"],
            "the signed-out colleagues are left out"
        );
        assert!(choices.iter().all(|c| c.member && !c.overbooks));
        // Fill Ana up: five chats of 20 units each.
        for k in 0..5 {
            c.simulate("chat", 2_100 + k);
        }
        for id in ongoing(&c.engine, &c.me, None, "").into_iter().skip(1) {
            c.submit(
                Input::Assign {
                    by: c.me.clone(),
                    item: id,
                    agent: "ana".into(),
                },
                3_000,
            );
        }
        let ana = assign_choices(&c.engine, &item)
            .into_iter()
            .find(|c| c.id.as_str() == "ana")
            .unwrap();
        assert_eq!((ana.available, ana.overbooks), (0, true));
    }

    #[test]
    fn the_filter_narrows_by_queue_and_by_words() {
        let mut c = centre();
        c.simulate("chat", 2_000);
        let item = only_item(&c);
        let customer = item_row(&c.engine, &item).unwrap().customer;
        let billing = QueueId::from("billing");
        assert!(ongoing(&c.engine, &c.me, Some(&billing), "").is_empty());
        assert_eq!(
            ongoing(&c.engine, &c.me, None, &customer.to_uppercase()).len(),
            1
        );
        assert_eq!(ongoing(&c.engine, &c.me, None, "open").len(), 1);
        assert!(ongoing(&c.engine, &c.me, None, "nobody like this").is_empty());
    }

    #[test]
    fn an_agent_is_told_which_supervisor_moved_which_customer() {
        let mut c = centre();
        c.simulate("chat", 2_000);
        let item = only_item(&c);
        let customer = item_row(&c.engine, &item).unwrap().customer;
        let ana = AgentId::from("ana");
        let told = |c: &mut Centre, input: Input, at: u64| -> Vec<String> {
            c.submit(input, at)
                .iter()
                .filter_map(|e| notice_for(&c.engine, &ana, &e.event))
                .collect()
        };
        let by = c.me.clone();
        let assign = Input::Assign {
            by: by.clone(),
            item: item.clone(),
            agent: ana.clone(),
        };
        assert_eq!(
            told(&mut c, assign, 3_000),
            [format!(
                "Alex Morgan assigned you the conversation with {customer}."
            )]
        );
        let transfer = Input::SupervisorTransfer {
            by: by.clone(),
            item: item.clone(),
            queue: "vip".into(),
        };
        assert_eq!(
            told(&mut c, transfer, 4_000),
            [format!(
                "Alex Morgan transferred your conversation with {customer} to Priority customers."
            )]
        );
        let assign = Input::Assign {
            by: by.clone(),
            item: item.clone(),
            agent: ana.clone(),
        };
        c.submit(assign, 5_000);
        let close = Input::ForceClose { by, item };
        assert_eq!(
            told(&mut c, close, 6_000),
            [format!(
                "Alex Morgan closed your conversation with {customer}."
            )]
        );
        // The supervisor's own items: no notice to themselves.
        assert_eq!(
            notice_for(
                &c.engine,
                &c.me,
                &omnidesk_core::protocol::Event::Assigned {
                    item: "x".into(),
                    agent: c.me.clone(),
                    by: c.me.clone(),
                }
            ),
            None
        );
    }

    #[test]
    fn the_centre_records_the_last_hour_of_each_supervised_queue() {
        let mut c = centre();
        c.simulate("chat", 2_000);
        c.simulate("chat", 3_000);
        let minutes = c.history.minutes(&"general".into(), 3_000, 2);
        assert_eq!(minutes, [Some(2)]);
    }
}
