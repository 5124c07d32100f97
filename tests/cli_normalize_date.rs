//! `jiyi normalize-date` end to end: the date table (crates/jiyi-ingest/tests/data/dates.tsv,
//! expectations derived from the DILA authority by scripts/derive-date-expectations.py) piped
//! through the built binary, one JSON object per input line; failures do not change the exit
//! status, a bad option does.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jiyi"))
        .arg("normalize-date")
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("jiyi runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("jiyi finishes");
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn text(value: &serde_json::Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

#[test]
fn table_through_the_binary() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../jiyi-ingest/tests/data/dates.tsv");
    let table = std::fs::read_to_string(&path).expect("dates.tsv");
    // Rows grouped by the context's default dynasty (one run of the binary per group).
    let mut groups: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for line in table.lines() {
        if line.starts_with('#') || line.starts_with("input\t") || line.is_empty() {
            continue;
        }
        let fields: Vec<String> = line.split('\t').map(str::to_owned).collect();
        groups.entry(fields[1].clone()).or_default().push(fields);
    }
    let mut checked = 0;
    let mut failures = Vec::new();
    for (dynasty, rows) in &groups {
        let args: Vec<&str> = if dynasty.is_empty() {
            vec![]
        } else {
            vec!["--dynasty", dynasty]
        };
        let input: String = rows.iter().map(|r| format!("{}\n", r[0])).collect();
        let (ok, stdout, stderr) = run(&args, &input);
        assert!(ok, "exit status 0 even when lines fail; stderr: {stderr}");
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), rows.len(), "one output line per input line");
        for (row, line) in rows.iter().zip(lines) {
            let json: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            let keys: Vec<&str> = json
                .as_object()
                .expect("object")
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                keys,
                [
                    "input",
                    "begin",
                    "end",
                    "calendar",
                    "qualifier",
                    "era",
                    "error"
                ]
            );
            assert_eq!(text(&json["input"]), row[0]);
            let got = [
                text(&json["begin"]),
                text(&json["end"]),
                text(&json["calendar"]),
                text(&json["qualifier"]),
            ];
            let error_ok = if row[6].is_empty() {
                json["error"].is_null()
            } else {
                text(&json["error"]).contains(row[6].as_str())
                    && json["begin"].is_null()
                    && json["calendar"].is_null()
            };
            if got[..] != row[2..6] || !error_ok {
                failures.push(format!(
                    "{:?}: expected {:?}, got {line}",
                    row[0],
                    &row[2..7]
                ));
            }
            checked += 1;
        }
    }
    assert!(checked >= 200, "only {checked} rows");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn crlf_and_blank_lines_each_get_an_answer() {
    let (ok, stdout, _) = run(&[], "1745\r\n\n乾隆十年\n");
    assert!(ok);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["input"], "1745");
    assert_eq!(lines[1]["error"], "empty date");
    assert_eq!(lines[2]["begin"], "1745-02-01");
}

#[test]
fn unknown_default_dynasty_is_refused() {
    let (ok, stdout, stderr) = run(&["--dynasty", "大秦帝國"], "1745\n");
    assert!(!ok);
    assert!(stdout.is_empty());
    assert!(stderr.contains("unknown dynasty 大秦帝國"), "{stderr}");
}
