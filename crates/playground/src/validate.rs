//! Validation of a parsed scenario: what types cannot say. Every error names
//! the path of the bad field and the offending value.

use std::collections::BTreeSet;

use crate::scenario::{
    Scenario, ScenarioError, CLIENTS_MAX, DURATION_MS_MAX, NODES_MAX, SCENARIO_VERSION, SCRIPT_ENTRIES_MAX,
};
use crate::script::ScriptAction;

type Result = std::result::Result<(), ScenarioError>;

/// Checks ids, references and limits.
pub fn validate(s: &Scenario) -> Result {
    if s.version != SCENARIO_VERSION {
        return Err(ScenarioError::invalid(
            "version",
            format!("unsupported version {}, this build reads version {SCENARIO_VERSION}", s.version),
        ));
    }
    if s.duration_ms == 0 || s.duration_ms > DURATION_MS_MAX {
        return Err(ScenarioError::invalid(
            "duration_ms",
            format!("{} ms; a run lasts from 1 ms to {} ms (one hour)", s.duration_ms, DURATION_MS_MAX),
        ));
    }
    if s.nodes.is_empty() || s.nodes.len() > NODES_MAX {
        return Err(ScenarioError::invalid(
            "nodes",
            format!("{} nodes; a scenario needs between 1 and {NODES_MAX} nodes", s.nodes.len()),
        ));
    }
    unique_ids(s.nodes.iter().map(|n| n.id.as_str()), "nodes")?;
    if s.compare.is_some() {
        crate::compare::other_side(s)?;
    }
    if s.clients.len() > CLIENTS_MAX {
        return Err(ScenarioError::invalid("clients", format!("{} clients; at most {CLIENTS_MAX}", s.clients.len())));
    }
    unique_ids(s.clients.iter().map(|c| c.id.as_str()), "clients")?;
    let regions: BTreeSet<&str> = s.nodes.iter().map(|n| n.region.as_str()).collect();
    for (i, pair) in s.network.regions.iter().enumerate() {
        for (field, value) in [("from", &pair.from), ("to", &pair.to)] {
            if !regions.contains(value.as_str()) {
                return Err(ScenarioError::invalid(
                    format!("network.regions[{i}].{field}"),
                    format!("no node is in region \"{value}\""),
                ));
            }
        }
    }
    for (i, pair) in s.network.links.iter().enumerate() {
        node_ref(s, &pair.from, format!("network.links[{i}].from"))?;
        node_ref(s, &pair.to, format!("network.links[{i}].to"))?;
    }
    for (i, c) in s.clients.iter().enumerate() {
        node_ref(s, &c.node, format!("clients[{i}].node"))?;
        if c.timeout_ms == 0 {
            return Err(ScenarioError::invalid(format!("clients[{i}].timeout_ms"), "must be at least 1"));
        }
        if let Some(w) = &c.workload {
            workload(w, &format!("clients[{i}].workload"))?;
        }
    }
    crate::protocol::validate(s)?;
    if s.script.len() > SCRIPT_ENTRIES_MAX {
        return Err(ScenarioError::invalid(
            "script",
            format!("{} entries; at most {SCRIPT_ENTRIES_MAX}", s.script.len()),
        ));
    }
    let mut added: Vec<String> = Vec::new();
    let mut last_us = 0;
    for (i, entry) in s.script.iter().enumerate() {
        let path = format!("script[{i}]");
        if entry.at_us < last_us {
            return Err(ScenarioError::invalid(
                format!("{path}.at_us"),
                format!("{} is earlier than the entry before ({last_us}); keep the script in time order", entry.at_us),
            ));
        }
        last_us = entry.at_us;
        action(s, &entry.action, &format!("{path}.action"), &mut added)?;
    }
    Ok(())
}

fn unique_ids<'a>(ids: impl Iterator<Item = &'a str>, list: &str) -> Result {
    let mut seen = BTreeSet::new();
    for (i, id) in ids.enumerate() {
        if id.is_empty() || id.len() > 32 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(ScenarioError::invalid(
                format!("{list}[{i}].id"),
                format!("\"{id}\" is not an id: use 1 to 32 letters, digits, '-' or '_'"),
            ));
        }
        if !seen.insert(id) {
            return Err(ScenarioError::invalid(format!("{list}[{i}].id"), format!("duplicate id \"{id}\"")));
        }
    }
    Ok(())
}

fn node_ref(s: &Scenario, id: &str, path: String) -> Result {
    match s.node_index(id) {
        Some(_) => Ok(()),
        None => Err(ScenarioError::invalid(path, format!("unknown node \"{id}\""))),
    }
}

fn client_ref(s: &Scenario, id: &str, path: String) -> Result {
    match s.client_index(id) {
        Some(_) => Ok(()),
        None => Err(ScenarioError::invalid(path, format!("unknown client \"{id}\""))),
    }
}

fn workload(w: &crate::scenario::WorkloadSpec, path: &str) -> Result {
    if w.read_percent > 100 {
        return Err(ScenarioError::invalid(
            format!("{path}.read_percent"),
            format!("{} is more than 100", w.read_percent),
        ));
    }
    if w.rate_per_s > 100_000 {
        return Err(ScenarioError::invalid(
            format!("{path}.rate_per_s"),
            format!("{} is more than 100000", w.rate_per_s),
        ));
    }
    if w.rate_per_s > 0 && w.keys.is_empty() {
        return Err(ScenarioError::invalid(format!("{path}.keys"), "a workload needs at least one key"));
    }
    Ok(())
}

fn action(s: &Scenario, a: &ScriptAction, path: &str, added: &mut Vec<String>) -> Result {
    let node = |id: &str, field: &str| -> Result {
        if s.node_index(id).is_some() || added.iter().any(|a| a == id) {
            Ok(())
        } else {
            Err(ScenarioError::invalid(format!("{path}{field}"), format!("unknown node \"{id}\"")))
        }
    };
    let client = |id: &str, field: &str| client_ref(s, id, format!("{path}{field}"));
    match a {
        ScriptAction::Crash(n)
        | ScriptAction::Restart(n)
        | ScriptAction::Pause(n)
        | ScriptAction::Resume(n)
        | ScriptAction::Promote(n) => node(n, ""),
        ScriptAction::Partition(groups) => {
            for (g, group) in groups.iter().enumerate() {
                for (k, n) in group.iter().enumerate() {
                    node(n, &format!("[{g}][{k}]"))?;
                }
            }
            Ok(())
        }
        ScriptAction::Heal => Ok(()),
        ScriptAction::CutLink { from, to }
        | ScriptAction::RestoreLink { from, to }
        | ScriptAction::SetLink { from, to, .. } => {
            node(from, ".from")?;
            node(to, ".to")
        }
        ScriptAction::SkewClock { node: n, .. } | ScriptAction::SetServiceTime { node: n, .. } => node(n, ".node"),
        ScriptAction::AddNode(spec) => {
            if s.node_index(&spec.id).is_some() || added.contains(&spec.id) {
                return Err(ScenarioError::invalid(format!("{path}.id"), format!("duplicate id \"{}\"", spec.id)));
            }
            if s.nodes.len() + added.len() >= NODES_MAX {
                return Err(ScenarioError::invalid(path, format!("a scenario has at most {NODES_MAX} nodes")));
            }
            added.push(spec.id.clone());
            Ok(())
        }
        ScriptAction::Write { client: c, .. }
        | ScriptAction::Read { client: c, .. }
        | ScriptAction::Incr { client: c, .. }
        | ScriptAction::SetAdd { client: c, .. }
        | ScriptAction::SetRemove { client: c, .. }
        | ScriptAction::DecrIfPositive { client: c, .. } => client(c, ".client"),
        ScriptAction::SetWorkload { client: c, workload: w } => {
            client(c, ".client")?;
            w.as_ref().map_or(Ok(()), |w| workload(w, &format!("{path}.workload")))
        }
        ScriptAction::SetClientNode { client: c, node: n } => {
            client(c, ".client")?;
            node(n, ".node")
        }
        ScriptAction::SetReadPolicy { client: c, .. } => client(c, ".client"),
        ScriptAction::SetFollowerMode { node: n, .. } => node(n, ".node"),
        ScriptAction::SetDefaultMode { .. }
        | ScriptAction::SetSemiSyncK { .. }
        | ScriptAction::SetFailover { .. }
        | ScriptAction::SetFailoverTimeout { .. }
        | ScriptAction::SetFencing { .. }
        | ScriptAction::SetApplyDelay { .. }
        | ScriptAction::SetStrategy { .. }
        | ScriptAction::SetLoopPrevention { .. }
        | ScriptAction::SetKeyHomes { .. } => Ok(()),
        ScriptAction::SetTopology(crate::multi_leader::TopologySpec::Star { hub }) => node(hub, ".star.hub"),
        ScriptAction::SetTopology(_) => Ok(()),
    }
}
