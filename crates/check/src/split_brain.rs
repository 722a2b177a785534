//! Split brain (C7): two nodes acknowledging writes as leader over the same
//! period.
//!
//! Leadership comes from the protocols' role events: a node leads from a
//! `Role { role: Leader }` event until its next role event. A write counts
//! for a leader if it was sent to that node, succeeded, and was invoked and
//! completed inside the period when both nodes claimed to lead, so a write a
//! deposed leader acknowledged before its successor existed never counts.

use serde::{Deserialize, Serialize};
use sim::{History, Micros, NodeEvent, NodeId, OpKind, OpRecord, Role, Trace, TraceEvent};

use crate::anomaly::{Anomaly, AnomalyKind, EVIDENCE_OPS_MAX};
use crate::names::{human_time, Names};

/// A node's role (and epoch) changed at `at_us`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleEvent {
    pub at_us: Micros,
    pub node: NodeId,
    pub role: Role,
    pub epoch: u64,
}

/// The role events of a trace, in order. A trace that dropped old records
/// has lost the early ones; size `trace_events_max` for the run.
pub fn role_events(trace: &Trace) -> Vec<RoleEvent> {
    trace
        .records()
        .filter_map(|r| match &r.event {
            TraceEvent::Node { node, event: NodeEvent::Role { role, epoch } } => {
                Some(RoleEvent { at_us: r.at_us, node: *node, role: *role, epoch: *epoch })
            }
            _ => None,
        })
        .collect()
}

/// One period in which a node claimed to lead: `[from_us, to_us)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderSpan {
    pub node: NodeId,
    pub epoch: u64,
    pub from_us: Micros,
    /// `Micros::MAX` if it still led at the end.
    pub to_us: Micros,
}

/// The leadership periods the role events describe, by start time.
pub fn leader_spans(events: &[RoleEvent]) -> Vec<LeaderSpan> {
    let mut events = events.to_vec();
    events.sort_by_key(|e| (e.node, e.at_us));
    let mut spans = Vec::new();
    let mut open: Option<LeaderSpan> = None;
    for e in events {
        if let Some(mut s) = open.take() {
            if s.node == e.node {
                s.to_us = e.at_us;
            }
            spans.push(s);
        }
        if e.role == Role::Leader {
            open = Some(LeaderSpan { node: e.node, epoch: e.epoch, from_us: e.at_us, to_us: Micros::MAX });
        }
    }
    spans.extend(open);
    spans.sort_by_key(|s| (s.from_us, s.node));
    spans
}

fn acked_writes_within(history: &History, node: NodeId, from: Micros, to: Micros) -> Vec<&OpRecord> {
    history
        .ops
        .iter()
        .filter(|r| r.node == node && matches!(r.kind, OpKind::Write { .. } | OpKind::Incr { .. }) && r.is_ok())
        .filter(|r| r.invoke_us >= from && r.complete_us.is_some_and(|c| c <= to))
        .collect()
}

/// Every pair of overlapping leadership periods in which both leaders
/// acknowledged writes.
pub fn split_brain(history: &History, events: &[RoleEvent], names: &Names) -> Vec<Anomaly> {
    let spans = leader_spans(events);
    let mut out = Vec::new();
    for (i, a) in spans.iter().enumerate() {
        for b in &spans[i + 1..] {
            if a.node == b.node || b.from_us >= a.to_us {
                continue;
            }
            let (from, to) = (a.from_us.max(b.from_us), a.to_us.min(b.to_us));
            let on_a = acked_writes_within(history, a.node, from, to);
            let on_b = acked_writes_within(history, b.node, from, to);
            let (Some(first_a), Some(first_b)) = (on_a.first(), on_b.first()) else { continue };
            let half = EVIDENCE_OPS_MAX / 2;
            let ops = on_a.iter().take(half).chain(on_b.iter().take(half)).map(|r| r.op).collect();
            let until = if to == Micros::MAX { "the end".to_string() } else { human_time(to) };
            out.push(Anomaly {
                kind: AnomalyKind::SplitBrain,
                ops,
                at_us: first_a.complete_us.max(first_b.complete_us).unwrap_or(from),
                nodes: vec![a.node, b.node],
                explanation: format!(
                    "{} (epoch {}) and {} (epoch {}) both led from {} to {} and both acknowledged writes: {} on {}, {} on {}",
                    names.node(a.node),
                    a.epoch,
                    names.node(b.node),
                    b.epoch,
                    human_time(from),
                    until,
                    on_a.len(),
                    names.node(a.node),
                    on_b.len(),
                    names.node(b.node)
                ),
            });
        }
    }
    out
}
