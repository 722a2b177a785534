//! Version data for the checkers: per key, the versions a node applied in
//! order, each with its causal parents, and the node's current value(s).
//!
//! A version is the value a write wrote plus `seen`: the values of that key
//! its writer had seen when it created the version (for last-write-wins, the
//! value the origin held when it accepted the write; for version vectors,
//! the values in the write's context). A write is *kept* if it is an
//! ancestor-or-self, through `seen`, of some surviving node's current value;
//! a last-write-wins node that replaced a version its winner never saw has
//! discarded it. Plain data only: the checkers never see protocol types.
//!
//! ```
//! use replication::versions::{KeyVersions, Version};
//! let kv = KeyVersions {
//!     applied: vec![Version::new("a", &[]), Version::new("b", &["a"])],
//!     current: vec!["b".into()],
//! };
//! assert!(kv.keeps("a") && kv.keeps("b") && !kv.keeps("c"));
//! ```

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// One version a node applied.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Version {
    /// The written value.
    pub value: String,
    /// The values of the key the writer had seen: this version's parents.
    pub seen: Vec<String>,
}

impl Version {
    pub fn new(value: &str, seen: &[&str]) -> Self {
        Version { value: value.to_string(), seen: seen.iter().map(|s| s.to_string()).collect() }
    }
}

/// One key's version data on one node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyVersions {
    /// Versions in the order this node applied them.
    pub applied: Vec<Version>,
    /// The node's current value(s): one, or several siblings.
    pub current: Vec<String>,
}

impl KeyVersions {
    /// True if `value` is an ancestor-or-self of a current value, following
    /// `seen` through the applied versions.
    pub fn keeps(&self, value: &str) -> bool {
        let mut frontier: Vec<&str> = self.current.iter().map(String::as_str).collect();
        let mut visited: BTreeSet<&str> = BTreeSet::new();
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
}
