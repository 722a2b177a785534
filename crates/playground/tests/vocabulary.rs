//! The client vocabulary beyond read, write and add: sets and "sell one if
//! in stock", as the single leader answers them (one order, so no oversell).

use playground::{Scenario, Session};

const SCENARIO: &str = r#"{
  "version": 1, "seed": 3, "duration_ms": 1000,
  "nodes": [{"id": "n1"}, {"id": "n2"}, {"id": "n3"}],
  "clients": [{"id": "c1", "node": "n1"}, {"id": "c2", "node": "n1"}],
  "script": [
    {"at_us": 10000, "action": {"write": {"client": "c1", "key": "stock", "value": "1"}}},
    {"at_us": 100000, "action": {"decr_if_positive": {"client": "c1", "key": "stock"}}},
    {"at_us": 100000, "action": {"decr_if_positive": {"client": "c2", "key": "stock"}}},
    {"at_us": 200000, "action": {"set_add": {"client": "c1", "key": "tags", "value_is_not_a_field": 0}}}
  ]
}"#;

#[test]
fn single_leader_sells_the_last_item_once_and_keeps_sets() {
    let bad = Scenario::from_json(SCENARIO).unwrap_err();
    assert_eq!(bad.path(), "script[3].action.set_add.value_is_not_a_field");
    let json = SCENARIO.replace(r#""value_is_not_a_field": 0"#, r#""elem": "red""#);
    let mut scenario = Scenario::from_json(&json).unwrap();
    scenario.script.push(
        serde_json::from_str(
            r#"{"at_us": 300000, "action": {"set_add": {"client": "c2", "key": "tags", "elem": "blue"}}}"#,
        )
        .unwrap(),
    );
    scenario.script.push(
        serde_json::from_str(
            r#"{"at_us": 400000, "action": {"set_remove": {"client": "c1", "key": "tags", "elem": "red"}}}"#,
        )
        .unwrap(),
    );
    let mut s = Session::new(scenario).unwrap();
    s.run_to_end().unwrap();
    assert!(s.report().anomalies.is_empty(), "{:?}", s.report().anomalies);
    let history = playground::report::history_outcomes(&s);
    assert_eq!(
        history,
        [
            "c1: write stock = 1 → ok",
            "c1: sell one stock if in stock → ok",
            "c2: sell one stock if in stock → fail: out of stock: stock is 0",
            "c1: add red to set tags → ok",
            "c2: add blue to set tags → ok",
            "c1: remove red from set tags → ok",
        ]
    );
    let states = playground::view::node_states(&s);
    assert!(states.iter().all(|n| n.kv.get("stock") == Some(&vec!["0".to_string()])));
    assert!(states.iter().all(|n| n.kv.get("tags") == Some(&vec!["blue".to_string()])));
}
