//! Checkers over a recorded client history and replicas' version data.
//!
//! A checker reads the history types of `sim` (plus plain data the caller
//! extracts: each replica's version data and the role events of the trace)
//! and reports [`Anomaly`]s, each naming the operations that prove it, in
//! sentences that use the scenario's own ids ([`Names`]) and human times.
//! It must never depend on protocol internals, wasm or the web: it judges
//! what clients saw and what replicas hold, not how nodes work.
//!
//! | checker | claim | finds |
//! | --- | --- | --- |
//! | [`Checker`] (sessions) | C2, C12 | stale reads, read-your-writes and monotonic-reads violations |
//! | [`Checker`] (linearizable) | C23 strong | reads no real-time order of a key's operations explains |
//! | [`Checker`] (causal) | C23 consistent prefix | an answer seen before its question |
//! | [`lost_writes`] | C5, C15 | an acknowledged write no surviving replica kept, from version history |
//! | [`split_brain`] | C7 | two leaders acknowledging writes at the same time |
//! | [`divergence`] | C23 eventual | replicas still disagreeing after the cluster went quiet |
//! | [`siblings_visible`] | C16 | a read returning several sibling values |
//! | [`oversell`] | C18 | more sold ("sell one if in stock") than stocked |
//! | [`message_cost`] | C17 | unbounded replication messages per update (a loop) |
//!
//! [`Checker`] is incremental: it judges each operation once as the history
//! grows. The batch functions below run it over a whole history.
//!
//! ```
//! use check::{check_history, Names};
//! assert!(check_history(&sim::History::default(), &[], &Names::default()).is_empty());
//! ```

pub mod anomaly;
pub mod application;
pub mod causal;
pub mod linearizable;
pub mod names;
pub mod sessions;
pub mod split_brain;
pub mod stream;
pub mod versions;
pub mod writes;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_c23;

use sim::History;

pub use anomaly::{count_by_kind, Anomaly, AnomalyKind, EVIDENCE_OPS_MAX};
pub use application::{check_application, message_cost, messages_per_update, oversell, siblings_visible};
pub use names::{human_time, Names};
pub use sim::NodeId;
pub use split_brain::{leader_spans, role_events, split_brain, LeaderSpan, RoleEvent};
pub use stream::Checker;
pub use versions::{divergence, lost_writes, LostWrites, ReplicaVersions};

/// Runs the history checkers and split brain over a finished history;
/// anomalies come by kind, then in time order.
pub fn check_history(history: &History, roles: &[RoleEvent], names: &Names) -> Vec<Anomaly> {
    let mut c = Checker::new(names.clone());
    c.finish(history);
    let mut out = c.anomalies().to_vec();
    out.extend(split_brain(history, roles, names));
    sort(&mut out);
    out
}

/// Sorts anomalies by kind, then time, then evidence.
pub fn sort(anomalies: &mut [Anomaly]) {
    anomalies.sort_by(|a, b| (a.kind, a.at_us, &a.ops).cmp(&(b.kind, b.at_us, &b.ops)));
}

/// The anomalies of one kind a finished history shows (for tests and tools).
pub fn of_kind(history: &History, kind: AnomalyKind) -> Vec<Anomaly> {
    check_history(history, &[], &Names::default()).into_iter().filter(|a| a.kind == kind).collect()
}
