//! Page state and the one reducer that changes it.
//!
//! `State` holds the running [`Session`] and what the page shows around it;
//! [`Action`] is everything a person can do. Components dispatch actions;
//! only [`State::reduce`] changes state. The page never mutates the
//! simulation directly: every change to it is a [`ScriptAction`] that the
//! session records at the current virtual time.

use std::cell::RefCell;
use std::rc::Rc;

use playground::{presets, Anomaly, Scenario, ScriptAction, Session};
use yew::Reducible;

mod ops;
mod why;

pub use why::{CompareSide, WhyPanel, WhyView, DIAGRAM_WINDOWS_US, WHY_EVERY_FRAMES};

/// Virtual microseconds per real millisecond, slow motion to fast, on a log scale.
pub const SPEEDS: [(u64, u64, &str); 9] = [
    (1, 1000, "1/1000×"),
    (1, 300, "1/300×"),
    (1, 100, "1/100×"),
    (1, 30, "1/30×"),
    (1, 10, "1/10×"),
    (1, 3, "1/3×"),
    (1, 1, "1×"),
    (3, 1, "3×"),
    (10, 1, "10×"),
];
/// The speed the page opens with.
pub const DEFAULT_SPEED_INDEX: usize = 4;
/// Frames longer than this (tab in background, or a frame whose work took
/// long) count as this long, so engine work per frame is bounded by
/// `FRAME_REAL_MS_MAX` times the fastest speed (1 s of virtual time at 10×).
/// When frames take longer than this, the run falls behind the chosen speed
/// and the timeline shows the speed actually achieved.
pub const FRAME_REAL_MS_MAX: f64 = 100.0;
/// A seek forward runs synchronously for at most this long (real ms); the
/// rest of the replay runs in slices across frames, with a progress bar.
pub const LOAD_SYNC_MS: f64 = 60.0;
/// Replay work per animation frame, real milliseconds.
pub const LOAD_SLICE_FRAME_MS: f64 = 12.0;
/// The achieved speed is measured over windows of this many real milliseconds.
pub const ACHIEVED_WINDOW_REAL_MS: f64 = 1_000.0;
/// Appended to a share fragment when Compare mode is on.
pub const COMPARE_SUFFIX: &str = "&compare";
/// The canvas's partition zone starts at this x (canvas units).
pub const ZONE_X: i32 = 790;

/// A message for the person: an error they caused, or news.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

/// A node being dragged.
#[derive(Clone, Debug, PartialEq)]
pub struct Drag {
    pub node: String,
    pub start: (i32, i32),
    pub moved: bool,
}

/// Everything the page shows.
#[derive(Clone)]
pub struct State {
    pub session: Rc<RefCell<Session>>,
    /// Bumped whenever the session changes, so components re-render.
    pub version: u64,
    pub playing: bool,
    pub speed_index: usize,
    pub last_frame_ms: Option<f64>,
    pub selected: Option<String>,
    pub menu_open: bool,
    pub drag: Option<Drag>,
    pub help_open: bool,
    pub notice: Option<Notice>,
    pub highlighted_ops: Vec<u64>,
    /// What the checkers found at the current time. Recomputed whenever
    /// what they judge changed (see `ops::CheckKey`), so what the page shows
    /// at time t never depends on how one got to t.
    pub anomalies: Rc<Vec<Anomaly>>,
    pub anomalies_key: Option<ops::CheckKey>,
    /// What the last step processed, in words.
    pub step_note: Option<String>,
    /// (real ms, virtual µs) where the current achieved-speed window began.
    pub speed_anchor: Option<(f64, u64)>,
    /// Virtual µs per real ms actually achieved in the last window, ×1000.
    pub achieved_speed_permille: Option<u64>,
    /// A replay towards a time, running in slices across frames.
    pub loading: Option<ops::Loading>,
    /// A preset the person picked while a run of theirs would be lost: it
    /// opens only once they confirm.
    pub pending_preset: Option<String>,
    pub preset: String,
    pub share_link: Option<String>,
    pub embed: bool,
    /// Leaderless: the key whose preference list the ring highlights.
    pub key_chosen: Option<String>,
    /// Which explanation panels are open, and how they are set.
    pub why: WhyView,
    /// Bumped when the explanation panels should recompute: after every
    /// change, and while playing once per `WHY_EVERY_FRAMES` frames.
    pub slow_version: u64,
    /// The second side of a Compare run, if one is shown.
    pub compare: Option<CompareSide>,
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
            && self.playing == other.playing
            && self.speed_index == other.speed_index
            && self.selected == other.selected
            && self.menu_open == other.menu_open
            && self.drag == other.drag
            && self.help_open == other.help_open
            && self.notice == other.notice
            && self.highlighted_ops == other.highlighted_ops
            && Rc::ptr_eq(&self.anomalies, &other.anomalies)
            && self.preset == other.preset
            && self.share_link == other.share_link
            && self.key_chosen == other.key_chosen
            && self.step_note == other.step_note
            && self.achieved_speed_permille == other.achieved_speed_permille
            && self.pending_preset == other.pending_preset
            && self.loading == other.loading
            && self.why == other.why
            && self.slow_version == other.slow_version
            && self.compare == other.compare
    }
}

/// What a person can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// An animation frame at this real time (ms).
    Frame(f64),
    TogglePlay,
    /// Run to the next event and pause.
    StepForward,
    /// Go back to the previous event and pause.
    StepBack,
    SetSpeed(usize),
    /// Move the timeline to a virtual time, in either direction.
    Seek(u64),
    Select(Option<String>),
    OpenMenu(String),
    CloseMenu,
    /// Escape: closes the help overlay if it is open, otherwise the node menu.
    Escape,
    /// Apply an intervention now: crash, partition, write, change a setting ...
    Intervene(ScriptAction),
    DragStart {
        node: String,
        x: i32,
        y: i32,
    },
    DragMove {
        x: i32,
        y: i32,
    },
    DragEnd,
    /// Cut a link if it is up, restore it if it is cut.
    ToggleLink {
        from: String,
        to: String,
    },
    /// Pick a preset: it opens at once, or after `ConfirmPreset` if a run would be lost.
    LoadPreset(String),
    ConfirmPreset,
    CancelPreset,
    /// Stop a long replay where it is.
    CancelLoading,
    /// Move a node into the partition zone (cutting it off) or back out (healing).
    ToggleZone(String),
    /// Open a share link's fragment; a broken one leaves the default scenario and a notice.
    LoadShare(String),
    MakeShareLink,
    ToggleHelp,
    DismissNotice,
    /// Seek to an anomaly and highlight its operations.
    FocusAnomaly(usize),
    /// Seek to a moment and highlight these operations (a conflict's writes).
    FocusOps {
        at_us: u64,
        ops: Vec<u64>,
    },
    /// Leaderless: highlight this key's preference list on the ring.
    ChooseKey(Option<String>),
    /// Highlight these operations without moving the playhead (a bar in the diagram).
    HighlightOps(Vec<u64>),
    /// Pick a message in the diagram.
    SelectMessage(Option<u64>),
    TogglePanel(WhyPanel),
    /// The diagram's window length, virtual µs.
    SetDiagramWindow(u64),
    /// The narration's node filter (`None`: every node).
    SetNarrationNode(Option<String>),
    /// The narration's kind filter (`None`: every kind).
    SetNarrationKind(Option<playground::narration::LineKind>),
    /// Show or hide the compared side of the scenario's compare section.
    ToggleCompare,
}

impl State {
    /// A state running `scenario` (paused at 0).
    pub fn with_scenario(scenario: Scenario, preset: &str) -> Result<State, String> {
        let session = Session::new(scenario).map_err(|e| e.to_string())?;
        Ok(State::with_session(session, preset))
    }

    fn with_session(session: Session, preset: &str) -> State {
        let mut s = State {
            session: Rc::new(RefCell::new(session)),
            version: 0,
            playing: false,
            speed_index: DEFAULT_SPEED_INDEX,
            last_frame_ms: None,
            selected: None,
            menu_open: false,
            drag: None,
            help_open: false,
            notice: None,
            highlighted_ops: Vec::new(),
            anomalies: Rc::new(Vec::new()),
            anomalies_key: None,
            step_note: None,
            speed_anchor: None,
            achieved_speed_permille: None,
            pending_preset: None,
            loading: None,
            preset: preset.to_string(),
            share_link: None,
            embed: false,
            key_chosen: None,
            why: WhyView::default(),
            slow_version: 0,
            compare: None,
        };
        s.refresh_anomalies(true);
        s
    }

    /// The state for a page opened with `fragment` after `#` (may be empty).
    /// A trailing `&compare` (a share link or a preset link) opens Compare mode.
    pub fn from_fragment(fragment: &str) -> State {
        let fragment = fragment.trim_start_matches('#');
        match fragment.strip_suffix(COMPARE_SUFFIX) {
            Some(rest) => {
                let mut s = State::open_fragment(rest);
                if s.session.borrow().scenario().compare.is_some() {
                    s.toggle_compare();
                }
                s
            }
            None => State::open_fragment(fragment),
        }
    }

    fn open_fragment(fragment: &str) -> State {
        if fragment.is_empty() || fragment.starts_with("glossary") {
            return State::default();
        }
        if let Some(name) = fragment.strip_prefix("preset=") {
            return match presets::find(name) {
                Some(scenario) => State::with_scenario(scenario, name).unwrap_or_default(),
                None => State {
                    notice: Some(Notice {
                        text: format!("No preset named \"{name}\"; opened the default scenario."),
                        error: true,
                    }),
                    ..State::default()
                },
            };
        }
        // The replay to the link's time runs in slices (see `ops::Loading`):
        // a heavy link must not freeze the tab.
        let opened = playground::share::decode(fragment)
            .map_err(playground::SessionError::from)
            .and_then(|shared| Ok((Session::new(shared.scenario)?, shared.at_us)));
        match opened {
            Ok((session, at_us)) => {
                let mut s = State::with_session(session, "");
                s.seek(at_us);
                s
            }
            Err(e) => {
                let e = e.to_string();
                let stop = if e.ends_with(['.', '?', '!']) { "" } else { "." };
                let text = format!("{e}{stop} Opened the default scenario instead.");
                State { notice: Some(Notice { text, error: true }), ..State::default() }
            }
        }
    }

    /// The current virtual time.
    pub fn now_us(&self) -> u64 {
        self.session.borrow().now_us()
    }
}

impl Default for State {
    fn default() -> Self {
        State::with_scenario(presets::default_scenario(), "default").expect("the default preset runs")
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Frame(now_ms) => {
                if s.loading.is_some() {
                    s.last_frame_ms = Some(now_ms);
                    s.load_slice(LOAD_SLICE_FRAME_MS);
                    return Rc::new(s);
                }
                if !s.playing && s.last_frame_ms.is_some() {
                    // Nothing moves while paused: keep the same Rc so nothing re-renders.
                    return self;
                }
                s.frame(now_ms);
            }
            Action::TogglePlay if s.loading.is_some() => s.cancel_loading(),
            Action::TogglePlay => {
                s.playing = !s.playing;
                s.last_frame_ms = None;
                s.speed_anchor = None;
                s.achieved_speed_permille = None;
                s.step_note = None;
                if s.now_us() >= s.session.borrow().end_us() {
                    s.playing = false;
                }
            }
            Action::StepForward => s.step(true),
            Action::StepBack => s.step(false),
            Action::SetSpeed(i) => {
                s.speed_index = i.min(SPEEDS.len() - 1);
                s.speed_anchor = None;
                s.achieved_speed_permille = None;
            }
            Action::Seek(t) => {
                s.playing = false;
                s.seek(t);
            }
            Action::ChooseKey(key) => s.key_chosen = key,
            Action::Select(id) => {
                s.selected = id;
                s.menu_open = false;
            }
            Action::OpenMenu(id) => {
                s.selected = Some(id);
                s.menu_open = true;
            }
            Action::CloseMenu => s.menu_open = false,
            Action::Escape => {
                if s.help_open {
                    s.help_open = false;
                } else {
                    s.menu_open = false;
                }
            }
            Action::Intervene(a) => {
                s.menu_open = false;
                s.intervene(a);
            }
            Action::DragStart { node, x, y } => {
                let _ = (x, y);
                let start = {
                    let view = playground::ClusterView::of(&s.session.borrow());
                    view.node(&node).map_or((0, 0), |n| (n.x_px, n.y_px))
                };
                s.drag = Some(Drag { node, start, moved: false });
            }
            Action::DragMove { x, y } => {
                let Some(drag) = s.drag.as_mut() else { return self };
                if (x - drag.start.0).abs() + (y - drag.start.1).abs() > 6 {
                    drag.moved = true;
                }
                if drag.moved {
                    s.session.borrow_mut().set_position(&drag.node, x, y);
                    s.version += 1;
                }
            }
            Action::DragEnd => s.drag_end(),
            Action::ToggleLink { from, to } => s.toggle_link(from, to),
            Action::LoadPreset(name) => {
                if name == s.preset {
                    s.pending_preset = None;
                } else if s.run_would_be_lost() {
                    s.pending_preset = Some(name);
                } else {
                    return s.open_preset(name);
                }
            }
            Action::ConfirmPreset => {
                if let Some(name) = s.pending_preset.take() {
                    return s.open_preset(name);
                }
            }
            Action::CancelPreset => s.pending_preset = None,
            Action::CancelLoading => s.cancel_loading(),
            Action::ToggleZone(node) => {
                s.menu_open = false;
                s.toggle_zone(&node);
            }
            Action::LoadShare(fragment) => {
                let next = State::from_fragment(&fragment);
                return Rc::new(State { embed: s.embed, version: s.version + 1, ..next });
            }
            Action::MakeShareLink => {
                let fragment = s.session.borrow().share_fragment();
                let suffix = if s.compare.is_some() { COMPARE_SUFFIX } else { "" };
                s.share_link = Some(format!("{fragment}{suffix}"));
            }
            Action::ToggleHelp => s.help_open = !s.help_open,
            Action::DismissNotice => s.notice = None,
            Action::FocusAnomaly(i) => {
                if let Some(a) = s.anomalies.get(i).cloned() {
                    s.playing = false;
                    s.seek(a.at_us);
                    s.highlighted_ops = a.ops.iter().map(|o| o.0).collect();
                }
            }
            Action::FocusOps { at_us, ops } => {
                s.playing = false;
                s.seek(at_us);
                s.highlighted_ops = ops;
            }
            Action::HighlightOps(ops) => s.highlighted_ops = ops,
            Action::SelectMessage(msg) => s.why.selected_msg = msg,
            Action::TogglePanel(panel) => s.toggle_panel(panel),
            Action::SetDiagramWindow(w) => {
                s.why.diagram_window_us = w;
                s.slow_version += 1;
            }
            Action::SetNarrationNode(node) => {
                s.why.narration_node = node;
                s.slow_version += 1;
            }
            Action::SetNarrationKind(kind) => {
                s.why.narration_kind = kind;
                s.slow_version += 1;
            }
            Action::ToggleCompare => s.toggle_compare(),
        }
        Rc::new(s)
    }
}
