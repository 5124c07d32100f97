//! The crate's one error type.

use crate::SinkError;
use std::path::PathBuf;

/// Everything that stops a mapping from loading or a run from finishing.
///
/// Problems with a single record are not errors: they become [`crate::Reject`]s and the run
/// goes on. An `RmlError` means the mapping or a whole source is unusable, so the caller must
/// treat the run as failed and discard whatever the sink received.
#[derive(Debug, thiserror::Error)]
pub enum RmlError {
    /// The mapping file could not be read.
    #[error("cannot read mapping file {}: {source}", path.display())]
    MappingIo {
        /// The mapping file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The mapping file is not valid Turtle.
    #[error("{}:{line}:{column}: Turtle syntax error: {message}", path.display())]
    MappingSyntax {
        /// The mapping file.
        path: PathBuf,
        /// 1-based line of the error.
        line: u64,
        /// 1-based column of the error.
        column: u64,
        /// What the parser complained about.
        message: String,
    },
    /// The mapping is valid Turtle but not a valid (or not a supported) RML mapping.
    #[error("{}: {location}: {message}", path.display())]
    InvalidMapping {
        /// The mapping file.
        path: PathBuf,
        /// Where in the mapping, e.g. `<#TriplesMap1> rml:predicateObjectMap[2] rml:objectMap`.
        location: String,
        /// What is wrong.
        message: String,
    },
    /// A source file could not be opened or read.
    #[error("cannot read source file {} (logical source of {triples_map}): {source}", path.display())]
    SourceIo {
        /// The source file.
        path: PathBuf,
        /// The triples map that reads it.
        triples_map: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A CSV source lacks a column that the mapping references.
    #[error(
        "{}: column `{column}` referenced by {triples_map} is not in the header (columns: {available})",
        path.display()
    )]
    MissingColumn {
        /// The CSV file.
        path: PathBuf,
        /// The referenced column.
        column: String,
        /// The triples map that references it.
        triples_map: String,
        /// The header's columns, comma separated.
        available: String,
    },
    /// A whole source cannot be parsed (e.g. the JSON document is not JSON, or the CSV header
    /// is unreadable), so none of its records can be mapped.
    #[error("{}: {message}", path.display())]
    SourceSyntax {
        /// The source file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A logical target file could not be written.
    #[error("cannot write logical target {}: {source}", path.display())]
    TargetIo {
        /// The target file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The sink refused a quad or a reject; the run stops.
    #[error("the output sink failed: {0}")]
    Sink(#[source] SinkError),
}
