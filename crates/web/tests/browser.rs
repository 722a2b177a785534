//! Browser tests in headless Chromium: mount the real app in a div and find
//! its parts by their accessible names, as a screen reader would; drive the
//! reducer with actions; round-trip the share-URL codec in WebAssembly.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;
use std::time::Duration;

use playground::{share, ClusterView, Role, ScriptAction};
use wasm_bindgen_test::*;
use web::state::{Action, State};
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
    assert_eq!(labels(&root, "g.client"), ["Client c1, talks to n1, reads Any", "Client c2, talks to n2, reads Any"]);
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
