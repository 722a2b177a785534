//! Hooks that connect the page to the browser: an animation-frame loop that
//! dispatches `Action::Frame`, and the global keyboard shortcuts.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use gloo_render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

use crate::state::Action;

/// How many recent frames' work times are kept, in milliseconds.
pub const FRAME_SAMPLES_MAX: usize = 600;
/// The statistics are published once per this many frames.
pub const FRAME_PUBLISH_EVERY: u64 = 30;

/// How long recent frames' work took, newest last, and how many frames were seen.
#[derive(Debug, Default)]
pub struct FrameStats {
    samples: VecDeque<f64>,
    frames: u64,
}

impl FrameStats {
    /// Records one frame's work. Every `FRAME_PUBLISH_EVERY` frames it returns
    /// `"p50 p95 max count"` to publish. (It used to test the buffer's length,
    /// which stays at its maximum once full: it then published every frame.)
    pub fn record(&mut self, ms: f64) -> Option<String> {
        if self.samples.len() == FRAME_SAMPLES_MAX {
            self.samples.pop_front();
        }
        self.samples.push_back(ms);
        self.frames += 1;
        if !self.frames.is_multiple_of(FRAME_PUBLISH_EVERY) {
            return None;
        }
        let mut v: Vec<f64> = self.samples.iter().copied().collect();
        v.sort_by(f64::total_cmp);
        let at = |q: usize| v[(v.len() - 1) * q / 100];
        Some(format!("{:.2} {:.2} {:.2} {}", at(50), at(95), at(100), v.len()))
    }
}

thread_local! {
    static FRAME_STATS: RefCell<FrameStats> = RefCell::new(FrameStats::default());
}

/// Records one frame's work and, every `FRAME_PUBLISH_EVERY` frames, publishes
/// `data-frame-ms="p50 p95 max count"` on `<body>` for the end-to-end test.
fn record_frame(ms: f64) {
    let Some(text) = FRAME_STATS.with(|f| f.borrow_mut().record(ms)) else { return };
    if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
        let _ = body.set_attribute("data-frame-ms", &text);
    }
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
