//! The kernel's throughput in WebAssembly (Node), for BENCHMARKS.md. It is a
//! measurement, not a test: ignored by default and never asserting a speed.
//! Run it with `cargo xtask bench` (or the command in BENCHMARKS.md).
#![cfg(target_arch = "wasm32")]

use sim::testkit::{scenario::bench_config, Register};
use sim::Sim;
use wasm_bindgen_test::*;

/// Events per timed run.
const EVENTS: u64 = 1_000_000;

#[wasm_bindgen_test]
#[ignore]
fn kernel_events_per_second_in_wasm() {
    for nodes in [5, 50] {
        let mut sim = Sim::new(Register::default(), bench_config(nodes)).unwrap();
        sim.run_events(100_000).unwrap();
        let start_ms = js_sys::Date::now();
        let done = sim.run_events(EVENTS).unwrap();
        let elapsed_ms = (js_sys::Date::now() - start_ms).max(1.0);
        console_log!(
            "wasm kernel, {nodes} nodes: {done} events in {elapsed_ms:.0} ms = {:.2} M events/s",
            done as f64 / elapsed_ms / 1000.0
        );
    }
}
