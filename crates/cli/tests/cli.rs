//! The `rp` binary as a person runs it: exit codes, the JSON report, and the
//! reproducing command a sweep prints.

use std::process::Command;

fn rp(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rp")).args(args).output().expect("rp runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_scenario_file_exits_2_naming_the_field() {
    let dir = std::env::temp_dir().join(format!("rp-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.json");
    std::fs::write(&path, r#"{"version":1,"nodes":[{"id":"n1"},{"id":"n1"}]}"#).unwrap();
    let (code, _, err) = rp(&["run", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(err.trim(), format!("rp: error: {}: nodes[1].id: duplicate id \"n1\"", path.display()));
    let (code, _, err) = rp(&["run", "/no/such/file.json"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("rp: error: /no/such/file.json: cannot read:"), "{err}");
    let (code, _, err) = rp(&["run", "preset:nope"]);
    assert_eq!((code, err.trim()), (2, "rp: error: no preset named \"nope\"; `rp presets` lists them"));
}

#[test]
fn the_json_report_of_the_async_failover_preset_counts_its_lost_writes() {
    let (code, out, err) = rp(&["run", "preset:c05-async-failover-loss", "--json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["seed"], 1);
    assert_eq!(report["lost_writes"], 4);
    assert_eq!(report["anomaly_counts"]["lost acknowledged write"], 4);
    assert_eq!(report["trace_hash"].as_str().map(str::len), Some(16));
    assert_eq!(report["nodes"].as_array().map(Vec::len), Some(3));
}

#[test]
fn a_sweep_prints_the_command_that_reproduces_its_first_failing_seed() {
    let (code, out, err) = rp(&["sweep", "preset:c05-async-failover-loss", "--seeds", "3"]);
    assert_eq!(code, 0, "{err}");
    let want = "3 seeds (1..=3), 0 random faults each: 0 clean; 12 acknowledged writes lost in all
  eventual consistency: converged 3
       3 seeds with lost acknowledged write; first: [1, 2, 3]
         reproduce: rp run preset:c05-async-failover-loss --seed 1
";
    assert!(out.starts_with(want), "{out}");
}
