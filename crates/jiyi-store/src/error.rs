/// What can go wrong in the store; the web layer maps these to HTTP statuses.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// RocksDB or Oxigraph's storage layer failed (disk, lock, corruption).
    #[error("storage error in {path}: {source}")]
    Storage {
        /// The store directory.
        path: String,
        /// The underlying failure.
        #[source]
        source: oxigraph::store::StorageError,
    },
    /// The SPARQL text does not parse; the message says where.
    #[error("SPARQL syntax error: {0}")]
    QuerySyntax(String),
    /// The query was stopped through its [`crate::QueryCancel`] (timeout, client gone).
    #[error("the query was cancelled")]
    QueryCancelled,
    /// The update text does not parse.
    #[error("SPARQL update syntax error: {0}")]
    UpdateSyntax(String),
    /// The protocol's using-graph-uri / using-named-graph-uri were given to an update that
    /// names its own dataset with USING, USING NAMED or WITH.
    #[error(
        "using-graph-uri and using-named-graph-uri cannot be combined with USING, USING NAMED or WITH in the update"
    )]
    UpdateDatasetConflict,
    /// The update parsed but failed while running.
    #[error("update failed: {0}")]
    UpdateEvaluation(String),
    /// The query asks for something this store does not do (an unknown extension function, a
    /// SERVICE call): the client's to fix, not a server failure.
    #[error("the query cannot be answered here: {0}")]
    QueryUnsupported(String),
    /// The query parsed but failed while running (storage trouble, an internal error).
    #[error("query evaluation failed: {0}")]
    QueryEvaluation(String),
    /// The store was created for another base IRI; serving or ingesting with a different base
    /// would publish IRIs that do not dereference.
    #[error(
        "the store at {path} publishes under <{stored}>, not <{requested}>; use --base {stored} or a new store"
    )]
    BaseMismatch {
        /// The store directory.
        path: String,
        /// Base IRI recorded in the store.
        stored: String,
        /// Base IRI asked for.
        requested: String,
    },
    /// A description is larger than the bound of the call that asked for it; it must be read
    /// in pages ([`crate::Store::describe_page`]) rather than returned in part.
    #[error("the description of <{thing}> is larger than {limit} triples; read it in pages")]
    DescriptionTooLarge {
        /// The described thing.
        thing: String,
        /// The bound that was reached.
        limit: usize,
    },
    /// The quad source feeding a graph replacement failed; nothing was changed.
    #[error("loading graph <{graph}> was abandoned, nothing changed: {reason}")]
    LoadAbandoned {
        /// The graph being replaced.
        graph: String,
        /// Why the caller stopped.
        reason: String,
    },
    /// A dataset name or IRI could not be minted under the store's base (the URI policy's
    /// message says why).
    #[error(transparent)]
    Model(#[from] jiyi_model::ModelError),
    /// The dataset was withdrawn with `jiyi withdraw --dataset`; it is not republished until
    /// the withdrawal is lifted, so an automated re-ingest cannot undo a takedown.
    #[error(
        "dataset {name} was withdrawn on {time}: {reason}; `jiyi withdraw --dataset {name} --restore` publishes it again"
    )]
    DatasetWithdrawn {
        /// The dataset name.
        name: String,
        /// Why it was withdrawn, as the steward wrote it.
        reason: String,
        /// When (xsd:dateTime).
        time: String,
    },
    /// Writing a dump file failed (disk full, permissions); the previous dump is still in place.
    #[error("writing the dump {path}: {source}")]
    Dump {
        /// The file being written.
        path: String,
        /// The underlying failure.
        #[source]
        source: std::io::Error,
    },
    /// A record in one of Jiyi's system graphs is not what this version wrote (edited by hand
    /// or by another version); the message names it.
    #[error("the store's bookkeeping is inconsistent: {0}")]
    Bookkeeping(String),
}
