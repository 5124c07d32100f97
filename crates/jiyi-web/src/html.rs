//! Pages for people: server-side templates (minijinja), no JavaScript needed.
//!
//! Pages show labels in the reader's language (zh-Hant by default, English when the browser
//! prefers it or `?lang=en`), link every resource, and offer the other formats.

use jiyi_model::UriPolicy;
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

#[derive(Serialize)]
struct ValueView {
    /// "iri", "literal" or "blank".
    kind: &'static str,
    text: String,
    href: Option<String>,
    lang: Option<String>,
    datatype: Option<String>,
}

#[derive(Serialize)]
struct RowView {
    predicate: String,
    predicate_iri: String,
    values: Vec<ValueView>,
}

#[derive(Serialize)]
struct SectionView {
    anchor: String,
    title: String,
    iri: Option<String>,
    rows: Vec<RowView>,
}

#[derive(Serialize)]
struct LinkView {
    text: String,
    href: String,
}

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
    /// URI path of this document (ASCII, as requested), for format links.
    pub doc_path: &'a str,
    /// Interface language.
    pub lang: Lang,
    /// Licences and rights holders of the datasets the triples come from.
    pub rights: &'a crate::rights::DocumentRights,
}

/// The label of `node` in the page language from `triples` themselves (blank nodes and hash
/// IRIs have no label elsewhere).
fn label_in(triples: &[Triple], node: &NamedOrBlankNode, lang: Lang) -> Option<String> {
    let labels: Vec<Literal> = triples
        .iter()
        .filter(|t| &t.subject == node && LABEL_PROPERTIES.contains(&t.predicate.as_str()))
        .filter_map(|t| match &t.object {
            Term::Literal(l) => Some(l.clone()),
            _ => None,
        })
        .collect();
    pick_label(&labels, lang).map(|l| l.value().to_owned())
}

fn literal_view(l: &Literal) -> ValueView {
    let datatype = (l.language().is_none()
        && l.datatype().as_str() != format!("{}string", vocab::XSD))
    .then(|| display_iri(l.datatype().as_str()));
    ValueView {
        kind: "literal",
        text: l.value().to_owned(),
        href: None,
        lang: l.language().map(str::to_owned),
        datatype,
    }
}

fn display_iri(iri: &str) -> String {
    vocab::compact(iri).unwrap_or_else(|| iri.to_owned())
}

fn blank_anchor(id: &str) -> String {
    format!("bn-{id}")
}

/// Renders the page of one document.
pub fn render_document(
    env: &Environment<'_>,
    page: &DocumentPage<'_>,
    policy: &UriPolicy,
) -> Result<String, minijinja::Error> {
    let lang = page.lang;
    let label_of = |iri: &NamedNode| -> Option<String> {
        page.labels
            .get(iri)
            .and_then(|ls| pick_label(ls, lang))
            .map(|l| l.value().to_owned())
    };
    // Labels of blank nodes and hash IRIs come from the description itself.
    let local_label = |node: &NamedOrBlankNode| label_in(page.triples, node, lang);
    // Hash IRIs of this document are sections of this page: link their anchors.
    let hash_prefix = format!("{}#", page.thing.as_str());
    let term_view = |term: &Term| -> ValueView {
        match term {
            Term::NamedNode(n) => ValueView {
                kind: "iri",
                text: label_of(n)
                    .or_else(|| local_label(&n.clone().into()))
                    .unwrap_or_else(|| display_iri(n.as_str())),
                href: Some(
                    n.as_str()
                        .strip_prefix(&hash_prefix)
                        .map_or_else(|| n.as_str().to_owned(), |fragment| format!("#{fragment}")),
                ),
                lang: None,
                datatype: None,
            },
            Term::BlankNode(b) => ValueView {
                kind: "blank",
                text: local_label(&b.clone().into()).unwrap_or_else(|| format!("_:{}", b.as_str())),
                href: Some(format!("#{}", blank_anchor(b.as_str()))),
                lang: None,
                datatype: None,
            },
            Term::Literal(l) => literal_view(l),
            #[allow(unreachable_patterns)]
            _ => ValueView {
                kind: "literal",
                text: term.to_string(),
                href: None,
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
    for subject in &subjects {
        let mut rows: Vec<RowView> = Vec::new();
        for t in page.triples.iter().filter(|t| &t.subject == subject) {
            let value = term_view(&t.object);
            match rows
                .iter_mut()
                .find(|r| r.predicate_iri == t.predicate.as_str())
            {
                Some(row) => row.values.push(value),
                None => rows.push(RowView {
                    predicate: display_iri(t.predicate.as_str()),
                    predicate_iri: t.predicate.as_str().to_owned(),
                    values: vec![value],
                }),
            }
        }
        let (anchor, title, iri) = match subject {
            NamedOrBlankNode::NamedNode(n) => (
                n.as_str()
                    .rsplit_once('#')
                    .map_or_else(|| "top".to_owned(), |(_, f)| f.to_owned()),
                label_of(n)
                    .or_else(|| local_label(subject))
                    .unwrap_or_else(|| display_iri(n.as_str())),
                Some(n.as_str().to_owned()),
            ),
            NamedOrBlankNode::BlankNode(b) => (
                blank_anchor(b.as_str()),
                local_label(subject).unwrap_or_else(|| format!("_:{}", b.as_str())),
                None,
            ),
        };
        sections.push(SectionView {
            anchor,
            title,
            iri,
            rows,
        });
    }
    let title = sections
        .first()
        .map(|s| s.title.clone())
        .unwrap_or_default();
    let datasets: Vec<LinkView> = page
        .graphs
        .iter()
        .filter_map(|g| {
            let name = policy.dataset_of_graph(g.as_str())?;
            let dataset = policy.dataset(name).ok()?;
            Some(LinkView {
                text: label_of(&dataset).unwrap_or_else(|| name.to_owned()),
                href: dataset.as_str().to_owned(),
            })
        })
        .collect();
    let licences: Vec<LinkView> = page
        .rights
        .licences
        .iter()
        .map(|l| LinkView {
            text: crate::rights::licence_name(l.as_str())
                .map_or_else(|| l.as_str().to_owned(), str::to_owned),
            href: l.as_str().to_owned(),
        })
        .collect();
    let holders: Vec<String> = page
        .rights
        .holders
        .iter()
        .map(|h| {
            label_in(&page.rights.triples, h, lang).unwrap_or_else(|| match h {
                NamedOrBlankNode::NamedNode(n) => {
                    label_of(n).unwrap_or_else(|| display_iri(n.as_str()))
                }
                NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
            })
        })
        .collect();
    let formats: Vec<LinkView> = [
        ("Turtle", "ttl"),
        ("N-Triples", "nt"),
        ("JSON-LD", "jsonld"),
        ("RDF/XML", "rdf"),
        ("TriG", "trig"),
        ("N-Quads", "nq"),
    ]
    .into_iter()
    .map(|(text, short)| LinkView {
        text: text.into(),
        href: format!("{}?format={short}", page.doc_path),
    })
    .collect();
    env.get_template("document.html")?
        .render(minijinja::context! {
            lang => lang.tag(),
            other_lang => match lang { Lang::ZhHant => "en", Lang::En => "zh-Hant" },
            title,
            thing => page.thing.as_str(),
            sections,
            datasets,
            licences,
            holders,
            formats,
            doc_path => page.doc_path,
        })
}

/// One dataset on the landing page.
#[derive(Serialize)]
pub struct DatasetSummary {
    /// Title in the page language (or the name).
    pub title: String,
    /// Dataset IRI.
    pub iri: String,
    /// Triples in its graph.
    pub triples: usize,
    /// A few things to try.
    pub examples: Vec<(String, String)>,
}

/// Renders the landing page.
pub fn render_landing(
    env: &Environment<'_>,
    lang: Lang,
    datasets: &[DatasetSummary],
) -> Result<String, minijinja::Error> {
    env.get_template("landing.html")?
        .render(minijinja::context! {
            lang => lang.tag(),
            other_lang => match lang { Lang::ZhHant => "en", Lang::En => "zh-Hant" },
            title => "Jiyi 記憶",
            datasets,
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
            other_lang => match lang { Lang::ZhHant => "en", Lang::En => "zh-Hant" },
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
