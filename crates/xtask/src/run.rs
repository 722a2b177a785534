//! Running child processes with the project's tool folders on `PATH`, and
//! reading test counts from their output while it streams to the terminal.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

/// The workspace root (the folder holding the top `Cargo.toml`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).expect("xtask lives in crates/xtask").to_path_buf()
}

/// `PATH` with `node_modules/.bin` and cargo's bin folder in front, so the
/// project-local wasm-opt and freshly installed trunk are found.
pub fn path_env() -> String {
    let mut dirs = vec![root().join("node_modules/.bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
    {
        dirs.push(home.join("bin"));
    }
    let old = std::env::var_os("PATH").unwrap_or_default();
    dirs.extend(std::env::split_paths(&old));
    std::env::join_paths(dirs).expect("paths hold no separator").to_string_lossy().into_owned()
}

/// A command in the workspace root with the project's `PATH`.
pub fn command(program: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(root()).env("PATH", path_env());
    cmd
}

/// Runs a tool to completion, failing if it exits non-zero.
pub fn tool(program: &str, args: &[&str]) -> Result<()> {
    let status = command(program, args).status().with_context(|| format!("could not start `{program}`"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Runs cargo with the given arguments.
pub fn cargo(args: &[&str]) -> Result<Counts> {
    streamed(command("cargo", args))
}

/// The first line a command prints on stdout, or `None` if it cannot run.
pub fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let out = command(program, args).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").trim().to_string())
}

/// Test counts read from a runner's output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u32,
    pub failed: u32,
    /// False when the output held no summary line at all.
    pub seen: bool,
}

impl Counts {
    fn add(&mut self, passed: u32, failed: u32) {
        self.passed += passed;
        self.failed += failed;
        self.seen = true;
    }

    /// Reads one line of cargo test (`test result: ok. 3 passed; 0 failed;`)
    /// or node test (`# pass 3`, `# fail 0`) output.
    pub fn read_line(&mut self, line: &str) {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("test result:") {
            let number_before = |word: &str| {
                rest.split(';')
                    .find_map(|part| part.trim().strip_suffix(word)?.trim().rsplit(' ').next()?.parse::<u32>().ok())
                    .unwrap_or(0)
            };
            self.add(number_before("passed"), number_before("failed"));
        } else if let Some(n) = line.strip_prefix("# pass ").and_then(|n| n.parse().ok()) {
            self.add(n, 0);
        } else if let Some(n) = line.strip_prefix("# fail ").and_then(|n| n.parse().ok()) {
            self.add(0, n);
        }
    }
}

/// Runs a command, echoing its stdout while counting tests in it.
pub fn streamed(mut cmd: Command) -> Result<Counts> {
    let mut child = cmd.stdout(Stdio::piped()).spawn().with_context(|| format!("could not start {cmd:?}"))?;
    let mut counts = Counts::default();
    for line in BufReader::new(child.stdout.take().expect("stdout is piped")).lines() {
        let line = line?;
        println!("{line}");
        counts.read_line(&line);
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("{:?} failed ({status})", cmd.get_program());
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::Counts;

    #[test]
    fn reads_cargo_and_node_summaries() {
        let mut c = Counts::default();
        c.read_line("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s");
        c.read_line("test result: FAILED. 3 passed; 2 failed; 0 ignored");
        c.read_line("# pass 4");
        c.read_line("# fail 1");
        c.read_line("running 3 tests");
        assert_eq!(c, Counts { passed: 19, failed: 3, seen: true });
    }
}
