//! Which era a name means. Many era names recur across dynasties (DILA has 222 such names:
//! 太平, 建武, 永樂, 天順, 正德 …), and DILA itself splits one era into several records
//! (those are merged by the extraction script).
//!
//! The rule, in order:
//! 1. A dynasty written before the name (`明永樂`, `大清光緒`, `清朝乾隆`) keeps only that
//!    dynasty's eras; an emperor written before the name (`元順帝至元`) keeps only his.
//! 2. Otherwise the context's default dynasty keeps only its eras, if it has any of the name.
//! 3. Candidates that cannot contain the date (no such year, month or day) are dropped:
//!    `至元三十年` can only be Khubilai's 至元.
//! 4. If more than one is left and exactly one is Ming or Qing (明, 南明, 清, 後金), that one is
//!    taken: Taiwan's museum and archive holdings are overwhelmingly of those periods (NPM's
//!    清代檔案), and the other bearers of those names (前涼 永樂, 元 天順, 西夏 正德) are
//!    short-lived eras a record would name with their dynasty.
//! 5. Otherwise the date is ambiguous and the error lists the candidates with their years.

use super::table::{Era, table};
use super::{DateContext, DateError, DateErrorKind, julian};
use std::sync::OnceLock;

/// DILA dynasty ids treated as "Ming or Qing" by rule 4: 明, 南明, 清, 後金.
const PREFERRED_DYNASTIES: &[u16] = &[91, 13, 92, 22];

/// Common names of dynasties DILA splits or names differently (our own short list, not from
/// DILA): a record writes 宋 for both Northern and Southern Song.
const DYNASTY_ALIASES: &[(&str, &[u16])] = &[
    ("宋", &[85, 86]),
    ("趙宋", &[85, 86]),
    ("漢", &[31, 34]),
    ("晉", &[39, 40]),
    ("梁", &[59, 69]),
    ("齊", &[58, 64]),
    ("周", &[65, 68, 73]),
    ("魏", &[35, 61, 62, 63]),
    ("吳", &[37, 74]),
    ("皇清", &[92]),
    ("前清", &[92]),
    ("皇明", &[91]),
];

/// The DILA dynasty ids a name (or alias) stands for; empty when unknown.
pub(crate) fn dynasty_ids(name: &str) -> Vec<u16> {
    let mut ids: Vec<u16> = table()
        .dynasties
        .iter()
        .filter(|d| d.names.contains(&name))
        .map(|d| d.id)
        .collect();
    if let Some((_, more)) = DYNASTY_ALIASES.iter().find(|(n, _)| *n == name) {
        ids.extend(more.iter().copied());
    }
    ids
}

/// Every dynasty name and alias, longest first (for prefix matching).
pub(crate) fn dynasty_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<&'static str> = table()
            .dynasties
            .iter()
            .flat_map(|d| d.names.iter().copied())
            .chain(DYNASTY_ALIASES.iter().map(|(n, _)| *n))
            .collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
        names.dedup();
        names
    })
}

/// Every emperor name, longest first (for prefix matching: 元順帝至元).
pub(crate) fn emperor_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<&'static str> = table()
            .eras
            .iter()
            .flat_map(|e| e.emperors.iter().copied())
            .collect();
        names.sort_by_key(|n| (std::cmp::Reverse(n.chars().count()), *n));
        names.dedup();
        names
    })
}

/// The eras named `name`, restricted by a written dynasty and emperor (rule 1).
pub(crate) fn candidates(
    name: &str,
    dynasties: Option<&[u16]>,
    emperor: Option<&str>,
) -> Vec<usize> {
    let t = table();
    t.by_name
        .get(name)
        .map(|ids| {
            ids.iter()
                .copied()
                .filter(|&i| dynasties.is_none_or(|d| d.contains(&t.eras[i].dynasty)))
                .filter(|&i| emperor.is_none_or(|e| t.eras[i].emperors.contains(&e)))
                .collect()
        })
        .unwrap_or_default()
}

/// Chooses among `candidates` (rules 2–5); `resolve` converts the date in one era or says
/// why it cannot.
pub(crate) fn choose<T>(
    input: &str,
    name: &str,
    mut candidates: Vec<usize>,
    context: &DateContext,
    resolve: impl Fn(usize) -> Result<T, DateError>,
) -> Result<(usize, T), DateError> {
    let t = table();
    if candidates.len() > 1
        && let Some(default) = &context.default_dynasty
    {
        let ids = dynasty_ids(default);
        if candidates.iter().any(|&i| ids.contains(&t.eras[i].dynasty)) {
            candidates.retain(|&i| ids.contains(&t.eras[i].dynasty));
        }
    }
    let preferred = |list: &[usize]| -> Option<usize> {
        let mut ming_qing = list
            .iter()
            .copied()
            .filter(|&i| PREFERRED_DYNASTIES.contains(&t.eras[i].dynasty));
        match (ming_qing.next(), ming_qing.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    };
    let mut viable = Vec::new();
    let mut first_error = None;
    for &i in &candidates {
        match resolve(i) {
            Ok(value) => viable.push((i, value)),
            Err(e) => {
                first_error.get_or_insert((i, e));
            }
        }
    }
    match viable.len() {
        0 => {
            // Report the failure in the era the reader most likely meant.
            let pick = preferred(&candidates).or(candidates.first().copied());
            match pick.map(&resolve) {
                Some(Err(e)) => Err(e),
                _ => Err(first_error.map(|(_, e)| e).unwrap_or_else(|| {
                    DateError::new(
                        input,
                        DateErrorKind::UnknownEra,
                        format!("unknown era {name}"),
                    )
                })),
            }
        }
        1 => Ok(viable.remove(0)),
        _ => {
            let ids: Vec<usize> = viable.iter().map(|(i, _)| *i).collect();
            if let Some(pick) = preferred(&ids) {
                let position = ids.iter().position(|&i| i == pick).unwrap_or(0);
                return Ok(viable.swap_remove(position));
            }
            let list: Vec<String> = ids.iter().map(|&i| describe(&t.eras[i])).collect();
            Err(DateError::new(
                input,
                DateErrorKind::AmbiguousEra,
                format!(
                    "era {name} is ambiguous: {}; write the dynasty (e.g. {}{name}) or set a default dynasty",
                    list.join(", "),
                    t.dynasty_name(t.eras[ids[0]].dynasty)
                ),
            ))
        }
    }
}

/// `唐 上元` — how output and messages name an era.
pub(crate) fn label(era: &Era) -> String {
    format!(
        "{} {}",
        table().dynasty_name(era.dynasty),
        era.names.first().copied().unwrap_or("?")
    )
}

/// Gregorian years of the era's first and last year (by the day each year begins).
pub(crate) fn gregorian_years(era: &Era) -> Option<(i32, i32)> {
    let first = era.years.first()?.jd_range()?.0;
    let last = era.years.last()?.jd_range()?.0;
    Some((julian::to_point(first)?.year, julian::to_point(last)?.year))
}

/// `唐 上元 (674–676, 高宗)` for lists of candidates.
fn describe(era: &Era) -> String {
    let years = match (
        julian::to_point(era.first_jd),
        julian::to_point(era.last_jd),
    ) {
        (Some(a), Some(b)) => format!("{}–{}", a.year, b.year),
        _ => String::from("?"),
    };
    if era.emperors.is_empty() {
        format!("{} ({years})", label(era))
    } else {
        format!("{} ({years}, {})", label(era), era.emperors.join("/"))
    }
}
