//! The save: a versioned snapshot of the centre (engine state without its configuration,
//! journal, simulator) and the input log after it, both serde types. In the browser they are
//! stored in IndexedDB as JSON text (`storage::clone`; BENCHMARKS.md has the measurements
//! that chose it over serde-wasm-bindgen values and MessagePack bytes). The log keeps *inputs*: replaying them through the
//! engine gives the same events again (R0), and the journal and the simulator fold those
//! events as they did the first time. Reading checks the version first, so an old or foreign
//! save is reported instead of breaking the page; the previous (tab-separated) format is
//! migrated by [`crate::storage::legacy`].

use crate::centre::journal::Journal;
use crate::centre::sim::Sim;
use omnidesk_core::state::{AgentState, Item};
use omnidesk_core::{AgentId, Input, ItemId, State};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The version of the snapshot; bump it when the shape changes. Format 1 was JSON written by
/// hand-picked derives, format 2 tab-separated lines ([`crate::storage::legacy`]).
pub const FORMAT: u32 = 3;

/// A snapshot as read back. Its state's configuration is the demo's (the configuration is
/// not saved: [`crate::centre::demo::config`] rebuilds it, so a new version's demo centre
/// applies to old saves, and the bundle carries no `Config` decoder).
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    pub format: u32,
    pub now: u64,
    pub seq: u64,
    pub state: State,
    pub journal: Journal,
    pub sim: Sim,
}

impl<'de> Deserialize<'de> for Saved {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Saved, D::Error> {
        let s = SavedOwned::deserialize(d)?;
        Ok(Saved {
            format: s.format,
            now: s.now,
            seq: s.seq,
            state: State {
                config: crate::centre::demo::config(),
                agents: s.state.agents,
                items: s.state.items,
                open: s.state.open,
            },
            journal: s.journal,
            sim: s.sim,
        })
    }
}

#[derive(Deserialize)]
struct SavedOwned {
    format: u32,
    now: u64,
    seq: u64,
    state: StateOwned,
    journal: Journal,
    sim: Sim,
}

/// The state's fields but the configuration (a new field of `State` fails to compile here
/// until the save carries it: nothing is dropped silently).
#[derive(Deserialize)]
struct StateOwned {
    agents: BTreeMap<AgentId, AgentState>,
    items: BTreeMap<ItemId, Box<Item>>,
    open: BTreeSet<ItemId>,
}

#[derive(Serialize)]
struct StateRef<'a> {
    agents: &'a BTreeMap<AgentId, AgentState>,
    items: &'a BTreeMap<ItemId, Box<Item>>,
    open: &'a BTreeSet<ItemId>,
}

/// A snapshot to write, borrowed from the running centre (nothing is cloned).
#[derive(Serialize)]
pub struct SnapshotRef<'a> {
    format: u32,
    now: u64,
    seq: u64,
    state: StateRef<'a>,
    journal: &'a Journal,
    sim: &'a Sim,
}

impl<'a> SnapshotRef<'a> {
    pub fn new(
        now: u64,
        seq: u64,
        state: &'a State,
        journal: &'a Journal,
        sim: &'a Sim,
    ) -> SnapshotRef<'a> {
        let State {
            config: _,
            agents,
            items,
            open,
        } = state;
        SnapshotRef {
            format: FORMAT,
            now,
            seq,
            state: StateRef {
                agents,
                items,
                open,
            },
            journal,
            sim,
        }
    }
}

/// Just the version, read before anything else.
#[derive(Deserialize)]
pub struct FormatOnly {
    pub format: u64,
}

/// One input of the log: handled at `now`, it brought the engine to event `seq` (replay
/// checks it, so a gap or a foreign entry is caught as corruption).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub seq: u64,
    pub now: u64,
    pub input: Input,
}

/// Why a save can't be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// Written by another version of the app, in a format this one can't read.
    OldFormat(u64),
    /// Not what this app writes.
    Corrupt(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::OldFormat(v) => write!(
                f,
                "it was saved in format {v} by another version of omnidesk (this one reads format {FORMAT}, and migrates format 2)"
            ),
            LoadError::Corrupt(why) => write!(f, "it is damaged ({why})"),
        }
    }
}

/// Checks a snapshot's version: `Ok` when this app reads it.
pub fn check_format(format: u64) -> Result<(), LoadError> {
    if format == u64::from(FORMAT) {
        Ok(())
    } else {
        Err(LoadError::OldFormat(format))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::centre::Centre;

    #[test]
    fn a_snapshot_says_its_format_first_and_reads_back() {
        let (c, _) = Centre::fresh(1, true, 5);
        let json = serde_json::to_string(&c.snapshot()).unwrap();
        let f: FormatOnly = serde_json::from_str(&json).unwrap();
        assert_eq!(check_format(f.format), Ok(()));
        assert_eq!(check_format(7), Err(LoadError::OldFormat(7)));
        let back: Saved = serde_json::from_str(&json).unwrap();
        assert_eq!((back.now, back.seq), (5, c.engine.last_seq()));
        assert!(LoadError::OldFormat(1).to_string().contains("format 1"));
    }
}
