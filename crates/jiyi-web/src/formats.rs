//! The representations Jiyi serves, their media types and their short names (`format=`).

use oxrdfio::{RdfFormat, RdfSerializer};
use sparesults::QueryResultsFormat;

/// A representation of a document or of a CONSTRUCT/DESCRIBE answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdfRepresentation {
    /// RDF data in one of the standard syntaxes.
    Rdf(RdfFormat),
    /// A page for people.
    Html,
}

/// Offers for a document, in the server's order of preference for ties: Turtle first because
/// it is what a linked-data client that says `*/*` can read most widely, HTML last among the
/// equals so that only clients asking for HTML get it.
pub const DOCUMENT_OFFERS: &[(RdfRepresentation, &[&str])] = &[
    (
        RdfRepresentation::Rdf(RdfFormat::Turtle),
        &["text/turtle", "application/x-turtle"],
    ),
    (
        RdfRepresentation::Rdf(RdfFormat::NTriples),
        &["application/n-triples"],
    ),
    (
        RdfRepresentation::Rdf(RdfFormat::JsonLd {
            profile: oxrdfio::JsonLdProfileSet::empty(),
        }),
        &["application/ld+json", "application/json"],
    ),
    (
        RdfRepresentation::Rdf(RdfFormat::RdfXml),
        &["application/rdf+xml", "application/xml", "text/xml"],
    ),
    (
        RdfRepresentation::Rdf(RdfFormat::TriG),
        &["application/trig"],
    ),
    (
        RdfRepresentation::Rdf(RdfFormat::NQuads),
        &["application/n-quads"],
    ),
    (
        RdfRepresentation::Html,
        &["text/html", "application/xhtml+xml"],
    ),
];

/// Offers for a CONSTRUCT or DESCRIBE answer: the RDF syntaxes only.
pub const GRAPH_OFFERS: &[(RdfRepresentation, &[&str])] = DOCUMENT_OFFERS.split_at(6).0;

/// Offers for SELECT and ASK answers; JSON first, as most clients expect it.
pub const RESULTS_OFFERS: &[(QueryResultsFormat, &[&str])] = &[
    (
        QueryResultsFormat::Json,
        &["application/sparql-results+json", "application/json"],
    ),
    (
        QueryResultsFormat::Xml,
        &[
            "application/sparql-results+xml",
            "application/xml",
            "text/xml",
        ],
    ),
    (QueryResultsFormat::Csv, &["text/csv"]),
    (QueryResultsFormat::Tsv, &["text/tab-separated-values"]),
];

impl RdfRepresentation {
    /// The `Content-Type` value, with charset where the type allows one.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Html => "text/html; charset=utf-8",
            Self::Rdf(RdfFormat::Turtle) => "text/turtle; charset=utf-8",
            Self::Rdf(RdfFormat::NTriples) => "application/n-triples; charset=utf-8",
            Self::Rdf(RdfFormat::NQuads) => "application/n-quads; charset=utf-8",
            Self::Rdf(RdfFormat::TriG) => "application/trig; charset=utf-8",
            Self::Rdf(RdfFormat::RdfXml) => "application/rdf+xml; charset=utf-8",
            Self::Rdf(RdfFormat::JsonLd { .. }) => "application/ld+json",
            Self::Rdf(_) => "application/octet-stream",
        }
    }

    /// The media type without parameters, for `Link` `type` attributes and messages.
    pub fn media_type(self) -> &'static str {
        let full = self.content_type();
        full.split(';').next().unwrap_or(full)
    }

    /// The file-name suffix of the suffix URL of this representation (`/doc/…/X.ttl`).
    pub fn suffix(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Rdf(RdfFormat::NTriples) => "nt",
            Self::Rdf(RdfFormat::JsonLd { .. }) => "jsonld",
            Self::Rdf(RdfFormat::RdfXml) => "rdf",
            Self::Rdf(RdfFormat::TriG) => "trig",
            Self::Rdf(RdfFormat::NQuads) => "nq",
            Self::Rdf(_) => "ttl",
        }
    }

    /// The document representation a suffix names (`ttl` → Turtle …); only the seven suffixes
    /// of [`Self::suffix`], matched exactly, so that keys with other dots stay keys.
    pub fn from_suffix(suffix: &str) -> Option<Self> {
        DOCUMENT_OFFERS
            .iter()
            .map(|(r, _)| *r)
            .find(|r| r.suffix() == suffix)
    }

    /// A name for people, in messages and link titles.
    pub fn name(self) -> &'static str {
        match self {
            Self::Html => "HTML",
            Self::Rdf(RdfFormat::NTriples) => "N-Triples",
            Self::Rdf(RdfFormat::JsonLd { .. }) => "JSON-LD",
            Self::Rdf(RdfFormat::RdfXml) => "RDF/XML",
            Self::Rdf(RdfFormat::TriG) => "TriG",
            Self::Rdf(RdfFormat::NQuads) => "N-Quads",
            Self::Rdf(_) => "Turtle",
        }
    }

    /// Reads a `format` parameter: a short name or a media type, or a comma-separated list of
    /// them (SPARQLWrapper sends `application/ld+json,application/x-json+ld`); the first one
    /// we offer wins. N3 is answered with Turtle, which every N3 parser reads.
    pub fn from_param(value: &str, offers: &[(Self, &[&str])]) -> Option<Self> {
        value
            .split(',')
            .find_map(|one| Self::from_one_param(one.trim(), offers))
    }

    fn from_one_param(value: &str, offers: &[(Self, &[&str])]) -> Option<Self> {
        let short = match value.to_ascii_lowercase().as_str() {
            "ttl" | "turtle" | "n3" | "text/n3" | "text/rdf+n3" => {
                Some(Self::Rdf(RdfFormat::Turtle))
            }
            "application/x-json+ld" => Some(Self::Rdf(RdfFormat::JsonLd {
                profile: oxrdfio::JsonLdProfileSet::empty(),
            })),
            "nt" | "ntriples" | "n-triples" => Some(Self::Rdf(RdfFormat::NTriples)),
            "jsonld" | "json-ld" | "json" => Some(Self::Rdf(RdfFormat::JsonLd {
                profile: oxrdfio::JsonLdProfileSet::empty(),
            })),
            "rdf" | "rdfxml" | "rdf+xml" | "xml" => Some(Self::Rdf(RdfFormat::RdfXml)),
            "trig" => Some(Self::Rdf(RdfFormat::TriG)),
            "nq" | "nquads" | "n-quads" => Some(Self::Rdf(RdfFormat::NQuads)),
            "html" => Some(Self::Html),
            _ => None,
        };
        let chosen = short.or_else(|| by_media_type(value, offers))?;
        offers.iter().any(|(o, _)| *o == chosen).then_some(chosen)
    }
}

/// A 200 answer carrying RDF in `format`, negotiated by Accept (hence `Vary`).
pub fn rdf_response(
    format: RdfFormat,
    body: impl axum::response::IntoResponse,
) -> axum::response::Response {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                RdfRepresentation::Rdf(format).content_type(),
            ),
            (header::VARY, "Accept"),
        ],
        body,
    )
        .into_response()
}

/// Namespaces that documents use besides the publishing vocabularies: the document-level
/// statements (FOAF), paging (Hydra) and the list of profiles (altr, prof).
const DOCUMENT_PREFIXES: &[(&str, &str)] = &[
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("hydra", "http://www.w3.org/ns/hydra/core#"),
    ("altr", crate::profiles::ALTR),
    ("prof", crate::profiles::PROF),
];

/// A serialiser for `format` that abbreviates with Jiyi's prefixes where the syntax has them.
pub fn rdf_serializer(format: RdfFormat) -> RdfSerializer {
    let mut serializer = RdfSerializer::from_format(format);
    for (prefix, ns) in jiyi_model::vocab::PREFIXES.iter().chain(DOCUMENT_PREFIXES) {
        // The prefixes are constants known to be valid IRIs.
        serializer = match serializer.clone().with_prefix(*prefix, *ns) {
            Ok(s) => s,
            Err(_) => serializer,
        };
    }
    serializer
}

/// Content type of a SPARQL results format, with charset.
pub fn results_content_type(format: QueryResultsFormat) -> &'static str {
    match format {
        QueryResultsFormat::Json => "application/sparql-results+json",
        QueryResultsFormat::Xml => "application/sparql-results+xml; charset=utf-8",
        QueryResultsFormat::Csv => "text/csv; charset=utf-8",
        QueryResultsFormat::Tsv => "text/tab-separated-values; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Reads a `format` parameter for SELECT/ASK answers (a name, a media type, or a
/// comma-separated list of them).
pub fn results_format_from_param(value: &str) -> Option<QueryResultsFormat> {
    value
        .split(',')
        .find_map(|one| one_results_format(one.trim()))
}

fn one_results_format(value: &str) -> Option<QueryResultsFormat> {
    match value.to_ascii_lowercase().as_str() {
        "json" | "srj" => Some(QueryResultsFormat::Json),
        "xml" | "srx" => Some(QueryResultsFormat::Xml),
        "csv" => Some(QueryResultsFormat::Csv),
        "tsv" => Some(QueryResultsFormat::Tsv),
        _ => by_media_type(value, RESULTS_OFFERS),
    }
}

fn by_media_type<T: Copy>(value: &str, offers: &[(T, &[&str])]) -> Option<T> {
    let media = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    offers
        .iter()
        .find(|(_, types)| types.contains(&media.as_str()))
        .map(|(t, _)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_parameters_accept_short_names_and_media_types() {
        assert_eq!(
            RdfRepresentation::from_param("ttl", DOCUMENT_OFFERS),
            Some(RdfRepresentation::Rdf(RdfFormat::Turtle))
        );
        assert_eq!(
            RdfRepresentation::from_param("application/rdf+xml", DOCUMENT_OFFERS),
            Some(RdfRepresentation::Rdf(RdfFormat::RdfXml))
        );
        assert_eq!(RdfRepresentation::from_param("html", GRAPH_OFFERS), None);
        assert_eq!(
            results_format_from_param("TSV"),
            Some(QueryResultsFormat::Tsv)
        );
        assert_eq!(
            results_format_from_param("application/sparql-results+xml"),
            Some(QueryResultsFormat::Xml)
        );
        assert_eq!(results_format_from_param("yaml"), None);
        assert_eq!(
            RdfRepresentation::from_param(
                "application/ld+json,application/x-json+ld",
                GRAPH_OFFERS
            ),
            Some(RdfRepresentation::Rdf(RdfFormat::JsonLd {
                profile: oxrdfio::JsonLdProfileSet::empty()
            }))
        );
        assert_eq!(
            RdfRepresentation::from_param("n3", GRAPH_OFFERS),
            Some(RdfRepresentation::Rdf(RdfFormat::Turtle))
        );
    }

    #[test]
    fn every_document_offer_has_its_own_suffix() {
        for (offer, types) in DOCUMENT_OFFERS {
            assert_eq!(RdfRepresentation::from_suffix(offer.suffix()), Some(*offer));
            assert_eq!(offer.media_type(), types[0]);
        }
        assert_eq!(RdfRepresentation::from_suffix("TTL"), None);
        assert_eq!(RdfRepresentation::from_suffix("json"), None);
    }
}
