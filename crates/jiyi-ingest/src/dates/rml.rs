//! The date functions mappings call through RML-FNML, registered with `jiyi-rml`'s function
//! extension point. Each takes the date as written (`jiyi:dateText`) and, optionally, the
//! dataset's default dynasty (`jiyi:defaultDynasty`, e.g. `清`):
//!
//! | function | returns |
//! |---|---|
//! | `jiyi:dateBegin` | begin of the span: `xsd:date`, `xsd:gYearMonth` or `xsd:gYear`; null when open (以前) |
//! | `jiyi:dateEnd` | end of the span, same types; null when open (以後) |
//! | `jiyi:dateCalendar` | `gregorian`, `minguo`, `chinese-lunisolar` or `mixed` |
//! | `jiyi:dateInterval` | the span as one ISO 8601 value: `1745-04-06`, `1736-02-12/1796-02-08`, `../1894-02-05` (for `rico:normalizedDateValue`) |
//! | `jiyi:dateQualifier` | `approximate`, `before`, `after`, `range`; null when exact |
//!
//! A date that cannot be read is an error, which rejects the record with the reason
//! (`unknown era 乾龍`), so the steward sees it in the rejects report instead of a silently
//! missing date. A mapping that marks the function execution `jiyi:onError "warn"` keeps the
//! record instead: the date is left out and the report lists a warning (see `jiyi-rml`). In Linked Art the begin and end go to `crm:P82a_begin_of_the_begin` and
//! `crm:P82b_end_of_the_end` of the `crm:E52_Time-Span`, the text to its label.

use super::{DateContext, DateSpan, normalize};
use jiyi_model::vocab::{JIYI, XSD};
use jiyi_rml::{Arguments, FunctionDefinition, FunctionRegistry};
use oxrdf::{Literal, NamedNode};

/// `jiyi:dateBegin`.
pub const DATE_BEGIN: &str = "https://w3id.org/jiyi/ns#dateBegin";
/// `jiyi:dateEnd`.
pub const DATE_END: &str = "https://w3id.org/jiyi/ns#dateEnd";
/// `jiyi:dateCalendar`.
pub const DATE_CALENDAR: &str = "https://w3id.org/jiyi/ns#dateCalendar";
/// `jiyi:dateQualifier`.
pub const DATE_QUALIFIER: &str = "https://w3id.org/jiyi/ns#dateQualifier";
/// `jiyi:dateInterval`: the span as one ISO 8601 value, for RiC-O's `rico:normalizedDateValue`.
pub const DATE_INTERVAL: &str = "https://w3id.org/jiyi/ns#dateInterval";
/// Parameter: the date as written.
pub const DATE_TEXT: &str = "https://w3id.org/jiyi/ns#dateText";
/// Parameter: the default dynasty for recurring era names.
pub const DEFAULT_DYNASTY: &str = "https://w3id.org/jiyi/ns#defaultDynasty";

/// Which value of the span a function returns.
type Output = fn(&DateSpan) -> Option<Literal>;

/// Adds the date functions to `registry`.
pub fn register(registry: &mut FunctionRegistry) {
    debug_assert!(DATE_BEGIN.starts_with(JIYI));
    let functions: [(&str, Output); 5] = [
        (DATE_BEGIN, |span| span.begin.map(typed)),
        (DATE_END, |span| span.end.map(typed)),
        (DATE_CALENDAR, |span| {
            Some(Literal::new_simple_literal(span.calendar.name()))
        }),
        (DATE_INTERVAL, |span| {
            Some(Literal::new_simple_literal(interval(span)))
        }),
        (DATE_QUALIFIER, |span| {
            span.qualifier
                .map(|q| Literal::new_simple_literal(q.name()))
        }),
    ];
    for (iri, output) in functions {
        registry.register(
            FunctionDefinition::new(iri)
                .parameter([DATE_TEXT])
                .optional([DEFAULT_DYNASTY])
                .implementation(move |args| call(args, output)),
        );
    }
}

fn call(args: &Arguments<'_>, output: Output) -> Result<Vec<Literal>, String> {
    let text = args.required_str(0)?;
    let context = match args.str(1).map(str::trim).filter(|d| !d.is_empty()) {
        Some(dynasty) => DateContext::with_dynasty(dynasty).map_err(|e| e.to_string())?,
        None => DateContext::default(),
    };
    let span = normalize(text, &context).map_err(|e| format!("date `{text}`: {e}"))?;
    Ok(output(&span).into_iter().collect())
}

/// `1745-04-06` for one day (or month, or year), `1736-02-12/1796-02-08` for a longer span,
/// with `..` for an open end (ISO 8601-2 / EDTF: `../1894-02-05` is "光緒二十年以前").
fn interval(span: &DateSpan) -> String {
    let show = |p: Option<super::DatePoint>| p.map_or_else(|| "..".to_owned(), |p| p.to_string());
    match (span.begin, span.end) {
        (Some(b), Some(e)) if b == e => b.to_string(),
        (b, e) => format!("{}/{}", show(b), show(e)),
    }
}

fn typed(point: super::DatePoint) -> Literal {
    Literal::new_typed_literal(
        point.to_string(),
        NamedNode::new_unchecked(format!("{XSD}{}", point.xsd_datatype())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval_of(text: &str) -> String {
        interval(&normalize(text, &DateContext::default()).expect(text))
    }

    #[test]
    fn intervals_are_one_value_for_one_day_and_begin_slash_end_otherwise() {
        assert_eq!(interval_of("乾隆十年三月初五日"), "1745-04-06");
        assert_eq!(interval_of("1745"), "1745");
        let reign = interval_of("乾隆年間");
        let (begin, end) = reign.split_once('/').expect("a range");
        assert!(
            begin.starts_with("1736-") && end.starts_with("1796-"),
            "{reign}"
        );
        let before = interval_of("光緒二十年以前");
        assert!(before.starts_with("../1895"), "open begin: {before}");
    }
}
