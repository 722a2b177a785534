//! The deterministic simulation kernel.
//!
//! `sim` owns virtual time, the event queue, the in-memory message bus, faults,
//! seeded randomness, the client operation history and the trace. It knows no
//! replication protocol and must never do IO, read a wall clock, use unseeded
//! randomness or iterate an unordered collection: same input, same trace.
//!
//! A protocol plugs in by implementing [`Protocol`] (a factory) and [`Node`]
//! (a pure state machine answering through a [`Context`]). [`Sim`] runs one
//! cluster; [`Action`]s are the interventions a user can make; [`Timeline`]
//! adds a script of timed interventions, checkpoints and seeking in both
//! directions. [`testkit`] holds a trivial protocol for kernel tests and docs.
//!
//! Code map: `config` (what a run is), `engine` (the `Sim` and its event
//! loop), `slot` (a node's inbox, capacity, crash and restart), `clients`
//! (operations, timeouts, workloads), `network` (partitions, cuts, latency,
//! loss, duplication, bandwidth), `queue` (the event heap and messages in
//! flight), `action` (interventions), `trace` and `tracehash` (the record of a
//! run and its stable hash), `timeline` (script, checkpoints, seek).

pub mod action;
pub mod client;
pub mod clients;
pub mod config;
pub mod engine;
pub mod error;
pub mod history;
pub mod ids;
mod network;
pub mod node;
mod queue;
pub mod rng;
mod slot;
pub mod testkit;
pub mod timeline;
pub mod trace;
mod tracehash;
pub mod versions;

pub use action::Action;
pub use client::{single_value_update, OpKind, Outcome, ReadPolicy, Reply, Request};
pub use clients::ClientState;
pub use config::{
    ClientConfig, Latency, Limits, LinkConfig, NetworkConfig, NodeConfig, SimConfig, UpdateKind, Workload,
};
pub use engine::{Cmd, Durable, MessageStats, NodeStatus, Sim};
pub use error::SimError;
pub use history::{History, OpRecord};
pub use ids::{ClientId, Micros, MsgId, NodeId, OpId, TimerId};
pub use node::{Conflict, ConflictVersion, Context, Effect, Message, MsgKind, Node, NodeEvent, Protocol, Role};
pub use queue::InFlight;
pub use rng::{Rng, Stream};
pub use timeline::{Intervention, Timeline};
pub use trace::{DropReason, Trace, TraceEvent, TraceRecord};
