//! Concise descriptions of resources for dereferencing.

use crate::dump::DISTRIBUTIONS_GRAPH;
use crate::model::{GraphName, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Term, Triple};
use crate::{Store, StoreError};
use jiyi_model::SYSTEM_GRAPH_PREFIX;
use jiyi_model::vocab::LABEL_PROPERTIES;
use std::collections::{HashMap, HashSet, VecDeque};

/// What a document says about a thing: the thing's own triples, the closure over the blank
/// nodes and same-document hash IRIs (`…/X#production`) it points to, and the published graphs
/// those triples came from (so a page can say which dataset a thing belongs to). A dataset's
/// description also has its dump distributions (`urn:jiyi:distributions`, not listed in
/// `graphs`).
#[derive(Debug, Clone, Default)]
pub struct Description {
    /// Distinct triples, in store order (stable for identical content).
    pub triples: Vec<Triple>,
    /// The named graphs the triples were found in, sorted.
    pub graphs: Vec<NamedNode>,
}

impl Store {
    /// Describes `thing` across the published graphs; `None` when the store says nothing about
    /// it as a subject (the web layer answers 404).
    pub fn describe(&self, thing: NamedNodeRef<'_>) -> Result<Option<Description>, StoreError> {
        let hash_prefix = format!("{}#", thing.as_str());
        let mut seen_nodes: HashSet<NamedOrBlankNode> = HashSet::new();
        let mut seen_triples: HashSet<Triple> = HashSet::new();
        let mut graphs: Vec<NamedNode> = Vec::new();
        let mut description = Description::default();
        let mut queue = VecDeque::from([NamedOrBlankNode::from(thing.into_owned())]);
        while let Some(subject) = queue.pop_front() {
            if !seen_nodes.insert(subject.clone()) {
                continue;
            }
            for quad in self
                .inner
                .quads_for_pattern(Some(subject.as_ref()), None, None, None)
            {
                let quad = quad.map_err(|e| self.storage(e))?;
                match &quad.graph_name {
                    // Dump distributions: published metadata, not a dataset's graph.
                    GraphName::NamedNode(g) if g.as_str() == DISTRIBUTIONS_GRAPH => {}
                    GraphName::NamedNode(g) if g.as_str().starts_with(SYSTEM_GRAPH_PREFIX) => {
                        continue;
                    }
                    GraphName::NamedNode(g) if !graphs.contains(g) => graphs.push(g.clone()),
                    _ => {}
                }
                let follow = match &quad.object {
                    Term::BlankNode(b) => Some(NamedOrBlankNode::from(b.clone())),
                    Term::NamedNode(n) if n.as_str().starts_with(&hash_prefix) => {
                        Some(NamedOrBlankNode::from(n.clone()))
                    }
                    _ => None,
                };
                let triple = Triple::new(quad.subject, quad.predicate, quad.object);
                if seen_triples.insert(triple.clone()) {
                    description.triples.push(triple);
                }
                if let Some(next) = follow {
                    queue.push_back(next);
                }
            }
        }
        if description.triples.is_empty() {
            return Ok(None);
        }
        graphs.sort();
        description.graphs = graphs;
        Ok(Some(description))
    }
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
                    if matches!(&quad.graph_name, GraphName::NamedNode(g) if g.as_str().starts_with(SYSTEM_GRAPH_PREFIX))
                    {
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
    use crate::model::{BlankNode, Literal, NamedNode, Triple};

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
        let graph = NamedNode::new_unchecked("http://ex/graph/d");
        let mut r = store.replace_graph(graph.as_ref()).expect("start");
        for t in &triples {
            r.add(t.clone()).expect("add");
        }
        r.commit().expect("commit");

        let d = store
            .describe(thing.as_ref())
            .expect("describe")
            .expect("found");
        assert_eq!(d.triples.len(), 5);
        assert!(!d.triples.contains(&triples[4]));
        assert_eq!(d.graphs, vec![graph]);
        assert!(
            store
                .describe(NamedNode::new_unchecked("http://ex/id/object/none").as_ref())
                .expect("describe")
                .is_none()
        );
    }
}
