//! WebAssembly tests that run in Node through wasm-bindgen-test-runner: the
//! facade computes the same results in WASM as natively.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn default_cluster_in_wasm_matches_native() {
    let session = playground::Session::new(playground::presets::default_scenario()).unwrap();
    let view = playground::ClusterView::of(&session);
    let names: Vec<String> = view.nodes.iter().map(|n| n.accessible_name()).collect();
    assert_eq!(names, ["Node n1, leader", "Node n2, follower, lag 0 entries", "Node n3, follower, lag 0 entries"]);
}

/// The same constant as `DEFAULT_5S_TRACE_HASH` in `tests/session.rs`: the
/// default preset, run to 5 s in WebAssembly, gives the native trace hash.
#[wasm_bindgen_test]
fn default_preset_trace_hash_matches_native() {
    let mut s = playground::Session::new(playground::presets::default_scenario()).unwrap();
    s.advance_to(5_000_000).unwrap();
    assert_eq!(s.trace_hash(), 10_025_844_824_776_744_635);
}

/// The same constant as `C14_TRACE_HASH` in `tests/claims_multi_leader.rs`:
/// the multi-leader C14 preset run to its end in WebAssembly gives the
/// native trace hash.
#[wasm_bindgen_test]
fn multi_leader_preset_trace_hash_matches_native() {
    let mut s = playground::Session::new(playground::presets::find("c14-same-key-two-leaders").unwrap()).unwrap();
    s.run_to_end().unwrap();
    assert_eq!(s.trace_hash(), 0xc62b_dca9_1909_5a23);
    assert_eq!(s.conflicts_total(), 4);
}
