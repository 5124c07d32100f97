//! Julian Day Numbers ↔ proleptic Gregorian dates.
//!
//! DILA gives each lunar month as a range of Julian Day Numbers (integer day counts, no
//! calendar in them: JD 2358500 is 1745-04-01 Gregorian whatever calendar Europe used then),
//! so converting to the proleptic Gregorian calendar is pure day arithmetic, done with `jiff`
//! (already a dependency, proleptic Gregorian for years −9999…9999) from the Unix epoch,
//! JD 2440588 = 1970-01-01.

use super::DatePoint;
use jiff::civil::Date;

/// Julian Day Number of 1970-01-01.
const UNIX_EPOCH_JD: i64 = 2_440_588;
const EPOCH: Date = Date::constant(1970, 1, 1);

/// The proleptic Gregorian date of a Julian Day Number (`None` outside jiff's years).
pub(crate) fn to_date(jd: i64) -> Option<Date> {
    let span = jiff::Span::new().try_days(jd - UNIX_EPOCH_JD).ok()?;
    EPOCH.checked_add(span).ok()
}

/// The Julian Day Number of a proleptic Gregorian date (the inverse, for tests).
#[cfg(test)]
pub(crate) fn from_date(date: Date) -> Option<i64> {
    let days = EPOCH.until(date).ok()?.get_days();
    Some(UNIX_EPOCH_JD + i64::from(days))
}

/// A Julian Day Number as a day-precision [`DatePoint`].
pub(crate) fn to_point(jd: i64) -> Option<DatePoint> {
    let date = to_date(jd)?;
    Some(point(date))
}

/// A jiff date as a day-precision [`DatePoint`].
pub(crate) fn point(date: Date) -> DatePoint {
    DatePoint {
        year: i32::from(date.year()),
        month: u8::try_from(date.month()).ok(),
        day: u8::try_from(date.day()).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_julian_days() {
        // JD 2451545 is 2000-01-01 (the J2000 epoch day); JD 2299161 is 1582-10-15, the
        // first day of the Gregorian reform; JD 0 is -4713-11-24 proleptic Gregorian.
        assert_eq!(to_date(2_451_545), Some(Date::constant(2000, 1, 1)));
        assert_eq!(to_date(2_299_161), Some(Date::constant(1582, 10, 15)));
        assert_eq!(to_date(0), Some(Date::constant(-4713, 11, 24)));
        assert_eq!(from_date(Date::constant(1745, 4, 6)), Some(2_358_504));
        assert_eq!(to_date(i64::MAX), None);
    }
}
