use std::path::PathBuf;

/// Why an ingest could not run; in every case nothing has been published.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The mapping or a source is broken (the message names file, term map, record).
    #[error(transparent)]
    Rml(#[from] jiyi_rml::RmlError),
    /// A dataset name or IRI does not fit the URI policy.
    #[error(transparent)]
    Model(#[from] jiyi_model::ModelError),
    /// The mapping file does not say which dataset it publishes, or says it badly.
    #[error("{file}: dataset description: {problem}")]
    DatasetDescription {
        /// The mapping file.
        file: PathBuf,
        /// What is missing or wrong.
        problem: String,
    },
    /// The dataset is access class 丙 (not open): its records are never loaded. Callers
    /// report this as a refusal, not a failure; nothing was read and nothing changed.
    #[error(
        "{file}: dataset {dataset} is access class 丙 (jiyi:NotOpen): its records are never loaded; no source was read and the store was not touched"
    )]
    NotOpen {
        /// The mapping file.
        file: PathBuf,
        /// The dataset name.
        dataset: String,
    },
    /// Reading the mapping file or writing the rejects file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The consumer of the triples (the store loader) failed.
    #[error("writing triples failed: {0}")]
    Sink(String),
}
