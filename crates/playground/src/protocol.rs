//! The protocol part of a scenario: which replication family runs and with
//! which settings, as the scenario format spells them, plus the script actions
//! that only one protocol understands.
//!
//! The format has its own settings types rather than the protocols' structs,
//! so a protocol can change inside while version 1 files keep their meaning.

use std::collections::BTreeMap;

use replication::single_leader::{FollowerMode, SingleLeaderCommand, SingleLeaderSettings};
use serde::{Deserialize, Serialize};
use sim::NodeId;

use crate::compile::Names;
use crate::family::needs_protocol;
pub use crate::multi_leader::{MultiLeaderSpec, TopologySpec};
use crate::scenario::{Scenario, ScenarioError};
use crate::script::ScriptAction;

/// Which protocol a scenario runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ProtocolSpec {
    /// No replication protocol: each node keeps its own register and naively
    /// broadcasts writes. Kernel scaffolding; shows raw network effects.
    Register,
    /// One leader orders all writes; followers apply its log (claims C1–C12).
    SingleLeader(SingleLeaderSpec),
    /// A leader per region, replicating to each other (claims C13–C18).
    MultiLeader(MultiLeaderSpec),
}

impl ProtocolSpec {
    /// The section's name, as [`ScriptAction::family`] names protocols.
    pub fn name(&self) -> &'static str {
        match self {
            ProtocolSpec::Register => "register",
            ProtocolSpec::SingleLeader(_) => "single_leader",
            ProtocolSpec::MultiLeader(_) => "multi_leader",
        }
    }

    /// Kernel limits the section sets (the message rate a storm stops at).
    pub fn limits(&self, limits: &mut sim::Limits) {
        if let ProtocolSpec::MultiLeader(spec) = self {
            limits.messages_per_s_max = spec.messages_per_s_max;
        }
    }
}

impl Default for ProtocolSpec {
    fn default() -> Self {
        ProtocolSpec::SingleLeader(SingleLeaderSpec::default())
    }
}

/// Single-leader settings as a scenario spells them. `{}` gives a leader on
/// the first node, async followers, failover on with a 300 ms timeout, fencing on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SingleLeaderSpec {
    /// The node that leads first; the first node when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leader: Option<String>,
    /// The mode of every follower not listed in `modes`: `async`, `sync` or `semi_sync`.
    pub mode: FollowerMode,
    /// Per-follower modes by node id.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub modes: BTreeMap<String, FollowerMode>,
    /// How many semi-sync followers must confirm a write.
    pub semi_sync_k: u32,
    pub failover: bool,
    pub heartbeat_ms: u64,
    pub failover_timeout_ms: u64,
    /// Off is the split-brain teaching mode.
    pub fencing: bool,
    pub log_retain_entries_max: u64,
    /// Time a follower takes to apply one entry.
    pub apply_delay_us: u64,
    /// How long a replica holds a session read waiting to catch up.
    pub read_wait_ms: u64,
}

impl Default for SingleLeaderSpec {
    fn default() -> Self {
        let d = SingleLeaderSettings::default();
        SingleLeaderSpec {
            leader: None,
            mode: d.default_mode,
            modes: BTreeMap::new(),
            semi_sync_k: d.semi_sync_k,
            failover: d.failover,
            heartbeat_ms: d.heartbeat_interval_us / 1_000,
            failover_timeout_ms: d.failover_timeout_us / 1_000,
            fencing: d.fencing,
            log_retain_entries_max: d.log_retain_entries_max,
            apply_delay_us: d.apply_delay_us,
            read_wait_ms: d.read_wait_us_max / 1_000,
        }
    }
}

impl SingleLeaderSpec {
    /// The protocol's settings, with node ids resolved.
    pub fn settings(&self, names: &Names) -> Result<SingleLeaderSettings, ScenarioError> {
        let initial_leader = match &self.leader {
            Some(id) => names.node(id)?,
            None => NodeId(0),
        };
        let modes = self.modes.iter().map(|(id, m)| Ok((names.node(id)?, *m))).collect::<Result<_, ScenarioError>>()?;
        Ok(SingleLeaderSettings {
            initial_leader,
            default_mode: self.mode,
            modes,
            semi_sync_k: self.semi_sync_k,
            failover: self.failover,
            heartbeat_interval_us: self.heartbeat_ms.max(1) * 1_000,
            failover_timeout_us: self.failover_timeout_ms.max(1) * 1_000,
            fencing: self.fencing,
            log_retain_entries_max: self.log_retain_entries_max.max(1),
            apply_delay_us: self.apply_delay_us,
            read_wait_us_max: self.read_wait_ms * 1_000,
        })
    }
}

/// Checks the protocol settings and protocol-specific script actions.
pub fn validate(s: &Scenario) -> Result<(), ScenarioError> {
    let names = Names::of(s);
    if let ProtocolSpec::MultiLeader(spec) = &s.protocol {
        crate::multi_leader::validate(s, spec)?;
    }
    if let ProtocolSpec::SingleLeader(spec) = &s.protocol {
        if let Some(id) = &spec.leader {
            names.node(id).map_err(|e| {
                ScenarioError::invalid("protocol.single_leader.leader", e.to_string().replace("node: ", ""))
            })?;
        }
        for id in spec.modes.keys() {
            if names.node(id).is_err() {
                return Err(ScenarioError::invalid(
                    format!("protocol.single_leader.modes.{id}"),
                    format!("unknown node \"{id}\""),
                ));
            }
        }
        if spec.heartbeat_ms == 0 || spec.failover_timeout_ms == 0 {
            return Err(ScenarioError::invalid(
                "protocol.single_leader",
                "heartbeat_ms and failover_timeout_ms must be at least 1",
            ));
        }
    }
    for (i, entry) in s.script.iter().enumerate() {
        if entry.action.family().is_some_and(|f| f != s.protocol.name()) {
            return Err(ScenarioError::invalid(format!("script[{i}].action"), needs_protocol(&entry.action)));
        }
    }
    Ok(())
}

/// Single-leader commands for a script action, addressed to the right nodes:
/// `promote` to its node, settings changes to every node (each node keeps its
/// own copy, so a leader elected later uses them too).
pub fn single_leader_commands(
    a: &ScriptAction,
    names: &Names,
) -> Result<Vec<(NodeId, SingleLeaderCommand)>, ScenarioError> {
    let all = |cmd: SingleLeaderCommand| Ok((0..names.nodes.len()).map(|i| (NodeId(i as u32), cmd.clone())).collect());
    match a {
        ScriptAction::Promote(n) => Ok(vec![(names.node(n)?, SingleLeaderCommand::Promote)]),
        ScriptAction::SetFollowerMode { node, mode } => {
            all(SingleLeaderCommand::SetFollowerMode { follower: names.node(node)?, mode: *mode })
        }
        ScriptAction::SetDefaultMode { mode } => all(SingleLeaderCommand::SetDefaultMode { mode: *mode }),
        ScriptAction::SetSemiSyncK { k } => all(SingleLeaderCommand::SetSemiSyncK { k: *k }),
        ScriptAction::SetFailover { on } => all(SingleLeaderCommand::SetFailover { on: *on }),
        ScriptAction::SetFailoverTimeout { timeout_ms } => {
            all(SingleLeaderCommand::SetFailoverTimeout { timeout_us: timeout_ms * 1_000 })
        }
        ScriptAction::SetFencing { on } => all(SingleLeaderCommand::SetFencing { on: *on }),
        ScriptAction::SetApplyDelay { delay_us } => all(SingleLeaderCommand::SetApplyDelay { delay_us: *delay_us }),
        other => Err(ScenarioError::invalid("action", needs_protocol(other))),
    }
}
