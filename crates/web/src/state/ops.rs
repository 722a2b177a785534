//! The state changes behind the reducer: applying interventions, seeking,
//! advancing on animation frames, and turning drags and link clicks into
//! interventions. Kept apart from `mod.rs` so the reducer reads as a table.

use std::rc::Rc;

use playground::{presets, report, ScriptAction, Session};

use super::{Notice, State, ACHIEVED_WINDOW_REAL_MS, FRAME_REAL_MS_MAX, LOAD_SYNC_MS, SPEEDS, ZONE_X};
use crate::components::timeline::seconds;

/// A replay towards `target_us` that runs in slices across frames.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loading {
    pub from_us: u64,
    pub target_us: u64,
}

/// A replay slice advances in chunks of virtual time, doubling from the
/// smallest while chunks are cheap, up to the largest.
const LOAD_CHUNK_US_MIN: u64 = 10_000;
const LOAD_CHUNK_US_MAX: u64 = 2_000_000;

/// Everything the checkers' verdict depends on: operations issued, operations
/// still pending, role changes, and whether the run is at its end (final-state
/// checks run only there). Within one branch of a run these only grow, so an
/// unchanged key means an unchanged verdict; a seek or an intervention always
/// re-checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckKey {
    ops: usize,
    pending: usize,
    roles: usize,
    at_end: bool,
    /// The session judges lost writes and convergence on a time grid while
    /// the cluster is quiet, so a verdict can change with time alone.
    now_us: u64,
}

impl CheckKey {
    pub fn of(session: &Session) -> CheckKey {
        let history = session.history();
        CheckKey {
            ops: history.ops.len(),
            pending: history.ops.iter().filter(|r| r.outcome.is_none()).count(),
            roles: session.roles().len(),
            at_end: session.now_us() >= session.end_us(),
            now_us: session.now_us(),
        }
    }
}

impl State {
    pub(super) fn changed(&mut self) {
        self.version += 1;
        self.slow_version += 1;
        self.share_link = None;
    }

    /// Recomputes anomalies when forced (after a seek or an intervention) or
    /// when anything the checkers judge changed. Never throttled: a throttled
    /// verdict made a read "fresh" while playing and "stale" after scrubbing
    /// back to the same instant, and hid the end-of-run checks when a run
    /// played to its end.
    pub(super) fn refresh_anomalies(&mut self, force: bool) {
        let key = CheckKey::of(&self.session.borrow());
        if force || self.anomalies_key != Some(key) {
            self.anomalies = Rc::new(report::anomalies(&self.session.borrow()));
            self.anomalies_key = Some(key);
        }
    }

    /// One step forward or back, saying which events it processed.
    pub(super) fn step(&mut self, forward: bool) {
        self.playing = false;
        let result = {
            let mut session = self.session.borrow_mut();
            if forward {
                session.step_forward()
            } else {
                session.step_back()
            }
        };
        match result {
            Ok(events) => {
                let at = seconds(self.now_us());
                self.step_note = Some(match events.as_slice() {
                    [] => format!("At {at}: nothing more happens; this is the end of the run."),
                    [one] => format!("At {at}: {one}."),
                    [first, rest @ ..] => format!(
                        "At {at}: {first}, and {} more: {}.",
                        rest.len(),
                        rest.iter().take(3).cloned().collect::<Vec<_>>().join("; ")
                            + if rest.len() > 3 { "; …" } else { "" }
                    ),
                });
            }
            Err(e) => self.fail(e.to_string()),
        }
        self.changed();
        self.refresh_anomalies(true);
        self.sync_compare();
    }

    /// True if opening another scenario would throw away something the
    /// person did: time played, or interventions beyond the preset's own.
    pub(super) fn run_would_be_lost(&self) -> bool {
        let session = self.session.borrow();
        session.now_us() > 0 || presets::find(&self.preset).is_none_or(|p| p.script != session.scenario().script)
    }

    /// Opens preset `name`, keeping the page's own settings.
    pub(super) fn open_preset(self, name: String) -> Rc<State> {
        match presets::find(&name).map(|scenario| State::with_scenario(scenario, &name)) {
            Some(Ok(next)) => {
                Rc::new(State { embed: self.embed, speed_index: self.speed_index, version: self.version + 1, ..next })
            }
            Some(Err(e)) => {
                let mut s = self;
                s.fail(e);
                Rc::new(s)
            }
            None => {
                let mut s = self;
                s.fail(format!("There is no preset called \"{name}\". Pick one from the Scenario list."));
                Rc::new(s)
            }
        }
    }

    pub(super) fn fail(&mut self, text: String) {
        self.notice = Some(Notice { text, error: true });
    }

    pub(super) fn intervene(&mut self, action: ScriptAction) {
        let result = self.session.borrow_mut().intervene(action.clone());
        match result {
            Ok(()) => {
                self.notice = None;
                self.intervene_compare(action);
            }
            Err(e) => self.fail(e.to_string()),
        }
        self.changed();
        self.refresh_anomalies(true);
        self.sync_compare();
    }

    /// Moves to `t_us`. Back: at once (a checkpoint and a bounded replay).
    /// Forward: for up to `LOAD_SYNC_MS` now, the rest in slices across frames.
    pub(super) fn seek(&mut self, t_us: u64) {
        self.step_note = None;
        self.loading = None;
        let t_us = t_us.min(self.session.borrow().end_us());
        if t_us <= self.now_us() {
            let result = self.session.borrow_mut().seek(t_us);
            if let Err(e) = result {
                self.hit_limit(e.to_string());
            }
            self.changed();
            self.refresh_anomalies(true);
            self.sync_compare();
            return;
        }
        self.loading = Some(Loading { from_us: self.now_us(), target_us: t_us });
        self.load_slice(LOAD_SYNC_MS);
    }

    /// Replays towards the loading target for about `budget_ms` of real time.
    pub(super) fn load_slice(&mut self, budget_ms: f64) {
        let Some(loading) = self.loading.clone() else { return };
        let perf = web_sys::window().and_then(|w| w.performance());
        let start = perf.as_ref().map_or(0.0, |p| p.now());
        let mut chunk_us = LOAD_CHUNK_US_MIN;
        loop {
            let now = self.now_us();
            if now >= loading.target_us {
                self.loading = None;
                break;
            }
            let t0 = perf.as_ref().map_or(0.0, |p| p.now());
            let result = self.session.borrow_mut().advance_to((now + chunk_us).min(loading.target_us));
            if let Err(e) = result {
                self.loading = None;
                self.hit_limit(e.to_string());
                break;
            }
            let t1 = perf.as_ref().map_or(budget_ms, |p| p.now());
            if t1 - start >= budget_ms {
                break;
            }
            // Grow the chunk while chunks are cheap, so light runs load in a few steps.
            if t1 - t0 < budget_ms / 8.0 {
                chunk_us = (chunk_us * 2).min(LOAD_CHUNK_US_MAX);
            }
        }
        self.changed();
        if self.loading.is_none() {
            self.refresh_anomalies(true);
        }
        self.sync_compare();
    }

    /// Stops a long replay where it is: the page is usable at that time.
    pub(super) fn cancel_loading(&mut self) {
        if let Some(l) = self.loading.take() {
            let (at, target) = (seconds(self.now_us()), seconds(l.target_us));
            self.notice = Some(Notice {
                text: format!("Stopped replaying at {at} (the link pointed at {target}). Everything up to here can be explored; press play to go on."),
                error: false,
            });
            self.changed();
            self.refresh_anomalies(true);
            self.sync_compare();
        }
    }

    /// A limit of the simulation was reached: say which, and what to do. The
    /// page stays usable at the time reached.
    fn hit_limit(&mut self, error: String) {
        self.playing = false;
        let at = seconds(self.now_us());
        self.fail(format!(
            "The run stopped at {at}: {error}. Everything up to {at} can still be explored. To run further, use fewer clients, lower workload rates or a shorter duration."
        ));
    }

    pub(super) fn frame(&mut self, now_ms: f64) {
        let last = self.last_frame_ms.replace(now_ms);
        if !self.playing {
            return;
        }
        let Some(last) = last else { return };
        let (num, den, _) = SPEEDS[self.speed_index.min(SPEEDS.len() - 1)];
        let real_us = ((now_ms - last).clamp(0.0, FRAME_REAL_MS_MAX) * 1000.0) as u64;
        // No cap on virtual time per frame beyond the real-time clamp: a cap of
        // 100 ms per frame made "10×" run at 6× at 60 frames per second.
        let step_us = (real_us * num / den).max(1);
        let target = self.now_us() + step_us;
        let end = self.session.borrow().end_us();
        let result = self.session.borrow_mut().advance_to(target.min(end));
        if let Err(e) = result {
            self.hit_limit(e.to_string());
        }
        if target >= end {
            self.playing = false;
        }
        self.version += 1;
        if self.version.is_multiple_of(super::WHY_EVERY_FRAMES) || !self.playing {
            self.slow_version += 1;
        }
        self.refresh_anomalies(false);
        self.sync_compare();
        self.measure_speed(now_ms);
    }

    /// Updates the achieved speed once per `ACHIEVED_WINDOW_REAL_MS`.
    fn measure_speed(&mut self, now_ms: f64) {
        let now_us = self.now_us();
        match self.speed_anchor {
            None => self.speed_anchor = Some((now_ms, now_us)),
            Some((real, virt)) if now_ms - real >= ACHIEVED_WINDOW_REAL_MS => {
                let permille = (now_us.saturating_sub(virt) as f64 / (now_ms - real)).round() as u64;
                self.achieved_speed_permille = Some(permille);
                self.speed_anchor = Some((now_ms, now_us));
            }
            Some(_) => {}
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
        self.repartition(&drag.node, drag.start.0 >= ZONE_X);
    }

    /// Moves a node into the partition zone or back out, as a drag would:
    /// the keyboard's way to partition (from the node's menu).
    pub(super) fn toggle_zone(&mut self, node: &str) {
        let view = playground::ClusterView::of(&self.session.borrow());
        let Some(n) = view.node(node) else { return };
        let was_in = n.x_px >= ZONE_X;
        let (x, y) = if was_in {
            let i = view.nodes.iter().position(|m| m.id == node).unwrap_or(0);
            let (x, y) = playground::view::circle_position(i, view.nodes.len());
            (x.min(ZONE_X - 60), y)
        } else {
            let already = view.nodes.iter().filter(|m| m.x_px >= ZONE_X).count() as i32;
            (ZONE_X + 100, 130 + (already % 6) * 95)
        };
        self.session.borrow_mut().set_position(node, x, y);
        self.repartition(node, was_in);
    }

    /// After `node` moved (it was in the zone or not), partitions the nodes
    /// in the zone from the rest, or heals when one side is empty.
    fn repartition(&mut self, node: &str, was_in: bool) {
        let view = playground::ClusterView::of(&self.session.borrow());
        let Some(moved) = view.node(node) else { return };
        let now_in = moved.x_px >= ZONE_X;
        if was_in == now_in {
            self.changed();
            return;
        }
        let zone: Vec<String> = view
            .nodes
            .iter()
            .filter(|n| n.x_px >= ZONE_X && n.role != playground::Role::Offline || n.id == node && now_in)
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
