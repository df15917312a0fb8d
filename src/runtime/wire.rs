//! The server's JSON, read into the core's own types without serde in the bundle (serde_json
//! and derived `Deserialize` for these types cost about 60 KB gzipped, measured).
//!
//! The browser parses a frame with `JSON.parse` (`parse`, wasm32 only: free, the JavaScript
//! engine does it) and the decoders read the tree through the small [`Json`] trait; the native
//! tests read `serde_json::Value` through the same trait and check every decoder against the
//! core's real serde output, and the browser tests check the `JsValue` reader. The shapes are serde's: inputs tagged by `"input"`, events by `"event"` and
//! flattened into [`Stamped`], unit enums and presences as their snake_case names, ids as
//! strings, sets as arrays, `None` as `null` or left out. Optional fields and collections
//! read absent or `null` as empty, so the decoders accept a little more than serde writes.
//!
//! - [`stamped`], [`input`], [`config`]: the core's types.
//! - [`frame`]: the server's WebSocket frames (`server/src/ws.rs`).
//! - [`input_json`]: the other direction, an action's `input` as the server reads it.
//!
//! Errors name the field's path: `event.customer.name: expected a string`.

use omnidesk_core::config::{AgentConfig, AssignmentMethod, Channel, Distribution, Queue};
use omnidesk_core::protocol::{
    CloseCause, Criterion, Customer, DeclineCause, Excluded, Explanation, SignOutReason, Skills,
};
use omnidesk_core::{
    AgentId, BaseStatus, ChannelId, Config, Event, Input, ItemId, Presence, PresenceReason,
    QueueId, Stamped,
};
use std::collections::BTreeMap;
use std::fmt;

/// A read-only view of an already parsed JSON value.
pub trait Json: Sized + Clone {
    /// The member `key` of an object (`None` if absent or not an object); `null` is `Some`.
    fn get(&self, key: &str) -> Option<Self>;
    fn as_str(&self) -> Option<String>;
    /// A whole number in range (in JavaScript at most 2^53 − 1).
    fn as_u64(&self) -> Option<u64>;
    fn as_i64(&self) -> Option<i64>;
    fn as_bool(&self) -> Option<bool>;
    fn is_null(&self) -> bool;
    /// An object (not an array, not `null`).
    fn is_object(&self) -> bool;
    /// The elements of an array.
    fn items(&self) -> Option<Vec<Self>>;
    /// The members of an object, in order.
    fn entries(&self) -> Option<Vec<(String, Self)>>;
}

#[cfg(target_arch = "wasm32")]
mod js {
    use js_sys::{Array, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    /// 2^53 − 1: the largest integer a JavaScript number holds exactly.
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

    fn whole(v: &JsValue) -> Option<f64> {
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() <= MAX_SAFE)
    }

    impl super::Json for JsValue {
        fn get(&self, key: &str) -> Option<Self> {
            if !JsValue::is_object(self) {
                return None;
            }
            Reflect::get(self, &JsValue::from_str(key))
                .ok()
                .filter(|v| !v.is_undefined())
        }
        fn as_str(&self) -> Option<String> {
            self.as_string()
        }
        fn as_u64(&self) -> Option<u64> {
            whole(self).filter(|f| *f >= 0.0).map(|f| f as u64)
        }
        fn as_i64(&self) -> Option<i64> {
            whole(self).map(|f| f as i64)
        }
        fn as_bool(&self) -> Option<bool> {
            JsValue::as_bool(self)
        }
        fn is_null(&self) -> bool {
            JsValue::is_null(self) || self.is_undefined()
        }
        fn is_object(&self) -> bool {
            JsValue::is_object(self) && !Array::is_array(self)
        }
        fn items(&self) -> Option<Vec<Self>> {
            Array::is_array(self).then(|| self.unchecked_ref::<Array>().iter().collect())
        }
        fn entries(&self) -> Option<Vec<(String, Self)>> {
            if !super::Json::is_object(self) {
                return None;
            }
            let pair = |e: JsValue| {
                let e: Array = e.unchecked_into();
                (e.get(0).as_string().unwrap_or_default(), e.get(1))
            };
            Some(
                Object::entries(self.unchecked_ref())
                    .iter()
                    .map(pair)
                    .collect(),
            )
        }
    }
}

/// Parses JSON text with the browser's `JSON.parse`.
#[cfg(target_arch = "wasm32")]
pub fn parse(text: &str) -> Result<wasm_bindgen::JsValue, WireError> {
    js_sys::JSON::parse(text).map_err(|_| WireError {
        field: String::new(),
        problem: "not JSON".into(),
    })
}

/// What was wrong and where: `field` is a path like `event.customer.name` (empty for the
/// value itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError {
    pub field: String,
    pub problem: String,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.problem)
        } else {
            write!(f, "{}: {}", self.field, self.problem)
        }
    }
}

impl std::error::Error for WireError {}

type Res<T> = Result<T, WireError>;

/// An object being read, with its path for error messages.
struct Obj<J> {
    v: J,
    path: String,
}

impl<J: Json> Obj<J> {
    fn new(v: J, path: String) -> Res<Obj<J>> {
        if v.is_object() {
            Ok(Obj { v, path })
        } else {
            Err(WireError {
                field: path,
                problem: "expected an object".into(),
            })
        }
    }

    fn at(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn err(&self, key: &str, problem: impl Into<String>) -> WireError {
        WireError {
            field: self.at(key),
            problem: problem.into(),
        }
    }

    /// The member read by `f`; `None` if absent or `null`.
    fn opt<T>(&self, key: &str, f: fn(&J) -> Option<T>, what: &str) -> Res<Option<T>> {
        match self.v.get(key) {
            Some(v) if !v.is_null() => f(&v)
                .map(Some)
                .ok_or_else(|| self.err(key, format!("expected {what}"))),
            _ => Ok(None),
        }
    }

    fn req<T>(&self, key: &str, f: fn(&J) -> Option<T>, what: &str) -> Res<T> {
        self.opt(key, f, what)?
            .ok_or_else(|| self.err(key, "missing"))
    }

    fn str(&self, key: &str) -> Res<String> {
        self.req(key, J::as_str, "a string")
    }

    fn opt_str(&self, key: &str) -> Res<Option<String>> {
        self.opt(key, J::as_str, "a string")
    }

    fn u64(&self, key: &str) -> Res<u64> {
        self.req(key, J::as_u64, "a non-negative integer")
    }

    fn opt_u64(&self, key: &str) -> Res<Option<u64>> {
        self.opt(key, J::as_u64, "a non-negative integer")
    }

    fn uint<T: TryFrom<u64>>(&self, key: &str) -> Res<T> {
        T::try_from(self.u64(key)?).map_err(|_| self.err(key, "out of range"))
    }

    /// An `i32`, 0 if absent.
    fn i32(&self, key: &str) -> Res<i32> {
        let n = self.opt(key, J::as_i64, "an integer")?.unwrap_or(0);
        i32::try_from(n).map_err(|_| self.err(key, "out of range"))
    }

    fn bool(&self, key: &str) -> Res<bool> {
        self.req(key, J::as_bool, "a boolean")
    }

    fn obj(&self, key: &str) -> Res<Obj<J>> {
        let v = self.v.get(key).ok_or_else(|| self.err(key, "missing"))?;
        Obj::new(v, self.at(key))
    }

    /// One of `table`'s names.
    fn pick<T: Copy>(&self, key: &str, table: &[(&str, T)]) -> Res<T> {
        let s = self.str(key)?;
        table
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, t)| *t)
            .ok_or_else(|| self.err(key, format!("unknown value \"{s}\"")))
    }

    fn presence(&self, key: &str) -> Res<Presence> {
        self.str(key).map(|s| Presence::from_name(&s))
    }

    /// An array of strings each read by `f`; `None` if absent or `null`.
    fn list<T>(&self, key: &str, f: fn(String) -> Option<T>, what: &str) -> Res<Option<Vec<T>>> {
        let Some(items) = self.opt(key, J::items, "an array")? else {
            return Ok(None);
        };
        let read = |(i, v): (usize, J)| {
            v.as_str().and_then(f).ok_or_else(|| WireError {
                field: format!("{}[{i}]", self.at(key)),
                problem: format!("expected {what}"),
            })
        };
        items
            .into_iter()
            .enumerate()
            .map(read)
            .collect::<Res<_>>()
            .map(Some)
    }

    /// An object's members each read by `f`; empty if absent or `null`.
    fn map<T>(&self, key: &str, f: fn(&J) -> Option<T>, what: &str) -> Res<Vec<(String, T)>> {
        let entries = self.opt(key, J::entries, "an object")?.unwrap_or_default();
        let read = |(k, v): (String, J)| match f(&v) {
            Some(t) => Ok((k, t)),
            None => Err(WireError {
                field: format!("{}.{k}", self.at(key)),
                problem: format!("expected {what}"),
            }),
        };
        entries.into_iter().map(read).collect()
    }

    /// An object's members, each an object.
    fn objects(&self, key: &str) -> Res<Vec<(String, Obj<J>)>> {
        let entries = self.map(key, |v| Some(v.clone()), "")?;
        let read = |(k, v): (String, J)| {
            let path = format!("{}.{k}", self.at(key));
            Ok((k, Obj::new(v, path)?))
        };
        entries.into_iter().map(read).collect()
    }

    fn skills(&self, key: &str) -> Res<Skills> {
        let level = |v: &J| v.as_u64().and_then(|n| u8::try_from(n).ok());
        Ok(self.map(key, level, "a skill level")?.into_iter().collect())
    }

    fn agent(&self) -> Res<AgentId> {
        self.str("agent").map(AgentId)
    }

    fn opt_agent(&self) -> Res<Option<AgentId>> {
        Ok(self.opt_str("agent")?.map(AgentId))
    }

    /// R25–R27: the supervisor of an input or event.
    fn by(&self) -> Res<AgentId> {
        self.str("by").map(AgentId)
    }

    fn opt_by(&self) -> Res<Option<AgentId>> {
        Ok(self.opt_str("by")?.map(AgentId))
    }

    fn item(&self) -> Res<ItemId> {
        self.str("item").map(ItemId)
    }

    fn queue(&self, key: &str) -> Res<QueueId> {
        self.str(key).map(QueueId)
    }
}

const DECLINE_CAUSES: [(&str, DeclineCause); 3] = [
    ("reject", DeclineCause::Reject),
    ("expiry", DeclineCause::Expiry),
    ("unseen", DeclineCause::Unseen),
];

const CLOSE_CAUSES: [(&str, CloseCause); 4] = [
    ("close", CloseCause::Close),
    ("abandon", CloseCause::Abandon),
    ("auto_close", CloseCause::AutoClose),
    ("supervisor", CloseCause::Supervisor),
];

const SIGN_OUT_REASONS: [(&str, SignOutReason); 1] =
    [("disconnected", SignOutReason::Disconnected)];

const CRITERIA: [(&str, Criterion); 7] = [
    ("affinity", Criterion::Affinity),
    ("only_eligible", Criterion::OnlyEligible),
    ("not_declined", Criterion::NotDeclined),
    ("most_available", Criterion::MostAvailable),
    (
        "earliest_last_assignment",
        Criterion::EarliestLastAssignment,
    ),
    ("earliest_idle_since", Criterion::EarliestIdleSince),
    ("agent_id", Criterion::AgentId),
];

const REASONS: [(&str, PresenceReason); 9] = [
    ("manual", PresenceReason::Manual),
    ("capacity", PresenceReason::Capacity),
    ("missed_offer", PresenceReason::MissedOffer),
    ("sign_in", PresenceReason::SignIn),
    ("sign_out", PresenceReason::SignOut),
    ("reset", PresenceReason::Reset),
    ("unseen_offer", PresenceReason::UnseenOffer),
    ("disconnected", PresenceReason::Disconnected),
    ("reconnected", PresenceReason::Reconnected),
];

const DISTRIBUTIONS: [(&str, Distribution); 2] =
    [("push", Distribution::Push), ("pick", Distribution::Pick)];

const METHODS: [(&str, AssignmentMethod); 3] = [
    ("highest_capacity", AssignmentMethod::HighestCapacity),
    ("round_robin", AssignmentMethod::RoundRobin),
    ("least_active", AssignmentMethod::LeastActive),
];

fn base_status(s: String) -> Option<BaseStatus> {
    BaseStatus::from_name(&s)
}

/// The fields an `arrive` input and an `arrived` event share.
type Arrival = (
    ItemId,
    ChannelId,
    QueueId,
    Customer,
    Skills,
    i32,
    Option<String>,
);

fn arrival<J: Json>(o: &Obj<J>) -> Res<Arrival> {
    let c = o.obj("customer")?;
    let customer = Customer {
        name: c.str("name")?,
        id: c.opt_str("id")?,
        email: c.opt_str("email")?,
        phone: c.opt_str("phone")?,
        language: c.opt_str("language")?,
        location: c.opt_str("location")?,
    };
    Ok((
        o.item()?,
        ChannelId(o.str("channel")?),
        o.queue("queue")?,
        customer,
        o.skills("skills")?,
        o.i32("priority")?,
        o.opt_str("text")?,
    ))
}

/// An input as serde writes it: `{"input": "accept", "agent": …, "item": …}`.
pub fn input<J: Json>(j: &J) -> Result<Input, WireError> {
    input_in(&Obj::new(j.clone(), String::new())?)
}

fn input_in<J: Json>(o: &Obj<J>) -> Res<Input> {
    let tag = o.str("input")?;
    Ok(match tag.as_str() {
        "sign_in" => Input::SignIn { agent: o.agent()? },
        "sign_out" => Input::SignOut { agent: o.agent()? },
        "reset_presence" => Input::ResetPresence { agent: o.agent()? },
        "set_presence" => Input::SetPresence {
            agent: o.agent()?,
            status: o.presence("status")?,
        },
        "arrive" => {
            let (item, channel, queue, customer, skills, priority, text) = arrival(o)?;
            Input::Arrive {
                item,
                channel,
                queue,
                customer,
                skills,
                priority,
                text,
            }
        }
        "accept" | "reject" | "pick" | "wait" | "open" | "close" | "reopen" => {
            let (agent, item) = (o.agent()?, o.item()?);
            match tag.as_str() {
                "accept" => Input::Accept { agent, item },
                "reject" => Input::Reject { agent, item },
                "pick" => Input::Pick { agent, item },
                "wait" => Input::Wait { agent, item },
                "open" => Input::Open { agent, item },
                "close" => Input::Close { agent, item },
                _ => Input::Reopen { agent, item },
            }
        }
        "end" => Input::End {
            item: o.item()?,
            agent: o.opt_agent()?,
        },
        // R27: a transfer with `by` is a supervisor's.
        "transfer" if o.opt_by()?.is_some() => {
            if o.opt_agent()?.is_some() {
                return Err(o.err("by", "a transfer has either agent or by, not both"));
            }
            Input::SupervisorTransfer {
                by: o.by()?,
                item: o.item()?,
                queue: o.queue("queue")?,
            }
        }
        "transfer" => Input::Transfer {
            agent: o.agent()?,
            item: o.item()?,
            queue: o.queue("queue")?,
        },
        "offer_seen" => Input::OfferSeen {
            agent: o.agent()?,
            item: o.item()?,
        },
        "disconnect" => Input::Disconnect { agent: o.agent()? },
        "reconnect" => Input::Reconnect { agent: o.agent()? },
        "assign" => Input::Assign {
            by: o.by()?,
            item: o.item()?,
            agent: o.agent()?,
        },
        "force_close" => Input::ForceClose {
            by: o.by()?,
            item: o.item()?,
        },
        "customer_message" => Input::CustomerMessage {
            item: o.item()?,
            text: o.str("text")?,
        },
        "agent_message" => Input::AgentMessage {
            agent: o.agent()?,
            item: o.item()?,
            text: o.str("text")?,
        },
        "abandon" => Input::Abandon { item: o.item()? },
        "tick" => Input::Tick,
        other => return Err(o.err("input", format!("unknown input \"{other}\""))),
    })
}

/// A stamped event: `{"seq": 1, "at": 1000, "event": "offered", …fields}`.
pub fn stamped<J: Json>(j: &J) -> Result<Stamped, WireError> {
    stamped_in(&Obj::new(j.clone(), String::new())?)
}

fn stamped_in<J: Json>(o: &Obj<J>) -> Res<Stamped> {
    Ok(Stamped {
        seq: o.u64("seq")?,
        at: o.u64("at")?,
        event: event(o)?,
    })
}

fn event<J: Json>(o: &Obj<J>) -> Res<Event> {
    let tag = o.str("event")?;
    Ok(match tag.as_str() {
        "signed_in" => Event::SignedIn { agent: o.agent()? },
        "signed_out" => Event::SignedOut {
            agent: o.agent()?,
            reason: match o.opt_str("reason")? {
                None => None,
                Some(_) => Some(o.pick("reason", &SIGN_OUT_REASONS)?),
            },
        },
        "presence_changed" => Event::PresenceChanged {
            agent: o.agent()?,
            from: o.presence("from")?,
            to: o.presence("to")?,
            reason: o.pick("reason", &REASONS)?,
            manual: o.bool("manual")?,
        },
        "arrived" => {
            let (item, channel, queue, customer, skills, priority, text) = arrival(o)?;
            Event::Arrived {
                item,
                channel,
                queue,
                customer,
                skills,
                priority,
                text,
            }
        }
        "offered" => {
            let x = o.obj("explanation")?;
            let n = x.obj("excluded")?;
            Event::Offered {
                item: o.item()?,
                agent: o.agent()?,
                expires_at: o.u64("expires_at")?,
                affinity: o.bool("affinity")?,
                explanation: Explanation {
                    agent: x.agent()?,
                    criterion: x.pick("criterion", &CRITERIA)?,
                    eligible: x.uint("eligible")?,
                    excluded: Excluded {
                        not_signed_in: n.uint("not_signed_in")?,
                        // R24: absent in logs written before it.
                        disconnected: match n.opt_u64("disconnected")? {
                            None => 0,
                            Some(_) => n.uint("disconnected")?,
                        },
                        inactive: n.uint("inactive")?,
                        presence: n.uint("presence")?,
                        capacity: n.uint("capacity")?,
                        skill: n.uint("skill")?,
                        declined: n.uint("declined")?,
                    },
                },
            }
        }
        "accepted" | "offer_withdrawn" | "picked" | "set_waiting" | "opened"
        | "wrap_up_released" | "reopened" | "offer_seen" => {
            let (item, agent) = (o.item()?, o.agent()?);
            match tag.as_str() {
                "offer_seen" => Event::OfferSeen { item, agent },
                "accepted" => Event::Accepted { item, agent },
                "offer_withdrawn" => Event::OfferWithdrawn { item, agent },
                "picked" => Event::Picked { item, agent },
                "set_waiting" => Event::SetWaiting { item, agent },
                "opened" => Event::Opened { item, agent },
                "wrap_up_released" => Event::WrapUpReleased { item, agent },
                _ => Event::Reopened { item, agent },
            }
        }
        "declined" => Event::Declined {
            item: o.item()?,
            agent: o.agent()?,
            cause: o.pick("cause", &DECLINE_CAUSES)?,
            declines: o.uint("declines")?,
        },
        "ended" => Event::Ended {
            item: o.item()?,
            agent: o.opt_agent()?,
        },
        "customer_message" => Event::CustomerMessage {
            item: o.item()?,
            text: o.str("text")?,
        },
        "agent_message" => Event::AgentMessage {
            item: o.item()?,
            agent: o.agent()?,
            text: o.str("text")?,
        },
        "requeued" => Event::Requeued {
            item: o.item()?,
            affinity: o.str("affinity").map(AgentId)?,
        },
        "transferred" => Event::Transferred {
            item: o.item()?,
            agent: o.opt_agent()?,
            by: o.opt_by()?,
            from_queue: o.queue("from_queue")?,
            to_queue: o.queue("to_queue")?,
        },
        "closed" => Event::Closed {
            item: o.item()?,
            agent: o.opt_agent()?,
            cause: o.pick("cause", &CLOSE_CAUSES)?,
            by: o.opt_by()?,
        },
        "disconnected" => Event::Disconnected {
            agent: o.agent()?,
            remembered: o.presence("remembered")?,
            manual: o.bool("manual")?,
        },
        "reconnected" => Event::Reconnected { agent: o.agent()? },
        "assigned" => Event::Assigned {
            item: o.item()?,
            agent: o.agent()?,
            by: o.by()?,
        },
        "rejected" => Event::Rejected {
            input: input_in(&o.obj("input")?)?,
            reason: o.str("reason")?,
        },
        other => return Err(o.err("event", format!("unknown event \"{other}\""))),
    })
}

/// The core's [`Config`] as serde writes it (maps keyed by id, sets as arrays).
pub fn config<J: Json>(j: &J) -> Result<Config, WireError> {
    let o = Obj::new(j.clone(), String::new())?;
    let ids = |s: String| Some(ChannelId(s));
    let mut config = Config {
        channels: BTreeMap::new(),
        presences: BTreeMap::new(),
        queues: BTreeMap::new(),
        agents: BTreeMap::new(),
        reconnect_window_ms: o
            .opt_u64("reconnect_window_ms")?
            .unwrap_or(omnidesk_core::config::DEFAULT_RECONNECT_WINDOW_MS),
    };
    for (id, c) in o.objects("channels")? {
        let channel = Channel {
            id: ChannelId(c.str("id")?),
            capacity_cost: c.u64("capacity_cost")?,
            distribution: c.pick("distribution", &DISTRIBUTIONS)?,
            r#async: c.bool("async")?,
            allowed_presences: (c.list("allowed_presences", base_status, "a base status")?)
                .unwrap_or_default()
                .into_iter()
                .collect(),
            offer_timeout_ms: c.u64("offer_timeout_ms")?,
            max_declines_per_agent: c.uint("max_declines_per_agent")?,
            wrap_up_block_ms: c.opt_u64("wrap_up_block_ms")?,
            auto_close_waiting_ms: c.opt_u64("auto_close_waiting_ms")?,
            offer_seen_timeout_ms: c.opt_u64("offer_seen_timeout_ms")?,
        };
        config.channels.insert(ChannelId(id), channel);
    }
    let base = |v: &J| v.as_str().and_then(base_status);
    config.presences = o
        .map("presences", base, "a base status")?
        .into_iter()
        .collect();
    for (id, q) in o.objects("queues")? {
        let queue = Queue {
            id: q.queue("id")?,
            name: q.str("name")?,
            priority: q.i32("priority")?,
            members: (q.list("members", |s| Some(AgentId(s)), "a string")?)
                .unwrap_or_default()
                .into_iter()
                .collect(),
            channels: (q.list("channels", ids, "a string")?).map(|c| c.into_iter().collect()),
            assignment_method: q.pick("assignment_method", &METHODS)?,
            service_level_ms: q
                .opt_u64("service_level_ms")?
                .unwrap_or(omnidesk_core::config::DEFAULT_SERVICE_LEVEL_MS),
        };
        config.queues.insert(QueueId(id), queue);
    }
    for (id, a) in o.objects("agents")? {
        let agent = AgentConfig {
            id: a.str("id").map(AgentId)?,
            name: a.str("name")?,
            capacity: a.u64("capacity")?,
            skills: a.skills("skills")?,
            default_presence: a.presence("default_presence")?,
            supervises: (a.list("supervises", |s| Some(QueueId(s)), "a string")?)
                .unwrap_or_default()
                .into_iter()
                .collect(),
        };
        config.agents.insert(AgentId(id), agent);
    }
    Ok(config)
}

/// A frame the server sends on the WebSocket (`server/src/ws.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// The token was good; `principal_agent` is `None` for a customer's principal.
    Authenticated {
        principal_agent: Option<AgentId>,
        last_seq: u64,
        /// The server's clock (ms since the epoch) when it answered, if it said.
        now: Option<u64>,
    },
    /// Boxed: a stamped event is several times larger than the other frames.
    Event(Box<Stamped>),
    /// The answer to an action; `reason` is the body's (on refusals and errors).
    Result {
        action_id: String,
        status: u16,
        reason: Option<String>,
        replayed: bool,
    },
    /// Subscribe again from `after`.
    Resync {
        after: u64,
        reason: String,
    },
    Pong,
    Error {
        error: String,
        reason: String,
        field: Option<String>,
    },
}

/// A server frame: `{"type": "event", "event": {…}}` and the others of [`Frame`].
pub fn frame<J: Json>(j: &J) -> Result<Frame, WireError> {
    let o = Obj::new(j.clone(), String::new())?;
    let kind = o.str("type")?;
    Ok(match kind.as_str() {
        "authenticated" => {
            let p = o.obj("principal")?;
            let principal_agent = match p.str("kind")?.as_str() {
                "agent" => Some(p.agent()?),
                "customer" => None,
                other => return Err(p.err("kind", format!("unknown principal \"{other}\""))),
            };
            Frame::Authenticated {
                principal_agent,
                last_seq: o.u64("last_seq")?,
                now: o.opt_u64("now")?,
            }
        }
        "event" => Frame::Event(Box::new(stamped_in(&o.obj("event")?)?)),
        "result" => {
            let reason = match o.v.get("body").filter(J::is_object) {
                Some(body) => Obj::new(body, o.at("body"))?.opt_str("reason")?,
                None => None,
            };
            Frame::Result {
                action_id: o.str("action_id")?,
                status: o.uint("status")?,
                reason,
                replayed: o.opt("replayed", J::as_bool, "a boolean")?.unwrap_or(false),
            }
        }
        "resync" => Frame::Resync {
            after: o.u64("after")?,
            reason: o.str("reason")?,
        },
        "pong" => Frame::Pong,
        "error" => Frame::Error {
            error: o.str("error")?,
            reason: o.str("reason")?,
            field: o.opt_str("field")?,
        },
        other => return Err(o.err("type", format!("unknown frame type \"{other}\""))),
    })
}

/// A JSON string literal: quotes, backslash and control characters escaped.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_string(&mut out, s);
    out
}

fn push_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[c as usize >> 4]));
                out.push(char::from(HEX[c as usize & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Starts the member `key` of the object being written.
fn key(out: &mut String, key: &str) {
    if !out.ends_with('{') {
        out.push(',');
    }
    push_string(out, key);
    out.push(':');
}

fn put(out: &mut String, k: &str, value: &str) {
    key(out, k);
    push_string(out, value);
}

/// An input as the JSON object serde writes and the server reads as an action's `input`
/// (`omnidesk_core::scenario::parse_input_value`).
pub fn input_json(input: &Input) -> String {
    use Input::*;
    let (tag, agent, item) = match input {
        SignIn { agent } => ("sign_in", Some(agent), None),
        SignOut { agent } => ("sign_out", Some(agent), None),
        ResetPresence { agent } => ("reset_presence", Some(agent), None),
        SetPresence { agent, .. } => ("set_presence", Some(agent), None),
        Arrive { item, .. } => ("arrive", None, Some(item)),
        Accept { agent, item } => ("accept", Some(agent), Some(item)),
        Reject { agent, item } => ("reject", Some(agent), Some(item)),
        Pick { agent, item } => ("pick", Some(agent), Some(item)),
        Wait { agent, item } => ("wait", Some(agent), Some(item)),
        Open { agent, item } => ("open", Some(agent), Some(item)),
        Close { agent, item } => ("close", Some(agent), Some(item)),
        Reopen { agent, item } => ("reopen", Some(agent), Some(item)),
        End { item, agent } => ("end", agent.as_ref(), Some(item)),
        Transfer { agent, item, .. } => ("transfer", Some(agent), Some(item)),
        SupervisorTransfer { item, .. } => ("transfer", None, Some(item)),
        OfferSeen { agent, item } => ("offer_seen", Some(agent), Some(item)),
        Disconnect { agent } => ("disconnect", Some(agent), None),
        Reconnect { agent } => ("reconnect", Some(agent), None),
        Assign { agent, item, .. } => ("assign", Some(agent), Some(item)),
        ForceClose { item, .. } => ("force_close", None, Some(item)),
        CustomerMessage { item, .. } => ("customer_message", None, Some(item)),
        AgentMessage { agent, item, .. } => ("agent_message", Some(agent), Some(item)),
        Abandon { item } => ("abandon", None, Some(item)),
        Tick => ("tick", None, None),
    };
    let mut o = String::from("{");
    put(&mut o, "input", tag);
    if let Some(agent) = agent {
        put(&mut o, "agent", agent.as_str());
    }
    if let Some(item) = item {
        put(&mut o, "item", item.as_str());
    }
    match input {
        End { agent: None, .. } => {
            key(&mut o, "agent");
            o.push_str("null");
        }
        SetPresence { status, .. } => put(&mut o, "status", status.name()),
        Transfer { queue, .. } => put(&mut o, "queue", queue.as_str()),
        SupervisorTransfer { by, queue, .. } => {
            put(&mut o, "by", by.as_str());
            put(&mut o, "queue", queue.as_str());
        }
        Assign { by, .. } | ForceClose { by, .. } => put(&mut o, "by", by.as_str()),
        CustomerMessage { text, .. } | AgentMessage { text, .. } => put(&mut o, "text", text),
        Arrive {
            channel,
            queue,
            customer,
            skills,
            priority,
            text,
            ..
        } => {
            put(&mut o, "channel", channel.as_str());
            put(&mut o, "queue", queue.as_str());
            key(&mut o, "customer");
            o.push('{');
            put(&mut o, "name", &customer.name);
            let optional = [
                ("id", &customer.id),
                ("email", &customer.email),
                ("phone", &customer.phone),
                ("language", &customer.language),
                ("location", &customer.location),
            ];
            for (k, v) in optional {
                if let Some(v) = v {
                    put(&mut o, k, v);
                }
            }
            o.push('}');
            key(&mut o, "skills");
            o.push('{');
            for (skill, level) in skills {
                key(&mut o, skill);
                o.push_str(&level.to_string());
            }
            o.push('}');
            key(&mut o, "priority");
            o.push_str(&priority.to_string());
            if let Some(text) = text {
                put(&mut o, "text", text);
            }
        }
        _ => {}
    }
    o.push('}');
    o
}

/// Values for the tests: every input variant, awkward text.
#[cfg(test)]
mod fixtures {
    use super::*;

    pub const AWKWARD: &str =
        "say \"hi\"\\ \n\r\t\u{0}\u{1}\u{8}\u{c}\u{1f}\u{7f} é 中文 🦀 \u{2028}/";

    pub fn customer() -> Customer {
        Customer {
            name: "Zoë \"Z\" O'Brien".into(),
            id: Some("c-1".into()),
            email: Some("z@example.com".into()),
            phone: None,
            language: Some("fr".into()),
            location: Some("Lyon\nFrance".into()),
        }
    }

    pub fn skills() -> Skills {
        [("en".to_owned(), 7), ("fr\t\"x\"".to_owned(), 10)].into()
    }

    /// Every input variant, optional fields both ways, awkward text.
    pub fn inputs() -> Vec<Input> {
        let agent = || AgentId::from("ana");
        let item = || ItemId::from("chat-1");
        vec![
            Input::SignIn { agent: agent() },
            Input::SignOut { agent: agent() },
            Input::ResetPresence { agent: agent() },
            Input::SetPresence {
                agent: agent(),
                status: Presence::Dnd,
            },
            Input::SetPresence {
                agent: agent(),
                status: Presence::Custom("Lunch".into()),
            },
            Input::Arrive {
                item: item(),
                channel: ChannelId::from("chat"),
                queue: QueueId::from("general"),
                customer: customer(),
                skills: skills(),
                priority: -3,
                text: Some(AWKWARD.into()),
            },
            Input::Arrive {
                item: item(),
                channel: ChannelId::from("sms"),
                queue: QueueId::from("billing"),
                customer: Customer {
                    name: String::new(),
                    ..Customer::default()
                },
                skills: Skills::new(),
                priority: 0,
                text: None,
            },
            Input::Accept {
                agent: agent(),
                item: item(),
            },
            Input::Reject {
                agent: agent(),
                item: item(),
            },
            Input::Pick {
                agent: agent(),
                item: item(),
            },
            Input::Wait {
                agent: agent(),
                item: item(),
            },
            Input::Open {
                agent: agent(),
                item: item(),
            },
            Input::Close {
                agent: agent(),
                item: item(),
            },
            Input::Reopen {
                agent: agent(),
                item: item(),
            },
            Input::End {
                item: item(),
                agent: Some(agent()),
            },
            Input::End {
                item: item(),
                agent: None,
            },
            Input::Transfer {
                agent: agent(),
                item: item(),
                queue: QueueId::from("billing"),
            },
            Input::CustomerMessage {
                item: item(),
                text: AWKWARD.into(),
            },
            Input::AgentMessage {
                agent: agent(),
                item: item(),
                text: AWKWARD.into(),
            },
            Input::Abandon { item: item() },
            Input::Tick,
            Input::OfferSeen {
                agent: agent(),
                item: item(),
            },
            Input::Disconnect { agent: agent() },
            Input::Reconnect { agent: agent() },
            Input::Assign {
                by: AgentId::from("sam"),
                item: item(),
                agent: agent(),
            },
            Input::ForceClose {
                by: AgentId::from("sam"),
                item: item(),
            },
            Input::SupervisorTransfer {
                by: AgentId::from("sam"),
                item: item(),
                queue: QueueId::from("billing"),
            },
        ]
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::fixtures::*;
    use super::*;
    use omnidesk_core::config::AssignmentMethod;
    use omnidesk_core::scenario::parse_input_value;
    use omnidesk_core::workload;
    use serde_json::{json, Value};

    impl Json for Value {
        fn get(&self, key: &str) -> Option<Self> {
            Value::get(self, key).cloned()
        }
        fn as_str(&self) -> Option<String> {
            Value::as_str(self).map(str::to_owned)
        }
        fn as_u64(&self) -> Option<u64> {
            Value::as_u64(self)
        }
        fn as_i64(&self) -> Option<i64> {
            Value::as_i64(self)
        }
        fn as_bool(&self) -> Option<bool> {
            Value::as_bool(self)
        }
        fn is_null(&self) -> bool {
            Value::is_null(self)
        }
        fn is_object(&self) -> bool {
            Value::is_object(self)
        }
        fn items(&self) -> Option<Vec<Self>> {
            self.as_array().cloned()
        }
        fn entries(&self) -> Option<Vec<(String, Self)>> {
            let map = self.as_object()?;
            Some(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        }
    }

    /// Every event variant, optional fields both ways; `rejected` once per input.
    fn events() -> Vec<Event> {
        let agent = || AgentId::from("ana");
        let item = || ItemId::from("chat-1");
        let mut events = vec![
            Event::SignedIn { agent: agent() },
            Event::SignedOut {
                agent: agent(),
                reason: None,
            },
            Event::SignedOut {
                agent: agent(),
                reason: Some(SignOutReason::Disconnected),
            },
            Event::OfferSeen {
                item: item(),
                agent: agent(),
            },
            Event::Disconnected {
                agent: agent(),
                remembered: Presence::Dnd,
                manual: true,
            },
            Event::Reconnected { agent: agent() },
            Event::Assigned {
                item: item(),
                agent: agent(),
                by: AgentId::from("sam"),
            },
            Event::Transferred {
                item: item(),
                agent: None,
                by: Some(AgentId::from("sam")),
                from_queue: QueueId::from("general"),
                to_queue: QueueId::from("general"),
            },
            Event::PresenceChanged {
                agent: agent(),
                from: Presence::Inactive,
                to: Presence::Custom("Training".into()),
                reason: PresenceReason::Manual,
                manual: true,
            },
            Event::Arrived {
                item: item(),
                channel: ChannelId::from("chat"),
                queue: QueueId::from("general"),
                customer: customer(),
                skills: skills(),
                priority: i32::MIN,
                text: Some(AWKWARD.into()),
            },
            Event::Arrived {
                item: item(),
                channel: ChannelId::from("email"),
                queue: QueueId::from("general"),
                customer: Customer::default(),
                skills: Skills::new(),
                priority: i32::MAX,
                text: None,
            },
            Event::Accepted {
                item: item(),
                agent: agent(),
            },
            Event::Declined {
                item: item(),
                agent: agent(),
                cause: DeclineCause::Expiry,
                declines: u32::MAX,
            },
            Event::OfferWithdrawn {
                item: item(),
                agent: agent(),
            },
            Event::Picked {
                item: item(),
                agent: agent(),
            },
            Event::Ended {
                item: item(),
                agent: Some(agent()),
            },
            Event::Ended {
                item: item(),
                agent: None,
            },
            Event::SetWaiting {
                item: item(),
                agent: agent(),
            },
            Event::Opened {
                item: item(),
                agent: agent(),
            },
            Event::CustomerMessage {
                item: item(),
                text: AWKWARD.into(),
            },
            Event::AgentMessage {
                item: item(),
                agent: agent(),
                text: String::new(),
            },
            Event::Requeued {
                item: item(),
                affinity: agent(),
            },
            Event::Transferred {
                item: item(),
                agent: Some(agent()),
                by: None,
                from_queue: QueueId::from("general"),
                to_queue: QueueId::from("vip"),
            },
            Event::WrapUpReleased {
                item: item(),
                agent: agent(),
            },
            Event::Reopened {
                item: item(),
                agent: agent(),
            },
        ];
        for (cause, agent, by) in [
            (CloseCause::Close, Some(agent()), None),
            (CloseCause::Abandon, None, None),
            (CloseCause::AutoClose, Some(agent()), None),
            (CloseCause::Supervisor, None, Some(AgentId::from("sam"))),
        ] {
            events.push(Event::Closed {
                item: item(),
                agent,
                cause,
                by,
            });
        }
        for (_, reason) in REASONS {
            events.push(Event::PresenceChanged {
                agent: agent(),
                from: Presence::Available,
                to: Presence::Away,
                reason,
                manual: false,
            });
        }
        for (i, (_, criterion)) in CRITERIA.into_iter().enumerate() {
            let n = i as u32;
            events.push(Event::Offered {
                item: item(),
                agent: agent(),
                expires_at: 121_000 + u64::from(n),
                affinity: i % 2 == 0,
                explanation: Explanation {
                    agent: agent(),
                    criterion,
                    eligible: n + 1,
                    excluded: Excluded {
                        not_signed_in: n,
                        disconnected: n + 6,
                        inactive: n + 1,
                        presence: n + 2,
                        capacity: n + 3,
                        skill: n + 4,
                        declined: n + 5,
                    },
                },
            });
        }
        for (_, cause) in DECLINE_CAUSES {
            events.push(Event::Declined {
                item: item(),
                agent: agent(),
                cause,
                declines: 1,
            });
        }
        for input in inputs() {
            events.push(Event::Rejected {
                input,
                reason: AWKWARD.into(),
            });
        }
        events
    }

    fn round_trip_event(seq: u64, event: Event) {
        let s = Stamped {
            seq,
            at: 1_700_000_000_000 + seq,
            event,
        };
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(stamped(&v).as_ref(), Ok(&s), "{v}");
        let f = json!({"type": "event", "event": v});
        assert_eq!(frame(&f), Ok(Frame::Event(Box::new(s))), "{f}");
    }

    fn round_trip_input(input: &Input) {
        let v = serde_json::to_value(input).unwrap();
        assert_eq!(super::input(&v).as_ref(), Ok(input), "{v}");
        let text = input_json(input);
        let back: Input = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(&back, input, "{text}");
        // Exactly serde's shape, field for field.
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v, "{text}");
    }

    #[test]
    fn every_event_round_trips() {
        let events = events();
        // Exhaustive: a new variant fails to compile here until it is covered.
        let variant = |e: &Event| match e {
            Event::SignedIn { .. } => 0,
            Event::SignedOut { .. } => 1,
            Event::PresenceChanged { .. } => 2,
            Event::Arrived { .. } => 3,
            Event::Offered { .. } => 4,
            Event::Accepted { .. } => 5,
            Event::Declined { .. } => 6,
            Event::OfferWithdrawn { .. } => 7,
            Event::Picked { .. } => 8,
            Event::Ended { .. } => 9,
            Event::SetWaiting { .. } => 10,
            Event::Opened { .. } => 11,
            Event::CustomerMessage { .. } => 12,
            Event::AgentMessage { .. } => 13,
            Event::Requeued { .. } => 14,
            Event::Transferred { .. } => 15,
            Event::WrapUpReleased { .. } => 16,
            Event::Closed { .. } => 17,
            Event::Reopened { .. } => 18,
            Event::Rejected { .. } => 19,
            Event::OfferSeen { .. } => 20,
            Event::Disconnected { .. } => 21,
            Event::Reconnected { .. } => 22,
            Event::Assigned { .. } => 23,
        };
        let covered: std::collections::BTreeSet<usize> = events.iter().map(variant).collect();
        assert_eq!(covered.len(), 24, "every Event variant is covered");
        for (seq, event) in events.into_iter().enumerate() {
            round_trip_event(seq as u64 + 1, event);
        }
    }

    #[test]
    fn every_input_round_trips_and_input_json_is_serdes_shape() {
        let inputs = inputs();
        let tags: std::collections::BTreeSet<String> = inputs
            .iter()
            .map(|i| serde_json::to_value(i).unwrap()["input"].to_string())
            .collect();
        // 24 variants; the holder's and a supervisor's transfer share the tag "transfer".
        assert_eq!(tags.len(), 23, "every Input variant is covered");
        for input in &inputs {
            round_trip_input(input);
        }
    }

    #[test]
    fn the_server_reads_input_json() {
        let mut config = crate::runtime::demo::config();
        config.add_agent(omnidesk_core::config::AgentConfig::new("ana"));
        config.add_agent(omnidesk_core::config::AgentConfig::new("sam"));
        for input in inputs() {
            let v: Value = serde_json::from_str(&input_json(&input)).unwrap();
            assert_eq!(parse_input_value(&v, &config), Ok(input), "{v}");
        }
    }

    #[test]
    fn json_strings_escape_what_json_requires() {
        assert_eq!(
            json_string("a\"b\\c\n\r\t\u{1}\u{1f}é🦀"),
            "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001fé🦀\""
        );
        let all: String = (0u32..0x80).filter_map(char::from_u32).collect();
        let back: String = serde_json::from_str(&json_string(&all)).unwrap();
        assert_eq!(back, all);
        assert_eq!(
            serde_json::from_str::<String>(&json_string(AWKWARD)).unwrap(),
            AWKWARD
        );
    }

    fn round_trip_config(config: &Config) {
        let v = serde_json::to_value(config).unwrap();
        assert_eq!(super::config(&v).as_ref(), Ok(config), "{v}");
    }

    #[test]
    fn configs_round_trip() {
        round_trip_config(&Config::new());
        round_trip_config(&crate::runtime::demo::config());
        round_trip_config(&workload::config(workload::Scale {
            agents: 40,
            queues: 5,
            big_queue: 12,
            waiting: 0,
        }));
        let mut config = Config::new();
        let mut custom = Channel::with_defaults("fax \"x\"", 35);
        custom.wrap_up_block_ms = Some(5_000);
        custom.auto_close_waiting_ms = None;
        custom.distribution = Distribution::Pick;
        custom.allowed_presences = BaseStatus::ALL.into();
        custom.max_declines_per_agent = u32::MAX;
        config.add_channel(custom);
        let mut released = Channel::standard("voice").unwrap();
        released.wrap_up_block_ms = Some(0);
        released.allowed_presences.clear();
        config.add_channel(released);
        config.add_presence("Lunch", BaseStatus::Away);
        config.add_presence("On a call", BaseStatus::Busy);
        config.add_presence("Focus", BaseStatus::Dnd);
        let mut all = Queue::new("all");
        all.priority = -2;
        all.members = ["ana", "bo"].into_iter().map(AgentId::from).collect();
        all.assignment_method = AssignmentMethod::LeastActive;
        let mut some = Queue::new("some");
        some.name = "Some \"channels\"".into();
        some.channels = Some(
            ["chat", "fax \"x\""]
                .into_iter()
                .map(ChannelId::from)
                .collect(),
        );
        some.assignment_method = AssignmentMethod::RoundRobin;
        let mut none = Queue::new("none");
        none.channels = Some(Default::default());
        config.add_queue(all).add_queue(some).add_queue(none);
        let mut ana = AgentConfig::new("ana");
        ana.skills = skills();
        ana.default_presence = Presence::Custom("Lunch".into());
        ana.capacity = 0;
        let mut bo = AgentConfig::new("bo");
        bo.default_presence = Presence::Offline;
        bo.name = "Bo Ek".into();
        config.add_agent(ana).add_agent(bo);
        round_trip_config(&config);
    }

    /// A property check without proptest: the core's seeded workload on a small centre, every
    /// event it produces and every input it sends decoded back.
    #[test]
    fn a_workloads_events_and_inputs_round_trip() {
        let scale = workload::Scale {
            agents: 30,
            queues: 4,
            big_queue: 10,
            waiting: 20,
        };
        let (mut engine, mut load) = workload::centre(scale, 11);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..3_000 {
            let (input, now) = load.next_input();
            round_trip_input(&input);
            let events = engine.handle(input, now).unwrap();
            load.observe(&events);
            for s in events {
                let v = serde_json::to_value(&s).unwrap();
                seen.insert(v["event"].to_string());
                assert_eq!(stamped(&v).as_ref(), Ok(&s), "{v}");
            }
        }
        assert!(seen.len() >= 10, "a varied stream: {seen:?}");
    }

    fn parse(text: &str) -> Result<Frame, WireError> {
        frame(&serde_json::from_str::<Value>(text).unwrap())
    }

    #[test]
    fn frames_decode() {
        assert_eq!(
            parse(
                r#"{"type":"authenticated","principal":{"kind":"agent","agent":"ana"},"last_seq":42}"#
            ),
            Ok(Frame::Authenticated {
                principal_agent: Some(AgentId::from("ana")),
                last_seq: 42,
                now: None
            })
        );
        assert_eq!(
            parse(
                r#"{"type":"authenticated","principal":{"kind":"customer","item":"live-1"},"last_seq":0}"#
            ),
            Ok(Frame::Authenticated {
                principal_agent: None,
                last_seq: 0,
                now: None
            })
        );
        assert_eq!(
            parse(
                r#"{"type":"event","event":{"seq":7,"at":1000,"event":"accepted","item":"chat-1","agent":"ana"}}"#
            ),
            Ok(Frame::Event(Box::new(Stamped {
                seq: 7,
                at: 1000,
                event: Event::Accepted {
                    item: ItemId::from("chat-1"),
                    agent: AgentId::from("ana")
                }
            })))
        );
        assert_eq!(
            parse(
                r#"{"type":"result","action_id":"a1","status":200,"body":{"events":[{"seq":7}],"last_seq":7},"replayed":false}"#
            ),
            Ok(Frame::Result {
                action_id: "a1".into(),
                status: 200,
                reason: None,
                replayed: false
            })
        );
        assert_eq!(
            parse(
                r#"{"type":"result","action_id":"a2","status":409,"body":{"error":"rejected","reason":"item is not offered to ana","events":[],"last_seq":9},"replayed":true}"#
            ),
            Ok(Frame::Result {
                action_id: "a2".into(),
                status: 409,
                reason: Some("item is not offered to ana".into()),
                replayed: true
            })
        );
        assert_eq!(
            parse(
                r#"{"type":"result","action_id":"a3","status":503,"body":{"error":"unavailable","reason":"saturated"}}"#
            ),
            Ok(Frame::Result {
                action_id: "a3".into(),
                status: 503,
                reason: Some("saturated".into()),
                replayed: false
            })
        );
        assert_eq!(
            parse(r#"{"type":"resync","after":65536,"reason":"too slow"}"#),
            Ok(Frame::Resync {
                after: 65536,
                reason: "too slow".into()
            })
        );
        assert_eq!(parse(r#"{"type":"pong"}"#), Ok(Frame::Pong));
        assert_eq!(
            parse(r#"{"type":"error","error":"unauthorized","reason":"unknown or expired token"}"#),
            Ok(Frame::Error {
                error: "unauthorized".into(),
                reason: "unknown or expired token".into(),
                field: None
            })
        );
        // An action refused before the hub: the outcome's body with a type.
        assert_eq!(
            parse(
                r#"{"error":"invalid","field":"input.agent","reason":"unknown agent \"x\"","type":"error"}"#
            ),
            Ok(Frame::Error {
                error: "invalid".into(),
                reason: "unknown agent \"x\"".into(),
                field: Some("input.agent".into())
            })
        );
    }

    fn problem(text: &str) -> String {
        match parse(text) {
            Ok(f) => panic!("decoded {f:?} from {text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn malformed_frames_name_the_field() {
        assert_eq!(problem("[1]"), "expected an object");
        assert_eq!(problem("{}"), "type: missing");
        assert_eq!(problem(r#"{"type":3}"#), "type: expected a string");
        assert_eq!(
            problem(r#"{"type":"hello"}"#),
            "type: unknown frame type \"hello\""
        );
        assert_eq!(
            problem(
                r#"{"type":"event","event":{"seq":1,"at":2,"event":"arrived","item":"i","channel":"chat","queue":"q","customer":{"name":5}}}"#
            ),
            "event.customer.name: expected a string"
        );
        assert_eq!(
            problem(r#"{"type":"event","event":{"seq":1,"at":2,"event":"exploded"}}"#),
            "event.event: unknown event \"exploded\""
        );
        assert_eq!(
            problem(r#"{"type":"event","event":{"at":2,"event":"signed_in","agent":"a"}}"#),
            "event.seq: missing"
        );
        assert_eq!(
            problem(
                r#"{"type":"event","event":{"seq":-1,"at":2,"event":"signed_in","agent":"a"}}"#
            ),
            "event.seq: expected a non-negative integer"
        );
        assert_eq!(
            problem(
                r#"{"type":"event","event":{"seq":1,"at":2.5,"event":"signed_in","agent":"a"}}"#
            ),
            "event.at: expected a non-negative integer"
        );
        assert_eq!(
            problem(
                r#"{"type":"event","event":{"seq":1,"at":2,"event":"signed_in","agent":null}}"#
            ),
            "event.agent: missing"
        );
        assert_eq!(
            problem(
                r#"{"type":"event","event":{"seq":1,"at":2,"event":"rejected","input":{"input":"dance"},"reason":"r"}}"#
            ),
            "event.input.input: unknown input \"dance\""
        );
        assert_eq!(
            problem(
                r#"{"type":"event","event":{"seq":1,"at":2,"event":"closed","item":"i","agent":null,"cause":"boredom"}}"#
            ),
            "event.cause: unknown value \"boredom\""
        );
        assert_eq!(
            problem(
                r#"{"type":"event","event":{"seq":1,"at":2,"event":"declined","item":"i","agent":"a","cause":"reject","declines":4294967296}}"#
            ),
            "event.declines: out of range"
        );
        assert_eq!(
            problem(
                r#"{"type":"event","event":{"seq":1,"at":2,"event":"offered","item":"i","agent":"a","expires_at":3,"affinity":false,"explanation":{"agent":"a","criterion":"agent_id","eligible":1,"excluded":[]}}}"#
            ),
            "event.explanation.excluded: expected an object"
        );
        assert_eq!(
            problem(
                r#"{"type":"event","event":{"seq":1,"at":2,"event":"arrived","item":"i","channel":"chat","queue":"q","customer":{"name":"n"},"skills":{"en":300}}}"#
            ),
            "event.skills.en: expected a skill level"
        );
        assert_eq!(
            problem(r#"{"type":"result","action_id":"a","status":70000,"body":{}}"#),
            "status: out of range"
        );
        assert_eq!(
            problem(r#"{"type":"authenticated","principal":{"kind":"robot"},"last_seq":1}"#),
            "principal.kind: unknown principal \"robot\""
        );
    }

    #[test]
    fn malformed_configs_name_the_field() {
        let good = serde_json::to_value(crate::runtime::demo::config()).unwrap();
        let problem = |edit: fn(&mut Value)| {
            let mut v = good.clone();
            edit(&mut v);
            super::config(&v).unwrap_err().to_string()
        };
        assert_eq!(
            problem(|v| {
                v["channels"]["chat"]
                    .as_object_mut()
                    .unwrap()
                    .remove("async");
            }),
            "channels.chat.async: missing"
        );
        assert_eq!(
            problem(|v| v["channels"]["sms"]["allowed_presences"][1] = json!("asleep")),
            "channels.sms.allowed_presences[1]: expected a base status"
        );
        assert_eq!(
            problem(|v| v["presences"]["Lunch"] = json!("lunch")),
            "presences.Lunch: expected a base status"
        );
        assert_eq!(
            problem(|v| v["queues"]["vip"]["channels"] = json!("chat")),
            "queues.vip.channels: expected an array"
        );
        assert_eq!(
            problem(|v| v["agents"]["ana"] = json!(1)),
            "agents.ana: expected an object"
        );
        assert_eq!(
            problem(|v| v["queues"]["billing"]["assignment_method"] = json!("random")),
            "queues.billing.assignment_method: unknown value \"random\""
        );
    }
}

/// The `JsValue` reader on the browser's own `JSON.parse` output.
#[cfg(all(test, target_arch = "wasm32"))]
mod js_tests {
    use super::fixtures::*;
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn read<T>(
        text: &str,
        f: fn(&wasm_bindgen::JsValue) -> Result<T, WireError>,
    ) -> Result<T, String> {
        f(&parse(text).map_err(|e| e.to_string())?).map_err(|e| e.to_string())
    }

    #[wasm_bindgen_test]
    fn inputs_round_trip_through_json_parse() {
        for i in inputs() {
            assert_eq!(read(&input_json(&i), input), Ok(i));
        }
    }

    #[wasm_bindgen_test]
    fn frames_decode_from_json_parse() {
        let arrived = r#"{"type":"event","event":{"seq":9007199254740991,"at":5,"event":"arrived","item":"i","channel":"chat","queue":"q","customer":{"name":"Zoë","id":null,"email":"z@x"},"skills":{"en":7,"fr":1},"priority":-4,"text":null}}"#;
        let Ok(Frame::Event(s)) = read(arrived, frame) else {
            panic!("{:?}", read(arrived, frame));
        };
        assert_eq!(
            *s,
            Stamped {
                seq: 9_007_199_254_740_991,
                at: 5,
                event: Event::Arrived {
                    item: ItemId::from("i"),
                    channel: ChannelId::from("chat"),
                    queue: QueueId::from("q"),
                    customer: Customer {
                        name: "Zoë".into(),
                        email: Some("z@x".into()),
                        ..Customer::default()
                    },
                    skills: [("en".to_owned(), 7), ("fr".to_owned(), 1)].into(),
                    priority: -4,
                    text: None,
                },
            }
        );
        assert_eq!(
            read(
                r#"{"type":"result","action_id":"a","status":409,"body":{"error":"rejected","reason":"no"},"replayed":true}"#,
                frame
            ),
            Ok(Frame::Result {
                action_id: "a".into(),
                status: 409,
                reason: Some("no".into()),
                replayed: true
            })
        );
        assert_eq!(
            read(
                r#"{"type":"authenticated","principal":{"kind":"agent","agent":"ana"},"last_seq":3,"now":1700000000123}"#,
                frame
            ),
            Ok(Frame::Authenticated {
                principal_agent: Some(AgentId::from("ana")),
                last_seq: 3,
                now: Some(1_700_000_000_123)
            })
        );
    }

    #[wasm_bindgen_test]
    fn a_config_decodes_from_json_parse() {
        let text = r#"{"channels":{"chat":{"id":"chat","capacity_cost":20,"distribution":"push","async":false,"allowed_presences":["available","busy"],"offer_timeout_ms":120000,"max_declines_per_agent":3,"wrap_up_block_ms":0,"auto_close_waiting_ms":null}},"presences":{"Lunch":"away"},"queues":{"q":{"id":"q","name":"Q","priority":-1,"members":["ana"],"channels":null,"assignment_method":"round_robin"},"r":{"id":"r","name":"R","priority":0,"members":[],"channels":["chat"],"assignment_method":"least_active"}},"agents":{"ana":{"id":"ana","name":"Ana","capacity":100,"skills":{"en":5},"default_presence":"Lunch"}}}"#;
        let mut want = Config::new();
        want.channels.retain(|id, _| id.as_str() == "chat");
        want.channels.get_mut("chat").unwrap().wrap_up_block_ms = Some(0);
        want.channels.get_mut("chat").unwrap().auto_close_waiting_ms = None;
        want.add_presence("Lunch", BaseStatus::Away);
        let mut q = Queue::new("q");
        q.name = "Q".into();
        q.priority = -1;
        q.members.insert(AgentId::from("ana"));
        q.assignment_method = AssignmentMethod::RoundRobin;
        let mut r = Queue::new("r");
        r.name = "R".into();
        r.channels = Some([ChannelId::from("chat")].into());
        r.assignment_method = AssignmentMethod::LeastActive;
        want.add_queue(q).add_queue(r);
        let mut ana = AgentConfig::new("ana");
        ana.name = "Ana".into();
        ana.skills = [("en".to_owned(), 5)].into();
        ana.default_presence = Presence::Custom("Lunch".into());
        want.add_agent(ana);
        assert_eq!(read(text, config), Ok(want));
    }

    #[wasm_bindgen_test]
    fn numbers_and_shapes_are_checked() {
        let event = |fields: &str| {
            format!(
                r#"{{"seq":1,"at":2,"event":"declined","item":"i","agent":"a","cause":"reject",{fields}}}"#
            )
        };
        assert_eq!(read(&event(r#""declines":2"#), stamped).map(|_| ()), Ok(()));
        for (bad, problem) in [
            (
                r#""declines":1.5"#,
                "declines: expected a non-negative integer",
            ),
            (
                r#""declines":-1"#,
                "declines: expected a non-negative integer",
            ),
            (
                r#""declines":"2""#,
                "declines: expected a non-negative integer",
            ),
            (
                r#""declines":9007199254740993"#,
                "declines: expected a non-negative integer",
            ),
            (r#""declines":4294967296"#, "declines: out of range"),
            (r#""declines":null"#, "declines: missing"),
        ] {
            assert_eq!(
                read(&event(bad), stamped).map(|_| ()),
                Err(problem.to_owned())
            );
        }
        assert_eq!(read("[]", frame), Err("expected an object".to_owned()));
        assert_eq!(read("{", frame), Err("not JSON".to_owned()));
        assert_eq!(
            read(r#"{"channels":[]}"#, config),
            Err("channels: expected an object".to_owned())
        );
        assert_eq!(
            read(
                r#"{"type":"event","event":{"seq":1,"at":2,"event":"ended","item":["i"]}}"#,
                frame
            ),
            Err("event.item: expected a string".to_owned())
        );
    }
}
