//! A folder as a logical source — a Jiyi extension of RML-IO.
//!
//! RML-IO's file sources name one file, but exports often come as a folder of small files:
//! data.gov.tw's catalogue, for one, is one JSON document per dataset. When the path of a
//! logical source (`rml:path`, `csvw:url` or a path literal) names a **directory**, the
//! logical source reads every regular file below it, recursively, whose name gives the
//! source's reference formulation (`.json`, `.jsonl`, `.csv`, `.tsv`, `.xml`, also
//! compressed, see [`super::format_for_extension`]), in sorted path order, skipping names
//! that start with a dot. Each file is read as if it were the source alone (iterator,
//! encoding, nulls, CSV dialect; compression is declared or implied per file name), so one
//! file may give one record or many.
//!
//! Rejects name the file, not the folder ([`Reject::source`](crate::Reject) is the file,
//! the position is the record's place in it, e.g. `$` or `$['RESOURCE'][2]`). A file that
//! cannot be parsed (not JSON, not well-formed XML) rejects that file as one record and the
//! run goes on, because in a folder of independent documents one broken export should not
//! hide the others; records the file gave before the error was found stay mapped (with a
//! `$` iterator a JSON document is parsed whole before it is mapped, so a broken document
//! gives exactly one reject). A file that cannot be opened still fails the run (an I/O
//! problem, not bad data). An empty folder gives no records.
//!
//! The walk is written with `std::fs` (a dozen lines) rather than a crate: it needs no
//! globbing, and sorting the full paths makes the order independent of the file system.

use super::{
    Iteration, Lent, LogicalSource, Record, RecordCallback, RecordReader, Reference,
    format_for_extension,
};
use crate::error::RmlError;
use crate::sink::RecordPosition;
use crate::value::Value;
use std::path::{Path, PathBuf};

/// The files a directory source reads, sorted by path.
pub(crate) fn files(source: &LogicalSource, triples_map: &str) -> Result<Vec<PathBuf>, RmlError> {
    let mut out = Vec::new();
    let mut pending = vec![source.path.clone()];
    let io = |path: &Path, e: std::io::Error| RmlError::SourceIo {
        path: path.to_owned(),
        triples_map: triples_map.to_owned(),
        source: e,
    };
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| io(&dir, e))? {
            let path = entry.map_err(|e| io(&dir, e))?.path();
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            // `metadata` follows symbolic links, as opening a file would.
            let metadata = std::fs::metadata(&path).map_err(|e| io(&path, e))?;
            if metadata.is_dir() {
                pending.push(path);
            } else if metadata.is_file()
                && format_for_extension(&path).is_some_and(|f| f.name() == source.format.name())
            {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Checks every file of the folder as the format checks a single file (CSV: the header
/// has every referenced column).
pub(crate) fn check(
    source: &LogicalSource,
    triples_map: &str,
    references: &[&Reference],
) -> Result<(), RmlError> {
    for file in files(source, triples_map)? {
        source
            .format
            .check(&source.for_file(&file), triples_map, references)?;
    }
    Ok(())
}

/// Reads the folder's files one after the other.
pub(crate) struct DirectoryReader<'s> {
    pub(crate) source: &'s LogicalSource,
    pub(crate) triples_map: String,
}

impl RecordReader for DirectoryReader<'_> {
    fn for_each_record(&mut self, f: &mut RecordCallback<'_>) -> Result<(), RmlError> {
        for file in files(self.source, &self.triples_map)? {
            let one = self.source.for_file(&file);
            let mut reader = one.format.open(&one, &self.triples_map)?;
            let mut callback_failed = false;
            let outcome = reader.for_each_record(&mut |record| {
                let result = match record {
                    Record::Iteration(inner) => {
                        f(Record::Iteration(&InFile { inner, file: &file }))
                    }
                    Record::Malformed {
                        position,
                        field,
                        reason,
                        source: _,
                    } => f(Record::Malformed {
                        position,
                        field,
                        reason,
                        source: Some(file.clone()),
                    }),
                };
                callback_failed = result.is_err();
                result
            });
            match outcome {
                Ok(()) => {}
                Err(error) if callback_failed => return Err(error),
                Err(RmlError::SourceSyntax { message, .. }) => f(Record::Malformed {
                    position: RecordPosition::Path("$".into()),
                    field: None,
                    reason: format!("the file cannot be read as a whole: {message}"),
                    source: Some(file.clone()),
                })?,
                Err(other) => return Err(other),
            }
        }
        Ok(())
    }
}

/// An iteration of one file of the folder: the file's own iteration, plus which file.
struct InFile<'a> {
    inner: &'a dyn Iteration,
    file: &'a Path,
}

impl Iteration for InFile<'_> {
    fn position(&self) -> RecordPosition {
        self.inner.position()
    }

    fn evaluate(&self, reference: &Reference) -> Result<Vec<Value>, super::DataError> {
        self.inner.evaluate(reference)
    }

    fn lend(&self, reference: &Reference) -> Lent<'_> {
        self.inner.lend(reference)
    }

    fn source_file(&self) -> Option<&Path> {
        Some(self.file)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::panic)]

    use crate::{CollectingSink, LoadOptions, Mapping, RecordPosition, RmlError, RunOptions, run};
    use std::path::Path;

    const MAPPING: &str = r#"@prefix rml: <http://w3id.org/rml/> .
@prefix ex: <http://example.com/> .
<#Records> rml:logicalSource [ rml:source "records"; rml:referenceFormulation rml:JSONPath; rml:iterator "$" ];
  rml:subjectMap [ rml:template "https://data.example.tw/id/r/{id}" ];
  rml:predicateObjectMap [ rml:predicate ex:name; rml:objectMap [ rml:reference "name" ] ];
  rml:predicateObjectMap [ rml:predicate ex:see; rml:objectMap [ rml:reference "link"; rml:termType rml:IRI ] ] .
<#Parts> rml:logicalSource [ rml:source "records"; rml:referenceFormulation rml:JSONPath; rml:iterator "$.parts[*]" ];
  rml:subjectMap [ rml:template "https://data.example.tw/id/part/{code}"; rml:class ex:Part ] .
"#;

    fn write(path: &Path, text: &str) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(path, text).expect("write file");
    }

    fn sample(root: &Path) {
        let records = root.join("records");
        write(
            &records.join("b/10.json"),
            r#"{"id": "10", "name": "ten", "parts": [{"code": "x"}, {"code": "y"}]}"#,
        );
        write(
            &records.join("b/2.json"),
            r#"{"id": "2", "name": "two", "link": "not an IRI"}"#,
        );
        write(
            &records.join("a.json"),
            r#"{"id": "1", "name": "one", "parts": []}"#,
        );
        write(&records.join("broken.json"), r#"{"id": "3", "#);
        write(&records.join("README.md"), "not a record");
        write(&records.join(".hidden.json"), r#"{"id": "hidden"}"#);
    }

    fn map(mapping: &Path, options: &LoadOptions) -> (crate::RunSummary, CollectingSink) {
        let mapping = Mapping::from_file_with(mapping, options).expect("mapping loads");
        let mut sink = CollectingSink::new();
        let summary = run(&mapping, &RunOptions::default(), &mut sink).expect("run succeeds");
        (summary, sink)
    }

    #[test]
    fn a_folder_yields_every_matching_file_in_path_order_and_rejects_name_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        sample(dir.path());
        let mapping = dir.path().join("mapping.ttl");
        write(&mapping, MAPPING);
        let (summary, sink) = map(&mapping, &LoadOptions::default());

        // <#Records>: 4 files (README.md and the hidden file are not read); <#Parts>: the
        // 2 parts of b/10.json plus broken.json, which rejects once for each triples map.
        assert_eq!(summary.records_read, 4 + 3, "{summary:?}");
        assert_eq!(summary.records_rejected, 3, "{:?}", sink.rejects);
        let subjects: Vec<String> = sink
            .quads
            .iter()
            .filter(|q| q.predicate.as_str() == "http://example.com/name")
            .map(|q| q.subject.to_string())
            .collect();
        // Sorted by path: a.json, b/10.json, b/2.json (broken.json rejected).
        assert_eq!(
            subjects,
            [
                "<https://data.example.tw/id/r/1>",
                "<https://data.example.tw/id/r/10>"
            ]
        );
        let records = dir.path().join("records");
        let bad_value = sink
            .rejects
            .iter()
            .find(|r| r.field.as_deref() == Some("link"))
            .expect("the bad IRI is rejected");
        assert_eq!(bad_value.source, records.join("b/2.json"));
        assert_eq!(bad_value.position, RecordPosition::Path("$".into()));
        let broken: Vec<_> = sink
            .rejects
            .iter()
            .filter(|r| r.source == records.join("broken.json"))
            .collect();
        assert_eq!(broken.len(), 2, "{broken:?}");
        assert!(
            broken[0].reason.contains("not valid JSON"),
            "{}",
            broken[0].reason
        );
        assert!(
            sink.quads
                .iter()
                .any(|q| q.subject.to_string() == "<https://data.example.tw/id/part/y>")
        );
    }

    #[test]
    fn other_input_replaces_the_mapping_source() {
        let dir = tempfile::tempdir().expect("temp dir");
        sample(dir.path());
        write(
            &dir.path().join("elsewhere/only.json"),
            r#"{"id": "9", "name": "nine"}"#,
        );
        let mapping = dir.path().join("mapping.ttl");
        write(&mapping, MAPPING);
        let options = LoadOptions {
            input: Some(dir.path().join("elsewhere")),
            ..LoadOptions::default()
        };
        let (summary, sink) = map(&mapping, &options);
        assert_eq!(summary.records_read, 1, "{summary:?}");
        assert_eq!(
            sink.quads[0].subject.to_string(),
            "<https://data.example.tw/id/r/9>"
        );
        // A single file works too.
        let options = LoadOptions {
            input: Some(dir.path().join("records/a.json")),
            ..LoadOptions::default()
        };
        let (summary, _) = map(&mapping, &options);
        assert_eq!(summary.records_read, 1, "{summary:?}");
    }

    #[test]
    fn other_input_is_refused_when_the_mapping_reads_several_sources() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mapping = dir.path().join("mapping.ttl");
        write(&mapping, &MAPPING.replace(r#"rml:source "records"; rml:referenceFormulation rml:JSONPath; rml:iterator "$.parts"#, r#"rml:source "parts"; rml:referenceFormulation rml:JSONPath; rml:iterator "$.parts"#));
        let options = LoadOptions {
            input: Some(dir.path().to_owned()),
            ..LoadOptions::default()
        };
        match Mapping::from_file_with(&mapping, &options) {
            Err(RmlError::InvalidMapping { message, .. }) => {
                assert!(message.contains("2 different sources"), "{message}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_csv_folder_checks_each_header() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(&dir.path().join("rows/1.csv"), "id,name\n1,one\n2,two\n");
        write(&dir.path().join("rows/2.csv"), "id\n3\n");
        let mapping = dir.path().join("mapping.ttl");
        write(
            &mapping,
            r#"@prefix rml: <http://w3id.org/rml/> .
@prefix ex: <http://example.com/> .
<#Rows> rml:logicalSource [ rml:source "rows"; rml:referenceFormulation rml:CSV ];
  rml:subjectMap [ rml:template "https://data.example.tw/id/r/{id}" ];
  rml:predicateObjectMap [ rml:predicate ex:name; rml:objectMap [ rml:reference "name" ] ] .
"#,
        );
        let loaded = Mapping::from_file(&mapping).expect("mapping loads");
        let mut sink = CollectingSink::new();
        match run(&loaded, &RunOptions::default(), &mut sink) {
            Err(RmlError::MissingColumn { path, column, .. }) => {
                assert_eq!(path, dir.path().join("rows/2.csv"));
                assert_eq!(column, "name");
            }
            other => panic!("expected a missing column, got {other:?}"),
        }
        std::fs::write(dir.path().join("rows/2.csv"), "name,id\nthree,3\n").expect("rewrite");
        let (summary, sink) = map(&mapping, &LoadOptions::default());
        assert_eq!(summary.records_read, 3);
        assert_eq!(sink.quads.len(), 3);
    }
}
