//! Cool URIs: `/id/…` names a thing and answers 303 See Other; `/doc/…` is the document about
//! it, in the representation the client negotiates.

use crate::conneg::Accept;
use crate::formats::{DOCUMENT_OFFERS, RdfRepresentation};
use crate::html::{DocumentPage, Lang, render_document};
use crate::{AppState, WebError, query_param};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use jiyi_model::iri::uri_to_iri;
use oxrdf::{NamedNode, Term};

/// `GET /id/{kind}/{key}`: 303 to the document, keeping the query string (e.g. `format=`).
pub async fn thing(uri: Uri, headers: HeaderMap) -> Response {
    let Some(rest) = uri.path().strip_prefix("/id/").filter(|r| !r.is_empty()) else {
        return WebError::NotFound("no thing is named by this URI".into()).respond(&headers);
    };
    let location = match uri.query() {
        Some(q) => format!("/doc/{rest}?{q}"),
        None => format!("/doc/{rest}"),
    };
    match HeaderValue::from_str(&location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => {
            WebError::BadRequest("the request path cannot be redirected".into()).respond(&headers)
        }
    }
}

/// `GET /doc/{kind}/{key}`: the description of the thing, by content negotiation or `format=`.
pub async fn document(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    match render(&state, &uri, &headers).await {
        Ok(response) => response,
        Err(e) => e.respond(&headers),
    }
}

async fn render(state: &AppState, uri: &Uri, headers: &HeaderMap) -> Result<Response, WebError> {
    let rest = uri
        .path()
        .strip_prefix("/doc/")
        .filter(|r| !r.is_empty())
        .ok_or_else(|| WebError::NotFound("no document has this URI".into()))?;
    let representation = match query_param(uri, "format") {
        Some(value) => RdfRepresentation::from_param(&value, DOCUMENT_OFFERS).ok_or_else(|| {
            WebError::BadRequest(format!(
                "unknown format {value:?}; use ttl, nt, jsonld, rdf, trig, nq or html"
            ))
        })?,
        None => *Accept::parse(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()))
            .choose(DOCUMENT_OFFERS)
            .ok_or_else(|| WebError::NotAcceptable(not_acceptable_message()))?,
    };
    let thing = state
        .policy()
        .thing_of_document_path(&uri_to_iri(rest))
        .map_err(|e| WebError::NotFound(e.to_string()))?;
    let lang = Lang::choose(
        query_param(uri, "lang").as_deref(),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let doc_path = uri.path().to_owned();
    let worker = state.clone();
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, WebError> {
        let description = worker.store().describe(thing.as_ref())?.ok_or_else(|| {
            WebError::NotFound(format!("nothing is published about <{}>", thing.as_str()))
        })?;
        let rights = crate::rights::document_rights(
            worker.store(),
            worker.policy(),
            &thing,
            &description.graphs,
        )?;
        match representation {
            RdfRepresentation::Rdf(format) => {
                let mut writer = crate::formats::rdf_serializer(format).for_writer(Vec::new());
                for triple in description.triples.iter().chain(&rights.triples) {
                    writer
                        .serialize_triple(triple)
                        .map_err(|e| WebError::Internal(e.to_string()))?;
                }
                writer
                    .finish()
                    .map_err(|e| WebError::Internal(e.to_string()))
            }
            RdfRepresentation::Html => {
                let mut linked: Vec<NamedNode> = description
                    .triples
                    .iter()
                    .filter_map(|t| match &t.object {
                        Term::NamedNode(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect();
                linked.push(thing.clone());
                let policy = worker.policy();
                for graph in &description.graphs {
                    if let Some(dataset) = policy
                        .dataset_of_graph(graph.as_str())
                        .and_then(|n| policy.dataset(n).ok())
                    {
                        linked.push(dataset);
                    }
                }
                let labels = worker.store().labels(&linked)?;
                let page = DocumentPage {
                    thing: &thing,
                    triples: &description.triples,
                    labels: &labels,
                    graphs: &description.graphs,
                    doc_path: &doc_path,
                    lang,
                    rights: &rights,
                };
                render_document(worker.templates(), &page, policy)
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

fn not_acceptable_message() -> String {
    let types: Vec<&str> = DOCUMENT_OFFERS.iter().map(|(_, types)| types[0]).collect();
    format!("this document is available as {}", types.join(", "))
}
