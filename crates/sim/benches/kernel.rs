//! Kernel benchmarks: events per second with the testkit `Register` protocol
//! on 5 and 50 nodes, and the time to seek in a 1,000,000-event run.
//!
//! Run: `cargo bench -p sim --bench kernel -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sim::testkit::scenario::bench_config;
use sim::testkit::Register;
use sim::{Rng, Sim, Timeline};

/// Events per measured iteration.
const EVENTS_PER_ITER: u64 = 200_000;
/// The length of the run the seek benchmark moves around in.
const SEEK_RUN_EVENTS: u64 = 1_000_000;

fn events_per_second(c: &mut Criterion) {
    let mut group = c.benchmark_group("kernel");
    group.throughput(Throughput::Elements(EVENTS_PER_ITER));
    for nodes in [5, 50] {
        // Start from a warm cluster (queues and buffers at steady-state size).
        let mut warm = Sim::new(Register::default(), bench_config(nodes)).unwrap();
        warm.run_events(EVENTS_PER_ITER).unwrap();
        group.bench_function(format!("register_{nodes}_nodes"), |b| {
            b.iter_batched(
                || warm.clone(),
                |mut sim| {
                    let done = sim.run_events(EVENTS_PER_ITER).unwrap();
                    assert_eq!(done, EVENTS_PER_ITER);
                    sim
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn seek(c: &mut Criterion) {
    let config = bench_config(50);
    // Find the virtual time at which the run has processed a million events.
    let mut probe = Sim::new(Register::default(), config.clone()).unwrap();
    probe.run_events(SEEK_RUN_EVENTS).unwrap();
    let end_us = probe.now_us();
    let mut timeline = Timeline::new(Register::default(), config, Vec::new()).unwrap();
    timeline.advance_to(end_us).unwrap();
    let targets: Vec<u64> = {
        let mut rng = Rng::seeded(5);
        (0..64).map(|_| rng.below(end_us)).collect()
    };
    let mut group = c.benchmark_group("timeline");
    group.bench_function("seek_random_in_1m_event_run", |b| {
        let mut i = 0;
        b.iter(|| {
            timeline.seek(targets[i % targets.len()]).unwrap();
            i += 1;
            black_box(timeline.now_us())
        })
    });
    group.finish();
}

criterion_group!(benches, events_per_second, seek);
criterion_main!(benches);
