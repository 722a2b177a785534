//! What the facade needs from a replication family beyond the neutral node
//! view: the scenario-section name, how script actions become its commands,
//! and the settings its panel shows.
//!
//! Adding a family costs one module in `replication` (whose node implements
//! [`ReplicaView`]), one section in [`crate::protocol::ProtocolSpec`], an
//! impl of [`Family`] next to it, and one arm in [`crate::engine::Engine`].
//! Nothing else in the facade, the report or the page asks which family runs.

use replication::single_leader::SingleLeader;
use replication::view::ReplicaView;
use sim::engine::Cmd;
use sim::testkit::Register;
use sim::{NodeId, NodeStatus, Protocol, Sim};

use crate::compile::Names;
use crate::panels::{SettingsView, SingleLeaderSettingsView};
use crate::scenario::ScenarioError;
use crate::script::ScriptAction;

/// A replication family as the facade drives it.
pub trait Family: Protocol<Node: ReplicaView> {
    /// The name of its scenario section, e.g. `single_leader`.
    const NAME: &'static str;
    /// True if one leader at a time is the rule, so two leaders at once is
    /// split brain (single leader); false where several leaders are the design.
    const ONE_LEADER: bool = false;
    /// True if nodes sit on one circle whatever their number (the hash ring
    /// of a leaderless cluster); false lays large clusters out as rings
    /// around the first node, the usual first leader.
    const RING_LAYOUT: bool = false;

    /// This family's commands for a family-specific script action, each
    /// addressed to a node. Actions of another family are refused.
    fn commands(a: &ScriptAction, names: &Names) -> Result<Vec<(NodeId, Cmd<Self>)>, ScenarioError>;

    /// The settings in force, as the settings panel shows them.
    fn settings_view(sim: &Sim<Self>, names: &Names) -> SettingsView {
        let _ = (sim, names);
        SettingsView::None
    }
}

/// The message for an action of another family, the one place it is written.
pub fn needs_protocol(a: &ScriptAction) -> String {
    format!("\"{}\" needs the {} protocol", a.describe(), a.family().unwrap_or("?"))
}

impl Family for Register {
    const NAME: &'static str = "register";

    fn commands(a: &ScriptAction, _: &Names) -> Result<Vec<(NodeId, Cmd<Self>)>, ScenarioError> {
        Err(ScenarioError::invalid("action", needs_protocol(a)))
    }
}

impl Family for SingleLeader {
    const NAME: &'static str = "single_leader";
    const ONE_LEADER: bool = true;

    fn commands(a: &ScriptAction, names: &Names) -> Result<Vec<(NodeId, Cmd<Self>)>, ScenarioError> {
        crate::protocol::single_leader_commands(a, names)
    }

    /// The settings of the node that matters now: the leader with the
    /// highest epoch, or else the first node that is up.
    fn settings_view(sim: &Sim<Self>, names: &Names) -> SettingsView {
        let up: Vec<_> = sim.nodes().iter().filter_map(|&id| sim.node(id)).collect();
        let Some(node) = up.iter().filter(|n| n.role() == sim::Role::Leader).max_by_key(|n| n.epoch()).or(up.first())
        else {
            return SettingsView::None;
        };
        let s = node.settings();
        SettingsView::SingleLeader(SingleLeaderSettingsView {
            modes: sim.nodes().iter().map(|&id| (names.node_name(id).to_string(), s.mode_of(id).as_str())).collect(),
            failover: s.failover,
            failover_timeout_ms: s.failover_timeout_us / 1_000,
            fencing: s.fencing,
        })
    }
}

/// True if a node may take a command for `action` now: settings go to every
/// node that can take them, and a crashed node keeps its own; other commands
/// (promote) go through and the kernel decides.
pub fn takes_command<P: Protocol>(sim: &Sim<P>, node: NodeId, action: &ScriptAction) -> bool {
    !action.is_setting() || sim.node_status(node) != NodeStatus::Crashed
}
