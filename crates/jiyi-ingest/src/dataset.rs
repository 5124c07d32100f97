//! The dataset a mapping publishes, declared in the mapping file itself.
//!
//! A steward keeps one file per dataset: the RML rules and, beside them, a node typed
//! `dcat:Dataset` with `dcterms:identifier` (the dataset name) and whatever DCAT / Dublin Core
//! metadata they want published (title, description, licence…). Other RML engines ignore that
//! node. The ingest copies its triples, with the node renamed to the dataset IRI, into the
//! dataset graph.

use crate::IngestError;
use crate::access::{AccessTerms, access_terms};
use jiyi_model::UriPolicy;
use jiyi_model::vocab::{DCAT, DCTERMS, RDF};
use oxrdf::{NamedNode, NamedOrBlankNode, Term, Triple};
use oxttl::TurtleParser;
use std::collections::{HashSet, VecDeque};
use std::path::Path;

/// The dataset description found in a mapping file.
#[derive(Debug, Clone)]
pub struct DatasetDescription {
    /// The dataset name (`dcterms:identifier`), used in the dataset and graph IRIs.
    pub name: String,
    /// The description's triples, with the declaring node still as in the file.
    node: NamedOrBlankNode,
    triples: Vec<Triple>,
    access: AccessTerms,
}

impl DatasetDescription {
    /// Finds the one `dcat:Dataset` node of a mapping file. A name given on the command line
    /// (`name_override`) wins over `dcterms:identifier`, so one mapping can publish test copies.
    pub fn from_mapping_file(
        path: &Path,
        name_override: Option<&str>,
    ) -> Result<Self, IngestError> {
        let text = std::fs::read(path).map_err(|source| IngestError::Io {
            path: path.to_owned(),
            source,
        })?;
        let problem = |problem: String| IngestError::DatasetDescription {
            file: path.to_owned(),
            problem,
        };
        let mut triples = Vec::new();
        // Relative IRIs in a mapping (`<#TriplesMap1>`) name mapping nodes only; any base works.
        let parser = TurtleParser::new()
            .with_base_iri("file:///mapping.ttl")
            .map_err(|e| problem(e.to_string()))?;
        for triple in parser.for_slice(&text) {
            triples
                .push(triple.map_err(|e| problem(format!("the file is not valid Turtle: {e}")))?);
        }
        let rdf_type = NamedNode::new_unchecked(format!("{RDF}type"));
        let dataset_class = Term::from(NamedNode::new_unchecked(format!("{DCAT}Dataset")));
        let nodes: Vec<NamedOrBlankNode> = triples
            .iter()
            .filter(|t| t.predicate == rdf_type && t.object == dataset_class)
            .map(|t| t.subject.clone())
            .collect();
        let node = match nodes.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(problem(
                    "no node typed dcat:Dataset; add `[] a dcat:Dataset ; dcterms:identifier \"my-dataset\" .`"
                        .into(),
                ));
            }
            _ => {
                return Err(problem(format!(
                    "{} nodes typed dcat:Dataset, expected one",
                    nodes.len()
                )));
            }
        };
        let identifier = NamedNode::new_unchecked(format!("{DCTERMS}identifier"));
        let declared = triples
            .iter()
            .find(|t| t.subject == node && t.predicate == identifier)
            .and_then(|t| match &t.object {
                Term::Literal(l) => Some(l.value().to_owned()),
                _ => None,
            });
        let name = match (name_override, declared) {
            (Some(name), _) => name.to_owned(),
            (None, Some(name)) => name,
            (None, None) => {
                return Err(problem(
                    "the dcat:Dataset node has no dcterms:identifier literal naming the dataset"
                        .into(),
                ));
            }
        };
        let access = access_terms(&triples, &node).map_err(problem)?;
        let triples = stable_blank_nodes(closure(&triples, &node));
        // The closure starts with the node's own triples, so a blank dataset node is now `jiyi-description-0`.
        let node = match node {
            NamedOrBlankNode::BlankNode(_) => {
                oxrdf::BlankNode::new_unchecked("jiyi-description-0").into()
            }
            named => named,
        };
        Ok(Self {
            name,
            node,
            triples,
            access,
        })
    }

    /// The access class, licences and whether access rights are stated (checked when read).
    pub fn access(&self) -> &AccessTerms {
        &self.access
    }

    /// The description's triples, the declaring node renamed to the dataset IRI under `policy`.
    /// The identifier is restated as the name actually used.
    pub fn triples(&self, policy: &UriPolicy) -> Result<Vec<Triple>, IngestError> {
        let dataset = policy.dataset(&self.name)?;
        let rename = |s: &NamedOrBlankNode| -> NamedOrBlankNode {
            if *s == self.node {
                dataset.clone().into()
            } else {
                s.clone()
            }
        };
        let identifier = NamedNode::new_unchecked(format!("{DCTERMS}identifier"));
        let mut out: Vec<Triple> = self
            .triples
            .iter()
            .filter(|t| !(t.subject == self.node && t.predicate == identifier))
            .map(|t| {
                let object = match &t.object {
                    Term::BlankNode(b) if NamedOrBlankNode::from(b.clone()) == self.node => {
                        Term::from(dataset.clone())
                    }
                    o => o.clone(),
                };
                Triple::new(rename(&t.subject), t.predicate.clone(), object)
            })
            .collect();
        if !self.access.states_access_rights {
            out.push(Triple::new(
                dataset.clone(),
                NamedNode::new_unchecked(format!("{DCTERMS}accessRights")),
                self.access.class.eu_access_right(),
            ));
        }
        out.push(Triple::new(
            dataset,
            identifier,
            oxrdf::Literal::new_simple_literal(&self.name),
        ));
        Ok(out)
    }
}

/// Renames the parser's random blank node labels to `jiyi-description-0`, `-1`… in order of first appearance,
/// so the same file gives the same labels on every run and an unchanged re-ingest diffs to
/// nothing (the ingest then scopes them per dataset like the mapping's own blank nodes).
fn stable_blank_nodes(triples: Vec<Triple>) -> Vec<Triple> {
    let mut names: std::collections::HashMap<oxrdf::BlankNode, oxrdf::BlankNode> =
        std::collections::HashMap::new();
    let mut rename = |b: &oxrdf::BlankNode| -> oxrdf::BlankNode {
        let next = names.len();
        names
            .entry(b.clone())
            .or_insert_with(|| oxrdf::BlankNode::new_unchecked(format!("jiyi-description-{next}")))
            .clone()
    };
    triples
        .into_iter()
        .map(|t| {
            let subject = match t.subject {
                NamedOrBlankNode::BlankNode(b) => rename(&b).into(),
                s => s,
            };
            let object = match t.object {
                Term::BlankNode(b) => rename(&b).into(),
                o => o,
            };
            Triple::new(subject, t.predicate, object)
        })
        .collect()
}

/// The triples about `node` and the blank nodes it reaches (e.g. a contact point).
fn closure(triples: &[Triple], node: &NamedOrBlankNode) -> Vec<Triple> {
    let mut seen = HashSet::new();
    let mut queue = VecDeque::from([node.clone()]);
    let mut out = Vec::new();
    while let Some(subject) = queue.pop_front() {
        if !seen.insert(subject.clone()) {
            continue;
        }
        for t in triples.iter().filter(|t| t.subject == subject) {
            if let Term::BlankNode(b) = &t.object {
                queue.push_back(b.clone().into());
            }
            out.push(t.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPPING: &str = r#"
        @prefix dcat: <http://www.w3.org/ns/dcat#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix rml: <http://w3id.org/rml/> .
        <#Map> a rml:TriplesMap .
        [] a dcat:Dataset ; dcterms:identifier "demo-set" ;
           dcterms:title "示範"@zh-Hant ;
           <https://w3id.org/jiyi/ns#accessClass> <https://w3id.org/jiyi/ns#Open> ;
           dcterms:license <https://creativecommons.org/publicdomain/zero/1.0/> ;
           dcterms:rightsHolder "Jiyi" ;
           dcat:contactPoint [ dcterms:title "Desk" ] .
    "#;

    #[test]
    fn reads_the_dataset_node_and_renames_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("m.ttl");
        std::fs::write(&file, MAPPING).expect("write");
        let d = DatasetDescription::from_mapping_file(&file, None).expect("description");
        assert_eq!(d.name, "demo-set");
        let policy = UriPolicy::new("https://data.example.tw/").expect("policy");
        let triples = d.triples(&policy).expect("triples");
        let dataset = "https://data.example.tw/id/dataset/demo-set";
        assert_eq!(
            triples
                .iter()
                .filter(|t| t.subject.to_string() == format!("<{dataset}>"))
                .count(),
            8,
            "type, title, contact point, class, licence, rights holder, access rights, identifier"
        );
        assert!(
            triples.iter().any(|t| t.object.to_string()
                == "<http://publications.europa.eu/resource/authority/access-right/PUBLIC>"),
            "甲 is published as EU access right PUBLIC: {triples:?}"
        );
        assert_eq!(
            triples.len(),
            9,
            "contact point blank node travels along: {triples:?}"
        );
        let renamed = DatasetDescription::from_mapping_file(&file, Some("copy")).expect("override");
        assert_eq!(renamed.name, "copy");
    }

    #[test]
    fn missing_or_ambiguous_descriptions_are_explained() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("m.ttl");
        std::fs::write(&file, "<#a> <#b> <#c> .").expect("write");
        let err = DatasetDescription::from_mapping_file(&file, None).expect_err("none");
        assert!(err.to_string().contains("dcat:Dataset"), "{err}");
        std::fs::write(&file, "@prefix dcat: <http://www.w3.org/ns/dcat#> . <#a> a dcat:Dataset . <#b> a dcat:Dataset .").expect("write");
        let err = DatasetDescription::from_mapping_file(&file, None).expect_err("two");
        assert!(err.to_string().contains("2 nodes"), "{err}");
    }
}
