//! The SPARQL 1.1 Protocol for queries: GET, POST form, POST `application/sparql-query`, with
//! honest limits (timeout that stops the evaluation, result cap that fails instead of
//! truncating, concurrency slots, body size).
//!
//! How an answer travels: the handler parses the query and negotiates the format up front
//! (400/406 before any work), takes a query slot (503 when none is free), then a blocking
//! worker evaluates. A query whose LIMIT keeps it within the result cap is streamed as it is
//! computed. Any other query is spooled (memory, then a temporary file) until it is complete:
//! if it passes the cap, the client gets a problem+json error naming the cap and how to page,
//! never a truncated answer. Evaluation happens in a worker process when the server has a
//! worker program (see `worker.rs`: a hard time limit), else on a thread of this process.
//! Dropping the request (client gone) stops the evaluation too.

use crate::conneg::Accept;
use crate::evaluate::{Failure, Job, Output, evaluate};
use crate::formats::{GRAPH_OFFERS, RESULTS_OFFERS, RdfRepresentation, results_format_from_param};
use crate::pool::QueryPool;
use crate::stream::channel_body;
use crate::{AppState, WebError};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use jiyi_store::{Query, QueryCancel, QueryForm};
use oxrdf::NamedNode;
use oxrdfio::RdfFormat;
use sparesults::QueryResultsFormat;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::oneshot;

/// The protocol parameters of one request, wherever they came from.
#[derive(Debug, Default)]
struct Params {
    query: Option<String>,
    default_graphs: Vec<NamedNode>,
    named_graphs: Vec<NamedNode>,
    format: Option<String>,
}

impl Params {
    fn read(
        pairs: impl Iterator<Item = (String, String)>,
        params: &mut Self,
    ) -> Result<(), WebError> {
        for (name, value) in pairs {
            match name.as_str() {
                "query" if params.query.is_some() => {
                    return Err(WebError::BadRequest(
                        "the query parameter is given more than once".into(),
                    ));
                }
                "query" => params.query = Some(value),
                "default-graph-uri" => params.default_graphs.push(graph_iri(&value)?),
                "named-graph-uri" => params.named_graphs.push(graph_iri(&value)?),
                "format" | "output" => params.format = Some(value),
                "update" | "using-graph-uri" | "using-named-graph-uri" => {
                    return Err(WebError::BadRequest(
                        "this endpoint answers queries; send updates to /update".into(),
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

fn graph_iri(value: &str) -> Result<NamedNode, WebError> {
    NamedNode::new(value)
        .map_err(|e| WebError::BadRequest(format!("graph IRI <{value}> is invalid: {e}")))
}

fn query_pairs(uri: &Uri) -> impl Iterator<Item = (String, String)> + '_ {
    form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned()
}

/// The media type of a request body, lower-cased, without parameters.
pub(crate) fn body_media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Refuses a body whose declared charset is not UTF-8: SPARQL text is UTF-8 (SPARQL 1.1
/// Protocol §2.1.3), and guessing another encoding would run a different query than was sent.
pub(crate) fn require_utf8_charset(headers: &HeaderMap) -> Result<(), WebError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for parameter in content_type.split(';').skip(1) {
        if let Some((name, value)) = parameter.split_once('=') {
            let value = value.trim().trim_matches('"');
            if name.trim().eq_ignore_ascii_case("charset")
                && !value.eq_ignore_ascii_case("utf-8")
                && !value.eq_ignore_ascii_case("utf8")
            {
                return Err(WebError::UnsupportedMediaType(format!(
                    "SPARQL requests are UTF-8; charset={value} is not accepted"
                )));
            }
        }
    }
    Ok(())
}

/// Turns axum's body rejection into our error (413 with the limit, or 400).
pub(crate) fn body_or_error(
    body: Result<Bytes, BytesRejection>,
    limit: usize,
) -> Result<Bytes, WebError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::PayloadTooLarge { limit }
        } else {
            WebError::BadRequest(format!("the request body could not be read: {rejection}"))
        }
    })
}

/// `/sparql` for GET and POST.
pub async fn endpoint(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match handle(state, method, &uri, &headers, body).await {
        Ok(r) => r,
        Err(e) => e.respond(&headers),
    }
}

async fn handle(
    state: AppState,
    method: Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let mut params = Params::default();
    if method == Method::POST {
        let body = body_or_error(body, state.limits().max_request_body)?;
        match body_media_type(headers).as_str() {
            "application/x-www-form-urlencoded" => {
                Params::read(form_urlencoded::parse(&body).into_owned(), &mut params)?;
                // The protocol puts form parameters in the body; a format= in the URL is
                // still honoured as a convenience.
                if params.format.is_none() {
                    params.format = crate::query_param(uri, "format");
                }
            }
            "application/sparql-query" => {
                require_utf8_charset(headers)?;
                Params::read(query_pairs(uri), &mut params)?;
                if params.query.is_some() {
                    return Err(WebError::BadRequest(
                        "with application/sparql-query the query is the body, not a parameter"
                            .into(),
                    ));
                }
                let text = String::from_utf8(body.to_vec()).map_err(|_| {
                    WebError::BadRequest("the query body is not valid UTF-8".into())
                })?;
                params.query = Some(text);
            }
            "application/sparql-update" => {
                return Err(WebError::BadRequest(
                    "this endpoint answers queries; send updates to /update".into(),
                ));
            }
            other => {
                return Err(WebError::UnsupportedMediaType(format!(
                    "POST a query as application/x-www-form-urlencoded or application/sparql-query, not {other:?}"
                )));
            }
        }
    } else {
        Params::read(query_pairs(uri), &mut params)?;
    }
    let Some(text) = params.query.take() else {
        if method == Method::POST {
            return Err(WebError::BadRequest("no query given".into()));
        }
        return crate::service::describe_or_page(&state, uri, headers);
    };
    let base = state.policy().base().to_owned();
    let query = Query::parse(&text, Some(&base))?;
    let accept = Accept::parse(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()));
    let output = match query.form() {
        QueryForm::Select | QueryForm::Ask => {
            Output::Results(choose_results_format(params.format.as_deref(), &accept)?)
        }
        QueryForm::Construct | QueryForm::Describe => {
            Output::Graph(choose_graph_format(params.format.as_deref(), &accept)?)
        }
    };
    let slots = state.limits().max_concurrent_queries;
    let permit = Arc::clone(state.query_slots())
        .try_acquire_owned()
        .map_err(|_| WebError::Busy {
            slots,
            retry_after: 2,
        })?;
    let limits = state.limits();
    let stream_directly = query
        .result_bound()
        .is_some_and(|bound| bound <= limits.max_results);
    let job = Job {
        query: text,
        base: Some(base),
        default_graphs: params
            .default_graphs
            .iter()
            .map(|g| g.as_str().to_owned())
            .collect(),
        named_graphs: params
            .named_graphs
            .iter()
            .map(|g| g.as_str().to_owned())
            .collect(),
        union: state.union_default_graph(),
        output: output.name().to_owned(),
        cap: (!stream_directly).then_some(limits.max_results),
        timeout_ms: u64::try_from(limits.query_timeout.as_millis()).unwrap_or(u64::MAX),
    };
    let body = match state.pool() {
        Some(pool) => in_worker(Arc::clone(pool), job, permit).await?,
        None => in_process(state.clone(), job, permit).await?,
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, output.content_type()),
            (header::VARY, "Accept"),
        ],
        body,
    )
        .into_response())
}

/// How long after the time limit a query that has not stopped by itself is stopped by force.
const GRACE: Duration = Duration::from_millis(500);

/// Runs something when dropped, unless disarmed: held by the handler until the answer's head
/// is known (client gone before that → drop), then by the body (client gone mid-stream).
pub(crate) struct OnDrop(Option<Box<dyn FnOnce() + Send>>);

impl OnDrop {
    fn new(f: impl FnOnce() + Send + 'static) -> Self {
        Self(Some(Box::new(f)))
    }

    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for OnDrop {
    fn drop(&mut self) {
        if let Some(f) = self.0.take() {
            f();
        }
    }
}

/// Evaluates in a worker process: the time limit is enforced by the worker and, failing
/// that, by killing it.
async fn in_worker(
    pool: Arc<QueryPool>,
    job: Job,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Result<Body, WebError> {
    let checkout = Arc::clone(&pool);
    let (worker, killer) = tokio::task::spawn_blocking(move || checkout.check_out())
        .await
        .map_err(|e| WebError::Internal(e.to_string()))??;
    let deadline = Duration::from_millis(job.timeout_ms) + GRACE;
    let timer = {
        let killer = killer.clone();
        tokio::spawn(async move {
            tokio::time::sleep(deadline).await;
            killer.time_is_up();
        })
    };
    let handler_guard = OnDrop::new({
        let killer = killer.clone();
        move || killer.client_gone()
    });
    let (head_tx, head_rx) = oneshot::channel();
    let (writer, body) = channel_body(OnDrop::new({
        let killer = killer.clone();
        move || killer.client_gone()
    }));
    tokio::task::spawn_blocking(move || {
        pool.execute(worker, &killer, &job, permit, head_tx, writer);
        timer.abort();
    });
    let head = head_rx
        .await
        .map_err(|_| WebError::Internal("the query worker stopped".into()))?;
    handler_guard.disarm();
    head.map(|()| body)
}

/// Evaluates on a thread of this process (used when no worker program is configured, e.g. in
/// tests of this crate). Oxigraph stops a cancelled query at its next store access; a query
/// that computes in memory for long is answered 503 at the deadline but keeps its thread busy
/// until then — the reason `jiyi serve` uses workers.
async fn in_process(
    state: AppState,
    job: Job,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Result<Body, WebError> {
    let cancel = QueryCancel::new();
    let timed_out = Arc::new(AtomicBool::new(false));
    let limit = Duration::from_millis(job.timeout_ms);
    let timer = {
        let cancel = cancel.clone();
        let timed_out = Arc::clone(&timed_out);
        tokio::spawn(async move {
            tokio::time::sleep(limit).await;
            timed_out.store(true, Ordering::SeqCst);
            cancel.cancel();
        })
    };
    let handler_guard = OnDrop::new({
        let cancel = cancel.clone();
        move || cancel.cancel()
    });
    let (head_tx, head_rx) = oneshot::channel::<Result<(), WebError>>();
    let (mut writer, body) = channel_body(OnDrop::new({
        let cancel = cancel.clone();
        move || cancel.cancel()
    }));
    tokio::task::spawn_blocking(move || {
        let mut permit = Some(permit);
        let mut head_tx = Some(head_tx);
        let mut head = |h: Result<(), Failure>| {
            if h.is_err() {
                // Nothing more will be computed: give the slot back before answering.
                permit = None;
            }
            if let Some(tx) = head_tx.take() {
                let _ = tx.send(h.map_err(WebError::from));
            }
        };
        match evaluate(
            state.store(),
            &job,
            &cancel,
            &timed_out,
            &mut head,
            &mut writer,
        ) {
            Ok(()) => {
                let _ = writer.finish();
            }
            Err(message) => writer.abort(message),
        }
        timer.abort();
    });
    let head = tokio::select! {
        head = head_rx => head.map_err(|_| WebError::Internal("the query thread stopped".into()))?,
        () = tokio::time::sleep(limit + GRACE) => Err(WebError::QueryTimeout { limit }),
    };
    handler_guard.disarm();
    head.map(|()| body)
}

fn choose_results_format(
    param: Option<&str>,
    accept: &Accept,
) -> Result<QueryResultsFormat, WebError> {
    match param {
        Some(value) => results_format_from_param(value).ok_or_else(|| {
            WebError::BadRequest(format!(
                "unknown result format {value:?}; use json, xml, csv or tsv"
            ))
        }),
        None => accept.choose(RESULTS_OFFERS).copied().ok_or_else(|| {
            WebError::NotAcceptable(
                "SELECT and ASK results are available as application/sparql-results+json, application/sparql-results+xml, text/csv and text/tab-separated-values".into(),
            )
        }),
    }
}

fn choose_graph_format(param: Option<&str>, accept: &Accept) -> Result<RdfFormat, WebError> {
    let chosen = match param {
        Some(value) => RdfRepresentation::from_param(value, GRAPH_OFFERS).ok_or_else(|| {
            WebError::BadRequest(format!(
                "unknown RDF format {value:?}; use ttl, nt, jsonld, rdf, trig or nq"
            ))
        })?,
        None => *accept.choose(GRAPH_OFFERS).ok_or_else(|| {
            WebError::NotAcceptable(
                "CONSTRUCT and DESCRIBE results are available as text/turtle, application/n-triples, application/ld+json, application/rdf+xml, application/trig and application/n-quads".into(),
            )
        })?,
    };
    match chosen {
        RdfRepresentation::Rdf(f) => Ok(f),
        RdfRepresentation::Html => Err(WebError::NotAcceptable(
            "graph results are not offered as HTML".into(),
        )),
    }
}
