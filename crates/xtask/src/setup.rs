//! Installs what the project needs, skipping each piece that is already there
//! at the right version, and saying what it installs and why.

use std::fs;

use anyhow::{bail, Context, Result};

use crate::run::{self, first_line, root};

/// The trunk release this project builds with (0.22 needs a newer rustc).
const TRUNK_VERSION: &str = "0.21.14";

/// Which pieces a command needs.
#[derive(Clone, Copy)]
pub struct Needs {
    pub browser: bool,
}

impl Needs {
    /// Everything, for `test` and `setup`.
    pub const ALL: Needs = Needs { browser: true };
    /// What `serve` needs: no browser.
    pub const SERVE: Needs = Needs { browser: false };
}

/// Installs whatever is missing; prints one line per piece.
pub fn setup(needs: Needs) -> Result<()> {
    wasm_target()?;
    npm_tools()?;
    trunk()?;
    wasm_bindgen()?;
    if needs.browser {
        chromium()?;
    }
    Ok(())
}

fn skip(what: &str, found: &str) {
    println!("setup: {what}: already installed ({found}), skipping");
}

fn install(what: &str, why: &str) {
    println!("setup: {what}: installing ({why})");
}

fn wasm_target() -> Result<()> {
    const TARGET: &str = "wasm32-unknown-unknown";
    let out = run::command("rustup", &["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm32 target: install Rust with rustup")?;
    if String::from_utf8_lossy(&out.stdout).lines().any(|l| l.trim() == TARGET) {
        skip("wasm32 target", TARGET);
        return Ok(());
    }
    install("wasm32 target", "the page and the wasm tests compile to it");
    run::tool("rustup", &["target", "add", TARGET])
}

fn npm_tools() -> Result<()> {
    let bin = root().join("node_modules/.bin");
    let want = ["wasm-opt version 132", "playwright-core"];
    let have_opt =
        first_line("wasm-opt", &["--version"]).is_some_and(|v| v.starts_with(want[0]) && bin.join("wasm-opt").exists());
    let have_pw = root().join("node_modules/playwright-core/package.json").exists();
    if have_opt && have_pw {
        skip("npm tools", "binaryen 132 (wasm-opt), playwright-core in ./node_modules");
        return Ok(());
    }
    if first_line("npm", &["--version"]).is_none() {
        bail!("npm is missing: install Node.js 20 or newer (for example `apt-get install nodejs npm`), then run this again");
    }
    install(
        "npm tools into ./node_modules",
        "wasm-opt shrinks the release wasm; playwright-core drives Chromium in end-to-end tests",
    );
    run::tool("npm", &["ci", "--no-audit", "--no-fund"])
}

fn trunk() -> Result<()> {
    let want = format!("trunk {TRUNK_VERSION}");
    match first_line("trunk", &["--version"]) {
        Some(v) if v == want => skip("trunk", &v),
        found => {
            install(
                &format!("trunk {TRUNK_VERSION} (found {})", found.as_deref().unwrap_or("none")),
                "it builds and serves the page; takes about 7 minutes",
            );
            run::tool("cargo", &["install", "--locked", "trunk", "--version", TRUNK_VERSION])?;
        }
    }
    Ok(())
}

/// The wasm-bindgen version in Cargo.lock; the CLI must match it exactly.
fn locked_wasm_bindgen() -> Result<String> {
    let lock = fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")).and_then(|l| l.strip_suffix('"'))
            {
                return Ok(v.to_string());
            }
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package: run `cargo generate-lockfile`")
}

fn wasm_bindgen() -> Result<()> {
    let version = locked_wasm_bindgen()?;
    let want = format!("wasm-bindgen {version}");
    match first_line("wasm-bindgen", &["--version"]) {
        Some(v) if v == want && first_line("wasm-bindgen-test-runner", &["--version"]).is_some() => {
            skip("wasm-bindgen-cli", &v)
        }
        found => {
            install(
                &format!("wasm-bindgen-cli {version} (found {})", found.as_deref().unwrap_or("none")),
                "trunk and the wasm test runner need the exact version in Cargo.lock; about 2 minutes",
            );
            // Not --locked: its lockfile names a crate missing from the registry.
            run::tool("cargo", &["install", "wasm-bindgen-cli", "--version", &version])?;
        }
    }
    Ok(())
}

fn chromium() -> Result<()> {
    let browser = first_line("chromium", &["--version"]);
    let driver = first_line("chromedriver", &["--version"]);
    if let (Some(b), Some(_)) = (&browser, &driver) {
        skip("Chromium and chromedriver", b);
        return Ok(());
    }
    install(
        "chromium and chromium-driver from Debian",
        "wasm browser tests and end-to-end tests run in headless Chromium",
    );
    let uid = run::command("id", &["-u"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if uid != "0" {
        bail!("Chromium is missing and apt-get needs root: run `sudo apt-get update && sudo apt-get install -y chromium chromium-driver`, then run this again");
    }
    run::command("apt-get", &["update", "-q"]).status().context("apt-get is needed to install Chromium")?;
    let status = run::command("apt-get", &["install", "-y", "-q", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()?;
    if !status.success() {
        bail!("`apt-get install chromium chromium-driver` failed ({status}); install them by hand and run this again");
    }
    Ok(())
}
