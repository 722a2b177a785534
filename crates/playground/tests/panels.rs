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

#[test]
fn node_detail_shows_a_bounded_part_of_a_large_state_and_counts_the_rest() {
    use playground::panels::{node_detail, KV_SHOWN_MAX};
    let mut s = session("safety-async");
    s.advance_to(3_000_000).unwrap();
    let d = node_detail(&s, "n1").unwrap();
    assert_eq!((d.kv.len(), d.kv_total), (KV_SHOWN_MAX, 20), "seed {}", s.scenario().seed);
}

/// Regression: the canvas's per-frame view copied every node's key-value
/// map, O(keys × nodes) per frame, though it draws none of it.
#[test]
fn the_per_frame_node_summaries_carry_no_key_value_state() {
    use playground::view::{node_states, node_summaries};
    let mut s = session("safety-async");
    s.advance_to(3_000_000).unwrap();
    assert!(node_states(&s).iter().all(|n| !n.kv.is_empty()));
    assert!(node_summaries(&s).iter().all(|n| n.kv.is_empty()));
}

/// Finding: 16 nodes drew 120 links (a hairball) and listed n10..n16 before n2.
#[test]
fn sixty_four_nodes_draw_only_the_leaders_links_and_list_lag_in_natural_order() {
    use playground::panels::lag_series;
    use playground::ClusterView;
    let mut s = session("sixty-four-nodes");
    s.advance_to(2_000_000).unwrap();
    let view = ClusterView::of(&s);
    assert_eq!(view.nodes.len(), 64);
    let leader = view.nodes.iter().find(|n| n.role == playground::Role::Leader).map(|n| n.id.clone()).unwrap();
    assert_eq!(view.links.len(), 63, "seed {}", s.scenario().seed);
    assert!(view.links.iter().all(|l| l.from == leader || l.to == leader));
    let rows: Vec<String> = lag_series(&s, 10_000_000).into_iter().map(|l| l.node).collect();
    let mut sorted = rows.clone();
    sorted.sort_by(|a, b| playground::view::natural_cmp(a, b));
    assert_eq!(rows, sorted);
    assert_eq!(rows.len(), 63);
    assert_eq!(rows[..2], ["n2".to_string(), "n3".to_string()]);
}

/// Finding 6: pointing c1 at a follower and pressing Read sent the read to n1.
#[test]
fn a_read_after_pointing_a_client_at_a_follower_goes_to_that_follower() {
    use playground::ScriptAction;
    let mut s = session("default");
    s.advance_to(1_000_000).unwrap();
    s.intervene(ScriptAction::SetClientNode { client: "c1".into(), node: "n2".into() }).unwrap();
    s.intervene(ScriptAction::Read { client: "c1".into(), key: "x".into() }).unwrap();
    s.advance_to(1_500_000).unwrap();
    let ops = recent_ops(&s, &report::anomalies(&s));
    let read = ops.iter().find(|o| o.client == "c1" && o.text.starts_with("read x")).expect("the read");
    // Before: a reply from n1 to c1's earlier write named n1 as leader, and
    // c1 followed that stale hint back to n1 before sending the read.
    assert_eq!(read.node, "n2", "{ops:#?}");
}
