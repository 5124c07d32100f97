use crate::StoreError;
use crate::model::{GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, QuadRef};
use jiyi_model::SYSTEM_GRAPH_PREFIX;
use oxigraph::store::StorageError;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Graph holding the store's own settings (its base IRI).
pub(crate) const SETTINGS_GRAPH: &str = "urn:jiyi:settings";
/// Prefix of the graphs a replacement stages new content in before diffing.
pub(crate) const STAGING_PREFIX: &str = "urn:jiyi:staging:";
const BASE_IRI_PROPERTY: &str = "https://w3id.org/jiyi/ns#baseIri";

/// An on-disk Oxigraph store with Jiyi's conventions (published vs. system graphs, base IRI).
///
/// Cheap to share behind an `Arc`: Oxigraph's store is internally synchronised and every read
/// works on a snapshot.
#[derive(Clone)]
pub struct Store {
    pub(crate) inner: oxigraph::store::Store,
    pub(crate) path: PathBuf,
    /// Change-log entries read through this handle ([`Store::entries_read`]).
    pub(crate) entries_read: Arc<AtomicU64>,
}

impl Store {
    /// Removes, inside `transaction`, every statement about `subject` in `graph`: how system
    /// records (markers, dump records, tombstones) are rewritten in place.
    pub(crate) fn remove_statements_of(
        &self,
        transaction: &mut oxigraph::store::Transaction<'_>,
        subject: NamedNodeRef<'_>,
        graph: NamedNodeRef<'_>,
    ) -> Result<(), StoreError> {
        for quad in
            self.inner
                .quads_for_pattern(Some(subject.into()), None, None, Some(graph.into()))
        {
            transaction.remove(&quad.map_err(|e| self.storage(e))?);
        }
        Ok(())
    }

    /// Opens the store at `path`, creating it if missing, removes staging graphs left
    /// behind by an interrupted ingest (they were never visible, so dropping them loses nothing)
    /// and finishes change-log reconciliations and dataset withdrawals a crash interrupted.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let inner = oxigraph::store::Store::open(path).map_err(|source| StoreError::Storage {
            path: path.display().to_string(),
            source,
        })?;
        let store = Self {
            inner,
            path: path.to_owned(),
            entries_read: Arc::default(),
        };
        for graph in store.graphs_with_prefix(STAGING_PREFIX)? {
            store.remove_graph_in_batches(graph.as_ref())?;
        }
        store.build_dataset_positions()?;
        store.finish_pending()?;
        Ok(store)
    }

    /// Opens a store read-only, without any cleanup. Meant for checkpoints made by
    /// [`Self::checkpoint`], which no process writes to: RocksDB's read-only mode is unsafe
    /// next to a live writer.
    pub fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        let inner =
            oxigraph::store::Store::open_read_only(path).map_err(|source| StoreError::Storage {
                path: path.display().to_string(),
                source,
            })?;
        Ok(Self {
            inner,
            path: path.to_owned(),
            entries_read: Arc::default(),
        })
    }

    /// How many change-log entries have been read through this handle (and its clones) since
    /// it was opened: what a page of a feed or an OAI listing costs, so tests can prove that
    /// cost is bounded by the page, not by the log.
    pub fn entries_read(&self) -> u64 {
        self.entries_read.load(Ordering::Relaxed)
    }

    /// Writes a consistent, immutable copy of the store to `target` (which must not exist).
    /// On the same file system this hard-links the data files, so it takes milliseconds
    /// whatever the store size; query workers read such copies.
    pub fn checkpoint(&self, target: &Path) -> Result<(), StoreError> {
        self.inner.backup(target).map_err(|e| self.storage(e))
    }

    /// The store directory, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records `base` as the store's publishing base, or checks that it is the one already
    /// recorded: IRIs are minted at ingest time, so a store cannot change base silently.
    pub fn bind_base_iri(&self, base: &str) -> Result<(), StoreError> {
        match self.base_iri()? {
            Some(stored) if stored != base => Err(StoreError::BaseMismatch {
                path: self.path.display().to_string(),
                stored,
                requested: base.to_owned(),
            }),
            Some(_) => Ok(()),
            None => {
                let graph = settings_graph();
                let value = Literal::new_simple_literal(base);
                let quad = QuadRef::new(
                    graph.as_ref(),
                    NamedNodeRef::new_unchecked(BASE_IRI_PROPERTY),
                    &value,
                    graph.as_ref(),
                );
                self.inner.insert(quad).map_err(|e| self.storage(e))
            }
        }
    }

    /// The base IRI the store's content was minted under, if anything was ever ingested.
    pub fn base_iri(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .setting(BASE_IRI_PROPERTY)?
            .map(|l| l.value().to_owned()))
    }

    /// The value of one of the store's settings (a statement about the settings graph in it).
    pub(crate) fn setting(&self, property: &str) -> Result<Option<Literal>, StoreError> {
        let graph = settings_graph();
        let found = self
            .inner
            .quads_for_pattern(
                Some(graph.as_ref().into()),
                Some(NamedNodeRef::new_unchecked(property)),
                None,
                Some(graph.as_ref().into()),
            )
            .next()
            .transpose()
            .map_err(|e| self.storage(e))?;
        Ok(found.and_then(|q| match q.object {
            oxigraph::model::Term::Literal(l) => Some(l),
            _ => None,
        }))
    }

    /// Every named graph that is published (not Jiyi's bookkeeping), sorted for stable output.
    pub fn published_graphs(&self) -> Result<Vec<NamedNode>, StoreError> {
        let mut graphs = self.named_graphs_where(|g| !g.starts_with(SYSTEM_GRAPH_PREFIX))?;
        graphs.sort();
        Ok(graphs)
    }

    /// Number of triples in one graph (for reports and tests).
    pub fn graph_len<'g>(&self, graph: impl Into<GraphNameRef<'g>>) -> Result<usize, StoreError> {
        let mut n = 0;
        for quad in self
            .inner
            .quads_for_pattern(None, None, None, Some(graph.into()))
        {
            quad.map_err(|e| self.storage(e))?;
            n += 1;
        }
        Ok(n)
    }

    pub(crate) fn graphs_with_prefix(&self, prefix: &str) -> Result<Vec<NamedNode>, StoreError> {
        self.named_graphs_where(|g| g.starts_with(prefix))
    }

    fn named_graphs_where(
        &self,
        keep: impl Fn(&str) -> bool,
    ) -> Result<Vec<NamedNode>, StoreError> {
        let mut graphs = Vec::new();
        for graph in self.inner.named_graphs() {
            if let NamedOrBlankNode::NamedNode(g) = graph.map_err(|e| self.storage(e))?
                && keep(g.as_str())
            {
                graphs.push(g);
            }
        }
        Ok(graphs)
    }

    pub(crate) fn drop_graph(&self, graph: NamedNodeRef<'_>) -> Result<(), StoreError> {
        self.inner
            .remove_named_graph(graph)
            .map(|_| ())
            .map_err(|e| self.storage(e))
    }

    pub(crate) fn storage(&self, source: StorageError) -> StoreError {
        StoreError::Storage {
            path: self.path.display().to_string(),
            source,
        }
    }
}

fn settings_graph() -> NamedNode {
    NamedNode::new_unchecked(SETTINGS_GRAPH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_iri_is_recorded_once_and_then_enforced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        assert_eq!(store.base_iri().expect("read"), None);
        store.bind_base_iri("https://a.example/").expect("bind");
        store
            .bind_base_iri("https://a.example/")
            .expect("same base again");
        let err = store
            .bind_base_iri("https://b.example/")
            .expect_err("other base");
        assert!(err.to_string().contains("https://a.example/"), "{err}");
        drop(store);
        let reopened = Store::open(dir.path()).expect("reopen");
        assert_eq!(
            reopened.base_iri().expect("read").as_deref(),
            Some("https://a.example/")
        );
        assert!(reopened.published_graphs().expect("graphs").is_empty());
    }
}

#[cfg(test)]
mod checkpoint_tests {
    use super::*;

    #[test]
    fn a_checkpoint_is_a_read_only_copy_that_later_writes_do_not_reach() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("store")).expect("open");
        store.bind_base_iri("http://ex/").expect("base");
        let copy = dir.path().join("copy");
        store.checkpoint(&copy).expect("checkpoint");
        store
            .update("INSERT DATA { <http://ex/a> <http://ex/p> 1 }")
            .expect("insert");
        let snapshot = Store::open_read_only(&copy).expect("open copy");
        assert_eq!(
            snapshot.base_iri().expect("base").as_deref(),
            Some("http://ex/")
        );
        assert_eq!(
            snapshot.inner.len().expect("len"),
            1,
            "only the settings triple"
        );
        assert!(
            snapshot
                .update("INSERT DATA { <http://ex/b> <http://ex/p> 1 }")
                .is_err(),
            "read-only"
        );
        assert!(store.checkpoint(&copy).is_err(), "target must not exist");
    }
}
