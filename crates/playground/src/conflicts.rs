//! View models for multi-leader state on the page: resolved conflicts with
//! their competing versions side by side, the regions drawn on the canvas,
//! and the replication-storm banner.

use serde::{Deserialize, Serialize};
use sim::{Micros, OpKind};

use crate::session::Session;
use crate::view::{ClusterView, NodeView};

/// At most this many conflicts are listed (the newest).
pub const CONFLICTS_SHOWN_MAX: usize = 10;

/// One competing version of a conflict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionView {
    pub value: String,
    pub origin: String,
    /// "1051.000 ms on n1's clock".
    pub timestamp: String,
    /// The origin's clock skew now, shown next to its timestamp.
    pub origin_skew_ms: i64,
    /// "[n1:1]".
    pub vector: String,
    /// "winner", "loser", "sibling" or "merged".
    pub fate: String,
}

/// One resolved conflict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictView {
    pub at_us: Micros,
    pub node: String,
    pub key: String,
    pub strategy: String,
    pub versions: Vec<VersionView>,
    pub kept: Vec<String>,
    pub dropped: Vec<String>,
    pub verdict: String,
    /// The client operations that wrote the competing values.
    pub ops: Vec<u64>,
}

/// The newest conflicts resolved up to now, newest first.
pub fn conflicts(session: &Session) -> Vec<ConflictView> {
    let names = session.names();
    let history = &session.engine().history().ops;
    let skew = |node| session.engine().local_time_us(node).map_or(0, |t| (t - session.now_us() as i64) / 1_000);
    session
        .conflicts()
        .iter()
        .rev()
        .take(CONFLICTS_SHOWN_MAX)
        .map(|c| {
            let k = &c.conflict;
            let versions: Vec<VersionView> = k
                .versions
                .iter()
                .map(|v| {
                    let fate = if k.dropped.contains(&v.value) {
                        "loser"
                    } else if k.dropped.is_empty() && k.kept.len() == 1 && k.kept[0] != v.value {
                        "merged"
                    } else if k.kept.len() > 1 {
                        "sibling"
                    } else {
                        "winner"
                    };
                    let origin = names.node_name(v.origin).to_string();
                    let t = v.timestamp_us;
                    VersionView {
                        value: v.value.clone(),
                        timestamp: format!("{}.{:03} ms on {origin}'s clock", t / 1_000, (t % 1_000).abs()),
                        origin_skew_ms: skew(v.origin),
                        vector: format!(
                            "[{}]",
                            v.vector
                                .iter()
                                .map(|(n, c)| format!("{}:{c}", names.node_name(*n)))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        origin,
                        fate: fate.to_string(),
                    }
                })
                .collect();
            let ops = history
                .iter()
                .filter(|r| match &r.kind {
                    OpKind::Write { key, value } => *key == k.key && versions.iter().any(|v| v.value == *value),
                    other => other.is_update() && other.key() == k.key && r.invoke_us <= c.at_us,
                })
                .map(|r| r.op.0)
                .take(check::EVIDENCE_OPS_MAX)
                .collect();
            ConflictView {
                at_us: c.at_us,
                node: names.node_name(c.node).to_string(),
                key: k.key.clone(),
                strategy: k.strategy.clone(),
                versions,
                kept: k.kept.clone(),
                dropped: k.dropped.clone(),
                verdict: k.verdict.clone(),
                ops,
            }
        })
        .collect()
}

/// A region as the canvas draws it: a labelled box around its nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionView {
    pub name: String,
    pub nodes: Vec<String>,
    pub x: i32,
    pub y: i32,
    pub width: i32,
    pub height: i32,
}

/// Margin around a region's nodes, in canvas units.
const REGION_MARGIN: i32 = 70;

/// The regions of the nodes on the canvas (nodes without one are not boxed).
pub fn regions(cluster: &ClusterView) -> Vec<RegionView> {
    let mut names: Vec<&str> = Vec::new();
    for n in cluster.nodes.iter().filter(|n| !n.region.is_empty()) {
        if !names.contains(&n.region.as_str()) {
            names.push(&n.region);
        }
    }
    names
        .into_iter()
        .map(|name| {
            let members: Vec<&NodeView> = cluster.nodes.iter().filter(|n| n.region == name).collect();
            let (x0, x1) =
                (members.iter().map(|n| n.x_px).min().unwrap_or(0), members.iter().map(|n| n.x_px).max().unwrap_or(0));
            let (y0, y1) =
                (members.iter().map(|n| n.y_px).min().unwrap_or(0), members.iter().map(|n| n.y_px).max().unwrap_or(0));
            RegionView {
                name: name.to_string(),
                nodes: members.iter().map(|n| n.id.clone()).collect(),
                x: x0 - REGION_MARGIN,
                y: y0 - REGION_MARGIN,
                width: x1 - x0 + 2 * REGION_MARGIN,
                height: y1 - y0 + 2 * REGION_MARGIN + 20,
            }
        })
        .collect()
}

/// "replication storm: 12 002 messages/s at 2 s, limit 4 000 reached; 21 208 dropped", once the kernel's limit was hit.
pub fn storm_banner(session: &Session) -> Option<String> {
    let m = session.messages();
    (m.rate_limited > 0).then(|| {
        format!(
            "replication storm: {} messages/s at {} s, limit {} reached; {} messages dropped",
            m.peak_per_s,
            m.peak_second,
            session.engine().messages_per_s_max(),
            m.rate_limited
        )
    })
}
