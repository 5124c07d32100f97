//! The rejects report: one JSON object per rejected record, so a steward can fix the export
//! and re-run, and tools can count or filter them. Warnings (a term left out of a published
//! record by `jiyi:onError "warn"`) go in the same file, marked `"kind": "warning"` and
//! `"published": true`; rejects carry `"kind": "reject"` and `"published": false`.

use crate::IngestError;
use jiyi_rml::{RecordPosition, Reject, Warning};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes rejects as JSON lines, opening the file only when the first reject arrives. Shared by
/// `jiyi ingest` and `jiyi map`, so a steward sees one report format whatever they ran.
pub struct RejectsWriter {
    path: PathBuf,
    file: Option<BufWriter<File>>,
    count: u64,
    warnings: u64,
}

impl RejectsWriter {
    /// A writer for `path`; nothing is created until a record is rejected.
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            file: None,
            count: 0,
            warnings: 0,
        }
    }

    /// How many rejects were written.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// How many warnings were written.
    pub fn warnings(&self) -> u64 {
        self.warnings
    }

    /// Appends one reject as a JSON line: kind, published (false), source, line or path,
    /// triples map, field, reason.
    pub fn write(&mut self, reject: &Reject) -> Result<(), IngestError> {
        let entry = Entry {
            kind: "reject",
            source: &reject.source,
            position: &reject.position,
            triples_map: &reject.triples_map,
            field: reject.field.as_deref(),
            reason: &reject.reason,
        };
        self.append(&entry)?;
        self.count += 1;
        Ok(())
    }

    /// Appends one warning as a JSON line, like a reject but with `"kind": "warning"` and
    /// `"published": true`: the record was published without the term.
    pub fn write_warning(&mut self, warning: &Warning) -> Result<(), IngestError> {
        let entry = Entry {
            kind: "warning",
            source: &warning.source,
            position: &warning.position,
            triples_map: &warning.triples_map,
            field: warning.field.as_deref(),
            reason: &warning.reason,
        };
        self.append(&entry)?;
        self.warnings += 1;
        Ok(())
    }

    fn append(&mut self, entry: &Entry<'_>) -> Result<(), IngestError> {
        let io = |source| IngestError::Io {
            path: self.path.clone(),
            source,
        };
        if self.file.is_none() {
            if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            self.file = Some(BufWriter::new(File::create(&self.path).map_err(io)?));
        }
        let mut line = serde_json::Map::new();
        line.insert("kind".into(), entry.kind.into());
        line.insert("published".into(), (entry.kind == "warning").into());
        line.insert("source".into(), entry.source.display().to_string().into());
        match entry.position {
            RecordPosition::Line(n) => line.insert("line".into(), (*n).into()),
            RecordPosition::Path(p) => line.insert("path".into(), p.clone().into()),
        };
        line.insert("triples_map".into(), entry.triples_map.into());
        line.insert(
            "field".into(),
            entry.field.map_or(serde_json::Value::Null, Into::into),
        );
        line.insert("reason".into(), entry.reason.into());
        if let Some(file) = self.file.as_mut() {
            serde_json::to_writer(&mut *file, &line).map_err(|e| io(e.into()))?;
            file.write_all(b"\n").map_err(io)?;
        }
        Ok(())
    }

    /// Flushes the report; when nothing was rejected or warned about, removes a report left by an earlier run
    /// so a stale file never suggests this run lost records.
    pub fn finish(self) -> Result<Option<PathBuf>, IngestError> {
        let io = |source| IngestError::Io {
            path: self.path.clone(),
            source,
        };
        match self.file {
            Some(mut file) => {
                file.flush().map_err(io)?;
                Ok(Some(self.path))
            }
            None => {
                match std::fs::remove_file(&self.path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io(e)),
                }
                Ok(None)
            }
        }
    }
}

/// One line of the report, reject or warning.
struct Entry<'a> {
    kind: &'static str,
    source: &'a Path,
    position: &'a RecordPosition,
    triples_map: &'a str,
    field: Option<&'a str>,
    reason: &'a str,
}
