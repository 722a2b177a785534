//! The `multi_leader` section of the scenario format and its [`Family`]
//! impl: regions come from the nodes' `region` fields (a node without one
//! is a region of its own), each led by its first node unless `leaders`
//! names another; the rest of the section picks the topology, the conflict
//! strategy, loop prevention and key homes.
//!
//! ```json
//! "protocol": { "multi_leader": {
//!     "topology": "ring", "strategy": "version_vectors", "loop_prevention": true,
//!     "key_homes": { "stock": "eu" }, "use_key_homes": false } }
//! ```

use std::collections::BTreeMap;

use replication::multi_leader::{MultiLeader, MultiLeaderCommand, MultiLeaderSettings, Region, Strategy, Topology};
use serde::{Deserialize, Serialize};
use sim::engine::Cmd;
use sim::{NodeId, Sim};

use crate::compile::Names;
use crate::family::{needs_protocol, Family};
use crate::panels::{MultiLeaderSettingsView, SettingsView};
use crate::scenario::{Scenario, ScenarioError};
use crate::script::ScriptAction;

/// How leaders are connected, as a scenario spells it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TopologySpec {
    #[default]
    AllToAll,
    Ring,
    /// Every leader talks through the hub (a leader's node id).
    Star {
        hub: String,
    },
}

/// Multi-leader settings as a scenario spells them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MultiLeaderSpec {
    /// The leader of each region by region name; the region's first node otherwise.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub leaders: BTreeMap<String, String>,
    pub topology: TopologySpec,
    /// `lww`, `version_vectors`, `merge` or `crdt`.
    pub strategy: Strategy,
    pub loop_prevention: bool,
    /// Home region per key, for conflict avoidance; keys not listed live in the first region.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub key_homes: BTreeMap<String, String>,
    /// Route writes to the key's home region.
    pub use_key_homes: bool,
    /// Unacknowledged updates are sent again this often.
    pub resend_ms: u64,
    /// The kernel's limit on messages per second of virtual time (a storm stops here).
    pub messages_per_s_max: u64,
}

impl Default for MultiLeaderSpec {
    fn default() -> Self {
        MultiLeaderSpec {
            leaders: BTreeMap::new(),
            topology: TopologySpec::AllToAll,
            strategy: Strategy::Lww,
            loop_prevention: true,
            key_homes: BTreeMap::new(),
            use_key_homes: false,
            resend_ms: 500,
            messages_per_s_max: 4_000,
        }
    }
}

/// Region names in order of first appearance; a node without a region is its own.
pub fn region_names(s: &Scenario) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in &s.nodes {
        let name = if n.region.is_empty() { n.id.clone() } else { n.region.clone() };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

impl MultiLeaderSpec {
    /// The protocol's settings, with ids resolved. Call after [`validate`].
    pub fn settings(&self, s: &Scenario, names: &Names) -> Result<MultiLeaderSettings, ScenarioError> {
        let field = "protocol.multi_leader";
        let mut regions = Vec::new();
        for name in region_names(s) {
            let members: Vec<&str> = s
                .nodes
                .iter()
                .filter(|n| if n.region.is_empty() { n.id == name } else { n.region == name })
                .map(|n| n.id.as_str())
                .collect();
            let leader = self.leaders.get(&name).map_or(members[0], String::as_str);
            let followers =
                members.iter().filter(|&&m| m != leader).map(|m| names.node(m)).collect::<Result<_, _>>()?;
            regions.push(Region { name, leader: names.node(leader)?, followers });
        }
        let region_index = |r: &str, path: String| {
            regions
                .iter()
                .position(|x| x.name == r)
                .ok_or_else(|| ScenarioError::invalid(path, format!("no region \"{r}\"")))
        };
        let key_homes = self
            .key_homes
            .iter()
            .map(|(k, r)| Ok((k.clone(), region_index(r, format!("{field}.key_homes.{k}"))?)))
            .collect::<Result<_, ScenarioError>>()?;
        Ok(MultiLeaderSettings {
            topology: topology(&self.topology, names)?,
            regions,
            strategy: self.strategy,
            loop_prevention: self.loop_prevention,
            use_key_homes: self.use_key_homes,
            key_homes,
            resend_us: self.resend_ms.max(1) * 1_000,
        })
    }
}

fn topology(t: &TopologySpec, names: &Names) -> Result<Topology, ScenarioError> {
    Ok(match t {
        TopologySpec::AllToAll => Topology::AllToAll,
        TopologySpec::Ring => Topology::Ring,
        TopologySpec::Star { hub } => Topology::Star { hub: names.node(hub)? },
    })
}

/// Checks the section: leaders, hub and key homes name real nodes and regions.
pub fn validate(s: &Scenario, spec: &MultiLeaderSpec) -> Result<(), ScenarioError> {
    let field = "protocol.multi_leader";
    let regions = region_names(s);
    for (region, leader) in &spec.leaders {
        let path = format!("{field}.leaders.{region}");
        if !regions.contains(region) {
            return Err(ScenarioError::invalid(path, format!("no region \"{region}\"")));
        }
        let in_region = s.nodes.iter().any(|n| n.id == *leader && (n.region == *region || n.id == *region));
        if !in_region {
            return Err(ScenarioError::invalid(path, format!("\"{leader}\" is not a node of region \"{region}\"")));
        }
    }
    if let TopologySpec::Star { hub } = &spec.topology {
        if s.node_index(hub).is_none() {
            return Err(ScenarioError::invalid(
                format!("{field}.topology.star.hub"),
                format!("unknown node \"{hub}\""),
            ));
        }
    }
    for (key, region) in &spec.key_homes {
        if !regions.contains(region) {
            return Err(ScenarioError::invalid(format!("{field}.key_homes.{key}"), format!("no region \"{region}\"")));
        }
    }
    if spec.messages_per_s_max == 0 {
        return Err(ScenarioError::invalid(format!("{field}.messages_per_s_max"), "must be at least 1"));
    }
    Ok(())
}

impl Family for MultiLeader {
    const NAME: &'static str = "multi_leader";

    /// Settings go to every node (each keeps its own copy).
    fn commands(a: &ScriptAction, names: &Names) -> Result<Vec<(NodeId, Cmd<Self>)>, ScenarioError> {
        let cmd = match a {
            ScriptAction::SetTopology(t) => MultiLeaderCommand::SetTopology(topology(t, names)?),
            ScriptAction::SetStrategy { strategy } => MultiLeaderCommand::SetStrategy(*strategy),
            ScriptAction::SetLoopPrevention { on } => MultiLeaderCommand::SetLoopPrevention(*on),
            ScriptAction::SetKeyHomes { on } => MultiLeaderCommand::SetKeyHomes(*on),
            other => return Err(ScenarioError::invalid("action", needs_protocol(other))),
        };
        Ok((0..names.nodes.len()).map(|i| (NodeId(i as u32), cmd.clone())).collect())
    }

    fn settings_view(sim: &Sim<Self>, names: &Names) -> SettingsView {
        let Some(node) = sim.nodes().iter().find_map(|&id| sim.node(id)) else { return SettingsView::None };
        let s = node.settings();
        let name = |id: NodeId| names.node_name(id).to_string();
        SettingsView::MultiLeader(MultiLeaderSettingsView {
            regions: s
                .regions
                .iter()
                .map(|r| (r.name.clone(), name(r.leader), r.followers.iter().map(|&f| name(f)).collect()))
                .collect(),
            topology: match s.topology {
                Topology::Star { hub } => format!("star around {}", name(hub)),
                other => other.describe(),
            },
            strategy: s.strategy,
            loop_prevention: s.loop_prevention,
            use_key_homes: s.use_key_homes,
            key_homes: s.key_homes.iter().map(|(k, &r)| (k.clone(), s.regions[r].name.clone())).collect(),
        })
    }
}
