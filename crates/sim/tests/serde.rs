//! Configurations, actions and scripts round-trip through JSON, as share URLs
//! and scenario files need.

use sim::testkit::scenario::{pinned_config, pinned_script};
use sim::testkit::RegisterCommand;
use sim::{Action, Intervention, NodeId, SimConfig};

#[test]
fn config_round_trips_with_link_overrides() {
    let config = pinned_config();
    let json = serde_json::to_string(&config).unwrap();
    assert!(json.contains(r#""links":[{"from":0,"to":4,"#), "links serialise as a list: {json}");
    assert_eq!(serde_json::from_str::<SimConfig>(&json).unwrap(), config);
}

#[test]
fn script_round_trips() {
    let script = pinned_script();
    let json = serde_json::to_string(&script).unwrap();
    assert_eq!(serde_json::from_str::<Vec<Intervention<RegisterCommand>>>(&json).unwrap(), script);
}

#[test]
fn action_json_is_readable() {
    let action: Action<RegisterCommand> = Action::CutLink { from: NodeId(0), to: NodeId(2) };
    assert_eq!(serde_json::to_string(&action).unwrap(), r#"{"cut_link":{"from":0,"to":2}}"#);
}

#[test]
fn missing_fields_take_defaults() {
    let config: SimConfig = serde_json::from_str(r#"{"seed": 3, "nodes": [{}, {"skew_us": 5}]}"#).unwrap();
    assert_eq!((config.seed, config.nodes.len(), config.nodes[1].skew_us), (3, 2, 5));
    assert_eq!(config.limits, sim::Limits::default());
}
