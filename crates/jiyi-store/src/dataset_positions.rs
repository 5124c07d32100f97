//! Per-dataset positions in the change log, so one dataset's part of the log is read in
//! O(page), however many entries of other datasets lie between.
//!
//! The log numbers entries densely across all datasets (`<urn:jiyi:change:N>`). Each entry also
//! gets a dense position *within its dataset* (1, 2, 3…, never reused), written in the same
//! transaction or bulk load as the entry, in the system graph `urn:jiyi:dataset-changes`:
//!
//! * `<urn:jiyi:dataset-change:NAME:K> jiyi:entry <urn:jiyi:change:N>`: position → entry, a
//!   point lookup (what a feed page and an OAI set listing step through);
//! * `<urn:jiyi:change:N> jiyi:datasetPosition K`: entry → position (a feed page URL names the
//!   sequence number of its first entry);
//! * `<urn:jiyi:dataset-log:NAME> jiyi:lastPosition K`: the dataset's counter, like the global
//!   `jiyi:lastSequence`;
//! * `<urn:jiyi:dataset-log:NAME> jiyi:sharesThings true`: some resource of the dataset has
//!   entries in another dataset too, so its latest entry (where its OAI record sits) may lie
//!   outside this dataset's positions and an OAI set listing must walk the global log;
//! * `<urn:jiyi:dataset-changes> jiyi:complete true`: every entry has its position. A store
//!   written before positions existed lacks it and gets its index built when it is opened
//!   (idempotent and resumable, see [`Store::build_dataset_positions`]); until then (a read-only
//!   open of such a store) readers walk the global log as before.

use crate::changes::{AS, ENTRY_PREFIX, changes_graph, integer, iri, literal_text, literal_u64};
use crate::model::{Literal, NamedNode, NamedNodeRef, Quad, QuadRef, Term};
use crate::{Store, StoreError};
use jiyi_model::vocab::{JIYI, XSD};
use std::collections::{BTreeSet, HashMap};

/// The graph of the per-dataset index.
const POSITIONS_GRAPH: &str = "urn:jiyi:dataset-changes";
const POSITION_PREFIX: &str = "urn:jiyi:dataset-change:";
const LOG_PREFIX: &str = "urn:jiyi:dataset-log:";
/// Entries indexed per transaction when an existing store's index is built.
const BUILD_CHUNK: usize = 2_000;

fn positions_graph() -> NamedNode {
    NamedNode::new_unchecked(POSITIONS_GRAPH)
}

fn position_node(dataset: &str, position: u64) -> NamedNode {
    NamedNode::new_unchecked(format!("{POSITION_PREFIX}{dataset}:{position}"))
}

fn log_node(dataset: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{LOG_PREFIX}{dataset}"))
}

fn entry_node(sequence: u64) -> NamedNode {
    NamedNode::new_unchecked(format!("{ENTRY_PREFIX}{sequence}"))
}

fn entry_sequence(term: &Term) -> Option<u64> {
    match term {
        Term::NamedNode(n) => n.as_str().strip_prefix(ENTRY_PREFIX)?.parse().ok(),
        _ => None,
    }
}

fn flag() -> Literal {
    Literal::new_typed_literal("true", iri(XSD, "boolean"))
}

/// The marker of a complete index: written with the first entries of a new log, or when the
/// index of an older store has been built.
pub(crate) fn complete_marker() -> Quad {
    let graph = positions_graph();
    Quad::new(graph.clone(), iri(JIYI, "complete"), flag(), graph)
}

/// The index quads of one dataset's new entries, numbered on from its counter: what a
/// transaction (or a first load's bulk load) writes beside the entries themselves.
pub(crate) struct PositionWriter {
    dataset: String,
    last: u64,
    next: u64,
    /// Other datasets that turned out to share a resource with this one.
    sharing: BTreeSet<String>,
    /// This dataset's own counter quads.
    quads: Vec<Quad>,
}

impl PositionWriter {
    /// Gives entry `sequence` (about `thing`) the dataset's next position.
    pub(crate) fn add(
        &mut self,
        store: &Store,
        sequence: u64,
        thing: NamedNodeRef<'_>,
    ) -> Result<(), StoreError> {
        self.next += 1;
        let graph = positions_graph();
        let entry = entry_node(sequence);
        self.quads.push(Quad::new(
            position_node(&self.dataset, self.next),
            iri(JIYI, "entry"),
            entry.clone(),
            graph.clone(),
        ));
        self.quads.push(Quad::new(
            entry,
            iri(JIYI, "datasetPosition"),
            integer(self.next),
            graph,
        ));
        for other in store.datasets_logging(thing)? {
            if other != self.dataset {
                self.sharing.insert(other);
            }
        }
        Ok(())
    }

    /// The quads to insert and remove: positions, the moved counter, the sharing flags.
    pub(crate) fn finish(self) -> (Vec<Quad>, Vec<Quad>) {
        let graph = positions_graph();
        let counter = |n: u64| {
            Quad::new(
                log_node(&self.dataset),
                iri(JIYI, "lastPosition"),
                integer(n),
                graph.clone(),
            )
        };
        let mut insert = self.quads;
        let mut remove = Vec::new();
        if self.next == self.last {
            return (insert, remove);
        }
        insert.push(counter(self.next));
        if self.last > 0 {
            remove.push(counter(self.last));
        }
        if !self.sharing.is_empty() {
            for name in self.sharing.iter().chain([&self.dataset]) {
                insert.push(Quad::new(
                    log_node(name),
                    iri(JIYI, "sharesThings"),
                    flag(),
                    graph.clone(),
                ));
            }
        }
        (insert, remove)
    }
}

impl Store {
    /// A writer of `dataset`'s next positions, starting after its counter.
    pub(crate) fn position_writer(&self, dataset: &str) -> Result<PositionWriter, StoreError> {
        let last = self.last_position(dataset)?;
        Ok(PositionWriter {
            dataset: dataset.to_owned(),
            last,
            next: last,
            sharing: BTreeSet::new(),
            quads: Vec::new(),
        })
    }

    /// How many entries `dataset` has (its last position; 0 for none).
    pub fn last_position(&self, dataset: &str) -> Result<u64, StoreError> {
        let graph = positions_graph();
        let mut last = 0;
        // Between a bulk load and the removal of the old counter both exist: take the larger.
        for term in self.objects(
            log_node(dataset).as_ref().into(),
            iri(JIYI, "lastPosition").as_ref(),
            graph.as_ref(),
        )? {
            last = last.max(literal_u64(&term).unwrap_or(0));
        }
        Ok(last)
    }

    /// The sequence number of `dataset`'s entry at `position` (1-based): one point lookup.
    pub fn dataset_entry(&self, dataset: &str, position: u64) -> Result<Option<u64>, StoreError> {
        let graph = positions_graph();
        Ok(self
            .object(
                position_node(dataset, position).as_ref().into(),
                iri(JIYI, "entry").as_ref(),
                graph.as_ref(),
            )?
            .as_ref()
            .and_then(entry_sequence))
    }

    /// The position of entry `sequence` within its dataset: one point lookup.
    pub fn dataset_position(&self, sequence: u64) -> Result<Option<u64>, StoreError> {
        let graph = positions_graph();
        Ok(self
            .object(
                entry_node(sequence).as_ref().into(),
                iri(JIYI, "datasetPosition").as_ref(),
                graph.as_ref(),
            )?
            .as_ref()
            .and_then(literal_u64))
    }

    /// Whether every entry has its position (false only for a store written before positions
    /// existed and opened read-only since). An empty log is complete; its first entries write
    /// the marker ([`complete_marker`]).
    pub(crate) fn positions_ready(&self) -> Result<bool, StoreError> {
        let marker = complete_marker();
        Ok(
            self.inner.contains(&marker).map_err(|e| self.storage(e))?
                || self.last_sequence()? == 0,
        )
    }

    /// Whether a resource of `dataset` has entries in another dataset as well.
    pub(crate) fn shares_things(&self, dataset: &str) -> Result<bool, StoreError> {
        let graph = positions_graph();
        self.inner
            .contains(QuadRef::new(
                log_node(dataset).as_ref(),
                iri(JIYI, "sharesThings").as_ref(),
                flag().as_ref(),
                graph.as_ref(),
            ))
            .map_err(|e| self.storage(e))
    }

    /// The first position of `dataset` whose entry has a sequence number ≥ `sequence`
    /// (`last + 1` when none): a binary search, one point lookup per step.
    pub(crate) fn first_position_from(
        &self,
        dataset: &str,
        sequence: u64,
        last: u64,
    ) -> Result<u64, StoreError> {
        let (mut low, mut high) = (1, last.saturating_add(1));
        while low < high {
            let middle = low + (high - low) / 2;
            let before = self
                .dataset_entry(dataset, middle)?
                .is_none_or(|n| n < sequence);
            if before {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        Ok(low)
    }

    /// The datasets with an entry about `thing` (its entries, from the log's object index).
    fn datasets_logging(&self, thing: NamedNodeRef<'_>) -> Result<BTreeSet<String>, StoreError> {
        let graph = changes_graph();
        let mut out = BTreeSet::new();
        for quad in self.inner.quads_for_pattern(
            None,
            Some(iri(AS, "object").as_ref()),
            Some(thing.into()),
            Some(graph.as_ref().into()),
        ) {
            let quad = quad.map_err(|e| self.storage(e))?;
            if let Some(name) = self
                .object(
                    quad.subject.as_ref(),
                    iri(JIYI, "dataset").as_ref(),
                    graph.as_ref(),
                )?
                .as_ref()
                .and_then(literal_text)
            {
                out.insert(name);
            }
        }
        Ok(out)
    }

    /// Gives every entry of a store written before positions existed its position, in log
    /// order, in transactions of bounded size; then marks the index complete. Resumable: an
    /// entry that has a position keeps it (the counters continue from it), so an interrupted
    /// build finishes on the next open without numbering anything twice. A store whose index is
    /// complete (every store created since) costs one probe.
    pub(crate) fn build_dataset_positions(&self) -> Result<(), StoreError> {
        let last = self.last_sequence()?;
        if last == 0
            || self
                .inner
                .contains(&complete_marker())
                .map_err(|e| self.storage(e))?
        {
            return Ok(());
        }
        self.index_entries(last, true)
    }

    /// Gives entries 1..=`last` that have no position theirs, in log order, committing every
    /// [`BUILD_CHUNK`] entries with the counters they moved (so an interruption leaves a
    /// prefix of the log indexed and the counters agreeing with it); `complete` marks the end.
    fn index_entries(&self, last: u64, complete: bool) -> Result<(), StoreError> {
        let mut writers: HashMap<String, PositionWriter> = HashMap::new();
        let mut pending = 0;
        for sequence in 1..=last {
            let Some(change) = self.change(sequence)? else {
                continue;
            };
            if self.dataset_position(sequence)?.is_some() {
                continue;
            }
            if !writers.contains_key(&change.dataset) {
                let writer = self.position_writer(&change.dataset)?;
                writers.insert(change.dataset.clone(), writer);
            }
            if let Some(writer) = writers.get_mut(&change.dataset) {
                writer.add(self, sequence, change.thing.as_ref())?;
            }
            pending += 1;
            if pending >= BUILD_CHUNK {
                self.write_positions(writers.drain().map(|(_, w)| w), false)?;
                pending = 0;
            }
        }
        self.write_positions(writers.into_values(), complete)
    }

    fn write_positions(
        &self,
        writers: impl Iterator<Item = PositionWriter>,
        complete: bool,
    ) -> Result<(), StoreError> {
        let mut transaction = self
            .inner
            .start_transaction()
            .map_err(|e| self.storage(e))?;
        for writer in writers {
            let (insert, remove) = writer.finish();
            for quad in &remove {
                transaction.remove(quad);
            }
            for quad in &insert {
                transaction.insert(quad);
            }
        }
        if complete {
            transaction.insert(&complete_marker());
        }
        transaction.commit().map_err(|e| self.storage(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Triple;
    use crate::{ChangeCause, DatasetScope, RecordWindow};
    use jiyi_model::UriPolicy;
    use std::path::Path;

    const BASE: &str = "https://d.example/";

    fn thing(key: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{BASE}id/object/{key}"))
    }

    fn policy() -> UriPolicy {
        UriPolicy::new(BASE).expect("base")
    }

    fn open(path: &Path) -> Store {
        let store = Store::open(path).expect("open");
        store.bind_base_iri(BASE).expect("bind");
        store
    }

    /// Ingests `dataset` with objects `keys`, each titled `title` (a run per call).
    fn ingest(store: &Store, dataset: &str, keys: &[String], title: &str, run: i64) {
        let scope = DatasetScope::new(&policy(), dataset).expect("scope");
        let cause = ChangeCause::run(
            NamedNode::new_unchecked(format!("{BASE}id/run/{dataset}/{run}")),
            jiff::Timestamp::from_second(run).expect("time"),
        );
        let mut load = store.replace_dataset(&scope).expect("replace");
        for key in keys {
            load.add(Triple::new(
                thing(key),
                NamedNode::new_unchecked("http://purl.org/dc/terms/title"),
                Literal::new_simple_literal(format!("{title} {key}")),
            ))
            .expect("add");
        }
        load.commit_with_changes(&cause).expect("commit");
    }

    fn keys(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i}")).collect()
    }

    /// Checks the index against the global log: for every dataset, positions 1..=last name
    /// exactly its entries, in log order, and each entry names its position back.
    fn assert_index_matches_log(store: &Store) {
        let log = store.changes(0, usize::MAX).expect("log");
        let mut datasets: Vec<&str> = log.iter().map(|c| c.dataset.as_str()).collect();
        datasets.sort_unstable();
        datasets.dedup();
        for dataset in datasets {
            let expected: Vec<u64> = log
                .iter()
                .filter(|c| c.dataset == dataset)
                .map(|c| c.sequence)
                .collect();
            let last = store.last_position(dataset).expect("last");
            let indexed: Vec<u64> = (1..=last)
                .map(|k| {
                    store
                        .dataset_entry(dataset, k)
                        .expect("entry")
                        .expect("dense")
                })
                .collect();
            assert_eq!(indexed, expected, "positions of {dataset}");
            assert_eq!(store.dataset_entry(dataset, last + 1).expect("entry"), None);
            for (k, sequence) in expected.iter().enumerate() {
                assert_eq!(
                    store.dataset_position(*sequence).expect("position"),
                    Some(k as u64 + 1)
                );
            }
        }
        assert!(store.positions_ready().expect("ready"));
    }

    /// Interleaved datasets, a bulk first load, re-ingests that update and delete, a steward's
    /// withdrawal and a reopened store: positions stay dense per dataset and never reused.
    #[test]
    fn positions_are_dense_per_dataset_across_ingests_withdrawals_and_reopening() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let store = open(dir.path());
            ingest(&store, "a", &keys("a", 5), "v1", 1);
            ingest(&store, "b", &keys("b", 3), "v1", 2);
            // a: 2 updated, 1 deleted; b: one more object.
            let mut a = keys("a", 4);
            a[0] = "a0".into();
            ingest(&store, "a", &a, "v2", 3);
            ingest(&store, "b", &keys("b", 4), "v1", 4);
            store
                .withdraw_thing(&policy(), thing("b1").as_ref(), "rights", None)
                .expect("withdraw");
            assert_index_matches_log(&store);
        }
        let store = open(dir.path());
        ingest(&store, "a", &keys("a", 6), "v3", 5);
        assert_index_matches_log(&store);
        // b: 3 created, 1 created, 1 withdrawn (the dataset description is not a thing here).
        assert_eq!(store.last_position("b").expect("b"), 5);
        assert!(!store.shares_things("a").expect("a"));
    }

    /// A store written before positions existed (here: its index removed) gets it built when
    /// opened, the same as it would have been written; an interrupted build is finished.
    #[test]
    fn the_index_is_built_for_a_store_written_without_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let graph = positions_graph();
        let indexed = {
            let store = open(dir.path());
            ingest(&store, "a", &keys("a", 7), "v1", 1);
            ingest(&store, "b", &keys("b", 4), "v1", 2);
            ingest(&store, "a", &keys("a", 9), "v2", 3);
            let indexed: Vec<Quad> = store
                .inner
                .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
                .collect::<Result<_, _>>()
                .expect("index");
            store.inner.clear_graph(graph.as_ref()).expect("clear");
            assert!(!store.positions_ready().expect("ready"));
            // Until it is built, readers walk the global log and give the same answers.
            assert_eq!(store.dataset_changes("b", 0, 100).expect("walk").len(), 4);
            indexed
        };
        let rebuilt = |store: &Store| {
            let mut quads: Vec<String> = store
                .inner
                .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
                .map(|q| q.expect("quad").to_string())
                .collect();
            quads.sort();
            quads
        };
        let mut expected: Vec<String> = indexed.iter().map(ToString::to_string).collect();
        expected.sort();
        {
            let store = open(dir.path());
            assert_index_matches_log(&store);
            assert_eq!(rebuilt(&store), expected);
            // Interrupted: only entries up to the middle of b's were indexed.
            store.inner.clear_graph(graph.as_ref()).expect("clear");
            store.index_entries(9, false).expect("part");
            assert!(!store.positions_ready().expect("ready"));
            assert_eq!(store.last_position("b").expect("b"), 2);
        }
        let store = open(dir.path());
        assert_index_matches_log(&store);
        assert_eq!(store.last_position("a").expect("a"), 16);
    }

    /// The cost bound: with many entries of dataset a before dataset b's, a feed page, the feed
    /// root and an OAI set page of b read b's entries only (plus a logarithmic search for `from`).
    #[test]
    fn a_page_of_one_dataset_reads_only_its_own_entries() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = open(dir.path());
        ingest(&store, "a", &keys("a", 400), "v1", 1);
        ingest(&store, "b", &keys("b", 12), "v1", 2);
        ingest(&store, "a", &keys("a", 400), "v2", 3);
        let first_b = store.dataset_entry("b", 1).expect("b").expect("b");
        assert_eq!(first_b, 401);

        let before = store.entries_read();
        let page = store.dataset_changes("b", first_b, 51).expect("page");
        assert_eq!(page.len(), 12);
        assert!(page.iter().all(|c| c.dataset == "b"));
        assert!(
            store.entries_read() - before <= 12,
            "a feed page read a's entries"
        );

        // A `from` that is not an entry of b: found by binary search, no entry read.
        let before = store.entries_read();
        let tail = store.dataset_changes("b", first_b + 5, 51).expect("tail");
        assert_eq!(tail.first().map(|c| c.sequence), Some(first_b + 5));
        assert_eq!(store.dataset_changes("b", 2, 3).expect("from").len(), 3);
        assert!(store.entries_read() - before <= 7 + 3);

        let before = store.entries_read();
        let log = store.dataset_log("b").expect("log").expect("b has entries");
        assert_eq!((log.first, log.entries), (401, 12));
        assert_eq!(store.entries_read(), before, "the root reads no entry");

        let window = RecordWindow {
            dataset: Some("b".into()),
            ..RecordWindow::default()
        };
        let before = store.entries_read();
        let records = store.records(&window, 0, 5).expect("records");
        assert_eq!(records.records.len(), 5);
        assert_eq!(records.continue_after, Some(first_b + 4));
        assert!(
            store.entries_read() - before <= 6,
            "an OAI set page read a's entries"
        );
        let rest = store.records(&window, first_b + 4, 100).expect("rest");
        assert_eq!(rest.records.len(), 7);
        assert_eq!(rest.continue_after, None);

        // `from` after b's run: nothing, found by a logarithmic search.
        let late = RecordWindow {
            from: Some(3),
            ..window.clone()
        };
        let before = store.entries_read();
        assert!(store.records(&late, 0, 5).expect("late").records.is_empty());
        assert!(store.entries_read() - before <= 5);
    }

    /// A resource in two datasets: its record may sit at an entry of the other dataset, so
    /// both datasets are flagged and an OAI set listing walks the global log — and finds it.
    #[test]
    fn a_resource_shared_by_two_datasets_is_listed_in_both_sets() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = open(dir.path());
        ingest(&store, "a", &keys("x", 2), "a", 1);
        assert!(!store.shares_things("a").expect("a"));
        ingest(&store, "b", &keys("x", 1), "b", 2);
        assert!(store.shares_things("a").expect("a"));
        assert!(store.shares_things("b").expect("b"));
        assert_index_matches_log(&store);
        // x0's latest entry is b's; it is live in a as well, so set a lists it.
        let set_a = RecordWindow {
            dataset: Some("a".into()),
            ..RecordWindow::default()
        };
        let listed: Vec<NamedNode> = store
            .records(&set_a, 0, 10)
            .expect("records")
            .records
            .into_iter()
            .map(|r| r.thing)
            .collect();
        assert_eq!(listed, vec![thing("x1"), thing("x0")]);
    }
}
