//! Dates that name a dynasty rather than a reign: `清代`, `北宋`, `明朝`, periods of a dynasty
//! (`北宋晚期`, `清初`, `明中葉`), and a Western year written after a dynasty (`北宋約1000年`).
//!
//! Decisions (also in ARCHITECTURE.md):
//! - A dynasty's span is DILA's: from the first day of its first reign era to the last day of
//!   its last one (the eras' non-proleptic extents), in days like every reign date.
//! - A name that stands for several DILA dynasties (宋 = 北宋 + 南宋, 漢 = 西漢 + 東漢) is one
//!   span when they follow each other (each begins at most [`MAX_GAP_DAYS`] after the one
//!   before ends: 漢 spans 新, as 漢代 in a catalogue does); otherwise (周 = 北周, 武周, 後周)
//!   the text is ambiguous and the error lists them.
//! - Periods are a documented convention, not history: 早期/初期/前期/初 = the first third of
//!   the dynasty's days, 中期/中葉 = the middle third, 晚期/後期/末期/末 = the last third,
//!   always marked approximate. Art historians' periodisations differ by dynasty and by field;
//!   thirds are reproducible and the qualifier says the span is not exact.
//! - A dynasty before a Western year only checks plausibility: the year must fall within the
//!   dynasty's span (the Western year is what the cataloguer wrote; the dynasty adds nothing
//!   more precise). 北宋約1000年 → 1000, approximate; 唐約1000年 is an error.
//! - Dynasties DILA gives no calendar for (夏, 商, 西周, 東周, 春秋, 戰國, 秦: the table starts
//!   with 西漢's first era, 140 BCE) and archaeological cultures (良渚文化) are errors that say
//!   so: their dates are scholarly estimates, not calendar facts, and a publisher should not
//!   invent them.

use super::julian;
use super::parse::Single;
use super::table::table;
use super::{Calendar, DateError, DateErrorKind, Qualifier, eras};

/// Two DILA dynasties one name stands for are one span when the second begins at most this
/// many days (20 years) after the first ends (西漢 → 東漢 with 新 between: 16 years).
const MAX_GAP_DAYS: i64 = 20 * 366;

/// Names of periods without a calendar in DILA (its reign eras begin with 西漢).
const NO_CALENDAR: &[&str] = &["夏", "商", "西周", "東周", "春秋", "戰國", "秦"];

/// Which third of a dynasty a period word names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Third {
    Early,
    Middle,
    Late,
}

const PERIOD_WORDS: &[(&str, Third)] = &[
    ("早期", Third::Early),
    ("初期", Third::Early),
    ("前期", Third::Early),
    ("初", Third::Early),
    ("中期", Third::Middle),
    ("中葉", Third::Middle),
    ("晚期", Third::Late),
    ("後期", Third::Late),
    ("末期", Third::Late),
    ("末", Third::Late),
];

/// A dynasty or a period of one (`清代`, `北宋晚期`), as one expression: `None` when the text
/// is not of that form (the reign reader then tries it: `清乾隆` is a dynasty and an era).
/// The qualifier is `Some(Approximate)` for periods.
pub(crate) fn span(
    chars: &[char],
    input: &str,
) -> Option<Result<(Single, Option<Qualifier>), DateError>> {
    let text: String = chars.iter().collect();
    if let Some(name) = NO_CALENDAR.iter().find(|n| text.starts_with(**n)) {
        return Some(Err(DateError::new(
            input,
            DateErrorKind::Unparsable,
            format!(
                "no calendar for {name} in the DILA table (its reign eras begin with 西漢, 140 BCE): {input}"
            ),
        )));
    }
    if text.ends_with("文化") {
        return Some(Err(DateError::new(
            input,
            DateErrorKind::Unparsable,
            format!("{text} is an archaeological culture, not a calendar date: {input}"),
        )));
    }
    let (name, rest) = dynasty_prefix(&text)?;
    let rest = rest
        .strip_prefix('朝')
        .or_else(|| rest.strip_prefix('代'))
        .unwrap_or(rest);
    let third = if rest.is_empty() {
        None
    } else {
        Some(PERIOD_WORDS.iter().find(|(w, _)| *w == rest)?.1)
    };
    Some(dynasty_jd(name, input).and_then(|(first, last)| {
        let (first, last) = match third {
            None => (first, last),
            Some(third) => {
                let k = (last - first + 1) / 3;
                match third {
                    Third::Early => (first, first + k - 1),
                    Third::Middle => (first + k, first + 2 * k - 1),
                    Third::Late => (first + 2 * k, last),
                }
            }
        };
        let point = |jd| {
            julian::to_point(jd).ok_or_else(|| {
                DateError::new(
                    input,
                    DateErrorKind::NoSuchDate,
                    String::from("date out of range"),
                )
            })
        };
        Ok((
            Single {
                begin: point(first)?,
                end: point(last)?,
                calendar: Calendar::ChineseLunisolar,
                era: None,
            },
            third.map(|_| Qualifier::Approximate),
        ))
    }))
}

/// The longest dynasty name (or alias) the text starts with, and the rest.
pub(crate) fn dynasty_prefix(text: &str) -> Option<(&'static str, &str)> {
    eras::dynasty_names()
        .iter()
        .find_map(|name| text.strip_prefix(name).map(|rest| (*name, rest)))
}

/// First and last Julian Day of the dynasty a name stands for.
pub(crate) fn dynasty_jd(name: &str, input: &str) -> Result<(i64, i64), DateError> {
    let t = table();
    let ids = eras::dynasty_ids(name);
    // Each dynasty's own extent, in order of its start.
    let mut spans: Vec<(i64, i64, u16)> = ids
        .iter()
        .filter_map(|&id| {
            let mut of = t.eras.iter().filter(|e| e.dynasty == id);
            let first = of.next()?;
            let (lo, hi) = of.fold((first.first_jd, first.last_jd), |(lo, hi), e| {
                (lo.min(e.first_jd), hi.max(e.last_jd))
            });
            Some((lo, hi, id))
        })
        .collect();
    spans.sort_unstable();
    spans.dedup();
    let successive = spans.windows(2).all(|w| w[1].0 - w[0].1 <= MAX_GAP_DAYS);
    match (spans.first(), spans.last()) {
        (Some(first), Some(_)) if successive => {
            // A later-starting dynasty may end earlier: the latest end.
            let end = spans.iter().map(|s| s.1).max().unwrap_or(first.1);
            Ok((first.0, end))
        }
        (Some(_), Some(_)) => {
            let list: Vec<String> = spans
                .iter()
                .map(|(lo, hi, id)| {
                    let year = |jd| julian::to_point(jd).map_or(0, |p| p.year);
                    format!("{} ({}–{})", t.dynasty_name(*id), year(*lo), year(*hi))
                })
                .collect();
            Err(DateError::new(
                input,
                DateErrorKind::AmbiguousEra,
                format!(
                    "dynasty {name} is ambiguous: {}; write which",
                    list.join(", ")
                ),
            ))
        }
        _ => Err(DateError::new(
            input,
            DateErrorKind::UnknownDynasty,
            format!("unknown dynasty {name}"),
        )),
    }
}

/// Checks that a Western date written after a dynasty falls within it (`北宋約1000年`).
pub(crate) fn check_within(
    name: &str,
    begin: Option<i32>,
    end: Option<i32>,
    input: &str,
) -> Result<(), DateError> {
    let (first, last) = dynasty_jd(name, input)?;
    let year = |jd| julian::to_point(jd).map_or(0, |p| p.year);
    let (lo, hi) = (year(first), year(last));
    let inside = begin.is_none_or(|b| b <= hi) && end.is_none_or(|e| e >= lo);
    if inside {
        Ok(())
    } else {
        let shown = match (begin, end) {
            (Some(b), Some(e)) if b == e => b.to_string(),
            (b, e) => format!(
                "{}–{}",
                b.map(|b| b.to_string()).unwrap_or_default(),
                e.map(|e| e.to_string()).unwrap_or_default()
            ),
        };
        Err(DateError::new(
            input,
            DateErrorKind::Mismatch,
            format!("the year {shown} is not within {name} ({lo}–{hi}) written before it"),
        ))
    }
}
