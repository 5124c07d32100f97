//! Writes other than ingests: SPARQL Update and the Graph Store Protocol. The web layer only
//! lets them through with the configured token.

use crate::model::{GraphName, GraphNameRef, NamedNode, NamedOrBlankNodeRef, Quad, Triple};
use crate::{Store, StoreError};
use oxigraph::sparql::SparqlEvaluator;
use spargebra::GraphUpdateOperation;
use spargebra::algebra::QueryDataset;

/// One SPARQL 1.1 Update request as the protocol describes it.
#[derive(Debug, Clone, Default)]
pub struct UpdateRequest<'a> {
    /// The update text.
    pub text: &'a str,
    /// IRI that relative IRIs in the update resolve against (the service's base: the protocol
    /// has no parameter for it, so `<id/object/x>` means the thing under this site).
    pub base_iri: Option<&'a str>,
    /// `using-graph-uri` parameters: the default graph of every DELETE/INSERT's WHERE, as if
    /// each had `USING <g>` (SPARQL 1.1 Protocol §2.2.3).
    pub using_graph_uris: Vec<NamedNode>,
    /// `using-named-graph-uri` parameters, as if each had `USING NAMED <g>`.
    pub using_named_graph_uris: Vec<NamedNode>,
}

impl<'a> UpdateRequest<'a> {
    /// An update with no base and no protocol dataset.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            ..Self::default()
        }
    }
}

impl Store {
    /// Runs a SPARQL 1.1 Update atomically. The store's own settings survive any update (even
    /// `DROP ALL`), so a store never forgets which base IRI its IRIs were minted under.
    pub fn update(&self, text: &str) -> Result<(), StoreError> {
        self.update_with(&UpdateRequest::new(text))
    }

    /// [`Self::update`] with a base IRI and the protocol's `using-*` parameters. Giving those
    /// parameters to an update that names its own dataset (USING, USING NAMED or WITH) is an
    /// error, as the protocol requires, and changes nothing.
    pub fn update_with(&self, request: &UpdateRequest<'_>) -> Result<(), StoreError> {
        let mut parser = spargebra::SparqlParser::new();
        if let Some(base) = request.base_iri {
            parser = parser
                .with_base_iri(base)
                .map_err(|e| StoreError::UpdateSyntax(format!("base IRI <{base}>: {e}")))?;
        }
        let mut update = parser
            .parse_update(request.text)
            .map_err(|e| StoreError::UpdateSyntax(e.to_string()))?;
        if !request.using_graph_uris.is_empty() || !request.using_named_graph_uris.is_empty() {
            for operation in &mut update.operations {
                if let GraphUpdateOperation::DeleteInsert { using, .. } = operation {
                    if using.is_some() {
                        return Err(StoreError::UpdateDatasetConflict);
                    }
                    *using = Some(QueryDataset {
                        default: request.using_graph_uris.clone(),
                        named: Some(request.using_named_graph_uris.clone()),
                    });
                }
            }
        }
        let base = self.base_iri()?;
        SparqlEvaluator::new()
            .for_update(update)
            .on_store(&self.inner)
            .execute()
            .map_err(|e| StoreError::UpdateEvaluation(e.to_string()))?;
        if let (Some(base), None) = (base, self.base_iri()?) {
            self.bind_base_iri(&base)?;
        }
        Ok(())
    }

    /// Whether a graph exists; the default graph always does.
    pub fn graph_exists(&self, graph: GraphNameRef<'_>) -> Result<bool, StoreError> {
        match graph {
            GraphNameRef::DefaultGraph => Ok(true),
            GraphNameRef::NamedNode(n) => self
                .inner
                .contains_named_graph(NamedOrBlankNodeRef::from(n))
                .map_err(|e| self.storage(e)),
            GraphNameRef::BlankNode(b) => self
                .inner
                .contains_named_graph(NamedOrBlankNodeRef::from(b))
                .map_err(|e| self.storage(e)),
        }
    }

    /// The triples of one graph, streamed from a snapshot.
    pub fn graph_triples<'g>(
        &self,
        graph: impl Into<GraphNameRef<'g>>,
    ) -> impl Iterator<Item = Result<Triple, StoreError>> + 'static {
        let store = self.clone();
        self.inner
            .quads_for_pattern(None, None, None, Some(graph.into()))
            .map(move |q| q.map(Triple::from).map_err(|e| store.storage(e)))
    }

    /// Adds triples to a graph atomically (all or nothing); returns how many were given.
    /// An `Err` item abandons the load and is returned.
    pub fn add_to_graph<'g>(
        &self,
        graph: impl Into<GraphNameRef<'g>>,
        triples: impl IntoIterator<Item = Result<Triple, StoreError>>,
    ) -> Result<u64, StoreError> {
        const BATCH: usize = 100_000;
        let graph: GraphName = graph.into().into_owned();
        let mut count = 0;
        let mut loader = self.inner.bulk_loader();
        let mut batch: Vec<Quad> = Vec::new();
        for triple in triples {
            batch.push(triple?.in_graph(graph.clone()));
            count += 1;
            if batch.len() >= BATCH {
                loader
                    .load_quads(std::mem::take(&mut batch))
                    .map_err(|e| self.storage(e))?;
            }
        }
        loader.load_quads(batch).map_err(|e| self.storage(e))?;
        loader.commit().map_err(|e| self.storage(e))?;
        if let GraphName::NamedNode(n) = &graph {
            // An empty POST still creates the graph, as the Graph Store Protocol expects.
            self.inner
                .insert_named_graph(n.as_ref())
                .map_err(|e| self.storage(e))?;
        }
        Ok(count)
    }

    /// Removes a graph; returns whether it existed. The default graph is emptied instead.
    pub fn delete_graph(&self, graph: GraphNameRef<'_>) -> Result<bool, StoreError> {
        match graph {
            GraphNameRef::DefaultGraph => {
                self.inner.clear_graph(graph).map_err(|e| self.storage(e))?;
                Ok(true)
            }
            GraphNameRef::NamedNode(n) => {
                let existed = self.graph_exists(graph)?;
                if existed {
                    self.drop_graph(n)?;
                }
                Ok(existed)
            }
            GraphNameRef::BlankNode(_) => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Literal;

    fn t(s: &str) -> Triple {
        Triple::new(
            NamedNode::new_unchecked(format!("http://ex/{s}")),
            NamedNode::new_unchecked("http://ex/p"),
            Literal::new_simple_literal(s),
        )
    }

    #[test]
    fn updates_cannot_make_the_store_forget_its_base() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        store.bind_base_iri("http://ex/").expect("base");
        store
            .update("INSERT DATA { GRAPH <http://ex/g> { <http://ex/a> <http://ex/p> 1 } }")
            .expect("insert");
        assert_eq!(
            store
                .graph_len(NamedNode::new_unchecked("http://ex/g").as_ref())
                .expect("len"),
            1
        );
        store.update("DROP ALL").expect("drop");
        assert_eq!(
            store.base_iri().expect("base").as_deref(),
            Some("http://ex/")
        );
        assert!(matches!(
            store.update("INSERT nonsense"),
            Err(StoreError::UpdateSyntax(_))
        ));
    }

    #[test]
    fn protocol_using_graphs_and_base_apply_and_conflicts_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        store
            .update("INSERT DATA { GRAPH <http://ex/g1> { <http://ex/a> <http://ex/p> 1 } }")
            .expect("insert");
        let copy = "INSERT { GRAPH <http://ex/out> { ?s ?p ?o } } WHERE { ?s ?p ?o }";
        let with_using = UpdateRequest {
            using_graph_uris: vec![NamedNode::new_unchecked("http://ex/g1")],
            ..UpdateRequest::new(copy)
        };
        store.update_with(&with_using).expect("using-graph-uri");
        assert_eq!(
            store
                .graph_len(NamedNode::new_unchecked("http://ex/out").as_ref())
                .expect("len"),
            1
        );
        let conflicting = UpdateRequest {
            using_graph_uris: vec![NamedNode::new_unchecked("http://ex/g1")],
            ..UpdateRequest::new("WITH <http://ex/g1> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
        };
        assert!(matches!(
            store.update_with(&conflicting),
            Err(StoreError::UpdateDatasetConflict)
        ));
        assert_eq!(
            store
                .graph_len(NamedNode::new_unchecked("http://ex/g1").as_ref())
                .expect("len"),
            1,
            "a refused update changes nothing"
        );
        let relative = UpdateRequest {
            base_iri: Some("http://ex/"),
            ..UpdateRequest::new("INSERT DATA { GRAPH <rel> { <a> <p> 2 } }")
        };
        store.update_with(&relative).expect("relative IRIs");
        assert_eq!(
            store
                .graph_len(NamedNode::new_unchecked("http://ex/rel").as_ref())
                .expect("len"),
            1
        );
    }

    #[test]
    fn graph_store_operations_are_atomic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let g = NamedNode::new_unchecked("http://ex/g");
        assert!(!store.graph_exists(g.as_ref().into()).expect("exists"));
        assert_eq!(
            store
                .add_to_graph(&g, [Ok(t("a")), Ok(t("b"))])
                .expect("add"),
            2
        );
        // A failing source adds nothing.
        let failing = [
            Ok(t("c")),
            Err(StoreError::LoadAbandoned {
                graph: "g".into(),
                reason: "bad body".into(),
            }),
        ];
        assert!(store.add_to_graph(&g, failing).is_err());
        assert_eq!(store.graph_len(&g).expect("len"), 2);
        assert_eq!(store.graph_triples(&g).count(), 2);
        assert!(
            store
                .add_to_graph(GraphNameRef::DefaultGraph, [Ok(t("d"))])
                .is_ok()
        );
        assert_eq!(store.graph_len(GraphNameRef::DefaultGraph).expect("len"), 1);
        assert!(store.delete_graph(g.as_ref().into()).expect("delete"));
        assert!(!store.delete_graph(g.as_ref().into()).expect("delete again"));
        assert!(
            store
                .delete_graph(GraphNameRef::DefaultGraph)
                .expect("clear default")
        );
        assert_eq!(store.graph_len(GraphNameRef::DefaultGraph).expect("len"), 0);
    }
}
