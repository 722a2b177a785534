//! Stepping one instant at a time, and saying in words what happened there.
//!
//! A step visits the next virtual time at which the trace records something
//! (a message sent or delivered, a timer, a client operation, a role change)
//! and processes every event at that time. Stepping back visits the previous
//! such time, so forward and back walk the same list of instants. Instants
//! where nothing observable happens are skipped, at most `STEP_SILENT_EVENTS_MAX`
//! of them per step.
//!
//! ```
//! use playground::{presets, Session};
//! let mut s = Session::new(presets::default_scenario()).unwrap();
//! let first = s.step_forward().unwrap();
//! assert!(!first.is_empty());
//! let t = s.now_us();
//! s.step_forward().unwrap();
//! s.step_back().unwrap();
//! assert_eq!(s.now_us(), t);
//! ```

use sim::{Micros, NodeEvent, Outcome, TraceEvent};

use crate::compile::Names;
use crate::panels::kind_name;
use crate::session::{Session, SessionError};

/// A step skips at most this many instants that record nothing.
pub const STEP_SILENT_EVENTS_MAX: usize = 10_000;
/// Describing the current instant looks at most this many of the newest trace records.
pub const STEP_DESCRIBE_RECORDS_MAX: u64 = 2_000;

impl Session {
    /// Runs to the next instant that records something and returns what
    /// happened there, in words (empty at the end of the run).
    pub fn step_forward(&mut self) -> Result<Vec<String>, SessionError> {
        for _ in 0..STEP_SILENT_EVENTS_MAX {
            let Some(t) = self.next_event_us().filter(|&t| t <= self.end_us()) else { return Ok(Vec::new()) };
            let before = self.engine().trace_total();
            self.seek(t)?;
            if self.engine().trace_total() > before {
                return Ok(self.events_now());
            }
        }
        Ok(self.events_now())
    }

    /// Goes back to the previous instant that recorded something and returns
    /// what happened there.
    pub fn step_back(&mut self) -> Result<Vec<String>, SessionError> {
        let t = self.prev_event_us().unwrap_or(0);
        self.seek(t)?;
        Ok(self.events_now())
    }

    /// What the trace recorded at exactly the current time, in words, in order.
    pub fn events_now(&self) -> Vec<String> {
        let now = self.now_us();
        let from = self.engine().trace_total().saturating_sub(STEP_DESCRIBE_RECORDS_MAX);
        let mut out = Vec::new();
        self.engine().for_each_record_from(from, |at_us: Micros, event| {
            if at_us == now {
                out.push(describe(event, self.names()));
            }
        });
        out
    }
}

/// One trace event in a person's words, e.g. "n2 receives replication from n1".
pub fn describe(event: &TraceEvent, names: &Names) -> String {
    let n = |id| names.node_name(id).to_string();
    let c = |id| names.client_name(id).to_string();
    match event {
        TraceEvent::Sent { from, to, kind, .. } => format!("{} sends {} to {}", n(*from), kind_name(*kind), n(*to)),
        TraceEvent::Delivered { from, to, kind, .. } => {
            format!("{} receives {} from {}", n(*to), kind_name(*kind), n(*from))
        }
        TraceEvent::Dropped { from, to, reason, .. } => {
            format!("a message from {} to {} is dropped ({})", n(*from), n(*to), reason.as_str())
        }
        TraceEvent::Duplicated { .. } => "the network duplicates a message".to_string(),
        TraceEvent::Queued { node, depth } => format!("{} is busy: {depth} waiting in its inbox", n(*node)),
        TraceEvent::TimerFired { node, .. } => format!("{}'s timer fires", n(*node)),
        TraceEvent::TimerLost { node, .. } => format!("{} loses a timer (inbox full)", n(*node)),
        TraceEvent::Invoked { client, node, kind, .. } => {
            let what = kind.describe();
            format!("{} asks {} to {what}", c(*client), n(*node))
        }
        TraceEvent::Received { op, node } => format!("{} receives operation #{}", n(*node), op.0),
        TraceEvent::RequestLost { op, node, reason } => {
            format!("operation #{} to {} is lost ({})", op.0, n(*node), reason.as_str())
        }
        TraceEvent::Completed { op, client, outcome } => match outcome {
            Outcome::Ok { .. } => format!("{} hears operation #{} succeeded", c(*client), op.0),
            Outcome::Fail { reason } => format!("{} hears operation #{} failed: {reason}", c(*client), op.0),
            Outcome::Info { reason } => format!("{} gives up on operation #{}: {reason}", c(*client), op.0),
        },
        TraceEvent::Node { node, event } => {
            let who = n(*node);
            match event {
                NodeEvent::Role { role, epoch } => {
                    format!("{who} becomes {} in epoch {epoch}", format!("{role:?}").to_lowercase())
                }
                NodeEvent::Append { index, .. } => format!("{who} appends entry {index} to its log"),
                NodeEvent::Commit { index } => format!("{who} commits up to entry {index}"),
                NodeEvent::Apply { index } => format!("{who} applies entry {index}"),
                NodeEvent::Truncate { from_index } => format!("{who} drops its log from entry {from_index}"),
                NodeEvent::Snapshot { up_to } => format!("{who} takes a snapshot up to entry {up_to}"),
                NodeEvent::Conflict(c) => format!("{who} resolves a conflict on {} ({})", c.key, c.strategy),
                NodeEvent::Note { text } => format!("{who}: {text}"),
            }
        }
        TraceEvent::Intervention { description } => format!("you: {description}"),
        TraceEvent::Crashed { node } => format!("{} crashes", n(*node)),
        TraceEvent::Restarted { node } => format!("{} restarts", n(*node)),
        TraceEvent::Paused { node } => format!("{} pauses", n(*node)),
        TraceEvent::Resumed { node } => format!("{} resumes", n(*node)),
        TraceEvent::Added { node } => format!("{} joins the cluster", n(*node)),
        TraceEvent::Removed { node } => format!("{} leaves the cluster", n(*node)),
    }
}
