//! The replicated log: ordered entries (position + epoch, key and value), a
//! snapshot base for the truncated prefix, and the key-value state derived by
//! applying the log in order.
//!
//! Positions start at 1. Everything up to `base_index` has been folded into
//! the snapshot (`base_kv`); entries `base_index + 1 ..= last_index` are kept.
//! `applied_index` says how far the key-value state `kv` has applied the log;
//! `kv` is always exactly `base_kv` plus the entries up to `applied_index`.
//!
//! ```
//! use replication::log::{Entry, ReplicatedLog};
//! let mut log = ReplicatedLog::default();
//! log.append(Entry::new(1, 1, "x", "a"));
//! log.append(Entry::new(2, 1, "x", "b"));
//! log.apply_to(2);
//! assert_eq!(log.get("x").map(|v| v.value.as_str()), Some("b"));
//! log.compact_to(1);
//! assert_eq!((log.base_index(), log.last_index()), (1, 2));
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One log entry: "at position `index`, in epoch `epoch`, set `key` to `value`".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub index: u64,
    pub epoch: u64,
    pub key: String,
    pub value: String,
    /// The writing leader's local clock when it appended the entry; lag in
    /// time is measured against it.
    pub written_at_us: i64,
}

impl Entry {
    /// An entry with no timestamp (tests and examples).
    pub fn new(index: u64, epoch: u64, key: &str, value: &str) -> Self {
        Entry { index, epoch, key: key.to_string(), value: value.to_string(), written_at_us: 0 }
    }
}

/// A value in the key-value state with the log position that wrote it, so
/// replicas can compare whose copy is newer: by epoch, then by index.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Versioned {
    pub epoch: u64,
    pub index: u64,
    pub value: String,
}

/// The state a snapshot carries: everything applied up to `index`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub index: u64,
    pub epoch: u64,
    pub kv: BTreeMap<String, Versioned>,
}

/// A bounded, truncatable log with its derived key-value state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicatedLog {
    base_index: u64,
    base_epoch: u64,
    base_kv: BTreeMap<String, Versioned>,
    entries: Vec<Entry>,
    applied_index: u64,
    kv: BTreeMap<String, Versioned>,
}

impl ReplicatedLog {
    /// The last position folded into the snapshot (0: nothing truncated).
    pub fn base_index(&self) -> u64 {
        self.base_index
    }

    /// The position of the newest entry (the base when the log is empty).
    pub fn last_index(&self) -> u64 {
        self.entries.last().map_or(self.base_index, |e| e.index)
    }

    /// The epoch of the newest entry.
    pub fn last_epoch(&self) -> u64 {
        self.entries.last().map_or(self.base_epoch, |e| e.epoch)
    }

    /// How far the key-value state has applied the log.
    pub fn applied_index(&self) -> u64 {
        self.applied_index
    }

    /// The retained entries, oldest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry at `index`, if it is retained.
    pub fn entry(&self, index: u64) -> Option<&Entry> {
        let offset = index.checked_sub(self.base_index + 1)?;
        self.entries.get(usize::try_from(offset).ok()?)
    }

    /// The epoch of position `index`: known for the base and retained entries.
    pub fn epoch_at(&self, index: u64) -> Option<u64> {
        if index == self.base_index {
            Some(self.base_epoch)
        } else {
            self.entry(index).map(|e| e.epoch)
        }
    }

    /// Up to `max` retained entries starting at `from`.
    pub fn entries_from(&self, from: u64, max: usize) -> Vec<Entry> {
        let Some(offset) = from.checked_sub(self.base_index + 1) else { return Vec::new() };
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(self.entries.len());
        let end = start.saturating_add(max).min(self.entries.len());
        self.entries[start..end].to_vec()
    }

    /// The state folded into the snapshot: everything up to `base_index`.
    pub fn base_kv(&self) -> &BTreeMap<String, Versioned> {
        &self.base_kv
    }

    /// The derived key-value state.
    pub fn kv(&self) -> &BTreeMap<String, Versioned> {
        &self.kv
    }

    /// One key of the derived state.
    pub fn get(&self, key: &str) -> Option<&Versioned> {
        self.kv.get(key)
    }

    /// One key as it stood at position `index`: the applied state without
    /// the entries after `index`. Positions past the applied one give the
    /// applied state; positions inside the snapshot give the snapshot's (the
    /// state before it is no longer kept). A leader reads its committed
    /// state this way while it has applied entries not yet committed.
    pub fn get_as_of(&self, key: &str, index: u64) -> Option<Versioned> {
        let index = index.max(self.base_index);
        let overwritten = self.entries.iter().any(|e| e.index > index && e.index <= self.applied_index && e.key == key);
        if !overwritten {
            return self.kv.get(key).cloned();
        }
        // The newest entry for `key` at or before `index`, else the snapshot's copy.
        match self.entries.iter().rev().find(|e| e.index <= index && e.key == key) {
            Some(e) => Some(Versioned { epoch: e.epoch, index: e.index, value: e.value.clone() }),
            None => self.base_kv.get(key).cloned(),
        }
    }

    /// True if a log ending at (`last_epoch`, `last_index`) is at least as up
    /// to date as this one: the later last epoch wins, then the longer log.
    pub fn is_behind_or_equal(&self, last_epoch: u64, last_index: u64) -> bool {
        (last_epoch, last_index) >= (self.last_epoch(), self.last_index())
    }

    /// Appends the next entry. A gap is a programmer error.
    pub fn append(&mut self, entry: Entry) {
        assert_eq!(entry.index, self.last_index() + 1, "log append must be contiguous");
        self.entries.push(entry);
    }

    /// Applies one more entry; returns its position, or `None` if all are applied.
    pub fn apply_next(&mut self) -> Option<u64> {
        let next = self.applied_index + 1;
        let e = self.entry(next)?;
        let v = Versioned { epoch: e.epoch, index: e.index, value: e.value.clone() };
        self.kv.insert(e.key.clone(), v);
        self.applied_index = next;
        Some(next)
    }

    /// Applies entries up to `index` (bounded by the log); returns true if any.
    pub fn apply_to(&mut self, index: u64) -> bool {
        let mut any = false;
        while self.applied_index < index && self.apply_next().is_some() {
            any = true;
        }
        any
    }

    /// Drops entries from `from` on; returns how many went. If applied entries
    /// go, the state is rebuilt from the snapshot and the entries that remain.
    pub fn truncate_from(&mut self, from: u64) -> usize {
        assert!(from > self.base_index, "cannot truncate into the snapshot");
        let keep = usize::try_from(from - self.base_index - 1).unwrap_or(usize::MAX);
        if keep >= self.entries.len() {
            return 0;
        }
        let removed = self.entries.len() - keep;
        self.entries.truncate(keep);
        if self.applied_index >= from {
            let target = from - 1;
            self.kv = self.base_kv.clone();
            self.applied_index = self.base_index;
            self.apply_to(target);
        }
        removed
    }

    /// Folds entries up to `index` (at most the applied position) into the
    /// snapshot and forgets them.
    pub fn compact_to(&mut self, index: u64) {
        let index = index.min(self.applied_index);
        if index <= self.base_index {
            return;
        }
        let Some(epoch) = self.epoch_at(index) else { return };
        let drop = usize::try_from(index - self.base_index).unwrap_or(usize::MAX).min(self.entries.len());
        for e in self.entries.drain(..drop) {
            self.base_kv.insert(e.key, Versioned { epoch: e.epoch, index: e.index, value: e.value });
        }
        self.base_index = index;
        self.base_epoch = epoch;
    }

    /// Keeps at most `retain_max` entries, compacting applied ones; returns
    /// true if anything was compacted.
    pub fn compact_retaining(&mut self, retain_max: u64) -> bool {
        let len = self.entries.len() as u64;
        if len <= retain_max {
            return false;
        }
        let before = self.base_index;
        self.compact_to(self.last_index() - retain_max);
        self.base_index != before
    }

    /// The applied state as a snapshot.
    pub fn snapshot(&self) -> Snapshot {
        let epoch = self.epoch_at(self.applied_index).unwrap_or(self.base_epoch);
        Snapshot { index: self.applied_index, epoch, kv: self.kv.clone() }
    }

    /// Installs a snapshot. If this log holds the snapshot's last entry with
    /// the same epoch, it keeps the entries after it; otherwise the snapshot
    /// replaces the whole log and state.
    pub fn install_snapshot(&mut self, snap: Snapshot) {
        if self.epoch_at(snap.index) == Some(snap.epoch) && snap.index >= self.base_index {
            if self.applied_index < snap.index {
                self.kv = snap.kv.clone();
                self.applied_index = snap.index;
            }
            let drop = usize::try_from(snap.index - self.base_index).unwrap_or(usize::MAX).min(self.entries.len());
            self.entries.drain(..drop);
        } else {
            self.entries.clear();
            self.kv = snap.kv.clone();
            self.applied_index = snap.index;
        }
        self.base_index = snap.index;
        self.base_epoch = snap.epoch;
        self.base_kv = snap.kv;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_of(epochs: &[u64]) -> ReplicatedLog {
        let mut log = ReplicatedLog::default();
        for (i, &e) in epochs.iter().enumerate() {
            let n = i as u64 + 1;
            log.append(Entry::new(n, e, &format!("k{}", n % 2), &format!("v{n}")));
        }
        log
    }

    fn value(log: &ReplicatedLog, key: &str) -> Option<String> {
        log.get(key).map(|v| v.value.clone())
    }

    #[test]
    fn applies_in_order_and_derives_state() {
        let mut log = log_of(&[1, 1, 1]);
        assert_eq!(log.applied_index(), 0);
        assert!(log.apply_to(2));
        assert_eq!((value(&log, "k1"), value(&log, "k0")), (Some("v1".into()), Some("v2".into())));
        assert_eq!(log.apply_next(), Some(3));
        assert_eq!(log.apply_next(), None);
        assert_eq!(value(&log, "k1"), Some("v3".into()));
    }

    #[test]
    fn truncating_applied_entries_rebuilds_state() {
        let mut log = log_of(&[1, 1, 1, 1]);
        log.apply_to(4);
        assert_eq!(log.truncate_from(3), 2);
        assert_eq!((log.last_index(), log.applied_index()), (2, 2));
        assert_eq!((value(&log, "k1"), value(&log, "k0")), (Some("v1".into()), Some("v2".into())));
        assert_eq!(log.truncate_from(5), 0);
    }

    #[test]
    fn compaction_keeps_state_and_bounds_entries() {
        let mut log = log_of(&[1, 1, 2, 2, 2]);
        log.apply_to(3);
        assert!(log.compact_retaining(2));
        assert_eq!((log.base_index(), log.entries().len()), (3, 2));
        assert_eq!(log.epoch_at(3), Some(2));
        assert_eq!(log.entry(2), None);
        log.apply_to(5);
        let snap = log.snapshot();
        assert_eq!((snap.index, snap.epoch), (5, 2));
        // Truncation after compaction rebuilds from the snapshot base.
        log.truncate_from(4);
        assert_eq!(value(&log, "k1"), Some("v3".into()));
        assert_eq!(value(&log, "k0"), Some("v2".into()));
    }

    #[test]
    fn compaction_never_passes_the_applied_position() {
        let mut log = log_of(&[1, 1, 1, 1]);
        log.apply_to(1);
        log.compact_retaining(0);
        assert_eq!(log.base_index(), 1);
    }

    #[test]
    fn snapshot_replaces_a_divergent_log_and_keeps_a_matching_suffix() {
        let mut leader = log_of(&[1, 1, 2]);
        leader.apply_to(3);
        let mut stale = log_of(&[1, 1, 1, 1]);
        stale.apply_to(4);
        stale.install_snapshot(leader.snapshot());
        assert_eq!((stale.base_index(), stale.last_index(), stale.applied_index()), (3, 3, 3));
        assert_eq!(stale.kv(), leader.kv());

        let mut ahead = log_of(&[1, 1, 2, 2]);
        ahead.install_snapshot(leader.snapshot());
        assert_eq!((ahead.base_index(), ahead.last_index(), ahead.applied_index()), (3, 4, 3));
        ahead.apply_to(4);
        assert_eq!(value(&ahead, "k0"), Some("v4".into()));
    }

    #[test]
    fn state_as_of_a_position_leaves_out_later_applied_entries() {
        // k1: v1, v3, v5; k0: v2, v4. Positions 1-2 are in the snapshot.
        let mut log = log_of(&[1, 1, 1, 1, 1]);
        log.apply_to(5);
        log.compact_to(2);
        let at = |index| log.get_as_of("k1", index).map(|v| v.value);
        assert_eq!(
            (at(5), at(4), at(3), at(2), at(0)),
            (Some("v5".into()), Some("v3".into()), Some("v3".into()), Some("v1".into()), Some("v1".into()))
        );
        assert_eq!(log.get_as_of("k0", 3).map(|v| v.value), Some("v2".into()));
        assert_eq!(log.get_as_of("k9", 3), None);
    }

    #[test]
    fn up_to_date_compares_epoch_then_index() {
        let log = log_of(&[1, 2, 2]);
        assert!(log.is_behind_or_equal(2, 3));
        assert!(log.is_behind_or_equal(3, 1));
        assert!(!log.is_behind_or_equal(2, 2));
        assert!(!log.is_behind_or_equal(1, 9));
    }

    /// The state a log must have: its snapshot plus its entries up to the
    /// applied position, folded in order.
    fn recomputed(log: &ReplicatedLog) -> BTreeMap<String, Versioned> {
        let mut kv = log.base_kv.clone();
        for e in log.entries().iter().filter(|e| e.index <= log.applied_index()) {
            kv.insert(e.key.clone(), Versioned { epoch: e.epoch, index: e.index, value: e.value.clone() });
        }
        kv
    }

    proptest::proptest! {
        /// Whatever mix of appends, applies, truncations, compactions and
        /// snapshot installs, the state is the snapshot plus the applied log.
        #[test]
        fn state_is_always_the_applied_log(ops in proptest::collection::vec((0u8..5, 0u64..12), 0..60)) {
            let mut log = ReplicatedLog::default();
            let mut other = ReplicatedLog::default();
            for (op, arg) in ops {
                match op {
                    0 => {
                        let n = log.last_index() + 1;
                        log.append(Entry::new(n, 1 + arg / 4, &format!("k{}", arg % 3), &format!("v{n}")));
                    }
                    1 => { log.apply_to(log.applied_index() + arg); }
                    2 if log.base_index() < log.last_index() => {
                        let from = log.base_index() + 1 + arg % (log.last_index() - log.base_index());
                        log.truncate_from(from);
                    }
                    3 => { log.compact_retaining(arg); }
                    // Our own applied state: the suffix after it survives.
                    _ if arg % 2 == 0 => log.install_snapshot(log.snapshot()),
                    // Another history (a different epoch, as the log matching
                    // property requires): it replaces everything.
                    _ => {
                        let n = other.last_index() + 1;
                        other.append(Entry::new(n, 99, "k0", &format!("o{n}")));
                        other.apply_to(n);
                        log.install_snapshot(other.snapshot());
                    }
                }
                proptest::prop_assert!(log.applied_index() <= log.last_index());
                proptest::prop_assert!(log.base_index() <= log.applied_index());
                proptest::prop_assert_eq!(log.kv(), &recomputed(&log));
            }
        }
    }
}
