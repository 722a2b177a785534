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
    /// Nodes sit on one circle, the hash ring of a leaderless cluster.
    pub ring: bool,
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

/// Up to this many nodes every link is drawn; above it only links that carry meaning.
pub const LINKS_ALL_NODES_MAX: usize = 8;

/// Above this many nodes the default layout is a grid, not a circle: a circle
/// of 64 nodes on this canvas overlaps itself.
pub const CIRCLE_LAYOUT_NODES_MAX: usize = 16;

/// Where node `i` of `n` goes when the scenario gives no position: on a
/// circle for small clusters. Large ones put the first node (the usual first
/// leader) in the middle and the rest on three rings around it, so the links a
/// leader uses run between nodes rather than over them. Layout only: these
/// floats never reach the simulation.
pub fn default_position(i: usize, n: usize) -> (i32, i32) {
    if n <= CIRCLE_LAYOUT_NODES_MAX {
        return circle_position(i, n);
    }
    const CENTRE: (f64, f64) = (400.0, 350.0);
    if i == 0 {
        return (CENTRE.0 as i32, CENTRE.1 as i32);
    }
    // Ring sizes in proportion to their circumference (radius 130, 215, 300).
    let rest = n - 1;
    let inner = rest * 130 / 645;
    let middle = rest * 215 / 645;
    let (ring, k, count, radius) = if i <= inner {
        (0, i - 1, inner, 130.0)
    } else if i <= inner + middle {
        (1, i - 1 - inner, middle, 215.0)
    } else {
        (2, i - 1 - inner - middle, rest - inner - middle, 300.0)
    };
    // Each ring starts half a step further round, so rays from the middle
    // pass between the nodes of the inner rings.
    let angle = std::f64::consts::TAU * (k as f64 + 0.5 * ring as f64) / count.max(1) as f64;
    ((CENTRE.0 + radius * angle.sin()).round() as i32, (CENTRE.1 - radius * angle.cos()).round() as i32)
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

/// Every node's state now, with its key-value state (for reports and checks).
pub fn node_states(session: &Session) -> Vec<NodeState> {
    states(session, true)
}

/// Every node's state now without its key-value state: what a frame needs.
/// The canvas runs this every frame; copying every node's map would cost
/// O(keys × nodes) per frame for nothing it draws.
pub fn node_summaries(session: &Session) -> Vec<NodeState> {
    states(session, false)
}

fn states(session: &Session, with_kv: bool) -> Vec<NodeState> {
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
                if with_kv {
                    st.kv = n.kv_siblings();
                }
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
        let states = node_summaries(session);
        // Lag as the current leader sees it (the same figure as the lag panel),
        // falling back to the follower's own estimate when no leader knows it.
        let leader_lag = session.samples().all().last().map(|s| s.lag.clone()).unwrap_or_default();
        let n = states.len();
        let ring = session.engine().ring_layout();
        let nodes: Vec<NodeView> = states
            .iter()
            .enumerate()
            .map(|(i, st)| {
                let id = names.node_name(st.id).to_string();
                let spec = scenario.nodes.iter().find(|s| s.id == id);
                let (cx, cy) = if ring { circle_position(i, n) } else { default_position(i, n) };
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
        // Small clusters draw every link. Large ones draw only the links that
        // carry meaning: those the protocol uses (to and from a leader or a
        // candidate) and those that are cut; 64 nodes have 2016 pairs.
        let all = n <= LINKS_ALL_NODES_MAX;
        let busy = |i: usize| matches!(nodes[i].role, Role::Leader | Role::Candidate);
        let mut links = Vec::new();
        for a in 0..n {
            for b in a + 1..n {
                let (ia, ib) = (states[a].id, states[b].id);
                let cut = !session.engine().can_reach(ia, ib) || !session.engine().can_reach(ib, ia);
                if !(all || cut || busy(a) || busy(b)) {
                    continue;
                }
                links.push(LinkView {
                    from: nodes[a].id.clone(),
                    to: nodes[b].id.clone(),
                    latency_ms: session.engine().link_latency_us(ia, ib) / 1_000,
                    cut,
                });
            }
        }
        ClusterView { nodes, links, ring }
    }

    /// Finds a node by id.
    pub fn node(&self, id: &str) -> Option<&NodeView> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

/// Compares node or client ids as a person would: "n2" before "n10".
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn split(s: &str) -> (&str, u64, &str) {
        let head = s.trim_end_matches(|c: char| c.is_ascii_digit());
        let digits = &s[head.len()..];
        (head, digits.parse().unwrap_or(0), digits)
    }
    let ((ha, na, da), (hb, nb, db)) = (split(a), split(b));
    ha.cmp(hb).then(na.cmp(&nb)).then(da.len().cmp(&db.len())).then(a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixty_four_nodes_get_distinct_positions_left_of_the_partition_zone() {
        let p: Vec<_> = (0..64).map(|i| default_position(i, 64)).collect();
        for (i, a) in p.iter().enumerate() {
            assert!(a.0 > 30 && a.0 < 760 && a.1 > 30 && a.1 < 670, "{a:?}");
            for b in &p[i + 1..] {
                assert!((a.0 - b.0).abs() + (a.1 - b.1).abs() >= 50, "{a:?} and {b:?} overlap");
            }
        }
    }

    #[test]
    fn natural_order_puts_n2_before_n10() {
        let mut ids = vec!["n10", "n2", "n1", "c3", "n16", "leader"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["c3", "leader", "n1", "n2", "n10", "n16"]);
    }

    #[test]
    fn circle_positions_of_four_nodes_are_top_right_bottom_left() {
        let p: Vec<_> = (0..4).map(|i| circle_position(i, 4)).collect();
        assert_eq!(p, [(500, 90), (760, 350), (500, 610), (240, 350)]);
    }
}
