//! `jiyi map`: mappings to an RDF file without a store — the same triples an ingest would
//! map, rejects listed, and no output at all when the mapping or the run fails.

mod support;

use oxrdfio::{RdfFormat, RdfParser};
use std::path::Path;
use support::*;

const BASE: &str = "https://data.example.tw/";

const MAPPING: &str = r#"
@prefix rml: <http://w3id.org/rml/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<#Objects> a rml:TriplesMap ;
  rml:logicalSource [ a rml:LogicalSource ;
    rml:source [ a rml:RelativePathSource ; rml:root rml:MappingDirectory ; rml:path "things.csv" ] ;
    rml:referenceFormulation rml:CSV ] ;
  rml:subjectMap [ rml:template "id/object/{id}" ] ;
  rml:predicateObjectMap [ rml:predicate rdfs:label ; rml:objectMap [ rml:reference "name" ; rml:language "zh-Hant" ] ] ,
    [ rml:predicate rdfs:seeAlso ; rml:objectMap [ rml:reference "link" ; rml:termType rml:IRI ] ] .
"#;

const CSV: &str = "id,name,link\nA1,甲,https://example.org/a\nA2,\"乙, with a comma\",https://example.org/b\nA3,丙,https://example.org/not an iri\n";

fn parse(path: &Path, format: RdfFormat) -> Vec<oxrdf::Quad> {
    let bytes = std::fs::read(path).expect("output");
    RdfParser::from_format(format)
        .for_slice(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .expect("output parses")
}

#[test]
fn maps_to_nquads_and_turtle_with_rejects_listed() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("things.csv"), CSV).expect("csv");
    let mapping = dir.path().join("m.rml.ttl");
    std::fs::write(&mapping, MAPPING).expect("mapping");
    let out = dir.path().join("out.nq");
    let mapping_arg = mapping.to_str().expect("utf-8");
    let out_arg = out.to_str().expect("utf-8");
    let result = jiyi(&[
        "map",
        "--mapping",
        mapping_arg,
        "--out",
        out_arg,
        "--base",
        BASE,
    ]);
    assert!(result.status.success(), "{result:?}");
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("mapped 3 records (1 rejected"), "{stderr}");
    let quads = parse(&out, RdfFormat::NQuads);
    // Two good records × two triples; the third record's invalid IRI rejects it whole.
    assert_eq!(quads.len(), 4);
    assert!(
        quads
            .iter()
            .any(|q| q.object.to_string() == "\"乙, with a comma\"@zh-hant")
    );
    assert!(quads.iter().all(|q| {
        q.subject
            .to_string()
            .starts_with("<https://data.example.tw/id/object/A")
    }));
    let rejects =
        std::fs::read_to_string(dir.path().join("out.nq.rejects.jsonl")).expect("rejects");
    let line: serde_json::Value = serde_json::from_str(rejects.trim()).expect("json line");
    assert_eq!(line["line"], 4);
    assert_eq!(line["field"], "link");

    let ttl = dir.path().join("out.ttl");
    jiyi_ok(&[
        "map",
        "--mapping",
        mapping_arg,
        "--out",
        ttl.to_str().expect("utf-8"),
        "--base",
        BASE,
    ]);
    let mut a = parse(&out, RdfFormat::NQuads);
    let mut b = parse(&ttl, RdfFormat::Turtle);
    a.sort_by_key(ToString::to_string);
    b.sort_by_key(ToString::to_string);
    assert_eq!(a, b, "Turtle and N-Quads outputs hold the same triples");
}

#[test]
fn the_demo_mappings_map_one_object_per_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("demo.nq");
    let mappings = demo_mappings();
    let mut args = vec!["map".to_owned()];
    for m in &mappings {
        args.push("--mapping".into());
        args.push(m.to_str().expect("utf-8").into());
    }
    args.extend([
        "--out".into(),
        out.to_str().expect("utf-8").into(),
        "--base".into(),
        BASE.into(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    jiyi_ok(&args);
    let quads = parse(&out, RdfFormat::NQuads);
    let objects = quads
        .iter()
        .filter(|q| {
            q.subject
                .to_string()
                .starts_with("<https://data.example.tw/id/object/")
        })
        // Hash IRIs (…/X#production) belong to their object's document.
        .map(|q| {
            q.subject
                .to_string()
                .trim_matches(['<', '>'])
                .split('#')
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .collect::<std::collections::BTreeSet<_>>();
    let rows = csv::Reader::from_path(data().join("npm-objects.csv"))
        .expect("csv")
        .records()
        .count();
    assert!(rows >= 40);
    assert_eq!(objects.len(), rows, "one object per demo row");
}

#[test]
fn a_broken_mapping_or_run_leaves_no_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mapping = dir.path().join("broken.rml.ttl");
    std::fs::write(
        &mapping,
        MAPPING.replace("rml:reference \"name\" ;", "rml:reference ;"),
    )
    .expect("write");
    let out = dir.path().join("out.nq");
    let result = jiyi(&[
        "map",
        "--mapping",
        mapping.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(!result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("broken.rml.ttl"),
        "names the mapping file: {stderr}"
    );
    assert!(!out.exists(), "no output for a malformed mapping");

    // A source that is missing fails the run: no output file either.
    let missing = dir.path().join("missing.rml.ttl");
    std::fs::write(&missing, MAPPING).expect("write");
    let result = jiyi(&[
        "map",
        "--mapping",
        missing.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(!result.status.success());
    assert!(String::from_utf8_lossy(&result.stderr).contains("things.csv"));
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files are cleaned up");
}
