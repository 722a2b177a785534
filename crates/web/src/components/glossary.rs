//! Plain words for the terms the page uses: a glossary panel, and [`term`],
//! which shows a term as a link to its definition with the definition as its
//! tooltip. A link is focusable, so the tooltip and the definition are
//! reachable from the keyboard, not only by hovering.

use yew::prelude::*;

/// (term, anchor, definition), in the order the glossary lists them.
pub const TERMS: [(&str, &str, &str); 10] = [
    ("leader", "leader", "The one node that accepts writes. It puts each write in its log and sends the log to the followers."),
    ("follower", "follower", "A node that copies the leader's log. Clients may read from it, but it can be behind the leader (lag)."),
    ("epoch", "epoch", "A number that goes up every time a new leader is chosen. Messages from an older epoch are ignored, so an old leader cannot overrule a new one."),
    ("lease", "lease", "A leader's permission to act, which runs out unless a majority keeps confirming it. A leader whose lease ran out stops accepting writes."),
    ("fencing", "fencing", "Shutting out an old leader: with epochs and leases on, a leader that lost contact stops accepting writes, so two leaders never accept writes at once (no split brain)."),
    ("semi-sync", "semi-sync", "The leader confirms a write once at least one (or k) of its semi-sync followers has it, without waiting for all of them. Sync waits for that follower; async waits for none."),
    ("commit", "commit", "A log entry is committed once enough nodes hold it that it survives the leader crashing; the client is told it succeeded."),
    ("applied", "applied", "A log entry is applied once the node has written it into its key-value state, where reads see it."),
    ("quorum", "quorum", "A majority of the nodes (2 of 3, 3 of 5). Any two majorities share a node, which is why agreeing by majority is safe."),
    ("checker", "checker", "A program that reads the recorded history of what clients asked and were told, and proves an anomaly (a stale read, a lost write) from it. Every badge on this page is a checker's finding."),
];

/// The definition of `word`, if the glossary has it.
pub fn definition(word: &str) -> Option<&'static str> {
    TERMS.iter().find(|(w, ..)| *w == word).map(|(.., d)| *d)
}

/// `shown` as a link to the glossary entry of `word`, its definition as tooltip.
pub fn term(shown: &str, word: &str) -> Html {
    let Some((_, anchor, def)) = TERMS.iter().find(|(w, ..)| *w == word) else { return html! { { shown } } };
    // Following the link must not change the page's #fragment: that holds share links.
    let target = format!("glossary-{anchor}");
    let onclick = {
        let target = target.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            let el = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&target));
            if let Some(el) = el {
                el.scroll_into_view();
                super::help::focus_any(el);
            }
        })
    };
    html! { <a class="term" href={format!("#{target}")} title={*def} {onclick}>{ shown }</a> }
}

/// Every term and its meaning.
#[function_component(Glossary)]
pub fn glossary() -> Html {
    html! {
        <section class="panel glossary" aria-label="Glossary" id="glossary">
            <h2>{ "Words used here" }</h2>
            <dl>
                { for TERMS.iter().map(|(w, a, d)| html! {
                    <><dt id={format!("glossary-{a}")} tabindex="-1">{ *w }</dt><dd>{ *d }</dd></>
                }) }
            </dl>
        </section>
    }
}
