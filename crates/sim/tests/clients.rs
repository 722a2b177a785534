//! Client semantics: timeouts, replies, session tokens, leader hints,
//! queued invocations and workloads.

mod common;

use common::{count, Probe};
use sim::{
    Action, ClientConfig, ClientId, NodeId, OpId, OpKind, Outcome, Sim, SimConfig, SimError, TraceEvent, Workload,
};

const C0: ClientId = ClientId(0);

fn sim_with(probe: Probe, client: ClientConfig) -> Sim<Probe> {
    let mut config = SimConfig::with_nodes(3);
    config.clients = vec![client];
    Sim::new(probe, config).unwrap()
}

fn read() -> OpKind {
    OpKind::Read { key: "x".into() }
}

#[test]
fn request_to_a_crashed_node_times_out_as_info() {
    let client = ClientConfig { latency_us: 500, timeout_us: 20_000, ..ClientConfig::default() };
    let mut sim = sim_with(Probe::default(), client);
    sim.apply(Action::Crash(NodeId(0))).unwrap();
    sim.run_until(1_000).unwrap();
    sim.apply(Action::Invoke { client: C0, kind: read() }).unwrap();
    sim.run_until(100_000).unwrap();
    let op = sim.history().get(OpId(0)).unwrap();
    assert_eq!(op.outcome, Some(Outcome::Info { reason: "timeout".into() }));
    assert_eq!((op.invoke_us, op.complete_us), (1_000, Some(21_000)));
    assert_eq!(count(&sim, |e| matches!(e, TraceEvent::RequestLost { .. })), 1);
    assert_eq!(sim.history().outcome_counts(), (0, 0, 1, 0));
}

#[test]
fn silent_node_times_out_and_a_late_reply_is_ignored() {
    let mut sim = sim_with(Probe { silent: true, ..Probe::default() }, ClientConfig::default());
    sim.apply(Action::Invoke { client: C0, kind: read() }).unwrap();
    sim.run_until(1_000_000).unwrap();
    assert_eq!(sim.history().outcome_counts(), (0, 0, 1, 0));
    assert_eq!(sim.client(C0).unwrap().pending, None);
}

#[test]
fn reply_round_trip_updates_token_and_follows_hint() {
    let probe = Probe { hint: Some(NodeId(2)), ..Probe::default() };
    let mut sim = sim_with(probe, ClientConfig { latency_us: 700, ..ClientConfig::default() });
    sim.apply(Action::Invoke { client: C0, kind: read() }).unwrap();
    sim.apply(Action::Invoke { client: C0, kind: read() }).unwrap();
    sim.run_until(10_000).unwrap();
    let ops = &sim.history().ops;
    assert_eq!(ops.len(), 2);
    // The first goes to n1 and round-trips in 1.4 ms; the hint sends the second to n3.
    assert_eq!((ops[0].node, ops[0].complete_us), (NodeId(0), Some(1_400)));
    assert_eq!((ops[1].node, ops[1].invoke_us, ops[1].complete_us), (NodeId(2), 1_400, Some(2_800)));
    let state = sim.client(C0).unwrap();
    assert_eq!((state.target(), state.token), (NodeId(2), 20));
}

#[test]
fn hint_is_ignored_without_follow_leader_hint() {
    let probe = Probe { hint: Some(NodeId(2)), ..Probe::default() };
    let mut sim = sim_with(probe, ClientConfig { follow_leader_hint: false, ..ClientConfig::default() });
    sim.apply(Action::Invoke { client: C0, kind: read() }).unwrap();
    sim.run_until(10_000).unwrap();
    assert_eq!(sim.client(C0).unwrap().target(), NodeId(0));
}

#[test]
fn second_reply_to_the_same_op_is_ignored() {
    let mut sim = sim_with(Probe { double_reply: true, ..Probe::default() }, ClientConfig::default());
    sim.apply(Action::Invoke { client: C0, kind: read() }).unwrap();
    sim.run_until(10_000).unwrap();
    // The first reply (a failure) wins; the second is dropped.
    assert_eq!(sim.history().outcome_counts(), (0, 1, 0, 0));
    assert_eq!(count(&sim, |e| matches!(e, TraceEvent::Completed { .. })), 1);
}

#[test]
fn workload_writes_unique_values_at_its_rate() {
    let workload = Workload {
        rate_per_s: 100,
        read_ppm: 0,
        keys: vec!["a".into()],
        start_us: 5_000,
        stop_us: Some(105_000),
        ..Workload::default()
    };
    let mut sim = sim_with(Probe::default(), ClientConfig { workload: Some(workload), ..ClientConfig::default() });
    sim.run_until(1_000_000).unwrap();
    let values: Vec<String> = sim
        .history()
        .ops
        .iter()
        .map(|op| match &op.kind {
            OpKind::Write { value, .. } => value.clone(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    let expected: Vec<String> = (1..=10).map(|i| format!("c1:{i}")).collect();
    assert_eq!(values, expected);
    let invoked: Vec<u64> = sim.history().ops.iter().map(|op| op.invoke_us).collect();
    assert_eq!(invoked, (0..10).map(|i| 5_000 + i * 10_000).collect::<Vec<_>>());
}

#[test]
fn busy_client_skips_ticks() {
    // Replies never come and the timeout is 25 ms: a 100/s workload issues every third tick.
    let workload = Workload { rate_per_s: 100, stop_us: Some(100_000), ..Workload::default() };
    let client = ClientConfig { timeout_us: 25_000, workload: Some(workload), ..ClientConfig::default() };
    let mut sim = sim_with(Probe { silent: true, ..Probe::default() }, client);
    sim.run_until(200_000).unwrap();
    let invoked: Vec<u64> = sim.history().ops.iter().map(|op| op.invoke_us).collect();
    assert_eq!(invoked, vec![0, 30_000, 60_000, 90_000]);
}

#[test]
fn switching_the_workload_off_stops_it() {
    let mut sim =
        sim_with(Probe::default(), ClientConfig { workload: Some(Workload::default()), ..Default::default() });
    sim.run_until(45_000).unwrap();
    sim.apply(Action::SetWorkload { client: C0, workload: None }).unwrap();
    sim.run_until(1_000_000).unwrap();
    assert_eq!(sim.history().ops.len(), 5);
}

#[test]
fn client_queue_and_history_limits_are_typed_errors() {
    let mut config = SimConfig::with_nodes(1);
    config.clients = vec![ClientConfig::default()];
    config.limits.client_queue_max = 2;
    config.limits.history_ops_max = 2;
    let mut sim = Sim::new(Probe::default(), config).unwrap();
    for _ in 0..3 {
        sim.apply(Action::Invoke { client: C0, kind: read() }).unwrap();
    }
    let err = sim.apply(Action::Invoke { client: C0, kind: read() }).unwrap_err();
    assert_eq!(err, SimError::ClientQueueFull { client: C0, limit: 2 });
    // The first op completes at 1 ms and the second is issued; the third would be one too many.
    sim.run_until(1_500).unwrap();
    assert_eq!(sim.run_until(10_000).unwrap_err(), SimError::HistoryFull { limit: 2 });
}

/// Regression: hints only come with replies, so a client whose target had
/// crashed timed out forever and never found the new leader. A timeout now
/// moves a hint-following client to the next member in id order, wrapping,
/// without looking at node status (n2 is down too and is still tried).
#[test]
fn a_timeout_moves_a_hint_following_client_to_the_next_node_in_id_order() {
    let client = ClientConfig { latency_us: 500, timeout_us: 20_000, ..ClientConfig::default() };
    let mut sim = sim_with(Probe::default(), ClientConfig { target: NodeId(1), ..client.clone() });
    sim.apply(Action::Crash(NodeId(1))).unwrap();
    sim.apply(Action::Crash(NodeId(2))).unwrap();
    for _ in 0..3 {
        sim.apply(Action::Invoke { client: C0, kind: read() }).unwrap();
    }
    sim.run_until(100_000).unwrap();
    let tried: Vec<(NodeId, Option<Outcome>)> = sim.history().ops.iter().map(|o| (o.node, o.outcome.clone())).collect();
    let timeout = Some(Outcome::Info { reason: "timeout".into() });
    assert_eq!(tried[..2], [(NodeId(1), timeout.clone()), (NodeId(2), timeout)]);
    assert_eq!(tried[2].0, NodeId(0), "wraps around to n1");
    assert!(matches!(tried[2].1, Some(Outcome::Ok { .. })));
    assert_eq!(sim.client(C0).unwrap().target(), NodeId(0));
    // Without hint following the client stays where it was sent.
    let mut sim = sim_with(Probe::default(), ClientConfig { follow_leader_hint: false, ..client });
    sim.apply(Action::Crash(NodeId(0))).unwrap();
    sim.apply(Action::Invoke { client: C0, kind: read() }).unwrap();
    sim.run_until(100_000).unwrap();
    assert_eq!(sim.client(C0).unwrap().target(), NodeId(0));
}
