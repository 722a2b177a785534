//! Built-in scenarios: one per claim of `CLAIMS.md` plus the default the page
//! opens with. They are JSON files in `presets/`, compiled in, so the page, the
//! CLI (`rp run preset:NAME`) and the claim tests run exactly the same data.

use crate::scenario::Scenario;

/// One built-in scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    /// Short name used in URLs and on the command line, e.g. `c5-async-failover`.
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
const SOURCES: &[(&str, &str, &str)] = &[("default", "", include_str!("../presets/default.json"))];

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
