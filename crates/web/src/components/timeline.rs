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
    /// The speed actually achieved while playing, ×1000 (virtual µs per real ms).
    pub achieved_speed_permille: Option<u64>,
    /// What the last step processed.
    pub step_note: Option<String>,
    pub markers: Vec<Marker>,
    pub dispatch: Callback<Action>,
}

/// Timeline markers of one kind closer than this (per mille of the run) merge into one.
const MARKER_MERGE_PERMILLE: u64 = 40;

/// A speed as people say it: "10×", "1/3×", "2.4×".
pub fn speed_words(permille: u64) -> String {
    if permille >= 1000 {
        let tenths = (permille + 50) / 100;
        if tenths.is_multiple_of(10) {
            format!("{}×", tenths / 10)
        } else {
            format!("{}.{}×", tenths / 10, tenths % 10)
        }
    } else {
        (1000 + permille / 2).checked_div(permille).map_or("0×".to_string(), |d| format!("1/{d}×"))
    }
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
    // Markers of one kind closer than `MARKER_MERGE_PERMILLE` of the run
    // merge into one (labelled with their count and span), so bursts stay
    // readable and clickable.
    let mut groups: Vec<(u64, u64, &Marker, usize)> = Vec::new();
    for m in &props.markers {
        let at = m.at_us / 1_000 * 1000 / end_ms;
        // Markers come in time order, several kinds interleaved: join the
        // newest group of the same kind and label if it is close enough.
        let near = groups
            .iter_mut()
            .rev()
            .take_while(|(first, ..)| at - *first < MARKER_MERGE_PERMILLE)
            .find(|(_, _, g, _)| g.kind == m.kind && g.label == m.label);
        match near {
            Some((_, last_us, _, n)) => {
                *n += 1;
                *last_us = m.at_us;
            }
            None => groups.push((at, m.at_us, m, 1)),
        }
    }
    let markers = groups.into_iter().map(|(left, last_us, m, n)| {
        let label = if n == 1 {
            format!("{} at {}", m.label, seconds(m.at_us))
        } else {
            format!("{} ×{n}, from {} to {}", m.label, seconds(m.at_us), seconds(last_us))
        };
        let onclick = emit(Action::Seek(m.at_us));
        html! {
            <button class={classes!("marker", m.kind, (n > 1).then_some("many"))} style={format!("left: {}%", left as f64 / 10.0)} aria-label={label.clone()} title={label} {onclick}>
                if n > 1 { { n } }
            </button>
        }
    });
    let (num, den, speed_label) = SPEEDS[props.speed_index.min(SPEEDS.len() - 1)];
    let chosen_permille = num * 1000 / den;
    // Show the achieved speed when it falls short of the chosen one by more
    // than a tenth: the label must not promise what the machine cannot do.
    let achieved = props
        .achieved_speed_permille
        .filter(|_| props.playing)
        .filter(|&a| a * 10 < chosen_permille * 9)
        .map(|a| format!(" (achieved {})", speed_words(a)));
    let speed_text = format!("{speed_label}{}", achieved.clone().unwrap_or_default());
    let speed_valuetext = match &achieved {
        Some(a) => format!("{speed_label} chosen,{a}"),
        None => speed_label.to_string(),
    };
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
                    aria-label="Timeline position in milliseconds" aria-valuetext={format!("{} of {}", seconds(props.now_us), seconds(props.end_us))} oninput={on_scrub} />
                <div class="markers">{ for markers }</div>
            </div>
            <label class="speed">
                <span>{ "Speed " }{ speed_text }</span>
                <input type="range" min="0" max={(SPEEDS.len() - 1).to_string()} value={props.speed_index.to_string()}
                    aria-label="Speed" aria-valuetext={speed_valuetext} oninput={on_speed} />
            </label>
            <p class="step-note" role="status" aria-label="Last step">{ props.step_note.clone().unwrap_or_default() }</p>
        </section>
    }
}
