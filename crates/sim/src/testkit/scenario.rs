//! Shared runs of the [`Register`] protocol: the pinned scenario whose trace
//! hash native and WebAssembly tests both assert, random fault scripts for
//! determinism tests, and the benchmark clusters.

use crate::action::Action;
use crate::client::{OpKind, ReadPolicy};
use crate::config::{ClientConfig, Latency, LinkConfig, NodeConfig, SimConfig, Workload};
use crate::engine::NodeStatus;
use crate::error::SimError;
use crate::ids::{ClientId, Micros, NodeId};
use crate::rng::{Rng, Stream};
use crate::timeline::{Intervention, Timeline};

use super::{Register, RegisterCommand};

/// How long the pinned scenario runs.
pub const PINNED_END_US: Micros = 2_000_000;

/// Five nodes over a jittery, lossy, duplicating network with a long-tail
/// link and a bandwidth-limited one, two clients with workloads (one follows
/// leader hints), one node with a skewed clock and one with a service time.
pub fn pinned_config() -> SimConfig {
    let mut config = SimConfig::with_nodes(5);
    config.seed = 0x5EED_2026;
    config.nodes[3] = NodeConfig { service_time_us: 300, skew_us: -2_000, drift_ppm: 150 };
    config.network.default_link = LinkConfig {
        latency: Latency::Uniform { min_us: 800, max_us: 1_500 },
        jitter_us: 400,
        loss_ppm: 10_000,
        duplicate_ppm: 5_000,
        bandwidth_bytes_per_ms: None,
    };
    config.network.links.insert(
        (NodeId(0), NodeId(4)),
        LinkConfig {
            latency: Latency::LongTail { base_us: 5_000, tail_ppm: 50_000, tail_us: 40_000 },
            ..LinkConfig::default()
        },
    );
    config
        .network
        .links
        .insert((NodeId(4), NodeId(0)), LinkConfig { bandwidth_bytes_per_ms: Some(20), ..LinkConfig::fixed(5_000) });
    let workload = |rate_per_s, read_ppm| Workload {
        rate_per_s,
        read_ppm,
        keys: vec!["x".into(), "y".into(), "z".into()],
        start_us: 1_000,
        stop_us: Some(1_900_000),
        updates: crate::config::UpdateKind::Write,
    };
    config.clients = vec![
        ClientConfig { target: NodeId(0), workload: Some(workload(200, 300_000)), ..ClientConfig::default() },
        ClientConfig {
            target: NodeId(3),
            policy: ReadPolicy::ReadYourWrites,
            timeout_us: 20_000,
            workload: Some(workload(100, 600_000)),
            ..ClientConfig::default()
        },
    ];
    config
}

/// Every kind of fault, at fixed times.
pub fn pinned_script() -> Vec<Intervention<RegisterCommand>> {
    let at = |at_us, action| Intervention { at_us, action };
    let (n0, n1, n2, n3, n4) = (NodeId(0), NodeId(1), NodeId(2), NodeId(3), NodeId(4));
    vec![
        at(100_000, Action::Crash(n2)),
        at(150_000, Action::Invoke { client: ClientId(0), kind: OpKind::Incr { key: "k".into(), by: 5 } }),
        at(250_000, Action::Partition { groups: vec![vec![n0, n1], vec![n3]] }),
        at(300_000, Action::Restart(n2)),
        at(400_000, Action::Pause(n4)),
        at(450_000, Action::Heal),
        at(500_000, Action::CutLink { from: n0, to: n1 }),
        at(600_000, Action::Resume(n4)),
        at(700_000, Action::SkewClock { node: n1, skew_us: 5_000, drift_ppm: -300 }),
        at(800_000, Action::SetServiceTime { node: n0, service_time_us: 2_000 }),
        at(900_000, Action::RestoreLink { from: n0, to: n1 }),
        at(950_000, Action::SetClientTarget { client: ClientId(1), node: n2 }),
        at(1_000_000, Action::AddNode(NodeConfig::default())),
        at(1_100_000, Action::Command { node: n1, command: RegisterCommand::SetHeartbeat { every_us: 25_000 } }),
        at(1_200_000, Action::RemoveNode(n3)),
        at(1_300_000, Action::SetDefaultLink(LinkConfig::fixed(700))),
        at(1_400_000, Action::AddClient(ClientConfig { target: NodeId(5), ..ClientConfig::default() })),
        at(1_400_000, Action::Invoke { client: ClientId(2), kind: OpKind::Read { key: "x".into() } }),
        at(1_450_000, Action::Crash(n0)),
        at(1_700_000, Action::SetWorkload { client: ClientId(0), workload: None }),
    ]
}

/// The pinned scenario run to [`PINNED_END_US`].
pub fn pinned_run() -> Result<Timeline<Register>, SimError> {
    let mut timeline = Timeline::new(Register::default(), pinned_config(), pinned_script())?;
    timeline.advance_to(PINNED_END_US)?;
    Ok(timeline)
}

/// The trace hash of the pinned scenario run to [`PINNED_END_US`].
pub fn pinned_trace_hash() -> Result<u64, SimError> {
    Ok(pinned_run()?.sim().trace().hash())
}

/// A cluster of `nodes` for fault-schedule runs: jittery, slightly lossy links
/// and one client writing and reading.
pub fn fault_config(seed: u64, nodes: usize) -> SimConfig {
    let mut config = SimConfig::with_nodes(nodes);
    config.seed = seed;
    config.network.default_link = LinkConfig {
        latency: Latency::Uniform { min_us: 500, max_us: 2_000 },
        jitter_us: 500,
        loss_ppm: 20_000,
        duplicate_ppm: 10_000,
        bandwidth_bytes_per_ms: None,
    };
    let workload = Workload { rate_per_s: 200, keys: vec!["a".into(), "b".into()], ..Workload::default() };
    config.clients = vec![ClientConfig { workload: Some(workload), timeout_us: 10_000, ..ClientConfig::default() }];
    config
}

/// A random but valid fault script: `count` faults at random times before
/// `horizon_us`, drawn from the seed's `Faults` stream. It tracks node states
/// so that every action applies (crash only up nodes, resume only paused ones).
pub fn fault_script(seed: u64, nodes: usize, horizon_us: Micros, count: usize) -> Vec<Intervention<RegisterCommand>> {
    let mut rng = Rng::derive(seed, Stream::Faults);
    let mut times: Vec<Micros> = (0..count).map(|_| rng.below(horizon_us)).collect();
    times.sort_unstable();
    let mut status = vec![NodeStatus::Up; nodes];
    let mut script = Vec::with_capacity(count);
    for at_us in times {
        let node = NodeId(rng.below(nodes as u64) as u32);
        let other = NodeId(rng.below(nodes as u64) as u32);
        let action = match (rng.below(7), status[node.0 as usize]) {
            (0, NodeStatus::Up) => Action::Crash(node),
            (0 | 1, NodeStatus::Crashed) => Action::Restart(node),
            (1, NodeStatus::Up) => Action::Pause(node),
            (_, NodeStatus::Paused) => Action::Resume(node),
            (2, _) => {
                let split = 1 + rng.below(nodes as u64 - 1) as u32;
                Action::Partition { groups: vec![(0..split).map(NodeId).collect()] }
            }
            (3, _) => Action::Heal,
            (4, _) => Action::CutLink { from: node, to: other },
            (5, _) => Action::RestoreLink { from: node, to: other },
            _ => Action::SkewClock { node, skew_us: rng.below(10_000) as i64 - 5_000, drift_ppm: 0 },
        };
        match action {
            Action::Crash(n) => status[n.0 as usize] = NodeStatus::Crashed,
            Action::Restart(n) | Action::Resume(n) => status[n.0 as usize] = NodeStatus::Up,
            Action::Pause(n) => status[n.0 as usize] = NodeStatus::Paused,
            _ => {}
        }
        script.push(Intervention { at_us, action });
    }
    script
}

/// The benchmark cluster: `nodes` register nodes heartbeating every 10 ms
/// over jittery links, and one client per five nodes writing and reading.
pub fn bench_config(nodes: usize) -> SimConfig {
    let mut config = SimConfig::with_nodes(nodes);
    config.seed = 7;
    config.network.default_link = LinkConfig { jitter_us: 300, ..LinkConfig::fixed(1_000) };
    config.limits.trace_events_max = 100_000;
    config.clients = (0..nodes.div_ceil(5))
        .map(|i| ClientConfig {
            target: NodeId((i * 5) as u32),
            workload: Some(Workload { rate_per_s: 100, keys: vec!["k".into()], ..Workload::default() }),
            ..ClientConfig::default()
        })
        .collect();
    config
}
