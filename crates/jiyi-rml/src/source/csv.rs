//! `rml:CSV`: a header row, then one iteration per record, read one record at a time.

use super::{
    Compiled, DataError, Iteration, IteratorSpec, Lent, LogicalSource, Record, RecordCallback,
    RecordReader, Reference, SourceFormat,
};
use crate::error::RmlError;
use crate::sink::RecordPosition;
use crate::value::Value;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::io::BufRead;

/// How a CSV file is laid out: the CSVW dialect properties Jiyi honours (`csvw:delimiter`,
/// `csvw:quoteChar`, `csvw:doubleQuote`, `csvw:header`, `csvw:headerRowCount`,
/// `csvw:skipRows`, `csvw:commentPrefix`, `csvw:trim`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvDialect {
    pub(crate) delimiter: u8,
    pub(crate) quote: u8,
    pub(crate) double_quote: bool,
    /// Whether the first (non-skipped) row names the columns; without a header, columns
    /// are named `_col.1`, `_col.2`, … as in CSVW.
    pub(crate) header: bool,
    /// Rows skipped before the header (`csvw:skipRows`).
    pub(crate) skip_rows: usize,
    pub(crate) comment: Option<u8>,
    pub(crate) trim: bool,
}

impl Default for CsvDialect {
    fn default() -> Self {
        Self {
            delimiter: b',',
            quote: b'"',
            double_quote: true,
            header: true,
            skip_rows: 0,
            comment: None,
            trim: false,
        }
    }
}

/// The CSV reference formulation: references are column names (any text, Chinese included),
/// every value is a string, nothing is null unless listed with `rml:null`.
#[derive(Debug)]
pub(crate) struct CsvFormat;

impl SourceFormat for CsvFormat {
    fn name(&self) -> &'static str {
        "rml:CSV"
    }

    fn compile_iterator(
        &self,
        _iterator: Option<&str>,
        _namespaces: &super::Namespaces,
    ) -> Result<IteratorSpec, String> {
        // CSV always iterates over rows; an `rml:iterator` (common in legacy mappings) is
        // ignored rather than refused.
        Ok(IteratorSpec::Rows)
    }

    fn compile_reference(
        &self,
        expression: &str,
        _namespaces: &super::Namespaces,
    ) -> Result<Compiled, String> {
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
    let mut input = source.open_input(triples_map)?;
    let dialect = &source.dialect;
    let mut skipped_lines: u64 = 0;
    for _ in 0..dialect.skip_rows {
        let mut line = Vec::new();
        let n = input
            .read_until(b'\n', &mut line)
            .map_err(|e| RmlError::SourceIo {
                path: source.path.clone(),
                triples_map: triples_map.to_owned(),
                source: e,
            })?;
        if n == 0 {
            break;
        }
        skipped_lines += 1;
    }
    let mut reader = csv::ReaderBuilder::new()
        // The csv crate's own buffer (8 KiB by default) is the one records are parsed from.
        .buffer_capacity(1 << 16)
        .has_headers(dialect.header)
        .delimiter(dialect.delimiter)
        .quote(dialect.quote)
        .double_quote(dialect.double_quote)
        .comment(dialect.comment)
        .trim(if dialect.trim {
            csv::Trim::All
        } else {
            csv::Trim::None
        })
        .from_reader(input);
    let header = reader
        .byte_headers()
        .map_err(|e| header_error(source, triples_map, e))?
        .clone();
    let mut columns = Vec::with_capacity(header.len());
    for (i, field) in header.iter().enumerate() {
        if !dialect.header {
            columns.push(format!("_col.{}", i + 1));
            continue;
        }
        let mut name = std::str::from_utf8(field)
            .map_err(|_| RmlError::SourceSyntax {
                path: source.path.clone(),
                message: format!("the header's column {} is not valid UTF-8", i + 1),
            })?
            .to_owned();
        // The input layer drops a byte order mark; this guards against a doubled one.
        if i == 0
            && let Some(stripped) = name.strip_prefix('\u{feff}')
        {
            name = stripped.to_owned();
        }
        columns.push(name);
    }
    let mut index = FxHashMap::default();
    for (i, name) in columns.iter().enumerate() {
        // With duplicate column names the first one wins.
        index.entry(name.clone()).or_insert(i);
    }
    Ok(CsvReader {
        source,
        reader,
        columns,
        index,
        by_reference: RefCell::new(Vec::new()),
        triples_map: triples_map.to_owned(),
        skipped_lines,
        decoded: source.encoding != encoding_rs::UTF_8,
    })
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
    reader: csv::Reader<Box<dyn BufRead>>,
    columns: Vec<String>,
    index: FxHashMap<String, usize>,
    /// Column index per [`Reference::id`], filled on first use; [`UNRESOLVED`] until then.
    by_reference: RefCell<Vec<usize>>,
    triples_map: String,
    /// Lines skipped before the CSV reader started (`csvw:skipRows`), added to positions.
    skipped_lines: u64,
    /// The file was decoded from another encoding: U+FFFD marks an invalid byte sequence.
    decoded: bool,
}

impl RecordReader for CsvReader<'_> {
    fn for_each_record(&mut self, f: &mut RecordCallback<'_>) -> Result<(), RmlError> {
        // A byte record is checked for UTF-8 once, as a whole, with simdutf8 (the check was
        // 4 % of the mapping thread with std's, on Chinese text); fields are then lent as
        // `&str` slices of it without a second check.
        let mut record = csv::ByteRecord::new();
        loop {
            match self.reader.read_byte_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    let line =
                        record.position().map_or(0, csv::Position::line) + self.skipped_lines;
                    let Ok(text) = simdutf8::basic::from_utf8(record.as_slice()) else {
                        let field = record
                            .iter()
                            .position(|field| std::str::from_utf8(field).is_err());
                        f(Record::Malformed {
                            position: RecordPosition::Line(line),
                            source: None,
                            field: field.and_then(|i| self.columns.get(i).cloned()),
                            reason: "the value is not valid UTF-8 (declare the file's rml:encoding, e.g. rml:Big5, if it is not UTF-8)".into(),
                        })?;
                        continue;
                    };
                    if self.decoded && text.contains('\u{FFFD}') {
                        let replaced = (0..record.len()).position(|i| {
                            record
                                .range(i)
                                .and_then(|range| text.get(range))
                                .is_some_and(|field| field.contains('\u{FFFD}'))
                        });
                        f(Record::Malformed {
                            position: RecordPosition::Line(line),
                            source: None,
                            field: replaced.and_then(|i| self.columns.get(i).cloned()),
                            reason: format!(
                                "the value holds a byte sequence that is not valid {}",
                                self.source.encoding.name()
                            ),
                        })?;
                        continue;
                    }
                    let iteration = CsvIteration {
                        record: &record,
                        text,
                        trim: self.source.dialect.trim,
                        line,
                        index: &self.index,
                        by_reference: &self.by_reference,
                        nulls: &self.source.nulls,
                    };
                    f(Record::Iteration(&iteration))?;
                }
                Err(error) => {
                    let line = error.position().map_or(0, csv::Position::line) + self.skipped_lines;
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
                            source: None,
                            field: None,
                            reason: format!(
                                "the record has {len} fields but the header has {expected_len}"
                            ),
                        })?,
                        _ => f(Record::Malformed {
                            position: RecordPosition::Line(line),
                            source: None,
                            field: None,
                            reason: format!("malformed CSV record: {message}"),
                        })?,
                    }
                }
            }
        }
    }
}

/// Marks a reference whose column was not looked up yet.
const UNRESOLVED: usize = usize::MAX;

struct CsvIteration<'r> {
    record: &'r csv::ByteRecord,
    /// The record's fields back to back, checked UTF-8 (`record.as_slice()`).
    text: &'r str,
    /// `csvw:trim`: the reader trims ASCII whitespace; cells are trimmed of all Unicode
    /// whitespace (U+3000 pads many Chinese exports), as a `StringRecord` would be.
    trim: bool,
    line: u64,
    index: &'r FxHashMap<String, usize>,
    by_reference: &'r RefCell<Vec<usize>>,
    nulls: &'r [String],
}

impl CsvIteration<'_> {
    /// The column a reference names: looked up by name once per reader, then by id.
    fn column(&self, reference: &Reference) -> Result<usize, DataError> {
        let mut by_reference = self.by_reference.borrow_mut();
        if let Some(&column) = by_reference.get(reference.id)
            && column != UNRESOLVED
        {
            return Ok(column);
        }
        let Compiled::Column(name) = &reference.compiled else {
            return Err(DataError::new(Some(&reference.text), "not a CSV reference"));
        };
        let Some(&column) = self.index.get(name) else {
            return Err(DataError::new(Some(&reference.text), "no such column"));
        };
        if by_reference.len() <= reference.id {
            by_reference.resize(reference.id + 1, UNRESOLVED);
        }
        if let Some(slot) = by_reference.get_mut(reference.id) {
            *slot = column;
        }
        Ok(column)
    }

    /// The cell a reference names, `None` when it is null (`rml:null`).
    fn cell(&self, reference: &Reference) -> Result<Option<&str>, DataError> {
        let text = self
            .record
            .range(self.column(reference)?)
            .and_then(|range| self.text.get(range))
            .unwrap_or_default();
        let text = if self.trim { text.trim() } else { text };
        // Lengths first: most cells are not null, and `""` (the usual null) needs no compare.
        let null = self
            .nulls
            .iter()
            .any(|null| null.len() == text.len() && (text.is_empty() || null == text));
        Ok((!null).then_some(text))
    }
}

impl Iteration for CsvIteration<'_> {
    fn position(&self) -> RecordPosition {
        RecordPosition::Line(self.line)
    }

    fn evaluate(&self, reference: &Reference) -> Result<Vec<Value>, DataError> {
        Ok(self
            .cell(reference)?
            .map(|text| vec![Value::string(text)])
            .unwrap_or_default())
    }

    fn lend(&self, reference: &Reference) -> Lent<'_> {
        match self.cell(reference) {
            Ok(Some(text)) => Lent::Text(text),
            Ok(None) => Lent::Null,
            Err(_) => Lent::Evaluate,
        }
    }
}
