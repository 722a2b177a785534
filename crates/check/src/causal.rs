//! Consistent prefix (C23's question and answer): a reader who has seen a
//! write must not then miss a write that one causally depends on.
//!
//! How causality is recorded: from the client history alone, with no help
//! from the protocol. A write depends on everything its client had observed
//! when it invoked the write: the client's own acknowledged writes and the
//! writes whose values it had read (and, transitively, their dependencies).
//! Each client carries a *frontier*: per key, the newest writes it knows of.
//! A write's dependencies are its client's frontier at invocation.
//!
//! When a client reads a write, it learns that write's dependencies. If it
//! then reads one of those keys and gets something older than the dependency
//! (nothing, or only writes that definitely precede it or are in its own
//! past), it has seen an answer before its question. Writes the reader saw
//! or made itself are left to the read-your-writes and monotonic-reads
//! checkers, so one fault is not reported three times.
//!
//! Bounds: [`FRONTIER_PER_KEY_MAX`] writes per key; dropping one only
//! forgets a requirement, so the checker may miss a violation but never
//! invents one.

use std::collections::BTreeMap;
use std::sync::Arc;

use sim::{ClientId, History, OpId, OpKind, OpRecord};

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::names::Names;
use crate::writes::{definitely_precedes, described, shown, Writers};

/// Writes per key a client's frontier keeps.
pub const FRONTIER_PER_KEY_MAX: usize = 4;

/// One write a client knows of; `via` is the read it learned it through
/// (`None`: the client saw or made it itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Known {
    write: OpId,
    via: Option<OpId>,
}

type Frontier = BTreeMap<String, Vec<Known>>;

/// The causal checker's memory.
#[derive(Clone, Debug, Default)]
pub struct Causal {
    clients: BTreeMap<ClientId, Frontier>,
    /// Each write's dependencies: its client's frontier when invoked.
    deps: BTreeMap<OpId, Arc<Frontier>>,
}

impl Causal {
    /// True if `x` is in the causal past of `d` on the same key, or
    /// definitely precedes it.
    fn before(&self, h: &History, x: &OpRecord, d: &OpRecord) -> bool {
        if definitely_precedes(x, d) {
            return true;
        }
        let Some(deps) = self.deps.get(&d.op) else { return false };
        deps.get(d.kind.key()).is_some_and(|known| {
            known.iter().any(|k| k.write == x.op || h.get(k.write).is_some_and(|p| definitely_precedes(x, p)))
        })
    }

    fn add(&self, h: &History, frontier: &mut Frontier, key: &str, new: Known) {
        let Some(w) = h.get(new.write) else { return };
        let list = frontier.entry(key.to_string()).or_default();
        if list.iter().any(|k| k.write == new.write) {
            return;
        }
        if list.iter().filter_map(|k| h.get(k.write)).any(|k| self.before(h, w, k)) {
            return;
        }
        list.retain(|k| h.get(k.write).is_some_and(|k| !self.before(h, k, w)));
        list.push(new);
        if list.len() > FRONTIER_PER_KEY_MAX {
            list.remove(0);
        }
    }

    /// A write was invoked: it depends on what its client knows now.
    pub fn write_invoked(&mut self, w: &OpRecord) {
        if matches!(w.kind, OpKind::Write { .. }) {
            let frontier = self.clients.get(&w.client).cloned().unwrap_or_default();
            self.deps.insert(w.op, Arc::new(frontier));
        }
    }

    /// A write was acknowledged: its client now knows it.
    pub fn write_ok(&mut self, h: &History, w: &OpRecord) {
        let mut frontier = self.clients.remove(&w.client).unwrap_or_default();
        self.add(h, &mut frontier, w.kind.key(), Known { write: w.op, via: None });
        self.clients.insert(w.client, frontier);
    }

    /// A read completed: judge it, then let the reader learn what it saw.
    pub fn read_ok(&mut self, h: &History, writers: &Writers, r: &OpRecord, names: &Names, out: &mut Vec<Anomaly>) {
        let Some(returned) = writers.returned(h, r) else { return };
        let key = r.kind.key();
        let mut frontier = self.clients.remove(&r.client).unwrap_or_default();
        for known in frontier.get(key).cloned().unwrap_or_default() {
            let (Some(via), Some(d)) = (known.via, h.get(known.write)) else { continue };
            if returned.iter().any(|x| x.op == d.op) || !returned.iter().all(|x| self.before(h, x, d)) {
                continue;
            }
            let Some(seen) = h.get(via) else { continue };
            let mut ops = vec![r.op, d.op, via];
            ops.extend(returned.iter().map(|x| x.op));
            out.push(Anomaly {
                kind: AnomalyKind::ConsistentPrefix,
                ops,
                at_us: r.complete_us.unwrap_or(r.invoke_us),
                nodes: vec![r.node],
                explanation: format!(
                    "{} read {key} from {} and got {}, but its earlier read (op {}) had shown {}, which was written after {} had been seen: an answer before its question",
                    names.client(r.client),
                    names.node(r.node),
                    shown(r),
                    via.0,
                    shown(seen),
                    described(d)
                ),
            });
        }
        for x in &returned {
            self.add(h, &mut frontier, key, Known { write: x.op, via: None });
            if let Some(deps) = self.deps.get(&x.op).cloned() {
                for (k, list) in deps.iter() {
                    for d in list {
                        self.add(h, &mut frontier, k, Known { write: d.write, via: Some(r.op) });
                    }
                }
            }
        }
        self.clients.insert(r.client, frontier);
    }
}
