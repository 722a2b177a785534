//! The description of a run: nodes, network, clients and limits.
//!
//! A [`SimConfig`] plus a protocol and a seed fully determine a run (together
//! with the script of interventions). Node `i` of `nodes` has `NodeId(i)`,
//! client `i` of `clients` has `ClientId(i)`. No floats anywhere: probabilities
//! are parts per million, times are integer microseconds.
//!
//! ```
//! use sim::config::{SimConfig, NodeConfig, LinkConfig, Latency};
//! let mut config = SimConfig::with_nodes(3);
//! config.network.default_link = LinkConfig { latency: Latency::Fixed { us: 2_000 }, ..LinkConfig::default() };
//! assert!(config.validate().is_ok());
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::client::ReadPolicy;
use crate::error::SimError;
use crate::ids::{Micros, NodeId};

/// One part per million of certainty: the unit of every probability.
pub const PPM_MAX: u32 = 1_000_000;

/// Everything a run needs besides the protocol and the script.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimConfig {
    pub seed: u64,
    pub nodes: Vec<NodeConfig>,
    pub network: NetworkConfig,
    pub clients: Vec<ClientConfig>,
    pub limits: Limits,
}

impl SimConfig {
    /// `n` default nodes, no clients, the default network and limits, seed 0.
    pub fn with_nodes(n: usize) -> Self {
        SimConfig { nodes: vec![NodeConfig::default(); n], ..SimConfig::default() }
    }

    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<(), SimError> {
        if self.nodes.is_empty() {
            return Err(SimError::config("config.nodes", "a run needs at least one node"));
        }
        if self.nodes.len() > self.limits.nodes_max {
            return Err(SimError::TooManyNodes { limit: self.limits.nodes_max });
        }
        if self.clients.len() > self.limits.clients_max {
            return Err(SimError::TooManyClients { limit: self.limits.clients_max });
        }
        self.network.default_link.validate("config.network.default_link")?;
        for (&(from, to), link) in &self.network.links {
            let field = format!("config.network.links[{from}->{to}]");
            for id in [from, to] {
                if id.0 as usize >= self.nodes.len() {
                    return Err(SimError::config(field, format!("unknown node {id}")));
                }
            }
            link.validate(&field)?;
        }
        for (i, client) in self.clients.iter().enumerate() {
            client.validate(&format!("config.clients[{i}]"), self.nodes.len())?;
        }
        self.limits.validate()
    }
}

/// One node's hardware and clock.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeConfig {
    /// How long the node is busy with each message or request; 0 means
    /// infinite capacity (everything is handled the moment it arrives).
    pub service_time_us: Micros,
    /// Constant offset of the node's clock from true time.
    pub skew_us: i64,
    /// Clock rate error: the clock gains `drift_ppm` µs per second of true time.
    pub drift_ppm: i32,
}

/// The message bus between nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkConfig {
    /// Every directed link without an override.
    pub default_link: LinkConfig,
    /// Directed overrides: `(from, to)` uses this link instead of the default.
    #[serde(with = "links_as_list")]
    pub links: BTreeMap<(NodeId, NodeId), LinkConfig>,
}

impl NetworkConfig {
    /// The link a message from `from` to `to` travels on.
    pub fn link(&self, from: NodeId, to: NodeId) -> &LinkConfig {
        if self.links.is_empty() {
            return &self.default_link;
        }
        self.links.get(&(from, to)).unwrap_or(&self.default_link)
    }
}

/// How long a message takes before jitter and bandwidth.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Latency {
    /// Always `us`.
    Fixed { us: Micros },
    /// Uniform in `min_us..=max_us`.
    Uniform { min_us: Micros, max_us: Micros },
    /// `base_us`, plus with probability `tail_ppm` an extra delay uniform in `1..=tail_us`.
    LongTail { base_us: Micros, tail_ppm: u32, tail_us: Micros },
}

impl Default for Latency {
    fn default() -> Self {
        Latency::Fixed { us: 1_000 }
    }
}

/// One directed link.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkConfig {
    pub latency: Latency,
    /// Extra delay uniform in `0..=jitter_us`, drawn per message: messages reorder.
    pub jitter_us: Micros,
    /// Probability that a message is lost.
    pub loss_ppm: u32,
    /// Probability that a message arrives twice (the copy gets its own delay).
    pub duplicate_ppm: u32,
    /// Link capacity: each message occupies the link for `size_bytes * 1000 /
    /// bandwidth` µs and later messages queue behind it. `None`: unlimited.
    pub bandwidth_bytes_per_ms: Option<u32>,
}

impl LinkConfig {
    /// A loss-free, jitter-free link with a fixed latency.
    pub fn fixed(latency_us: Micros) -> Self {
        LinkConfig { latency: Latency::Fixed { us: latency_us }, ..LinkConfig::default() }
    }

    /// Checks the link; `field` names it in the error.
    pub fn validate(&self, field: &str) -> Result<(), SimError> {
        match self.latency {
            Latency::Uniform { min_us, max_us } if min_us > max_us => {
                return Err(SimError::config(
                    format!("{field}.latency"),
                    format!("min_us {min_us} is greater than max_us {max_us}"),
                ));
            }
            Latency::LongTail { tail_ppm, .. } if tail_ppm > PPM_MAX => {
                return Err(ppm_error(&format!("{field}.latency.tail_ppm"), tail_ppm));
            }
            _ => {}
        }
        if self.loss_ppm > PPM_MAX {
            return Err(ppm_error(&format!("{field}.loss_ppm"), self.loss_ppm));
        }
        if self.duplicate_ppm > PPM_MAX {
            return Err(ppm_error(&format!("{field}.duplicate_ppm"), self.duplicate_ppm));
        }
        if self.bandwidth_bytes_per_ms == Some(0) {
            return Err(SimError::config(format!("{field}.bandwidth_bytes_per_ms"), "0 would never deliver; use None"));
        }
        Ok(())
    }
}

fn ppm_error(field: &str, value: u32) -> SimError {
    SimError::config(field, format!("{value} is more than {PPM_MAX} parts per million"))
}

/// One client: where it sends, how it reads, and what it does on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientConfig {
    pub target: NodeId,
    pub policy: ReadPolicy,
    /// One-way delay between the client and any node, both directions.
    pub latency_us: Micros,
    /// After this long without a reply the operation ends as `Info`.
    pub timeout_us: Micros,
    /// Follow `Reply::leader_hint` to a new target. Hints only come with
    /// replies, so a client whose target is down would never hear one: with
    /// this on, an operation that times out (`Info`) also moves the client to
    /// the next member in id order (after the last, the first). The kernel
    /// does not look at node status to pick it; the next reply's hint
    /// corrects a bad guess.
    pub follow_leader_hint: bool,
    /// Operations issued automatically; `None`: only explicit `Invoke`s.
    pub workload: Option<Workload>,
    /// The client's name as people read it; workload values start with it
    /// (`u:7`). `None`: the kernel's own (`c1:7`).
    pub name: Option<String>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            target: NodeId(0),
            policy: ReadPolicy::Any,
            latency_us: 500,
            timeout_us: 100_000,
            follow_leader_hint: true,
            workload: None,
            name: None,
        }
    }
}

impl ClientConfig {
    /// Checks the client against a cluster of `nodes` nodes.
    pub fn validate(&self, field: &str, nodes: usize) -> Result<(), SimError> {
        if self.target.0 as usize >= nodes {
            return Err(SimError::config(format!("{field}.target"), format!("unknown node {}", self.target)));
        }
        if self.timeout_us == 0 {
            return Err(SimError::config(format!("{field}.timeout_us"), "0 would time out every operation"));
        }
        match &self.workload {
            Some(w) => w.validate(&format!("{field}.workload")),
            None => Ok(()),
        }
    }
}

/// An open-loop-ish workload: every `1e6 / rate_per_s` µs the client issues a
/// new operation if it has none outstanding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Workload {
    pub rate_per_s: u32,
    /// Probability that an operation is a read; the rest are writes of unique values.
    pub read_ppm: u32,
    /// Keys drawn uniformly.
    pub keys: Vec<String>,
    /// True time of the first tick.
    pub start_us: Micros,
    /// No ticks at or after this time.
    pub stop_us: Option<Micros>,
    /// What the non-read operations are.
    pub updates: UpdateKind,
}

/// The update a workload issues when it does not read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateKind {
    /// A write of a unique value `"{client}:{seq}"`.
    #[default]
    Write,
    /// Add 1 to a counter.
    Incr,
    /// Add a unique element `"{client}:{seq}"` to a set.
    SetAdd,
    /// Sell one if in stock.
    DecrIfPositive,
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            rate_per_s: 100,
            read_ppm: 500_000,
            keys: vec!["x".into()],
            start_us: 0,
            stop_us: None,
            updates: UpdateKind::Write,
        }
    }
}

impl Workload {
    /// The interval between ticks, at least 1 µs.
    pub fn interval_us(&self) -> Micros {
        (1_000_000 / u64::from(self.rate_per_s.max(1))).max(1)
    }

    /// Checks the workload; `field` names it in the error.
    pub fn validate(&self, field: &str) -> Result<(), SimError> {
        if self.rate_per_s == 0 {
            return Err(SimError::config(format!("{field}.rate_per_s"), "0; use no workload instead"));
        }
        if self.read_ppm > PPM_MAX {
            return Err(ppm_error(&format!("{field}.read_ppm"), self.read_ppm));
        }
        if self.keys.is_empty() {
            return Err(SimError::config(format!("{field}.keys"), "a workload needs at least one key"));
        }
        Ok(())
    }
}

/// Every bound of the kernel, by name. Reaching one is an error (queues,
/// history) or a documented loss (trace retention, inboxes, checkpoints).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Pending events (messages in flight, timers, client traffic).
    pub events_queued_max: usize,
    /// Trace records kept; older ones are dropped (the hash still covers them).
    pub trace_events_max: usize,
    /// Client operations in the history.
    pub history_ops_max: usize,
    /// Items waiting in one busy or paused node's inbox; more are dropped.
    pub inbox_messages_max: usize,
    /// Explicit operations waiting behind a busy client.
    pub client_queue_max: usize,
    /// Nodes, counting removed ones (ids are never reused).
    pub nodes_max: usize,
    /// Clients.
    pub clients_max: usize,
    /// Checkpoints a timeline keeps; beyond this every other one is dropped.
    pub checkpoints_max: usize,
    /// Events between two timeline checkpoints (doubles each time they thin out).
    pub checkpoint_every_events: u64,
    /// Messages the whole cluster may send per second of virtual time; more
    /// are dropped (`DropReason::RateLimited`): a replication storm ends in
    /// this clear state instead of exhausting the event queue.
    pub messages_per_s_max: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            events_queued_max: 1_000_000,
            trace_events_max: 100_000,
            history_ops_max: 1_000_000,
            inbox_messages_max: 1_000,
            client_queue_max: 1_000,
            nodes_max: 256,
            clients_max: 256,
            checkpoints_max: 64,
            checkpoint_every_events: 10_000,
            messages_per_s_max: 1_000_000,
        }
    }
}

impl Limits {
    fn validate(&self) -> Result<(), SimError> {
        let positive = [
            ("events_queued_max", self.events_queued_max),
            ("nodes_max", self.nodes_max),
            ("checkpoints_max", self.checkpoints_max),
            ("messages_per_s_max", usize::try_from(self.messages_per_s_max).unwrap_or(usize::MAX)),
        ];
        for (name, value) in positive {
            if value == 0 {
                return Err(SimError::config(format!("config.limits.{name}"), "must be at least 1"));
            }
        }
        if self.events_queued_max > crate::queue::EVENTS_QUEUED_MAX_LIMIT {
            return Err(SimError::config(
                "config.limits.events_queued_max",
                format!("at most {}", crate::queue::EVENTS_QUEUED_MAX_LIMIT),
            ));
        }
        if self.checkpoints_max < 2 {
            return Err(SimError::config("config.limits.checkpoints_max", "must be at least 2"));
        }
        if self.checkpoint_every_events == 0 {
            return Err(SimError::config("config.limits.checkpoint_every_events", "must be at least 1"));
        }
        Ok(())
    }
}

/// Serialises the link overrides as a list of `{from, to, link}`, because
/// formats such as JSON only allow string keys.
mod links_as_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::LinkConfig;
    use crate::ids::NodeId;

    #[derive(Serialize, Deserialize)]
    struct LinkOverride {
        from: NodeId,
        to: NodeId,
        link: LinkConfig,
    }

    pub fn serialize<S: Serializer>(links: &BTreeMap<(NodeId, NodeId), LinkConfig>, s: S) -> Result<S::Ok, S::Error> {
        let list: Vec<LinkOverride> =
            links.iter().map(|(&(from, to), link)| LinkOverride { from, to, link: link.clone() }).collect();
        list.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<(NodeId, NodeId), LinkConfig>, D::Error> {
        let list = Vec::<LinkOverride>::deserialize(d)?;
        Ok(list.into_iter().map(|o| ((o.from, o.to), o.link)).collect())
    }
}
