//! The save format: a versioned snapshot (engine state, journal, simulator); the inputs
//! handled after it are logged beside it ([`crate::runtime::log`]). Reading checks the version first, so an old format or a
//! corrupt save is reported and set aside instead of breaking the page.

use crate::runtime::journal::Journal;
use crate::runtime::sim::Sim;
use omnidesk_core::State;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The version of [`Saved`]; bump it when the shape changes.
pub const FORMAT: u32 = 1;

/// A snapshot of the centre.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

/// Parses a snapshot, checking its format version before anything else.
pub fn parse_snapshot(json: &str) -> Result<Saved, LoadError> {
    // Only the version first (unknown fields are skipped), then the whole snapshot: parsing
    // straight from the text keeps one copy of each deserializer in the bundle.
    #[derive(Deserialize)]
    struct Version {
        format: Option<serde_json::Number>,
    }
    let version: Version =
        serde_json::from_str(json).map_err(|e| LoadError::Corrupt(e.to_string()))?;
    match version.format.and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(FORMAT) => {}
        Some(v) => return Err(LoadError::OldFormat(v)),
        None => return Err(LoadError::OldFormat(0)),
    }
    serde_json::from_str(json).map_err(|e| LoadError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_and_corrupt_saves_are_told_apart() {
        assert_eq!(
            parse_snapshot(r#"{"format": 0, "state": {}}"#),
            Err(LoadError::OldFormat(0))
        );
        assert_eq!(
            parse_snapshot(r#"{"state": 1}"#),
            Err(LoadError::OldFormat(0))
        );
        assert!(matches!(
            parse_snapshot("{not json"),
            Err(LoadError::Corrupt(_))
        ));
        assert!(matches!(
            parse_snapshot(r#"{"format": 1, "now": "x"}"#),
            Err(LoadError::Corrupt(_))
        ));
    }
}
