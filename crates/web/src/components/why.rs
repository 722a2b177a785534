//! The panels that explain why: each client's guarantees, a plain-language
//! narration with a polite live region, and the compared side's header. The
//! space-time diagram is in `diagram.rs`. They render what the facade
//! derived (`playground::guarantees`, `playground::narration`) and emit
//! `Action`s; none computes a verdict.

use std::rc::Rc;

use playground::guarantees::{Guarantees, Held, GUARANTEES};
use playground::narration::{summary, Line, LineKind};
use yew::prelude::*;

use super::timeline::seconds;
use crate::state::{Action, WhyPanel};

/// The live region says at most one sentence per this many real milliseconds.
pub const ANNOUNCE_EVERY_REAL_MS: f64 = 1_500.0;

/// A panel's heading with a button that opens or closes it.
pub fn panel_toggle(title: &str, open: bool, panel: WhyPanel, dispatch: &Callback<Action>) -> Html {
    let d = dispatch.clone();
    let onclick = Callback::from(move |_: MouseEvent| d.emit(Action::TogglePanel(panel)));
    html! {
        <h2>
            <button class="panel-toggle" aria-expanded={open.to_string()} {onclick}>
                { if open { "▾ " } else { "▸ " } }{ title }
            </button>
        </h2>
    }
}

fn definition(name: &str) -> &'static str {
    GUARANTEES.iter().find(|(n, _)| *n == name).map_or("", |(_, d)| *d)
}

fn heading(name: &str) -> Html {
    html! {
        <th scope="col"><a class="term" href={format!("#guarantee-{}", name.replace(' ', "-"))} title={definition(name)}
            onclick={Callback::from(|e: MouseEvent| e.prevent_default())}>{ name }</a></th>
    }
}

fn cell(who: &str, name: &str, held: &Held, dispatch: &Callback<Action>) -> Html {
    match held {
        Held::Violated { count, first_at_us, ops, explanation } => {
            let (d, at_us, ops) = (dispatch.clone(), *first_at_us, ops.clone());
            let onclick = Callback::from(move |_: MouseEvent| d.emit(Action::FocusOps { at_us, ops: ops.clone() }));
            let times = if *count == 1 { "once".to_string() } else { format!("{count} times") };
            let label = format!("{who}: {name} violated {times}, first at {}: {explanation}", seconds(at_us));
            html! {
                <td class="violated"><button class="gv violated" aria-label={label} title={explanation.clone()} {onclick}>
                    { "violated" }{ if *count > 1 { format!(" ×{count}") } else { String::new() } }
                </button></td>
            }
        }
        other => html! { <td class={classes!("gv", other.as_str().replace(' ', "-"))}>{ other.as_str() }</td> },
    }
}

#[derive(Properties, PartialEq)]
pub struct GuaranteesPanelProps {
    pub open: bool,
    /// `None` while the panel is closed (nothing is computed then).
    pub guarantees: Option<Rc<Guarantees>>,
    pub dispatch: Callback<Action>,
}

/// Per client: strong, read-your-writes, monotonic reads, consistent prefix;
/// and the cluster's eventual consistency. A violation is a button that
/// seeks to it and highlights the operations that prove it.
#[function_component(GuaranteesPanel)]
pub fn guarantees_panel(props: &GuaranteesPanelProps) -> Html {
    let toggle = panel_toggle("Guarantees", props.open, WhyPanel::Guarantees, &props.dispatch);
    let body = props.guarantees.as_ref().filter(|_| props.open).map(|g| {
        let rows = g.clients.iter().map(|c| {
            let cells = [
                ("strong", &c.strong),
                ("read-your-writes", &c.read_your_writes),
                ("monotonic reads", &c.monotonic_reads),
                ("consistent prefix", &c.consistent_prefix),
            ];
            html! {
                <tr>
                    <th scope="row">{ &c.client }</th>
                    { for cells.iter().map(|(name, held)| cell(&c.client, name, held, &props.dispatch)) }
                </tr>
            }
        });
        html! {
            <>
                <table class="guarantees">
                    <caption class="visually-hidden">{ "Each client's guarantees at the playhead" }</caption>
                    <thead><tr><th scope="col">{ "client" }</th>
                        { heading("strong") }{ heading("read-your-writes") }{ heading("monotonic reads") }{ heading("consistent prefix") }
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                <table class="guarantees eventual">
                    <tbody><tr><th scope="row">{ "all replicas" }</th>{ heading("eventual") }{ cell("cluster", "eventual", &g.eventual, &props.dispatch) }</tr></tbody>
                </table>
                <details class="definitions">
                    <summary>{ "What these mean" }</summary>
                    <dl>{ for GUARANTEES.iter().map(|(n, d)| html! {
                        <><dt id={format!("guarantee-{}", n.replace(' ', "-"))}>{ *n }</dt><dd>{ *d }</dd></>
                    }) }</dl>
                </details>
            </>
        }
    });
    html! { <section class="panel why" aria-label="Guarantees">{ toggle }{ for body }</section> }
}

#[derive(Properties, PartialEq)]
pub struct NarrationPanelProps {
    pub open: bool,
    /// The lines of the window before the playhead, oldest first.
    pub lines: Rc<Vec<Line>>,
    pub nodes: Vec<String>,
    pub node: Option<String>,
    pub kind: Option<LineKind>,
    pub dispatch: Callback<Action>,
}

fn real_now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// What happened in the last moments before the playhead, one sentence per
/// trace event; a polite live region reads at most one sentence per
/// `ANNOUNCE_EVERY_REAL_MS` (a summary when more happened in between).
#[function_component(NarrationPanel)]
pub fn narration_panel(props: &NarrationPanelProps) -> Html {
    let announced = use_state(String::new);
    // (real ms of the last announcement, virtual µs of the newest line told).
    let last = use_mut_ref(|| (f64::NEG_INFINITY, 0u64));
    {
        let (announced, last, lines) = (announced.clone(), last.clone(), props.lines.clone());
        use_effect_with(lines, move |lines| {
            let now = real_now_ms();
            let (at_ms, mut told_us) = *last.borrow();
            // After a seek back, everything in the window is news again.
            if lines.last().is_some_and(|l| l.at_us < told_us) {
                told_us = 0;
            }
            let fresh: Vec<Line> = lines.iter().filter(|l| l.at_us > told_us || told_us == 0).cloned().collect();
            if !fresh.is_empty() && now - at_ms >= ANNOUNCE_EVERY_REAL_MS {
                let text = if fresh.len() == 1 { fresh[0].text.clone() } else { summary(&fresh) };
                *last.borrow_mut() = (now, fresh.last().map_or(told_us, |l| l.at_us));
                announced.set(text);
            }
        });
    }
    let toggle = panel_toggle("What happens", props.open, WhyPanel::Narration, &props.dispatch);
    let on_node = {
        let d = props.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let v = s.value();
                d.emit(Action::SetNarrationNode((!v.is_empty()).then_some(v)));
            }
        })
    };
    let on_kind = {
        let d = props.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let v = s.value();
                d.emit(Action::SetNarrationKind(LineKind::ALL.into_iter().find(|k| k.as_str() == v)));
            }
        })
    };
    let body = props.open.then(|| {
        let items = props.lines.iter().rev().map(|l| {
            html! { <li class={classes!("line", l.kind.as_str())}><span class="at">{ seconds(l.at_us) }</span>{ " " }{ &l.text }</li> }
        });
        html! {
            <>
                <div class="filters">
                    <select aria-label="Narration node" onchange={on_node}>
                        <option value="" selected={props.node.is_none()}>{ "all nodes" }</option>
                        { for props.nodes.iter().map(|n| html! { <option value={n.clone()} selected={props.node.as_ref() == Some(n)}>{ n }</option> }) }
                    </select>
                    <select aria-label="Narration kind" onchange={on_kind}>
                        <option value="" selected={props.kind.is_none()}>{ "all kinds" }</option>
                        { for LineKind::ALL.iter().map(|k| html! { <option value={k.as_str()} selected={props.kind == Some(*k)}>{ k.as_str() }</option> }) }
                    </select>
                </div>
                if props.lines.is_empty() {
                    <p class="muted">{ "Nothing happened in the last moments. Press play or step." }</p>
                } else {
                    <ol class="narration" aria-label="Narration lines, newest first">{ for items }</ol>
                }
            </>
        }
    });
    html! {
        <section class="panel why" aria-label="Narration">
            { toggle }{ for body }
            <p class="visually-hidden" role="status" aria-live="polite" aria-label="Narration announcement">{ (*announced).clone() }</p>
        </section>
    }
}
