//! Runs a fixed number of kernel events with the testkit `Register` protocol,
//! for profiling (`perf stat`/`perf record`) without the benchmark harness:
//! `cargo run --release -p sim --example kernel_events -- 50 2000000`
//! (nodes, events). Prints the trace hash so the work cannot be optimised away.

use sim::testkit::scenario::bench_config;
use sim::testkit::Register;
use sim::Sim;

fn main() {
    let mut args = std::env::args().skip(1);
    let nodes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let events: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(2_000_000);
    let mut sim = Sim::new(Register::default(), bench_config(nodes)).expect("valid bench config");
    let done = sim.run_events(events).expect("bench run stays within limits");
    println!("{nodes} nodes: {done} events, trace hash {:#018x}", sim.trace().hash());
}
