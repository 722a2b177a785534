//! The view model: what the page draws, computed natively.
//!
//! A `ClusterView` lists nodes with their canvas positions and roles and the
//! links between them. The web crate renders it; it never reads the kernel.

use serde::{Deserialize, Serialize};

/// The role a node plays, as the page colours it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Leader,
    Follower,
    Offline,
}

impl Role {
    /// The lowercase word used in accessible names and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Leader => "leader",
            Role::Follower => "follower",
            Role::Offline => "offline",
        }
    }
}

/// One node as drawn on the canvas.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeView {
    pub id: String,
    pub role: Role,
    pub x_px: i32,
    pub y_px: i32,
}

impl NodeView {
    /// The accessible name a screen reader announces, e.g. "Node n1, leader".
    pub fn accessible_name(&self) -> String {
        format!("Node {}, {}", self.id, self.role.as_str())
    }
}

/// One link between two nodes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkView {
    pub from: String,
    pub to: String,
    pub latency_ms: u32,
}

/// Everything the canvas needs for one frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterView {
    pub nodes: Vec<NodeView>,
    pub links: Vec<LinkView>,
}

impl ClusterView {
    /// The default three-node single-leader cluster laid out as a triangle.
    pub fn default_cluster() -> Self {
        let spots = [("n1", Role::Leader, 320, 90), ("n2", Role::Follower, 160, 330), ("n3", Role::Follower, 480, 330)];
        let nodes = spots
            .iter()
            .map(|&(id, role, x_px, y_px)| NodeView { id: id.to_string(), role, x_px, y_px })
            .collect::<Vec<_>>();
        let links = vec![
            LinkView { from: "n1".into(), to: "n2".into(), latency_ms: 20 },
            LinkView { from: "n1".into(), to: "n3".into(), latency_ms: 20 },
            LinkView { from: "n2".into(), to: "n3".into(), latency_ms: 20 },
        ];
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
    fn default_cluster_has_one_leader_two_followers_and_three_links() {
        let view = ClusterView::default_cluster();
        let names: Vec<String> = view.nodes.iter().map(NodeView::accessible_name).collect();
        assert_eq!(names, ["Node n1, leader", "Node n2, follower", "Node n3, follower"]);
        assert_eq!(view.links.len(), 3);
        assert_eq!(view.node("n3").map(|n| (n.x_px, n.y_px)), Some((480, 330)));
    }
}
