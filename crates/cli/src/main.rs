//! `rp`: the native runner of Replication Playground.
//!
//! `rp run scenario.json` runs one scenario and prints a summary (or, with
//! `--json`, a machine report); `rp sweep scenario.json --seeds N` runs N seeds
//! on all cores and prints which anomalies appeared, how often, and the exact
//! command that reproduces the first one; `--random-faults N` gives every
//! seed its own N random crashes and partitions. A scenario file that cannot be read
//! or is invalid exits with code 2 and a message naming the bad field. It
//! must never depend on wasm or the web.

mod faults;
mod report;
mod sweep;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use playground::{Scenario, Session};

/// Exit code for an unreadable or invalid scenario file.
const EXIT_BAD_INPUT: u8 = 2;

#[derive(Parser)]
#[command(name = "rp", version, about = "Run Replication Playground scenarios natively")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one scenario and report what happened.
    Run {
        /// A scenario file (JSON, format version 1), or `preset:NAME`.
        scenario: String,
        /// Use this seed instead of the scenario's.
        #[arg(long)]
        seed: Option<u64>,
        /// Print a machine-readable JSON report.
        #[arg(long)]
        json: bool,
        /// Append N random crashes, restarts and partitions drawn from the seed
        /// (as `sweep --random-faults N` does), then heal and let it settle.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=faults::RANDOM_FAULTS_MAX as i64))]
        random_faults: u32,
        /// Skew each node's clock by a random amount up to this many ms
        /// either way, drawn from the seed, when the faults begin.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=faults::RANDOM_SKEW_MS_MAX))]
        random_skew_ms: u64,
    },
    /// Run many seeds in parallel and count the anomalies each shows.
    Sweep {
        /// A scenario file (JSON, format version 1), or `preset:NAME`.
        scenario: String,
        /// How many seeds to run.
        #[arg(long, default_value_t = 100)]
        seeds: u64,
        /// The first seed.
        #[arg(long, default_value_t = 1)]
        first_seed: u64,
        /// Print a machine-readable JSON report.
        #[arg(long)]
        json: bool,
        /// Per seed, append N random crashes, restarts and partitions drawn
        /// from the seed's fault stream, then heal and let the cluster settle.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=faults::RANDOM_FAULTS_MAX as i64))]
        random_faults: u32,
        /// Skew each node's clock by a random amount up to this many ms
        /// either way, drawn from the seed, when the faults begin.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=faults::RANDOM_SKEW_MS_MAX))]
        random_skew_ms: u64,
    },
    /// List the built-in presets.
    Presets,
}

/// Reads a scenario file or a built-in preset; errors are the user's input.
fn load(arg: &str) -> Result<Scenario, String> {
    if let Some(name) = arg.strip_prefix("preset:") {
        return playground::presets::find(name)
            .ok_or_else(|| format!("no preset named {name:?}; `rp presets` lists them"));
    }
    let path = Path::new(arg);
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    Scenario::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let scenario_arg = match &cli.command {
        Command::Run { scenario, .. } | Command::Sweep { scenario, .. } => Some(scenario.clone()),
        Command::Presets => None,
    };
    let scenario = match scenario_arg.as_deref().map(load).transpose() {
        Ok(s) => s,
        Err(message) => {
            eprintln!("rp: error: {message}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let result = match cli.command {
        Command::Run { seed, json, random_faults, random_skew_ms, scenario: arg } => {
            run(scenario.expect("loaded above"), seed, json, (random_faults, random_skew_ms), &arg)
        }
        Command::Sweep { seeds, first_seed, json, random_faults, random_skew_ms, scenario: arg } => {
            let options = sweep::SweepOptions { first_seed, count: seeds, random_faults, random_skew_ms, json };
            sweep::sweep(&scenario.expect("loaded above"), &PathBuf::from(arg), &options)
        }
        Command::Presets => {
            for p in playground::presets::all() {
                println!("{:<28} {}", p.name, p.caption());
            }
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rp: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(
    mut scenario: Scenario,
    seed: Option<u64>,
    json: bool,
    (random_faults, random_skew_ms): (u32, u64),
    arg: &str,
) -> anyhow::Result<()> {
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    let scenario = faults::with_random_faults(&scenario, scenario.seed, random_faults);
    let scenario = faults::with_random_skews(&scenario, scenario.seed, random_skew_ms);
    let mut session = Session::new(scenario)?;
    session.run_to_end()?;
    let report = session.report();
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        report::print_human(&report, &sweep::scenario_arg(arg, random_faults, random_skew_ms));
    }
    Ok(())
}
