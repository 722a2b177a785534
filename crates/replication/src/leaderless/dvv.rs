//! Dotted version vectors: how a leaderless replica tells a newer version
//! from a concurrent one.
//!
//! Every write gets a [`Dot`], `(coordinator, counter)`, unique in the
//! cluster, and carries the context its client had read (a [`Vv`]). A
//! version *covers* a dot if the dot is its own or its context includes it.
//! A replica keeps, per key, the versions no other version covers: one
//! value, or several siblings ([`KeyState`]).
//!
//! Why dots and not plain version vectors: any node coordinates, so two
//! clients writing the same key through one coordinator with stale contexts
//! get counters 4 and 5 from it. A plain vector would stamp the second
//! `{n1: 5}` and so claim it has seen the first, silently dropping it. With
//! a dot kept apart from the context, `(n1, 5)` with context `{n1: 3}` does
//! not cover `(n1, 4)`: both stay, as siblings. And because the vector is
//! per coordinating node, not per client, siblings do not multiply with the
//! number of clients.
//!
//! ```
//! use replication::leaderless::dvv::{Dot, KeyState, Sib, Vv};
//! use sim::NodeId;
//! let a = Sib::new("a", Dot::new(NodeId(0), 1), Vv::default(), vec![]);
//! let b = Sib::new("b", Dot::new(NodeId(1), 1), Vv::default(), vec![]);
//! let mut k = KeyState::default();
//! k.merge(&a);
//! k.merge(&b);
//! assert_eq!(k.values(), ["a", "b"]);
//! let c = Sib::new("c", Dot::new(NodeId(0), 2), k.context(), k.values());
//! k.merge(&c);
//! assert_eq!(k.values(), ["c"]);
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::NodeId;

/// One write's identity: the coordinator and its counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Dot {
    pub node: NodeId,
    pub n: u64,
}

impl Dot {
    pub fn new(node: NodeId, n: u64) -> Self {
        Dot { node, n }
    }
}

/// A version vector: per coordinator, the highest counter seen.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Vv(pub BTreeMap<NodeId, u64>);

impl Vv {
    pub fn get(&self, node: NodeId) -> u64 {
        self.0.get(&node).copied().unwrap_or(0)
    }

    /// True if `dot` is included in this vector.
    pub fn includes(&self, dot: Dot) -> bool {
        self.get(dot.node) >= dot.n
    }

    /// Adds a dot (the vector grows to cover it).
    pub fn add(&mut self, dot: Dot) {
        let e = self.0.entry(dot.node).or_insert(0);
        *e = (*e).max(dot.n);
    }

    /// The entry-wise maximum.
    pub fn join(&mut self, other: &Vv) {
        for (&node, &n) in &other.0 {
            self.add(Dot::new(node, n));
        }
    }

    /// True if every entry of `other` is at most this vector's.
    pub fn dominates(&self, other: &Vv) -> bool {
        other.0.iter().all(|(&node, &n)| self.get(node) >= n)
    }

    /// "[n1:2, n3:1]", for panels and the trace.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self.0.iter().map(|(node, n)| format!("{node}:{n}")).collect();
        format!("[{}]", parts.join(", "))
    }
}

/// One version of a key: its value, its dot, the context its writer had
/// read, and the values that context held (its parents, for the checkers).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Sib {
    pub value: String,
    pub dot: Dot,
    pub ctx: Vv,
    pub seen: Vec<String>,
}

impl Sib {
    pub fn new(value: &str, dot: Dot, ctx: Vv, seen: Vec<String>) -> Self {
        Sib { value: value.to_string(), dot, ctx, seen }
    }

    /// True if this version has seen `dot` (its own, or in its context).
    pub fn covers(&self, dot: Dot) -> bool {
        self.dot == dot || self.ctx.includes(dot)
    }

    /// Its context plus its own dot: what a reader of it has seen.
    pub fn clock(&self) -> Vv {
        let mut vv = self.ctx.clone();
        vv.add(self.dot);
        vv
    }

    /// "(n1,4) ctx [n2:1]" for panels.
    pub fn stamp(&self) -> String {
        format!("({},{}) ctx {}", self.dot.node, self.dot.n, self.ctx.describe())
    }
}

/// What merging one version into a key did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// The version was new here and is now held.
    pub added: bool,
    /// Values it replaced (versions it covered).
    pub replaced: Vec<String>,
    /// The parents (`seen`) of the versions it replaced.
    pub replaced_seen: Vec<String>,
}

/// One key on one replica: the versions no other held version covers,
/// sorted by dot, and the join of every clock merged so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KeyState {
    pub sibs: Vec<Sib>,
    /// Never shrinks (asserted on every merge).
    pub seen_vv: Vv,
}

impl KeyState {
    /// Merges one version: ignored if a held version covers it, else it
    /// replaces the versions it covers and joins the rest as a sibling.
    pub fn merge(&mut self, s: &Sib) -> Merged {
        if self.sibs.iter().any(|e| e.covers(s.dot)) {
            // Already held, or replaced by a held version that has seen it
            // (contexts are whole clocks, so "has seen" is transitive).
            return Merged::default();
        }
        let before = self.seen_vv.clone();
        let (mut replaced, mut replaced_seen) = (Vec::new(), Vec::new());
        self.sibs.retain(|e| {
            let covered = s.covers(e.dot);
            if covered {
                replaced.push(e.value.clone());
                replaced_seen.extend(e.seen.iter().cloned());
            }
            !covered
        });
        self.sibs.push(s.clone());
        self.sibs.sort_by_key(|e| e.dot);
        self.seen_vv.join(&s.clock());
        assert!(self.seen_vv.dominates(&before), "a key's version vector never shrinks");
        assert!(
            self.sibs.iter().all(|a| self.sibs.iter().all(|b| a.dot == b.dot || !a.covers(b.dot))),
            "held siblings are mutually concurrent"
        );
        Merged { added: true, replaced, replaced_seen }
    }

    /// Merges every version of `other`; the values added here.
    pub fn merge_all(&mut self, other: &[Sib]) -> Vec<String> {
        other.iter().filter(|s| self.merge(s).added).map(|s| s.value.clone()).collect()
    }

    /// The values held, sorted: one, or several siblings.
    pub fn values(&self) -> Vec<String> {
        let mut v: Vec<String> = self.sibs.iter().map(|s| s.value.clone()).collect();
        v.sort();
        v
    }

    /// The clock a reader of this key gets: the join of every held version's.
    pub fn context(&self) -> Vv {
        let mut vv = Vv::default();
        for s in &self.sibs {
            vv.join(&s.clock());
        }
        vv
    }

    /// True if this state has every version of `other` (or newer ones).
    pub fn covers_all(&self, other: &[Sib]) -> bool {
        other.iter().all(|o| self.sibs.iter().any(|e| e.covers(o.dot)))
    }

    /// The held dots, for Merkle hashing.
    pub fn dots(&self) -> impl Iterator<Item = Dot> + '_ {
        self.sibs.iter().map(|s| s.dot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sib(value: &str, node: u32, n: u64, ctx: &[(u32, u64)]) -> Sib {
        let ctx = Vv(ctx.iter().map(|&(k, v)| (NodeId(k), v)).collect());
        Sib::new(value, Dot::new(NodeId(node), n), ctx, vec![])
    }

    #[test]
    fn two_writes_through_one_coordinator_with_stale_contexts_stay_siblings() {
        let mut k = KeyState::default();
        assert!(k.merge(&sib("a", 0, 3, &[])).added);
        // Two clients both read "a" ({n1:3}) and write through n1: dots 4 and 5.
        assert_eq!(k.merge(&sib("b", 0, 4, &[(0, 3)])).replaced, ["a"]);
        let m = k.merge(&sib("c", 0, 5, &[(0, 3)]));
        assert_eq!((m.added, m.replaced.len()), (true, 0));
        assert_eq!(k.values(), ["b", "c"]);
        assert_eq!(k.context().describe(), "[n1:5]");
    }

    #[test]
    fn a_version_already_replaced_is_not_taken_back() {
        let mut k = KeyState::default();
        k.merge(&sib("a", 0, 1, &[]));
        k.merge(&sib("b", 1, 1, &[(0, 1)]));
        assert!(!k.merge(&sib("a", 0, 1, &[])).added, "a late copy of a replaced version");
        assert_eq!(k.values(), ["b"]);
        assert!(k.covers_all(&[sib("a", 0, 1, &[])]));
        assert!(!k.covers_all(&[sib("z", 2, 1, &[])]));
    }

    #[test]
    fn merge_is_order_independent() {
        let vs = [
            sib("a", 0, 1, &[]),
            sib("b", 1, 1, &[]),
            sib("c", 2, 1, &[(0, 1)]),
            sib("d", 1, 2, &[(0, 1), (1, 1), (2, 1)]),
        ];
        let mut fwd = KeyState::default();
        let mut back = KeyState::default();
        fwd.merge_all(&vs);
        let rev: Vec<Sib> = vs.iter().rev().cloned().collect();
        back.merge_all(&rev);
        assert_eq!(fwd.values(), ["d"]);
        assert_eq!(fwd.sibs, back.sibs);
    }
}
