//! `cargo xtask test`: every stage in order, then one summary line per stage
//! and a total `N passed, N failed`. A failed stage does not stop later ones,
//! so one run shows everything that is wrong.

use std::fs;
use std::io::Write;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::run::{self, root, Counts};
use crate::setup;

/// What one stage did.
struct Outcome {
    name: &'static str,
    result: Result<Counts>,
    seconds: u64,
}

type Stage = (&'static str, fn() -> Result<Counts>);

const STAGES: [Stage; 8] = [
    ("setup", stage_setup),
    ("fmt", stage_fmt),
    ("clippy", stage_clippy),
    ("native tests", stage_native),
    ("wasm tests (Node)", stage_wasm_node),
    ("wasm tests (Chromium)", stage_wasm_browser),
    ("release build", stage_release),
    ("end-to-end", stage_e2e),
];

/// Runs every stage.
pub fn test_all() -> Result<()> {
    summarize(&STAGES)
}

/// Runs setup, the release build and the end-to-end tests only.
pub fn e2e_only() -> Result<()> {
    summarize(&[STAGES[0], STAGES[6], STAGES[7]])
}

fn summarize(stages: &[Stage]) -> Result<()> {
    let mut outcomes = Vec::new();
    for &(name, f) in stages {
        println!("\n=== xtask: {name} ===");
        std::io::stdout().flush().ok();
        let start = Instant::now();
        let result = f();
        outcomes.push(Outcome { name, result, seconds: start.elapsed().as_secs() });
    }
    println!("\n=== xtask: summary ===");
    let (mut passed, mut failed) = (0, 0);
    for o in &outcomes {
        let line = match &o.result {
            // A stage without test counts (fmt, clippy, build) is one check.
            Ok(c) if c.seen => format!("ok, {} passed, {} failed", c.passed, c.failed),
            Ok(_) => "ok".to_string(),
            Err(e) => format!("FAILED: {e:#}"),
        };
        match &o.result {
            Ok(c) if c.seen => (passed, failed) = (passed + c.passed, failed + c.failed),
            Ok(_) => passed += 1,
            Err(_) => failed += 1,
        }
        println!("{:<24}{line} ({} s)", o.name, o.seconds);
    }
    println!("total: {passed} passed, {failed} failed");
    if failed > 0 {
        anyhow::bail!("{failed} failed");
    }
    Ok(())
}

fn stage_setup() -> Result<Counts> {
    setup::setup(setup::Needs::ALL).map(|()| Counts::default())
}

fn stage_fmt() -> Result<Counts> {
    run::cargo(&["fmt", "--all", "--check"])
}

fn stage_clippy() -> Result<Counts> {
    run::cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    run::cargo(&["clippy", "--target", "wasm32-unknown-unknown", "-p", "web", "--all-targets", "--", "-D", "warnings"])
}

fn stage_native() -> Result<Counts> {
    run::cargo(&["test", "--workspace", "--exclude", "web"])
}

fn wasm_test(args: &[&str]) -> Result<Counts> {
    let mut all = vec!["test", "--target", "wasm32-unknown-unknown"];
    all.extend_from_slice(args);
    let mut cmd = run::command("cargo", &all);
    cmd.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner");
    if let Some(driver) = run::first_line("sh", &["-c", "command -v chromedriver"]) {
        cmd.env("CHROMEDRIVER", driver);
    }
    run::streamed(cmd)
}

fn stage_wasm_node() -> Result<Counts> {
    let kernel = wasm_test(&["-p", "sim", "--test", "wasm_node"])?;
    let facade = wasm_test(&["-p", "playground", "--test", "wasm_node"])?;
    Ok(Counts { passed: kernel.passed + facade.passed, failed: kernel.failed + facade.failed, seen: true })
}

fn stage_wasm_browser() -> Result<Counts> {
    wasm_test(&["-p", "web", "--test", "browser"])
}

fn stage_release() -> Result<Counts> {
    run::tool("trunk", &["build", "--release"])?;
    let wasm = fs::read_dir(root().join("dist"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "wasm"))
        .context("dist/ holds no .wasm file")?;
    let raw = fs::metadata(&wasm)?.len();
    let gz = run::first_line("sh", &["-c", &format!("gzip -9 -c '{}' | wc -c", wasm.display())]).unwrap_or_default();
    println!("release wasm: {} bytes raw, {gz} bytes gzipped ({})", raw, wasm.display());
    Ok(Counts::default())
}

fn stage_e2e() -> Result<Counts> {
    let mut specs: Vec<String> = fs::read_dir(root().join("tests/e2e"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    specs.sort();
    let mut args = vec!["--test", "--test-reporter=tap", "--test-concurrency=1"];
    args.extend(specs.iter().map(String::as_str));
    run::streamed(run::command("node", &args))
}
