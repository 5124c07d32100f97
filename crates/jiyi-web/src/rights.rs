//! What every published document says about its own terms of use and origin: the licence and
//! rights holder of each dataset its triples come from, stated on the document itself
//! (`<doc> dcterms:license …`), so a harvester that keeps only one document still knows
//! under which terms it may reuse it (Taiwan's open-data rules and Linked Art both expect the
//! licence next to the data, not only in a catalogue); and its provenance: the ingest run
//! that generated the data (`prov:wasGeneratedBy`) and when it last changed
//! (`dcterms:modified`).

use crate::dataset_facts::DatasetFacts;
use jiyi_model::vocab::{DCTERMS, PROV, RDF, VOID};
use jiyi_store::model::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use std::sync::Arc;
use std::time::SystemTime;

const FOAF: &str = "http://xmlns.com/foaf/0.1/";

/// The document-level statements about rights and provenance, and what the HTML page shows of
/// them.
#[derive(Debug, Default)]
pub struct DocumentRights {
    /// `<doc> a foaf:Document ; foaf:primaryTopic <thing> ; void:inDataset … ;
    /// dcterms:license … ; dcterms:rightsHolder … ; prov:wasGeneratedBy <run> ;
    /// dcterms:modified …` plus the rights holders' names when they are blank nodes and the
    /// runs' types and times.
    pub triples: Vec<Triple>,
    /// Licence IRIs, for the page's "licence" line and `Link: …; rel="license"`.
    pub licences: Vec<NamedNode>,
    /// Rights holder names (or IRIs), in the order found.
    pub holders: Vec<NamedOrBlankNode>,
    /// When the data of the document last changed: the latest end of the ingest runs of its
    /// datasets (the basis of `Last-Modified`).
    pub modified: Option<SystemTime>,
}

/// Collects the rights and provenance statements of `doc` (the generic document IRI, the same
/// for every format, profile and page, so all representations carry the same graph), about
/// `thing`, whose description came from the datasets of `facts`.
pub fn document_rights(
    doc: &NamedNode,
    thing: &NamedNode,
    facts: &[Arc<DatasetFacts>],
) -> DocumentRights {
    let mut rights = DocumentRights::default();
    let iri = |ns: &str, local: &str| NamedNode::new_unchecked(format!("{ns}{local}"));
    let push = |rights: &mut DocumentRights, t: Triple| {
        if !rights.triples.contains(&t) {
            rights.triples.push(t);
        }
    };
    push(
        &mut rights,
        Triple::new(doc.clone(), iri(RDF, "type"), iri(FOAF, "Document")),
    );
    push(
        &mut rights,
        Triple::new(doc.clone(), iri(FOAF, "primaryTopic"), thing.clone()),
    );
    let mut latest: Option<&(SystemTime, Literal)> = None;
    for f in facts {
        push(
            &mut rights,
            Triple::new(doc.clone(), iri(VOID, "inDataset"), f.dataset.clone()),
        );
        for licence in &f.licences {
            if let Term::NamedNode(l) = licence
                && !rights.licences.contains(l)
            {
                rights.licences.push(l.clone());
            }
            push(
                &mut rights,
                Triple::new(doc.clone(), iri(DCTERMS, "license"), licence.clone()),
            );
        }
        for holder in &f.holders {
            push(
                &mut rights,
                Triple::new(doc.clone(), iri(DCTERMS, "rightsHolder"), holder.clone()),
            );
            let node: Option<NamedOrBlankNode> = match holder {
                Term::NamedNode(n) => Some(n.clone().into()),
                Term::BlankNode(b) => Some(b.clone().into()),
                Term::Literal(_) => None,
            };
            if let Some(node) = node.filter(|n| !rights.holders.contains(n)) {
                rights.holders.push(node);
            }
        }
        for t in &f.holder_names {
            push(&mut rights, t.clone());
        }
        for run in &f.runs {
            push(
                &mut rights,
                Triple::new(doc.clone(), iri(PROV, "wasGeneratedBy"), run.clone()),
            );
        }
        for t in &f.run_triples {
            push(&mut rights, t.clone());
        }
        if let Some(m) = &f.modified
            && latest.is_none_or(|l| m.0 > l.0)
        {
            latest = Some(m);
        }
    }
    if let Some((time, literal)) = latest {
        rights.modified = Some(*time);
        push(
            &mut rights,
            Triple::new(doc.clone(), iri(DCTERMS, "modified"), literal.clone()),
        );
    }
    rights
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
