//! `jiyi:onError "warn"` with the real binary: `jiyi ingest` publishes an object whose date
//! cannot be read (without the date), lists the warning in the rejects report beside the
//! real rejects, and its summary counts both; `jiyi map` does the same for a file.

mod support;

use jiyi_store::Store;
use jiyi_store::model::NamedNode;
use std::path::Path;
use support::*;

const BASE: &str = "https://data.example.tw/";
const BEGIN: &str = "http://www.cidoc-crm.org/cidoc-crm/P82a_begin_of_the_begin";

const MAPPING: &str = r#"
@prefix rml: <http://w3id.org/rml/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix jiyi: <https://w3id.org/jiyi/ns#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<#Objects> a rml:TriplesMap ;
  rml:logicalSource [ a rml:LogicalSource ;
    rml:source [ a rml:RelativePathSource ; rml:root rml:MappingDirectory ; rml:path "objects.csv" ] ;
    rml:referenceFormulation rml:CSV ] ;
  rml:subjectMap [ rml:template "id/object/{id}" ] ;
  rml:predicateObjectMap
    [ rml:predicate rdfs:label ; rml:objectMap [ rml:reference "name" ; rml:language "zh-Hant" ] ] ,
    [ rml:predicate rdfs:seeAlso ; rml:objectMap [ rml:reference "link" ; rml:termType rml:IRI ] ] ,
    [ rml:predicate crm:P82a_begin_of_the_begin ; rml:objectMap [ rml:functionExecution [
        rml:function jiyi:dateBegin ; jiyi:onError "warn" ;
        rml:input [ rml:parameter jiyi:dateText ; rml:inputValueMap [ rml:reference "年代" ] ] ] ] ] .

[] a dcat:Dataset ; dcterms:identifier "warned" ; dcterms:title "器物"@zh-Hant ;
  jiyi:accessClass jiyi:Open ;
  dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
  dcterms:rightsHolder [ <http://xmlns.com/foaf/0.1/name> "小機構"@zh-Hant ] .
"#;

/// O2 and O4 have dates Jiyi cannot read (warnings); O3 has a link that is no IRI (a reject).
const CSV: &str = "id,name,年代,link\n\
    O1,鼎,清乾隆元年（1736）,https://example.org/1\n\
    O2,壺,良渚文化,https://example.org/2\n\
    O3,盤,明代,https://example.org/not an iri\n\
    O4,尊,乾隆元年（1740）,https://example.org/4\n\
    O5,爵,北宋晚期,https://example.org/5\n";

fn write(dir: &Path) -> std::path::PathBuf {
    std::fs::write(dir.join("objects.csv"), CSV).expect("csv");
    let mapping = dir.join("warned.rml.ttl");
    std::fs::write(&mapping, MAPPING).expect("mapping");
    mapping
}

fn report(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .expect("rejects report")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

fn kinds(lines: &[serde_json::Value]) -> Vec<(String, u64, bool)> {
    let mut kinds: Vec<(String, u64, bool)> = lines
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().expect("kind").to_owned(),
                l["line"].as_u64().expect("line"),
                l["published"].as_bool().expect("published"),
            )
        })
        .collect();
    kinds.sort();
    kinds
}

#[test]
fn ingest_publishes_objects_with_unreadable_dates_and_lists_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mapping = write(dir.path());
    let store = dir.path().join("store");
    let rejects = dir.path().join("warned.rejects.jsonl");
    let summary = ingest(&mapping, &store, BASE, &rejects);
    assert!(
        summary.contains("5 records read, 4 mapped, 1 rejected, 2 warnings"),
        "{summary}"
    );
    assert!(
        summary.contains("rejected records and warnings are listed in"),
        "{summary}"
    );
    let lines = report(&rejects);
    assert_eq!(
        kinds(&lines),
        [
            ("reject".to_owned(), 4, false),
            ("warning".to_owned(), 3, true),
            ("warning".to_owned(), 5, true)
        ]
    );
    let o2 = lines.iter().find(|l| l["line"] == 3).expect("O2");
    assert_eq!(o2["field"], "年代");
    assert!(
        o2["reason"]
            .as_str()
            .is_some_and(|r| r.contains("jiyi:dateBegin") && r.contains("archaeological culture")),
        "{o2}"
    );
    let o4 = lines.iter().find(|l| l["line"] == 5).expect("O4");
    assert!(
        o4["reason"].as_str().is_some_and(|r| r.contains("(1740)")),
        "{o4}"
    );

    let s = Store::open(&store).expect("open");
    let dated = |id: &str| -> Option<bool> {
        let thing = NamedNode::new_unchecked(format!("{BASE}id/object/{id}"));
        s.describe(thing.as_ref())
            .expect("describe")
            .map(|d| d.triples.iter().any(|t| t.predicate.as_str() == BEGIN))
    };
    assert_eq!(dated("O1"), Some(true), "published with its date");
    assert_eq!(dated("O2"), Some(false), "published without its date");
    assert_eq!(dated("O3"), None, "rejected: nothing published");
    assert_eq!(dated("O4"), Some(false), "published without its date");
    assert_eq!(
        dated("O5"),
        Some(true),
        "北宋晚期 is read (a third of 北宋)"
    );
}

#[test]
fn map_counts_warnings_and_writes_them_beside_rejects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mapping = write(dir.path());
    let out = dir.path().join("out.nq");
    let rejects = dir.path().join("map.rejects.jsonl");
    let output = jiyi(&[
        "map",
        "--mapping",
        mapping.to_str().expect("utf-8"),
        "--base",
        BASE,
        "--out",
        out.to_str().expect("utf-8"),
        "--rejects",
        rejects.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("mapped 5 records (1 rejected, 2 warnings"),
        "{stderr}"
    );
    assert_eq!(kinds(&report(&rejects)).len(), 3);
    let quads = std::fs::read_to_string(&out).expect("output");
    let subjects_with_label = ["O1", "O2", "O4", "O5"]
        .iter()
        .filter(|id| {
            quads.contains(&format!(
                "<{BASE}id/object/{id}> <http://www.w3.org/2000/01/rdf-schema#label>"
            ))
        })
        .count();
    assert_eq!(subjects_with_label, 4, "{quads}");
    assert_eq!(quads.matches(BEGIN).count(), 2, "{quads}");
}
