//! An era date (reign, year, month, day) → the Julian Days it covers, with the DILA month
//! table. A day is `first day of the month + (day − the month's start day)`; a month or a
//! year without a day is all of its days in the era; a reign (年間) is the era's
//! non-proleptic extent.

use super::table::{Era, Month};
use super::{DateError, DateErrorKind, eras};

/// How the text names a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MonthName {
    /// 1–12 (正 = 1, 冬 = 11, 臘 = 12).
    pub number: i8,
    /// 0 ordinary, 1 閏, 2 後.
    pub leap: u8,
    /// Written as 臘: DILA numbers the 臘 month of the 周正 calendar −1.
    pub la: bool,
}

/// How the text names a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DayName {
    /// 初五, 十五, 廿一, 5.
    Number(u8),
    /// 晦: the last day of the month.
    Last,
}

/// What part of an era the text names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EraDate {
    /// 年間: the whole reign.
    Reign,
    /// A year, maybe with a month, maybe with a day.
    Year {
        /// Ordinal year (元年 = 1).
        year: u32,
        /// The month, if written.
        month: Option<MonthName>,
        /// The day, if written (only with a month).
        day: Option<DayName>,
    },
}

/// The first and last Julian Day `date` covers in `era`, or why it does not exist.
pub(crate) fn resolve(input: &str, era: &Era, date: EraDate) -> Result<(i64, i64), DateError> {
    let name = era.names.first().copied().unwrap_or("?");
    let fail = |message: String| DateError::new(input, DateErrorKind::NoSuchDate, message);
    let (year, month, day) = match date {
        EraDate::Reign => return Ok((era.first_jd, era.last_jd)),
        EraDate::Year { year, month, day } => (year, month, day),
    };
    let Some(era_year) = era.years.iter().find(|y| y.year == year) else {
        let first = era.years.first().map_or(0, |y| y.year);
        let last = era.years.last().map_or(0, |y| y.year);
        let gregorian = eras::gregorian_years(era)
            .map(|(a, b)| format!(", {a}–{b}"))
            .unwrap_or_default();
        return Err(fail(format!(
            "{name} has no year {year} (years {first}–{last}{gregorian})"
        )));
    };
    let Some(month_name) = month else {
        return era_year
            .jd_range()
            .ok_or_else(|| fail(format!("{name}{year} has no months")));
    };
    let find = |number: i8| -> Option<&Month> {
        era_year
            .months
            .iter()
            .find(|m| m.number == number && m.leap == month_name.leap)
    };
    let found = find(month_name.number).or_else(|| month_name.la.then(|| find(-1)).flatten());
    let Some(month) = found else {
        let what = match month_name.leap {
            1 => "leap month",
            2 => "後 month",
            _ => "month",
        };
        return Err(fail(format!(
            "no {what} {} in {name}{year}",
            month_name.number
        )));
    };
    let Some(day) = day else {
        return Ok((month.first_jd, month.last_jd()));
    };
    let last_day = month.start_day.saturating_add(month.days).saturating_sub(1);
    let number = match day {
        DayName::Number(n) => n,
        DayName::Last => last_day,
    };
    if number < month.start_day || number > last_day {
        let leap = if month_name.leap == 1 { "閏" } else { "" };
        let why = if number < month.start_day {
            format!("the era begins on day {}", month.start_day)
        } else {
            format!("{} days", month.days)
        };
        return Err(fail(format!(
            "no day {number} in {name}{year}年{leap}{}月 ({why})",
            month_name.number
        )));
    }
    let jd = month.first_jd + i64::from(number) - i64::from(month.start_day);
    Ok((jd, jd))
}
