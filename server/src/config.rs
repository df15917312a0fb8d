//! The server's configuration: a scenario set-up (channels, presences, queues, agents, read by
//! the core's own parser) plus what only a server needs: agents' passwords (hashed with argon2
//! as the file is read; the plain text is dropped at once), the live-chat queue customers arrive
//! in, and the browser origins allowed besides the server's own.

use crate::auth::hash_password;
use omnidesk_core::scenario::Scenario;
use omnidesk_core::{AgentId, ChannelId, Config, QueueId};
use omnidesk_wire::http::QuickReply;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The demo configuration used when no `--config` is given (see README: passwords are demo
/// passwords, documented on purpose; never use them for a real centre).
pub const DEMO_CONFIG: &str = include_str!("demo-config.json");

/// A loaded configuration.
#[derive(Clone)]
pub struct ServerConfig {
    /// The routing core's set-up.
    pub core: Config,
    /// Agent → argon2 PHC hash of their password. Agents without a password can't sign in.
    pub credentials: BTreeMap<AgentId, String>,
    /// The queue live-chat customers arrive in (`live_chat.queue`, or the first queue by id that
    /// accepts chat). `None`: the customer endpoint answers 404.
    pub live_chat_queue: Option<QueueId>,
    /// Extra browser origins allowed by CORS and the WebSocket Origin check (same-origin always is).
    pub allowed_origins: Vec<String>,
    /// The centre's quick replies (`quick_replies`, checked at load; see
    /// [`crate::quick_replies::from_config`]), sent with `GET /api/config`.
    pub quick_replies: Vec<QuickReply>,
}

impl fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field("agents", &self.core.agents.len())
            .field("queues", &self.core.queues.len())
            .field("live_chat_queue", &self.live_chat_queue)
            .field("allowed_origins", &self.allowed_origins)
            .finish_non_exhaustive()
    }
}

/// Why a configuration file is bad; names the field.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl ServerConfig {
    /// Parses a configuration file's text.
    pub fn parse(text: &str) -> Result<ServerConfig, ConfigError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| ConfigError(format!("not JSON: {e}")))?;
        ServerConfig::from_value(&value)
    }

    /// Reads a configuration already parsed as JSON. The set-up goes through the core's
    /// scenario parser (same defaults, same field-naming errors); `steps` are refused.
    pub fn from_value(value: &Value) -> Result<ServerConfig, ConfigError> {
        if value.get("steps").is_some() {
            return Err(ConfigError(
                "field `steps`: a server configuration has no steps".to_owned(),
            ));
        }
        let scenario = Scenario::from_value(value).map_err(|e| ConfigError(e.to_string()))?;
        let core = scenario.config;
        let mut passwords = Vec::new();
        if let Some(agents) = value.get("agents").and_then(Value::as_array) {
            for (i, a) in agents.iter().enumerate() {
                match a.get("password") {
                    None | Some(Value::Null) => {}
                    Some(Value::String(p)) if !p.is_empty() => {
                        let id = a.get("id").and_then(Value::as_str).unwrap_or_default();
                        passwords.push((AgentId::from(id), p.clone()));
                    }
                    Some(_) => {
                        return Err(ConfigError(format!(
                            "set-up, field `agents[{i}].password`: expected a non-empty string"
                        )))
                    }
                }
            }
        }
        // Hash on every core at once: argon2 is slow on purpose.
        let credentials = std::thread::scope(|s| {
            let handles: Vec<_> = passwords
                .into_iter()
                .map(|(id, p)| s.spawn(move || (id, hash_password(&p))))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("hashing thread"))
                .collect::<BTreeMap<_, _>>()
        });
        let chat = ChannelId::from("chat");
        let live_chat_queue = match value.pointer("/live_chat/queue") {
            Some(Value::String(q)) => {
                let q = QueueId::from(q.as_str());
                match core.queues.get(&q) {
                    Some(queue) if queue.accepts(&chat) => Some(q),
                    Some(_) => {
                        return Err(ConfigError(format!(
                            "field `live_chat.queue`: queue \"{q}\" does not accept chat"
                        )))
                    }
                    None => {
                        return Err(ConfigError(format!(
                            "field `live_chat.queue`: unknown queue \"{q}\""
                        )))
                    }
                }
            }
            Some(_) => {
                return Err(ConfigError(
                    "field `live_chat.queue`: expected a string".to_owned(),
                ))
            }
            None => core
                .queues
                .values()
                .find(|q| q.accepts(&chat))
                .map(|q| q.id.clone()),
        };
        let allowed_origins = match value.get("allowed_origins") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    o.as_str().map(str::to_owned).ok_or_else(|| {
                        ConfigError(format!("field `allowed_origins[{i}]`: expected a string"))
                    })
                })
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(ConfigError(
                    "field `allowed_origins`: expected an array of strings".to_owned(),
                ))
            }
        };
        let quick_replies =
            crate::quick_replies::from_config(value.get("quick_replies")).map_err(ConfigError)?;
        Ok(ServerConfig {
            core,
            credentials,
            live_chat_queue,
            allowed_origins,
            quick_replies,
        })
    }

    /// The embedded demo configuration.
    pub fn demo() -> ServerConfig {
        ServerConfig::parse(DEMO_CONFIG).expect("the embedded demo configuration is valid")
    }
}
