//! The landing page: what is published here and where to start.

use crate::html::{DatasetSummary, Lang, pick_label, render_landing};
use crate::{AppState, WebError, query_param};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use jiyi_store::{Query, QueryAnswer, QueryRequest};
use oxrdf::Term;

/// How many example things the landing page links per dataset.
const EXAMPLES: usize = 3;

/// `GET /`.
pub async fn landing(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let lang = Lang::choose(
        query_param(&uri, "lang").as_deref(),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let worker = state.clone();
    let result = tokio::task::spawn_blocking(move || summaries(&worker, lang)).await;
    let page = match result {
        Ok(Ok(datasets)) => render_landing(state.templates(), lang, &datasets)
            .map_err(|e| WebError::Internal(format!("template: {e}"))),
        Ok(Err(e)) => Err(e),
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

fn summaries(state: &AppState, lang: Lang) -> Result<Vec<DatasetSummary>, WebError> {
    let policy = state.policy();
    let store = state.store();
    let mut out = Vec::new();
    for graph in store.published_graphs()? {
        let Some(name) = policy.dataset_of_graph(graph.as_str()) else {
            continue;
        };
        let dataset = policy
            .dataset(name)
            .map_err(|e| WebError::Internal(e.to_string()))?;
        let labels = store.labels([&dataset])?;
        let title = labels
            .get(&dataset)
            .and_then(|l| pick_label(l, lang))
            .map_or_else(|| name.to_owned(), |l| l.value().to_owned());
        // A few things of the dataset's most common kind (objects, records…), not its
        // concepts or its own metadata.
        let query = format!(
            "SELECT ?s WHERE {{ GRAPH <{g}> {{ \
               {{ SELECT ?t (COUNT(?x) AS ?n) WHERE {{ ?x a ?t FILTER(STRSTARTS(STR(?x), \"{base}id/\") && !CONTAINS(STR(?x), \"#\")) }} \
                 GROUP BY ?t ORDER BY DESC(?n) LIMIT 1 }} \
               ?s a ?t FILTER(STRSTARTS(STR(?s), \"{base}id/\") && !CONTAINS(STR(?s), \"#\")) }} }} \
             ORDER BY ?s LIMIT {EXAMPLES}",
            g = graph.as_str(),
            base = policy.base(),
        );
        let mut examples = Vec::new();
        let query = Query::parse(&query, None)?;
        if let QueryAnswer::Solutions(solutions) = store.query(&QueryRequest::new(&query))? {
            let mut things = Vec::new();
            for solution in solutions {
                if let Some(Term::NamedNode(n)) = solution?.get("s") {
                    things.push(n.clone());
                }
            }
            let labels = store.labels(&things)?;
            for thing in things {
                let text = labels
                    .get(&thing)
                    .and_then(|l| pick_label(l, lang))
                    .map_or_else(|| thing.as_str().to_owned(), |l| l.value().to_owned());
                examples.push((thing.as_str().to_owned(), text));
            }
        }
        out.push(DatasetSummary {
            title,
            iri: dataset.as_str().to_owned(),
            triples: store.graph_len(graph.as_ref())?,
            examples,
        });
    }
    Ok(out)
}
