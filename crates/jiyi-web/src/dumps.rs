//! `GET /dumps/{dataset}.nq.gz` and `/dumps/{dataset}.ttl.gz`: the dump files an ingest wrote
//! into the store directory, streamed from disk.
//!
//! Served as `application/gzip` without `Content-Encoding`: the bytes on the wire are the file,
//! so the SHA-256 published in the dataset's `dcat:Distribution` (and sent as the ETag) is the
//! SHA-256 of what a harvester saves, whatever its HTTP client. With `Content-Encoding: gzip`
//! many clients (browsers, Python requests, curl --compressed) would decompress on the fly and
//! the checksum would never match. The site's compression layer leaves `application/gzip`
//! alone (see `app`). `ETag` is the file's SHA-256; `Last-Modified`, `Range` and
//! `If-Modified-Since` come from tower-http's `ServeFile`. Unknown datasets are 404; a dataset
//! withdrawn with `jiyi withdraw --dataset` is 410 with the reason.

use crate::{AppState, WebError};
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiyi_store::{DumpFile, DumpFormat, Withdrawal};
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// The handler of `/dumps/{file}`.
pub(crate) async fn dump(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    let Some((name, format)) = DumpFormat::parse_file_name(&file) else {
        return WebError::NotFound(format!(
            "no dump {file}: dumps are /dumps/DATASET.nq.gz and /dumps/DATASET.ttl.gz"
        ))
        .respond(&headers);
    };
    let name = name.to_owned();
    let store = state.store().clone();
    let looked_up = tokio::task::spawn_blocking(move || {
        let dump = store.dump_file(&name, format)?;
        let withdrawal = match dump {
            Some(_) => None,
            None => store.dataset_withdrawal(&name)?,
        };
        Ok::<_, jiyi_store::StoreError>((dump, withdrawal))
    })
    .await;
    let (dump, withdrawal) = match looked_up {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => return WebError::from(e).respond(&headers),
        Err(e) => return WebError::Internal(e.to_string()).respond(&headers),
    };
    let Some(dump) = dump else {
        if let Some(withdrawal) = withdrawal {
            return gone(&file, &withdrawal);
        }
        return WebError::NotFound(format!("no dataset publishes a dump named {file}"))
            .respond(&headers);
    };
    let etag = format!("\"{}\"", dump.sha256);
    if none_match(&headers, &etag) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        add_headers(response.headers_mut(), &dump, &etag, &file);
        response.headers_mut().remove(header::CONTENT_TYPE);
        return response;
    }
    let served = match ServeFile::new(&dump.path).oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let mut response = served.map(Body::new);
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        add_headers(response.headers_mut(), &dump, &etag, &file);
    }
    response
}

fn add_headers(headers: &mut HeaderMap, dump: &DumpFile, etag: &str, file: &str) {
    let set = |headers: &mut HeaderMap, name, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    set(headers, header::ETAG, etag);
    set(headers, header::CONTENT_TYPE, "application/gzip");
    // Stored, but checked again before reuse: the next ingest may rewrite the dump.
    set(headers, header::CACHE_CONTROL, "no-cache");
    set(
        headers,
        header::CONTENT_DISPOSITION,
        &format!("attachment; filename=\"{file}\""),
    );
    set(
        headers,
        header::HeaderName::from_static("x-jiyi-triples"),
        &dump.triples.to_string(),
    );
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for GET).
fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// 410 for a withdrawn dataset: the reason and date, as problem+json.
fn gone(file: &str, withdrawal: &Withdrawal) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": "Gone",
        "status": 410,
        "detail": format!(
            "{file} is no longer published: the dataset was withdrawn on {}: {}",
            withdrawal.time, withdrawal.reason
        ),
    });
    (
        StatusCode::GONE,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}
