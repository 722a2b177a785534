//! What a multi-leader cluster is set up with: regions (one leader and its
//! followers each), the topology between leaders, the conflict strategy,
//! loop prevention and key homes, plus the commands that change them at
//! run time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::NodeId;

/// How leaders pass updates to each other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topology {
    /// Every leader sends its own writes to every other leader.
    #[default]
    AllToAll,
    /// Each leader sends to the next one in region order; updates are forwarded around.
    Ring,
    /// Leaders send to the hub, which forwards to everyone else.
    Star { hub: NodeId },
}

impl Topology {
    pub fn describe(&self) -> String {
        match self {
            Topology::AllToAll => "all-to-all".into(),
            Topology::Ring => "ring".into(),
            Topology::Star { hub } => format!("star around {hub}"),
        }
    }
}

/// How concurrent writes to one key are resolved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Last write wins: the higher timestamp from the origin's own clock
    /// (then the higher node id); the other write is silently dropped.
    #[default]
    Lww,
    /// Version vectors detect concurrency and keep both values as siblings
    /// until a write that has seen them replaces them.
    VersionVectors,
    /// A merge function: concurrent values become their union
    /// (comma-separated elements, sorted), losing neither.
    Merge,
    /// CRDTs: counters are PN-counters, sets are add-wins OR-sets, plain
    /// writes are multi-value registers (siblings, as version vectors).
    Crdt,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Lww => "last write wins",
            Strategy::VersionVectors => "version vectors",
            Strategy::Merge => "merge (union)",
            Strategy::Crdt => "crdt",
        }
    }
}

/// One region: a leader and the followers it feeds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub name: String,
    pub leader: NodeId,
    pub followers: Vec<NodeId>,
}

/// Every setting of a multi-leader cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiLeaderSettings {
    /// In ring order. A node in no region is a leader of its own.
    pub regions: Vec<Region>,
    pub topology: Topology,
    pub strategy: Strategy,
    /// Updates carry their origin and the leaders they passed, so none is
    /// forwarded twice. Off: every node forwards everything it receives.
    pub loop_prevention: bool,
    /// Conflict avoidance: writes to a key go to the leader of its home region.
    pub use_key_homes: bool,
    /// Home region (index into `regions`) per key; keys not listed live in region 0.
    pub key_homes: BTreeMap<String, usize>,
    /// Unacknowledged updates to a peer are sent again this often.
    pub resend_us: u64,
}

impl Default for MultiLeaderSettings {
    fn default() -> Self {
        MultiLeaderSettings {
            regions: Vec::new(),
            topology: Topology::AllToAll,
            strategy: Strategy::Lww,
            loop_prevention: true,
            use_key_homes: false,
            key_homes: BTreeMap::new(),
            resend_us: 500_000,
        }
    }
}

impl MultiLeaderSettings {
    /// The index of the region `node` belongs to, if any.
    pub fn region_of(&self, node: NodeId) -> Option<usize> {
        self.regions.iter().position(|r| r.leader == node || r.followers.contains(&node))
    }

    /// Every region's leader, in ring order.
    pub fn leaders(&self) -> Vec<NodeId> {
        self.regions.iter().map(|r| r.leader).collect()
    }

    /// True if `node` leads a region (or belongs to none: it leads itself).
    pub fn is_leader(&self, node: NodeId) -> bool {
        self.regions.iter().any(|r| r.leader == node) || self.region_of(node).is_none()
    }

    /// The leader of the region that is home to `key`.
    pub fn home_leader(&self, key: &str) -> Option<NodeId> {
        let region = self.key_homes.get(key).copied().unwrap_or(0);
        self.regions.get(region).map(|r| r.leader)
    }

    /// The leaders `me` passes an update to, given the leaders it has passed
    /// and the node it came from (`None`: written here). With loop
    /// prevention, never a leader already passed; without, every hop the
    /// topology names except the sender.
    pub fn next_leaders(&self, me: NodeId, passed: &[NodeId], from: Option<NodeId>) -> Vec<NodeId> {
        let leaders = self.leaders();
        let Some(at) = leaders.iter().position(|&l| l == me) else { return Vec::new() };
        let hops: Vec<NodeId> = match self.topology {
            // Only the origin sends: every other leader is one hop away.
            Topology::AllToAll if self.loop_prevention && from.is_some() => Vec::new(),
            Topology::AllToAll => leaders.iter().copied().filter(|&l| l != me).collect(),
            Topology::Ring => leaders.get((at + 1) % leaders.len()).copied().into_iter().collect(),
            Topology::Star { hub } if hub == me => leaders.iter().copied().filter(|&l| l != me).collect(),
            Topology::Star { hub } => vec![hub],
        };
        hops.into_iter()
            .filter(|&l| l != me && Some(l) != from)
            .filter(|l| !self.loop_prevention || !passed.contains(l))
            .collect()
    }
}

/// Interventions on a multi-leader cluster; each node applies them to its
/// own copy of the settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MultiLeaderCommand {
    SetTopology(Topology),
    SetStrategy(Strategy),
    SetLoopPrevention(bool),
    SetKeyHomes(bool),
}

impl MultiLeaderCommand {
    pub fn apply_to(&self, s: &mut MultiLeaderSettings) {
        match *self {
            MultiLeaderCommand::SetTopology(t) => s.topology = t,
            MultiLeaderCommand::SetStrategy(st) => s.strategy = st,
            MultiLeaderCommand::SetLoopPrevention(on) => s.loop_prevention = on,
            MultiLeaderCommand::SetKeyHomes(on) => s.use_key_homes = on,
        }
    }
}
