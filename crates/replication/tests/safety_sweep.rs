//! The safety sweep: random crashes, pauses, partitions and cut links over
//! many seeds. With every follower sync and fencing on, no acknowledged
//! write may be lost, no two leaders may acknowledge writes at once, and the
//! nodes must converge. With async followers some seeds lose writes, which
//! is the point of claim C5.
//!
//! Each seed: 3 nodes on jittery (0.5-2 ms + up to 0.5 ms), 1 % lossy, 1 %
//! duplicating links; two clients (of n1 and n2, following leader hints)
//! each issue 100 operations a second, 20 % reads, over keys a-d, until
//! 5 s; 12 random faults before 5 s; at 5 s everything is healed,
//! restarted and resumed; checked at 8 s.
//!
//! `cargo test --release -p replication --test safety_sweep sweep_2000 -- --ignored --nocapture`
//! runs 2000 seeds; `replay_seed` replays one (see its doc).

mod common;

use check::AnomalyKind;
use common::*;
use replication::single_leader::{FollowerMode, SingleLeader, SingleLeaderSettings};
use sim::{Action, ClientConfig, Latency, LinkConfig, Micros, NodeId, NodeStatus, Rng, SimConfig, Workload};

const NODES: u32 = 3;
const FAULTS_END_US: Micros = 5_000_000;
const CHECK_AT_US: Micros = 8_000_000;

fn config(seed: u64) -> SimConfig {
    let mut config = SimConfig::with_nodes(NODES as usize);
    config.seed = seed;
    config.network.default_link = LinkConfig {
        latency: Latency::Uniform { min_us: 500, max_us: 2_000 },
        jitter_us: 500,
        loss_ppm: 10_000,
        duplicate_ppm: 10_000,
        bandwidth_bytes_per_ms: None,
    };
    let keys = ["a", "b", "c", "d"].map(String::from).to_vec();
    let workload = Workload {
        rate_per_s: 100,
        read_ppm: 200_000,
        keys,
        start_us: 0,
        stop_us: Some(FAULTS_END_US),
        ..Workload::default()
    };
    config.clients =
        (0..2).map(|t| ClientConfig { workload: Some(workload.clone()), ..client(t) }).collect::<Vec<ClientConfig>>();
    config
}

/// One random fault, valid for the nodes' current states.
fn fault(rng: &mut Rng, status: &[NodeStatus]) -> Action<replication::SingleLeaderCommand> {
    let node = NodeId(rng.below(u64::from(NODES)) as u32);
    let other = NodeId(rng.below(u64::from(NODES)) as u32);
    match (rng.below(6), status[node.0 as usize]) {
        (0, NodeStatus::Up) => Action::Crash(node),
        (_, NodeStatus::Crashed) => Action::Restart(node),
        (1, NodeStatus::Up) => Action::Pause(node),
        (_, NodeStatus::Paused) => Action::Resume(node),
        (2, _) => {
            let mut groups = vec![vec![node]];
            groups.push((0..NODES).map(NodeId).filter(|&n| n != node).collect());
            Action::Partition { groups }
        }
        (3, _) => Action::Heal,
        (4, _) if node != other => Action::CutLink { from: node, to: other },
        _ => Action::Heal,
    }
}

/// Runs one seed to the check time; `log` sees each fault as it is applied.
fn simulate(seed: u64, mode: FollowerMode, log: &mut dyn FnMut(Micros, String)) -> S {
    let settings = SingleLeaderSettings::default().with_default_mode(mode);
    let mut sim = S::new(SingleLeader::new(settings), config(seed)).expect("valid config");
    let mut rng = Rng::seeded(seed ^ 0xFA17);
    let mut times: Vec<Micros> = (0..12).map(|_| rng.below(FAULTS_END_US)).collect();
    times.sort_unstable();
    for t in times {
        sim.run_until(t).unwrap();
        let status: Vec<NodeStatus> = sim.nodes().iter().map(|&n| sim.node_status(n)).collect();
        let action = fault(&mut rng, &status);
        log(t, action.describe());
        sim.apply(action).unwrap();
    }
    sim.run_until(FAULTS_END_US).unwrap();
    sim.apply(Action::Heal).unwrap();
    for id in 0..NODES {
        match sim.node_status(NodeId(id)) {
            NodeStatus::Crashed => sim.apply(Action::Restart(NodeId(id))).unwrap(),
            NodeStatus::Paused => sim.apply(Action::Resume(NodeId(id))).unwrap(),
            _ => {}
        }
    }
    sim.run_until(CHECK_AT_US).unwrap();
    sim
}

/// Runs one seed; returns (lost writes, split-brain intervals, diverged keys).
fn run(seed: u64, mode: FollowerMode) -> (usize, usize, usize) {
    let sim = simulate(seed, mode, &mut |_, _| {});
    let found = anomalies(&sim);
    (
        count(&found, AnomalyKind::LostWrite),
        count(&found, AnomalyKind::SplitBrain),
        count(&found, AnomalyKind::Divergence),
    )
}

fn sweep(seeds: std::ops::Range<u64>, mode: FollowerMode) -> Vec<(u64, (usize, usize, usize))> {
    seeds.map(|s| (s, run(s, mode))).filter(|(_, r)| *r != (0, 0, 0)).collect()
}

#[test]
fn sync_with_fencing_loses_nothing_and_never_splits_over_100_seeds() {
    assert_eq!(sweep(0..100, FollowerMode::Sync), vec![]);
}

#[test]
fn async_loses_writes_on_some_seeds() {
    let bad = sweep(0..100, FollowerMode::Async);
    let lost_seeds = bad.iter().filter(|(_, (lost, _, _))| *lost > 0).count();
    let split: usize = bad.iter().map(|(_, (_, s, _))| s).sum();
    let diverged: usize = bad.iter().map(|(_, (_, _, d))| d).sum();
    // Judged from version history since the lost-write checker stopped
    // trusting final values: a lost write later overwritten on the same key
    // used to hide (9 seeds before, seeds 10, 13, ... were missed).
    assert_eq!((lost_seeds, split, diverged), (24, 0, 0), "{bad:?}");
    let first: Vec<(u64, usize)> = bad.iter().take(3).map(|(seed, (lost, _, _))| (*seed, *lost)).collect();
    assert_eq!(first, vec![(1, 41), (2, 1), (10, 48)]);
}

#[test]
#[ignore = "2000 seeds: run with --ignored"]
fn sweep_2000_seeds() {
    let sync = sweep(0..2_000, FollowerMode::Sync);
    println!("sync + fencing, 2000 seeds: {} bad: {sync:?}", sync.len());
    let bad = sweep(0..2_000, FollowerMode::Async);
    let lost: usize = bad.iter().map(|(_, (l, _, _))| l).sum();
    println!("async + fencing, 2000 seeds: {} seeds lost {lost} writes: {bad:?}", bad.len());
    assert_eq!(sync, vec![]);
}

/// Replays one seed with its faults and anomalies:
/// `SEED=10 MODE=async cargo test -p replication --test safety_sweep replay_seed -- --ignored --nocapture`
#[test]
#[ignore = "replays the seed in $SEED"]
fn replay_seed() {
    let seed: u64 = std::env::var("SEED").expect("SEED").parse().expect("SEED is a number");
    let mode = if std::env::var("MODE").as_deref() == Ok("sync") { FollowerMode::Sync } else { FollowerMode::Async };
    let sim = simulate(seed, mode, &mut |t, what| println!("{t:>9} us  {what}"));
    println!("leaders: {:?}", leader_elections(&sim));
    for a in anomalies(&sim) {
        println!("{:?} at {} us: {}", a.kind, a.at_us, a.explanation);
    }
}
