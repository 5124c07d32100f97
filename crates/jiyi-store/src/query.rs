//! SPARQL evaluation over the published graphs.

use crate::model::{GraphName, NamedNode, NamedOrBlankNode, QuerySolution, Triple, Variable};
use crate::{Store, StoreError};
use oxigraph::sparql::{
    CancellationToken, QueryEvaluationError, QueryResults, QuerySolutionIter, QueryTripleIter,
    SparqlEvaluator,
};
use spargebra::algebra::GraphPattern;

/// The four query forms; the web layer picks result formats by form before evaluating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryForm {
    /// SELECT: solutions.
    Select,
    /// ASK: a boolean.
    Ask,
    /// CONSTRUCT: triples.
    Construct,
    /// DESCRIBE: triples.
    Describe,
}

/// A parsed SPARQL query: parsing once lets the caller check the form and the size bound
/// before spending anything on evaluation.
#[derive(Debug, Clone)]
pub struct Query {
    inner: spargebra::Query,
}

impl Query {
    /// Parses query text; the error message says where the syntax breaks. Relative IRIs
    /// resolve against `base_iri` (a service's base: the protocol has no parameter for it).
    pub fn parse(text: &str, base_iri: Option<&str>) -> Result<Self, StoreError> {
        let mut parser = spargebra::SparqlParser::new();
        if let Some(base) = base_iri {
            parser = parser
                .with_base_iri(base)
                .map_err(|e| StoreError::QuerySyntax(format!("base IRI <{base}>: {e}")))?;
        }
        parser
            .parse_query(text)
            .map(|inner| Self { inner })
            .map_err(|e| StoreError::QuerySyntax(e.to_string()))
    }

    /// SELECT, ASK, CONSTRUCT or DESCRIBE.
    pub fn form(&self) -> QueryForm {
        match &self.inner {
            spargebra::Query::Select { .. } => QueryForm::Select,
            spargebra::Query::Ask { .. } => QueryForm::Ask,
            spargebra::Query::Construct { .. } => QueryForm::Construct,
            spargebra::Query::Describe { .. } => QueryForm::Describe,
        }
    }

    /// An upper bound on the number of solutions (SELECT) or triples (CONSTRUCT) the query
    /// can return, known from a top-level LIMIT; `None` when unbounded (DESCRIBE always is).
    /// A server with a result cap can stream such queries without buffering.
    pub fn result_bound(&self) -> Option<u64> {
        let limit = |pattern: &GraphPattern| match pattern {
            GraphPattern::Slice {
                length: Some(n), ..
            } => u64::try_from(*n).ok(),
            _ => None,
        };
        match &self.inner {
            spargebra::Query::Select { pattern, .. } => limit(pattern),
            spargebra::Query::Ask { .. } => Some(1),
            spargebra::Query::Construct {
                template, pattern, ..
            } => limit(pattern)?.checked_mul(u64::try_from(template.len()).ok()?),
            spargebra::Query::Describe { .. } => None,
        }
    }
}

/// Stops a running query from another thread (a timeout, a client that went away).
#[derive(Clone, Default)]
pub struct QueryCancel(CancellationToken);

impl QueryCancel {
    /// A token that nothing has cancelled yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes the evaluation fail with [`StoreError::QueryCancelled`] at its next check.
    pub fn cancel(&self) {
        self.0.cancel();
    }

    /// Whether [`Self::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

/// One query and the dataset it runs on, as the SPARQL 1.1 Protocol describes it.
#[derive(Clone)]
pub struct QueryRequest<'a> {
    /// The parsed query.
    pub query: &'a Query,
    /// `default-graph-uri` parameters; when this or `named_graph_uris` is non-empty they
    /// override the query's own FROM / FROM NAMED (SPARQL 1.1 Protocol §2.1.4).
    pub default_graph_uris: Vec<NamedNode>,
    /// `named-graph-uri` parameters.
    pub named_graph_uris: Vec<NamedNode>,
    /// Whether the service's default graph is the union of the store's default graph and all
    /// published graphs (DESIGN.md: on, so researchers need no GRAPH clause); when off it is
    /// the store's default graph alone.
    pub union_default_graph: bool,
    /// Lets a timeout or a disconnect stop the evaluation.
    pub cancel: Option<QueryCancel>,
}

impl<'a> QueryRequest<'a> {
    /// A request on the service's default dataset (union on), with no cancellation.
    pub fn new(query: &'a Query) -> Self {
        Self {
            query,
            default_graph_uris: Vec::new(),
            named_graph_uris: Vec::new(),
            union_default_graph: true,
            cancel: None,
        }
    }
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
        Some(self.inner.next()?.map_err(evaluation_error))
    }
}

/// CONSTRUCT/DESCRIBE triples as they are computed.
pub struct GraphStream {
    inner: QueryTripleIter<'static>,
}

impl Iterator for GraphStream {
    type Item = Result<Triple, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.inner.next()?.map_err(evaluation_error))
    }
}

fn evaluation_error(e: QueryEvaluationError) -> StoreError {
    match e {
        QueryEvaluationError::Cancelled => StoreError::QueryCancelled,
        e @ (QueryEvaluationError::UnsupportedCustomFunction(_)
        | QueryEvaluationError::UnsupportedCustomFunctionArity { .. }
        | QueryEvaluationError::UnboundService
        | QueryEvaluationError::InvalidServiceName(_)
        | QueryEvaluationError::UnsupportedService(_)
        | QueryEvaluationError::NotExistingSubstitutedVariable(_)) => {
            StoreError::QueryUnsupported(e.to_string())
        }
        other => StoreError::QueryEvaluation(other.to_string()),
    }
}

impl Store {
    /// Starts evaluating a query. Evaluation continues lazily as the answer is read, on a
    /// snapshot taken now. SERVICE is refused: Oxigraph is built without its HTTP client, so a
    /// public endpoint never makes outgoing requests on a stranger's behalf.
    pub fn query(&self, request: &QueryRequest<'_>) -> Result<QueryAnswer, StoreError> {
        let mut evaluator = SparqlEvaluator::new();
        if let Some(cancel) = &request.cancel {
            evaluator = evaluator.with_cancellation_token(cancel.0.clone());
        }
        let mut prepared = evaluator.for_query(request.query.inner.clone());
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
                // Dump distributions are published metadata too, though not a named graph.
                let distributions = NamedNode::new_unchecked(crate::dump::DISTRIBUTIONS_GRAPH);
                dataset.set_default_graph(
                    std::iter::once(GraphName::DefaultGraph)
                        .chain(published.iter().cloned().map(GraphName::from))
                        .chain(std::iter::once(GraphName::from(distributions)))
                        .collect(),
                );
            }
            dataset.set_available_named_graphs(
                published.into_iter().map(NamedOrBlankNode::from).collect(),
            );
        }
        let results = prepared
            .on_store(&self.inner)
            .execute()
            .map_err(evaluation_error)?;
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
            let mut r = store.replace_graph(&graph).expect("start");
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

    fn q(text: &str) -> Query {
        Query::parse(text, None).expect("valid query")
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
        let all = q("SELECT * WHERE { ?s ?p ?o }");
        // Two data triples; the settings graph (base IRI) is not visible.
        assert_eq!(count(&store, QueryRequest::new(&all)), 2);
        let plain = QueryRequest {
            union_default_graph: false,
            ..QueryRequest::new(&all)
        };
        assert_eq!(count(&store, plain), 0);
        let graphs = q("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }");
        assert_eq!(count(&store, QueryRequest::new(&graphs)), 2);
    }

    #[test]
    fn protocol_dataset_overrides_and_errors_are_reported() {
        let (_dir, store) = store_with_two_graphs();
        let all = q("SELECT * WHERE { ?s ?p ?o }");
        let only_a = QueryRequest {
            default_graph_uris: vec![NamedNode::new_unchecked("http://ex/graph/a")],
            ..QueryRequest::new(&all)
        };
        assert_eq!(count(&store, only_a), 1);
        let from_b = q("SELECT * FROM <http://ex/graph/b> WHERE { ?s ?p ?o }");
        assert_eq!(count(&store, QueryRequest::new(&from_b)), 1);
        assert!(matches!(
            Query::parse("SELEC * WHERE {", None),
            Err(StoreError::QuerySyntax(_))
        ));
        let ask = q("ASK { ?s ?p \"2\" }");
        assert!(matches!(
            store.query(&QueryRequest::new(&ask)).expect("ask"),
            QueryAnswer::Boolean(true)
        ));
        let service = q("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }");
        let refused = match store.query(&QueryRequest::new(&service)) {
            Err(e) => Some(e),
            Ok(QueryAnswer::Solutions(mut s)) => s.next().and_then(Result::err),
            Ok(_) => None,
        };
        assert!(refused.is_some(), "SERVICE must not be evaluated");
    }

    #[test]
    fn forms_and_bounds_come_from_the_query() {
        assert_eq!(
            q("SELECT * WHERE { ?s ?p ?o } LIMIT 10").result_bound(),
            Some(10)
        );
        assert_eq!(
            q("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 5 OFFSET 100").result_bound(),
            Some(5)
        );
        assert_eq!(
            q("SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } LIMIT 3 } }").result_bound(),
            None
        );
        assert_eq!(
            q("CONSTRUCT { ?s ?p ?o . ?o ?p ?s } WHERE { ?s ?p ?o } LIMIT 4").result_bound(),
            Some(8)
        );
        assert_eq!(q("DESCRIBE <http://ex/a>").result_bound(), None);
        assert_eq!(q("ASK {}").form(), QueryForm::Ask);
        assert_eq!(q("DESCRIBE <http://ex/a>").form(), QueryForm::Describe);
    }

    #[test]
    fn a_cancelled_query_stops_with_a_cancellation_error() {
        let (_dir, store) = store_with_two_graphs();
        let cancel = QueryCancel::new();
        cancel.cancel();
        let heavy = q("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }");
        let request = QueryRequest {
            cancel: Some(cancel),
            ..QueryRequest::new(&heavy)
        };
        let error = match store.query(&request) {
            Err(e) => e,
            Ok(QueryAnswer::Solutions(mut s)) => s.find_map(Result::err).expect("an error row"),
            Ok(_) => panic!("unexpected answer"),
        };
        assert!(matches!(error, StoreError::QueryCancelled), "{error}");
    }
}
