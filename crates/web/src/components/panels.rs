//! Read-only panels: a node's log and state, followers' lag with live bars
//! and small charts, and the anomalies the checkers found (click one to seek
//! there and highlight the operations that prove it).

use playground::panels::{LagSeries, NodeDetail};
use playground::Anomaly;
use yew::prelude::*;

use super::glossary::term;
use super::timeline::seconds;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct LogPanelProps {
    pub detail: Option<NodeDetail>,
}

/// The log and key-value state of the selected node.
#[function_component(LogPanel)]
pub fn log_panel(props: &LogPanelProps) -> Html {
    let Some(d) = &props.detail else {
        return html! { <section class="panel" aria-label="Node log"><h2>{ "Log" }</h2><p class="muted">{ "Select a node to see its log." }</p></section> };
    };
    let rows = d.entries.iter().map(|e| {
        let state = if e.applied {
            "applied"
        } else if e.committed {
            "committed"
        } else {
            "pending"
        };
        let stamp = if d.has_epoch { e.epoch.to_string() } else { e.stamp.clone() };
        html! {
            <tr class={state}>
                <td>{ e.index }</td><td>{ stamp }</td><td>{ format!("{} = {}", e.key, e.value) }</td><td>{ state }</td>
            </tr>
        }
    });
    let kv = d.kv.iter().map(|(k, v)| {
        if v.len() > 1 {
            let label = format!("{k} has {} siblings: {}", v.len(), v.join(", "));
            html! { <li class="siblings" aria-label={label}><code>{ format!("{k} = {}", v.join(" | ")) }</code><span class="badge">{ format!("{} siblings", v.len()) }</span></li> }
        } else {
            html! { <li><code>{ format!("{k} = {}", v.join("")) }</code></li> }
        }
    });
    let leader = d.leader.clone().unwrap_or_else(|| "none".to_string());
    let (title, figures) = if d.has_epoch {
        (
            html! { <h2>{ format!("{}: {} ({}), ", d.id, d.role, d.status) }{ term("epoch", "epoch") }{ format!(" {}", d.epoch) }</h2> },
            html! {
                <p class="muted">
                    { format!("leader {leader} · last {} · ", d.last_index) }{ term("commit", "commit") }{ format!(" {} · ", d.commit_index) }
                    { term("applied", "applied") }{ format!(" {} · clock {:+} ms", d.applied_index, d.local_clock_skew_ms) }
                </p>
            },
        )
    } else {
        (
            html! { <h2>{ format!("{}: {} ({})", d.id, d.role, d.status) }</h2> },
            html! {
                <p class="muted">
                    { "versions " }{ term("applied", "applied") }
                    { format!(" {} · queued {} · conflicts resolved {} · clock {:+} ms", d.applied_index, d.pending, d.conflicts_resolved, d.local_clock_skew_ms) }
                </p>
            },
        )
    };
    html! {
        <section class="panel" aria-label={format!("Log of {}", d.id)}>
            { title }
            { figures }
            <table class="log">
                <thead><tr><th>{ "pos" }</th><th>{ if d.has_epoch { "epoch" } else { "stamp" } }</th><th>{ "write" }</th><th>{ "state" }</th></tr></thead>
                <tbody>
                    if d.hidden_entries > 0 {
                        <tr class="muted"><td colspan="4">{ format!("… {} earlier entries", d.hidden_entries) }</td></tr>
                    }
                    { for rows }
                </tbody>
            </table>
            <h3>{ "State" }</h3>
            <ul class="kv">{ for kv }</ul>
            if d.kv_total > d.kv.len() {
                <p class="muted">{ format!("… and {} more keys", d.kv_total - d.kv.len()) }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct LagPanelProps {
    pub series: Vec<LagSeries>,
    pub now_us: u64,
    pub window_us: u64,
}

/// The lag panel charts this many followers (in natural order); the rest are summed up.
const LAG_ROWS_SHOWN_MAX: usize = 16;
const CHART_W: u64 = 200;
const CHART_H: u64 = 40;

fn sparkline(points: &[(u64, u64)], from_us: u64, window_us: u64) -> String {
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1);
    points
        .iter()
        .map(|&(t, v)| {
            format!("{},{}", t.saturating_sub(from_us) * CHART_W / window_us.max(1), CHART_H - v * CHART_H / max)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each follower's lag: a live bar and charts in entries and milliseconds.
#[function_component(LagPanel)]
pub fn lag_panel(props: &LagPanelProps) -> Html {
    let from = props.now_us.saturating_sub(props.window_us);
    let hidden = props.series.len().saturating_sub(LAG_ROWS_SHOWN_MAX);
    let hidden_max = props.series.iter().skip(LAG_ROWS_SHOWN_MAX).map(|s| s.now_entries).max().unwrap_or(0);
    let rows = props.series.iter().take(LAG_ROWS_SHOWN_MAX).map(|s| {
        let entries: Vec<(u64, u64)> = s.points.iter().map(|p| (p.0, p.1)).collect();
        let ms: Vec<(u64, u64)> = s.points.iter().map(|p| (p.0, p.2 / 1_000)).collect();
        let bar = (s.now_entries.min(20) * 5).to_string();
        let unit = if s.now_entries == 1 { "entry" } else { "entries" };
        let label = format!("{} lag {} {unit}, {} ms", s.node, s.now_entries, s.now_us / 1_000);
        html! {
            <div class="lag-row" role="group" aria-label={label}>
                <div class="lag-name">{ &s.node }</div>
                <div class="lag-bar" aria-hidden="true"><div style={format!("width: {bar}%")}></div></div>
                <div class="lag-now">{ format!("{} {unit} · {} ms", s.now_entries, s.now_us / 1_000) }</div>
                <svg class="spark" viewBox={format!("0 0 {CHART_W} {CHART_H}")} aria-hidden="true">
                    <polyline class="entries" points={sparkline(&entries, from, props.window_us)} />
                    <polyline class="millis" points={sparkline(&ms, from, props.window_us)} />
                </svg>
            </div>
        }
    });
    html! {
        <section class="panel" aria-label="Replication lag">
            <h2>{ "Lag" }</h2>
            if props.series.is_empty() {
                <p class="muted">{ if props.now_us == 0 { "Press play: lag is sampled every 10 ms." } else { "No leader is feeding followers right now." } }</p>
            }
            { for rows }
            if hidden > 0 {
                <p class="muted">{ format!("… and {hidden} more followers, lagging at most {hidden_max} {}.", if hidden_max == 1 { "entry" } else { "entries" }) }</p>
            }
            <p class="legend-line"><span class="swatch entries" />{ "entries " }<span class="swatch millis" />{ "milliseconds (last 10 s)" }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct AnomalyPanelProps {
    pub anomalies: std::rc::Rc<Vec<Anomaly>>,
    pub dispatch: Callback<Action>,
}

/// The anomaly list shows this many; the timeline marks every one.
const SHOWN_ANOMALIES: usize = 20;

/// What the checkers found; each item seeks to the moment it showed.
#[function_component(AnomalyPanel)]
pub fn anomaly_panel(props: &AnomalyPanelProps) -> Html {
    let items = props.anomalies.iter().enumerate().take(SHOWN_ANOMALIES).map(|(i, a)| {
        let d = props.dispatch.clone();
        let onclick = Callback::from(move |_: MouseEvent| d.emit(Action::FocusAnomaly(i)));
        let ops: Vec<String> = a.ops.iter().map(|o| format!("#{}", o.0)).collect();
        html! {
            <li>
                <button class={classes!("anomaly", a.kind.as_str().replace(' ', "-"))} {onclick}
                    aria-label={format!("{} at {}: {}", a.kind.as_str(), seconds(a.at_us), a.explanation)}>
                    <strong>{ a.kind.as_str() }</strong>{ format!(" at {} · ops {}", seconds(a.at_us), ops.join(" ")) }
                    <span class="explain">{ &a.explanation }</span>
                </button>
            </li>
        }
    });
    html! {
        <section class="panel" aria-label="Anomalies">
            <h2>{ format!("Anomalies ({})", props.anomalies.len()) }</h2>
            if props.anomalies.is_empty() {
                <p class="muted">{ "None found so far. Every badge here is a " }{ term("checker", "checker") }{ "'s finding in the recorded history." }</p>
            }
            <ul class="anomalies">{ for items }</ul>
            if props.anomalies.len() > SHOWN_ANOMALIES {
                <p class="muted">{ format!("Showing the first {SHOWN_ANOMALIES} of {}; the orange timeline marks show where the others happen.", props.anomalies.len()) }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ThroughputPanelProps {
    pub ops: playground::report::OpCounts,
    pub now_us: u64,
}

/// Successful reads and writes so far and per second of virtual time: what
/// C10 asks the reader to compare, in the page rather than in a terminal.
#[function_component(ThroughputPanel)]
pub fn throughput_panel(props: &ThroughputPanelProps) -> Html {
    let ms = (props.now_us / 1_000).max(1);
    let per_s = |n: usize| n as u64 * 1_000 / ms;
    let o = &props.ops;
    html! {
        <section class="panel" aria-label="Throughput">
            <h2>{ "Throughput" }</h2>
            <p>{ format!("reads {} ({} per second) · writes {} ({} per second) · failed {} · unknown {}",
                o.reads_ok, per_s(o.reads_ok), o.writes_ok, per_s(o.writes_ok), o.fail, o.info) }</p>
        </section>
    }
}
