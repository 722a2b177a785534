//! The neutral view of a leaderless node: every node a replica, no epoch, a
//! version store whose rows are the versions held (with their dots and
//! contexts) followed by the hints held for other nodes ("hint for n3"),
//! and hints as the pending work.

use sim::versions::{KeyVersions, NodeVersions};
use sim::Role;

use super::node::{LeaderlessNode, VERSIONS_PER_KEY_MAX};
use crate::view::{ReplicaView, SiblingMap, StoreRow, StoreSummary};

impl ReplicaView for LeaderlessNode {
    fn role(&self) -> Role {
        Role::Replica
    }

    fn epoch(&self) -> Option<u64> {
        None
    }

    fn store(&self) -> StoreSummary {
        let siblings = self.d.store.values().filter(|k| k.sibs.len() > 1).count() as u64;
        StoreSummary::Versions { applied: self.d.applied, keys_with_siblings: siblings }
    }

    fn store_rows(&self, max: usize) -> (u64, Vec<StoreRow>) {
        let mut rows = Vec::new();
        for (key, k) in &self.d.store {
            for s in &k.sibs {
                rows.push(row(key, &s.value, s.stamp(), None));
            }
        }
        for (&home, keys) in &self.d.hints {
            for (key, k) in keys {
                for s in &k.sibs {
                    rows.push(row(key, &s.value, format!("hint for {home}"), Some(home)));
                }
            }
        }
        let skip = rows.len().saturating_sub(max);
        let rows = rows
            .into_iter()
            .skip(skip)
            .enumerate()
            .map(|(i, r)| StoreRow { index: (skip + i + 1) as u64, ..r })
            .collect();
        (skip as u64, rows)
    }

    fn kv_siblings(&self) -> SiblingMap {
        self.d.store.iter().map(|(k, s)| (k.clone(), s.values())).filter(|(_, v)| !v.is_empty()).collect()
    }

    fn lag_entries(&self) -> u64 {
        0
    }

    /// Hinted versions waiting to be handed back.
    fn pending(&self) -> u64 {
        self.hints().values().sum()
    }

    fn replicates(&self, key: &str) -> bool {
        self.ring.is_home(key, self.settings.n_for(self.nodes.len()), self.id)
    }

    fn hinted_for(&self) -> Vec<(sim::NodeId, u64)> {
        self.hints().into_iter().collect()
    }

    fn versions(&self) -> NodeVersions {
        self.d
            .store
            .iter()
            .map(|(k, s)| {
                let applied = self.d.history.get(k).cloned().unwrap_or_default();
                // At the bound the oldest versions were dropped.
                let folded = applied.len() >= VERSIONS_PER_KEY_MAX;
                (k.clone(), KeyVersions { applied, current: s.values(), folded })
            })
            .collect()
    }
}

fn row(key: &str, value: &str, stamp: String, origin: Option<sim::NodeId>) -> StoreRow {
    StoreRow {
        index: 0,
        epoch: 0,
        key: key.to_string(),
        value: value.to_string(),
        stamp,
        origin,
        committed: true,
        applied: true,
    }
}
