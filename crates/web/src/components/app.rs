//! The app shell: header and canvas, wired to the reducer.

use yew::prelude::*;

use super::canvas::Canvas;
use crate::state::{Action, State};

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::default);
    let on_select = {
        let state = state.clone();
        Callback::from(move |id: String| state.dispatch(Action::Select(Some(id))))
    };
    html! {
        <div class="app">
            <header class="topbar">
                <h1>{ "Replication Playground" }</h1>
                <p class="tagline">{ "Watch a cluster replicate writes, then break it on purpose." }</p>
            </header>
            <main>
                <Canvas cluster={state.cluster.clone()} selected={state.selected.clone()} {on_select} />
            </main>
        </div>
    }
}
