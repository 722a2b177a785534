//! Rewind: seeking back and forth gives exactly the state of a straight run,
//! and intervening after a seek back starts a new branch.

use sim::testkit::scenario::{pinned_config, pinned_script, PINNED_END_US};
use sim::testkit::{Register, RegisterCommand};
use sim::{Action, Intervention, NodeId, Rng, SimConfig, SimError, Timeline};

/// The pinned scenario with checkpoints every 500 events, at most 6 of them,
/// so seeks exercise restoring and thinning.
fn timeline(script: Vec<Intervention<RegisterCommand>>) -> Timeline<Register> {
    let mut config = pinned_config();
    config.limits.checkpoint_every_events = 500;
    config.limits.checkpoints_max = 6;
    Timeline::new(Register::default(), config, script).unwrap()
}

/// What must match between two runs.
fn fingerprint(t: &Timeline<Register>) -> (u64, u64, u64, usize, usize) {
    let sim = t.sim();
    (sim.now_us(), sim.trace().hash(), sim.events_processed(), sim.history().ops.len(), t.applied())
}

/// Fingerprints of a straight run at each time in `times` (ascending).
fn straight(times: &[u64]) -> Vec<(u64, u64, u64, usize, usize)> {
    let mut t = timeline(pinned_script());
    times
        .iter()
        .map(|&at| {
            t.advance_to(at).unwrap();
            fingerprint(&t)
        })
        .collect()
}

#[test]
fn seek_back_then_forward_equals_a_straight_run() {
    let times = [700_000, PINNED_END_US];
    let expected = straight(&times);
    let mut t = timeline(pinned_script());
    t.advance_to(PINNED_END_US).unwrap();
    assert_eq!(fingerprint(&t), expected[1]);
    assert!(t.checkpoint_count() <= 6);
    t.seek(700_000).unwrap();
    assert_eq!(fingerprint(&t), expected[0]);
    t.seek(PINNED_END_US).unwrap();
    assert_eq!(fingerprint(&t), expected[1]);
    assert_eq!(t.sim().history(), straight_history(PINNED_END_US).as_ref());
}

fn straight_history(at: u64) -> Box<sim::History> {
    let mut t = timeline(pinned_script());
    t.advance_to(at).unwrap();
    Box::new(t.sim().history().clone())
}

#[test]
fn repeated_seeks_in_both_directions_are_consistent() {
    let times: Vec<u64> = (0..=40).map(|i| i * 50_000).collect();
    let expected = straight(&times);
    let mut t = timeline(pinned_script());
    let mut rng = Rng::seeded(99);
    for _ in 0..60 {
        let i = rng.below(times.len() as u64) as usize;
        t.seek(times[i]).unwrap();
        assert_eq!(fingerprint(&t), expected[i], "seek to {}", times[i]);
    }
}

#[test]
fn intervening_after_a_seek_back_starts_a_branch() {
    let mut t = timeline(pinned_script());
    t.advance_to(PINNED_END_US).unwrap();
    t.seek(420_000).unwrap();
    t.intervene(Action::Crash(NodeId(1))).unwrap();
    // The script now holds the items up to 420 ms plus the new one.
    assert_eq!(t.script().len(), 6);
    assert_eq!(t.script()[5], Intervention { at_us: 420_000, action: Action::Crash(NodeId(1)) });
    t.advance_to(PINNED_END_US).unwrap();
    let branch = fingerprint(&t);

    // A fresh run of the branched script gives the same result.
    let mut fresh = timeline(t.script().to_vec());
    fresh.advance_to(PINNED_END_US).unwrap();
    assert_eq!(fingerprint(&fresh), branch);
    // And seeking inside the branch stays on the branch.
    t.seek(430_000).unwrap();
    t.seek(PINNED_END_US).unwrap();
    assert_eq!(fingerprint(&t), branch);
}

#[test]
fn script_out_of_order_is_rejected() {
    let script =
        vec![Intervention { at_us: 20, action: Action::Heal }, Intervention { at_us: 10, action: Action::Heal }];
    let err = Timeline::new(Register::default(), SimConfig::with_nodes(2), script).unwrap_err();
    assert_eq!(err, SimError::ScriptOutOfOrder { index: 1, at_us: 10, previous_us: 20 });
}

#[test]
fn a_rejected_script_item_is_skipped_the_same_way_on_replay() {
    let script = vec![
        Intervention { at_us: 10_000, action: Action::Restart(NodeId(0)) },
        Intervention { at_us: 20_000, action: Action::Crash(NodeId(0)) },
    ];
    let mut t = Timeline::new(Register::default(), SimConfig::with_nodes(2), script).unwrap();
    assert_eq!(t.advance_to(50_000).unwrap_err().to_string(), "restart n1: n1 is up");
    t.advance_to(50_000).unwrap();
    assert_eq!(t.sim().node_status(NodeId(0)), sim::NodeStatus::Crashed);
    let hash = t.sim().trace().hash();
    t.seek(0).unwrap();
    assert_eq!(t.seek(50_000).unwrap_err().to_string(), "restart n1: n1 is up");
    t.advance_to(50_000).unwrap();
    assert_eq!(t.sim().trace().hash(), hash);
}
