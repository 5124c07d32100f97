//! Where a run's output goes: quads, rejects and the summary that counts them.

use oxrdf::{Quad, QuadRef};
use std::fmt;
use std::path::PathBuf;

/// The error a [`QuadSink`] may return; it stops the run and comes back as
/// [`crate::RmlError::Sink`].
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Receives a run's output as it is produced, so that nothing has to be held in memory.
///
/// Quads from one record arrive together, after the record was fully mapped; a rejected
/// record sends no quads, only its [`Reject`]. Quads are lent: the engine builds a record's
/// terms in a buffer it reuses, so a sink that keeps a quad copies it (`into_owned`), and a
/// sink that writes it out copies nothing.
pub trait QuadSink {
    /// Takes one generated quad.
    fn quad(&mut self, quad: QuadRef<'_>) -> Result<(), SinkError>;
    /// Takes one rejected record (it produced nothing).
    fn reject(&mut self, reject: Reject) -> Result<(), SinkError>;
    /// Told once per record in which [`RunOptions::redactions`]`[redaction]` withheld a
    /// value that a term map asked for, so a caller can say how many it withheld (the
    /// ingest's provenance does). The default ignores it.
    fn redacted(&mut self, redaction: usize) -> Result<(), SinkError> {
        let _ = redaction;
        Ok(())
    }

    /// Takes one warning: a function execution marked `jiyi:onError "warn"` failed, its term
    /// was left out and the rest of the record was published (its quads came before this).
    /// Ignored by default, so existing sinks keep working; a publisher should report them.
    fn warning(&mut self, warning: Warning) -> Result<(), SinkError> {
        let _ = warning;
        Ok(())
    }
}

/// A sink that keeps everything in memory: for tests and small mappings.
#[derive(Debug, Default, Clone)]
pub struct CollectingSink {
    /// The quads, in the order they were produced.
    pub quads: Vec<Quad>,
    /// The rejects, in the order they were produced.
    pub rejects: Vec<Reject>,
    /// The warnings, in the order they were produced.
    pub warnings: Vec<Warning>,
}

impl CollectingSink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }
}

impl QuadSink for CollectingSink {
    fn quad(&mut self, quad: QuadRef<'_>) -> Result<(), SinkError> {
        self.quads.push(quad.into_owned());
        Ok(())
    }

    fn reject(&mut self, reject: Reject) -> Result<(), SinkError> {
        self.rejects.push(reject);
        Ok(())
    }

    fn warning(&mut self, warning: Warning) -> Result<(), SinkError> {
        self.warnings.push(warning);
        Ok(())
    }
}

/// Where a record starts in its source, so a steward can find and fix it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RecordPosition {
    /// CSV: the 1-based physical line where the record starts (the header is line 1).
    Line(u64),
    /// JSON: the normalized JSONPath of the iteration, e.g. `$['students'][3]`.
    Path(String),
}

impl fmt::Display for RecordPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Line(line) => write!(f, "line {line}"),
            Self::Path(path) => f.write_str(path),
        }
    }
}

/// A record that produced nothing because of a data error, with enough context to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// The source file the record came from.
    pub source: PathBuf,
    /// Where the record starts in that file.
    pub position: RecordPosition,
    /// The triples map that rejected it (the same record may be fine for another one).
    pub triples_map: String,
    /// The reference (column, JSONPath) whose value caused the problem, when known.
    pub field: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for Reject {
    /// `objects.csv line 17, field 材質: reason (triples map <#Objects>)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_where(f, &self.source, &self.position, self.field.as_deref())?;
        write!(f, ": {} (triples map {})", self.reason, self.triples_map)
    }
}

/// `objects.csv line 17, field 材質`: where a reject or a warning is, by file name (not the
/// steward's whole path), record position and field.
fn write_where(
    f: &mut fmt::Formatter<'_>,
    source: &std::path::Path,
    position: &RecordPosition,
    field: Option<&str>,
) -> fmt::Result {
    let name = source.file_name().map_or_else(
        || source.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    write!(f, "{name} {position}")?;
    if let Some(field) = field {
        write!(f, ", field {field}")?;
    }
    Ok(())
}

/// A term left out of a published record: a function execution with `jiyi:onError "warn"`
/// failed (an unreadable date, say). Unlike a [`Reject`], the record's other quads were
/// published; the steward still needs to see it, so it carries the same context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The source file the record came from.
    pub source: PathBuf,
    /// Where the record starts in that file.
    pub position: RecordPosition,
    /// The triples map that mapped it.
    pub triples_map: String,
    /// The references the failing function read (column, JSONPath), when it read any.
    pub field: Option<String>,
    /// What failed: the function and its error.
    pub reason: String,
}

impl fmt::Display for Warning {
    /// `objects.csv line 17, field 年代: reason (triples map <#Objects>; record published)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_where(f, &self.source, &self.position, self.field.as_deref())?;
        write!(
            f,
            ": {} (triples map {}; record published without it)",
            self.reason, self.triples_map
        )
    }
}

/// Counts for one run. Records are counted per triples-map iteration: a source read by two
/// triples maps counts each record twice. Always
/// `records_read == records_mapped + records_rejected`.
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunSummary {
    /// Logical iterations read, over all triples maps (malformed records included).
    pub records_read: u64,
    /// Iterations mapped without a data error (including those that produced no quad, e.g.
    /// because their subject was null).
    pub records_mapped: u64,
    /// Iterations that produced nothing because of a data error; each sent one [`Reject`].
    pub records_rejected: u64,
    /// Quads handed to the sink.
    pub quads_written: u64,
    /// Warnings sent (terms left out of mapped records by `jiyi:onError "warn"`); a record
    /// with warnings counts as mapped.
    pub warnings: u64,
}

/// Settings of one run that are not part of the mapping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// The base IRI that relative IRIs produced by term maps are appended to, unless the
    /// triples map declares its own `rml:baseIRI`. `None` means the RML default,
    /// `http://example.org/` — a publisher should always set it.
    pub base_iri: Option<String>,
    /// Write quads of term maps with `rml:logicalTarget` to those target files (and not to
    /// the sink), as RML-IO says. Off by default: an ingest stores every quad of a dataset,
    /// so everything goes to the sink.
    pub write_logical_targets: bool,
    /// How duplicate quads are removed.
    pub deduplicate: Deduplication,
    /// Fields whose values no term map may see (masked or dropped where the record is read;
    /// see [`crate::Redaction`]). CSV sources only; at most 64.
    pub redactions: Vec<crate::Redaction>,
}

/// How much duplicate elimination a run does. RML's output is a set; exact elimination
/// costs memory per distinct quad, which a caller that deduplicates downstream (the store)
/// can save.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Deduplication {
    /// Every quad reaches the sink (or a target) once per run: a 128-bit fingerprint of
    /// each distinct quad is kept (about 32 bytes per distinct quad).
    #[default]
    Run,
    /// Duplicates are removed within one record only; memory stays flat however large the
    /// output (the store, or an RDF reader, removes the rest).
    Record,
    /// Like [`Deduplication::Run`] for quads bound for logical targets, but quads bound for
    /// the sink are deduplicated within their record only: the sink promises to remove the
    /// rest itself, e.g. with a [`crate::QuadSet`] on a thread of its own (`jiyi map` does
    /// so, to spread the work over two cores). [`RunSummary::quads_written`] then counts the
    /// quads handed to the sink, duplicates across records included.
    SinkDeduplicates,
}
