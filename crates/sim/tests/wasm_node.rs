//! The pinned scenario in WebAssembly (run under Node): it must give the same
//! trace hash as natively (`determinism.rs`).

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

/// Must equal `PINNED_TRACE_HASH` in `determinism.rs`.
const PINNED_TRACE_HASH: u64 = 0xc3a7_78e0_e3b5_8321;

#[wasm_bindgen_test]
fn pinned_scenario_hash_matches_native() {
    assert_eq!(sim::testkit::scenario::pinned_trace_hash().unwrap(), PINNED_TRACE_HASH);
}
