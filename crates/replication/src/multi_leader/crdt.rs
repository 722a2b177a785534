//! The versioning pieces and CRDTs a multi-leader store is built from:
//! [`VersionVector`] (which writes a version has seen), [`PnCounter`] (a
//! counter whose increments and decrements from every node all count) and
//! [`OrSet`] (an observed-remove set).
//!
//! Every merge here is a join: commutative, associative and idempotent (the
//! property tests in `tests.rs` check the laws), so replicas that exchange
//! states in any order, any number of times, converge.
//!
//! The set is **add-wins**: a remove deletes only the add tags it has
//! observed, so an add concurrent with a remove survives. For the things
//! people keep in replicated sets (carts, tags, members) silently losing an
//! add is worse than a removed element coming back, and it is the semantics
//! of Riak's and Redis Enterprise's sets.
//!
//! ```
//! use replication::multi_leader::crdt::PnCounter;
//! use sim::NodeId;
//! let (mut a, mut b) = (PnCounter::default(), PnCounter::default());
//! a.add(NodeId(0), -1);
//! b.add(NodeId(1), -1);
//! a.merge(&b);
//! assert_eq!(a.value(), -2);
//! ```

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sim::NodeId;

/// Per node, how many writes of it a version has seen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VersionVector(pub BTreeMap<NodeId, u64>);

impl VersionVector {
    pub fn get(&self, node: NodeId) -> u64 {
        self.0.get(&node).copied().unwrap_or(0)
    }

    /// Counts one more write by `node`.
    pub fn bump(&mut self, node: NodeId) {
        *self.0.entry(node).or_insert(0) += 1;
    }

    /// The pointwise maximum. A vector never shrinks by a join.
    pub fn join(&mut self, other: &VersionVector) {
        for (&n, &c) in &other.0 {
            let e = self.0.entry(n).or_insert(0);
            *e = (*e).max(c);
        }
    }

    /// True if every entry of `self` is at most `other`'s.
    pub fn le(&self, other: &VersionVector) -> bool {
        self.0.iter().all(|(&n, &c)| c <= other.get(n))
    }

    /// `Some(order)` if one has seen the other, `None` if they are concurrent.
    pub fn compare(&self, other: &VersionVector) -> Option<Ordering> {
        match (self.le(other), other.le(self)) {
            (true, true) => Some(Ordering::Equal),
            (true, false) => Some(Ordering::Less),
            (false, true) => Some(Ordering::Greater),
            (false, false) => None,
        }
    }

    /// As plain pairs, for trace events.
    pub fn pairs(&self) -> Vec<(NodeId, u64)> {
        self.0.iter().map(|(&n, &c)| (n, c)).collect()
    }

    /// "[n1:2, n2:1]".
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self.0.iter().map(|(n, c)| format!("{n}:{c}")).collect();
        format!("[{}]", parts.join(", "))
    }
}

/// A counter as two grow-only maps: increments and decrements per node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PnCounter {
    pub incs: BTreeMap<NodeId, u64>,
    pub decs: BTreeMap<NodeId, u64>,
}

impl PnCounter {
    /// Adds `by` (negative: a decrement) on behalf of `node`.
    pub fn add(&mut self, node: NodeId, by: i64) {
        let side = if by >= 0 { &mut self.incs } else { &mut self.decs };
        let e = side.entry(node).or_insert(0);
        *e = e.saturating_add(by.unsigned_abs());
    }

    pub fn value(&self) -> i64 {
        let sum = |m: &BTreeMap<NodeId, u64>| m.values().fold(0i64, |a, &v| a.saturating_add(v as i64));
        sum(&self.incs).saturating_sub(sum(&self.decs))
    }

    /// Pointwise maximum of both maps.
    pub fn merge(&mut self, other: &PnCounter) {
        for (mine, theirs) in [(&mut self.incs, &other.incs), (&mut self.decs, &other.decs)] {
            for (&n, &c) in theirs {
                let e = mine.entry(n).or_insert(0);
                *e = (*e).max(c);
            }
        }
    }

    /// True if `self` has seen everything `other` counted.
    pub fn covers(&self, other: &PnCounter) -> bool {
        let le = |a: &BTreeMap<NodeId, u64>, b: &BTreeMap<NodeId, u64>| {
            a.iter().all(|(n, &c)| c <= b.get(n).copied().unwrap_or(0))
        };
        le(&other.incs, &self.incs) && le(&other.decs, &self.decs)
    }
}

/// A unique tag for one add: the node that added and its counter.
pub type Tag = (NodeId, u64);

/// An observed-remove set, add-wins.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrSet {
    /// Each element with the tags of the adds seen.
    pub adds: BTreeMap<String, BTreeSet<Tag>>,
    /// Tags removed: an element is present while it has a tag not here.
    pub removed: BTreeSet<Tag>,
}

impl OrSet {
    pub fn add(&mut self, elem: &str, tag: Tag) {
        self.adds.entry(elem.to_string()).or_default().insert(tag);
    }

    /// Removes the adds of `elem` seen so far; concurrent adds elsewhere survive.
    pub fn remove(&mut self, elem: &str) {
        if let Some(tags) = self.adds.get(elem) {
            self.removed.extend(tags.iter().copied());
        }
    }

    pub fn contains(&self, elem: &str) -> bool {
        self.adds.get(elem).is_some_and(|tags| tags.iter().any(|t| !self.removed.contains(t)))
    }

    /// The present elements, sorted.
    pub fn elements(&self) -> Vec<String> {
        self.adds.keys().filter(|e| self.contains(e)).cloned().collect()
    }

    /// Union of adds and of removes.
    pub fn merge(&mut self, other: &OrSet) {
        for (e, tags) in &other.adds {
            self.adds.entry(e.clone()).or_default().extend(tags.iter().copied());
        }
        self.removed.extend(other.removed.iter().copied());
    }

    /// True if `self` has seen every add and remove of `other`.
    pub fn covers(&self, other: &OrSet) -> bool {
        other.removed.is_subset(&self.removed)
            && other.adds.iter().all(|(e, tags)| self.adds.get(e).is_some_and(|mine| tags.is_subset(mine)))
    }
}
