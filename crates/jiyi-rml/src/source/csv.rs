//! `rml:CSV`: a header row, then one iteration per record, read one record at a time.

use super::{
    Compiled, DataError, Iteration, IteratorSpec, LogicalSource, Record, RecordCallback,
    RecordReader, Reference, SourceFormat,
};
use crate::error::RmlError;
use crate::sink::RecordPosition;
use crate::value::Value;
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;

/// The CSV reference formulation: references are column names (any text, Chinese included),
/// every value is a string, nothing is null unless listed with `rml:null`.
#[derive(Debug)]
pub(crate) struct CsvFormat;

impl SourceFormat for CsvFormat {
    fn name(&self) -> &'static str {
        "rml:CSV"
    }

    fn compile_iterator(&self, _iterator: Option<&str>) -> Result<IteratorSpec, String> {
        // CSV always iterates over rows; an `rml:iterator` (common in legacy mappings) is
        // ignored rather than refused.
        Ok(IteratorSpec::Rows)
    }

    fn compile_reference(&self, expression: &str) -> Result<Compiled, String> {
        Ok(Compiled::Column(expression.to_owned()))
    }

    fn check(
        &self,
        source: &LogicalSource,
        triples_map: &str,
        references: &[&Reference],
    ) -> Result<(), RmlError> {
        let reader = open_csv(source, triples_map)?;
        for reference in references {
            let known = matches!(&reference.compiled, Compiled::Column(name) if reader.index.contains_key(name));
            if !known {
                return Err(RmlError::MissingColumn {
                    path: source.path.clone(),
                    column: reference.text.clone(),
                    triples_map: triples_map.to_owned(),
                    available: reader.columns.join(", "),
                });
            }
        }
        Ok(())
    }

    fn open<'s>(
        &self,
        source: &'s LogicalSource,
        triples_map: &str,
    ) -> Result<Box<dyn RecordReader + 's>, RmlError> {
        Ok(Box::new(open_csv(source, triples_map)?))
    }
}

fn open_csv<'s>(source: &'s LogicalSource, triples_map: &str) -> Result<CsvReader<'s>, RmlError> {
    {
        let file = File::open(&source.path).map_err(|e| RmlError::SourceIo {
            path: source.path.clone(),
            triples_map: triples_map.to_owned(),
            source: e,
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(BufReader::new(file));
        let header = reader
            .byte_headers()
            .map_err(|e| header_error(source, triples_map, e))?
            .clone();
        let mut columns = Vec::with_capacity(header.len());
        for (i, field) in header.iter().enumerate() {
            let mut name = std::str::from_utf8(field)
                .map_err(|_| RmlError::SourceSyntax {
                    path: source.path.clone(),
                    message: format!("the header's column {} is not valid UTF-8", i + 1),
                })?
                .to_owned();
            // The csv crate already drops a UTF-8 BOM; this guards against a reader that does not.
            if i == 0
                && let Some(stripped) = name.strip_prefix('\u{feff}')
            {
                name = stripped.to_owned();
            }
            columns.push(name);
        }
        let mut index = HashMap::with_capacity(columns.len());
        for (i, name) in columns.iter().enumerate() {
            // With duplicate column names the first one wins.
            index.entry(name.clone()).or_insert(i);
        }
        Ok(CsvReader {
            source,
            reader,
            columns,
            index,
            triples_map: triples_map.to_owned(),
        })
    }
}

fn header_error(source: &LogicalSource, triples_map: &str, error: csv::Error) -> RmlError {
    let message = format!("cannot read the CSV header: {error}");
    match error.into_kind() {
        csv::ErrorKind::Io(e) => RmlError::SourceIo {
            path: source.path.clone(),
            triples_map: triples_map.to_owned(),
            source: e,
        },
        _ => RmlError::SourceSyntax {
            path: source.path.clone(),
            message,
        },
    }
}

struct CsvReader<'s> {
    source: &'s LogicalSource,
    reader: csv::Reader<BufReader<File>>,
    columns: Vec<String>,
    index: HashMap<String, usize>,
    triples_map: String,
}

impl RecordReader for CsvReader<'_> {
    fn for_each_record(&mut self, f: &mut RecordCallback<'_>) -> Result<(), RmlError> {
        let mut record = csv::ByteRecord::new();
        loop {
            match self.reader.read_byte_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    let line = record.position().map_or(0, csv::Position::line);
                    let bad_column = record
                        .iter()
                        .position(|field| std::str::from_utf8(field).is_err());
                    if let Some(i) = bad_column {
                        f(Record::Malformed {
                            position: RecordPosition::Line(line),
                            field: self.columns.get(i).cloned(),
                            reason: "the value is not valid UTF-8".into(),
                        })?;
                        continue;
                    }
                    let iteration = CsvIteration {
                        record: &record,
                        line,
                        index: &self.index,
                        nulls: &self.source.nulls,
                    };
                    f(Record::Iteration(&iteration))?;
                }
                Err(error) => {
                    let line = error.position().map_or(0, csv::Position::line);
                    let message = error.to_string();
                    match error.into_kind() {
                        csv::ErrorKind::Io(e) => {
                            return Err(RmlError::SourceIo {
                                path: self.source.path.clone(),
                                triples_map: self.triples_map.clone(),
                                source: e,
                            });
                        }
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => f(Record::Malformed {
                            position: RecordPosition::Line(line),
                            field: None,
                            reason: format!(
                                "the record has {len} fields but the header has {expected_len}"
                            ),
                        })?,
                        _ => f(Record::Malformed {
                            position: RecordPosition::Line(line),
                            field: None,
                            reason: format!("malformed CSV record: {message}"),
                        })?,
                    }
                }
            }
        }
    }
}

struct CsvIteration<'r> {
    record: &'r csv::ByteRecord,
    line: u64,
    index: &'r HashMap<String, usize>,
    nulls: &'r [String],
}

impl Iteration for CsvIteration<'_> {
    fn position(&self) -> RecordPosition {
        RecordPosition::Line(self.line)
    }

    fn evaluate(&self, reference: &Reference) -> Result<Vec<Value>, DataError> {
        let Compiled::Column(name) = &reference.compiled else {
            return Err(DataError::new(Some(&reference.text), "not a CSV reference"));
        };
        let Some(&i) = self.index.get(name) else {
            return Err(DataError::new(Some(&reference.text), "no such column"));
        };
        let bytes = self.record.get(i).unwrap_or_default();
        let text = std::str::from_utf8(bytes)
            .map_err(|_| DataError::new(Some(&reference.text), "the value is not valid UTF-8"))?;
        if self.nulls.iter().any(|null| null == text) {
            return Ok(Vec::new());
        }
        Ok(vec![Value::string(text)])
    }
}
