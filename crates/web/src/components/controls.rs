//! Panels that act: a client form to read and write by hand (each result
//! marked fresh, stale or failed), and settings. Every change is an
//! intervention the session records at the current virtual time.

use playground::panels::{
    ClientView, NetworkSettingsView, OpView, SettingsView, SingleLeaderSettingsView, READ_POLICIES,
};
use playground::{FollowerMode, LinkSpec, ScriptAction, WorkloadSpec};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::glossary::term;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct ClientsPanelProps {
    pub clients: Vec<ClientView>,
    pub nodes: Vec<String>,
    pub ops: Vec<OpView>,
    pub highlighted: Vec<u64>,
    pub dispatch: Callback<Action>,
}

/// Makes a select show `value` after every render. An option's `selected`
/// attribute stops steering the select once a person has changed it, so a
/// picker would go on showing their old choice after the session moved on.
#[hook]
fn use_select_value(select: NodeRef, value: String) {
    use_effect(move || {
        if let Some(s) = select.cast::<HtmlSelectElement>() {
            if s.value() != value {
                s.set_value(&value);
            }
        }
    });
}

fn select_value(e: &Event) -> String {
    e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default()
}

fn input_value(e: &InputEvent) -> String {
    e.target_dyn_into::<HtmlInputElement>().map(|s| s.value()).unwrap_or_default()
}

/// Issue reads and writes by hand and see each result. Every person action
/// is one intervention: changing the node or the read policy records that
/// change at once (and the pickers always show the client's current
/// settings, as the canvas does); Write and Read record one operation each.
#[function_component(ClientsPanel)]
pub fn clients_panel(props: &ClientsPanelProps) -> Html {
    let client = use_state(|| props.clients.first().map(|c| c.id.clone()).unwrap_or_default());
    let key = use_state(|| "x".to_string());
    let value = use_state(|| "hello".to_string());
    let current = props.clients.iter().find(|c| c.id == *client).or(props.clients.first()).cloned();
    let (node_now, policy_now) =
        current.as_ref().map_or((String::new(), String::new()), |c| (c.node.clone(), c.policy.clone()));
    let (node_picker, policy_picker) = (use_node_ref(), use_node_ref());
    use_select_value(node_picker.clone(), node_now.clone());
    use_select_value(policy_picker.clone(), policy_now.clone());
    let send = |write: bool| {
        let (d, key, value, current) = (props.dispatch.clone(), key.clone(), value.clone(), current.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(c) = &current else { return };
            let (k, v) = ((*key).clone(), (*value).clone());
            d.emit(Action::Intervene(if write {
                ScriptAction::Write { client: c.id.clone(), key: k, value: v }
            } else {
                ScriptAction::Read { client: c.id.clone(), key: k }
            }));
        })
    };
    let on_node = {
        let (d, current) = (props.dispatch.clone(), current.clone());
        Callback::from(move |e: Event| {
            let (Some(c), node) = (&current, select_value(&e)) else { return };
            if !node.is_empty() && node != c.node {
                d.emit(Action::Intervene(ScriptAction::SetClientNode { client: c.id.clone(), node }));
            }
        })
    };
    let on_policy = {
        let (d, current) = (props.dispatch.clone(), current.clone());
        Callback::from(move |e: Event| {
            let Some(c) = &current else { return };
            let Some(&(words, policy)) = READ_POLICIES.iter().find(|(w, _)| *w == select_value(&e)) else { return };
            if words != c.policy {
                d.emit(Action::Intervene(ScriptAction::SetReadPolicy { client: c.id.clone(), policy }));
            }
        })
    };
    let rows = props.ops.iter().map(|o| {
        let hl = props.highlighted.contains(&o.op);
        html! {
            <li class={classes!("op", o.verdict.as_str(), hl.then_some("highlight"))}>
                <span class="badge">{ o.verdict.as_str() }</span>
                <span>{ format!("#{} {} → {}: {}", o.op, o.client, o.node, o.text) }</span>
            </li>
        }
    });
    if props.clients.is_empty() {
        return html! { <section class="panel" aria-label="Clients"><h2>{ "Clients" }</h2><p class="muted">{ "This scenario has no clients." }</p></section> };
    }
    let note = current.as_ref().map(|c| {
        let mut parts = vec![format!("{} sends its reads and writes to {} ({}).", c.id, c.node, c.policy)];
        if c.workload_rate_per_s > 0 {
            parts.push(format!("Its background workload ({} ops/s) goes there too.", c.workload_rate_per_s));
        }
        if c.follows_leader_hint {
            parts.push("A node that is not the leader tells it where the leader is, and it moves there.".to_string());
        }
        parts.join(" ")
    });
    html! {
        <section class="panel" aria-label="Clients">
            <h2>{ "Clients" }</h2>
            <div class="form-grid">
                <label>{ "Client" }
                    <select aria-label="Client" onchange={let s = client.clone(); Callback::from(move |e: Event| s.set(select_value(&e)))}>
                        { for props.clients.iter().map(|c| html! { <option value={c.id.clone()} selected={c.id == *client}>{ &c.id }</option> }) }
                    </select>
                </label>
                <label>{ "Node" }
                    <select ref={node_picker} aria-label="Target node" onchange={on_node}>
                        { for props.nodes.iter().map(|n| html! { <option value={n.clone()} selected={*n == node_now}>{ n }</option> }) }
                    </select>
                </label>
                <label>{ "Reads" }
                    <select ref={policy_picker} aria-label="Read policy" onchange={on_policy}>
                        { for READ_POLICIES.iter().map(|p| html! { <option value={p.0} selected={p.0 == policy_now}>{ p.0 }</option> }) }
                    </select>
                </label>
                <label>{ "Key" }<input aria-label="Key" value={(*key).clone()} oninput={let s = key.clone(); Callback::from(move |e: InputEvent| s.set(input_value(&e)))} /></label>
                <label>{ "Value" }<input aria-label="Value" value={(*value).clone()} oninput={let s = value.clone(); Callback::from(move |e: InputEvent| s.set(input_value(&e)))} /></label>
                <div class="buttons">
                    <button onclick={send(true)}>{ "Write" }</button>
                    <button onclick={send(false)}>{ "Read" }</button>
                </div>
            </div>
            if let Some(note) = note {
                <p class="muted">{ note }</p>
            }
            <ul class="ops" aria-label="Recent operations">{ for rows }</ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct SettingsPanelProps {
    /// The settings in force, shown as each select's first option; its
    /// variant picks the family's own settings component.
    pub current: SettingsView,
    pub nodes: Vec<String>,
    pub clients: Vec<String>,
    /// Each client's workload rate now (0: none), in the order of `clients`.
    pub workload_rates: Vec<u32>,
    /// The latency and loss in force, so changing one keeps the other.
    pub network: Option<NetworkSettingsView>,
    pub dispatch: Callback<Action>,
    /// Leaderless: the key whose preference list the ring highlights.
    #[prop_or_default]
    pub key_chosen: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct SingleLeaderSettingsProps {
    pub current: SingleLeaderSettingsView,
    pub nodes: Vec<String>,
    pub dispatch: Callback<Action>,
}

fn now_option(text: String) -> Html {
    html! { <option value="" selected=true>{ format!("{text} (now)") }</option> }
}

fn on_off_word(on: bool) -> String {
    if on {
        "on".into()
    } else {
        "off".into()
    }
}

/// Single leader: follower modes, failover, its timeout and fencing.
#[function_component(SingleLeaderSettings)]
pub fn single_leader_settings(props: &SingleLeaderSettingsProps) -> Html {
    let d = &props.dispatch;
    let c = &props.current;
    let mode_rows = props.nodes.iter().map(|n| {
        let node = n.clone();
        let mode_now = c.modes.iter().find(|(id, _)| id == n).map_or("async", |(_, m)| *m);
        let onchange = on_select(d, move |v| {
            let mode = match v {
                "sync" => FollowerMode::Sync,
                "semi_sync" => FollowerMode::SemiSync,
                _ => FollowerMode::Async,
            };
            vec![ScriptAction::SetFollowerMode { node: node.clone(), mode }]
        });
        html! {
            <label>{ format!("{n} as ") }{ term("follower", "follower") }{ " (async, sync or " }{ term("semi-sync", "semi-sync") }{ ")" }
                <select aria-label={format!("Replication mode of {n}")} {onchange}>
                    { now_option(mode_now.to_string()) }<option value="async">{ "async" }</option>
                    <option value="sync">{ "sync" }</option><option value="semi_sync">{ "semi-sync" }</option>
                </select>
            </label>
        }
    });
    html! {
        <>
            { for mode_rows }
            <label>{ "Automatic failover" }
                <select aria-label="Automatic failover" onchange={on_select(d, |v| vec![ScriptAction::SetFailover { on: v == "on" }])}>
                    { now_option(on_off_word(c.failover)) }<option value="on">{ "on" }</option><option value="off">{ "off" }</option>
                </select>
            </label>
            <label>{ "Failover timeout" }
                <select aria-label="Failover timeout" onchange={on_select(d, |v| vec![ScriptAction::SetFailoverTimeout { timeout_ms: v.parse().unwrap_or(300) }])}>
                    { now_option(format!("{} ms", c.failover_timeout_ms)) }<option value="60">{ "60 ms" }</option><option value="300">{ "300 ms" }</option>
                    <option value="1000">{ "1 s" }</option><option value="3000">{ "3 s" }</option>
                </select>
            </label>
            <label>{ "Fencing (" }{ term("epochs", "epoch") }{ " + " }{ term("lease", "lease") }{ ")" }
                <select aria-label="Fencing" onchange={on_select(d, |v| vec![ScriptAction::SetFencing { on: v == "on" }])}>
                    { now_option(on_off_word(c.fencing)) }<option value="on">{ "on" }</option><option value="off">{ "off: split-brain teaching mode" }</option>
                </select>
            </label>
        </>
    }
}

fn on_select(d: &Callback<Action>, make: impl Fn(&str) -> Vec<ScriptAction> + 'static) -> Callback<Event> {
    let d = d.clone();
    Callback::from(move |e: Event| {
        let v = select_value(&e);
        if !v.is_empty() {
            for a in make(&v) {
                d.emit(Action::Intervene(a));
            }
        }
    })
}

/// Replication, failover, network and workload settings.
#[function_component(SettingsPanel)]
pub fn settings_panel(props: &SettingsPanelProps) -> Html {
    let d = &props.dispatch;
    let panel = use_node_ref();
    {
        // Every select shows its "(now)" option after each render: the
        // setting in force, not the last pick (which may have been refused).
        let panel = panel.clone();
        use_effect(move || {
            let Some(p) = panel.cast::<web_sys::Element>() else { return };
            let Ok(list) = p.query_selector_all("select") else { return };
            for i in 0..list.length() {
                if let Some(s) = list.item(i).and_then(|n| wasm_bindgen::JsCast::dyn_into::<HtmlSelectElement>(n).ok())
                {
                    if !s.value().is_empty() {
                        s.set_value("");
                    }
                }
            }
        });
    }
    let nodes = props.nodes.clone();
    let all_links = move |latency_ms: u64, loss_ppm: u32| -> Vec<ScriptAction> {
        let mut out = Vec::new();
        for (i, a) in nodes.iter().enumerate() {
            for b in &nodes[i + 1..] {
                let link = LinkSpec { latency_ms, jitter_ms: latency_ms / 4, loss_ppm, ..LinkSpec::default() };
                out.push(ScriptAction::SetLink { from: a.clone(), to: b.clone(), link });
            }
        }
        out
    };
    // Each select keeps the other's value: changing latency used to reset
    // loss to 0, and changing loss reset latency to 20 ms.
    let net = props.network.unwrap_or(NetworkSettingsView { latency_ms: 20, loss_ppm: 0 });
    let latency = {
        let all = all_links.clone();
        on_select(d, move |v| all(v.parse().unwrap_or(net.latency_ms), net.loss_ppm))
    };
    let loss = on_select(d, move |v| all_links(net.latency_ms, v.parse().unwrap_or(net.loss_ppm)));
    let now = |text: String| html! { <option value="" selected=true>{ format!("{text} (now)") }</option> };
    let loss_words = |ppm: u32| match ppm {
        0 => "none".to_string(),
        p if p % 10_000 == 0 => format!("{} %", p / 10_000),
        p => format!("{}.{:02} %", p / 10_000, p % 10_000 / 100),
    };
    let workload_rows = props.clients.iter().enumerate().map(|(i, c)| {
        let rate_now = props.workload_rates.get(i).copied().unwrap_or(0);
        let rate_words = if rate_now == 0 { "stopped".to_string() } else { format!("{rate_now} ops/s") };
        let client = c.clone();
        let onchange = on_select(d, move |v| {
            let rate: u32 = v.parse().unwrap_or(0);
            let workload = (rate > 0).then(|| WorkloadSpec { rate_per_s: rate, read_percent: 50, keys: vec!["x".into(), "y".into()], start_ms: 0, stop_ms: None, updates: Default::default() });
            vec![ScriptAction::SetWorkload { client: client.clone(), workload }]
        });
        html! {
            <label>{ format!("{c} workload") }
                <select aria-label={format!("Workload of {c}")} {onchange}>
                    { now(rate_words) }<option value="0">{ "stopped" }</option>
                    <option value="2">{ "2 ops/s" }</option><option value="10">{ "10 ops/s" }</option><option value="50">{ "50 ops/s" }</option>
                </select>
            </label>
        }
    });
    html! {
        <section ref={panel} class="panel" aria-label="Settings">
            <h2>{ "Settings" }</h2>
            <p class="muted">{ "Each change is recorded at the current time and replays with the share link. " }<a href="#glossary" class="term" onclick={Callback::from(|e: MouseEvent| { e.prevent_default(); if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("glossary")) { el.scroll_into_view(); } })}>{ "What the words mean" }</a></p>
            <div class="form-grid">
                { family_settings(&props.current, &props.nodes, &props.key_chosen, d) }
                <label>{ "Link latency" }
                    <select aria-label="Link latency" onchange={latency}>
                        { now(format!("{} ms", net.latency_ms)) }<option value="5">{ "5 ms" }</option><option value="20">{ "20 ms" }</option>
                        <option value="80">{ "80 ms" }</option><option value="250">{ "250 ms" }</option>
                    </select>
                </label>
                <label>{ "Message loss" }
                    <select aria-label="Message loss" onchange={loss}>
                        { now(loss_words(net.loss_ppm)) }<option value="0">{ "none" }</option><option value="10000">{ "1 %" }</option><option value="100000">{ "10 %" }</option>
                    </select>
                </label>
                { for workload_rows }
            </div>
        </section>
    }
}

/// The settings component of the family that runs.
fn family_settings(
    current: &SettingsView,
    nodes: &[String],
    key_chosen: &Option<String>,
    d: &Callback<Action>,
) -> Html {
    match current {
        SettingsView::None => html! {},
        SettingsView::SingleLeader(c) => {
            html! { <SingleLeaderSettings current={c.clone()} nodes={nodes.to_vec()} dispatch={d.clone()} /> }
        }
        SettingsView::MultiLeader(c) => {
            html! { <super::multi_leader::MultiLeaderSettings current={c.clone()} dispatch={d.clone()} /> }
        }
        SettingsView::Leaderless(c) => {
            html! { <super::leaderless::LeaderlessSettings current={c.clone()} dispatch={d.clone()} key_chosen={key_chosen.clone()} /> }
        }
    }
}
