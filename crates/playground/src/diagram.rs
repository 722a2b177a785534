//! The space-time diagram: one lane per node, time flowing left to right,
//! messages as arrows from send to delivery (a dropped one ends in a cross),
//! client operations as bars from invocation to answer coloured by outcome,
//! and faults, interventions and leader changes as marks. [`Diagram::of`]
//! builds it for a window of virtual time from the trace and the history;
//! [`Diagram::svg`] draws it as a standalone SVG file (the page's "Download
//! SVG", and what a teacher puts on a slide).
//!
//! Bounded: at most [`ARROWS_MAX`] arrows, [`BARS_MAX`] bars and
//! [`MARKS_MAX`] marks per window (the earliest are kept and `truncated`
//! says so); heartbeats are left out.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use sim::{Micros, MsgKind, NodeEvent, Outcome, Role, TraceEvent};

use crate::panels::kind_name;
use crate::session::{in_scenario_words, Session};

/// Message arrows drawn in one window at most.
pub const ARROWS_MAX: usize = 1_500;
/// Client-operation bars drawn in one window at most.
pub const BARS_MAX: usize = 400;
/// Fault, intervention and leader marks drawn in one window at most.
pub const MARKS_MAX: usize = 200;

/// One message: sent at `sent_us` on lane `from`, ending at `end_us` on lane
/// `to` (`None`: still in flight at the window's end).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Arrow {
    pub msg: u64,
    pub from: usize,
    pub to: usize,
    pub sent_us: Micros,
    pub end_us: Option<Micros>,
    pub kind: &'static str,
    pub dropped: bool,
}

/// One client operation on the lane of the node it went to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bar {
    pub op: u64,
    pub lane: usize,
    pub invoke_us: Micros,
    /// `None` while pending.
    pub complete_us: Option<Micros>,
    /// `ok`, `fail`, `info` or `pending`.
    pub outcome: &'static str,
    pub label: String,
}

/// A fault, an intervention or a leader change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mark {
    /// `None`: the whole cluster (a partition, a setting).
    pub lane: Option<usize>,
    pub at_us: Micros,
    /// `crash`, `restart`, `pause`, `resume`, `leader`, `intervention`.
    pub kind: &'static str,
    pub label: String,
}

/// The diagram of one window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagram {
    pub from_us: Micros,
    pub to_us: Micros,
    pub lanes: Vec<String>,
    pub arrows: Vec<Arrow>,
    pub bars: Vec<Bar>,
    pub marks: Vec<Mark>,
    /// Something in the window was left out to stay within the bounds.
    pub truncated: bool,
}

fn outcome_word(o: &Option<Outcome>) -> &'static str {
    match o {
        Some(Outcome::Ok { .. }) => "ok",
        Some(Outcome::Fail { .. }) => "fail",
        Some(Outcome::Info { .. }) => "info",
        None => "pending",
    }
}

impl Diagram {
    /// The diagram of `[from_us, to_us)` as recorded so far.
    pub fn of(session: &Session, from_us: Micros, to_us: Micros) -> Diagram {
        let names = session.names();
        let lanes: Vec<String> = session.engine().nodes().iter().map(|&n| names.node_name(n).to_string()).collect();
        let mut d = Diagram {
            from_us,
            to_us,
            lanes,
            arrows: Vec::new(),
            bars: Vec::new(),
            marks: Vec::new(),
            truncated: false,
        };
        let mut open: BTreeMap<u64, usize> = BTreeMap::new();
        session
            .engine()
            .for_each_record_between(from_us, to_us, |at_us, event| d.add(at_us, event, &mut open, session));
        for r in session.history().ops.iter() {
            let ends = r.complete_us.unwrap_or(Micros::MAX);
            if r.invoke_us >= to_us || ends < from_us {
                continue;
            }
            if d.bars.len() == BARS_MAX {
                d.truncated = true;
                break;
            }
            d.bars.push(Bar {
                op: r.op.0,
                lane: r.node.0 as usize,
                invoke_us: r.invoke_us,
                complete_us: r.complete_us,
                outcome: outcome_word(&r.outcome),
                label: format!("{}: {}", names.client_name(r.client), r.kind.describe()),
            });
        }
        d
    }

    fn add(&mut self, at_us: Micros, event: &TraceEvent, open: &mut BTreeMap<u64, usize>, session: &Session) {
        let names = session.names();
        let lane = |n: sim::NodeId| n.0 as usize;
        let mark = |d: &mut Diagram, lane: Option<usize>, kind: &'static str, label: String| {
            if d.marks.len() == MARKS_MAX {
                d.truncated = true;
            } else {
                d.marks.push(Mark { lane, at_us, kind, label });
            }
        };
        match event {
            TraceEvent::Sent { msg, from, to, kind } if *kind != MsgKind::Heartbeat => {
                if self.arrows.len() == ARROWS_MAX {
                    self.truncated = true;
                    return;
                }
                open.insert(msg.0, self.arrows.len());
                self.arrows.push(Arrow {
                    msg: msg.0,
                    from: lane(*from),
                    to: lane(*to),
                    sent_us: at_us,
                    end_us: None,
                    kind: kind_name(*kind),
                    dropped: false,
                });
            }
            TraceEvent::Delivered { msg, .. } | TraceEvent::Dropped { msg, .. } => {
                if let Some(i) = open.remove(&msg.0) {
                    self.arrows[i].end_us = Some(at_us);
                    self.arrows[i].dropped = matches!(event, TraceEvent::Dropped { .. });
                }
            }
            TraceEvent::Crashed { node } => {
                mark(self, Some(lane(*node)), "crash", format!("{} crashed", names.node_name(*node)))
            }
            TraceEvent::Restarted { node } => {
                mark(self, Some(lane(*node)), "restart", format!("{} restarted", names.node_name(*node)))
            }
            TraceEvent::Paused { node } => {
                mark(self, Some(lane(*node)), "pause", format!("{} paused", names.node_name(*node)))
            }
            TraceEvent::Resumed { node } => {
                mark(self, Some(lane(*node)), "resume", format!("{} resumed", names.node_name(*node)))
            }
            TraceEvent::Node { node, event: NodeEvent::Role { role: Role::Leader, epoch } } => {
                mark(self, Some(lane(*node)), "leader", format!("{} leads epoch {epoch}", names.node_name(*node)))
            }
            TraceEvent::Intervention { description } => {
                mark(self, None, "intervention", in_scenario_words(description, names))
            }
            _ => {}
        }
    }

    /// The diagram as a standalone SVG document, `width_px` wide.
    pub fn svg(&self, width_px: u32) -> String {
        const LANE_PX: u32 = 40;
        const LEFT_PX: u32 = 70;
        let height = LANE_PX * (self.lanes.len() as u32 + 1);
        let span = self.to_us.saturating_sub(self.from_us).max(1);
        let x = |t: Micros| {
            let t = t.clamp(self.from_us, self.to_us) - self.from_us;
            LEFT_PX as u64 + t * u64::from(width_px - LEFT_PX - 10) / span
        };
        let y = |lane: usize| LANE_PX as usize * (lane + 1);
        let mut s = String::new();
        let _ = write!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height}" viewBox="0 0 {width_px} {height}" font-family="sans-serif" font-size="11">"#
        );
        let _ = write!(
            s,
            r#"<title>Space-time diagram from {} to {}</title><rect width="100%" height="100%" fill="white"/>"#,
            check::human_time(self.from_us),
            check::human_time(self.to_us)
        );
        for (i, lane) in self.lanes.iter().enumerate() {
            let _ = write!(
                s,
                r##"<text x="4" y="{}">{}</text><line x1="{LEFT_PX}" y1="{y}" x2="{}" y2="{y}" stroke="#999"/>"##,
                y(i) + 4,
                escape(lane),
                width_px - 10,
                y = y(i)
            );
        }
        for b in &self.bars {
            let (x1, x2) = (x(b.invoke_us), x(b.complete_us.unwrap_or(self.to_us)));
            let colour = match b.outcome {
                "ok" => "#2e7d32",
                "fail" => "#c62828",
                "info" => "#ef6c00",
                _ => "#757575",
            };
            let _ = write!(
                s,
                r#"<rect x="{x1}" y="{}" width="{}" height="6" fill="{colour}"><title>{}</title></rect>"#,
                y(b.lane) - 12,
                (x2 - x1).max(2),
                escape(&b.label)
            );
        }
        for a in &self.arrows {
            let (x1, y1, y2) = (x(a.sent_us), y(a.from), y(a.to));
            let x2 = x(a.end_us.unwrap_or(self.to_us));
            let colour = if a.dropped { "#c62828" } else { "#1565c0" };
            let _ = write!(s, r#"<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" stroke-width="1"/>"#);
            if a.dropped {
                let _ = write!(
                    s,
                    r#"<path d="M{} {} l6 6 m0 -6 l-6 6" stroke="{colour}" stroke-width="1.5"/>"#,
                    x2 - 3,
                    y2 - 3
                );
            }
        }
        for m in &self.marks {
            let x1 = x(m.at_us);
            let (y1, y2) = match m.lane {
                Some(l) => (y(l) - 14, y(l) + 14),
                None => (LANE_PX as usize / 2, height as usize - 4),
            };
            let colour = if m.kind == "leader" { "#6a1b9a" } else { "#000" };
            let _ = write!(
                s,
                r#"<line x1="{x1}" y1="{y1}" x2="{x1}" y2="{y2}" stroke="{colour}" stroke-width="2"><title>{}</title></line>"#,
                escape(&m.label)
            );
        }
        s.push_str("</svg>");
        s
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
