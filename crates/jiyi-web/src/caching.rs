//! HTTP caching of documents (RFC 9110 §8.8, §13; RFC 9111): strong entity tags from the
//! representation's bytes, `Last-Modified` from the data's ingest time, conditional requests
//! answered 304, and entity tags kept distinct per content coding.
//!
//! Content codings: tower-http's `CompressionLayer` compresses after the handler and leaves
//! `ETag` alone, so a gzip body would carry the identity body's strong tag, which RFC 9110
//! §8.8.3 forbids (a strong tag names one exact byte sequence). [`etag_per_encoding`], a
//! response layer outside the compression layer, appends the coding (`"…-gzip"`, `"…-br"`).
//! When such a tag comes back in `If-None-Match`, [`not_modified`] strips the suffix before
//! comparing, and the 304 echoes the tag the client holds. Tags stay strong (not weakened, as
//! nginx does) so that they keep meaning "these exact bytes".

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use std::time::{Duration, SystemTime};

/// How long a cache may reuse a document without asking again. Data changes only when a
/// dataset is re-ingested or written, and a revalidation costs a 304; ten minutes keeps a
/// crawler's repeated visits cheap while a correction is visible soon.
pub const DOCUMENT_CACHE_CONTROL: &str = "public, max-age=600";

/// How long the 303 from a thing to its document may be cached: the mapping is fixed by the
/// URI policy, so a day.
pub const REDIRECT_CACHE_CONTROL: &str = "public, max-age=86400";

/// The content codings the compression layer produces, as suffixes of entity tags.
const CODINGS: &[&str] = &["gzip", "br", "deflate", "zstd"];

/// A strong entity tag for a representation: 128 bits of XXH3 over its media type and bytes.
/// Not a cryptographic hash: a tag only has to change when the bytes do, and XXH3 costs a
/// fraction of SHA-256 on every document served (the benchmark path).
pub fn strong_etag(content_type: &str, body: &[u8]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(content_type.as_bytes());
    hasher.update(&[0]);
    hasher.update(body);
    format!("\"{:032x}\"", hasher.digest128())
}

/// An HTTP-date (IMF-fixdate) for `Last-Modified`.
pub fn http_date(time: SystemTime) -> String {
    httpdate::fmt_http_date(time)
}

/// Evaluates `If-None-Match`, then (only without it, RFC 9110 §13.2.2) `If-Modified-Since`,
/// for a GET or HEAD of a representation tagged `etag` and last modified at `last_modified`.
/// `Some(tag)` means "answer 304 with this ETag": the tag the client sent when it matched
/// (it may carry a content-coding suffix), else `etag`.
pub fn not_modified(
    headers: &HeaderMap,
    etag: &str,
    last_modified: Option<SystemTime>,
) -> Option<String> {
    let inm: Vec<&str> = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !inm.is_empty() {
        let base = opaque(etag);
        for value in inm {
            for tag in value.split(',').map(str::trim) {
                if tag == "*" {
                    return Some(etag.to_owned());
                }
                let tag_opaque = opaque(tag.strip_prefix("W/").unwrap_or(tag));
                // Weak comparison (§8.8.3.2): W/ is ignored; so is our coding suffix.
                if without_coding(tag_opaque) == base {
                    let sent = tag.strip_prefix("W/").unwrap_or(tag);
                    return Some(sent.to_owned());
                }
            }
        }
        return None;
    }
    let since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())?;
    let modified = truncate_to_seconds(last_modified?);
    (modified <= since).then(|| etag.to_owned())
}

/// HTTP dates have whole seconds; a time with a fraction would always look newer than the
/// date the client copied from `Last-Modified`.
fn truncate_to_seconds(t: SystemTime) -> SystemTime {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => SystemTime::UNIX_EPOCH + Duration::from_secs(d.as_secs()),
        Err(_) => t,
    }
}

fn opaque(tag: &str) -> &str {
    tag.trim().trim_matches('"')
}

fn without_coding(opaque: &str) -> &str {
    for coding in CODINGS {
        if let Some(stripped) = opaque
            .strip_suffix(coding)
            .and_then(|s| s.strip_suffix('-'))
        {
            return stripped;
        }
    }
    opaque
}

/// Response layer (`axum::middleware::map_response`, placed outside the compression layer):
/// a response whose body was compressed gets the coding appended to its strong ETag, so the
/// identity and the compressed bytes never share a strong validator.
pub async fn etag_per_encoding(mut response: Response) -> Response {
    let coding = response
        .headers()
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|c| CODINGS.contains(c))
        .map(str::to_owned);
    let Some(coding) = coding else {
        return response;
    };
    let tagged = response
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .filter(|t| t.starts_with('"') && t.ends_with('"') && t.len() >= 2)
        .map(|t| format!("\"{}-{coding}\"", &t[1..t.len() - 1]));
    if let Some(value) = tagged.and_then(|t| HeaderValue::from_str(&t).ok()) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(name, HeaderValue::from_str(value).expect("ascii"));
        }
        h
    }

    #[test]
    fn tags_differ_by_bytes_and_media_type() {
        let a = strong_etag("text/turtle", b"x");
        assert_eq!(a, strong_etag("text/turtle", b"x"));
        assert_ne!(a, strong_etag("text/turtle", b"y"));
        assert_ne!(a, strong_etag("application/n-triples", b"x"));
        assert!(a.starts_with('"') && a.ends_with('"') && a.len() == 34);
    }

    #[test]
    fn if_none_match_wins_and_compares_weakly_without_the_coding() {
        let etag = "\"abc\"";
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let later = http_date(t0 + Duration::from_secs(10));
        assert_eq!(
            not_modified(
                &headers(&[(header::IF_NONE_MATCH, "\"abc\"")]),
                etag,
                Some(t0)
            ),
            Some("\"abc\"".into())
        );
        assert_eq!(
            not_modified(
                &headers(&[(header::IF_NONE_MATCH, "\"x\", W/\"abc-gzip\"")]),
                etag,
                None
            ),
            Some("\"abc-gzip\"".into())
        );
        assert_eq!(
            not_modified(&headers(&[(header::IF_NONE_MATCH, "*")]), etag, None),
            Some(etag.into())
        );
        // A non-matching If-None-Match decides, even when If-Modified-Since would match.
        assert_eq!(
            not_modified(
                &headers(&[
                    (header::IF_NONE_MATCH, "\"old\""),
                    (header::IF_MODIFIED_SINCE, &later)
                ]),
                etag,
                Some(t0)
            ),
            None
        );
        assert_eq!(
            not_modified(
                &headers(&[(header::IF_MODIFIED_SINCE, &later)]),
                etag,
                Some(t0)
            ),
            Some(etag.into())
        );
        let earlier = http_date(t0 - Duration::from_secs(1));
        assert_eq!(
            not_modified(
                &headers(&[(header::IF_MODIFIED_SINCE, &earlier)]),
                etag,
                Some(t0)
            ),
            None
        );
        // The same second, with a fraction in the stored time: not modified.
        let same = http_date(t0);
        assert_eq!(
            not_modified(
                &headers(&[(header::IF_MODIFIED_SINCE, &same)]),
                etag,
                Some(t0 + Duration::from_millis(300))
            ),
            Some(etag.into())
        );
        assert_eq!(
            not_modified(
                &headers(&[(header::IF_MODIFIED_SINCE, "garbage")]),
                etag,
                Some(t0)
            ),
            None
        );
        assert_eq!(not_modified(&HeaderMap::new(), etag, Some(t0)), None);
    }
}
