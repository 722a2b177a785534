//! Random faults for `rp sweep --random-faults N`: a static script cannot
//! differ per seed, so the sweep appends N crash, restart, partition and heal
//! interventions drawn from the seed's own fault stream
//! (`Rng::derive(seed, Stream::Faults)`) to each seed's copy of the script.
//!
//! Faults fall in the middle of the run, between `FAULTS_FROM_PERMILLE` and
//! `FAULTS_UNTIL_PERMILLE` of the duration. At the end of that window every
//! node the faults crashed is restarted and the network healed, and the rest
//! of the run is settle time in which the cluster converges, so the final
//! state checks (lost writes, divergence) judge a healed cluster.

use playground::{Scenario, ScriptAction, ScriptEntry};
use sim::{Rng, Stream};

/// The first fault comes after this share (per mille) of the run: the
/// cluster has elected its first leader and taken writes.
const FAULTS_FROM_PERMILLE: u64 = 100;
/// Faults stop, and everything is healed, at this share of the run; the rest
/// is settle time.
const FAULTS_UNTIL_PERMILLE: u64 = 600;
/// The most faults one seed may draw; the script itself is bounded too.
pub const RANDOM_FAULTS_MAX: u32 = 1_000;

/// `scenario` with `count` random faults for `seed` merged into its script
/// in time order, followed by the restarts and the heal.
pub fn with_random_faults(scenario: &Scenario, seed: u64, count: u32) -> Scenario {
    let mut s = scenario.clone();
    if count == 0 {
        return s;
    }
    let count = count.min(RANDOM_FAULTS_MAX);
    let duration_us = s.duration_ms * 1_000;
    let from_us = duration_us * FAULTS_FROM_PERMILLE / 1_000;
    let until_us = duration_us * FAULTS_UNTIL_PERMILLE / 1_000;
    let ids: Vec<String> = s.nodes.iter().map(|n| n.id.clone()).collect();
    let mut rng = Rng::derive(seed, Stream::Faults);
    let mut times: Vec<u64> = (0..count).map(|_| from_us + rng.below(until_us - from_us)).collect();
    times.sort_unstable();
    let mut crashed = vec![false; ids.len()];
    let mut added = Vec::with_capacity(count as usize + ids.len() + 1);
    for at_us in times {
        added.push(ScriptEntry { at_us, action: fault(&mut rng, &ids, &mut crashed) });
    }
    for (id, _) in ids.iter().zip(&crashed).filter(|(_, &down)| down) {
        added.push(ScriptEntry { at_us: until_us, action: ScriptAction::Restart(id.clone()) });
    }
    added.push(ScriptEntry { at_us: until_us, action: ScriptAction::Heal });
    s.script.extend(added);
    // Stable: at equal times the scenario's own entries stay first, in order.
    s.script.sort_by_key(|e| e.at_us);
    s
}

/// `scenario` with every node's clock skewed, at the start of the fault
/// window, by an amount uniform in `-max_ms..=max_ms` drawn from the seed's
/// skew stream (`Rng::derive(seed, Stream::Skews)`). Skews are not healed:
/// clocks stay wrong, as real ones do.
pub fn with_random_skews(scenario: &Scenario, seed: u64, max_ms: u64) -> Scenario {
    let mut s = scenario.clone();
    if max_ms == 0 {
        return s;
    }
    let at_us = s.duration_ms * 1_000 * FAULTS_FROM_PERMILLE / 1_000;
    let mut rng = Rng::derive(seed, Stream::Skews);
    let span = max_ms.min(RANDOM_SKEW_MS_MAX) * 2 + 1;
    for n in &scenario.nodes {
        let skew_ms = rng.below(span) as i64 - max_ms.min(RANDOM_SKEW_MS_MAX) as i64;
        s.script
            .push(ScriptEntry { at_us, action: ScriptAction::SkewClock { node: n.id.clone(), skew_ms, drift_ppm: 0 } });
    }
    s.script.sort_by_key(|e| e.at_us);
    s
}

/// The largest random skew, in milliseconds either way.
pub const RANDOM_SKEW_MS_MAX: u64 = 60_000;

/// One fault valid for the nodes' states: crash an up node, restart a crashed
/// one, cut one node (or a random group) off, or heal.
fn fault(rng: &mut Rng, ids: &[String], crashed: &mut [bool]) -> ScriptAction {
    let i = rng.below(ids.len() as u64) as usize;
    match rng.below(4) {
        0 | 1 if crashed[i] => {
            crashed[i] = false;
            ScriptAction::Restart(ids[i].clone())
        }
        0 => {
            crashed[i] = true;
            ScriptAction::Crash(ids[i].clone())
        }
        1 => {
            // A random split: each other node joins i's side with even odds.
            let mut side = vec![ids[i].clone()];
            let mut rest = Vec::new();
            for (_, id) in ids.iter().enumerate().filter(|&(j, _)| j != i) {
                if rng.below(2) == 0 {
                    side.push(id.clone());
                } else {
                    rest.push(id.clone());
                }
            }
            if rest.is_empty() {
                ScriptAction::Heal
            } else {
                ScriptAction::Partition(vec![side, rest])
            }
        }
        2 => ScriptAction::Partition(vec![
            vec![ids[i].clone()],
            ids.iter().filter(|id| **id != ids[i]).cloned().collect(),
        ]),
        _ => ScriptAction::Heal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_in_time_order_and_end_healed_with_everything_restarted() {
        let base = playground::presets::find("safety-sync-fencing").unwrap();
        for seed in 1..200 {
            let s = with_random_faults(&base, seed, 6);
            assert!(s.validate().is_ok(), "seed {seed}");
            assert!(s.script.windows(2).all(|w| w[0].at_us <= w[1].at_us), "seed {seed}");
            let mut down = std::collections::BTreeSet::new();
            for e in &s.script {
                match &e.action {
                    ScriptAction::Crash(n) => assert!(down.insert(n.clone()), "seed {seed}: {n} crashed twice"),
                    ScriptAction::Restart(n) => assert!(down.remove(n), "seed {seed}: {n} restarted while up"),
                    _ => {}
                }
            }
            assert!(down.is_empty(), "seed {seed}: {down:?} never restarted");
            assert_eq!(s.script.last().map(|e| e.action.clone()), Some(ScriptAction::Heal), "seed {seed}");
        }
    }

    #[test]
    fn the_same_seed_draws_the_same_faults() {
        let base = playground::presets::find("safety-async").unwrap();
        assert_eq!(with_random_faults(&base, 7, 6), with_random_faults(&base, 7, 6));
        assert_ne!(with_random_faults(&base, 7, 6), with_random_faults(&base, 8, 6));
        assert_eq!(with_random_faults(&base, 7, 0), base);
    }
}
