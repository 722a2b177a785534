//! The Yew front end of Replication Playground.
//!
//! Components receive props and emit actions; the reducer in `state` applies
//! them. This crate talks only to the `playground` facade and must never reach
//! into the kernel's internals.

pub mod components;
pub mod hooks;
pub mod state;

use components::app::App;

/// Mounts the app on the document body. Called once by `main`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}

/// Mounts the app into a given element; used by tests and the embed API.
pub fn start_in(root: web_sys::Element) {
    yew::Renderer::<App>::with_root(root).render();
}
