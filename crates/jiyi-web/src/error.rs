//! Errors as HTTP answers: `application/problem+json` (RFC 9457) for programs, a short page
//! for browsers.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::time::Duration;

use crate::conneg::Accept;

/// Problem type IRIs for the failures that are Jiyi's own policy, so clients can tell a
/// result cap from a syntax error without parsing prose.
const PROBLEMS: &str = "https://w3id.org/jiyi/problems/";

/// Everything a request can fail with; each variant knows its status.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Nothing is published under this URI.
    #[error("{0}")]
    NotFound(String),
    /// None of the representations offered is acceptable to the client.
    #[error("{0}")]
    NotAcceptable(String),
    /// The request is malformed (bad query, missing parameter…).
    #[error("{0}")]
    BadRequest(String),
    /// The request body has a media type this endpoint does not read.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The request body is larger than the configured limit.
    #[error("the request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A write without the configured bearer token (or on a server that has none).
    #[error("{0}")]
    Unauthorized(String),
    /// The request may not touch this resource, whoever sends it.
    #[error("{0}")]
    Forbidden(String),
    /// Every query slot is taken; try again shortly.
    #[error("all {slots} query slots are busy; retry in {retry_after} s")]
    Busy {
        /// Concurrent queries allowed.
        slots: usize,
        /// Seconds to wait, sent as `Retry-After`.
        retry_after: u64,
    },
    /// The query ran longer than the configured timeout and was stopped.
    #[error(
        "the query was stopped after the time limit of {} s; make it more selective (filter early, avoid unbound cartesian products) or page it with ORDER BY … LIMIT … OFFSET …",
        limit.as_secs_f64()
    )]
    QueryTimeout {
        /// The time limit.
        limit: Duration,
    },
    /// The answer would exceed the configured result cap; nothing is sent rather than a part.
    #[error(
        "the answer has more than {limit} results, the cap of this endpoint; ask for it in pages with ORDER BY … LIMIT {limit} OFFSET n (a query whose LIMIT is at most {limit} is always answered, streamed), or download the dataset dump"
    )]
    ResultTooLarge {
        /// The cap.
        limit: u64,
    },
    /// The store failed; details are logged, the client gets a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            Self::BadRequest(_) | Self::ResultTooLarge { .. } => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Busy { .. } | Self::QueryTimeout { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn problem_type(&self) -> String {
        let own = match self {
            Self::Busy { .. } => "busy",
            Self::QueryTimeout { .. } => "query-timeout",
            Self::ResultTooLarge { .. } => "result-too-large",
            Self::PayloadTooLarge { .. } => "request-too-large",
            _ => return "about:blank".to_owned(),
        };
        format!("{PROBLEMS}{own}")
    }

    /// Renders the error for a client whose request headers are `headers`.
    pub fn respond(self, headers: &HeaderMap) -> Response {
        let accept = Accept::parse(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()));
        let status = self.status();
        let title = status.canonical_reason().unwrap_or("Error");
        let detail = match &self {
            Self::Internal(e) => {
                tracing::error!("{e}");
                "The server failed to answer; the failure has been logged.".to_owned()
            }
            other => other.to_string(),
        };
        let mut response = if accept.prefers_html() {
            let body = format!(
                "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{code} {title}</title></head>\
                 <body><h1>{code} {title}</h1><p>{detail}</p><p><a href=\"/\">Home</a></p></body></html>\n",
                code = status.as_u16(),
                title = html_escape(title),
                detail = html_escape(&detail),
            );
            (
                status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                body,
            )
                .into_response()
        } else {
            let body = serde_json::json!({
                "type": self.problem_type(),
                "title": title,
                "status": status.as_u16(),
                "detail": detail,
            });
            (
                status,
                [(header::CONTENT_TYPE, "application/problem+json")],
                body.to_string(),
            )
                .into_response()
        };
        let h = response.headers_mut();
        h.insert(header::VARY, HeaderValue::from_static("Accept"));
        match &self {
            Self::Busy { retry_after, .. } => {
                h.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            Self::Unauthorized(_) => {
                h.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"jiyi\""),
                );
            }
            _ => {}
        }
        response
    }
}

impl From<jiyi_store::StoreError> for WebError {
    fn from(e: jiyi_store::StoreError) -> Self {
        match e {
            jiyi_store::StoreError::QuerySyntax(m) => {
                Self::BadRequest(format!("SPARQL syntax error: {m}"))
            }
            jiyi_store::StoreError::UpdateSyntax(m) => {
                Self::BadRequest(format!("SPARQL update syntax error: {m}"))
            }
            e @ (jiyi_store::StoreError::UpdateDatasetConflict
            | jiyi_store::StoreError::QueryUnsupported(_)) => Self::BadRequest(e.to_string()),
            jiyi_store::StoreError::UpdateEvaluation(m) => {
                Self::BadRequest(format!("the update failed and changed nothing: {m}"))
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for WebError {
    /// Without request headers at hand: problem+json.
    fn into_response(self) -> Response {
        self.respond(&HeaderMap::new())
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
