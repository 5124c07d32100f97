//! Where each representation of a document lives: the suffix URLs (`/doc/…/X.ttl`), the
//! profile and page parameters, in two forms: a path for HTTP headers (ASCII, percent-encoded
//! UTF-8, resolved by the client against the request) and an absolute IRI under the publishing
//! base for statements in the data.
//!
//! A key may itself end in a suffix (`report.ttl`). The rule (see ARCHITECTURE.md): a path is
//! first taken whole as a key; only when nothing is published under the whole key is a known
//! suffix split off. So `/doc/x/report.ttl` is the negotiated document of `report.ttl`, and its
//! Turtle lives at `/doc/x/report.ttl.ttl`. When the suffix URL of a representation would name
//! another published thing (`a` and `a.ttl` both published), that representation is addressed
//! with `?format=` instead, so no URL ever serves two things.

use crate::formats::RdfRepresentation;
use crate::html::Lang;
use crate::profiles::Profile;
use jiyi_model::iri::iri_to_uri;

/// The addresses of one document's representations.
#[derive(Debug, Clone)]
pub struct DocAddress {
    /// `/doc/{kind}/{key}` in URI form (non-ASCII percent-encoded).
    path: String,
    /// `{base}doc/{kind}/{key}` in IRI form.
    iri: String,
    /// Representations whose suffix URL would name another thing.
    shadowed: Vec<RdfRepresentation>,
}

/// Which variant of the document an address names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Variant {
    /// `None`: the negotiated document (no suffix, no `format`).
    pub representation: Option<RdfRepresentation>,
    /// The profile (the default adds no parameter).
    pub profile: Profile,
    /// 1-based page (page 1 adds no parameter).
    pub page: usize,
    /// For HTML: the page language, when it should be fixed in the address.
    pub lang: Option<Lang>,
}

impl Variant {
    /// The negotiated, default-profile, first page: the document's own URL.
    pub fn plain() -> Self {
        Self {
            representation: None,
            profile: Profile::Full,
            page: 1,
            lang: None,
        }
    }
}

impl DocAddress {
    /// `base` ends in `/`; `doc_iri` is `{base}doc/…` as the URI policy mints it.
    pub fn new(base: &str, doc_iri: &str, shadowed: Vec<RdfRepresentation>) -> Self {
        let relative = doc_iri.strip_prefix(base).unwrap_or(doc_iri);
        Self {
            path: format!("/{}", iri_to_uri(relative)),
            iri: doc_iri.to_owned(),
            shadowed,
        }
    }

    /// The generic document IRI (`{base}doc/…`), subject of the document-level statements.
    pub fn iri(&self) -> &str {
        &self.iri
    }

    /// The path-form address of `variant`, for `Location`, `Content-Location` and `Link`.
    pub fn path(&self, variant: Variant) -> String {
        self.build(&self.path, variant)
    }

    /// The IRI-form address of `variant`, for statements in the data.
    pub fn iri_of(&self, variant: Variant) -> String {
        self.build(&self.iri, variant)
    }

    fn build(&self, stem: &str, variant: Variant) -> String {
        let mut out = stem.to_owned();
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(r) = variant.representation {
            if self.shadowed.contains(&r) {
                query.append_pair("format", r.suffix());
            } else {
                out.push('.');
                out.push_str(r.suffix());
            }
        }
        if variant.profile != Profile::Full {
            query.append_pair("_profile", variant.profile.token());
        }
        if variant.page > 1 {
            query.append_pair("page", &variant.page.to_string());
        }
        if let Some(lang) = variant.lang {
            query.append_pair("lang", lang.tag());
        }
        let query = query.finish();
        if !query.is_empty() {
            out.push('?');
            out.push_str(&query);
        }
        out
    }
}

/// Splits a known representation suffix off the last path segment (`X.ttl` → `X`, Turtle).
/// Only the seven document suffixes count, matched case-sensitively, and never an empty key.
pub fn split_suffix(path: &str) -> Option<(&str, RdfRepresentation)> {
    let (stem, suffix) = path.rsplit_once('.')?;
    if stem.is_empty() || stem.ends_with('/') || suffix.contains('/') {
        return None;
    }
    Some((stem, RdfRepresentation::from_suffix(suffix)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdfio::RdfFormat;

    const TTL: RdfRepresentation = RdfRepresentation::Rdf(RdfFormat::Turtle);

    #[test]
    fn addresses_carry_suffix_profile_page_and_language() {
        let a = DocAddress::new(
            "https://data.example.tw/",
            "https://data.example.tw/doc/object/DEMO-器物-0001",
            vec![],
        );
        assert_eq!(
            a.path(Variant::plain()),
            "/doc/object/DEMO-%E5%99%A8%E7%89%A9-0001"
        );
        let v = Variant {
            representation: Some(TTL),
            profile: Profile::LinkedArt,
            page: 3,
            lang: None,
        };
        assert_eq!(
            a.path(v),
            "/doc/object/DEMO-%E5%99%A8%E7%89%A9-0001.ttl?_profile=linked-art&page=3"
        );
        assert_eq!(
            a.iri_of(Variant {
                representation: None,
                ..v
            }),
            "https://data.example.tw/doc/object/DEMO-器物-0001?_profile=linked-art&page=3"
        );
        let html = Variant {
            representation: Some(RdfRepresentation::Html),
            lang: Some(Lang::En),
            ..Variant::plain()
        };
        assert_eq!(
            a.path(html),
            "/doc/object/DEMO-%E5%99%A8%E7%89%A9-0001.html?lang=en"
        );
    }

    #[test]
    fn a_shadowed_suffix_falls_back_to_the_format_parameter() {
        let a = DocAddress::new("http://h/", "http://h/doc/object/a", vec![TTL]);
        let v = Variant {
            representation: Some(TTL),
            ..Variant::plain()
        };
        assert_eq!(a.path(v), "/doc/object/a?format=ttl");
    }

    #[test]
    fn only_known_suffixes_split() {
        assert_eq!(split_suffix("object/a.ttl"), Some(("object/a", TTL)));
        assert_eq!(
            split_suffix("object/a.b.nt").map(|s| s.0),
            Some("object/a.b")
        );
        assert_eq!(split_suffix("object/a.json"), None);
        assert_eq!(split_suffix("object/.ttl"), None);
        assert_eq!(split_suffix("object/a.TTL"), None);
        assert_eq!(split_suffix("object.x/a"), None);
    }
}
