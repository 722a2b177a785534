//! Interventions: everything a user (or a script) can do to a running
//! simulation, as data.
//!
//! An [`Action`] is applied at the current virtual time by
//! [`Sim::apply`], which first checks it against the current state (so a
//! rejected action changes nothing), then records it in the trace as a
//! sentence ("crash n2") and carries it out. Because actions are plain
//! serialisable data, a run is fully described by scenario + seed + script.

use serde::{Deserialize, Serialize};

use crate::client::{OpKind, ReadPolicy};
use crate::clients::ClientState;
use crate::config::{ClientConfig, LinkConfig, NodeConfig, Workload};
use crate::engine::{Cmd, NodeStatus, Sim};
use crate::error::SimError;
use crate::ids::{ClientId, Micros, NodeId};
use crate::node::{Node, Protocol};
use crate::rng::{Rng, Stream};
use crate::slot::{Inbound, NodeSlot};
use crate::trace::TraceEvent;

/// One intervention; `C` is the protocol's command type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action<C> {
    /// Drop the node's volatile state, timers and inbox; keep its durable state.
    Crash(NodeId),
    /// A fresh node from `Protocol::new_node`, then `on_restart` with the durable state.
    Restart(NodeId),
    /// Freeze the node: everything that arrives waits in its inbox.
    Pause(NodeId),
    /// Unfreeze the node and work through its inbox in order.
    Resume(NodeId),
    /// Nodes in different groups cannot talk; unlisted nodes form one extra group.
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    /// Remove the partition and every one-way cut.
    Heal,
    /// Cut the directed link `from -> to`.
    CutLink {
        from: NodeId,
        to: NodeId,
    },
    /// Restore the directed link `from -> to`.
    RestoreLink {
        from: NodeId,
        to: NodeId,
    },
    /// Override the directed link `from -> to`.
    SetLink {
        from: NodeId,
        to: NodeId,
        link: LinkConfig,
    },
    /// Change every link without an override.
    SetDefaultLink(LinkConfig),
    SkewClock {
        node: NodeId,
        skew_us: i64,
        drift_ppm: i32,
    },
    SetServiceTime {
        node: NodeId,
        service_time_us: Micros,
    },
    /// A new node with the next id; the other live nodes get `on_membership`.
    AddNode(NodeConfig),
    /// Crash the node and remove it from the membership for good.
    RemoveNode(NodeId),
    /// An explicit client operation (queued if the client is busy).
    Invoke {
        client: ClientId,
        kind: OpKind,
    },
    SetWorkload {
        client: ClientId,
        workload: Option<Workload>,
    },
    SetClientTarget {
        client: ClientId,
        node: NodeId,
    },
    SetReadPolicy {
        client: ClientId,
        policy: ReadPolicy,
    },
    AddClient(ClientConfig),
    /// A protocol-specific command, handled by `Node::on_command`.
    Command {
        node: NodeId,
        command: C,
    },
}

impl<C: std::fmt::Debug> Action<C> {
    /// The action in a short sentence, as the trace and the page show it.
    pub fn describe(&self) -> String {
        match self {
            Action::Crash(n) => format!("crash {n}"),
            Action::Restart(n) => format!("restart {n}"),
            Action::Pause(n) => format!("pause {n}"),
            Action::Resume(n) => format!("resume {n}"),
            Action::Partition { groups } => {
                let groups: Vec<String> =
                    groups.iter().map(|g| g.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" ")).collect();
                format!("partition {{{}}}", groups.join("} {"))
            }
            Action::Heal => "heal the network".into(),
            Action::CutLink { from, to } => format!("cut link {from} -> {to}"),
            Action::RestoreLink { from, to } => format!("restore link {from} -> {to}"),
            Action::SetLink { from, to, link } => format!("set link {from} -> {to} to {link:?}"),
            Action::SetDefaultLink(link) => format!("set default link to {link:?}"),
            Action::SkewClock { node, skew_us, drift_ppm } => {
                format!("skew clock of {node} by {skew_us} us, drift {drift_ppm} ppm")
            }
            Action::SetServiceTime { node, service_time_us } => {
                format!("set service time of {node} to {service_time_us} us")
            }
            Action::AddNode(_) => "add a node".into(),
            Action::RemoveNode(n) => format!("remove {n}"),
            Action::Invoke { client, kind } => format!("{client} invokes {kind:?}"),
            Action::SetWorkload { client, workload: Some(w) } => {
                format!("{client} workload: {} ops/s, {} ppm reads", w.rate_per_s, w.read_ppm)
            }
            Action::SetWorkload { client, workload: None } => format!("{client} workload off"),
            Action::SetClientTarget { client, node } => format!("{client} talks to {node}"),
            Action::SetReadPolicy { client, policy } => format!("{client} read policy {policy:?}"),
            Action::AddClient(c) => format!("add a client talking to {}", c.target),
            Action::Command { node, command } => format!("command {node}: {command:?}"),
        }
    }
}

impl<P: Protocol> Sim<P> {
    /// Applies an intervention now. A rejected action changes nothing.
    pub fn apply(&mut self, action: Action<Cmd<P>>) -> Result<(), SimError> {
        self.check(&action)?;
        let description = action.describe();
        self.trace.push(self.now_us, TraceEvent::Intervention { description });
        self.execute(action)
    }

    fn node_id(&self, node: NodeId) -> Result<NodeId, SimError> {
        if (node.0 as usize) < self.slots.len() {
            Ok(node)
        } else {
            Err(SimError::UnknownNode { node, nodes: self.slots.len() })
        }
    }

    fn client_id(&self, client: ClientId) -> Result<ClientId, SimError> {
        if (client.0 as usize) < self.clients.len() {
            Ok(client)
        } else {
            Err(SimError::UnknownClient { client, clients: self.clients.len() })
        }
    }

    /// Fails unless `node` exists and has one of the `allowed` statuses.
    fn expect_status(&self, action: &Action<Cmd<P>>, node: NodeId, allowed: &[NodeStatus]) -> Result<(), SimError> {
        let status = self.node_status(self.node_id(node)?);
        if allowed.contains(&status) {
            return Ok(());
        }
        let state = format!("{status:?}").to_lowercase();
        Err(SimError::action(action.describe(), format!("{node} is {state}")))
    }

    fn check(&self, action: &Action<Cmd<P>>) -> Result<(), SimError> {
        use NodeStatus::{Crashed, Paused, Up};
        let limits = &self.config.limits;
        match action {
            Action::Crash(n) | Action::Command { node: n, .. } => self.expect_status(action, *n, &[Up, Paused]),
            Action::Restart(n) => self.expect_status(action, *n, &[Crashed]),
            Action::Pause(n) => self.expect_status(action, *n, &[Up]),
            Action::Resume(n) => self.expect_status(action, *n, &[Paused]),
            Action::RemoveNode(n) => self.expect_status(action, *n, &[Up, Paused, Crashed]),
            Action::Partition { groups } => {
                let mut seen = Vec::new();
                for &node in groups.iter().flatten() {
                    self.node_id(node)?;
                    if seen.contains(&node) {
                        return Err(SimError::action(action.describe(), format!("{node} is in two groups")));
                    }
                    seen.push(node);
                }
                Ok(())
            }
            Action::Heal => Ok(()),
            Action::CutLink { from, to } | Action::RestoreLink { from, to } => {
                self.node_id(*from)?;
                self.node_id(*to).map(drop)
            }
            Action::SetLink { from, to, link } => {
                self.node_id(*from)?;
                self.node_id(*to)?;
                link.validate(&format!("set link {from} -> {to}"))
            }
            Action::SetDefaultLink(link) => link.validate("set default link"),
            Action::SkewClock { node, .. } | Action::SetServiceTime { node, .. } => self.node_id(*node).map(drop),
            Action::AddNode(_) if self.slots.len() >= limits.nodes_max => {
                Err(SimError::TooManyNodes { limit: limits.nodes_max })
            }
            Action::AddNode(_) => Ok(()),
            Action::Invoke { client, .. } => {
                let state = &self.clients[self.client_id(*client)?.0 as usize];
                if state.pending.is_some() && state.queued.len() >= limits.client_queue_max {
                    return Err(SimError::ClientQueueFull { client: *client, limit: limits.client_queue_max });
                }
                Ok(())
            }
            Action::SetWorkload { client, workload } => {
                self.client_id(*client)?;
                match workload {
                    Some(w) => w.validate(&format!("{client} workload")),
                    None => Ok(()),
                }
            }
            Action::SetClientTarget { client, node } => {
                self.client_id(*client)?;
                self.node_id(*node).map(drop)
            }
            Action::SetReadPolicy { client, .. } => self.client_id(*client).map(drop),
            Action::AddClient(_) if self.clients.len() >= limits.clients_max => {
                Err(SimError::TooManyClients { limit: limits.clients_max })
            }
            Action::AddClient(config) => config.validate("add client", self.slots.len()),
        }
    }

    fn execute(&mut self, action: Action<Cmd<P>>) -> Result<(), SimError> {
        let now_us = self.now_us;
        match action {
            Action::Crash(node) => self.crash_node(node),
            Action::Restart(node) => self.restart_node(node)?,
            Action::Pause(node) => {
                self.slots[node.0 as usize].status = NodeStatus::Paused;
                self.trace.push(now_us, TraceEvent::Paused { node });
            }
            Action::Resume(node) => {
                self.slots[node.0 as usize].status = NodeStatus::Up;
                self.trace.push(now_us, TraceEvent::Resumed { node });
                self.schedule_wake(node)?;
            }
            Action::Partition { groups } => self.network.partition(groups, self.slots.len()),
            Action::Heal => self.network.heal(),
            Action::CutLink { from, to } => self.network.cut(from, to),
            Action::RestoreLink { from, to } => self.network.restore(from, to),
            Action::SetLink { from, to, link } => {
                self.config.network.links.insert((from, to), link);
            }
            Action::SetDefaultLink(link) => self.config.network.default_link = link,
            Action::SkewClock { node, skew_us, drift_ppm } => {
                let config = &mut self.config.nodes[node.0 as usize];
                config.skew_us = skew_us;
                config.drift_ppm = drift_ppm;
            }
            Action::SetServiceTime { node, service_time_us } => {
                self.config.nodes[node.0 as usize].service_time_us = service_time_us;
            }
            Action::AddNode(config) => self.add_node(config)?,
            Action::RemoveNode(node) => {
                if self.node_status(node) != NodeStatus::Crashed {
                    self.crash_node(node);
                }
                self.slots[node.0 as usize].status = NodeStatus::Removed;
                self.members.retain(|&m| m != node);
                self.trace.push(now_us, TraceEvent::Removed { node });
                self.notify_membership(node)?;
            }
            Action::Invoke { client, kind } => self.invoke(client, kind)?,
            Action::SetWorkload { client, workload } => {
                let state = &mut self.clients[client.0 as usize];
                state.epoch += 1;
                state.config.workload = workload;
                self.schedule_workload(client)?;
            }
            Action::SetClientTarget { client, node } => self.clients[client.0 as usize].config.target = node,
            Action::SetReadPolicy { client, policy } => self.clients[client.0 as usize].config.policy = policy,
            Action::AddClient(config) => {
                let client = ClientId(self.clients.len() as u32);
                self.config.clients.push(config.clone());
                self.clients.push(ClientState::new(client, config, self.config.seed));
                self.schedule_workload(client)?;
            }
            Action::Command { node, command } => {
                if self.node_status(node) == NodeStatus::Up {
                    self.call_node(node, |n, ctx| n.on_command(command, ctx))?;
                } else {
                    self.arrive(node, Inbound::Command(command))?;
                }
            }
        }
        Ok(())
    }

    fn add_node(&mut self, config: NodeConfig) -> Result<(), SimError> {
        let node = NodeId(self.slots.len() as u32);
        self.config.nodes.push(config);
        self.members.push(node);
        let fresh = self.protocol.new_node(node, &self.members);
        self.slots.push(NodeSlot::new(fresh, Rng::derive(self.config.seed, Stream::Node(node.0))));
        self.network.node_added(self.slots.len());
        self.trace.push(self.now_us, TraceEvent::Added { node });
        self.call_node(node, |n, ctx| n.on_start(ctx))?;
        self.notify_membership(node)
    }
}
