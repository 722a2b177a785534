//! The space-time diagram under the canvas: one lane per node, messages as
//! arrows (a dropped one ends in a cross), client operations as bars
//! coloured by outcome, faults and leader changes as marks, for a window
//! ending at the playhead. Clicking a bar highlights that operation (the
//! same highlight an anomaly gives); clicking an arrow selects the message.
//! "Download SVG" saves `Diagram::svg`; "Download run" saves the scenario
//! and its script as JSON that `rp run` accepts.

use std::rc::Rc;

use playground::diagram::Diagram;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::timeline::seconds;
use super::why::panel_toggle;
use crate::state::{Action, WhyPanel, DIAGRAM_WINDOWS_US};

/// Drawing units: the diagram's width, a lane's height, the label column.
const WIDTH_PX: u64 = 1000;
const LANE_PX: u64 = 38;
const LEFT_PX: u64 = 48;
/// The exported SVG's width.
pub const EXPORT_WIDTH_PX: u32 = 1200;

/// Saves `text` as a file called `name` through a Blob URL.
pub fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let anchor = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = anchor {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[derive(Properties, PartialEq)]
pub struct DiagramPanelProps {
    pub open: bool,
    /// `None` while the panel is closed.
    pub diagram: Option<Rc<Diagram>>,
    pub window_us: u64,
    pub highlighted: Vec<u64>,
    pub selected_msg: Option<u64>,
    /// The run as `rp run` accepts it (scenario with its script).
    pub run_json: Callback<(), String>,
    pub dispatch: Callback<Action>,
}

fn window_label(us: u64) -> String {
    if us < 1_000_000 {
        format!("{} ms", us / 1_000)
    } else {
        format!("{} s", us / 1_000_000)
    }
}

fn draw(d: &Diagram, highlighted: &[u64], selected_msg: Option<u64>, dispatch: &Callback<Action>) -> Html {
    let span = d.to_us.saturating_sub(d.from_us).max(1);
    let x = |t: u64| LEFT_PX + (t.clamp(d.from_us, d.to_us) - d.from_us) * (WIDTH_PX - LEFT_PX - 8) / span;
    let y = |lane: usize| LANE_PX * (lane as u64 + 1);
    let height = LANE_PX * (d.lanes.len() as u64 + 1);
    let lanes = d.lanes.iter().enumerate().map(|(i, name)| {
        html! {
            <g class="lane">
                <line x1={LEFT_PX.to_string()} x2={(WIDTH_PX - 8).to_string()} y1={y(i).to_string()} y2={y(i).to_string()} />
                <text x="6" y={(y(i) + 5).to_string()}>{ name }</text>
            </g>
        }
    });
    let arrows = d.arrows.iter().map(|a| {
        let (x1, y1) = (x(a.sent_us), y(a.from));
        let (x2, y2) = (x(a.end_us.unwrap_or(d.to_us)), y(a.to));
        let (msg, dd) = (a.msg, dispatch.clone());
        let selected = selected_msg == Some(msg);
        let onclick = Callback::from(move |_: MouseEvent| dd.emit(Action::SelectMessage(Some(msg))));
        let fate = match (a.dropped, a.end_us) {
            (true, _) => "dropped".to_string(),
            (false, Some(t)) => format!("delivered at {}", seconds(t)),
            (false, None) => "in flight".to_string(),
        };
        let label = format!("{} message {} to {}, sent at {}, {fate}", a.kind, d.lanes[a.from], d.lanes[a.to], seconds(a.sent_us));
        let cross = a.dropped.then(|| {
            html! { <path class="cross" d={format!("M{} {} l6 6 m0 -6 l-6 6", x2 - 3, y2 - 3)} /> }
        });
        html! {
            <g class={classes!("arrow", a.kind, a.dropped.then_some("dropped"), selected.then_some("selected"))} {onclick}
                aria-label={label.clone()}>
                <title>{ label }</title>
                <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
                { for cross }
            </g>
        }
    });
    let bars = d.bars.iter().map(|b| {
        let (x1, x2) = (x(b.invoke_us), x(b.complete_us.unwrap_or(d.to_us)));
        let hl = highlighted.contains(&b.op);
        let (op, dd) = (b.op, dispatch.clone());
        let onclick = Callback::from(move |_: MouseEvent| dd.emit(Action::HighlightOps(vec![op])));
        let onkeydown = {
            let dd = dispatch.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    dd.emit(Action::HighlightOps(vec![op]));
                }
            })
        };
        let label = format!("op {}: {}, {}", b.op, b.label, b.outcome);
        html! {
            <rect class={classes!("bar", b.outcome, hl.then_some("highlighted"))} role="button" tabindex="0"
                aria-pressed={hl.to_string()} aria-label={label.clone()} {onclick} {onkeydown}
                x={x1.to_string()} y={(y(b.lane) - 15).to_string()} width={(x2.saturating_sub(x1)).max(4).to_string()} height="10">
                <title>{ label }</title>
            </rect>
        }
    });
    let marks = d.marks.iter().map(|m| {
        let xm = x(m.at_us);
        let (y1, y2) = match m.lane {
            Some(l) => (y(l) - 16, y(l) + 16),
            None => (LANE_PX / 2, height - LANE_PX / 2),
        };
        html! {
            <line class={classes!("mark", m.kind)} x1={xm.to_string()} x2={xm.to_string()} y1={y1.to_string()} y2={y2.to_string()}>
                <title>{ format!("{} at {}", m.label, seconds(m.at_us)) }</title>
            </line>
        }
    });
    // Messages are many: rather than one tab stop each, the drawing is one
    // tab stop and the arrow keys walk through its messages.
    let onkeydown = {
        let (msgs, dd) = (d.arrows.iter().map(|a| a.msg).collect::<Vec<_>>(), dispatch.clone());
        Callback::from(move |e: KeyboardEvent| {
            let step: isize = match e.key().as_str() {
                "ArrowRight" => 1,
                "ArrowLeft" => -1,
                _ => return,
            };
            e.prevent_default();
            if msgs.is_empty() {
                return;
            }
            let at = selected_msg.and_then(|m| msgs.iter().position(|x| *x == m));
            let next = match at {
                Some(i) => (i as isize + step).clamp(0, msgs.len() as isize - 1) as usize,
                None if step > 0 => 0,
                None => msgs.len() - 1,
            };
            dd.emit(Action::SelectMessage(Some(msgs[next])));
        })
    };
    html! {
        <svg class="diagram" role="group" tabindex="0" {onkeydown} aria-keyshortcuts="ArrowLeft ArrowRight" viewBox={format!("0 0 {WIDTH_PX} {height}")} width={WIDTH_PX.to_string()} height={height.to_string()}
            aria-label={format!("Space-time diagram from {} to {}", seconds(d.from_us), seconds(d.to_us))}>
            { for lanes }{ for marks }{ for arrows }{ for bars }
        </svg>
    }
}

/// The diagram panel: window select, the drawing, and the two downloads.
#[function_component(DiagramPanel)]
pub fn diagram_panel(props: &DiagramPanelProps) -> Html {
    let toggle = panel_toggle("Space-time diagram", props.open, WhyPanel::Diagram, &props.dispatch);
    let on_window = {
        let d = props.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                if let Ok(w) = s.value().parse::<u64>() {
                    d.emit(Action::SetDiagramWindow(w));
                }
            }
        })
    };
    let on_svg = {
        let diagram = props.diagram.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(d) = &diagram {
                download("space-time-diagram.svg", "image/svg+xml", &d.svg(EXPORT_WIDTH_PX));
            }
        })
    };
    let on_run = {
        let run = props.run_json.clone();
        Callback::from(move |_: MouseEvent| download("run.json", "application/json", &run.emit(())))
    };
    let body = props.diagram.as_ref().filter(|_| props.open).map(|d| {
        let selected = props.selected_msg.and_then(|m| d.arrows.iter().find(|a| a.msg == m)).map(|a| {
            html! { <p class="muted" role="status">{ format!("Selected: {} message {} → {}, sent at {}", a.kind, d.lanes[a.from], d.lanes[a.to], seconds(a.sent_us)) }</p> }
        });
        html! {
            <>
                <div class="diagram-tools">
                    <label>{ "Window " }
                        <select aria-label="Diagram window" onchange={on_window}>
                            { for DIAGRAM_WINDOWS_US.iter().map(|w| html! {
                                <option value={w.to_string()} selected={*w == props.window_us}>{ window_label(*w) }</option>
                            }) }
                        </select>
                    </label>
                    <button onclick={on_svg}>{ "Download SVG" }</button>
                    <button onclick={on_run}>{ "Download run" }</button>
                    if d.truncated {
                        <span class="muted">{ "(busy window: some arrows left out)" }</span>
                    }
                </div>
                <div class="diagram-scroll">{ draw(d, &props.highlighted, props.selected_msg, &props.dispatch) }</div>
                { for selected }
            </>
        }
    });
    html! { <section class="panel why diagram-panel" aria-label="Space-time diagram">{ toggle }{ for body }</section> }
}
