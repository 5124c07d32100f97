//! Unit tests of the whole normalisation on hand-checked facts (DESIGN.md test vectors and
//! well-known reign starts); the ≥200-row table is in `tests/dates_table.rs`.

use super::*;

fn span(text: &str) -> (String, String, &'static str) {
    let s = normalize(text, &DateContext::default()).unwrap_or_else(|e| panic!("{text}: {e}"));
    let show = |p: Option<DatePoint>| p.map(|p| p.to_string()).unwrap_or_default();
    (show(s.begin), show(s.end), s.calendar.name())
}

fn error(text: &str) -> String {
    match normalize(text, &DateContext::default()) {
        Ok(s) => panic!("{text}: expected an error, got {s:?}"),
        Err(e) => e.message,
    }
}

fn day(text: &str) -> String {
    let (b, e, _) = span(text);
    assert_eq!(b, e, "{text} is one day");
    b
}

#[test]
fn design_test_vectors() {
    assert_eq!(day("光緒六年三月十三日"), "1880-04-21");
    assert_eq!(day("乾隆十年三月初五"), "1745-04-06");
    assert_eq!(day("乾隆十年三月初五日"), "1745-04-06");
    assert_eq!(span("民國112年").0, "2023");
}

#[test]
fn reign_starts() {
    assert!(span("乾隆元年").0.starts_with("1736-"));
    assert!(span("光緒元年").0.starts_with("1875-"));
    assert!(span("康熙元年").0.starts_with("1662-"));
    assert_eq!(span("民國112年8月2日").0, "2023-08-02");
    assert_eq!(span("112年8月2日").0, "2023-08-02");
    assert_eq!(
        span("民國三十六年"),
        ("1947".into(), "1947".into(), "minguo")
    );
    assert_eq!(
        span("1745-04"),
        ("1745-04".into(), "1745-04".into(), "gregorian")
    );
    assert_eq!(span("１７４５").0, "1745");
}

#[test]
fn qualifiers_and_ranges() {
    let s = normalize("光緒二十年以前", &DateContext::default()).expect("date");
    assert_eq!((s.begin, s.qualifier), (None, Some(Qualifier::Before)));
    let s = normalize("約1900年", &DateContext::default()).expect("date");
    assert_eq!(s.qualifier, Some(Qualifier::Approximate));
    assert_eq!(
        span("1736-1795"),
        ("1736".into(), "1795".into(), "gregorian")
    );
    let s = normalize("乾隆元年至五年", &DateContext::default()).expect("date");
    assert_eq!(s.qualifier, Some(Qualifier::Range));
}

#[test]
fn errors_say_what_is_wrong() {
    assert_eq!(error("乾龍十年"), "unknown era 乾龍");
    assert!(error("乾隆七十年").starts_with("乾隆 has no year 70 (years 1–60, 1736–1795)"));
    assert_eq!(error("嘉慶二十三年閏五月"), "no leap month 5 in 嘉慶23");
    assert!(error("太平三年").contains("ambiguous"));
    assert_eq!(error("   "), "empty date");
}

#[test]
fn recurring_names_follow_the_documented_rule() {
    // Rule 4: 永樂 is Ming, not 前涼, without a dynasty.
    assert!(span("永樂元年").0.starts_with("1403-"));
    // Rule 1: a written dynasty wins.
    assert!(span("前涼永樂元年").0.starts_with("0346-"));
    // Rule 2: the context's default dynasty.
    let context = DateContext::with_dynasty("孫吳").expect("dynasty");
    let s = normalize("太平元年", &context).expect("date");
    assert_eq!(s.era.as_deref(), Some("孫吳 太平"));
    assert!(DateContext::with_dynasty("大秦帝國").is_err());
}

#[test]
fn never_panics_on_garbage() {
    // A deterministic pseudo-random generator over characters dates are made of, plus some
    // that they are not, so every reader sees odd combinations.
    let alphabet: Vec<char> =
        "0123456789-/.~年月日閏後元初廿卅〇一二三四五六七八九十百千民國前乾隆光緒清明大太平至約以前後間晦朔ａ？ \u{0}🙂"
            .chars()
            .collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..20_000 {
        let mut text = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 16) as usize;
        for _ in 0..len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        let _ = normalize(&text, &DateContext::default());
    }
    for text in [
        "9".repeat(400),
        "乾隆".repeat(100),
        "-".repeat(50),
        "99999999年".into(),
    ] {
        let _ = normalize(&text, &DateContext::default());
    }
}

/// English catalogues (Tate) abbreviate year ranges with an en dash: `1806–8` is 1806 to
/// 1808, not August 1806; with an ASCII hyphen `1806-08` stays a month.
#[test]
fn abbreviated_year_ranges_with_an_en_dash_are_ranges() {
    let ctx = DateContext::default();
    let span = normalize("1806–8", &ctx).expect("range");
    assert_eq!(span.begin.map(|p| p.to_string()).as_deref(), Some("1806"));
    assert_eq!(span.end.map(|p| p.to_string()).as_deref(), Some("1808"));
    assert_eq!(span.input, "1806–8", "the text as written is kept");
    let span = normalize("1806—12", &ctx).expect("range");
    assert_eq!(span.end.map(|p| p.to_string()).as_deref(), Some("1812"));
    let err = normalize("1897—12", &ctx).expect_err("not abbreviated across a century");
    assert_eq!(err.kind, DateErrorKind::BadRange);
    let month = normalize("1806-08", &ctx).expect("month");
    assert_eq!(
        month.begin.map(|p| p.to_string()).as_deref(),
        Some("1806-08")
    );
    let err = normalize("1809–8", &ctx).expect_err("ends before it begins");
    assert_eq!(err.kind, DateErrorKind::BadRange);
}
