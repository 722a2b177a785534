//! The actions of one node: crash, restart, pause, resume, promote, move it
//! into the partition zone or back (the keyboard's way to partition), skew its
//! clock. Opened by clicking a node or pressing Enter on it; Escape closes.

use playground::{NodeView, Role, ScriptAction};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct NodeMenuProps {
    pub node: NodeView,
    /// Every other node, and whether the link to it is cut.
    pub peers: Vec<(String, bool)>,
    pub dispatch: Callback<Action>,
}

/// Focuses an HTML button or an SVG node.
fn focus(el: web_sys::Element) {
    match el.dyn_into::<web_sys::HtmlElement>() {
        Ok(el) => {
            let _ = el.focus();
        }
        Err(el) => {
            if let Ok(el) = el.dyn_into::<web_sys::SvgElement>() {
                let _ = el.focus();
            }
        }
    }
}

/// A popover menu next to the node.
#[function_component(NodeMenu)]
pub fn node_menu(props: &NodeMenuProps) -> Html {
    let n = &props.node;
    let id = n.id.clone();
    let menu = use_node_ref();
    {
        // Keyboard users land on the first action when the menu opens, and
        // back on the node when it closes (not on the page's body).
        let menu = menu.clone();
        use_effect_with(id.clone(), move |id| {
            if let Some(first) = menu.cast::<web_sys::Element>().and_then(|m| m.query_selector("button").ok().flatten())
            {
                focus(first);
            }
            let id = id.clone();
            move || {
                let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
                let lost = doc.active_element().is_none_or(|a| {
                    a.tag_name() == "BODY" || menu.cast::<web_sys::Node>().is_some_and(|m| m.contains(Some(&a)))
                });
                if lost {
                    if let Ok(Some(node)) = doc.query_selector(&format!("g.node[aria-label^=\"Node {id},\"]")) {
                        focus(node);
                    }
                }
            }
        });
    }
    let item = |label: &str, action: ScriptAction| {
        let dispatch = props.dispatch.clone();
        let onclick = Callback::from(move |_: MouseEvent| dispatch.emit(Action::Intervene(action.clone())));
        html! { <button role="menuitem" class="menu-item" {onclick}>{ label }</button> }
    };
    let zone_item = {
        let (dispatch, id) = (props.dispatch.clone(), id.clone());
        let onclick = Callback::from(move |_: MouseEvent| dispatch.emit(Action::ToggleZone(id.clone())));
        let label =
            if n.x_px >= crate::state::ZONE_X { "Move back from partition zone" } else { "Move to partition zone" };
        html! { <button role="menuitem" class="menu-item" {onclick}>{ label }</button> }
    };
    let links_open = use_state(|| false);
    let links_toggle = {
        let open = *links_open;
        let state = links_open.clone();
        let onclick = Callback::from(move |_: MouseEvent| state.set(!open));
        let label = if open { "Hide links" } else { "Cut or restore a link…" };
        html! { <button role="menuitem" class="menu-item" aria-expanded={open.to_string()} {onclick}>{ label }</button> }
    };
    // A link can be cut from here without hitting a thin line with the pointer.
    let link_items = props.peers.iter().filter(|_| *links_open).map(|(peer, cut)| {
        let (dispatch, from, to) = (props.dispatch.clone(), id.clone(), peer.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            dispatch.emit(Action::ToggleLink { from: from.clone(), to: to.clone() })
        });
        let label = if *cut { format!("Restore link to {peer}") } else { format!("Cut link to {peer}") };
        html! { <button role="menuitem" class="menu-item link-item" {onclick}>{ label }</button> }
    });
    let close = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::CloseMenu))
    };
    let onkeydown = {
        let (dispatch, menu) = (props.dispatch.clone(), menu.clone());
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if key == "Escape" {
                dispatch.emit(Action::CloseMenu);
                return;
            }
            // Arrow keys, Home and End move between the actions, as in any menu.
            let step: i32 = match key.as_str() {
                "ArrowDown" => 1,
                "ArrowUp" => -1,
                "Home" => i32::MIN,
                "End" => i32::MAX,
                _ => return,
            };
            e.prevent_default();
            e.stop_propagation();
            let Some(m) = menu.cast::<web_sys::Element>() else { return };
            let Ok(items) = m.query_selector_all("button") else { return };
            let n = items.length() as i32;
            if n == 0 {
                return;
            }
            let doc = web_sys::window().and_then(|w| w.document());
            let active = doc.and_then(|d| d.active_element());
            let at = (0..n)
                .find(|&i| items.item(i as u32).zip(active.as_ref()).is_some_and(|(b, a)| b.is_same_node(Some(a))));
            let next = match (step, at) {
                (i32::MIN, _) => 0,
                (i32::MAX, _) => n - 1,
                (s, Some(i)) => (i + s).rem_euclid(n),
                (s, None) => {
                    if s > 0 {
                        0
                    } else {
                        n - 1
                    }
                }
            };
            if let Some(b) = items.item(next as u32).and_then(|b| b.dyn_into::<web_sys::Element>().ok()) {
                focus(b);
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
            { zone_item }
            { links_toggle }
            { for link_items }
            { item("Skew clock +200 ms", ScriptAction::SkewClock { node: id.clone(), skew_ms: 200, drift_ppm: 0 }) }
            { item("Reset clock", ScriptAction::SkewClock { node: id.clone(), skew_ms: 0, drift_ppm: 0 }) }
            <button role="menuitem" class="menu-item subtle" onclick={close}>{ "Close" }</button>
        </div>
    }
}
