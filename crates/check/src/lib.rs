//! Checkers over a recorded client history.
//!
//! A checker reads the history types of `sim` (plus plain data the caller
//! extracts: each node's final key-value state and the role events of the
//! trace) and reports [`Anomaly`]s, each naming the operations that prove it.
//! It must never depend on protocol internals, wasm or the web: it judges
//! what clients saw, not how nodes work.
//!
//! | checker | claim | finds |
//! | --- | --- | --- |
//! | [`stale_reads`] | C2 | a read older than a write acknowledged before it began |
//! | [`read_your_writes`] | C12 | a read missing the client's own acknowledged write |
//! | [`monotonic_reads`] | C12 | a client's reads of a key going back in time |
//! | [`lost_writes`] | C5 | an acknowledged write no node kept |
//! | [`split_brain`] | C7 | two leaders acknowledging writes at the same time |
//! | [`divergence`] | C6 | nodes ending with different states |
//! | [`siblings_visible`] | C16 | a read returning several sibling values |
//! | [`oversell`] | C18 | more sold ("sell one if in stock") than stocked |
//! | [`message_cost`] | C17 | unbounded replication messages per update (a loop) |
//! | [`availability`] | C22 | operations refused for lack of a quorum (a count, not an anomaly) |
//!
//! ```
//! use check::{check_all, CheckInput};
//! let report = check_all(&CheckInput::default());
//! assert!(report.is_empty());
//! ```

pub mod anomaly;
pub mod application;
pub mod availability;
pub mod sessions;
pub mod split_brain;
pub mod state;
pub mod writes;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use sim::History;

pub use anomaly::{count_by_kind, Anomaly, AnomalyKind, EVIDENCE_OPS_MAX};
pub use application::{check_application, message_cost, messages_per_update, oversell, siblings_visible};
pub use availability::{availability, Availability};
pub use sessions::{monotonic_reads, read_your_writes, stale_reads};
pub use sim::NodeId;
pub use split_brain::{leader_spans, role_events, split_brain, LeaderSpan, RoleEvent};
pub use state::{divergence, lost_writes, FinalState};

/// Everything the checkers look at, as plain data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInput {
    pub history: History,
    /// The role events of the run (see [`role_events`]).
    pub roles: Vec<RoleEvent>,
    /// The final states of the nodes that count (see [`FinalState`]); `None`
    /// skips the final-state checkers.
    pub final_state: Option<FinalState>,
}

/// Runs every checker; anomalies come by kind, then in time order.
pub fn check_all(input: &CheckInput) -> Vec<Anomaly> {
    check_parts(&input.history, &input.roles, input.final_state.as_ref())
}

/// As [`check_all`], on borrowed parts, so a caller that already holds the
/// history (the page, every few frames) need not copy it.
pub fn check_parts(history: &History, roles: &[RoleEvent], final_state: Option<&FinalState>) -> Vec<Anomaly> {
    let mut out = stale_reads(history);
    out.extend(read_your_writes(history));
    out.extend(monotonic_reads(history));
    out.extend(split_brain(history, roles));
    if let Some(state) = final_state {
        out.extend(lost_writes(history, state));
        out.extend(divergence(history, state));
    }
    out.sort_by_key(|a| (a.kind, a.at_us));
    out
}
