//! The SPARQL 1.1 Graph Store HTTP Protocol at `/graph-store` (`?graph=IRI` or `?default`),
//! and direct access to a dataset's graph at `/graph/{name}` — the graph IRI
//! `{base}graph/{name}` dereferences to its content.
//!
//! Reads are public and streamed. PUT, POST and DELETE need the write token; uploads are
//! spooled to disk (not memory) up to the configured limit, parsed, and applied atomically:
//! a body that does not parse changes nothing.

use crate::conneg::Accept;
use crate::formats::{GRAPH_OFFERS, RdfRepresentation};
use crate::sparql::body_media_type;
use crate::stream::{Spool, channel_body};
use crate::update::authorize;
use crate::{AppState, WebError};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use jiyi_model::SYSTEM_GRAPH_PREFIX;
use jiyi_store::StoreError;
use jiyi_store::model::{GraphName, NamedNode, Triple};
use oxrdfio::{RdfFormat, RdfParser};
use std::io::Write;

/// `/graph-store?graph=…` or `/graph-store?default`, all methods.
pub async fn indirect(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = match target(&uri) {
        Ok(Some(graph)) => handle(state, method, graph, &headers, body).await,
        Ok(None) if method == Method::POST => create(state, &headers, body).await,
        Ok(None) => Err(WebError::BadRequest(
            "name exactly one graph: ?graph=IRI or ?default (only POST may name none, to create one)"
                .into(),
        )),
        Err(e) => Err(e),
    };
    result.unwrap_or_else(|e| e.respond(&headers))
}

/// `POST /graph-store` without a graph: stores the body in a new graph whose IRI the server
/// mints (`{base}graph/posted/{id}`), answered 201 with that IRI in `Location`
/// (Graph Store Protocol §5.5).
async fn create(state: AppState, headers: &HeaderMap, body: Body) -> Result<Response, WebError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    authorize(&state, headers)?;
    let graph = loop {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let id = format!("{nanos:x}{n:x}{:x}", std::process::id());
        let iri = NamedNode::new(format!("{}graph/posted/{id}", state.policy().base()))
            .map_err(|e| WebError::Internal(e.to_string()))?;
        if !state
            .store()
            .graph_exists(GraphName::NamedNode(iri.clone()).as_ref())?
        {
            break iri;
        }
    };
    let location = graph.as_str().to_owned();
    let mut response = write(state, true, GraphName::NamedNode(graph), headers, body).await?;
    *response.status_mut() = StatusCode::CREATED;
    if let Ok(value) = axum::http::HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// `GET /graph/{name}`: the dataset graph `{base}graph/{name}`.
pub async fn direct(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let iri = format!(
        "{}{}",
        state.policy().base(),
        jiyi_model::iri::uri_to_iri(uri.path().trim_start_matches('/'))
    );
    let result = match NamedNode::new(iri) {
        Ok(graph) => read(state, GraphName::NamedNode(graph), &headers).await,
        Err(e) => Err(WebError::NotFound(e.to_string())),
    };
    result.unwrap_or_else(|e| e.respond(&headers))
}

/// The graph a request names; `None` when it names none.
fn target(uri: &Uri) -> Result<Option<GraphName>, WebError> {
    let mut graph = None;
    let mut default = false;
    for (name, value) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        match name.as_ref() {
            "graph" if graph.is_some() => {
                return Err(WebError::BadRequest("graph is given more than once".into()));
            }
            "graph" => {
                graph = Some(NamedNode::new(value.as_ref()).map_err(|e| {
                    WebError::BadRequest(format!("graph IRI <{value}> is invalid: {e}"))
                })?);
            }
            "default" => default = true,
            _ => {}
        }
    }
    match (graph, default) {
        (Some(g), false) => Ok(Some(GraphName::NamedNode(g))),
        (None, true) => Ok(Some(GraphName::DefaultGraph)),
        (None, false) => Ok(None),
        (Some(_), true) => Err(WebError::BadRequest(
            "name exactly one graph: ?graph=IRI or ?default".into(),
        )),
    }
}

fn is_system(graph: &GraphName) -> bool {
    matches!(graph, GraphName::NamedNode(g) if g.as_str().starts_with(SYSTEM_GRAPH_PREFIX))
}

async fn handle(
    state: AppState,
    method: Method,
    graph: GraphName,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, WebError> {
    match method {
        Method::GET | Method::HEAD => read(state, graph, headers).await,
        Method::PUT | Method::POST | Method::DELETE => {
            authorize(&state, headers)?;
            if is_system(&graph) {
                return Err(WebError::Forbidden(
                    "graphs under urn:jiyi: are Jiyi's own bookkeeping and cannot be written"
                        .into(),
                ));
            }
            if method == Method::DELETE {
                let worker_state = state.clone();
                let existed = tokio::task::spawn_blocking(move || -> Result<bool, WebError> {
                    let existed = worker_state.store().delete_graph(graph.as_ref())?;
                    worker_state.written()?;
                    Ok(existed)
                })
                .await
                .map_err(|e| WebError::Internal(e.to_string()))??;
                return if existed {
                    Ok(StatusCode::NO_CONTENT.into_response())
                } else {
                    Err(WebError::NotFound("there is no such graph".into()))
                };
            }
            write(state, method == Method::PUT, graph, headers, body).await
        }
        _ => Err(WebError::BadRequest(format!(
            "the Graph Store answers GET, HEAD, PUT, POST and DELETE, not {method}"
        ))),
    }
}

async fn read(
    state: AppState,
    graph: GraphName,
    headers: &HeaderMap,
) -> Result<Response, WebError> {
    if is_system(&graph) {
        return Err(WebError::NotFound("there is no such graph".into()));
    }
    let accept = Accept::parse(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()));
    let Some(RdfRepresentation::Rdf(format)) = accept.choose(GRAPH_OFFERS).copied() else {
        return Err(WebError::NotAcceptable(
            "graphs are available as text/turtle, application/n-triples, application/ld+json, application/rdf+xml, application/trig and application/n-quads".into(),
        ));
    };
    let store = state.store().clone();
    let probe = graph.clone();
    let exists = tokio::task::spawn_blocking(move || store.graph_exists(probe.as_ref()))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))??;
    if !exists {
        return Err(WebError::NotFound("there is no such graph".into()));
    }
    let (mut writer, body) = channel_body(());
    let store = state.store().clone();
    // JSON-LD can name graphs, but a client reading one graph from the Graph Store reads the
    // document's default graph (rdflib, pyld's to_rdf into a Graph), so JSON-LD carries the
    // triples unnamed; TriG and N-Quads keep the graph name, which is what their readers expect.
    let named = format.supports_datasets() && !matches!(format, RdfFormat::JsonLd { .. });
    tokio::task::spawn_blocking(move || {
        let mut serializer = crate::formats::rdf_serializer(format).for_writer(&mut writer);
        let mut outcome = Ok(());
        for triple in store.graph_triples(graph.as_ref()) {
            let written = triple.map_err(|e| e.to_string()).and_then(|t| {
                let quad = t.in_graph(graph.clone());
                if named {
                    serializer.serialize_quad(&quad)
                } else {
                    serializer.serialize_triple(&Triple::from(quad))
                }
                .map_err(|e| e.to_string())
            });
            if let Err(e) = written {
                outcome = Err(e);
                break;
            }
        }
        let finished =
            outcome.and_then(|()| serializer.finish().map(|_| ()).map_err(|e| e.to_string()));
        match finished {
            Ok(()) => {
                let _ = writer.finish();
            }
            Err(e) => writer.abort(e),
        }
    });
    Ok(crate::formats::rdf_response(format, body))
}

/// The RDF syntax of an upload, from its Content-Type. Graph syntaxes only: the Graph Store
/// Protocol sends one graph.
fn upload_format(headers: &HeaderMap) -> Result<RdfFormat, WebError> {
    format_of_media_type(&body_media_type(headers))
}

fn format_of_media_type(media: &str) -> Result<RdfFormat, WebError> {
    let media = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    GRAPH_OFFERS
        .iter()
        .find(|(_, types)| types.contains(&media.as_str()))
        .and_then(|(r, _)| match r {
            RdfRepresentation::Rdf(f) if !f.supports_datasets() => Some(*f),
            _ => None,
        })
        .ok_or_else(|| {
            WebError::UnsupportedMediaType(format!(
                "send the graph as text/turtle, application/n-triples, application/ld+json or application/rdf+xml, not {media:?}"
            ))
        })
}

async fn write(
    state: AppState,
    replace: bool,
    graph: GraphName,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, WebError> {
    let limit = state.limits().max_upload;
    let parts = if body_media_type(headers) == "multipart/form-data" {
        multipart_parts(headers, body, limit).await?
    } else {
        let format = upload_format(headers)?;
        let mut spool = Spool::new(8 * 1024 * 1024);
        let mut received: u64 = 0;
        let mut stream = body.into_data_stream();
        while let Some(chunk) = stream.next().await {
            let chunk =
                chunk.map_err(|e| WebError::BadRequest(format!("reading the body: {e}")))?;
            received += chunk.len() as u64;
            spool_chunk(&mut spool, &chunk, received, limit)?;
        }
        vec![(format, spool)]
    };
    let base = match &graph {
        GraphName::NamedNode(g) => g.as_str().to_owned(),
        _ => state.policy().base().to_owned(),
    };
    let worker_state = state.clone();
    let created = tokio::task::spawn_blocking(move || -> Result<bool, WebError> {
        let store = worker_state.store();
        let existed = store.graph_exists(graph.as_ref())?;
        let mut sources = Vec::with_capacity(parts.len());
        for (format, spool) in parts {
            let reader = spool
                .into_reader()
                .map_err(|e| WebError::Internal(e.to_string()))?;
            let parser = RdfParser::from_format(format)
                .with_base_iri(base.clone())
                .map_err(|e| WebError::Internal(e.to_string()))?;
            sources.push(parser.for_reader(reader).map(move |quad| {
                quad.map(Triple::from)
                    .map_err(|e| StoreError::LoadAbandoned {
                        graph: "upload".into(),
                        reason: format!("the body is not valid {format}: {e}"),
                    })
            }));
        }
        let triples = sources.into_iter().flatten();
        if replace {
            let mut replacement = store.replace_graph(graph.as_ref())?;
            for triple in triples {
                replacement.add(triple.map_err(bad_body)?)?;
            }
            replacement.commit()?;
        } else {
            store
                .add_to_graph(graph.as_ref(), triples)
                .map_err(bad_body)?;
        }
        worker_state.written()?;
        Ok(!existed)
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))??;
    Ok(if created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    }
    .into_response())
}

/// Spools one chunk of an upload, refusing it once the total passes the limit; memory stays
/// flat whatever the upload size.
fn spool_chunk(spool: &mut Spool, chunk: &[u8], received: u64, limit: u64) -> Result<(), WebError> {
    if received > limit {
        return Err(WebError::PayloadTooLarge {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        });
    }
    spool
        .write_all(chunk)
        .map_err(|e| WebError::Internal(format!("spooling the upload: {e}")))
}

/// The parts of a `multipart/form-data` upload (Graph Store Protocol §5.5: several RDF
/// documents merged into one graph), each with the syntax its own Content-Type names.
async fn multipart_parts(
    headers: &HeaderMap,
    body: Body,
    limit: u64,
) -> Result<Vec<(RdfFormat, Spool)>, WebError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multer::parse_boundary(content_type).map_err(|e| {
        WebError::BadRequest(format!("multipart/form-data without a boundary: {e}"))
    })?;
    let mut multipart = multer::Multipart::new(body.into_data_stream(), boundary);
    let bad = |e: multer::Error| WebError::BadRequest(format!("reading the multipart body: {e}"));
    let mut parts = Vec::new();
    let mut received: u64 = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let media = field
            .content_type()
            .map(ToString::to_string)
            .unwrap_or_default();
        let format = format_of_media_type(&media).map_err(|_| {
            WebError::UnsupportedMediaType(format!(
                "part {:?} is {media:?}; each part must be an RDF graph syntax such as text/turtle",
                field.file_name().or(field.name()).unwrap_or("?")
            ))
        })?;
        let mut spool = Spool::new(8 * 1024 * 1024);
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            received += chunk.len() as u64;
            spool_chunk(&mut spool, &chunk, received, limit)?;
        }
        parts.push((format, spool));
    }
    if parts.is_empty() {
        return Err(WebError::BadRequest(
            "the multipart body has no parts".into(),
        ));
    }
    Ok(parts)
}

fn bad_body(e: StoreError) -> WebError {
    match e {
        StoreError::LoadAbandoned { reason, .. } => {
            WebError::BadRequest(format!("{reason}; nothing was changed"))
        }
        other => other.into(),
    }
}
