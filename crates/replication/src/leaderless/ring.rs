//! The consistent-hash ring: where a key lives.
//!
//! Each node owns `vnodes` points on a 64-bit ring, placed by an integer
//! hash of (node id, point index); a key hashes to a point, and its
//! *preference list* is the next N distinct nodes clockwise. The nodes after
//! those, in the same walk, are the fallbacks a sloppy quorum borrows. The
//! ring is a sorted `Vec`, so every walk is deterministic; nothing here
//! iterates a hash map or uses a float.
//!
//! ```
//! use replication::leaderless::ring::Ring;
//! use sim::NodeId;
//! let nodes: Vec<NodeId> = (0..5).map(NodeId).collect();
//! let ring = Ring::new(&nodes, 8);
//! let prefs = ring.preference_list("x", 3);
//! assert_eq!(prefs.len(), 3);
//! assert_eq!(ring.walk("x").take(3).collect::<Vec<_>>(), prefs);
//! ```

use serde::{Deserialize, Serialize};
use sim::NodeId;

/// At most this many points per node (so a 64-node ring has at most 4 096).
pub const VNODES_PER_NODE_MAX: u32 = 64;

/// SplitMix64's finaliser: a fixed, well-mixed integer hash.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A key's point on the ring: FNV-1a over its bytes, then mixed.
pub fn key_hash(key: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    mix64(h)
}

/// The ring: points sorted by position.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ring {
    /// (position, node), sorted.
    points: Vec<(u64, NodeId)>,
    nodes: usize,
}

impl Ring {
    /// A ring of `nodes`, each with `vnodes` points (1..=[`VNODES_PER_NODE_MAX`]).
    pub fn new(nodes: &[NodeId], vnodes: u32) -> Self {
        let vnodes = vnodes.clamp(1, VNODES_PER_NODE_MAX);
        let mut points: Vec<(u64, NodeId)> = nodes
            .iter()
            .flat_map(|&n| (0..vnodes).map(move |v| (mix64((u64::from(n.0) << 32) | u64::from(v)), n)))
            .collect();
        points.sort();
        let mut distinct = nodes.to_vec();
        distinct.sort();
        distinct.dedup();
        Ring { points, nodes: distinct.len() }
    }

    /// How many distinct nodes the ring has.
    pub fn node_count(&self) -> usize {
        self.nodes
    }

    /// Every distinct node, clockwise from `key`'s point: the preference
    /// list first, then the fallbacks.
    pub fn walk<'a>(&'a self, key: &str) -> impl Iterator<Item = NodeId> + 'a {
        let h = key_hash(key);
        let start = self.points.partition_point(|&(p, _)| p < h);
        let len = self.points.len();
        let mut seen: Vec<NodeId> = Vec::new();
        (0..len).filter_map(move |i| {
            let node = self.points[(start + i) % len].1;
            if seen.contains(&node) {
                None
            } else {
                seen.push(node);
                Some(node)
            }
        })
    }

    /// The next `n` distinct nodes clockwise from `key` (fewer if the ring is smaller).
    pub fn preference_list(&self, key: &str, n: usize) -> Vec<NodeId> {
        self.walk(key).take(n).collect()
    }

    /// True if `node` is one of `key`'s `n` home replicas.
    pub fn is_home(&self, key: &str, n: usize, node: NodeId) -> bool {
        self.walk(key).take(n).any(|x| x == node)
    }

    /// How many points each node owns, in node order (for balance checks).
    pub fn points_of(&self, node: NodeId) -> usize {
        self.points.iter().filter(|p| p.1 == node).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(n: u32) -> Vec<NodeId> {
        (0..n).map(NodeId).collect()
    }

    #[test]
    fn hashes_are_fixed_integers() {
        assert_eq!(key_hash("x"), key_hash("x"));
        assert_ne!(key_hash("x"), key_hash("y"));
        assert_eq!(mix64(0), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn preference_lists_are_distinct_nodes_and_stable() {
        let ring = Ring::new(&nodes(5), 8);
        for key in ["x", "y", "k1", "k2", "name"] {
            let p = ring.preference_list(key, 3);
            let mut d = p.clone();
            d.sort();
            d.dedup();
            assert_eq!(d.len(), 3, "{key}: {p:?}");
            assert_eq!(ring.walk(key).count(), 5);
        }
        assert_eq!(ring.preference_list("x", 9).len(), 5, "at most every node");
        assert_eq!(Ring::new(&nodes(5), 8), ring, "the same nodes give the same ring");
    }

    #[test]
    fn sixty_four_nodes_share_keys_roughly_evenly() {
        let ring = Ring::new(&nodes(64), 16);
        assert_eq!(ring.node_count(), 64);
        let mut first = vec![0u32; 64];
        for i in 0..6_400 {
            first[ring.preference_list(&format!("k{i}"), 1)[0].0 as usize] += 1;
        }
        let (min, max) = (first.iter().min().copied(), first.iter().max().copied());
        assert!(min > Some(20) && max < Some(300), "{min:?}..{max:?}");
    }
}
