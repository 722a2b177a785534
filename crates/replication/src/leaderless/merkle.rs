//! Anti-entropy's Merkle tree: the key space cut into [`RANGES`] ranges of
//! the ring's hash space, one leaf hash per range over the keys in it (their
//! names and the dots of the versions held), and a root over the leaves.
//!
//! Two replicas compare roots; if they differ, they compare leaves and
//! exchange only the keys in the ranges whose leaves differ. The tree is
//! built over the keys both replicas are home to, so a node never ships a
//! key the other does not keep.
//!
//! ```
//! use std::collections::BTreeMap;
//! use replication::leaderless::merkle::{differing, leaves, root};
//! let empty: BTreeMap<String, replication::leaderless::dvv::KeyState> = BTreeMap::new();
//! let a = leaves(empty.iter());
//! assert_eq!(root(&a), root(&leaves(empty.iter())));
//! assert!(differing(&a, &a).is_empty());
//! ```

use super::dvv::KeyState;
use super::ring::{key_hash, mix64};

/// How many ranges (leaves) the key space is cut into.
pub const RANGES: u32 = 16;

/// The range a key falls in: the top bits of its ring position.
pub fn range_of(key: &str) -> u32 {
    (key_hash(key) >> 60) as u32
}

/// One hash per range over `keys` (name and held dots), in range order.
pub fn leaves<'a>(keys: impl Iterator<Item = (&'a String, &'a KeyState)>) -> Vec<u64> {
    let mut out = vec![0u64; RANGES as usize];
    for (key, state) in keys {
        let mut h = key_hash(key);
        for dot in state.dots() {
            h = mix64(h ^ (u64::from(dot.node.0) << 48) ^ dot.n);
        }
        let leaf = &mut out[range_of(key) as usize];
        // Order-independent within a leaf: keys arrive sorted anyway.
        *leaf = leaf.wrapping_add(mix64(h));
    }
    out
}

/// The root over the leaves.
pub fn root(leaves: &[u64]) -> u64 {
    leaves.iter().fold(0u64, |h, &l| mix64(h ^ l))
}

/// The ranges whose leaves differ.
pub fn differing(a: &[u64], b: &[u64]) -> Vec<u32> {
    if root(a) == root(b) {
        return Vec::new();
    }
    (0..RANGES).filter(|&i| a.get(i as usize) != b.get(i as usize)).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use sim::NodeId;

    use super::super::dvv::{Dot, Sib, Vv};
    use super::*;

    #[test]
    fn one_changed_key_shows_as_exactly_its_range() {
        let mut a: BTreeMap<String, KeyState> = BTreeMap::new();
        for i in 0..40 {
            a.entry(format!("k{i}")).or_default().merge(&Sib::new("v", Dot::new(NodeId(0), i), Vv::default(), vec![]));
        }
        let mut b = a.clone();
        b.get_mut("k7").unwrap().merge(&Sib::new("w", Dot::new(NodeId(1), 1), Vv::default(), vec![]));
        assert_eq!(differing(&leaves(a.iter()), &leaves(b.iter())), vec![range_of("k7")]);
        assert!(differing(&leaves(a.iter()), &leaves(a.clone().iter())).is_empty());
    }
}
