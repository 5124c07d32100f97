//! When the store's published content last changed through the server (SPARQL Update, Graph
//! Store writes). An ingest dates its own changes in the dataset description
//! (`dcterms:modified`); a write through the server does not touch that description, so the
//! web layer's `Last-Modified` needs this second date to never claim an older version than the
//! one it serves. Kept in the settings graph so it survives restarts.

use crate::model::{Literal, NamedNode, NamedNodeRef, QuadRef};
use crate::store::SETTINGS_GRAPH;
use crate::{Store, StoreError};
use std::time::SystemTime;

const LAST_WRITE_PROPERTY: &str = "https://w3id.org/jiyi/ns#lastWrite";
const XSD_DATE_TIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";

impl Store {
    /// Records `at` as the time of the latest write through the server, replacing the previous
    /// record. Call after the write has committed.
    pub fn record_write(&self, at: SystemTime) -> Result<(), StoreError> {
        let graph = NamedNode::new_unchecked(SETTINGS_GRAPH);
        let property = NamedNodeRef::new_unchecked(LAST_WRITE_PROPERTY);
        let old: Vec<_> = self
            .inner
            .quads_for_pattern(
                Some(graph.as_ref().into()),
                Some(property),
                None,
                Some(graph.as_ref().into()),
            )
            .collect::<Result<_, _>>()
            .map_err(|e| self.storage(e))?;
        for quad in &old {
            self.inner.remove(quad).map_err(|e| self.storage(e))?;
        }
        let stamp = jiff::Timestamp::try_from(at).map_err(|e| {
            StoreError::UpdateEvaluation(format!("the clock reads an unsupported time: {e}"))
        })?;
        let value = Literal::new_typed_literal(
            stamp.to_string(),
            NamedNodeRef::new_unchecked(XSD_DATE_TIME),
        );
        self.inner
            .insert(QuadRef::new(
                graph.as_ref(),
                property,
                &value,
                graph.as_ref(),
            ))
            .map(|_| ())
            .map_err(|e| self.storage(e))
    }

    /// The time recorded by [`Self::record_write`], if the server ever wrote to this store.
    pub fn last_write(&self) -> Result<Option<SystemTime>, StoreError> {
        Ok(self
            .setting(LAST_WRITE_PROPERTY)?
            .and_then(|l| l.value().parse::<jiff::Timestamp>().ok())
            .map(SystemTime::from))
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;
    use std::time::{Duration, SystemTime};

    #[test]
    fn the_last_write_is_kept_across_reopening_and_replaced_by_the_next() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        assert_eq!(store.last_write().expect("read"), None);
        let first = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        store.record_write(first).expect("record");
        let second = first + Duration::from_secs(60);
        store.record_write(second).expect("record");
        drop(store);
        let store = Store::open(dir.path()).expect("reopen");
        assert_eq!(store.last_write().expect("read"), Some(second));
        assert!(store.published_graphs().expect("graphs").is_empty());
    }
}
