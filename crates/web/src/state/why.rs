//! What the "why" panels need from the state: which of them are open, the
//! narration filter, the diagram's window, and the compared side of a
//! Compare run (a second session kept at the same virtual time as the first,
//! receiving the same interventions).

use std::cell::RefCell;
use std::rc::Rc;

use playground::narration::LineKind;
use playground::{compare, report, Anomaly, ScriptAction, Session};

use super::ops::CheckKey;
use super::State;

/// Diagram window lengths a person can pick, virtual µs.
pub const DIAGRAM_WINDOWS_US: [u64; 4] = [250_000, 1_000_000, 3_000_000, 10_000_000];
/// The diagram window the page opens with.
pub const DIAGRAM_WINDOW_US_DEFAULT: u64 = 1_000_000;
/// While playing, the diagram, guarantees and narration are recomputed once
/// per this many frames (always at once after a seek or an intervention).
pub const WHY_EVERY_FRAMES: u64 = 4;

/// Which explanation panels are open and how they are set.
#[derive(Clone, Debug, PartialEq)]
pub struct WhyView {
    pub guarantees_open: bool,
    pub narration_open: bool,
    pub diagram_open: bool,
    pub diagram_window_us: u64,
    pub narration_node: Option<String>,
    pub narration_kind: Option<LineKind>,
    /// A message picked in the diagram.
    pub selected_msg: Option<u64>,
}

impl Default for WhyView {
    fn default() -> Self {
        WhyView {
            guarantees_open: true,
            narration_open: true,
            diagram_open: true,
            diagram_window_us: DIAGRAM_WINDOW_US_DEFAULT,
            narration_node: None,
            narration_kind: None,
            selected_msg: None,
        }
    }
}

/// Which panel a toggle opens or closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhyPanel {
    Guarantees,
    Narration,
    Diagram,
}

/// The second side of a Compare run.
#[derive(Clone)]
pub struct CompareSide {
    pub session: Rc<RefCell<Session>>,
    pub label: String,
    pub anomalies: Rc<Vec<Anomaly>>,
    key: Option<CheckKey>,
    /// Where the two sides' anomalies first differ, so far.
    pub first_difference_us: Option<u64>,
}

impl PartialEq for CompareSide {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
            && Rc::ptr_eq(&self.anomalies, &other.anomalies)
            && self.first_difference_us == other.first_difference_us
    }
}

impl State {
    pub(super) fn toggle_panel(&mut self, panel: WhyPanel) {
        let v = &mut self.why;
        match panel {
            WhyPanel::Guarantees => v.guarantees_open = !v.guarantees_open,
            WhyPanel::Narration => v.narration_open = !v.narration_open,
            WhyPanel::Diagram => v.diagram_open = !v.diagram_open,
        }
        self.slow_version += 1;
    }

    /// Turns Compare on (a second session from the scenario's compare
    /// section, at the current time) or off.
    pub(super) fn toggle_compare(&mut self) {
        if self.compare.take().is_some() {
            self.version += 1;
            return;
        }
        let (other, label, now) = {
            let session = self.session.borrow();
            let label = session.scenario().compare.as_ref().map(|c| c.label.clone());
            (compare::other_side(session.scenario()), label, session.now_us())
        };
        let (Ok(Some(scenario)), Some(label)) = (other, label) else {
            self.fail("This scenario has nothing to compare with.".to_string());
            return;
        };
        let opened = Session::new(scenario).and_then(|mut s| s.advance_to(now).map(|_| s));
        match opened {
            Ok(session) => {
                self.compare = Some(CompareSide {
                    session: Rc::new(RefCell::new(session)),
                    label,
                    anomalies: Rc::new(Vec::new()),
                    key: None,
                    first_difference_us: None,
                });
                self.sync_compare();
                self.version += 1;
            }
            Err(e) => self.fail(format!("The compared side could not start: {e}")),
        }
    }

    /// Brings the compared side to the first side's time and re-checks it
    /// when what its checkers judge changed.
    pub(super) fn sync_compare(&mut self) {
        let now = self.now_us();
        let Some(c) = self.compare.as_mut() else { return };
        let at = c.session.borrow().now_us();
        let result = if now >= at { c.session.borrow_mut().advance_to(now) } else { c.session.borrow_mut().seek(now) };
        let key = CheckKey::of(&c.session.borrow());
        let mut error = result.err().map(|e| e.to_string());
        if c.key != Some(key) {
            c.anomalies = Rc::new(report::anomalies(&c.session.borrow()));
            c.key = Some(key);
        }
        c.first_difference_us = compare::first_difference_us(&self.anomalies, &c.anomalies);
        if let Some(e) = error.take() {
            self.fail(format!("The compared side stopped: {e}"));
        }
    }

    /// The same intervention on the compared side, at the same time.
    pub(super) fn intervene_compare(&mut self, action: ScriptAction) {
        self.sync_compare();
        let Some(c) = self.compare.as_mut() else { return };
        let result = c.session.borrow_mut().intervene(action);
        c.key = None;
        if let Err(e) = result {
            self.fail(format!("The compared side refused it: {e}"));
        }
        self.sync_compare();
    }
}
