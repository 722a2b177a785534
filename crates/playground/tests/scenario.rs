//! Scenario format v1: the documented example parses, scenarios round-trip,
//! and each kind of bad input gets an error naming the field.

use playground::{Scenario, ScriptAction};

fn documented_example() -> String {
    let doc = include_str!("../../../docs/scenario-format.md");
    let start = doc.find("```json\n").expect("the doc has a json example") + "```json\n".len();
    let end = start + doc[start..].find("```").expect("the example is closed");
    doc[start..end].to_string()
}

#[test]
fn documented_example_parses_with_every_part() {
    let s = Scenario::from_json(&documented_example()).unwrap();
    assert_eq!((s.seed, s.duration_ms, s.nodes.len(), s.clients.len(), s.script.len()), (7, 5000, 3, 1, 3));
    assert_eq!(s.network.regions[0].link.latency_ms, 80);
    assert_eq!(s.nodes[2].clock_skew_ms, 40);
    assert_eq!(s.script[2].action, ScriptAction::Heal);
}

#[test]
fn round_trip_gives_an_equal_scenario() {
    let s = Scenario::from_json(&documented_example()).unwrap();
    let again = Scenario::from_json(&s.to_json()).unwrap();
    assert_eq!(s, again);
}

/// Replaces `from` by `to` in the documented example and returns the error.
fn error_after(from: &str, to: &str) -> String {
    let text = documented_example();
    assert!(text.contains(from), "example lacks {from:?}");
    Scenario::from_json(&text.replacen(from, to, 1)).unwrap_err().to_string()
}

#[test]
fn bad_input_names_the_field() {
    let cases = [
        (r#""version": 1"#, r#""version": 2"#, "version: unsupported version 2, this build reads version 1"),
        (r#""id": "n2""#, r#""id": "n1""#, "nodes[1].id: duplicate id \"n1\""),
        (r#""id": "n3""#, r#""id": "n 3""#, "nodes[2].id: \"n 3\" is not an id: use 1 to 32 letters, digits, '-' or '_'"),
        (r#""node": "n1""#, r#""node": "n9""#, "clients[0].node: unknown node \"n9\""),
        (r#""seed": 7"#, r#""seed": "seven""#, "seed: invalid type: string \"seven\", expected u64"),
        (r#""label": "Primary""#, r#""lable": "Primary""#, "nodes[0].lable: unknown field `lable`, expected one of `id`, `label`, `region`, `x`, `y`, `service_time_us`, `clock_skew_ms`, `clock_drift_ppm`"),
        (r#""read_percent": 50"#, r#""read_percent": 150"#, "clients[0].workload.read_percent: 150 is more than 100"),
        (r#""from": "eu""#, r#""from": "mars""#, "network.regions[0].from: no node is in region \"mars\""),
        (r#"["n1", "n2"], ["n3"]"#, r#"["n1", "n2"], ["n4"]"#, "script[0].action[1][0]: unknown node \"n4\""),
        (r#""at_us": 4000000"#, r#""at_us": 1000"#, "script[2].at_us: 1000 is earlier than the entry before (2500000); keep the script in time order"),
        (r#""duration_ms": 5000"#, r#""duration_ms": 0"#, "duration_ms: 0 ms; a run lasts from 1 ms to 3600000 ms (one hour)"),
        (r#""timeout_ms": 500"#, r#""timeout_ms": 0"#, "clients[0].timeout_ms: must be at least 1"),
        (r#""read_policy": "any""#, r#""read_policy": "sometimes""#, "clients[0].read_policy: unknown variant `sometimes`, expected one of `any`, `leader`, `read_your_writes`, `monotonic_reads`, `quorum`"),
        (r#""client": "c1""#, r#""client": "c2""#, "script[1].action.client: unknown client \"c2\""),
    ];
    for (from, to, want) in cases {
        assert_eq!(error_after(from, to), want, "after replacing {from:?} by {to:?}");
    }
}

#[test]
fn not_json_and_missing_fields_are_named() {
    assert_eq!(Scenario::from_json("{").unwrap_err().to_string(), "scenario: EOF while parsing an object");
    assert_eq!(Scenario::from_json(r#"{"version":1}"#).unwrap_err().to_string(), "scenario: missing field `nodes`");
    assert_eq!(
        Scenario::from_json(r#"{"version":1,"nodes":[]}"#).unwrap_err().to_string(),
        "nodes: 0 nodes; a scenario needs between 1 and 64 nodes"
    );
}
