//! Rendered documents kept in memory until the store changes, and a bound on how many are
//! rendered at once.
//!
//! A document changes only when the store does, and while `jiyi serve` runs it is the store's
//! only writer (RocksDB's lock keeps `jiyi ingest` out), so a rendered answer stays right until
//! [`crate::AppState::written`] clears the cache. Crawlers and harvesters ask for the same
//! documents again and again (every format, every profile, after each sitemap refresh); a hit
//! costs one hash lookup instead of reading and serialising the description (issue 5 measured
//! the store reads at four fifths of a document's cost). The cache is weighed in bytes
//! (`--document-cache-mb`, 0 turns it off) and evicts with quick_cache's S3-FIFO, which a
//! crawl's one-time visits do not flush.
//!
//! The key is the request as the client made it: path and query, and the headers the answer
//! varies on (`Accept`, `Accept-Profile`, `Accept-Language`). Crawlers send the same headers
//! every time, so keys do not fragment in practice; keying on the negotiated outcome instead
//! would need the description first. Conditional requests are answered from the cached
//! answer's ETag and date, so a 304 costs a lookup too. Only complete `200` answers are kept;
//! errors and `410 Gone` are rendered each time.

use crate::caching::not_modified;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use std::sync::Arc;
use std::time::SystemTime;

/// A complete `200` answer for one document request, ready to send again.
#[derive(Debug)]
pub(crate) struct Rendered {
    /// Every header of the answer but `ETag` (added per request: a 304 echoes the client's tag).
    pub headers: HeaderMap,
    /// The representation.
    pub body: Bytes,
    /// The strong ETag of the body.
    pub etag: String,
    /// The representation's `Last-Modified`, if known.
    pub last_modified: Option<SystemTime>,
}

impl Rendered {
    /// The answer to a request with `request` headers: `304` when its conditions match, else
    /// the document.
    pub(crate) fn answer(&self, request: &HeaderMap) -> Response {
        let mut headers = self.headers.clone();
        let (status, body, tag) = match not_modified(request, &self.etag, self.last_modified) {
            Some(tag) => {
                headers.remove(header::CONTENT_TYPE);
                (StatusCode::NOT_MODIFIED, Bytes::new(), tag)
            }
            None => (StatusCode::OK, self.body.clone(), self.etag.clone()),
        };
        if let Ok(v) = header::HeaderValue::from_str(&tag) {
            headers.insert(header::ETAG, v);
        }
        let mut response = Response::new(axum::body::Body::from(body));
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        response
    }

    fn weight(&self) -> u64 {
        // Headers are a few hundred bytes (Link lists every alternate).
        (self.body.len() + 1024) as u64
    }
}

/// What identifies a document request: everything its answer depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RequestKey {
    target: String,
    accept: String,
    accept_profile: String,
    accept_language: String,
}

impl RequestKey {
    /// The key of a `GET /doc/…` request.
    pub(crate) fn of(uri: &Uri, headers: &HeaderMap) -> Self {
        let value = |name: &str| {
            headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(",")
        };
        Self {
            target: uri
                .path_and_query()
                .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned()),
            accept: value("accept"),
            accept_profile: value("accept-profile"),
            accept_language: value("accept-language"),
        }
    }
}

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<RequestKey, Arc<Rendered>> for ByBytes {
    fn weight(&self, key: &RequestKey, value: &Arc<Rendered>) -> u64 {
        value.weight()
            + (key.target.len()
                + key.accept.len()
                + key.accept_profile.len()
                + key.accept_language.len()) as u64
    }
}

/// The cache of rendered documents; a no-op when its capacity is 0.
pub(crate) struct DocumentCache {
    cache: Option<quick_cache::sync::Cache<RequestKey, Arc<Rendered>, ByBytes>>,
}

impl DocumentCache {
    /// A cache holding about `bytes` of answers (0: none).
    pub(crate) fn new(bytes: u64) -> Self {
        let cache = (bytes > 0).then(|| {
            // quick_cache sizes its table from an estimate of the item count: ~6 KB a document.
            let items = usize::try_from(bytes / 6_000).unwrap_or(usize::MAX).max(16);
            quick_cache::sync::Cache::with_weighter(items, bytes, ByBytes)
        });
        Self { cache }
    }

    /// The cached answer for `key`, if any.
    pub(crate) fn get(&self, key: &RequestKey) -> Option<Arc<Rendered>> {
        self.cache.as_ref()?.get(key)
    }

    /// Keeps `rendered` as the answer for `key`.
    pub(crate) fn insert(&self, key: RequestKey, rendered: Arc<Rendered>) {
        if let Some(cache) = &self.cache {
            cache.insert(key, rendered);
        }
    }

    /// Forgets every answer: the store changed.
    pub(crate) fn clear(&self) {
        if let Some(cache) = &self.cache {
            cache.clear();
        }
    }
}

impl std::fmt::Debug for DocumentCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentCache")
            .field("entries", &self.cache.as_ref().map_or(0, |c| c.len()))
            .finish()
    }
}
