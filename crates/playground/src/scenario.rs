//! Scenario format v1: a versioned JSON description of a run.
//!
//! A scenario names the nodes (id, label, region, canvas position), the
//! network (a default link, latencies between regions, per-link overrides),
//! the protocol and its settings, the clients and their workload, the seed,
//! the duration and the intervention script. Together with the seed it fully
//! determines a run. `docs/scenario-format.md` documents every field.
//!
//! Parsing is strict (`deny_unknown_fields`) and every error names the path of
//! the bad field, e.g. `nodes[2].id: duplicate id "n2"`.
//!
//! ```
//! let s = playground::Scenario::from_json(r#"{"version":1,"nodes":[{"id":"a"},{"id":"b"}]}"#).unwrap();
//! assert_eq!(s.nodes.len(), 2);
//! let err = playground::Scenario::from_json(r#"{"version":1,"nodes":[{"id":"a"},{"id":"a"}]}"#).unwrap_err();
//! assert_eq!(err.to_string(), "nodes[1].id: duplicate id \"a\"");
//! ```

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::protocol::ProtocolSpec;
use crate::script::ScriptEntry;

/// The only version this build reads and writes.
pub const SCENARIO_VERSION: u32 = 1;
/// Upper bounds that keep a hand-edited or shared scenario from exhausting the page.
///
/// Nodes per scenario (added nodes included). 64 is what the page draws
/// legibly and plays at full frame rate (see BENCHMARKS.md, "64 nodes").
pub const NODES_MAX: usize = 64;
pub const CLIENTS_MAX: usize = 16;
pub const SCRIPT_ENTRIES_MAX: usize = 10_000;
pub const DURATION_MS_MAX: u64 = 3_600_000;

/// A whole scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub version: u32,
    #[serde(default)]
    pub name: String,
    /// What to watch, in a sentence or two; presets show it as their caption.
    #[serde(default)]
    pub caption: String,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default = "default_duration_ms")]
    pub duration_ms: u64,
    pub nodes: Vec<NodeSpec>,
    #[serde(default)]
    pub network: NetworkSpec,
    #[serde(default)]
    pub protocol: ProtocolSpec,
    #[serde(default)]
    pub clients: Vec<ClientSpec>,
    #[serde(default)]
    pub script: Vec<ScriptEntry>,
    /// Compare mode: the same scenario run a second time with one difference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<crate::compare::CompareSpec>,
}

fn default_seed() -> u64 {
    1
}

fn default_duration_ms() -> u64 {
    10_000
}

/// One node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub region: String,
    /// Canvas position in SVG user units (0..=1000 by 0..=700); laid out on a circle when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<i32>,
    /// Time to handle one message or request; 0 means unlimited capacity.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub service_time_us: u64,
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub clock_skew_ms: i64,
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub clock_drift_ppm: i32,
}

fn is_zero_u64(v: &u64) -> bool {
    *v == 0
}
fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}
fn is_zero_i32(v: &i32) -> bool {
    *v == 0
}

/// How a link behaves. Every field has a default, so `{}` is a 10 ms link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkSpec {
    pub latency_ms: u64,
    /// Uniform extra delay in 0..=jitter_ms; lets messages overtake each other.
    pub jitter_ms: u64,
    /// With a long tail, this share of messages (parts per million) takes `tail_ms` more.
    pub tail_ppm: u32,
    pub tail_ms: u64,
    pub loss_ppm: u32,
    pub duplicate_ppm: u32,
    /// Bytes per millisecond; absent means unlimited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bandwidth_bytes_per_ms: Option<u32>,
}

impl Default for LinkSpec {
    fn default() -> Self {
        LinkSpec {
            latency_ms: 10,
            jitter_ms: 0,
            tail_ppm: 0,
            tail_ms: 0,
            loss_ppm: 0,
            duplicate_ppm: 0,
            bandwidth_bytes_per_ms: None,
        }
    }
}

/// The network: a default link, then region pairs, then single links, each
/// overriding the one before.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkSpec {
    #[serde(rename = "default")]
    pub default_link: LinkSpec,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<PairSpec>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<PairSpec>,
}

/// A link between two regions or two nodes, both directions unless `one_way`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairSpec {
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub one_way: bool,
    #[serde(default)]
    pub link: LinkSpec,
}

/// One client and, optionally, its steady workload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    pub id: String,
    /// The node the client talks to first.
    pub node: String,
    #[serde(default)]
    pub read_policy: sim::ReadPolicy,
    /// One-way latency between client and node.
    #[serde(default = "default_client_latency_ms")]
    pub latency_ms: u64,
    /// After this long without an answer the operation is recorded as unknown (info).
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Go where a node says the leader is.
    #[serde(default = "default_true")]
    pub follow_leader: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<WorkloadSpec>,
}

fn default_client_latency_ms() -> u64 {
    1
}
fn default_timeout_ms() -> u64 {
    1_000
}
fn default_true() -> bool {
    true
}

/// A steady stream of operations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadSpec {
    pub rate_per_s: u32,
    /// Share of reads, 0..=100.
    #[serde(default)]
    pub read_percent: u32,
    pub keys: Vec<String>,
    #[serde(default)]
    pub start_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_ms: Option<u64>,
    /// What the non-read operations are: `write` (unique values, the
    /// default), `incr`, `set_add` (unique elements) or `decr_if_positive`.
    #[serde(default, skip_serializing_if = "is_default_update")]
    pub updates: sim::UpdateKind,
}

fn is_default_update(u: &sim::UpdateKind) -> bool {
    *u == sim::UpdateKind::Write
}

/// Why a scenario was rejected; the message starts with the path of the bad field.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ScenarioError {
    /// Not JSON, or a field of the wrong type, unknown or missing.
    #[error("{path}: {message}")]
    Syntax { path: String, message: String },
    /// Well-formed but meaningless: a duplicate id, an unknown node, a limit.
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl ScenarioError {
    pub(crate) fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError::Invalid { path: path.into(), message: message.into() }
    }

    /// The path of the offending field, e.g. `nodes[2].id`.
    pub fn path(&self) -> &str {
        match self {
            ScenarioError::Syntax { path, .. } | ScenarioError::Invalid { path, .. } => path,
        }
    }
}

impl Scenario {
    /// Parses and validates a scenario.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let scenario: Scenario = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." || path == "?" { "scenario".to_string() } else { path };
            ScenarioError::Syntax { path, message: strip_position(&e.inner().to_string()) }
        })?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Pretty JSON that `from_json` reads back to an equal scenario.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serializes")
    }

    /// The index of a node id.
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// The index of a client id.
    pub fn client_index(&self, id: &str) -> Option<usize> {
        self.clients.iter().position(|c| c.id == id)
    }

    /// Checks what types cannot: ids, references, limits.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        crate::validate::validate(self)
    }
}

/// serde_json appends " at line 1 column 40"; the path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
