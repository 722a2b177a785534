//! Compare mode: one scenario, one seed, one difference, one timeline.

use playground::compare::{merge_patch, Comparison};
use playground::{presets, share, Session};

fn count(anomalies: &[playground::Anomaly], kind: playground::AnomalyKind) -> usize {
    anomalies.iter().filter(|a| a.kind == kind).count()
}

/// C7 opens with fencing off on the left and on on the right: split brain on
/// one side only. Both old leaders keep acknowledging for the 300 ms lease
/// after the cut at 2 s (those writes are lost on both sides); the sides
/// first differ at 2.252 s, the first write the fenced leader refuses.
#[test]
fn c7_split_brain_on_one_side_only() {
    let mut c =
        Comparison::new(presets::find("c07-split-brain-fencing").expect("preset")).expect("valid").expect("compare");
    assert_eq!(c.label, "fencing on");
    let end = c.left.end_us();
    c.seek(end).expect("runs");
    let (left, right) = c.anomalies();
    use playground::AnomalyKind::SplitBrain;
    assert_eq!((count(&left, SplitBrain), count(&right, SplitBrain)), (1, 0));
    assert_eq!(c.first_difference_us(), Some(2_252_000));
    // Back in time both sides agree again.
    c.seek(1_000_000).expect("seeks");
    assert_eq!(c.first_difference_us(), None);
}

#[test]
fn interventions_reach_both_sides_and_share_links_carry_the_comparison() {
    let mut c =
        Comparison::new(presets::find("c05-async-failover-loss").expect("preset")).expect("valid").expect("compare");
    c.seek(500_000).expect("runs");
    c.intervene(playground::ScriptAction::Crash("n2".into())).expect("crash");
    assert_eq!(c.left.scenario().script.last(), c.right.scenario().script.last());
    let shared = share::decode(&c.left.share_fragment()).expect("decodes");
    assert_eq!(shared.scenario.compare.as_ref().map(|s| s.label.as_str()), Some("sync followers"));
    let again = Comparison::new(shared.scenario).expect("valid").expect("compare");
    assert_eq!(again.right.scenario().name, c.right.scenario().name);
}

#[test]
fn a_patch_that_breaks_the_scenario_is_refused_with_its_field() {
    let mut s = presets::find("c07-split-brain-fencing").expect("preset");
    s.compare.as_mut().expect("compare").patch = serde_json::json!({ "nodes": [] });
    let err = Session::new(s).expect_err("no nodes on the other side");
    assert!(err.to_string().starts_with("compare.patch: the compared side is not a valid scenario"), "{err}");
}

#[test]
fn merge_patch_follows_rfc_7386() {
    let mut v = serde_json::json!({ "a": { "b": 1, "c": 2 }, "d": [1] });
    merge_patch(&mut v, &serde_json::json!({ "a": { "b": null, "e": 3 }, "d": [2] }));
    assert_eq!(v, serde_json::json!({ "a": { "c": 2, "e": 3 }, "d": [2] }));
}
