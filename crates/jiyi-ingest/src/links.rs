//! Links to other datasets (the fifth star): counted per target during an ingest, reported in
//! the summary and published as VoID linksets in the dataset description, so a crawler or a
//! portal can see how a dataset connects to Wikidata, GeoNames and the Getty vocabularies.

use jiyi_model::vocab::{DCTERMS, RDF, VOID, XSD};
use oxrdf::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use std::collections::HashSet;

/// A dataset Jiyi recognises as a link target: (name in reports, VoID dataset IRI, IRI
/// prefix of its things, fragment for the linkset IRI).
struct Target {
    name: &'static str,
    dataset: &'static str,
    prefix: &'static str,
    key: &'static str,
}

/// The targets the link policy names, plus the other Getty vocabularies and VIAF, which
/// stewards use for people. Both URI schemes are listed where the authority's own pages use
/// both (Wikidata's entity IRIs are `http`, its pages link `https`).
const TARGETS: &[Target] = &[
    Target {
        name: "Wikidata",
        dataset: "http://www.wikidata.org/",
        prefix: "http://www.wikidata.org/entity/",
        key: "wikidata",
    },
    Target {
        name: "Wikidata",
        dataset: "http://www.wikidata.org/",
        prefix: "https://www.wikidata.org/entity/",
        key: "wikidata",
    },
    Target {
        name: "GeoNames",
        dataset: "https://www.geonames.org/",
        prefix: "https://sws.geonames.org/",
        key: "geonames",
    },
    Target {
        name: "GeoNames",
        dataset: "https://www.geonames.org/",
        prefix: "http://sws.geonames.org/",
        key: "geonames",
    },
    Target {
        name: "Getty AAT",
        dataset: "http://vocab.getty.edu/aat/",
        prefix: "http://vocab.getty.edu/aat/",
        key: "aat",
    },
    Target {
        name: "Getty ULAN",
        dataset: "http://vocab.getty.edu/ulan/",
        prefix: "http://vocab.getty.edu/ulan/",
        key: "ulan",
    },
    Target {
        name: "Getty TGN",
        dataset: "http://vocab.getty.edu/tgn/",
        prefix: "http://vocab.getty.edu/tgn/",
        key: "tgn",
    },
    Target {
        name: "VIAF",
        dataset: "http://viaf.org/",
        prefix: "http://viaf.org/viaf/",
        key: "viaf",
    },
];

/// Distinct link triples seen so far, per target. Distinct, because a mapping in record
/// mode repeats a concept's `skos:exactMatch` for every record that mentions the concept;
/// the set holds only link triples, which are few next to the dataset.
#[derive(Default)]
pub(crate) struct LinkCounter {
    seen: HashSet<(usize, String, String, String)>,
}

impl LinkCounter {
    /// Counts `triple` if its object is a thing of a known target.
    pub(crate) fn observe(&mut self, triple: &Triple) {
        let Term::NamedNode(object) = &triple.object else {
            return;
        };
        if let Some(index) = TARGETS
            .iter()
            .position(|t| object.as_str().starts_with(t.prefix))
        {
            let index = canonical_index(index);
            self.seen.insert((
                index,
                triple.subject.to_string(),
                triple.predicate.as_str().to_owned(),
                object.as_str().to_owned(),
            ));
        }
    }

    /// Links per target name, in the order of [`TARGETS`], targets without links left out.
    pub(crate) fn counts(&self) -> Vec<(&'static str, u64)> {
        let mut out: Vec<(&'static str, u64)> = Vec::new();
        for (index, target) in TARGETS.iter().enumerate() {
            if canonical_index(index) != index {
                continue;
            }
            let n = self.seen.iter().filter(|(i, ..)| *i == index).count() as u64;
            if n > 0 {
                out.push((target.name, n));
            }
        }
        out
    }

    /// One `void:Linkset` per target with links: `{dataset}#links-{key}`, a subset of the
    /// dataset, with its object target and triple count.
    pub(crate) fn linkset_triples(&self, dataset: &NamedNode) -> Vec<Triple> {
        let mut out = Vec::new();
        for (index, target) in TARGETS.iter().enumerate() {
            if canonical_index(index) != index {
                continue;
            }
            let n = self.seen.iter().filter(|(i, ..)| *i == index).count();
            if n == 0 {
                continue;
            }
            let linkset =
                NamedNode::new_unchecked(format!("{}#links-{}", dataset.as_str(), target.key));
            let s: NamedOrBlankNode = linkset.clone().into();
            let p = |ns: &str, local: &str| NamedNode::new_unchecked(format!("{ns}{local}"));
            out.extend([
                Triple::new(dataset.clone(), p(VOID, "subset"), linkset.clone()),
                Triple::new(s.clone(), p(RDF, "type"), p(VOID, "Linkset")),
                Triple::new(s.clone(), p(VOID, "subjectsTarget"), dataset.clone()),
                Triple::new(
                    s.clone(),
                    p(VOID, "objectsTarget"),
                    NamedNode::new_unchecked(target.dataset),
                ),
                Triple::new(
                    s.clone(),
                    p(VOID, "triples"),
                    Literal::new_typed_literal(n.to_string(), p(XSD, "integer")),
                ),
                Triple::new(
                    s,
                    p(DCTERMS, "title"),
                    Literal::new_language_tagged_literal_unchecked(
                        format!("Links to {}", target.name),
                        "en",
                    ),
                ),
            ]);
        }
        out
    }
}

/// The first index of the target with the same name (http and https prefixes count together).
fn canonical_index(index: usize) -> usize {
    TARGETS
        .iter()
        .position(|t| t.name == TARGETS[index].name)
        .unwrap_or(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triple(s: &str, o: &str) -> Triple {
        Triple::new(
            NamedNode::new_unchecked(s),
            NamedNode::new_unchecked("http://www.w3.org/2004/02/skos/core#exactMatch"),
            NamedNode::new_unchecked(o),
        )
    }

    #[test]
    fn links_are_counted_once_per_distinct_triple_and_per_target() {
        let mut c = LinkCounter::default();
        for _ in 0..3 {
            c.observe(&triple(
                "http://x/concept/清",
                "http://www.wikidata.org/entity/Q8733",
            ));
        }
        c.observe(&triple(
            "http://x/concept/明",
            "https://www.wikidata.org/entity/Q9903",
        ));
        c.observe(&triple(
            "http://x/place/1",
            "https://sws.geonames.org/1668341/",
        ));
        c.observe(&triple(
            "http://x/m/paper",
            "http://vocab.getty.edu/aat/300014109",
        ));
        c.observe(&triple(
            "http://x/m/paper",
            "http://example.org/not-a-target",
        ));
        assert_eq!(
            c.counts(),
            vec![("Wikidata", 2), ("GeoNames", 1), ("Getty AAT", 1)]
        );
        let dataset = NamedNode::new_unchecked("http://x/id/dataset/d");
        let linksets = c.linkset_triples(&dataset);
        assert_eq!(linksets.len(), 3 * 6, "six triples per target with links");
        assert!(linksets.iter().any(|t| t.subject.to_string()
            == "<http://x/id/dataset/d#links-wikidata>"
            && t.object.to_string() == "\"2\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
    }
}
