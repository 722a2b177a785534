//! Replication protocols as pure node state machines.
//!
//! Each protocol is a node state machine driven by the `sim` kernel through
//! its context. A protocol must never touch wasm, the web, IO, a wall clock or
//! a random source of its own.
//!
//! - [`log`]: the replicated log with its snapshot and derived key-value state.
//! - [`single_leader`]: primary / replicas with sync, async and semi-sync
//!   followers, failover with epochs, fencing, catch-up and read policies.
//! - [`multi_leader`]: active-active leaders in regions, topologies, loop
//!   prevention, conflict strategies (LWW, version vectors, merge, CRDTs).
//! - [`leaderless`]: Dynamo style; N, R, W quorums on a consistent-hash
//!   ring, dotted version vectors, read repair, sloppy quorum with hinted
//!   handoff, Merkle-tree anti-entropy.
//! - [`view`]: the protocol-neutral view every node implements; [`versions`]:
//!   the version data it hands the checkers.

pub mod leaderless;
pub mod log;
pub mod multi_leader;
pub mod single_leader;
pub mod versions;
pub mod view;

pub use sim::NodeId;
pub use single_leader::{SingleLeader, SingleLeaderCommand, SingleLeaderNode, SingleLeaderSettings};
pub use view::ReplicaView;
