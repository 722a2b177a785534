//! Judging the end of a run: acknowledged writes that no node kept (C5), and
//! nodes whose final states differ.
//!
//! The caller passes the final key-value state of the nodes that count,
//! normally every node that is up once the cluster has healed and had time
//! to converge. A crashed node's disk is not "the cluster", so leave it out:
//! a write that survives only there is lost to every client.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sim::{History, Micros, NodeId, OpKind, OpRecord};

use crate::anomaly::{ms, Anomaly, AnomalyKind, EVIDENCE_OPS_MAX};
use crate::writes::{definitely_precedes, written_value, WriteIndex};

/// The final key-value state of each node that counts, at `at_us`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalState {
    pub at_us: Micros,
    pub nodes: BTreeMap<NodeId, BTreeMap<String, String>>,
}

/// True if node state `kv` still reflects write `w`: it holds `w`'s value, or
/// a value whose write may legitimately have overwritten `w` (one not
/// definitely before `w`, or one the history does not know).
fn keeps(kv: &BTreeMap<String, String>, w: &OpRecord, index: &WriteIndex<'_>) -> bool {
    let key = w.kind.key();
    match kv.get(key) {
        None => false,
        Some(v) if Some(v.as_str()) == written_value(w) => true,
        Some(v) => index.writer(key, v).is_none_or(|other| !definitely_precedes(other, w)),
    }
}

/// Acknowledged writes that no node in `state` kept.
pub fn lost_writes(history: &History, state: &FinalState) -> Vec<Anomaly> {
    if state.nodes.is_empty() {
        return Vec::new();
    }
    let index = WriteIndex::new(history);
    let mut out = Vec::new();
    for w in history.ops.iter().filter(|r| matches!(r.kind, OpKind::Write { .. }) && r.is_ok()) {
        if state.nodes.values().any(|kv| keeps(kv, w, &index)) {
            continue;
        }
        let key = w.kind.key();
        let mut ops = vec![w.op];
        let finals: Vec<String> = state
            .nodes
            .iter()
            .map(|(n, kv)| match kv.get(key) {
                None => format!("{n}: absent"),
                Some(v) => {
                    if let Some(other) = index.writer(key, v) {
                        if !ops.contains(&other.op) && ops.len() < EVIDENCE_OPS_MAX {
                            ops.push(other.op);
                        }
                    }
                    format!("{n}: {v:?}")
                }
            })
            .collect();
        out.push(Anomaly {
            kind: AnomalyKind::LostWrite,
            ops,
            at_us: w.complete_us.unwrap_or(w.invoke_us),
            nodes: vec![w.node],
            explanation: format!(
                "{} wrote {key} = {:?} through {} (op {}), acknowledged at {}, but at {} no node has it ({})",
                w.client,
                written_value(w).unwrap_or("?"),
                w.node,
                w.op.0,
                ms(w.complete_us.unwrap_or(0)),
                ms(state.at_us),
                finals.join(", ")
            ),
        });
    }
    out
}

/// Keys whose final value differs between nodes, one anomaly per key.
pub fn divergence(history: &History, state: &FinalState) -> Vec<Anomaly> {
    let index = WriteIndex::new(history);
    let keys: BTreeSet<&str> = state.nodes.values().flat_map(|kv| kv.keys().map(String::as_str)).collect();
    let mut out = Vec::new();
    for key in keys {
        let values: BTreeSet<Option<&String>> = state.nodes.values().map(|kv| kv.get(key)).collect();
        if values.len() < 2 {
            continue;
        }
        let ops =
            values.iter().flatten().filter_map(|v| index.writer(key, v)).map(|w| w.op).take(EVIDENCE_OPS_MAX).collect();
        let each: Vec<String> = state
            .nodes
            .iter()
            .map(|(n, kv)| match kv.get(key) {
                None => format!("{n} absent"),
                Some(v) => format!("{n} = {v:?}"),
            })
            .collect();
        out.push(Anomaly {
            kind: AnomalyKind::Divergence,
            ops,
            at_us: state.at_us,
            nodes: state.nodes.keys().copied().collect(),
            explanation: format!("at {} the nodes disagree on {key}: {}", ms(state.at_us), each.join(", ")),
        });
    }
    out
}
