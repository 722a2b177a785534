//! Unit tests of the single-leader node on the tiny test bed in [`bed`]:
//! messages take 1 ms, heartbeats go every 50 ms, the failover timeout is
//! 300 ms (plus up to 75 ms of jitter).

mod bed;
mod failover;

use sim::{Node, NodeEvent, NodeId, OpId, Outcome, ReadPolicy};

use super::*;
use bed::Bed;

fn outcome(bed: &Bed, op: OpId) -> Option<&Outcome> {
    bed.reply(op).map(|r| &r.outcome)
}

fn is_ok(bed: &Bed, op: OpId) -> bool {
    matches!(outcome(bed, op), Some(Outcome::Ok { .. }))
}

fn values(bed: &Bed, op: OpId) -> Vec<String> {
    match outcome(bed, op) {
        Some(Outcome::Ok { values }) => values.clone(),
        other => panic!("op {op:?} did not succeed: {other:?}"),
    }
}

fn fail_reason(bed: &Bed, op: OpId) -> String {
    match outcome(bed, op) {
        Some(Outcome::Fail { reason }) => reason.clone(),
        other => panic!("op {op:?} did not fail: {other:?}"),
    }
}

fn with_mode(mode: FollowerMode) -> SingleLeaderSettings {
    SingleLeaderSettings::default().with_default_mode(mode)
}

fn kv_of(bed: &Bed, id: u32) -> Vec<(String, String)> {
    bed.node(id).kv().into_iter().collect()
}

#[test]
fn async_write_is_acknowledged_on_append_and_followers_apply_in_order() {
    let mut bed = Bed::new(3, with_mode(FollowerMode::Async));
    let w1 = bed.write(0, "x", "1");
    let w2 = bed.write(0, "x", "2");
    assert_eq!(bed.reply(w1).unwrap().token, Some(1));
    assert_eq!(bed.reply(w2).unwrap().token, Some(2));
    assert!(is_ok(&bed, w2));
    bed.run_until(10_000);
    for id in 0..3 {
        assert_eq!(kv_of(&bed, id), vec![("x".to_string(), "2".to_string())], "node {id}");
        assert_eq!(bed.node(id).applied_index(), 2);
    }
    let epochs: Vec<u64> = bed.node(2).log().entries().iter().map(|e| e.epoch).collect();
    assert_eq!(epochs, vec![1, 1]);
}

#[test]
fn a_follower_refuses_writes_and_points_at_the_leader() {
    let mut bed = Bed::new(3, SingleLeaderSettings::default());
    let w = bed.write(1, "x", "1");
    assert_eq!(fail_reason(&bed, w), "not the leader: write to n1");
    assert_eq!(bed.reply(w).unwrap().leader_hint, Some(NodeId(0)));
}

#[test]
fn sync_write_is_acknowledged_after_the_followers_confirm() {
    let mut bed = Bed::new(3, with_mode(FollowerMode::Sync));
    let w = bed.write(0, "x", "1");
    assert!(bed.reply(w).is_none());
    bed.run_until(1_999);
    assert!(bed.reply(w).is_none());
    bed.run_until(2_000);
    assert!(is_ok(&bed, w));
    assert_eq!(bed.node(0).commit_index(), 1);
}

#[test]
fn a_cut_off_sync_follower_stalls_writes_until_healed() {
    let mut settings = with_mode(FollowerMode::Async);
    settings.modes.insert(NodeId(1), FollowerMode::Sync);
    let mut bed = Bed::new(3, settings);
    bed.partition(&[1], &[0, 2]);
    let w = bed.write(0, "x", "1");
    bed.run_until(1_000_000);
    assert!(bed.reply(w).is_none());
    assert_eq!(bed.node(0).pending_write_count(), 1);
    assert_eq!(bed.node(0).commit_index(), 0);
    // The async follower has it, and the cut-off node did not depose the leader.
    assert_eq!(bed.node(2).value("x"), Some("1"));
    assert_eq!((bed.leader(), bed.node(0).epoch()), (Some(0), 1));
    bed.heal();
    bed.run_until(1_060_000);
    assert!(is_ok(&bed, w));
}

#[test]
fn semi_sync_waits_for_k_of_the_semi_sync_followers() {
    let mut settings = with_mode(FollowerMode::SemiSync);
    settings.semi_sync_k = 2;
    let mut bed = Bed::new(4, settings);
    bed.crash(3);
    let w1 = bed.write(0, "x", "1");
    bed.run_until(2_000);
    assert!(is_ok(&bed, w1), "two of three semi-sync followers are enough");
    bed.crash(2);
    let w2 = bed.write(0, "x", "2");
    bed.run_until(200_000);
    assert!(bed.reply(w2).is_none(), "one of three is not");
    bed.call(NodeId(0), |n, ctx| n.on_command(SingleLeaderCommand::SetSemiSyncK { k: 1 }, ctx));
    assert!(is_ok(&bed, w2), "lowering k releases the write");
}

#[test]
fn settings_round_trip_through_json_and_fill_defaults() {
    let mut settings = SingleLeaderSettings::default();
    settings.modes.insert(NodeId(2), FollowerMode::SemiSync);
    let json = serde_json::to_string(&settings).unwrap();
    let back: SingleLeaderSettings = serde_json::from_str(&json).unwrap();
    assert_eq!(back, settings);
    let partial: SingleLeaderSettings = serde_json::from_str(r#"{"fencing": false}"#).unwrap();
    assert_eq!(partial, SingleLeaderSettings { fencing: false, ..SingleLeaderSettings::default() });
}

#[test]
fn read_your_writes_waits_for_the_token_while_any_reads_stale() {
    let mut settings = with_mode(FollowerMode::Async);
    settings.apply_delay_us = 10_000;
    let mut bed = Bed::new(3, settings);
    let w = bed.write(0, "x", "1");
    let token = bed.reply(w).unwrap().token.unwrap();
    let ryw = bed.read(1, "x", ReadPolicy::ReadYourWrites, token);
    bed.run_until(2_000);
    let any = bed.read(2, "x", ReadPolicy::Any, 0);
    assert_eq!(values(&bed, any), Vec::<String>::new(), "a lagging follower reads stale");
    bed.run_until(10_999);
    assert!(bed.reply(ryw).is_none());
    bed.run_until(11_000);
    assert_eq!(values(&bed, ryw), vec!["1"]);
    assert_eq!(bed.reply(ryw).unwrap().token, Some(1));
}

#[test]
fn a_read_that_waits_too_long_goes_to_the_leader() {
    let mut settings = with_mode(FollowerMode::Async);
    settings.apply_delay_us = 500_000;
    let mut bed = Bed::new(3, settings);
    bed.write(0, "x", "1");
    let r = bed.read(1, "x", ReadPolicy::MonotonicReads, 1);
    bed.run_until(101_999);
    assert!(bed.reply(r).is_none());
    bed.run_until(102_000);
    assert_eq!(values(&bed, r), vec!["1"]);
}

#[test]
fn a_leader_read_at_a_follower_is_forwarded() {
    let mut settings = with_mode(FollowerMode::Async);
    settings.apply_delay_us = 500_000;
    let mut bed = Bed::new(3, settings);
    bed.write(0, "x", "1");
    let r = bed.read(2, "x", ReadPolicy::Leader, 0);
    bed.run_until(2_000);
    assert_eq!(values(&bed, r), vec!["1"]);
    assert_eq!(bed.node(2).value("x"), None);
}

#[test]
fn a_quorum_read_returns_the_newest_copy_of_a_majority() {
    let mut bed = Bed::new(3, with_mode(FollowerMode::Async));
    bed.cut_link(0, 1);
    bed.write(0, "x", "1");
    bed.run_until(5_000);
    assert_eq!(bed.node(1).value("x"), None);
    let r = bed.read(1, "x", ReadPolicy::Quorum, 0);
    bed.run_until(7_000);
    assert_eq!(values(&bed, r), vec!["1"]);
    assert_eq!(bed.reply(r).unwrap().token, Some(1));
}

#[test]
fn lag_is_reported_per_follower_in_entries_and_time() {
    let mut settings = with_mode(FollowerMode::Async);
    settings.apply_delay_us = 10_000;
    let mut bed = Bed::new(2, settings);
    for i in 0..5 {
        bed.write(0, "x", &i.to_string());
    }
    bed.run_until(25_000);
    assert_eq!(bed.node(1).applied_index(), 2);
    assert_eq!(bed.node(1).lag_entries(), 3);
    let lag = &bed.node(0).follower_lags_at(25_000)[0];
    assert_eq!((lag.node, lag.mode, lag.match_index, lag.applied_index), (NodeId(1), FollowerMode::Async, 5, 0));
    assert_eq!((lag.lag_entries, lag.lag_us), (5, 25_000));
    // Caught up at 51 ms: the follower reports at once.
    bed.run_until(52_000);
    let lag = &bed.node(0).follower_lags()[0];
    assert_eq!((lag.applied_index, lag.lag_entries, lag.lag_us), (5, 0, 0));
}

#[test]
fn restarted_follower_resumes_from_its_durable_log() {
    let mut bed = Bed::new(3, with_mode(FollowerMode::Async));
    bed.write(0, "x", "1");
    bed.write(0, "y", "1");
    bed.run_until(5_000);
    bed.crash(2);
    for i in 2..7 {
        bed.write(0, "x", &i.to_string());
    }
    bed.restart(2);
    assert_eq!((bed.node(2).log().last_index(), bed.node(2).applied_index()), (2, 2));
    bed.run_until(100_000);
    assert_eq!(bed.node(2).applied_index(), 7);
    assert_eq!(kv_of(&bed, 2), kv_of(&bed, 0));
    assert!(!bed.events_of(2).iter().any(|e| matches!(e, NodeEvent::Snapshot { .. } | NodeEvent::Truncate { .. })));
}

#[test]
fn a_follower_behind_the_truncated_log_gets_a_snapshot_then_the_log() {
    let mut settings = with_mode(FollowerMode::Async);
    settings.log_retain_entries_max = 3;
    let mut bed = Bed::new(3, settings);
    bed.write(0, "x", "1");
    bed.write(0, "y", "1");
    bed.run_until(5_000);
    bed.crash(2);
    for i in 2..10 {
        bed.write(0, "x", &i.to_string());
    }
    assert_eq!((bed.node(0).log().base_index(), bed.node(0).log().last_index()), (7, 10));
    bed.run_until(20_000);
    bed.restart(2);
    bed.run_until(100_000);
    assert!(bed.events_of(2).contains(&&NodeEvent::Snapshot { up_to: 10 }), "{:?}", bed.events_of(2));
    assert_eq!(kv_of(&bed, 2), kv_of(&bed, 0));
    let w = bed.write(0, "z", "1");
    assert!(is_ok(&bed, w));
    bed.run_until(110_000);
    assert_eq!(bed.node(2).log().base_index(), 10);
    assert_eq!(bed.node(2).log().last_index(), 11);
}

#[test]
fn a_node_added_at_run_time_starts_from_a_snapshot() {
    let mut bed = Bed::new(3, with_mode(FollowerMode::Async));
    for i in 0..4 {
        bed.write(0, &format!("k{i}"), "v");
    }
    bed.run_until(5_000);
    let n = bed.add_node();
    bed.run_until(10_000);
    assert_eq!(bed.events_of(n).iter().filter(|e| matches!(e, NodeEvent::Snapshot { .. })).count(), 1);
    assert!(bed.events_of(n).contains(&&NodeEvent::Snapshot { up_to: 4 }));
    bed.write(0, "k9", "v");
    bed.run_until(20_000);
    assert_eq!(kv_of(&bed, n), kv_of(&bed, 0));
    assert_eq!(bed.node(n).applied_index(), 5);
    assert_eq!(bed.node(0).follower_lags().len(), 3);
    assert_eq!(bed.leader(), Some(0), "the newcomer did not disturb the leader");
}

/// Regression (safety sweep, sync + fencing, seed 245): the leader applies
/// its own entries at once and served reads from that state, so a leader
/// read saw a write no sync follower had confirmed; the write was later
/// truncated and a second read went back in time. Leader reads now answer
/// as of the commit index.
#[test]
fn leader_reads_do_not_see_unacknowledged_writes_seed_245() {
    let mut bed = Bed::new(3, with_mode(FollowerMode::Sync));
    bed.write(0, "x", "1");
    bed.run_until(2_000);
    bed.cut_link(0, 1);
    let w = bed.write(0, "x", "2");
    assert_eq!(bed.node(0).value("x"), Some("2"), "applied at once");
    // (A quorum read still sees it: n3 has applied it, and followers answer
    // from what they have applied.)
    let policies = [ReadPolicy::Leader, ReadPolicy::Any, ReadPolicy::ReadYourWrites];
    let reads: Vec<OpId> = policies.iter().map(|&p| bed.read(0, "x", p, 0)).collect();
    bed.run_until(20_000);
    assert!(bed.reply(w).is_none(), "n2 never confirmed the write");
    for (r, p) in reads.iter().zip(policies) {
        assert_eq!(values(&bed, *r), vec!["1"], "{p:?}");
        assert_eq!(bed.reply(*r).unwrap().token, Some(1), "{p:?}");
    }
}

/// A new leader's commit index can lag its log (the old leader died before
/// passing on its commit), and the log holds every acknowledged write: it
/// holds leader reads until it has committed the log it took over, or they
/// would miss acknowledged writes.
#[test]
fn a_new_leader_serves_reads_only_after_committing_the_log_it_took_over() {
    let mut bed = Bed::new(3, with_mode(FollowerMode::Sync));
    let w = bed.write(0, "x", "1");
    bed.run_until(2_000);
    assert!(is_ok(&bed, w));
    bed.crash(0);
    bed.run_until(500_000);
    let leader = bed.leader().expect("a new leader");
    assert_eq!((bed.node(leader).commit_index(), bed.node(leader).value("x")), (0, Some("1")));
    let early = bed.read(leader, "x", ReadPolicy::Leader, 0);
    let session = bed.read(leader, "x", ReadPolicy::ReadYourWrites, 1);
    assert!(fail_reason(&bed, early).contains("has not yet committed"), "{:?}", outcome(&bed, early));
    assert!(bed.reply(session).is_none(), "waits for the commit");
    // Every follower is sync: the commit moves once n1 is back.
    bed.restart(0);
    bed.run_until(560_000);
    assert_eq!(bed.node(leader).commit_index(), 1);
    assert_eq!(values(&bed, session), vec!["1"]);
    let late = bed.read(leader, "x", ReadPolicy::Leader, 0);
    assert_eq!(values(&bed, late), vec!["1"]);
}
