//! What surrounds a date expression: approximation marks (約, 左右, ca.), before/after
//! (以前, 以後) and ranges (1736-1795, 乾隆元年至嘉慶四年, 乾隆元年至五年). Turns the
//! parsed expression into the [`DateSpan`] the caller gets.

use super::parse::{Single, single};
use super::table::table;
use super::{Calendar, DateContext, DateError, DateErrorKind, DateSpan, Qualifier, eras, text};
use super::{brackets, dynasties};

/// Longer texts are not dates; refusing them keeps the range search small.
const MAX_CHARS: usize = 120;

const APPROXIMATE_PREFIXES: &[&str] = &[
    "大約", "約莫", "約在", "約", "大概", "circa", "ca.", "ca", "c.", "about", "approx.",
];
const APPROXIMATE_SUFFIXES: &[&str] = &["左右", "前後", "許", "頃", "?"];
const BEFORE_SUFFIXES: &[&str] = &["以前", "之前", "前"];
const AFTER_SUFFIXES: &[&str] = &["以後", "之後", "以來", "以来", "後"];
const RANGE_SEPARATORS: &[char] = &['-', '~', '至', '到'];

/// See [`super::normalize`].
pub(crate) fn normalize(input: &str, context: &DateContext) -> Result<DateSpan, DateError> {
    let folded = text::fold(input);
    if folded.is_empty() {
        return Err(DateError::new(
            input,
            DateErrorKind::Empty,
            String::from("empty date"),
        ));
    }
    if folded.chars().count() > MAX_CHARS {
        return Err(DateError::new(
            input,
            DateErrorKind::Unparsable,
            format!("not a date: longer than {MAX_CHARS} characters"),
        ));
    }
    let (text, bracket) = match brackets::split(&folded) {
        Some((text, bracket)) => (text, Some(bracket)),
        None => (folded.as_str(), None),
    };
    let result = normalize_text(text, input, context);
    let Some(bracket) = bracket else {
        return result;
    };
    match result {
        Ok(span) => brackets::check(&span, &bracket, input).map(|()| span),
        Err(error) => match brackets::sexagenary(text, &bracket, input) {
            Some(point) => point.map(|point| DateSpan {
                input: input.to_owned(),
                begin: Some(point),
                end: Some(point),
                calendar: Calendar::ChineseLunisolar,
                qualifier: Some(Qualifier::Approximate),
                era: None,
            }),
            None => Err(error),
        },
    }
}

/// A Western date after a dynasty (`北宋約1000年`, `清1900年`): the date, checked to fall
/// within the dynasty. `None` when the text after the dynasty is not a Western year.
fn western_after_dynasty(
    text: &str,
    input: &str,
    context: &DateContext,
) -> Option<Result<DateSpan, DateError>> {
    let (name, rest) = dynasties::dynasty_prefix(text)?;
    let (approximate, rest) = match strip_prefix(rest, APPROXIMATE_PREFIXES) {
        Some(stripped) => (true, stripped),
        None => (false, rest),
    };
    let western = if rest.starts_with("西元") || rest.starts_with("公元") {
        rest.to_owned()
    } else if rest.starts_with(|c: char| c.is_ascii_digit()) {
        format!("西元{rest}")
    } else {
        return None;
    };
    let mut span = match normalize_text(&western, input, context) {
        Ok(span) if span.calendar == Calendar::Gregorian => span,
        Ok(_) => return None,
        Err(e) => return Some(Err(e)),
    };
    if let Err(e) = dynasties::check_within(
        name,
        span.begin.map(|p| p.year),
        span.end.map(|p| p.year),
        input,
    ) {
        return Some(Err(e));
    }
    if approximate {
        span.qualifier = Some(Qualifier::Approximate);
    }
    Some(Ok(span))
}

/// Normalises folded text without a bracketed Western year.
fn normalize_text(text: &str, input: &str, context: &DateContext) -> Result<DateSpan, DateError> {
    if let Some(result) = western_after_dynasty(text, input, context) {
        return result;
    }
    let mut rest = text;
    let mut qualifier = None;
    if let Some(stripped) = strip_prefix(rest, APPROXIMATE_PREFIXES) {
        rest = stripped;
        qualifier = Some(Qualifier::Approximate);
    }
    if let Some(stripped) = strip_suffix(rest, APPROXIMATE_SUFFIXES) {
        rest = stripped;
        qualifier = Some(Qualifier::Approximate);
    } else if let Some(stripped) = strip_suffix(rest, BEFORE_SUFFIXES) {
        rest = stripped;
        qualifier = Some(Qualifier::Before);
    } else if let Some(stripped) = strip_suffix(rest, AFTER_SUFFIXES) {
        rest = stripped;
        qualifier = Some(Qualifier::After);
    }
    if rest.is_empty() {
        return Err(DateError::new(
            input,
            DateErrorKind::Unparsable,
            format!("not a date form Jiyi reads: {input}"),
        ));
    }
    let (begin, end) = match single(rest, input, context, None) {
        Ok(one) => (one, one),
        Err(error) => match range(rest, input, context) {
            // Not a reign or Western date: a dynasty or a period of one (清代, 北宋晚期).
            None => {
                let chars: Vec<char> = rest.chars().collect();
                let (one, period) = dynasties::span(&chars, input).unwrap_or(Err(error))?;
                if qualifier.is_none() {
                    qualifier = period;
                }
                (one, one)
            }
            Some(Ok(pair)) => {
                if qualifier.is_none() {
                    qualifier = Some(Qualifier::Range);
                }
                pair
            }
            // Keep the specific complaint about the whole text (2023-02-30 is not a date)
            // unless it only says "not a date form" and the range says more.
            Some(Err(range_error)) if error.kind == DateErrorKind::Unparsable => {
                return Err(range_error);
            }
            _ => return Err(error),
        },
    };
    if begin.begin > end.end {
        return Err(DateError::new(
            input,
            DateErrorKind::BadRange,
            format!(
                "range ends ({}) before it begins ({})",
                end.end, begin.begin
            ),
        ));
    }
    let calendar = if begin.calendar == end.calendar {
        begin.calendar
    } else {
        Calendar::Mixed
    };
    let era = era_label(&begin, &end);
    Ok(DateSpan {
        input: input.to_owned(),
        begin: (qualifier != Some(Qualifier::Before)).then_some(begin.begin),
        end: (qualifier != Some(Qualifier::After)).then_some(end.end),
        calendar,
        qualifier,
        era,
    })
}

/// `乾隆` or `乾隆 / 嘉慶` for a range across eras.
fn era_label(begin: &Single, end: &Single) -> Option<String> {
    let t = table();
    let label = |s: &Single| s.era.and_then(|i| t.eras.get(i)).map(eras::label);
    match (label(begin), label(end)) {
        (Some(a), Some(b)) if a == b => Some(a),
        (Some(a), Some(b)) => Some(format!("{a} / {b}")),
        (a, b) => a.or(b),
    }
}

/// The first split at a range separator where both halves are dates (the second half may
/// inherit the first half's era). `None` when no split has two date-like halves; an error
/// when the halves parse but do not make a range.
fn range(
    text: &str,
    input: &str,
    context: &DateContext,
) -> Option<Result<(Single, Single), DateError>> {
    let mut second_error = None;
    for (at, c) in text.char_indices() {
        if !RANGE_SEPARATORS.contains(&c) || at == 0 {
            continue;
        }
        let (left, right) = (&text[..at], &text[at + c.len_utf8()..]);
        if right.is_empty() {
            continue;
        }
        let Ok(first) = single(left, input, context, None) else {
            continue;
        };
        match single(right, input, context, first.era) {
            Ok(second) => return Some(Ok((first, second))),
            Err(e) => {
                second_error.get_or_insert(e);
            }
        }
    }
    // The first half was a date and the second was not: say what is wrong with the second.
    second_error.map(Err)
}

fn strip_prefix<'a>(text: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|p| text.strip_prefix(p))
}

fn strip_suffix<'a>(text: &'a str, suffixes: &[&str]) -> Option<&'a str> {
    suffixes.iter().find_map(|s| text.strip_suffix(s))
}
