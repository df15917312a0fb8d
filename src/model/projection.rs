//! The UI's view models, built from the core's state and queries and the [`Journal`]: the rows
//! of the three dashboard streams (with their view-only sorting and filtering), the presence
//! button, the capacity meter, pending offers, the overbooking question (R10) and the "Why?"
//! explanation (R18). Plain Rust, tested natively; components only render these.
//!
//! **Architecture invariant:** nothing here decides routing or presence; it reads what the core
//! decided.

use crate::centre::demo;
use crate::centre::journal::Journal;
use crate::centre::AppEngine as Engine;
use omnidesk_core::state::ItemStatus;
use omnidesk_core::{AgentId, Config, ItemId, MemberReason, Presence, PresenceReason};

/// The three streams of the agent dashboard (R19–R21).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stream {
    My,
    Open,
    Closed,
}

impl Stream {
    pub const ALL: [Stream; 3] = [Stream::My, Stream::Open, Stream::Closed];

    /// The region's accessible name.
    pub fn name(self) -> &'static str {
        match self {
            Stream::My => "My work items",
            Stream::Open => "Open work items",
            Stream::Closed => "Closed work items",
        }
    }

    /// The row action's verb (its button is named `<verb> <customer>`).
    pub fn action(self) -> &'static str {
        match self {
            Stream::My => "Open",
            Stream::Open => "Pick",
            Stream::Closed => "Reopen",
        }
    }

    /// What the age column counts.
    pub fn age_label(self) -> &'static str {
        match self {
            Stream::My => "open for",
            Stream::Open => "waiting",
            Stream::Closed => "closed",
        }
    }

    /// Shown when the stream has no item.
    pub fn empty_text(self) -> &'static str {
        match self {
            Stream::My => "Nothing assigned to you right now.",
            Stream::Open => "No open items in your queues.",
            Stream::Closed => "Nothing closed in the last 24 hours.",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Stream::My => "my",
            Stream::Open => "open",
            Stream::Closed => "closed",
        }
    }
}

/// One row of a stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub id: ItemId,
    pub customer: String,
    pub channel: String,
    pub channel_label: String,
    pub queue: String,
    /// The start of the age shown: enqueued (Open), last change (My), closed (Closed).
    pub since: u64,
    /// A short state note for My work items ("Wrap-up", "Waiting").
    pub note: Option<&'static str>,
}

/// The rows of a stream in the core's order (R19 by id, R20 in routing order, R21 newest
/// first).
pub fn rows(engine: &Engine, journal: &Journal, me: &AgentId, stream: Stream) -> Vec<Row> {
    let ids = match stream {
        Stream::My => engine.my_work_items(me),
        Stream::Open => engine.open_work_items(me),
        Stream::Closed => engine.closed_work_items(me),
    };
    let state = engine.state();
    let config = &state.config;
    ids.into_iter()
        .filter_map(|id| {
            let it = state.items.get(&id)?;
            let (since, note) = match &it.status {
                ItemStatus::Open => (it.enqueued_at, None),
                ItemStatus::Closed { closed_at } => (*closed_at, None),
                ItemStatus::WrapUp { .. } => {
                    (changed(journal, &id, it.enqueued_at), Some("Wrap-up"))
                }
                ItemStatus::Waiting { .. } => {
                    (changed(journal, &id, it.enqueued_at), Some("Waiting"))
                }
                _ => (changed(journal, &id, it.enqueued_at), None),
            };
            Some(Row {
                customer: it.customer.name.clone(),
                channel: it.channel.to_string(),
                channel_label: demo::channel_label(&it.channel),
                queue: demo::queue_name(config, &it.queue),
                since,
                note,
                id,
            })
        })
        .collect()
}

fn changed(journal: &Journal, id: &ItemId, fallback: u64) -> u64 {
    journal.changed_at.get(id).copied().unwrap_or(fallback)
}

/// The sort control of a stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// The core's order (routing order for Open, newest first for Closed).
    #[default]
    Default,
    Oldest,
    Newest,
    Customer,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Default, Sort::Oldest, Sort::Newest, Sort::Customer];

    pub fn value(self) -> &'static str {
        match self {
            Sort::Default => "default",
            Sort::Oldest => "oldest",
            Sort::Newest => "newest",
            Sort::Customer => "customer",
        }
    }

    pub fn label(self, stream: Stream) -> &'static str {
        match (self, stream) {
            (Sort::Default, Stream::Open) => "Routing order",
            (Sort::Default, Stream::Closed) => "Recently closed",
            (Sort::Default, Stream::My) => "As assigned",
            (Sort::Oldest, _) => "Oldest first",
            (Sort::Newest, _) => "Newest first",
            (Sort::Customer, _) => "Customer name",
        }
    }

    pub fn from_value(value: &str) -> Sort {
        Sort::ALL
            .into_iter()
            .find(|s| s.value() == value)
            .unwrap_or_default()
    }
}

/// Whether a row matches the filter text (case-insensitive, on customer, channel and queue).
pub fn matches(row: &Row, filter: &str) -> bool {
    let filter = filter.trim();
    if filter.is_empty() {
        return true;
    }
    let needle = filter.to_lowercase();
    [&row.customer, &row.channel_label, &row.queue]
        .iter()
        .any(|s| s.to_lowercase().contains(&needle))
}

/// The rows a stream shows: filtered, then sorted (stable, so ties keep the core's order).
pub fn view(rows: &[Row], sort: Sort, filter: &str) -> Vec<Row> {
    let mut out: Vec<Row> = rows
        .iter()
        .filter(|r| matches(r, filter))
        .cloned()
        .collect();
    // The shared sort (`omnidesk_core::sorting`): one copy of it in the bundle for every caller.
    if sort != Sort::Default {
        omnidesk_core::sorting::sort_by_cached_key(&mut out, |r| match sort {
            Sort::Newest => (u64::MAX - r.since, String::new()),
            Sort::Customer => (0, r.customer.to_lowercase()),
            Sort::Oldest | Sort::Default => (r.since, String::new()),
        });
    }
    out
}

/// A live age: "12 s", "4 min", "2 h 5 min", "1 d 3 h".
pub fn age(now: u64, since: u64) -> String {
    let s = now.saturating_sub(since) / 1000;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s / 60),
        3600..=86_399 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => format!("{} d {} h", s / 86_400, s % 86_400 / 3600),
    }
}

/// A countdown "m:ss".
pub fn countdown(now: u64, until: u64) -> String {
    let s = until.saturating_sub(now).div_ceil(1000);
    format!("{}:{:02}", s / 60, s % 60)
}

/// The label of a presence (R4), as the menu and the button show it.
pub fn presence_label(p: &Presence) -> String {
    match p {
        Presence::Available => "Available".into(),
        Presence::Busy => "Busy".into(),
        Presence::Dnd => "Do not disturb".into(),
        Presence::Away => "Away".into(),
        Presence::Offline => "Offline".into(),
        Presence::Inactive => "Inactive".into(),
        Presence::Custom(name) => name.clone(),
    }
}

/// Why the agent is Inactive, in words (R13's missed offer, R23's unseen one), with what to do.
pub fn inactive_text(journal: &Journal, me: &AgentId) -> &'static str {
    match journal.inactive_because.get(me) {
        Some(PresenceReason::UnseenOffer) => {
            "You missed an offer you didn't see (the page was hidden), so your presence is now Inactive and no new conversations are offered to you. Set your presence to Available when you're back."
        }
        _ => {
            "You missed an offer, so your presence is now Inactive and no new conversations are offered to you. Set your presence to Available when you're back."
        }
    }
}

/// The CSS class of a presence's colour circle (R4): by its base status.
pub fn presence_class(config: &Config, p: &Presence) -> &'static str {
    match p {
        Presence::Inactive => "presence-away",
        other => match config.base_of(other).name() {
            "available" => "presence-available",
            "busy" => "presence-busy",
            "dnd" => "presence-dnd",
            "away" => "presence-away",
            _ => "presence-offline",
        },
    }
}

/// The statuses the agent may choose by hand: the five standard ones, then the custom ones.
pub fn presence_choices(config: &Config) -> Vec<Presence> {
    let mut out = vec![
        Presence::Available,
        Presence::Busy,
        Presence::Dnd,
        Presence::Away,
        Presence::Offline,
    ];
    out.extend(config.presences.keys().map(|n| Presence::Custom(n.clone())));
    out
}

/// The agent's presence and capacity, as the top bar shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Me {
    pub name: String,
    pub presence: Presence,
    pub label: String,
    pub class: &'static str,
    pub capacity: u64,
    pub available: i64,
}

impl Me {
    /// The meter's aria-valuenow: available units, 0 when over capacity.
    pub fn value_now(&self) -> u64 {
        self.available.max(0) as u64
    }

    /// The meter's aria-valuetext: "80 of 100 available" (over capacity: "-10 of 20 available").
    pub fn value_text(&self) -> String {
        format!("{} of {} available", self.available, self.capacity)
    }
}

pub fn me(engine: &Engine, me: &AgentId) -> Me {
    let state = engine.state();
    let a = state.agents.get(me);
    let presence = a.map_or(Presence::Offline, |a| a.presence.clone());
    Me {
        name: demo::agent_name(&state.config, me),
        label: presence_label(&presence),
        class: presence_class(&state.config, &presence),
        presence,
        capacity: a.map_or(0, |a| a.capacity),
        available: a.map_or(0, |a| a.available()),
    }
}

/// R10: a hand-chosen pick or reopen of `item` that would leave the agent with negative
/// available capacity: (units it costs, available after).
pub fn overbooking(engine: &Engine, me: &AgentId, item: &ItemId) -> Option<(u64, i64)> {
    let state = engine.state();
    let it = state.items.get(item)?;
    let a = state.agents.get(me)?;
    let cost = state.cost_of(it);
    let after = a.available() - cost as i64;
    (after < 0).then_some((cost, after))
}

/// An offer ringing for the agent (ui-contract.md, "Notifications").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    pub id: ItemId,
    pub customer: String,
    pub channel_label: String,
    pub queue: String,
    pub text: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub customer_id: Option<String>,
    pub language: Option<String>,
    pub location: Option<String>,
    /// Earlier conversations with the same customer id.
    pub previous: usize,
    pub expires_at: u64,
    /// R23: the core has recorded `offer_seen` for this offer.
    pub seen: bool,
}

/// The agent's ringing offers, soonest to expire first.
pub fn offers(engine: &Engine, journal: &Journal, me: &AgentId) -> Vec<Offer> {
    let state = engine.state();
    let mut out: Vec<Offer> = state
        .items
        .values()
        .filter_map(|it| match &it.status {
            ItemStatus::Offered { agent, expires_at } if agent == me => Some(Offer {
                id: it.id.clone(),
                customer: it.customer.name.clone(),
                channel_label: demo::channel_label(&it.channel),
                queue: demo::queue_name(&state.config, &it.queue),
                text: journal
                    .messages
                    .get(&it.id)
                    .and_then(|m| m.first())
                    .map(|m| m.text.clone()),
                email: it.customer.email.clone(),
                phone: it.customer.phone.clone(),
                customer_id: it.customer.id.clone(),
                language: it.customer.language.clone(),
                location: it.customer.location.clone(),
                previous: it.customer.id.as_ref().map_or(0, |cid| {
                    state
                        .items
                        .values()
                        .filter(|o| o.id != it.id && o.customer.id.as_ref() == Some(cid))
                        .count()
                }),
                expires_at: *expires_at,
                seen: it.offer_seen,
            }),
            _ => None,
        })
        .collect();
    omnidesk_core::sorting::sort_by(&mut out, |a, b| {
        a.expires_at.cmp(&b.expires_at).then(a.id.cmp(&b.id))
    });
    out
}

/// Members listed by name in an explanation at most.
pub const MAX_NAMED_MEMBERS: usize = 20;

/// R18 for one item: its state, the last routing decision and the members' reasons now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Why {
    pub customer: String,
    pub status: String,
    /// (chosen agent, deciding rule, eligible count, excluded counts by reason label).
    pub decision: Option<Decision>,
    /// Members' reasons now, counted per reason label (in R14's order).
    pub counts_now: Vec<(&'static str, u32)>,
    /// At most [`MAX_NAMED_MEMBERS`] members with their reason now.
    pub members: Vec<(String, &'static str)>,
    pub more_members: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub agent: String,
    pub rule: &'static str,
    pub eligible: u32,
    pub excluded: Vec<(&'static str, u32)>,
}

fn reason_label(r: MemberReason) -> &'static str {
    match r {
        MemberReason::Eligible => "Eligible",
        MemberReason::NotSignedIn => "Not signed in",
        MemberReason::Disconnected => "Disconnected",
        MemberReason::Inactive => "Inactive",
        MemberReason::Presence => "Presence",
        MemberReason::Capacity => "Capacity",
        MemberReason::Skill => "Skill",
        MemberReason::Declined => "Declined",
    }
}

fn criterion_label(c: omnidesk_core::protocol::Criterion) -> &'static str {
    use omnidesk_core::protocol::Criterion::*;
    match c {
        Affinity => "R16 affinity: back to the last agent who held it",
        OnlyEligible => "R17: the only eligible member",
        NotDeclined => "R17: had not declined the item",
        MostAvailable => "R17 highest capacity: most available units",
        EarliestLastAssignment => "R17: earliest last assignment",
        EarliestIdleSince => "R17 least active: idle the longest",
        AgentId => "R17: tie broken by agent id",
    }
}

pub fn why(engine: &Engine, journal: &Journal, item: &ItemId) -> Option<Why> {
    let state = engine.state();
    let it = state.items.get(item)?;
    let config = &state.config;
    let name = |a: &AgentId| demo::agent_name(config, a);
    let queue = demo::queue_name(config, &it.queue);
    let status = match &it.status {
        ItemStatus::Open => format!("Open in {queue}, waiting for an agent"),
        ItemStatus::Offered { agent, .. } => format!("Offered to {} ({queue})", name(agent)),
        ItemStatus::Active { agent } => format!("Active with {} ({queue})", name(agent)),
        ItemStatus::Waiting { agent, .. } => format!("Waiting with {} ({queue})", name(agent)),
        ItemStatus::WrapUp { agent, .. } => format!("In wrap-up with {} ({queue})", name(agent)),
        ItemStatus::Closed { .. } => format!("Closed ({queue})"),
    };
    let decision = journal.explanations.get(item).map(|e| Decision {
        agent: name(&e.agent),
        rule: criterion_label(e.criterion),
        eligible: e.eligible,
        excluded: vec![
            ("Not signed in", e.excluded.not_signed_in),
            ("Inactive", e.excluded.inactive),
            ("Presence", e.excluded.presence),
            ("Capacity", e.excluded.capacity),
            ("Skill", e.excluded.skill),
            ("Declined", e.excluded.declined),
        ],
    });
    let members = engine.explain_members(item);
    let order = [
        MemberReason::Eligible,
        MemberReason::NotSignedIn,
        MemberReason::Inactive,
        MemberReason::Presence,
        MemberReason::Capacity,
        MemberReason::Skill,
        MemberReason::Declined,
    ];
    let counts_now = order
        .iter()
        .map(|r| {
            (
                reason_label(*r),
                members.iter().filter(|(_, m)| m == r).count() as u32,
            )
        })
        .collect();
    let more_members = members.len().saturating_sub(MAX_NAMED_MEMBERS);
    let members = members
        .iter()
        .take(MAX_NAMED_MEMBERS)
        .map(|(a, r)| (name(a), reason_label(*r)))
        .collect();
    Some(Why {
        customer: it.customer.name.clone(),
        status,
        decision,
        counts_now,
        members,
        more_members,
    })
}

/// An earlier conversation of the same customer (same customer id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Earlier {
    pub id: ItemId,
    pub channel_label: String,
    pub queue: String,
    pub status: &'static str,
    pub first_message: Option<String>,
    /// When it last changed.
    pub at: u64,
}

/// What a conversation session shows besides its messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conversation {
    pub customer: omnidesk_core::protocol::Customer,
    pub channel: String,
    pub channel_label: String,
    pub queue: String,
    /// The state's label: "Active", "Waiting", "Wrap-up", "Closed", "Offered", "Open".
    pub status: &'static str,
    /// Whether the agent at the keyboard holds it (can write, end, close, transfer).
    pub mine: bool,
    /// An async channel (SMS, email, social): **Set waiting** applies.
    pub is_async: bool,
    /// The queues it can be transferred to: (id, name), its own queue left out.
    pub other_queues: Vec<(String, String)>,
    /// The customer's other conversations, newest first.
    pub earlier: Vec<Earlier>,
}

/// The label of an item state.
pub fn status_label(status: &ItemStatus) -> &'static str {
    match status {
        ItemStatus::Open => "Open",
        ItemStatus::Offered { .. } => "Offered",
        ItemStatus::Active { .. } => "Active",
        ItemStatus::Waiting { .. } => "Waiting",
        ItemStatus::WrapUp { .. } => "Wrap-up",
        ItemStatus::Closed { .. } => "Closed",
    }
}

/// The conversation session's view of `item` for the agent `me`.
pub fn conversation(
    engine: &Engine,
    journal: &Journal,
    me: &AgentId,
    item: &ItemId,
) -> Option<Conversation> {
    let state = engine.state();
    let it = state.items.get(item)?;
    let config = &state.config;
    let earlier = match &it.customer.id {
        Some(cid) => {
            let mut v: Vec<Earlier> = state
                .items
                .values()
                .filter(|o| o.id != it.id && o.customer.id.as_ref() == Some(cid))
                .map(|o| Earlier {
                    id: o.id.clone(),
                    channel_label: demo::channel_label(&o.channel),
                    queue: demo::queue_name(config, &o.queue),
                    status: status_label(&o.status),
                    first_message: journal
                        .messages
                        .get(&o.id)
                        .and_then(|m| m.first())
                        .map(|m| m.text.clone()),
                    at: changed(journal, &o.id, o.enqueued_at),
                })
                .collect();
            omnidesk_core::sorting::sort_by(&mut v, |a, b| b.at.cmp(&a.at).then(a.id.cmp(&b.id)));
            v
        }
        None => Vec::new(),
    };
    Some(Conversation {
        customer: it.customer.clone(),
        channel: it.channel.to_string(),
        channel_label: demo::channel_label(&it.channel),
        queue: demo::queue_name(config, &it.queue),
        status: status_label(&it.status),
        mine: it.status.holder() == Some(me),
        is_async: config.channels.get(&it.channel).is_some_and(|c| c.r#async),
        other_queues: config
            .queues
            .values()
            .filter(|q| q.id != it.queue)
            .map(|q| (q.id.to_string(), q.name.clone()))
            .collect(),
        earlier,
    })
}

/// Whether an offer expiring at `expires_at` is urgent (the last 15 seconds).
pub fn urgent(now: u64, expires_at: u64) -> bool {
    expires_at.saturating_sub(now) <= 15_000
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::centre::Centre;
    use omnidesk_core::Input;

    fn away_centre() -> Centre {
        let (mut c, _) = Centre::fresh(5, false, 1_000);
        c.submit(
            Input::SetPresence {
                agent: c.me.clone(),
                status: Presence::Away,
            },
            1_000,
        );
        c
    }

    #[test]
    fn a_pick_moves_the_row_from_open_to_my() {
        let mut c = away_centre();
        c.simulate("chat", 2_000);
        let open = rows(&c.engine, &c.journal, &c.me, Stream::Open);
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].channel_label, "Chat");
        assert_eq!(open[0].queue, "General support");
        c.submit(
            Input::Pick {
                agent: c.me.clone(),
                item: open[0].id.clone(),
            },
            5_000,
        );
        assert!(rows(&c.engine, &c.journal, &c.me, Stream::Open).is_empty());
        let my = rows(&c.engine, &c.journal, &c.me, Stream::My);
        assert_eq!(my[0].since, 5_000);
        assert_eq!(me(&c.engine, &c.me).value_text(), "80 of 100 available");
    }

    /// An offer to the agent at the keyboard at `t` (Away, a simulated chat, Available).
    fn offered_at(t: u64) -> (Centre, ItemId) {
        let mut c = away_centre();
        c.simulate("chat", t);
        let me = c.me.clone();
        c.submit(
            Input::SetPresence {
                agent: me.clone(),
                status: Presence::Available,
            },
            t,
        );
        let o = offers(&c.engine, &c.journal, &me);
        assert_eq!(o.len(), 1);
        assert!(!o[0].seen);
        (c, o[0].id.clone())
    }

    /// R23 in the demo (15 s): an offer nobody saw is withdrawn, and the page says why the
    /// agent is Inactive; a seen one rings on and an expiry is "missed" (R13).
    #[test]
    fn r23_an_unseen_offer_makes_the_agent_inactive_with_its_own_words() {
        let (mut c, _) = offered_at(2_000);
        c.tick(2_000 + 15_000 - 1);
        assert_eq!(offers(&c.engine, &c.journal, &c.me).len(), 1);
        c.tick(2_000 + 15_000);
        assert!(offers(&c.engine, &c.journal, &c.me).is_empty());
        assert_eq!(me(&c.engine, &c.me).presence, Presence::Inactive);
        assert!(inactive_text(&c.journal, &c.me).starts_with("You missed an offer you didn't see"));

        let (mut c, item) = offered_at(2_000);
        let agent = c.me.clone();
        c.submit(Input::OfferSeen { agent, item }, 3_000);
        assert!(offers(&c.engine, &c.journal, &c.me)[0].seen);
        c.tick(2_000 + 15_000);
        assert_eq!(offers(&c.engine, &c.journal, &c.me).len(), 1);
        c.tick(2_000 + 120_000);
        assert_eq!(me(&c.engine, &c.me).presence, Presence::Inactive);
        assert!(inactive_text(&c.journal, &c.me).starts_with("You missed an offer, so"));
        c.submit(
            Input::SetPresence {
                agent: c.me.clone(),
                status: Presence::Available,
            },
            200_000,
        );
        assert!(c.journal.inactive_because.is_empty());
    }

    #[test]
    fn the_meter_reads_zero_when_over_capacity() {
        let m = Me {
            name: "x".into(),
            presence: Presence::Dnd,
            label: "Do not disturb".into(),
            class: "presence-dnd",
            capacity: 20,
            available: -10,
        };
        assert_eq!(m.value_now(), 0);
        assert_eq!(m.value_text(), "-10 of 20 available");
    }

    #[test]
    fn overbooking_is_asked_only_past_capacity() {
        let mut c = away_centre();
        for k in 0..6 {
            c.simulate("chat", 2_000 + k);
        }
        let open = c.engine.open_work_items(&c.me);
        for id in &open[..5] {
            assert_eq!(overbooking(&c.engine, &c.me, id), None);
            c.submit(
                Input::Pick {
                    agent: c.me.clone(),
                    item: id.clone(),
                },
                3_000,
            );
        }
        assert_eq!(overbooking(&c.engine, &c.me, &open[5]), Some((20, -20)));
    }

    #[test]
    fn sort_and_filter_are_view_only() {
        let row = |c: &str, q: &str, since| Row {
            id: ItemId::from(c),
            customer: c.into(),
            channel: "chat".into(),
            channel_label: "Chat".into(),
            queue: q.into(),
            since,
            note: None,
        };
        let rows = vec![
            row("Bea", "Billing", 3),
            row("ada", "General", 1),
            row("Cy", "General", 2),
        ];
        let names = |v: Vec<Row>| v.into_iter().map(|r| r.customer).collect::<Vec<_>>();
        assert_eq!(names(view(&rows, Sort::Customer, "")), ["ada", "Bea", "Cy"]);
        assert_eq!(names(view(&rows, Sort::Oldest, "")), ["ada", "Cy", "Bea"]);
        assert_eq!(names(view(&rows, Sort::Newest, "general")), ["Cy", "ada"]);
        assert_eq!(names(view(&rows, Sort::Default, "BILL")), ["Bea"]);
    }

    #[test]
    fn ages_and_countdowns_read_naturally() {
        assert_eq!(age(61_000, 1_000), "1 min");
        assert_eq!(age(5_000, 1_000), "4 s");
        assert_eq!(age(3_600_000 * 2 + 300_000, 0), "2 h 5 min");
        assert_eq!(countdown(0, 119_500), "2:00");
        assert_eq!(countdown(0, 61_000), "1:01");
    }

    #[test]
    fn why_names_the_chosen_agent_and_the_rule() {
        let (mut c, _) = Centre::fresh(5, true, 1_000);
        c.simulate("chat", 2_000);
        let id = ItemId::from("w000001");
        let w = why(&c.engine, &c.journal, &id).unwrap();
        let d = w.decision.expect("the item was routed");
        assert_eq!(d.eligible, 5);
        assert!(w.status.starts_with("Offered to"));
        assert_eq!(w.members.len(), 5);
    }

    #[test]
    fn a_conversation_lists_other_queues_and_earlier_conversations() {
        let mut c = away_centre();
        c.simulate("sms", 2_000);
        let first = c.engine.open_work_items(&c.me)[0].clone();
        let customer = c.engine.state().items[&first].customer.clone();
        c.submit(
            Input::Pick {
                agent: c.me.clone(),
                item: first.clone(),
            },
            3_000,
        );
        c.submit(
            Input::Arrive {
                item: ItemId::from("again"),
                channel: omnidesk_core::ChannelId::from("chat"),
                queue: omnidesk_core::QueueId::from("general"),
                customer,
                skills: Default::default(),
                priority: 0,
                text: Some("Me again".into()),
            },
            4_000,
        );
        let v = conversation(&c.engine, &c.journal, &c.me, &first).unwrap();
        assert!(v.mine && v.is_async);
        assert_eq!(v.status, "Active");
        assert_eq!(v.other_queues.len(), 2);
        assert!(v.other_queues.iter().all(|(id, _)| id != "general"));
        assert_eq!(v.earlier.len(), 1);
        assert_eq!(v.earlier[0].first_message.as_deref(), Some("Me again"));
        let again = conversation(&c.engine, &c.journal, &c.me, &ItemId::from("again")).unwrap();
        assert!(!again.mine && !again.is_async);
        assert_eq!(again.earlier[0].id, first);
    }
}
