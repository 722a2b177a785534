//! Compare mode: the same scenario, from the same seed, run twice with one
//! difference a person picks (async against sync, fencing off against on,
//! last-write-wins against a CRDT, W = 1 against W = 2, ...), on one
//! timeline. Interventions go to both sides at the same virtual time.
//!
//! The difference is a JSON merge patch (RFC 7386) on the scenario, so any
//! setting of any family can be compared without this module knowing it:
//!
//! ```json
//! "compare": { "label": "sync followers", "patch": { "protocol": { "single_leader": { "mode": "sync" } } } }
//! ```
//!
//! The scenario carries its `compare` section, so a share link carries both
//! sides. [`Comparison::first_difference_us`] is where the two sides' anomaly
//! lists first differ.

use check::Anomaly;
use serde::{Deserialize, Serialize};
use sim::Micros;

use crate::report;
use crate::scenario::{Scenario, ScenarioError};
use crate::script::ScriptAction;
use crate::session::{Session, SessionError};

/// The one difference of the second side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareSpec {
    /// What the second side is, in a few words ("sync followers").
    pub label: String,
    /// A JSON merge patch applied to the scenario for the second side.
    pub patch: serde_json::Value,
}

/// Applies an RFC 7386 merge patch: objects merge key by key, `null` removes
/// a key, anything else replaces.
pub fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    use serde_json::Value;
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    let Value::Object(map) = target else { unreachable!("made an object above") };
    for (key, value) in patch {
        if value.is_null() {
            map.remove(key);
        } else {
            merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// The second side's scenario: the first with the patch applied (and no
/// compare section of its own).
pub fn other_side(scenario: &Scenario) -> Result<Option<Scenario>, ScenarioError> {
    let Some(spec) = &scenario.compare else { return Ok(None) };
    let mut base = scenario.clone();
    base.compare = None;
    let mut json = serde_json::to_value(&base).map_err(|e| ScenarioError::invalid("compare", e.to_string()))?;
    merge_patch(&mut json, &spec.patch);
    // One difference, not a chain of them.
    if let serde_json::Value::Object(map) = &mut json {
        map.remove("compare");
    }
    let text = json.to_string();
    let mut other = Scenario::from_json(&text).map_err(|e| {
        ScenarioError::invalid("compare.patch", format!("the compared side is not a valid scenario: {e}"))
    })?;
    if other.name == base.name {
        other.name = format!("{} · {}", base.name, spec.label);
    }
    Ok(Some(other))
}

/// Two sessions on one timeline.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub left: Session,
    pub right: Session,
    pub label: String,
}

impl Comparison {
    /// Starts both sides; `None` if the scenario has no compare section.
    pub fn new(scenario: Scenario) -> Result<Option<Comparison>, SessionError> {
        let label = match &scenario.compare {
            Some(spec) => spec.label.clone(),
            None => return Ok(None),
        };
        let right = other_side(&scenario)?.expect("compare section checked above");
        Ok(Some(Comparison { left: Session::new(scenario)?, right: Session::new(right)?, label }))
    }

    /// Moves both sides to `t_us` (either direction).
    pub fn seek(&mut self, t_us: Micros) -> Result<(), SessionError> {
        self.left.seek(t_us)?;
        self.right.seek(t_us)
    }

    /// Applies an intervention to both sides at the current time. If the
    /// second side refuses it, the first is left as it was too.
    pub fn intervene(&mut self, action: ScriptAction) -> Result<(), SessionError> {
        let before = self.left.clone();
        self.left.intervene(action.clone())?;
        if let Err(e) = self.right.intervene(action) {
            self.left = before;
            return Err(e);
        }
        Ok(())
    }

    /// Each side's anomalies now.
    pub fn anomalies(&self) -> (Vec<Anomaly>, Vec<Anomaly>) {
        (report::anomalies(&self.left), report::anomalies(&self.right))
    }

    /// The earliest time at which the two sides' anomalies differ (by kind
    /// and time), if they do so far.
    pub fn first_difference_us(&self) -> Option<Micros> {
        let (a, b) = self.anomalies();
        first_difference_us(&a, &b)
    }
}

/// The earliest time at which two anomaly lists differ (by kind and time),
/// if they do: what a page keeping both sides' anomalies already has.
pub fn first_difference_us(a: &[Anomaly], b: &[Anomaly]) -> Option<Micros> {
    let key = |v: &[Anomaly]| {
        let mut k: Vec<(Micros, check::AnomalyKind)> = v.iter().map(|x| (x.at_us, x.kind)).collect();
        k.sort();
        k
    };
    let (a, b) = (key(a), key(b));
    let shared = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    match (a.get(shared), b.get(shared)) {
        (Some(x), Some(y)) => Some(x.0.min(y.0)),
        (Some(x), None) | (None, Some(x)) => Some(x.0),
        (None, None) => None,
    }
}
