//! The demo site crawled as a linked-data crawler crawls it: the demo mappings ingested by
//! `jiyi ingest`, published by `jiyi serve` over a real socket, and walked by
//! tests/interop/crawl.py (urllib, rdflib, pyld) from /.well-known/void and the sitemap,
//! following every IRI under the base. Every URI must dereference, every RDF syntax must give
//! the same graph, and the crawl must reach every thing the store publishes.

mod support;

use std::process::Command;
use support::*;

const BASE: &str = "https://data.example.tw/";

/// How many things the store publishes: distinct IRIs under `{base}id/` that are subjects,
/// without the same-document hash IRIs (`…#production`), which are parts of a thing's document.
fn published_things(server: &str) -> u64 {
    sparql_count(
        server,
        &format!(
            "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o \
             FILTER(isIRI(?s) && STRSTARTS(STR(?s), \"{BASE}id/\") && !CONTAINS(STR(?s), \"#\")) }}"
        ),
    )
}

#[test]
fn a_crawl_of_the_demo_site_finds_no_broken_uri_and_no_format_disagreement() {
    let python = python();
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    for mapping in demo_mappings() {
        let rejects = dir.path().join("rejects.jsonl");
        let summary = ingest(&mapping, &store, BASE, &rejects);
        if summary.starts_with("not loaded:") {
            continue; // the demo's 丙 dataset, refused by design (tests/cli_ingest.rs)
        }
        assert!(summary.contains(" 0 rejected"), "{summary}");
        let _ = std::fs::remove_file(&rejects); // warnings only (dates published without a span)
    }
    let server = Server::start(&store, &[]);
    let things = published_things(&server.url);
    assert!(things >= 100, "the demo publishes only {things} things?");

    let out = Command::new(&python)
        .arg(root().join("tests/interop/crawl.py"))
        .args([&server.url, BASE, "--require-discovery"])
        .output()
        .expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the crawl found problems:\n{stdout}");

    // "crawled N URIs: T things (/id/), …"
    let crawled_things: u64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("crawled "))
        .and_then(|l| l.split(": ").nth(1))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no crawl count in:\n{stdout}"));
    assert!(
        crawled_things >= things,
        "the crawl dereferenced {crawled_things} things but the store publishes {things}"
    );
}
