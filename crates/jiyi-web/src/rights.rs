//! What every published document says about its own terms of use: the licence and rights
//! holder of each dataset its triples come from, stated on the document itself
//! (`<doc> dcterms:license …`), so a harvester that keeps only one document still knows
//! under which terms it may reuse it. Taiwan's open-data rules and Linked Art both expect
//! the licence next to the data, not only in a catalogue.

use crate::WebError;
use jiyi_model::UriPolicy;
use jiyi_model::vocab::{DCTERMS, RDF, VOID};
use jiyi_store::Store;
use jiyi_store::model::{NamedNode, NamedOrBlankNode, Term, Triple};

const FOAF: &str = "http://xmlns.com/foaf/0.1/";

/// The document-level statements about rights, and what the HTML page shows of them.
#[derive(Debug, Default)]
pub struct DocumentRights {
    /// `<doc> a foaf:Document ; foaf:primaryTopic <thing> ; void:inDataset … ;
    /// dcterms:license … ; dcterms:rightsHolder …` plus the rights holders' own triples
    /// when they are blank nodes (their names).
    pub triples: Vec<Triple>,
    /// Licence IRIs, for the page's "licence" line.
    pub licences: Vec<NamedNode>,
    /// Rights holder names (or IRIs), in the order found.
    pub holders: Vec<NamedOrBlankNode>,
}

/// Collects the rights statements for the document about `thing`, whose description came from
/// `graphs`. Each dataset description is read once per request (a few dozen triples).
pub fn document_rights(
    store: &Store,
    policy: &UriPolicy,
    thing: &NamedNode,
    graphs: &[NamedNode],
) -> Result<DocumentRights, WebError> {
    let mut rights = DocumentRights::default();
    let Some(doc) = policy.document_of(thing.as_str()) else {
        return Ok(rights);
    };
    let doc = NamedNode::new(doc).map_err(|e| WebError::Internal(e.to_string()))?;
    let iri = |ns: &str, local: &str| NamedNode::new_unchecked(format!("{ns}{local}"));
    rights.triples.extend([
        Triple::new(doc.clone(), iri(RDF, "type"), iri(FOAF, "Document")),
        Triple::new(doc.clone(), iri(FOAF, "primaryTopic"), thing.clone()),
    ]);
    let license = iri(DCTERMS, "license");
    let holder = iri(DCTERMS, "rightsHolder");
    for graph in graphs {
        let Some(dataset) = policy
            .dataset_of_graph(graph.as_str())
            .and_then(|name| policy.dataset(name).ok())
        else {
            continue;
        };
        rights.triples.push(Triple::new(
            doc.clone(),
            iri(VOID, "inDataset"),
            dataset.clone(),
        ));
        let Some(description) = store.describe(dataset.as_ref())? else {
            continue;
        };
        for t in &description.triples {
            if t.subject != NamedOrBlankNode::from(dataset.clone()) {
                continue;
            }
            if t.predicate == license {
                if let Term::NamedNode(l) = &t.object
                    && !rights.licences.contains(l)
                {
                    rights.licences.push(l.clone());
                }
                rights
                    .triples
                    .push(Triple::new(doc.clone(), license.clone(), t.object.clone()));
            } else if t.predicate == holder {
                rights
                    .triples
                    .push(Triple::new(doc.clone(), holder.clone(), t.object.clone()));
                let node: Option<NamedOrBlankNode> = match &t.object {
                    Term::NamedNode(n) => Some(n.clone().into()),
                    Term::BlankNode(b) => {
                        // Its names travel along, so the holder is not an anonymous node.
                        rights.triples.extend(
                            description
                                .triples
                                .iter()
                                .filter(|x| x.subject == NamedOrBlankNode::from(b.clone()))
                                .cloned(),
                        );
                        Some(b.clone().into())
                    }
                    Term::Literal(_) => None,
                };
                if let Some(node) = node.filter(|n| !rights.holders.contains(n)) {
                    rights.holders.push(node);
                }
            }
        }
    }
    Ok(rights)
}

/// A name people recognise for the licences Jiyi's datasets use; other IRIs show as they are.
pub fn licence_name(iri: &str) -> Option<&'static str> {
    let iri = iri.trim_end_matches('/');
    Some(match iri {
        "https://creativecommons.org/publicdomain/zero/1.0" => "CC0 1.0",
        "https://creativecommons.org/licenses/by/4.0" => "CC BY 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0" => "CC BY-SA 4.0",
        "https://creativecommons.org/licenses/by-nc-sa/4.0" => "CC BY-NC-SA 4.0",
        "https://data.gov.tw/license" => {
            "政府資料開放授權條款 第1版 (Open Government Data License, Taiwan 1.0)"
        }
        _ => return None,
    })
}
