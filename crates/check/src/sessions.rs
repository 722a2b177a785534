//! What one read saw, judged against writes: stale reads (C2), read-your-writes
//! and monotonic-reads violations (C12).
//!
//! A read is judged only if every value it returned has a known write; a read
//! of nothing missed every write. "Older" always means "definitely before in
//! real time" (see [`crate::writes`]), so concurrent operations never count.

use std::collections::BTreeMap;

use sim::{ClientId, History, OpKind, OpRecord};

use crate::anomaly::{ms, Anomaly, AnomalyKind};
use crate::writes::{read_misses, returned_writes, shown, WriteIndex};

fn evidence(read: &OpRecord, missed: &OpRecord, returned: &[&OpRecord]) -> Vec<sim::OpId> {
    let mut ops = vec![read.op, missed.op];
    ops.extend(returned.iter().map(|w| w.op));
    ops
}

fn missed_write(w: &OpRecord) -> String {
    let value = crate::writes::written_value(w).unwrap_or("?");
    format!("op {} ({} = {value:?})", w.op.0, w.kind.key())
}

/// Reads that returned a value older than a write acknowledged before the
/// read began.
pub fn stale_reads(history: &History) -> Vec<Anomaly> {
    let index = WriteIndex::new(history);
    // Per key: acknowledged writes by completion time, with the running
    // latest-invoked write among those completed so far.
    let mut acked: BTreeMap<&str, Vec<&OpRecord>> = BTreeMap::new();
    for r in &history.ops {
        if matches!(r.kind, OpKind::Write { .. }) && r.is_ok() {
            acked.entry(r.kind.key()).or_default().push(r);
        }
    }
    let mut latest: BTreeMap<&str, Vec<(u64, &OpRecord)>> = BTreeMap::new();
    for (key, mut writes) in acked {
        writes.sort_by_key(|w| (w.complete_us, w.op));
        let mut best: Option<&OpRecord> = None;
        let runs = writes
            .into_iter()
            .map(|w| {
                if best.is_none_or(|b| (w.invoke_us, w.op) > (b.invoke_us, b.op)) {
                    best = Some(w);
                }
                (w.complete_us.unwrap_or(u64::MAX), best.expect("set above"))
            })
            .collect();
        latest.insert(key, runs);
    }
    let mut out = Vec::new();
    for r in history.ops.iter().filter(|r| r.read_values().is_some()) {
        let Some(runs) = latest.get(r.kind.key()) else { continue };
        let before = runs.partition_point(|(done, _)| *done < r.invoke_us);
        let Some(&(_, w)) = before.checked_sub(1).and_then(|i| runs.get(i)) else { continue };
        let Some(returned) = returned_writes(&index, r) else { continue };
        if read_misses(&returned, w) {
            out.push(Anomaly {
                kind: AnomalyKind::StaleRead,
                ops: evidence(r, w, &returned),
                at_us: r.complete_us.unwrap_or(r.invoke_us),
                nodes: vec![r.node],
                explanation: format!(
                    "{} read {} from {} and got {}, but {} was acknowledged at {}, before the read began at {}",
                    r.client,
                    r.kind.key(),
                    r.node,
                    shown(r),
                    missed_write(w),
                    ms(w.complete_us.unwrap_or(0)),
                    ms(r.invoke_us)
                ),
            });
        }
    }
    out
}

/// Reads that missed the reading client's own earlier acknowledged write.
pub fn read_your_writes(history: &History) -> Vec<Anomaly> {
    let index = WriteIndex::new(history);
    let mut own: BTreeMap<(ClientId, &str), &OpRecord> = BTreeMap::new();
    let mut out = Vec::new();
    for r in &history.ops {
        if matches!(r.kind, OpKind::Write { .. }) && r.is_ok() {
            own.insert((r.client, r.kind.key()), r);
            continue;
        }
        if r.read_values().is_none() {
            continue;
        }
        let Some(&w) = own.get(&(r.client, r.kind.key())) else { continue };
        let Some(returned) = returned_writes(&index, r) else { continue };
        if crate::writes::definitely_precedes(w, r) && read_misses(&returned, w) {
            out.push(Anomaly {
                kind: AnomalyKind::ReadYourWrites,
                ops: evidence(r, w, &returned),
                at_us: r.complete_us.unwrap_or(r.invoke_us),
                nodes: vec![r.node],
                explanation: format!(
                    "{} read {} from {} and got {}, missing its own write {} acknowledged at {}",
                    r.client,
                    r.kind.key(),
                    r.node,
                    shown(r),
                    missed_write(w),
                    ms(w.complete_us.unwrap_or(0))
                ),
            });
        }
    }
    out
}

/// A client's reads of one key going back in time.
pub fn monotonic_reads(history: &History) -> Vec<Anomaly> {
    let index = WriteIndex::new(history);
    // Per (client, key): the earlier read whose newest write was invoked last.
    let mut seen: BTreeMap<(ClientId, &str), (&OpRecord, &OpRecord)> = BTreeMap::new();
    let mut out = Vec::new();
    for r in history.ops.iter().filter(|r| r.read_values().is_some()) {
        let Some(returned) = returned_writes(&index, r) else { continue };
        let slot = (r.client, r.kind.key());
        if let Some(&(earlier, w1)) = seen.get(&slot) {
            if crate::writes::definitely_precedes(earlier, r) && read_misses(&returned, w1) {
                let mut nodes = vec![earlier.node, r.node];
                nodes.dedup();
                let mut ops = vec![r.op, earlier.op, w1.op];
                ops.extend(returned.iter().map(|w| w.op));
                out.push(Anomaly {
                    kind: AnomalyKind::MonotonicReads,
                    ops,
                    at_us: r.complete_us.unwrap_or(r.invoke_us),
                    nodes,
                    explanation: format!(
                        "{} read {} from {} and got {} after it had read {} from {} (op {}): time went backwards",
                        r.client,
                        r.kind.key(),
                        r.node,
                        shown(r),
                        shown(earlier),
                        earlier.node,
                        earlier.op.0
                    ),
                });
            }
        }
        if let Some(newest) = returned.iter().max_by_key(|w| (w.invoke_us, w.op)) {
            let newer = seen.get(&slot).is_none_or(|(_, w1)| (newest.invoke_us, newest.op) > (w1.invoke_us, w1.op));
            if newer {
                seen.insert(slot, (r, newest));
            }
        }
    }
    out
}
