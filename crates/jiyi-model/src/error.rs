/// Everything that can be wrong with a base IRI, a key or a path handed to the model.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// The configured base IRI cannot serve as the root of Cool URIs.
    #[error("invalid base IRI <{iri}>: {reason}")]
    InvalidBase {
        /// The IRI as given.
        iri: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A kind or key produced something that is not an IRI (a bug or hostile input).
    #[error("invalid IRI <{iri}>: {reason}")]
    InvalidIri {
        /// The IRI as built.
        iri: String,
        /// The parser's complaint.
        reason: String,
    },
    /// A dataset name must be usable as one path segment of an IRI.
    #[error("invalid dataset name {name:?}: {reason}")]
    InvalidDatasetName {
        /// The name as given.
        name: String,
        /// Why it cannot be used.
        reason: &'static str,
    },
}
