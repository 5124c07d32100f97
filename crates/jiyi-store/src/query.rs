//! SPARQL evaluation over the published graphs.

use crate::model::{GraphName, NamedNode, NamedOrBlankNode, QuerySolution, Triple, Variable};
use crate::{Store, StoreError};
use oxigraph::sparql::{QueryResults, QuerySolutionIter, QueryTripleIter, SparqlEvaluator};

/// One query and the dataset it runs on, as the SPARQL 1.1 Protocol describes it.
#[derive(Debug, Clone, Default)]
pub struct QueryRequest<'a> {
    /// The query text.
    pub query: &'a str,
    /// `default-graph-uri` parameters; when this or `named_graph_uris` is non-empty they
    /// override the query's own FROM / FROM NAMED (SPARQL 1.1 Protocol §2.1.4).
    pub default_graph_uris: Vec<NamedNode>,
    /// `named-graph-uri` parameters.
    pub named_graph_uris: Vec<NamedNode>,
    /// Whether the service's default graph is the union of all published graphs (DESIGN.md:
    /// on by default, so researchers need no GRAPH clause); when off it is the store's
    /// default graph, which ingest leaves empty.
    pub union_default_graph: bool,
}

/// The answer to a query, streamed: nothing is collected in memory here.
pub enum QueryAnswer {
    /// ASK.
    Boolean(bool),
    /// SELECT.
    Solutions(SolutionStream),
    /// CONSTRUCT and DESCRIBE.
    Graph(GraphStream),
}

/// SELECT solutions as they are computed.
pub struct SolutionStream {
    inner: QuerySolutionIter<'static>,
}

impl SolutionStream {
    /// The projected variables, in order (needed for result headers before any row).
    pub fn variables(&self) -> &[Variable] {
        self.inner.variables()
    }
}

impl Iterator for SolutionStream {
    type Item = Result<QuerySolution, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(
            self.inner
                .next()?
                .map_err(|e| StoreError::QueryEvaluation(e.to_string())),
        )
    }
}

/// CONSTRUCT/DESCRIBE triples as they are computed.
pub struct GraphStream {
    inner: QueryTripleIter<'static>,
}

impl Iterator for GraphStream {
    type Item = Result<Triple, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(
            self.inner
                .next()?
                .map_err(|e| StoreError::QueryEvaluation(e.to_string())),
        )
    }
}

impl Store {
    /// Parses and starts evaluating a query. Evaluation continues lazily as the answer is read,
    /// on a snapshot taken now. SERVICE calls are refused: a public endpoint must not make
    /// outgoing requests on a stranger's behalf.
    pub fn query(&self, request: &QueryRequest<'_>) -> Result<QueryAnswer, StoreError> {
        // Oxigraph is built without its `http-client` feature, so SERVICE has no handler and fails.
        let mut prepared = SparqlEvaluator::new()
            .parse_query(request.query)
            .map_err(|e| StoreError::QuerySyntax(e.to_string()))?;
        let dataset = prepared.dataset_mut();
        if !request.default_graph_uris.is_empty() || !request.named_graph_uris.is_empty() {
            dataset.set_default_graph(
                request
                    .default_graph_uris
                    .iter()
                    .cloned()
                    .map(GraphName::from)
                    .collect(),
            );
            dataset.set_available_named_graphs(
                request
                    .named_graph_uris
                    .iter()
                    .cloned()
                    .map(NamedOrBlankNode::from)
                    .collect(),
            );
        } else if dataset.is_default_dataset() {
            let published = self.published_graphs()?;
            if request.union_default_graph {
                dataset.set_default_graph(published.iter().cloned().map(GraphName::from).collect());
            }
            dataset.set_available_named_graphs(
                published.into_iter().map(NamedOrBlankNode::from).collect(),
            );
        }
        let results = prepared
            .on_store(&self.inner)
            .execute()
            .map_err(|e| StoreError::QueryEvaluation(e.to_string()))?;
        Ok(match results {
            QueryResults::Boolean(b) => QueryAnswer::Boolean(b),
            QueryResults::Solutions(inner) => QueryAnswer::Solutions(SolutionStream { inner }),
            QueryResults::Graph(inner) => QueryAnswer::Graph(GraphStream { inner }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Literal;

    fn store_with_two_graphs() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        for (g, o) in [("a", "1"), ("b", "2")] {
            let graph = NamedNode::new_unchecked(format!("http://ex/graph/{g}"));
            let mut r = store.replace_graph(graph.as_ref()).expect("start");
            r.add(Triple::new(
                NamedNode::new_unchecked(format!("http://ex/{g}")),
                NamedNode::new_unchecked("http://ex/p"),
                Literal::new_simple_literal(o),
            ))
            .expect("add");
            r.commit().expect("commit");
        }
        store.bind_base_iri("http://ex/").expect("base");
        (dir, store)
    }

    fn count(store: &Store, request: QueryRequest<'_>) -> usize {
        match store.query(&request).expect("query") {
            QueryAnswer::Solutions(s) => s.collect::<Result<Vec<_>, _>>().expect("rows").len(),
            _ => panic!("expected solutions"),
        }
    }

    #[test]
    fn default_graph_is_the_union_of_published_graphs_only() {
        let (_dir, store) = store_with_two_graphs();
        let q = "SELECT * WHERE { ?s ?p ?o }";
        let union = QueryRequest {
            query: q,
            union_default_graph: true,
            ..Default::default()
        };
        // Two data triples; the settings graph (base IRI) is not visible.
        assert_eq!(count(&store, union), 2);
        let plain = QueryRequest {
            query: q,
            union_default_graph: false,
            ..Default::default()
        };
        assert_eq!(count(&store, plain), 0);
        let graphs = QueryRequest {
            query: "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            union_default_graph: true,
            ..Default::default()
        };
        assert_eq!(count(&store, graphs), 2);
    }

    #[test]
    fn protocol_dataset_overrides_and_syntax_errors_are_reported() {
        let (_dir, store) = store_with_two_graphs();
        let only_a = QueryRequest {
            query: "SELECT * WHERE { ?s ?p ?o }",
            default_graph_uris: vec![NamedNode::new_unchecked("http://ex/graph/a")],
            union_default_graph: true,
            ..Default::default()
        };
        assert_eq!(count(&store, only_a), 1);
        let from_b = QueryRequest {
            query: "SELECT * FROM <http://ex/graph/b> WHERE { ?s ?p ?o }",
            union_default_graph: true,
            ..Default::default()
        };
        assert_eq!(count(&store, from_b), 1);
        let bad = QueryRequest {
            query: "SELEC * WHERE {",
            ..Default::default()
        };
        assert!(matches!(store.query(&bad), Err(StoreError::QuerySyntax(_))));
        let ask = QueryRequest {
            query: "ASK { ?s ?p \"2\" }",
            union_default_graph: true,
            ..Default::default()
        };
        assert!(matches!(
            store.query(&ask).expect("ask"),
            QueryAnswer::Boolean(true)
        ));
        let service = QueryRequest {
            query: "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
            ..Default::default()
        };
        let refused = match store.query(&service) {
            Err(e) => Some(e),
            Ok(QueryAnswer::Solutions(mut s)) => s.next().and_then(Result::err),
            Ok(_) => None,
        };
        assert!(refused.is_some(), "SERVICE must not be evaluated");
    }
}
