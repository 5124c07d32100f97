//! `rml:JSONPath`: RFC 9535 JSONPath iterators and references over a JSON document.

use super::{
    Compiled, DataError, Iteration, IteratorSpec, Lent, LogicalSource, Record, RecordCallback,
    RecordReader, Reference, SourceFormat,
};
use crate::error::RmlError;
use crate::sink::RecordPosition;
use crate::value::{Value, ValueKind, canonical_double};
use serde::Deserialize as _;
use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json_path::JsonPath;
use std::io::BufRead;

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

    fn compile_iterator(
        &self,
        iterator: Option<&str>,
        _namespaces: &super::Namespaces,
    ) -> Result<IteratorSpec, String> {
        Ok(IteratorSpec::JsonPath(parse_path(iterator.unwrap_or("$"))?))
    }

    fn compile_reference(
        &self,
        expression: &str,
        _namespaces: &super::Namespaces,
    ) -> Result<Compiled, String> {
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
        source.open_input(triples_map).map(drop)
    }

    fn open<'s>(
        &self,
        source: &'s LogicalSource,
        triples_map: &str,
    ) -> Result<Box<dyn RecordReader + 's>, RmlError> {
        let input = source.open_input(triples_map)?;
        let IteratorSpec::JsonPath(iterator) = &source.iterator else {
            return Err(RmlError::SourceSyntax {
                path: source.path.clone(),
                message: "a JSON source needs a JSONPath iterator".into(),
            });
        };
        let streamable = source
            .iterator_text
            .as_deref()
            .map_or(Some(Vec::new()), simple_path);
        let lines = {
            let name = super::input::Compression::inner_name(&source.path).to_ascii_lowercase();
            name.ends_with(".jsonl") || name.ends_with(".ndjson")
        };
        Ok(Box::new(JsonReader {
            source,
            iterator,
            streamable,
            lines,
            input: Some(input),
        }))
    }
}

/// One segment of a simple iterator: a member name or `[*]` / `.*`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Member(String),
    Wildcard,
}

/// Parses iterators made only of member names and wildcards (`$`, `$.items[*]`,
/// `$['a b'][*].c`), which can be followed while the document streams by; `None` for
/// anything else (filters, slices, `..`), which is evaluated on the parsed document.
fn simple_path(text: &str) -> Option<Vec<Segment>> {
    let mut rest = text.trim().strip_prefix('$')?;
    let mut segments = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("[*]").or_else(|| rest.strip_prefix(".*")) {
            segments.push(Segment::Wildcard);
            rest = after;
        } else if let Some(after) = rest.strip_prefix("['") {
            let end = after.find("']")?;
            let name = after.get(..end)?;
            if name.contains(['\\', '\'']) {
                return None;
            }
            segments.push(Segment::Member(name.to_owned()));
            rest = after.get(end + 2..)?;
        } else if let Some(after) = rest.strip_prefix('.') {
            if after.starts_with('.') {
                return None;
            }
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let name = after.get(..end)?;
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || !c.is_ascii())
            {
                return None;
            }
            segments.push(Segment::Member(name.to_owned()));
            rest = after.get(end..)?;
        } else {
            return None;
        }
    }
    Some(segments)
}

/// A step of the location of the current iteration.
#[derive(Debug, Clone)]
enum Step {
    Member(String),
    Index(usize),
}

fn normalized(steps: &[Step]) -> String {
    let mut out = String::from("$");
    for step in steps {
        match step {
            Step::Member(name) => {
                out.push_str("['");
                out.push_str(&name.replace('\\', "\\\\").replace('\'', "\\'"));
                out.push_str("']");
            }
            Step::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

struct JsonReader<'s> {
    source: &'s LogicalSource,
    iterator: &'s JsonPath,
    /// The iterator's segments when it can be followed while streaming.
    streamable: Option<Vec<Segment>>,
    /// JSON Lines (`.jsonl`, `.ndjson`): one document per line, the iterator applied to each.
    lines: bool,
    input: Option<Box<dyn BufRead>>,
}

impl JsonReader<'_> {
    fn syntax(&self, context: &str, error: &serde_json::Error) -> RmlError {
        match error.classify() {
            serde_json::error::Category::Io => RmlError::SourceSyntax {
                path: self.source.path.clone(),
                message: format!("cannot read the JSON{context}: {error}"),
            },
            _ => RmlError::SourceSyntax {
                path: self.source.path.clone(),
                message: format!("not valid JSON{context}: {error}"),
            },
        }
    }

    /// Maps one document: streaming when the iterator allows, else on the parsed value.
    fn document<'de, D>(
        &self,
        deserializer: D,
        prefix: &str,
        f: &mut RecordCallback<'_>,
    ) -> Result<Result<(), D::Error>, RmlError>
    where
        D: serde::Deserializer<'de>,
    {
        let nulls = &self.source.nulls;
        let mut failure: Option<RmlError> = None;
        let outcome = match &self.streamable {
            Some(segments) => {
                let mut path = Vec::new();
                let mut emit =
                    |value: &serde_json::Value, steps: &[Step]| -> Result<(), RmlError> {
                        let iteration = JsonIteration {
                            node: value,
                            location: Location::Steps(prefix, steps),
                            nulls,
                        };
                        f(Record::Iteration(&iteration))
                    };
                Navigator {
                    segments,
                    path: &mut path,
                    emit: &mut emit,
                    failure: &mut failure,
                }
                .deserialize(deserializer)
            }
            None => match serde_json::Value::deserialize(deserializer) {
                Ok(document) => {
                    for node in self.iterator.query_located(&document) {
                        let location = node.location().to_string();
                        let iteration = JsonIteration {
                            node: node.node(),
                            location: Location::Text(prefix, &location),
                            nulls,
                        };
                        f(Record::Iteration(&iteration))?;
                    }
                    Ok(())
                }
                Err(e) => Err(e),
            },
        };
        match failure {
            Some(error) => Err(error),
            None => Ok(outcome),
        }
    }
}

impl RecordReader for JsonReader<'_> {
    fn for_each_record(&mut self, f: &mut RecordCallback<'_>) -> Result<(), RmlError> {
        let Some(mut input) = self.input.take() else {
            return Ok(());
        };
        if self.lines {
            let mut line = String::new();
            let mut number: u64 = 0;
            loop {
                line.clear();
                let n = input.read_line(&mut line).map_err(|e| RmlError::SourceIo {
                    path: self.source.path.clone(),
                    triples_map: String::new(),
                    source: e,
                })?;
                if n == 0 {
                    return Ok(());
                }
                number += 1;
                if line.trim().is_empty() {
                    continue;
                }
                let prefix = format!("line {number}: ");
                let mut deserializer = serde_json::Deserializer::from_str(&line);
                let outcome = self.document(&mut deserializer, &prefix, f)?;
                outcome
                    .and_then(|()| deserializer.end())
                    .map_err(|e| self.syntax(&format!(" on line {number}"), &e))?;
            }
        }
        let mut deserializer = serde_json::Deserializer::from_reader(input);
        let outcome = self.document(&mut deserializer, "", f)?;
        outcome
            .and_then(|()| deserializer.end())
            .map_err(|e| self.syntax("", &e))
    }
}

type Emit<'e> = dyn FnMut(&serde_json::Value, &[Step]) -> Result<(), RmlError> + 'e;

/// Follows the iterator's segments through a document as it is parsed, building a
/// `serde_json::Value` only for each selected node.
struct Navigator<'a, 'e> {
    segments: &'a [Segment],
    path: &'a mut Vec<Step>,
    emit: &'a mut Emit<'e>,
    failure: &'a mut Option<RmlError>,
}

impl<'de> DeserializeSeed<'de> for Navigator<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.segments.is_empty() {
            let value = serde_json::Value::deserialize(deserializer)?;
            if let Err(error) = (self.emit)(&value, self.path) {
                *self.failure = Some(error);
                return Err(D::Error::custom("the run stopped"));
            }
            return Ok(());
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Navigator<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.segments.split_first() else {
            return Ok(());
        };
        while let Some(key) = map.next_key::<String>()? {
            let selected = match first {
                Segment::Wildcard => true,
                Segment::Member(name) => *name == key,
            };
            if selected {
                self.path.push(Step::Member(key));
                map.next_value_seed(Navigator {
                    segments: rest,
                    path: &mut *self.path,
                    emit: &mut *self.emit,
                    failure: &mut *self.failure,
                })?;
                self.path.pop();
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.segments.split_first() else {
            return Ok(());
        };
        if *first != Segment::Wildcard {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(());
        }
        let mut index = 0;
        loop {
            self.path.push(Step::Index(index));
            let more = seq.next_element_seed(Navigator {
                segments: rest,
                path: &mut *self.path,
                emit: &mut *self.emit,
                failure: &mut *self.failure,
            })?;
            self.path.pop();
            if more.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i128<E>(self, _: i128) -> Result<(), E> {
        Ok(())
    }
    fn visit_u128<E>(self, _: u128) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Where an iteration is, computed only when a reject needs it.
enum Location<'a> {
    Steps(&'a str, &'a [Step]),
    Text(&'a str, &'a str),
}

struct JsonIteration<'d> {
    node: &'d serde_json::Value,
    location: Location<'d>,
    nulls: &'d [String],
}

impl Iteration for JsonIteration<'_> {
    fn position(&self) -> RecordPosition {
        RecordPosition::Path(match self.location {
            Location::Steps(prefix, steps) => format!("{prefix}{}", normalized(steps)),
            Location::Text(prefix, text) => format!("{prefix}{text}"),
        })
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

    fn lend(&self, reference: &Reference) -> Lent<'_> {
        let Compiled::JsonPath(path) = &reference.compiled else {
            return Lent::Evaluate;
        };
        let nodes = path.query(self.node);
        match (nodes.len(), nodes.first()) {
            (0, _) | (1, Some(serde_json::Value::Null)) => Lent::Null,
            (1, Some(serde_json::Value::String(s))) if self.nulls.contains(s) => Lent::Null,
            (1, Some(serde_json::Value::String(s))) => Lent::Text(s),
            _ => Lent::Evaluate,
        }
    }
}
