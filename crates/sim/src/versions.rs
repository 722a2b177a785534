//! Replica version data, as plain values: what each replica applied to each
//! key and what it holds now. Protocols produce it; checkers judge lost
//! writes and convergence from it, never from protocol internals.
//!
//! A [`Version`] names the value written and the values of the same key its
//! writer had *seen* when it created the version (its causal parents). A
//! write is kept by the cluster when it is an ancestor-or-self, through
//! `seen`, of a value some surviving replica holds now. So a write overwritten
//! by a later write that knew it is kept (it was superseded), while a write
//! replaced by one that never saw it (last-write-wins, a truncated log) is
//! discarded, whatever was written to the key afterwards.
//!
//! ```
//! use sim::versions::{KeyVersions, Version};
//! let kv = KeyVersions::chain(None, ["a", "b"].iter().map(|s| s.to_string()));
//! assert_eq!(kv.current, vec!["b".to_string()]);
//! assert_eq!(kv.applied[1], Version { value: "b".into(), seen: vec!["a".into()] });
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One version of a key as a replica applied it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Version {
    pub value: String,
    /// Values of this key the writer had seen when it wrote this version.
    pub seen: Vec<String>,
}

/// One key on one replica.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyVersions {
    /// The versions the replica applied, oldest first (bounded by the
    /// protocol's retained history).
    pub applied: Vec<Version>,
    /// The value or values (siblings) the replica holds now; empty: absent.
    pub current: Vec<String>,
    /// True if older versions were folded away (a snapshot, a bound), so a
    /// write missing from `applied` may still have been applied before.
    pub folded: bool,
}

impl Version {
    pub fn new(value: &str, seen: &[&str]) -> Self {
        Version { value: value.to_string(), seen: seen.iter().map(|s| s.to_string()).collect() }
    }
}

impl KeyVersions {
    /// True if `value` is an ancestor-or-self of a current value, following
    /// `seen` through the applied versions.
    pub fn keeps(&self, value: &str) -> bool {
        let mut frontier: Vec<&str> = self.current.iter().map(String::as_str).collect();
        let mut visited = std::collections::BTreeSet::new();
        while let Some(v) = frontier.pop() {
            if v == value {
                return true;
            }
            if !visited.insert(v) {
                continue;
            }
            for version in self.applied.iter().filter(|x| x.value == v) {
                frontier.extend(version.seen.iter().map(String::as_str));
            }
        }
        false
    }

    /// A single-writer history: each version saw the one before it. `base`
    /// is a folded snapshot value the chain starts from, if any.
    pub fn chain(base: Option<String>, values: impl IntoIterator<Item = String>) -> KeyVersions {
        let folded = base.is_some();
        let mut applied: Vec<Version> = base.into_iter().map(|value| Version { value, seen: Vec::new() }).collect();
        for value in values {
            let seen = applied.last().map(|v| vec![v.value.clone()]).unwrap_or_default();
            applied.push(Version { value, seen });
        }
        let current = applied.last().map(|v| vec![v.value.clone()]).unwrap_or_default();
        KeyVersions { applied, current, folded }
    }
}

/// Every key of one replica.
pub type NodeVersions = BTreeMap<String, KeyVersions>;
