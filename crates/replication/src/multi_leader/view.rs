//! The neutral view of a multi-leader node: leaders and followers without
//! epochs, a version store whose rows are the current siblings with their
//! timestamps or version vectors, and lag as the updates a leader still
//! waits to have acknowledged per peer.

use std::collections::BTreeMap;

use sim::{NodeId, Role};

use super::node::MultiLeaderNode;
use super::settings::Strategy;
use crate::versions::KeyVersions;
use crate::view::{PeerLag, ReplicaView, SiblingMap, StoreRow, StoreSummary};

impl ReplicaView for MultiLeaderNode {
    fn role(&self) -> Role {
        if self.is_leader() {
            Role::Leader
        } else {
            Role::Follower
        }
    }

    fn epoch(&self) -> Option<u64> {
        None
    }

    fn leader(&self) -> Option<NodeId> {
        let r = self.settings.region_of(self.id)?;
        Some(self.settings.regions[r].leader)
    }

    fn store(&self) -> StoreSummary {
        let store = self.store();
        let siblings = store.keys.values().filter(|k| k.siblings.len() > 1).count() as u64;
        StoreSummary::Versions { applied: store.applied, keys_with_siblings: siblings }
    }

    fn store_rows(&self, max: usize) -> (u64, Vec<StoreRow>) {
        let lww = self.settings.strategy == Strategy::Lww;
        let mut rows = Vec::new();
        for (key, k) in &self.store().keys {
            if let Some(c) = &k.counter {
                let stamp = format!("+{:?} −{:?}", c.incs.values().sum::<u64>(), c.decs.values().sum::<u64>());
                rows.push(row(key, c.value().to_string(), stamp, None));
            } else if let Some(s) = &k.set {
                rows.push(row(key, s.elements().join(","), format!("{} tags removed", s.removed.len()), None));
            }
            for s in &k.siblings {
                let stamp =
                    if lww { format!("t={}.{:03} ms", s.ts / 1_000, (s.ts % 1_000).abs()) } else { s.vv.describe() };
                rows.push(row(key, s.value.clone(), stamp, Some(s.origin)));
            }
        }
        let skip = rows.len().saturating_sub(max);
        let rows: Vec<StoreRow> = rows
            .into_iter()
            .skip(skip)
            .enumerate()
            .map(|(i, r)| StoreRow { index: (skip + i + 1) as u64, ..r })
            .collect();
        (skip as u64, rows)
    }

    fn kv_siblings(&self) -> SiblingMap {
        self.store().keys.iter().map(|(k, s)| (k.clone(), s.read())).filter(|(_, v)| !v.is_empty()).collect()
    }

    fn lag_entries(&self) -> u64 {
        0
    }

    fn pending(&self) -> u64 {
        self.outbox().values().map(|q| q.len() as u64).sum()
    }

    fn conflicts_resolved(&self) -> u64 {
        self.store().conflicts_resolved
    }

    fn peer_lags(&self, now_local_us: i64) -> Vec<PeerLag> {
        self.outbox()
            .iter()
            .map(|(&node, q)| PeerLag {
                node,
                lag_entries: q.len() as u64,
                lag_us: q
                    .values()
                    .map(|o| o.first_sent_us)
                    .min()
                    .map_or(0, |t| u64::try_from(now_local_us - t).unwrap_or(0)),
            })
            .collect()
    }

    fn versions(&self) -> BTreeMap<String, KeyVersions> {
        self.store().versions()
    }
}

fn row(key: &str, value: String, stamp: String, origin: Option<NodeId>) -> StoreRow {
    StoreRow { index: 0, epoch: 0, key: key.to_string(), value, stamp, origin, committed: true, applied: true }
}
