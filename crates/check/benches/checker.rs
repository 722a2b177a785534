//! Checker speed on a real simulated history: five nodes of the naive
//! `Register` protocol (each node answers from its own copy, so reads are
//! often stale and linearizability fails often: a hard case), ten clients at
//! 500 operations a second over eight keys, until the history holds 100 000
//! operations.
//!
//! * `checker/full_100k_ops`: every history check over the whole history.
//! * `checker/incremental_per_1000_ops`: feeding the same history 1 000
//!   completed operations at a time, as the page does while playing; the
//!   figure is the time per 1 000 new operations.
//!
//! `cargo bench -p check --bench checker -- --warm-up-time 1 --measurement-time 5`

use check::{Checker, Names};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sim::testkit::Register;
use sim::{ClientConfig, History, LinkConfig, Micros, NodeId, Sim, SimConfig, Workload};

const OPS: usize = 100_000;

fn history() -> History {
    let mut config = SimConfig::with_nodes(5);
    config.seed = 11;
    config.limits.history_ops_max = OPS * 2;
    config.network.default_link = LinkConfig { jitter_us: 300, ..LinkConfig::fixed(1_000) };
    let keys: Vec<String> = (0..8).map(|k| format!("k{k}")).collect();
    config.clients = (0..10)
        .map(|i| ClientConfig {
            target: NodeId(i % 5),
            workload: Some(Workload { rate_per_s: 500, read_ppm: 500_000, keys: keys.clone(), ..Workload::default() }),
            ..ClientConfig::default()
        })
        .collect();
    let mut sim = Sim::new(Register::default(), config).expect("valid config");
    let mut t: Micros = 0;
    while sim.history().ops.len() < OPS {
        t += 100_000;
        sim.run_until(t).expect("runs");
    }
    let mut h = sim.history().clone();
    h.ops.truncate(OPS);
    h
}

fn bench(c: &mut Criterion) {
    let h = history();
    let end = h.ops.last().map_or(0, |r| r.invoke_us);
    let mut group = c.benchmark_group("checker");
    group.sample_size(10);
    group.throughput(Throughput::Elements(OPS as u64));
    group.bench_function("full_100k_ops", |b| {
        b.iter(|| {
            let mut checker = Checker::new(Names::default());
            checker.finish(&h);
            checker.anomalies().len()
        })
    });
    // Update times that each bring about 1 000 new operations.
    let steps: Vec<Micros> = h.ops.iter().step_by(1_000).map(|r| r.invoke_us).chain([end]).collect();
    group.throughput(Throughput::Elements(1_000));
    group.bench_function("incremental_per_1000_ops", |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                let mut checker = Checker::new(Names::default());
                let start = std::time::Instant::now();
                for &t in &steps {
                    checker.update(&h, t);
                }
                total += start.elapsed() / (steps.len() as u32);
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
