//! Resolved conflicts: for each, the competing versions side by side with
//! their timestamps (and the origin's clock skew) and version vectors, the
//! strategy's verdict, which version won and which was lost, and a button
//! that seeks there and highlights the operations that wrote them.

use playground::conflicts::ConflictView;
use yew::prelude::*;

use super::timeline::seconds;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct ConflictsPanelProps {
    pub conflicts: Vec<ConflictView>,
    pub total: u64,
    pub dispatch: Callback<Action>,
}

/// The newest conflicts, newest first.
#[function_component(ConflictsPanel)]
pub fn conflicts_panel(props: &ConflictsPanelProps) -> Html {
    let items = props.conflicts.iter().map(|c| {
        let onclick = {
            let (d, at_us, ops) = (props.dispatch.clone(), c.at_us, c.ops.clone());
            Callback::from(move |_: MouseEvent| d.emit(Action::FocusOps { at_us, ops: ops.clone() }))
        };
        let rows = c.versions.iter().map(|v| {
            let skew = if v.origin_skew_ms == 0 { String::new() } else { format!(" (clock {:+} ms)", v.origin_skew_ms) };
            html! {
                <tr class={classes!("version", v.fate.clone())} aria-label={format!("{:?} from {}, {}: {}", v.value, v.origin, v.timestamp, v.fate)}>
                    <td><code>{ format!("{:?}", v.value) }</code></td>
                    <td>{ &v.origin }</td>
                    <td>{ format!("{}{skew}", v.timestamp) }</td>
                    <td><code>{ &v.vector }</code></td>
                    <td><span class={classes!("badge", v.fate.clone())}>{ &v.fate }</span></td>
                </tr>
            }
        });
        let label = format!("Conflict on {} at {} on {}: {}", c.key, seconds(c.at_us), c.node, c.verdict);
        html! {
            <li class="conflict" role="group" aria-label={label}>
                <h3>{ format!("{} · {} at {} on {}", c.key, c.strategy, seconds(c.at_us), c.node) }</h3>
                <table class="versions">
                    <thead><tr><th>{ "value" }</th><th>{ "origin" }</th><th>{ "timestamp" }</th><th>{ "version vector" }</th><th>{ "fate" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                <p class="verdict">{ &c.verdict }</p>
                if !c.dropped.is_empty() {
                    <p class="dropped" role="note">{ format!("Dropped: {}", c.dropped.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ")) }</p>
                }
                <button {onclick} aria-label={format!("Show the operations of the conflict on {} at {}", c.key, seconds(c.at_us))}>
                    { format!("Show operations {}", c.ops.iter().map(|o| format!("#{o}")).collect::<Vec<_>>().join(" ")) }
                </button>
            </li>
        }
    });
    html! {
        <section class="panel" aria-label="Conflicts">
            <h2>{ format!("Conflicts ({})", props.total) }</h2>
            if props.conflicts.is_empty() {
                <p class="muted">{ "No conflict resolved yet: write the same key in two regions at about the same time." }</p>
            }
            <ul class="conflicts">{ for items }</ul>
        </section>
    }
}
