//! One test per claim C19–C22 of `CLAIMS.md` on the leaderless presets:
//! each runs the preset through a [`Session`], exactly as the page and
//! `rp run preset:NAME` do, and pins the figure that proves it. Where a
//! claim is a contrast the test edits one setting of the preset.

use playground::view::node_states;
use playground::{presets, AnomalyKind, LeaderlessSpec, ProtocolSpec, Report, Scenario, Session};

fn preset(name: &str) -> Scenario {
    presets::find(name).unwrap_or_else(|| panic!("no preset {name}"))
}

fn spec(s: &mut Scenario) -> &mut LeaderlessSpec {
    match &mut s.protocol {
        ProtocolSpec::Leaderless(spec) => spec,
        other => panic!("not leaderless: {other:?}"),
    }
}

fn run(scenario: Scenario) -> (Session, Report) {
    let mut s = Session::new(scenario).expect("valid preset");
    s.run_to_end().expect("runs");
    let report = s.report();
    (s, report)
}

fn stale_by(r: &Report, client_node: &str) -> usize {
    r.anomalies
        .iter()
        .filter(|a| a.kind == AnomalyKind::StaleRead && a.explanation.contains(&format!("from {client_node}")))
        .count()
}

#[test]
fn explore() {
    for name in
        ["c19-quorum-overlap", "c20-repair-and-handoff", "c21-siblings", "c22-one-down-two-down", "leaderless-64-nodes"]
    {
        let (s, r) = run(preset(name));
        println!(
            "== {name}: ops {:?} avail {:?} counts {:?} hash {}",
            r.ops, r.availability, r.anomaly_counts, r.trace_hash
        );
        for a in r.anomalies.iter().take(3) {
            println!("   {}", a.explanation);
        }
        for n in node_states(&s).iter().take(6) {
            println!("   {:?} {:?} pending {}", n.id, n.kv, n.pending);
        }
        let _ = stale_by(&r, "n3");
        let _ = spec;
    }
}
