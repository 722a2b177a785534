//! The app shell: header with presets and sharing, the canvas with its node
//! menu and legend, the timeline, the panels, the help overlay and notices.
//! It wires components to the one reducer in `state`.

use std::rc::Rc;

use gloo_events::EventListener;
use playground::diagram::Diagram;
use playground::guarantees::Guarantees;
use playground::narration::{self, Filter};
use playground::panels::{self, LAG_WINDOW_US};
use playground::{presets, ClusterView};
use yew::prelude::*;

use super::canvas::Canvas;
use super::conflicts::ConflictsPanel;
use super::controls::{ClientsPanel, SettingsPanel};
use super::diagram::DiagramPanel;
use super::glossary::Glossary;
use super::help::{HelpOverlay, Legend};
use super::node_menu::NodeMenu;
use super::panels::{AnomalyPanel, LagPanel, LogPanel, ThroughputPanel};
use super::share::ShareBox;
use super::timeline::Timeline;
use super::why::{GuaranteesPanel, NarrationPanel};
use crate::hooks::{use_animation_frames, use_shortcuts};
use crate::state::{Action, State};

fn emit_click(dispatch: &Callback<Action>, action: Action) -> Callback<MouseEvent> {
    let d = dispatch.clone();
    Callback::from(move |_: MouseEvent| d.emit(action.clone()))
}

/// The narration tells the events of this much virtual time before the playhead.
pub const NARRATION_WINDOW_US: u64 = 500_000;

/// "2 split brain, 1 stale read" (or "no anomalies").
fn anomaly_counts(anomalies: &[playground::Anomaly]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for a in anomalies {
        match counts.iter_mut().find(|(k, _)| *k == a.kind.as_str()) {
            Some((_, n)) => *n += 1,
            None => counts.push((a.kind.as_str(), 1)),
        }
    }
    if counts.is_empty() {
        return "no anomalies".to_string();
    }
    counts.iter().map(|(k, n)| format!("{n} {k}")).collect::<Vec<_>>().join(", ")
}

fn location_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

fn embed_requested() -> bool {
    web_sys::window().and_then(|w| w.location().search().ok()).is_some_and(|s| s.contains("embed=1"))
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| State { embed: embed_requested(), ..State::from_fragment(&location_hash()) });
    let preset_picker = use_node_ref();
    let dispatch = {
        let state = state.clone();
        Callback::from(move |a: Action| state.dispatch(a))
    };
    use_animation_frames(dispatch.clone());
    use_shortcuts(dispatch.clone());
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "hashchange", move |_| {
                    // A glossary anchor is not a share link.
                    let hash = location_hash();
                    if !hash.starts_with("#glossary") {
                        dispatch.emit(Action::LoadShare(hash));
                    }
                })
            });
            move || drop(listener)
        });
    }
    // The explanation panels recompute only while open, and while playing
    // once per few frames (`slow_version`); a new preset is a new session.
    let session_key = Rc::as_ptr(&state.session) as usize;
    let why = state.why.clone();
    let guarantees = {
        let st = state.clone();
        use_memo((session_key, state.slow_version, why.guarantees_open), move |(_, _, open)| {
            open.then(|| Rc::new(Guarantees::of(&st.session.borrow(), &st.anomalies)))
        })
    };
    let narration_lines = {
        let st = state.clone();
        let deps =
            (session_key, state.slow_version, why.narration_open, why.narration_node.clone(), why.narration_kind);
        use_memo(deps, move |(_, _, open, node, kind)| {
            if !*open {
                return Rc::new(Vec::new());
            }
            let session = st.session.borrow();
            let now = session.now_us();
            let filter = Filter { node: node.clone(), kinds: kind.iter().copied().collect() };
            Rc::new(narration::lines(&session, now.saturating_sub(NARRATION_WINDOW_US), now + 1, &filter))
        })
    };
    let diagram = {
        let st = state.clone();
        use_memo(
            (session_key, state.slow_version, why.diagram_open, why.diagram_window_us),
            move |(_, _, open, window)| {
                open.then(|| {
                    let session = st.session.borrow();
                    let now = session.now_us();
                    Rc::new(Diagram::of(&session, now.saturating_sub(*window), now.max(1)))
                })
            },
        )
    };
    let run_json = {
        let st = state.clone();
        Callback::from(move |_: ()| st.session.borrow().scenario().to_json())
    };
    let session = state.session.borrow();
    let cluster = ClusterView::of(&session);
    let clients = panels::clients(&session);
    let node_ids: Vec<String> = cluster.nodes.iter().map(|n| n.id.clone()).collect();
    let selected_detail = state.selected.as_deref().and_then(|id| panels::node_detail(&session, id));
    let menu_node = state.selected.as_deref().filter(|_| state.menu_open).and_then(|id| cluster.node(id).cloned());
    let menu_peers: Vec<(String, bool)> = menu_node.as_ref().map_or_else(Vec::new, |m| {
        let cut = |peer: &str| {
            cluster
                .links
                .iter()
                .any(|l| l.cut && ((l.from == m.id && l.to == peer) || (l.from == peer && l.to == m.id)))
        };
        cluster.nodes.iter().filter(|n| n.id != m.id).map(|n| (n.id.clone(), cut(&n.id))).collect()
    });
    let scenario = session.scenario();
    let on_preset = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                d.emit(Action::LoadPreset(s.value()));
            }
        })
    };
    let all_presets = presets::all();
    let preset_label = |p: &presets::Preset| {
        let name = &p.scenario.name;
        if p.claim.is_empty() || name.starts_with(p.claim) {
            name.clone()
        } else {
            format!("{} · {name}", p.claim)
        }
    };
    // A share link, an embed or a custom scenario is not one of the presets:
    // the picker names it by its own name (or "Custom"), never by a preset's.
    let own_option = state.preset.is_empty().then(|| {
        let name =
            if scenario.name.trim().is_empty() { "Custom".to_string() } else { format!("{} (shared)", scenario.name) };
        html! { <option value="" selected=true disabled=true>{ name }</option> }
    });
    let preset_options = all_presets.iter().map(|p| {
        html! { <option value={p.name} selected={p.name == state.preset}>{ preset_label(p) }</option> }
    });
    {
        // Keep the picker showing the scenario that runs, also after a pick
        // that waits for confirmation or was cancelled.
        let (picker, preset) = (preset_picker.clone(), state.preset.clone());
        use_effect(move || {
            if let Some(select) = picker.cast::<web_sys::HtmlSelectElement>() {
                if select.value() != preset {
                    select.set_value(&preset);
                }
            }
        });
    }
    let loading = state.loading.as_ref().map(|l| {
        let done = session.now_us().saturating_sub(l.from_us);
        let total = l.target_us.saturating_sub(l.from_us).max(1);
        let percent = done * 100 / total;
        html! {
            <div class="loading" role="group" aria-label="Replaying">
                <label>{ format!("Replaying to {}: {} done ", super::timeline::seconds(l.target_us), super::timeline::seconds(session.now_us())) }
                    <progress aria-label="Replay progress" max="100" value={percent.to_string()} aria-valuetext={format!("{percent} %")} />
                </label>
                <button onclick={emit_click(&dispatch, Action::CancelLoading)}>{ "Stop here" }</button>
            </div>
        }
    });
    let confirm = state.pending_preset.as_ref().map(|name| {
        let label = all_presets.iter().find(|p| p.name == name).map(preset_label).unwrap_or_else(|| name.clone());
        let at = super::timeline::seconds(session.now_us());
        let changes = session.scenario().script.len();
        html! {
            <div class="confirm" role="alertdialog" aria-label="Open another scenario?">
                <span>{ format!("Open \u{201c}{label}\u{201d}? Your run here (at {at}, {changes} recorded {}) will be replaced. Copy its link first to keep it.", if changes == 1 { "change" } else { "changes" }) }</span>
                <button onclick={emit_click(&dispatch, Action::ConfirmPreset)}>{ "Open it" }</button>
                <button onclick={emit_click(&dispatch, Action::CancelPreset)}>{ "Keep my run" }</button>
            </div>
        }
    });
    let notice = state.notice.clone().map(|n| {
        let d = dispatch.clone();
        html! {
            <div class={classes!("notice", n.error.then_some("error"))} role="alert">
                <span>{ n.text }</span>
                <button onclick={Callback::from(move |_: MouseEvent| d.emit(Action::DismissNotice))} aria-label="Dismiss message">{ "×" }</button>
            </div>
        }
    });
    let emit = |a: Action| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    let settings = panels::settings_view(&session);
    // Leaderless: the chosen key's home replicas, highlighted on the ring.
    let highlight: Vec<String> = match (&settings, &state.key_chosen) {
        (playground::panels::SettingsView::Leaderless(l), Some(k)) => {
            l.preference_lists.iter().find(|p| &p.0 == k).map(|p| p.1.clone()).unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let mut markers = panels::markers(&session, &state.anomalies);
    if let Some(at_us) = state.compare.as_ref().and_then(|c| c.first_difference_us) {
        markers.push(panels::Marker { at_us, kind: "difference", label: "the two sides first differ".to_string() });
        markers.sort_by_key(|m| m.at_us);
    }
    let compare_toggle = scenario.compare.as_ref().map(|c| {
        let on = state.compare.is_some();
        html! {
            <button class="compare-toggle" aria-pressed={on.to_string()} onclick={emit(Action::ToggleCompare)}>
                { format!("Compare: {}", c.label) }
            </button>
        }
    });
    let compared = state.compare.as_ref().map(|c| {
        let right = c.session.borrow();
        // The compared side shows; dragging moves only the first side's nodes.
        let d = dispatch.clone();
        let right_dispatch = Callback::from(move |a: Action| {
            if !matches!(a, Action::DragStart { .. } | Action::DragMove { .. } | Action::DragEnd) {
                d.emit(a);
            }
        });
        html! {
            <section class="side-of-compare" aria-label={format!("Compared side: {}", c.label)}>
                <h2>{ format!("With {}", c.label) }</h2>
                <p class="counts" aria-label={format!("Anomalies with {}", c.label)}>{ anomaly_counts(&c.anomalies) }</p>
                <Canvas cluster={ClusterView::of(&right)} messages={panels::messages(&right)} clients={panels::clients(&right)}
                    selected={state.selected.clone()} dragging={None::<String>} dispatch={right_dispatch} />
            </section>
        }
    });
    html! {
        <div class={classes!("app", state.embed.then_some("embed"))}>
            <header class="topbar">
                <h1>{ "Replication Playground" }</h1>
                <label class="preset">{ "Scenario " }
                    <select ref={preset_picker} aria-label="Scenario preset" onchange={on_preset}>{ for own_option }{ for preset_options }</select>
                </label>
                <div class="spacer" />
                <button onclick={emit(Action::MakeShareLink)}>{ "Copy link" }</button>
                <button onclick={emit(Action::ToggleHelp)} aria-label="Keyboard shortcuts">{ "?" }</button>
            </header>
            { for notice }
            { for confirm }
            { for loading }
            if let Some(link) = state.share_link.clone() {
                <ShareBox fragment={link} />
            }
            <p class="caption">{ &scenario.caption }</p>
            if let Some(storm) = playground::conflicts::storm_banner(&session) {
                <p class="storm" role="status">{ storm }</p>
            }
            <main class="layout">
                <div class="stage">
                    <Timeline now_us={session.now_us()} end_us={session.end_us()} playing={state.playing} speed_index={state.speed_index}
                        achieved_speed_permille={state.achieved_speed_permille} step_note={state.step_note.clone()}
                        {markers} dispatch={dispatch.clone()} />
                    { for compare_toggle }
                    <div class={classes!("compare-grid", state.compare.is_some().then_some("on"))}>
                        <div class="side-of-compare">
                            if state.compare.is_some() {
                                <h2>{ "As set" }</h2>
                                <p class="counts" aria-label="Anomalies as set">{ anomaly_counts(&state.anomalies) }</p>
                            }
                            <div class="canvas-wrap">
                                <Canvas cluster={cluster.clone()} messages={panels::messages(&session)} clients={clients.clone()}
                                    selected={state.selected.clone()} dragging={state.drag.as_ref().map(|d| d.node.clone())} dispatch={dispatch.clone()} highlight={highlight.clone()} />
                                if let Some(node) = menu_node {
                                    <NodeMenu peers={menu_peers} {node} dispatch={dispatch.clone()} />
                                }
                            </div>
                        </div>
                        { for compared }
                    </div>
                    if let Some(at) = state.compare.as_ref().and_then(|c| c.first_difference_us) {
                        <p class="muted">{ format!("The two sides first differ at {}.", super::timeline::seconds(at)) }</p>
                    }
                    <Legend />
                    <DiagramPanel open={why.diagram_open} diagram={(*diagram).clone()} window_us={why.diagram_window_us}
                        highlighted={state.highlighted_ops.clone()} selected_msg={why.selected_msg} run_json={run_json} dispatch={dispatch.clone()} />
                </div>
                if !state.embed {
                    <aside class="side">
                        <GuaranteesPanel open={why.guarantees_open} guarantees={(*guarantees).clone()} dispatch={dispatch.clone()} />
                        <NarrationPanel open={why.narration_open} lines={(*narration_lines).clone()} nodes={node_ids.clone()}
                            node={why.narration_node.clone()} kind={why.narration_kind} dispatch={dispatch.clone()} />
                        <AnomalyPanel anomalies={state.anomalies.clone()} dispatch={dispatch.clone()} />
                        <ConflictsPanel conflicts={playground::conflicts::conflicts(&session)} total={session.conflicts_total()} dispatch={dispatch.clone()} />
                        <LogPanel detail={selected_detail} />
                        <ThroughputPanel ops={playground::report::op_counts(session.history())} now_us={session.now_us()} />
                        <LagPanel series={panels::lag_series(&session, LAG_WINDOW_US)} now_us={session.now_us()} window_us={LAG_WINDOW_US} />
                        <ClientsPanel clients={clients.clone()} nodes={node_ids.clone()} ops={panels::recent_ops(&session, &state.anomalies)}
                            highlighted={state.highlighted_ops.clone()} dispatch={dispatch.clone()} />
                        <SettingsPanel current={settings.clone()} nodes={node_ids} clients={clients.iter().map(|c| c.id.clone()).collect::<Vec<_>>()}
                            workload_rates={clients.iter().map(|c| c.workload_rate_per_s).collect::<Vec<_>>()} network={panels::network_settings(&session)} dispatch={dispatch.clone()} key_chosen={state.key_chosen.clone()} />
                        <Glossary />
                    </aside>
                }
            </main>
            if state.help_open {
                <HelpOverlay on_close={emit(Action::ToggleHelp)} />
            }
        </div>
    }
}
