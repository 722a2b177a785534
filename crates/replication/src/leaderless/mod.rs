//! Leaderless replication, Dynamo style: no leader; whichever node a client
//! talks to coordinates its request on the key's N home replicas, found on a
//! consistent-hash ring ([`ring`]). A write is acknowledged after W replicas
//! stored it, a read answers after R replied, with the newest version or
//! every sibling. With R + W > N every read quorum overlaps every write
//! quorum; with R + W <= N a read can miss the latest acknowledged write.
//!
//! Main types: [`Leaderless`] (the protocol, built from
//! [`LeaderlessSettings`]), [`LeaderlessNode`] (read it through
//! [`crate::view::ReplicaView`]), [`LeaderlessCommand`] (change N, R, W, a
//! client's quorum, sloppy quorum, read repair or anti-entropy at run time)
//! and [`LeaderlessDurable`] (store, applied versions, hints).
//!
//! - Versions: dotted version vectors ([`dvv`]); concurrent writes become
//!   siblings, and a write made with the context of a read that saw them
//!   replaces them.
//! - Read repair: when a read has heard from every replica it asked (or its
//!   deadline passed), replicas that answered with less get the merged
//!   versions.
//! - Sloppy quorum and hinted handoff: a home replica that misses a deadline
//!   is replaced by the next node on the ring, which keeps the write as a
//!   hint and hands it back when the home answers again. Off, requests fail
//!   short of their quorum ([`coordinator`]).
//! - Anti-entropy: Merkle trees over key ranges ([`merkle`]), compared with
//!   one peer per interval ([`replica`]).
//!
//! ```
//! use replication::leaderless::{Leaderless, LeaderlessSettings};
//! let p = Leaderless::new(LeaderlessSettings { n: 3, r: 1, w: 1, ..LeaderlessSettings::default() });
//! assert_eq!(p.settings.overlap(), "R + W = 2 <= N = 3: a read can miss the latest acknowledged write");
//! ```

pub mod coordinator;
pub mod dvv;
pub mod merkle;
mod msg;
mod node;
pub mod replica;
pub mod ring;
mod settings;
mod view;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use sim::{NodeId, Protocol};

pub use msg::Msg;
pub use node::{
    LeaderlessDurable, LeaderlessNode, CONTEXTS_MAX, HANDOFF_BATCH_MAX, PENDING_REQUESTS_MAX, SUSPECT_US,
    VERSIONS_PER_KEY_MAX,
};
pub use settings::{ClientQuorum, LeaderlessCommand, LeaderlessSettings};

/// The leaderless protocol: a factory of [`LeaderlessNode`]s sharing settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leaderless {
    pub settings: LeaderlessSettings,
}

impl Leaderless {
    pub fn new(settings: LeaderlessSettings) -> Self {
        Leaderless { settings }
    }
}

impl Protocol for Leaderless {
    type Node = LeaderlessNode;

    fn new_node(&self, id: NodeId, nodes: &[NodeId]) -> LeaderlessNode {
        LeaderlessNode::new(id, self.settings.clone(), nodes)
    }
}
