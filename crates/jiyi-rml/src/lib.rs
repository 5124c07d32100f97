//! A streaming RML engine: a mapping document (Turtle) plus CSV and JSON sources in, RDF
//! quads out. It knows nothing of museums; `jiyi-ingest` drives it and the CLI connects it
//! to the store (this crate never touches the store).
//!
//! # Use
//!
//! ```no_run
//! use jiyi_rml::{CollectingSink, Mapping, RunOptions, run};
//! # fn main() -> Result<(), jiyi_rml::RmlError> {
//! let mapping = Mapping::from_file(std::path::Path::new("data/mappings/npm-objects.rml.ttl"))?;
//! let mut sink = CollectingSink::new();
//! let options = RunOptions { base_iri: Some("https://data.example.tw/".into()) };
//! let summary = run(&mapping, &options, &mut sink)?;
//! assert_eq!(summary.records_read, summary.records_mapped + summary.records_rejected);
//! # Ok(()) }
//! ```
//!
//! # What is supported
//!
//! The current RML specification (namespace `http://w3id.org/rml/`, RML-Core and the
//! source part of RML-IO), not the legacy `rr:` / semweb.mmlab `rml:` vocabularies (a mapping
//! in those is refused with a message saying so):
//!
//! - triples maps with `rml:logicalSource`, `rml:subjectMap` / `rml:subject`,
//!   `rml:predicateObjectMap` with `rml:predicateMap` / `rml:predicate` and `rml:objectMap` /
//!   `rml:object`, `rml:class`, `rml:graphMap` / `rml:graph` (including `rml:defaultGraph`),
//!   `rml:baseIRI`;
//! - term maps with `rml:constant`, `rml:reference` or `rml:template` (backslash escapes of
//!   `{`, `}` and `\`), `rml:termType` `rml:IRI`, `rml:URI`, `rml:UnsafeIRI`,
//!   `rml:BlankNode` (with or without an expression) and `rml:Literal`, `rml:language` /
//!   `rml:languageMap`, `rml:datatype` / `rml:datatypeMap`; multi-valued references and the
//!   cartesian product of template values;
//! - referencing object maps with `rml:parentTriplesMap` and any number of
//!   `rml:joinCondition`s (`rml:child` / `rml:parent` or `rml:childMap` / `rml:parentMap`,
//!   which may be constant, reference or template), or none when the two logical sources are
//!   effectively equal;
//! - sources: `rml:RelativePathSource` (`rml:root` `rml:MappingDirectory`,
//!   `rml:CurrentWorkingDirectory` — the default — or a path literal, plus `rml:path`) or a
//!   plain path literal (legacy style, resolved against the mapping file's directory);
//!   `rml:null` on the source or the logical source;
//! - reference formulations `rml:CSV` (header row, UTF-8 with or without BOM, quoted fields
//!   with commas, quotes and newlines, any column names including Chinese) and
//!   `rml:JSONPath` (RFC 9535 JSONPath; references may be `$.Name`, `$['Country Code']` or a
//!   plain member name such as `材質`; a dotted plain name such as `a.b` is read as the path
//!   `$.a.b`). Without `rml:referenceFormulation` the file
//!   extension (`.csv`, `.json`) decides.
//!
//! Not yet: XML (`rml:XPath`) and functions (RML-FNML `rml:functionExecution`) are refused
//! at load time with a message. Other RML modules (logical targets, logical views,
//! collections) are not read; their properties are ignored.
//!
//! # Null values
//!
//! A reference that yields nothing (JSON `null`, a missing member, a CSV cell equal to one of
//! the `rml:null` values) produces no term; a template with such a reference produces no
//! term; a record whose subject is null produces no quad (and is counted as mapped, not
//! rejected, as the spec says). **CSV has no null of its own**: an empty cell is the empty
//! string unless the mapping declares `rml:null ""` on the source or logical source.
//!
//! # Errors and rejects
//!
//! Anything wrong with the mapping fails [`Mapping::from_file`] / [`Mapping::from_turtle`]
//! before any output, naming the file, the place in the mapping and the problem. Before the
//! first quad, [`run`] also checks that every source file opens and that every CSV column the
//! mapping references is in its header. A source that cannot be parsed at all (invalid JSON)
//! fails the run when its triples map is reached; on any `Err` the caller must discard what
//! the sink received.
//!
//! A problem with one record — an invalid IRI, an invalid language tag, a lexical form that
//! does not fit its XSD datatype, invalid UTF-8, a CSV line with the wrong number of fields, a
//! JSON reference that selects an array or object instead of values — rejects that record
//! for that triples map: it produces nothing and the sink gets one [`Reject`]; the run goes
//! on. Records are counted per triples-map iteration, so
//! `records_read == records_mapped + records_rejected` always holds. Records read only to
//! build a join index are not counted (their own triples map counts them), and a parent
//! record that its own triples map rejects joins nothing.
//!
//! # Streaming design
//!
//! Each triples map reads its source once, record by record, and hands the quads of each
//! record to the [`QuadSink`] before reading the next, so memory does not grow with the
//! source. CSV is truly streamed. A referencing object map with join conditions is a hash
//! join: before its triples map runs, the parent source is read once and indexed by the
//! parent's join-key values (keeping only the parent subjects), and each child record looks
//! its keys up; there are no nested loops over whole sources. Memory for a join is the
//! parent's keys and subjects, not its records.
//!
//! JSON documents are parsed whole for now. The reader sits behind the `RecordReader` trait
//! and calls back once per iteration, so a streaming reader for simple iterators
//! (`$.items[*]`, `$[*]`) and a JSON Lines formulation can replace it without touching the
//! engine: they only need to produce one `serde_json::Value` per iteration.
//!
//! Term maps are evaluated in one place (`eval::evaluate` over the `model::Expression`
//! enum), so FNML function execution will be one more expression kind; reference
//! formulations implement the small `SourceFormat` trait, so XPath is one more
//! implementation.
//!
//! # Decisions
//!
//! - **Duplicates**: quads are deduplicated within one record only; the store deduplicates
//!   the rest, so no global set grows with the output.
//! - **Blank nodes**: a blank node from a template or reference is labelled from its value
//!   (letters, CJK included, and digits kept; other characters as `_XX` per UTF-8 byte), so
//!   the same value gives the same node in every triples map and on every run; a blank node
//!   without expression is labelled from its term map and record number, so re-running
//!   unchanged input yields the same labels. Labels are not scoped per run: the caller scopes them (the ingest prefixes the
//!   dataset name).
//! - **Base IRI**: relative IRIs are made absolute by string concatenation with the triples
//!   map's `rml:baseIRI`, else [`RunOptions::base_iri`], else RML's default
//!   `http://example.org/` — so a publisher must always set it. Relative IRIs inside the
//!   mapping document itself (`<#TriplesMap1>`) resolve against the mapping's `file:` URL.
//! - **`rml:UnsafeIRI`** generates IRIs without encoding or validation, as the spec says
//!   (only characters that no RDF syntax can carry, `<>"` and controls, are refused); use it
//!   only when the data already holds IRIs.
//! - **Constants with `rml:termType`**: a term type that contradicts the constant (a
//!   literal with `rml:BlankNode`) is a mapping error rather than silently ignored.
//! - **Language tags** are stored lowercase (`zh-Hant` becomes `zh-hant`), as oxrdf
//!   normalises them; tags are case-insensitive in RDF.
//! - **Natural datatypes**: JSON numbers become `xsd:integer` (no fraction) or `xsd:double`
//!   (canonical form, e.g. `3.05E1`), booleans `xsd:boolean`; CSV values are plain strings.

mod engine;
mod error;
mod eval;
mod model;
mod parse;
mod sink;
mod source;
mod template;
#[cfg(test)]
mod tests;
mod value;
mod vocab;

pub use error::RmlError;
pub use sink::{
    CollectingSink, QuadSink, RecordPosition, Reject, RunOptions, RunSummary, SinkError,
};

use std::path::{Path, PathBuf};

/// A parsed and validated mapping document, ready to [`run`] any number of times.
#[derive(Debug)]
pub struct Mapping {
    /// The mapping file (for messages and for rejects of maps without a source).
    path: PathBuf,
    /// The triples maps, in document order.
    triples_maps: Vec<model::TriplesMap>,
}

impl Mapping {
    /// Reads and validates a mapping file; relative source paths resolve against its directory.
    pub fn from_file(path: &Path) -> Result<Mapping, RmlError> {
        let text = std::fs::read_to_string(path).map_err(|source| RmlError::MappingIo {
            path: path.to_owned(),
            source,
        })?;
        Self::from_turtle(&text, path)
    }

    /// Same from text; `mapping_path` is used for error messages and for resolving rml:MappingDirectory.
    pub fn from_turtle(text: &str, mapping_path: &Path) -> Result<Mapping, RmlError> {
        let triples_maps = parse::parse(text, mapping_path)?;
        Ok(Mapping {
            path: mapping_path.to_owned(),
            triples_maps,
        })
    }

    /// Files the logical sources read (for reports and provenance), each once, in mapping order.
    pub fn source_paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = Vec::new();
        for tm in &self.triples_maps {
            if let Some(source) = &tm.source
                && !paths.contains(&source.path)
            {
                paths.push(source.path.clone());
            }
        }
        paths
    }

    /// Names of the triples maps in document order, as used in rejects and messages.
    pub fn triples_map_names(&self) -> Vec<String> {
        self.triples_maps.iter().map(|tm| tm.name.clone()).collect()
    }
}

/// Runs every triples map, streaming quads into the sink.
pub fn run(
    mapping: &Mapping,
    options: &RunOptions,
    sink: &mut dyn QuadSink,
) -> Result<RunSummary, RmlError> {
    engine::run(mapping, options, sink)
}
