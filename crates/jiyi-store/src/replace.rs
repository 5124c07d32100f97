//! Atomic replacement of one dataset graph, streaming, with memory proportional to the change.
//!
//! Oxigraph's transactions buffer every write in memory, so "clear the graph and insert the new
//! content" in one transaction would hold a whole dataset in RAM. Its bulk loader instead writes
//! sorted files to disk and makes them visible atomically at commit. A replacement therefore:
//!
//! 1. bulk-loads the new content straight into the target graph when that graph is empty
//!    (first ingest: atomic, disk-backed);
//! 2. otherwise bulk-loads it into a private staging graph (`urn:jiyi:staging:…`, never
//!    published), compares the two graphs quad by quad with point lookups, and applies only the
//!    differences in one transaction, so readers see either the old or the new graph, and an
//!    unchanged re-ingest writes nothing;
//! 3. drops the staging graph. A crash before that leaves a staging graph that
//!    [`Store::open`] removes.

use crate::model::{GraphName, GraphNameRef, NamedNode, Quad, QuadRef, Triple};
use crate::store::STAGING_PREFIX;
use crate::{Store, StoreError};
use oxigraph::store::BulkLoader;
use std::time::{SystemTime, UNIX_EPOCH};

/// How many triples are handed to the bulk loader at once: large enough for sorted runs to be
/// worth it, small enough (≈ 50 MB) to keep memory flat.
const BATCH: usize = 100_000;

/// What a replacement changed, for the ingest summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReplaceReport {
    /// Distinct triples the graph holds now.
    pub triples: u64,
    /// Triples that were not there before.
    pub added: u64,
    /// Triples that are gone.
    pub removed: u64,
}

/// A replacement in progress: feed it the new content with [`Self::add`], then
/// [`Self::commit`]. Dropping it without committing changes nothing.
#[must_use = "a replacement does nothing until commit() is called"]
pub struct GraphReplacement<'a> {
    store: &'a Store,
    target: GraphName,
    /// Where the bulk loader writes: the target itself or a staging graph.
    load_into: GraphName,
    loader: BulkLoader<'a>,
    batch: Vec<Quad>,
}

impl Store {
    /// Starts replacing the content of `graph` (a named graph or the default graph). See the
    /// module docs for the guarantees.
    pub fn replace_graph<'g>(
        &self,
        graph: impl Into<GraphNameRef<'g>>,
    ) -> Result<GraphReplacement<'_>, StoreError> {
        let graph = graph.into();
        let target_is_empty = self
            .inner
            .quads_for_pattern(None, None, None, Some(graph))
            .next()
            .is_none();
        let load_into = if target_is_empty {
            graph.into_owned()
        } else {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            NamedNode::new_unchecked(format!("{STAGING_PREFIX}{nanos}-{}", std::process::id()))
                .into()
        };
        Ok(GraphReplacement {
            store: self,
            target: graph.into_owned(),
            load_into,
            loader: self.inner.bulk_loader(),
            batch: Vec::with_capacity(BATCH),
        })
    }
}

impl GraphReplacement<'_> {
    /// Adds one triple of the new content. Duplicates are harmless.
    pub fn add(&mut self, triple: Triple) -> Result<(), StoreError> {
        self.batch.push(triple.in_graph(self.load_into.clone()));
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.loader
            .load_quads(batch)
            .map_err(|e| self.store.storage(e))
    }

    /// Makes the new content visible atomically and reports what changed.
    pub fn commit(mut self) -> Result<ReplaceReport, StoreError> {
        self.flush()?;
        let store = self.store;
        self.loader.commit().map_err(|e| store.storage(e))?;
        if self.load_into == self.target {
            let triples = store.graph_len(self.target.as_ref())? as u64;
            return Ok(ReplaceReport {
                triples,
                added: triples,
                removed: 0,
            });
        }
        let GraphName::NamedNode(staging) = &self.load_into else {
            return Err(StoreError::LoadAbandoned {
                graph: self.target.to_string(),
                reason: "staging graph is not a named graph".into(),
            });
        };
        let result = apply_difference(store, self.target.as_ref(), staging.as_ref().into());
        // The staging graph is private; drop it whether or not the swap succeeded.
        let dropped = store.drop_graph(staging.as_ref());
        let report = result?;
        dropped?;
        Ok(report)
    }
}

/// Applies `staging − target` and removes `target − staging` in one transaction.
fn apply_difference(
    store: &Store,
    target: GraphNameRef<'_>,
    staging: GraphNameRef<'_>,
) -> Result<ReplaceReport, StoreError> {
    let inner = &store.inner;
    let mut removals = Vec::new();
    for quad in inner.quads_for_pattern(None, None, None, Some(target)) {
        let quad = quad.map_err(|e| store.storage(e))?;
        let staged = QuadRef::new(&quad.subject, &quad.predicate, &quad.object, staging);
        if !inner.contains(staged).map_err(|e| store.storage(e))? {
            removals.push(quad);
        }
    }
    let mut additions = Vec::new();
    let mut triples = 0;
    for quad in inner.quads_for_pattern(None, None, None, Some(staging)) {
        let quad = quad.map_err(|e| store.storage(e))?;
        triples += 1;
        let existing = QuadRef::new(&quad.subject, &quad.predicate, &quad.object, target);
        if !inner.contains(existing).map_err(|e| store.storage(e))? {
            additions.push(Quad::new(
                quad.subject,
                quad.predicate,
                quad.object,
                target.into_owned(),
            ));
        }
    }
    let report = ReplaceReport {
        triples,
        added: additions.len() as u64,
        removed: removals.len() as u64,
    };
    if additions.is_empty() && removals.is_empty() {
        return Ok(report);
    }
    let mut transaction = inner.start_transaction().map_err(|e| store.storage(e))?;
    for quad in &removals {
        transaction.remove(quad);
    }
    for quad in &additions {
        transaction.insert(quad);
    }
    if let (0, GraphNameRef::NamedNode(named)) = (triples, target) {
        // Keep the (now empty) graph registered so the dataset stays listed.
        transaction.insert_named_graph(named);
    }
    transaction.commit().map_err(|e| store.storage(e))?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Literal;

    fn triple(s: &str, o: &str) -> Triple {
        Triple::new(
            NamedNode::new_unchecked(format!("http://ex/{s}")),
            NamedNode::new_unchecked("http://ex/p"),
            Literal::new_simple_literal(o),
        )
    }

    fn replace(store: &Store, graph: &NamedNode, triples: &[Triple]) -> ReplaceReport {
        let mut r = store.replace_graph(graph).expect("start");
        for t in triples {
            r.add(t.clone()).expect("add");
        }
        r.commit().expect("commit")
    }

    #[test]
    fn replacing_swaps_content_and_reports_the_difference() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let g = NamedNode::new_unchecked("http://ex/graph/a");
        let first = replace(
            &store,
            &g,
            &[triple("1", "a"), triple("2", "b"), triple("2", "b")],
        );
        assert_eq!(
            first,
            ReplaceReport {
                triples: 2,
                added: 2,
                removed: 0
            }
        );

        let second = replace(&store, &g, &[triple("1", "a"), triple("3", "c")]);
        assert_eq!(
            second,
            ReplaceReport {
                triples: 2,
                added: 1,
                removed: 1
            }
        );
        assert_eq!(store.graph_len(g.as_ref()).expect("len"), 2);
        assert!(
            store
                .inner
                .contains(&triple("3", "c").in_graph(g.clone()))
                .expect("contains")
        );
        assert!(
            !store
                .inner
                .contains(&triple("2", "b").in_graph(g.clone()))
                .expect("contains")
        );
        // No staging graph is left behind and only the dataset graph is published.
        assert_eq!(store.published_graphs().expect("graphs"), vec![g.clone()]);
        assert!(
            store
                .graphs_with_prefix(STAGING_PREFIX)
                .expect("graphs")
                .is_empty()
        );

        let unchanged = replace(&store, &g, &[triple("3", "c"), triple("1", "a")]);
        assert_eq!(
            unchanged,
            ReplaceReport {
                triples: 2,
                added: 0,
                removed: 0
            }
        );
    }

    #[test]
    fn other_graphs_are_untouched_and_abandoning_changes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let a = NamedNode::new_unchecked("http://ex/graph/a");
        let b = NamedNode::new_unchecked("http://ex/graph/b");
        replace(&store, &a, &[triple("1", "a")]);
        replace(&store, &b, &[triple("1", "b")]);

        let mut abandoned = store.replace_graph(a.as_ref()).expect("start");
        abandoned.add(triple("9", "z")).expect("add");
        drop(abandoned);
        assert_eq!(store.graph_len(a.as_ref()).expect("len"), 1);

        let mut abandoned_first = store
            .replace_graph(NamedNode::new_unchecked("http://ex/graph/c").as_ref())
            .expect("start");
        abandoned_first.add(triple("9", "z")).expect("add");
        drop(abandoned_first);

        replace(&store, &a, &[]);
        assert_eq!(store.graph_len(a.as_ref()).expect("len"), 0);
        assert_eq!(store.graph_len(b.as_ref()).expect("len"), 1);
        assert_eq!(store.published_graphs().expect("graphs"), vec![a, b]);
    }
}
