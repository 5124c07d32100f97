//! `/sitemap.xml` (sitemaps.org protocol 0.9) and `/robots.txt`: how search engines find
//! every page.
//!
//! The sitemap lists the document of every published thing once (`{base}doc/…`, the URL a
//! search engine should index: it is the page, `/id/…` only redirects to it), with the time of
//! the last ingest of its dataset as `lastmod`. The protocol allows 50,000 URLs per file; above
//! [`crate::Config::sitemap_max_urls`] `/sitemap.xml` becomes a sitemap index of
//! `/sitemaps/{n}.xml` files, each a slice of the things in IRI order. The list comes from
//! [`crate::site_stats`], cached until the store changes.

use crate::site_stats::{SiteStats, site_stats};
use crate::void::VOID_PATH;
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiyi_model::UriPolicy;
use jiyi_model::iri::iri_to_uri;
use quick_xml::escape::escape;
use std::fmt::Write;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
/// The protocol's own limit on URLs per sitemap file.
pub const PROTOCOL_MAX_URLS: usize = 50_000;

/// `GET /sitemap.xml`: every thing's page, or an index of sitemap files when there are many.
pub async fn sitemap(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let worker = state.clone();
    let result = tokio::task::spawn_blocking(move || -> Result<String, WebError> {
        let stats = site_stats(&worker)?;
        let per_file = worker.config().sitemap_max_urls.max(1);
        if stats.things.len() <= per_file {
            urlset(worker.policy(), &stats, 0, stats.things.len())
        } else {
            index(worker.policy(), &stats, per_file)
        }
    })
    .await;
    xml_answer(result, &headers)
}

/// `GET /sitemaps/{n}.xml`: one file of the sitemap index (numbered from 1).
pub async fn sitemap_file(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let worker = state.clone();
    let result = tokio::task::spawn_blocking(move || -> Result<String, WebError> {
        let not_found = || {
            WebError::NotFound(format!(
                "no sitemap file {file:?}; /sitemap.xml lists the sitemap files there are"
            ))
        };
        let n: usize = file
            .strip_suffix(".xml")
            .and_then(|n| n.parse().ok())
            .filter(|n| *n >= 1)
            .ok_or_else(not_found)?;
        let stats = site_stats(&worker)?;
        let per_file = worker.config().sitemap_max_urls.max(1);
        let files = stats.things.len().div_ceil(per_file);
        if stats.things.len() <= per_file || n > files {
            return Err(not_found());
        }
        let start = (n - 1) * per_file;
        urlset(
            worker.policy(),
            &stats,
            start,
            (start + per_file).min(stats.things.len()),
        )
    })
    .await;
    xml_answer(result, &headers)
}

fn xml_answer(
    result: Result<Result<String, WebError>, tokio::task::JoinError>,
    headers: &HeaderMap,
) -> Response {
    match result {
        Ok(Ok(xml)) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
            xml,
        )
            .into_response(),
        Ok(Err(e)) => e.respond(headers),
        Err(e) => WebError::Internal(e.to_string()).respond(headers),
    }
}

/// A `<urlset>` of the things `start..end`.
fn urlset(
    policy: &UriPolicy,
    stats: &SiteStats,
    start: usize,
    end: usize,
) -> Result<String, WebError> {
    let mut xml =
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"{SITEMAP_NS}\">\n");
    for thing in stats.things.get(start..end).unwrap_or_default() {
        let Some(doc) = policy.document_of(thing.iri.as_str()) else {
            continue;
        };
        // Sitemaps want RFC 3986 URLs, entity-escaped.
        let _ = write!(xml, "<url><loc>{}</loc>", escape(iri_to_uri(&doc)));
        if let Some(lastmod) = stats.lastmod(thing) {
            let _ = write!(xml, "<lastmod>{}</lastmod>", escape(w3c_datetime(lastmod)));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    Ok(xml)
}

/// A `<sitemapindex>` of `/sitemaps/1.xml`…, each with the latest `lastmod` of its slice.
fn index(policy: &UriPolicy, stats: &SiteStats, per_file: usize) -> Result<String, WebError> {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"{SITEMAP_NS}\">\n"
    );
    for (i, slice) in stats.things.chunks(per_file).enumerate() {
        let loc = policy
            .site_resource(&format!("sitemaps/{}.xml", i + 1))
            .map_err(|e| WebError::Internal(e.to_string()))?;
        let _ = write!(
            xml,
            "<sitemap><loc>{}</loc>",
            escape(iri_to_uri(loc.as_str()))
        );
        if let Some(lastmod) = slice.iter().filter_map(|t| stats.lastmod(t)).max() {
            let _ = write!(xml, "<lastmod>{}</lastmod>", escape(w3c_datetime(lastmod)));
        }
        xml.push_str("</sitemap>\n");
    }
    xml.push_str("</sitemapindex>\n");
    Ok(xml)
}

/// An `xsd:dateTime` in the W3C Datetime profile sitemaps ask for, to the second: the ingest
/// writes nanoseconds (`…:02.149265165Z`), which the profile allows but few readers expect.
fn w3c_datetime(value: &str) -> String {
    match (
        value.find('.'),
        value.find(['Z', '+']).or_else(|| value.rfind('-')),
    ) {
        (Some(dot), Some(zone)) if dot > 10 && zone > dot => {
            format!("{}{}", &value[..dot], &value[zone..])
        }
        _ => value.to_owned(),
    }
}

/// `GET /robots.txt`: everything may be crawled except query and write endpoints; the sitemap
/// and the VoID are where to start.
pub async fn robots(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let policy = state.policy();
    let base = policy.base();
    let (Ok(sitemap), Ok(void)) = (
        policy.site_resource("sitemap.xml"),
        policy.site_resource(VOID_PATH),
    ) else {
        return WebError::Internal("the base IRI cannot name the sitemap".into()).respond(&headers);
    };
    let body = format!(
        "# Jiyi 記憶: Linked Open Data. Every thing is at {base}id/…, its page at {base}doc/….\n\
         # VoID: {void}\n\
         User-agent: *\n\
         Allow: /\n\
         # SPARQL answers and whole graphs are for programs, not for indexing.\n\
         Disallow: /sparql?\n\
         Disallow: /update\n\
         Disallow: /graph-store\n\
         Disallow: /graph/\n\
         \n\
         Sitemap: {sitemap}\n",
        void = iri_to_uri(void.as_str()),
        sitemap = iri_to_uri(sitemap.as_str()),
    );
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::w3c_datetime;

    #[test]
    fn lastmod_is_cut_to_the_second() {
        assert_eq!(
            w3c_datetime("2026-12-04T01:31:02.149265165Z"),
            "2026-12-04T01:31:02Z"
        );
        assert_eq!(
            w3c_datetime("2026-12-04T01:31:02.5+08:00"),
            "2026-12-04T01:31:02+08:00"
        );
        assert_eq!(
            w3c_datetime("2026-12-04T01:31:02.5-03:00"),
            "2026-12-04T01:31:02-03:00"
        );
        assert_eq!(w3c_datetime("2026-01-02T03:04:05Z"), "2026-01-02T03:04:05Z");
        assert_eq!(w3c_datetime("2026-01-02"), "2026-01-02");
    }
}
