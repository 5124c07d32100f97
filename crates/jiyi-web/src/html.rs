//! Pages for people: server-side templates (minijinja), no JavaScript needed.
//!
//! Pages show labels in the reader's language (zh-Hant by default, English when the browser
//! prefers it or `?lang=en`), link every resource, and offer the other formats.

use jiyi_model::UriPolicy;
use jiyi_model::iri::iri_to_uri;
use jiyi_model::vocab::{self, LABEL_PROPERTIES};
use minijinja::Environment;
use oxrdf::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use serde::Serialize;
use std::collections::HashMap;

/// The interface language of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Traditional Chinese, the default for Taiwanese collections.
    ZhHant,
    /// English.
    En,
}

impl Lang {
    /// `?lang=` wins; otherwise the first language of `Accept-Language` that we have.
    pub fn choose(param: Option<&str>, accept_language: Option<&str>) -> Self {
        let from_tag = |tag: &str| {
            let tag = tag.trim().to_ascii_lowercase();
            if tag.starts_with("en") {
                Some(Self::En)
            } else if tag.starts_with("zh") {
                Some(Self::ZhHant)
            } else {
                None
            }
        };
        if let Some(lang) = param.and_then(from_tag) {
            return lang;
        }
        let mut ranked: Vec<(f32, &str)> = accept_language
            .unwrap_or("")
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse().ok()))
                    .unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked
            .into_iter()
            .find_map(|(_, tag)| from_tag(tag))
            .unwrap_or(Self::ZhHant)
    }

    /// BCP 47 tag for `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Self::ZhHant => "zh-Hant",
            Self::En => "en",
        }
    }
}

/// Picks the label to show: the reader's language, then the other of our two, then any.
pub fn pick_label(labels: &[Literal], lang: Lang) -> Option<&Literal> {
    let has = |l: &&Literal, prefix: &str| {
        l.language()
            .is_some_and(|t| t.to_ascii_lowercase().starts_with(prefix))
    };
    let (first, second) = match lang {
        Lang::ZhHant => ("zh", "en"),
        Lang::En => ("en", "zh"),
    };
    labels
        .iter()
        .find(|l| has(l, first))
        .or_else(|| labels.iter().find(|l| l.language().is_none()))
        .or_else(|| labels.iter().find(|l| has(l, second)))
        .or_else(|| labels.first())
}

/// Builds the template environment once at start-up.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // minijinja's HTML escaping also escapes `/`, which turns every IRI in an href into
    // `https:&#x2f;&#x2f;…`: valid, but unreadable in the page source that linked-data people
    // read. Escape only what HTML requires.
    env.set_formatter(|out, state, value| {
        if state.auto_escape() == minijinja::AutoEscape::Html
            && !value.is_safe()
            && let Some(text) = value.as_str()
        {
            return out
                .write_str(&crate::error::html_escape(text))
                .map_err(|e| {
                    minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())
                });
        }
        minijinja::escape_formatter(out, state, value)
    });
    for (name, source) in [
        ("base.html", include_str!("../templates/base.html")),
        ("document.html", include_str!("../templates/document.html")),
        ("landing.html", include_str!("../templates/landing.html")),
        ("sparql.html", include_str!("../templates/sparql.html")),
    ] {
        // The templates are part of the binary; a syntax error is a build bug caught by tests.
        if let Err(e) = env.add_template(name, source) {
            tracing::error!("template {name}: {e}");
        }
    }
    env
}

/// One value in a property row.
#[derive(Serialize)]
struct ValueView {
    /// "iri", "literal" or "blank".
    kind: &'static str,
    text: String,
    /// Language of `text` when it is not the page's (a label or literal with a tag).
    text_lang: Option<String>,
    href: Option<String>,
    /// The IRI itself, shown on hover, for IRIs.
    title: Option<String>,
    /// The literal's language tag, shown after it.
    lang: Option<String>,
    datatype: Option<String>,
}

#[derive(Serialize)]
struct RowView {
    predicate: String,
    predicate_iri: String,
    predicate_title: String,
    values: Vec<ValueView>,
}

#[derive(Serialize)]
struct SectionView {
    anchor: String,
    title: String,
    title_lang: Option<String>,
    iri: Option<String>,
    rows: Vec<RowView>,
}

/// A link with its text, for templates.
#[derive(Serialize)]
pub struct LinkView {
    /// The link text.
    pub text: String,
    /// Language of the text when known.
    pub lang: Option<String>,
    /// Where it points.
    pub href: String,
}

#[derive(Serialize)]
struct ImageView {
    src: String,
    alt: String,
    caption: Option<String>,
    caption_lang: Option<String>,
}

#[derive(Serialize)]
struct AlternateView {
    text: &'static str,
    media_type: &'static str,
    href: String,
}

/// The representations a page links to: `(name, short format, media type)`.
const ALTERNATES: &[(&str, &str, &str)] = &[
    ("Turtle", "ttl", "text/turtle"),
    ("N-Triples", "nt", "application/n-triples"),
    ("JSON-LD", "jsonld", "application/ld+json"),
    ("RDF/XML", "rdf", "application/rdf+xml"),
    ("TriG", "trig", "application/trig"),
    ("N-Quads", "nq", "application/n-quads"),
];

/// Everything the document page needs, gathered by the handler.
pub struct DocumentPage<'a> {
    /// The thing described.
    pub thing: &'a NamedNode,
    /// Its description (own triples and closure).
    pub triples: &'a [Triple],
    /// Labels of linked resources and of the thing itself.
    pub labels: &'a HashMap<NamedNode, Vec<Literal>>,
    /// Datasets (graphs) the triples came from.
    pub graphs: &'a [NamedNode],
    /// URI path of this page as requested; format links use the thing's document path
    /// instead when the thing has one, so `/doc/x.html` does not yield `/doc/x.html?format=ttl`.
    pub doc_path: &'a str,
    /// Interface language.
    pub lang: Lang,
    /// Licences and rights holders of the datasets the triples come from.
    pub rights: &'a crate::rights::DocumentRights,
    /// Where this page sits in a paged description (empty for a document of one page).
    pub paging: &'a PageLinks,
}

/// Links between the pages of a large description, for people: the same pages the `Link`
/// headers and Hydra statements name, as paths in the page's language and format.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PageLinks {
    /// This page's number (1-based); 0 when the description is not paged.
    pub number: usize,
    /// The first page, when this is not it.
    pub first: Option<String>,
    /// The page before.
    pub prev: Option<String>,
    /// The page after, when there is more.
    pub next: Option<String>,
}

/// The label of `node` in the page language from `triples` themselves (blank nodes and hash
/// IRIs have no label elsewhere).
fn label_in(triples: &[Triple], node: &NamedOrBlankNode, lang: Lang) -> Option<Literal> {
    let labels: Vec<Literal> = triples
        .iter()
        .filter(|t| &t.subject == node && LABEL_PROPERTIES.contains(&t.predicate.as_str()))
        .filter_map(|t| match &t.object {
            Term::Literal(l) => Some(l.clone()),
            _ => None,
        })
        .collect();
    pick_label(&labels, lang).cloned()
}

fn literal_view(l: &Literal) -> ValueView {
    let datatype = (l.language().is_none()
        && l.datatype().as_str() != format!("{}string", vocab::XSD))
    .then(|| display_iri(l.datatype().as_str()));
    ValueView {
        kind: "literal",
        text: l.value().to_owned(),
        text_lang: lang_of(l),
        href: None,
        title: None,
        lang: l.language().map(lang_attr),
        datatype,
    }
}

/// The `lang` attribute of a text taken from a literal: its own tag, always given for tagged
/// text, so `zh-Hant` inside an English page and `en` inside a Chinese page are both marked
/// (screen readers switch voice on it, browsers pick the font).
fn lang_of(l: &Literal) -> Option<String> {
    l.language().map(lang_attr)
}

/// A language tag in the case conventions of RFC 5646 §2.1.1 (`zh-Hant`, `zh-Hant-TW`, `en-GB`),
/// for `lang` attributes. The store lowercases tags (`zh-hant`); case does not change their
/// meaning, but the page should read like one written by hand.
pub fn lang_attr(tag: &str) -> String {
    tag.split('-')
        .enumerate()
        .map(|(i, part)| {
            if i > 0 && part.len() == 4 && part.chars().all(|c| c.is_ascii_alphabetic()) {
                let mut chars = part.chars();
                chars.next().map_or_else(String::new, |c| {
                    c.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
                })
            } else if i > 0 && part.len() == 2 {
                part.to_ascii_uppercase()
            } else {
                part.to_ascii_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Compact form of an IRI for display (`crm:P45_consists_of`).
pub fn display_iri(iri: &str) -> String {
    vocab::compact(iri).unwrap_or_else(|| iri.to_owned())
}

fn blank_anchor(id: &str) -> String {
    format!("bn-{id}")
}

/// Where a link to `iri` should point from a page of this site. Our things link to their
/// documents by path (`/doc/…`: one redirect fewer than `/id/…`, and it works whatever host
/// serves the pages); other IRIs under the base by path too; web IRIs of others as they are.
/// Schemes a browser would run (`javascript:`) or cannot follow get no link at all.
pub fn link_href(policy: &UriPolicy, iri: &str) -> Option<String> {
    let base = policy.base();
    if let Some(doc) = policy.document_of(iri) {
        let fragment = iri.split_once('#').map(|(_, f)| f);
        let path = doc.strip_prefix(base).unwrap_or(&doc);
        return Some(match fragment {
            Some(f) => format!("/{path}#{f}"),
            None => format!("/{path}"),
        });
    }
    if let Some(rest) = iri.strip_prefix(base) {
        return Some(format!("/{rest}"));
    }
    let lower = iri.get(..8).unwrap_or(iri).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:"))
        .then(|| iri.to_owned())
}

/// Namespaces in the order their rows appear: the published profile first, then the
/// properties for simple harvesters and search engines.
const ROW_NAMESPACES: &[&str] = &[
    vocab::CRM,
    vocab::LA,
    vocab::RICO,
    vocab::SKOS,
    "http://purl.org/linked-data/cube#",
    vocab::DCAT,
    vocab::DCTERMS,
    "http://purl.org/dc/elements/1.1/",
    vocab::SCHEMA,
    "http://schema.org/",
];

/// Where a property's row goes: `rdf:type`, then the label properties, then by vocabulary and
/// by local name with numbers compared as numbers (`P2` before `P10`, as CIDOC-CRM counts).
fn row_key(predicate: &str) -> (usize, usize, String, u64, String) {
    if predicate == format!("{}type", vocab::RDF) {
        return (0, 0, String::new(), 0, String::new());
    }
    if let Some(i) = LABEL_PROPERTIES.iter().position(|p| *p == predicate) {
        return (1, i, String::new(), 0, String::new());
    }
    let (rank, local) = ROW_NAMESPACES
        .iter()
        .enumerate()
        .find_map(|(i, ns)| predicate.strip_prefix(ns).map(|l| (i, l)))
        .unwrap_or((ROW_NAMESPACES.len(), predicate));
    let prefix_end = local
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(local.len());
    let (prefix, rest) = local.split_at(prefix_end);
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let number = rest[..digits_end].parse().unwrap_or(0);
    (
        2,
        rank,
        prefix.to_owned(),
        number,
        rest[digits_end..].to_owned(),
    )
}

/// Orders a section's rows (see [`row_key`]) and each row's values (literals in the page's
/// language first, then untagged ones, then the others); two properties with the same name
/// (`dcterms:description`, `schema:description`) get their vocabulary after it.
fn order_rows(rows: &mut [RowView], lang: Lang) {
    rows.sort_by_cached_key(|r| row_key(&r.predicate_iri));
    for row in rows.iter_mut() {
        row.values.sort_by_key(|v| match &v.lang {
            Some(tag) if tag.eq_ignore_ascii_case(lang.tag()) => 0,
            None => 1,
            Some(_) => 2,
        });
    }
    let names: Vec<String> = rows.iter().map(|r| r.predicate.clone()).collect();
    for row in rows.iter_mut() {
        if names.iter().filter(|n| **n == row.predicate).count() > 1
            && let Some((prefix, _)) = row.predicate_title.split_once(':')
            && !row.predicate_title.contains("://")
        {
            row.predicate = format!("{} ({prefix})", row.predicate);
        }
    }
}

/// A count with thousands separators (12,345), the same in both page languages.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The name of the other interface language, for the language switch.
fn other_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhHant => "en",
        Lang::En => "zh-Hant",
    }
}

/// Renders the page of one document.
pub fn render_document(
    env: &Environment<'_>,
    page: &DocumentPage<'_>,
    policy: &UriPolicy,
) -> Result<String, minijinja::Error> {
    let lang = page.lang;
    let label_of = |iri: &NamedNode| -> Option<Literal> {
        page.labels
            .get(iri)
            .and_then(|ls| pick_label(ls, lang))
            .cloned()
    };
    // Labels of blank nodes and hash IRIs come from the description itself.
    let local_label = |node: &NamedOrBlankNode| label_in(page.triples, node, lang);
    // Hash IRIs of this document are sections of this page: link their anchors.
    let hash_prefix = format!("{}#", page.thing.as_str());
    let term_view = |term: &Term| -> ValueView {
        match term {
            Term::NamedNode(n) => {
                let label = label_of(n).or_else(|| local_label(&n.clone().into()));
                let (text, text_lang) = match &label {
                    Some(l) => (l.value().to_owned(), lang_of(l)),
                    None => (
                        crate::terms::term_name(n.as_str(), lang)
                            .map_or_else(|| display_iri(n.as_str()), str::to_owned),
                        None,
                    ),
                };
                ValueView {
                    kind: "iri",
                    text,
                    text_lang,
                    href: match n.as_str().strip_prefix(&hash_prefix) {
                        Some(fragment) => Some(format!("#{fragment}")),
                        None => link_href(policy, n.as_str()),
                    },
                    title: Some(n.as_str().to_owned()),
                    lang: None,
                    datatype: None,
                }
            }
            Term::BlankNode(b) => {
                let label = local_label(&b.clone().into());
                ValueView {
                    kind: "blank",
                    text: label
                        .as_ref()
                        .map_or_else(|| format!("_:{}", b.as_str()), |l| l.value().to_owned()),
                    text_lang: label.as_ref().and_then(lang_of),
                    href: Some(format!("#{}", blank_anchor(b.as_str()))),
                    title: None,
                    lang: None,
                    datatype: None,
                }
            }
            Term::Literal(l) => literal_view(l),
            #[allow(unreachable_patterns)]
            _ => ValueView {
                kind: "literal",
                text: term.to_string(),
                text_lang: None,
                href: None,
                title: None,
                lang: None,
                datatype: None,
            },
        }
    };

    // Subjects in order of first appearance, the thing itself first.
    let main: NamedOrBlankNode = page.thing.clone().into();
    let mut subjects: Vec<NamedOrBlankNode> = vec![main.clone()];
    for t in page.triples {
        if !subjects.contains(&t.subject) {
            subjects.push(t.subject.clone());
        }
    }
    let mut sections = Vec::new();
    for (index, subject) in subjects.iter().enumerate() {
        let mut rows: Vec<RowView> = Vec::new();
        for t in page.triples.iter().filter(|t| &t.subject == subject) {
            let value = term_view(&t.object);
            match rows
                .iter_mut()
                .find(|r| r.predicate_iri == t.predicate.as_str())
            {
                Some(row) => row.values.push(value),
                None => rows.push(RowView {
                    predicate: crate::terms::term_name(t.predicate.as_str(), lang)
                        .map_or_else(|| display_iri(t.predicate.as_str()), str::to_owned),
                    predicate_iri: t.predicate.as_str().to_owned(),
                    predicate_title: display_iri(t.predicate.as_str()),
                    values: vec![value],
                }),
            }
        }
        order_rows(&mut rows, lang);
        let (anchor, label, fallback, iri) = match subject {
            NamedOrBlankNode::NamedNode(n) => (
                // The thing is `#top`, its hash IRIs their fragments (the links above point
                // there), any other subject a position (fragments of other IRIs may repeat).
                if n == page.thing {
                    "top".to_owned()
                } else if let Some(fragment) = n.as_str().strip_prefix(&hash_prefix) {
                    fragment.to_owned()
                } else {
                    format!("r{index}")
                },
                label_of(n).or_else(|| local_label(subject)),
                display_iri(n.as_str()),
                Some(n.as_str().to_owned()),
            ),
            NamedOrBlankNode::BlankNode(b) => (
                blank_anchor(b.as_str()),
                local_label(subject),
                format!("_:{}", b.as_str()),
                None,
            ),
        };
        sections.push(SectionView {
            anchor,
            title: label.as_ref().map_or(fallback, |l| l.value().to_owned()),
            // A heading inherits the page's language; it says so only when it differs.
            title_lang: label
                .as_ref()
                .and_then(lang_of)
                .filter(|tag| !tag.eq_ignore_ascii_case(lang.tag())),
            iri,
            rows,
        });
    }
    let (title, title_lang) = sections
        .first()
        .map(|s| (s.title.clone(), s.title_lang.clone()))
        .unwrap_or_default();
    let dataset_iris: Vec<NamedNode> = page
        .graphs
        .iter()
        .filter_map(|g| policy.dataset(policy.dataset_of_graph(g.as_str())?).ok())
        .collect();
    let datasets: Vec<LinkView> = dataset_iris
        .iter()
        .map(|dataset| {
            let label = label_of(dataset);
            LinkView {
                text: label.as_ref().map_or_else(
                    || {
                        dataset
                            .as_str()
                            .rsplit('/')
                            .next()
                            .unwrap_or_default()
                            .to_owned()
                    },
                    |l| l.value().to_owned(),
                ),
                lang: label.as_ref().and_then(lang_of),
                href: link_href(policy, dataset.as_str())
                    .unwrap_or_else(|| dataset.as_str().to_owned()),
            }
        })
        .collect();
    let licences: Vec<LinkView> = page
        .rights
        .licences
        .iter()
        .map(|l| LinkView {
            text: crate::rights::licence_name(l.as_str())
                .map_or_else(|| l.as_str().to_owned(), str::to_owned),
            lang: None,
            href: l.as_str().to_owned(),
        })
        .collect();
    let holders: Vec<LinkView> = page
        .rights
        .holders
        .iter()
        .map(|h| {
            let label = label_in(&page.rights.triples, h, lang).or_else(|| match h {
                NamedOrBlankNode::NamedNode(n) => label_of(n),
                NamedOrBlankNode::BlankNode(_) => None,
            });
            let fallback = match h {
                NamedOrBlankNode::NamedNode(n) => display_iri(n.as_str()),
                NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
            };
            LinkView {
                text: label.as_ref().map_or(fallback, |l| l.value().to_owned()),
                lang: label.as_ref().and_then(lang_of),
                href: match h {
                    NamedOrBlankNode::NamedNode(n) => {
                        link_href(policy, n.as_str()).unwrap_or_default()
                    }
                    NamedOrBlankNode::BlankNode(_) => String::new(),
                },
            }
        })
        .collect();
    // Format links name the document, whatever form of it was requested.
    let document = policy.document_of(page.thing.as_str());
    let format_base = document
        .as_deref()
        .and_then(|d| link_href(policy, d))
        .map_or_else(|| page.doc_path.to_owned(), |p| iri_to_uri(&p));
    let alternates: Vec<AlternateView> = ALTERNATES
        .iter()
        .map(|(text, short, media_type)| AlternateView {
            text,
            media_type,
            // The same page of a paged description, in another format.
            href: if page.paging.number > 1 {
                format!("{format_base}?format={short}&page={}", page.paging.number)
            } else {
                format!("{format_base}?format={short}")
            },
        })
        .collect();
    let found_images = crate::images::images_of(page.thing, page.triples);
    let images: Vec<ImageView> = found_images
        .iter()
        .cloned()
        .map(|i| ImageView {
            alt: match lang {
                Lang::En => format!("Image of {title}"),
                Lang::ZhHant => format!("{title}的圖像"),
            },
            src: i.src,
            caption: i.caption,
            caption_lang: i.caption_lang,
        })
        .collect();
    let jsonld = crate::schema_org::Embed {
        thing: page.thing,
        triples: page.triples,
        labels: page.labels,
        page: document.as_deref(),
        datasets: &dataset_iris,
        licences: &page.rights.licences,
        images: &found_images,
    }
    .to_json();
    env.get_template("document.html")?
        .render(minijinja::context! {
            lang => lang.tag(),
            other_lang => other_lang(lang),
            title,
            title_lang,
            thing => page.thing.as_str(),
            sections,
            datasets,
            licences,
            holders,
            alternates,
            images,
            paging => page.paging,
            jsonld => minijinja::Value::from_safe_string(crate::schema_org::script_safe(&jsonld)),
        })
}

/// Renders the SPARQL query page, stating the endpoint's limits.
pub fn render_sparql_page(
    env: &Environment<'_>,
    lang: Lang,
    examples: &[(&str, String)],
    config: &crate::Config,
) -> Result<String, minijinja::Error> {
    let limits = &config.limits;
    let prefixes: String = jiyi_model::vocab::PREFIXES
        .iter()
        .map(|(p, ns)| format!("PREFIX {p}: <{ns}>\n"))
        .collect();
    env.get_template("sparql.html")?
        .render(minijinja::context! {
            lang => lang.tag(),
            other_lang => other_lang(lang),
            title => "SPARQL",
            examples,
            default_query => examples.first().map(|(_, q)| q.clone()).unwrap_or_default(),
            prefixes,
            timeout_seconds => limits.query_timeout.as_secs_f64(),
            max_results => limits.max_results,
            max_concurrent => limits.max_concurrent_queries,
            max_body => limits.max_request_body,
            union => config.union_default_graph,
            yasgui => config.yasgui_dir.is_some(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_choice_honours_param_then_accept_language() {
        assert_eq!(Lang::choose(None, None), Lang::ZhHant);
        assert_eq!(Lang::choose(None, Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(
            Lang::choose(None, Some("fr, en;q=0.5, zh-TW;q=0.8")),
            Lang::ZhHant
        );
        assert_eq!(Lang::choose(Some("en"), Some("zh-TW")), Lang::En);
    }

    #[test]
    fn rows_follow_the_profile_and_number_properties_as_numbers() {
        let mut keys: Vec<&str> = vec![
            "https://schema.org/name",
            "http://www.cidoc-crm.org/cidoc-crm/P108i_was_produced_by",
            "http://purl.org/dc/terms/description",
            "http://www.cidoc-crm.org/cidoc-crm/P2_has_type",
            "http://www.w3.org/2000/01/rdf-schema#label",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            "http://www.cidoc-crm.org/cidoc-crm/P45_consists_of",
            "http://example.org/other",
        ];
        keys.sort_by_key(|k| row_key(k));
        assert_eq!(
            keys,
            vec![
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                "http://www.w3.org/2000/01/rdf-schema#label",
                "https://schema.org/name",
                "http://www.cidoc-crm.org/cidoc-crm/P2_has_type",
                "http://www.cidoc-crm.org/cidoc-crm/P45_consists_of",
                "http://www.cidoc-crm.org/cidoc-crm/P108i_was_produced_by",
                "http://purl.org/dc/terms/description",
                "http://example.org/other",
            ]
        );
    }

    #[test]
    fn language_tags_are_written_in_their_conventional_case() {
        assert_eq!(lang_attr("zh-hant"), "zh-Hant");
        assert_eq!(lang_attr("ZH-HANT-tw"), "zh-Hant-TW");
        assert_eq!(lang_attr("en-gb"), "en-GB");
        assert_eq!(lang_attr("en"), "en");
        assert_eq!(lang_attr("sgn-be-fr"), "sgn-BE-FR");
    }

    #[test]
    fn labels_prefer_the_reader_language() {
        let labels = vec![
            Literal::new_language_tagged_literal_unchecked("Jadeite Cabbage", "en"),
            Literal::new_language_tagged_literal_unchecked("翠玉白菜", "zh-hant"),
        ];
        assert_eq!(
            pick_label(&labels, Lang::ZhHant).map(Literal::value),
            Some("翠玉白菜")
        );
        assert_eq!(
            pick_label(&labels, Lang::En).map(Literal::value),
            Some("Jadeite Cabbage")
        );
        assert_eq!(
            pick_label(&labels[..1], Lang::ZhHant).map(Literal::value),
            Some("Jadeite Cabbage")
        );
    }
}
