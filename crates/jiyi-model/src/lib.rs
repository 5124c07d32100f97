//! Jiyi's model: the URI policy that turns a source's own identifiers into stable IRIs,
//! the vocabularies the profiles use, and the IRI/URI conversions every other crate relies on.
//!
//! This crate does no I/O and knows nothing of HTTP or serialisation formats, so the policy can be
//! shared by the ingest (which mints IRIs), the store (which names graphs) and the web layer
//! (which maps request paths back to things) without dragging their dependencies along.

mod error;
pub mod iri;
mod policy;
pub mod vocab;

pub use error::ModelError;
pub use policy::{SYSTEM_GRAPH_PREFIX, UriPolicy};
