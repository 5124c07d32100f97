//! The SPARQL 1.1 Protocol for queries (read-only): GET, POST form, POST `application/sparql-query`.

use crate::conneg::Accept;
use crate::formats::{
    GRAPH_OFFERS, RESULTS_OFFERS, RdfRepresentation, results_content_type,
    results_format_from_param,
};
use crate::html::{Lang, render_sparql_page};
use crate::stream::channel_body;
use crate::{AppState, WebError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use jiyi_store::{QueryAnswer, QueryRequest};
use oxrdf::NamedNode;
use oxrdfio::RdfSerializer;
use sparesults::{QueryResultsFormat, QueryResultsSerializer};
use std::io::Write;
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
                        "this endpoint answers queries only; updates are not accepted here".into(),
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

/// `/sparql` for GET and POST.
pub async fn endpoint(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
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
    body: Bytes,
) -> Result<Response, WebError> {
    let mut params = Params::default();
    if method == Method::POST {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match content_type.as_str() {
            "application/x-www-form-urlencoded" => {
                Params::read(form_urlencoded::parse(&body).into_owned(), &mut params)?;
                // Protocol: with a form body, the parameters travel in the body only; a
                // format= in the URL is still honoured as a convenience.
                if params.format.is_none() {
                    params.format = crate::query_param(uri, "format");
                }
            }
            "application/sparql-query" => {
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
                    "this endpoint answers queries only; updates are not accepted here".into(),
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
    let Some(query) = params.query.take() else {
        if method == Method::POST {
            return Err(WebError::BadRequest("no query given".into()));
        }
        return query_page(&state, uri, headers);
    };
    run_query(state, query, params, headers).await
}

fn query_page(state: &AppState, uri: &Uri, headers: &HeaderMap) -> Result<Response, WebError> {
    let lang = Lang::choose(
        crate::query_param(uri, "lang").as_deref(),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let examples = crate::examples::queries();
    let page = render_sparql_page(state.templates(), lang, &examples)
        .map_err(|e| WebError::Internal(format!("template: {e}")))?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::VARY, "Accept-Language"),
        ],
        page,
    )
        .into_response())
}

/// What the worker tells the handler before streaming: the content type, or why not.
type Head = Result<&'static str, WebError>;

async fn run_query(
    state: AppState,
    query: String,
    params: Params,
    headers: &HeaderMap,
) -> Result<Response, WebError> {
    let accept = Accept::parse(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()));
    let (head_tx, head_rx) = oneshot::channel::<Head>();
    let (mut writer, body) = channel_body();
    let union = state.union_default_graph();
    tokio::task::spawn_blocking(move || {
        let request = QueryRequest {
            query: &query,
            default_graph_uris: params.default_graphs,
            named_graph_uris: params.named_graphs,
            union_default_graph: union,
        };
        let answer = match state.store().query(&request) {
            Ok(a) => a,
            Err(e) => {
                let _ = head_tx.send(Err(e.into()));
                return;
            }
        };
        let result = match answer {
            QueryAnswer::Boolean(_) | QueryAnswer::Solutions(_) => {
                let format = match choose_results_format(params.format.as_deref(), &accept) {
                    Ok(f) => f,
                    Err(e) => {
                        let _ = head_tx.send(Err(e));
                        return;
                    }
                };
                let _ = head_tx.send(Ok(results_content_type(format)));
                write_results(answer, format, &mut writer)
            }
            QueryAnswer::Graph(triples) => {
                let format = match choose_graph_format(params.format.as_deref(), &accept) {
                    Ok(f) => f,
                    Err(e) => {
                        let _ = head_tx.send(Err(e));
                        return;
                    }
                };
                let _ = head_tx.send(Ok(RdfRepresentation::Rdf(format).content_type()));
                write_graph(triples, format, &mut writer)
            }
        };
        match result {
            Ok(()) => {
                let _ = writer.finish();
            }
            Err(e) => writer.abort(e),
        }
    });
    let content_type = head_rx
        .await
        .map_err(|_| WebError::Internal("query worker stopped".into()))??;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::VARY, "Accept"),
        ],
        body,
    )
        .into_response())
}

fn choose_results_format(
    param: Option<&str>,
    accept: &Accept,
) -> Result<QueryResultsFormat, WebError> {
    match param {
        Some(value) => results_format_from_param(value)
            .ok_or_else(|| WebError::BadRequest(format!("unknown result format {value:?}; use json, xml, csv or tsv"))),
        None => accept.choose(RESULTS_OFFERS).copied().ok_or_else(|| {
            WebError::NotAcceptable(
                "SELECT and ASK results are available as application/sparql-results+json, application/sparql-results+xml, text/csv and text/tab-separated-values".into(),
            )
        }),
    }
}

fn choose_graph_format(
    param: Option<&str>,
    accept: &Accept,
) -> Result<oxrdfio::RdfFormat, WebError> {
    let chosen = match param {
        Some(value) => RdfRepresentation::from_param(value, GRAPH_OFFERS)
            .ok_or_else(|| WebError::BadRequest(format!("unknown RDF format {value:?}; use ttl, nt, jsonld, rdf, trig or nq")))?,
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

fn write_results(
    answer: QueryAnswer,
    format: QueryResultsFormat,
    out: &mut impl Write,
) -> Result<(), String> {
    let serializer = QueryResultsSerializer::from_format(format);
    match answer {
        QueryAnswer::Boolean(value) => {
            serializer
                .serialize_boolean_to_writer(out, value)
                .map_err(|e| e.to_string())?;
        }
        QueryAnswer::Solutions(solutions) => {
            let mut writer = serializer
                .serialize_solutions_to_writer(out, solutions.variables().to_vec())
                .map_err(|e| e.to_string())?;
            for solution in solutions {
                let solution = solution.map_err(|e| e.to_string())?;
                writer.serialize(&solution).map_err(|e| e.to_string())?;
            }
            writer.finish().map_err(|e| e.to_string())?;
        }
        QueryAnswer::Graph(_) => return Err("graph answer sent to the results writer".into()),
    }
    Ok(())
}

fn write_graph(
    triples: jiyi_store::GraphStream,
    format: oxrdfio::RdfFormat,
    out: &mut impl Write,
) -> Result<(), String> {
    let mut serializer = RdfSerializer::from_format(format);
    for (prefix, ns) in jiyi_model::vocab::PREFIXES {
        serializer = serializer
            .with_prefix(*prefix, *ns)
            .map_err(|e| e.to_string())?;
    }
    let mut writer = serializer.for_writer(out);
    for triple in triples {
        let triple = triple.map_err(|e| e.to_string())?;
        writer
            .serialize_triple(&triple)
            .map_err(|e| e.to_string())?;
    }
    writer.finish().map_err(|e| e.to_string())?;
    Ok(())
}
