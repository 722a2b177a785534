//! What one read saw, judged against writes: stale reads (C2), read-your-writes
//! and monotonic-reads violations (C12), fed one completed operation at a time
//! by [`crate::Checker`].
//!
//! A read is judged only if every value it returned has a known write; a read
//! of nothing missed every write. "Older" always means "definitely before in
//! real time" (see [`crate::writes`]), so concurrent operations never count.

use std::collections::BTreeMap;

use sim::{ClientId, History, Micros, OpId, OpKind, OpRecord};

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::names::{human_time, Names};
use crate::writes::{definitely_precedes, described, read_misses, shown, Writers};

/// The session checkers' memory between operations.
#[derive(Clone, Debug, Default)]
pub struct Sessions {
    /// Per key, acknowledged writes in completion order, each with the
    /// latest-invoked write acknowledged up to then.
    acked: BTreeMap<String, Vec<(Micros, OpId)>>,
    /// Per (client, key), the client's last acknowledged write.
    own: BTreeMap<(ClientId, String), OpId>,
    /// Per (client, key), the earlier read whose newest write was invoked
    /// last, and that write.
    seen: BTreeMap<(ClientId, String), (OpId, OpId)>,
}

fn evidence(read: &OpRecord, missed: &OpRecord, returned: &[&OpRecord]) -> Vec<OpId> {
    let mut ops = vec![read.op, missed.op];
    ops.extend(returned.iter().map(|w| w.op));
    ops
}

fn order(r: &OpRecord) -> (Micros, OpId) {
    (r.invoke_us, r.op)
}

impl Sessions {
    /// A write was acknowledged.
    pub fn write_ok(&mut self, h: &History, w: &OpRecord) {
        let runs = self.acked.entry(w.kind.key().to_string()).or_default();
        let best = match runs.last().and_then(|&(_, b)| h.get(b)) {
            Some(b) if order(b) > order(w) => b.op,
            _ => w.op,
        };
        runs.push((w.complete_us.unwrap_or(0), best));
        self.own.insert((w.client, w.kind.key().to_string()), w.op);
    }

    /// A read completed successfully; anomalies it shows go to `out`.
    pub fn read_ok(&mut self, h: &History, writers: &Writers, r: &OpRecord, names: &Names, out: &mut Vec<Anomaly>) {
        let Some(returned) = writers.returned(h, r) else { return };
        let key = r.kind.key().to_string();
        let (client, node) = (names.client(r.client), names.node(r.node));
        let at_us = r.complete_us.unwrap_or(r.invoke_us);
        // Stale: the latest write acknowledged before the read began.
        let runs = self.acked.get(&key).map_or(&[][..], Vec::as_slice);
        let before = runs.partition_point(|&(done, _)| done < r.invoke_us);
        if let Some(w) = before.checked_sub(1).and_then(|i| h.get(runs[i].1)) {
            if read_misses(&returned, w) {
                out.push(Anomaly {
                    kind: AnomalyKind::StaleRead,
                    ops: evidence(r, w, &returned),
                    at_us,
                    nodes: vec![r.node],
                    explanation: format!(
                        "{client} read {key} from {node} and got {}, but {} was acknowledged at {}, before the read began at {}",
                        shown(r),
                        described(w),
                        human_time(w.complete_us.unwrap_or(0)),
                        human_time(r.invoke_us)
                    ),
                });
            }
        }
        // Read-your-writes: the client's own last acknowledged write.
        if let Some(w) = self.own.get(&(r.client, key.clone())).and_then(|&op| h.get(op)) {
            if definitely_precedes(w, r) && read_misses(&returned, w) {
                out.push(Anomaly {
                    kind: AnomalyKind::ReadYourWrites,
                    ops: evidence(r, w, &returned),
                    at_us,
                    nodes: vec![r.node],
                    explanation: format!(
                        "{client} read {key} from {node} and got {}, missing its own write {} acknowledged at {}",
                        shown(r),
                        described(w),
                        human_time(w.complete_us.unwrap_or(0))
                    ),
                });
            }
        }
        // Monotonic reads: never older than what the client already saw.
        let slot = (r.client, key.clone());
        if let Some((earlier, w1)) = self.seen.get(&slot).and_then(|&(e, w)| Some((h.get(e)?, h.get(w)?))) {
            if definitely_precedes(earlier, r) && read_misses(&returned, w1) {
                let mut nodes = vec![earlier.node, r.node];
                nodes.dedup();
                let mut ops = vec![r.op, earlier.op, w1.op];
                ops.extend(returned.iter().map(|w| w.op));
                out.push(Anomaly {
                    kind: AnomalyKind::MonotonicReads,
                    ops,
                    at_us,
                    nodes,
                    explanation: format!(
                        "{client} read {key} from {node} and got {} after it had read {} from {} (op {}): time went backwards",
                        shown(r),
                        shown(earlier),
                        names.node(earlier.node),
                        earlier.op.0
                    ),
                });
            }
        }
        if let Some(newest) = returned.iter().max_by_key(|w| order(w)) {
            let newer = self.seen.get(&slot).and_then(|&(_, w1)| h.get(w1)).is_none_or(|w1| order(newest) > order(w1));
            if newer {
                self.seen.insert(slot, (r.op, newest.op));
            }
        }
    }
}

/// True for the operations the session checkers count as writes.
pub fn is_write(kind: &OpKind) -> bool {
    matches!(kind, OpKind::Write { .. })
}
