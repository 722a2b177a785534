//! Node faults and capacity: crash and restart, pause and resume, service
//! time, inbox bounds, membership changes, and typed errors for bad actions.

mod common;

use std::collections::BTreeMap;

use common::{count, received, Probe, ProbeCmd};
use sim::testkit::Register;
use sim::{
    Action, ClientConfig, DropReason, LinkConfig, NodeConfig, NodeId, NodeStatus, OpKind, Sim, SimConfig, SimError,
    TraceEvent,
};

const N0: NodeId = NodeId(0);
const N1: NodeId = NodeId(1);

fn probe(nodes: usize) -> Sim<Probe> {
    let mut config = SimConfig::with_nodes(nodes);
    config.network.default_link = LinkConfig::fixed(1_000);
    Sim::new(Probe::default(), config).unwrap()
}

fn send(sim: &mut Sim<Probe>, from: NodeId, to: NodeId, count: u64) {
    sim.apply(Action::Command { node: from, command: ProbeCmd::Send { to, count } }).unwrap();
}

#[test]
fn crash_loses_volatile_state_and_timers_but_keeps_durable() {
    let mut config = SimConfig::with_nodes(3);
    config.clients = vec![ClientConfig::default()];
    let mut sim = Sim::new(Register::default(), config).unwrap();
    sim.apply(Action::Invoke { client: sim::ClientId(0), kind: OpKind::Write { key: "k".into(), value: "v".into() } })
        .unwrap();
    sim.run_until(95_000).unwrap();
    let n0 = sim.node(N0).unwrap();
    // Nine 10 ms heartbeats from each of two peers, 1 ms away.
    assert_eq!((n0.heartbeats_seen, n0.map.len()), (18, 1));

    sim.apply(Action::Crash(N0)).unwrap();
    assert!(sim.node(N0).is_none());
    assert_eq!(sim.node_status(N0), NodeStatus::Crashed);
    let fired_before = count(&sim, |e| matches!(e, TraceEvent::TimerFired { node, .. } if *node == N0));
    sim.run_until(200_000).unwrap();
    let fired_after = count(&sim, |e| matches!(e, TraceEvent::TimerFired { node, .. } if *node == N0));
    assert_eq!(fired_after, fired_before, "a crashed node's timers never fire");
    let expected: BTreeMap<String, String> = [("k".to_string(), "v".to_string())].into();
    assert_eq!(sim.durable(N0), Some(&expected));

    sim.apply(Action::Restart(N0)).unwrap();
    let n0 = sim.node(N0).unwrap();
    assert_eq!((n0.heartbeats_seen, &n0.map), (0, &expected));
    sim.run_until(215_000).unwrap();
    assert_eq!(count(&sim, |e| matches!(e, TraceEvent::TimerFired { node, .. } if *node == N0)), fired_before + 1);
}

#[test]
fn paused_node_queues_and_processes_in_order_on_resume() {
    let mut sim = probe(2);
    sim.apply(Action::Pause(N1)).unwrap();
    send(&mut sim, N0, N1, 5);
    sim.apply(Action::Command { node: N1, command: ProbeCmd::Timer { after_us: 500 } }).unwrap();
    sim.run_until(10_000).unwrap();
    assert_eq!(received(&sim, N1), Vec::<u64>::new());
    assert_eq!(sim.inbox_len(N1), 6, "five messages and the command wait");
    sim.apply(Action::Resume(N1)).unwrap();
    sim.run_until(10_000).unwrap();
    assert_eq!(received(&sim, N1), vec![0, 1, 2, 3, 4]);
    sim.run_until(10_500).unwrap();
    // The timer was set by the queued command, after the resume.
    assert_eq!(sim.node(N1).unwrap().fired.len(), 1);
}

#[test]
fn paused_inbox_overflow_is_dropped_with_reason() {
    let mut config = SimConfig::with_nodes(2);
    config.limits.inbox_messages_max = 3;
    let mut sim = Sim::new(Probe::default(), config).unwrap();
    sim.apply(Action::Pause(N1)).unwrap();
    send(&mut sim, N0, N1, 5);
    sim.run_until(10_000).unwrap();
    assert_eq!(count(&sim, |e| matches!(e, TraceEvent::Dropped { reason: DropReason::InboxFull, .. })), 2);
    sim.apply(Action::Resume(N1)).unwrap();
    sim.run_until(10_000).unwrap();
    assert_eq!(received(&sim, N1), vec![0, 1, 2]);
}

#[test]
fn service_time_makes_a_queue_grow() {
    let mut sim = probe(2);
    sim.apply(Action::SetServiceTime { node: N1, service_time_us: 1_000 }).unwrap();
    send(&mut sim, N0, N1, 10);
    // All ten arrive at 1 ms; one is handled at once, nine wait.
    sim.run_until(1_000).unwrap();
    assert_eq!(sim.inbox_len(N1), 9);
    let depths: Vec<u32> = sim
        .trace()
        .records()
        .filter_map(|r| match r.event {
            TraceEvent::Queued { depth, .. } => Some(depth),
            _ => None,
        })
        .collect();
    assert_eq!(depths, (1..=9).collect::<Vec<_>>());
    // One per millisecond: handled at 1, 2, 3, 4 and 5 ms.
    sim.run_until(5_500).unwrap();
    assert_eq!(received(&sim, N1), vec![0, 1, 2, 3, 4]);
    sim.run_until(10_000).unwrap();
    assert_eq!(received(&sim, N1), (0..10).collect::<Vec<_>>());
    assert_eq!(sim.inbox_len(N1), 0);
}

#[test]
fn add_and_remove_node_change_membership() {
    let mut sim = probe(3);
    sim.apply(Action::AddNode(NodeConfig::default())).unwrap();
    assert_eq!(sim.nodes(), &[N0, N1, NodeId(2), NodeId(3)]);
    sim.apply(Action::Pause(NodeId(2))).unwrap();
    sim.apply(Action::RemoveNode(N1)).unwrap();
    assert_eq!(sim.nodes(), &[N0, NodeId(2), NodeId(3)]);
    assert_eq!(sim.node_status(N1), NodeStatus::Removed);
    assert_eq!(sim.node(N0).unwrap().membership, vec![3, 4, 3]);
    assert_eq!(sim.node(NodeId(3)).unwrap().membership, vec![4, 3]);
    // The paused node hears about the change when it resumes.
    assert_eq!(sim.node(NodeId(2)).unwrap().membership, vec![3, 4]);
    sim.apply(Action::Resume(NodeId(2))).unwrap();
    sim.run_for(1).unwrap();
    assert_eq!(sim.node(NodeId(2)).unwrap().membership, vec![3, 4, 3]);
    assert_eq!(sim.apply(Action::Restart(N1)).unwrap_err().to_string(), "restart n2: n2 is removed");
}

#[test]
fn bad_actions_are_typed_errors_and_change_nothing() {
    let mut sim = probe(3);
    let hash = sim.trace().hash();
    let err = sim.apply(Action::Crash(NodeId(9))).unwrap_err();
    assert_eq!(err, SimError::UnknownNode { node: NodeId(9), nodes: 3 });
    assert_eq!(err.to_string(), "unknown node n10 (the cluster has 3 nodes)");
    assert_eq!(sim.apply(Action::Restart(N1)).unwrap_err().to_string(), "restart n2: n2 is up");
    assert_eq!(sim.apply(Action::Resume(N1)).unwrap_err().to_string(), "resume n2: n2 is up");
    let twice = Action::Partition { groups: vec![vec![N0, N1], vec![N1]] };
    assert_eq!(sim.apply(twice).unwrap_err().to_string(), "partition {n1 n2} {n2}: n2 is in two groups");
    let client = Action::SetReadPolicy { client: sim::ClientId(0), policy: sim::ReadPolicy::Leader };
    assert_eq!(sim.apply(client).unwrap_err().to_string(), "unknown client c1 (there are 0 clients)");
    let bad_link = Action::SetDefaultLink(LinkConfig { loss_ppm: 2_000_000, ..LinkConfig::default() });
    assert_eq!(
        sim.apply(bad_link).unwrap_err().to_string(),
        "set default link.loss_ppm: 2000000 is more than 1000000 parts per million"
    );
    assert_eq!(sim.trace().hash(), hash, "rejected actions leave no trace");
}

#[test]
fn event_queue_limit_is_a_typed_error() {
    let mut config = SimConfig::with_nodes(2);
    config.limits.events_queued_max = 10;
    let mut sim = Sim::new(Probe::default(), config).unwrap();
    let err = sim.apply(Action::Command { node: N0, command: ProbeCmd::Send { to: N1, count: 20 } }).unwrap_err();
    assert_eq!(err, SimError::EventQueueFull { limit: 10 });
    assert_eq!(err.to_string(), "event queue full: 10 events (limits.events_queued_max)");
    assert_eq!(sim.events_queued(), 10);
}

#[test]
fn invalid_config_names_the_field() {
    let mut config = SimConfig::with_nodes(2);
    config.clients = vec![ClientConfig { target: NodeId(5), ..ClientConfig::default() }];
    let err = Sim::new(Probe::default(), config).unwrap_err();
    assert_eq!(err.to_string(), "config.clients[0].target: unknown node n6");
    let err = Sim::new(Probe::default(), SimConfig::default()).unwrap_err();
    assert_eq!(err.to_string(), "config.nodes: a run needs at least one node");
}

#[test]
fn clock_skew_and_drift_reach_the_node() {
    let mut sim = probe(2);
    sim.apply(Action::SkewClock { node: N1, skew_us: 3_000, drift_ppm: -1_000 }).unwrap();
    sim.run_until(2_000_000).unwrap();
    // 2 s + 3 ms - 2 s * 1000 ppm = 2 s + 1 ms.
    assert_eq!(sim.local_time_us(N1), Some(2_001_000));
    assert_eq!(sim.local_time_us(N0), Some(2_000_000));
}
