//! `/update`: SPARQL 1.1 Update, only for holders of the configured bearer token. Without a
//! token configured, writes are disabled and every request is refused with 401; a refused
//! request changes nothing.

use crate::sparql::{body_media_type, body_or_error, require_utf8_charset};
use crate::{AppState, WebError};
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use jiyi_store::UpdateRequest;
use oxrdf::NamedNode;
use std::borrow::Cow;

/// Checks `Authorization: Bearer …` against the configured token, in constant time so the
/// token cannot be guessed byte by byte from response times.
pub(crate) fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), WebError> {
    let Some(expected) = state.config().write_token.as_deref() else {
        return Err(WebError::Unauthorized(
            "writes are disabled on this server (no write token is configured)".into(),
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(token) if constant_time_eq(token.as_bytes(), expected.as_bytes()) => Ok(()),
        Some(_) => Err(WebError::Unauthorized(
            "the bearer token is not valid".into(),
        )),
        None => Err(WebError::Unauthorized(
            "writes need an Authorization: Bearer token".into(),
        )),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `POST /update` with `update=` (form) or an `application/sparql-update` body, plus the
/// protocol's `using-graph-uri` / `using-named-graph-uri` (in the URL, or in the form body).
pub async fn endpoint(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match handle(state, &uri, &headers, body).await {
        Ok(r) => r,
        Err(e) => e.respond(&headers),
    }
}

/// The protocol parameters of one update request.
#[derive(Default)]
struct Params {
    update: Option<String>,
    using_graphs: Vec<NamedNode>,
    using_named_graphs: Vec<NamedNode>,
}

impl Params {
    fn read<'a>(
        &mut self,
        pairs: impl Iterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
    ) -> Result<(), WebError> {
        for (name, value) in pairs {
            match name.as_ref() {
                "update" if self.update.is_some() => {
                    return Err(WebError::BadRequest(
                        "the update parameter is given more than once".into(),
                    ));
                }
                "update" => self.update = Some(value.into_owned()),
                "using-graph-uri" => self.using_graphs.push(graph_iri(&value)?),
                "using-named-graph-uri" => self.using_named_graphs.push(graph_iri(&value)?),
                "query" => {
                    return Err(WebError::BadRequest(
                        "this endpoint runs updates; send queries to /sparql".into(),
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

async fn handle(
    state: AppState,
    uri: &Uri,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    authorize(&state, headers)?;
    let body = body_or_error(body, state.limits().max_request_body)?;
    let mut params = Params::default();
    params.read(form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()))?;
    if params.update.is_some() {
        return Err(WebError::BadRequest(
            "an update is sent in the request body (POST), never in the URL".into(),
        ));
    }
    match body_media_type(headers).as_str() {
        "application/sparql-update" => {
            require_utf8_charset(headers)?;
            params.update = Some(
                String::from_utf8(body.to_vec())
                    .map_err(|_| WebError::BadRequest("the update is not valid UTF-8".into()))?,
            );
        }
        "application/x-www-form-urlencoded" => params.read(form_urlencoded::parse(&body))?,
        other => {
            return Err(WebError::UnsupportedMediaType(format!(
                "POST an update as application/sparql-update or application/x-www-form-urlencoded, not {other:?}"
            )));
        }
    }
    let text = params
        .update
        .ok_or_else(|| WebError::BadRequest("no update given".into()))?;
    let worker_state = state.clone();
    tokio::task::spawn_blocking(move || -> Result<(), WebError> {
        let request = UpdateRequest {
            text: &text,
            base_iri: Some(worker_state.policy().base()),
            using_graph_uris: params.using_graphs,
            using_named_graph_uris: params.using_named_graphs,
        };
        worker_state.store().update_with(&request)?;
        worker_state.written()
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))??;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn token_comparison_is_exact() {
        assert!(super::constant_time_eq(b"secret", b"secret"));
        assert!(!super::constant_time_eq(b"secret", b"secreT"));
        assert!(!super::constant_time_eq(b"secret", b"secret2"));
    }
}
