//! WebAssembly tests that run in Node through wasm-bindgen-test-runner: the
//! facade computes the same results in WASM as natively.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn default_cluster_in_wasm_matches_native() {
    let view = playground::ClusterView::default_cluster();
    let names: Vec<String> = view.nodes.iter().map(|n| n.accessible_name()).collect();
    assert_eq!(names, ["Node n1, leader", "Node n2, follower", "Node n3, follower"]);
}
