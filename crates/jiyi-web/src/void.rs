//! `GET /.well-known/void`: where a crawler or a portal starts. VoID (RFC 5785's well-known
//! location for it) and DCAT 3 about the site as a catalogue and every published dataset.
//!
//! Each dataset's own description is the one the ingest published into its graph (title,
//! licence, access class, provenance link, `void:Linkset`s to Wikidata, GeoNames, Getty…),
//! read back with `Store::describe`, not restated here. What only the live store knows is
//! added: triple, entity, class and property counts, the vocabularies in use, class
//! partitions, example resources, the SPARQL endpoint and the URI space. Counts come from
//! [`crate::site_stats`] (one scan per graph, cached until the store changes).
//!
//! Negotiated like a document: the RDF syntaxes of `formats.rs` (Turtle when nothing is
//! said), or a page for people; `?format=` as for documents.

use crate::conneg::Accept;
use crate::formats::{DOCUMENT_OFFERS, RdfRepresentation};
use crate::html::{DocumentPage, Lang, render_document};
use crate::site_stats::{SiteStats, site_stats};
use crate::{AppState, WebError, query_param};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use jiyi_model::UriPolicy;
use jiyi_model::vocab::{DCAT, DCTERMS, PREFIXES, RDF, VOID, XSD};
use oxrdf::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use std::collections::BTreeSet;

const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const SPARQL_PROTOCOL: &str = "https://www.w3.org/TR/sparql11-protocol/";

/// Path of the VoID document, relative to the base.
pub const VOID_PATH: &str = ".well-known/void";

/// Statistics the store's own description may also carry (from an older ingest); the live
/// values replace them so the description never states two counts.
const COMPUTED: &[&str] = &["triples", "entities", "classes", "properties"];

fn iri(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

fn integer(n: u64) -> Literal {
    Literal::new_typed_literal(n.to_string(), iri(XSD, "integer"))
}

/// `GET /.well-known/void`.
pub async fn void(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    match answer(&state, &uri, &headers).await {
        Ok(response) => response,
        Err(e) => e.respond(&headers),
    }
}

async fn answer(state: &AppState, uri: &Uri, headers: &HeaderMap) -> Result<Response, WebError> {
    let representation = match query_param(uri, "format") {
        Some(value) => RdfRepresentation::from_param(&value, DOCUMENT_OFFERS).ok_or_else(|| {
            WebError::BadRequest(format!(
                "unknown format {value:?}; use ttl, nt, jsonld, rdf, trig, nq or html"
            ))
        })?,
        None => *Accept::parse(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()))
            .choose(DOCUMENT_OFFERS)
            .ok_or_else(|| {
                WebError::NotAcceptable(
                    "the VoID description is available as text/turtle, application/n-triples, application/ld+json, application/rdf+xml, application/trig, application/n-quads and text/html".into(),
                )
            })?,
    };
    let lang = Lang::choose(
        query_param(uri, "lang").as_deref(),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let worker = state.clone();
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, WebError> {
        let stats = site_stats(&worker)?;
        let triples = void_triples(worker.policy(), &stats)?;
        match representation {
            RdfRepresentation::Rdf(format) => {
                let mut writer = crate::formats::rdf_serializer(format).for_writer(Vec::new());
                for triple in &triples {
                    writer
                        .serialize_triple(triple)
                        .map_err(|e| WebError::Internal(e.to_string()))?;
                }
                writer
                    .finish()
                    .map_err(|e| WebError::Internal(e.to_string()))
            }
            RdfRepresentation::Html => {
                let catalog = catalog_iri(worker.policy())?;
                let linked: Vec<NamedNode> = triples
                    .iter()
                    .filter_map(|t| match &t.object {
                        Term::NamedNode(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect();
                let labels = worker.store().labels(&linked)?;
                let page = DocumentPage {
                    thing: &catalog,
                    triples: &triples,
                    labels: &labels,
                    graphs: &[],
                    doc_path: "/.well-known/void",
                    lang,
                    rights: &crate::rights::DocumentRights::default(),
                    paging: &crate::html::PageLinks::default(),
                };
                render_document(worker.templates(), &page, worker.policy())
                    .map(String::into_bytes)
                    .map_err(|e| WebError::Internal(format!("template: {e}")))
            }
        }
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))??;
    let vary = if representation == RdfRepresentation::Html {
        "Accept, Accept-Language"
    } else {
        "Accept"
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, representation.content_type()),
            (header::VARY, vary),
        ],
        body,
    )
        .into_response())
}

/// The site as a catalogue: `{base}.well-known/void#catalog`. A hash of the VoID document, so
/// dereferencing it gives this description (no `/id/` IRI that would have no document).
pub fn catalog_iri(policy: &UriPolicy) -> Result<NamedNode, WebError> {
    policy
        .site_resource(&format!("{VOID_PATH}#catalog"))
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// The namespace a term belongs to: a known prefix's namespace, else the IRI up to its last
/// `#` or `/`.
pub fn namespace_of(iri: &str) -> &str {
    if let Some((_, ns)) = PREFIXES.iter().find(|(_, ns)| iri.starts_with(ns)) {
        return ns;
    }
    match iri.rfind(['#', '/']) {
        Some(i) => &iri[..=i],
        None => iri,
    }
}

/// The whole VoID + DCAT graph.
pub fn void_triples(policy: &UriPolicy, stats: &SiteStats) -> Result<Vec<Triple>, WebError> {
    let internal = |e: jiyi_model::ModelError| WebError::Internal(e.to_string());
    let document = policy.site_resource(VOID_PATH).map_err(internal)?;
    let catalog = catalog_iri(policy)?;
    let sparql = policy.site_resource("sparql").map_err(internal)?;
    let uri_space = Literal::new_simple_literal(format!("{}id/", policy.base()));
    let ty = iri(RDF, "type");
    let mut out = vec![
        Triple::new(
            document.clone(),
            ty.clone(),
            iri(VOID, "DatasetDescription"),
        ),
        Triple::new(
            document.clone(),
            iri(DCTERMS, "title"),
            Literal::new_language_tagged_literal_unchecked(
                "Jiyi 記憶: datasets published here",
                "en",
            ),
        ),
        Triple::new(
            document.clone(),
            iri(DCTERMS, "title"),
            Literal::new_language_tagged_literal_unchecked("記憶（Jiyi）發布的資料集", "zh-hant"),
        ),
        Triple::new(document, iri(FOAF, "primaryTopic"), catalog.clone()),
        Triple::new(catalog.clone(), ty.clone(), iri(DCAT, "Catalog")),
        Triple::new(catalog.clone(), ty.clone(), iri(VOID, "Dataset")),
        Triple::new(
            catalog.clone(),
            iri(DCTERMS, "title"),
            Literal::new_language_tagged_literal_unchecked("Jiyi 記憶 Linked Open Data", "en"),
        ),
        Triple::new(
            catalog.clone(),
            iri(DCTERMS, "title"),
            Literal::new_language_tagged_literal_unchecked("記憶（Jiyi）鏈結開放資料", "zh-hant"),
        ),
        Triple::new(
            catalog.clone(),
            iri(VOID, "triples"),
            integer(stats.total_triples),
        ),
        Triple::new(
            catalog.clone(),
            iri(VOID, "entities"),
            integer(stats.things.len() as u64),
        ),
        Triple::new(catalog.clone(), iri(VOID, "sparqlEndpoint"), sparql.clone()),
        Triple::new(catalog.clone(), iri(VOID, "uriSpace"), uri_space.clone()),
        Triple::new(catalog.clone(), iri(DCAT, "service"), sparql.clone()),
        Triple::new(sparql.clone(), ty.clone(), iri(DCAT, "DataService")),
        Triple::new(sparql.clone(), iri(DCAT, "endpointURL"), sparql.clone()),
        Triple::new(
            sparql.clone(),
            iri(DCTERMS, "conformsTo"),
            NamedNode::new_unchecked(SPARQL_PROTOCOL),
        ),
        Triple::new(
            sparql.clone(),
            iri(DCTERMS, "title"),
            Literal::new_language_tagged_literal_unchecked("SPARQL 1.1 endpoint", "en"),
        ),
    ];
    let mut all_vocabularies = BTreeSet::new();
    // A dataset without a description would name an IRI that does not dereference.
    for dataset in stats.datasets.iter().filter(|d| d.described) {
        let d = dataset.iri.clone();
        let subject = NamedOrBlankNode::from(d.clone());
        out.push(Triple::new(
            catalog.clone(),
            iri(DCAT, "dataset"),
            d.clone(),
        ));
        out.push(Triple::new(catalog.clone(), iri(VOID, "subset"), d.clone()));
        out.push(Triple::new(
            sparql.clone(),
            iri(DCAT, "servesDataset"),
            d.clone(),
        ));
        let computed: Vec<NamedNode> = COMPUTED.iter().map(|l| iri(VOID, l)).collect();
        out.extend(
            dataset
                .description
                .iter()
                .filter(|t| !(t.subject == subject && computed.contains(&t.predicate)))
                .cloned(),
        );
        let void_dataset = Term::from(iri(VOID, "Dataset"));
        if !dataset
            .description
            .iter()
            .any(|t| t.subject == subject && t.predicate == ty && t.object == void_dataset)
        {
            out.push(Triple::new(d.clone(), ty.clone(), void_dataset));
        }
        let vocabularies: BTreeSet<&str> = dataset
            .predicates
            .iter()
            .map(NamedNode::as_str)
            .chain(dataset.classes.keys().map(NamedNode::as_str))
            .map(namespace_of)
            .collect();
        out.extend([
            Triple::new(d.clone(), iri(VOID, "triples"), integer(dataset.triples)),
            Triple::new(d.clone(), iri(VOID, "entities"), integer(dataset.entities)),
            Triple::new(
                d.clone(),
                iri(VOID, "classes"),
                integer(dataset.classes.len() as u64),
            ),
            Triple::new(
                d.clone(),
                iri(VOID, "properties"),
                integer(dataset.predicates.len() as u64),
            ),
            Triple::new(d.clone(), iri(VOID, "sparqlEndpoint"), sparql.clone()),
            Triple::new(d.clone(), iri(VOID, "uriSpace"), uri_space.clone()),
        ]);
        for vocabulary in &vocabularies {
            let v = NamedNode::new_unchecked(*vocabulary);
            out.push(Triple::new(d.clone(), iri(VOID, "vocabulary"), v.clone()));
            all_vocabularies.insert(v);
        }
        // VoID's dump link for each published dump (DCAT says the same with more detail).
        let stated: Vec<&Term> = dataset.values(&format!("{VOID}dataDump")).collect();
        for url in dataset.dump_urls() {
            if !stated.contains(&&Term::from(url.clone())) {
                out.push(Triple::new(d.clone(), iri(VOID, "dataDump"), url));
            }
        }
        for example in &dataset.examples {
            out.push(Triple::new(
                d.clone(),
                iri(VOID, "exampleResource"),
                example.clone(),
            ));
        }
        if let Some(first) = dataset.examples.first() {
            out.push(Triple::new(
                catalog.clone(),
                iri(VOID, "exampleResource"),
                first.clone(),
            ));
        }
        for (i, (class, n)) in dataset.classes.iter().filter(|(_, n)| **n > 0).enumerate() {
            let partition = BlankNode::new_unchecked(format!("classes-{}-{i}", dataset.name));
            out.extend([
                Triple::new(d.clone(), iri(VOID, "classPartition"), partition.clone()),
                Triple::new(partition.clone(), iri(VOID, "class"), class.clone()),
                Triple::new(partition, iri(VOID, "entities"), integer(*n)),
            ]);
        }
    }
    for v in all_vocabularies {
        out.push(Triple::new(catalog.clone(), iri(VOID, "vocabulary"), v));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::namespace_of;

    #[test]
    fn namespaces_of_terms() {
        assert_eq!(
            namespace_of("http://www.cidoc-crm.org/cidoc-crm/P45_consists_of"),
            "http://www.cidoc-crm.org/cidoc-crm/"
        );
        assert_eq!(
            namespace_of("http://purl.org/linked-data/cube#dataSet"),
            "http://purl.org/linked-data/cube#"
        );
        assert_eq!(
            namespace_of("http://xmlns.com/foaf/0.1/name"),
            "http://xmlns.com/foaf/0.1/"
        );
    }
}
