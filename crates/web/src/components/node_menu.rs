//! The actions of one node: crash, restart, pause, resume, promote, skew its
//! clock. Opened by clicking a node or pressing Enter on it; Escape closes.

use playground::{NodeView, Role, ScriptAction};
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct NodeMenuProps {
    pub node: NodeView,
    pub dispatch: Callback<Action>,
}

/// A popover menu next to the node.
#[function_component(NodeMenu)]
pub fn node_menu(props: &NodeMenuProps) -> Html {
    let n = &props.node;
    let id = n.id.clone();
    let menu = use_node_ref();
    {
        // Keyboard users land on the first action when the menu opens.
        let menu = menu.clone();
        use_effect_with(id.clone(), move |_| {
            if let Some(first) = menu.cast::<web_sys::Element>().and_then(|m| m.query_selector("button").ok().flatten())
            {
                if let Ok(button) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(first) {
                    let _ = button.focus();
                }
            }
        });
    }
    let item = |label: &str, action: ScriptAction| {
        let dispatch = props.dispatch.clone();
        let onclick = Callback::from(move |_: MouseEvent| dispatch.emit(Action::Intervene(action.clone())));
        html! { <button role="menuitem" class="menu-item" {onclick}>{ label }</button> }
    };
    let close = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::CloseMenu))
    };
    let onkeydown = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                dispatch.emit(Action::CloseMenu);
            }
        })
    };
    // Place the menu beside the node, as a share of the canvas, so it follows any scale.
    let left = (n.x_px + 50).min(760) * 100 / playground::view::CANVAS_WIDTH;
    let top = (n.y_px - 40).max(0) * 100 / playground::view::CANVAS_HEIGHT;
    let style = format!("left: {left}%; top: {top}%;");
    let offline = n.role == Role::Offline;
    let paused = n.role == Role::Paused;
    html! {
        <div ref={menu} class="node-menu" role="menu" aria-label={format!("Actions for {id}")} {style} {onkeydown}>
            <div class="menu-title">{ format!("{id} · {} · epoch {}", n.role.as_str(), n.epoch) }</div>
            if offline {
                { item("Restart", ScriptAction::Restart(id.clone())) }
            } else {
                { item("Crash", ScriptAction::Crash(id.clone())) }
            }
            if paused {
                { item("Resume", ScriptAction::Resume(id.clone())) }
            } else if !offline {
                { item("Pause", ScriptAction::Pause(id.clone())) }
            }
            if n.role == Role::Follower || n.role == Role::Candidate {
                { item("Promote to leader", ScriptAction::Promote(id.clone())) }
            }
            { item("Skew clock +200 ms", ScriptAction::SkewClock { node: id.clone(), skew_ms: 200, drift_ppm: 0 }) }
            { item("Reset clock", ScriptAction::SkewClock { node: id.clone(), skew_ms: 0, drift_ppm: 0 }) }
            <button role="menuitem" class="menu-item subtle" onclick={close}>{ "Close" }</button>
        </div>
    }
}
