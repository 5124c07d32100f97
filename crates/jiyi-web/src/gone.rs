//! `410 Gone` for a thing that was published and is no longer: deletions are never silent.
//!
//! When `/doc/…` finds no description, the store's latest open tombstone
//! ([`jiyi_store::Store::tombstone`]) decides between 404 (never published) and 410. The answer
//! is in the representation the client asked for: RDF carries the tombstone as data, HTML
//! explains it to a person — what was removed, when, why, and where it went when it was
//! merged into another thing.
//!
//! The tombstone's vocabulary is ActivityStreams 2.0's `as:Tombstone` with `as:deleted`
//! (what LDES feeds use for deletions, so a harvester reads one vocabulary in the feed and on
//! the URI), PROV's `prov:invalidatedAtTime`, `jiyi:reason` (the steward's or ingest's stated
//! reason, defined in `ontologies/jiyi.ttl`), `dcterms:isReplacedBy` for a merge and
//! `void:inDataset` for the dataset it left.

use crate::error::html_escape;
use crate::formats::RdfRepresentation;
use crate::html::Lang;
use crate::{AppState, WebError};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use jiyi_model::vocab::{DCTERMS, JIYI, PROV, RDF, VOID, XSD};
use jiyi_store::Tombstone;
use jiyi_store::model::{Literal, NamedNode, Triple};

const AS: &str = "https://www.w3.org/ns/activitystreams#";
const FOAF_PRIMARY_TOPIC: &str = "http://xmlns.com/foaf/0.1/primaryTopic";

/// Gone answers may be cached like documents, but for less time: a restore brings the thing
/// back.
const GONE_CACHE_CONTROL: &str = "public, max-age=60";

/// The `410 Gone` answer for `thing`, whose document is `doc`, in `representation`.
pub(crate) fn respond(
    state: &AppState,
    thing: &NamedNode,
    doc: &NamedNode,
    tombstone: &Tombstone,
    representation: RdfRepresentation,
    lang: Lang,
) -> Result<Response, WebError> {
    let (body, lang_header) = match representation {
        RdfRepresentation::Rdf(format) => {
            let mut writer = crate::formats::rdf_serializer(format).for_writer(Vec::new());
            for triple in tombstone_triples(state, thing, doc, tombstone) {
                writer
                    .serialize_triple(&triple)
                    .map_err(|e| WebError::Internal(e.to_string()))?;
            }
            let body = writer
                .finish()
                .map_err(|e| WebError::Internal(e.to_string()))?;
            (body, None)
        }
        RdfRepresentation::Html => (page(state, thing, tombstone, lang).into_bytes(), Some(lang)),
    };
    let mut response = Response::new(axum::body::Body::from(body));
    *response.status_mut() = StatusCode::GONE;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(representation.content_type()),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(GONE_CACHE_CONTROL),
    );
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Language"),
    );
    if let Some(lang) = lang_header {
        h.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(lang.tag()),
        );
    }
    if let Some(by) = &tombstone.replaced_by {
        let target = state
            .policy()
            .document_of(by.as_str())
            .unwrap_or_else(|| by.as_str().to_owned());
        if let Ok(v) = HeaderValue::from_str(&format!(
            "<{}>; rel=\"successor-version\"",
            jiyi_model::iri::iri_to_uri(&target)
        )) {
            h.insert(header::LINK, v);
        }
    }
    Ok(response)
}

/// The tombstone as RDF: what a harvester needs to drop its copy and follow a merge.
fn tombstone_triples(
    state: &AppState,
    thing: &NamedNode,
    doc: &NamedNode,
    tombstone: &Tombstone,
) -> Vec<Triple> {
    let iri = |ns: &str, local: &str| NamedNode::new_unchecked(format!("{ns}{local}"));
    let deleted = Literal::new_typed_literal(tombstone.deleted.to_string(), iri(XSD, "dateTime"));
    let mut out = vec![
        Triple::new(
            doc.clone(),
            NamedNode::new_unchecked(FOAF_PRIMARY_TOPIC),
            thing.clone(),
        ),
        Triple::new(thing.clone(), iri(RDF, "type"), iri(AS, "Tombstone")),
        Triple::new(thing.clone(), iri(AS, "deleted"), deleted.clone()),
        Triple::new(thing.clone(), iri(PROV, "invalidatedAtTime"), deleted),
        Triple::new(
            thing.clone(),
            iri(JIYI, "reason"),
            Literal::new_simple_literal(&tombstone.reason),
        ),
    ];
    if let Ok(dataset) = state.policy().dataset(&tombstone.dataset) {
        out.push(Triple::new(thing.clone(), iri(VOID, "inDataset"), dataset));
    }
    if let Some(by) = &tombstone.replaced_by {
        out.push(Triple::new(
            thing.clone(),
            iri(DCTERMS, "isReplacedBy"),
            by.clone(),
        ));
    }
    out
}

/// A short page in the reader's language: the thing is gone, since when, why, and where to go.
fn page(state: &AppState, thing: &NamedNode, tombstone: &Tombstone, lang: Lang) -> String {
    let (title, removed, reason, replaced, dataset, home) = match lang {
        Lang::ZhHant => (
            "已不再發布",
            "此資源已於以下時間撤下：",
            "原因：",
            "已由以下資源取代：",
            "原屬資料集：",
            "回首頁",
        ),
        Lang::En => (
            "No longer published",
            "This resource was withdrawn on",
            "Reason:",
            "It was replaced by",
            "It belonged to the dataset",
            "Home",
        ),
    };
    let link = |iri: &str| {
        let href = state
            .policy()
            .document_of(iri)
            .map(|d| {
                d.strip_prefix(state.policy().base())
                    .map(|p| format!("/{p}"))
                    .unwrap_or(d)
            })
            .unwrap_or_else(|| iri.to_owned());
        format!(
            "<a href=\"{}\">{}</a>",
            html_escape(&jiyi_model::iri::iri_to_uri(&href)),
            html_escape(iri)
        )
    };
    let mut body = format!(
        "<p>{}</p>\n<p>{removed} <time datetime=\"{deleted}\">{deleted}</time></p>\n<p>{reason} {}</p>\n",
        html_escape(thing.as_str()),
        html_escape(&tombstone.reason),
        deleted = html_escape(&tombstone.deleted.to_string()),
    );
    if let Some(by) = &tombstone.replaced_by {
        body.push_str(&format!("<p>{replaced} {}</p>\n", link(by.as_str())));
    }
    if let Ok(ds) = state.policy().dataset(&tombstone.dataset) {
        body.push_str(&format!("<p>{dataset} {}</p>\n", link(ds.as_str())));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{tag}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>410 {title}</title></head>\n\
         <body><main><h1>410 {title}</h1>\n{body}<p><a href=\"/\">{home}</a></p></main></body></html>\n",
        tag = lang.tag(),
    )
}
