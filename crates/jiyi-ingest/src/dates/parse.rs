//! One date expression (no qualifier, no range) on folded text: a Western date, a Minguo
//! date or a reign-era date. Each reader either takes the whole text or declines, so the
//! forms cannot swallow each other.

use super::lunar::{self, DayName, EraDate, MonthName};
use super::numerals::{self, Number};
use super::table::table;
use super::{Calendar, DateContext, DateError, DateErrorKind, DatePoint, eras, julian};

/// A parsed expression: its first and last point, its calendar, and the era used.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Single {
    /// First point of the span.
    pub begin: DatePoint,
    /// Last point of the span.
    pub end: DatePoint,
    /// The calendar it was written in.
    pub calendar: Calendar,
    /// Index of the era in the table, for reign-era dates (a range's second half may
    /// inherit it: 乾隆元年至五年).
    pub era: Option<usize>,
}

/// Parses `text` (already folded). `inherited` is the era of a range's first half, used when
/// the text starts with its year. `input` is the original, for errors.
pub(crate) fn single(
    text: &str,
    input: &str,
    context: &DateContext,
    inherited: Option<usize>,
) -> Result<Single, DateError> {
    let chars: Vec<char> = text.chars().collect();
    if let Some(era) = inherited
        && starts_with_year(&chars)
    {
        return era_date_in(&chars, input, era);
    }
    if let Some(result) = western(&chars, input) {
        return result;
    }
    if let Some(result) = minguo(&chars, input) {
        return result;
    }
    reign(&chars, input, context)
}

/// A cursor over the characters of the text.
struct Cursor<'a> {
    chars: &'a [char],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(chars: &'a [char]) -> Self {
        Self { chars, pos: 0 }
    }

    fn rest(&self) -> &'a [char] {
        self.chars.get(self.pos..).unwrap_or(&[])
    }

    fn done(&self) -> bool {
        self.pos >= self.chars.len()
    }

    /// Consumes `word` if the text continues with it.
    fn eat(&mut self, word: &str) -> bool {
        let rest = self.rest();
        let n = word.chars().count();
        if rest.len() >= n && rest.iter().zip(word.chars()).all(|(a, b)| *a == b) {
            self.pos += n;
            true
        } else {
            false
        }
    }

    fn eat_any(&mut self, words: &[&str]) -> bool {
        words.iter().any(|w| self.eat(w))
    }

    fn number(&mut self) -> Option<Number> {
        let n = numerals::read(self.rest())?;
        self.pos += n.len;
        Some(n)
    }

    fn peek(&self) -> Option<char> {
        self.rest().first().copied()
    }
}

fn unparsable(input: &str) -> DateError {
    DateError::new(
        input,
        DateErrorKind::Unparsable,
        format!("not a date form Jiyi reads: {input}"),
    )
}

fn no_such(input: &str, message: String) -> DateError {
    DateError::new(input, DateErrorKind::NoSuchDate, message)
}

/// A Gregorian point of the given precision, checked (2023-02-30 is refused).
fn gregorian(
    input: &str,
    year: i64,
    month: Option<u32>,
    day: Option<u32>,
) -> Result<DatePoint, DateError> {
    let Ok(year16) = i16::try_from(year) else {
        return Err(no_such(input, format!("year {year} is out of range")));
    };
    if !(-9999..=9999).contains(&year16) {
        return Err(no_such(input, format!("year {year} is out of range")));
    }
    let point = |m: Option<u32>, d: Option<u32>| DatePoint {
        year: i32::from(year16),
        month: m.and_then(|m| u8::try_from(m).ok()),
        day: d.and_then(|d| u8::try_from(d).ok()),
    };
    match (month, day) {
        (None, _) => Ok(point(None, None)),
        (Some(m), None) if (1..=12).contains(&m) => Ok(point(Some(m), None)),
        (Some(m), None) => Err(no_such(input, format!("no month {m}"))),
        (Some(m), Some(d)) => {
            let valid = i8::try_from(m)
                .ok()
                .zip(i8::try_from(d).ok())
                .and_then(|(m, d)| jiff::civil::Date::new(year16, m, d).ok());
            match valid {
                Some(date) => Ok(julian::point(date)),
                None => Err(no_such(
                    input,
                    format!("{year:04}-{m:02}-{d:02} is not a date"),
                )),
            }
        }
    }
}

/// Month and day after a year: `-04`, `/08/02`, `.8.2` (with `sep`), or `4月5日` (without).
/// Returns `None` when the rest is not such a tail.
fn month_day(c: &mut Cursor<'_>, sep: Option<char>) -> Option<(Option<u32>, Option<u32>)> {
    match sep {
        Some(sep) => {
            let month = c.number().filter(|n| n.digits.is_some())?.value;
            if c.done() {
                return Some((Some(month), None));
            }
            if c.peek() != Some(sep) {
                return None;
            }
            c.pos += 1;
            let day = c.number().filter(|n| n.digits.is_some())?.value;
            c.done().then_some((Some(month), Some(day)))
        }
        None => {
            if c.done() {
                return Some((None, None));
            }
            let month = if c.eat_any(&["正", "元"]) {
                1
            } else {
                c.number()?.value
            };
            if !c.eat("月") {
                return None;
            }
            if c.done() {
                return Some((Some(month), None));
            }
            c.eat("初");
            let day = c.number()?.value;
            c.eat_any(&["日", "號", "号"]);
            c.done().then_some((Some(month), Some(day)))
        }
    }
}

/// Western dates: `1745`, `1745-04`, `2023/08/02`, `2023.8.2`, `1745年4月5日`, `西元1745年`,
/// `公元前221年`, `1930年代`, `1930s`. Without 西元/公元 the year must have four digits.
fn western(chars: &[char], input: &str) -> Option<Result<Single, DateError>> {
    let mut c = Cursor::new(chars);
    let prefixed = c.eat_any(&["西元", "公元", "a.d.", "ad"]);
    let bce = prefixed && c.eat("前");
    let year = c.number()?;
    if !prefixed && year.digits != Some(4) {
        return None;
    }
    let value = i64::from(year.value);
    let year_value = if bce { 1 - value } else { value };
    let calendar = Calendar::Gregorian;
    // Decades.
    let rest: String = c.rest().iter().collect();
    if (rest == "年代" || rest == "s") && year.value % 10 == 0 && !bce {
        let begin = gregorian(input, year_value, None, None);
        let end = gregorian(input, year_value + 9, None, None);
        return Some(begin.and_then(|begin| {
            Ok(Single {
                begin,
                end: end?,
                calendar,
                era: None,
            })
        }));
    }
    let sep = match c.peek() {
        Some(s @ ('-' | '/' | '.')) if !bce => {
            c.pos += 1;
            Some(s)
        }
        Some('年') => {
            c.pos += 1;
            None
        }
        None => None,
        _ => return None,
    };
    let (month, day) = month_day(&mut c, sep)?;
    Some(
        gregorian(input, year_value, month, day).map(|point| Single {
            begin: point,
            end: point,
            calendar,
            era: None,
        }),
    )
}

/// Minguo dates: `民國112年8月2日`, `民國三十六年`, `民國元年`, `民國前1年`, `中華民國112年`,
/// and without a prefix a year of one to three digits: `112年8月2日`, `112/8/2`.
fn minguo(chars: &[char], input: &str) -> Option<Result<Single, DateError>> {
    let mut c = Cursor::new(chars);
    let prefixed = c.eat_any(&["中華民國", "民國", "民"]);
    let before = prefixed && c.eat("前");
    let n = if prefixed && c.eat("元") {
        1
    } else {
        let n = c.number()?;
        let short = match n.digits {
            Some(d) => d <= 3,
            None => n.value < 1000,
        };
        if !prefixed && !short {
            return None;
        }
        n.value
    };
    let sep = match c.peek() {
        Some('年') => {
            c.pos += 1;
            None
        }
        Some(s @ ('/' | '.' | '-')) if !before => {
            c.pos += 1;
            Some(s)
        }
        _ => return None,
    };
    let (month, day) = month_day(&mut c, sep)?;
    // Without a prefix, a separator form needs the full year/month/day (112/8/2), so 12-3
    // is not read as a Minguo month.
    if !prefixed && sep.is_some() && day.is_none() {
        return None;
    }
    if n == 0 {
        return Some(Err(no_such(
            input,
            String::from("there is no Minguo year 0"),
        )));
    }
    let year = if before {
        1912 - i64::from(n)
    } else {
        1911 + i64::from(n)
    };
    Some(gregorian(input, year, month, day).map(|point| Single {
        begin: point,
        end: point,
        calendar: Calendar::Minguo,
        era: None,
    }))
}

/// Whether the text starts with an era year (`五年`, `元年`, `5年`): a range's second half
/// that inherits the first half's era.
fn starts_with_year(chars: &[char]) -> bool {
    let mut c = Cursor::new(chars);
    if c.eat("元年") {
        return true;
    }
    c.number().is_some() && c.eat("年")
}

/// Reign-era dates: `[dynasty[朝|代]][emperor]era[年間 | 元年 | N年[[閏|後]M月[[初]D日]]]`.
fn reign(chars: &[char], input: &str, context: &DateContext) -> Result<Single, DateError> {
    let mut attempts: Vec<(Option<Vec<u16>>, usize)> = Vec::new();
    for &name in eras::dynasty_names() {
        let mut c = Cursor::new(chars);
        if c.eat(name) {
            c.eat_any(&["朝", "代"]);
            attempts.push((Some(eras::dynasty_ids(name)), c.pos));
        }
    }
    attempts.push((None, 0));
    let mut errors = Vec::new();
    for (dynasties, start) in attempts {
        match reign_from(chars, start, dynasties.as_deref(), input, context) {
            Ok(single) => return Ok(single),
            Err(e) => errors.push(e),
        }
    }
    // The most specific complaint: a known era with a bad date beats "unknown era".
    errors.sort_by_key(|e| match e.kind {
        DateErrorKind::NoSuchDate | DateErrorKind::AmbiguousEra => 0,
        DateErrorKind::UnknownEra => 1,
        _ => 2,
    });
    Err(errors
        .into_iter()
        .next()
        .unwrap_or_else(|| unparsable(input)))
}

fn reign_from(
    chars: &[char],
    start: usize,
    dynasties: Option<&[u16]>,
    input: &str,
    context: &DateContext,
) -> Result<Single, DateError> {
    let t = table();
    let rest = chars.get(start..).unwrap_or(&[]);
    // The emperor, when written (元順帝至元): any emperor name followed by an era name.
    let mut emperor = None;
    let mut at = 0;
    if era_name_at(rest).is_none() {
        for name in eras::emperor_names() {
            let n = name.chars().count();
            if rest.len() > n
                && rest.iter().zip(name.chars()).all(|(a, b)| *a == b)
                && era_name_at(&rest[n..]).is_some()
            {
                emperor = Some(*name);
                at = n;
                break;
            }
        }
    }
    let after_emperor = rest.get(at..).unwrap_or(&[]);
    let Some((name, name_len)) = era_name_at(after_emperor) else {
        return Err(unknown_era(rest, input));
    };
    let date_text = after_emperor.get(name_len..).unwrap_or(&[]);
    let date = era_date(date_text).ok_or_else(|| unparsable(input))?;
    let candidates = eras::candidates(name, dynasties, emperor);
    if candidates.is_empty() {
        let dynasty = dynasties
            .and_then(|d| d.first())
            .map(|&d| t.dynasty_name(d))
            .unwrap_or("");
        return Err(DateError::new(
            input,
            DateErrorKind::UnknownEra,
            format!("unknown era {dynasty}{name}"),
        ));
    }
    let (era, (first, last)) = eras::choose(input, name, candidates, context, |i| {
        lunar::resolve(input, &t.eras[i], date)
    })?;
    single_from_jd(input, first, last, era)
}

/// A range's second half with the first half's era: `五年` in `乾隆元年至五年`.
fn era_date_in(chars: &[char], input: &str, era: usize) -> Result<Single, DateError> {
    let t = table();
    let date = era_date(chars).ok_or_else(|| unparsable(input))?;
    let Some(era_entry) = t.eras.get(era) else {
        return Err(unparsable(input));
    };
    let (first, last) = lunar::resolve(input, era_entry, date)?;
    single_from_jd(input, first, last, era)
}

fn single_from_jd(input: &str, first: i64, last: i64, era: usize) -> Result<Single, DateError> {
    match (julian::to_point(first), julian::to_point(last)) {
        (Some(begin), Some(end)) => Ok(Single {
            begin,
            end,
            calendar: Calendar::ChineseLunisolar,
            era: Some(era),
        }),
        _ => Err(no_such(input, String::from("date out of range"))),
    }
}

/// The longest era name at the start of `chars`, with its length in characters.
fn era_name_at(chars: &[char]) -> Option<(&'static str, usize)> {
    let t = table();
    let mut key = String::new();
    let mut best = None;
    for (i, c) in chars.iter().take(t.longest_name).enumerate() {
        key.push(*c);
        if let Some((name, _)) = t.by_name.get_key_value(key.as_str()) {
            best = Some((*name, i + 1));
        }
    }
    best
}

/// "unknown era 乾龍" when the text looks like an era date, else "not a date".
fn unknown_era(rest: &[char], input: &str) -> DateError {
    let name: String = rest
        .iter()
        .take_while(|&&c| {
            numerals::read(&[c]).is_none() && !matches!(c, '元' | '年' | '間') && is_cjk(c)
        })
        .collect();
    let tail = &rest[name.chars().count()..];
    let looks_like_era = !name.is_empty()
        && name.chars().count() <= 6
        && (tail.is_empty()
            || matches!(tail.first(), Some('元' | '年' | '間'))
            || numerals::read(tail).is_some());
    if looks_like_era {
        DateError::new(
            input,
            DateErrorKind::UnknownEra,
            format!("unknown era {name}"),
        )
    } else {
        unparsable(input)
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
}

/// What follows the era name: 年間 / 間 / 朝 (the reign), or a year with month and day.
fn era_date(chars: &[char]) -> Option<EraDate> {
    let mut c = Cursor::new(chars);
    // A bare era name (`乾隆`) or 乾隆年間 / 乾隆間 / 乾隆朝: the reign.
    if c.done() || (c.eat_any(&["年間", "間", "朝"]) && c.done()) {
        return Some(EraDate::Reign);
    }
    c.pos = 0;
    let year = if c.eat("元") { 1 } else { c.number()?.value };
    if !c.eat("年") {
        return None;
    }
    if c.done() {
        return Some(EraDate::Year {
            year,
            month: None,
            day: None,
        });
    }
    let leap = if c.eat("閏") {
        1
    } else if c.eat("後") {
        2
    } else {
        0
    };
    let (number, la) = if c.eat_any(&["正", "元"]) {
        (1, false)
    } else if c.eat("冬") {
        (11, false)
    } else if c.eat("臘") {
        (12, true)
    } else {
        let n = c.number()?.value;
        (
            i8::try_from(n).ok().filter(|n| (1..=12).contains(n))?,
            false,
        )
    };
    if !c.eat("月") {
        return None;
    }
    let month = Some(MonthName { number, leap, la });
    if c.done() {
        return Some(EraDate::Year {
            year,
            month,
            day: None,
        });
    }
    let day = if c.eat("朔") {
        DayName::Number(1)
    } else if c.eat("晦") {
        DayName::Last
    } else {
        c.eat("初");
        DayName::Number(u8::try_from(c.number()?.value).ok()?)
    };
    c.eat_any(&["日", "號", "号"]);
    c.done().then_some(EraDate::Year {
        year,
        month,
        day: Some(day),
    })
}
