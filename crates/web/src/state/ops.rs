//! The state changes behind the reducer: applying interventions, seeking,
//! advancing on animation frames, and turning drags and link clicks into
//! interventions. Kept apart from `mod.rs` so the reducer reads as a table.

use std::rc::Rc;

use playground::{report, ScriptAction};

use super::{Notice, State, CHECK_EVERY_REAL_MS, FRAME_REAL_MS_MAX, FRAME_VIRTUAL_US_MAX, SPEEDS, ZONE_X};

impl State {
    pub(super) fn changed(&mut self) {
        self.version += 1;
        self.share_link = None;
    }

    /// Recomputes anomalies when forced or when time moved by 250 ms or more.
    pub(super) fn refresh_anomalies(&mut self, force: bool) {
        let now = self.now_us();
        let stale = self.anomalies_at_us.is_none_or(|at| now < at || now - at >= 250_000);
        if force || stale {
            self.anomalies = Rc::new(report::anomalies(&self.session.borrow()));
            self.anomalies_at_us = Some(now);
        }
    }

    pub(super) fn fail(&mut self, text: String) {
        self.notice = Some(Notice { text, error: true });
    }

    pub(super) fn intervene(&mut self, action: ScriptAction) {
        let result = self.session.borrow_mut().intervene(action);
        match result {
            Ok(()) => self.notice = None,
            Err(e) => self.fail(e.to_string()),
        }
        self.changed();
        self.refresh_anomalies(true);
    }

    pub(super) fn seek(&mut self, t_us: u64) {
        let result = self.session.borrow_mut().seek(t_us);
        if let Err(e) = result {
            self.fail(e.to_string());
        }
        self.changed();
        self.refresh_anomalies(true);
    }

    pub(super) fn frame(&mut self, now_ms: f64) {
        let last = self.last_frame_ms.replace(now_ms);
        if !self.playing {
            return;
        }
        let Some(last) = last else { return };
        let (num, den, _) = SPEEDS[self.speed_index.min(SPEEDS.len() - 1)];
        let real_us = ((now_ms - last).clamp(0.0, FRAME_REAL_MS_MAX) * 1000.0) as u64;
        let step_us = (real_us * num / den).clamp(1, FRAME_VIRTUAL_US_MAX);
        let target = self.now_us() + step_us;
        let end = self.session.borrow().end_us();
        let result = self.session.borrow_mut().advance_to(target.min(end));
        if let Err(e) = result {
            self.fail(e.to_string());
            self.playing = false;
        }
        if target >= end {
            self.playing = false;
        }
        self.version += 1;
        if self.anomalies_real_ms.is_none_or(|t| now_ms - t >= CHECK_EVERY_REAL_MS) {
            self.anomalies_real_ms = Some(now_ms);
            self.refresh_anomalies(false);
        }
    }

    pub(super) fn toggle_link(&mut self, from: String, to: String) {
        let cut = {
            let session = self.session.borrow();
            let view = playground::ClusterView::of(&session);
            view.links.iter().any(|l| l.cut && ((l.from == from && l.to == to) || (l.from == to && l.to == from)))
        };
        let pair = [(from.clone(), to.clone()), (to, from)];
        for (a, b) in pair {
            self.intervene(if cut {
                ScriptAction::RestoreLink { from: a, to: b }
            } else {
                ScriptAction::CutLink { from: a, to: b }
            });
        }
    }

    pub(super) fn drag_end(&mut self) {
        let Some(drag) = self.drag.take() else { return };
        if !drag.moved {
            self.selected = Some(drag.node.clone());
            self.menu_open = true;
            return;
        }
        let view = playground::ClusterView::of(&self.session.borrow());
        let Some(node) = view.node(&drag.node) else { return };
        let (was_in, now_in) = (drag.start.0 >= ZONE_X, node.x_px >= ZONE_X);
        if was_in == now_in {
            return;
        }
        let zone: Vec<String> = view
            .nodes
            .iter()
            .filter(|n| n.x_px >= ZONE_X && n.role != playground::Role::Offline || n.id == drag.node && now_in)
            .map(|n| n.id.clone())
            .collect();
        let rest: Vec<String> = view.nodes.iter().filter(|n| !zone.contains(&n.id)).map(|n| n.id.clone()).collect();
        if zone.is_empty() || rest.is_empty() {
            self.intervene(ScriptAction::Heal);
        } else {
            self.intervene(ScriptAction::Partition(vec![rest, zone]));
        }
    }
}
