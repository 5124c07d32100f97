//! `jiyi ingest` as a steward uses it: summaries that add up, rejects listed, bad mappings
//! refused before anything changes, re-ingest replacing a dataset in place.

mod support;

use jiyi_store::Store;
use jiyi_store::model::NamedNode;
use std::path::Path;
use support::*;

const BASE: &str = "https://data.example.tw/";

fn graph_len(store: &Path, dataset: &str) -> usize {
    let s = Store::open(store).expect("open store");
    s.graph_len(NamedNode::new_unchecked(format!("{BASE}graph/{dataset}")).as_ref())
        .expect("count")
}

/// A small mapping whose third record produces an invalid IRI (a space in a reference used
/// as an IRI) and must be rejected while the others are published.
const MAPPING: &str = r#"
@prefix rml: <http://w3id.org/rml/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<#Objects> a rml:TriplesMap ;
  rml:logicalSource [ a rml:LogicalSource ;
    rml:source [ a rml:RelativePathSource ; rml:root rml:MappingDirectory ; rml:path "things.csv" ] ;
    rml:referenceFormulation rml:CSV ] ;
  rml:subjectMap [ rml:template "id/object/{id}" ; rml:class <http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object> ] ;
  rml:predicateObjectMap [ rml:predicate rdfs:label ; rml:objectMap [ rml:reference "name" ; rml:language "zh-Hant" ] ] ,
    [ rml:predicate rdfs:seeAlso ; rml:objectMap [ rml:reference "link" ; rml:termType rml:IRI ] ] .

[] a dcat:Dataset ; dcterms:identifier "small" ; dcterms:title "小資料集"@zh-Hant ;
  <https://w3id.org/jiyi/ns#accessClass> <https://w3id.org/jiyi/ns#Open> ;
  dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
  dcterms:rightsHolder [ <http://xmlns.com/foaf/0.1/name> "小機構"@zh-Hant ] .
"#;

const CSV: &str = "id,name,link\nA1,甲,https://example.org/a\nA2,\"乙, with a comma\",https://example.org/b\nA3,丙,https://example.org/not an iri\nA4,丁,https://example.org/d\n";

fn write_small(dir: &Path) -> std::path::PathBuf {
    std::fs::write(dir.join("things.csv"), CSV).expect("csv");
    let mapping = dir.join("small.rml.ttl");
    std::fs::write(&mapping, MAPPING).expect("mapping");
    mapping
}

#[test]
fn bad_records_are_listed_and_good_ones_published() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mapping = write_small(dir.path());
    let store = dir.path().join("store");
    let rejects = dir.path().join("small.rejects.jsonl");
    let summary = ingest(&mapping, &store, BASE, &rejects);
    assert!(
        summary.contains("4 records read, 3 mapped, 1 rejected"),
        "{summary}"
    );
    let report = std::fs::read_to_string(&rejects).expect("rejects file");
    let lines: Vec<serde_json::Value> = report
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 1, "{report}");
    assert_eq!(lines[0]["line"], 4, "CSV line of the bad record: {report}");
    assert!(
        lines[0]["source"]
            .as_str()
            .expect("source")
            .ends_with("things.csv")
    );
    assert!(lines[0]["reason"].as_str().is_some_and(|r| !r.is_empty()));
    let s = Store::open(&store).expect("open");
    let a3 = NamedNode::new_unchecked(format!("{BASE}id/object/A3"));
    let a4 = NamedNode::new_unchecked(format!("{BASE}id/object/A4"));
    assert!(
        s.describe(a3.as_ref()).expect("describe").is_none(),
        "rejected record is not published"
    );
    assert!(
        s.describe(a4.as_ref()).expect("describe").is_some(),
        "records after the bad one are"
    );
}

#[test]
fn a_broken_mapping_changes_nothing_and_says_where() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mapping = write_small(dir.path());
    let store = dir.path().join("store");
    let store_arg = store.to_str().expect("utf-8");
    let rejects = dir.path().join("r.jsonl");
    let args = |m: &Path| {
        vec![
            "ingest".to_owned(),
            "--mapping".into(),
            m.to_str().expect("utf-8").into(),
            "--store".into(),
            store_arg.into(),
            "--base".into(),
            BASE.into(),
            "--rejects".into(),
            rejects.to_str().expect("utf-8").into(),
        ]
    };
    let run = |m: &Path| jiyi(&args(m).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(run(&mapping).status.success());
    let before = graph_len(&store, "small");
    assert!(before > 0);

    // Turtle syntax error.
    std::fs::write(
        &mapping,
        MAPPING.replace(
            "rml:template \"id/object/{id}\" ;",
            "rml:template \"id/object/{id}\" ;;;; <",
        ),
    )
    .expect("write");
    let out = run(&mapping);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("small.rml.ttl"),
        "error names the mapping file: {stderr}"
    );
    assert_eq!(graph_len(&store, "small"), before, "nothing changed");

    // Source file missing: the run fails, the published graph stays as it was.
    std::fs::write(&mapping, MAPPING).expect("write");
    std::fs::remove_file(dir.path().join("things.csv")).expect("rm");
    let out = run(&mapping);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("things.csv"),
        "error names the source: {stderr}"
    );
    assert_eq!(graph_len(&store, "small"), before, "nothing changed");
}

#[test]
fn reingest_replaces_the_dataset_and_the_base_is_fixed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mapping = write_small(dir.path());
    let store = dir.path().join("store");
    let store_arg = store.to_str().expect("utf-8");
    let rejects = dir.path().join("r.jsonl");
    let ingest = |base: Option<&str>| {
        let mut a = vec![
            "ingest",
            "--mapping",
            mapping.to_str().expect("utf-8"),
            "--store",
            store_arg,
            "--rejects",
            rejects.to_str().expect("utf-8"),
        ];
        if let Some(b) = base {
            a.extend(["--base", b]);
        }
        jiyi(&a)
    };
    assert!(ingest(Some(BASE)).status.success());
    let first = graph_len(&store, "small");
    // Same input, base taken from the store: only the run's provenance differs.
    let out = ingest(None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(graph_len(&store, "small"), first);
    // A record disappears from the export: its triples disappear from the graph.
    std::fs::write(
        dir.path().join("things.csv"),
        CSV.replace("A4,丁,https://example.org/d\n", ""),
    )
    .expect("csv");
    assert!(ingest(None).status.success());
    let s = Store::open(&store).expect("open");
    assert!(
        s.describe(NamedNode::new_unchecked(format!("{BASE}id/object/A4")).as_ref())
            .expect("describe")
            .is_none()
    );
    drop(s);
    // Another base for the same store is refused.
    let out = ingest(Some("https://other.example/"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(BASE));
}

/// A dataset of access class 丙 is refused before a single record is read: the ingest says so,
/// exits successfully (the steward declared it closed; this is not a failure), and the store
/// gains neither its graph nor any of its values. The demo's own 丙 dataset is used as it
/// ships; a copy whose source file is missing proves that no source is opened.
#[test]
fn a_closed_dataset_never_reaches_the_store() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mapping = repo.join("data/mappings/visitor-letters.rml.ttl");
    let letters = std::fs::read_to_string(repo.join("data/visitor-letters.csv")).expect("csv");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let rejects = dir.path().join("letters.rejects.jsonl");
    let summary = ingest(&mapping, &store, BASE, &rejects);
    assert!(
        summary.contains("not loaded") && summary.contains("丙"),
        "the ingest says why: {summary}"
    );
    assert_eq!(graph_len(&store, "visitor-letters"), 0);
    let s = Store::open(&store).expect("open");
    assert!(
        s.published_graphs().expect("graphs").is_empty(),
        "no graph was published"
    );
    let settings = NamedNode::new_unchecked("urn:jiyi:settings");
    let all: String = s
        .graph_triples(settings.as_ref())
        .map(|t| t.expect("triple").to_string())
        .collect();
    for row in letters.lines().skip(1) {
        let name = row.split(',').nth(2).expect("姓名 column");
        assert!(!all.contains(name), "{name} must not be in the store");
    }
    drop(s);

    // Without its source file the refusal is the same: nothing was going to be read.
    let copy = dir.path().join("mappings");
    std::fs::create_dir(&copy).expect("mkdir");
    std::fs::copy(&mapping, copy.join("letters.rml.ttl")).expect("copy");
    let again = ingest(&copy.join("letters.rml.ttl"), &store, BASE, &rejects);
    assert!(again.contains("not loaded"), "{again}");
    assert!(
        !rejects.exists(),
        "no record was read, so none was rejected"
    );
}
