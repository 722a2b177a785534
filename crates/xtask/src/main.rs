//! `cargo xtask`: the project's developer commands.
//!
//! Each command installs what it needs first (skipping what is already there at
//! the right version), so a fresh machine needs only `cargo xtask serve` or
//! `cargo xtask test`. It must never reach into the product crates' internals:
//! it drives them through cargo, trunk and node like a developer would.

mod run;
mod setup;
mod test;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", about = "Replication Playground developer commands")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install what is missing: wasm target, trunk, wasm-bindgen-cli, Chromium, npm tools.
    Setup,
    /// Install what is missing, then build and serve the page at http://127.0.0.1:8080.
    Serve,
    /// Install what is missing, then run every test: fmt, clippy, native, wasm, release build, e2e.
    Test,
    /// Install what is missing, then build the release page and run only the end-to-end tests.
    E2e,
    /// Run the kernel benchmarks: criterion natively, then events/s in WebAssembly (Node).
    Bench,
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Setup => setup::setup(setup::Needs::ALL),
        Command::Serve => serve(),
        Command::Test => test::test_all(),
        Command::E2e => test::e2e_only(),
        Command::Bench => bench(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve() -> anyhow::Result<()> {
    setup::setup(setup::Needs::SERVE)?;
    println!("xtask: serving the page at http://127.0.0.1:8080 (Ctrl-C stops)");
    run::tool("trunk", &["serve", "--address", "127.0.0.1", "--port", "8080"])?;
    Ok(())
}

fn bench() -> anyhow::Result<()> {
    setup::setup(setup::Needs::SERVE)?;
    run::cargo(&["bench", "-p", "sim", "--bench", "kernel"])?;
    let mut cmd = run::command(
        "cargo",
        &[
            "test",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "sim",
            "--test",
            "wasm_bench",
            "--",
            "--include-ignored",
            "--nocapture",
        ],
    );
    cmd.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner");
    run::streamed(cmd).map(drop)
}
