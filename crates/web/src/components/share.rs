//! The share box: the link that replays this exact run (scenario, seed,
//! every intervention, the current time), copied to the clipboard, and an
//! iframe snippet for embedding.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    pub fragment: String,
}

fn page_url() -> String {
    let Some(loc) = web_sys::window().map(|w| w.location()) else { return String::new() };
    format!("{}{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default())
}

/// Shows the link and the embed snippet, and puts the link on the clipboard
/// and in the address bar (without reloading).
#[function_component(ShareBox)]
pub fn share_box(props: &ShareProps) -> Html {
    let url = format!("{}#{}", page_url(), props.fragment);
    {
        let (url, fragment) = (url.clone(), props.fragment.clone());
        use_effect_with(fragment.clone(), move |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.history().and_then(|h| {
                    h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{fragment}")))
                });
                let _ = w.navigator().clipboard().write_text(&url);
            }
        });
    }
    let embed = format!(
        "<iframe src=\"{}?embed=1#{}\" width=\"800\" height=\"560\" title=\"Replication Playground\"></iframe>",
        page_url(),
        props.fragment
    );
    html! {
        <section class="share" aria-label="Share">
            <label>{ "Link (copied)" }<input readonly=true aria-label="Share link" value={url} /></label>
            <label>{ "Embed" }<input readonly=true aria-label="Embed snippet" value={embed} /></label>
        </section>
    }
}
