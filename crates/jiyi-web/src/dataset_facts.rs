//! What every document needs to know about the datasets its triples come from: licence,
//! rights holder, the ingest run that made the data and when (PROV-O, written by the ingest
//! into the dataset's description). Read once per dataset and kept until the next write
//! through the server, because every `/doc/…` request needs them and they change only when a
//! dataset is re-ingested (which needs the server stopped: one process opens a store) or
//! written through `/update` or the Graph Store (which clear this cache).

use crate::WebError;
use jiyi_model::UriPolicy;
use jiyi_model::vocab::{DCTERMS, PROV};
use jiyi_store::Store;
use jiyi_store::model::{Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Term, Triple};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

/// Bound on the statements read per property of a dataset description (a few are expected).
const PER_PROPERTY: usize = 64;
const FOAF_NAME: &str = "http://xmlns.com/foaf/0.1/name";

/// The facts of one dataset that documents repeat.
#[derive(Debug, Clone)]
pub struct DatasetFacts {
    /// The dataset (`{base}id/dataset/{name}`).
    pub dataset: NamedNode,
    /// `dcterms:license` values.
    pub licences: Vec<Term>,
    /// `dcterms:rightsHolder` values.
    pub holders: Vec<Term>,
    /// The names of rights holders that are blank nodes (so they are not anonymous).
    pub holder_names: Vec<Triple>,
    /// The ingest runs that generated the dataset (`prov:wasGeneratedBy`).
    pub runs: Vec<NamedNode>,
    /// What the document repeats about each run: type, label, start and end times.
    pub run_triples: Vec<Triple>,
    /// The latest `dcterms:modified` of the dataset (the end of its last ingest run).
    pub modified: Option<(SystemTime, Literal)>,
}

/// Facts per dataset graph, and the store's last write through the server.
#[derive(Default)]
pub struct FactsCache {
    datasets: RwLock<HashMap<NamedNode, Option<Arc<DatasetFacts>>>>,
    last_write: RwLock<Option<Option<SystemTime>>>,
}

impl FactsCache {
    /// Forgets everything; called after every write through the server.
    pub fn clear(&self) {
        self.datasets
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        *self
            .last_write
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// The facts of the dataset whose graph is `graph`; `None` for a graph that is not a
    /// dataset graph (a Graph Store upload, the default graph).
    pub fn facts(
        &self,
        store: &Store,
        policy: &UriPolicy,
        graph: &NamedNode,
    ) -> Result<Option<Arc<DatasetFacts>>, WebError> {
        if let Some(found) = self
            .datasets
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(graph)
        {
            return Ok(found.clone());
        }
        let facts = read_facts(store, policy, graph)?.map(Arc::new);
        self.datasets
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(graph.clone(), facts.clone());
        Ok(facts)
    }

    /// When the server last wrote to the store (`None`: never).
    pub fn last_write(&self, store: &Store) -> Result<Option<SystemTime>, WebError> {
        if let Some(known) = *self
            .last_write
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            return Ok(known);
        }
        let found = store.last_write()?;
        *self
            .last_write
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(found);
        Ok(found)
    }
}

fn iri(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

fn read_facts(
    store: &Store,
    policy: &UriPolicy,
    graph: &NamedNode,
) -> Result<Option<DatasetFacts>, WebError> {
    let Some(dataset) = policy
        .dataset_of_graph(graph.as_str())
        .and_then(|name| policy.dataset(name).ok())
    else {
        return Ok(None);
    };
    let license = iri(DCTERMS, "license");
    let holder = iri(DCTERMS, "rightsHolder");
    let generated = iri(PROV, "wasGeneratedBy");
    let modified = iri(DCTERMS, "modified");
    let subject = [NamedOrBlankNode::from(dataset.clone())];
    let statements = store.statements(
        &subject,
        &[
            license.as_ref(),
            holder.as_ref(),
            generated.as_ref(),
            modified.as_ref(),
        ],
        4 * PER_PROPERTY,
    )?;
    let mut facts = DatasetFacts {
        dataset,
        licences: Vec::new(),
        holders: Vec::new(),
        holder_names: Vec::new(),
        runs: Vec::new(),
        run_triples: Vec::new(),
        modified: None,
    };
    let mut anonymous_holders = Vec::new();
    for t in statements {
        if t.predicate == license {
            facts.licences.push(t.object);
        } else if t.predicate == holder {
            if let Term::BlankNode(b) = &t.object {
                anonymous_holders.push(NamedOrBlankNode::from(b.clone()));
            }
            facts.holders.push(t.object);
        } else if t.predicate == generated {
            if let Term::NamedNode(run) = t.object {
                facts.runs.push(run);
            }
        } else if t.predicate == modified
            && let Term::Literal(l) = t.object
            && let Some(time) = parse_date_time(l.value())
            && facts.modified.as_ref().is_none_or(|(m, _)| time > *m)
        {
            facts.modified = Some((time, l));
        }
    }
    facts.holder_names = store.statements(
        &anonymous_holders,
        &[NamedNodeRef::new_unchecked(FOAF_NAME), RDF_TYPE_REF],
        PER_PROPERTY,
    )?;
    let runs: Vec<NamedOrBlankNode> = facts.runs.iter().cloned().map(Into::into).collect();
    let run_properties = [
        RDF_TYPE_REF,
        NamedNodeRef::new_unchecked(RDFS_LABEL),
        NamedNodeRef::new_unchecked(PROV_STARTED),
        NamedNodeRef::new_unchecked(PROV_ENDED),
    ];
    facts.run_triples = store.statements(&runs, &run_properties, PER_PROPERTY)?;
    Ok(Some(facts))
}

const RDF_TYPE_REF: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/1999/02/22-rdf-syntax-ns#type");
const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
const PROV_STARTED: &str = "http://www.w3.org/ns/prov#startedAtTime";
const PROV_ENDED: &str = "http://www.w3.org/ns/prov#endedAtTime";

/// Reads an `xsd:dateTime` lexical form; a value without a time zone is taken as UTC (the
/// ingest always writes UTC with `Z`).
pub fn parse_date_time(value: &str) -> Option<SystemTime> {
    if let Ok(t) = value.parse::<jiff::Timestamp>() {
        return Some(SystemTime::from(t));
    }
    let civil: jiff::civil::DateTime = value.parse().ok()?;
    civil
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| SystemTime::from(z.timestamp()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xsd_date_times_read_with_and_without_zone() {
        let a = parse_date_time("2025-03-01T10:00:00Z").expect("utc");
        let b = parse_date_time("2025-03-01T18:00:00+08:00").expect("offset");
        assert_eq!(a, b);
        assert_eq!(parse_date_time("2025-03-01T10:00:00"), Some(a));
        assert_eq!(
            parse_date_time("2025-03-01T10:00:00.250Z").map(|t| t > a),
            Some(true)
        );
        assert_eq!(parse_date_time("not a date"), None);
    }
}
