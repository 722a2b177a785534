//! Leaderless nodes in a real kernel run: five nodes on 1 ms links, clients
//! 0.5 ms from their node, N = 3 and R = W = 2 unless a test says otherwise.

use sim::{Action, ClientConfig, ClientId, LinkConfig, Micros, NodeEvent, NodeId, OpKind, Outcome, Sim, SimConfig};

use super::ring::Ring;
use super::{Leaderless, LeaderlessCommand, LeaderlessSettings};
use crate::view::ReplicaView;

type S = Sim<Leaderless>;

fn start(settings: LeaderlessSettings, clients: &[u32]) -> S {
    let mut config = SimConfig::with_nodes(5);
    config.seed = 1;
    config.network.default_link = LinkConfig::fixed(1_000);
    config.clients = clients
        .iter()
        .map(|&t| ClientConfig {
            target: NodeId(t),
            latency_us: 500,
            timeout_us: 1_000_000,
            follow_leader_hint: false,
            ..ClientConfig::default()
        })
        .collect();
    Sim::new(Leaderless::new(settings), config).expect("valid config")
}

fn at(sim: &mut S, t_us: Micros, action: Action<LeaderlessCommand>) {
    sim.run_until(t_us).expect("run");
    sim.apply(action).expect("accepted");
}

fn write(sim: &mut S, t_us: Micros, client: u32, value: &str) {
    at(
        sim,
        t_us,
        Action::Invoke { client: ClientId(client), kind: OpKind::Write { key: "x".into(), value: value.into() } },
    );
}

fn read(sim: &mut S, t_us: Micros, client: u32) {
    at(sim, t_us, Action::Invoke { client: ClientId(client), kind: OpKind::Read { key: "x".into() } });
}

fn outcomes(sim: &S) -> Vec<Outcome> {
    sim.history().ops.iter().map(|r| r.outcome.clone().expect("completed")).collect()
}

fn ok(values: &[&str]) -> Outcome {
    Outcome::Ok { values: values.iter().map(|s| s.to_string()).collect() }
}

/// `x`'s value(s) on each node, in node order (crashed nodes: None).
fn held(sim: &S) -> Vec<Option<Vec<String>>> {
    sim.nodes()
        .iter()
        .map(|&n| sim.node(n).map(|node| node.kv_siblings().get("x").cloned().unwrap_or_default()))
        .collect()
}

/// `x`'s three homes on the five-node ring, and the two others.
fn homes() -> (Vec<u32>, Vec<u32>) {
    let nodes: Vec<NodeId> = (0..5).map(NodeId).collect();
    let walk: Vec<u32> = Ring::new(&nodes, 8).walk("x").map(|n| n.0).collect();
    (walk[..3].to_vec(), walk[3..].to_vec())
}

fn notes(sim: &S) -> Vec<String> {
    sim.trace()
        .records()
        .filter_map(|r| match &r.event {
            sim::TraceEvent::Node { event: NodeEvent::Note { text }, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_ring_puts_x_on_three_of_five_nodes() {
    assert_eq!(homes(), (vec![2, 3, 1], vec![0, 4]));
}

#[test]
fn a_write_reaches_all_n_homes_and_a_quorum_read_returns_it() {
    let mut sim = start(LeaderlessSettings::default(), &[1, 3]);
    write(&mut sim, 10_000, 0, "a");
    read(&mut sim, 20_000, 1);
    sim.run_until(100_000).unwrap();
    assert_eq!(outcomes(&sim), vec![ok(&[]), ok(&["a"])]);
    // Client 0.5 ms + 1 ms to a home + 1 ms back + 0.5 ms: W = 2 answers at 3 ms.
    assert_eq!(sim.history().ops[0].complete_us, Some(13_000));
    let a = || Some(vec!["a".to_string()]);
    assert_eq!(held(&sim), vec![Some(vec![]), a(), a(), a(), Some(vec![])]);
}

#[test]
fn concurrent_writes_become_siblings_and_a_write_that_read_them_replaces_them() {
    let mut sim = start(LeaderlessSettings::default(), &[1, 3]);
    write(&mut sim, 10_000, 0, "Asha");
    write(&mut sim, 10_000, 1, "Asha K.");
    read(&mut sim, 50_000, 0);
    write(&mut sim, 60_000, 0, "Asha Kumar");
    read(&mut sim, 90_000, 1);
    sim.run_until(200_000).unwrap();
    let o = outcomes(&sim);
    assert_eq!(o[2], ok(&["Asha", "Asha K."]));
    assert_eq!(o[4], ok(&["Asha Kumar"]));
    let home = sim.node(NodeId(2)).unwrap();
    let v = &home.versions()["x"];
    let keeps = |value: &str| v.keeps(value);
    assert!(keeps("Asha") && keeps("Asha K.") && keeps("Asha Kumar"), "{v:?}");
    assert_eq!(home.store(), crate::view::StoreSummary::Versions { applied: 3, keys_with_siblings: 0 });
}

#[test]
fn without_sloppy_quorum_two_homes_down_refuse_writes_and_reads() {
    let (h, _) = homes();
    let mut sim = start(LeaderlessSettings::default(), &[1]);
    at(&mut sim, 1_000, Action::Crash(NodeId(h[0])));
    at(&mut sim, 1_000, Action::Crash(NodeId(h[1])));
    write(&mut sim, 10_000, 0, "a"); // times out: one replica may have it
    write(&mut sim, 300_000, 0, "b"); // refused at once: two homes suspected
    read(&mut sim, 400_000, 0);
    sim.run_until(700_000).unwrap();
    let o = outcomes(&sim);
    assert!(
        matches!(&o[0], Outcome::Info { reason } if reason == "no quorum: 1 of W = 2 replicas answered in time (unknown)"),
        "{o:?}"
    );
    assert!(
        matches!(&o[1], Outcome::Fail { reason } if reason.starts_with("no quorum: 1 of 3 home replicas of x reachable, W = 2")),
        "{o:?}"
    );
    assert!(
        matches!(&o[2], Outcome::Fail { reason } if reason.starts_with("no quorum: 1 of 3 home replicas of x reachable, R = 2")),
        "{o:?}"
    );
    assert_eq!(sim.history().ops[0].complete_us, Some(211_000));
}

#[test]
fn sloppy_quorum_keeps_writes_available_and_hands_the_hint_back() {
    let (h, spare) = homes();
    let settings = LeaderlessSettings { sloppy_quorum: true, ..LeaderlessSettings::default() };
    let mut sim = start(settings, &[1]);
    at(&mut sim, 1_000, Action::Crash(NodeId(h[0])));
    at(&mut sim, 1_000, Action::Crash(NodeId(h[1])));
    write(&mut sim, 10_000, 0, "a");
    sim.run_until(300_000).unwrap();
    assert_eq!(outcomes(&sim), vec![ok(&[])]);
    // Timed out at 210 ms, fell back to both spares, acked 2 ms later.
    assert_eq!(sim.history().ops[0].complete_us, Some(213_000));
    let hints: Vec<u64> = spare.iter().map(|&s| sim.node(NodeId(s)).unwrap().pending()).collect();
    assert_eq!(hints, vec![1, 1]);
    at(&mut sim, 400_000, Action::Restart(NodeId(h[0])));
    at(&mut sim, 400_000, Action::Restart(NodeId(h[1])));
    sim.run_until(1_000_000).unwrap();
    let hints: Vec<u64> = spare.iter().map(|&s| sim.node(NodeId(s)).unwrap().pending()).collect();
    assert_eq!(hints, vec![0, 0]);
    let a = || Some(vec!["a".to_string()]);
    assert_eq!(held(&sim), vec![Some(vec![]), a(), a(), a(), Some(vec![])]);
    let handed = notes(&sim).into_iter().filter(|n| n.starts_with("hinted handoff")).count();
    assert_eq!(handed, 2);
}

#[test]
fn a_read_repairs_the_stale_replica_it_touched() {
    let (h, _) = homes();
    let mut sim = start(LeaderlessSettings::default(), &[1]);
    at(&mut sim, 1_000, Action::Crash(NodeId(h[0])));
    write(&mut sim, 10_000, 0, "a");
    at(&mut sim, 100_000, Action::Restart(NodeId(h[0])));
    sim.run_until(200_000).unwrap();
    assert_eq!(held(&sim)[h[0] as usize], Some(vec![]), "the restarted home missed the write");
    read(&mut sim, 300_000, 0);
    sim.run_until(400_000).unwrap();
    assert_eq!(held(&sim)[h[0] as usize], Some(vec!["a".to_string()]));
    let repairs: Vec<String> = notes(&sim).into_iter().filter(|n| n.starts_with("read repair")).collect();
    assert_eq!(repairs, vec![format!("read repair: n{} answered x = [], sent [\"a\"]", h[0] + 1)]);
}

#[test]
fn anti_entropy_fixes_a_replica_no_read_touched() {
    let (h, _) = homes();
    let settings = LeaderlessSettings { anti_entropy_us: 100_000, ..LeaderlessSettings::default() };
    let mut sim = start(settings, &[1]);
    at(&mut sim, 1_000, Action::Crash(NodeId(h[0])));
    write(&mut sim, 10_000, 0, "a");
    at(&mut sim, 50_000, Action::Restart(NodeId(h[0])));
    sim.run_until(1_000_000).unwrap();
    let a = || Some(vec!["a".to_string()]);
    assert_eq!(held(&sim), vec![Some(vec![]), a(), a(), a(), Some(vec![])]);
    let ae: Vec<String> = notes(&sim).into_iter().filter(|n| n.starts_with("anti-entropy")).collect();
    assert_eq!(
        ae,
        [
            "anti-entropy n2↔n3: ranges [3] differ; n3 sends 0 key(s)",
            "anti-entropy n3→n2: ranges [3], received 0 key(s), 0 changed [], sends 1 key(s) back",
            "anti-entropy n2→n3: ranges [3], received 1 key(s), 1 changed [\"x\"]",
        ]
    );
}

#[test]
fn with_one_home_down_a_sloppy_write_is_acknowledged_by_w_and_still_leaves_a_hint() {
    let (h, spare) = homes();
    let settings = LeaderlessSettings { sloppy_quorum: true, ..LeaderlessSettings::default() };
    let mut sim = start(settings, &[1]);
    at(&mut sim, 1_000, Action::Crash(NodeId(h[0])));
    write(&mut sim, 10_000, 0, "a");
    sim.run_until(300_000).unwrap();
    assert_eq!(sim.history().ops[0].complete_us, Some(13_000), "W = 2 answered at once");
    let hints: Vec<u64> = spare.iter().map(|&s| sim.node(NodeId(s)).unwrap().pending()).collect();
    assert_eq!(hints, vec![1, 0], "the first spare holds the hint for the missing home");
    assert_eq!(sim.node(NodeId(spare[0])).unwrap().hinted_for(), vec![(NodeId(h[0]), 1)]);
}

#[test]
fn a_client_with_its_own_r_of_one_reads_from_the_first_replica_to_answer() {
    let (h, _) = homes();
    let mut settings = LeaderlessSettings::default();
    settings.clients.insert(ClientId(1), super::ClientQuorum { r: Some(1), w: None });
    // Client 1 talks to a home, which answers itself at once.
    let mut sim = start(settings, &[1, h[0]]);
    write(&mut sim, 10_000, 0, "a");
    read(&mut sim, 20_000, 1);
    read(&mut sim, 20_000, 0);
    sim.run_until(100_000).unwrap();
    let done: Vec<Option<u64>> = sim.history().ops.iter().map(|o| o.complete_us).collect();
    assert_eq!(done, vec![Some(13_000), Some(21_000), Some(23_000)], "R = 1 at once; R = 2 one round trip later");
}
