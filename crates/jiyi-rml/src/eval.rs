//! Term generation: evaluating term maps against one iteration.
//!
//! [`evaluate`] is the general place where an expression (constant, reference, template,
//! function execution) becomes values; [`generate_into`] turns values into RDF terms
//! according to the term type, in the record's [`TermArena`]. For the common expressions —
//! a reference or template over values the source can lend ([`Iteration::lend`]) — it
//! writes the values straight into the arena and skips [`evaluate`].

use crate::arena::{TermArena, TermId, Text};
use crate::model::{Expression, FunctionCall, OnError, TemplatePart, TermMap, TermType};
use crate::source::{DataError, Iteration, Lent};
use crate::template::{iri_safe, push_iri_safe, push_uri_safe, push_verbatim, uri_safe};
use crate::value::{Value, ValueKind, canonical_double, check_lexical};
use crate::vocab;
use oxrdf::{Literal, NamedNode, NamedNodeRef, Term, TermRef};
use smallvec::{SmallVec, smallvec};
use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt::Write as _;
use std::ops::Range;

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

thread_local! {
    /// Errors of `jiyi:onError "warn"` function executions in the record being mapped, as
    /// (field, function, reason). A thread-local rather than a parameter: functions are evaluated from a
    /// dozen places (conditions, inputs, templates, join keys) that all run inside the
    /// engine's per-record call on one thread, and only that call reads these
    /// ([`take_warnings`] after the record, [`clear_warnings`] before it).
    static WARNINGS: RefCell<Vec<(Option<String>, String, String)>> = const { RefCell::new(Vec::new()) };
}

/// Forgets warnings left by evaluations outside a record (a join index build).
pub(crate) fn clear_warnings() {
    WARNINGS.with_borrow_mut(Vec::clear);
}

/// The warnings of the record just mapped, as (field, reason): one per field and error, naming
/// every function the error left a term out of (`jiyi:dateBegin, jiyi:dateEnd: date `x`: …`),
/// so one unreadable date mapped by four functions is one line for the steward.
pub(crate) fn take_warnings() -> Vec<(Option<String>, String)> {
    let pending = WARNINGS.with_borrow_mut(std::mem::take);
    let mut merged: Vec<(Option<String>, Vec<String>, String)> = Vec::new();
    for (field, function, reason) in pending {
        match merged
            .iter_mut()
            .find(|(f, _, r)| *f == field && *r == reason)
        {
            Some((_, functions, _)) => {
                if !functions.contains(&function) {
                    functions.push(function);
                }
            }
            None => merged.push((field, vec![function], reason)),
        }
    }
    merged
        .into_iter()
        .map(|(field, functions, reason)| (field, format!("{}: {reason}", functions.join(", "))))
        .collect()
}

/// Whether warnings are waiting (cheap check on the per-record path).
pub(crate) fn has_warnings() -> bool {
    WARNINGS.with_borrow(|w| !w.is_empty())
}

/// The references a function reads, for the `field` of a warning (`年代`).
fn call_fields(call: &FunctionCall) -> Option<String> {
    let names = read_fields(call);
    (!names.is_empty()).then(|| names.join(", "))
}

/// Whether a term map's `rml:condition` (if any) holds for this iteration: at least one
/// value of the condition function is `true`.
#[inline]
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
        let results = match call.function.call(arguments, call.output) {
            Ok(results) => results,
            Err(reason) if call.on_error == OnError::Warn => {
                // This combination yields null; the record goes on.
                let entry = (call_fields(call), call.name.clone(), reason);
                WARNINGS.with_borrow_mut(|w| w.push(entry));
                continue;
            }
            Err(reason) => {
                return Err(DataError {
                    field: Some(function_field(call)),
                    reason,
                });
            }
        };
        out.extend(results.into_iter().map(Value::from_literal));
    }
    Ok(out)
}

/// The `field` of a reject a function caused: the data fields it read and the function
/// (`NODE via <…#present>`), or the function alone when it read none, so the steward sees
/// which field to fix.
fn function_field(call: &FunctionCall) -> String {
    let names = read_fields(call);
    if names.is_empty() {
        call.name.clone()
    } else {
        format!("{} via {}", names.join(", "), call.name)
    }
}

/// The data fields a function call reads (its inputs and nested calls), each once, in order.
fn read_fields(call: &FunctionCall) -> Vec<String> {
    let mut references = Vec::new();
    call.references(&mut references);
    let mut names: Vec<String> = Vec::new();
    for reference in references {
        if !names.contains(&reference.text) {
            names.push(reference.text.clone());
        }
    }
    names
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

/// Generates the RDF terms of a term map for one iteration as owned terms (empty when
/// null): for the join index, which keeps parents' subjects for the whole run.
pub(crate) fn generate(
    map: &TermMap,
    iteration: &dyn Iteration,
    env: Env<'_>,
) -> Result<Vec<Term>, DataError> {
    let mut arena = TermArena::default();
    let ids = generate_into(map, iteration, env, &mut arena)?;
    Ok(ids.map(|id| arena.get(id).into_owned()).collect())
}

/// The values of one term map before they become terms: their text in the arena and what
/// kind of source value each was.
type Values<'m> = SmallVec<[(Text<'m>, ValueKind); 2]>;

/// Generates the RDF terms of a term map for one iteration into the record's arena and
/// returns their ids (empty when null). The common cases — a CSV cell or JSON string as a
/// literal, a template IRI — copy the value once, into the arena, and allocate nothing.
pub(crate) fn generate_into<'m>(
    map: &'m TermMap,
    iteration: &dyn Iteration,
    env: Env<'_>,
    arena: &mut TermArena<'m>,
) -> Result<Range<TermId>, DataError> {
    let start = arena.next_id();
    if !condition_holds(map, iteration)? {
        return Ok(start..start);
    }
    let values: Values<'m> = match &map.expression {
        Expression::FreshBlankNode(n) => {
            let mark = arena.mark();
            // Writing to a String cannot fail.
            let _ = write!(arena.buffer(), "n{n}-{}", env.record);
            let label = Text::Span(mark, arena.mark());
            arena.blank(label);
            return Ok(arena.since(start));
        }
        Expression::Constant(Term::Literal(l))
            if map.language.is_some() || map.datatype.is_some() =>
        {
            smallvec![(Text::Static(l.value()), ValueKind::String)]
        }
        Expression::Constant(term) => {
            arena.borrowed(term.as_ref());
            return Ok(arena.since(start));
        }
        expression => values_into(expression, map.term_type, iteration, arena)?,
    };
    if values.is_empty() {
        return Ok(start..start);
    }
    let error = |reason: String| DataError {
        field: field_of(&map.expression),
        reason,
    };
    match map.term_type {
        TermType::Iri | TermType::Uri | TermType::UnsafeIri => {
            for (text, _) in &values {
                let value = arena.str(*text);
                let valid = map.iri_always_valid
                    || (map.term_type != TermType::UnsafeIri
                        && (map.term_type == TermType::Iri || value.is_ascii())
                        && NamedNodeRef::new(value).is_ok());
                if valid {
                    arena.iri(*text);
                } else {
                    let iri = make_iri(value, map.term_type, env.base).map_err(error)?;
                    arena.owned(iri.into());
                }
            }
            Ok(arena.since(start))
        }
        TermType::BlankNode => {
            for (text, _) in &values {
                let value = arena.str(*text);
                if !value.is_empty() && value.chars().all(keeps_in_label) {
                    arena.blank(*text);
                } else {
                    let label = blank_node_id(value);
                    let label = arena.push_text(&label);
                    arena.blank(label);
                }
            }
            Ok(arena.since(start))
        }
        TermType::Literal => literals_into(map, &values, iteration, env, arena),
    }
}

/// Appends an (encoded) value to a template result in the arena.
type PushValue = fn(&mut String, &str);

/// Encodes a value for a template result outside the arena.
type Transform = fn(&str) -> Cow<'_, str>;

/// Evaluates a reference or template into the arena (other expressions, several values and
/// typed values go through [`evaluate`] and are copied in).
fn values_into<'m>(
    expression: &Expression,
    term_type: TermType,
    iteration: &dyn Iteration,
    arena: &mut TermArena<'m>,
) -> Result<Values<'m>, DataError> {
    let (push, transform): (PushValue, Transform) = match term_type {
        TermType::Iri => (push_iri_safe, iri_safe),
        TermType::Uri => (push_uri_safe, uri_safe),
        _ => (push_verbatim, keep),
    };
    match expression {
        Expression::Reference(reference) => match iteration.lend(reference) {
            Lent::Null => return Ok(SmallVec::new()),
            Lent::Text(value) => {
                return Ok(smallvec![(arena.push_text(value), ValueKind::String)]);
            }
            Lent::Evaluate => {}
        },
        Expression::Template(parts) => {
            let mark = arena.mark();
            let mut lent = true;
            for part in parts {
                match part {
                    TemplatePart::Text(text) => arena.buffer().push_str(text),
                    TemplatePart::Reference(reference) => match iteration.lend(reference) {
                        Lent::Null => {
                            arena.truncate(mark);
                            return Ok(SmallVec::new());
                        }
                        Lent::Text(value) => push(arena.buffer(), value),
                        Lent::Evaluate => {
                            lent = false;
                            break;
                        }
                    },
                }
            }
            if lent {
                return Ok(smallvec![(
                    Text::Span(mark, arena.mark()),
                    ValueKind::String
                )]);
            }
            arena.truncate(mark);
        }
        _ => {}
    }
    Ok(evaluate(expression, iteration, transform)?
        .into_iter()
        .map(|value| (arena.push_text(&value.lexical), value.kind))
        .collect())
}

/// A language map's tag when it is a constant already in normal form (the parser lowers
/// constant tags): used as it is, without a check per record.
fn constant_language(map: &TermMap) -> Option<&str> {
    match &map.expression {
        Expression::Constant(Term::Literal(tag))
            if map.condition.is_none() && !tag.value().bytes().any(|b| b.is_ascii_uppercase()) =>
        {
            Some(tag.value())
        }
        _ => None,
    }
}

/// A datatype map's IRI when it is a constant.
fn constant_datatype(map: &TermMap) -> Option<&NamedNode> {
    match &map.expression {
        Expression::Constant(Term::NamedNode(datatype)) if map.condition.is_none() => {
            Some(datatype)
        }
        _ => None,
    }
}

fn literals_into<'m>(
    map: &'m TermMap,
    values: &Values<'m>,
    iteration: &dyn Iteration,
    env: Env<'_>,
    arena: &mut TermArena<'m>,
) -> Result<Range<TermId>, DataError> {
    if let Some(language_map) = &map.language {
        let start = arena.next_id();
        if let Some(tag) = constant_language(language_map) {
            for (text, _) in values {
                arena.lang(*text, Text::Static(tag));
            }
            return Ok(arena.since(start));
        }
        let tags = evaluate_strings(language_map, iteration)?;
        for tag in tags {
            let checked =
                Literal::new_language_tagged_literal("", tag.as_str()).map_err(|e| DataError {
                    field: field_of(&language_map.expression),
                    reason: format!("`{tag}` is not a valid language tag: {e}"),
                })?;
            let tag = arena.push_text(checked.language().unwrap_or_default());
            for (text, _) in values {
                arena.lang(*text, tag);
            }
        }
        return Ok(arena.since(start));
    }
    if let Some(datatype_map) = &map.datatype {
        if let Some(datatype) = constant_datatype(datatype_map) {
            let start = arena.next_id();
            for (text, kind) in values {
                let text = typed_lexical(*text, kind, datatype.as_ref(), &map.expression, arena)?;
                arena.typed(text, Text::Static(datatype.as_str()));
            }
            return Ok(arena.since(start));
        }
        let datatypes = generate_into(datatype_map, iteration, env, arena)?;
        let datatypes: Vec<NamedNode> = datatypes
            .map(|id| match arena.get(id) {
                TermRef::NamedNode(datatype) => Ok(datatype.into_owned()),
                other => Err(DataError {
                    field: field_of(&datatype_map.expression),
                    reason: format!("the datatype map generated {other}, not an IRI"),
                }),
            })
            .collect::<Result<_, _>>()?;
        let start = arena.next_id();
        for datatype in datatypes {
            for (text, kind) in values {
                let text = typed_lexical(*text, kind, datatype.as_ref(), &map.expression, arena)?;
                let literal =
                    Literal::new_typed_literal(arena.str(text).to_owned(), datatype.clone());
                arena.owned(literal.into());
            }
        }
        return Ok(arena.since(start));
    }
    let start = arena.next_id();
    for (text, kind) in values {
        if *kind == ValueKind::String {
            arena.simple(*text);
        } else {
            let value = Value {
                lexical: arena.str(*text).to_owned(),
                kind: kind.clone(),
            };
            arena.owned(value.into_natural_literal().into());
        }
    }
    Ok(arena.since(start))
}

/// Checks a value against the datatype a datatype map gives and returns its lexical form
/// under it: a number read from JSON becomes the canonical form of `xsd:double` /
/// `xsd:float` (`37` → `3.7E1`), since it is a number, not text; any other value keeps its
/// natural lexical form.
fn typed_lexical<'m>(
    text: Text<'m>,
    kind: &ValueKind,
    datatype: NamedNodeRef<'_>,
    expression: &Expression,
    arena: &mut TermArena<'m>,
) -> Result<Text<'m>, DataError> {
    if datatype.as_str() == vocab::RDF_LANG_STRING {
        return Err(DataError {
            field: None,
            reason: "rdf:langString cannot be given as a datatype (use a language map)".into(),
        });
    }
    let value = arena.str(text);
    check_lexical(datatype.as_str(), value).map_err(|reason| DataError {
        field: field_of(expression),
        reason,
    })?;
    let floating = matches!(
        datatype.as_str().strip_prefix(vocab::XSD_NS),
        Some("double" | "float")
    );
    if floating
        && matches!(kind, ValueKind::Integer | ValueKind::Double)
        && let Ok(number) = value.parse::<f64>()
    {
        return Ok(arena.push_text(&canonical_double(number)));
    }
    Ok(text)
}

/// Whether every IRI a template map generates is valid whatever values are inserted, so
/// that term generation need not parse each one. True when the template's text before its
/// first reference is a scheme and an authority that is already closed (`https://host/…`)
/// or a scheme and a non-empty path that does not start with `/` (`urn:x:…`), and the
/// template is a valid IRI with every reference replaced by an empty, a plain and a
/// percent-encoded value: IRI-safe (and URI-safe) values are made only of `iunreserved`
/// characters and percent-encodings, which are valid anywhere in a path, query or fragment
/// where a plain value is. A URI map's template text must also be ASCII.
pub(crate) fn template_always_valid(expression: &Expression, term_type: TermType) -> bool {
    let Expression::Template(parts) = expression else {
        return false;
    };
    if !matches!(term_type, TermType::Iri | TermType::Uri) {
        return false;
    }
    let Some(TemplatePart::Text(prefix)) = parts.first() else {
        return false;
    };
    if !has_scheme(prefix) {
        return false;
    }
    let Some((_, rest)) = prefix.split_once(':') else {
        return false;
    };
    let past_authority = match rest.strip_prefix("//") {
        Some(authority) => authority.contains(['/', '?', '#']),
        None => !rest.is_empty() && !rest.starts_with('/'),
    };
    past_authority
        && ["", "x", "%41"].iter().all(|sample| {
            let iri: String = parts
                .iter()
                .map(|part| match part {
                    TemplatePart::Text(text) => text.as_str(),
                    TemplatePart::Reference(_) => sample,
                })
                .collect();
            (term_type == TermType::Iri || iri.is_ascii()) && NamedNodeRef::new(&iri).is_ok()
        })
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
            assert!(
                oxrdf::BlankNode::new(blank_node_id(value)).is_ok(),
                "{value}"
            );
        }
    }

    fn template(text: &str) -> Expression {
        let parts = crate::template::parse(text)
            .unwrap_or_default()
            .into_iter()
            .map(|segment| match segment {
                crate::template::Segment::Text(t) => TemplatePart::Text(t),
                crate::template::Segment::Reference(r) => {
                    TemplatePart::Reference(crate::source::Reference {
                        text: r.clone(),
                        compiled: crate::source::Compiled::Column(r),
                        id: 0,
                    })
                }
            })
            .collect();
        Expression::Template(parts)
    }

    #[test]
    fn templates_checked_at_load_give_valid_iris_for_any_value() {
        let values = [
            "",
            " ",
            "%",
            "%zz",
            "é",
            "故宮/書畫",
            ":",
            "//",
            "..",
            "a#b?c",
            "[::1]",
            "\u{10FFFF}",
            "\u{FFFF}",
            "<>\"{}|^`",
            "\n\t",
        ];
        for (text, term_type) in [
            ("https://h/id/{a}", TermType::Iri),
            ("http://h/x?q={a}#f-{b}", TermType::Iri),
            ("urn:x:{a}:{b}", TermType::Iri),
            ("https://h/{a}", TermType::Uri),
        ] {
            let expression = template(text);
            assert!(template_always_valid(&expression, term_type), "{text}");
            let Expression::Template(parts) = &expression else {
                unreachable!()
            };
            for a in values {
                for b in values {
                    let mut iri = String::new();
                    for (i, part) in parts.iter().enumerate() {
                        match part {
                            TemplatePart::Text(t) => iri.push_str(t),
                            TemplatePart::Reference(_) if term_type == TermType::Uri => {
                                push_uri_safe(&mut iri, if i < 2 { a } else { b });
                            }
                            TemplatePart::Reference(_) => {
                                push_iri_safe(&mut iri, if i < 2 { a } else { b });
                            }
                        }
                    }
                    assert!(
                        NamedNodeRef::new(&iri).is_ok(),
                        "{text} with {a:?}, {b:?}: {iri}"
                    );
                }
            }
        }
        // Values in the scheme, the authority or a port, relative templates, unsafe IRIs, a
        // URI template with non-ASCII text: checked per value as before.
        for (text, term_type) in [
            ("{a}", TermType::Iri),
            ("http://{a}/x", TermType::Iri),
            ("https://h:{a}/", TermType::Iri),
            ("http:{a}", TermType::Iri),
            ("http:/{a}", TermType::Iri),
            ("id/{a}", TermType::Iri),
            ("https://h/{a}", TermType::UnsafeIri),
            ("https://h/故宮/{a}", TermType::Uri),
            ("https://h/{a} b", TermType::Iri),
        ] {
            assert!(!template_always_valid(&template(text), term_type), "{text}");
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
