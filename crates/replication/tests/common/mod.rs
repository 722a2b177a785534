//! Shared scaffolding for the claim tests: a cluster on fixed 1 ms links,
//! clients 0.5 ms from every node with a 100 ms timeout, and the checker
//! report over the run.

#![allow(dead_code)]

use check::{check_history, divergence, lost_writes, role_events, Anomaly, AnomalyKind, Names, ReplicaVersions};
use replication::single_leader::{SingleLeader, SingleLeaderCommand, SingleLeaderSettings};
use replication::ReplicaView;
use sim::{
    Action, ClientConfig, ClientId, LinkConfig, Micros, NodeEvent, NodeId, NodeStatus, OpKind, OpRecord, Outcome, Sim,
    SimConfig, TraceEvent, Workload,
};

pub type S = Sim<SingleLeader>;

pub const LINK_US: Micros = 1_000;

/// A client of node `target` with no workload.
pub fn client(target: u32) -> ClientConfig {
    ClientConfig { target: NodeId(target), ..ClientConfig::default() }
}

/// A client of node `target` writing unique values to `x` at `rate_per_s`.
pub fn writer(target: u32, rate_per_s: u32, start_us: Micros, stop_us: Micros) -> ClientConfig {
    writer_of(target, "x", rate_per_s, start_us, stop_us)
}

/// A client of node `target` writing unique values to `key` at `rate_per_s`.
pub fn writer_of(target: u32, key: &str, rate_per_s: u32, start_us: Micros, stop_us: Micros) -> ClientConfig {
    let workload = Workload {
        rate_per_s,
        read_ppm: 0,
        keys: vec![key.into()],
        start_us,
        stop_us: Some(stop_us),
        ..Workload::default()
    };
    ClientConfig { workload: Some(workload), ..client(target) }
}

pub fn start(nodes: usize, settings: SingleLeaderSettings, clients: Vec<ClientConfig>) -> S {
    let mut config = SimConfig::with_nodes(nodes);
    config.seed = 1;
    config.network.default_link = LinkConfig::fixed(LINK_US);
    config.clients = clients;
    Sim::new(SingleLeader::new(settings), config).expect("valid config")
}

/// Runs to `t_us`, then applies `action`.
pub fn at(sim: &mut S, t_us: Micros, action: Action<SingleLeaderCommand>) {
    sim.run_until(t_us).expect("run");
    sim.apply(action).expect("action accepted");
}

pub fn write(sim: &mut S, t_us: Micros, client: u32, value: &str) {
    let kind = OpKind::Write { key: "x".into(), value: value.into() };
    at(sim, t_us, Action::Invoke { client: ClientId(client), kind });
}

pub fn read(sim: &mut S, t_us: Micros, client: u32) {
    at(sim, t_us, Action::Invoke { client: ClientId(client), kind: OpKind::Read { key: "x".into() } });
}

/// The version data of every node that is up.
pub fn final_state(sim: &S) -> ReplicaVersions {
    let nodes = sim
        .nodes()
        .iter()
        .filter(|&&n| sim.node_status(n) == NodeStatus::Up)
        .filter_map(|&n| sim.node(n).map(|node| (n, node.versions())))
        .collect();
    ReplicaVersions::new(sim.now_us(), nodes)
}

/// Every checker over the run so far; the caller has let the cluster go
/// quiet, so disagreeing replicas count as divergence.
pub fn anomalies(sim: &S) -> Vec<Anomaly> {
    let names = Names::default();
    let state = final_state(sim);
    let mut out = check_history(sim.history(), &role_events(sim.trace()), &names);
    out.extend(lost_writes(sim.history(), &state, &names).anomalies);
    out.extend(divergence(sim.history(), &state, sim.now_us(), &names));
    check::sort(&mut out);
    out
}

pub fn count(anomalies: &[Anomaly], kind: AnomalyKind) -> usize {
    anomalies.iter().filter(|a| a.kind == kind).count()
}

pub fn is_write(r: &OpRecord) -> bool {
    matches!(r.kind, OpKind::Write { .. })
}

/// Operations matching `pred` that completed `Ok` in `[from_us, to_us)`.
pub fn ok_between(sim: &S, from_us: Micros, to_us: Micros, pred: impl Fn(&OpRecord) -> bool) -> usize {
    sim.history()
        .ops
        .iter()
        .filter(|r| r.is_ok() && pred(r) && r.complete_us.is_some_and(|c| c >= from_us && c < to_us))
        .count()
}

/// The outcome of operation `op`.
pub fn outcome(sim: &S, op: u64) -> Outcome {
    sim.history().ops[op as usize].outcome.clone().expect("completed")
}

/// Times at which `node` became leader.
pub fn leader_elections(sim: &S) -> Vec<(Micros, NodeId, u64)> {
    sim.trace()
        .records()
        .filter_map(|r| match &r.event {
            TraceEvent::Node { node, event: NodeEvent::Role { role: sim::Role::Leader, epoch } } => {
                Some((r.at_us, *node, *epoch))
            }
            _ => None,
        })
        .collect()
}

/// The protocol events of one node.
pub fn events_of(sim: &S, node: u32) -> Vec<NodeEvent> {
    sim.trace()
        .records()
        .filter_map(|r| match &r.event {
            TraceEvent::Node { node: n, event } if n.0 == node => Some(event.clone()),
            _ => None,
        })
        .collect()
}
