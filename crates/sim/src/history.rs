//! The client operation history, recorded Jepsen-style: each operation is
//! invoked, then completes ok / fail / info, or stays pending.
//!
//! Checkers read only this (and final states the facade hands them), never
//! protocol internals.

use serde::{Deserialize, Serialize};

use crate::client::{OpKind, Outcome};
use crate::ids::{ClientId, Micros, NodeId, OpId};

/// One client operation from invocation to completion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpRecord {
    pub op: OpId,
    pub client: ClientId,
    /// The node the client sent the operation to.
    pub node: NodeId,
    pub kind: OpKind,
    pub invoke_us: Micros,
    /// When the client learned the outcome; `None` while pending.
    pub complete_us: Option<Micros>,
    /// `None` while pending; a pending op at the end counts as `Info`.
    pub outcome: Option<Outcome>,
}

impl OpRecord {
    /// True if the operation completed with `Ok`.
    pub fn is_ok(&self) -> bool {
        matches!(self.outcome, Some(Outcome::Ok { .. }))
    }

    /// The values a successful read returned.
    pub fn read_values(&self) -> Option<&[String]> {
        match (&self.kind, &self.outcome) {
            (OpKind::Read { .. }, Some(Outcome::Ok { values })) => Some(values),
            _ => None,
        }
    }
}

/// Every operation of a run, indexed by `OpId`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub ops: Vec<OpRecord>,
}

impl History {
    /// The record of one operation.
    pub fn get(&self, op: OpId) -> Option<&OpRecord> {
        self.ops.get(usize::try_from(op.0).ok()?)
    }

    /// Counts of (ok, fail, info, pending).
    pub fn outcome_counts(&self) -> (usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0);
        for r in &self.ops {
            match r.outcome {
                Some(Outcome::Ok { .. }) => c.0 += 1,
                Some(Outcome::Fail { .. }) => c.1 += 1,
                Some(Outcome::Info { .. }) => c.2 += 1,
                None => c.3 += 1,
            }
        }
        c
    }
}
