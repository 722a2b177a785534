//! Replication protocols as pure node state machines.
//!
//! Each protocol (single leader, multi leader, leaderless) is a node state
//! machine driven by the `sim` kernel through its context. A protocol must never
//! touch wasm, the web, IO, a wall clock or a random source of its own.

pub use sim::NodeId;
