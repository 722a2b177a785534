//! What a checker reports: an [`Anomaly`] of some [`AnomalyKind`], naming the
//! operations that prove it, when, on which nodes, and why, in a sentence.

use serde::{Deserialize, Serialize};
use sim::{Micros, NodeId, OpId};

/// The most operations one anomaly lists as evidence.
pub const EVIDENCE_OPS_MAX: usize = 16;

/// The kinds of anomaly the checkers find.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    /// A read returned a value older than a write acknowledged before the read began.
    StaleRead,
    /// A read missed the reading client's own earlier acknowledged write.
    ReadYourWrites,
    /// A client read a value older than one it had already read.
    MonotonicReads,
    /// An acknowledged write is in no node's final state.
    LostWrite,
    /// Two nodes acknowledged writes as leader over the same period.
    SplitBrain,
    /// Replicas still disagreed after writes stopped, faults healed and a
    /// settle period passed: eventual consistency did not hold.
    Divergence,
    /// A read returned several sibling values for one key.
    SiblingsVisible,
    /// An application invariant broke: more sold than stocked.
    InvariantViolated,
    /// Replication messages per update were unbounded (the rate limit was hit).
    ReplicationStorm,
    /// A read no single order of the key's operations, consistent with real
    /// time, can explain: the key was not linearizable (strong).
    NotLinearizable,
    /// A reader saw a write but then missed a write it causally depends on
    /// (an answer before its question): consistent prefix broken.
    ConsistentPrefix,
}

impl AnomalyKind {
    /// A short lowercase name for badges and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            AnomalyKind::StaleRead => "stale read",
            AnomalyKind::ReadYourWrites => "read-your-writes violation",
            AnomalyKind::MonotonicReads => "monotonic-reads violation",
            AnomalyKind::LostWrite => "lost acknowledged write",
            AnomalyKind::SplitBrain => "split brain",
            AnomalyKind::SiblingsVisible => "siblings visible to a reader",
            AnomalyKind::InvariantViolated => "application invariant violated",
            AnomalyKind::ReplicationStorm => "replication storm",
            AnomalyKind::Divergence => "no convergence",
            AnomalyKind::NotLinearizable => "not linearizable",
            AnomalyKind::ConsistentPrefix => "consistent-prefix violation",
        }
    }
}

/// One anomaly and its proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anomaly {
    pub kind: AnomalyKind,
    /// The operations that prove it, the one that shows it first.
    pub ops: Vec<OpId>,
    /// When it showed (the completion of the operation that shows it, or
    /// the end of the run for final-state anomalies).
    pub at_us: Micros,
    pub nodes: Vec<NodeId>,
    pub explanation: String,
}

/// Counts anomalies per kind, in kind order.
pub fn count_by_kind(anomalies: &[Anomaly]) -> Vec<(AnomalyKind, usize)> {
    let mut counts = std::collections::BTreeMap::new();
    for a in anomalies {
        *counts.entry(a.kind).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anomalies_serialize_with_snake_case_kinds() {
        let a = Anomaly {
            kind: AnomalyKind::StaleRead,
            ops: vec![OpId(3)],
            at_us: 7,
            nodes: vec![NodeId(1)],
            explanation: "x".into(),
        };
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, r#"{"kind":"stale_read","ops":[3],"at_us":7,"nodes":[1],"explanation":"x"}"#);
        assert_eq!(serde_json::from_str::<Anomaly>(&json).unwrap(), a);
    }
}
