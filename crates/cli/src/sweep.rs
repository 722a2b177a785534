//! `rp sweep`: many seeds of one scenario on all cores, and which anomalies
//! each showed. Seeds run in parallel (rayon) but results are gathered in
//! seed order, so the output does not depend on scheduling.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use playground::{Scenario, Session};
use rayon::prelude::*;
use serde::Serialize;

/// What one seed showed.
#[derive(Clone, Debug, Serialize)]
struct SeedResult {
    seed: u64,
    trace_hash: String,
    anomaly_counts: BTreeMap<String, usize>,
    lost_writes: usize,
    error: Option<String>,
}

/// The sweep's summary.
#[derive(Debug, Serialize)]
struct SweepReport {
    seeds: u64,
    first_seed: u64,
    /// For each anomaly kind: in how many seeds it appeared.
    seeds_with: BTreeMap<String, u64>,
    /// For each anomaly kind: the first seed that showed it.
    first_seed_with: BTreeMap<String, u64>,
    seeds_with_errors: u64,
    clean_seeds: u64,
}

fn run_seed(scenario: &Scenario, seed: u64) -> SeedResult {
    let mut s = scenario.clone();
    s.seed = seed;
    let outcome = Session::new(s).and_then(|mut session| {
        session.run_to_end()?;
        Ok(session.report())
    });
    match outcome {
        Ok(r) => SeedResult {
            seed,
            trace_hash: r.trace_hash,
            anomaly_counts: r.anomaly_counts,
            lost_writes: r.lost_writes,
            error: None,
        },
        Err(e) => SeedResult {
            seed,
            trace_hash: String::new(),
            anomaly_counts: BTreeMap::new(),
            lost_writes: 0,
            error: Some(e.to_string()),
        },
    }
}

/// Runs `count` seeds from `first_seed` and prints the summary.
pub fn sweep(scenario: &Scenario, path: &Path, first_seed: u64, count: u64, json: bool) -> Result<()> {
    let bar = ProgressBar::with_draw_target(Some(count), ProgressDrawTarget::stderr());
    bar.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} seeds  {elapsed} (eta {eta})")?);
    let results: Vec<SeedResult> = (first_seed..first_seed + count)
        .into_par_iter()
        .map(|seed| {
            let r = run_seed(scenario, seed);
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();
    let mut report = SweepReport {
        seeds: count,
        first_seed,
        seeds_with: BTreeMap::new(),
        first_seed_with: BTreeMap::new(),
        seeds_with_errors: 0,
        clean_seeds: 0,
    };
    for r in &results {
        if r.error.is_some() {
            report.seeds_with_errors += 1;
        } else if r.anomaly_counts.is_empty() {
            report.clean_seeds += 1;
        }
        for kind in r.anomaly_counts.keys() {
            *report.seeds_with.entry(kind.clone()).or_default() += 1;
            report.first_seed_with.entry(kind.clone()).or_insert(r.seed);
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "{} seeds ({}..={}): {} clean",
        count,
        first_seed,
        first_seed + count.saturating_sub(1),
        report.clean_seeds
    );
    for (kind, n) in &report.seeds_with {
        let first = report.first_seed_with[kind];
        println!("  {n:>6} seeds with {kind}; first: seed {first}");
        println!("         reproduce: rp run {} --seed {first}", path.display());
    }
    if let Some(bad) = results.iter().find(|r| r.error.is_some()) {
        println!(
            "  {} seeds failed to run; first: seed {}: {}",
            report.seeds_with_errors,
            bad.seed,
            bad.error.as_deref().unwrap_or("")
        );
    }
    Ok(())
}
