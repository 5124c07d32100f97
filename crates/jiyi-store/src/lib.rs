//! Jiyi's store: the one place that names Oxigraph's `Store`.
//!
//! It keeps one named graph per dataset, replaces a dataset's graph atomically and with memory
//! proportional to what changed (see [`GraphReplacement`]), describes resources for the
//! dereferencing layer, and evaluates SPARQL over the *published* graphs only. Jiyi's own
//! bookkeeping lives in graphs under [`jiyi_model::SYSTEM_GRAPH_PREFIX`], which queries never see.
//!
//! For harvesters it keeps a change log of every dataset's resources ([`Change`], paged by
//! sequence number), tombstones for deleted resources ([`Store::tombstone`], what `410 Gone`
//! says) and steward withdrawals, the superseded versions of descriptions a feed serves
//! ([`Store::version`]), and writes checksummed dumps ([`Store::publish_dumps`]).
//!
//! Callers receive plain RDF types (`oxrdf`, re-exported as [`model`]) and SPARQL solutions
//! (`sparesults`' `QuerySolution`), never Oxigraph handles, so a second backend (a remote SPARQL
//! endpoint) can slot in behind the same API later.

mod changes;
mod dataset_positions;
mod describe;
mod dump;
mod error;
mod modified;
mod query;
mod records;
mod replace;
mod server_writes;
mod stats;
mod store;
mod tombstones;
mod versions;
mod write;

pub use changes::{
    Change, ChangeCause, ChangeKind, ChangeSummary, DEFAULT_DELETION_REASON, DatasetScope,
    canonical_hash,
};
pub use describe::{Description, MAX_CLOSURE_TRIPLES, MAX_DESCRIPTION_TRIPLES};
pub use dump::{DISTRIBUTIONS_GRAPH, DumpFile, DumpFormat};
pub use error::StoreError;
pub use query::{
    GraphStream, Query, QueryAnswer, QueryCancel, QueryForm, QueryRequest, SolutionStream,
};
pub use records::{RecordHeader, RecordPage, RecordWindow};
pub use replace::{DatasetCommit, GraphReplacement, ReplaceReport};
pub use stats::GraphStatistics;
pub use store::Store;
pub use tombstones::{ThingWithdrawal, Tombstone, Withdrawal};
pub use versions::{DatasetLog, Version};
pub use write::UpdateRequest;

/// The RDF model types the store accepts and returns (Oxigraph's re-export of `oxrdf`).
pub mod model {
    pub use oxigraph::model::*;
    pub use oxigraph::sparql::QuerySolution;
}
