//! Ingest runs: what turns a steward's mapping file into one dataset's triples, ready for the
//! store, with a dataset description, PROV-O provenance and a rejects report.
//!
//! This crate never touches the store: it hands triples to a [`TripleSink`], and the CLI
//! connects that sink to `jiyi-store`'s atomic graph replacement. If the run fails half-way the
//! caller drops the replacement and nothing is published; if records are rejected, every good
//! record is published and every rejected one is listed with its reason.

mod access;
pub mod catalogue;
mod dataset;
pub mod dates;
pub mod deidentify;
mod error;
pub mod keys;
pub mod language;
mod links;
pub mod places;
mod provenance;
mod rejects;
mod run;
pub mod text;

pub use access::{AccessClass, AccessTerms};
pub use dataset::DatasetDescription;
pub use error::IngestError;
pub use rejects::RejectsWriter;
pub use run::{IngestReport, PreparedIngest, SinkError, TripleSink};

/// The functions an ingest's mappings may call: `jiyi-rml`'s built-ins plus Jiyi's own
/// (the date functions of [`dates::rml`], the text functions of [`language`],
/// `jiyi:iriKey` of [`keys`], `jiyi:geonamesPlace` of [`places`] and the catalogue functions of
/// [`catalogue`]). `jiyi map` loads mappings with the same registry so a mapping maps alike
/// with and without a store.
pub fn functions() -> jiyi_rml::FunctionRegistry {
    let mut registry = jiyi_rml::FunctionRegistry::with_builtins();
    dates::rml::register(&mut registry);
    places::register(&mut registry);
    language::register(&mut registry);
    keys::register(&mut registry);
    catalogue::register(&mut registry);
    registry
}
