//! Errors as HTTP answers: `application/problem+json` (RFC 9457) for programs, a short page
//! for browsers.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::conneg::Accept;

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
    /// The store failed; details are logged, the client gets a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
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
                "type": "about:blank",
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
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Accept"));
        response
    }
}

impl From<jiyi_store::StoreError> for WebError {
    fn from(e: jiyi_store::StoreError) -> Self {
        match e {
            jiyi_store::StoreError::QuerySyntax(m) => {
                Self::BadRequest(format!("SPARQL syntax error: {m}"))
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
