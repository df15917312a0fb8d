//! The engine: [`Engine::handle`] takes one input at a time `now`, decides the events it causes
//! by R0a's order of work, and folds each through [`Engine::apply`] (the only way state
//! changes). Getters take `&self`; the engine never reads a clock (R0).

use crate::config::Config;
use crate::explain::{member_reason, MemberReason};
use crate::ids::{AgentId, ItemId};
use crate::index::{agent_timer, item_timer, EngineIndex, ItemFacts};
pub use crate::index::{Timer, TimerKey};
use crate::presence::{Presence, PresenceReason};
use crate::protocol::{CloseCause, DeclineCause, Event, Input, SignOutReason, Stamped};
use crate::route::{IndexedRouter, Router};
use crate::state::{ItemStatus, State};
use std::fmt;

/// R11: a closed item can be reopened while `now - closed_at` is at most this (24 h), and R21
/// lists it for as long.
pub const REOPEN_WINDOW_MS: u64 = 86_400_000;

/// The routing engine: state, a router, the time of the last input and the last sequence number.
/// The default router is the [`IndexedRouter`]; [`crate::route::ReferenceRouter`] is the plain
/// model it is checked against (`Engine::with_router(config, ReferenceRouter)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Engine<R: Router = IndexedRouter> {
    state: State,
    router: R,
    now: u64,
    seq: u64,
    index: EngineIndex,
}

/// The item an event changes, if any.
fn event_item(event: &Event) -> Option<&ItemId> {
    match event {
        Event::SignedIn { .. }
        | Event::SignedOut { .. }
        | Event::PresenceChanged { .. }
        | Event::Disconnected { .. }
        | Event::Reconnected { .. }
        | Event::Rejected { .. } => None,
        Event::Arrived { item, .. }
        | Event::Offered { item, .. }
        | Event::Accepted { item, .. }
        | Event::Declined { item, .. }
        | Event::OfferWithdrawn { item, .. }
        | Event::Picked { item, .. }
        | Event::Ended { item, .. }
        | Event::SetWaiting { item, .. }
        | Event::Opened { item, .. }
        | Event::CustomerMessage { item, .. }
        | Event::AgentMessage { item, .. }
        | Event::Requeued { item, .. }
        | Event::Transferred { item, .. }
        | Event::WrapUpReleased { item, .. }
        | Event::Closed { item, .. }
        | Event::Reopened { item, .. }
        | Event::OfferSeen { item, .. }
        | Event::Assigned { item, .. } => Some(item),
    }
}

impl Event {
    /// The item this event is about, if any (none for presence and sign-in events, nor for a
    /// `rejected` one).
    pub fn item(&self) -> Option<&ItemId> {
        event_item(self)
    }
}

/// The agent whose own state (sign-in, presence, connection) an event changes, if any.
fn event_agent(event: &Event) -> Option<&AgentId> {
    match event {
        Event::SignedIn { agent }
        | Event::SignedOut { agent, .. }
        | Event::PresenceChanged { agent, .. }
        | Event::Disconnected { agent, .. }
        | Event::Reconnected { agent } => Some(agent),
        _ => None,
    }
}

/// An input the engine cannot even consider. Inputs the rules refuse are not errors: they
/// produce a `rejected` event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandleError {
    /// R0: `now` is never less than the previous input's.
    TimeWentBackwards { now: u64, previous: u64 },
}

impl fmt::Display for HandleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandleError::TimeWentBackwards { now, previous } => {
                write!(f, "time went backwards: {now} after {previous}")
            }
        }
    }
}

impl std::error::Error for HandleError {}

impl Engine<IndexedRouter> {
    /// A centre with `config`, every agent signed out, no items, time 0, with the indexed router.
    pub fn new(config: Config) -> Self {
        Engine::with_router(config, IndexedRouter::new())
    }
}

impl<R: Router> Engine<R> {
    /// Like [`Engine::new`] with another router.
    pub fn with_router(config: Config, mut router: R) -> Self {
        let state = State::new(config);
        router.rebuild(&state);
        let index = EngineIndex::build(&state, 0);
        Engine {
            state,
            router,
            now: 0,
            seq: 0,
            index,
        }
    }

    /// An engine resumed from a saved state (e.g. a snapshot persisted by the browser or the
    /// server) at time `now` after event `seq`; the router rebuilds its indices from `state`.
    /// Handling the same inputs afterwards gives the same events as the engine that was saved.
    pub fn restore(state: State, now: u64, seq: u64, mut router: R) -> Self {
        router.rebuild(&state);
        let index = EngineIndex::build(&state, now);
        Engine {
            state,
            router,
            now,
            seq,
            index,
        }
    }

    /// The state (a fold of the events so far).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.state.config
    }

    /// The time of the last input handled (or of the last event applied).
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The sequence number of the last event.
    pub fn last_seq(&self) -> u64 {
        self.seq
    }

    /// Handles one input at time `now` (R0a): (1) fire each timer due at or before `now` in
    /// (due, item id) order, each taking effect at `now`; (2) route; (3) apply the input or
    /// reject it with exactly one `rejected` event; (4) route. Returns the events produced.
    pub fn handle(&mut self, input: Input, now: u64) -> Result<Vec<Stamped>, HandleError> {
        if now < self.now {
            return Err(HandleError::TimeWentBackwards {
                now,
                previous: self.now,
            });
        }
        self.now = now;
        // R28: arrivals older than an hour leave the service level even when nothing happens.
        self.index.evict(now);
        let mut out = Vec::new();
        self.fire_timers(&mut out);
        self.route(None, &mut out);
        let before = out.len();
        let affinity = match self.perform(&input, &mut out) {
            Ok(affinity) => affinity,
            Err(reason) => {
                debug_assert_eq!(out.len(), before, "a refused input emitted events");
                self.emit(Event::Rejected { input, reason }, &mut out);
                None
            }
        };
        self.route(affinity.as_ref().map(|(i, a)| (i, a)), &mut out);
        Ok(out)
    }

    /// Folds one event from a log: the live engine and a replica built from its log agree.
    ///
    /// A replica of a *scoped* stream (issue 18 §4: the server sends an agent only the items
    /// in their scope) also folds an item's earlier events when the item enters its scope:
    /// their seqs are below the last one folded, and neither `last_seq` nor `now` moves back.
    /// An item's state depends only on its own events (and its holders' capacity on the items
    /// they hold), so folding each item's events in their own order gives its state.
    pub fn apply(&mut self, stamped: &Stamped) {
        self.seq = self.seq.max(stamped.seq);
        self.now = self.now.max(stamped.at);
        let item = event_item(&stamped.event);
        let agent = event_agent(&stamped.event);
        let item_before = item.and_then(|id| ItemFacts::of(&self.state, id));
        let agent_before = agent.and_then(|a| agent_timer(&self.state, a));
        self.state.apply(&stamped.event, stamped.at);
        if let Some(id) = item {
            let after = ItemFacts::of(&self.state, id);
            self.index.update_item(id, item_before, after, self.now);
        }
        if let Some(a) = agent {
            let after = agent_timer(&self.state, a);
            self.index.update_agent(a, agent_before, after);
        }
        self.index.evict(self.now);
        self.router.observe(&self.state, stamped);
    }

    /// The earliest pending timer, if any: the next `now` at which a `tick` would do something
    /// by itself (quinn-proto's `poll_timeout`).
    pub fn next_timer(&self) -> Option<u64> {
        self.index.timers.first().map(|(due, _)| *due)
    }

    /// All pending timers as (due, whose, what), in R0a's firing order: due time, then item
    /// timers by item id, then agents' reconnect windows (R24) by agent id.
    pub fn timers(&self) -> impl Iterator<Item = (u64, &TimerKey, Timer)> + '_ {
        self.index
            .timers
            .iter()
            .filter_map(|(due, key)| self.timer_of(key).map(|(_, timer)| (*due, key, timer)))
    }

    /// The timer of `key` as the state says now.
    fn timer_of(&self, key: &TimerKey) -> Option<(u64, Timer)> {
        match key {
            TimerKey::Item(id) => item_timer(&self.state.config, self.state.items.get(id)?),
            TimerKey::Agent(id) => {
                agent_timer(&self.state, id).map(|due| (due, Timer::ReconnectWindow))
            }
        }
    }

    /// The engine's derived indices (for the queries).
    pub(crate) fn index(&self) -> &EngineIndex {
        &self.index
    }

    /// R18: every member of the item's queue with the first reason that keeps them from it now
    /// (or `eligible`), in agent id order. Empty for an unknown item.
    pub fn explain_members(&self, item: &ItemId) -> Vec<(AgentId, MemberReason)> {
        let Some(it) = self.state.items.get(item) else {
            return Vec::new();
        };
        let Some(queue) = self.state.config.queues.get(&it.queue) else {
            return Vec::new();
        };
        queue
            .members
            .iter()
            .map(|m| (m.clone(), member_reason(&self.state, it, m)))
            .collect()
    }

    fn emit(&mut self, event: Event, out: &mut Vec<Stamped>) {
        let stamped = Stamped {
            seq: self.seq + 1,
            at: self.now,
            event,
        };
        self.apply(&stamped);
        out.push(stamped);
    }

    /// R0a step 1: every timer due at or before now, in (due, item id) order (item timers
    /// before agents' windows at an equal due time).
    fn fire_timers(&mut self, out: &mut Vec<Stamped>) {
        let now = self.now;
        // The index iterates in firing order: only the due timers are visited.
        let due: Vec<TimerKey> = self
            .index
            .timers
            .iter()
            .take_while(|(due, _)| *due <= now)
            .map(|(_, key)| key.clone())
            .collect();
        for key in due {
            // Each timer as the state says now (an earlier one may have changed it).
            let Some((due, timer)) = self.timer_of(&key) else {
                continue;
            };
            if due > now {
                continue;
            }
            let item = match key {
                TimerKey::Agent(agent) => {
                    // R24: still disconnected when the window ends: R5's sign-out.
                    self.sign_out(&agent, Some(SignOutReason::Disconnected), out);
                    continue;
                }
                TimerKey::Item(item) => item,
            };
            let Some(it) = self.state.items.get(&item) else {
                continue;
            };
            let status = it.status.clone();
            let last_holder = it.last_holder.clone();
            let declines = it.declines;
            match (timer, status) {
                (Timer::OfferExpiry | Timer::UnseenOffer, ItemStatus::Offered { agent, .. }) => {
                    // R13 (R23 for an unseen offer): the decline, then Inactive, then R6
                    // (guarded).
                    let (cause, reason) = if timer == Timer::UnseenOffer {
                        (DeclineCause::Unseen, PresenceReason::UnseenOffer)
                    } else {
                        (DeclineCause::Expiry, PresenceReason::MissedOffer)
                    };
                    self.emit(
                        Event::Declined {
                            item,
                            agent: agent.clone(),
                            cause,
                            declines: declines + 1,
                        },
                        out,
                    );
                    self.set_presence(&agent, Presence::Inactive, reason, false, out);
                    self.r6(&agent, out);
                }
                (Timer::WrapUpRelease, ItemStatus::WrapUp { agent, .. }) => {
                    self.emit(
                        Event::WrapUpReleased {
                            item,
                            agent: agent.clone(),
                        },
                        out,
                    );
                    self.r6(&agent, out);
                }
                (Timer::AutoClose, ItemStatus::Waiting { .. }) => {
                    // Waiting holds no capacity: no R6 trigger.
                    self.emit(
                        Event::Closed {
                            item,
                            agent: last_holder,
                            cause: CloseCause::AutoClose,
                            by: None,
                        },
                        out,
                    );
                }
                _ => {}
            }
        }
    }

    /// R0a steps 2 and 4: offer until no Open item has an eligible agent (R15).
    fn route(&mut self, affinity: Option<(&ItemId, &AgentId)>, out: &mut Vec<Stamped>) {
        while let Some(decision) = self.router.next_offer(&self.state, affinity) {
            let timeout = self
                .state
                .items
                .get(&decision.item)
                .and_then(|it| self.state.config.channels.get(&it.channel))
                .map_or(0, |c| c.offer_timeout_ms);
            let agent = decision.agent.clone();
            self.emit(
                Event::Offered {
                    item: decision.item,
                    agent: decision.agent,
                    expires_at: self.now.saturating_add(timeout),
                    affinity: decision.affinity,
                    explanation: decision.explanation,
                },
                out,
            );
            self.r6(&agent, out);
        }
    }

    /// R6 at a trigger, under R7's guards: a guarded status stays; otherwise the status becomes
    /// the capacity value and the manual flag clears (an event even if only the flag changes,
    /// so the fold stays exact).
    fn r6(&mut self, agent: &AgentId, out: &mut Vec<Stamped>) {
        let Some(a) = self.state.agents.get(agent) else {
            return;
        };
        if a.presence.guarded(a.manual) {
            return;
        }
        let auto = Presence::automatic(a.used, a.capacity);
        if auto != a.presence || a.manual {
            self.set_presence(agent, auto, PresenceReason::Capacity, false, out);
        }
    }

    fn set_presence(
        &mut self,
        agent: &AgentId,
        to: Presence,
        reason: PresenceReason,
        manual: bool,
        out: &mut Vec<Stamped>,
    ) {
        let from = self.state.agents[agent].presence.clone();
        self.emit(
            Event::PresenceChanged {
                agent: agent.clone(),
                from,
                to,
                reason,
                manual,
            },
            out,
        );
    }

    fn used(&self, agent: &AgentId) -> u64 {
        self.state.agents.get(agent).map_or(0, |a| a.used)
    }

    /// Emits `event` about `agent`'s item, then runs R6 if the event is one of R6's listed
    /// triggers or changed the agent's used capacity ("every change of used capacity").
    fn emit_for(
        &mut self,
        agent: &AgentId,
        event: Event,
        listed_trigger: bool,
        out: &mut Vec<Stamped>,
    ) {
        let before = self.used(agent);
        self.emit(event, out);
        if listed_trigger || self.used(agent) != before {
            self.r6(agent, out);
        }
    }

    /// R0a step 3. Every refusal returns before the first event, so a rejected input changes
    /// nothing. Returns the affinity (R16) the next routing step must honour.
    fn perform(
        &mut self,
        input: &Input,
        out: &mut Vec<Stamped>,
    ) -> Result<Option<(ItemId, AgentId)>, String> {
        let st = &self.state;
        let agent_state = |agent: &AgentId| {
            st.agents
                .get(agent)
                .ok_or_else(|| format!("unknown agent \"{agent}\""))
        };
        let item_of = |item: &ItemId| {
            st.items
                .get(item)
                .ok_or_else(|| format!("unknown item \"{item}\""))
        };
        match input {
            Input::SignIn { agent } => {
                let a = agent_state(agent)?;
                // R24: a disconnected agent's sign_in ends the disconnection and takes full
                // effect, as if the agent had not been signed in.
                if a.signed_in && a.disconnected.is_none() {
                    return Err(format!("agent \"{agent}\" is already signed in"));
                }
                self.sign_in(agent, out);
            }
            Input::SignOut { agent } => {
                if !agent_state(agent)?.signed_in {
                    return Err(format!("agent \"{agent}\" is not signed in"));
                }
                self.sign_out(agent, None, out);
            }
            Input::ResetPresence { agent } => {
                let a = agent_state(agent)?;
                if !a.signed_in {
                    return Err(format!("agent \"{agent}\" is not signed in"));
                }
                // R7: reset sets the R6 value whatever the current status.
                let auto = Presence::automatic(a.used, a.capacity);
                self.set_presence(agent, auto, PresenceReason::Reset, false, out);
            }
            Input::SetPresence { agent, status } => {
                if !agent_state(agent)?.signed_in {
                    return Err(format!("agent \"{agent}\" is not signed in"));
                }
                if !st.config.settable(status) {
                    return Err(format!("presence \"{status}\" can't be set by hand"));
                }
                // R6: set_presence is no trigger; R7: the status is hand-set.
                self.set_presence(agent, status.clone(), PresenceReason::Manual, true, out);
            }
            Input::Arrive {
                item,
                channel,
                queue,
                customer,
                skills,
                priority,
                text,
            } => {
                if st.items.contains_key(item) {
                    return Err(format!("item \"{item}\" already exists"));
                }
                if !st.config.channels.contains_key(channel) {
                    return Err(format!("unknown channel \"{channel}\""));
                }
                let q = st
                    .config
                    .queues
                    .get(queue)
                    .ok_or_else(|| format!("unknown queue \"{queue}\""))?;
                // R2: a queue refuses items of channels it doesn't accept.
                if !q.accepts(channel) {
                    return Err(format!(
                        "queue \"{queue}\" doesn't accept the channel \"{channel}\""
                    ));
                }
                self.emit(
                    Event::Arrived {
                        item: item.clone(),
                        channel: channel.clone(),
                        queue: queue.clone(),
                        customer: customer.clone(),
                        skills: skills.clone(),
                        priority: *priority,
                        text: text.clone(),
                    },
                    out,
                );
            }
            Input::Accept { agent, item } => {
                agent_state(agent)?;
                match &item_of(item)?.status {
                    ItemStatus::Offered { agent: holder, .. } if holder == agent => {}
                    _ => return Err(format!("item \"{item}\" is not offered to \"{agent}\"")),
                }
                // R6: accept moves reserved units to held and is no trigger.
                self.emit(
                    Event::Accepted {
                        item: item.clone(),
                        agent: agent.clone(),
                    },
                    out,
                );
            }
            Input::Reject { agent, item } => {
                agent_state(agent)?;
                let it = item_of(item)?;
                match &it.status {
                    ItemStatus::Offered { agent: holder, .. } if holder == agent => {}
                    _ => return Err(format!("item \"{item}\" is not offered to \"{agent}\"")),
                }
                let declines = it.declines + 1;
                self.emit_for(
                    agent,
                    Event::Declined {
                        item: item.clone(),
                        agent: agent.clone(),
                        cause: DeclineCause::Reject,
                        declines,
                    },
                    true,
                    out,
                );
            }
            Input::Pick { agent, item } => {
                let a = agent_state(agent)?;
                let it = item_of(item)?;
                if it.status != ItemStatus::Open {
                    return Err(format!("item \"{item}\" is not open"));
                }
                if !a.signed_in {
                    return Err(format!("agent \"{agent}\" is not signed in"));
                }
                let member = st
                    .config
                    .queues
                    .get(&it.queue)
                    .is_some_and(|q| q.members.contains(agent));
                if !member {
                    return Err(format!(
                        "agent \"{agent}\" is not a member of queue \"{}\"",
                        it.queue
                    ));
                }
                // R10: a pick may overbook; R11: whatever the agent's presence.
                self.emit_for(
                    agent,
                    Event::Picked {
                        item: item.clone(),
                        agent: agent.clone(),
                    },
                    true,
                    out,
                );
            }
            Input::Wait { agent, item } => {
                agent_state(agent)?;
                let it = item_of(item)?;
                match &it.status {
                    ItemStatus::Active { agent: holder } if holder == agent => {}
                    _ => return Err(format!("item \"{item}\" is not active with \"{agent}\"")),
                }
                let is_async = st
                    .config
                    .channels
                    .get(&it.channel)
                    .is_some_and(|c| c.r#async);
                if !is_async {
                    return Err(format!(
                        "channel \"{}\" is not async: item \"{item}\" can't wait",
                        it.channel
                    ));
                }
                self.emit_for(
                    agent,
                    Event::SetWaiting {
                        item: item.clone(),
                        agent: agent.clone(),
                    },
                    true,
                    out,
                );
            }
            Input::Open { agent, item } => {
                agent_state(agent)?;
                match &item_of(item)?.status {
                    ItemStatus::Waiting { agent: holder, .. } if holder == agent => {}
                    _ => return Err(format!("item \"{item}\" is not waiting with \"{agent}\"")),
                }
                // R10: open may overbook.
                self.emit_for(
                    agent,
                    Event::Opened {
                        item: item.clone(),
                        agent: agent.clone(),
                    },
                    true,
                    out,
                );
            }
            Input::Close { agent, item } => {
                agent_state(agent)?;
                let it = item_of(item)?;
                match &it.status {
                    ItemStatus::WrapUp { agent: holder, .. } if holder == agent => {}
                    _ => {
                        return Err(format!(
                            "item \"{item}\" is not in wrap-up with \"{agent}\""
                        ))
                    }
                }
                let last_holder = it.last_holder.clone();
                // R6: a trigger only if the close released a blocked wrap-up.
                self.emit_for(
                    agent,
                    Event::Closed {
                        item: item.clone(),
                        agent: last_holder,
                        cause: CloseCause::Close,
                        by: None,
                    },
                    false,
                    out,
                );
            }
            Input::Reopen { agent, item } => {
                let a = agent_state(agent)?;
                let it = item_of(item)?;
                let ItemStatus::Closed { closed_at } = it.status else {
                    return Err(format!("item \"{item}\" is not closed"));
                };
                if it.last_holder.as_ref() != Some(agent) {
                    return Err(format!(
                        "agent \"{agent}\" is not the last holder of \"{item}\""
                    ));
                }
                if !a.signed_in {
                    return Err(format!("agent \"{agent}\" is not signed in"));
                }
                if self.now - closed_at > REOPEN_WINDOW_MS {
                    return Err(format!("item \"{item}\" closed more than 24 h ago"));
                }
                // R10: reopen may overbook.
                self.emit_for(
                    agent,
                    Event::Reopened {
                        item: item.clone(),
                        agent: agent.clone(),
                    },
                    true,
                    out,
                );
            }
            Input::End { item, agent } => {
                if let Some(agent) = agent {
                    agent_state(agent)?;
                }
                let it = item_of(item)?;
                let ItemStatus::Active { agent: holder } = &it.status else {
                    return Err(format!("item \"{item}\" is not active"));
                };
                if agent.as_ref().is_some_and(|a| a != holder) {
                    return Err(format!(
                        "item \"{item}\" is held by \"{holder}\", not \"{}\"",
                        agent.as_ref().map_or("", |a| a.as_str())
                    ));
                }
                let holder = holder.clone();
                // R6: a trigger only when wrap_up_block_ms is 0 (capacity released at end).
                self.emit_for(
                    &holder,
                    Event::Ended {
                        item: item.clone(),
                        agent: agent.clone(),
                    },
                    false,
                    out,
                );
            }
            Input::Transfer { agent, item, queue } => {
                agent_state(agent)?;
                let it = item_of(item)?;
                let q = st
                    .config
                    .queues
                    .get(queue)
                    .ok_or_else(|| format!("unknown queue \"{queue}\""))?;
                match &it.status {
                    ItemStatus::Active { agent: holder }
                    | ItemStatus::Waiting { agent: holder, .. }
                        if holder == agent => {}
                    _ => {
                        return Err(format!(
                            "item \"{item}\" is not active or waiting with \"{agent}\""
                        ))
                    }
                }
                if !q.accepts(&it.channel) {
                    return Err(format!(
                        "queue \"{queue}\" doesn't accept the channel \"{}\"",
                        it.channel
                    ));
                }
                let from_queue = it.queue.clone();
                self.emit_for(
                    agent,
                    Event::Transferred {
                        item: item.clone(),
                        agent: Some(agent.clone()),
                        by: None,
                        from_queue,
                        to_queue: queue.clone(),
                    },
                    true,
                    out,
                );
            }
            Input::CustomerMessage { item, text } => {
                let it = item_of(item)?;
                let waiting_with = match &it.status {
                    ItemStatus::Closed { .. } => {
                        return Err(format!("item \"{item}\" is closed"));
                    }
                    ItemStatus::Waiting { agent, .. } => Some(agent.clone()),
                    _ => None,
                };
                self.emit(
                    Event::CustomerMessage {
                        item: item.clone(),
                        text: text.clone(),
                    },
                    out,
                );
                if let Some(holder) = waiting_with {
                    // R11/R16: Waiting → Open with affinity to the holder. Waiting held no
                    // capacity, so this is no R6 trigger.
                    self.emit(
                        Event::Requeued {
                            item: item.clone(),
                            affinity: holder.clone(),
                        },
                        out,
                    );
                    return Ok(Some((item.clone(), holder)));
                }
            }
            Input::AgentMessage { agent, item, text } => {
                agent_state(agent)?;
                let it = item_of(item)?;
                match &it.status {
                    ItemStatus::Active { agent: holder }
                    | ItemStatus::Waiting { agent: holder, .. }
                    | ItemStatus::WrapUp { agent: holder, .. }
                        if holder == agent => {}
                    _ => {
                        return Err(format!(
                            "agent \"{agent}\" doesn't hold item \"{item}\" in active, waiting or wrap-up"
                        ))
                    }
                }
                self.emit(
                    Event::AgentMessage {
                        item: item.clone(),
                        agent: agent.clone(),
                        text: text.clone(),
                    },
                    out,
                );
            }
            Input::Abandon { item } => {
                let it = item_of(item)?;
                let offered_to = match &it.status {
                    ItemStatus::Open => None,
                    ItemStatus::Offered { agent, .. } => Some(agent.clone()),
                    _ => return Err(format!("item \"{item}\" is not open or offered")),
                };
                let event = Event::Closed {
                    item: item.clone(),
                    agent: it.last_holder.clone(),
                    cause: CloseCause::Abandon,
                    by: None,
                };
                match offered_to {
                    // R6: an abandon of their offered item is a trigger.
                    Some(agent) => self.emit_for(&agent, event, true, out),
                    None => self.emit(event, out),
                }
            }
            Input::Tick => {}
            Input::OfferSeen { agent, item } => {
                agent_state(agent)?;
                let it = item_of(item)?;
                match &it.status {
                    ItemStatus::Offered { agent: holder, .. } if holder == agent => {}
                    _ => return Err(format!("item \"{item}\" is not offered to \"{agent}\"")),
                }
                if it.offer_seen {
                    return Err(format!(
                        "the offer of item \"{item}\" to \"{agent}\" was already seen"
                    ));
                }
                // R23: recorded, nothing else changes (the unseen timer goes with it).
                self.emit(
                    Event::OfferSeen {
                        item: item.clone(),
                        agent: agent.clone(),
                    },
                    out,
                );
            }
            Input::Disconnect { agent } => {
                let a = agent_state(agent)?;
                if !a.signed_in {
                    return Err(format!("agent \"{agent}\" is not signed in"));
                }
                if a.disconnected.is_some() {
                    return Err(format!("agent \"{agent}\" is already disconnected"));
                }
                self.disconnect(agent, out);
            }
            Input::Reconnect { agent } => {
                if agent_state(agent)?.disconnected.is_none() {
                    return Err(format!("agent \"{agent}\" is not disconnected"));
                }
                self.reconnect(agent, out);
            }
            Input::Assign { by, item, agent } => {
                agent_state(by)?;
                let it = item_of(item)?;
                supervisor_of(st, by, &it.queue)?;
                let offered_to = match &it.status {
                    ItemStatus::Open => None,
                    ItemStatus::Offered { agent, .. } => Some(agent.clone()),
                    _ => return Err(format!("item \"{item}\" is not open or offered")),
                };
                let a = agent_state(agent)?;
                if !a.signed_in {
                    return Err(format!("agent \"{agent}\" is not signed in"));
                }
                if a.disconnected.is_some() {
                    return Err(format!("agent \"{agent}\" is disconnected"));
                }
                // R25: an offer is withdrawn first (no decline; an R6 trigger for its agent),
                // then the item is Active with the assignee, past available if need be (R10).
                if let Some(holder) = offered_to {
                    self.withdraw(item, &holder, out);
                }
                self.emit_for(
                    agent,
                    Event::Assigned {
                        item: item.clone(),
                        agent: agent.clone(),
                        by: by.clone(),
                    },
                    true,
                    out,
                );
            }
            Input::ForceClose { by, item } => {
                agent_state(by)?;
                let it = item_of(item)?;
                supervisor_of(st, by, &it.queue)?;
                if let ItemStatus::Closed { .. } = it.status {
                    return Err(format!("item \"{item}\" is already closed"));
                }
                let (offered_to, holder) = match &it.status {
                    ItemStatus::Offered { agent, .. } => (Some(agent.clone()), None),
                    status => (None, status.holder().cloned()),
                };
                let event = Event::Closed {
                    item: item.clone(),
                    agent: it.last_holder.clone(),
                    cause: CloseCause::Supervisor,
                    by: Some(by.clone()),
                };
                if let Some(agent) = offered_to {
                    self.withdraw(item, &agent, out);
                }
                // R26: R6 only when capacity went down (not for Waiting, nor a released
                // wrap-up).
                match holder {
                    Some(holder) => self.emit_for(&holder, event, false, out),
                    None => self.emit(event, out),
                }
            }
            Input::SupervisorTransfer { by, item, queue } => {
                agent_state(by)?;
                let it = item_of(item)?;
                supervisor_of(st, by, &it.queue)?;
                let (offered_to, holder) = match &it.status {
                    ItemStatus::Open => (None, None),
                    ItemStatus::Offered { agent, .. } => (Some(agent.clone()), None),
                    ItemStatus::Active { agent } | ItemStatus::Waiting { agent, .. } => {
                        (None, Some(agent.clone()))
                    }
                    _ => {
                        return Err(format!(
                            "item \"{item}\" is not open, offered, active or waiting"
                        ))
                    }
                };
                let q = st
                    .config
                    .queues
                    .get(queue)
                    .ok_or_else(|| format!("unknown queue \"{queue}\""))?;
                if !q.accepts(&it.channel) {
                    return Err(format!(
                        "queue \"{queue}\" doesn't accept the channel \"{}\"",
                        it.channel
                    ));
                }
                let event = Event::Transferred {
                    item: item.clone(),
                    agent: holder.clone(),
                    by: Some(by.clone()),
                    from_queue: it.queue.clone(),
                    to_queue: queue.clone(),
                };
                if let Some(agent) = offered_to {
                    self.withdraw(item, &agent, out);
                }
                // R27: R6 for the holder (a Waiting item's too, as for a holder's transfer).
                match holder {
                    Some(holder) => self.emit_for(&holder, event, true, out),
                    None => self.emit(event, out),
                }
            }
        }
        Ok(None)
    }

    /// Withdraws `agent`'s offer of `item` (back to Open, no decline); an R6 trigger (R5, R24,
    /// R25–R27).
    fn withdraw(&mut self, item: &ItemId, agent: &AgentId, out: &mut Vec<Stamped>) {
        self.emit_for(
            agent,
            Event::OfferWithdrawn {
                item: item.clone(),
                agent: agent.clone(),
            },
            true,
            out,
        );
    }

    /// Withdraws every offer ringing for `agent`, by item id (the order of a scan of all items).
    fn withdraw_all(&mut self, agent: &AgentId, out: &mut Vec<Stamped>) {
        let offered: Vec<ItemId> = self
            .index
            .offers
            .range((agent.clone(), ItemId::default())..)
            .take_while(|(a, _)| a == agent)
            .map(|(_, item)| item.clone())
            .collect();
        for item in offered {
            self.withdraw(&item, agent, out);
        }
    }

    /// R24: the offers are withdrawn (each an R6 trigger), the presence after them is
    /// remembered, and the agent goes Offline with the manual flag off.
    fn disconnect(&mut self, agent: &AgentId, out: &mut Vec<Stamped>) {
        self.withdraw_all(agent, out);
        let a = &self.state.agents[agent];
        let (remembered, manual) = (a.presence.clone(), a.manual);
        self.emit(
            Event::Disconnected {
                agent: agent.clone(),
                remembered,
                manual,
            },
            out,
        );
        let a = &self.state.agents[agent];
        if a.presence != Presence::Offline || a.manual {
            self.set_presence(
                agent,
                Presence::Offline,
                PresenceReason::Disconnected,
                false,
                out,
            );
        }
    }

    /// R24: the remembered presence comes back with its manual flag, then R6 under R7's guards.
    /// When R6 keeps the status and only clears the flag, one `presence_changed` (reason
    /// `reconnected`, manual false) says both, as at sign-in.
    fn reconnect(&mut self, agent: &AgentId, out: &mut Vec<Stamped>) {
        let a = &self.state.agents[agent];
        let Some(d) = a.disconnected.clone() else {
            return;
        };
        let auto = Presence::automatic(a.used, a.capacity);
        self.emit(
            Event::Reconnected {
                agent: agent.clone(),
            },
            out,
        );
        let merged = !d.presence.guarded(d.manual) && d.presence == auto;
        let manual = d.manual && !merged;
        let a = &self.state.agents[agent];
        if a.presence != d.presence || a.manual != manual {
            self.set_presence(agent, d.presence, PresenceReason::Reconnected, manual, out);
        }
        if !merged {
            self.r6(agent, out);
        }
    }

    /// R5: signed in, the default presence as if set by hand, then R6 under R7's guards. When R6
    /// keeps the status and only clears the manual flag, one `presence_changed` (reason
    /// `sign_in`, manual false) says both.
    fn sign_in(&mut self, agent: &AgentId, out: &mut Vec<Stamped>) {
        self.emit(
            Event::SignedIn {
                agent: agent.clone(),
            },
            out,
        );
        let default = self.state.config.agents[agent].default_presence.clone();
        let a = &self.state.agents[agent];
        let auto = Presence::automatic(a.used, a.capacity);
        if !default.guarded(true) && auto == default {
            self.set_presence(agent, default, PresenceReason::SignIn, false, out);
        } else {
            self.set_presence(agent, default, PresenceReason::SignIn, true, out);
            self.r6(agent, out);
        }
    }

    /// R5: signed out, the pending offers withdrawn (back to Open, no decline), then Offline.
    /// Each withdrawal is an R6 trigger (R6's list) and runs under R7's guards before the
    /// agent goes Offline, so an automatic Busy may pass through Available first. `reason` is
    /// R24's window sign-out; an agent already Offline (a disconnected one) gets no presence
    /// event.
    fn sign_out(&mut self, agent: &AgentId, reason: Option<SignOutReason>, out: &mut Vec<Stamped>) {
        self.emit(
            Event::SignedOut {
                agent: agent.clone(),
                reason,
            },
            out,
        );
        self.withdraw_all(agent, out);
        let a = &self.state.agents[agent];
        if a.presence != Presence::Offline || a.manual {
            self.set_presence(
                agent,
                Presence::Offline,
                PresenceReason::SignOut,
                false,
                out,
            );
        }
    }
}

/// R25–R27: `by` must supervise `queue`.
fn supervisor_of(state: &State, by: &AgentId, queue: &crate::ids::QueueId) -> Result<(), String> {
    if state.config.supervises(by, queue) {
        Ok(())
    } else {
        Err(format!(
            "agent \"{by}\" doesn't supervise queue \"{queue}\""
        ))
    }
}
