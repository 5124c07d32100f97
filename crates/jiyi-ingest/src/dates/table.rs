//! The era and lunar-month table: `data/dila-calendar.txt`, extracted from the DILA Time
//! Authority (CC BY-SA 3.0) by `scripts/extract-calendar.py` and embedded in the binary, so
//! nothing under `../shared` is read at run time. Parsed once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../data/dila-calendar.txt");

/// A dynasty with its names (primary first).
#[derive(Debug)]
pub(crate) struct Dynasty {
    /// DILA's dynasty id.
    pub id: u16,
    /// Names, primary first (`清`, `大清`).
    pub names: Vec<&'static str>,
}

/// One reign era (年號) of one dynasty.
#[derive(Debug)]
pub(crate) struct Era {
    /// DILA dynasty id.
    pub dynasty: u16,
    /// Names, primary first.
    pub names: Vec<&'static str>,
    /// The emperors it ran under.
    pub emperors: Vec<&'static str>,
    /// First and last Julian Day of the era's non-proleptic extent (for 年間).
    pub first_jd: i64,
    /// See `first_jd`.
    pub last_jd: i64,
    /// Its years, in order (year numbers usually 1…n).
    pub years: Vec<EraYear>,
}

/// One year of an era.
#[derive(Debug)]
pub(crate) struct EraYear {
    /// The ordinal year of the era (1 = 元年).
    pub year: u32,
    /// Its months in order.
    pub months: Vec<Month>,
}

/// One lunar month (or the part of it that belongs to the era).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Month {
    /// Month number 1–12 (DILA's −1 / −2 for 臘 / 一 of the 周正 calendar).
    pub number: i8,
    /// 0 ordinary, 1 leap (閏), 2 後 (the Qin and early Han 後九月).
    pub leap: u8,
    /// Julian Day of its first day in this era.
    pub first_jd: i64,
    /// Days of it in this era.
    pub days: u8,
    /// The day of the month `first_jd` is (1 unless the era began mid-month).
    pub start_day: u8,
}

impl Month {
    /// Julian Day of its last day in this era.
    pub fn last_jd(&self) -> i64 {
        self.first_jd + i64::from(self.days) - 1
    }
}

impl EraYear {
    /// Julian Days of the first and last day of the year in this era.
    pub fn jd_range(&self) -> Option<(i64, i64)> {
        Some((self.months.first()?.first_jd, self.months.last()?.last_jd()))
    }
}

/// The whole table, with indexes by name.
#[derive(Debug)]
pub(crate) struct Table {
    /// Dynasties.
    pub dynasties: Vec<Dynasty>,
    /// Eras, in order of their start.
    pub eras: Vec<Era>,
    /// Era name (any) → indexes into `eras`.
    pub by_name: HashMap<&'static str, Vec<usize>>,
    /// Longest era name, in characters (for prefix search).
    pub longest_name: usize,
}

impl Table {
    /// Primary name of a dynasty id.
    pub fn dynasty_name(&self, id: u16) -> &'static str {
        self.dynasties
            .iter()
            .find(|d| d.id == id)
            .and_then(|d| d.names.first().copied())
            .unwrap_or("?")
    }
}

/// The table, parsed on first use. The data is written by our own script and checked by the
/// tests, so a malformed line is skipped rather than taking the process down.
pub(crate) fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| parse(DATA))
}

fn parse(data: &'static str) -> Table {
    let mut dynasties = Vec::new();
    let mut eras: Vec<Era> = Vec::new();
    for line in data.lines() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let fields: Vec<&'static str> = line.split('\t').collect();
        match fields.as_slice() {
            ["D", id, names] => {
                if let Ok(id) = id.parse() {
                    dynasties.push(Dynasty {
                        id,
                        names: names.split('|').collect(),
                    });
                }
            }
            ["E", dynasty, names, emperors, first, last] => {
                if let (Ok(dynasty), Ok(first_jd), Ok(last_jd)) =
                    (dynasty.parse(), first.parse(), last.parse())
                {
                    eras.push(Era {
                        dynasty,
                        names: names.split('|').collect(),
                        emperors: emperors.split('|').filter(|e| !e.is_empty()).collect(),
                        first_jd,
                        last_jd,
                        years: Vec::new(),
                    });
                }
            }
            [year, first, months] => {
                if let (Some(era), Ok(year), Ok(first)) =
                    (eras.last_mut(), year.parse(), first.parse())
                    && let Some(months) = parse_months(first, months)
                {
                    era.years.push(EraYear { year, months });
                }
            }
            _ => {}
        }
    }
    let mut by_name: HashMap<&'static str, Vec<usize>> = HashMap::new();
    for (index, era) in eras.iter().enumerate() {
        for name in &era.names {
            by_name.entry(name).or_default().push(index);
        }
    }
    let longest_name = by_name.keys().map(|n| n.chars().count()).max().unwrap_or(0);
    Table {
        dynasties,
        eras,
        by_name,
        longest_name,
    }
}

/// `1:29,L2:30,3:30@5+12`: number (L = 閏, H = 後), days, `@` start day, `+` days of another
/// era before it.
fn parse_months(mut jd: i64, text: &str) -> Option<Vec<Month>> {
    let mut months = Vec::new();
    for token in text.split(',') {
        let (token, gap) = match token.split_once('+') {
            Some((t, g)) => (t, g.parse::<i64>().ok()?),
            None => (token, 0),
        };
        let (token, start_day) = match token.split_once('@') {
            Some((t, s)) => (t, s.parse().ok()?),
            None => (token, 1),
        };
        let (number, days) = token.split_once(':')?;
        let (leap, number) = if let Some(n) = number.strip_prefix('L') {
            (1, n)
        } else if let Some(n) = number.strip_prefix('H') {
            (2, n)
        } else {
            (0, number)
        };
        jd += gap;
        let month = Month {
            number: number.parse().ok()?,
            leap,
            first_jd: jd,
            days: days.parse().ok()?,
            start_day,
        };
        jd += i64::from(month.days);
        months.push(month);
    }
    Some(months)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_is_complete() {
        let t = table();
        assert_eq!(t.eras.len(), 728, "eras in data/dila-calendar.txt");
        let months: usize = t
            .eras
            .iter()
            .flat_map(|e| &e.years)
            .map(|y| y.months.len())
            .sum();
        assert_eq!(months, 54_059);
        // An era's years follow each other, except two quirks of the source kept as they are:
        // 吳越 乾祐 has a year 13 recorded four days before its year 1, and 明 景泰8年正月
        // begins on the last day of 景泰7年十二月.
        let mut quirks = Vec::new();
        for era in &t.eras {
            for pair in era.years.windows(2) {
                let (Some((_, end)), Some((start, _))) = (pair[0].jd_range(), pair[1].jd_range())
                else {
                    panic!("empty year in {:?}", era.names);
                };
                if start <= end {
                    quirks.push(format!("{} {}", era.names[0], pair[1].year));
                }
            }
        }
        assert_eq!(quirks, ["乾祐 13", "景泰 8"]);
    }

    #[test]
    fn qianlong_10_third_month() {
        let t = table();
        let qianlong = &t.eras[t.by_name["乾隆"][0]];
        let year = qianlong
            .years
            .iter()
            .find(|y| y.year == 10)
            .expect("year 10");
        let third = year
            .months
            .iter()
            .find(|m| m.number == 3)
            .expect("3rd month");
        assert_eq!((third.first_jd, third.days), (2_358_500, 30));
    }

    #[test]
    fn month_tokens() {
        let months = parse_months(100, "1:29,L1:30@3+2").expect("months");
        assert_eq!(months[1].first_jd, 131);
        assert_eq!((months[1].leap, months[1].start_day), (1, 3));
        assert!(parse_months(0, "x").is_none());
    }
}
