//! Time controls: play/pause, step one event either way, speed on a log
//! scale, and a scrubber that seeks both ways with fault and anomaly markers
//! you can click.

use playground::panels::Marker;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::{Action, SPEEDS};

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub now_us: u64,
    pub end_us: u64,
    pub playing: bool,
    pub speed_index: usize,
    pub markers: Vec<Marker>,
    pub dispatch: Callback<Action>,
}

/// Formats virtual time as seconds with milliseconds.
pub fn seconds(t_us: u64) -> String {
    format!("{}.{:03} s", t_us / 1_000_000, (t_us / 1_000) % 1_000)
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let d = &props.dispatch;
    let emit = |a: Action| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    let on_scrub = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                if let Ok(ms) = input.value().parse::<u64>() {
                    d.emit(Action::Seek(ms * 1_000));
                }
            }
        })
    };
    let on_speed = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                if let Ok(i) = input.value().parse::<usize>() {
                    d.emit(Action::SetSpeed(i));
                }
            }
        })
    };
    let end_ms = (props.end_us / 1_000).max(1);
    let markers = props.markers.iter().map(|m| {
        let left = m.at_us / 1_000 * 1000 / end_ms;
        let label = format!("{} at {}", m.label, seconds(m.at_us));
        let onclick = emit(Action::Seek(m.at_us));
        html! {
            <button class={classes!("marker", m.kind)} style={format!("left: {}%", left as f64 / 10.0)} aria-label={label.clone()} title={label} {onclick} />
        }
    });
    html! {
        <section class="timeline" aria-label="Timeline">
            <button class="play" onclick={emit(Action::TogglePlay)} aria-label={if props.playing { "Pause" } else { "Play" }}>
                { if props.playing { "❚❚" } else { "▶" } }
            </button>
            <button onclick={emit(Action::StepBack)} aria-label="Step back one event">{ "‹ step" }</button>
            <button onclick={emit(Action::StepForward)} aria-label="Step forward one event">{ "step ›" }</button>
            <span class="clock" aria-live="off" aria-label="Virtual time">{ seconds(props.now_us) }</span>
            <div class="scrubber">
                <input type="range" min="0" max={end_ms.to_string()} value={(props.now_us / 1_000).to_string()}
                    aria-label="Timeline position in milliseconds" oninput={on_scrub} />
                <div class="markers">{ for markers }</div>
            </div>
            <label class="speed">
                <span>{ "Speed " }{ SPEEDS[props.speed_index.min(SPEEDS.len() - 1)].2 }</span>
                <input type="range" min="0" max={(SPEEDS.len() - 1).to_string()} value={props.speed_index.to_string()}
                    aria-label="Speed" oninput={on_speed} />
            </label>
        </section>
    }
}
