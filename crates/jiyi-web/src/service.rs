//! What `GET /sparql` without a query answers: the SPARQL 1.1 Service Description for RDF
//! clients, the query page for browsers. Both state the endpoint's limits.

use crate::conneg::Accept;
use crate::formats::{GRAPH_OFFERS, RdfRepresentation};
use crate::html::{Lang, render_sparql_page};
use crate::{AppState, Limits, WebError};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use jiyi_model::vocab::{JIYI, RDF, RDFS, XSD};
use oxrdf::{BlankNode, Literal, NamedNode, Triple};

const SD: &str = "http://www.w3.org/ns/sparql-service-description#";
const FORMATS: &str = "http://www.w3.org/ns/formats/";

fn iri(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

fn integer(n: impl ToString) -> Literal {
    Literal::new_typed_literal(n.to_string(), iri(XSD, "integer"))
}

/// `GET /sparql` without `query`: the page for a browser, the service description otherwise.
pub fn describe_or_page(
    state: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<Response, WebError> {
    let accept = Accept::parse(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()));
    if accept.prefers_html() {
        return query_page(state, uri, headers);
    }
    let representation = crate::query_param(uri, "format")
        .and_then(|f| RdfRepresentation::from_param(&f, GRAPH_OFFERS))
        .or_else(|| accept.choose(GRAPH_OFFERS).copied());
    let Some(RdfRepresentation::Rdf(format)) = representation else {
        return Err(WebError::NotAcceptable(
            "without a query, /sparql describes itself in RDF (text/turtle, application/ld+json, …) or shows the query page (text/html)".into(),
        ));
    };
    let triples = description(state)?;
    let mut writer = crate::formats::rdf_serializer(format).for_writer(Vec::new());
    for t in &triples {
        writer
            .serialize_triple(t)
            .map_err(|e| WebError::Internal(e.to_string()))?;
    }
    let body = writer
        .finish()
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(crate::formats::rdf_response(format, body))
}

/// The service description: endpoint, language, formats, features, the default dataset with
/// its named graphs, and the limits (in Jiyi's vocabulary, as SD has no terms for them).
fn description(state: &AppState) -> Result<Vec<Triple>, WebError> {
    let base = state.policy().base();
    let service = NamedNode::new_unchecked(format!("{base}sparql"));
    let mut t = vec![
        Triple::new(service.clone(), iri(RDF, "type"), iri(SD, "Service")),
        Triple::new(service.clone(), iri(SD, "endpoint"), service.clone()),
        Triple::new(
            service.clone(),
            iri(SD, "supportedLanguage"),
            iri(SD, "SPARQL11Query"),
        ),
        Triple::new(
            service.clone(),
            iri(SD, "defaultEntailmentRegime"),
            NamedNode::new_unchecked("http://www.w3.org/ns/entailment/Simple"),
        ),
    ];
    for format in [
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
        "TriG",
        "N-Quads",
    ] {
        t.push(Triple::new(
            service.clone(),
            iri(SD, "resultFormat"),
            iri(FORMATS, format),
        ));
    }
    if state.union_default_graph() {
        t.push(Triple::new(
            service.clone(),
            iri(SD, "feature"),
            iri(SD, "UnionDefaultGraph"),
        ));
    }
    let dataset = BlankNode::default();
    let default_graph = BlankNode::default();
    t.push(Triple::new(
        service.clone(),
        iri(SD, "defaultDataset"),
        dataset.clone(),
    ));
    t.push(Triple::new(
        dataset.clone(),
        iri(RDF, "type"),
        iri(SD, "Dataset"),
    ));
    t.push(Triple::new(
        dataset.clone(),
        iri(SD, "defaultGraph"),
        default_graph.clone(),
    ));
    t.push(Triple::new(
        default_graph.clone(),
        iri(RDF, "type"),
        iri(SD, "Graph"),
    ));
    let comment = if state.union_default_graph() {
        "The default graph is the union of all published graphs."
    } else {
        "The default graph is the store's default graph; published datasets are named graphs."
    };
    t.push(Triple::new(
        default_graph,
        iri(RDFS, "comment"),
        Literal::new_language_tagged_literal_unchecked(comment, "en"),
    ));
    for graph in state.store().published_graphs()? {
        let named = BlankNode::default();
        let g = BlankNode::default();
        t.push(Triple::new(
            dataset.clone(),
            iri(SD, "namedGraph"),
            named.clone(),
        ));
        t.push(Triple::new(
            named.clone(),
            iri(RDF, "type"),
            iri(SD, "NamedGraph"),
        ));
        t.push(Triple::new(named.clone(), iri(SD, "name"), graph));
        t.push(Triple::new(named, iri(SD, "graph"), g.clone()));
        t.push(Triple::new(g, iri(RDF, "type"), iri(SD, "Graph")));
    }
    let limits = state.limits();
    t.extend(limit_triples(&service, limits));
    if state.config().write_token.is_some() {
        let update = NamedNode::new_unchecked(format!("{base}update"));
        t.push(Triple::new(
            update.clone(),
            iri(RDF, "type"),
            iri(SD, "Service"),
        ));
        t.push(Triple::new(
            update.clone(),
            iri(SD, "endpoint"),
            update.clone(),
        ));
        t.push(Triple::new(
            update,
            iri(SD, "supportedLanguage"),
            iri(SD, "SPARQL11Update"),
        ));
    }
    Ok(t)
}

fn limit_triples(service: &NamedNode, limits: &Limits) -> Vec<Triple> {
    let millis = limits.query_timeout.as_millis();
    let duration = format!("PT{}.{:03}S", millis / 1000, millis % 1000);
    vec![
        Triple::new(
            service.clone(),
            iri(JIYI, "queryTimeout"),
            Literal::new_typed_literal(duration, iri(XSD, "dayTimeDuration")),
        ),
        Triple::new(
            service.clone(),
            iri(JIYI, "maxResults"),
            integer(limits.max_results),
        ),
        Triple::new(
            service.clone(),
            iri(JIYI, "maxConcurrentQueries"),
            integer(limits.max_concurrent_queries),
        ),
        Triple::new(
            service.clone(),
            iri(JIYI, "maxRequestBodyBytes"),
            integer(limits.max_request_body),
        ),
    ]
}

fn query_page(state: &AppState, uri: &Uri, headers: &HeaderMap) -> Result<Response, WebError> {
    let lang = Lang::choose(
        crate::query_param(uri, "lang").as_deref(),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let examples = crate::examples::queries();
    let page = render_sparql_page(state.templates(), lang, &examples, state.config())
        .map_err(|e| WebError::Internal(format!("template: {e}")))?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::VARY, "Accept, Accept-Language"),
        ],
        page,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The limit terms are defined in ontologies/jiyi.ttl, so the description never points at
    /// an undefined term.
    #[test]
    fn limit_terms_are_defined_in_the_jiyi_vocabulary() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ontologies/jiyi.ttl");
        let text = std::fs::read(&path).expect("ontologies/jiyi.ttl");
        let defined: HashSet<String> = oxttl::TurtleParser::new()
            .for_slice(&text)
            .map(|t| t.expect("valid Turtle"))
            .filter(|t| t.predicate.as_str() == format!("{RDF}type"))
            .map(|t| t.subject.to_string().trim_matches(['<', '>']).to_owned())
            .collect();
        let service = NamedNode::new_unchecked("http://ex/sparql");
        for t in limit_triples(&service, &Limits::default()) {
            assert!(
                defined.contains(t.predicate.as_str()),
                "{} is not defined",
                t.predicate
            );
        }
    }
}
