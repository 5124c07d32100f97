//! `GET /feed/{dataset}`: the dataset's change log as a Linked Data Event Stream (LDES, on
//! TREE), so a harvester that loaded a dump can follow every later change.
//!
//! * `/feed/NAME` — the root node (the view): the `ldes:EventStream` `{base}feed/NAME#stream`,
//!   how to read its members, and a relation to the first page. Short-cached.
//! * `/feed/NAME/pages/S` — a page: the next [`PAGE_SIZE`] entries *of this dataset* whose
//!   sequence numbers are ≥ S, S being the first of them. The log is global (sequence numbers
//!   interleave datasets), so a page is keyed by the first entry it holds: the first page starts
//!   at the dataset's first entry, each next one at the entry after the last of the previous.
//!   The log only grows, so these boundaries never move. A page is *closed* once a later entry
//!   of the dataset exists (its relation to the next page is then known): immutable for a year.
//!   The last page is open and short-cached. S must be an entry of the dataset (404 otherwise).
//! * `/feed/NAME/versions/N` — one member by itself (the member IRI dereferences).
//!
//! Members are version objects `{base}feed/NAME/versions/N` (N = the change-log entry):
//! `dcterms:isVersionOf` the thing, `prov:generatedAtTime` the entry's time, `jiyi:sequence N`,
//! typed `as:Create`/`as:Update`/`as:Delete` (deletions are the stream's
//! `ldes:versionDeleteObject`, with the tombstone's reason and `dcterms:isReplacedBy`). The
//! thing's description *as that version had it* is the named graph of the member IRI (TREE's
//! member extraction takes a member's named graph with it), with the thing's own IRIs unchanged,
//! so applying a member means "replace the thing's description with this graph". Because
//! members are graphs, the feed is served as TriG (default), N-Quads or JSON-LD.

mod rdf;

use crate::caching::{not_modified, strong_etag};
use crate::conneg::Accept;
use crate::formats::RdfRepresentation;
use crate::{AppState, WebError};
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiyi_store::model::Quad;
use jiyi_store::{Change, DatasetScope, Store};
use oxrdfio::{JsonLdProfileSet, RdfFormat};

/// Members per page. Fixed: page boundaries depend on it, and closed pages are cached for a
/// year, so changing it would publish different pages under URLs clients already hold.
pub(crate) const PAGE_SIZE: usize = 50;

/// Closed pages and members never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The root and the open last page change with the next ingest.
const SHORT: &str = "public, max-age=60";

/// What the feed is offered in: members are named graphs, so only dataset syntaxes.
const FEED_OFFERS: &[(RdfRepresentation, &[&str])] = &[
    (
        RdfRepresentation::Rdf(RdfFormat::TriG),
        &["application/trig"],
    ),
    (
        RdfRepresentation::Rdf(RdfFormat::NQuads),
        &["application/n-quads"],
    ),
    (
        RdfRepresentation::Rdf(RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        }),
        &["application/ld+json", "application/json"],
    ),
];

/// A built answer: the quads and whether they can never change.
struct Built {
    quads: Vec<Quad>,
    immutable: bool,
}

/// Why the feed cannot answer.
enum Refusal {
    Web(WebError),
    /// The dataset was withdrawn: 410 with the steward's reason.
    Gone(String),
}

impl From<WebError> for Refusal {
    fn from(e: WebError) -> Self {
        Self::Web(e)
    }
}

impl From<jiyi_store::StoreError> for Refusal {
    fn from(e: jiyi_store::StoreError) -> Self {
        Self::Web(e.into())
    }
}

/// `GET /feed/{dataset}`.
pub(crate) async fn root(
    State(state): State<AppState>,
    Path(dataset): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    answer(state, dataset, uri, headers, |store, feed| {
        let log = store.dataset_log(&feed.name)?;
        Ok(Built {
            quads: rdf::root(feed, log),
            immutable: false,
        })
    })
    .await
}

/// `GET /feed/{dataset}/pages/{first}`.
pub(crate) async fn page(
    State(state): State<AppState>,
    Path((dataset, first)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    answer(state, dataset, uri, headers, move |store, feed| {
        let first = parse_sequence(&first)?;
        if !store.is_dataset_change(&feed.name, first)? {
            return Err(WebError::NotFound(format!(
                "change {first} is not an entry of dataset {}: pages start at the dataset's \
                 entries; start from {}",
                feed.name,
                feed.root_iri()
            ))
            .into());
        }
        // One entry more than the page holds: where the next page starts, if it exists.
        let mut entries = store.dataset_changes(&feed.name, first, PAGE_SIZE + 1)?;
        let next = (entries.len() > PAGE_SIZE).then(|| entries.remove(PAGE_SIZE));
        let mut quads = rdf::page_head(feed, first, next.as_ref());
        for change in &entries {
            quads.extend(member_quads(store, feed, change)?);
        }
        Ok(Built {
            quads,
            immutable: next.is_some(),
        })
    })
    .await
}

/// `GET /feed/{dataset}/versions/{sequence}`: one member.
pub(crate) async fn version(
    State(state): State<AppState>,
    Path((dataset, sequence)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    answer(state, dataset, uri, headers, move |store, feed| {
        let sequence = parse_sequence(&sequence)?;
        let change = match store.change(sequence)? {
            Some(c) if c.dataset == feed.name => c,
            _ => {
                return Err(WebError::NotFound(format!(
                    "change {sequence} is not an entry of dataset {}",
                    feed.name
                ))
                .into());
            }
        };
        let mut quads = rdf::stream(feed);
        quads.extend(member_quads(store, feed, &change)?);
        Ok(Built {
            quads,
            immutable: true,
        })
    })
    .await
}

fn parse_sequence(text: &str) -> Result<u64, Refusal> {
    text.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        WebError::NotFound(format!("{text:?} is not a change-log sequence number")).into()
    })
}

fn member_quads(store: &Store, feed: &Feed, change: &Change) -> Result<Vec<Quad>, Refusal> {
    let version = store.version(&feed.scope, change)?;
    Ok(rdf::member(feed, change, &version))
}

/// The dataset a feed request is about, and the IRIs of its feed.
pub(crate) struct Feed {
    name: String,
    scope: DatasetScope,
    base: String,
}

impl Feed {
    fn root_iri(&self) -> String {
        format!("{}feed/{}", self.base, self.name)
    }
}

/// Checks the dataset, negotiates the format, builds the quads off the async runtime and
/// answers with a strong ETag (304 on `If-None-Match`) and the caching the answer allows.
async fn answer(
    state: AppState,
    dataset: String,
    uri: axum::http::Uri,
    headers: HeaderMap,
    build: impl FnOnce(&Store, &Feed) -> Result<Built, Refusal> + Send + 'static,
) -> Response {
    let format = match negotiate(&uri, &headers) {
        Ok(f) => f,
        Err(e) => return e.respond(&headers),
    };
    let store = state.store().clone();
    let policy = state.policy().clone();
    let built = tokio::task::spawn_blocking(move || -> Result<Built, Refusal> {
        let Ok(scope) = DatasetScope::new(&policy, &dataset) else {
            return Err(WebError::NotFound(format!("no dataset named {dataset:?}")).into());
        };
        if let Some(withdrawal) = store.dataset_withdrawal(&dataset)? {
            return Err(Refusal::Gone(format!(
                "the feed of {dataset} is no longer published: the dataset was withdrawn on \
                 {}: {}",
                withdrawal.time, withdrawal.reason
            )));
        }
        if !store.has_dataset_changes(&dataset)? {
            return Err(WebError::NotFound(format!(
                "no dataset named {dataset:?} has a change feed here"
            ))
            .into());
        }
        let feed = Feed {
            name: dataset,
            scope,
            base: policy.base().to_owned(),
        };
        build(&store, &feed)
    })
    .await;
    let built = match built {
        Ok(Ok(b)) => b,
        Ok(Err(Refusal::Web(e))) => return e.respond(&headers),
        Ok(Err(Refusal::Gone(detail))) => return gone(&detail),
        Err(e) => return WebError::Internal(e.to_string()).respond(&headers),
    };
    match serialize(format, &built.quads) {
        Ok(body) => respond(format, body, built.immutable, &headers),
        Err(e) => e.respond(&headers),
    }
}

fn negotiate(uri: &axum::http::Uri, headers: &HeaderMap) -> Result<RdfFormat, WebError> {
    let names = "TriG, N-Quads or JSON-LD (members are named graphs)";
    if let Some(asked) = crate::query_param(uri, "format") {
        return match RdfRepresentation::from_param(&asked, FEED_OFFERS) {
            Some(RdfRepresentation::Rdf(f)) => Ok(f),
            _ => Err(WebError::NotAcceptable(format!(
                "format={asked} is not offered: the feed is {names}"
            ))),
        };
    }
    let accept = Accept::parse(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()));
    match accept.choose(FEED_OFFERS) {
        Some(RdfRepresentation::Rdf(f)) => Ok(*f),
        _ => Err(WebError::NotAcceptable(format!(
            "none of the accepted media types is offered: the feed is {names}"
        ))),
    }
}

fn serialize(format: RdfFormat, quads: &[Quad]) -> Result<Vec<u8>, WebError> {
    let mut serializer = crate::formats::rdf_serializer(format);
    for (prefix, ns) in rdf::PREFIXES {
        serializer = match serializer.clone().with_prefix(*prefix, *ns) {
            Ok(s) => s,
            Err(_) => serializer,
        };
    }
    let mut writer = serializer.for_writer(Vec::new());
    for quad in quads {
        writer
            .serialize_quad(quad)
            .map_err(|e| WebError::Internal(e.to_string()))?;
    }
    writer
        .finish()
        .map_err(|e| WebError::Internal(e.to_string()))
}

fn respond(format: RdfFormat, body: Vec<u8>, immutable: bool, headers: &HeaderMap) -> Response {
    let content_type = RdfRepresentation::Rdf(format).content_type();
    let etag = strong_etag(content_type, &body);
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if immutable { IMMUTABLE } else { SHORT }),
    );
    let (status, body) = match not_modified(headers, &etag, None) {
        Some(tag) => {
            h.remove(header::CONTENT_TYPE);
            if let Ok(v) = HeaderValue::from_str(&tag) {
                h.insert(header::ETAG, v);
            }
            (StatusCode::NOT_MODIFIED, Vec::new())
        }
        None => {
            if let Ok(v) = HeaderValue::from_str(&etag) {
                h.insert(header::ETAG, v);
            }
            (StatusCode::OK, body)
        }
    };
    let mut response = Response::new(axum::body::Body::from(body));
    *response.status_mut() = status;
    *response.headers_mut() = h;
    response
}

/// 410 for a withdrawn dataset, with the reason and date, as problem+json.
fn gone(detail: &str) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": "Gone",
        "status": 410,
        "detail": detail,
    });
    (
        StatusCode::GONE,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(uri: &str, accept: Option<&str>) -> Result<RdfFormat, WebError> {
        let mut headers = HeaderMap::new();
        if let Some(a) = accept {
            headers.insert(header::ACCEPT, HeaderValue::from_str(a).expect("header"));
        }
        negotiate(&uri.parse().expect("uri"), &headers)
    }

    #[test]
    fn the_feed_is_offered_only_in_syntaxes_with_named_graphs() {
        assert_eq!(asked("/feed/d", None).ok(), Some(RdfFormat::TriG));
        assert_eq!(asked("/feed/d", Some("*/*")).ok(), Some(RdfFormat::TriG));
        // A crawler's Accept (DESIGN.md) prefers N-Quads.
        let crawler = "application/n-quads, application/trig;q=0.95, application/ld+json;q=0.9, \
                       text/turtle;q=0.6, text/html;q=0.2";
        assert_eq!(
            asked("/feed/d", Some(crawler)).ok(),
            Some(RdfFormat::NQuads)
        );
        assert!(matches!(
            asked("/feed/d", Some("application/ld+json")),
            Ok(RdfFormat::JsonLd { .. })
        ));
        assert!(matches!(
            asked("/feed/d", Some("text/turtle")),
            Err(WebError::NotAcceptable(m)) if m.contains("named graphs")
        ));
        assert_eq!(
            asked("/feed/d?format=nq", Some("text/turtle")).ok(),
            Some(RdfFormat::NQuads)
        );
        assert!(matches!(
            asked("/feed/d?format=ttl", None),
            Err(WebError::NotAcceptable(_))
        ));
    }

    #[test]
    fn sequence_numbers_are_positive_integers() {
        assert!(parse_sequence("51").is_ok_and(|n| n == 51));
        for bad in ["0", "-1", "x", "", "1.5"] {
            assert!(parse_sequence(bad).is_err(), "{bad}");
        }
    }
}
