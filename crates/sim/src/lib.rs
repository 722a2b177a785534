//! The deterministic simulation kernel.
//!
//! `sim` owns virtual time, the event queue, the in-memory message bus, faults,
//! seeded randomness, the client operation history and the trace. It knows no
//! replication protocol and must never do IO, read a wall clock, use unseeded
//! randomness or iterate an unordered collection: same input, same trace.

use serde::{Deserialize, Serialize};

/// Identifies a node by its index in the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeId(pub u32);
