//! Field redaction: values of named fields are withheld (masked or dropped) before any term
//! map sees them, so no rule of the mapping — template, reference, function input, join or
//! condition — can publish them. `jiyi-ingest` uses it for the de-identification rules a
//! mapping declares (personal names in archive records).
//!
//! The rule is applied where a record is read, by wrapping the source's [`Iteration`]: every
//! reference that names the field gets the mask (or null) instead of the cell. A field is a
//! CSV column name; JSON and XML sources are refused when redactions are set, because a
//! path expression can reach a value without naming its field (`$..*`, `//text()`), and a
//! rule that might leak is worse than no rule.

use crate::source::{Compiled, DataError, Iteration, Lent, Reference};
use crate::value::Value;
use std::cell::Cell;

/// One field whose values must not reach the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    /// The field (CSV column) name, exactly as in the header.
    pub field: String,
    /// What a term map gets instead of the value: `Some(mask)` replaces every non-null value
    /// with `mask`; `None` turns it into null (so the terms built from it are not generated).
    pub replacement: Option<String>,
}

/// An iteration that withholds the redacted fields of the iteration it wraps, and remembers
/// which of them it withheld a value of (bit `i` = redaction `i`).
pub(crate) struct Redacting<'a> {
    inner: &'a dyn Iteration,
    redactions: &'a [Redaction],
    withheld: Cell<u64>,
}

/// At most this many redactions (one bit each in [`Redacting::withheld`]).
pub(crate) const MAX_REDACTIONS: usize = 64;

impl<'a> Redacting<'a> {
    pub(crate) fn new(inner: &'a dyn Iteration, redactions: &'a [Redaction]) -> Self {
        Self {
            inner,
            redactions,
            withheld: Cell::new(0),
        }
    }

    /// The redaction that covers `reference`, with its index.
    fn rule(&self, reference: &Reference) -> Option<(usize, &'a Redaction)> {
        let Compiled::Column(name) = &reference.compiled else {
            return None;
        };
        self.redactions
            .iter()
            .enumerate()
            .find(|(_, r)| r.field == *name)
    }

    fn mark(&self, index: usize) {
        if let Some(bit) = 1_u64.checked_shl(u32::try_from(index).unwrap_or(u32::MAX)) {
            self.withheld.set(self.withheld.get() | bit);
        }
    }

    /// The indexes of the redactions that withheld a value of this record.
    pub(crate) fn withheld(&self) -> impl Iterator<Item = usize> + use<> {
        let bits = self.withheld.get();
        (0..MAX_REDACTIONS).filter(move |i| bits & (1 << i) != 0)
    }
}

impl Iteration for Redacting<'_> {
    fn position(&self) -> crate::RecordPosition {
        self.inner.position()
    }

    fn evaluate(&self, reference: &Reference) -> Result<Vec<Value>, DataError> {
        let values = self.inner.evaluate(reference)?;
        let Some((index, rule)) = self.rule(reference) else {
            return Ok(values);
        };
        if values.is_empty() {
            return Ok(values);
        }
        self.mark(index);
        Ok(match &rule.replacement {
            Some(mask) => values
                .iter()
                .map(|_| Value::string(mask.as_str()))
                .collect(),
            None => Vec::new(),
        })
    }

    fn lend(&self, reference: &Reference) -> Lent<'_> {
        let Some((index, rule)) = self.rule(reference) else {
            return self.inner.lend(reference);
        };
        match self.inner.lend(reference) {
            Lent::Null => Lent::Null,
            Lent::Evaluate => Lent::Evaluate,
            Lent::Text(_) => {
                self.mark(index);
                rule.replacement.as_deref().map_or(Lent::Null, Lent::Text)
            }
        }
    }
}
