//! One test per claim C1–C12 of `CLAIMS.md`: each runs the claim's preset
//! through a [`Session`], exactly as the page and `rp run preset:NAME` do,
//! and pins the figure that proves the claim. Where a claim is a contrast
//! (async against sync, fencing off against on) the test edits the preset's
//! `Scenario` value for the other side, so both sides differ in one setting.
//!
//! Figures come from the report (op counts, lag samples, leader changes,
//! checker anomalies) at chosen times; a count "in a window" is the
//! difference of two cumulative counts.

use playground::report::OpCounts;
use playground::view::node_states;
use playground::{presets, ProtocolSpec, Report, Scenario, ScriptAction, Session, SingleLeaderSpec};
use replication::single_leader::FollowerMode;

fn preset(name: &str) -> Scenario {
    presets::find(name).unwrap_or_else(|| panic!("no preset {name}"))
}

fn spec(s: &mut Scenario) -> &mut SingleLeaderSpec {
    match &mut s.protocol {
        ProtocolSpec::SingleLeader(spec) => spec,
        other => panic!("not single leader: {other:?}"),
    }
}

/// Runs `scenario` to its end.
fn run(scenario: Scenario) -> (Session, Report) {
    let mut s = Session::new(scenario).expect("valid preset");
    s.run_to_end().expect("runs");
    let report = s.report();
    (s, report)
}

/// The op counts at each of `times_us`, in one run.
fn ops_at(scenario: Scenario, times_us: &[u64]) -> Vec<OpCounts> {
    let mut s = Session::new(scenario).expect("valid preset");
    times_us
        .iter()
        .map(|&t| {
            s.advance_to(t).expect("runs");
            s.report().ops
        })
        .collect()
}

/// Acknowledged writes in each window between consecutive `times_us`.
fn writes_ok_between(scenario: Scenario, times_us: &[u64]) -> Vec<usize> {
    let at = ops_at(scenario, times_us);
    at.windows(2).map(|w| w[1].writes_ok - w[0].writes_ok).collect()
}

fn count(r: &Report, kind: &str) -> usize {
    r.anomaly_counts.get(kind).copied().unwrap_or(0)
}

const SPLIT_BRAIN: &str = "split brain";
const STALE: &str = "stale read";
const RYW: &str = "read-your-writes violation";
const MONOTONIC: &str = "monotonic-reads violation";
const DIVERGENCE: &str = "divergence";

/// C1: c1 starts at follower n2; its first write is refused with a hint and
/// the other 39 go to n1. Every node ends with the same 39 entries and the
/// same state, and n3 served all 40 of c2's reads.
#[test]
fn c01_all_writes_go_through_the_leader_and_every_node_applies_the_same_log() {
    let (session, r) = run(preset("c01-leader-log-order"));
    let seed = r.seed;
    assert_eq!((r.ops.writes_ok, r.ops.fail, r.ops.reads_ok), (39, 1, 40), "seed {seed}");
    let nodes = node_states(&session);
    let ends: Vec<(u64, u64)> = nodes.iter().map(|n| (n.last_index, n.applied_index)).collect();
    assert_eq!(ends, vec![(39, 39); 3], "seed {seed}");
    assert!(nodes.iter().all(|n| n.kv == nodes[0].kv), "seed {seed}: states differ");
    assert_eq!(r.leader_changes.len(), 1, "seed {seed}");
    assert!(r.anomalies.is_empty(), "seed {seed}: {:?}", r.anomalies);
}

/// C2: n3 hears n1 250 ms late. Every read c2 makes on n3, 50 ms after c1's
/// latest acknowledged write, returns the value before it: 40 of 40.
#[test]
fn c02_reads_from_a_lagging_async_follower_are_stale() {
    let (_, r) = run(preset("c02-stale-follower-read"));
    let seed = r.seed;
    assert_eq!((r.ops.reads_ok, count(&r, STALE)), (40, 40), "seed {seed}");
    let n3 = r.lag.iter().find(|l| l.node == "n3").unwrap();
    assert_eq!((n3.max_entries, n3.max_ms), (3, 259), "seed {seed}: n3's lag");
    let n2 = r.lag.iter().find(|l| l.node == "n2").unwrap();
    assert_eq!((n2.max_entries, n2.max_ms), (1, 19), "seed {seed}: n2's lag");
}

/// C3: n2 is synchronous. While it is cut off (2 s to 4 s) no write is
/// acknowledged; before, c1 writes at its full 20 a second, and after, once
/// n2 hears the leader again (a timeout during the cut moved c1 to n2, which
/// refuses writes without a hint while it has no leader). When n1 dies at
/// 6 s, no acknowledged write is lost.
#[test]
fn c03_a_cut_off_sync_follower_stalls_writes_and_failover_loses_nothing() {
    let scenario = preset("c03-sync-follower-stall");
    let seed = scenario.seed;
    let windows = writes_ok_between(scenario.clone(), &[0, 2_000_000, 4_000_000, 6_000_000]);
    assert_eq!(windows, vec![40, 0, 37], "seed {seed}: writes acknowledged before, during, after the cut");
    let (_, r) = run(scenario);
    assert_eq!((r.lost_writes, count(&r, DIVERGENCE)), (0, 0), "seed {seed}");
    assert_eq!(r.leader_changes.len(), 2, "seed {seed}: {:?}", r.leader_changes);
}

/// C4: semi-sync with k = 1 and n2 400 ms away. c1 still gets every write
/// acknowledged in about 20 ms; the same preset with both followers sync
/// waits for n2 on every write. Failover at 5 s loses nothing.
#[test]
fn c04_semi_sync_is_not_stalled_by_one_slow_follower_and_loses_nothing() {
    let (_, r) = run(preset("c04-semi-sync-slow-follower"));
    let seed = r.seed;
    assert_eq!((r.ops.writes_ok, r.ops.info), (100, 0), "seed {seed}: semi-sync");
    assert_eq!((r.lost_writes, count(&r, DIVERGENCE)), (0, 0), "seed {seed}");
    let mut all_sync = preset("c04-semi-sync-slow-follower");
    spec(&mut all_sync).mode = FollowerMode::Sync;
    let (_, r) = run(all_sync);
    assert_eq!((r.ops.writes_ok, r.ops.info), (11, 1), "seed {seed}: all sync");
    assert_eq!(r.lost_writes, 0, "seed {seed}: all sync");
}

/// C5: n1's links to the followers fail at 2 s and it crashes at 2.2 s. With
/// async followers the writes it acknowledged in between are lost; with the
/// same preset in sync mode none were acknowledged, so none are lost.
#[test]
fn c05_async_failover_loses_the_acknowledged_unshipped_writes_and_sync_loses_none() {
    let scenario = preset("c05-async-failover-loss");
    let seed = scenario.seed;
    let in_window = writes_ok_between(scenario.clone(), &[2_000_000, 2_200_000]);
    let (_, r) = run(scenario);
    assert_eq!((in_window[0], r.lost_writes), (4, 4), "seed {seed}: async");
    assert_eq!(count(&r, DIVERGENCE), 0, "seed {seed}: n1 dropped them too");
    let mut sync = preset("c05-async-failover-loss");
    spec(&mut sync).mode = FollowerMode::Sync;
    let in_window = writes_ok_between(sync.clone(), &[2_000_000, 2_200_000]);
    let (_, r) = run(sync);
    assert_eq!((in_window[0], r.lost_writes), (0, 0), "seed {seed}: sync");
}

fn with_timeout(timeout_ms: u64) -> Scenario {
    let mut s = preset("c06-failover-timeout");
    spec(&mut s).failover_timeout_ms = timeout_ms;
    s
}

/// C6: n1 crashes at 2 s; a follower is elected after the 300 ms timeout
/// (plus jitter and one round of votes). A 3 s timeout leaves the cluster
/// without a writer far longer (n1's return at 4 s does not help: it comes
/// back as a follower). A 20 ms one, well under the 50 ms heartbeat, fails
/// over again and again while nothing is wrong, and almost no write gets
/// through. (At 30 or 40 ms the pre-vote still protects the leader, but its
/// lease keeps lapsing, so writes are fenced instead.)
#[test]
fn c06_failover_time_follows_the_timeout_and_a_too_short_one_fails_over_needlessly() {
    let (_, r) = run(with_timeout(300));
    let seed = r.seed;
    let leaders: Vec<(String, u64)> = r.leader_changes.iter().map(|f| (f.node.clone(), f.at_us)).collect();
    assert_eq!(leaders, vec![("n1".to_string(), 0), ("n2".to_string(), 2_363_721)], "seed {seed}");
    assert_eq!(r.no_leader_ms, 370, "seed {seed}: without a leader (by 10 ms samples), 300 ms timeout");
    assert_eq!(r.lost_writes, 0, "seed {seed}");
    let (_, r) = run(with_timeout(3_000));
    assert_eq!(r.no_leader_ms, 3_130, "seed {seed}: without a leader (by 10 ms samples), 3 s timeout");
    let mut s = Session::new(with_timeout(20)).unwrap();
    s.advance_to(2_000_000).unwrap();
    let r = s.report();
    let needless = r.leader_changes.len() - 1;
    assert_eq!((needless, r.ops.writes_ok), (24, 1), "seed {seed}: 20 ms timeout, before the crash");
}

/// C7: n1 is cut off from 2 s to 4 s while c1 keeps writing to it. Without
/// fencing both n1 and the new leader acknowledge writes (split brain) and
/// every write n1 took is lost at the heal; with fencing n1 stops at its
/// lease and there is no split brain.
#[test]
fn c07_without_fencing_a_cut_off_leader_causes_split_brain_and_fencing_stops_it() {
    let (_, r) = run(preset("c07-split-brain-fencing"));
    let seed = r.seed;
    assert_eq!((count(&r, SPLIT_BRAIN), r.lost_writes, r.two_leaders_ms), (1, 40, 1_690), "seed {seed}: fencing off");
    let mut fenced = preset("c07-split-brain-fencing");
    spec(&mut fenced).fencing = true;
    let (_, r) = run(fenced);
    assert_eq!((count(&r, SPLIT_BRAIN), r.lost_writes, r.ops.fail), (0, 5, 35), "seed {seed}: fencing on");
}

/// C8: failover off; n1 is down from 2 s to 5 s. Between 2.5 s (c1 moved to
/// n2) and 5 s every write is refused and every read on n3 succeeds.
#[test]
fn c08_without_a_leader_writes_are_refused_and_reads_served() {
    let scenario = preset("c08-read-only-without-leader");
    let seed = scenario.seed;
    let at = ops_at(scenario, &[2_500_000, 5_000_000, 7_000_000]);
    let leaderless = (at[1].writes_ok - at[0].writes_ok, at[1].fail - at[0].fail, at[1].reads_ok - at[0].reads_ok);
    assert_eq!(leaderless, (0, 25, 25), "seed {seed}: (writes ok, refused, reads ok) without a leader");
    assert_eq!(at[2].writes_ok - at[1].writes_ok, 18, "seed {seed}: writes after n1 returns");
}

/// C9: n3 misses 10 writes while down and catches up from the log; n4 joins
/// at 3 s when the leader keeps only 20 entries, so its first 60 come as a
/// snapshot.
#[test]
fn c09_a_returning_follower_catches_up_and_a_new_one_starts_from_a_snapshot() {
    let mut s = Session::new(preset("c09-catch-up-and-snapshot")).unwrap();
    let seed = s.scenario().seed;
    let applied = |s: &Session, id: &str| {
        let i = s.names().nodes.iter().position(|n| n == id).unwrap();
        node_states(s)[i].applied_index
    };
    s.advance_to(1_500_000).unwrap();
    assert_eq!((applied(&s, "n1"), applied(&s, "n3")), (30, 20), "seed {seed}: when n3 returns");
    s.advance_to(1_600_000).unwrap();
    assert_eq!((applied(&s, "n1"), applied(&s, "n3")), (32, 32), "seed {seed}: 100 ms later");
    s.advance_to(3_100_000).unwrap();
    assert_eq!((applied(&s, "n1"), applied(&s, "n4")), (62, 62), "seed {seed}: 100 ms after n4 joined");
    s.run_to_end().unwrap();
    let ends: Vec<u64> = node_states(&s).iter().map(|n| n.applied_index).collect();
    assert_eq!(ends, vec![100; 4], "seed {seed}: at the end");
    assert!(s.report().anomalies.is_empty(), "seed {seed}");
}

/// The C10 preset with `followers` followers, each with its own reader.
fn with_followers(followers: usize) -> Scenario {
    let mut s = preset("c10-read-scaling");
    let template_node = s.nodes[1].clone();
    let template_reader = s.clients.iter().find(|c| c.id == "r2").unwrap().clone();
    s.nodes.truncate(1);
    s.clients.retain(|c| c.id.starts_with('w'));
    for f in 0..followers {
        let id = format!("n{}", f + 2);
        let (x, y) = playground::view::circle_position(f + 1, followers + 1);
        s.nodes.push(playground::NodeSpec { id: id.clone(), x: Some(x), y: Some(y), ..template_node.clone() });
        s.clients.push(playground::ClientSpec { id: format!("r{}", f + 2), node: id, ..template_reader.clone() });
    }
    s
}

/// C10: every node handles one request or message per millisecond. With 1,
/// 2 and 4 followers, reads per second grow with the followers; writes per
/// second never grow past what n1 can take, and drop as it feeds more.
#[test]
fn c10_followers_add_read_capacity_not_write_capacity() {
    let figures: Vec<(usize, u64, u64)> = [1, 2, 4]
        .into_iter()
        .map(|f| {
            let (_, r) = run(with_followers(f));
            assert_eq!(r.lost_writes, 0, "seed {}", r.seed);
            (f, r.writes_per_s, r.reads_per_s)
        })
        .collect();
    assert_eq!(figures, vec![(1, 490, 465), (2, 321, 839), (4, 185, 1_646)], "seed 1: (followers, writes/s, reads/s)");
}

fn lag_max(scenario: Scenario) -> (u64, u64) {
    let (_, r) = run(scenario);
    let entries = r.lag.iter().map(|l| l.max_entries).max().unwrap();
    let ms = r.lag.iter().map(|l| l.max_ms).max().unwrap();
    (entries, ms)
}

/// C11: c1 writes 40 a second; from 2 s to 5 s followers take `delay_us`
/// per entry. Lag stays near zero while they apply faster than 40 a second
/// and grows with the delay once they cannot; it grows with the link
/// latency too.
#[test]
fn c11_lag_grows_with_slow_apply_and_with_latency() {
    let with_delay = |delay_us: u64| {
        let mut s = preset("c11-lag-growth");
        s.script[0].action = ScriptAction::SetApplyDelay { delay_us };
        lag_max(s)
    };
    let seed = preset("c11-lag-growth").seed;
    let by_delay: Vec<(u64, (u64, u64))> = [10_000, 40_000, 80_000].map(|d| (d, with_delay(d))).into();
    assert_eq!(
        by_delay,
        vec![(10_000, (2, 29)), (40_000, (47, 1_164)), (80_000, (84, 2_089))],
        "seed {seed}: (apply delay µs, (max lag entries, max lag ms))"
    );
    let with_latency = |latency_ms: u64| {
        let mut s = preset("c11-lag-growth");
        s.script.clear();
        s.network.default_link.latency_ms = latency_ms;
        lag_max(s)
    };
    let by_latency: Vec<(u64, (u64, u64))> = [10, 100, 250].map(|l| (l, with_latency(l))).into();
    assert_eq!(
        by_latency,
        vec![(10, (1, 19)), (100, (8, 199)), (250, (12, 499))],
        "seed {seed}: (link latency ms, (max lag entries, max lag ms))"
    );
}

/// The C12 preset with c1's and c2's read policies set.
fn with_policies(c1: sim::ReadPolicy, c2: sim::ReadPolicy) -> Scenario {
    let mut s = preset("c12-read-your-writes");
    s.clients[0].read_policy = c1;
    s.clients[1].read_policy = c2;
    s
}

/// C12: five times, c1 writes through n1 and reads back from n3, which is
/// 50 ms behind, and c2 reads on n2 then on n3. With `any`, every round
/// shows both anomalies; with read-your-writes and monotonic reads, none;
/// quorum reads also give none.
#[test]
fn c12_session_read_policies_remove_the_lag_anomalies() {
    use sim::ReadPolicy::{Any, MonotonicReads, Quorum, ReadYourWrites};
    let seed = preset("c12-read-your-writes").seed;
    let figures = |c1, c2| {
        let (_, r) = run(with_policies(c1, c2));
        assert_eq!(r.ops.reads_ok, 15, "seed {seed}: {c1:?}/{c2:?}");
        (count(&r, RYW), count(&r, MONOTONIC), count(&r, STALE))
    };
    assert_eq!(figures(Any, Any), (5, 5, 10), "seed {seed}: any");
    assert_eq!(figures(ReadYourWrites, MonotonicReads), (0, 0, 0), "seed {seed}: session policies");
    assert_eq!(figures(Quorum, Quorum), (0, 0, 0), "seed {seed}: quorum");
}
