//! A plain-language account of what happens, sentence by sentence: every
//! line is made from one trace event, none is invented. The page shows the
//! lines around the playhead, filtered by node and kind, and announces them
//! to screen readers at a rate a person can follow ([`summary`] when the
//! simulation runs faster than that).
//!
//! Message deliveries, heartbeats, acknowledgements, timer firings and
//! queueing are left out (they are the animation, not the story); a dropped
//! message is told, with its reason.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::{Micros, MsgKind, NodeEvent, Outcome, Role, TraceEvent};

use crate::compile::Names;
use crate::session::{in_scenario_words, Session};

/// At most this many lines come back from one call (the newest).
pub const NARRATION_LINES_MAX: usize = 200;

/// What a line is about, for filtering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// A node sent or lost a message.
    Message,
    /// A client asked something or was answered.
    Client,
    /// A node's role or epoch changed: elections, new leaders.
    Role,
    /// A node's log or store moved: appends, commits, truncations, snapshots.
    Log,
    /// A conflict was resolved.
    Conflict,
    /// A crash, restart, pause or partition, or a person's intervention.
    Fault,
}

impl LineKind {
    pub const ALL: [LineKind; 6] =
        [LineKind::Message, LineKind::Client, LineKind::Role, LineKind::Log, LineKind::Conflict, LineKind::Fault];

    /// The word a filter shows.
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Message => "messages",
            LineKind::Client => "clients",
            LineKind::Role => "elections",
            LineKind::Log => "logs",
            LineKind::Conflict => "conflicts",
            LineKind::Fault => "faults",
        }
    }
}

/// One sentence of the narration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub at_us: Micros,
    /// The node the sentence is about, if one.
    pub node: Option<String>,
    pub kind: LineKind,
    pub text: String,
}

/// Which lines to keep: `None` keeps every node; an empty `kinds` keeps every kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub node: Option<String>,
    pub kinds: Vec<LineKind>,
}

fn msg_word(kind: MsgKind) -> &'static str {
    match kind {
        MsgKind::Replication => "replication",
        MsgKind::Ack => "acknowledgement",
        MsgKind::Heartbeat => "heartbeat",
        MsgKind::Vote => "vote",
        MsgKind::Client => "client",
        MsgKind::Repair => "repair",
        MsgKind::Other => "protocol",
    }
}

fn outcome_words(is_read: bool, outcome: &Outcome) -> String {
    match (is_read, outcome) {
        (true, Outcome::Ok { values }) if values.is_empty() => "found nothing".into(),
        (true, Outcome::Ok { values }) => {
            format!("returned {}", values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(" and "))
        }
        (_, Outcome::Ok { .. }) => "was acknowledged".into(),
        (_, Outcome::Fail { reason }) => format!("failed: {reason}"),
        (_, Outcome::Info { reason }) => format!("got no answer ({reason}): it may or may not have happened"),
    }
}

/// The sentence for one trace event, or `None` for events that are animation.
/// Operations by id: what they do, and whether they read.
type OpWords = BTreeMap<u64, (String, bool)>;

fn sentence(event: &TraceEvent, names: &Names, ops: &OpWords) -> Option<(Option<String>, LineKind, String)> {
    let node = |n: sim::NodeId| names.node_name(n).to_string();
    let client = |c: sim::ClientId| names.client_name(c).to_string();
    Some(match event {
        // Heartbeats and acknowledgements are the animation's rhythm, not the story.
        TraceEvent::Sent { from, to, kind, .. } if !matches!(kind, MsgKind::Heartbeat | MsgKind::Ack) => {
            let word = msg_word(*kind);
            let article = if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
            (
                Some(node(*from)),
                LineKind::Message,
                format!("{} sent {article} {word} message to {}", node(*from), node(*to)),
            )
        }
        TraceEvent::Dropped { from, to, reason, .. } => (
            Some(node(*to)),
            LineKind::Message,
            format!("a message from {} to {} was dropped ({})", node(*from), node(*to), reason.as_str()),
        ),
        TraceEvent::Invoked { client: c, node: n, kind, .. } => {
            (Some(node(*n)), LineKind::Client, format!("{} asked {} to {}", client(*c), node(*n), kind.describe()))
        }
        TraceEvent::Completed { op, client: c, outcome } => {
            let (what, is_read) = ops.get(&op.0).cloned().unwrap_or_else(|| (format!("operation {}", op.0), false));
            (None, LineKind::Client, format!("{}'s {what} {}", client(*c), outcome_words(is_read, outcome)))
        }
        TraceEvent::Node { node: n, event } => {
            let who = node(*n);
            let (kind, text) = match event {
                NodeEvent::Role { role: Role::Leader, epoch } => {
                    (LineKind::Role, format!("{who} became leader for epoch {epoch}"))
                }
                NodeEvent::Role { role: Role::Candidate, epoch } => (
                    LineKind::Role,
                    format!("{who} timed out waiting for the leader and started an election for epoch {epoch}"),
                ),
                NodeEvent::Role { role: Role::Follower, epoch } => {
                    (LineKind::Role, format!("{who} follows the leader of epoch {epoch}"))
                }
                NodeEvent::Role { role: Role::Replica, .. } => return None,
                NodeEvent::Append { index, epoch } => {
                    (LineKind::Log, format!("{who} appended entry {index} (epoch {epoch}) to its log"))
                }
                NodeEvent::Commit { index } => (LineKind::Log, format!("{who} committed its log up to entry {index}")),
                NodeEvent::Apply { .. } => return None,
                NodeEvent::Truncate { from_index } => (
                    LineKind::Log,
                    format!("{who} threw away its log from entry {from_index} on: entries the new leader never had"),
                ),
                NodeEvent::Snapshot { up_to } => {
                    (LineKind::Log, format!("{who} installed a snapshot covering entries up to {up_to}"))
                }
                NodeEvent::Conflict(c) => (
                    LineKind::Conflict,
                    format!(
                        "{who} resolved a conflict on {} by {}: {}",
                        c.key,
                        c.strategy,
                        in_scenario_words(&c.verdict, names)
                    ),
                ),
                NodeEvent::Note { text } => (LineKind::Log, format!("{who}: {}", in_scenario_words(text, names))),
            };
            (Some(who), kind, text)
        }
        TraceEvent::Intervention { description } => {
            (None, LineKind::Fault, format!("You: {}", in_scenario_words(description, names)))
        }
        TraceEvent::Crashed { node: n } => (Some(node(*n)), LineKind::Fault, format!("{} crashed", node(*n))),
        TraceEvent::Restarted { node: n } => {
            (Some(node(*n)), LineKind::Fault, format!("{} restarted from what it had on disk", node(*n)))
        }
        TraceEvent::Paused { node: n } => (Some(node(*n)), LineKind::Fault, format!("{} paused", node(*n))),
        TraceEvent::Resumed { node: n } => (Some(node(*n)), LineKind::Fault, format!("{} resumed", node(*n))),
        TraceEvent::Added { node: n } => (Some(node(*n)), LineKind::Fault, format!("{} joined the cluster", node(*n))),
        TraceEvent::Removed { node: n } => (Some(node(*n)), LineKind::Fault, format!("{} left the cluster", node(*n))),
        _ => return None,
    })
}

/// The lines for trace events in `[from_us, to_us)` that pass `filter`, the
/// newest [`NARRATION_LINES_MAX`] of them, oldest first.
pub fn lines(session: &Session, from_us: Micros, to_us: Micros, filter: &Filter) -> Vec<Line> {
    let names = session.names();
    let history = session.history();
    let mut out = Vec::new();
    let mut ops = BTreeMap::new();
    session.engine().for_each_record_between(from_us, to_us, |at_us, event| {
        if let TraceEvent::Completed { op, .. } = event {
            if let Some(r) = history.get(*op) {
                ops.insert(op.0, (r.kind.describe(), r.kind.is_read()));
            }
        }
        let Some((node, kind, text)) = sentence(event, names, &ops) else { return };
        if filter.node.as_ref().is_some_and(|want| node.as_ref() != Some(want)) {
            return;
        }
        if !filter.kinds.is_empty() && !filter.kinds.contains(&kind) {
            return;
        }
        out.push(Line { at_us, node, kind, text });
    });
    let skip = out.len().saturating_sub(NARRATION_LINES_MAX);
    out.drain(..skip);
    out
}

/// One sentence for many lines, for a screen reader when the simulation runs
/// faster than a person can listen: "12 events: 5 client, 4 messages, 3 logs;
/// n2 became leader for epoch 3". Role changes, faults and conflicts are
/// always told in full.
pub fn summary(lines: &[Line]) -> String {
    let mut counts: BTreeMap<LineKind, usize> = BTreeMap::new();
    for l in lines {
        *counts.entry(l.kind).or_default() += 1;
    }
    let each: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {}", k.as_str())).collect();
    let mut out = format!("{} events: {}", lines.len(), each.join(", "));
    let important: Vec<&str> = lines
        .iter()
        .filter(|l| matches!(l.kind, LineKind::Role | LineKind::Fault | LineKind::Conflict))
        .map(|l| l.text.as_str())
        .collect();
    if !important.is_empty() {
        out.push_str("; ");
        out.push_str(&important.join("; "));
    }
    out
}
