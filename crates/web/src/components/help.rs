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

/// Focuses an HTML element or an SVG element (a node or a link).
pub fn focus_any(el: web_sys::Element) {
    use wasm_bindgen::JsCast;
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
        (
            "Enter, then \u{201c}Move to partition zone\u{201d}",
            "cut the focused node off from the rest; \u{201c}Move back from partition zone\u{201d} heals",
        ),
        ("?", "show or hide this help"),
        ("drag a node", "move it; drop it in the partition zone to cut it off, drag it out to heal"),
        ("click a link", "cut it or restore it (or, from the keyboard: a node's actions, \u{201c}Cut or restore a link…\u{201d})"),
        ("words", "the \u{201c}Words used here\u{201d} panel explains epoch, lease, fencing, semi-sync, commit, applied, quorum and checker; underlined words link to it"),
    ];
    let close = use_node_ref();
    {
        // Focus moves into the dialog when it opens and back where it was
        // when it closes. If it was on the `?` button (or nowhere), it goes to
        // Play instead: Space right after closing the help must play, not
        // press `?` and reopen the help.
        let close = close.clone();
        use_effect_with((), move |_| {
            let doc = web_sys::window().and_then(|w| w.document());
            let before = doc.as_ref().and_then(|d| d.active_element());
            if let Some(b) = close.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
            move || {
                let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
                let back = before.filter(|el| {
                    el.is_connected()
                        && el.tag_name() != "BODY"
                        && el.get_attribute("aria-label").as_deref() != Some("Keyboard shortcuts")
                });
                let target = back.or_else(|| {
                    doc.query_selector("button[aria-label='Play'], button[aria-label='Pause']").ok().flatten()
                });
                if let Some(el) = target {
                    focus_any(el);
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
