//! The deterministic simulation kernel.
//!
//! `sim` owns virtual time, the event queue, the in-memory message bus, faults,
//! seeded randomness, the client operation history and the trace. It knows no
//! replication protocol and must never do IO, read a wall clock, use unseeded
//! randomness or iterate an unordered collection: same input, same trace.
//!
//! A protocol plugs in by implementing [`Protocol`] (a factory) and [`Node`]
//! (a pure state machine answering through a [`Context`]).

pub mod client;
pub mod history;
pub mod ids;
pub mod node;
pub mod rng;

pub use client::{OpKind, Outcome, ReadPolicy, Reply, Request};
pub use history::{History, OpRecord};
pub use ids::{ClientId, Micros, MsgId, NodeId, OpId, TimerId};
pub use node::{Context, Effect, Message, MsgKind, Node, NodeEvent, Protocol, Role};
pub use rng::{Rng, Stream};
