//! Presence statuses (R4), the automatic value (R6) and its guards (R7).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A base status (R4). Channels list the base statuses that may receive offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseStatus {
    Available,
    Busy,
    Dnd,
    Away,
    Offline,
}

impl BaseStatus {
    /// All five, in R4's order.
    pub const ALL: [BaseStatus; 5] = [
        BaseStatus::Available,
        BaseStatus::Busy,
        BaseStatus::Dnd,
        BaseStatus::Away,
        BaseStatus::Offline,
    ];

    /// The snapshot name (`available`, `busy`, `dnd`, `away`, `offline`).
    pub fn name(self) -> &'static str {
        match self {
            BaseStatus::Available => "available",
            BaseStatus::Busy => "busy",
            BaseStatus::Dnd => "dnd",
            BaseStatus::Away => "away",
            BaseStatus::Offline => "offline",
        }
    }

    /// Parses a snapshot name.
    pub fn from_name(name: &str) -> Option<BaseStatus> {
        BaseStatus::ALL.into_iter().find(|b| b.name() == name)
    }
}

/// An agent's status: one of R4's five, the system-only Inactive (R13), or a custom presence
/// declared in the configuration. Serializes as its snapshot name (a custom one as its name).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Presence {
    Available,
    Busy,
    Dnd,
    Away,
    Offline,
    /// R13: set by the system after a missed offer; base away.
    Inactive,
    /// A custom presence; its base is in the configuration.
    Custom(String),
}

impl Presence {
    /// The snapshot name.
    pub fn name(&self) -> &str {
        match self {
            Presence::Available => "available",
            Presence::Busy => "busy",
            Presence::Dnd => "dnd",
            Presence::Away => "away",
            Presence::Offline => "offline",
            Presence::Inactive => "inactive",
            Presence::Custom(name) => name,
        }
    }

    /// Parses a snapshot name; anything not standard (nor `inactive`) is a custom name.
    pub fn from_name(name: &str) -> Presence {
        match name {
            "available" => Presence::Available,
            "busy" => Presence::Busy,
            "dnd" => Presence::Dnd,
            "away" => Presence::Away,
            "offline" => Presence::Offline,
            "inactive" => Presence::Inactive,
            other => Presence::Custom(other.to_owned()),
        }
    }

    /// The presence of a standard base status.
    pub fn standard(base: BaseStatus) -> Presence {
        match base {
            BaseStatus::Available => Presence::Available,
            BaseStatus::Busy => Presence::Busy,
            BaseStatus::Dnd => Presence::Dnd,
            BaseStatus::Away => Presence::Away,
            BaseStatus::Offline => Presence::Offline,
        }
    }

    /// R6: the automatic status for `used` units out of `capacity`.
    pub fn automatic(used: u64, capacity: u64) -> Presence {
        if used == 0 {
            Presence::Available
        } else if used < capacity {
            Presence::Busy
        } else {
            Presence::Dnd
        }
    }

    /// R7: whether R6 is stopped. Away, Offline, Inactive, any custom status, and a hand-set
    /// Do not disturb are guarded; Available and Busy (hand-set or not) and an automatic Do not
    /// disturb are not.
    pub fn guarded(&self, manual: bool) -> bool {
        match self {
            Presence::Available | Presence::Busy => false,
            Presence::Dnd => manual,
            Presence::Away | Presence::Offline | Presence::Inactive | Presence::Custom(_) => true,
        }
    }
}

impl fmt::Display for Presence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Presence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Presence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Presence::from_name(&s))
    }
}

/// R8: why a presence changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresenceReason {
    Manual,
    Capacity,
    MissedOffer,
    SignIn,
    SignOut,
    Reset,
    /// R23: an offer was withdrawn because it was not seen in time.
    UnseenOffer,
    /// R24: the agent lost their connection (Offline until they reconnect).
    Disconnected,
    /// R24: the agent came back; the remembered presence returns.
    Reconnected,
}
