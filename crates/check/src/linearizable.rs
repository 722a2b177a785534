//! Linearizability per key (the "strong" guarantee of C23), checked just in
//! time as operations complete, in the manner of Knossos' linear search and
//! Porcupine's per-key partitioning.
//!
//! Each key keeps a set of *configurations*: a possible current value plus
//! which still-open operations have already taken effect. An invocation adds
//! an open operation; an acknowledgement forces it: every configuration is
//! extended by taking open operations in any order until the forced one has
//! taken effect, and configurations where that is impossible die. If none
//! survive, the forced operation (a read, in practice) cannot be placed in
//! any order consistent with real time: a violation. The checker reports it
//! with the smallest evidence (the read, the write whose value it returned,
//! and the newest write acknowledged before it began), forgets that read, and
//! goes on, so every violating read is reported.
//!
//! A write that timed out (`info`) may take effect at any later time, so it
//! stays open; at most [`OPEN_UNKNOWN_WRITES_MAX`] per key are tracked, and
//! a read returning a value that had to be forgotten stops judging the key
//! ("unknown") rather than guessing. The search is bounded by
//! [`SEARCH_STATES_MAX`] per acknowledgement; past it the key is "unknown".
//!
//! A read that returns several values (siblings) is never linearizable: a
//! single register holds one value. Updates other than writes (counters,
//! sets, "sell one if in stock") are applied as a single-valued store applies
//! them (`sim::client::single_value_update`), so two regions both selling the
//! last item cannot be ordered either.

use std::collections::{BTreeMap, BTreeSet};

use sim::{History, Micros, OpId, OpKind, OpRecord, Outcome};

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::names::{human_time, Names};
use crate::writes::{described, shown, Writers};

/// Configurations explored for one acknowledgement before giving up on a key.
pub const SEARCH_STATES_MAX: usize = 20_000;
/// Timed-out writes per key that the search keeps open.
pub const OPEN_UNKNOWN_WRITES_MAX: usize = 4;

/// What an operation does to a register.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    /// Any update, applied as a single-valued store applies it.
    Update(OpKind),
    Read(Vec<String>),
}

impl Step {
    /// The state after this step, or `None` if it cannot happen in `state`.
    fn apply(&self, state: &Option<String>) -> Option<Option<String>> {
        match self {
            Step::Update(kind) => sim::client::single_value_update(kind, state.as_deref()).ok().map(Some),
            Step::Read(values) => match (values.as_slice(), state) {
                ([], None) => Some(state.clone()),
                ([v], Some(s)) if v == s => Some(state.clone()),
                _ => None,
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Config {
    state: Option<String>,
    /// Open operations that have already taken effect.
    done: BTreeSet<OpId>,
}

#[derive(Clone, Debug)]
struct KeyState {
    configs: BTreeSet<Config>,
    open: BTreeMap<OpId, Step>,
    /// Open timed-out writes, oldest first.
    unknown_writes: Vec<OpId>,
    forgotten: BTreeSet<String>,
    /// Why the key is no longer judged, if it is not.
    gave_up: Option<String>,
}

impl Default for KeyState {
    fn default() -> Self {
        let start = Config { state: None, done: BTreeSet::new() };
        KeyState {
            configs: [start].into(),
            open: BTreeMap::new(),
            unknown_writes: Vec::new(),
            forgotten: BTreeSet::new(),
            gave_up: None,
        }
    }
}

/// The linearizability checker's memory.
#[derive(Clone, Debug, Default)]
pub struct Linearizability {
    keys: BTreeMap<String, KeyState>,
    /// Per key, the newest write acknowledged so far (for evidence).
    last_acked: BTreeMap<String, Vec<(Micros, OpId)>>,
}

fn step_of(r: &OpRecord) -> Option<Step> {
    match (&r.kind, &r.outcome) {
        (OpKind::Read { .. }, Some(Outcome::Ok { values })) => Some(Step::Read(values.clone())),
        (OpKind::Read { .. }, _) => None,
        (kind, _) => Some(Step::Update(kind.clone())),
    }
}

impl Linearizability {
    /// Keys no longer judged, with the reason.
    pub fn unknown_keys(&self) -> Vec<(String, String)> {
        self.keys.iter().filter_map(|(k, s)| Some((k.clone(), s.gave_up.clone()?))).collect()
    }

    /// An operation was invoked (reads only once their outcome is known).
    pub fn invoke(&mut self, r: &OpRecord) {
        let Some(step) = step_of(r) else { return };
        let key = self.keys.entry(r.kind.key().to_string()).or_default();
        if key.gave_up.is_none() {
            key.open.insert(r.op, step);
        }
    }

    /// An operation completed.
    pub fn complete(&mut self, h: &History, writers: &Writers, r: &OpRecord, names: &Names, out: &mut Vec<Anomaly>) {
        let name = r.kind.key().to_string();
        let Some(key) = self.keys.get_mut(&name) else { return };
        if key.gave_up.is_some() || !key.open.contains_key(&r.op) {
            return;
        }
        match &r.outcome {
            Some(Outcome::Ok { .. }) => {}
            Some(Outcome::Fail { .. }) => {
                // It never happened: configurations that applied it die.
                let survivors: BTreeSet<Config> =
                    key.configs.iter().filter(|c| !c.done.contains(&r.op)).cloned().collect();
                if !survivors.is_empty() {
                    key.configs = survivors;
                }
                key.open.remove(&r.op);
                return;
            }
            _ => {
                if matches!(key.open.get(&r.op), Some(Step::Update(_))) {
                    key.unknown_writes.push(r.op);
                    if key.unknown_writes.len() > OPEN_UNKNOWN_WRITES_MAX {
                        let oldest = key.unknown_writes.remove(0);
                        match key.open.remove(&oldest) {
                            Some(Step::Update(OpKind::Write { value, .. })) => {
                                key.forgotten.insert(value);
                            }
                            // A forgotten counter or set update changes every later value.
                            _ => key.gave_up = Some("a timed-out update was no longer tracked".into()),
                        }
                        key.configs = key.configs.iter().map(|c| forget(c, oldest)).collect();
                    }
                } else {
                    key.open.remove(&r.op);
                }
                return;
            }
        }
        if let Some(Step::Read(values)) = key.open.get(&r.op) {
            if values.iter().any(|v| key.forgotten.contains(v)) {
                key.gave_up = Some("a read returned a timed-out write that was no longer tracked".into());
                return;
            }
        }
        match force(key, r.op) {
            Forced::Ok(configs) => key.configs = configs,
            Forced::TooBig => {
                key.gave_up = Some(format!("the search passed {SEARCH_STATES_MAX} states"));
                return;
            }
            Forced::Impossible => out.push(self.violation(h, writers, r, names)),
        }
        let key = self.keys.get_mut(&name).expect("present above");
        key.open.remove(&r.op);
        key.configs = key.configs.iter().map(|c| forget(c, r.op)).collect();
        if !r.kind.is_read() {
            self.last_acked.entry(name).or_default().push((r.complete_us.unwrap_or(0), r.op));
        }
    }

    fn violation(&self, h: &History, writers: &Writers, r: &OpRecord, names: &Names) -> Anomaly {
        let key = r.kind.key();
        let mut ops = vec![r.op];
        let returned: Vec<&OpRecord> =
            r.read_values().unwrap_or_default().iter().filter_map(|v| writers.writer(h, key, v)).collect();
        ops.extend(returned.iter().map(|w| w.op));
        let acked = self.last_acked.get(key).map_or(&[][..], Vec::as_slice);
        let before = acked.partition_point(|&(done, _)| done < r.invoke_us);
        let newest = before.checked_sub(1).and_then(|i| h.get(acked[i].1));
        let values_known = r.read_values().is_some_and(|v| v.len() == returned.len());
        let why = match newest {
            Some(w) if r.kind.is_read() && values_known && !ops.contains(&w.op) => {
                ops.push(w.op);
                format!(
                    "{} was acknowledged at {}, before the read began",
                    described(w),
                    human_time(w.complete_us.unwrap_or(0))
                )
            }
            _ if r.read_values().is_some_and(|v| v.len() > 1) => "a single register holds one value".to_string(),
            _ if r.kind.is_read() => "no order of the updates that respects real time ends in that value".to_string(),
            _ => "in every order that respects real time the store does not allow it".to_string(),
        };
        let what = if r.kind.is_read() {
            format!("{} read {key} from {} and got {}", names.client(r.client), names.node(r.node), shown(r))
        } else {
            format!("{}'s \"{}\" through {} succeeded", names.client(r.client), r.kind.describe(), names.node(r.node))
        };
        Anomaly {
            kind: AnomalyKind::NotLinearizable,
            ops,
            at_us: r.complete_us.unwrap_or(r.invoke_us),
            nodes: vec![r.node],
            explanation: format!("{what}: no single order of the operations on {key} explains it, since {why}"),
        }
    }
}

fn forget(c: &Config, op: OpId) -> Config {
    let mut c = c.clone();
    c.done.remove(&op);
    c
}

enum Forced {
    Ok(BTreeSet<Config>),
    Impossible,
    TooBig,
}

/// Every configuration reachable by applying open operations until `op` has
/// taken effect.
fn force(key: &KeyState, op: OpId) -> Forced {
    let mut done = BTreeSet::new();
    let mut seen: BTreeSet<Config> = key.configs.clone();
    let mut frontier: Vec<Config> = key.configs.iter().cloned().collect();
    while let Some(c) = frontier.pop() {
        if c.done.contains(&op) {
            done.insert(c);
            continue;
        }
        for (&id, step) in &key.open {
            if c.done.contains(&id) {
                continue;
            }
            if let Some(state) = step.apply(&c.state) {
                let mut next = Config { state, done: c.done.clone() };
                next.done.insert(id);
                if seen.insert(next.clone()) {
                    if seen.len() > SEARCH_STATES_MAX {
                        return Forced::TooBig;
                    }
                    frontier.push(next);
                }
            }
        }
    }
    if done.is_empty() {
        Forced::Impossible
    } else {
        Forced::Ok(done)
    }
}
