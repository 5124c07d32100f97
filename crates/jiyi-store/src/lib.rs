//! Jiyi's store: the one place that names Oxigraph's `Store`.
//!
//! It keeps one named graph per dataset, replaces a dataset's graph atomically and with memory
//! proportional to what changed (see [`GraphReplacement`]), describes resources for the
//! dereferencing layer, and evaluates SPARQL over the *published* graphs only. Jiyi's own
//! bookkeeping lives in graphs under [`jiyi_model::SYSTEM_GRAPH_PREFIX`], which queries never see.
//!
//! Callers receive plain RDF types (`oxrdf`, re-exported as [`model`]) and SPARQL solutions
//! (`sparesults`' `QuerySolution`), never Oxigraph handles, so a second backend (a remote SPARQL
//! endpoint) can slot in behind the same API later.

mod describe;
mod error;
mod query;
mod replace;
mod stats;
mod store;
mod write;

pub use describe::Description;
pub use error::StoreError;
pub use query::{
    GraphStream, Query, QueryAnswer, QueryCancel, QueryForm, QueryRequest, SolutionStream,
};
pub use replace::{GraphReplacement, ReplaceReport};
pub use stats::GraphStatistics;
pub use store::Store;
pub use write::UpdateRequest;

/// The RDF model types the store accepts and returns (Oxigraph's re-export of `oxrdf`).
pub mod model {
    pub use oxigraph::model::*;
    pub use oxigraph::sparql::QuerySolution;
}
