//! The checkers on scenarios that are not presets (issue: never miss a lost
//! write, never cry wolf): writes to the same keys before, during and after a
//! split; a healthy run that ends mid-workload; unusual node and client ids.

use playground::{Scenario, Session};
use sim::OpKind;

fn scenario(file: &str) -> Scenario {
    let path = format!("{}/tests/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn run(s: Scenario) -> Session {
    let mut session = Session::new(s).expect("valid scenario");
    session.run_to_end().expect("runs");
    session
}

fn fencing(s: &mut Scenario, on: bool) {
    match &mut s.protocol {
        playground::ProtocolSpec::SingleLeader(spec) => spec.fencing = on,
        other => panic!("not single leader: {other:?}"),
    }
}

/// Five nodes `a`..`e`, fencing off, `a` cut off from 2 s to 4.5 s while both
/// clients keep writing keys `me` and `you` through it, and keep writing the
/// same keys after the heal. Every write `a` acknowledged during the split is
/// discarded when it rejoins, although later writes overwrite both keys.
#[test]
fn every_discarded_acknowledged_write_is_lost_even_when_the_key_is_rewritten() {
    let session = run(scenario("split-brain-shared-keys.json"));
    let report = session.report();
    // Independently of the checker: the writes `a` acknowledged after the cut.
    let cut_off = acked_through(&session, "a", 2_000_000);
    assert_eq!((report.lost_writes, cut_off), (149, 149), "seed {}", report.seed);
    let rewritten_after = session
        .history()
        .ops
        .iter()
        .filter(|r| r.is_ok() && matches!(r.kind, OpKind::Write { .. }) && r.invoke_us > 4_600_000)
        .count();
    assert_eq!(rewritten_after, 152, "the keys are rewritten after the heal");
    assert_eq!(report.convergence, "converged: replicas agreed at 8.0 s, quiet since 6.977 s");

    // Fencing stops `a` once its lease runs out, but with async followers
    // the writes it acknowledged before then were never replicated (C5).
    let mut fenced = scenario("split-brain-shared-keys.json");
    fencing(&mut fenced, true);
    let session = run(fenced);
    let report = session.report();
    let acked_by_a_after_cut = acked_through(&session, "a", 2_000_000);
    assert_eq!((report.lost_writes, acked_by_a_after_cut), (18, 18), "fencing on, async, seed {}", report.seed);
    // Fencing plus a majority acknowledging every write loses nothing.
    let mut safe = scenario("split-brain-shared-keys.json");
    fencing(&mut safe, true);
    if let playground::ProtocolSpec::SingleLeader(spec) = &mut safe.protocol {
        (spec.mode, spec.semi_sync_k) = (replication::single_leader::FollowerMode::SemiSync, 2);
    }
    let report = run(safe).report();
    assert_eq!((report.lost_writes, report.anomalies.len()), (0, 0), "fencing on, semi-sync 2, seed {}", report.seed);
}

/// Writes acknowledged through `node` that were invoked at or after `from_us`.
fn acked_through(session: &Session, node: &str, from_us: u64) -> usize {
    session
        .history()
        .ops
        .iter()
        .filter(|r| r.is_ok() && matches!(r.kind, OpKind::Write { .. }))
        .filter(|r| session.names().node_name(r.node) == node && r.invoke_us >= from_us)
        .count()
}

/// Lag is not divergence: a fault-free async run that ends mid-workload is
/// "not judged"; stopping the writes a second before the end judges it.
#[test]
fn convergence_is_judged_only_once_the_cluster_is_quiet() {
    let report = run(scenario("async-mid-workload.json")).report();
    assert_eq!(report.anomaly_counts.get("no convergence"), None);
    assert!(report.convergence.starts_with("not judged"), "{}", report.convergence);
    let lagging = report.nodes.iter().filter(|n| n.applied_index < report.nodes[0].applied_index).count();
    assert_eq!(lagging, 2, "the followers still lag at the end");

    let mut quiet = scenario("async-mid-workload.json");
    quiet.clients[0].workload.as_mut().expect("workload").stop_ms = Some(3_500);
    let report = run(quiet).report();
    assert_eq!(report.anomalies, vec![]);
    assert_eq!(report.convergence, "converged: replicas agreed at 4.75 s, quiet since 3.501 s");
}

/// Every sentence a person reads uses the scenario's ids and human times.
#[test]
fn anomaly_texts_use_the_scenarios_own_ids() {
    let mut s = scenario("split-brain-shared-keys.json");
    // Reads from any replica make stale reads too.
    s.clients[1].read_policy = sim::ReadPolicy::Any;
    s.clients[1].follow_leader = false;
    s.clients[1].node = "e".into();
    let report = run(s).report();
    let counts: Vec<(&str, usize)> = report.anomaly_counts.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(counts, [("lost acknowledged write", 72), ("not linearizable", 25), ("stale read", 25)]);
    assert_eq!(
        report.anomalies.iter().find(|a| a.kind == playground::AnomalyKind::StaleRead).map(|a| a.explanation.as_str()),
        Some("w read me from e and got \"u:64\", but op 160 (me = \"u:65\") was acknowledged at 2.002 s, before the read began at 2.05 s")
    );
    for a in &report.anomalies {
        let words: Vec<&str> = a.explanation.split(|c: char| !c.is_alphanumeric()).collect();
        for internal in ["n1", "n2", "n3", "n4", "n5", "c1", "c2"] {
            assert!(!words.contains(&internal), "{internal} in {:?}", a.explanation);
        }
        assert!(!a.explanation.contains(".000 ms"), "{}", a.explanation);
    }
}

/// Kernel messages (a refused script item) name the scenario's nodes.
#[test]
fn kernel_messages_are_put_in_the_scenarios_words() {
    let names = playground::compile::Names { nodes: vec!["east".into(), "west".into()], clients: vec!["u".into()] };
    assert_eq!(
        playground::session::in_scenario_words("restart n2 refused: n2 is up; c1 waits (n9 unknown)", &names),
        "restart west refused: west is up; u waits (n9 unknown)"
    );
}

/// What is judged at time t does not depend on how the session got there:
/// one straight run, small steps, or a seek back from the end.
#[test]
fn judgements_at_a_time_are_the_same_however_it_was_reached() {
    let s = scenario("split-brain-shared-keys.json");
    for t_us in [2_600_000, 5_000_000, 8_000_000] {
        let mut straight = Session::new(s.clone()).expect("valid");
        straight.advance_to(t_us).expect("runs");
        let mut stepped = Session::new(s.clone()).expect("valid");
        let mut now = 0;
        while now < t_us {
            now = (now + 7_000).min(t_us);
            stepped.advance_to(now).expect("runs");
        }
        let mut back = Session::new(s.clone()).expect("valid");
        back.run_to_end().expect("runs");
        back.seek(1_000_000).expect("seeks");
        back.seek(t_us).expect("seeks");
        let expected = straight.report();
        assert_eq!(stepped.report().anomalies, expected.anomalies, "stepped to {t_us}");
        assert_eq!(back.report().anomalies, expected.anomalies, "seeked to {t_us}");
        assert_eq!(back.report().convergence, expected.convergence, "seeked to {t_us}");
    }
}
