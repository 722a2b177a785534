//! Panels that act: a client form to read and write by hand (each result
//! marked fresh, stale or failed), and settings. Every change is an
//! intervention the session records at the current virtual time.

use playground::panels::{ClientView, OpView, SettingsView, SingleLeaderSettingsView};
use playground::{FollowerMode, LinkSpec, ReadPolicy, ScriptAction, WorkloadSpec};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct ClientsPanelProps {
    pub clients: Vec<ClientView>,
    pub nodes: Vec<String>,
    pub ops: Vec<OpView>,
    pub highlighted: Vec<u64>,
    pub dispatch: Callback<Action>,
}

fn select_value(e: &Event) -> String {
    e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default()
}

fn input_value(e: &InputEvent) -> String {
    e.target_dyn_into::<HtmlInputElement>().map(|s| s.value()).unwrap_or_default()
}

const POLICIES: [(&str, ReadPolicy); 5] = [
    ("any replica", ReadPolicy::Any),
    ("leader only", ReadPolicy::Leader),
    ("read your writes", ReadPolicy::ReadYourWrites),
    ("monotonic reads", ReadPolicy::MonotonicReads),
    ("quorum", ReadPolicy::Quorum),
];

/// Issue reads and writes by hand and see each result.
#[function_component(ClientsPanel)]
pub fn clients_panel(props: &ClientsPanelProps) -> Html {
    let client = use_state(|| props.clients.first().map(|c| c.id.clone()).unwrap_or_default());
    let node = use_state(String::new);
    let policy = use_state(|| 0usize);
    let key = use_state(|| "x".to_string());
    let value = use_state(|| "hello".to_string());
    let current = props.clients.iter().find(|c| c.id == *client).or(props.clients.first()).cloned();
    let send = |write: bool| {
        let (d, node, policy, key, value, current) =
            (props.dispatch.clone(), node.clone(), policy.clone(), key.clone(), value.clone(), current.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(c) = &current else { return };
            if !node.is_empty() && *node != c.node {
                d.emit(Action::Intervene(ScriptAction::SetClientNode { client: c.id.clone(), node: (*node).clone() }));
            }
            d.emit(Action::Intervene(ScriptAction::SetReadPolicy {
                client: c.id.clone(),
                policy: POLICIES[*policy].1,
            }));
            let (k, v) = ((*key).clone(), (*value).clone());
            d.emit(Action::Intervene(if write {
                ScriptAction::Write { client: c.id.clone(), key: k, value: v }
            } else {
                ScriptAction::Read { client: c.id.clone(), key: k }
            }));
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
                    <select aria-label="Target node" onchange={let s = node.clone(); Callback::from(move |e: Event| s.set(select_value(&e)))}>
                        <option value="" selected={node.is_empty()}>{ current.as_ref().map_or(String::new(), |c| format!("{} (now)", c.node)) }</option>
                        { for props.nodes.iter().map(|n| html! { <option value={n.clone()} selected={*n == *node}>{ n }</option> }) }
                    </select>
                </label>
                <label>{ "Reads" }
                    <select aria-label="Read policy" onchange={let s = policy.clone(); Callback::from(move |e: Event| s.set(select_value(&e).parse().unwrap_or(0)))}>
                        { for POLICIES.iter().enumerate().map(|(i, p)| html! { <option value={i.to_string()} selected={i == *policy}>{ p.0 }</option> }) }
                    </select>
                </label>
                <label>{ "Key" }<input aria-label="Key" value={(*key).clone()} oninput={let s = key.clone(); Callback::from(move |e: InputEvent| s.set(input_value(&e)))} /></label>
                <label>{ "Value" }<input aria-label="Value" value={(*value).clone()} oninput={let s = value.clone(); Callback::from(move |e: InputEvent| s.set(input_value(&e)))} /></label>
                <div class="buttons">
                    <button onclick={send(true)}>{ "Write" }</button>
                    <button onclick={send(false)}>{ "Read" }</button>
                </div>
            </div>
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
        let mode_now = c.modes.iter().find(|(id, _)| id == n).map_or("—", |(_, m)| *m);
        let onchange = on_select(d, move |v| {
            let mode = match v {
                "sync" => FollowerMode::Sync,
                "semi_sync" => FollowerMode::SemiSync,
                _ => FollowerMode::Async,
            };
            vec![ScriptAction::SetFollowerMode { node: node.clone(), mode }]
        });
        html! {
            <label>{ format!("{n} as follower") }
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
            <label>{ "Fencing (epochs + lease)" }
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
    let latency = {
        let all = all_links.clone();
        on_select(d, move |v| all(v.parse().unwrap_or(20), 0))
    };
    let loss = on_select(d, move |v| all_links(20, v.parse().unwrap_or(0)));
    let workload_rows = props.clients.iter().map(|c| {
        let client = c.clone();
        let onchange = on_select(d, move |v| {
            let rate: u32 = v.parse().unwrap_or(0);
            let workload = (rate > 0).then(|| WorkloadSpec { rate_per_s: rate, read_percent: 50, keys: vec!["x".into(), "y".into()], start_ms: 0, stop_ms: None, updates: Default::default() });
            vec![ScriptAction::SetWorkload { client: client.clone(), workload }]
        });
        html! {
            <label>{ format!("{c} workload") }
                <select aria-label={format!("Workload of {c}")} {onchange}>
                    <option value="" selected=true>{ "—" }</option><option value="0">{ "stopped" }</option>
                    <option value="2">{ "2 ops/s" }</option><option value="10">{ "10 ops/s" }</option><option value="50">{ "50 ops/s" }</option>
                </select>
            </label>
        }
    });
    html! {
        <section class="panel" aria-label="Settings">
            <h2>{ "Settings" }</h2>
            <p class="muted">{ "Each change is recorded at the current time and replays with the share link." }</p>
            <div class="form-grid">
                { family_settings(&props.current, &props.nodes, &props.key_chosen, d) }
                <label>{ "Link latency" }
                    <select aria-label="Link latency" onchange={latency}>
                        <option value="" selected=true>{ "—" }</option><option value="5">{ "5 ms" }</option><option value="20">{ "20 ms" }</option>
                        <option value="80">{ "80 ms" }</option><option value="250">{ "250 ms" }</option>
                    </select>
                </label>
                <label>{ "Message loss" }
                    <select aria-label="Message loss" onchange={loss}>
                        <option value="" selected=true>{ "—" }</option><option value="0">{ "none" }</option><option value="10000">{ "1 %" }</option><option value="100000">{ "10 %" }</option>
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
