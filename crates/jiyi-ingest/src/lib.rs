//! Ingest runs: what turns a steward's mapping file into one dataset's triples, ready for the
//! store, with a dataset description, PROV-O provenance and a rejects report.
//!
//! This crate never touches the store: it hands triples to a [`TripleSink`], and the CLI
//! connects that sink to `jiyi-store`'s atomic graph replacement. If the run fails half-way the
//! caller drops the replacement and nothing is published; if records are rejected, every good
//! record is published and every rejected one is listed with its reason.

mod dataset;
mod error;
mod provenance;
mod rejects;
mod run;

pub use dataset::DatasetDescription;
pub use error::IngestError;
pub use rejects::RejectsWriter;
pub use run::{IngestReport, PreparedIngest, SinkError, TripleSink};
