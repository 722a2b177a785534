//! The protocol-neutral view of a node: the one thing the facade, the report
//! and the page read about a node, whatever its replication family.
//!
//! Every protocol's node implements [`ReplicaView`]: its role, its epoch (or
//! none, for families without one), a summary of its log or version store,
//! a few rows of that store for a panel, its key-value state with siblings,
//! its lag, how much it has queued (pending writes, hints, forwarding
//! queues), how many conflicts it resolved, and its version data for the
//! checkers ([`ReplicaView::versions`]). A new family implements this trait
//! and nothing in the facade or the page changes.
//!
//! ```
//! use replication::view::ReplicaView;
//! use replication::single_leader::{SingleLeaderNode, SingleLeaderSettings};
//! let node = SingleLeaderNode::new(sim::NodeId(0), SingleLeaderSettings::default(), 3);
//! assert_eq!(ReplicaView::epoch(&node), Some(0));
//! assert!(node.kv_siblings().is_empty());
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::{NodeId, Role};

use crate::versions::KeyVersions;

/// A node's key-value state: each key's current value, or several siblings.
pub type SiblingMap = BTreeMap<String, Vec<String>>;

/// What kind of store a node keeps, in figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreSummary {
    /// A replicated log (single leader).
    Log { base_index: u64, last_index: u64, commit_index: u64, applied_index: u64 },
    /// A store of versions per key (multi leader, leaderless): how many
    /// versions it has applied, and how many keys hold siblings now.
    Versions { applied: u64, keys_with_siblings: u64 },
}

impl StoreSummary {
    /// (last, commit, applied) positions of a log; for a version store, the
    /// applied count in all three.
    pub fn positions(&self) -> (u64, u64, u64) {
        match *self {
            StoreSummary::Log { last_index, commit_index, applied_index, .. } => {
                (last_index, commit_index, applied_index)
            }
            StoreSummary::Versions { applied, .. } => (applied, applied, applied),
        }
    }
}

/// One row of a node's store as a panel lists it: a log entry, or a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreRow {
    /// The log position, or the version's sequence on this node.
    pub index: u64,
    /// The epoch of a log entry; 0 for versions.
    pub epoch: u64,
    pub key: String,
    pub value: String,
    /// How the version is stamped: "" for a log entry, "t=1.020 s" for a
    /// timestamp, "[n1:2, n2:1]" for a version vector.
    pub stamp: String,
    /// Where the version came from (its origin leader), if not here.
    pub origin: Option<NodeId>,
    pub committed: bool,
    pub applied: bool,
}

/// One node another node feeds, and how far behind it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerLag {
    pub node: NodeId,
    pub lag_entries: u64,
    pub lag_us: u64,
}

/// The protocol-neutral view of one node.
pub trait ReplicaView {
    fn role(&self) -> Role;
    /// The node's epoch (term), or `None` in a family without epochs.
    fn epoch(&self) -> Option<u64>;
    /// The leader this node follows (itself when leading), if the family has one.
    fn leader(&self) -> Option<NodeId> {
        None
    }
    fn store(&self) -> StoreSummary;
    /// The newest `max` rows of the store, oldest first, and how many older
    /// rows were left out (or folded into a snapshot).
    fn store_rows(&self, max: usize) -> (u64, Vec<StoreRow>);
    /// The key-value state a reader of this node would see: one value per
    /// key, or every sibling.
    fn kv_siblings(&self) -> SiblingMap;
    /// Entries (or versions) this node is behind the node it follows.
    fn lag_entries(&self) -> u64;
    /// Work waiting here: writes waiting for acks, hints, forwarding queues.
    fn pending(&self) -> u64;
    /// True if this node is one of `key`'s replicas. Every node is, except
    /// in a leaderless ring, where a key lives on its N home nodes only.
    fn replicates(&self, key: &str) -> bool {
        let _ = key;
        true
    }
    /// Hinted writes held here for other nodes (sloppy quorum): per home
    /// replica, how many; empty in families without hints.
    fn hinted_for(&self) -> Vec<(NodeId, u64)> {
        Vec::new()
    }
    /// Conflicts this node has resolved so far.
    fn conflicts_resolved(&self) -> u64 {
        0
    }
    /// A leader that may not take writes now (its fencing lease ran out).
    fn fenced(&self) -> bool {
        false
    }
    /// The nodes this node feeds and how far behind each is, measured at
    /// `now_local_us` on this node's clock; empty on nodes that feed nobody.
    fn peer_lags(&self, now_local_us: i64) -> Vec<PeerLag> {
        let _ = now_local_us;
        Vec::new()
    }
    /// Per key: the versions this node applied, in order, each with the
    /// values its writer had seen, and the node's current value(s).
    fn versions(&self) -> BTreeMap<String, KeyVersions>;
}

/// The single values of a sibling map (keys holding one value), for checks
/// that predate siblings.
pub fn single_values(kv: &SiblingMap) -> BTreeMap<String, String> {
    kv.iter().filter_map(|(k, v)| v.first().map(|first| (k.clone(), first.clone()))).collect()
}

/// The kernel's scaffolding register: every node a replica, no epoch, no log.
impl ReplicaView for sim::testkit::RegisterNode {
    fn role(&self) -> Role {
        Role::Replica
    }
    fn epoch(&self) -> Option<u64> {
        None
    }
    fn store(&self) -> StoreSummary {
        StoreSummary::Versions { applied: self.map.len() as u64, keys_with_siblings: 0 }
    }
    fn store_rows(&self, _max: usize) -> (u64, Vec<StoreRow>) {
        (0, Vec::new())
    }
    fn kv_siblings(&self) -> SiblingMap {
        self.map.iter().map(|(k, v)| (k.clone(), vec![v.clone()])).collect()
    }
    fn lag_entries(&self) -> u64 {
        0
    }
    fn pending(&self) -> u64 {
        0
    }
    fn versions(&self) -> BTreeMap<String, KeyVersions> {
        // The register keeps no history: each value stands alone, folded.
        sim::testkit::RegisterNode::versions(self)
    }
}
