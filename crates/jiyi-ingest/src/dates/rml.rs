//! The date functions mappings call through RML-FNML, registered with `jiyi-rml`'s function
//! extension point. Each takes the date as written (`jiyi:dateText`) and, optionally, the
//! dataset's default dynasty (`jiyi:defaultDynasty`, e.g. `清`):
//!
//! | function | returns |
//! |---|---|
//! | `jiyi:dateBegin` | begin of the span: `xsd:date`, `xsd:gYearMonth` or `xsd:gYear`; null when open (以前) |
//! | `jiyi:dateEnd` | end of the span, same types; null when open (以後) |
//! | `jiyi:dateCalendar` | `gregorian`, `minguo`, `chinese-lunisolar` or `mixed` |
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
/// Parameter: the date as written.
pub const DATE_TEXT: &str = "https://w3id.org/jiyi/ns#dateText";
/// Parameter: the default dynasty for recurring era names.
pub const DEFAULT_DYNASTY: &str = "https://w3id.org/jiyi/ns#defaultDynasty";

/// Which value of the span a function returns.
type Output = fn(&DateSpan) -> Option<Literal>;

/// Adds the date functions to `registry`.
pub fn register(registry: &mut FunctionRegistry) {
    debug_assert!(DATE_BEGIN.starts_with(JIYI));
    let functions: [(&str, Output); 4] = [
        (DATE_BEGIN, |span| span.begin.map(typed)),
        (DATE_END, |span| span.end.map(typed)),
        (DATE_CALENDAR, |span| {
            Some(Literal::new_simple_literal(span.calendar.name()))
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

fn typed(point: super::DatePoint) -> Literal {
    Literal::new_typed_literal(
        point.to_string(),
        NamedNode::new_unchecked(format!("{XSD}{}", point.xsd_datatype())),
    )
}
