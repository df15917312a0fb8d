//! Scenario files (scenarios.md): parse and validate a set-up and a timed list of inputs, and
//! run it through an [`Engine`].
//!
//! A **bad file** is an error ([`ScenarioError`], exit 2 in `omnidesk-replay`): not JSON, a
//! missing or mistyped field, an unknown input name, `at` going backwards, or an agent, queue,
//! channel or presence id the set-up doesn't declare. Everything else the rules refuse becomes
//! a `rejected` event when the scenario runs.
//!
//! Parsing walks the JSON by hand rather than through serde derives so that every error names
//! its step and field. Unknown keys are ignored everywhere (tests add `rule`, `expect`, …). In
//! steps, an optional field given as `null` counts as left out.

use crate::config::{AgentConfig, AssignmentMethod, Channel, Config, Distribution, Queue};
use crate::engine::Engine;
use crate::ids::{AgentId, ChannelId, ItemId, QueueId};
use crate::presence::{BaseStatus, Presence};
use crate::protocol::{Customer, Input, Skills, Stamped};
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::fmt;

/// A parsed, validated scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub config: Config,
    pub steps: Vec<Step>,
}

/// One timed input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub at: u64,
    pub input: Input,
}

/// Why a scenario file is bad. `step` is the index (from 0) in `steps`, `None` for the set-up;
/// `field` is a path such as `customer.name` or `queues[0].members[1]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub step: Option<usize>,
    pub field: String,
    pub message: String,
    not_json: bool,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.not_json {
            return write!(f, "not JSON: {}", self.message);
        }
        match self.step {
            Some(step) => write!(f, "step {step}, field `{}`: {}", self.field, self.message),
            None => write!(f, "set-up, field `{}`: {}", self.field, self.message),
        }
    }
}

impl std::error::Error for ScenarioError {}

/// The result of running a scenario: the engine at the end and the whole event log.
#[derive(Clone, Debug)]
pub struct Replay {
    pub engine: Engine,
    pub events: Vec<Stamped>,
}

/// Runs every step in order. A validated scenario never goes back in time, so no step fails.
pub fn run(scenario: &Scenario) -> Replay {
    let mut engine = Engine::new(scenario.config.clone());
    let mut events = Vec::new();
    for step in &scenario.steps {
        match engine.handle(step.input.clone(), step.at) {
            Ok(mut produced) => events.append(&mut produced),
            Err(e) => unreachable!("a validated scenario keeps time in order: {e}"),
        }
    }
    Replay { engine, events }
}

impl Scenario {
    /// Parses and validates a scenario file.
    pub fn parse(json: &str) -> Result<Scenario, ScenarioError> {
        let value: Value = serde_json::from_str(json).map_err(|e| ScenarioError {
            step: None,
            field: String::new(),
            message: e.to_string(),
            not_json: true,
        })?;
        Scenario::from_value(&value)
    }

    /// Validates a scenario already parsed as JSON.
    pub fn from_value(value: &Value) -> Result<Scenario, ScenarioError> {
        let Some(top) = value.as_object() else {
            return Err(ScenarioError {
                step: None,
                field: "(top level)".to_owned(),
                message: format!("the scenario must be a JSON object, found {}", kind(value)),
                not_json: false,
            });
        };
        let top = Fields {
            map: top,
            step: None,
            path: String::new(),
        };
        let mut config = Config::new();
        parse_presences(&top, &mut config)?;
        parse_channels(&top, &mut config)?;
        parse_agents(&top, &mut config)?;
        parse_queues(&top, &mut config)?;
        parse_supervises(&top, &mut config)?;
        if let Some(ms) = top.opt_u64("reconnect_window_ms")? {
            config.reconnect_window_ms = ms;
        }
        let steps = parse_steps(&top, &config)?;
        Ok(Scenario { config, steps })
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An object being read, with where it is for error messages.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    step: Option<usize>,
    path: String,
}

type Res<T> = Result<T, ScenarioError>;

impl<'a> Fields<'a> {
    fn field(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else if name.starts_with('[') {
            format!("{}{name}", self.path)
        } else {
            format!("{}.{name}", self.path)
        }
    }

    fn err(&self, name: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError {
            step: self.step,
            field: self.field(name),
            message: message.into(),
            not_json: false,
        }
    }

    fn mistyped(&self, name: &str, expected: &str, v: &Value) -> ScenarioError {
        self.err(name, format!("expected {expected}, found {}", kind(v)))
    }

    /// The value, `None` if absent or `null`.
    fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    fn req<T>(&self, name: &str, got: Option<T>) -> Res<T> {
        got.ok_or_else(|| match self.map.get(name) {
            Some(v) => self.mistyped(name, "a value", v),
            None => self.err(name, "missing"),
        })
    }

    fn opt_str(&self, name: &str) -> Res<Option<&'a str>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.mistyped(name, "a string", v)),
        }
    }

    fn req_str(&self, name: &str) -> Res<&'a str> {
        match self.map.get(name) {
            None => Err(self.err(name, "missing")),
            Some(Value::String(s)) => Ok(s),
            Some(v) => Err(self.mistyped(name, "a string", v)),
        }
    }

    fn opt_u64(&self, name: &str) -> Res<Option<u64>> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| self.mistyped(name, "a non-negative integer", v)),
        }
    }

    fn opt_u32(&self, name: &str) -> Res<Option<u32>> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| self.mistyped(name, "a non-negative 32-bit integer", v)),
        }
    }

    fn opt_i32(&self, name: &str) -> Res<Option<i32>> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| self.mistyped(name, "a 32-bit integer", v)),
        }
    }

    fn opt_bool(&self, name: &str) -> Res<Option<bool>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(self.mistyped(name, "a boolean", v)),
        }
    }

    /// A setting where `null` means something: absent → `None`, `null` → `Some(None)`.
    fn nullable_u64(&self, name: &str) -> Res<Option<Option<u64>>> {
        match self.map.get(name) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(v) => v
                .as_u64()
                .map(|n| Some(Some(n)))
                .ok_or_else(|| self.mistyped(name, "null or a non-negative integer", v)),
        }
    }

    fn opt_array(&self, name: &str) -> Res<Option<&'a Vec<Value>>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(v) => Err(self.mistyped(name, "an array", v)),
        }
    }

    fn object_at(&self, name: &str, v: &'a Value) -> Res<Fields<'a>> {
        match v {
            Value::Object(map) => Ok(Fields {
                map,
                step: self.step,
                path: self.field(name),
            }),
            v => Err(self.mistyped(name, "an object", v)),
        }
    }

    /// An array of strings, each checked by `check`.
    fn str_array(
        &self,
        name: &str,
        mut check: impl FnMut(&str) -> Result<(), String>,
    ) -> Res<Option<Vec<&'a str>>> {
        let Some(array) = self.opt_array(name)? else {
            return Ok(None);
        };
        let mut out = Vec::new();
        for (i, v) in array.iter().enumerate() {
            let at = format!("{name}[{i}]");
            let Value::String(s) = v else {
                return Err(self.mistyped(&at, "a string", v));
            };
            check(s).map_err(|m| self.err(&at, m))?;
            out.push(s.as_str());
        }
        Ok(Some(out))
    }

    /// Skills `{name: level 1..10}`.
    fn skills(&self, name: &str) -> Res<Option<Skills>> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        let obj = self.object_at(name, v)?;
        let mut skills = Skills::new();
        for (skill, level) in obj.map {
            let level = level
                .as_u64()
                .filter(|l| (1..=10).contains(l))
                .ok_or_else(|| obj.err(skill, "expected a skill level from 1 to 10"))?;
            skills.insert(skill.clone(), level as u8);
        }
        Ok(Some(skills))
    }

    /// An array of objects, each read by `each` with its index.
    fn each_object(
        &self,
        name: &str,
        mut each: impl FnMut(usize, Fields<'a>) -> Res<()>,
    ) -> Res<()> {
        let Some(array) = self.opt_array(name)? else {
            return Ok(());
        };
        for (i, v) in array.iter().enumerate() {
            let obj = self.object_at(&format!("{name}[{i}]"), v)?;
            each(i, obj)?;
        }
        Ok(())
    }
}

/// Names a custom presence may not take: the standard statuses (snapshot and display names,
/// compared case-insensitively) and the system-only Inactive.
fn is_standard_presence_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    matches!(
        lower.as_str(),
        "available" | "busy" | "dnd" | "do not disturb" | "away" | "offline" | "inactive"
    )
}

fn parse_presences(top: &Fields, config: &mut Config) -> Res<()> {
    top.each_object("presences", |_, p| {
        let name = p.req_str("name")?;
        if is_standard_presence_name(name) {
            return Err(p.err(
                "name",
                format!("a custom presence may not be named like a standard one (\"{name}\")"),
            ));
        }
        if config.presences.contains_key(name) {
            return Err(p.err("name", format!("duplicate presence \"{name}\"")));
        }
        // The spec gives no default base, so it is required.
        let base = p.req_str("base")?;
        let base = BaseStatus::from_name(base)
            .ok_or_else(|| p.err("base", format!("unknown base status \"{base}\"")))?;
        config.add_presence(name, base);
        Ok(())
    })
}

fn parse_channels(top: &Fields, config: &mut Config) -> Res<()> {
    let mut seen = BTreeSet::new();
    top.each_object("channels", |_, c| {
        let id = c.req_str("id")?;
        if !seen.insert(id.to_owned()) {
            return Err(c.err("id", format!("duplicate channel \"{id}\"")));
        }
        let cost = c.opt_u64("capacity_cost")?;
        // R1: a listed standard channel overrides only what it gives; a custom one must give
        // capacity_cost.
        let mut channel = match (Channel::standard(id), cost) {
            (Some(standard), _) => standard,
            (None, Some(cost)) => Channel::with_defaults(id, cost),
            (None, None) => {
                return Err(c.err(
                    "capacity_cost",
                    format!("missing (the custom channel \"{id}\" must give capacity_cost)"),
                ))
            }
        };
        if let Some(cost) = cost {
            channel.capacity_cost = cost;
        }
        if let Some(d) = c.opt_str("distribution")? {
            channel.distribution = match d {
                "push" => Distribution::Push,
                "pick" => Distribution::Pick,
                other => {
                    return Err(c.err(
                        "distribution",
                        format!("expected \"push\" or \"pick\", found \"{other}\""),
                    ))
                }
            };
        }
        if let Some(a) = c.opt_bool("async")? {
            channel.r#async = a;
        }
        let allowed = c.str_array("allowed_presences", |s| {
            BaseStatus::from_name(s)
                .map(|_| ())
                .ok_or_else(|| format!("unknown base status \"{s}\""))
        })?;
        if let Some(allowed) = allowed {
            channel.allowed_presences = allowed
                .into_iter()
                .filter_map(BaseStatus::from_name)
                .collect();
        }
        if let Some(t) = c.opt_u64("offer_timeout_ms")? {
            channel.offer_timeout_ms = t;
        }
        if let Some(m) = c.opt_u32("max_declines_per_agent")? {
            channel.max_declines_per_agent = m;
        }
        if let Some(w) = c.nullable_u64("wrap_up_block_ms")? {
            channel.wrap_up_block_ms = w;
        }
        if let Some(a) = c.nullable_u64("auto_close_waiting_ms")? {
            channel.auto_close_waiting_ms = a;
        }
        if let Some(t) = c.nullable_u64("offer_seen_timeout_ms")? {
            channel.offer_seen_timeout_ms = t;
        }
        config.add_channel(channel);
        Ok(())
    })
}

fn parse_agents(top: &Fields, config: &mut Config) -> Res<()> {
    let mut agents = Vec::new();
    top.each_object("agents", |_, a| {
        let id = a.req_str("id")?;
        if config.agents.contains_key(id)
            || agents.iter().any(|x: &AgentConfig| x.id.as_str() == id)
        {
            return Err(a.err("id", format!("duplicate agent \"{id}\"")));
        }
        let mut agent = AgentConfig::new(id);
        if let Some(name) = a.opt_str("name")? {
            agent.name = name.to_owned();
        }
        if let Some(capacity) = a.opt_u64("capacity")? {
            agent.capacity = capacity;
        }
        if let Some(skills) = a.skills("skills")? {
            agent.skills = skills;
        }
        if let Some(p) = a.opt_str("default_presence")? {
            let presence = Presence::from_name(p);
            if !config.settable(&presence) {
                return Err(a.err("default_presence", format!("unknown presence \"{p}\"")));
            }
            agent.default_presence = presence;
        }
        agents.push(agent);
        Ok(())
    })?;
    for agent in agents {
        config.add_agent(agent);
    }
    Ok(())
}

fn parse_queues(top: &Fields, config: &mut Config) -> Res<()> {
    let mut queues = Vec::new();
    top.each_object("queues", |_, q| {
        let id = q.req_str("id")?;
        if queues.iter().any(|x: &Queue| x.id.as_str() == id) {
            return Err(q.err("id", format!("duplicate queue \"{id}\"")));
        }
        let mut queue = Queue::new(id);
        if let Some(name) = q.opt_str("name")? {
            queue.name = name.to_owned();
        }
        if let Some(p) = q.opt_i32("priority")? {
            queue.priority = p;
        }
        let members = q.str_array("members", |m| {
            if config.agents.contains_key(m) {
                Ok(())
            } else {
                Err(format!("unknown agent \"{m}\""))
            }
        })?;
        if let Some(members) = members {
            queue.members = members.into_iter().map(AgentId::from).collect();
        }
        let channels = q.str_array("channels", |c| {
            if config.channels.contains_key(c) {
                Ok(())
            } else {
                Err(format!("unknown channel \"{c}\""))
            }
        })?;
        if let Some(channels) = channels {
            queue.channels = Some(channels.into_iter().map(ChannelId::from).collect());
        }
        if let Some(ms) = q.opt_u64("service_level_ms")? {
            queue.service_level_ms = ms;
        }
        if let Some(m) = q.opt_str("assignment_method")? {
            queue.assignment_method = match m {
                "highest_capacity" => AssignmentMethod::HighestCapacity,
                "round_robin" => AssignmentMethod::RoundRobin,
                "least_active" => AssignmentMethod::LeastActive,
                other => {
                    return Err(q.err(
                        "assignment_method",
                        format!(
                            "expected \"highest_capacity\", \"round_robin\" or \"least_active\", found \"{other}\""
                        ),
                    ))
                }
            };
        }
        queues.push(queue);
        Ok(())
    })?;
    for queue in queues {
        config.add_queue(queue);
    }
    Ok(())
}

/// R25–R28: each agent's `supervises`, read after the queues so an unknown queue is named.
fn parse_supervises(top: &Fields, config: &mut Config) -> Res<()> {
    let mut supervises = Vec::new();
    top.each_object("agents", |_, a| {
        let id = a.req_str("id")?;
        let queues = a.str_array("supervises", |q| {
            if config.queues.contains_key(q) {
                Ok(())
            } else {
                Err(format!("unknown queue \"{q}\""))
            }
        })?;
        if let Some(queues) = queues {
            supervises.push((AgentId::from(id), queues));
        }
        Ok(())
    })?;
    for (agent, queues) in supervises {
        if let Some(a) = config.agents.get_mut(&agent) {
            a.supervises = queues.into_iter().map(QueueId::from).collect();
        }
    }
    Ok(())
}

fn parse_steps(top: &Fields, config: &Config) -> Res<Vec<Step>> {
    let Some(array) = top.opt_array("steps")? else {
        return Ok(Vec::new());
    };
    let mut steps = Vec::with_capacity(array.len());
    let mut last_at = 0;
    for (i, v) in array.iter().enumerate() {
        let Value::Object(map) = v else {
            return Err(ScenarioError {
                step: Some(i),
                field: String::new(),
                message: format!("expected an object, found {}", kind(v)),
                not_json: false,
            });
        };
        let s = Fields {
            map,
            step: Some(i),
            path: String::new(),
        };
        let at = s.req("at", s.opt_u64("at")?)?;
        if at < last_at {
            return Err(s.err("at", format!("`at` goes backwards ({at} after {last_at})")));
        }
        last_at = at;
        let input = parse_input(&s, config)?;
        steps.push(Step { at, input });
    }
    Ok(steps)
}

/// Parses one input object (a scenario step without `at`) against `config`, naming the field
/// of any error as a step would (`step` is `None`). The server reads its clients' inputs with it.
pub fn parse_input_value(value: &Value, config: &Config) -> Result<Input, ScenarioError> {
    let Value::Object(map) = value else {
        return Err(ScenarioError {
            step: None,
            field: "(input)".to_owned(),
            message: format!("expected an object, found {}", kind(value)),
            not_json: false,
        });
    };
    let fields = Fields {
        map,
        step: None,
        path: String::new(),
    };
    parse_input(&fields, config)
}

fn parse_input(s: &Fields, config: &Config) -> Res<Input> {
    let agent_in = |field: &str| -> Res<AgentId> {
        let id = s.req_str(field)?;
        if !config.agents.contains_key(id) {
            return Err(s.err(field, format!("unknown agent \"{id}\"")));
        }
        Ok(AgentId::from(id))
    };
    let agent = || agent_in("agent");
    let by = || agent_in("by");
    let item = || -> Res<ItemId> { s.req_str("item").map(ItemId::from) };
    let queue = || -> Res<QueueId> {
        let id = s.req_str("queue")?;
        if !config.queues.contains_key(id) {
            return Err(s.err("queue", format!("unknown queue \"{id}\"")));
        }
        Ok(QueueId::from(id))
    };
    let text = || -> Res<String> { s.req_str("text").map(str::to_owned) };
    let name = s.req_str("input")?;
    let input = match name {
        "sign_in" => Input::SignIn { agent: agent()? },
        "sign_out" => Input::SignOut { agent: agent()? },
        "reset_presence" => Input::ResetPresence { agent: agent()? },
        "set_presence" => {
            let agent = agent()?;
            let status = s.req_str("status")?;
            let presence = Presence::from_name(status);
            if !config.settable(&presence) {
                return Err(s.err("status", format!("unknown presence \"{status}\"")));
            }
            Input::SetPresence {
                agent,
                status: presence,
            }
        }
        "arrive" => {
            let item = item()?;
            let channel = s.req_str("channel")?;
            if !config.channels.contains_key(channel) {
                return Err(s.err("channel", format!("unknown channel \"{channel}\"")));
            }
            let queue = queue()?;
            let customer = match s.map.get("customer") {
                None => return Err(s.err("customer", "missing")),
                Some(v) => s.object_at("customer", v)?,
            };
            let opt =
                |f: &str| -> Res<Option<String>> { Ok(customer.opt_str(f)?.map(str::to_owned)) };
            let customer = Customer {
                name: customer.req_str("name")?.to_owned(),
                id: opt("id")?,
                email: opt("email")?,
                phone: opt("phone")?,
                language: opt("language")?,
                location: opt("location")?,
            };
            Input::Arrive {
                item,
                channel: ChannelId::from(channel),
                queue,
                customer,
                skills: s.skills("skills")?.unwrap_or_default(),
                priority: s.opt_i32("priority")?.unwrap_or(0),
                text: s.opt_str("text")?.map(str::to_owned),
            }
        }
        "accept" | "reject" | "pick" | "wait" | "open" | "close" | "reopen" => {
            let (agent, item) = (agent()?, item()?);
            match name {
                "accept" => Input::Accept { agent, item },
                "reject" => Input::Reject { agent, item },
                "pick" => Input::Pick { agent, item },
                "wait" => Input::Wait { agent, item },
                "open" => Input::Open { agent, item },
                "close" => Input::Close { agent, item },
                _ => Input::Reopen { agent, item },
            }
        }
        "end" => {
            let item = item()?;
            // The agent is left out (or null) when the customer ends the conversation.
            let agent = match s.get("agent") {
                None => None,
                Some(_) => Some(agent()?),
            };
            Input::End { item, agent }
        }
        // R27: a transfer that has `by` is a supervisor's.
        "transfer" if s.get("by").is_some() => {
            if s.get("agent").is_some() {
                return Err(s.err(
                    "by",
                    "a transfer has either `agent` (the holder's) or `by` (a supervisor's), not both",
                ));
            }
            Input::SupervisorTransfer {
                by: by()?,
                item: item()?,
                queue: queue()?,
            }
        }
        "transfer" => Input::Transfer {
            agent: agent()?,
            item: item()?,
            queue: queue()?,
        },
        "offer_seen" => Input::OfferSeen {
            agent: agent()?,
            item: item()?,
        },
        "disconnect" => Input::Disconnect { agent: agent()? },
        "reconnect" => Input::Reconnect { agent: agent()? },
        "assign" => Input::Assign {
            by: by()?,
            item: item()?,
            agent: agent()?,
        },
        "force_close" => Input::ForceClose {
            by: by()?,
            item: item()?,
        },
        "customer_message" => Input::CustomerMessage {
            item: item()?,
            text: text()?,
        },
        "agent_message" => Input::AgentMessage {
            agent: agent()?,
            item: item()?,
            text: text()?,
        },
        "abandon" => Input::Abandon { item: item()? },
        "tick" => Input::Tick,
        other => return Err(s.err("input", format!("unknown input \"{other}\""))),
    };
    Ok(input)
}
