//! View models for the page's moving parts and side panels: messages in
//! flight, clients and their recent results, one node's log and state, lag
//! series for charts, and timeline markers. Computed natively from a session,
//! so everything the page shows is testable without a browser.

use std::collections::{BTreeMap, BTreeSet};

use check::{Anomaly, AnomalyKind};
use serde::{Deserialize, Serialize};
use sim::{Micros, MsgKind, NodeStatus, Outcome};

use crate::session::Session;

/// At most this many log entries are shown per node (the newest).
pub const LOG_ENTRIES_SHOWN_MAX: usize = 12;
/// At most this many keys of a node's state are shown (the rest are counted).
pub const KV_SHOWN_MAX: usize = 12;
/// At most this many recent client operations are listed.
pub const RECENT_OPS_SHOWN_MAX: usize = 12;
/// The lag charts show this much recent virtual time.
pub const LAG_WINDOW_US: Micros = 10_000_000;

/// The lowercase name of a message kind, for CSS classes and the legend.
pub fn kind_name(kind: MsgKind) -> &'static str {
    match kind {
        MsgKind::Replication => "replication",
        MsgKind::Ack => "ack",
        MsgKind::Heartbeat => "heartbeat",
        MsgKind::Vote => "vote",
        MsgKind::Client => "client",
        MsgKind::Repair => "repair",
        MsgKind::Other => "other",
    }
}

/// One message on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: u64,
    pub from: String,
    pub to: String,
    pub kind: &'static str,
    /// How far along the link it is, 0..=1000.
    pub progress_permille: u32,
}

/// Messages in flight now, oldest first.
pub fn messages(session: &Session) -> Vec<MessageView> {
    let now = session.now_us();
    let names = session.names();
    session
        .engine()
        .in_flight()
        .into_iter()
        .map(|m| {
            let span = m.deliver_us.saturating_sub(m.sent_us).max(1);
            let done = now.saturating_sub(m.sent_us).min(span);
            MessageView {
                id: m.msg.0,
                from: names.node_name(m.from).to_string(),
                to: names.node_name(m.to).to_string(),
                kind: kind_name(m.kind),
                progress_permille: (done * 1000 / span) as u32,
            }
        })
        .collect()
}

/// Every read policy in the words the page uses for it, in menu order. The
/// canvas, the clients panel and its picker all use these words, so every view
/// of a client's policy agrees.
pub const READ_POLICIES: [(&str, sim::ReadPolicy); 5] = [
    ("any replica", sim::ReadPolicy::Any),
    ("leader only", sim::ReadPolicy::Leader),
    ("read your writes", sim::ReadPolicy::ReadYourWrites),
    ("monotonic reads", sim::ReadPolicy::MonotonicReads),
    ("quorum", sim::ReadPolicy::Quorum),
];

/// A read policy in the page's words, e.g. "any replica".
pub fn read_policy_words(policy: sim::ReadPolicy) -> &'static str {
    READ_POLICIES.iter().find(|(_, p)| *p == policy).map_or("any replica", |(w, _)| w)
}

/// One client on the canvas.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientView {
    pub id: String,
    pub node: String,
    /// The read policy in the page's words (see [`READ_POLICIES`]).
    pub policy: String,
    pub busy: bool,
    /// Operations per second of its background workload; 0 when it has none.
    pub workload_rate_per_s: u32,
    /// It moves to the node a reply names as leader (so a read sent to a
    /// follower can end up at the leader after a "not the leader" reply).
    pub follows_leader_hint: bool,
}

/// Every client now.
pub fn clients(session: &Session) -> Vec<ClientView> {
    let names = session.names();
    session
        .engine()
        .clients()
        .into_iter()
        .map(|c| ClientView {
            id: names.client_name(c.id).to_string(),
            node: names.node_name(c.target()).to_string(),
            policy: read_policy_words(c.config.policy).to_string(),
            busy: !c.is_idle(),
            workload_rate_per_s: c.config.workload.as_ref().map_or(0, |w| w.rate_per_s),
            follows_leader_hint: c.config.follow_leader_hint,
        })
        .collect()
}

/// How a finished operation looks to a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// A write that was acknowledged.
    Written,
    /// A read that returned the latest acknowledged value.
    Fresh,
    /// A read a checker proved stale.
    Stale,
    Failed,
    /// Unknown outcome (timeout).
    Unknown,
    Pending,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Written => "written",
            Verdict::Fresh => "fresh",
            Verdict::Stale => "stale",
            Verdict::Failed => "failed",
            Verdict::Unknown => "unknown",
            Verdict::Pending => "pending",
        }
    }
}

/// One recent client operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpView {
    pub op: u64,
    pub client: String,
    pub node: String,
    /// "write x = c1:3", "read x → c1:2", "write x failed: no leader: read-only".
    pub text: String,
    pub verdict: Verdict,
    pub invoke_us: Micros,
}

/// The newest client operations, newest first, judged with `anomalies`.
pub fn recent_ops(session: &Session, anomalies: &[Anomaly]) -> Vec<OpView> {
    let stale: BTreeSet<u64> = anomalies
        .iter()
        .filter(|a| {
            matches!(a.kind, AnomalyKind::StaleRead | AnomalyKind::ReadYourWrites | AnomalyKind::MonotonicReads)
        })
        .filter_map(|a| a.ops.first().map(|o| o.0))
        .collect();
    let names = session.names();
    let history = session.engine().history();
    history
        .ops
        .iter()
        .rev()
        .take(RECENT_OPS_SHOWN_MAX)
        .map(|r| {
            let what = r.kind.describe();
            let (text, verdict) = match &r.outcome {
                None => (format!("{what} …"), Verdict::Pending),
                Some(Outcome::Ok { values }) if r.kind.is_read() => {
                    let shown = if values.is_empty() { "(absent)".to_string() } else { values.join(", ") };
                    let v = if stale.contains(&r.op.0) { Verdict::Stale } else { Verdict::Fresh };
                    (format!("{what} → {shown}"), v)
                }
                Some(Outcome::Ok { .. }) => (what, Verdict::Written),
                Some(Outcome::Fail { reason }) => (format!("{what} failed: {reason}"), Verdict::Failed),
                Some(Outcome::Info { reason }) => (format!("{what} unknown: {reason}"), Verdict::Unknown),
            };
            OpView {
                op: r.op.0,
                client: names.client_name(r.client).to_string(),
                node: names.node_name(r.node).to_string(),
                text,
                verdict,
                invoke_us: r.invoke_us,
            }
        })
        .collect()
}

/// One log entry or version as a panel lists it.
pub type EntryRow = replication::view::StoreRow;

/// One node's log or version store, and its state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeDetail {
    pub id: String,
    pub status: String,
    pub role: String,
    /// 0 in families without epochs.
    pub epoch: u64,
    pub has_epoch: bool,
    pub leader: Option<String>,
    pub last_index: u64,
    pub commit_index: u64,
    pub applied_index: u64,
    /// Entries older than the shown ones (or folded into a snapshot).
    pub hidden_entries: u64,
    pub entries: Vec<EntryRow>,
    /// Each key's value, or its siblings: the first `KV_SHOWN_MAX` keys in key order.
    pub kv: Vec<(String, Vec<String>)>,
    /// How many keys the state holds.
    pub kv_total: usize,
    pub pending: u64,
    pub conflicts_resolved: u64,
    pub local_clock_skew_ms: i64,
}

/// The log and state of node `id`, if it exists.
pub fn node_detail(session: &Session, id: &str) -> Option<NodeDetail> {
    let node = session.names().node(id).ok()?;
    let engine = session.engine();
    let status = engine.status(node);
    let status_word = match status {
        NodeStatus::Up => "up",
        NodeStatus::Crashed => "crashed",
        NodeStatus::Paused => "paused",
        NodeStatus::Removed => return None,
    };
    let skew = engine.local_time_us(node).map_or(0, |t| (t - session.now_us() as i64) / 1_000);
    let mut d = NodeDetail {
        id: id.to_string(),
        status: status_word.to_string(),
        role: "offline".to_string(),
        epoch: 0,
        has_epoch: false,
        leader: None,
        last_index: 0,
        commit_index: 0,
        applied_index: 0,
        hidden_entries: 0,
        entries: Vec::new(),
        kv: Vec::new(),
        kv_total: 0,
        pending: 0,
        conflicts_resolved: 0,
        local_clock_skew_ms: skew,
    };
    if let Some(n) = engine.node(node) {
        d.role = format!("{:?}", n.role()).to_lowercase();
        (d.epoch, d.has_epoch) = (n.epoch().unwrap_or(0), n.epoch().is_some());
        (d.last_index, d.commit_index, d.applied_index) = n.store().positions();
        d.leader = n.leader().map(|l| session.names().node_name(l).to_string());
        (d.hidden_entries, d.entries) = n.store_rows(LOG_ENTRIES_SHOWN_MAX);
        let kv = n.kv_siblings();
        d.kv_total = kv.len();
        d.kv = kv.into_iter().take(KV_SHOWN_MAX).collect();
        (d.pending, d.conflicts_resolved) = (n.pending(), n.conflicts_resolved());
    }
    Some(d)
}

/// A follower's lag over a window, for a chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LagSeries {
    pub node: String,
    /// (time, entries, microseconds), oldest first.
    pub points: Vec<(Micros, u64, u64)>,
    pub now_entries: u64,
    pub now_us: u64,
}

/// A lag chart shows at most this many points per follower (older samples in
/// the window are skipped evenly): 63 followers times 1,000 samples per frame
/// was most of a 64-node frame's work.
pub const LAG_POINTS_MAX: usize = 100;

/// Each follower's lag over the last `window_us`, in natural order of node id.
pub fn lag_series(session: &Session, window_us: Micros) -> Vec<LagSeries> {
    let from = session.now_us().saturating_sub(window_us);
    let all = session.samples().all();
    let first = all.partition_point(|s| s.at_us < from);
    let window = &all[first..];
    // Only followers the current leader feeds: older samples may name a node
    // that has since become leader.
    let Some(last) = window.last() else { return Vec::new() };
    let mut out: BTreeMap<sim::NodeId, LagSeries> = last
        .lag
        .iter()
        .map(|l| {
            let series = LagSeries {
                node: session.names().node_name(l.node).to_string(),
                points: Vec::new(),
                now_entries: l.lag_entries,
                now_us: l.lag_us,
            };
            (l.node, series)
        })
        .collect();
    let every = window.len().div_ceil(LAG_POINTS_MAX).max(1);
    // Count back from the newest sample so the newest is always drawn.
    for (i, s) in window.iter().enumerate() {
        if !(window.len() - 1 - i).is_multiple_of(every) {
            continue;
        }
        for l in &s.lag {
            if let Some(series) = out.get_mut(&l.node) {
                series.points.push((s.at_us, l.lag_entries, l.lag_us));
            }
        }
    }
    let mut out: Vec<LagSeries> = out.into_values().collect();
    out.sort_by(|a, b| crate::view::natural_cmp(&a.node, &b.node));
    out
}

/// Something worth a mark on the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    pub at_us: Micros,
    /// "fault", "action" or "anomaly".
    pub kind: &'static str,
    pub label: String,
}

/// Script entries and anomalies as timeline marks, in time order.
pub fn markers(session: &Session, anomalies: &[Anomaly]) -> Vec<Marker> {
    let mut out: Vec<Marker> = session
        .scenario()
        .script
        .iter()
        .map(|e| Marker {
            at_us: e.at_us,
            kind: if e.action.is_fault() { "fault" } else { "action" },
            label: e.action.describe(),
        })
        .collect();
    // One anomaly marker per kind and 1 % of the run, so a burst stays readable.
    let bucket_us = (session.end_us() / 100).max(1);
    let mut seen: Vec<(u64, &str)> = Vec::new();
    for a in anomalies {
        let key = (a.at_us / bucket_us, a.kind.as_str());
        if !seen.contains(&key) {
            seen.push(key);
            out.push(Marker { at_us: a.at_us, kind: "anomaly", label: a.kind.as_str().to_string() });
        }
    }
    out.sort_by_key(|m| m.at_us);
    out.truncate(MARKERS_MAX);
    out
}

/// At most this many markers are drawn on the timeline.
pub const MARKERS_MAX: usize = 200;

/// The settings in force, as the settings panel shows them: one variant
/// per family with settings of its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum SettingsView {
    /// A family without settings the page can change.
    None,
    SingleLeader(SingleLeaderSettingsView),
    MultiLeader(MultiLeaderSettingsView),
    Leaderless(LeaderlessSettingsView),
}

/// The leaderless settings in force, the ring's preference lists and the
/// hints waiting to be handed back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeaderlessSettingsView {
    /// Nodes in the cluster: N's upper bound.
    pub nodes: u32,
    pub n: u32,
    pub r: u32,
    pub w: u32,
    /// R + W > N.
    pub overlap: bool,
    /// The overlap condition in a sentence, as the page states it.
    pub overlap_text: String,
    /// (client, own R, own W).
    pub clients: Vec<(String, Option<u32>, Option<u32>)>,
    pub sloppy_quorum: bool,
    pub read_repair: bool,
    /// 0: anti-entropy off.
    pub anti_entropy_ms: u64,
    /// (key, its N home replicas in ring order), for keys some node holds.
    pub preference_lists: Vec<(String, Vec<String>)>,
    /// (holder, home, hinted versions).
    pub hints: Vec<(String, String, u64)>,
}

/// The multi-leader settings in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MultiLeaderSettingsView {
    /// (region, leader, followers), in ring order.
    pub regions: Vec<(String, String, Vec<String>)>,
    /// "all-to-all", "ring" or "star around n1".
    pub topology: String,
    pub strategy: replication::multi_leader::Strategy,
    pub loop_prevention: bool,
    pub use_key_homes: bool,
    /// (key, home region).
    pub key_homes: Vec<(String, String)>,
}

/// The single-leader settings in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SingleLeaderSettingsView {
    /// Each node's mode as a follower: "async", "sync" or "semi-sync".
    pub modes: Vec<(String, &'static str)>,
    pub failover: bool,
    pub failover_timeout_ms: u64,
    pub fencing: bool,
}

/// The settings in force now, whatever the family.
pub fn settings_view(session: &Session) -> SettingsView {
    session.engine().settings_view(session.names())
}

/// At most this many protocol notes are listed (the newest).
pub const NOTES_MAX: usize = 200;

/// A protocol's note in the trace, in the scenario's words: "read repair:
/// n3 answered cart = [], sent [\"book\"]", "hinted handoff: ...",
/// "anti-entropy n2↔n3: ranges [3] differ; ...".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoteView {
    pub at_us: Micros,
    pub node: String,
    pub text: String,
}

/// The newest [`NOTES_MAX`] protocol notes up to now, oldest first.
pub fn notes(session: &Session) -> Vec<NoteView> {
    let names = session.names();
    let mut out = Vec::new();
    session.engine().for_each_record_from(0, |at_us, event| {
        if let sim::TraceEvent::Node { node, event: sim::NodeEvent::Note { text } } = event {
            out.push(NoteView {
                at_us,
                node: names.node_name(*node).to_string(),
                text: crate::session::in_scenario_words(text, names),
            });
        }
    });
    let skip = out.len().saturating_sub(NOTES_MAX);
    out.split_off(skip)
}

/// The network as the settings panel shows it: the first link's latency and loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NetworkSettingsView {
    pub latency_ms: u64,
    pub loss_ppm: u32,
}

/// The latency and loss of the link between the first two nodes, which the
/// settings panel's selects change for every link at once. `None` with one node.
pub fn network_settings(session: &Session) -> Option<NetworkSettingsView> {
    let engine = session.engine();
    let nodes = engine.nodes();
    let (&a, &b) = (nodes.first()?, nodes.get(1)?);
    Some(NetworkSettingsView { latency_ms: engine.link_latency_us(a, b) / 1_000, loss_ppm: engine.link_loss_ppm(a, b) })
}
