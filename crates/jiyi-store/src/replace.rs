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
//! 3. drops the staging graph, in batches (one transaction for a whole graph would buffer
//!    every removal). A crash before that leaves a staging graph that [`Store::open`] removes.
//!
//! A *dataset* replacement ([`Store::replace_dataset`], committed with
//! [`GraphReplacement::commit_with_changes`]) also keeps the change log (`changes.rs`): the
//! entries of a diff are written in the transaction that applies it; a first load is reconciled
//! after its bulk load, under a pending marker. If the new content differs from the stored graph
//! only in the run's own provenance, nothing at all is written — same triples, same dumps, same
//! ETags. Things a steward withdrew are removed from the staged content before the diff, so they
//! never reappear.

use crate::changes::{ChangeCause, ChangeSummary, DatasetScope};
use crate::model::{GraphName, GraphNameRef, NamedNode, NamedOrBlankNode, Quad, QuadRef, Triple};
use crate::store::STAGING_PREFIX;
use crate::{Store, StoreError};
use oxigraph::store::{BulkLoader, Transaction};
use std::collections::HashSet;
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
    /// The dataset whose change log a [`Self::commit_with_changes`] keeps.
    scope: Option<DatasetScope>,
}

/// What a dataset replacement did: the graph change and the change-log entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetCommit {
    /// Triples now, added, removed (all zero changes when `unchanged`).
    pub stored: ReplaceReport,
    /// Resources created, updated, deleted, and the entries' sequence numbers.
    pub changes: ChangeSummary,
    /// The new content equalled the stored graph except for the run's provenance, so nothing
    /// was written (the previous run's provenance stays: it made this content).
    pub unchanged: bool,
    /// Withdrawn things found in the new content and left out.
    pub kept_out: u64,
}

impl Store {
    /// Starts replacing the content of `graph` (a named graph or the default graph). See the
    /// module docs for the guarantees.
    pub fn replace_graph<'g>(
        &self,
        graph: impl Into<GraphNameRef<'g>>,
    ) -> Result<GraphReplacement<'_>, StoreError> {
        self.start_replacement(graph.into(), None, true)
    }

    /// Starts replacing a dataset's graph while keeping its change log: commit with
    /// [`GraphReplacement::commit_with_changes`]. Refused for a withdrawn dataset
    /// ([`StoreError::DatasetWithdrawn`]). A store whose dataset graph predates the change log
    /// (content but no recorded resources) is reconciled first, so every resource has an entry.
    pub fn replace_dataset(
        &self,
        scope: &DatasetScope,
    ) -> Result<GraphReplacement<'_>, StoreError> {
        if let Some(withdrawal) = self.dataset_withdrawal(scope.name())? {
            return Err(StoreError::DatasetWithdrawn {
                name: scope.name().to_owned(),
                reason: withdrawal.reason,
                time: withdrawal.time.to_string(),
            });
        }
        self.finish_pending()?;
        let graph: GraphNameRef<'_> = scope.graph().as_ref().into();
        let state = scope.state_graph();
        let has_content = self.graph_len_at_least(graph, 1)?;
        if has_content && !self.graph_len_at_least(state.as_ref().into(), 1)? {
            self.reconcile_changes(scope, &ChangeCause::steward("reconciled", None))?;
        }
        // Withdrawn things must never be visible, not even between a bulk load and its
        // clean-up: then the content is staged first.
        let direct = self.withdrawn_things()?.is_empty();
        self.start_replacement(graph, Some(scope.clone()), direct)
    }

    fn graph_len_at_least(&self, graph: GraphNameRef<'_>, n: usize) -> Result<bool, StoreError> {
        let mut seen = 0;
        for quad in self.inner.quads_for_pattern(None, None, None, Some(graph)) {
            quad.map_err(|e| self.storage(e))?;
            seen += 1;
            if seen >= n {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn start_replacement(
        &self,
        graph: GraphNameRef<'_>,
        scope: Option<DatasetScope>,
        direct_if_empty: bool,
    ) -> Result<GraphReplacement<'_>, StoreError> {
        let target_is_empty = self
            .inner
            .quads_for_pattern(None, None, None, Some(graph))
            .next()
            .is_none();
        let load_into = if target_is_empty && direct_if_empty {
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
            scope,
        })
    }

    /// Finishes reconciliations (and dataset withdrawals) that a crash interrupted.
    pub(crate) fn finish_pending(&self) -> Result<(), StoreError> {
        let pending = self.pending_reconciliations()?;
        if pending.is_empty() {
            return Ok(());
        }
        let Some(base) = self.base_iri()? else {
            return Ok(());
        };
        let policy = jiyi_model::UriPolicy::new(&base)?;
        for (name, cause) in pending {
            let scope = DatasetScope::new(&policy, &name)?;
            if self.dataset_withdrawal(&name)?.is_some() {
                self.finish_dataset_withdrawal(&scope, &cause)?;
            } else {
                self.reconcile_changes(&scope, &cause)?;
                self.clear_pending(&scope)?;
            }
        }
        Ok(())
    }

    /// Removes the descriptions of withdrawn things from a staged graph; returns how many
    /// things were found there.
    fn keep_out_withdrawn(
        &self,
        scope: &DatasetScope,
        staging: GraphNameRef<'_>,
    ) -> Result<u64, StoreError> {
        let mut found = 0;
        let mut removals = Vec::new();
        for thing in self.withdrawn_things()? {
            let closure = self.closure_in_graph(scope, thing.as_ref(), staging, false)?;
            if !closure.is_empty() {
                found += 1;
                removals.extend(
                    closure
                        .into_iter()
                        .map(|t| t.in_graph(staging.into_owned())),
                );
            }
        }
        if !removals.is_empty() {
            let mut transaction = self
                .inner
                .start_transaction()
                .map_err(|e| self.storage(e))?;
            for quad in &removals {
                transaction.remove(quad);
            }
            transaction.commit().map_err(|e| self.storage(e))?;
        }
        Ok(found)
    }

    /// Copies a graph into an empty one with the bulk loader (atomic, memory flat).
    fn copy_graph(&self, from: GraphNameRef<'_>, to: GraphNameRef<'_>) -> Result<u64, StoreError> {
        let mut loader = self.inner.bulk_loader();
        let mut batch = Vec::with_capacity(BATCH);
        let mut count = 0;
        for quad in self.inner.quads_for_pattern(None, None, None, Some(from)) {
            let quad = quad.map_err(|e| self.storage(e))?;
            batch.push(Quad::new(
                quad.subject,
                quad.predicate,
                quad.object,
                to.into_owned(),
            ));
            count += 1;
            if batch.len() >= BATCH {
                loader
                    .load_quads(std::mem::take(&mut batch))
                    .map_err(|e| self.storage(e))?;
            }
        }
        loader.load_quads(batch).map_err(|e| self.storage(e))?;
        loader.commit().map_err(|e| self.storage(e))?;
        Ok(count)
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
        let staging = staging_of(&self.load_into, &self.target)?;
        let result = difference(store, self.target.as_ref(), staging.as_ref().into())
            .and_then(|d| apply(store, self.target.as_ref(), d));
        // The staging graph is private; drop it whether or not the swap succeeded.
        let dropped = store.remove_graph_in_batches(staging.as_ref());
        let report = result?;
        dropped?;
        Ok(report)
    }

    /// [`Self::commit`] for a replacement started with [`Store::replace_dataset`]: also records
    /// which resources were created, updated or deleted, by `cause`, and skips a change that is
    /// only the run's provenance (see the module docs).
    pub fn commit_with_changes(mut self, cause: &ChangeCause) -> Result<DatasetCommit, StoreError> {
        let Some(scope) = self.scope.take() else {
            return Err(StoreError::Bookkeeping(
                "commit_with_changes needs a replacement started with replace_dataset".into(),
            ));
        };
        self.flush()?;
        let store = self.store;
        if self.load_into == self.target {
            // Bulk load straight into the empty graph, then reconcile; the marker makes a crash
            // in between finish on the next open.
            store.mark_pending(&scope, cause)?;
            self.loader.commit().map_err(|e| store.storage(e))?;
            let triples = store.graph_len(self.target.as_ref())? as u64;
            let changes = store.reconcile_changes(&scope, cause)?;
            store.clear_pending(&scope)?;
            return Ok(DatasetCommit {
                stored: ReplaceReport {
                    triples,
                    added: triples,
                    removed: 0,
                },
                changes,
                unchanged: false,
                kept_out: 0,
            });
        }
        self.loader.commit().map_err(|e| store.storage(e))?;
        let staging = staging_of(&self.load_into, &self.target)?;
        let result = commit_staged(
            store,
            &scope,
            cause,
            self.target.as_ref(),
            staging.as_ref().into(),
        );
        let dropped = store.remove_graph_in_batches(staging.as_ref());
        let commit = result?;
        dropped?;
        Ok(commit)
    }
}

fn staging_of(load_into: &GraphName, target: &GraphName) -> Result<NamedNode, StoreError> {
    match load_into {
        GraphName::NamedNode(staging) => Ok(staging.clone()),
        _ => Err(StoreError::LoadAbandoned {
            graph: target.to_string(),
            reason: "staging graph is not a named graph".into(),
        }),
    }
}

/// The staged content against the stored graph, with the change log.
fn commit_staged(
    store: &Store,
    scope: &DatasetScope,
    cause: &ChangeCause,
    target: GraphNameRef<'_>,
    staging: GraphNameRef<'_>,
) -> Result<DatasetCommit, StoreError> {
    let kept_out = store.keep_out_withdrawn(scope, staging)?;
    if !store.graph_len_at_least(target, 1)? {
        store.mark_pending(scope, cause)?;
        let triples = store.copy_graph(staging, target)?;
        let changes = store.reconcile_changes(scope, cause)?;
        store.clear_pending(scope)?;
        return Ok(DatasetCommit {
            stored: ReplaceReport {
                triples,
                added: triples,
                removed: 0,
            },
            changes,
            unchanged: false,
            kept_out,
        });
    }
    let diff = difference(store, target, staging)?;
    let touched: HashSet<NamedOrBlankNode> = diff
        .removals
        .iter()
        .chain(&diff.additions)
        .filter(|q| !scope.is_provenance_quad(q))
        .map(|q| q.subject.clone())
        .collect();
    if touched.is_empty() {
        return Ok(DatasetCommit {
            stored: ReplaceReport {
                // The stored graph stays: the staged count, less what only it has.
                triples: diff.triples + diff.removals.len() as u64 - diff.additions.len() as u64,
                added: 0,
                removed: 0,
            },
            changes: ChangeSummary::default(),
            unchanged: true,
            kept_out,
        });
    }
    let owners = store.owners_of(scope, staging, touched)?;
    let planned = store.plan_changes(scope, staging, owners)?;
    let mut transaction = store
        .inner
        .start_transaction()
        .map_err(|e| store.storage(e))?;
    let stored = write_difference(&mut transaction, target, &diff);
    let changes = store.record(&mut transaction, scope, cause, &planned)?;
    transaction.commit().map_err(|e| store.storage(e))?;
    Ok(DatasetCommit {
        stored,
        changes,
        unchanged: false,
        kept_out,
    })
}

/// What differs between a stored graph and its staged replacement.
struct Difference {
    removals: Vec<Quad>,
    additions: Vec<Quad>,
    /// Triples of the staged content.
    triples: u64,
}

/// Compares the graphs quad by quad with point lookups; memory ∝ the difference.
fn difference(
    store: &Store,
    target: GraphNameRef<'_>,
    staging: GraphNameRef<'_>,
) -> Result<Difference, StoreError> {
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
    Ok(Difference {
        removals,
        additions,
        triples,
    })
}

/// Adds `staging − target` and removes `target − staging` in `transaction`.
fn write_difference(
    transaction: &mut Transaction<'_>,
    target: GraphNameRef<'_>,
    diff: &Difference,
) -> ReplaceReport {
    for quad in &diff.removals {
        transaction.remove(quad);
    }
    for quad in &diff.additions {
        transaction.insert(quad);
    }
    if let (0, GraphNameRef::NamedNode(named)) = (diff.triples, target) {
        // Keep the (now empty) graph registered so the dataset stays listed.
        transaction.insert_named_graph(named);
    }
    ReplaceReport {
        triples: diff.triples,
        added: diff.additions.len() as u64,
        removed: diff.removals.len() as u64,
    }
}

/// Applies a difference in one transaction (nothing is written when there is none).
fn apply(
    store: &Store,
    target: GraphNameRef<'_>,
    diff: Difference,
) -> Result<ReplaceReport, StoreError> {
    if diff.additions.is_empty() && diff.removals.is_empty() {
        return Ok(ReplaceReport {
            triples: diff.triples,
            added: 0,
            removed: 0,
        });
    }
    let mut transaction = store
        .inner
        .start_transaction()
        .map_err(|e| store.storage(e))?;
    let report = write_difference(&mut transaction, target, &diff);
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
