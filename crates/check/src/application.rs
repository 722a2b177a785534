//! Checks for what multi-leader replication gets wrong, judged from the
//! client history and the kernel's message counters, never from protocol
//! internals:
//!
//! - [`siblings_visible`]: a read returned several values for one key, so the
//!   application must merge them (C16).
//! - [`oversell`]: an application invariant broken: more units sold ("sell
//!   one if in stock" that succeeded) than were ever put in stock (C18).
//! - [`message_cost`]: what one acknowledged update cost in replication
//!   messages; a replication loop makes it unbounded, which shows as the
//!   kernel's message rate limit being hit (C17).

use std::collections::BTreeMap;

use sim::{History, MessageStats, OpKind, OpRecord};

use crate::anomaly::{Anomaly, AnomalyKind, EVIDENCE_OPS_MAX};
use crate::names::{human_time, Names};

/// Reads that returned siblings, one anomaly per read.
pub fn siblings_visible(history: &History, names: &Names) -> Vec<Anomaly> {
    history
        .ops
        .iter()
        .filter_map(|r| Some((r, r.read_values()?)))
        .filter(|(_, values)| values.len() > 1)
        .map(|(r, values)| Anomaly {
            kind: AnomalyKind::SiblingsVisible,
            ops: vec![r.op],
            at_us: r.complete_us.unwrap_or(r.invoke_us),
            nodes: vec![r.node],
            explanation: format!(
                "{} read {} from {} and got {} siblings ({}): the application has to merge them",
                names.client(r.client),
                r.kind.key(),
                names.node(r.node),
                values.len(),
                values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ")
            ),
        })
        .collect()
}

/// Per key sold with "sell one if in stock": units stocked (successful
/// positive increments and numeric writes) against units sold (successful sells and negative
/// increments); one anomaly per key sold beyond its stock.
pub fn oversell(history: &History) -> Vec<Anomaly> {
    // key -> (stocked, sold, sales, last sale)
    let mut per: BTreeMap<&str, (i64, i64, Vec<&OpRecord>)> = BTreeMap::new();
    for r in history.ops.iter().filter(|r| r.is_ok()) {
        match &r.kind {
            OpKind::Incr { key, by } if *by > 0 => per.entry(key).or_default().0 += by,
            // A numeric write puts that many in stock (the usual way to set it up).
            OpKind::Write { key, value } => {
                if let Ok(n) = value.parse::<i64>() {
                    per.entry(key).or_default().0 += n.max(0);
                }
            }
            OpKind::Incr { key, by } => per.entry(key).or_default().1 -= by,
            OpKind::DecrIfPositive { key } => {
                let e = per.entry(key).or_default();
                e.1 += 1;
                e.2.push(r);
            }
            _ => {}
        }
    }
    per.into_iter()
        .filter(|(_, (stocked, sold, sales))| !sales.is_empty() && sold > stocked)
        .map(|(key, (stocked, sold, sales))| {
            let last = sales.iter().map(|r| r.complete_us.unwrap_or(r.invoke_us)).max().unwrap_or(0);
            let mut nodes: Vec<_> = sales.iter().map(|r| r.node).collect();
            nodes.sort();
            nodes.dedup();
            Anomaly {
                kind: AnomalyKind::InvariantViolated,
                ops: sales.iter().map(|r| r.op).take(EVIDENCE_OPS_MAX).collect(),
                at_us: last,
                nodes,
                explanation: format!(
                    "{key}: {sold} sold but only {stocked} stocked: oversold by {} (stock would be {}); every sale was told it succeeded",
                    sold - stocked,
                    stocked - sold
                ),
            }
        })
        .collect()
}

/// Replication messages per acknowledged update; an anomaly when the
/// kernel's message rate limit was hit (the cost is unbounded: a loop).
pub fn message_cost(history: &History, messages: &MessageStats) -> Vec<Anomaly> {
    if messages.rate_limited == 0 {
        return Vec::new();
    }
    let updates = history.ops.iter().filter(|r| r.kind.is_update() && r.is_ok()).count() as u64;
    vec![Anomaly {
        kind: AnomalyKind::ReplicationStorm,
        ops: history.ops.iter().filter(|r| r.kind.is_update() && r.is_ok()).map(|r| r.op).take(EVIDENCE_OPS_MAX).collect(),
        at_us: messages.peak_second * 1_000_000,
        nodes: Vec::new(),
        explanation: format!(
            "replication storm: {} replication messages for {updates} acknowledged update(s) ({} per update and climbing); \
             {} messages/s at {}, the limit was reached and {} messages were dropped",
            messages.replication_sent,
            messages.replication_sent / updates.max(1),
            messages.peak_per_s,
            human_time(messages.peak_second * 1_000_000),
            messages.rate_limited
        ),
    }]
}

/// Replication messages per acknowledged update, rounded down (0 without updates).
pub fn messages_per_update(history: &History, messages: &MessageStats) -> u64 {
    let updates = history.ops.iter().filter(|r| r.kind.is_update() && r.is_ok()).count() as u64;
    messages.replication_sent.checked_div(updates).unwrap_or(0)
}

/// Every check of this module.
pub fn check_application(history: &History, messages: &MessageStats, names: &Names) -> Vec<Anomaly> {
    let mut out = siblings_visible(history, names);
    out.extend(oversell(history));
    out.extend(message_cost(history, messages));
    out
}
