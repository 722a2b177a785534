//! Claims C1, C2, C10, C11 and C12 on the real engine: one writer, lagging
//! followers, stale reads and the read policies that fix them.
//!
//! Every scenario: 3 nodes on fixed 1 ms links unless it says otherwise, n1
//! leads at epoch 1; clients sit 0.5 ms from every node.

mod common;

use check::{of_kind, AnomalyKind};
use common::*;
use replication::single_leader::{FollowerMode, SingleLeaderSettings};
use sim::{Action, ClientConfig, ClientId, LinkConfig, NodeId, Outcome, ReadPolicy, SimConfig, Workload};

fn n(i: u32) -> NodeId {
    NodeId(i)
}

fn values(sim: &S, op: u64) -> Vec<String> {
    match outcome(sim, op) {
        Outcome::Ok { values } => values,
        other => panic!("op {op} failed: {other:?}"),
    }
}

/// C1: a client of follower n2 sends 4 writes at 0.1 s; the first is
/// refused with a hint, the client moves to n1, the rest succeed; every
/// node ends with the same log in the same order, and n3 serves the read.
#[test]
fn c1_writes_go_to_the_leader_and_followers_apply_the_same_log() {
    let mut sim = start(3, SingleLeaderSettings::default(), vec![client(1), client(2)]);
    for i in 1..=4 {
        write(&mut sim, 100_000, 0, &format!("v{i}"));
    }
    read(&mut sim, 200_000, 1);
    sim.run_until(300_000).unwrap();
    let ok: Vec<bool> = (0..4).map(|op| matches!(outcome(&sim, op), Outcome::Ok { .. })).collect();
    assert_eq!(ok, vec![false, true, true, true]);
    assert_eq!(values(&sim, 4), vec!["v4"]);
    let leader_log = sim.node(n(0)).unwrap().view().log;
    assert_eq!(leader_log.iter().map(|e| e.value.as_str()).collect::<Vec<_>>(), vec!["v2", "v3", "v4"]);
    for i in 1..3 {
        assert_eq!(sim.node(n(i)).unwrap().view().log, leader_log, "n{}", i + 1);
    }
}

/// C2: the link n1 -> n3 takes 50 ms. A write through n1 at 0.1 s; a client
/// of n3 reads at 0.11 s (stale) and at 0.2 s (fresh).
#[test]
fn c2_an_async_follower_lags_and_serves_a_stale_read() {
    let mut sim = start(3, SingleLeaderSettings::default(), vec![client(0), client(2)]);
    at(&mut sim, 0, Action::SetLink { from: n(0), to: n(2), link: LinkConfig::fixed(50_000) });
    write(&mut sim, 100_000, 0, "v1");
    read(&mut sim, 110_000, 1);
    sim.run_until(130_000).unwrap();
    let lag = sim.node(n(0)).unwrap().follower_lags_at(130_000);
    let lag_n3 = lag.iter().find(|l| l.node == n(2)).unwrap();
    assert_eq!((lag_n3.lag_entries, lag_n3.lag_us), (1, 29_500));
    read(&mut sim, 200_000, 1);
    sim.run_until(300_000).unwrap();
    assert_eq!((values(&sim, 1), values(&sim, 2)), (vec![], vec!["v1".to_string()]));
    let stale = of_kind(sim.history(), AnomalyKind::StaleRead);
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].ops[..2], [sim::OpId(1), sim::OpId(0)]);
}

/// C12 scenario: the link n1 -> n3 takes 50 ms. Client c1 writes through n1
/// at 0.1 s, then talks to n3 and reads at 0.102 s with `policy`.
fn read_after_write(policy: ReadPolicy) -> S {
    let c1 = ClientConfig { policy, ..client(0) };
    let mut sim = start(3, SingleLeaderSettings::default(), vec![c1]);
    at(&mut sim, 0, Action::SetLink { from: n(0), to: n(2), link: LinkConfig::fixed(50_000) });
    write(&mut sim, 100_000, 0, "v1");
    at(&mut sim, 102_000, Action::SetClientTarget { client: ClientId(0), node: n(2) });
    read(&mut sim, 102_000, 0);
    sim.run_until(300_000).unwrap();
    sim
}

#[test]
fn c12_read_your_writes_waits_for_the_session_token() {
    let any = read_after_write(ReadPolicy::Any);
    assert_eq!(values(&any, 1), Vec::<String>::new());
    assert_eq!(of_kind(any.history(), AnomalyKind::ReadYourWrites).len(), 1);
    let ryw = read_after_write(ReadPolicy::ReadYourWrites);
    assert_eq!(values(&ryw, 1), vec!["v1"]);
    assert_eq!(ryw.history().ops[1].complete_us, Some(151_000), "n3 answered once the entry arrived");
    assert_eq!(of_kind(ryw.history(), AnomalyKind::ReadYourWrites).len(), 0);
    let quorum = read_after_write(ReadPolicy::Quorum);
    assert_eq!(values(&quorum, 1), vec!["v1"]);
    assert_eq!(quorum.history().ops[1].complete_us, Some(105_000), "a majority answered in one round trip");
}

/// C12, monotonic reads: after a write at 0.1 s (n1 -> n3 takes 50 ms), a
/// client reads from n2 at 0.105 s, then from n3 at 0.107 s.
fn two_replicas(policy: ReadPolicy) -> S {
    let mut sim = start(3, SingleLeaderSettings::default(), vec![client(0), ClientConfig { policy, ..client(1) }]);
    at(&mut sim, 0, Action::SetLink { from: n(0), to: n(2), link: LinkConfig::fixed(50_000) });
    write(&mut sim, 100_000, 0, "v1");
    read(&mut sim, 105_000, 1);
    at(&mut sim, 107_000, Action::SetClientTarget { client: ClientId(1), node: n(2) });
    read(&mut sim, 107_000, 1);
    sim.run_until(300_000).unwrap();
    sim
}

#[test]
fn c12_monotonic_reads_never_go_back_in_time() {
    let any = two_replicas(ReadPolicy::Any);
    assert_eq!((values(&any, 1), values(&any, 2)), (vec!["v1".to_string()], vec![]));
    assert_eq!(of_kind(any.history(), AnomalyKind::MonotonicReads).len(), 1);
    let mono = two_replicas(ReadPolicy::MonotonicReads);
    assert_eq!(values(&mono, 2), vec!["v1"]);
    assert_eq!(of_kind(mono.history(), AnomalyKind::MonotonicReads).len(), 0);
}

/// C11: one client writes 100 times a second to n1 for 1 s. With
/// `apply_delay_us` 20 ms a follower applies 50 entries a second, so its
/// lag grows by about 50 entries a second; with 0 it stays within one.
fn lag_after_one_second(apply_delay_us: u64) -> (u64, u64) {
    let settings = SingleLeaderSettings { apply_delay_us, ..SingleLeaderSettings::default() };
    let mut sim = start(3, settings, vec![writer(0, 100, 0, 1_000_000)]);
    let mut lag_entries_max = 0;
    for step in 1..=10 {
        sim.run_until(step * 100_000).unwrap();
        let lags = sim.node(n(0)).unwrap().follower_lags();
        lag_entries_max = lags.iter().map(|l| l.lag_entries).max().unwrap().max(lag_entries_max);
    }
    let lag_us = sim.node(n(0)).unwrap().follower_lags().iter().map(|l| l.lag_us).max().unwrap();
    (lag_entries_max, lag_us)
}

#[test]
fn c11_lag_grows_with_slow_apply() {
    assert_eq!(lag_after_one_second(0), (0, 0));
    assert_eq!(lag_after_one_second(20_000), (51, 509_500));
}

/// C10: every node needs 1 ms per message or request. Four clients write to
/// n1 as fast as they can (one operation outstanding each, a tick every
/// 1 ms); one client per follower reads from it just as fast. Counted over
/// 1 s: (acknowledged writes, successful reads).
fn throughput(nodes: usize) -> (usize, usize) {
    let flood = |read_ppm| Workload {
        rate_per_s: 1_000,
        read_ppm,
        keys: vec!["x".into()],
        start_us: 0,
        stop_us: None,
        ..Workload::default()
    };
    let mut clients: Vec<ClientConfig> =
        (0..4).map(|_| ClientConfig { workload: Some(flood(0)), ..client(0) }).collect();
    clients.extend((1..nodes as u32).map(|f| ClientConfig { workload: Some(flood(1_000_000)), ..client(f) }));
    let mut config = SimConfig::with_nodes(nodes);
    config.network.default_link = LinkConfig::fixed(LINK_US);
    config.clients = clients;
    for node in &mut config.nodes {
        node.service_time_us = 1_000;
    }
    let settings = SingleLeaderSettings::default().with_default_mode(FollowerMode::Async);
    let mut sim = S::new(replication::SingleLeader::new(settings), config).unwrap();
    sim.run_until(1_000_000).unwrap();
    let writes = ok_between(&sim, 0, 1_000_000, is_write);
    let reads = ok_between(&sim, 0, 1_000_000, |r| !is_write(r));
    assert_eq!(count(&anomalies(&sim), AnomalyKind::LostWrite), 0);
    (writes, reads)
}

#[test]
fn c10_followers_add_read_capacity_not_write_capacity() {
    assert_eq!(throughput(3), (322, 688));
    // Two more followers: reads 688 -> 1656 a second; writes fall 322 -> 187,
    // because the leader handles one acknowledgement per follower per write.
    assert_eq!(throughput(5), (187, 1_656));
}
