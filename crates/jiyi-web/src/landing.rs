//! The landing page: what is published here (each dataset's title, description, licence,
//! access class, triple and thing counts, examples) and where to start (the SPARQL page, the
//! VoID, the sitemap, dumps where a dataset announces them with `void:dataDump`).
//!
//! Counts come from [`crate::site_stats`] (cached), so the page costs a few label look-ups.

use crate::html::{Lang, LinkView, display_iri, format_count, lang_attr, link_href, pick_label};
use crate::site_stats::{DatasetStats, site_stats};
use crate::{AppState, WebError, query_param};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use jiyi_model::vocab::{DCTERMS, JIYI};
use oxrdf::{Literal, NamedNode, Term};
use serde::Serialize;

/// One dataset on the landing page.
#[derive(Serialize)]
struct DatasetView {
    /// The dataset's name (its feed and OAI set).
    name: String,
    title: String,
    title_lang: Option<String>,
    /// The dataset IRI, shown for citing.
    iri: String,
    /// Link to its document, when it has one.
    href: Option<String>,
    description: Option<String>,
    description_lang: Option<String>,
    licences: Vec<LinkView>,
    access_class: Option<String>,
    triples: String,
    things: String,
    modified: Option<String>,
    dumps: Vec<LinkView>,
    examples: Vec<LinkView>,
}

/// `GET /`.
pub async fn landing(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let lang = Lang::choose(
        query_param(&uri, "lang").as_deref(),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let worker = state.clone();
    let result = tokio::task::spawn_blocking(move || page(&worker, lang)).await;
    let page = match result {
        Ok(page) => page,
        Err(e) => Err(WebError::Internal(e.to_string())),
    };
    match page {
        Ok(html) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::VARY, "Accept-Language"),
            ],
            html,
        )
            .into_response(),
        Err(e) => e.respond(&headers),
    }
}

fn page(state: &AppState, lang: Lang) -> Result<String, WebError> {
    let stats = site_stats(state)?;
    let policy = state.policy();
    let store = state.store();
    let mut datasets = Vec::new();
    for dataset in &stats.datasets {
        let mut wanted: Vec<NamedNode> = dataset.examples.clone();
        wanted.push(dataset.iri.clone());
        let labels = store.labels(&wanted)?;
        let label = labels.get(&dataset.iri).and_then(|l| pick_label(l, lang));
        let descriptions: Vec<Literal> = literals(dataset, &format!("{DCTERMS}description"));
        let description = pick_label(&descriptions, lang);
        let examples = dataset
            .examples
            .iter()
            .map(|thing| {
                let label = labels.get(thing).and_then(|l| pick_label(l, lang));
                LinkView {
                    // Without a label (a statistical observation), the IRI's path says most.
                    text: label.map_or_else(
                        || {
                            thing
                                .as_str()
                                .strip_prefix(policy.base())
                                .unwrap_or(thing.as_str())
                                .to_owned()
                        },
                        |l| l.value().to_owned(),
                    ),
                    lang: label.and_then(|l| l.language().map(lang_attr)),
                    href: link_href(policy, thing.as_str())
                        .unwrap_or_else(|| thing.as_str().to_owned()),
                }
            })
            .collect();
        let links = |predicate: &str, name: &dyn Fn(&str) -> String| -> Vec<LinkView> {
            dataset
                .values(predicate)
                .filter_map(|t| match t {
                    Term::NamedNode(n) => Some(LinkView {
                        text: name(n.as_str()),
                        lang: None,
                        href: link_href(policy, n.as_str())?,
                    }),
                    _ => None,
                })
                .collect()
        };
        datasets.push(DatasetView {
            name: dataset.name.clone(),
            title: label.map_or_else(|| dataset.name.clone(), |l| l.value().to_owned()),
            title_lang: label
                .and_then(|l| l.language())
                .filter(|tag| !tag.eq_ignore_ascii_case(lang.tag()))
                .map(lang_attr),
            iri: dataset.iri.as_str().to_owned(),
            href: dataset
                .described
                .then(|| link_href(policy, dataset.iri.as_str()))
                .flatten(),
            description: description.map(|l| l.value().to_owned()),
            description_lang: description.and_then(|l| l.language().map(lang_attr)),
            licences: links(&format!("{DCTERMS}license"), &|iri| {
                crate::rights::licence_name(iri).map_or_else(|| iri.to_owned(), str::to_owned)
            }),
            access_class: dataset
                .values(&format!("{JIYI}accessClass"))
                .find_map(|t| match t {
                    Term::NamedNode(n) => Some(
                        crate::terms::term_name(n.as_str(), lang)
                            .map_or_else(|| display_iri(n.as_str()), str::to_owned),
                    ),
                    _ => None,
                }),
            triples: format_count(dataset.triples),
            things: format_count(dataset.entities),
            // The date of the last ingest is what a reader wants; the time is in the VoID.
            modified: dataset
                .modified
                .as_deref()
                .map(|m| m.get(..10).unwrap_or(m).to_owned()),
            dumps: dataset
                .dump_urls()
                .iter()
                .filter_map(|url| {
                    Some(LinkView {
                        text: url
                            .as_str()
                            .rsplit('/')
                            .next()
                            .unwrap_or(url.as_str())
                            .to_owned(),
                        lang: None,
                        href: link_href(policy, url.as_str())?,
                    })
                })
                .collect(),
            examples,
        });
    }
    state
        .templates()
        .get_template("landing.html")
        .and_then(|t| {
            t.render(minijinja::context! {
                lang => lang.tag(),
                other_lang => match lang { Lang::ZhHant => "en", Lang::En => "zh-Hant" },
                title => "Jiyi 記憶",
                datasets,
                dataset_count => stats.datasets.len(),
                total_triples => format_count(stats.total_triples),
                total_things => format_count(stats.things.len() as u64),
            })
        })
        .map_err(|e| WebError::Internal(format!("template: {e}")))
}

fn literals(dataset: &DatasetStats, predicate: &str) -> Vec<Literal> {
    dataset
        .values(predicate)
        .filter_map(|t| match t {
            Term::Literal(l) => Some(l.clone()),
            _ => None,
        })
        .collect()
}
