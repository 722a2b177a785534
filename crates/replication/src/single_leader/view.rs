//! A read-only view of one node for the page and the tests: role, epoch,
//! known leader, log, commit and applied positions, key-value state, and, on
//! the leader, each follower's progress and lag.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::{NodeId, Role};

use super::node::SingleLeaderNode;
use super::settings::{FollowerMode, SingleLeaderSettings};
use crate::log::ReplicatedLog;
use crate::versions::KeyVersions;
use crate::view::{PeerLag, SiblingMap, StoreRow, StoreSummary};

/// One log entry as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryView {
    pub index: u64,
    pub epoch: u64,
    pub key: String,
    pub value: String,
}

/// One follower as the leader sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowerLag {
    pub node: NodeId,
    pub mode: FollowerMode,
    /// The follower's log matches the leader's up to here.
    pub match_index: u64,
    /// The next position the leader will send.
    pub next_index: u64,
    /// The follower's applied position, as last reported.
    pub applied_index: u64,
    /// The follower has answered this leader, so its lag is known. A new
    /// leader (or a node that just joined) has no report yet: the lag is
    /// unknown, and `lag_entries` and `lag_us` are 0 rather than the whole log.
    #[serde(default)]
    pub lag_known: bool,
    /// Entries the leader has that the follower has not applied (0 when unknown).
    pub lag_entries: u64,
    /// How long ago (leader clock) the oldest entry the follower has not
    /// applied was appended; 0 when caught up or unknown.
    pub lag_us: u64,
}

/// Everything the page shows about one node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SingleLeaderView {
    pub id: NodeId,
    pub role: Role,
    pub epoch: u64,
    pub leader: Option<NodeId>,
    pub voted_for: Option<NodeId>,
    /// Positions up to here live only in the snapshot.
    pub log_base_index: u64,
    pub log: Vec<EntryView>,
    pub last_index: u64,
    pub commit_index: u64,
    pub applied_index: u64,
    pub kv: BTreeMap<String, String>,
    /// On the leader: one row per follower, in id order. Empty elsewhere.
    pub followers: Vec<FollowerLag>,
    /// As a follower: entries behind the leader's last position it has heard of.
    pub lag_entries: u64,
    /// On the leader: it holds a lease (heard from a majority within the timeout).
    pub lease_valid: bool,
}

impl SingleLeaderNode {
    pub fn id(&self) -> NodeId {
        self.id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The leader this node believes in (itself when leading), if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.leader
    }

    pub fn settings(&self) -> &SingleLeaderSettings {
        &self.settings
    }

    pub fn log(&self) -> &ReplicatedLog {
        &self.log
    }

    /// The acknowledged position (on followers: as far as the leader told them).
    pub fn commit_index(&self) -> u64 {
        self.commit_index
    }

    pub fn applied_index(&self) -> u64 {
        self.log.applied_index()
    }

    /// The applied key-value state, values only.
    pub fn kv(&self) -> BTreeMap<String, String> {
        self.log.kv().iter().map(|(k, v)| (k.clone(), v.value.clone())).collect()
    }

    /// One key of the applied state.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.log.get(key).map(|v| v.value.as_str())
    }

    /// Writes waiting for acknowledgements (leader only).
    pub fn pending_write_count(&self) -> usize {
        self.pending_writes.len()
    }

    /// As a follower: entries behind the leader's last known position.
    pub fn lag_entries(&self) -> u64 {
        self.leader_last_index.saturating_sub(self.log.applied_index())
    }

    /// On the leader, each follower's progress and lag, measured at the
    /// leader's clock of its latest event. Empty on other nodes. A follower
    /// that has not answered this leader yet is listed with `lag_known` false.
    pub fn follower_lags(&self) -> Vec<FollowerLag> {
        self.follower_lags_at(self.now_us)
    }

    /// As [`Self::follower_lags`], with lag in time measured at `now_local_us`
    /// on the leader's clock (the page passes the frame's time).
    pub fn follower_lags_at(&self, now_local_us: i64) -> Vec<FollowerLag> {
        let last = self.log.last_index();
        self.followers
            .iter()
            .map(|(&node, p)| {
                let applied = p.applied_index;
                let lag_entries = if p.reported { last.saturating_sub(applied) } else { 0 };
                let oldest = self.log.entry(applied + 1).or_else(|| self.log.entries().first());
                let lag_us = match (lag_entries, oldest) {
                    (0, _) | (_, None) => 0,
                    (_, Some(e)) => u64::try_from(now_local_us - e.written_at_us).unwrap_or(0),
                };
                FollowerLag {
                    node,
                    mode: self.settings.mode_of(node),
                    match_index: p.match_index,
                    next_index: p.next_index,
                    applied_index: p.applied_index,
                    lag_known: p.reported,
                    lag_entries,
                    lag_us,
                }
            })
            .collect()
    }

    /// The whole view, for the page.
    pub fn view(&self) -> SingleLeaderView {
        let leading = self.role == Role::Leader;
        SingleLeaderView {
            id: self.id,
            role: self.role,
            epoch: self.epoch,
            leader: self.leader,
            voted_for: self.voted_for,
            log_base_index: self.log.base_index(),
            log: self
                .log
                .entries()
                .iter()
                .map(|e| EntryView { index: e.index, epoch: e.epoch, key: e.key.clone(), value: e.value.clone() })
                .collect(),
            last_index: self.log.last_index(),
            commit_index: self.commit_index,
            applied_index: self.log.applied_index(),
            kv: self.kv(),
            followers: self.follower_lags(),
            lag_entries: if leading { 0 } else { self.lag_entries() },
            lease_valid: leading && self.lease_valid(),
        }
    }
}

impl crate::view::ReplicaView for SingleLeaderNode {
    fn role(&self) -> Role {
        self.role
    }

    fn epoch(&self) -> Option<u64> {
        Some(self.epoch)
    }

    fn leader(&self) -> Option<NodeId> {
        self.leader
    }

    fn store(&self) -> StoreSummary {
        StoreSummary::Log {
            base_index: self.log.base_index(),
            last_index: self.log.last_index(),
            commit_index: self.commit_index,
            applied_index: self.log.applied_index(),
        }
    }

    fn store_rows(&self, max: usize) -> (u64, Vec<StoreRow>) {
        let entries = self.log.entries();
        let skip = entries.len().saturating_sub(max);
        let rows = entries[skip..]
            .iter()
            .map(|e| StoreRow {
                index: e.index,
                epoch: e.epoch,
                key: e.key.clone(),
                value: e.value.clone(),
                stamp: String::new(),
                origin: None,
                committed: e.index <= self.commit_index,
                applied: e.index <= self.log.applied_index(),
            })
            .collect();
        (self.log.base_index() + skip as u64, rows)
    }

    fn kv_siblings(&self) -> SiblingMap {
        self.log.kv().iter().map(|(k, v)| (k.clone(), vec![v.value.clone()])).collect()
    }

    fn lag_entries(&self) -> u64 {
        if self.role == Role::Leader {
            0
        } else {
            SingleLeaderNode::lag_entries(self)
        }
    }

    fn pending(&self) -> u64 {
        self.pending_writes.len() as u64
    }

    fn fenced(&self) -> bool {
        self.role == Role::Leader && self.settings.fencing && !self.lease_valid()
    }

    fn peer_lags(&self, now_local_us: i64) -> Vec<PeerLag> {
        if self.role != Role::Leader {
            return Vec::new();
        }
        self.follower_lags_at(now_local_us)
            .into_iter()
            // A follower the leader has not heard from yet has no lag sample.
            .filter(|f| f.lag_known)
            .map(|f| PeerLag { node: f.node, lag_entries: f.lag_entries, lag_us: f.lag_us })
            .collect()
    }

    /// Each applied entry is a version whose writer (the leader that
    /// appended it) had seen the key's value just before it in the log; the
    /// snapshot's value stands first, marked folded (the chain starts from it).
    fn versions(&self) -> BTreeMap<String, KeyVersions> {
        let log = &self.log;
        let mut chains: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for e in log.entries().iter().take_while(|e| e.index <= log.applied_index()) {
            chains.entry(e.key.clone()).or_default().push(e.value.clone());
        }
        let keys: std::collections::BTreeSet<&String> = log.base_kv().keys().chain(chains.keys()).collect();
        keys.into_iter()
            .map(|k| {
                let base = log.base_kv().get(k).map(|v| v.value.clone());
                (k.clone(), KeyVersions::chain(base, chains.get(k).cloned().unwrap_or_default()))
            })
            .collect()
    }
}
