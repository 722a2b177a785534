//! The view model: what the page draws, computed natively from a session.
//!
//! [`ClusterView`] lists nodes with canvas positions, roles, epochs and lag,
//! and the links between them with their latency and whether they are cut.
//! [`node_states`] gives each node's log and key-value state for panels and
//! the report. The web crate renders these; it never reads the kernel.

use std::collections::BTreeMap;

use replication::versions::KeyVersions;
use replication::view::{SiblingMap, StoreSummary};
use serde::{Deserialize, Serialize};
use sim::{NodeId, NodeStatus};

use crate::session::Session;

/// The role a node plays, as the page colours it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Leader,
    Follower,
    Candidate,
    Replica,
    /// Crashed.
    Offline,
    Paused,
}

impl Role {
    /// The lowercase word used in accessible names and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Leader => "leader",
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Replica => "replica",
            Role::Offline => "offline",
            Role::Paused => "paused",
        }
    }
}

/// One node as drawn on the canvas.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeView {
    pub id: String,
    pub role: Role,
    pub epoch: u64,
    /// Entries behind the leader (0 for the leader and unreplicated nodes).
    pub lag_entries: u64,
    /// A leader whose lease ran out (fencing on): it refuses writes.
    pub fenced: bool,
    /// False in families without epochs (the canvas then shows none).
    pub has_epoch: bool,
    /// The node's region, "" when it has none.
    pub region: String,
    pub clock_skew_ms: i64,
    /// Keys holding siblings now.
    pub sibling_keys: u64,
    /// Updates waiting to be acknowledged by peers (multi leader), or writes waiting.
    pub pending: u64,
    /// Hinted writes held for other nodes: (home, count), e.g. a hint for n3.
    pub hints: Vec<(String, u64)>,
    pub x_px: i32,
    pub y_px: i32,
}

impl NodeView {
    /// The accessible name a screen reader announces, e.g. "Node n2, follower, lag 3 entries".
    pub fn accessible_name(&self) -> String {
        let mut name = self.role_name();
        if !self.region.is_empty() {
            name.push_str(&format!(", region {}", self.region));
        }
        if self.clock_skew_ms != 0 {
            name.push_str(&format!(", clock {:+} ms", self.clock_skew_ms));
        }
        for (home, count) in &self.hints {
            name.push_str(&format!(", {count} {} for {home}", plural(*count, "hint", "hints")));
        }
        if self.sibling_keys > 0 {
            name.push_str(&format!(
                ", {} {} with siblings",
                self.sibling_keys,
                plural(self.sibling_keys, "key", "keys")
            ));
        }
        name
    }

    fn role_name(&self) -> String {
        match self.role {
            Role::Follower => format!(
                "Node {}, follower, lag {} {}",
                self.id,
                self.lag_entries,
                plural(self.lag_entries, "entry", "entries")
            ),
            role => format!("Node {}, {}", self.id, role.as_str()),
        }
    }
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// One link between two nodes (drawn once per pair).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkView {
    pub from: String,
    pub to: String,
    pub latency_ms: u64,
    /// Messages cannot pass in at least one direction.
    pub cut: bool,
}

/// Everything the canvas needs for one frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterView {
    pub nodes: Vec<NodeView>,
    pub links: Vec<LinkView>,
}

/// The canvas is 1000 by 700 user units; nodes without a position go on a circle.
pub const CANVAS_WIDTH: i32 = 1000;
pub const CANVAS_HEIGHT: i32 = 700;

/// The radius of the default circle (the hash ring of a leaderless
/// cluster): wider for big clusters so 64 small nodes fit around it.
pub fn ring_radius(n: usize) -> i32 {
    if n > 16 {
        290
    } else {
        260
    }
}

/// Position of node `i` of `n` on the default circle, in integer math.
pub fn circle_position(i: usize, n: usize) -> (i32, i32) {
    // A 64-step table of cos * 1000 keeps the layout free of floats; up to 16
    // nodes use every fourth step, as the layout always has.
    const COS: [i32; 64] = [
        1000, 995, 981, 957, 924, 882, 831, 773, 707, 634, 556, 471, 383, 290, 195, 98, 0, -98, -195, -290, -383, -471,
        -556, -634, -707, -773, -831, -882, -924, -957, -981, -995, -1000, -995, -981, -957, -924, -882, -831, -773,
        -707, -634, -556, -471, -383, -290, -195, -98, 0, 98, 195, 290, 383, 471, 556, 634, 707, 773, 831, 882, 924,
        957, 981, 995,
    ];
    let step = if n > 16 { (i * 64 / n) % 64 } else { (i * 16 / n.max(1)) % 16 * 4 };
    let (c, s) = (COS[(step + 48) % 64], COS[step]); // sin, cos of the angle clockwise from the top
    let r = ring_radius(n);
    (CANVAS_WIDTH / 2 + c * r / 1000, CANVAS_HEIGHT / 2 - s * r / 1000)
}

/// A node's state for panels and reports: the neutral [`ReplicaView`] of
/// its protocol plus what the kernel knows (status, clock skew).
///
/// [`ReplicaView`]: replication::view::ReplicaView
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeState {
    pub id: NodeId,
    pub status: NodeStatus,
    /// `None` while crashed.
    pub role: Option<sim::Role>,
    /// `None` while crashed, or in a family without epochs.
    pub epoch: Option<u64>,
    pub leader: Option<NodeId>,
    /// The log or version store in figures; `None` while crashed.
    pub store: Option<StoreSummary>,
    pub last_index: u64,
    pub commit_index: u64,
    pub applied_index: u64,
    pub lag_entries: u64,
    /// Writes waiting for acks, hints, forwarding queues.
    pub pending: u64,
    pub conflicts_resolved: u64,
    /// A leader whose fencing lease ran out.
    pub fenced: bool,
    /// The node's clock minus true time, in milliseconds.
    pub clock_skew_ms: i64,
    /// Each key's value, or its siblings.
    pub kv: SiblingMap,
    /// Hinted writes held for other nodes, per home.
    pub hints: Vec<(NodeId, u64)>,
}

/// Every node's state now.
pub fn node_states(session: &Session) -> Vec<NodeState> {
    let engine = session.engine();
    let now = session.now_us() as i64;
    engine
        .nodes()
        .into_iter()
        .filter(|&id| engine.status(id) != NodeStatus::Removed)
        .map(|id| {
            let mut st = NodeState {
                id,
                status: engine.status(id),
                role: None,
                epoch: None,
                leader: None,
                store: None,
                last_index: 0,
                commit_index: 0,
                applied_index: 0,
                lag_entries: 0,
                pending: 0,
                conflicts_resolved: 0,
                fenced: false,
                clock_skew_ms: engine.local_time_us(id).map_or(0, |t| (t - now) / 1_000),
                kv: SiblingMap::new(),
                hints: Vec::new(),
            };
            if let Some(n) = engine.node(id) {
                let store = n.store();
                (st.last_index, st.commit_index, st.applied_index) = store.positions();
                (st.role, st.epoch, st.leader, st.store) = (Some(n.role()), n.epoch(), n.leader(), Some(store));
                (st.lag_entries, st.pending, st.conflicts_resolved) =
                    (n.lag_entries(), n.pending(), n.conflicts_resolved());
                st.fenced = n.fenced();
                st.kv = n.kv_siblings();
                st.hints = n.hinted_for();
            }
            st
        })
        .collect()
}

/// Every node's version data (see [`replication::versions`]), nodes that
/// are up only: what the checkers judge kept and lost writes from.
pub fn node_versions(session: &Session) -> BTreeMap<NodeId, BTreeMap<String, KeyVersions>> {
    let engine = session.engine();
    engine
        .nodes()
        .into_iter()
        .filter(|&id| engine.status(id) == NodeStatus::Up)
        .filter_map(|id| Some((id, engine.node(id)?.versions())))
        .collect()
}

/// True if some node that is up keeps the write of `value` to `key`: it is
/// an ancestor-or-self of that node's current value(s).
pub fn write_kept(session: &Session, key: &str, value: &str) -> bool {
    node_versions(session).values().any(|v| v.get(key).is_some_and(|k| k.keeps(value)))
}

impl ClusterView {
    /// What the canvas shows for a session now.
    pub fn of(session: &Session) -> ClusterView {
        let scenario = session.scenario();
        let names = session.names();
        let states = node_states(session);
        // Lag as the current leader sees it (the same figure as the lag panel),
        // falling back to the follower's own estimate when no leader knows it.
        let leader_lag = session.samples().all().last().map(|s| s.lag.clone()).unwrap_or_default();
        let n = states.len();
        let nodes: Vec<NodeView> = states
            .iter()
            .enumerate()
            .map(|(i, st)| {
                let id = names.node_name(st.id).to_string();
                let spec = scenario.nodes.iter().find(|s| s.id == id);
                let (cx, cy) = circle_position(i, n);
                let role = match (st.status, st.role) {
                    (NodeStatus::Crashed, _) | (_, None) => Role::Offline,
                    (NodeStatus::Paused, _) => Role::Paused,
                    (_, Some(sim::Role::Leader)) => Role::Leader,
                    (_, Some(sim::Role::Follower)) => Role::Follower,
                    (_, Some(sim::Role::Candidate)) => Role::Candidate,
                    (_, Some(sim::Role::Replica)) => Role::Replica,
                };
                NodeView {
                    id,
                    role,
                    epoch: st.epoch.unwrap_or(0),
                    lag_entries: leader_lag.iter().find(|l| l.node == st.id).map_or(st.lag_entries, |l| l.lag_entries),
                    fenced: st.fenced,
                    has_epoch: st.epoch.is_some(),
                    region: spec.map(|s| s.region.clone()).unwrap_or_default(),
                    clock_skew_ms: st.clock_skew_ms,
                    sibling_keys: st.kv.values().filter(|v| v.len() > 1).count() as u64,
                    pending: st.pending,
                    hints: st.hints.iter().map(|&(h, c)| (names.node_name(h).to_string(), c)).collect(),
                    x_px: spec.and_then(|s| s.x).unwrap_or(cx),
                    y_px: spec.and_then(|s| s.y).unwrap_or(cy),
                }
            })
            .collect();
        let mut links = Vec::new();
        for a in 0..n {
            for b in a + 1..n {
                let (ia, ib) = (NodeId(a as u32), NodeId(b as u32));
                links.push(LinkView {
                    from: nodes[a].id.clone(),
                    to: nodes[b].id.clone(),
                    latency_ms: session.engine().link_latency_us(ia, ib) / 1_000,
                    cut: !session.engine().can_reach(ia, ib) || !session.engine().can_reach(ib, ia),
                });
            }
        }
        ClusterView { nodes, links }
    }

    /// Finds a node by id.
    pub fn node(&self, id: &str) -> Option<&NodeView> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circle_positions_of_four_nodes_are_top_right_bottom_left() {
        let p: Vec<_> = (0..4).map(|i| circle_position(i, 4)).collect();
        assert_eq!(p, [(500, 90), (760, 350), (500, 610), (240, 350)]);
    }
}
