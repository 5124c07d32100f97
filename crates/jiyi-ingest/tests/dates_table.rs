//! The date table (`tests/data/dates.tsv`, ≥ 200 rows whose expected values
//! `scripts/derive-date-expectations.py` derived from the DILA SQL dump independently of this
//! code) checked against the library. `tests/cli_normalize_date.rs` checks the same table
//! through the `jiyi normalize-date` binary.

use jiyi_ingest::dates::{DateContext, normalize};

/// One row: input, context dynasty, begin, end, calendar, qualifier, error phrase, source.
struct Row {
    line: usize,
    fields: Vec<String>,
}

fn rows() -> Vec<Row> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dates.tsv");
    let text = std::fs::read_to_string(&path).expect("tests/data/dates.tsv");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.starts_with("input\t") && !l.is_empty())
        .map(|(i, l)| Row {
            line: i + 1,
            fields: l.split('\t').map(str::to_owned).collect(),
        })
        .collect()
}

#[test]
fn table_matches_the_authority() {
    let rows = rows();
    assert!(rows.len() >= 200, "only {} rows", rows.len());
    let mut failures = Vec::new();
    for row in &rows {
        let f = &row.fields;
        assert_eq!(f.len(), 8, "line {}: {f:?}", row.line);
        let context = if f[1].is_empty() {
            DateContext::default()
        } else {
            DateContext::with_dynasty(&f[1]).expect("dynasty")
        };
        let got = match normalize(&f[0], &context) {
            Ok(span) => [
                span.begin.map(|p| p.to_string()).unwrap_or_default(),
                span.end.map(|p| p.to_string()).unwrap_or_default(),
                span.calendar.name().to_owned(),
                span.qualifier
                    .map(|q| q.name().to_owned())
                    .unwrap_or_default(),
                String::new(),
            ],
            Err(e) => [
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                e.message,
            ],
        };
        let expected = &f[2..7];
        let error_ok = if expected[4].is_empty() {
            got[4].is_empty()
        } else {
            got[4].contains(expected[4].as_str())
        };
        if got[..4] != expected[..4] || !error_ok {
            failures.push(format!(
                "line {} {:?}: expected {:?}, got {:?}",
                row.line, f[0], expected, got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows differ:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
