//! Newtype ids. Every id is a `String` underneath and compares as UTF-8 bytes (R0), so a
//! `BTreeMap` keyed by ids iterates in the one order the rules use for ties.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// An agent (R3).
    AgentId
);
id_type!(
    /// A work item, i.e. a conversation (R11).
    ItemId
);
id_type!(
    /// A queue (R2).
    QueueId
);
id_type!(
    /// A channel (R1): one of the five standard ones or a custom one.
    ChannelId
);
