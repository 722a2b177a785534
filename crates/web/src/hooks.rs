//! Hooks that connect the page to the browser: an animation-frame loop that
//! dispatches `Action::Frame`, and the global keyboard shortcuts.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use gloo_render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

use crate::state::Action;

/// How long recent frames' work took, in milliseconds, newest last.
const FRAME_SAMPLES_MAX: usize = 600;

thread_local! {
    static FRAME_MS: RefCell<std::collections::VecDeque<f64>> = const { RefCell::new(std::collections::VecDeque::new()) };
}

/// Records one frame's work and, every 30 frames, publishes
/// `data-frame-ms="p50 p95 max count"` on `<body>` for the end-to-end test.
fn record_frame(ms: f64) {
    FRAME_MS.with(|f| {
        let mut f = f.borrow_mut();
        if f.len() == FRAME_SAMPLES_MAX {
            f.pop_front();
        }
        f.push_back(ms);
        if f.len() % 30 == 0 {
            let mut v: Vec<f64> = f.iter().copied().collect();
            v.sort_by(f64::total_cmp);
            let at = |q: usize| v[(v.len() - 1) * q / 100];
            let text = format!("{:.2} {:.2} {:.2} {}", at(50), at(95), at(100), v.len());
            if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
                let _ = body.set_attribute("data-frame-ms", &text);
            }
        }
    });
}

/// Calls `dispatch(Action::Frame(t))` on every animation frame while mounted,
/// and records how long each frame's work (reduce and render) took.
#[hook]
pub fn use_animation_frames(dispatch: Callback<Action>) {
    use_effect_with((), move |_| {
        let handle: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
        fn schedule(handle: Rc<RefCell<Option<AnimationFrame>>>, dispatch: Callback<Action>) {
            let next = handle.clone();
            let frame = request_animation_frame(move |t| {
                let perf = web_sys::window().and_then(|w| w.performance());
                let start = perf.as_ref().map(|p| p.now());
                dispatch.emit(Action::Frame(t));
                if let (Some(p), Some(start)) = (perf, start) {
                    record_frame(p.now() - start);
                }
                schedule(next, dispatch);
            });
            *handle.borrow_mut() = Some(frame);
        }
        schedule(handle.clone(), dispatch);
        move || {
            handle.borrow_mut().take();
        }
    });
}

/// Space play/pause, → step, ← step back, `?` help, Escape closes the help or the menu;
/// ignored while typing in a field.
#[hook]
pub fn use_shortcuts(dispatch: Callback<Action>) {
    use_effect_with((), move |_| {
        let document = web_sys::window().and_then(|w| w.document());
        let listener = document.map(|doc| {
            EventListener::new_with_options(&doc, "keydown", EventListenerOptions::enable_prevent_default(), move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
                let tag = e
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlElement>().ok())
                    .map(|el| el.tag_name())
                    .unwrap_or_default();
                let typing = matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA");
                // Space on a focused button presses that button.
                let space_taken = typing || tag == "BUTTON";
                let action = match e.key().as_str() {
                    " " if !space_taken => Some(Action::TogglePlay),
                    "ArrowRight" if !typing => Some(Action::StepForward),
                    "ArrowLeft" if !typing => Some(Action::StepBack),
                    "?" if !typing => Some(Action::ToggleHelp),
                    "Escape" => Some(Action::Escape),
                    _ => None,
                };
                if let Some(a) = action {
                    e.prevent_default();
                    dispatch.emit(a);
                }
            })
        });
        move || drop(listener)
    });
}
