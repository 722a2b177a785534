//! The `leaderless` section of the scenario format and its [`Family`] impl:
//! N, R and W for the cluster and per client, sloppy quorum, read repair,
//! anti-entropy's interval, the ring's virtual nodes and the timeouts.
//!
//! ```json
//! "protocol": { "leaderless": {
//!     "n": 3, "r": 2, "w": 2, "clients": { "c2": { "r": 1 } },
//!     "sloppy_quorum": false, "read_repair": true, "anti_entropy_ms": 0 } }
//! ```

use std::collections::BTreeMap;

use replication::leaderless::{ClientQuorum, Leaderless, LeaderlessCommand, LeaderlessSettings};
use replication::view::ReplicaView;
use serde::{Deserialize, Serialize};
use sim::engine::Cmd;
use sim::{NodeId, Sim};

use crate::compile::Names;
use crate::family::{needs_protocol, Family};
use crate::panels::{LeaderlessSettingsView, SettingsView};
use crate::scenario::{Scenario, ScenarioError};
use crate::script::ScriptAction;

/// At most this many keys' preference lists go to the settings panel.
pub const PREFERENCE_LISTS_MAX: usize = 32;

/// One client's own quorum, as a scenario spells it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClientQuorumSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub w: Option<u32>,
}

/// Leaderless settings as a scenario spells them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LeaderlessSpec {
    pub n: u32,
    pub r: u32,
    pub w: u32,
    /// Per-client R and/or W by client id.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub clients: BTreeMap<String, ClientQuorumSpec>,
    pub sloppy_quorum: bool,
    pub read_repair: bool,
    /// Merkle-tree comparison with one peer this often; 0 is off.
    pub anti_entropy_ms: u64,
    /// Points per node on the consistent-hash ring.
    pub vnodes: u32,
    pub request_timeout_ms: u64,
    pub handoff_ms: u64,
}

impl Default for LeaderlessSpec {
    fn default() -> Self {
        let d = LeaderlessSettings::default();
        LeaderlessSpec {
            n: d.n,
            r: d.r,
            w: d.w,
            clients: BTreeMap::new(),
            sloppy_quorum: d.sloppy_quorum,
            read_repair: d.read_repair,
            anti_entropy_ms: d.anti_entropy_us / 1_000,
            vnodes: d.vnodes,
            request_timeout_ms: d.request_timeout_us / 1_000,
            handoff_ms: d.handoff_us / 1_000,
        }
    }
}

impl LeaderlessSpec {
    /// The protocol's settings, with client ids resolved. Call after [`validate`].
    pub fn settings(&self, names: &Names) -> Result<LeaderlessSettings, ScenarioError> {
        let clients = self
            .clients
            .iter()
            .map(|(c, q)| Ok((names.client(c)?, ClientQuorum { r: q.r, w: q.w })))
            .collect::<Result<_, ScenarioError>>()?;
        Ok(LeaderlessSettings {
            n: self.n,
            r: self.r,
            w: self.w,
            clients,
            sloppy_quorum: self.sloppy_quorum,
            read_repair: self.read_repair,
            anti_entropy_us: self.anti_entropy_ms * 1_000,
            vnodes: self.vnodes,
            request_timeout_us: self.request_timeout_ms * 1_000,
            handoff_us: self.handoff_ms * 1_000,
        })
    }
}

fn quorum_error(path: String, what: &str, v: u32, n: u32) -> ScenarioError {
    ScenarioError::invalid(path, format!("{what} = {v}; it must be 1..=N (N = {n})"))
}

/// Checks N against the cluster, R and W against N (also per client), and the limits.
pub fn validate(s: &Scenario, spec: &LeaderlessSpec) -> Result<(), ScenarioError> {
    let field = "protocol.leaderless";
    let nodes = s.nodes.len() as u32;
    if spec.n == 0 || spec.n > nodes {
        return Err(ScenarioError::invalid(
            format!("{field}.n"),
            format!("N = {}; it must be 1..={nodes} (the number of nodes)", spec.n),
        ));
    }
    for (what, v) in [("r", spec.r), ("w", spec.w)] {
        if v == 0 || v > spec.n {
            return Err(quorum_error(format!("{field}.{what}"), &what.to_uppercase(), v, spec.n));
        }
    }
    for (c, q) in &spec.clients {
        if s.client_index(c).is_none() {
            return Err(ScenarioError::invalid(format!("{field}.clients.{c}"), format!("unknown client \"{c}\"")));
        }
        for (what, v) in [("r", q.r), ("w", q.w)] {
            if let Some(v) = v.filter(|&v| v == 0 || v > spec.n) {
                return Err(quorum_error(format!("{field}.clients.{c}.{what}"), &what.to_uppercase(), v, spec.n));
            }
        }
    }
    let max = replication::leaderless::ring::VNODES_PER_NODE_MAX;
    if spec.vnodes == 0 || spec.vnodes > max {
        return Err(ScenarioError::invalid(
            format!("{field}.vnodes"),
            format!("{}; it must be 1..={max}", spec.vnodes),
        ));
    }
    for (what, v) in [("request_timeout_ms", spec.request_timeout_ms), ("handoff_ms", spec.handoff_ms)] {
        if v == 0 {
            return Err(ScenarioError::invalid(format!("{field}.{what}"), "must be at least 1"));
        }
    }
    Ok(())
}

/// Checks a leaderless script action against the scenario: quorums within N
/// and the cluster, clients that exist.
pub fn validate_action(s: &Scenario, a: &ScriptAction, path: &str) -> Result<(), ScenarioError> {
    let nodes = s.nodes.len() as u32;
    match a {
        ScriptAction::SetQuorum { n, r, w } => {
            if *n == 0 || *n > nodes {
                return Err(ScenarioError::invalid(
                    format!("{path}.set_quorum.n"),
                    format!("N = {n}; it must be 1..={nodes}"),
                ));
            }
            for (what, v) in [("r", r), ("w", w)] {
                if *v == 0 || v > n {
                    return Err(quorum_error(format!("{path}.set_quorum.{what}"), &what.to_uppercase(), *v, *n));
                }
            }
            Ok(())
        }
        ScriptAction::SetClientQuorum { client, .. } if s.client_index(client).is_none() => Err(
            ScenarioError::invalid(format!("{path}.set_client_quorum.client"), format!("unknown client \"{client}\"")),
        ),
        _ => Ok(()),
    }
}

impl Family for Leaderless {
    const RING_LAYOUT: bool = true;
    const NAME: &'static str = "leaderless";

    /// Settings go to every node (each keeps its own copy).
    fn commands(a: &ScriptAction, names: &Names) -> Result<Vec<(NodeId, Cmd<Self>)>, ScenarioError> {
        let cmds = match a {
            ScriptAction::SetQuorum { n, r, w } => {
                vec![LeaderlessCommand::SetN(*n), LeaderlessCommand::SetR(*r), LeaderlessCommand::SetW(*w)]
            }
            ScriptAction::SetClientQuorum { client, r, w } => vec![LeaderlessCommand::SetClientQuorum {
                client: names.client(client)?,
                quorum: ClientQuorum { r: *r, w: *w },
            }],
            ScriptAction::SetSloppyQuorum { on } => vec![LeaderlessCommand::SetSloppyQuorum(*on)],
            ScriptAction::SetReadRepair { on } => vec![LeaderlessCommand::SetReadRepair(*on)],
            ScriptAction::SetAntiEntropy { interval_ms } => {
                vec![LeaderlessCommand::SetAntiEntropy { interval_us: interval_ms * 1_000 }]
            }
            other => return Err(ScenarioError::invalid("action", needs_protocol(other))),
        };
        Ok((0..names.nodes.len()).flat_map(|i| cmds.iter().map(move |c| (NodeId(i as u32), c.clone()))).collect())
    }

    fn settings_view(sim: &Sim<Self>, names: &Names) -> SettingsView {
        let Some(node) = sim.nodes().iter().find_map(|&id| sim.node(id)) else { return SettingsView::None };
        let s = node.settings();
        let name = |id: NodeId| names.node_name(id).to_string();
        let mut keys: Vec<String> = Vec::new();
        for n in sim.nodes().iter().filter_map(|&id| sim.node(id)) {
            for k in n.kv_siblings().into_keys() {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        keys.sort();
        keys.truncate(PREFERENCE_LISTS_MAX);
        let mut hints = Vec::new();
        for &id in sim.nodes() {
            if let Some(n) = sim.node(id) {
                hints.extend(n.hints().into_iter().map(|(home, count)| (name(id), name(home), count)));
            }
        }
        SettingsView::Leaderless(LeaderlessSettingsView {
            nodes: sim.nodes().len() as u32,
            n: s.n,
            r: s.r,
            w: s.w,
            overlap: s.r + s.w > s.n,
            overlap_text: s.overlap(),
            clients: s.clients.iter().map(|(&c, q)| (names.client_name(c).to_string(), q.r, q.w)).collect(),
            sloppy_quorum: s.sloppy_quorum,
            read_repair: s.read_repair,
            anti_entropy_ms: s.anti_entropy_us / 1_000,
            preference_lists: keys
                .into_iter()
                .map(|k| {
                    let p = node.preference_list(&k).into_iter().map(name).collect();
                    (k, p)
                })
                .collect(),
            hints,
        })
    }
}
