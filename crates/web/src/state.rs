//! Page state and the one reducer that changes it.
//!
//! `State` holds what the page shows; `Action` is everything a person can do.
//! Components dispatch actions; only `State::reduce` changes state.

use std::rc::Rc;

use playground::{presets, ClusterView, Session};
use yew::Reducible;

/// Everything the page shows.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub cluster: ClusterView,
    pub selected: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        let session = Session::new(presets::default_scenario()).expect("the default preset runs");
        State { cluster: ClusterView::of(&session), selected: None }
    }
}

/// What a person can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Select a node by id, or clear the selection with `None`.
    Select(Option<String>),
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Select(id) => Rc::new(State { selected: id, ..(*self).clone() }),
        }
    }
}
