//! Tombstones and withdrawals: deletions are never silent.
//!
//! When the change log records a deletion it opens a *tombstone*: the thing, its dataset, when,
//! by which run, why (by default [`crate::DEFAULT_DELETION_REASON`]) and, for a merge, what
//! replaces it. The web layer answers `410 Gone` from [`Store::tombstone`]; feeds list the
//! deletion. A thing that comes back is live again: its tombstone is *ended* (kept, with the
//! entry that ended it), never removed.
//!
//! A steward states takedowns and merges with *withdrawals* (`jiyi withdraw`):
//!
//! * a thing: [`Store::withdraw_thing`] takes it out of every dataset graph it is published in,
//!   logs the deletion with the steward's reason (and `dcterms:isReplacedBy` for a merge), and
//!   keeps it out of later ingests until [`Store::restore_thing`]; on a thing that is already
//!   gone it restates the reason and replacement of its tombstone;
//! * a dataset: [`Store::withdraw_dataset`] removes its graph and dumps, tombstones every
//!   resource with the reason, and refuses later ingests ([`StoreError::DatasetWithdrawn`]) until
//!   [`Store::restore_dataset`] — Taiwan's rules allow taking open data down only for rights or
//!   privacy reasons, and the takedown must say why.
//!
//! System graphs: `urn:jiyi:tombstones` (`<urn:jiyi:tombstone:N>`, N = the deletion's sequence
//! number, with `jiyi:thing`, `jiyi:dataset`, `jiyi:sequence`, `prov:invalidatedAtTime`,
//! `jiyi:run`, `jiyi:reason`, `dcterms:isReplacedBy`, and once ended `jiyi:endedBy` +
//! `jiyi:endedAt`) and `urn:jiyi:withdrawals` (`<thing>` or `<urn:jiyi:dataset:NAME>` with
//! `jiyi:reason`, `prov:atTime`, `dcterms:isReplacedBy`).

use crate::changes::{
    ChangeCause, ChangeKind, ChangeSummary, DatasetScope, Planned, STATE_PREFIX, date_time, iri,
    literal_text, literal_time, literal_u64, named,
};
use crate::model::{GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};
use crate::{Store, StoreError};
use jiyi_model::UriPolicy;
use jiyi_model::vocab::{DCTERMS, JIYI, PROV};
use oxigraph::store::Transaction;

/// The graph of tombstones.
pub(crate) const TOMBSTONES_GRAPH: &str = "urn:jiyi:tombstones";
/// The graph of steward withdrawals (things kept out, datasets taken down).
pub(crate) const WITHDRAWALS_GRAPH: &str = "urn:jiyi:withdrawals";
const TOMBSTONE_PREFIX: &str = "urn:jiyi:tombstone:";
const DATASET_PREFIX: &str = "urn:jiyi:dataset:";
/// Quads removed per transaction when a withdrawn dataset's graph is dropped, so memory stays
/// flat whatever the graph's size.
const REMOVE_BATCH: usize = 50_000;

/// Why and since when a thing is gone: what a `410 Gone` page says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tombstone {
    /// The thing that is gone.
    pub thing: NamedNode,
    /// The dataset it was deleted from.
    pub dataset: String,
    /// When it was deleted.
    pub deleted: jiff::Timestamp,
    /// The change-log entry of the deletion.
    pub sequence: u64,
    /// The ingest run that no longer found it; `None` for a steward's withdrawal.
    pub run: Option<NamedNode>,
    /// Why, in the steward's words or [`crate::DEFAULT_DELETION_REASON`].
    pub reason: String,
    /// What replaces it when it was merged into another thing (`dcterms:isReplacedBy`).
    pub replaced_by: Option<NamedNode>,
}

/// A steward's withdrawal of a thing or a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    /// Why, as the steward wrote it.
    pub reason: String,
    /// When it was stated.
    pub time: jiff::Timestamp,
    /// For a thing: what replaces it.
    pub replaced_by: Option<NamedNode>,
}

/// What [`Store::withdraw_thing`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThingWithdrawal {
    /// The thing was published and has been taken down from these datasets.
    TakenDown {
        /// Dataset names (their dumps should be regenerated).
        datasets: Vec<String>,
        /// The deletions logged.
        changes: ChangeSummary,
    },
    /// The thing was already gone; this many open tombstones now carry the reason.
    Restated {
        /// Tombstones updated.
        tombstones: usize,
    },
    /// Nothing is known of the thing; later ingests will keep it out.
    KeptOut,
}

pub(crate) fn tombstones_graph() -> NamedNode {
    NamedNode::new_unchecked(TOMBSTONES_GRAPH)
}

fn withdrawals_graph() -> NamedNode {
    NamedNode::new_unchecked(WITHDRAWALS_GRAPH)
}

fn dataset_node(name: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{DATASET_PREFIX}{name}"))
}

/// The quads of a tombstone for a deletion logged as entry `sequence`.
pub(crate) fn tombstone_quads(
    thing: &NamedNode,
    dataset: &str,
    sequence: u64,
    cause: &ChangeCause,
) -> Vec<Quad> {
    let graph = tombstones_graph();
    let node = NamedNode::new_unchecked(format!("{TOMBSTONE_PREFIX}{sequence}"));
    let mut out = Vec::new();
    let mut add = |p: NamedNode, o: Term| {
        out.push(Quad::new(node.clone(), p, o, graph.clone()));
    };
    add(iri(JIYI, "thing"), thing.clone().into());
    add(
        iri(JIYI, "dataset"),
        Literal::new_simple_literal(dataset).into(),
    );
    add(
        iri(JIYI, "sequence"),
        crate::changes::integer(sequence).into(),
    );
    add(iri(PROV, "invalidatedAtTime"), date_time(cause.time).into());
    add(
        iri(JIYI, "reason"),
        Literal::new_simple_literal(cause.deletion_reason()).into(),
    );
    if let Some(run) = &cause.run {
        add(iri(JIYI, "run"), run.clone().into());
    }
    if let Some(by) = &cause.replaced_by {
        add(iri(DCTERMS, "isReplacedBy"), by.clone().into());
    }
    out
}

/// The quads that end the open tombstones of `thing` in `dataset`: it is live again since
/// entry `sequence`. Only insertions, so a bulk load can carry them.
pub(crate) fn ending_quads(
    store: &Store,
    thing: &NamedNode,
    dataset: &str,
    sequence: u64,
    time: jiff::Timestamp,
) -> Result<Vec<Quad>, StoreError> {
    let graph = tombstones_graph();
    let mut out = Vec::new();
    for node in store.tombstone_nodes(thing.as_ref())? {
        let tombstone = store.read_tombstone(&node)?;
        if tombstone
            .as_ref()
            .is_some_and(|(t, open)| *open && t.dataset == dataset)
        {
            out.push(Quad::new(
                node.clone(),
                iri(JIYI, "endedBy"),
                crate::changes::integer(sequence),
                graph.clone(),
            ));
            out.push(Quad::new(
                node,
                iri(JIYI, "endedAt"),
                date_time(time),
                graph.clone(),
            ));
        }
    }
    Ok(out)
}

impl Store {
    /// Why `thing` is gone, for a `410 Gone` answer: the latest open tombstone, or `None` when
    /// the thing is live in some dataset or was never deleted (then a missing description means
    /// `404`). Call it when [`Store::describe`] found nothing.
    pub fn tombstone(&self, thing: NamedNodeRef<'_>) -> Result<Option<Tombstone>, StoreError> {
        if self.is_live(thing)? {
            return Ok(None);
        }
        Ok(self
            .open_tombstones(thing)?
            .into_iter()
            .max_by_key(|t| t.sequence))
    }

    /// Every open tombstone of `thing` (one per dataset it was deleted from), oldest first.
    pub fn open_tombstones(&self, thing: NamedNodeRef<'_>) -> Result<Vec<Tombstone>, StoreError> {
        let mut out = Vec::new();
        for node in self.tombstone_nodes(thing)? {
            if let Some((tombstone, true)) = self.read_tombstone(&node)? {
                out.push(tombstone);
            }
        }
        out.sort_by_key(|t| t.sequence);
        Ok(out)
    }

    /// Whether the change log has `thing` as a live resource of some dataset.
    pub fn is_live(&self, thing: NamedNodeRef<'_>) -> Result<bool, StoreError> {
        for quad in self.inner.quads_for_pattern(
            Some(thing.into()),
            Some(iri(JIYI, "hash").as_ref()),
            None,
            None,
        ) {
            let quad = quad.map_err(|e| self.storage(e))?;
            if matches!(&quad.graph_name, crate::model::GraphName::NamedNode(g) if g.as_str().starts_with(STATE_PREFIX))
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn tombstone_nodes(&self, thing: NamedNodeRef<'_>) -> Result<Vec<NamedNode>, StoreError> {
        let graph = tombstones_graph();
        let mut out = Vec::new();
        for quad in self.inner.quads_for_pattern(
            None,
            Some(iri(JIYI, "thing").as_ref()),
            Some(thing.into()),
            Some(graph.as_ref().into()),
        ) {
            if let NamedOrBlankNode::NamedNode(n) = quad.map_err(|e| self.storage(e))?.subject {
                out.push(n);
            }
        }
        Ok(out)
    }

    /// A tombstone and whether it is still open.
    fn read_tombstone(&self, node: &NamedNode) -> Result<Option<(Tombstone, bool)>, StoreError> {
        let graph = tombstones_graph();
        let get = |p: NamedNode| self.object(node.as_ref().into(), p.as_ref(), graph.as_ref());
        let (Some(thing), Some(dataset), Some(sequence), Some(deleted)) = (
            get(iri(JIYI, "thing"))?.as_ref().and_then(named),
            get(iri(JIYI, "dataset"))?.as_ref().and_then(literal_text),
            get(iri(JIYI, "sequence"))?.as_ref().and_then(literal_u64),
            get(iri(PROV, "invalidatedAtTime"))?
                .as_ref()
                .and_then(literal_time),
        ) else {
            return Ok(None);
        };
        let open = get(iri(JIYI, "endedBy"))?.is_none();
        Ok(Some((
            Tombstone {
                thing,
                dataset,
                deleted,
                sequence,
                run: get(iri(JIYI, "run"))?.as_ref().and_then(named),
                reason: get(iri(JIYI, "reason"))?
                    .as_ref()
                    .and_then(literal_text)
                    .unwrap_or_else(|| crate::DEFAULT_DELETION_REASON.to_owned()),
                replaced_by: get(iri(DCTERMS, "isReplacedBy"))?.as_ref().and_then(named),
            },
            open,
        )))
    }

    /// Takes `thing` down with a reason (and, for a merge, its replacement): removed from every
    /// dataset graph it is published in (its description: own triples, blank nodes and hash
    /// IRIs), each removal logged as a deletion with a tombstone, in one transaction per dataset;
    /// later ingests keep it out until [`Self::restore_thing`]. On a thing already gone the
    /// reason and replacement of its open tombstones are restated. The caller regenerates the
    /// dumps of the datasets named in the answer.
    pub fn withdraw_thing(
        &self,
        policy: &UriPolicy,
        thing: NamedNodeRef<'_>,
        reason: &str,
        replaced_by: Option<NamedNode>,
    ) -> Result<ThingWithdrawal, StoreError> {
        let cause = ChangeCause::steward(reason, replaced_by);
        self.write_withdrawal(thing.into_owned(), &cause)?;
        let mut datasets = Vec::new();
        for quad in self.inner.quads_for_pattern(
            Some(thing.into()),
            Some(iri(JIYI, "hash").as_ref()),
            None,
            None,
        ) {
            let quad = quad.map_err(|e| self.storage(e))?;
            if let crate::model::GraphName::NamedNode(g) = &quad.graph_name
                && let Some(name) = g.as_str().strip_prefix(STATE_PREFIX)
            {
                datasets.push(name.to_owned());
            }
        }
        datasets.sort();
        datasets.dedup();
        if datasets.is_empty() {
            let open = self.open_tombstones(thing)?;
            if open.is_empty() {
                return Ok(ThingWithdrawal::KeptOut);
            }
            let graph = tombstones_graph();
            let mut transaction = self
                .inner
                .start_transaction()
                .map_err(|e| self.storage(e))?;
            for tombstone in &open {
                let node =
                    NamedNode::new_unchecked(format!("{TOMBSTONE_PREFIX}{}", tombstone.sequence));
                for p in [iri(JIYI, "reason"), iri(DCTERMS, "isReplacedBy")] {
                    for o in self.objects(node.as_ref().into(), p.as_ref(), graph.as_ref())? {
                        transaction.remove(&Quad::new(node.clone(), p.clone(), o, graph.clone()));
                    }
                }
                transaction.insert(&Quad::new(
                    node.clone(),
                    iri(JIYI, "reason"),
                    Literal::new_simple_literal(reason),
                    graph.clone(),
                ));
                if let Some(by) = &cause.replaced_by {
                    transaction.insert(&Quad::new(
                        node,
                        iri(DCTERMS, "isReplacedBy"),
                        by.clone(),
                        graph.clone(),
                    ));
                }
            }
            transaction.commit().map_err(|e| self.storage(e))?;
            return Ok(ThingWithdrawal::Restated {
                tombstones: open.len(),
            });
        }
        let mut changes = ChangeSummary::default();
        for name in &datasets {
            let scope = DatasetScope::new(policy, name)?;
            let graph = scope.graph().clone();
            let removals: Vec<Quad> = self
                .closure_in_graph(&scope, thing, graph.as_ref().into(), false)?
                .into_iter()
                .map(|t| t.in_graph(graph.clone()))
                .collect();
            let planned = [Planned {
                thing: thing.into_owned(),
                kind: ChangeKind::Deleted,
                hash: None,
            }];
            let remove = |transaction: &mut Transaction<'_>| {
                for quad in &removals {
                    transaction.remove(quad);
                }
            };
            let logged = self.write_planned(&scope, &cause, &planned, Some(&remove))?;
            changes.deleted += logged.deleted;
            changes.first_sequence = changes.first_sequence.or(logged.first_sequence);
            changes.last_sequence = logged.last_sequence.or(changes.last_sequence);
        }
        Ok(ThingWithdrawal::TakenDown { datasets, changes })
    }

    /// Lifts a thing's withdrawal: the next ingest that finds it in its source publishes it
    /// again (a `created` entry; its tombstone is ended). Returns whether it was withdrawn.
    pub fn restore_thing(&self, thing: NamedNodeRef<'_>) -> Result<bool, StoreError> {
        self.remove_subject(withdrawals_graph().as_ref(), thing.into_owned().into())
    }

    /// The steward's withdrawal of `thing`, if it is withdrawn.
    pub fn thing_withdrawal(
        &self,
        thing: NamedNodeRef<'_>,
    ) -> Result<Option<Withdrawal>, StoreError> {
        self.read_withdrawal(thing.into_owned())
    }

    /// Things withdrawn by a steward, which ingests keep out of every dataset.
    pub(crate) fn withdrawn_things(&self) -> Result<Vec<NamedNode>, StoreError> {
        let graph = withdrawals_graph();
        let mut out = Vec::new();
        for quad in self.inner.quads_for_pattern(
            None,
            Some(iri(JIYI, "reason").as_ref()),
            None,
            Some(graph.as_ref().into()),
        ) {
            if let NamedOrBlankNode::NamedNode(n) = quad.map_err(|e| self.storage(e))?.subject
                && !n.as_str().starts_with(DATASET_PREFIX)
            {
                out.push(n);
            }
        }
        Ok(out)
    }

    /// Withdraws a whole dataset for `reason`: its graph and dumps are removed, every resource
    /// gets a deletion entry and a tombstone with that reason, and ingests of it are refused
    /// until [`Self::restore_dataset`]. Interrupted, it is finished when the store is next
    /// opened. Memory stays flat (the graph is removed in batches).
    pub fn withdraw_dataset(
        &self,
        scope: &DatasetScope,
        reason: &str,
    ) -> Result<ChangeSummary, StoreError> {
        let cause = ChangeCause::steward(reason, None);
        self.write_withdrawal(dataset_node(scope.name()), &cause)?;
        self.mark_pending(scope, &cause)?;
        self.finish_dataset_withdrawal(scope, &cause)
    }

    pub(crate) fn finish_dataset_withdrawal(
        &self,
        scope: &DatasetScope,
        cause: &ChangeCause,
    ) -> Result<ChangeSummary, StoreError> {
        // The feed keeps serving every version the dataset published (versions.rs).
        self.snapshot_live_versions(scope)?;
        self.remove_graph_in_batches(scope.graph().as_ref())?;
        self.remove_dumps(scope)?;
        let summary = self.reconcile_changes(scope, cause)?;
        self.clear_pending(scope)?;
        Ok(summary)
    }

    /// Lifts a dataset's withdrawal so it can be ingested again. Returns whether it was
    /// withdrawn.
    pub fn restore_dataset(&self, name: &str) -> Result<bool, StoreError> {
        self.remove_subject(withdrawals_graph().as_ref(), dataset_node(name).into())
    }

    /// Why and when a dataset was withdrawn, if it is.
    pub fn dataset_withdrawal(&self, name: &str) -> Result<Option<Withdrawal>, StoreError> {
        self.read_withdrawal(dataset_node(name))
    }

    fn write_withdrawal(&self, subject: NamedNode, cause: &ChangeCause) -> Result<(), StoreError> {
        let graph = withdrawals_graph();
        let mut transaction = self
            .inner
            .start_transaction()
            .map_err(|e| self.storage(e))?;
        self.remove_statements_of(&mut transaction, subject.as_ref(), graph.as_ref())?;
        let mut add = |p: NamedNode, o: Term| {
            transaction.insert(&Quad::new(subject.clone(), p, o, graph.clone()));
        };
        add(
            iri(JIYI, "reason"),
            Literal::new_simple_literal(cause.deletion_reason()).into(),
        );
        add(iri(PROV, "atTime"), date_time(cause.time).into());
        if let Some(by) = &cause.replaced_by {
            add(iri(DCTERMS, "isReplacedBy"), by.clone().into());
        }
        transaction.commit().map_err(|e| self.storage(e))
    }

    fn read_withdrawal(&self, subject: NamedNode) -> Result<Option<Withdrawal>, StoreError> {
        let graph = withdrawals_graph();
        let get = |p: NamedNode| self.object(subject.as_ref().into(), p.as_ref(), graph.as_ref());
        let Some(reason) = get(iri(JIYI, "reason"))?.as_ref().and_then(literal_text) else {
            return Ok(None);
        };
        Ok(Some(Withdrawal {
            reason,
            time: get(iri(PROV, "atTime"))?
                .as_ref()
                .and_then(literal_time)
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
            replaced_by: get(iri(DCTERMS, "isReplacedBy"))?.as_ref().and_then(named),
        }))
    }

    fn remove_subject(
        &self,
        graph: NamedNodeRef<'_>,
        subject: NamedOrBlankNode,
    ) -> Result<bool, StoreError> {
        let quads: Vec<Quad> = self
            .inner
            .quads_for_pattern(Some(subject.as_ref()), None, None, Some(graph.into()))
            .collect::<Result<_, _>>()
            .map_err(|e| self.storage(e))?;
        if quads.is_empty() {
            return Ok(false);
        }
        let mut transaction = self
            .inner
            .start_transaction()
            .map_err(|e| self.storage(e))?;
        for quad in &quads {
            transaction.remove(quad);
        }
        transaction.commit().map_err(|e| self.storage(e))?;
        Ok(true)
    }

    /// Removes a named graph in bounded transactions (Oxigraph's own `remove_named_graph`
    /// buffers every removal of the graph in one transaction).
    pub(crate) fn remove_graph_in_batches(
        &self,
        graph: NamedNodeRef<'_>,
    ) -> Result<(), StoreError> {
        loop {
            let batch: Vec<Quad> = self
                .inner
                .quads_for_pattern(None, None, None, Some(GraphNameRef::from(graph)))
                .take(REMOVE_BATCH)
                .collect::<Result<_, _>>()
                .map_err(|e| self.storage(e))?;
            if batch.is_empty() {
                break;
            }
            let mut transaction = self
                .inner
                .start_transaction()
                .map_err(|e| self.storage(e))?;
            for quad in &batch {
                transaction.remove(quad);
            }
            transaction.commit().map_err(|e| self.storage(e))?;
        }
        self.drop_graph(graph)
    }
}
