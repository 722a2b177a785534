//! Judging replicas' version data: acknowledged writes no surviving replica
//! kept (C5, C15), and replicas that still disagree once the cluster has gone
//! quiet (eventual consistency).
//!
//! A write is *kept* when it is an ancestor-or-self, through each version's
//! `seen` parents (see [`sim::versions`]), of a value some surviving replica
//! holds now. That tells "overwritten by a later write that knew it" from
//! "discarded", whatever was written to the key afterwards. A write missing
//! from every replica whose history was folded past it cannot be judged and
//! is counted as such, never reported as lost.
//!
//! Convergence is judged only when the caller says the cluster is quiet
//! (writes stopped, faults healed, a settle period passed): lag is not
//! divergence.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sim::versions::NodeVersions;
use sim::{History, Micros, NodeId, OpKind, OpRecord};

use crate::anomaly::{Anomaly, AnomalyKind, EVIDENCE_OPS_MAX};
use crate::names::{human_time, Names};
use crate::writes::{described, Writers};

/// The version data of the replicas that count (up, not crashed), at `at_us`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaVersions {
    pub at_us: Micros,
    pub nodes: BTreeMap<NodeId, NodeVersions>,
}

/// What a lost-write judgement found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LostWrites {
    pub anomalies: Vec<Anomaly>,
    /// Acknowledged writes older than every replica's retained history.
    pub not_judged: usize,
}

fn writers_of(h: &History) -> Writers {
    let mut w = Writers::default();
    for r in &h.ops {
        w.note(r);
    }
    w
}

/// Per key, every value that is an ancestor-or-self of a current value.
fn kept_values(state: &ReplicaVersions) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut parents: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for kv in state.nodes.values() {
        for (key, versions) in kv {
            for v in &versions.applied {
                parents.entry((key, &v.value)).or_default().extend(v.seen.iter().map(String::as_str));
            }
        }
    }
    let mut kept: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for kv in state.nodes.values() {
        for (key, versions) in kv {
            let set = kept.entry(key).or_default();
            let mut stack: Vec<&str> = versions.current.iter().map(String::as_str).collect();
            while let Some(v) = stack.pop() {
                if set.insert(v) {
                    stack.extend(parents.get(&(key.as_str(), v)).into_iter().flatten());
                }
            }
        }
    }
    kept
}

/// What replaced a lost write on one node, for the explanation.
fn fate(key: &str, value: &str, kv: &NodeVersions) -> String {
    let Some(versions) = kv.get(key) else { return "never had it".into() };
    match versions.applied.iter().position(|v| v.value == value) {
        Some(i) => match versions.applied.get(i + 1) {
            Some(next) => format!("replaced it by {:?}, which had not seen it", next.value),
            None => "dropped it".into(),
        },
        None => "never had it".into(),
    }
}

/// Acknowledged writes that no replica in `state` kept.
pub fn lost_writes(history: &History, state: &ReplicaVersions, names: &Names) -> LostWrites {
    let mut found = LostWrites::default();
    if state.nodes.is_empty() {
        return found;
    }
    let kept = kept_values(state);
    let writers = writers_of(history);
    for w in history.ops.iter().filter(|r| r.is_ok()) {
        let OpKind::Write { key, value } = &w.kind else { continue };
        if kept.get(key.as_str()).is_some_and(|k| k.contains(value.as_str())) {
            continue;
        }
        if state.nodes.values().any(|kv| kv.get(key).is_some_and(|v| v.folded)) {
            found.not_judged += 1;
            continue;
        }
        found.anomalies.push(lost(history, &writers, w, state, names));
    }
    found
}

fn lost(h: &History, writers: &Writers, w: &OpRecord, state: &ReplicaVersions, names: &Names) -> Anomaly {
    let (key, value) = (w.kind.key(), crate::writes::written_value(w).unwrap_or("?"));
    let mut ops = vec![w.op];
    for kv in state.nodes.values() {
        for v in kv.get(key).map(|k| k.current.as_slice()).unwrap_or_default() {
            if let Some(other) = writers.writer(h, key, v) {
                if !ops.contains(&other.op) && ops.len() < EVIDENCE_OPS_MAX {
                    ops.push(other.op);
                }
            }
        }
    }
    let fates: Vec<String> =
        state.nodes.iter().map(|(n, kv)| format!("{} {}", names.node(*n), fate(key, value, kv))).collect();
    let now: Vec<String> = state
        .nodes
        .iter()
        .map(|(n, kv)| match kv.get(key).map(|k| k.current.as_slice()).unwrap_or_default() {
            [] => format!("{}: absent", names.node(*n)),
            vals => {
                format!("{}: {}", names.node(*n), vals.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(" | "))
            }
        })
        .collect();
    Anomaly {
        kind: AnomalyKind::LostWrite,
        ops,
        at_us: w.complete_us.unwrap_or(w.invoke_us),
        nodes: vec![w.node],
        explanation: format!(
            "{} wrote {key} = {value:?} through {} ({}), acknowledged at {}, but by {} no replica kept it: {} (now {})",
            names.client(w.client),
            names.node(w.node),
            described(w),
            human_time(w.complete_us.unwrap_or(0)),
            human_time(state.at_us),
            fates.join(", "),
            now.join(", ")
        ),
    }
}

/// Keys whose current values differ between replicas, one anomaly per key,
/// judged at a quiet point `state.at_us` after `quiet_since_us`.
pub fn divergence(history: &History, state: &ReplicaVersions, quiet_since_us: Micros, names: &Names) -> Vec<Anomaly> {
    let writers = writers_of(history);
    let keys: BTreeSet<&str> = state.nodes.values().flat_map(|kv| kv.keys().map(String::as_str)).collect();
    let current = |kv: &NodeVersions, key: &str| -> BTreeSet<String> {
        kv.get(key).map(|k| k.current.iter().cloned().collect()).unwrap_or_default()
    };
    let mut out = Vec::new();
    for key in keys {
        let values: BTreeSet<BTreeSet<String>> = state.nodes.values().map(|kv| current(kv, key)).collect();
        if values.len() < 2 {
            continue;
        }
        let ops = values
            .iter()
            .flatten()
            .filter_map(|v| writers.writer(history, key, v))
            .map(|w| w.op)
            .take(EVIDENCE_OPS_MAX)
            .collect();
        let each: Vec<String> = state
            .nodes
            .iter()
            .map(|(n, kv)| match current(kv, key) {
                s if s.is_empty() => format!("{} absent", names.node(*n)),
                s => format!(
                    "{} = {}",
                    names.node(*n),
                    s.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(" | ")
                ),
            })
            .collect();
        out.push(Anomaly {
            kind: AnomalyKind::Divergence,
            ops,
            at_us: state.at_us,
            nodes: state.nodes.keys().copied().collect(),
            explanation: format!(
                "writes stopped and the network was whole from {}, yet at {} the replicas still disagree on {key}: {}",
                human_time(quiet_since_us),
                human_time(state.at_us),
                each.join(", ")
            ),
        });
    }
    out
}
