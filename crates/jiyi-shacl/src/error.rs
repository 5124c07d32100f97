use std::path::PathBuf;

/// Why shapes could not be loaded. Validation itself never fails: bad *data* is reported as
/// validation results, only bad *shapes* are errors.
#[derive(Debug, thiserror::Error)]
pub enum ShaclError {
    /// A shapes file or folder could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A shapes file is not valid Turtle (the message gives line and column).
    #[error("{file}: not valid Turtle: {message}")]
    Turtle {
        /// The shapes file.
        file: String,
        /// The parser's message, with the position.
        message: String,
    },
    /// A shape is malformed or uses a SHACL feature this validator does not implement
    /// (refused rather than silently skipped, so a shape never seems to check what it does not).
    #[error("{file}: shape {shape}: {problem}")]
    Shape {
        /// The shapes file(s) the shape comes from.
        file: String,
        /// The shape node, as N-Triples.
        shape: String,
        /// What is wrong.
        problem: String,
    },
    /// `--shapes` named a folder without any `.ttl` file.
    #[error("{0}: no shapes files (*.ttl)")]
    NoShapes(PathBuf),
}
