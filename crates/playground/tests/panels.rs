//! The page's view models, computed natively: what the settings panel says is
//! in force, and how recent operations are judged.

use playground::panels::{recent_ops, settings_view, SettingsView, SingleLeaderSettingsView, Verdict};
use playground::{presets, report, Session};

fn single_leader_settings(s: &Session) -> SingleLeaderSettingsView {
    match settings_view(s) {
        SettingsView::SingleLeader(v) => v,
        other => panic!("not single leader: {other:?}"),
    }
}

fn session(preset: &str) -> Session {
    Session::new(presets::find(preset).unwrap()).unwrap()
}

#[test]
fn the_settings_panel_shows_what_the_leader_runs_with() {
    let s = session("default");
    let v = single_leader_settings(&s);
    assert_eq!(v.modes, [("n1".to_string(), "async"), ("n2".to_string(), "async"), ("n3".to_string(), "async")]);
    assert_eq!((v.failover, v.failover_timeout_ms, v.fencing), (true, 300, true));
    let c7 = single_leader_settings(&session("c07-split-brain-fencing"));
    assert!(!c7.fencing);
    let c3 = single_leader_settings(&session("c03-sync-follower-stall"));
    assert_eq!(c3.modes[1], ("n2".to_string(), "sync"));
}

#[test]
fn stale_reads_are_marked_stale_in_the_recent_operations() {
    let mut s = session("c02-stale-follower-read");
    s.run_to_end().unwrap();
    let anomalies = report::anomalies(&s);
    let ops = recent_ops(&s, &anomalies);
    assert_eq!(ops.len(), 12);
    let stale = ops.iter().filter(|o| o.verdict == Verdict::Stale).count();
    let fresh = ops.iter().filter(|o| o.verdict == Verdict::Fresh).count();
    // C2 pins 40 of 40 reads on n3 as stale; the newest twelve ops hold six of them.
    assert_eq!((stale, fresh), (6, 0), "{ops:#?}");
}
