//! Determinism is a tested property: the same scenario, seed and script give
//! the same trace hash, and the pinned scenario's hash never changes (the
//! WebAssembly test in `wasm_node.rs` asserts the same constant).

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use sim::testkit::scenario::{fault_config, fault_script, pinned_run, pinned_trace_hash};
use sim::testkit::Register;
use sim::Timeline;

/// The pinned scenario's trace hash. If it changes, every share URL replays
/// differently: change it only on purpose, together with `wasm_node.rs`.
const PINNED_TRACE_HASH: u64 = 0xc3a7_78e0_e3b5_8321;

const HORIZON_US: u64 = 500_000;

/// Runs five register nodes under a random fault script; returns (hash, events).
fn run(seed: u64) -> (u64, u64) {
    let script = fault_script(seed, 5, HORIZON_US, 12);
    let mut timeline = Timeline::new(Register::default(), fault_config(seed, 5), script)
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    timeline.advance_to(HORIZON_US).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    (timeline.sim().trace().hash(), timeline.sim().events_processed())
}

#[test]
fn pinned_scenario_hash() {
    assert_eq!(pinned_trace_hash().unwrap(), PINNED_TRACE_HASH);
}

#[test]
fn pinned_scenario_counts() {
    let run = pinned_run().unwrap();
    let sim = run.sim();
    assert_eq!((sim.events_processed(), sim.trace().total(), sim.in_flight_len()), (7_448, 12_064, 16));
    // 423 ok; the op sent to n1 after it crashed times out as info, and the
    // client moves on to n2.
    assert_eq!(sim.history().outcome_counts(), (423, 0, 1, 0));
}

#[test]
fn two_hundred_seeds_with_random_faults_replay_exactly() {
    let mut hashes = Vec::new();
    for seed in 0..200 {
        let first = run(seed);
        let second = run(seed);
        assert_eq!(first, second, "seed {seed} diverged");
        hashes.push(first.0);
    }
    hashes.sort_unstable();
    hashes.dedup();
    assert_eq!(hashes.len(), 200, "different seeds give different traces");
}

#[test]
fn clone_runs_the_same_future() {
    let mut a = Timeline::new(Register::default(), fault_config(3, 5), fault_script(3, 5, HORIZON_US, 12)).unwrap();
    a.advance_to(HORIZON_US / 2).unwrap();
    let mut b = a.clone();
    a.advance_to(HORIZON_US).unwrap();
    b.advance_to(HORIZON_US).unwrap();
    assert_eq!(a.sim().trace().hash(), b.sim().trace().hash());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn any_seed_replays_exactly(seed in any::<u64>()) {
        prop_assert_eq!(run(seed), run(seed), "seed {}", seed);
    }
}
