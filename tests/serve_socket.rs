//! End to end over a real socket: the demo data ingested by `jiyi ingest`, served by
//! `jiyi serve`, dereferenced and queried by Python clients (urllib + rdflib).

mod support;

use std::process::Command;
use support::*;

const BASE: &str = "https://data.example.tw/";

#[test]
fn every_demo_thing_dereferences_in_every_format_and_sparql_counts_match() {
    let python = python();
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    for mapping in demo_mappings() {
        let rejects = dir.path().join("rejects.jsonl");
        let summary = ingest(&mapping, &store, BASE, &rejects);
        if summary.starts_with("not loaded:") {
            // The demo's 丙 dataset: refused by design (tests/cli_ingest.rs checks it).
            continue;
        }
        assert!(
            summary.contains(" 0 rejected"),
            "demo data must map cleanly: {summary}"
        );
        if rejects.exists() {
            // Only warnings (dates Jiyi cannot read, published without their span).
            let report = std::fs::read_to_string(&rejects).expect("report");
            assert!(
                report.lines().all(|l| l.contains("\"kind\":\"warning\"")),
                "demo data has no rejected record: {report}"
            );
            std::fs::remove_file(&rejects).expect("rm");
        }
    }
    let server = Server::start(&store, &[]);
    let out = Command::new(&python)
        .arg(root().join("tests/interop/deref_check.py"))
        .args([&server.url, BASE, data().to_str().expect("utf-8")])
        .output()
        .expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "interop check failed:\n{stdout}");
    assert!(stdout.contains("dereferenced"), "{stdout}");
}
