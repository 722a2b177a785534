//! The incremental checker: feed it the history as it grows and it judges
//! each operation once, so a page pays per new operation, not per history.
//!
//! Operations become two events, an invocation and a completion, processed in
//! time order (invocations first at equal times). The checker processes only
//! events before its *horizon*: the current time, or the invocation of the
//! oldest read still waiting for its answer, whichever is earlier (a read's
//! effect is unknown until it answers). Because the horizon only moves
//! forward, the anomalies known at time `t` are the same however often the
//! checker was updated on the way to `t`.
//!
//! ```
//! use check::{Checker, Names};
//! let mut c = Checker::new(Names::default());
//! c.update(&sim::History::default(), 1_000);
//! assert!(c.anomalies().is_empty());
//! ```

use std::collections::BTreeSet;

use sim::{History, Micros, OpId, OpKind, Outcome};

use crate::anomaly::Anomaly;
use crate::causal::Causal;
use crate::linearizable::Linearizability;
use crate::names::Names;
use crate::sessions::{is_write, Sessions};
use crate::writes::Writers;

/// The history-based checkers, fed incrementally.
#[derive(Clone, Debug)]
pub struct Checker {
    names: Names,
    /// The first operation whose invocation is not processed yet.
    next_invoke: usize,
    /// Invoked (processed) but not yet completed.
    open: BTreeSet<OpId>,
    /// Events before this time are processed.
    horizon_us: Micros,
    writers: Writers,
    sessions: Sessions,
    linear: Linearizability,
    causal: Causal,
    anomalies: Vec<Anomaly>,
    /// The last invocation or completion of a write or increment.
    last_write_us: Option<Micros>,
    operations_judged: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Invoke,
    Complete,
}

impl Checker {
    pub fn new(names: Names) -> Checker {
        Checker {
            names,
            next_invoke: 0,
            open: BTreeSet::new(),
            horizon_us: 0,
            writers: Writers::default(),
            sessions: Sessions::default(),
            linear: Linearizability::default(),
            causal: Causal::default(),
            anomalies: Vec::new(),
            last_write_us: None,
            operations_judged: 0,
        }
    }

    /// Renames nodes and clients (nodes added at run time); indices stay.
    pub fn set_names(&mut self, names: Names) {
        self.names = names;
    }

    /// Every anomaly found so far, in the order found.
    pub fn anomalies(&self) -> &[Anomaly] {
        &self.anomalies
    }

    /// Events before this time have been judged.
    pub fn horizon_us(&self) -> Micros {
        self.horizon_us
    }

    /// Completed operations judged so far.
    pub fn operations_judged(&self) -> u64 {
        self.operations_judged
    }

    /// The latest invocation or completion of a write judged so far.
    pub fn last_write_us(&self) -> Option<Micros> {
        self.last_write_us
    }

    /// True if a write or increment is still waiting for its answer.
    pub fn writes_in_flight(&self, history: &History) -> bool {
        self.open
            .iter()
            .map(|op| op.0 as usize)
            .chain(self.next_invoke..history.ops.len())
            .any(|i| history.ops.get(i).is_some_and(|r| !r.kind.is_read() && r.outcome.is_none()))
    }

    /// The latest invocation or completion of a write in the whole history,
    /// including operations past the horizon.
    pub fn last_write_activity_us(&self, history: &History) -> Option<Micros> {
        let later = self
            .open
            .iter()
            .map(|op| op.0 as usize)
            .chain(self.next_invoke..history.ops.len())
            .filter_map(|i| history.ops.get(i))
            .filter(|r| !r.kind.is_read())
            .map(|r| r.complete_us.unwrap_or(r.invoke_us))
            .max();
        self.last_write_us.max(later)
    }

    /// Keys the linearizability search stopped judging, with the reason.
    pub fn unknown_keys(&self) -> Vec<(String, String)> {
        self.linear.unknown_keys()
    }

    /// Judges every event the history holds before `now_us`.
    pub fn update(&mut self, history: &History, now_us: Micros) {
        let waiting_read = |i: usize| {
            let r = &history.ops[i];
            (r.kind.is_read() && r.outcome.is_none()).then_some(r.invoke_us)
        };
        let oldest_waiting = self
            .open
            .iter()
            .map(|op| op.0 as usize)
            .chain(self.next_invoke..history.ops.len())
            .filter_map(waiting_read)
            .min();
        let horizon = oldest_waiting.map_or(now_us, |t| t.min(now_us)).max(self.horizon_us);
        self.run(history, horizon);
    }

    /// Judges everything: the run is over and pending operations never answer.
    pub fn finish(&mut self, history: &History) {
        self.run(history, Micros::MAX);
    }

    fn run(&mut self, h: &History, horizon: Micros) {
        let mut events: Vec<(Micros, Phase, OpId)> = Vec::new();
        while let Some(r) = h.ops.get(self.next_invoke) {
            if r.invoke_us >= horizon {
                break;
            }
            events.push((r.invoke_us, Phase::Invoke, r.op));
            self.open.insert(r.op);
            self.next_invoke += 1;
        }
        for &op in &self.open {
            if let Some(done) = h.get(op).and_then(|r| r.complete_us.filter(|_| r.outcome.is_some())) {
                if done < horizon {
                    events.push((done, Phase::Complete, op));
                }
            }
        }
        events.sort();
        for (at_us, phase, op) in events {
            let Some(r) = h.get(op) else { continue };
            match phase {
                Phase::Invoke => {
                    self.writers.note(r);
                    self.linear.invoke(r);
                    self.causal.write_invoked(r);
                    if !r.kind.is_read() {
                        self.last_write_us = Some(at_us);
                    }
                }
                Phase::Complete => {
                    self.open.remove(&op);
                    self.complete(h, op);
                    if !r.kind.is_read() {
                        self.last_write_us = Some(at_us);
                    }
                }
            }
        }
        self.horizon_us = horizon;
    }

    fn complete(&mut self, h: &History, op: OpId) {
        let Some(r) = h.get(op) else { return };
        self.operations_judged += 1;
        let names = &self.names;
        let out = &mut self.anomalies;
        self.linear.complete(h, &self.writers, r, names, out);
        if !matches!(r.outcome, Some(Outcome::Ok { .. })) {
            return;
        }
        match &r.kind {
            OpKind::Read { .. } => {
                self.sessions.read_ok(h, &self.writers, r, names, out);
                self.causal.read_ok(h, &self.writers, r, names, out);
            }
            k if is_write(k) => {
                self.sessions.write_ok(h, r);
                self.causal.write_ok(h, r);
            }
            _ => {}
        }
    }
}
