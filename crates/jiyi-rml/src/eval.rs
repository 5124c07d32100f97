//! Term generation: evaluating term maps against one iteration.
//!
//! [`evaluate`] is the single place where an expression (constant, reference, template, and
//! later a function execution) becomes values; [`generate`] turns values into RDF terms
//! according to the term type.

use crate::model::{Expression, FunctionCall, TemplatePart, TermMap, TermType};
use crate::source::{DataError, Iteration};
use crate::template::{iri_safe, uri_safe};
use crate::value::{Value, ValueKind, canonical_double, check_lexical};
use crate::vocab;
use oxrdf::{BlankNode, GraphName, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Term};
use std::borrow::Cow;
use std::fmt::Write as _;

/// What term generation needs besides the iteration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Env<'a> {
    /// The base IRI relative IRIs are appended to.
    pub(crate) base: &'a str,
    /// The ordinal of the iteration in its source (0-based), for fresh blank nodes.
    pub(crate) record: u64,
}

fn keep(value: &str) -> Cow<'_, str> {
    Cow::Borrowed(value)
}

/// The references a term map reads, for the `field` of a reject.
fn field_of(expression: &Expression) -> Option<String> {
    match expression {
        Expression::Reference(r) => Some(r.text.clone()),
        Expression::Template(parts) => {
            let names: Vec<&str> = parts
                .iter()
                .filter_map(|p| match p {
                    TemplatePart::Reference(r) => Some(r.text.as_str()),
                    TemplatePart::Text(_) => None,
                })
                .collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        Expression::Function(call) => Some(call.name.clone()),
        Expression::Constant(_) | Expression::FreshBlankNode(_) => None,
    }
}

/// Whether a term map's `rml:condition` (if any) holds for this iteration: at least one
/// value of the condition function is `true`.
pub(crate) fn condition_holds(map: &TermMap, iteration: &dyn Iteration) -> Result<bool, DataError> {
    let Some(condition) = &map.condition else {
        return Ok(true);
    };
    Ok(evaluate_call(condition, iteration)?
        .iter()
        .any(|v| matches!(v.lexical.as_str(), "true" | "1")))
}

/// The values a function-input map gives (constants, references, templates and nested
/// functions), as literals.
fn input_values(map: &TermMap, iteration: &dyn Iteration) -> Result<Vec<Literal>, DataError> {
    if !condition_holds(map, iteration)? {
        return Ok(Vec::new());
    }
    if let Expression::Constant(Term::Literal(l)) = &map.expression {
        return Ok(vec![l.clone()]);
    }
    Ok(evaluate(&map.expression, iteration, keep)?
        .iter()
        .map(Value::natural_literal)
        .collect())
}

/// Calls a function once per combination of input values (multi-valued inputs are
/// processed value by value); a required input that is null makes the result null.
pub(crate) fn evaluate_call(
    call: &FunctionCall,
    iteration: &dyn Iteration,
) -> Result<Vec<Value>, DataError> {
    let parameters = call.function.parameters();
    let mut slots: Vec<Vec<Option<Literal>>> = vec![vec![None]; parameters.len()];
    for (index, map) in &call.inputs {
        let values = input_values(map, iteration)?;
        if let Some(slot) = slots.get_mut(*index)
            && !values.is_empty()
        {
            *slot = values.into_iter().map(Some).collect();
        }
    }
    for (parameter, slot) in parameters.iter().zip(&slots) {
        if parameter.required && slot.iter().all(Option::is_none) {
            return Ok(Vec::new());
        }
    }
    let mut combinations: Vec<Vec<Option<Literal>>> = vec![Vec::with_capacity(slots.len())];
    for slot in &slots {
        combinations = combinations
            .iter()
            .flat_map(|prefix| {
                slot.iter().map(move |value| {
                    let mut next = prefix.clone();
                    next.push(value.clone());
                    next
                })
            })
            .collect();
    }
    let mut out = Vec::new();
    for arguments in &combinations {
        let results = call
            .function
            .call(arguments, call.output)
            .map_err(|reason| DataError {
                field: Some(call.name.clone()),
                reason,
            })?;
        out.extend(results.into_iter().map(Value::from_literal));
    }
    Ok(out)
}

/// Evaluates an expression to its list of values; template values pass through `transform`
/// (IRI-safe or URI-safe encoding) before insertion. An empty list means null.
pub(crate) fn evaluate(
    expression: &Expression,
    iteration: &dyn Iteration,
    transform: fn(&str) -> Cow<'_, str>,
) -> Result<Vec<Value>, DataError> {
    match expression {
        Expression::Constant(Term::NamedNode(n)) => Ok(vec![Value::string(n.as_str())]),
        Expression::Constant(Term::Literal(l)) => Ok(vec![Value::string(l.value())]),
        Expression::Constant(Term::BlankNode(b)) => Ok(vec![Value::string(b.as_str())]),
        Expression::Reference(reference) => iteration.evaluate(reference),
        Expression::Template(parts) => {
            let mut results = vec![String::new()];
            for part in parts {
                match part {
                    TemplatePart::Text(text) => results.iter_mut().for_each(|r| r.push_str(text)),
                    TemplatePart::Reference(reference) => {
                        let values = iteration.evaluate(reference)?;
                        if values.is_empty() {
                            return Ok(Vec::new());
                        }
                        if let [value] = values.as_slice() {
                            // The common single-valued case extends the results in place.
                            let value = transform(&value.lexical);
                            results.iter_mut().for_each(|r| r.push_str(&value));
                            continue;
                        }
                        results = results
                            .iter()
                            .flat_map(|prefix| {
                                values
                                    .iter()
                                    .map(move |v| format!("{prefix}{}", transform(&v.lexical)))
                            })
                            .collect();
                    }
                }
            }
            Ok(results.into_iter().map(Value::string).collect())
        }
        Expression::FreshBlankNode(_) => Ok(Vec::new()),
        Expression::Function(call) => evaluate_call(call, iteration),
    }
}

/// Evaluates an expression map to plain strings (language maps, join keys).
pub(crate) fn evaluate_strings(
    map: &TermMap,
    iteration: &dyn Iteration,
) -> Result<Vec<String>, DataError> {
    if !condition_holds(map, iteration)? {
        return Ok(Vec::new());
    }
    Ok(evaluate(&map.expression, iteration, keep)?
        .into_iter()
        .map(|v| v.lexical)
        .collect())
}

/// Generates the RDF terms of a term map for one iteration (empty when null).
pub(crate) fn generate(
    map: &TermMap,
    iteration: &dyn Iteration,
    env: Env<'_>,
) -> Result<Vec<Term>, DataError> {
    if !condition_holds(map, iteration)? {
        return Ok(Vec::new());
    }
    let values = match &map.expression {
        Expression::FreshBlankNode(n) => {
            return Ok(vec![
                BlankNode::new_unchecked(format!("n{n}-{}", env.record)).into(),
            ]);
        }
        Expression::Constant(Term::Literal(l))
            if map.language.is_some() || map.datatype.is_some() =>
        {
            vec![Value::string(l.value())]
        }
        Expression::Constant(term) => return Ok(vec![term.clone()]),
        expression => {
            let transform = match map.term_type {
                TermType::Iri => iri_safe,
                TermType::Uri => uri_safe,
                _ => keep,
            };
            evaluate(expression, iteration, transform)?
        }
    };
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let field = field_of(&map.expression);
    let error = |reason: String| DataError {
        field: field.clone(),
        reason,
    };
    match map.term_type {
        TermType::Iri | TermType::Uri | TermType::UnsafeIri => values
            .into_iter()
            .map(|v| {
                make_iri_owned(v.lexical, map.term_type, env.base)
                    .map(Term::from)
                    .map_err(error)
            })
            .collect(),
        TermType::BlankNode => Ok(values
            .iter()
            .map(|v| BlankNode::new_unchecked(blank_node_id(&v.lexical)).into())
            .collect()),
        TermType::Literal => literals(map, values, iteration, env),
    }
}

fn literals(
    map: &TermMap,
    values: Vec<Value>,
    iteration: &dyn Iteration,
    env: Env<'_>,
) -> Result<Vec<Term>, DataError> {
    if let Some(language_map) = &map.language {
        let tags = evaluate_strings(language_map, iteration)?;
        let mut out = Vec::with_capacity(values.len() * tags.len());
        // Each tag is validated (and normalised) once per call, not once per value.
        let mut normalised = Vec::with_capacity(tags.len());
        for tag in tags {
            let checked =
                Literal::new_language_tagged_literal("", tag.as_str()).map_err(|e| DataError {
                    field: field_of(&language_map.expression),
                    reason: format!("`{tag}` is not a valid language tag: {e}"),
                })?;
            normalised.push(checked.language().unwrap_or_default().to_owned());
        }
        for value in values {
            if let [tag] = normalised.as_slice() {
                out.push(
                    Literal::new_language_tagged_literal_unchecked(value.lexical, tag.as_str())
                        .into(),
                );
                continue;
            }
            for tag in &normalised {
                out.push(
                    Literal::new_language_tagged_literal_unchecked(
                        value.lexical.clone(),
                        tag.as_str(),
                    )
                    .into(),
                );
            }
        }
        return Ok(out);
    }
    if let Some(datatype_map) = &map.datatype {
        let datatypes = generate(datatype_map, iteration, env)?;
        let mut out = Vec::with_capacity(values.len() * datatypes.len());
        for datatype in datatypes {
            let Term::NamedNode(datatype) = datatype else {
                return Err(DataError {
                    field: field_of(&datatype_map.expression),
                    reason: format!("the datatype map generated {datatype}, not an IRI"),
                });
            };
            if datatype.as_str() == vocab::RDF_LANG_STRING {
                return Err(DataError {
                    field: field_of(&datatype_map.expression),
                    reason: "rdf:langString cannot be given as a datatype (use a language map)"
                        .into(),
                });
            }
            for value in &values {
                check_lexical(datatype.as_str(), &value.lexical).map_err(|reason| DataError {
                    field: field_of(&map.expression),
                    reason,
                })?;
                out.push(
                    Literal::new_typed_literal(lexical_for(value, &datatype), datatype.clone())
                        .into(),
                );
            }
        }
        return Ok(out);
    }
    Ok(values
        .into_iter()
        .map(|v| v.into_natural_literal().into())
        .collect())
}

/// The lexical form of a value under a datatype map: a number read from JSON becomes the
/// canonical form of `xsd:double` / `xsd:float` (`37` → `3.7E1`), since it is a number, not
/// text; any other value keeps its natural lexical form.
fn lexical_for(value: &Value, datatype: &NamedNode) -> String {
    let floating = matches!(
        datatype.as_str().strip_prefix(vocab::XSD_NS),
        Some("double" | "float")
    );
    if floating
        && matches!(value.kind, ValueKind::Integer | ValueKind::Double)
        && let Ok(number) = value.lexical.parse::<f64>()
    {
        return canonical_double(number);
    }
    value.lexical.clone()
}

/// [`make_iri`] for an owned value: a valid absolute IRI is moved into the node, not copied.
fn make_iri_owned(value: String, term_type: TermType, base: &str) -> Result<NamedNode, String> {
    if term_type == TermType::UnsafeIri || (term_type == TermType::Uri && !value.is_ascii()) {
        return make_iri(&value, term_type, base);
    }
    if NamedNodeRef::new(&value).is_ok() {
        return Ok(NamedNode::new_unchecked(value));
    }
    make_iri(&value, term_type, base)
}

/// Whether a string starts with an IRI scheme (`scheme:`).
fn has_scheme(value: &str) -> bool {
    let Some((scheme, _)) = value.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Applies the term generation rules for IRIs: a valid absolute IRI is kept, otherwise the
/// base IRI is prepended by string concatenation and the result must be valid.
pub(crate) fn make_iri(value: &str, term_type: TermType, base: &str) -> Result<NamedNode, String> {
    match term_type {
        TermType::UnsafeIri => {
            let iri = if has_scheme(value) {
                value.to_owned()
            } else {
                format!("{base}{value}")
            };
            // No encoding and no IRI validation (that is what rml:UnsafeIRI asks for), but
            // characters that no RDF syntax can carry are still refused.
            if iri
                .chars()
                .any(|c| c.is_control() || matches!(c, '<' | '>' | '"'))
            {
                return Err(format!(
                    "`{iri}` contains characters that cannot appear in an IRI"
                ));
            }
            Ok(NamedNode::new_unchecked(iri))
        }
        _ => {
            let ascii_only = term_type == TermType::Uri;
            let valid = |candidate: &str| {
                if ascii_only && !candidate.is_ascii() {
                    return None;
                }
                NamedNode::new(candidate).ok()
            };
            if let Some(iri) = valid(value) {
                return Ok(iri);
            }
            let joined = format!("{base}{value}");
            valid(&joined).ok_or_else(|| {
                let what = if ascii_only { "URI" } else { "IRI" };
                format!("`{value}` is not a valid absolute {what}, and neither is `{joined}` (after prepending the base IRI)")
            })
        }
    }
}

/// `PN_CHARS_BASE` of Turtle/N-Triples (letters, CJK included) plus ASCII digits: the
/// characters a blank node label keeps as they are.
fn keeps_in_label(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(u32::from(c),
            0xC0..=0xD6
            | 0xD8..=0xF6
            | 0xF8..=0x2FF
            | 0x370..=0x37D
            | 0x37F..=0x1FFF
            | 0x200C..=0x200D
            | 0x2070..=0x218F
            | 0x2C00..=0x2FEF
            | 0x3001..=0xD7FF
            | 0xF900..=0xFDCF
            | 0xFDF0..=0xFFFD
            | 0x1_0000..=0xE_FFFF)
}

/// A blank node label for a value: letters (CJK included) and ASCII digits are kept, every
/// other character is written as `_XX` per UTF-8 byte, so distinct values give distinct
/// labels that are valid in every RDF syntax (and never contain `-`, which fresh blank nodes
/// use).
pub(crate) fn blank_node_id(value: &str) -> String {
    if !value.is_empty() && value.chars().all(keeps_in_label) {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len() * 2 + 1);
    let mut buf = [0u8; 4];
    for c in value.chars() {
        if keeps_in_label(c) {
            out.push(c);
        } else {
            for byte in c.encode_utf8(&mut buf).bytes() {
                // Writing to a String cannot fail.
                let _ = write!(out, "_{byte:02X}");
            }
        }
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// Converts a generated term to a subject; literals never get here (the mapping was
/// validated), but a data error is returned rather than a panic.
pub(crate) fn to_subject(term: Term) -> Result<NamedOrBlankNode, DataError> {
    match term {
        Term::NamedNode(n) => Ok(n.into()),
        Term::BlankNode(b) => Ok(b.into()),
        Term::Literal(l) => Err(DataError::new(
            None,
            format!("a literal ({l}) cannot be a subject"),
        )),
    }
}

/// Converts a generated term to a graph name; `rml:defaultGraph` is the default graph.
pub(crate) fn to_graph(term: Term) -> Result<GraphName, DataError> {
    match term {
        Term::NamedNode(n) if n.as_str() == vocab::DEFAULT_GRAPH => Ok(GraphName::DefaultGraph),
        Term::NamedNode(n) => Ok(n.into()),
        Term::BlankNode(b) => Ok(b.into()),
        Term::Literal(l) => Err(DataError::new(
            None,
            format!("a literal ({l}) cannot name a graph"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_iris_get_the_base() {
        let base = "https://data.example.tw/";
        assert_eq!(
            make_iri("id/object/器物-001", TermType::Iri, base).map(NamedNode::into_string),
            Ok("https://data.example.tw/id/object/器物-001".to_owned())
        );
        assert_eq!(
            make_iri("http://example.com/ns#Jhon", TermType::Iri, base).map(NamedNode::into_string),
            Ok("http://example.com/ns#Jhon".to_owned())
        );
        assert!(make_iri("Juan Daniel", TermType::Iri, base).is_err());
        assert!(make_iri("器物", TermType::Uri, base).is_err());
        assert_eq!(
            make_iri("Emily Smith", TermType::UnsafeIri, base).map(NamedNode::into_string),
            Ok("https://data.example.tw/Emily Smith".to_owned())
        );
        assert!(make_iri("a>b", TermType::UnsafeIri, base).is_err());
    }

    #[test]
    fn blank_node_labels_are_valid_and_distinct() {
        assert_eq!(blank_node_id("BobSmith30"), "BobSmith30");
        assert_eq!(blank_node_id("Bob Smith"), "Bob_20Smith");
        assert_eq!(blank_node_id("a_b"), "a_5Fb");
        assert_ne!(blank_node_id("a b"), blank_node_id("a_20b"));
        assert_eq!(blank_node_id("器物-001"), "器物_2D001");
        assert_eq!(blank_node_id("縱206.3公分，橫"), "縱206_2E3公分，橫");
        for value in ["", "器物", "-x", "a.b", "1", "é", "\u{2FF0}"] {
            assert!(BlankNode::new(blank_node_id(value)).is_ok(), "{value}");
        }
    }

    #[test]
    fn scheme_detection() {
        assert!(has_scheme("graph:1"));
        assert!(has_scheme("http://x"));
        assert!(!has_scheme("Bob"));
        assert!(!has_scheme("1a:b"));
        assert!(!has_scheme("path/a:b"));
    }
}
