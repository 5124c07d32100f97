//! `rml:JSONPath`: RFC 9535 JSONPath iterators and references over a JSON document.

use super::{
    Compiled, DataError, Iteration, IteratorSpec, LogicalSource, Record, RecordCallback,
    RecordReader, Reference, SourceFormat,
};
use crate::error::RmlError;
use crate::sink::RecordPosition;
use crate::value::{Value, ValueKind, canonical_double};
use serde_json_path::{JsonPath, NormalizedPath};
use std::fs::File;
use std::io::BufReader;

/// The JSONPath reference formulation. References may be full queries (`$.Name`,
/// `$['Country Code']`, `$.amounts[*]`) or plain member names (`Name`, `材質`), which are
/// read as `$.Name` (or `$['…']` when the name is not a valid shorthand). JSON `null` and
/// missing members yield no value; numbers map to `xsd:integer` / `xsd:double` and booleans
/// to `xsd:boolean`, per the RML-IO registry.
#[derive(Debug)]
pub(crate) struct JsonPathFormat;

fn parse_path(expression: &str) -> Result<JsonPath, String> {
    JsonPath::parse(expression).map_err(|e| format!("invalid JSONPath `{expression}`: {e}"))
}

impl SourceFormat for JsonPathFormat {
    fn name(&self) -> &'static str {
        "rml:JSONPath"
    }

    fn compile_iterator(&self, iterator: Option<&str>) -> Result<IteratorSpec, String> {
        Ok(IteratorSpec::JsonPath(parse_path(iterator.unwrap_or("$"))?))
    }

    fn compile_reference(&self, expression: &str) -> Result<Compiled, String> {
        if expression.starts_with('$') {
            return Ok(Compiled::JsonPath(parse_path(expression)?));
        }
        if let Ok(path) = JsonPath::parse(&format!("$.{expression}")) {
            return Ok(Compiled::JsonPath(path));
        }
        let quoted = expression.replace('\\', "\\\\").replace('\'', "\\'");
        Ok(Compiled::JsonPath(parse_path(&format!("$['{quoted}']"))?))
    }

    fn check(
        &self,
        source: &LogicalSource,
        triples_map: &str,
        _references: &[&Reference],
    ) -> Result<(), RmlError> {
        // JSON has no header to check references against (a missing member is simply null),
        // and parsing the document twice would be wasteful: only check that it opens.
        File::open(&source.path)
            .map(drop)
            .map_err(|e| RmlError::SourceIo {
                path: source.path.clone(),
                triples_map: triples_map.to_owned(),
                source: e,
            })
    }

    fn open<'s>(
        &self,
        source: &'s LogicalSource,
        triples_map: &str,
    ) -> Result<Box<dyn RecordReader + 's>, RmlError> {
        let file = File::open(&source.path).map_err(|e| RmlError::SourceIo {
            path: source.path.clone(),
            triples_map: triples_map.to_owned(),
            source: e,
        })?;
        // The whole document is parsed for now; see the crate docs for the streaming plan.
        let document: serde_json::Value =
            serde_json::from_reader(BufReader::new(file)).map_err(|e| match e.classify() {
                serde_json::error::Category::Io => RmlError::SourceIo {
                    path: source.path.clone(),
                    triples_map: triples_map.to_owned(),
                    source: e.into(),
                },
                _ => RmlError::SourceSyntax {
                    path: source.path.clone(),
                    message: format!("not valid JSON: {e}"),
                },
            })?;
        Ok(Box::new(JsonReader { source, document }))
    }
}

struct JsonReader<'s> {
    source: &'s LogicalSource,
    document: serde_json::Value,
}

impl RecordReader for JsonReader<'_> {
    fn for_each_record(&mut self, f: &mut RecordCallback<'_>) -> Result<(), RmlError> {
        let IteratorSpec::JsonPath(iterator) = &self.source.iterator else {
            return Err(RmlError::SourceSyntax {
                path: self.source.path.clone(),
                message: "a JSON source needs a JSONPath iterator".into(),
            });
        };
        for node in iterator.query_located(&self.document) {
            let iteration = JsonIteration {
                node: node.node(),
                location: node.location(),
                nulls: &self.source.nulls,
            };
            f(Record::Iteration(&iteration))?;
        }
        Ok(())
    }
}

struct JsonIteration<'d> {
    node: &'d serde_json::Value,
    location: &'d NormalizedPath<'d>,
    nulls: &'d [String],
}

impl Iteration for JsonIteration<'_> {
    fn position(&self) -> RecordPosition {
        RecordPosition::Path(self.location.to_string())
    }

    fn evaluate(&self, reference: &Reference) -> Result<Vec<Value>, DataError> {
        let Compiled::JsonPath(path) = &reference.compiled else {
            return Err(DataError::new(
                Some(&reference.text),
                "not a JSONPath reference",
            ));
        };
        let mut values = Vec::new();
        for node in path.query(self.node) {
            let value = match node {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => Value::string(s.as_str()),
                serde_json::Value::Bool(b) => Value {
                    lexical: b.to_string(),
                    kind: ValueKind::Boolean,
                },
                serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => Value {
                    lexical: n.to_string(),
                    kind: ValueKind::Integer,
                },
                serde_json::Value::Number(n) => Value {
                    lexical: canonical_double(n.as_f64().unwrap_or(f64::NAN)),
                    kind: ValueKind::Double,
                },
                serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                    let what = if node.is_array() {
                        "an array"
                    } else {
                        "an object"
                    };
                    return Err(DataError::new(
                        Some(&reference.text),
                        format!(
                            "the reference selects {what}, not a value (select its members, e.g. `{}[*]`)",
                            reference.text
                        ),
                    ));
                }
            };
            if self.nulls.contains(&value.lexical) {
                continue;
            }
            values.push(value);
        }
        Ok(values)
    }
}
