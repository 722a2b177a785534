//! The multi-leader settings: topology, conflict strategy, loop prevention
//! and key homes, each a select whose change is an intervention recorded at
//! the current time; and the regions, listed with their leaders.

use playground::panels::MultiLeaderSettingsView;
use playground::{ScriptAction, Strategy, TopologySpec};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct MultiLeaderSettingsProps {
    pub current: MultiLeaderSettingsView,
    pub dispatch: Callback<Action>,
}

const STRATEGIES: [(&str, Strategy); 4] = [
    ("last write wins", Strategy::Lww),
    ("version vectors (siblings)", Strategy::VersionVectors),
    ("merge (union)", Strategy::Merge),
    ("CRDT (counter, add-wins set)", Strategy::Crdt),
];

fn on_change(d: &Callback<Action>, make: impl Fn(&str) -> Option<ScriptAction> + 'static) -> Callback<Event> {
    let d = d.clone();
    Callback::from(move |e: Event| {
        let v = e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
        if let Some(a) = make(&v) {
            d.emit(Action::Intervene(a));
        }
    })
}

fn now(text: &str) -> Html {
    html! { <option value="" selected=true>{ format!("{text} (now)") }</option> }
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

/// Multi leader: each setting a control with its own accessible name.
#[function_component(MultiLeaderSettings)]
pub fn multi_leader_settings(props: &MultiLeaderSettingsProps) -> Html {
    let (d, c) = (&props.dispatch, &props.current);
    let leaders: Vec<String> = c.regions.iter().map(|r| r.1.clone()).collect();
    let topology = on_change(d, |v| match v {
        "all_to_all" => Some(ScriptAction::SetTopology(TopologySpec::AllToAll)),
        "ring" => Some(ScriptAction::SetTopology(TopologySpec::Ring)),
        hub if hub.starts_with("star:") => {
            Some(ScriptAction::SetTopology(TopologySpec::Star { hub: hub["star:".len()..].to_string() }))
        }
        _ => None,
    });
    let strategy =
        on_change(d, |v| STRATEGIES.get(v.parse::<usize>().ok()?).map(|s| ScriptAction::SetStrategy { strategy: s.1 }));
    let loops = on_change(d, |v| (!v.is_empty()).then(|| ScriptAction::SetLoopPrevention { on: v == "on" }));
    let homes = on_change(d, |v| (!v.is_empty()).then(|| ScriptAction::SetKeyHomes { on: v == "on" }));
    let strategy_now = STRATEGIES.iter().find(|s| s.1 == c.strategy).map_or("?", |s| s.0);
    let homes_list: Vec<String> = c.key_homes.iter().map(|(k, r)| format!("{k} → {r}")).collect();
    html! {
        <>
            <ul class="regions" aria-label="Regions">
                { for c.regions.iter().map(|(name, leader, followers)| html! {
                    <li>{ format!("{name}: leader {leader}{}", if followers.is_empty() { String::new() } else { format!(", followers {}", followers.join(", ")) }) }</li>
                }) }
            </ul>
            <label>{ "Topology" }
                <select aria-label="Topology" onchange={topology}>
                    { now(&c.topology) }<option value="all_to_all">{ "all-to-all" }</option><option value="ring">{ "ring" }</option>
                    { for leaders.iter().map(|l| html! { <option value={format!("star:{l}")}>{ format!("star around {l}") }</option> }) }
                </select>
            </label>
            <label>{ "Conflict strategy" }
                <select aria-label="Conflict strategy" onchange={strategy}>
                    { now(strategy_now) }
                    { for STRATEGIES.iter().enumerate().map(|(i, s)| html! { <option value={i.to_string()}>{ s.0 }</option> }) }
                </select>
            </label>
            <label>{ "Loop prevention" }
                <select aria-label="Loop prevention" onchange={loops}>
                    { now(on_off(c.loop_prevention)) }<option value="on">{ "on: updates carry origin and leaders passed" }</option><option value="off">{ "off: updates circulate" }</option>
                </select>
            </label>
            <label>{ format!("Key homes ({})", if homes_list.is_empty() { "all keys in the first region".to_string() } else { homes_list.join(", ") }) }
                <select aria-label="Key homes" onchange={homes}>
                    { now(on_off(c.use_key_homes)) }<option value="on">{ "on: writes go to the key's home region" }</option><option value="off">{ "off: any leader takes any write" }</option>
                </select>
            </label>
        </>
    }
}
