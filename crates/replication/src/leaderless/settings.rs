//! What a leaderless cluster is set up with: N, R, W (per cluster and per
//! client), sloppy quorum with hinted handoff, read repair, anti-entropy,
//! the ring's virtual nodes and the timeouts; plus the commands that change
//! them at run time.
//!
//! Per-client quorums live here, keyed by client id, rather than in the
//! request's read policy: the kernel's `ReadPolicy` is shared by every
//! family and carries no number, and a client's R or W only means something
//! to a leaderless coordinator. Every node holds the same table, so a client
//! gets its quorum whichever node coordinates.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::ClientId;

/// One client's own R and/or W (the cluster's where `None`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientQuorum {
    pub r: Option<u32>,
    pub w: Option<u32>,
}

/// Every setting of a leaderless cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderlessSettings {
    /// Replicas per key.
    pub n: u32,
    /// Replies a read waits for.
    pub r: u32,
    /// Acknowledgements a write waits for.
    pub w: u32,
    /// Per-client overrides of R and W.
    pub clients: BTreeMap<ClientId, ClientQuorum>,
    /// When a home replica does not answer, borrow the next node on the ring
    /// and leave a hint there. Off: the request fails short of its quorum.
    pub sloppy_quorum: bool,
    /// A read writes the newest version back to replicas that answered stale.
    pub read_repair: bool,
    /// Merkle-tree comparison with one peer this often; 0 is off.
    pub anti_entropy_us: u64,
    /// Points per node on the ring.
    pub vnodes: u32,
    /// A coordinator waits this long for replicas before falling back (sloppy
    /// quorum) or failing the request.
    pub request_timeout_us: u64,
    /// A node holding hints tries to hand them back this often.
    pub handoff_us: u64,
}

impl Default for LeaderlessSettings {
    fn default() -> Self {
        LeaderlessSettings {
            n: 3,
            r: 2,
            w: 2,
            clients: BTreeMap::new(),
            sloppy_quorum: false,
            read_repair: true,
            anti_entropy_us: 0,
            vnodes: 8,
            request_timeout_us: 200_000,
            handoff_us: 250_000,
        }
    }
}

impl LeaderlessSettings {
    /// N, capped by the cluster size.
    pub fn n_for(&self, nodes: usize) -> usize {
        (self.n as usize).clamp(1, nodes.max(1))
    }

    /// The R a read by `client` waits for, capped by N.
    pub fn r_for(&self, client: ClientId, n: usize) -> usize {
        let r = self.clients.get(&client).and_then(|q| q.r).unwrap_or(self.r);
        (r as usize).clamp(1, n)
    }

    /// The W a write by `client` waits for, capped by N.
    pub fn w_for(&self, client: ClientId, n: usize) -> usize {
        let w = self.clients.get(&client).and_then(|q| q.w).unwrap_or(self.w);
        (w as usize).clamp(1, n)
    }

    /// "R + W > N: every read overlaps the latest acknowledged write" or its negation.
    pub fn overlap(&self) -> String {
        let (n, r, w) = (self.n, self.r, self.w);
        if r + w > n {
            format!("R + W = {} > N = {n}: every read overlaps the latest acknowledged write", r + w)
        } else {
            format!("R + W = {} <= N = {n}: a read can miss the latest acknowledged write", r + w)
        }
    }
}

/// Interventions on a leaderless cluster; every node applies them to its own copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaderlessCommand {
    SetN(u32),
    SetR(u32),
    SetW(u32),
    SetClientQuorum { client: ClientId, quorum: ClientQuorum },
    SetSloppyQuorum(bool),
    SetReadRepair(bool),
    SetAntiEntropy { interval_us: u64 },
}

impl LeaderlessCommand {
    pub fn apply_to(&self, s: &mut LeaderlessSettings) {
        match *self {
            LeaderlessCommand::SetN(n) => s.n = n.max(1),
            LeaderlessCommand::SetR(r) => s.r = r.max(1),
            LeaderlessCommand::SetW(w) => s.w = w.max(1),
            LeaderlessCommand::SetClientQuorum { client, quorum } => {
                s.clients.insert(client, quorum);
            }
            LeaderlessCommand::SetSloppyQuorum(on) => s.sloppy_quorum = on,
            LeaderlessCommand::SetReadRepair(on) => s.read_repair = on,
            LeaderlessCommand::SetAntiEntropy { interval_us } => s.anti_entropy_us = interval_us,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_client_quorums_override_the_cluster_and_are_capped_by_n() {
        let mut s = LeaderlessSettings::default();
        LeaderlessCommand::SetClientQuorum { client: ClientId(1), quorum: ClientQuorum { r: Some(1), w: None } }
            .apply_to(&mut s);
        assert_eq!((s.r_for(ClientId(0), 3), s.r_for(ClientId(1), 3), s.w_for(ClientId(1), 3)), (2, 1, 2));
        LeaderlessCommand::SetW(9).apply_to(&mut s);
        assert_eq!(s.w_for(ClientId(0), 3), 3);
        assert_eq!(s.n_for(2), 2);
        assert_eq!(s.overlap(), "R + W = 11 > N = 3: every read overlaps the latest acknowledged write");
    }
}
