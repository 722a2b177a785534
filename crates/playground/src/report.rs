//! The report of a run: what the CLI prints and tests pin. Figures come from
//! the recorded history, the sampled lag and the checkers, never from a
//! protocol's own claims about itself.

use std::collections::BTreeMap;

use check::{count_by_kind, split_brain, Anomaly};
use serde::{Deserialize, Serialize};
use sim::{Micros, NodeStatus, OpKind, Outcome};

use crate::session::Session;

/// Client operations by outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpCounts {
    pub ok: usize,
    pub fail: usize,
    pub info: usize,
    pub pending: usize,
    pub reads_ok: usize,
    pub writes_ok: usize,
}

/// One node at the end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeReport {
    pub id: String,
    /// `up`, `crashed` or `paused`.
    pub status: String,
    /// `leader`, `follower`, `candidate`, `replica`, or `-` when crashed.
    pub role: String,
    pub epoch: u64,
    pub last_index: u64,
    pub applied_index: u64,
    pub keys: usize,
    /// Each key's value, or its siblings.
    pub kv: BTreeMap<String, Vec<String>>,
    pub conflicts_resolved: u64,
    /// The node's clock minus true time.
    pub clock_skew_ms: i64,
}

/// A client's acknowledged updates and how long they took.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteLatency {
    pub client: String,
    pub writes_ok: u64,
    /// From invocation to the client learning the outcome (client round trip included).
    pub mean_us: u64,
    pub max_us: u64,
}

/// A resolved conflict as the report lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictReport {
    pub at_us: Micros,
    pub node: String,
    pub key: String,
    pub strategy: String,
    pub kept: Vec<String>,
    pub dropped: Vec<String>,
    pub verdict: String,
}

/// At most this many conflicts are listed in a report (all are counted).
pub const CONFLICTS_REPORTED_MAX: usize = 50;

/// One follower's lag over the run, from samples.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LagReport {
    pub node: String,
    pub max_entries: u64,
    /// Mean over the samples in which the follower had a leader, rounded down.
    pub mean_entries: u64,
    pub max_ms: u64,
    pub mean_ms: u64,
}

/// A change of leader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failover {
    pub at_us: Micros,
    pub node: String,
    pub epoch: u64,
}

/// Everything a run produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub name: String,
    pub seed: u64,
    /// The trace hash as 16 hex digits: equal runs have equal hashes.
    pub trace_hash: String,
    pub end_us: Micros,
    pub events_processed: u64,
    pub ops: OpCounts,
    /// Operations refused (or left unknown) for lack of a quorum.
    pub availability: check::Availability,
    /// Successful operations per second of virtual time.
    pub reads_per_s: u64,
    pub writes_per_s: u64,
    pub nodes: Vec<NodeReport>,
    pub lag: Vec<LagReport>,
    /// Every time a node became leader (the first election included).
    pub leader_changes: Vec<Failover>,
    /// Time (by samples) during which no up node was leader.
    pub no_leader_ms: u64,
    /// Time (by samples) during which two or more up nodes were leader.
    pub two_leaders_ms: u64,
    pub anomalies: Vec<Anomaly>,
    /// Anomalies per kind name, e.g. `"lost acknowledged write": 3`.
    pub anomaly_counts: BTreeMap<String, usize>,
    pub lost_writes: usize,
    pub write_latency: Vec<WriteLatency>,
    pub conflicts_total: u64,
    pub conflicts: Vec<ConflictReport>,
    /// Messages sent, the busiest second, and drops at the kernel's message rate limit.
    pub messages: sim::MessageStats,
    /// Acknowledged writes older than every replica's retained history.
    pub writes_not_judged: usize,
    /// Eventual consistency: when the replicas were judged to agree, or why not.
    pub convergence: String,
    pub warnings: Vec<String>,
}

fn status_word(s: NodeStatus) -> &'static str {
    match s {
        NodeStatus::Up => "up",
        NodeStatus::Crashed => "crashed",
        NodeStatus::Paused => "paused",
        NodeStatus::Removed => "removed",
    }
}

/// Op counts of a history.
pub fn op_counts(history: &sim::History) -> OpCounts {
    let mut c = OpCounts::default();
    for r in &history.ops {
        match &r.outcome {
            Some(Outcome::Ok { .. }) => {
                c.ok += 1;
                if matches!(r.kind, OpKind::Read { .. }) {
                    c.reads_ok += 1;
                } else {
                    c.writes_ok += 1;
                }
            }
            Some(Outcome::Fail { .. }) => c.fail += 1,
            Some(Outcome::Info { .. }) => c.info += 1,
            None => c.pending += 1,
        }
    }
    c
}

/// The anomalies of a session at its current time, by kind then time: what
/// the incremental checkers have judged (see [`crate::judge`]), plus split
/// brain from the role events so far.
pub fn anomalies(session: &Session) -> Vec<Anomaly> {
    let engine = session.engine();
    let names = session.names().for_checks();
    let mut out = session.judge().anomalies();
    // Several leaders at once is the design of some families, not split brain.
    if engine.one_leader() {
        out.extend(split_brain(engine.history(), session.roles(), &names));
    }
    out.extend(check::check_application(engine.history(), &session.messages(), &names));
    check::sort(&mut out);
    out
}

/// The eventual-consistency verdict in words: when it was judged, or why not.
pub fn convergence_line(session: &Session) -> String {
    use crate::judge::Verdict;
    match session.judge().verdicts().last() {
        None => "not judged: the cluster never went quiet (writes stopped, faults healed, 1 s settled)".to_string(),
        Some(Verdict::Converged { at_us, quiet_since_us }) => format!(
            "converged: replicas agreed at {}, quiet since {}",
            check::human_time(*at_us),
            check::human_time(*quiet_since_us)
        ),
        Some(Verdict::Diverged { closed_us, quiet_since_us, keys }) => format!(
            "diverged: quiet from {} to {}, replicas still disagreed on {keys} {}",
            check::human_time(*quiet_since_us),
            check::human_time(*closed_us),
            if *keys == 1 { "key" } else { "keys" }
        ),
    }
}

impl Report {
    /// The report of a session at its current time.
    pub fn of(session: &Session) -> Report {
        let engine = session.engine();
        let names = session.names();
        let ops = op_counts(engine.history());
        let secs = (session.now_us() / 1_000_000).max(1);
        let nodes = crate::view::node_states(session)
            .into_iter()
            .map(|n| NodeReport {
                id: names.node_name(n.id).to_string(),
                status: status_word(n.status).to_string(),
                role: n.role.map_or("-".to_string(), |r| format!("{r:?}").to_lowercase()),
                epoch: n.epoch.unwrap_or(0),
                last_index: n.last_index,
                applied_index: n.applied_index,
                keys: n.kv.len(),
                kv: n.kv,
                conflicts_resolved: n.conflicts_resolved,
                clock_skew_ms: n.clock_skew_ms,
            })
            .collect();
        let anomalies = anomalies(session);
        let anomaly_counts = count_by_kind(&anomalies).into_iter().map(|(k, n)| (k.as_str().to_string(), n)).collect();
        let lost_writes = anomalies.iter().filter(|a| a.kind == check::AnomalyKind::LostWrite).count();
        Report {
            name: session.scenario().name.clone(),
            seed: session.scenario().seed,
            trace_hash: format!("{:016x}", session.trace_hash()),
            end_us: session.now_us(),
            events_processed: engine.events_processed(),
            ops,
            availability: check::availability(engine.history()),
            reads_per_s: ops.reads_ok as u64 / secs,
            writes_per_s: ops.writes_ok as u64 / secs,
            nodes,
            lag: lag_reports(session),
            leader_changes: leader_changes(session),
            no_leader_ms: session.samples().no_leader_us() / 1_000,
            two_leaders_ms: session.samples().two_leaders_us() / 1_000,
            anomalies,
            anomaly_counts,
            lost_writes,
            writes_not_judged: session.judge().writes_not_judged(),
            convergence: convergence_line(session),
            write_latency: write_latency(session),
            conflicts_total: session.conflicts_total(),
            conflicts: session
                .conflicts()
                .iter()
                .take(CONFLICTS_REPORTED_MAX)
                .map(|c| ConflictReport {
                    at_us: c.at_us,
                    node: names.node_name(c.node).to_string(),
                    key: c.conflict.key.clone(),
                    strategy: c.conflict.strategy.clone(),
                    kept: c.conflict.kept.clone(),
                    dropped: c.conflict.dropped.clone(),
                    verdict: c.conflict.verdict.clone(),
                })
                .collect(),
            messages: session.messages(),
            warnings: session.warnings().to_vec(),
        }
    }
}

fn write_latency(session: &Session) -> Vec<WriteLatency> {
    let mut per: BTreeMap<sim::ClientId, (u64, u64, u64)> = BTreeMap::new();
    for r in session.engine().history().ops.iter().filter(|r| r.kind.is_update() && r.is_ok()) {
        let took = r.complete_us.unwrap_or(r.invoke_us) - r.invoke_us;
        let e = per.entry(r.client).or_default();
        (e.0, e.1, e.2) = (e.0 + 1, e.1 + took, e.2.max(took));
    }
    per.into_iter()
        .map(|(client, (n, sum, max))| WriteLatency {
            client: session.names().client_name(client).to_string(),
            writes_ok: n,
            mean_us: sum / n.max(1),
            max_us: max,
        })
        .collect()
}

fn lag_reports(session: &Session) -> Vec<LagReport> {
    let mut per: BTreeMap<sim::NodeId, (u64, u64, u64, u64, u64)> = BTreeMap::new();
    for s in session.samples().all() {
        for l in &s.lag {
            let e = per.entry(l.node).or_default();
            e.0 = e.0.max(l.lag_entries);
            e.1 += l.lag_entries;
            e.2 = e.2.max(l.lag_us);
            e.3 += l.lag_us;
            e.4 += 1;
        }
    }
    per.into_iter()
        .map(|(node, (max_e, sum_e, max_us, sum_us, n))| LagReport {
            node: session.names().node_name(node).to_string(),
            max_entries: max_e,
            mean_entries: sum_e / n.max(1),
            max_ms: max_us / 1_000,
            mean_ms: sum_us / n.max(1) / 1_000,
        })
        .collect()
}

fn leader_changes(session: &Session) -> Vec<Failover> {
    session
        .roles()
        .iter()
        .filter(|r| r.role == sim::Role::Leader)
        .map(|r| Failover { at_us: r.at_us, node: session.names().node_name(r.node).to_string(), epoch: r.epoch })
        .collect()
}

/// Every operation in one line, in invocation order:
/// `"c1: write x = a → ok"`, `"c2: sell one stock if in stock → fail: out of stock: stock is 0"`.
pub fn history_outcomes(session: &Session) -> Vec<String> {
    let names = session.names();
    session
        .engine()
        .history()
        .ops
        .iter()
        .map(|r| {
            let outcome = match &r.outcome {
                None => "pending".to_string(),
                Some(Outcome::Ok { values }) if r.kind.is_read() => format!("ok {values:?}"),
                Some(Outcome::Ok { .. }) => "ok".to_string(),
                Some(Outcome::Fail { reason }) => format!("fail: {reason}"),
                Some(Outcome::Info { reason }) => format!("info: {reason}"),
            };
            format!("{}: {} → {outcome}", names.client_name(r.client), r.kind.describe())
        })
        .collect()
}

impl Session {
    /// The report of this session at its current time.
    pub fn report(&self) -> Report {
        Report::of(self)
    }
}
