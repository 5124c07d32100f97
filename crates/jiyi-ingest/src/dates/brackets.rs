//! The cataloguer's own conversion in brackets after a date: `北宋熙寧五年（1072）`,
//! `乾隆元年(1736)`, `新始建國元年（西元9年）`, `西漢建元元年（公元前140年）`.
//!
//! Decisions (also in ARCHITECTURE.md):
//! - The bracket is checked, never trusted over the calendar: the Gregorian year of the
//!   span's begin or of its end must equal it (a lunar year overlaps two Gregorian years:
//!   乾隆元年 is 1736-02-12 … 1737-01-30, so both (1736) and (1737) agree). When neither does,
//!   the date is an error naming both, since one of them is wrong and Jiyi cannot tell which.
//! - When the text before the bracket cannot be read on its own but is a sexagenary year
//!   (`壬子年（1372）`), the bracket is the date: the sexagenary year of the bracketed year is
//!   computed ((year − 4) mod 10 and mod 12: 1372 → 壬子) and must match, and the span is that
//!   Gregorian year, marked approximate (the lunar year 壬子 runs from about February 1372 to
//!   January 1373; which calendar's new year is meant the text does not say). Any other text
//!   that cannot be read stays an error, bracket or not: a bare year is no reading of 某年.

use super::numerals;
use super::{DateError, DateErrorKind, DatePoint, DateSpan};

const STEMS: [char; 10] = ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'];
const BRANCHES: [char; 12] = [
    '子', '丑', '寅', '卯', '辰', '巳', '午', '未', '申', '酉', '戌', '亥',
];

/// A bracketed Western year.
#[derive(Debug, Clone)]
pub(crate) struct Bracket {
    /// Astronomical year (公元前221年 → −220).
    pub year: i32,
    /// The bracket as written (for messages).
    pub written: String,
}

/// Splits a trailing `(…)` holding a Western year off folded text (full-width brackets are
/// already ASCII). `None` when there is no such bracket or nothing before it.
pub(crate) fn split(text: &str) -> Option<(&str, Bracket)> {
    let inner = text.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let (before, inside) = (&inner[..open], &inner[open + 1..]);
    if before.is_empty() {
        return None;
    }
    let year = western_year(inside)?;
    Some((
        before,
        Bracket {
            year,
            written: format!("({inside})"),
        },
    ))
}

/// `1072`, `1072年`, `西元9年`, `公元前221年`, `a.d.9` → the astronomical year.
fn western_year(text: &str) -> Option<i32> {
    let mut rest = text;
    for prefix in ["西元", "公元", "a.d.", "ad"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r;
            break;
        }
    }
    let bce = if let Some(r) = rest.strip_prefix('前') {
        rest = r;
        true
    } else {
        false
    };
    let chars: Vec<char> = rest.chars().collect();
    let number = numerals::read(&chars)?;
    let tail: String = chars.get(number.len..)?.iter().collect();
    if !(tail.is_empty() || tail == "年") || number.value == 0 {
        return None;
    }
    let value = i32::try_from(number.value).ok().filter(|v| *v <= 9999)?;
    Some(if bce { 1 - value } else { value })
}

/// Checks a bracket against the span read from the text before it.
pub(crate) fn check(span: &DateSpan, bracket: &Bracket, input: &str) -> Result<(), DateError> {
    let years = [span.begin, span.end];
    if years.iter().flatten().any(|p| p.year == bracket.year) {
        return Ok(());
    }
    let shown = |p: Option<DatePoint>| p.map_or_else(|| String::from("open"), |p| p.to_string());
    Err(DateError::new(
        input,
        DateErrorKind::Mismatch,
        format!(
            "the bracketed Western year {} disagrees with the date before it ({} … {}): one of them is wrong",
            bracket.written,
            shown(span.begin),
            shown(span.end)
        ),
    ))
}

/// The sexagenary year of an astronomical year.
fn ganzhi(year: i32) -> (char, char) {
    let n = year - 4;
    (
        STEMS[usize::try_from(n.rem_euclid(10)).unwrap_or(0)],
        BRANCHES[usize::try_from(n.rem_euclid(12)).unwrap_or(0)],
    )
}

/// `壬子年` / `壬子歲` / `壬子` before a bracket: the bracketed year, if its sexagenary year
/// matches (see the module decisions). `None` when the text is not a sexagenary year.
pub(crate) fn sexagenary(
    text: &str,
    bracket: &Bracket,
    input: &str,
) -> Option<Result<DatePoint, DateError>> {
    let mut chars = text.chars();
    let (stem, branch) = (chars.next()?, chars.next()?);
    let tail: String = chars.collect();
    if !STEMS.contains(&stem)
        || !BRANCHES.contains(&branch)
        || !["", "年", "歲"].contains(&tail.as_str())
    {
        return None;
    }
    let (s, b) = ganzhi(bracket.year);
    if (s, b) != (stem, branch) {
        return Some(Err(DateError::new(
            input,
            DateErrorKind::Mismatch,
            format!(
                "the sexagenary year {stem}{branch} disagrees with the bracketed Western year {}, which is {s}{b}",
                bracket.written
            ),
        )));
    }
    Some(Ok(DatePoint {
        year: bracket.year,
        month: None,
        day: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sexagenary_years() {
        assert_eq!(ganzhi(1372), ('壬', '子'));
        assert_eq!(ganzhi(1864), ('甲', '子'));
        assert_eq!(ganzhi(4), ('甲', '子'));
        // 221 BCE, 秦始皇二十六年, was 庚辰.
        assert_eq!(ganzhi(-220), ('庚', '辰'));
    }

    #[test]
    fn bracket_forms() {
        assert_eq!(
            split("熙寧五年(1072)").map(|(t, b)| (t, b.year)),
            Some(("熙寧五年", 1072))
        );
        assert_eq!(split("始建國元年(西元9年)").map(|(_, b)| b.year), Some(9));
        assert_eq!(
            split("建元元年(公元前140年)").map(|(_, b)| b.year),
            Some(-139)
        );
        assert!(split("(1072)").is_none());
        assert!(split("熙寧五年(春)").is_none());
        assert!(split("熙寧五年(0)").is_none());
    }
}
