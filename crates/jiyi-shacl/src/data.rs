//! The data graph being validated, in a compact form: every distinct term once (an
//! `IndexSet`, so a term's position is its id) and the triples as `u32` triples in two sorted
//! arrays (subject-predicate-object and predicate-object-subject). About 24 bytes per triple
//! plus the distinct terms, against ~1 kB per triple for `oxrdf::Graph` (six B-tree indexes),
//! which is what lets `jiyi validate` hold a dataset graph of millions of triples. Written by
//! hand because no small crate offers an immutable, sorted-array RDF graph over oxrdf terms.

use indexmap::IndexSet;
use oxrdf::vocab::{rdf, rdfs};
use oxrdf::{NamedNode, Term, Triple};
use rustc_hash::{FxBuildHasher, FxHashMap};

/// A term's id in a [`DataGraph`].
pub(crate) type Id = u32;

/// One data graph, loaded once and then only read (apart from [`DataGraph::intern`], used for
/// target nodes that the data does not mention).
#[derive(Debug, Default)]
pub struct DataGraph {
    terms: IndexSet<Term, FxBuildHasher>,
    spo: Vec<[Id; 3]>,
    pos: Vec<[Id; 3]>,
    /// Predicates and classes (objects of `rdf:type`) by IRI: the IRIs shapes name, looked up
    /// without building a `Term` each time.
    named: FxHashMap<NamedNode, Id>,
}

impl DataGraph {
    /// Builds the graph from triples (duplicates are dropped).
    pub fn from_triples(triples: impl IntoIterator<Item = Triple>) -> Self {
        let mut graph = Self::default();
        for t in triples {
            let s = graph.intern(t.subject.into());
            let p = graph.intern(t.predicate.into());
            let o = graph.intern(t.object);
            graph.spo.push([s, p, o]);
        }
        graph.spo.sort_unstable();
        graph.spo.dedup();
        graph.spo.shrink_to_fit();
        graph.pos = graph.spo.iter().map(|&[s, p, o]| [p, o, s]).collect();
        graph.pos.sort_unstable();
        let rdf_type = graph.rdf_type();
        let mut named = FxHashMap::default();
        let mut last = None;
        for &[p, o, _] in &graph.pos {
            if last != Some(p) {
                last = Some(p);
                if let Term::NamedNode(n) = graph.term(p) {
                    named.insert(n.clone(), p);
                }
            }
            if Some(p) == rdf_type
                && let Term::NamedNode(n) = graph.term(o)
            {
                named.insert(n.clone(), o);
            }
        }
        graph.named = named;
        graph
    }

    /// The id of an IRI (fast for predicates and classes).
    pub(crate) fn named_id(&self, iri: &NamedNode) -> Option<Id> {
        self.named
            .get(iri)
            .copied()
            .or_else(|| self.id(&Term::from(iri.clone())))
    }

    /// Builds the graph from fallible triples (e.g. streamed from a store); stops at the first
    /// error.
    pub fn try_from_triples<E>(
        triples: impl IntoIterator<Item = Result<Triple, E>>,
    ) -> Result<Self, E> {
        let mut error = None;
        let graph = Self::from_triples(triples.into_iter().map_while(|t| match t {
            Ok(t) => Some(t),
            Err(e) => {
                error = Some(e);
                None
            }
        }));
        match error {
            Some(e) => Err(e),
            None => Ok(graph),
        }
    }

    /// Number of triples.
    pub fn len(&self) -> usize {
        self.spo.len()
    }

    /// Whether the graph has no triples.
    pub fn is_empty(&self) -> bool {
        self.spo.is_empty()
    }

    pub(crate) fn intern(&mut self, term: Term) -> Id {
        let (index, _) = self.terms.insert_full(term);
        Id::try_from(index).expect("fewer than 2^32 distinct terms in one dataset graph")
    }

    pub(crate) fn id(&self, term: &Term) -> Option<Id> {
        self.terms
            .get_index_of(term)
            .and_then(|i| Id::try_from(i).ok())
    }

    pub(crate) fn term(&self, id: Id) -> &Term {
        &self.terms[id as usize]
    }

    pub(crate) fn rdf_type(&self) -> Option<Id> {
        self.id(&rdf::TYPE.into_owned().into())
    }

    pub(crate) fn sub_class_of(&self) -> Option<Id> {
        self.named_id(&rdfs::SUB_CLASS_OF.into_owned())
    }

    /// Objects of `(s, p, ?)`.
    pub(crate) fn objects(&self, s: Id, p: Id) -> impl Iterator<Item = Id> + '_ {
        range(&self.spo, [s, p]).iter().map(|t| t[2])
    }

    /// Subjects of `(?, p, o)`.
    pub(crate) fn subjects(&self, p: Id, o: Id) -> impl Iterator<Item = Id> + '_ {
        range(&self.pos, [p, o]).iter().map(|t| t[2])
    }

    /// `(subject, object)` of every triple with predicate `p`.
    pub(crate) fn with_predicate(&self, p: Id) -> impl Iterator<Item = (Id, Id)> + '_ {
        let start = self.pos.partition_point(|t| t[0] < p);
        let end = self.pos.partition_point(|t| t[0] <= p);
        self.pos[start..end].iter().map(|t| (t[2], t[1]))
    }

    /// Every subject, once.
    pub(crate) fn subjects_all(&self) -> impl Iterator<Item = Id> + '_ {
        self.spo.chunk_by(|a, b| a[0] == b[0]).map(|run| run[0][0])
    }
}

/// The triples of a sorted array whose first two ids are `key`.
fn range(triples: &[[Id; 3]], key: [Id; 2]) -> &[[Id; 3]] {
    let start = triples.partition_point(|t| [t[0], t[1]] < key);
    let end = start + triples[start..].partition_point(|t| [t[0], t[1]] == key);
    &triples[start..end]
}
