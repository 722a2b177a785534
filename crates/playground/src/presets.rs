//! Built-in scenarios: one per claim of `CLAIMS.md`, the default the page
//! opens with, and the safety-sweep clusters. They are JSON files in
//! `presets/`, compiled in, so the page, the CLI (`rp run preset:NAME`) and
//! the claim tests (`tests/claims.rs`) run exactly the same data.

use crate::scenario::Scenario;

/// One built-in scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    /// Short name used in URLs and on the command line, e.g. `c05-async-failover-loss`.
    pub name: &'static str,
    /// The claim it demonstrates (`C5`), or empty.
    pub claim: &'static str,
    pub scenario: Scenario,
}

impl Preset {
    /// What to watch.
    pub fn caption(&self) -> &str {
        &self.scenario.caption
    }
}

/// (name, claim, JSON) of every preset, in menu order.
const SOURCES: &[(&str, &str, &str)] = &[
    ("default", "", include_str!("../presets/default.json")),
    ("c01-leader-log-order", "C1", include_str!("../presets/c01-leader-log-order.json")),
    ("c02-stale-follower-read", "C2", include_str!("../presets/c02-stale-follower-read.json")),
    ("c03-sync-follower-stall", "C3", include_str!("../presets/c03-sync-follower-stall.json")),
    ("c04-semi-sync-slow-follower", "C4", include_str!("../presets/c04-semi-sync-slow-follower.json")),
    ("c05-async-failover-loss", "C5", include_str!("../presets/c05-async-failover-loss.json")),
    ("c06-failover-timeout", "C6", include_str!("../presets/c06-failover-timeout.json")),
    ("c07-split-brain-fencing", "C7", include_str!("../presets/c07-split-brain-fencing.json")),
    ("c08-read-only-without-leader", "C8", include_str!("../presets/c08-read-only-without-leader.json")),
    ("c09-catch-up-and-snapshot", "C9", include_str!("../presets/c09-catch-up-and-snapshot.json")),
    ("c10-read-scaling", "C10", include_str!("../presets/c10-read-scaling.json")),
    ("c11-lag-growth", "C11", include_str!("../presets/c11-lag-growth.json")),
    ("c12-read-your-writes", "C12", include_str!("../presets/c12-read-your-writes.json")),
    ("c23-consistency-models", "C23", include_str!("../presets/c23-consistency-models.json")),
    ("c13-local-writes-per-region", "C13", include_str!("../presets/c13-local-writes-per-region.json")),
    ("c14-same-key-two-leaders", "C14", include_str!("../presets/c14-same-key-two-leaders.json")),
    ("c15-lww-clock-skew", "C15", include_str!("../presets/c15-lww-clock-skew.json")),
    ("c16-siblings-and-crdts", "C16", include_str!("../presets/c16-siblings-and-crdts.json")),
    ("c17-replication-loop", "C17", include_str!("../presets/c17-replication-loop.json")),
    ("c17-ring-node-failure", "C17", include_str!("../presets/c17-ring-node-failure.json")),
    ("c18-oversell", "C18", include_str!("../presets/c18-oversell.json")),
    ("seven-nodes", "", include_str!("../presets/seven-nodes.json")),
    ("sixty-four-nodes", "", include_str!("../presets/sixty-four-nodes.json")),
    ("safety-sync-fencing", "", include_str!("../presets/safety-sync-fencing.json")),
    ("safety-async", "", include_str!("../presets/safety-async.json")),
    ("sweep-ml-lww", "", include_str!("../presets/sweep-ml-lww.json")),
    ("sweep-ml-vv", "", include_str!("../presets/sweep-ml-vv.json")),
    ("sweep-ml-merge", "", include_str!("../presets/sweep-ml-merge.json")),
    ("sweep-ml-crdt", "", include_str!("../presets/sweep-ml-crdt.json")),
];

fn parse(name: &str, json: &str) -> Scenario {
    // A preset that does not parse is a bug in this crate, caught by its tests.
    Scenario::from_json(json).unwrap_or_else(|e| panic!("preset {name}: {e}"))
}

/// Every preset, in menu order.
pub fn all() -> Vec<Preset> {
    SOURCES.iter().map(|&(name, claim, json)| Preset { name, claim, scenario: parse(name, json) }).collect()
}

/// The scenario of the preset called `name`.
pub fn find(name: &str) -> Option<Scenario> {
    SOURCES.iter().find(|(n, ..)| *n == name).map(|&(n, _, json)| parse(n, json))
}

/// The scenario the page opens with.
pub fn default_scenario() -> Scenario {
    parse("default", SOURCES[0].2)
}
