//! Versions of a resource's description, as a change feed serves them: each `created` or
//! `updated` entry of the change log names a version, and a feed page that lists it must show
//! that version's description for ever (closed pages are immutable).
//!
//! Copy-on-write: the version of a resource's *latest* entry is its live description in the
//! dataset graph (its hash is the recorded one), so a first load copies nothing. Just before a
//! change replaces or removes a live description — a re-ingest that updates or deletes it, a
//! steward's withdrawal of the thing or of the whole dataset — that description is copied into
//! the system graph `urn:jiyi:version:N`, N being the entry that created it (the state's
//! `jiyi:sequence`), in the same transaction as the change. Any entry can then be served: the
//! latest from the dataset graph, older ones from their version graph. An unchanged re-ingest
//! logs nothing and so copies nothing.
//!
//! A copy is only made when the live description still hashes to the recorded hash. Writes
//! that bypass the change log (SPARQL Update, Graph Store) change the live graph without an
//! entry; the version they overwrote is lost, and [`Version::Unavailable`] says so rather than
//! serving another version's content under its name.

use crate::changes::{
    Change, ChangeKind, DatasetScope, ENTRY_PREFIX, canonical_hash, changes_graph, iri, literal_u64,
};
use crate::model::{
    GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, QuadRef, Triple,
};
use crate::{Store, StoreError};
use jiyi_model::vocab::{JIYI, RDF, RDFS};
use oxigraph::store::Transaction;

/// Prefix of the graphs holding superseded versions, `urn:jiyi:version:N`.
pub(crate) const VERSION_PREFIX: &str = "urn:jiyi:version:";

/// Versions snapshotted per transaction when a whole dataset is withdrawn.
const SNAPSHOT_BATCH: usize = 2_000;

/// The description a change-log entry stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Version {
    /// The entry is a deletion: there is no description, only the tombstone's facts.
    Deleted,
    /// The description as the entry recorded it (its canonical hash is the entry's hash).
    Described(Vec<Triple>),
    /// The description cannot be given truthfully; the text says why.
    Unavailable(String),
}

/// A dataset's part of the change log, in brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatasetLog {
    /// Sequence number of its first entry (where its feed starts; never changes).
    pub first: u64,
    /// How many entries it has.
    pub entries: u64,
}

/// The graph that keeps the version created by entry `sequence` once it is superseded.
pub(crate) fn version_graph(sequence: u64) -> NamedNode {
    NamedNode::new_unchecked(format!("{VERSION_PREFIX}{sequence}"))
}

/// Linked Data Event Streams and TREE, for the discovery triples.
const LDES: &str = "https://w3id.org/ldes#";
const TREE: &str = "https://w3id.org/tree#";

/// How the dataset's description points at its change feed, published beside its dump
/// distributions (`urn:jiyi:distributions`, so `/doc/dataset/NAME`, the VoID and SPARQL show
/// it): `<dataset> rdfs:seeAlso <{base}feed/NAME#stream>`, the stream an `ldes:EventStream`
/// whose `tree:view` is `{base}feed/NAME`. Not a `dcat:Distribution`: the feed is a log of
/// changes, not a copy of the dataset.
pub(crate) fn feed_link_triples(scope: &DatasetScope) -> Vec<Triple> {
    let view = format!("{}feed/{}", scope.policy().base(), scope.name());
    let stream = NamedNode::new_unchecked(format!("{view}#stream"));
    vec![
        Triple::new(
            scope.dataset().clone(),
            iri(RDFS, "seeAlso"),
            stream.clone(),
        ),
        Triple::new(stream.clone(), iri(RDF, "type"), iri(LDES, "EventStream")),
        Triple::new(stream, iri(TREE, "view"), NamedNode::new_unchecked(view)),
    ]
}

impl Store {
    /// The description that `change` (an entry of `scope`'s dataset) recorded: live for the
    /// resource's latest entry, from its version graph for an older one. Every answer is
    /// checked against the entry's hash.
    pub fn version(&self, scope: &DatasetScope, change: &Change) -> Result<Version, StoreError> {
        if change.kind == ChangeKind::Deleted {
            return Ok(Version::Deleted);
        }
        let Some(expected) = change.hash.as_deref() else {
            return Ok(Version::Unavailable(format!(
                "change {} records no hash",
                change.sequence
            )));
        };
        let (graph, skip_provenance, place) =
            if self.live_sequence(scope, change.thing.as_ref())? == Some(change.sequence) {
                (scope.graph().clone(), true, "the live description")
            } else {
                (version_graph(change.sequence), false, "the kept version")
            };
        let triples = self.closure_in_graph(
            scope,
            change.thing.as_ref(),
            GraphNameRef::NamedNode(graph.as_ref()),
            skip_provenance,
        )?;
        if triples.is_empty() {
            return Ok(Version::Unavailable(format!(
                "version {} of {} was not kept: it was superseded by a write that bypassed \
                 the change log, or before versions were kept",
                change.sequence, change.thing
            )));
        }
        if canonical_hash(triples.clone()) != expected {
            return Ok(Version::Unavailable(format!(
                "{place} of {} no longer matches change {}: a write bypassed the change log \
                 (reconcile the dataset)",
                change.thing, change.sequence
            )));
        }
        Ok(Version::Described(triples))
    }

    /// The entry that created the live version of `thing` in the dataset, if it is live.
    fn live_sequence(
        &self,
        scope: &DatasetScope,
        thing: NamedNodeRef<'_>,
    ) -> Result<Option<u64>, StoreError> {
        let state = scope.state_graph();
        Ok(self
            .object(thing.into(), iri(JIYI, "sequence").as_ref(), state.as_ref())?
            .as_ref()
            .and_then(literal_u64))
    }

    /// Adds to `transaction` a copy of `thing`'s live description into the graph of the entry
    /// that created it, before a change replaces or removes it. Nothing is added when the
    /// thing is not live, the copy exists already (idempotent), or the live description no
    /// longer hashes to the recorded hash (a write bypassed the log: it is not that version).
    pub(crate) fn snapshot_version(
        &self,
        transaction: &mut Transaction<'_>,
        scope: &DatasetScope,
        thing: NamedNodeRef<'_>,
    ) -> Result<(), StoreError> {
        for quad in self.snapshot_quads(scope, thing)? {
            transaction.insert(&quad);
        }
        Ok(())
    }

    fn snapshot_quads(
        &self,
        scope: &DatasetScope,
        thing: NamedNodeRef<'_>,
    ) -> Result<Vec<Quad>, StoreError> {
        let Some(sequence) = self.live_sequence(scope, thing)? else {
            return Ok(Vec::new());
        };
        let graph = version_graph(sequence);
        if self
            .inner
            .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
            .next()
            .is_some()
        {
            return Ok(Vec::new());
        }
        let recorded = self.resource_hash(scope, thing)?;
        let triples = self.closure_in_graph(scope, thing, scope.graph().as_ref().into(), true)?;
        if triples.is_empty() || Some(canonical_hash(triples.clone())) != recorded {
            return Ok(Vec::new());
        }
        Ok(triples
            .into_iter()
            .map(|t| t.in_graph(graph.clone()))
            .collect())
    }

    /// Copies every live description of the dataset to its version graph, in bounded
    /// transactions: what a dataset withdrawal does before it removes the graph.
    pub(crate) fn snapshot_live_versions(&self, scope: &DatasetScope) -> Result<(), StoreError> {
        let state = scope.state_graph();
        let mut quads = Vec::new();
        let mut things = 0;
        for quad in self.inner.quads_for_pattern(
            None,
            Some(iri(JIYI, "hash").as_ref()),
            None,
            Some(state.as_ref().into()),
        ) {
            if let NamedOrBlankNode::NamedNode(thing) = quad.map_err(|e| self.storage(e))?.subject {
                quads.extend(self.snapshot_quads(scope, thing.as_ref())?);
                things += 1;
            }
            if things >= SNAPSHOT_BATCH {
                self.insert_all(&std::mem::take(&mut quads))?;
                things = 0;
            }
        }
        self.insert_all(&quads)
    }

    fn insert_all(&self, quads: &[Quad]) -> Result<(), StoreError> {
        if quads.is_empty() {
            return Ok(());
        }
        let mut transaction = self
            .inner
            .start_transaction()
            .map_err(|e| self.storage(e))?;
        for quad in quads {
            transaction.insert(quad);
        }
        transaction.commit().map_err(|e| self.storage(e))
    }
}

impl Store {
    /// Up to `limit` entries of `dataset`, in log order, from sequence number `from` on: one
    /// page of that dataset's feed. Through the dataset's positions (dataset_positions.rs):
    /// `from` is mapped to a position (one lookup when it is an entry of the dataset, else a
    /// binary search), then one point lookup per entry returned — other datasets' entries are
    /// never read.
    pub fn dataset_changes(
        &self,
        dataset: &str,
        from: u64,
        limit: usize,
    ) -> Result<Vec<Change>, StoreError> {
        if !self.positions_ready()? {
            return self.dataset_changes_by_walking(dataset, from, limit);
        }
        let last = self.last_position(dataset)?;
        let mut position = match self.dataset_position(from)? {
            Some(p) if self.is_dataset_change(dataset, from)? => p,
            _ => self.first_position_from(dataset, from, last)?,
        };
        let mut out = Vec::new();
        while position <= last && out.len() < limit {
            if let Some(sequence) = self.dataset_entry(dataset, position)?
                && let Some(change) = self.change(sequence)?
            {
                out.push(change);
            }
            position += 1;
        }
        Ok(out)
    }

    /// [`Self::dataset_changes`] for a store whose positions are not built (opened read-only
    /// since before they existed): one point lookup per log entry between `from` and the last
    /// one returned, other datasets' entries included.
    fn dataset_changes_by_walking(
        &self,
        dataset: &str,
        from: u64,
        limit: usize,
    ) -> Result<Vec<Change>, StoreError> {
        let last = self.last_sequence()?;
        let mut out = Vec::new();
        let mut sequence = from.max(1);
        while sequence <= last && out.len() < limit {
            if self.is_dataset_change(dataset, sequence)?
                && let Some(change) = self.change(sequence)?
            {
                out.push(change);
            }
            sequence += 1;
        }
        Ok(out)
    }

    /// Whether entry `sequence` of the log belongs to `dataset`.
    pub fn is_dataset_change(&self, dataset: &str, sequence: u64) -> Result<bool, StoreError> {
        let entry = NamedNode::new_unchecked(format!("{ENTRY_PREFIX}{sequence}"));
        let predicate = iri(JIYI, "dataset");
        let name = Literal::new_simple_literal(dataset);
        let graph = changes_graph();
        self.inner
            .contains(QuadRef::new(
                entry.as_ref(),
                predicate.as_ref(),
                name.as_ref(),
                graph.as_ref(),
            ))
            .map_err(|e| self.storage(e))
    }

    /// Whether `dataset` has any entry in the log (one index probe).
    pub fn has_dataset_changes(&self, dataset: &str) -> Result<bool, StoreError> {
        let graph = changes_graph();
        let name = Literal::new_simple_literal(dataset);
        Ok(self
            .inner
            .quads_for_pattern(
                None,
                Some(iri(JIYI, "dataset").as_ref()),
                Some(name.as_ref().into()),
                Some(graph.as_ref().into()),
            )
            .next()
            .transpose()
            .map_err(|e| self.storage(e))?
            .is_some())
    }

    /// Where `dataset`'s feed starts (its first entry) and how many entries it has, `None`
    /// when it has none: its position counter and the entry at position 1, two lookups.
    pub fn dataset_log(&self, dataset: &str) -> Result<Option<DatasetLog>, StoreError> {
        if !self.positions_ready()? {
            return self.dataset_log_by_scan(dataset);
        }
        let entries = self.last_position(dataset)?;
        Ok(self
            .dataset_entry(dataset, 1)?
            .filter(|_| entries > 0)
            .map(|first| DatasetLog { first, entries }))
    }

    /// [`Self::dataset_log`] without positions: one scan of the dataset's entries in the index.
    fn dataset_log_by_scan(&self, dataset: &str) -> Result<Option<DatasetLog>, StoreError> {
        let graph = changes_graph();
        let name = Literal::new_simple_literal(dataset);
        let mut log: Option<DatasetLog> = None;
        for quad in self.inner.quads_for_pattern(
            None,
            Some(iri(JIYI, "dataset").as_ref()),
            Some(name.as_ref().into()),
            Some(graph.as_ref().into()),
        ) {
            let quad = quad.map_err(|e| self.storage(e))?;
            if let NamedOrBlankNode::NamedNode(entry) = &quad.subject
                && let Some(n) = entry
                    .as_str()
                    .strip_prefix(ENTRY_PREFIX)
                    .and_then(|n| n.parse::<u64>().ok())
            {
                log = Some(match log {
                    None => DatasetLog {
                        first: n,
                        entries: 1,
                    },
                    Some(l) => DatasetLog {
                        first: l.first.min(n),
                        entries: l.entries + 1,
                    },
                });
            }
        }
        Ok(log)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ChangeCause;
    use crate::model::{BlankNode, Term};
    use jiyi_model::UriPolicy;

    const BASE: &str = "https://d.example/";

    fn thing(key: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{BASE}id/object/{key}"))
    }

    fn title() -> NamedNode {
        NamedNode::new_unchecked("http://purl.org/dc/terms/title")
    }

    /// Each object has a title and a blank-node part, so versions carry their closure.
    fn content(titles: &[(&str, &str)]) -> Vec<Triple> {
        let part = NamedNode::new_unchecked("https://d.example/ns#part");
        let mut out = Vec::new();
        for (key, text) in titles {
            let b = BlankNode::new_unchecked(format!("p{key}"));
            out.push(Triple::new(
                thing(key),
                title(),
                Literal::new_simple_literal(*text),
            ));
            out.push(Triple::new(thing(key), part.clone(), b.clone()));
            out.push(Triple::new(
                b,
                title(),
                Literal::new_simple_literal(format!("part of {text}")),
            ));
        }
        out
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        store: Store,
        scope: DatasetScope,
        runs: u64,
    }

    impl Fixture {
        fn new() -> Self {
            let dir = tempfile::tempdir().expect("tempdir");
            let store = Store::open(dir.path()).expect("open");
            let policy = UriPolicy::new(BASE).expect("base");
            store.bind_base_iri(BASE).expect("bind");
            let scope = DatasetScope::new(&policy, "d").expect("scope");
            Self {
                _dir: dir,
                store,
                scope,
                runs: 0,
            }
        }

        fn ingest(&mut self, titles: &[(&str, &str)]) -> crate::ChangeSummary {
            self.runs += 1;
            let cause = ChangeCause::run(
                NamedNode::new_unchecked(format!("{BASE}id/run/d/{}", self.runs)),
                jiff::Timestamp::from_second(self.runs as i64).expect("time"),
            );
            let mut load = self.store.replace_dataset(&self.scope).expect("replace");
            for t in content(titles) {
                load.add(t).expect("add");
            }
            load.commit_with_changes(&cause).expect("commit").changes
        }

        /// Every entry with the description it stands for.
        fn versions(&self) -> Vec<(Change, Version)> {
            self.store
                .changes(0, usize::MAX)
                .expect("log")
                .into_iter()
                .map(|c| {
                    let v = self.store.version(&self.scope, &c).expect("version");
                    (c, v)
                })
                .collect()
        }

        fn version_graphs(&self) -> usize {
            self.store
                .graphs_with_prefix(VERSION_PREFIX)
                .expect("graphs")
                .len()
        }
    }

    /// The title of `key` in a described version.
    fn title_of(version: &Version, key: &str) -> Option<String> {
        let Version::Described(triples) = version else {
            return None;
        };
        triples.iter().find_map(|t| {
            (t.subject == thing(key).into() && t.predicate == title()).then(|| match &t.object {
                Term::Literal(l) => l.value().to_owned(),
                other => other.to_string(),
            })
        })
    }

    #[test]
    fn every_entry_serves_the_description_it_recorded() {
        let mut f = Fixture::new();
        f.ingest(&[("a", "A1"), ("b", "B1")]);
        assert_eq!(f.version_graphs(), 0, "a first load copies nothing");
        // Unchanged: nothing logged, nothing copied.
        assert!(f.ingest(&[("a", "A1"), ("b", "B1")]).is_empty());
        assert_eq!(f.version_graphs(), 0);
        // a updated, b dropped.
        let s = f.ingest(&[("a", "A2")]);
        assert_eq!((s.updated, s.deleted), (1, 1));
        // b comes back with a new title, a is updated again.
        let s = f.ingest(&[("a", "A3"), ("b", "B2")]);
        assert_eq!((s.created, s.updated), (1, 1));

        let versions = f.versions();
        let mut seen: Vec<(String, ChangeKind, Option<String>)> = Vec::new();
        for (change, version) in &versions {
            let key = change.thing.as_str().rsplit('/').next().expect("key");
            if let Version::Described(triples) = version {
                assert_eq!(
                    Some(canonical_hash(triples.clone())),
                    change.hash,
                    "entry {} serves the version it hashed",
                    change.sequence
                );
                assert_eq!(triples.len(), 3, "the blank-node part comes with it");
            } else {
                assert_eq!(
                    *version,
                    Version::Deleted,
                    "entry {} is served",
                    change.sequence
                );
            }
            seen.push((key.to_owned(), change.kind, title_of(version, key)));
        }
        seen.sort();
        let expected = |k: &str, kind, t: Option<&str>| (k.to_owned(), kind, t.map(str::to_owned));
        let mut want = vec![
            expected("a", ChangeKind::Created, Some("A1")),
            expected("a", ChangeKind::Updated, Some("A2")),
            expected("a", ChangeKind::Updated, Some("A3")),
            expected("b", ChangeKind::Created, Some("B1")),
            expected("b", ChangeKind::Deleted, None),
            expected("b", ChangeKind::Created, Some("B2")),
        ];
        want.sort();
        assert_eq!(seen, want);
        // Superseded versions were copied: a's first two, b's first.
        assert_eq!(f.version_graphs(), 3);
    }

    #[test]
    fn withdrawals_keep_the_versions_they_remove() {
        let mut f = Fixture::new();
        f.ingest(&[("a", "A1"), ("b", "B1"), ("c", "C1")]);
        let policy = UriPolicy::new(BASE).expect("base");
        f.store
            .withdraw_thing(&policy, thing("a").as_ref(), "rights", None)
            .expect("withdraw a");
        f.store
            .withdraw_dataset(&f.scope, "licence ended")
            .expect("withdraw dataset");
        let versions = f.versions();
        for key in ["a", "b", "c"] {
            let created = versions
                .iter()
                .find(|(c, _)| c.thing == thing(key) && c.kind == ChangeKind::Created)
                .expect("created");
            assert_eq!(
                title_of(&created.1, key).as_deref(),
                Some(format!("{}1", key.to_uppercase()).as_str()),
                "{key}'s version survives its removal"
            );
            let deleted = versions
                .iter()
                .find(|(c, _)| c.thing == thing(key) && c.kind == ChangeKind::Deleted)
                .expect("deleted");
            assert_eq!(deleted.1, Version::Deleted);
        }
        assert_eq!(f.store.graph_len(f.scope.graph()).expect("len"), 0);
    }

    #[test]
    fn a_write_that_bypassed_the_log_is_not_served_as_a_version() {
        let mut f = Fixture::new();
        f.ingest(&[("a", "A1")]);
        // A hand edit of the live graph, without a log entry.
        let quad = Quad::new(
            thing("a"),
            title(),
            Literal::new_simple_literal("A1"),
            f.scope.graph().clone(),
        );
        f.store.inner.remove(&quad).expect("remove");
        let (change, version) = f.versions().remove(0);
        assert_eq!(change.kind, ChangeKind::Created);
        assert!(
            matches!(&version, Version::Unavailable(why) if why.contains("bypassed")),
            "{version:?}"
        );
    }

    #[test]
    fn dataset_pages_read_only_that_datasets_entries() {
        let mut f = Fixture::new();
        f.ingest(&[("a", "A1"), ("b", "B1")]);
        let policy = UriPolicy::new(BASE).expect("base");
        let other = DatasetScope::new(&policy, "e").expect("scope");
        let cause = ChangeCause::run(
            NamedNode::new_unchecked(format!("{BASE}id/run/e/1")),
            jiff::Timestamp::UNIX_EPOCH,
        );
        let mut load = f.store.replace_dataset(&other).expect("replace");
        for t in content(&[("x", "X1")]) {
            load.add(t).expect("add");
        }
        load.commit_with_changes(&cause).expect("commit");
        f.ingest(&[("a", "A2"), ("b", "B1")]);
        let d: Vec<u64> = f
            .store
            .dataset_changes("d", 1, 10)
            .expect("page")
            .iter()
            .map(|c| c.sequence)
            .collect();
        let e: Vec<u64> = f
            .store
            .dataset_changes("e", 1, 10)
            .expect("page")
            .iter()
            .map(|c| c.sequence)
            .collect();
        assert_eq!(d, vec![1, 2, 4]);
        assert_eq!(e, vec![3]);
        assert_eq!(
            f.store
                .dataset_changes("d", 2, 1)
                .expect("page")
                .iter()
                .map(|c| c.sequence)
                .collect::<Vec<_>>(),
            vec![2]
        );
        assert_eq!(
            f.store.dataset_log("d").expect("log"),
            Some(DatasetLog {
                first: 1,
                entries: 3
            })
        );
        assert_eq!(
            f.store.dataset_log("e").expect("log"),
            Some(DatasetLog {
                first: 3,
                entries: 1
            })
        );
        assert_eq!(f.store.dataset_log("zz").expect("log"), None);
        assert!(f.store.has_dataset_changes("e").expect("has"));
        assert!(!f.store.has_dataset_changes("zz").expect("has"));
        assert!(f.store.is_dataset_change("d", 4).expect("is"));
        assert!(!f.store.is_dataset_change("d", 3).expect("is"));
    }
}
