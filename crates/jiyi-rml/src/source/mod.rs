//! Logical sources and reference formulations.
//!
//! A reference formulation is a [`SourceFormat`]: it compiles the mapping's iterator and
//! reference expressions when the mapping is loaded (so a bad JSONPath fails before any
//! output), and opens a [`RecordReader`] over a file at run time (decompressed and decoded
//! to UTF-8 by [`input`]). A reader hands out one [`Iteration`] at a time to a callback;
//! CSV, XML and JSON with simple iterators stream (see the crate docs).
//!
//! Adding a formulation means one more `SourceFormat` implementation, one more
//! [`Compiled`] variant for its references, and one line in [`format_for`].

mod csv;
mod directory;
pub(crate) mod input;
mod json;
mod xml;
pub(crate) mod xpath;

use crate::error::RmlError;
use crate::sink::RecordPosition;
use crate::value::Value;
use crate::vocab;
use std::fmt;
use std::path::{Path, PathBuf};

pub(crate) use self::csv::{CsvDialect, CsvFormat};
use self::input::Compression;
pub(crate) use self::json::JsonPathFormat;
pub(crate) use self::xml::XPathFormat;
pub(crate) use self::xpath::Namespaces;

/// A reference expression, compiled by the formulation of the logical source it reads.
#[derive(Debug, Clone)]
pub(crate) struct Reference {
    /// The expression as written in the mapping (used in messages and rejects).
    pub(crate) text: String,
    /// The compiled form.
    pub(crate) compiled: Compiled,
    /// Numbers the references of a mapping densely from 0, so a reader can keep what it
    /// resolved per reference in a vector (CSV: the column index) instead of looking the
    /// expression up by name for every record.
    pub(crate) id: usize,
}

/// The formulation-specific compiled form of a reference.
#[derive(Debug, Clone)]
pub(crate) enum Compiled {
    /// A CSV column name.
    Column(String),
    /// An RFC 9535 JSONPath query, evaluated with the iteration's node as root.
    JsonPath(serde_json_path::JsonPath),
    /// An XPath expression (the supported subset), evaluated with the record as context.
    XPath(xpath::Expr),
}

/// How a logical source is cut into iterations.
#[derive(Debug, Clone)]
pub(crate) enum IteratorSpec {
    /// One iteration per row (CSV).
    Rows,
    /// One iteration per node selected by the query (JSON).
    JsonPath(serde_json_path::JsonPath),
    /// One iteration per element the streaming pattern selects (XML).
    XPath(Vec<xpath::Step>),
}

/// A parsed `rml:logicalSource`.
#[derive(Debug, Clone)]
pub(crate) struct LogicalSource {
    /// The file it reads, already resolved against its root; or a folder whose files it
    /// reads (see [`directory`]).
    pub(crate) path: PathBuf,
    /// Whether `path` is a folder (decided when the mapping is loaded).
    pub(crate) directory: bool,
    /// Its reference formulation.
    pub(crate) format: &'static dyn SourceFormat,
    /// The `rml:iterator`, as written.
    pub(crate) iterator_text: Option<String>,
    /// The compiled iterator.
    pub(crate) iterator: IteratorSpec,
    /// Values that count as null (`rml:null`), besides the format's own null.
    pub(crate) nulls: Vec<String>,
    /// `rml:compression` (or implied by the file name).
    pub(crate) compression: Compression,
    /// Whether `compression` was implied by the file name rather than declared (then each
    /// file of a folder implies its own).
    pub(crate) compression_implied: bool,
    /// `rml:encoding` (UTF-8 unless declared; a byte order mark wins).
    pub(crate) encoding: &'static encoding_rs::Encoding,
    /// CSV dialect (CSVW `csvw:dialect`, or tab-separated for `.tsv` files).
    pub(crate) dialect: CsvDialect,
}

impl LogicalSource {
    /// RML's "effectively equal": same file, formulation, iterator and null values.
    pub(crate) fn effectively_equal(&self, other: &Self) -> bool {
        self.path == other.path
            && self.format.name() == other.format.name()
            && self.iterator_text == other.iterator_text
            && self.nulls == other.nulls
            && self.dialect == other.dialect
    }

    /// Opens the source for reading: its file, or each file of its folder in turn.
    pub(crate) fn open(&self, triples_map: &str) -> Result<Box<dyn RecordReader + '_>, RmlError> {
        if self.directory {
            Ok(Box::new(directory::DirectoryReader {
                source: self,
                triples_map: triples_map.to_owned(),
            }))
        } else {
            self.format.open(self, triples_map)
        }
    }

    /// Checks, before anything is emitted, that the source can be read and answers the
    /// references (see [`SourceFormat::check`]); a folder checks each of its files.
    pub(crate) fn check(
        &self,
        triples_map: &str,
        references: &[&Reference],
    ) -> Result<(), RmlError> {
        if self.directory {
            directory::check(self, triples_map, references)
        } else {
            self.format.check(self, triples_map, references)
        }
    }

    /// The same source reading `path` instead (a file, or a folder), e.g. when a caller
    /// points a mapping at other input ([`crate::LoadOptions::input`]).
    pub(crate) fn redirect(&mut self, path: &Path) {
        path.clone_into(&mut self.path);
        self.directory = path.is_dir();
        if self.compression_implied {
            self.compression = Compression::from_file_name(path);
        }
    }

    /// This source restricted to one file of its folder.
    fn for_file(&self, file: &Path) -> Self {
        let mut one = self.clone();
        one.redirect(file);
        one.directory = false;
        one
    }

    /// Opens the file as a decompressed, UTF-8 byte stream.
    pub(crate) fn open_input(
        &self,
        triples_map: &str,
    ) -> Result<Box<dyn std::io::BufRead>, RmlError> {
        input::open(&self.path, self.compression, self.encoding).map_err(|e| RmlError::SourceIo {
            path: self.path.clone(),
            triples_map: triples_map.to_owned(),
            source: e,
        })
    }
}

/// A data error in one record: it makes the record a reject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataError {
    /// The reference whose value caused it, when known.
    pub(crate) field: Option<String>,
    /// What is wrong.
    pub(crate) reason: String,
}

impl DataError {
    pub(crate) fn new(field: Option<&str>, reason: impl Into<String>) -> Self {
        Self {
            field: field.map(str::to_owned),
            reason: reason.into(),
        }
    }
}

/// One logical iteration: the context reference expressions are evaluated against.
pub(crate) trait Iteration {
    /// Where the iteration starts in its source (computed only when needed for a reject).
    fn position(&self) -> RecordPosition;
    /// The file the iteration comes from, when the logical source is a folder (rejects then
    /// name that file); `None` means the logical source's own path.
    fn source_file(&self) -> Option<&Path> {
        None
    }
    /// Evaluates a reference: its non-null values, in source order (empty when null or
    /// missing).
    fn evaluate(&self, reference: &Reference) -> Result<Vec<Value>, DataError>;
    /// The reference's value lent without a copy, when the source can: one string, or
    /// null. [`Lent::Evaluate`] (the default) sends the caller to [`Iteration::evaluate`],
    /// which handles every case (several values, typed values, errors). This is the hot
    /// path of term generation: a CSV cell goes from the record straight into the term.
    fn lend(&self, _reference: &Reference) -> Lent<'_> {
        Lent::Evaluate
    }
}

/// What [`Iteration::lend`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lent<'a> {
    /// No value: null or missing.
    Null,
    /// Exactly one value, a string, borrowed from the record.
    Text(&'a str),
    /// Ask [`Iteration::evaluate`].
    Evaluate,
}

/// What a reader hands to the callback for each record.
pub(crate) enum Record<'a> {
    /// A well-formed record.
    Iteration(&'a dyn Iteration),
    /// A record that cannot be read (bad UTF-8, wrong number of fields); it becomes a reject.
    Malformed {
        /// Where it starts.
        position: RecordPosition,
        /// The column concerned, if any.
        field: Option<String>,
        /// What is wrong.
        reason: String,
        /// The file it is in, when the logical source is a folder.
        source: Option<PathBuf>,
    },
}

/// The callback a reader calls once per record; returning an error stops the reading.
pub(crate) type RecordCallback<'f> = dyn FnMut(Record<'_>) -> Result<(), RmlError> + 'f;

/// An open source, read once from start to end.
pub(crate) trait RecordReader {
    /// Reads every record in order, calling `f` for each.
    fn for_each_record(&mut self, f: &mut RecordCallback<'_>) -> Result<(), RmlError>;
}

/// A reference formulation.
pub(crate) trait SourceFormat: Sync + fmt::Debug {
    /// Its name for messages, e.g. `rml:CSV`.
    fn name(&self) -> &'static str;
    /// Compiles the logical source's `rml:iterator` (absent: the format's default);
    /// `namespaces` are the mapping's `rml:namespace` declarations (XPath).
    fn compile_iterator(
        &self,
        iterator: Option<&str>,
        namespaces: &Namespaces,
    ) -> Result<IteratorSpec, String>;
    /// Compiles a reference expression.
    fn compile_reference(
        &self,
        expression: &str,
        namespaces: &Namespaces,
    ) -> Result<Compiled, String>;
    /// Checks, before anything is emitted, that the source can be read and can answer these
    /// references (CSV: the file opens and every column is in the header). `triples_map`
    /// names the reader in error messages.
    fn check(
        &self,
        source: &LogicalSource,
        triples_map: &str,
        references: &[&Reference],
    ) -> Result<(), RmlError>;
    /// Opens the source for reading. `triples_map` names the reader in error messages.
    fn open<'s>(
        &self,
        source: &'s LogicalSource,
        triples_map: &str,
    ) -> Result<Box<dyn RecordReader + 's>, RmlError>;
}

static CSV: CsvFormat = CsvFormat;
static JSONPATH: JsonPathFormat = JsonPathFormat;
static XPATH: XPathFormat = XPathFormat;

/// The format for a `rml:referenceFormulation` IRI: `Ok(None)` if the IRI is unknown,
/// `Err` with an explanation if it is known but not supported yet.
pub(crate) fn format_for(iri: &str) -> Result<Option<&'static dyn SourceFormat>, String> {
    let legacy = iri.strip_prefix(vocab::QL_NS);
    if iri == vocab::CSV || legacy == Some("CSV") {
        Ok(Some(&CSV))
    } else if iri == vocab::JSONPATH || legacy == Some("JSONPath") {
        Ok(Some(&JSONPATH))
    } else if iri == vocab::XPATH || legacy == Some("XPath") {
        Ok(Some(&XPATH))
    } else if iri.starts_with("http://www.w3.org/ns/formats/SPARQL_Results")
        || iri == vocab::SQL2008_TABLE
        || iri == vocab::SQL2008_QUERY
    {
        Err(format!(
            "reference formulation {} is not supported: Jiyi reads files (CSV, JSON, XML), not SPARQL \
             endpoints or databases; export the data to a file first",
            vocab::short(iri)
        ))
    } else {
        Ok(None)
    }
}

/// The format implied by a file extension (after any compression extension), for logical
/// sources without `rml:referenceFormulation`.
pub(crate) fn format_for_extension(path: &std::path::Path) -> Option<&'static dyn SourceFormat> {
    let name = Compression::inner_name(path).to_ascii_lowercase();
    let extension = name.rsplit_once('.')?.1.to_owned();
    match extension.as_str() {
        "csv" | "tsv" => Some(&CSV),
        "json" => Some(&JSONPATH),
        "xml" => Some(&XPATH),
        _ => None,
    }
}

/// The iteration of a triples map without a logical source: exactly one, with no data.
pub(crate) struct NoSourceIteration;

impl Iteration for NoSourceIteration {
    fn position(&self) -> RecordPosition {
        RecordPosition::Path("$".into())
    }

    fn evaluate(&self, reference: &Reference) -> Result<Vec<Value>, DataError> {
        Err(DataError::new(
            Some(&reference.text),
            "the triples map has no logical source to evaluate references on",
        ))
    }
}
