//! Which write produced a value, and when one operation definitely happened
//! before another.
//!
//! Workloads write unique values per key, so a value names its write. An
//! operation `a` definitely precedes `b` when `a` completed before `b` was
//! invoked (real-time order); an operation that never completed (`info`,
//! pending) may take effect at any time after its invocation.

use std::collections::BTreeMap;

use sim::{History, OpId, OpKind, OpRecord, Outcome};

/// The writes of a history by key and value, filled as writes are invoked.
#[derive(Clone, Debug, Default)]
pub struct Writers {
    by_value: BTreeMap<(String, String), OpId>,
}

impl Writers {
    /// Records `r` if it is a write (the first write of a value wins).
    pub fn note(&mut self, r: &OpRecord) {
        if let OpKind::Write { key, value } = &r.kind {
            self.by_value.entry((key.clone(), value.clone())).or_insert(r.op);
        }
    }

    /// The write that put `value` under `key`, unless it is unknown or
    /// definitely failed.
    pub fn writer<'h>(&self, history: &'h History, key: &str, value: &str) -> Option<&'h OpRecord> {
        let op = *self.by_value.get(&(key.to_string(), value.to_string()))?;
        history.get(op).filter(|w| !matches!(w.outcome, Some(Outcome::Fail { .. })))
    }

    /// What a successful read returned, resolved to writes: `Some(vec![])`
    /// for "absent", `None` if a value has no known write (not judged).
    pub fn returned<'h>(&self, history: &'h History, read: &OpRecord) -> Option<Vec<&'h OpRecord>> {
        let values = read.read_values()?;
        values.iter().map(|v| self.writer(history, read.kind.key(), v)).collect()
    }
}

/// True if `a` completed successfully before `b` was invoked.
pub fn definitely_precedes(a: &OpRecord, b: &OpRecord) -> bool {
    a.is_ok() && a.complete_us.is_some_and(|done| done < b.invoke_us)
}

/// The value a write wrote.
pub fn written_value(r: &OpRecord) -> Option<&str> {
    match &r.kind {
        OpKind::Write { value, .. } => Some(value),
        _ => None,
    }
}

/// True if everything the read returned definitely precedes `w`: the read
/// missed `w` (a read of nothing misses every write).
pub fn read_misses(returned: &[&OpRecord], w: &OpRecord) -> bool {
    returned.iter().all(|r| definitely_precedes(r, w))
}

/// A read's values, quoted, for explanations: `"a"`, `"a", "b"` or `nothing`.
pub fn shown(read: &OpRecord) -> String {
    match read.read_values() {
        Some([]) | None => "nothing".into(),
        Some(values) => values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", "),
    }
}

/// A write for explanations: `op 7 (x = "b")`.
pub fn described(w: &OpRecord) -> String {
    match &w.kind {
        OpKind::Write { key, value } => format!("op {} ({key} = {value:?})", w.op.0),
        other => format!("op {} ({})", w.op.0, other.describe()),
    }
}
