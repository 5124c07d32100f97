//! Statistics of one graph in a single pass over its triples: what VoID, the sitemap and the
//! landing page need (counts, vocabularies, the things it describes, a few examples).
//!
//! One scan instead of several SPARQL aggregates (COUNT, COUNT DISTINCT, SELECT DISTINCT ?p,
//! GROUP BY class), because each of those is a full scan of the graph on its own; the web
//! layer caches the result until the store changes.

use crate::model::{NamedNode, NamedNodeRef, NamedOrBlankNode, Term};
use crate::{Store, StoreError};
use std::collections::{BTreeMap, BTreeSet};

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// What one pass over a graph found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphStatistics {
    /// Triples in the graph.
    pub triples: u64,
    /// Distinct predicates, sorted.
    pub predicates: BTreeSet<NamedNode>,
    /// Every class used with `rdf:type`, with the number of *things* (subjects accepted by the
    /// caller's filter) that have it; a class only blank nodes or hash IRIs have counts 0.
    pub classes: BTreeMap<NamedNode, u64>,
    /// The distinct things described (subjects accepted by the filter), sorted.
    pub things: Vec<NamedNode>,
    /// Per class, the first few things of that class in IRI order (stable examples).
    pub class_examples: BTreeMap<NamedNode, Vec<NamedNode>>,
}

impl Store {
    /// Scans `graph` once. `is_thing` decides which named subjects count as things (Jiyi: IRIs
    /// under `{base}id/` without a fragment, the ones with a document of their own);
    /// `examples` is how many example things to keep per class.
    pub fn graph_statistics(
        &self,
        graph: NamedNodeRef<'_>,
        is_thing: impl Fn(&str) -> bool,
        examples: usize,
    ) -> Result<GraphStatistics, StoreError> {
        let mut stats = GraphStatistics::default();
        let rdf_type = NamedNodeRef::new_unchecked(RDF_TYPE);
        // Quads of one subject usually come together; remembering the last one keeps the
        // list short before the final sort + dedup, which makes the count exact either way.
        let mut last_thing: Option<NamedNode> = None;
        for quad in self
            .inner
            .quads_for_pattern(None, None, None, Some(graph.into()))
        {
            let quad = quad.map_err(|e| self.storage(e))?;
            stats.triples += 1;
            if !stats.predicates.contains(&quad.predicate) {
                stats.predicates.insert(quad.predicate.clone());
            }
            let thing = match &quad.subject {
                NamedOrBlankNode::NamedNode(s) if is_thing(s.as_str()) => Some(s),
                _ => None,
            };
            if let Some(s) = thing
                && last_thing.as_ref() != Some(s)
            {
                stats.things.push(s.clone());
                last_thing = Some(s.clone());
            }
            if quad.predicate.as_ref() == rdf_type
                && let Term::NamedNode(class) = &quad.object
            {
                let count = stats.classes.entry(class.clone()).or_insert(0);
                if let Some(s) = thing {
                    // (s, rdf:type, class) is one triple of a set: each thing counts once.
                    *count += 1;
                    let list = stats.class_examples.entry(class.clone()).or_default();
                    keep_smallest(list, s, examples);
                }
            }
        }
        stats.things.sort();
        stats.things.dedup();
        Ok(stats)
    }
}

/// Keeps `list` as the `n` smallest IRIs seen, sorted.
fn keep_smallest(list: &mut Vec<NamedNode>, candidate: &NamedNode, n: usize) {
    if n == 0 || list.contains(candidate) {
        return;
    }
    if list.len() == n {
        match list.last() {
            Some(last) if candidate < last => {
                list.pop();
            }
            _ => return,
        }
    }
    let at = list.partition_point(|x| x < candidate);
    list.insert(at, candidate.clone());
}

#[cfg(test)]
mod tests {
    use crate::Store;
    use crate::model::{BlankNode, Literal, NamedNode, Triple};

    #[test]
    fn counts_things_classes_and_predicates_in_one_graph_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let n = |s: &str| NamedNode::new_unchecked(s);
        let ty = n(super::RDF_TYPE);
        let label = n("http://www.w3.org/2000/01/rdf-schema#label");
        let class = n("http://ex/C");
        let graph = n("http://ex/graph/a");
        let mut r = store.replace_graph(graph.as_ref()).expect("replace");
        for i in [3, 1, 2, 5, 4] {
            let s = n(&format!("http://ex/id/x/{i}"));
            r.add(Triple::new(s.clone(), ty.clone(), class.clone()))
                .expect("add");
            r.add(Triple::new(
                s,
                label.clone(),
                Literal::new_simple_literal(i.to_string()),
            ))
            .expect("add");
        }
        // a hash IRI and a blank node: typed, but not things
        r.add(Triple::new(
            n("http://ex/id/x/1#part"),
            ty.clone(),
            n("http://ex/Part"),
        ))
        .expect("add");
        r.add(Triple::new(
            BlankNode::new_unchecked("b"),
            ty.clone(),
            n("http://ex/Part"),
        ))
        .expect("add");
        r.commit().expect("commit");
        let mut other = store
            .replace_graph(n("http://ex/graph/b").as_ref())
            .expect("replace");
        other
            .add(Triple::new(
                n("http://ex/id/x/9"),
                label.clone(),
                label.clone(),
            ))
            .expect("add");
        other.commit().expect("commit");

        let stats = store
            .graph_statistics(
                graph.as_ref(),
                |s| s.starts_with("http://ex/id/") && !s.contains('#'),
                2,
            )
            .expect("stats");
        assert_eq!(stats.triples, 12);
        assert_eq!(stats.predicates.len(), 2);
        assert_eq!(stats.things.len(), 5);
        assert!(stats.things.windows(2).all(|w| w[0] < w[1]), "sorted");
        assert_eq!(stats.classes.get(&class), Some(&5));
        assert_eq!(stats.classes.get(&n("http://ex/Part")), Some(&0));
        assert_eq!(
            stats.class_examples.get(&class).expect("examples"),
            &vec![n("http://ex/id/x/1"), n("http://ex/id/x/2")]
        );
    }
}
