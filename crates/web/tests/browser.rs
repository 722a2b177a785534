//! Browser tests in headless Chromium: mount the real app in a div and find
//! its parts by their accessible names, as a screen reader would; drive the
//! reducer with actions; round-trip the share-URL codec in WebAssembly.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;
use std::time::Duration;

use playground::{share, ClusterView, Role, ScriptAction};
use wasm_bindgen_test::*;
use web::state::{Action, State, SPEEDS};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    web::start_in(root.clone());
    root
}

fn labels(root: &web_sys::Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
        .filter_map(|e| e.get_attribute("aria-label"))
        .collect()
}

#[wasm_bindgen_test]
async fn app_renders_nodes_links_and_clients_by_accessible_name() {
    let root = mount();
    gloo_timers::future::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        labels(&root, "g.node"),
        ["Node n1, leader", "Node n2, follower, lag 0 entries", "Node n3, follower, lag 0 entries"]
    );
    assert_eq!(
        labels(&root, "g.link"),
        ["Link n1 to n2, 20 ms, connected", "Link n1 to n3, 20 ms, connected", "Link n2 to n3, 20 ms, connected"]
    );
    assert_eq!(
        labels(&root, "g.client"),
        ["Client c1, talks to n1, read policy any replica", "Client c2, talks to n2, read policy any replica"]
    );
    assert_eq!(labels(&root, "button[aria-label='Play']").len(), 1);
}

fn reduce(state: Rc<State>, action: Action) -> Rc<State> {
    state.reduce(action)
}

#[wasm_bindgen_test]
fn crash_action_takes_the_leader_offline_and_records_the_script() {
    let s = reduce(Rc::new(State::default()), Action::Seek(500_000));
    let s = reduce(s, Action::Intervene(ScriptAction::Crash("n1".into())));
    let view = ClusterView::of(&s.session.borrow());
    assert_eq!(view.node("n1").map(|n| n.role), Some(Role::Offline));
    let script: Vec<(u64, String)> =
        s.session.borrow().scenario().script.iter().map(|e| (e.at_us, e.action.describe())).collect();
    assert_eq!(script, [(500_000, "crash n1".to_string())]);
}

#[wasm_bindgen_test]
fn refused_action_shows_a_notice_and_changes_nothing() {
    let s = reduce(Rc::new(State::default()), Action::Intervene(ScriptAction::Restart("n2".into())));
    assert_eq!(s.notice.as_ref().map(|n| n.text.as_str()), Some("restart n2: n2 is up"));
    assert_eq!(s.session.borrow().scenario().script.len(), 0);
}

#[wasm_bindgen_test]
fn dragging_a_node_into_the_zone_partitions_it_and_out_again_heals() {
    let s = reduce(Rc::new(State::default()), Action::DragStart { node: "n1".into(), x: 500, y: 140 });
    let s = reduce(s, Action::DragMove { x: 900, y: 300 });
    let s = reduce(s, Action::DragEnd);
    let script: Vec<String> = s.session.borrow().scenario().script.iter().map(|e| e.action.describe()).collect();
    assert_eq!(script, ["partition {n2, n3} | {n1}"]);
    let s = reduce(s, Action::DragStart { node: "n1".into(), x: 900, y: 300 });
    let s = reduce(s, Action::DragMove { x: 500, y: 140 });
    let s = reduce(s, Action::DragEnd);
    let last = s.session.borrow().scenario().script.last().map(|e| e.action.describe());
    assert_eq!(last.as_deref(), Some("heal the network"));
}

#[wasm_bindgen_test]
fn share_link_round_trips_and_a_broken_one_opens_the_default_with_a_notice() {
    let s = reduce(Rc::new(State::default()), Action::Seek(1_200_000));
    let s = reduce(s, Action::Intervene(ScriptAction::Crash("n2".into())));
    let fragment = s.session.borrow().share_fragment();
    let shared = share::decode(&fragment).unwrap();
    assert_eq!((shared.at_us, shared.scenario.script.len()), (1_200_000, 1));
    let opened = State::from_fragment(&format!("#{fragment}"));
    assert_eq!(opened.session.borrow().trace_hash(), s.session.borrow().trace_hash());
    let broken = State::from_fragment(&fragment[..fragment.len() - 9]);
    let text = broken.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(text.starts_with("share link: its data is cut off or damaged; copy the whole link again"), "{text}");
    assert_eq!(broken.now_us(), 0);
}

/// Plays with animation frames `frame_ms` apart until the run pauses or `until_us` is reached.
fn play(state: Rc<State>, until_us: u64, frame_ms: f64) -> Rc<State> {
    let mut s = reduce(state, Action::Frame(0.0));
    if !s.playing {
        s = reduce(s, Action::TogglePlay);
    }
    let mut t = 0.0;
    while s.playing && s.now_us() < until_us {
        t += frame_ms;
        s = reduce(s, Action::Frame(t));
    }
    if s.playing {
        s = reduce(s, Action::TogglePlay);
    }
    s
}

fn preset(name: &str) -> Rc<State> {
    let s = Rc::new(State::from_fragment(&format!("#preset={name}")));
    reduce(s, Action::SetSpeed(SPEEDS.len() - 1))
}

/// Finding 1: C5 played to its end showed "Anomalies (0)"; one step at the
/// same instant showed the 4 lost writes.
#[wasm_bindgen_test]
fn a_run_played_to_its_end_shows_the_end_of_run_judgements() {
    let played = play(preset("c05-async-failover-loss"), u64::MAX, 16.7);
    let end = played.session.borrow().end_us();
    assert_eq!(played.now_us(), end);
    let sought = reduce(preset("c05-async-failover-loss"), Action::Seek(end));
    let lost = |s: &State| s.anomalies.iter().filter(|a| a.kind == playground::AnomalyKind::LostWrite).count();
    assert_eq!(lost(&played), 4);
    assert_eq!(*played.anomalies, *sought.anomalies);
}

/// Finding 2: a read "fresh" while playing C2 was "stale" after scrubbing
/// back to the same instant; the anomaly count went 12 -> 18.
#[wasm_bindgen_test]
fn what_the_page_shows_at_t_does_not_depend_on_how_one_got_there() {
    let live = play(preset("c02-stale-follower-read"), 2_000_000, 16.7);
    let t = live.now_us();
    let verdicts = |s: &State| {
        let session = s.session.borrow();
        playground::panels::recent_ops(&session, &s.anomalies)
            .into_iter()
            .map(|o| (o.op, o.verdict))
            .collect::<Vec<_>>()
    };
    let scrubbed = play(live.clone(), 3_500_000, 16.7);
    let scrubbed = reduce(scrubbed, Action::Seek(t));
    assert_eq!(scrubbed.now_us(), t);
    assert_eq!(*live.anomalies, *scrubbed.anomalies, "anomalies at {t} µs");
    assert_eq!(verdicts(&live), verdicts(&scrubbed), "labels at {t} µs");
    assert!(!live.anomalies.is_empty());
}

/// Finding 3: "10×" ran at about 6× because a frame advanced at most 100 ms.
#[wasm_bindgen_test]
fn ten_times_speed_is_ten_times_and_the_achieved_speed_is_measured() {
    let mut s = reduce(preset("seven-nodes"), Action::TogglePlay);
    let frame_ms = 1000.0 / 60.0;
    for i in 0..=90 {
        s = reduce(s, Action::Frame(f64::from(i) * frame_ms));
    }
    // 90 frames of 16.7 ms (1.5 s) at 10× are 15 s of virtual time, not 9 s.
    assert!((14_900_000..=15_100_000).contains(&s.now_us()), "{} µs", s.now_us());
    let achieved = s.achieved_speed_permille.unwrap_or(0);
    assert!((9_500..=10_500).contains(&achieved), "achieved {achieved}");
}

/// Finding 12: once its buffer was full the frame statistics were published every frame.
#[wasm_bindgen_test]
fn frame_statistics_are_published_once_per_thirty_frames() {
    use web::hooks::{FrameStats, FRAME_PUBLISH_EVERY};
    let mut stats = FrameStats::default();
    let published = (0..1200).filter(|&i| stats.record(f64::from(i % 7)).is_some()).count() as u64;
    assert_eq!(published, 1200 / FRAME_PUBLISH_EVERY);
}

/// Finding 5: switching presets (arrow keys on the picker) threw away a run without asking.
#[wasm_bindgen_test]
fn picking_another_preset_during_a_run_asks_first() {
    let s = reduce(Rc::new(State::default()), Action::Seek(1_000_000));
    let s = reduce(s, Action::LoadPreset("c02-stale-follower-read".into()));
    assert_eq!((s.preset.as_str(), s.now_us()), ("default", 1_000_000));
    assert_eq!(s.pending_preset.as_deref(), Some("c02-stale-follower-read"));
    let kept = reduce(s.clone(), Action::CancelPreset);
    assert_eq!((kept.preset.as_str(), kept.now_us(), kept.pending_preset.clone()), ("default", 1_000_000, None));
    let opened = reduce(s, Action::ConfirmPreset);
    assert_eq!((opened.preset.as_str(), opened.now_us()), ("c02-stale-follower-read", 0));
}

/// Finding 5: there was no keyboard way to partition.
#[wasm_bindgen_test]
fn moving_a_node_to_the_partition_zone_and_back_partitions_and_heals() {
    let s = reduce(Rc::new(State::default()), Action::ToggleZone("n1".into()));
    let s = reduce(s, Action::ToggleZone("n1".into()));
    let script: Vec<String> = s.session.borrow().scenario().script.iter().map(|e| e.action.describe()).collect();
    assert_eq!(script, ["partition {n2, n3} | {n1}", "heal the network"]);
}

/// Finding 10: a step moved the clock without a word of what it processed.
#[wasm_bindgen_test]
fn a_step_says_which_events_it_processed() {
    let s = reduce(Rc::new(State::default()), Action::Seek(300_000));
    let s = reduce(s, Action::StepForward);
    let note = s.step_note.clone().unwrap_or_default();
    assert!(note.starts_with(&format!("At {}: ", web::components::timeline::seconds(s.now_us()))), "{note}");
    assert!(note.len() > 12, "{note}");
}

/// Compare mode: the second side follows the playhead both ways and gets
/// every intervention; with fencing on, C7 has no split brain.
#[wasm_bindgen_test]
fn compare_side_shares_the_timeline_and_the_interventions() {
    let s = reduce(preset("c07-split-brain-fencing"), Action::ToggleCompare);
    let right = s.compare.clone().expect("C7 has a compare section");
    assert_eq!(right.label, "fencing on");
    let s = play(s, 6_000_000, 16.7);
    assert_eq!(right.session.borrow().now_us(), s.now_us());
    let split = |v: &[playground::Anomaly]| v.iter().filter(|a| a.kind.as_str() == "split brain").count();
    let c = s.compare.clone().expect("still on");
    assert_eq!((split(&s.anomalies) > 0, split(&c.anomalies)), (true, 0));
    assert!(c.first_difference_us.is_some());
    let s = reduce(s, Action::Seek(1_000_000));
    let s = reduce(s, Action::Intervene(ScriptAction::Crash("n3".into())));
    let c = s.compare.clone().expect("still on");
    assert_eq!(c.session.borrow().now_us(), 1_000_000);
    assert_eq!(c.session.borrow().scenario().script.last().map(|e| e.action.describe()), Some("crash n3".to_string()));
    let s = reduce(s, Action::MakeShareLink);
    let link = s.share_link.clone().expect("a link");
    assert!(link.ends_with("&compare"), "{link}");
    assert!(State::from_fragment(&link).compare.is_some());
    assert!(State::from_fragment("#preset=c07-split-brain-fencing&compare").compare.is_some());
    let s = reduce(s, Action::ToggleCompare);
    assert!(s.compare.is_none());
}
