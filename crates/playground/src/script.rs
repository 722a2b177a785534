//! The intervention script of a scenario: what a person (or a preset) does,
//! and when. Entries name nodes and clients by their scenario ids; the session
//! turns them into kernel actions.
//!
//! ```json
//! { "at_us": 2000000, "action": { "crash": "n1" } }
//! { "at_us": 3000000, "action": { "partition": [["n1"], ["n2", "n3"]] } }
//! { "at_us": 3500000, "action": { "write": { "client": "c1", "key": "x", "value": "v1" } } }
//! ```

use serde::{Deserialize, Serialize};

use replication::single_leader::FollowerMode;

use crate::scenario::{LinkSpec, NodeSpec, WorkloadSpec};

/// One timed intervention.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptEntry {
    /// Virtual time in microseconds at which the action applies (after all events at that time).
    pub at_us: u64,
    pub action: ScriptAction,
}

/// Everything that can be done to a running cluster from outside.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ScriptAction {
    Crash(String),
    Restart(String),
    Pause(String),
    Resume(String),
    /// Groups of node ids that can talk only within their group.
    Partition(Vec<Vec<String>>),
    /// Removes the partition and every one-way cut.
    Heal,
    CutLink {
        from: String,
        to: String,
    },
    RestoreLink {
        from: String,
        to: String,
    },
    SetLink {
        from: String,
        to: String,
        link: LinkSpec,
    },
    SkewClock {
        node: String,
        skew_ms: i64,
        #[serde(default)]
        drift_ppm: i32,
    },
    SetServiceTime {
        node: String,
        service_time_us: u64,
    },
    AddNode(NodeSpec),
    Write {
        client: String,
        key: String,
        value: String,
    },
    Read {
        client: String,
        key: String,
    },
    Incr {
        client: String,
        key: String,
        by: i64,
    },
    /// Add an element to a set.
    SetAdd {
        client: String,
        key: String,
        elem: String,
    },
    /// Remove an element from a set.
    SetRemove {
        client: String,
        key: String,
        elem: String,
    },
    /// "Sell one if stock > 0": fails with "out of stock" at 0.
    DecrIfPositive {
        client: String,
        key: String,
    },
    SetWorkload {
        client: String,
        workload: Option<WorkloadSpec>,
    },
    SetClientNode {
        client: String,
        node: String,
    },
    SetReadPolicy {
        client: String,
        policy: sim::ReadPolicy,
    },
    /// Single leader: make this node the leader now (manual failover).
    Promote(String),
    /// Single leader: change one follower's mode.
    SetFollowerMode {
        node: String,
        mode: FollowerMode,
    },
    /// Single leader: change the mode of followers without their own.
    SetDefaultMode {
        mode: FollowerMode,
    },
    SetSemiSyncK {
        k: u32,
    },
    SetFailover {
        on: bool,
    },
    SetFailoverTimeout {
        timeout_ms: u64,
    },
    SetFencing {
        on: bool,
    },
    SetApplyDelay {
        delay_us: u64,
    },
    /// Multi leader: connect leaders all-to-all, in a ring or as a star.
    SetTopology(crate::multi_leader::TopologySpec),
    /// Multi leader: resolve conflicts with another strategy from now on.
    SetStrategy {
        strategy: replication::multi_leader::Strategy,
    },
    /// Multi leader: tag updates with the leaders they passed, or not.
    SetLoopPrevention {
        on: bool,
    },
    /// Multi leader: route writes to each key's home region, or not.
    SetKeyHomes {
        on: bool,
    },
}

impl ScriptAction {
    /// A short sentence for timelines and trace markers, e.g. "crash n1".
    pub fn describe(&self) -> String {
        match self {
            ScriptAction::Crash(n) => format!("crash {n}"),
            ScriptAction::Restart(n) => format!("restart {n}"),
            ScriptAction::Pause(n) => format!("pause {n}"),
            ScriptAction::Resume(n) => format!("resume {n}"),
            ScriptAction::Partition(groups) => {
                let g: Vec<String> = groups.iter().map(|g| format!("{{{}}}", g.join(", "))).collect();
                format!("partition {}", g.join(" | "))
            }
            ScriptAction::Heal => "heal the network".to_string(),
            ScriptAction::CutLink { from, to } => format!("cut link {from} -> {to}"),
            ScriptAction::RestoreLink { from, to } => format!("restore link {from} -> {to}"),
            ScriptAction::SetLink { from, to, link } => format!("set link {from} -> {to} to {} ms", link.latency_ms),
            ScriptAction::SkewClock { node, skew_ms, .. } => format!("skew {node}'s clock by {skew_ms} ms"),
            ScriptAction::SetServiceTime { node, service_time_us } => {
                format!("{node} takes {service_time_us} µs per operation")
            }
            ScriptAction::AddNode(spec) => format!("add node {}", spec.id),
            ScriptAction::Write { client, key, value } => format!("{client} writes {key} = {value}"),
            ScriptAction::Read { client, key } => format!("{client} reads {key}"),
            ScriptAction::Incr { client, key, by } => format!("{client} adds {by} to {key}"),
            ScriptAction::SetAdd { client, key, elem } => format!("{client} adds {elem} to set {key}"),
            ScriptAction::SetRemove { client, key, elem } => format!("{client} removes {elem} from set {key}"),
            ScriptAction::DecrIfPositive { client, key } => format!("{client} sells one {key} if in stock"),
            ScriptAction::SetWorkload { client, workload: Some(w) } => format!("{client} runs {} ops/s", w.rate_per_s),
            ScriptAction::SetWorkload { client, workload: None } => format!("{client} stops its workload"),
            ScriptAction::SetClientNode { client, node } => format!("{client} talks to {node}"),
            ScriptAction::SetReadPolicy { client, policy } => format!("{client} reads with {policy:?}"),
            ScriptAction::Promote(n) => format!("promote {n}"),
            ScriptAction::SetFollowerMode { node, mode } => format!("{node} becomes {}", mode.as_str()),
            ScriptAction::SetDefaultMode { mode } => format!("followers become {}", mode.as_str()),
            ScriptAction::SetSemiSyncK { k } => format!("semi-sync waits for {k}"),
            ScriptAction::SetFailover { on } => format!("automatic failover {}", on_off(*on)),
            ScriptAction::SetFailoverTimeout { timeout_ms } => format!("failover timeout {timeout_ms} ms"),
            ScriptAction::SetFencing { on } => format!("fencing {}", on_off(*on)),
            ScriptAction::SetApplyDelay { delay_us } => format!("followers take {delay_us} µs per entry"),
            ScriptAction::SetTopology(t) => match t {
                crate::multi_leader::TopologySpec::AllToAll => "leaders connect all-to-all".to_string(),
                crate::multi_leader::TopologySpec::Ring => "leaders connect in a ring".to_string(),
                crate::multi_leader::TopologySpec::Star { hub } => format!("leaders connect through hub {hub}"),
            },
            ScriptAction::SetStrategy { strategy } => format!("conflicts resolved by {}", strategy.as_str()),
            ScriptAction::SetLoopPrevention { on } => format!("loop prevention {}", on_off(*on)),
            ScriptAction::SetKeyHomes { on } => format!("key homes (conflict avoidance) {}", on_off(*on)),
        }
    }

    /// The protocol (its scenario section name) an action belongs to, or
    /// `None` for actions every protocol understands.
    pub fn family(&self) -> Option<&'static str> {
        match self {
            ScriptAction::Promote(_)
            | ScriptAction::SetFollowerMode { .. }
            | ScriptAction::SetDefaultMode { .. }
            | ScriptAction::SetSemiSyncK { .. }
            | ScriptAction::SetFailover { .. }
            | ScriptAction::SetFailoverTimeout { .. }
            | ScriptAction::SetFencing { .. }
            | ScriptAction::SetApplyDelay { .. } => Some("single_leader"),
            ScriptAction::SetTopology(_)
            | ScriptAction::SetStrategy { .. }
            | ScriptAction::SetLoopPrevention { .. }
            | ScriptAction::SetKeyHomes { .. } => Some("multi_leader"),
            _ => None,
        }
    }

    /// True for a protocol setting: every node that is up takes it, and a
    /// crashed node keeps its own until it restarts.
    pub fn is_setting(&self) -> bool {
        self.family().is_some() && !matches!(self, ScriptAction::Promote(_))
    }

    /// True for faults the timeline marks (crashes, partitions, cuts, skews, pauses).
    pub fn is_fault(&self) -> bool {
        matches!(
            self,
            ScriptAction::Crash(_)
                | ScriptAction::Pause(_)
                | ScriptAction::Partition(_)
                | ScriptAction::CutLink { .. }
                | ScriptAction::SkewClock { .. }
        )
    }
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}
