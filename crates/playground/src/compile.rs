//! Turns a scenario into what the kernel runs: a [`SimConfig`] and kernel
//! [`Action`]s for each script entry. Scenario ids ("n1", "c1") become kernel
//! indices here and nowhere else.

use sim::{Action, ClientConfig, ClientId, Latency, LinkConfig, NodeConfig, NodeId, OpKind, SimConfig, Workload};

use crate::scenario::{ClientSpec, LinkSpec, NodeSpec, Scenario, ScenarioError, WorkloadSpec};
use crate::script::ScriptAction;

const US_PER_MS: u64 = 1_000;

/// The ids of nodes and clients, in kernel index order. Nodes added by the
/// script are appended as their `add_node` entries are reached.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    pub nodes: Vec<String>,
    pub clients: Vec<String>,
}

impl Names {
    /// The ids a scenario starts with.
    pub fn of(s: &Scenario) -> Self {
        Names {
            nodes: s.nodes.iter().map(|n| n.id.clone()).collect(),
            clients: s.clients.iter().map(|c| c.id.clone()).collect(),
        }
    }

    /// The kernel id of a node.
    pub fn node(&self, id: &str) -> Result<NodeId, ScenarioError> {
        let i = self
            .nodes
            .iter()
            .position(|n| n == id)
            .ok_or_else(|| ScenarioError::invalid("node", format!("unknown node \"{id}\"")))?;
        Ok(NodeId(i as u32))
    }

    /// The kernel id of a client.
    pub fn client(&self, id: &str) -> Result<ClientId, ScenarioError> {
        let i = self
            .clients
            .iter()
            .position(|c| c == id)
            .ok_or_else(|| ScenarioError::invalid("client", format!("unknown client \"{id}\"")))?;
        Ok(ClientId(i as u32))
    }

    /// The scenario id of a kernel node.
    /// The same names for the checkers' sentences.
    pub fn for_checks(&self) -> check::Names {
        check::Names::new(self.nodes.clone(), self.clients.clone())
    }

    pub fn node_name(&self, id: NodeId) -> &str {
        self.nodes.get(id.0 as usize).map_or("?", String::as_str)
    }

    /// The scenario id of a kernel client.
    pub fn client_name(&self, id: ClientId) -> &str {
        self.clients.get(id.0 as usize).map_or("?", String::as_str)
    }
}

/// The kernel configuration of a scenario, with `seed`.
pub fn sim_config(s: &Scenario) -> Result<SimConfig, ScenarioError> {
    let names = Names::of(s);
    let mut config = SimConfig { seed: s.seed, ..SimConfig::default() };
    config.nodes = s.nodes.iter().map(node_config).collect();
    config.network.default_link = link_config(&s.network.default_link);
    let n = s.nodes.len();
    // Regions first, then single links, each overriding what came before.
    for pair in &s.network.regions {
        for (i, a) in s.nodes.iter().enumerate() {
            for (j, b) in s.nodes.iter().enumerate() {
                let forward = a.region == pair.from && b.region == pair.to;
                let backward = !pair.one_way && a.region == pair.to && b.region == pair.from;
                if i != j && (forward || backward) {
                    config.network.links.insert((NodeId(i as u32), NodeId(j as u32)), link_config(&pair.link));
                }
            }
        }
    }
    for pair in &s.network.links {
        let (a, b) = (names.node(&pair.from)?, names.node(&pair.to)?);
        config.network.links.insert((a, b), link_config(&pair.link));
        if !pair.one_way {
            config.network.links.insert((b, a), link_config(&pair.link));
        }
    }
    debug_assert!(config.network.links.keys().all(|(a, b)| (a.0 as usize) < n && (b.0 as usize) < n));
    s.protocol.limits(&mut config.limits);
    config.clients = s.clients.iter().map(|c| client_config(c, &names)).collect::<Result<_, _>>()?;
    Ok(config)
}

/// A node's kernel settings.
pub fn node_config(n: &NodeSpec) -> NodeConfig {
    NodeConfig {
        service_time_us: n.service_time_us,
        skew_us: n.clock_skew_ms.saturating_mul(1_000),
        drift_ppm: n.clock_drift_ppm,
    }
}

/// A link's kernel settings.
pub fn link_config(l: &LinkSpec) -> LinkConfig {
    let base_us = l.latency_ms * US_PER_MS;
    let latency = if l.tail_ppm > 0 {
        Latency::LongTail { base_us, tail_ppm: l.tail_ppm, tail_us: l.tail_ms * US_PER_MS }
    } else {
        Latency::Fixed { us: base_us }
    };
    LinkConfig {
        latency,
        jitter_us: l.jitter_ms * US_PER_MS,
        loss_ppm: l.loss_ppm,
        duplicate_ppm: l.duplicate_ppm,
        bandwidth_bytes_per_ms: l.bandwidth_bytes_per_ms,
    }
}

fn workload(w: &WorkloadSpec) -> Workload {
    Workload {
        rate_per_s: w.rate_per_s,
        read_ppm: w.read_percent * 10_000,
        keys: w.keys.clone(),
        start_us: w.start_ms * US_PER_MS,
        stop_us: w.stop_ms.map(|ms| ms * US_PER_MS),
        updates: w.updates,
    }
}

fn client_config(c: &ClientSpec, names: &Names) -> Result<ClientConfig, ScenarioError> {
    Ok(ClientConfig {
        target: names.node(&c.node)?,
        policy: c.read_policy,
        latency_us: c.latency_ms * US_PER_MS,
        timeout_us: c.timeout_ms * US_PER_MS,
        follow_leader_hint: c.follow_leader,
        workload: c.workload.as_ref().map(workload),
        name: Some(c.id.clone()),
    })
}

/// The kernel actions of one script action. Protocol commands are built by
/// `command`, which gets the action and the kernel ids of every node.
pub fn actions<C>(
    a: &ScriptAction,
    names: &mut Names,
    command: impl Fn(&ScriptAction, &Names) -> Result<Vec<(NodeId, C)>, ScenarioError>,
) -> Result<Vec<Action<C>>, ScenarioError> {
    let one = |action| Ok(vec![action]);
    match a {
        ScriptAction::Crash(n) => one(Action::Crash(names.node(n)?)),
        ScriptAction::Restart(n) => one(Action::Restart(names.node(n)?)),
        ScriptAction::Pause(n) => one(Action::Pause(names.node(n)?)),
        ScriptAction::Resume(n) => one(Action::Resume(names.node(n)?)),
        ScriptAction::Partition(groups) => {
            let groups = groups
                .iter()
                .map(|g| g.iter().map(|n| names.node(n)).collect::<Result<Vec<_>, _>>())
                .collect::<Result<_, _>>()?;
            one(Action::Partition { groups })
        }
        ScriptAction::Heal => one(Action::Heal),
        ScriptAction::CutLink { from, to } => one(Action::CutLink { from: names.node(from)?, to: names.node(to)? }),
        ScriptAction::RestoreLink { from, to } => {
            one(Action::RestoreLink { from: names.node(from)?, to: names.node(to)? })
        }
        ScriptAction::SetLink { from, to, link } => {
            let (a, b) = (names.node(from)?, names.node(to)?);
            let link = link_config(link);
            Ok(vec![Action::SetLink { from: a, to: b, link: link.clone() }, Action::SetLink { from: b, to: a, link }])
        }
        ScriptAction::SkewClock { node, skew_ms, drift_ppm } => one(Action::SkewClock {
            node: names.node(node)?,
            skew_us: skew_ms.saturating_mul(1_000),
            drift_ppm: *drift_ppm,
        }),
        ScriptAction::SetServiceTime { node, service_time_us } => {
            one(Action::SetServiceTime { node: names.node(node)?, service_time_us: *service_time_us })
        }
        ScriptAction::AddNode(spec) => {
            names.nodes.push(spec.id.clone());
            one(Action::AddNode(node_config(spec)))
        }
        ScriptAction::Write { client, key, value } => one(Action::Invoke {
            client: names.client(client)?,
            kind: OpKind::Write { key: key.clone(), value: value.clone() },
        }),
        ScriptAction::Read { client, key } => {
            one(Action::Invoke { client: names.client(client)?, kind: OpKind::Read { key: key.clone() } })
        }
        ScriptAction::Incr { client, key, by } => {
            one(Action::Invoke { client: names.client(client)?, kind: OpKind::Incr { key: key.clone(), by: *by } })
        }
        ScriptAction::SetAdd { client, key, elem } => one(Action::Invoke {
            client: names.client(client)?,
            kind: OpKind::SetAdd { key: key.clone(), elem: elem.clone() },
        }),
        ScriptAction::SetRemove { client, key, elem } => one(Action::Invoke {
            client: names.client(client)?,
            kind: OpKind::SetRemove { key: key.clone(), elem: elem.clone() },
        }),
        ScriptAction::DecrIfPositive { client, key } => {
            one(Action::Invoke { client: names.client(client)?, kind: OpKind::DecrIfPositive { key: key.clone() } })
        }
        ScriptAction::SetWorkload { client, workload: w } => {
            one(Action::SetWorkload { client: names.client(client)?, workload: w.as_ref().map(workload) })
        }
        ScriptAction::SetClientNode { client, node } => {
            one(Action::SetClientTarget { client: names.client(client)?, node: names.node(node)? })
        }
        ScriptAction::SetReadPolicy { client, policy } => {
            one(Action::SetReadPolicy { client: names.client(client)?, policy: *policy })
        }
        other => {
            Ok(command(other, names)?.into_iter().map(|(node, command)| Action::Command { node, command }).collect())
        }
    }
}
