//! Values read from sources and their natural RDF mapping, plus lexical checks for the XSD
//! datatypes a datatype map can ask for (an ill-typed literal is a data error).

use crate::vocab::XSD_NS;
use oxrdf::{Literal, NamedNode};

/// The source type of a value, which decides its natural RDF datatype.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ValueKind {
    /// Text (CSV cells, JSON strings): `xsd:string`.
    String,
    /// A JSON number without fraction: `xsd:integer`.
    Integer,
    /// A JSON number with fraction or exponent: `xsd:double`.
    Double,
    /// A JSON boolean: `xsd:boolean`.
    Boolean,
    /// A function result typed with any other datatype.
    Typed(NamedNode),
    /// A function result with a language tag.
    Language(String),
}

/// One value of an expression evaluation result, already in its natural RDF lexical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Value {
    /// The natural RDF lexical form (canonical for numbers and booleans).
    pub(crate) lexical: String,
    /// What kind of source value it was.
    pub(crate) kind: ValueKind,
}

impl Value {
    /// A string value.
    pub(crate) fn string(lexical: impl Into<String>) -> Self {
        Self {
            lexical: lexical.into(),
            kind: ValueKind::String,
        }
    }

    /// A value from a literal a function returned (its datatype or language is kept).
    pub(crate) fn from_literal(literal: Literal) -> Self {
        let (value, datatype, language) = literal.destruct();
        let kind = match (datatype, language) {
            (_, Some(language)) => ValueKind::Language(language),
            (Some(datatype), None) => match datatype.as_str().strip_prefix(XSD_NS) {
                Some("string") => ValueKind::String,
                Some("integer") => ValueKind::Integer,
                Some("double") => ValueKind::Double,
                Some("boolean") => ValueKind::Boolean,
                _ => ValueKind::Typed(datatype),
            },
            (None, None) => ValueKind::String,
        };
        Self {
            lexical: value,
            kind,
        }
    }

    /// The natural RDF literal of this value, taking its lexical form without a copy.
    pub(crate) fn into_natural_literal(self) -> Literal {
        match self.kind {
            ValueKind::String => Literal::new_simple_literal(self.lexical),
            _ => self.natural_literal(),
        }
    }

    /// The natural RDF literal of this value.
    pub(crate) fn natural_literal(&self) -> Literal {
        let datatype = match &self.kind {
            ValueKind::Typed(datatype) => {
                return Literal::new_typed_literal(self.lexical.clone(), datatype.clone());
            }
            ValueKind::Language(language) => {
                return Literal::new_language_tagged_literal_unchecked(
                    self.lexical.clone(),
                    language.clone(),
                );
            }
            ValueKind::String => return Literal::new_simple_literal(self.lexical.clone()),
            ValueKind::Integer => "integer",
            ValueKind::Double => "double",
            ValueKind::Boolean => "boolean",
        };
        Literal::new_typed_literal(
            self.lexical.clone(),
            NamedNode::new_unchecked(format!("{XSD_NS}{datatype}")),
        )
    }
}

/// The canonical `xsd:double` lexical form: `1.0E0`, `3.05E1`, `-1.4770215E-4`, `INF`, `NaN`.
pub(crate) fn canonical_double(value: f64) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            "INF".into()
        } else {
            "-INF".into()
        };
    }
    let formatted = format!("{value:E}");
    match formatted.split_once('E') {
        Some((mantissa, exponent)) if !mantissa.contains('.') => format!("{mantissa}.0E{exponent}"),
        _ => formatted,
    }
}

/// Checks that `lexical` is in the lexical space of the XSD datatype `datatype`. Datatypes
/// this function does not know are accepted (they are not "validatable" in RML's sense).
pub(crate) fn check_lexical(datatype: &str, lexical: &str) -> Result<(), String> {
    let Some(local) = datatype.strip_prefix(XSD_NS) else {
        return Ok(());
    };
    let ok = match local {
        "boolean" => matches!(lexical, "true" | "false" | "1" | "0"),
        "decimal" => is_decimal(lexical),
        "float" | "double" => is_double(lexical),
        "integer" => integer_value(lexical).is_some() || is_long_integer(lexical),
        "nonPositiveInteger" => integer_in(lexical, i128::MIN, 0),
        "negativeInteger" => integer_in(lexical, i128::MIN, -1),
        "nonNegativeInteger" => integer_in(lexical, 0, i128::MAX),
        "positiveInteger" => integer_in(lexical, 1, i128::MAX),
        "long" => integer_in(lexical, i64::MIN.into(), i64::MAX.into()),
        "int" => integer_in(lexical, i32::MIN.into(), i32::MAX.into()),
        "short" => integer_in(lexical, i16::MIN.into(), i16::MAX.into()),
        "byte" => integer_in(lexical, i8::MIN.into(), i8::MAX.into()),
        "unsignedLong" => integer_in(lexical, 0, u64::MAX.into()),
        "unsignedInt" => integer_in(lexical, 0, u32::MAX.into()),
        "unsignedShort" => integer_in(lexical, 0, u16::MAX.into()),
        "unsignedByte" => integer_in(lexical, 0, u8::MAX.into()),
        "date" => parse_date(lexical).and_then(timezone).is_some(),
        "dateTime" => parse_date(lexical)
            .and_then(|rest| rest.strip_prefix('T'))
            .and_then(parse_time)
            .and_then(timezone)
            .is_some(),
        "time" => parse_time(lexical).and_then(timezone).is_some(),
        "gYear" => parse_year(lexical)
            .and_then(|(_, rest)| timezone(rest))
            .is_some(),
        "gYearMonth" => parse_year(lexical)
            .and_then(|(_, rest)| rest.strip_prefix('-'))
            .and_then(|rest| two_digits(rest, 1, 12))
            .and_then(|(_, rest)| timezone(rest))
            .is_some(),
        "hexBinary" => {
            lexical.len().is_multiple_of(2) && lexical.bytes().all(|b| b.is_ascii_hexdigit())
        }
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("`{lexical}` is not a valid xsd:{local}"))
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn strip_sign(s: &str) -> &str {
    s.strip_prefix(['+', '-']).unwrap_or(s)
}

fn is_long_integer(s: &str) -> bool {
    all_digits(strip_sign(s))
}

fn integer_value(s: &str) -> Option<i128> {
    if !all_digits(strip_sign(s)) {
        return None;
    }
    s.parse::<i128>().ok()
}

fn integer_in(s: &str, min: i128, max: i128) -> bool {
    match integer_value(s) {
        Some(v) => (min..=max).contains(&v),
        // Too long for i128: only unbounded-above types can hold it, and only if positive.
        None => is_long_integer(s) && max == i128::MAX && !s.starts_with('-'),
    }
}

fn is_decimal(s: &str) -> bool {
    let unsigned = strip_sign(s);
    match unsigned.split_once('.') {
        Some((int, frac)) => {
            (int.is_empty() || all_digits(int))
                && (frac.is_empty() || all_digits(frac))
                && !(int.is_empty() && frac.is_empty())
        }
        None => all_digits(unsigned),
    }
}

fn is_double(s: &str) -> bool {
    if matches!(s, "INF" | "+INF" | "-INF" | "NaN") {
        return true;
    }
    match s.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => is_decimal(mantissa) && all_digits(strip_sign(exponent)),
        None => is_decimal(s),
    }
}

/// `-?YYYY` (four or more digits, no leading zero beyond four); returns the year and the rest.
fn parse_year(s: &str) -> Option<(i64, &str)> {
    let (negative, unsigned) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let digits = unsigned.bytes().take_while(u8::is_ascii_digit).count();
    if digits < 4 || (digits > 4 && unsigned.starts_with('0')) {
        return None;
    }
    let year: i64 = unsigned.get(..digits)?.parse().ok()?;
    Some((if negative { -year } else { year }, unsigned.get(digits..)?))
}

fn two_digits(s: &str, min: u32, max: u32) -> Option<(u32, &str)> {
    let head = s.get(..2)?;
    if !all_digits(head) {
        return None;
    }
    let value: u32 = head.parse().ok()?;
    (min..=max)
        .contains(&value)
        .then(|| (value, s.get(2..).unwrap_or("")))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `YYYY-MM-DD`; returns the rest.
fn parse_date(s: &str) -> Option<&str> {
    let (year, rest) = parse_year(s)?;
    let (month, rest) = two_digits(rest.strip_prefix('-')?, 1, 12)?;
    let (day, rest) = two_digits(rest.strip_prefix('-')?, 1, 31)?;
    (day <= days_in_month(year, month)).then_some(rest)
}

/// `hh:mm:ss(.s+)?`; returns the rest.
fn parse_time(s: &str) -> Option<&str> {
    let (hour, rest) = two_digits(s, 0, 24)?;
    let (minute, rest) = two_digits(rest.strip_prefix(':')?, 0, 59)?;
    let (second, mut rest) = two_digits(rest.strip_prefix(':')?, 0, 59)?;
    let mut fraction_nonzero = false;
    if let Some(after_dot) = rest.strip_prefix('.') {
        let digits = after_dot.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        fraction_nonzero = after_dot.get(..digits)?.bytes().any(|b| b != b'0');
        rest = after_dot.get(digits..)?;
    }
    if hour == 24 && (minute != 0 || second != 0 || fraction_nonzero) {
        return None;
    }
    Some(rest)
}

/// An optional timezone `Z` or `±hh:mm`, which must end the string.
fn timezone(s: &str) -> Option<()> {
    if s.is_empty() || s == "Z" {
        return Some(());
    }
    let rest = s.strip_prefix(['+', '-'])?;
    let (hour, rest) = two_digits(rest, 0, 14)?;
    let (minute, rest) = two_digits(rest.strip_prefix(':')?, 0, 59)?;
    (rest.is_empty() && (hour < 14 || minute == 0)).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xsd(local: &str) -> String {
        format!("{XSD_NS}{local}")
    }

    #[test]
    fn doubles_are_canonical() {
        assert_eq!(canonical_double(1.0), "1.0E0");
        assert_eq!(canonical_double(30.5), "3.05E1");
        assert_eq!(canonical_double(-0.00014770215), "-1.4770215E-4");
        assert_eq!(canonical_double(100.0), "1.0E2");
    }

    #[test]
    fn natural_literals() {
        assert_eq!(
            Value::string("x").natural_literal(),
            Literal::new_simple_literal("x")
        );
        let int = Value {
            lexical: "10".into(),
            kind: ValueKind::Integer,
        }
        .natural_literal();
        assert_eq!(int.datatype().as_str(), xsd("integer"));
    }

    #[test]
    fn lexical_checks() {
        let ok = [
            ("int", "21"),
            ("int", "-2147483648"),
            ("integer", "+0012"),
            ("integer", "123456789012345678901234567890123456789012"),
            ("boolean", "true"),
            ("boolean", "0"),
            ("decimal", "-5.90"),
            ("decimal", ".5"),
            ("double", "1.0E3"),
            ("double", "INF"),
            ("date", "1880-04-21"),
            ("date", "2024-02-29Z"),
            ("dateTime", "2011-08-23T22:17:00.000+08:00"),
            ("time", "24:00:00"),
            ("gYear", "1745"),
            ("gYear", "-0044"),
            ("gYearMonth", "2023-12"),
            ("string", "乾隆十年"),
            ("hexBinary", "5232524d4c"),
        ];
        for (dt, lexical) in ok {
            assert_eq!(
                check_lexical(&xsd(dt), lexical),
                Ok(()),
                "{lexical} as {dt}"
            );
        }
        let bad = [
            ("int", "2147483648"),
            ("int", "21.0"),
            ("integer", ""),
            ("positiveInteger", "0"),
            ("boolean", "yes"),
            ("decimal", "."),
            ("double", "1e"),
            ("date", "2023-02-29"),
            ("date", "1880-4-21"),
            ("dateTime", "2011-08-23 22:17:00"),
            ("gYear", "乾隆十年"),
            ("gYear", "123"),
            ("gYearMonth", "2023-13"),
            ("time", "24:00:01"),
            ("hexBinary", "abc"),
        ];
        for (dt, lexical) in bad {
            assert!(
                check_lexical(&xsd(dt), lexical).is_err(),
                "{lexical} as {dt} should fail"
            );
        }
        assert_eq!(
            check_lexical("http://example.com/custom", "anything"),
            Ok(())
        );
    }
}
