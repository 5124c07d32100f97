//! Date normalisation for Taiwan museum and archive records: a date as written (乾隆十年三月初五日,
//! 民國112年8月2日, 1745-04, 約1900年, 光緒二十年以前, 1736-1795 …) becomes the span it names, in
//! the proleptic Gregorian calendar, with the calendar it was written in and the input kept.
//!
//! Reign-era dates are converted with the lunar month table of the DILA Time Authority
//! (Dharma Drum Institute of Liberal Arts, CC BY-SA 3.0), extracted by
//! `scripts/extract-calendar.py` into `data/dila-calendar.txt` and embedded in the binary.
//!
//! Modules, one job each: [`text`] (full-width and whitespace folding), [`numerals`]
//! (Chinese and Arabic numbers), [`julian`] (Julian Day ↔ Gregorian), [`table`] (the era and
//! month table), [`eras`] (which era a name means), [`lunar`] (era-year-month-day → days),
//! [`parse`] (one date expression), [`dynasties`] (dynasty spans, periods of a dynasty, a
//! dynasty before a Western year), [`spans`] (qualifiers and ranges around it), [`brackets`]
//! (the cataloguer's bracketed Western year, checked), [`rml`] (the functions mappings call).
//!
//! Decisions (also in ARCHITECTURE.md):
//! - Output dates are proleptic Gregorian, also before 1582, as XSD and ISO 8601 define them
//!   (year 0 = 1 BCE; `公元前221年` → `-0220`).
//! - A lunisolar year or month is not a Gregorian one, so reign dates always give day
//!   precision (光緒元年 → 1875-02-06 … 1876-01-25); Gregorian and Minguo dates keep the
//!   precision they were written with (1745 → 1745 … 1745).
//! - Minguo year N is Gregorian 1911 + N, solar; a year of one to three digits followed by 年
//!   without a prefix (112年8月2日) is a Minguo year, as Taiwan records write it; four digits
//!   are Western.
//! - 約 / 左右 / 前後 / ca. mark the span *approximate* without widening it (the record gives no
//!   margin; the qualifier carries the uncertainty). 以前 / 之前 leave the begin open and end
//!   where the named span ends; 以後 / 之後 begin where it begins and leave the end open.
//!   年間 is the whole reign (its non-proleptic extent in DILA).
//! - Recurring era names: see [`eras`] for the rule.
//! - A dynasty names its DILA span; 早期/中期/晚期 (初, 末 …) are thirds of it, approximate; a
//!   dynasty before a Western year only checks it (see [`dynasties`]).
//! - A bracketed Western year after a date (`北宋熙寧五年（1072）`) must be the Gregorian
//!   year of the span's begin or end, else an error; before a bracket a sexagenary year
//!   (`壬子年（1372）`) is read as the bracketed year, checked (see [`brackets`]).

mod brackets;
mod dynasties;
mod eras;
mod julian;
mod lunar;
mod numerals;
mod parse;
pub mod rml;
mod spans;
mod table;
mod text;

use std::fmt;

/// Normalises one date as written. Never panics, whatever the input.
pub fn normalize(text: &str, context: &DateContext) -> Result<DateSpan, DateError> {
    match expand_abbreviated_years(text) {
        Some(Ok(expanded)) => {
            let mut span = spans::normalize(&expanded, context)?;
            span.input = text.to_owned();
            Ok(span)
        }
        Some(Err(message)) => Err(DateError::new(text, DateErrorKind::BadRange, message)),
        None => spans::normalize(text, context),
    }
}

/// `1806–8` and `1806–12` (an en or em dash, then the last one or two digits of the end year)
/// are how English catalogues abbreviate a range of years (Tate writes them so): read as
/// `1806-1808`. Only with a dash that is not ASCII `-`, because `1806-8` is also how forms write
/// a month; `1806–05` is a range too (a month would be written `1806-05`). `None` when `text`
/// is not of that form.
fn expand_abbreviated_years(text: &str) -> Option<Result<String, String>> {
    let (start, tail) = text.trim().split_once(['–', '—'])?;
    let (start, tail) = (start.trim(), tail.trim());
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if start.len() != 4 || !digits(start) || !(1..=2).contains(&tail.len()) || !digits(tail) {
        return None;
    }
    let end = format!("{}{tail}", &start[..4 - tail.len()]);
    Some(if end.as_str() > start {
        Ok(format!("{start}-{end}"))
    } else {
        Err(format!(
            "{text}: the abbreviated end year {end} is not after {start}"
        ))
    })
}

/// What the record's dataset says about its dates, for what the text leaves open.
#[derive(Debug, Clone, Default)]
pub struct DateContext {
    /// The dynasty a reign-era name belongs to when the text names none and the name recurs
    /// across dynasties (e.g. `清` for the Qing archives). A default that has no era of the
    /// name is ignored for that name (永樂 in a Qing dataset is still Ming).
    pub default_dynasty: Option<String>,
}

impl DateContext {
    /// A context with a default dynasty; fails when DILA knows no dynasty of that name, so a
    /// misspelt setting is caught once rather than silently ignored on every record.
    pub fn with_dynasty(name: &str) -> Result<Self, DateError> {
        let name = text::fold(name);
        if eras::dynasty_ids(&name).is_empty() {
            return Err(DateError::new(
                &name,
                DateErrorKind::UnknownDynasty,
                format!("unknown dynasty {name}"),
            ));
        }
        Ok(Self {
            default_dynasty: Some(name),
        })
    }
}

/// The span a date names. `begin`/`end` are `None` when open (before / after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateSpan {
    /// The text as the record wrote it (kept so the original is always published too).
    pub input: String,
    /// First day (or month, or year) of the span, proleptic Gregorian.
    pub begin: Option<DatePoint>,
    /// Last day (or month, or year) of the span, inclusive.
    pub end: Option<DatePoint>,
    /// The calendar the text was written in.
    pub calendar: Calendar,
    /// How the span relates to what the text says, when not exactly.
    pub qualifier: Option<Qualifier>,
    /// The reign era used (`清 乾隆`), for reign-era dates.
    pub era: Option<String>,
}

/// A Gregorian year, month or day: the precision is what is present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DatePoint {
    /// Astronomical year (0 = 1 BCE).
    pub year: i32,
    /// 1–12, when known.
    pub month: Option<u8>,
    /// 1–31, when known (only with a month).
    pub day: Option<u8>,
}

impl DatePoint {
    /// The XSD datatype local name for this precision: `date`, `gYearMonth` or `gYear`.
    pub fn xsd_datatype(&self) -> &'static str {
        match (self.month, self.day) {
            (Some(_), Some(_)) => "date",
            (Some(_), None) => "gYearMonth",
            _ => "gYear",
        }
    }
}

impl fmt::Display for DatePoint {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (XSD lexical forms; negative years as `-0220`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.year < 0 {
            write!(f, "-{:04}", self.year.unsigned_abs())?;
        } else {
            write!(f, "{:04}", self.year)?;
        }
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
            if let Some(day) = self.day {
                write!(f, "-{day:02}")?;
            }
        }
        Ok(())
    }
}

/// The calendar a date was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calendar {
    /// Western dates (proleptic Gregorian).
    Gregorian,
    /// Republic of China years (民國), solar: year N is Gregorian 1911 + N.
    Minguo,
    /// Chinese reign eras (年號) with lunar months, converted with the DILA month table.
    ChineseLunisolar,
    /// A range whose two ends were written in different calendars.
    Mixed,
}

impl Calendar {
    /// The name used in JSON output and in `jiyi:dateCalendar`.
    pub fn name(self) -> &'static str {
        match self {
            Calendar::Gregorian => "gregorian",
            Calendar::Minguo => "minguo",
            Calendar::ChineseLunisolar => "chinese-lunisolar",
            Calendar::Mixed => "mixed",
        }
    }
}

/// How the span relates to the text, when it is not simply the thing named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    /// 約, 左右, 前後, ca.: about this span.
    Approximate,
    /// 以前, 之前: before the end of this span (begin open).
    Before,
    /// 以後, 之後: after the beginning of this span (end open).
    After,
    /// Two dates joined by -, ~, 至: from the first to the second.
    Range,
}

impl Qualifier {
    /// The name used in JSON output and in `jiyi:dateQualifier`.
    pub fn name(self) -> &'static str {
        match self {
            Qualifier::Approximate => "approximate",
            Qualifier::Before => "before",
            Qualifier::After => "after",
            Qualifier::Range => "range",
        }
    }
}

/// Why a date could not be normalised. A plain error type (not a variant of
/// [`crate::IngestError`]): a bad date rejects one record, it never stops an ingest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    /// The text as given.
    pub input: String,
    /// What kind of problem, for callers that branch on it.
    pub kind: DateErrorKind,
    /// What is wrong, in words (`unknown era 乾龍`, `乾隆 has no year 70 (years 1–60, 1736–1795)`).
    pub message: String,
}

impl DateError {
    pub(crate) fn new(input: &str, kind: DateErrorKind, message: String) -> Self {
        Self {
            input: input.to_owned(),
            kind,
            message,
        }
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DateError {}

/// The kinds of [`DateError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateErrorKind {
    /// Nothing but whitespace.
    Empty,
    /// The text is not a date form Jiyi reads.
    Unparsable,
    /// No reign era of that name in the DILA table.
    UnknownEra,
    /// No dynasty of that name.
    UnknownDynasty,
    /// The name recurs across dynasties and nothing says which one.
    AmbiguousEra,
    /// The era, month or day does not exist (no year 70 of 乾隆, no leap 4th month …).
    NoSuchDate,
    /// A range that ends before it begins, or a bound that cannot be a range end.
    BadRange,
    /// Two parts of the text disagree: a bracketed Western year that is neither the
    /// Gregorian year of the begin nor of the end (北宋熙寧五年（1071）), a sexagenary year
    /// that is not the bracketed year's, a Western year outside the dynasty before it.
    Mismatch,
}

#[cfg(test)]
mod tests;
