//! The legend of colours and the keyboard-shortcut overlay (`?`).

use yew::prelude::*;

/// What each colour means: node roles and message kinds.
#[function_component(Legend)]
pub fn legend() -> Html {
    let roles = ["leader", "follower", "candidate", "paused", "offline"];
    let kinds = ["replication", "ack", "heartbeat", "vote", "client"];
    html! {
        <div class="legend" aria-label="Legend" role="group">
            { for roles.iter().map(|r| html! { <span class="item"><span class={classes!("dot", "role", *r)} />{ *r }</span> }) }
            <span class="sep" />
            { for kinds.iter().map(|k| html! { <span class="item"><span class={classes!("dot", "msg-swatch", *k)} />{ *k }</span> }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub on_close: Callback<MouseEvent>,
}

/// Every shortcut and gesture, in a dialog.
#[function_component(HelpOverlay)]
pub fn help_overlay(props: &HelpProps) -> Html {
    let rows = [
        ("Space", "play or pause"),
        ("→", "step forward one event"),
        ("←", "step back one event"),
        ("Tab", "move between nodes, links and controls"),
        ("Enter", "open the focused node's actions, or cut/restore the focused link"),
        ("Escape", "close this help or a node's menu"),
        ("↑ ↓", "move between a node's actions"),
        ("?", "show or hide this help"),
        ("drag a node", "move it; drop it in the partition zone to cut it off, drag it out to heal"),
        ("click a link", "cut it or restore it"),
    ];
    let close = use_node_ref();
    {
        // Focus moves into the dialog when it opens and back to `?` when it closes.
        let close = close.clone();
        use_effect_with((), move |_| {
            if let Some(b) = close.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
            || {
                let doc = web_sys::window().and_then(|w| w.document());
                let opener =
                    doc.and_then(|d| d.query_selector("button[aria-label='Keyboard shortcuts']").ok().flatten());
                if let Some(b) = opener.and_then(|b| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b).ok()) {
                    let _ = b.focus();
                }
            }
        });
    }
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts">
            <div class="dialog">
                <h2>{ "Keyboard and gestures" }</h2>
                <dl>{ for rows.iter().map(|(k, v)| html! { <><dt><kbd>{ *k }</kbd></dt><dd>{ *v }</dd></> }) }</dl>
                <button ref={close} onclick={props.on_close.clone()}>{ "Close" }</button>
            </div>
        </div>
    }
}
