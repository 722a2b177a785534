//! A multi-leader node's store: per key, register siblings (each with a
//! version vector, the origin's timestamp and the values its writer had
//! seen), a PN-counter or an OR-set, and the versions applied so far.
//!
//! [`Store::local`] applies a client's update at the node that accepts it and
//! returns the [`Payload`] to replicate; [`Store::merge`] applies a payload
//! from another node under the cluster's [`Strategy`] and describes any
//! conflict it resolved as a [`sim::Conflict`] for the trace.
//!
//! Invariants asserted on every merge: a key's version vector never shrinks,
//! and a CRDT's state only grows (it covers what it was).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sim::{Conflict, ConflictVersion, NodeId, OpKind};

use super::crdt::{OrSet, PnCounter, VersionVector};
use super::settings::Strategy;
use sim::versions::{KeyVersions, NodeVersions, Version};

/// At most this many applied versions are kept per key (the oldest go
/// first); a checker looking further back sees the chain end there.
pub const VERSIONS_PER_KEY_MAX: usize = 1_000;

/// One value of a register.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sibling {
    pub value: String,
    pub vv: VersionVector,
    /// The origin's clock when it accepted the write.
    pub ts: i64,
    pub origin: NodeId,
    /// The values of the key the writer had seen: this version's parents.
    pub seen: Vec<String>,
}

impl Sibling {
    fn conflict_version(&self) -> ConflictVersion {
        ConflictVersion {
            value: self.value.clone(),
            origin: self.origin,
            timestamp_us: self.ts,
            vector: self.vv.pairs(),
        }
    }

    /// Last-write-wins order: the timestamp, then the origin's id.
    fn lww_key(&self) -> (i64, NodeId) {
        (self.ts, self.origin)
    }
}

/// What one node sends another about one key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Payload {
    Register(Sibling),
    Counter(PnCounter),
    Set(OrSet),
}

/// One key's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyState {
    pub siblings: Vec<Sibling>,
    pub counter: Option<PnCounter>,
    pub set: Option<OrSet>,
    /// Versions applied here, oldest first (bounded by [`VERSIONS_PER_KEY_MAX`]).
    pub history: Vec<Version>,
    /// The join of every version vector applied: never shrinks.
    pub seen_vv: VersionVector,
    /// Older versions were dropped from `history` (its bound).
    pub folded: bool,
    /// Under the merge strategy a reader sees the union of the siblings.
    pub merge_reads: bool,
}

impl KeyState {
    /// What a reader sees: the counter's value, the set's elements joined by
    /// commas, or every sibling (sorted).
    pub fn read(&self) -> Vec<String> {
        if self.counter.is_some() || self.set.is_some() {
            return self.read_crdt();
        }
        let values = self.holds();
        if self.merge_reads && values.len() > 1 {
            return vec![union_of(&values.iter().map(String::as_str).collect::<Vec<_>>())];
        }
        values
    }

    /// The register's siblings as the replica holds them (sorted), or the
    /// counter's or set's value: what the checkers see as current.
    pub fn holds(&self) -> Vec<String> {
        if self.counter.is_some() || self.set.is_some() {
            return self.read_crdt();
        }
        let mut values: Vec<String> = self.siblings.iter().map(|s| s.value.clone()).collect();
        values.sort();
        values.dedup();
        values
    }

    fn read_crdt(&self) -> Vec<String> {
        match (&self.counter, &self.set) {
            (Some(c), _) => vec![c.value().to_string()],
            (_, Some(s)) => vec![s.elements().join(",")],
            _ => Vec::new(),
        }
    }

    fn record(&mut self, value: &str, seen: &[String]) {
        if self.history.len() >= VERSIONS_PER_KEY_MAX {
            self.history.remove(0);
            self.folded = true;
        }
        self.history.push(Version { value: value.to_string(), seen: seen.to_vec() });
    }

    /// The sibling last-write-wins would pick.
    fn newest(&self) -> Option<&Sibling> {
        self.siblings.iter().max_by_key(|s| s.lww_key())
    }
}

/// A node's whole store.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Store {
    pub keys: BTreeMap<String, KeyState>,
    /// Versions and CRDT states applied (local and remote).
    pub applied: u64,
    pub conflicts_resolved: u64,
    /// Counter for this node's OR-set add tags.
    pub tag_seq: u64,
}

fn union_of(values: &[&str]) -> String {
    let elems: BTreeSet<&str> = values.iter().flat_map(|v| v.split(',')).filter(|e| !e.is_empty()).collect();
    elems.into_iter().collect::<Vec<_>>().join(",")
}

fn ms(t_us: i64) -> String {
    format!("{}.{:03} ms", t_us / 1_000, (t_us % 1_000).abs())
}

impl Store {
    /// Applies a client's update accepted here at local clock `now_us`;
    /// returns what to replicate and the reply's values, or the failure reason.
    pub fn local(
        &mut self,
        me: NodeId,
        kind: &OpKind,
        now_us: i64,
        strategy: Strategy,
    ) -> Result<(String, Payload, Vec<String>), String> {
        let key = kind.key().to_string();
        let state = self.keys.entry(key.clone()).or_default();
        state.merge_reads = strategy == Strategy::Merge;
        let crdt = strategy == Strategy::Crdt;
        let payload = match kind {
            OpKind::Read { .. } => unreachable!("reads never reach the store's update path"),
            OpKind::Incr { by, .. } if crdt => Self::count(state, me, *by),
            OpKind::DecrIfPositive { key } if crdt => {
                let stock = state.counter.as_ref().map_or(0, PnCounter::value);
                if stock <= 0 {
                    return Err(format!("out of stock: {key} is {stock}"));
                }
                Self::count(state, me, -1)
            }
            OpKind::SetAdd { elem, .. } | OpKind::SetRemove { elem, .. } if crdt => {
                if elem.is_empty() || elem.contains(',') {
                    return Err(format!("set element {elem:?} must be non-empty and without ','"));
                }
                self.tag_seq += 1;
                let set = state.set.get_or_insert_with(OrSet::default);
                match kind {
                    OpKind::SetAdd { .. } => set.add(elem, (me, self.tag_seq)),
                    _ => set.remove(elem),
                }
                Payload::Set(set.clone())
            }
            other => {
                // A register: read (siblings merged for sets), modify, write.
                let current: Vec<&str> = state.siblings.iter().map(|s| s.value.as_str()).collect();
                let base = match other {
                    OpKind::SetAdd { .. } | OpKind::SetRemove { .. } => Some(union_of(&current)),
                    _ => state.newest().map(|s| s.value.clone()),
                };
                let value = sim::single_value_update(other, base.as_deref())?;
                let mut vv = VersionVector::default();
                for s in &state.siblings {
                    vv.join(&s.vv);
                }
                vv.join(&state.seen_vv);
                vv.bump(me);
                let mut seen: Vec<String> = current.iter().map(|v| v.to_string()).collect();
                seen.sort();
                seen.dedup();
                let sibling = Sibling { value: value.clone(), vv: vv.clone(), ts: now_us, origin: me, seen };
                state.seen_vv.join(&vv);
                let newer_here = state.newest().filter(|n| n.lww_key() > sibling.lww_key()).cloned();
                match newer_here {
                    // Last write wins by timestamp even here: a value stamped
                    // later (by a faster clock) hides this write at once.
                    Some(n) if strategy == Strategy::Lww => state.siblings = vec![Sibling { vv: vv.clone(), ..n }],
                    _ => {
                        state.record(&value, &sibling.seen);
                        state.siblings = vec![sibling.clone()];
                    }
                }
                Payload::Register(sibling)
            }
        };
        self.applied += 1;
        let values = self.keys[&key].read();
        Ok((key, payload, values))
    }

    fn count(state: &mut KeyState, me: NodeId, by: i64) -> Payload {
        let counter = state.counter.get_or_insert_with(PnCounter::default);
        counter.add(me, by);
        Payload::Counter(counter.clone())
    }

    /// Applies another node's payload for `key`. Returns whether anything
    /// changed and the conflict resolved, if any.
    pub fn merge(&mut self, key: &str, payload: &Payload, strategy: Strategy) -> (bool, Option<Conflict>) {
        let state = self.keys.entry(key.to_string()).or_default();
        state.merge_reads = strategy == Strategy::Merge;
        let before = state.seen_vv.clone();
        let (changed, conflict) = match payload {
            Payload::Register(s) => Self::merge_register(state, key, s, strategy),
            Payload::Counter(c) => {
                let mine = state.counter.get_or_insert_with(PnCounter::default);
                let old = mine.clone();
                if mine.covers(c) {
                    (false, None)
                } else {
                    let concurrent = !c.covers(mine);
                    mine.merge(c);
                    assert!(mine.covers(&old), "a PN-counter merge lost counts on {key}");
                    let merged = mine.value();
                    let conflict = concurrent.then(|| Conflict {
                        key: key.to_string(),
                        strategy: "crdt counter".into(),
                        versions: Vec::new(),
                        kept: vec![merged.to_string()],
                        dropped: Vec::new(),
                        verdict: format!(
                            "concurrent counts: {} here and {} there merge to {merged}; every increment and decrement counts",
                            old.value(),
                            c.value()
                        ),
                    });
                    (true, conflict)
                }
            }
            Payload::Set(s) => {
                let mine = state.set.get_or_insert_with(OrSet::default);
                let old = mine.clone();
                if mine.covers(s) {
                    (false, None)
                } else {
                    let concurrent = !s.covers(mine);
                    mine.merge(s);
                    assert!(mine.covers(&old), "an OR-set merge lost elements on {key}");
                    let merged = mine.elements().join(",");
                    let conflict = concurrent.then(|| Conflict {
                        key: key.to_string(),
                        strategy: "crdt set (add-wins)".into(),
                        versions: Vec::new(),
                        kept: vec![merged.clone()],
                        dropped: Vec::new(),
                        verdict: format!(
                            "concurrent sets {{{}}} and {{{}}} merge to {{{merged}}}; adds win over concurrent removes",
                            old.elements().join(","),
                            s.elements().join(",")
                        ),
                    });
                    (true, conflict)
                }
            }
        };
        assert!(before.le(&state.seen_vv), "the version vector of {key} shrank");
        if changed {
            self.applied += 1;
        }
        if conflict.is_some() {
            self.conflicts_resolved += 1;
        }
        (changed, conflict)
    }

    fn merge_register(state: &mut KeyState, key: &str, s: &Sibling, strategy: Strategy) -> (bool, Option<Conflict>) {
        if strategy == Strategy::Lww {
            return Self::last_write_wins(state, key, s);
        }
        if state.siblings.iter().any(|mine| s.vv.le(&mine.vv)) {
            return (false, None);
        }
        // Keep the siblings `s` has not seen; it replaces the rest.
        let concurrent: Vec<Sibling> = state.siblings.iter().filter(|mine| !mine.vv.le(&s.vv)).cloned().collect();
        state.seen_vv.join(&s.vv);
        state.record(&s.value, &s.seen);
        if concurrent.is_empty() {
            state.siblings = vec![s.clone()];
            return (true, None);
        }
        let mut all = concurrent;
        all.push(s.clone());
        all.sort_by_key(|a| a.lww_key());
        let kept: Vec<String> = all.iter().map(|x| x.value.clone()).collect();
        let (name, verdict, kept) = match strategy {
            Strategy::Merge => {
                let merged = union_of(&kept.iter().map(String::as_str).collect::<Vec<_>>());
                let verdict = format!("concurrent: the merge function shows the union, {merged:?}; nothing is lost");
                (Strategy::Merge.as_str(), verdict, vec![merged])
            }
            _ => {
                let verdict = format!(
                    "concurrent: neither version vector has seen the other; {} kept as siblings until a write that has seen them",
                    kept.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(" and ")
                );
                let name = if strategy == Strategy::Crdt { "crdt register (siblings)" } else { "version vectors" };
                (name, verdict, kept)
            }
        };
        let conflict = Conflict {
            key: key.to_string(),
            strategy: name.to_string(),
            versions: all.iter().map(Sibling::conflict_version).collect(),
            kept,
            dropped: Vec::new(),
            verdict,
        };
        state.siblings = all;
        (true, Some(conflict))
    }

    /// Last write wins, purely by timestamp: the highest (timestamp, origin,
    /// value) of every version seen wins, whatever saw what, so every
    /// replica picks the same one. A version that loses to one that never saw
    /// it (concurrent, or newer in real time but stamped by a slow clock) is
    /// dropped, and that is a conflict resolved.
    fn last_write_wins(state: &mut KeyState, key: &str, s: &Sibling) -> (bool, Option<Conflict>) {
        let id = |x: &Sibling| (x.ts, x.origin, x.value.clone());
        if state.siblings.iter().any(|mine| id(mine) == id(s)) {
            return (false, None);
        }
        let mut all: Vec<Sibling> = state.siblings.clone();
        all.push(s.clone());
        all.sort_by_key(id);
        let winner = all.last().expect("at least one").clone();
        let mut joined = VersionVector::default();
        for x in &all {
            joined.join(&x.vv);
        }
        state.seen_vv.join(&s.vv);
        if id(&winner) == id(s) {
            state.record(&s.value, &s.seen);
        }
        let losers: Vec<&Sibling> = all[..all.len() - 1].iter().filter(|l| !l.vv.le(&winner.vv)).collect();
        state.siblings = vec![Sibling { vv: joined, ..winner.clone() }];
        if losers.is_empty() {
            return (true, None);
        }
        let verdict = format!(
            "last write wins: {:?} stamped {} by {} beats {}; the loser is dropped without a trace",
            winner.value,
            ms(winner.ts),
            winner.origin,
            losers
                .iter()
                .map(|l| format!("{:?} stamped {} by {}", l.value, ms(l.ts), l.origin))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let conflict = Conflict {
            key: key.to_string(),
            strategy: Strategy::Lww.as_str().to_string(),
            versions: all.iter().map(Sibling::conflict_version).collect(),
            kept: vec![winner.value.clone()],
            dropped: losers.iter().map(|l| l.value.clone()).collect(),
            verdict,
        };
        (true, Some(conflict))
    }

    /// Resolves existing siblings under a newly chosen strategy (last write
    /// wins picks one, merge unions them); returns the conflicts resolved.
    pub fn settle(&mut self, strategy: Strategy) -> Vec<Conflict> {
        for k in self.keys.values_mut() {
            k.merge_reads = strategy == Strategy::Merge;
        }
        if strategy != Strategy::Lww {
            return Vec::new();
        }
        let keys: Vec<String> =
            self.keys.iter().filter(|(_, k)| k.siblings.len() > 1).map(|(k, _)| k.clone()).collect();
        let mut out = Vec::new();
        for key in keys {
            let state = self.keys.get_mut(&key).expect("listed");
            let mut siblings = std::mem::take(&mut state.siblings);
            siblings.sort_by_key(|a| a.lww_key());
            let last = siblings.pop().expect("two or more");
            state.siblings = siblings;
            state.siblings.retain(|x| x.vv != last.vv);
            if let (_, Some(c)) = Self::merge_register(state, &key, &last, strategy) {
                out.push(c);
            }
        }
        self.conflicts_resolved += out.len() as u64;
        out
    }

    /// Version data per key for the checkers.
    pub fn versions(&self) -> NodeVersions {
        self.keys
            .iter()
            .map(|(k, s)| (k.clone(), KeyVersions { applied: s.history.clone(), current: s.holds(), folded: s.folded }))
            .collect()
    }
}
