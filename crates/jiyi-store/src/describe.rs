//! Descriptions of resources for dereferencing, read straight from the store's subject index
//! and always bounded: a document is served in pages, never as one unbounded answer.

use crate::dump::DISTRIBUTIONS_GRAPH;
use crate::model::{
    GraphName, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Term,
    Triple,
};
use crate::{Store, StoreError};
use jiyi_model::SYSTEM_GRAPH_PREFIX;
use jiyi_model::vocab::LABEL_PROPERTIES;
// Fx hashing: the sets hold the store's own terms, not attacker-chosen keys worth SipHash's
// cost on every dereference (a third of describe's hashing time in issue 5's profile).
use rustc_hash::FxHashSet;
use std::collections::{HashMap, VecDeque};

/// Most triples [`Store::describe`] returns unpaged; a larger description must be read with
/// [`Store::describe_page`]. Dataset descriptions and ordinary things are far below it.
pub const MAX_DESCRIPTION_TRIPLES: usize = 100_000;

/// Most triples one statement may bring along through blank nodes and hash IRIs. Such a tree
/// cannot be split across pages without breaking blank node identity, so beyond this size
/// describing fails instead of cutting it.
pub const MAX_CLOSURE_TRIPLES: usize = 100_000;

/// What a document says about a thing: the thing's own triples, the closure over the blank
/// nodes and same-document hash IRIs (`…/X#production`) it points to, and the published graphs
/// those triples came from (so a page can say which dataset a thing belongs to). A dataset's
/// description also has its dump distributions (`urn:jiyi:distributions`, not listed in
/// `graphs`).
#[derive(Debug, Clone, Default)]
pub struct Description {
    /// Distinct triples: the thing's own statements first (in store order, stable for
    /// identical content), then the closure of the nodes they lead to.
    pub triples: Vec<Triple>,
    /// The named graphs the triples were found in, sorted.
    pub graphs: Vec<NamedNode>,
    /// Whether the thing has statements after this page (then the caller links a next page).
    pub has_more: bool,
}

impl Store {
    /// Describes `thing` across the published graphs, whole; `None` when the store says
    /// nothing about it as a subject (the web layer answers 404). A description larger than
    /// [`MAX_DESCRIPTION_TRIPLES`] is refused with [`StoreError::DescriptionTooLarge`] rather
    /// than returned in part; read it with [`Self::describe_page`].
    pub fn describe(&self, thing: NamedNodeRef<'_>) -> Result<Option<Description>, StoreError> {
        match self.describe_page(thing, 0, MAX_DESCRIPTION_TRIPLES)? {
            Some(d) if d.has_more => Err(StoreError::DescriptionTooLarge {
                thing: thing.as_str().to_owned(),
                limit: MAX_DESCRIPTION_TRIPLES,
            }),
            other => Ok(other),
        }
    }

    /// One page (0-based `page`) of the description of `thing`. A page is a run of the
    /// thing's own statements, each with the closure of the blank node or hash IRI it points
    /// to, ending at the first statement boundary at or after `page_size` triples; a closure
    /// is never split, so blank nodes keep their identity within a page. Pages are computed
    /// by reading the subject index from the start (earlier pages are counted, not kept), so
    /// memory is bounded by one page whatever the size of the thing.
    ///
    /// `None` when nothing is said about `thing`; a page past the last one is `Some` with no
    /// triples.
    pub fn describe_page(
        &self,
        thing: NamedNodeRef<'_>,
        page: usize,
        page_size: usize,
    ) -> Result<Option<Description>, StoreError> {
        let page_size = page_size.max(1);
        let hash_prefix = format!("{}#", thing.as_str());
        let root = NamedOrBlankNode::from(thing.into_owned());
        let mut page_index = 0usize;
        let mut in_page = 0usize;
        let mut seen_nodes: FxHashSet<NamedOrBlankNode> = FxHashSet::from_iter([root.clone()]);
        let mut seen_triples: FxHashSet<Triple> = FxHashSet::default();
        let mut found = false;
        let mut own: Vec<Triple> = Vec::new();
        let mut closure: Vec<Triple> = Vec::new();
        let mut graphs: Vec<NamedNode> = Vec::new();
        let mut has_more = false;
        for item in self.subject_triples(root.as_ref()) {
            let (triple, graph) = item?;
            found = true;
            if in_page >= page_size {
                page_index += 1;
                in_page = 0;
                seen_nodes = FxHashSet::from_iter([root.clone()]);
                seen_triples.clear();
            }
            if page_index > page {
                has_more = true;
                break;
            }
            let mut unit: Vec<(Triple, Option<NamedNode>)> = Vec::new();
            if let Some(node) = followed(&triple.object, &hash_prefix)
                && seen_nodes.insert(node.clone())
            {
                self.closure(
                    node,
                    &hash_prefix,
                    &mut seen_nodes,
                    &mut seen_triples,
                    &mut unit,
                )?;
            }
            in_page += 1 + unit.len();
            if page_index == page {
                record_graph(&mut graphs, graph);
                own.push(triple);
                for (t, g) in unit {
                    record_graph(&mut graphs, g);
                    closure.push(t);
                }
            }
        }
        if !found {
            return Ok(None);
        }
        graphs.sort();
        own.extend(closure);
        Ok(Some(Description {
            triples: own,
            graphs,
            has_more,
        }))
    }

    /// Whether any published graph says something about `subject` (one index probe).
    pub fn is_described(&self, subject: NamedNodeRef<'_>) -> Result<bool, StoreError> {
        match self.subject_triples(subject.into()).next() {
            Some(Err(e)) => Err(e),
            Some(Ok(_)) => Ok(true),
            None => Ok(false),
        }
    }

    /// The published statements `<subject> <property> ?o` for each subject and property, at
    /// most `per_subject` per subject (a bound: these decorate a page, they are not the page).
    /// Used for labels of linked resources and for the facts of dataset descriptions.
    pub fn statements<'a>(
        &self,
        subjects: impl IntoIterator<Item = &'a NamedOrBlankNode>,
        properties: &[NamedNodeRef<'_>],
        per_subject: usize,
    ) -> Result<Vec<Triple>, StoreError> {
        let mut out = Vec::new();
        let mut done: FxHashSet<&NamedOrBlankNode> = FxHashSet::default();
        for subject in subjects {
            if !done.insert(subject) {
                continue;
            }
            let mut seen: FxHashSet<Triple> = FxHashSet::default();
            'properties: for property in properties {
                for quad in self.inner.quads_for_pattern(
                    Some(subject.as_ref()),
                    Some(*property),
                    None,
                    None,
                ) {
                    let quad = quad.map_err(|e| self.storage(e))?;
                    if is_system(&quad.graph_name) {
                        continue;
                    }
                    let triple = Triple::new(quad.subject, quad.predicate, quad.object);
                    if seen.len() >= per_subject {
                        break 'properties;
                    }
                    if seen.insert(triple.clone()) {
                        out.push(triple);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Breadth-first closure of `start` over blank nodes and hash IRIs of the described thing.
    fn closure(
        &self,
        start: NamedOrBlankNode,
        hash_prefix: &str,
        seen_nodes: &mut FxHashSet<NamedOrBlankNode>,
        seen_triples: &mut FxHashSet<Triple>,
        unit: &mut Vec<(Triple, Option<NamedNode>)>,
    ) -> Result<(), StoreError> {
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            for item in self.subject_triples(node.as_ref()) {
                let (triple, graph) = item?;
                if let Some(next) = followed(&triple.object, hash_prefix)
                    && seen_nodes.insert(next.clone())
                {
                    queue.push_back(next);
                }
                if seen_triples.insert(triple.clone()) {
                    unit.push((triple, graph));
                    if unit.len() > MAX_CLOSURE_TRIPLES {
                        return Err(StoreError::DescriptionTooLarge {
                            thing: hash_prefix.trim_end_matches('#').to_owned(),
                            limit: MAX_CLOSURE_TRIPLES,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The distinct published triples with `subject`, streamed from the subject index, each
    /// with the named graph it was first found in (`None`: the default graph).
    fn subject_triples(&self, subject: NamedOrBlankNodeRef<'_>) -> SubjectTriples<'_> {
        SubjectTriples {
            store: self,
            quads: self
                .inner
                .quads_for_pattern(Some(subject), None, None, None),
            last: None,
            in_default_graph: FxHashSet::default(),
        }
    }
}

/// Oxigraph lists a subject's quads from the default graph first, then from the named graphs in
/// subject-predicate-object-graph order, so the copies of one triple in several named graphs
/// come one after another: comparing with the previous triple removes them without a set of
/// everything seen. Only default-graph triples (rare: written by SPARQL Update) are remembered.
struct SubjectTriples<'a> {
    store: &'a Store,
    quads: oxigraph::store::QuadIter<'a>,
    last: Option<Triple>,
    in_default_graph: FxHashSet<Triple>,
}

impl Iterator for SubjectTriples<'_> {
    type Item = Result<(Triple, Option<NamedNode>), StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let quad = match self.quads.next()? {
                Ok(q) => q,
                Err(e) => return Some(Err(self.store.storage(e))),
            };
            let graph = match quad.graph_name {
                // Dump distributions: published metadata, but not a dataset's graph.
                GraphName::NamedNode(g) if g.as_str() == DISTRIBUTIONS_GRAPH => None,
                GraphName::NamedNode(g) if g.as_str().starts_with(SYSTEM_GRAPH_PREFIX) => continue,
                GraphName::NamedNode(g) => Some(g),
                GraphName::BlankNode(_) | GraphName::DefaultGraph => None,
            };
            let triple = Triple::new(quad.subject, quad.predicate, quad.object);
            if self.last.as_ref() == Some(&triple) {
                continue;
            }
            if graph.is_none() {
                self.in_default_graph.insert(triple.clone());
            } else if self.in_default_graph.contains(&triple) {
                continue;
            }
            self.last = Some(triple.clone());
            return Some(Ok((triple, graph)));
        }
    }
}

fn followed(object: &Term, hash_prefix: &str) -> Option<NamedOrBlankNode> {
    match object {
        Term::BlankNode(b) => Some(b.clone().into()),
        Term::NamedNode(n) if n.as_str().starts_with(hash_prefix) => Some(n.clone().into()),
        _ => None,
    }
}

fn record_graph(graphs: &mut Vec<NamedNode>, graph: Option<NamedNode>) {
    if let Some(g) = graph
        && !graphs.contains(&g)
    {
        graphs.push(g);
    }
}

fn is_system(graph: &GraphName) -> bool {
    matches!(graph, GraphName::NamedNode(g)
        if g.as_str().starts_with(SYSTEM_GRAPH_PREFIX) && g.as_str() != DISTRIBUTIONS_GRAPH)
}

impl Store {
    /// The labels (skos:prefLabel, rdfs:label, dcterms:title, …) of each resource, so pages can
    /// show names instead of IRIs. Properties come in [`LABEL_PROPERTIES`] order.
    pub fn labels<'a>(
        &self,
        resources: impl IntoIterator<Item = &'a NamedNode>,
    ) -> Result<HashMap<NamedNode, Vec<Literal>>, StoreError> {
        let mut out = HashMap::new();
        for resource in resources {
            if out.contains_key(resource) {
                continue;
            }
            let mut labels = Vec::new();
            for property in LABEL_PROPERTIES {
                let property = NamedNodeRef::new_unchecked(property);
                for quad in self.inner.quads_for_pattern(
                    Some(resource.as_ref().into()),
                    Some(property),
                    None,
                    None,
                ) {
                    let quad = quad.map_err(|e| self.storage(e))?;
                    if is_system(&quad.graph_name) {
                        continue;
                    }
                    if let Term::Literal(l) = quad.object
                        && !labels.contains(&l)
                    {
                        labels.push(l);
                    }
                }
            }
            out.insert(resource.clone(), labels);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;
    use crate::model::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
    use std::collections::HashSet;

    fn load(store: &Store, graph: &str, triples: &[Triple]) {
        let graph = NamedNode::new_unchecked(graph);
        let mut r = store.replace_graph(graph.as_ref()).expect("start");
        for t in triples {
            r.add(t.clone()).expect("add");
        }
        r.commit().expect("commit");
    }

    #[test]
    fn describes_with_blank_node_and_hash_closure_but_not_other_things() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let thing = NamedNode::new_unchecked("http://ex/id/object/1");
        let production = NamedNode::new_unchecked("http://ex/id/object/1#production");
        let other = NamedNode::new_unchecked("http://ex/id/agent/a");
        let p = NamedNode::new_unchecked("http://ex/p");
        let title = BlankNode::new_unchecked("t1");
        let triples = vec![
            Triple::new(thing.clone(), p.clone(), title.clone()),
            Triple::new(
                title.clone(),
                p.clone(),
                Literal::new_simple_literal("標題"),
            ),
            Triple::new(thing.clone(), p.clone(), production.clone()),
            Triple::new(production.clone(), p.clone(), other.clone()),
            Triple::new(
                other.clone(),
                p.clone(),
                Literal::new_simple_literal("not included"),
            ),
            // a cycle through a blank node must terminate
            Triple::new(title.clone(), p.clone(), thing.clone()),
        ];
        load(&store, "http://ex/graph/d", &triples);
        // The same statement in a second graph is one triple of the description.
        load(&store, "http://ex/graph/e", &triples[..1]);

        let d = store
            .describe(thing.as_ref())
            .expect("describe")
            .expect("found");
        assert_eq!(d.triples.len(), 5, "{:#?}", d.triples);
        assert!(!d.triples.contains(&triples[4]));
        assert!(!d.has_more);
        assert_eq!(
            d.graphs,
            vec![
                NamedNode::new_unchecked("http://ex/graph/d"),
                NamedNode::new_unchecked("http://ex/graph/e")
            ]
        );
        // The thing's own statements come first.
        assert!(
            d.triples[..2]
                .iter()
                .all(|t| t.subject == thing.clone().into())
        );
        assert!(
            store
                .describe(NamedNode::new_unchecked("http://ex/id/object/none").as_ref())
                .expect("describe")
                .is_none()
        );
        assert!(store.is_described(production.as_ref()).expect("probe"));
        assert!(
            !store
                .is_described(NamedNode::new_unchecked("http://ex/none").as_ref())
                .expect("probe")
        );
    }

    #[test]
    fn pages_partition_the_statements_and_never_split_a_blank_node() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let thing = NamedNode::new_unchecked("http://ex/id/concept/big");
        let p = NamedNode::new_unchecked("http://ex/p");
        let q = NamedNode::new_unchecked("http://ex/q");
        let mut triples = Vec::new();
        for i in 0..40 {
            triples.push(Triple::new(
                thing.clone(),
                p.clone(),
                NamedNode::new_unchecked(format!("http://ex/id/object/{i}")),
            ));
        }
        for i in 0..5 {
            let b = BlankNode::new_unchecked(format!("b{i}"));
            triples.push(Triple::new(thing.clone(), q.clone(), b.clone()));
            for j in 0..3 {
                triples.push(Triple::new(b.clone(), p.clone(), Literal::from(j)));
            }
        }
        load(&store, "http://ex/graph/d", &triples);

        let mut own_seen = HashSet::new();
        let mut page = 0;
        loop {
            let d = store
                .describe_page(thing.as_ref(), page, 10)
                .expect("page")
                .expect("described");
            let own: Vec<&Triple> = d
                .triples
                .iter()
                .filter(|t| t.subject == NamedOrBlankNode::from(thing.clone()))
                .collect();
            assert!(!own.is_empty(), "page {page} is not empty");
            assert!(
                d.triples.len() <= 10 + 3,
                "page {page}: {}",
                d.triples.len()
            );
            for t in &own {
                assert!(own_seen.insert((*t).clone()), "{t} on two pages");
                // every blank node on the page comes with all three of its statements
                if let Term::BlankNode(b) = &t.object {
                    let n = d
                        .triples
                        .iter()
                        .filter(|x| x.subject == NamedOrBlankNode::from(b.clone()))
                        .count();
                    assert_eq!(n, 3, "blank node {b} split on page {page}");
                }
            }
            if !d.has_more {
                break;
            }
            page += 1;
        }
        assert_eq!(own_seen.len(), 45, "every statement is on some page");
        assert!(page >= 4, "{page}");
        let past = store
            .describe_page(thing.as_ref(), page + 1, 10)
            .expect("page")
            .expect("described");
        assert!(past.triples.is_empty() && !past.has_more);
        // Unpaged, it is all there.
        assert_eq!(
            store
                .describe(thing.as_ref())
                .expect("d")
                .expect("found")
                .triples
                .len(),
            60
        );
    }

    #[test]
    fn statements_are_bounded_per_subject() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let a = NamedNode::new_unchecked("http://ex/a");
        let label = NamedNode::new_unchecked("http://www.w3.org/2000/01/rdf-schema#label");
        let triples: Vec<Triple> = (0..10)
            .map(|i| Triple::new(a.clone(), label.clone(), Literal::from(i)))
            .collect();
        load(&store, "http://ex/graph/d", &triples);
        let subjects = [NamedOrBlankNode::from(a.clone())];
        let found = store
            .statements(&subjects, &[label.as_ref()], 4)
            .expect("statements");
        assert_eq!(found.len(), 4);
        let all = store
            .statements(&subjects, &[label.as_ref()], 100)
            .expect("statements");
        assert_eq!(all.len(), 10);
    }
}
