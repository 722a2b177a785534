//! The in-memory message bus: who can talk to whom, and how long it takes.
//!
//! [`Network`] holds the fault state (a partition, one-way cuts), the
//! bandwidth queues of links with limited capacity and the network's own
//! random stream. [`Network::route`] decides a message's fate at send time:
//! blocked, lost, or delivered at some time (perhaps twice). Partitions and
//! cuts are checked again at delivery by [`Network::blocked`], so a message in
//! flight into a partition that forms meanwhile is dropped.
//!
//! Random draws happen in a fixed order (loss, latency, jitter, duplication,
//! then the copy's latency and jitter) and only for features a link uses, so a
//! loss-free link never consumes the loss die.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::{Latency, LinkConfig, NetworkConfig};
use crate::ids::{Micros, NodeId};
use crate::rng::Rng;
use crate::trace::DropReason;

/// What happens to a message handed to the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// It never leaves (partition, cut link) or is lost on the way.
    Dropped(DropReason),
    /// It arrives at `at_us`; a duplicate, if any, at `copy_at_us`.
    Deliver { at_us: Micros, copy_at_us: Option<Micros> },
}

/// Network fault state plus the network's random stream.
#[derive(Clone, Debug)]
pub(crate) struct Network {
    rng: Rng,
    /// The groups as given; empty when there is no partition.
    groups: Vec<Vec<NodeId>>,
    /// Group index per node id; nodes not listed share index `groups.len()`.
    group_of: Vec<u32>,
    cuts: BTreeSet<(NodeId, NodeId)>,
    /// When each bandwidth-limited directed link is free again.
    link_free_us: BTreeMap<(NodeId, NodeId), Micros>,
}

impl Network {
    pub(crate) fn new(rng: Rng) -> Self {
        Network { rng, groups: Vec::new(), group_of: Vec::new(), cuts: BTreeSet::new(), link_free_us: BTreeMap::new() }
    }

    /// Why `from` cannot reach `to` right now, if it cannot.
    #[inline]
    pub(crate) fn blocked(&self, from: NodeId, to: NodeId) -> Option<DropReason> {
        if !self.group_of.is_empty() && self.group(from) != self.group(to) {
            return Some(DropReason::Partitioned);
        }
        if !self.cuts.is_empty() && self.cuts.contains(&(from, to)) {
            return Some(DropReason::LinkCut);
        }
        None
    }

    fn group(&self, node: NodeId) -> u32 {
        let extra = self.groups.len() as u32;
        self.group_of.get(node.0 as usize).copied().unwrap_or(extra)
    }

    /// Decides the fate of a message of `size_bytes` sent now.
    pub(crate) fn route(
        &mut self,
        config: &NetworkConfig,
        from: NodeId,
        to: NodeId,
        size_bytes: u32,
        now_us: Micros,
    ) -> Route {
        if let Some(reason) = self.blocked(from, to) {
            return Route::Dropped(reason);
        }
        let link = config.link(from, to);
        if self.rng.chance_ppm(link.loss_ppm) {
            return Route::Dropped(DropReason::Lost);
        }
        let depart_us = self.depart(link, from, to, size_bytes, now_us);
        let at_us = depart_us.saturating_add(self.delay(link));
        let copy_at_us = if self.rng.chance_ppm(link.duplicate_ppm) {
            Some(depart_us.saturating_add(self.delay(link)))
        } else {
            None
        };
        Route::Deliver { at_us, copy_at_us }
    }

    /// When the message has fully left the sender: now on an unlimited link,
    /// else after the messages queued before it and its own serialisation.
    fn depart(&mut self, link: &LinkConfig, from: NodeId, to: NodeId, size_bytes: u32, now_us: Micros) -> Micros {
        let Some(bytes_per_ms) = link.bandwidth_bytes_per_ms else { return now_us };
        let serialise_us = (u64::from(size_bytes) * 1_000).div_ceil(u64::from(bytes_per_ms.max(1)));
        let free_us = self.link_free_us.entry((from, to)).or_insert(0);
        let done_us = (*free_us).max(now_us).saturating_add(serialise_us);
        *free_us = done_us;
        done_us
    }

    /// Propagation delay: latency plus jitter.
    fn delay(&mut self, link: &LinkConfig) -> Micros {
        let latency_us = match link.latency {
            Latency::Fixed { us } => us,
            Latency::Uniform { min_us, max_us } => min_us + self.rng.below(max_us.saturating_sub(min_us) + 1),
            Latency::LongTail { base_us, tail_ppm, tail_us } => {
                if tail_us > 0 && self.rng.chance_ppm(tail_ppm) {
                    base_us.saturating_add(1 + self.rng.below(tail_us))
                } else {
                    base_us
                }
            }
        };
        let jitter_us = if link.jitter_us > 0 { self.rng.below(link.jitter_us + 1) } else { 0 };
        latency_us.saturating_add(jitter_us)
    }

    /// Replaces the partition. `groups` must name existing nodes at most once
    /// each (the caller checks); unlisted nodes form one extra group.
    pub(crate) fn partition(&mut self, groups: Vec<Vec<NodeId>>, node_count: usize) {
        let extra = groups.len() as u32;
        self.group_of = vec![extra; node_count];
        for (i, group) in groups.iter().enumerate() {
            for node in group {
                self.group_of[node.0 as usize] = i as u32;
            }
        }
        self.groups = groups;
    }

    /// Removes the partition and every one-way cut.
    pub(crate) fn heal(&mut self) {
        self.groups.clear();
        self.group_of.clear();
        self.cuts.clear();
    }

    pub(crate) fn cut(&mut self, from: NodeId, to: NodeId) {
        self.cuts.insert((from, to));
    }

    pub(crate) fn restore(&mut self, from: NodeId, to: NodeId) {
        self.cuts.remove(&(from, to));
    }

    /// Grows the group table for a node added while a partition is active:
    /// the new node joins the unlisted group.
    pub(crate) fn node_added(&mut self, node_count: usize) {
        if !self.group_of.is_empty() {
            self.group_of.resize(node_count, self.groups.len() as u32);
        }
    }

    /// The partition groups as given, empty when there is none.
    pub(crate) fn groups(&self) -> &[Vec<NodeId>] {
        &self.groups
    }

    /// The one-way cuts, in order.
    pub(crate) fn cuts(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.cuts.iter().copied()
    }

    /// True if `(from, to)` is cut one way.
    pub(crate) fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cuts.contains(&(from, to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LinkConfig;

    fn net() -> (Network, NetworkConfig) {
        (Network::new(Rng::seeded(1)), NetworkConfig::default())
    }

    #[test]
    fn unlisted_nodes_form_one_group() {
        let (mut n, _) = net();
        n.partition(vec![vec![NodeId(0)]], 3);
        assert_eq!(n.blocked(NodeId(1), NodeId(2)), None);
        assert_eq!(n.blocked(NodeId(0), NodeId(2)), Some(DropReason::Partitioned));
        n.heal();
        assert_eq!(n.blocked(NodeId(0), NodeId(2)), None);
    }

    #[test]
    fn bandwidth_queues_messages_on_the_link() {
        let (mut n, mut config) = net();
        config.default_link = LinkConfig { bandwidth_bytes_per_ms: Some(1_000), ..LinkConfig::fixed(100) };
        // 500 bytes at 1000 bytes/ms take 500 µs each; the second waits for the first.
        let a = n.route(&config, NodeId(0), NodeId(1), 500, 0);
        let b = n.route(&config, NodeId(0), NodeId(1), 500, 0);
        let other = n.route(&config, NodeId(1), NodeId(0), 500, 0);
        assert_eq!(a, Route::Deliver { at_us: 600, copy_at_us: None });
        assert_eq!(b, Route::Deliver { at_us: 1_100, copy_at_us: None });
        assert_eq!(other, Route::Deliver { at_us: 600, copy_at_us: None });
    }
}
