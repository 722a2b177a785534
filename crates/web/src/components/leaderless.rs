//! The leaderless settings: N, R and W as sliders with the overlap condition
//! (R + W > N) stated beside them as it changes, sloppy quorum, read repair
//! and anti-entropy, each a control whose change is an intervention recorded
//! at the current time; a key picker that lists the key's preference list
//! (and highlights it on the ring), and the hints nodes hold for others.

use playground::panels::LeaderlessSettingsView;
use playground::ScriptAction;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct LeaderlessSettingsProps {
    pub current: LeaderlessSettingsView,
    pub dispatch: Callback<Action>,
    /// The key whose preference list the ring highlights.
    #[prop_or_default]
    pub key_chosen: Option<String>,
}

fn on_select(d: &Callback<Action>, make: impl Fn(&str) -> Option<Action> + 'static) -> Callback<Event> {
    let d = d.clone();
    Callback::from(move |e: Event| {
        let v = e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
        if let Some(a) = make(&v) {
            d.emit(a);
        }
    })
}

/// A slider for one of N, R, W; a change sends all three (R and W capped by N).
fn slider(label: &'static str, which: usize, c: &LeaderlessSettingsView, max: u32, d: &Callback<Action>) -> Html {
    let (n, r, w) = (c.n, c.r, c.w);
    let d = d.clone();
    let onchange = Callback::from(move |e: Event| {
        let Some(v) = e.target_dyn_into::<HtmlInputElement>().and_then(|i| i.value().parse::<u32>().ok()) else {
            return;
        };
        let (n, r, w) = match which {
            0 => (v, r.min(v), w.min(v)),
            1 => (n, v.min(n), w),
            _ => (n, r, v.min(n)),
        };
        d.emit(Action::Intervene(ScriptAction::SetQuorum { n, r, w }));
    });
    let value = [n, r, w][which];
    html! {
        <label>{ format!("{label} = {value}") }
            <input type="range" min="1" max={max.to_string()} value={value.to_string()} aria-label={label} {onchange} />
        </label>
    }
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

/// Leaderless: each setting a control with its own accessible name.
#[function_component(LeaderlessSettings)]
pub fn leaderless_settings(props: &LeaderlessSettingsProps) -> Html {
    let (d, c) = (&props.dispatch, &props.current);
    let n_max = c.nodes.max(1);
    let sloppy =
        on_select(d, |v| (!v.is_empty()).then(|| Action::Intervene(ScriptAction::SetSloppyQuorum { on: v == "on" })));
    let repair =
        on_select(d, |v| (!v.is_empty()).then(|| Action::Intervene(ScriptAction::SetReadRepair { on: v == "on" })));
    let ae = on_select(d, |v| {
        v.parse().ok().map(|interval_ms| Action::Intervene(ScriptAction::SetAntiEntropy { interval_ms }))
    });
    let key = on_select(d, |v| Some(Action::ChooseKey((!v.is_empty()).then(|| v.to_string()))));
    let chosen = props.key_chosen.as_ref().and_then(|k| c.preference_lists.iter().find(|p| &p.0 == k));
    html! {
        <>
            { slider("N (replicas per key)", 0, c, n_max, d) }
            { slider("R (read quorum)", 1, c, c.n, d) }
            { slider("W (write quorum)", 2, c, c.n, d) }
            <p class={if c.overlap { "overlap ok" } else { "overlap warn" }} role="status" aria-label="Quorum overlap">{ &c.overlap_text }</p>
            { for c.clients.iter().map(|(client, r, w)| html! {
                <p class="muted">{ format!("{client}: R = {}, W = {}", r.map_or("cluster's".into(), |v| v.to_string()), w.map_or("cluster's".into(), |v| v.to_string())) }</p>
            }) }
            <label>{ "Sloppy quorum" }
                <select aria-label="Sloppy quorum" onchange={sloppy}>
                    <option value="" selected=true>{ format!("{} (now)", on_off(c.sloppy_quorum)) }</option>
                    <option value="on">{ "on: borrow the next node, leave a hint" }</option><option value="off">{ "off: fail short of W home replicas" }</option>
                </select>
            </label>
            <label>{ "Read repair" }
                <select aria-label="Read repair" onchange={repair}>
                    <option value="" selected=true>{ format!("{} (now)", on_off(c.read_repair)) }</option>
                    <option value="on">{ "on" }</option><option value="off">{ "off" }</option>
                </select>
            </label>
            <label>{ "Anti-entropy" }
                <select aria-label="Anti-entropy" onchange={ae}>
                    <option value="" selected=true>{ if c.anti_entropy_ms == 0 { "off (now)".to_string() } else { format!("every {} ms (now)", c.anti_entropy_ms) } }</option>
                    <option value="0">{ "off" }</option><option value="100">{ "every 100 ms" }</option><option value="500">{ "every 500 ms" }</option><option value="2000">{ "every 2 s" }</option>
                </select>
            </label>
            <label>{ "Key" }
                <select aria-label="Key to locate on the ring" onchange={key}>
                    <option value="" selected={props.key_chosen.is_none()}>{ "—" }</option>
                    { for c.preference_lists.iter().map(|(k, _)| html! { <option value={k.clone()} selected={props.key_chosen.as_ref() == Some(k)}>{ k }</option> }) }
                </select>
            </label>
            if let Some((k, prefs)) = chosen {
                <p aria-label="Preference list">{ format!("{k} lives on {}", prefs.join(", ")) }</p>
            }
            <ul class="hints" aria-label="Hints held">
                { for c.hints.iter().map(|(holder, home, count)| html! { <li>{ format!("{holder}: {count} hint(s) for {home}") }</li> }) }
            </ul>
        </>
    }
}
