//! End-to-end tests of the engine on small mappings and sources written to a temporary
//! directory: CSV edge cases, JSON references, joins, base IRIs, rejects and counts, and the
//! messages of mapping errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::{CollectingSink, Mapping, RecordPosition, RmlError, RunOptions, RunSummary, run};
use std::collections::BTreeSet;
use std::path::PathBuf;
use tempfile::TempDir;

const PREFIXES: &str = "@prefix rml: <http://w3id.org/rml/> .\n\
    @prefix ex: <http://example.com/> .\n\
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n";

const BASE: &str = "https://data.example.tw/";

fn dir_with(files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    dir
}

fn load(dir: &TempDir, mapping: &str) -> Result<Mapping, RmlError> {
    let text = format!("{PREFIXES}{mapping}");
    let path = dir.path().join("mapping.ttl");
    std::fs::write(&path, &text).unwrap();
    Mapping::from_file(&path)
}

fn execute(dir: &TempDir, mapping: &str) -> (RunSummary, CollectingSink) {
    let mapping = load(dir, mapping).unwrap_or_else(|e| panic!("mapping should load: {e}"));
    let mut sink = CollectingSink::new();
    let summary = run(
        &mapping,
        &RunOptions {
            base_iri: Some(BASE.into()),
            ..RunOptions::default()
        },
        &mut sink,
    )
    .unwrap_or_else(|e| panic!("run should succeed: {e}"));
    assert_eq!(
        summary.records_read,
        summary.records_mapped + summary.records_rejected,
        "{summary:?}"
    );
    assert_eq!(summary.quads_written, sink.quads.len() as u64);
    assert_eq!(summary.records_rejected, sink.rejects.len() as u64);
    (summary, sink)
}

fn quads(sink: &CollectingSink) -> BTreeSet<String> {
    sink.quads.iter().map(ToString::to_string).collect()
}

fn set(lines: &[&str]) -> BTreeSet<String> {
    lines.iter().map(|s| (*s).to_owned()).collect()
}

fn csv_map(file: &str, extra_source: &str, body: &str) -> String {
    format!(
        "<#M> rml:logicalSource [ rml:source [ a rml:RelativePathSource; rml:root rml:MappingDirectory; \
         rml:path \"{file}\" {extra_source} ]; rml:referenceFormulation rml:CSV ];\n{body} .\n"
    )
}

#[test]
fn csv_quoting_bom_chinese_headers_and_positions() {
    let data = "\u{feff}統一編號,題名,材質\n\
        器物-001,\"青花, 纏枝蓮紋\",瓷\n\
        器物-002,\"多行\n標題 \"\"引號\"\"\",玉\n\
        器物-003,無題,\n";
    let dir = dir_with(&[("objects.csv", data.as_bytes())]);
    let mapping = csv_map(
        "objects.csv",
        "; rml:null \"\"",
        "rml:subjectMap [ rml:template \"id/object/{統一編號}\" ];\n\
         rml:predicateObjectMap [ rml:predicate ex:title; rml:objectMap [ rml:reference \"題名\"; rml:language \"zh-Hant\" ] ];\n\
         rml:predicateObjectMap [ rml:predicate ex:material; rml:objectMap [ rml:reference \"材質\" ] ]",
    );
    let (summary, sink) = execute(&dir, &mapping);
    assert_eq!(
        summary,
        RunSummary {
            records_read: 3,
            records_mapped: 3,
            records_rejected: 0,
            quads_written: 5,
            warnings: 0
        }
    );
    assert_eq!(
        quads(&sink),
        set(&[
            "<https://data.example.tw/id/object/器物-001> <http://example.com/title> \"青花, 纏枝蓮紋\"@zh-hant",
            "<https://data.example.tw/id/object/器物-001> <http://example.com/material> \"瓷\"",
            "<https://data.example.tw/id/object/器物-002> <http://example.com/title> \"多行\\n標題 \\\"引號\\\"\"@zh-hant",
            "<https://data.example.tw/id/object/器物-002> <http://example.com/material> \"玉\"",
            "<https://data.example.tw/id/object/器物-003> <http://example.com/title> \"無題\"@zh-hant",
        ])
    );
}

#[test]
fn csv_empty_cells_are_empty_strings_without_rml_null() {
    let dir = dir_with(&[("a.csv", b"id,name\n1,\n")]);
    let mapping = csv_map(
        "a.csv",
        "",
        "rml:subjectMap [ rml:template \"x/{id}\" ]; rml:predicateObjectMap [ rml:predicate ex:name; rml:objectMap [ rml:reference \"name\" ] ]",
    );
    let (_, sink) = execute(&dir, &mapping);
    assert_eq!(
        quads(&sink),
        set(&["<https://data.example.tw/x/1> <http://example.com/name> \"\""])
    );
}

#[test]
fn csv_bad_records_are_rejected_with_their_line() {
    let mut data = b"id,name,year\n1,ok,1745\n2,\"multi\nline\",oops\n3,too,many,fields\n".to_vec();
    data.extend_from_slice(b"4,\xff\xfe,1880\n5,\"has space\",1999\n");
    let dir = dir_with(&[("a.csv", &data)]);
    let mapping = csv_map(
        "a.csv",
        "",
        "rml:subjectMap [ rml:template \"x/{id}\" ];\n\
         rml:predicateObjectMap [ rml:predicate ex:name; rml:objectMap [ rml:reference \"name\" ] ];\n\
         rml:predicateObjectMap [ rml:predicate ex:year; rml:objectMap [ rml:reference \"year\"; rml:datatype xsd:gYear ] ];\n\
         rml:predicateObjectMap [ rml:predicate ex:page; rml:objectMap [ rml:reference \"name\"; rml:termType rml:IRI ] ]",
    );
    let (summary, sink) = execute(&dir, &mapping);
    assert_eq!(summary.records_read, 5);
    assert_eq!(summary.records_rejected, 4);
    assert_eq!(summary.records_mapped, 1);
    let rejects: Vec<(RecordPosition, Option<String>)> = sink
        .rejects
        .iter()
        .map(|r| (r.position.clone(), r.field.clone()))
        .collect();
    assert_eq!(
        rejects,
        vec![
            (RecordPosition::Line(3), Some("year".into())),
            (RecordPosition::Line(5), None),
            (RecordPosition::Line(6), Some("name".into())),
            (RecordPosition::Line(7), Some("name".into())),
        ]
    );
    // Only the good record produced quads: a rejected record produces nothing at all.
    assert!(
        sink.quads
            .iter()
            .all(|q| q.subject.to_string() == "<https://data.example.tw/x/1>")
    );
    let shown = sink.rejects[0].to_string();
    assert!(
        shown.starts_with("a.csv line 3, field year: `oops` is not a valid xsd:gYear"),
        "{shown}"
    );
    assert!(
        sink.rejects[2].reason.contains("UTF-8"),
        "{:?}",
        sink.rejects[2]
    );
}

#[test]
fn missing_column_fails_before_any_output() {
    let dir = dir_with(&[("a.csv", b"id,name\n1,x\n"), ("b.csv", b"id\n1\n")]);
    let mapping = format!(
        "{}{}",
        csv_map("a.csv", "", "rml:subjectMap [ rml:template \"a/{id}\" ]"),
        csv_map("b.csv", "", "rml:subjectMap [ rml:template \"b/{id}\" ]; rml:predicateObjectMap [ rml:predicate ex:p; rml:objectMap [ rml:reference \"材質\" ] ]")
            .replace("<#M>", "<#N>"),
    );
    let mapping = load(&dir, &mapping).unwrap();
    let mut sink = CollectingSink::new();
    let error = run(&mapping, &RunOptions::default(), &mut sink).unwrap_err();
    assert!(sink.quads.is_empty() && sink.rejects.is_empty());
    match &error {
        RmlError::MissingColumn {
            column,
            triples_map,
            ..
        } => {
            assert_eq!(column, "材質");
            assert_eq!(triples_map, "<#N>");
        }
        other => panic!("expected MissingColumn, got {other}"),
    }
    assert!(error.to_string().contains("b.csv"), "{error}");
}

#[test]
fn missing_source_file_fails_before_any_output() {
    let dir = dir_with(&[("a.csv", b"id\n1\n")]);
    let mapping = format!(
        "{}{}",
        csv_map("a.csv", "", "rml:subjectMap [ rml:template \"a/{id}\" ]"),
        csv_map("gone.csv", "", "rml:subjectMap [ rml:template \"b/{id}\" ]")
            .replace("<#M>", "<#N>"),
    );
    let mapping = load(&dir, &mapping).unwrap();
    let mut sink = CollectingSink::new();
    let error = run(&mapping, &RunOptions::default(), &mut sink).unwrap_err();
    assert!(matches!(error, RmlError::SourceIo { .. }), "{error}");
    assert!(error.to_string().contains("gone.csv"), "{error}");
    assert!(sink.quads.is_empty());
}

#[test]
fn json_references() {
    let data = r#"{"items": [
        {"id": "器物-001", "name": "碗", "tags": ["瓷", "明"], "w": 12, "h": 3.5, "ok": true, "note": null},
        {"id": "器物-002", "name": "瓶"}
    ]}"#;
    let dir = dir_with(&[("items.json", data.as_bytes())]);
    let mapping = "<#J> rml:logicalSource [ rml:source \"items.json\"; rml:referenceFormulation rml:JSONPath; rml:iterator \"$.items[*]\" ];\n\
        rml:subjectMap [ rml:template \"id/object/{$.id}\" ];\n\
        rml:predicateObjectMap [ rml:predicate ex:name; rml:objectMap [ rml:reference \"name\" ] ];\n\
        rml:predicateObjectMap [ rml:predicate ex:tag; rml:objectMap [ rml:reference \"$.tags[*]\" ] ];\n\
        rml:predicateObjectMap [ rml:predicate ex:w; rml:objectMap [ rml:reference \"$.w\" ] ];\n\
        rml:predicateObjectMap [ rml:predicate ex:h; rml:objectMap [ rml:reference \"$.h\" ] ];\n\
        rml:predicateObjectMap [ rml:predicate ex:ok; rml:objectMap [ rml:reference \"$.ok\" ] ];\n\
        rml:predicateObjectMap [ rml:predicate ex:note; rml:objectMap [ rml:reference \"$.note\" ] ];\n\
        rml:predicateObjectMap [ rml:predicate ex:label; rml:objectMap [ rml:template \"{$.name} {$.tags[*]}\"; rml:termType rml:Literal ] ] .\n";
    let (summary, sink) = execute(&dir, mapping);
    assert_eq!(summary.records_mapped, 2);
    let xsd = "http://www.w3.org/2001/XMLSchema#";
    let s1 = "<https://data.example.tw/id/object/器物-001>";
    let s2 = "<https://data.example.tw/id/object/器物-002>";
    assert_eq!(
        quads(&sink),
        [
            format!("{s1} <http://example.com/name> \"碗\""),
            format!("{s1} <http://example.com/tag> \"瓷\""),
            format!("{s1} <http://example.com/tag> \"明\""),
            format!("{s1} <http://example.com/w> \"12\"^^<{xsd}integer>"),
            format!("{s1} <http://example.com/h> \"3.5E0\"^^<{xsd}double>"),
            format!("{s1} <http://example.com/ok> \"true\"^^<{xsd}boolean>"),
            format!("{s1} <http://example.com/label> \"碗 瓷\""),
            format!("{s1} <http://example.com/label> \"碗 明\""),
            format!("{s2} <http://example.com/name> \"瓶\""),
        ]
        .into_iter()
        .collect::<BTreeSet<_>>()
    );
    assert_eq!(
        mapping_sources(&dir, mapping),
        vec![dir.path().join("items.json").canonicalize().unwrap()]
    );
}

/// The mapping's source paths, canonicalized (the temporary directory may sit behind a
/// symlink).
fn mapping_sources(dir: &TempDir, mapping: &str) -> Vec<PathBuf> {
    let sources = load(dir, mapping).unwrap().source_paths();
    sources
        .into_iter()
        .map(|p| p.canonicalize().unwrap())
        .collect()
}

#[test]
fn json_record_position_is_a_normalized_path() {
    let dir = dir_with(&[("p.json", br#"[{"n": "ok"}, {"n": "not ok"}]"#)]);
    let mapping = "<#J> rml:logicalSource [ rml:source \"p.json\"; rml:iterator \"$[*]\" ];\n\
        rml:subjectMap [ rml:reference \"n\" ] .\n";
    let (summary, sink) = execute(&dir, mapping);
    assert_eq!((summary.records_mapped, summary.records_rejected), (1, 1));
    assert_eq!(
        sink.rejects[0].position,
        RecordPosition::Path("$[1]".into())
    );
    assert_eq!(sink.rejects[0].field.as_deref(), Some("n"));
}

#[test]
fn hash_join_with_two_conditions() {
    let objects = "id,maker,dynasty\nA,m1,明\nB,m2,清\nC,m9,明\nD,m1,清\n";
    let makers = "code,era,name\nm1,明,甲\nm1,清,乙\nm2,清,丙\nm2,清,丁\n";
    let dir = dir_with(&[
        ("objects.csv", objects.as_bytes()),
        ("makers.csv", makers.as_bytes()),
    ]);
    let mapping = format!(
        "{}{}",
        csv_map(
            "objects.csv",
            "",
            "rml:subjectMap [ rml:template \"object/{id}\" ];\n\
             rml:predicateObjectMap [ rml:predicate ex:maker; rml:objectMap [ rml:parentTriplesMap <#Makers>;\n\
               rml:joinCondition [ rml:child \"maker\"; rml:parent \"code\" ];\n\
               rml:joinCondition [ rml:childMap [ rml:reference \"dynasty\" ]; rml:parentMap [ rml:reference \"era\" ] ] ] ]"
        ),
        csv_map(
            "makers.csv",
            "",
            "rml:subjectMap [ rml:template \"agent/{name}\" ]"
        )
        .replace("<#M>", "<#Makers>"),
    );
    let (summary, sink) = execute(&dir, &mapping);
    assert_eq!(summary.records_read, 8);
    let links: BTreeSet<String> = quads(&sink)
        .into_iter()
        .filter(|q| q.contains("example.com/maker"))
        .collect();
    let link = |o: &str, a: &str| {
        format!(
            "<https://data.example.tw/object/{o}> <http://example.com/maker> <https://data.example.tw/agent/{a}>"
        )
    };
    assert_eq!(
        links,
        [
            link("A", "甲"),
            link("B", "丙"),
            link("B", "丁"),
            link("D", "乙")
        ]
        .into_iter()
        .collect()
    );
}

#[test]
fn join_without_condition_needs_the_same_source() {
    let dir = dir_with(&[("a.csv", b"id\n1\n"), ("b.csv", b"id\n1\n")]);
    let same = format!(
        "{}{}",
        csv_map(
            "a.csv",
            "",
            "rml:subjectMap [ rml:template \"a/{id}\" ]; rml:predicateObjectMap [ rml:predicate ex:p; rml:objectMap [ rml:parentTriplesMap <#N> ] ]"
        ),
        csv_map("a.csv", "", "rml:subjectMap [ rml:template \"n/{id}\" ]").replace("<#M>", "<#N>"),
    );
    let (_, sink) = execute(&dir, &same);
    assert!(quads(&sink).contains(
        "<https://data.example.tw/a/1> <http://example.com/p> <https://data.example.tw/n/1>"
    ));
    let different = same
        .replacen("a.csv", "b.csv", 2)
        .replacen("b.csv", "a.csv", 1);
    let error = load(&dir, &different).unwrap_err().to_string();
    assert!(error.contains("no rml:joinCondition"), "{error}");
}

#[test]
fn base_iri_per_triples_map_and_default() {
    let dir = dir_with(&[("a.csv", b"id\nx\n")]);
    let mapping = format!(
        "{}{}",
        csv_map("a.csv", "", "rml:subjectMap [ rml:template \"{id}\" ]; rml:predicateObjectMap [ rml:predicate ex:p; rml:object ex:o ]"),
        csv_map("a.csv", "", "rml:baseIRI <http://own.example/>; rml:subjectMap [ rml:template \"{id}\" ]; rml:predicateObjectMap [ rml:predicate ex:p; rml:object ex:o ]")
            .replace("<#M>", "<#N>"),
    );
    let (_, sink) = execute(&dir, &mapping);
    assert_eq!(
        quads(&sink),
        set(&[
            "<https://data.example.tw/x> <http://example.com/p> <http://example.com/o>",
            "<http://own.example/x> <http://example.com/p> <http://example.com/o>",
        ])
    );
    let mapping = load(&dir, &mapping).unwrap();
    let mut sink = CollectingSink::new();
    run(&mapping, &RunOptions::default(), &mut sink).unwrap();
    assert!(
        quads(&sink)
            .contains("<http://example.org/x> <http://example.com/p> <http://example.com/o>")
    );
}

#[test]
fn graphs_blank_nodes_and_language_maps() {
    let dir = dir_with(&[(
        "a.csv",
        "id,lang,label\n1,zh-Hant,故宮\n2,not a tag,x\n".as_bytes(),
    )]);
    let mapping = csv_map(
        "a.csv",
        "",
        "rml:subjectMap [ rml:template \"{id} key\"; rml:termType rml:BlankNode; rml:graph ex:g ];\n\
         rml:predicateObjectMap [ rml:predicate ex:label; rml:objectMap [ rml:reference \"label\"; rml:languageMap [ rml:reference \"lang\" ] ];\n\
           rml:graph rml:defaultGraph ]",
    );
    let (summary, sink) = execute(&dir, &mapping);
    assert_eq!((summary.records_mapped, summary.records_rejected), (1, 1));
    assert_eq!(
        quads(&sink),
        set(&[
            "_:1_20key <http://example.com/label> \"故宮\"@zh-hant <http://example.com/g>",
            "_:1_20key <http://example.com/label> \"故宮\"@zh-hant",
        ])
    );
    assert_eq!(sink.rejects[0].field.as_deref(), Some("lang"));
}

#[test]
fn fresh_blank_nodes_are_stable_across_runs() {
    let dir = dir_with(&[("a.csv", b"v\n1\n2\n")]);
    let mapping = csv_map(
        "a.csv",
        "",
        "rml:subjectMap [ rml:termType rml:BlankNode ]; rml:predicateObjectMap [ rml:predicate ex:v; rml:objectMap [ rml:reference \"v\" ] ]",
    );
    let (_, first) = execute(&dir, &mapping);
    let (_, second) = execute(&dir, &mapping);
    assert_eq!(first.quads, second.quads);
    assert_ne!(first.quads[0].subject, first.quads[1].subject);
}

fn mapping_error(mapping: &str) -> String {
    let dir = dir_with(&[("a.csv", b"id\n1\n"), ("a.json", b"[]")]);
    match load(&dir, mapping) {
        Ok(_) => panic!("mapping should be refused:\n{mapping}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn mapping_errors_name_the_place_and_the_problem() {
    let cases: &[(&str, &[&str])] = &[
        (
            "<#TriplesMap1> rml:logicalSource [ rml:source \"a.csv\" ]; rml:subjectMap [ rml:template \"{id}\" ];\n\
             rml:predicateObjectMap [ rml:predicate ex:a; rml:object ex:b ];\n\
             rml:predicateObjectMap [ rml:predicate ex:p; rml:objectMap [ rml:template \"{id}\"; rml:reference \"id\" ] ] .",
            &[
                "<#TriplesMap1> rml:predicateObjectMap[2] rml:objectMap",
                "term map has both rml:reference and rml:template",
            ],
        ),
        (
            "<#T> rml:logicalSource [ rml:source \"a.csv\" ]; rml:subjectMap [ rml:template \"{id}\"; rml:termType rml:Literal ] .",
            &[
                "<#T> rml:subjectMap",
                "rml:termType rml:Literal is not allowed on a subject map",
            ],
        ),
        (
            "<#T> rml:logicalSource [ rml:source \"a.csv\"; rml:referenceFormulation ex:Excel ]; rml:subject ex:s .",
            &["unknown reference formulation <http://example.com/Excel>"],
        ),
        (
            "<#T> rml:logicalSource [ rml:source \"a.json\"; rml:referenceFormulation rml:JSONPath ]; rml:subjectMap [ rml:reference \"$.[\" ] .",
            &["invalid JSONPath `$.[`"],
        ),
        (
            "<#T> rml:logicalSource [ rml:source \"a.csv\" ]; rml:subject ex:s;\n\
             rml:predicateObjectMap [ rml:predicate ex:p; rml:objectMap [ rml:parentTriplesMap <#Nope> ] ] .",
            &["rml:parentTriplesMap <#Nope> is not a triples map"],
        ),
        (
            "<#T> rml:logicalSource [ rml:source \"a.csv\" ]; rml:subjectMap [ rml:template \"{id\" ] .",
            &["`{` is never closed"],
        ),
        (
            "<#T> rml:logicalSource [ rml:source \"a.xml\"; rml:referenceFormulation rml:XPath; rml:iterator \"record\" ]; rml:subject ex:s .",
            &[
                "<#T> rml:logicalSource",
                "rml:iterator",
                "absolute location path",
            ],
        ),
        (
            "<#T> rml:logicalSource [ rml:source \"a.xml\"; rml:referenceFormulation rml:XPath; rml:iterator \"/r/item\" ];\n\
             rml:subjectMap [ rml:template \"x/{@id}\" ] ;\n\
             rml:predicateObjectMap [ rml:predicate ex:p; rml:objectMap <#Bad> ] .\n\
             <#Bad> rml:reference \"following::x\" .",
            &["<#Bad>", "axis following:: is not supported"],
        ),
        (
            "<#T> rml:logicalSource [ rml:source \"a.csv\" ]; rml:subject ex:s;\n\
             rml:predicateObjectMap [ rml:predicate ex:p; rml:objectMap [ rml:functionExecution [] ] ] .",
            &["rml:functionExecution", "has no rml:function"],
        ),
        (
            "@prefix grel: <http://users.ugent.be/~bjdmeest/function/grel.ttl#> .\n\
             <#T> rml:logicalSource [ rml:source \"a.csv\" ]; rml:subject ex:s;\n\
             rml:predicateObjectMap [ rml:predicate ex:p; rml:objectMap <#Upper> ] .\n\
             <#Upper> rml:functionExecution <#X> .\n\
             <#X> rml:function grel:toUpperCase; rml:input [ rml:parameter grel:nope; rml:inputValueMap [ rml:reference \"id\" ] ] .",
            &[
                "<#X> rml:input",
                "grel:toUpperCase has no parameter",
                "grel.ttl#nope",
                "valueParam",
            ],
        ),
        (
            "@prefix grel: <http://users.ugent.be/~bjdmeest/function/grel.ttl#> .\n\
             <#T> rml:logicalSource [ rml:source \"a.csv\" ]; rml:subject ex:s;\n\
             rml:predicateObjectMap [ rml:predicate ex:p; rml:objectMap <#Upper> ] .\n\
             <#Upper> rml:functionExecution <#X>; rml:return grel:nothing .\n\
             <#X> rml:function grel:toUpperCase; rml:input [ rml:parameter grel:valueParam; rml:inputValue \"a\" ] .",
            &["<#Upper>", "has no output", "grel.ttl#nothing", "stringOut"],
        ),
        (
            "<#T> rml:logicalSource [ rml:source \"a.csv\" ]; rml:subject ex:s;\n\
             rml:predicateObjectMap [ rml:predicate ex:p; rml:objectMap [ rml:functionExecution <#X> ] ] .\n\
             <#X> rml:function ex:unknownFunction .",
            &[
                "<#X>",
                "unknown function <http://example.com/unknownFunction>",
            ],
        ),
        (
            "@prefix grel: <http://users.ugent.be/~bjdmeest/function/grel.ttl#> .\n\
             <#T> rml:logicalSource [ rml:source \"a.csv\" ]; rml:subject ex:s;\n\
             rml:predicateObjectMap [ rml:predicate ex:p; rml:objectMap [ rml:functionExecution <#X> ] ] .\n\
             <#X> rml:function grel:string_replace; rml:input [ rml:parameter grel:valueParam; rml:inputValue \"a\" ] .",
            &["<#X>", "grel:string_replace needs parameter", "param_find"],
        ),
        (
            "<#T> rml:logicalSource [ rml:source [ rml:path \"a.csv\"; rml:root rml:MappingDirectory; rml:encoding rml:Klingon ] ]; rml:subject ex:s .",
            &["rml:source", "unknown encoding `Klingon`"],
        ),
        (
            "<#T> rml:logicalSource [ rml:source [ rml:path \"a.csv\"; rml:compression rml:rar ] ]; rml:subject ex:s .",
            &["unknown rml:compression rml:rar"],
        ),
        (
            "<#T> rml:logicalSource [ rml:source \"a.csv\" ]; rml:subjectMap [ rml:template \"{id}\"; rml:logicalTarget [ rml:target [ rml:path \"out.rj\" ]; rml:serialization <http://www.w3.org/ns/formats/RDF_JSON> ] ] .",
            &["unsupported rml:serialization", "RDF_JSON"],
        ),
    ];
    for (mapping, needles) in cases {
        let message = mapping_error(mapping);
        assert!(message.contains("mapping.ttl"), "{message}");
        for needle in *needles {
            assert!(
                message.contains(needle),
                "expected `{needle}` in: {message}"
            );
        }
    }
}

#[test]
fn turtle_syntax_errors_carry_line_and_column() {
    let dir = dir_with(&[]);
    match load(
        &dir,
        "<#T> rml:subject ex:s ;\n  rml:predicateObjectMap [ rml:predicate ex:p rml:object ex:o ] .",
    ) {
        Err(RmlError::MappingSyntax { line, .. }) => assert_eq!(line, 5), // 3 prefix lines + 2
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn legacy_namespaces_are_explained() {
    let message = mapping_error(
        "@prefix rr: <http://www.w3.org/ns/r2rml#> .\n<#T> rr:subjectMap [ rr:template \"{id}\" ] .",
    );
    assert!(message.contains("legacy"), "{message}");
}

#[test]
fn triples_map_without_source_maps_constants_once() {
    let dir = dir_with(&[]);
    let (summary, sink) = execute(
        &dir,
        "<#T> rml:subject ex:s; rml:predicateObjectMap [ rml:predicate ex:p; rml:object \"o\" ] .",
    );
    assert_eq!(summary.records_read, 1);
    assert_eq!(
        quads(&sink),
        set(&["<http://example.com/s> <http://example.com/p> \"o\""])
    );
    let message = mapping_error("<#T> rml:subjectMap [ rml:template \"{id}\" ] .");
    assert!(message.contains("no rml:logicalSource"), "{message}");
}

#[test]
fn sink_errors_stop_the_run() {
    struct Failing;
    impl crate::QuadSink for Failing {
        fn quad(&mut self, _: oxrdf::QuadRef<'_>) -> Result<(), crate::SinkError> {
            Err("disk full".into())
        }
        fn reject(&mut self, _: crate::Reject) -> Result<(), crate::SinkError> {
            Ok(())
        }
    }
    let dir = dir_with(&[("a.csv", b"id\n1\n")]);
    let mapping = load(
        &dir,
        &csv_map(
            "a.csv",
            "",
            "rml:subjectMap [ rml:template \"{id}\"; rml:class ex:C ]",
        ),
    )
    .unwrap();
    let error = run(&mapping, &RunOptions::default(), &mut Failing).unwrap_err();
    assert!(
        matches!(error, RmlError::Sink(_)) && error.to_string().contains("disk full"),
        "{error}"
    );
}

#[test]
fn public_types_cross_threads() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Mapping>();
    send_sync::<RmlError>();
    send_sync::<crate::Reject>();
    send_sync::<RunSummary>();
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn big5_gzip_csv_with_an_invalid_byte_is_one_reject() {
    // 統一編號,題名 / 故-1,青花 / 故-2,<invalid Big5> — written in Big5, then gzipped.
    let mut data = Vec::new();
    data.extend_from_slice(b"\xB2\xCE\xA4\x40\xBD\x73\xB8\xB9,\xC3\x44\xA6\x57\n");
    data.extend_from_slice(b"\xAC\x47-1,\xAB\x43\xAA\xE1\n");
    data.extend_from_slice(b"\xAC\x47-2,\xFF\x20\n");
    let dir = dir_with(&[("objects.csv.gz", gzip(&data).as_slice())]);
    let mapping = csv_map(
        "objects.csv.gz",
        "; rml:encoding rml:Big5; rml:compression rml:gzip",
        "rml:subjectMap [ rml:template \"id/object/{統一編號}\" ];\n\
         rml:predicateObjectMap [ rml:predicate ex:title; rml:objectMap [ rml:reference \"題名\" ] ]",
    );
    let (summary, sink) = execute(&dir, &mapping);
    assert_eq!(
        summary,
        RunSummary {
            records_read: 2,
            records_mapped: 1,
            records_rejected: 1,
            quads_written: 1,
            warnings: 0
        }
    );
    assert_eq!(
        quads(&sink),
        set(&["<https://data.example.tw/id/object/故-1> <http://example.com/title> \"青花\""])
    );
    let reject = &sink.rejects[0];
    assert_eq!(reject.position, RecordPosition::Line(3));
    assert_eq!(reject.field.as_deref(), Some("題名"));
    assert!(reject.reason.contains("Big5"), "{}", reject.reason);
    assert!(reject.source.ends_with("objects.csv.gz"));
}

#[test]
fn csvw_dialect_without_header() {
    let dir = dir_with(&[("a.tsv", "# export\nA1;故宮\nA2;史館\n".as_bytes())]);
    let mapping = "@prefix csvw: <http://www.w3.org/ns/csvw#> .\n\
        <#M> rml:logicalSource [ rml:referenceFormulation rml:CSV; rml:source [ a csvw:Table; csvw:url \"a.tsv\";\n\
          csvw:dialect [ csvw:delimiter \";\"; csvw:header false; csvw:skipRows 1 ] ] ];\n\
        rml:subjectMap [ rml:template \"id/{_col.1}\" ];\n\
        rml:predicateObjectMap [ rml:predicate ex:name; rml:objectMap [ rml:reference \"_col.2\" ] ] .";
    let (_, sink) = execute(&dir, mapping);
    assert_eq!(
        quads(&sink),
        set(&[
            "<https://data.example.tw/id/A1> <http://example.com/name> \"故宮\"",
            "<https://data.example.tw/id/A2> <http://example.com/name> \"史館\"",
        ])
    );
}

const LIDO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<lido:lidoWrap xmlns:lido="http://www.lido-schema.org" xmlns:xml="http://www.w3.org/XML/1998/namespace">
  <lido:source>故宮</lido:source>
  <lido:lido>
    <lido:lidoRecID lido:type="local">K1A000001</lido:lidoRecID>
    <lido:titleSet>
      <lido:appellationValue xml:lang="zh-Hant">翠玉白菜</lido:appellationValue>
      <lido:appellationValue xml:lang="en">Jadeite Cabbage</lido:appellationValue>
    </lido:titleSet>
  </lido:lido>
  <lido:lido>
    <lido:lidoRecID lido:type="local">K1A000002</lido:lidoRecID>
    <lido:titleSet><lido:appellationValue xml:lang="en">Meat-shaped Stone &amp; more</lido:appellationValue></lido:titleSet>
  </lido:lido>
  <lido:lido>
    <lido:titleSet><lido:appellationValue xml:lang="zh-Hant">無編號</lido:appellationValue></lido:titleSet>
  </lido:lido>
</lido:lidoWrap>
"#;

#[test]
fn xml_streams_lido_records_with_namespaces_and_ancestors() {
    let dir = dir_with(&[("lido.xml", LIDO.as_bytes())]);
    let mapping = "<#M> rml:logicalSource [ rml:source \"lido.xml\";\n\
          rml:referenceFormulation [ a rml:XPathReferenceFormulation;\n\
            rml:namespace [ rml:namespacePrefix \"lido\"; rml:namespaceURL \"http://www.lido-schema.org\" ] ];\n\
          rml:iterator \"/lido:lidoWrap/lido:lido\" ];\n\
        rml:subjectMap [ rml:template \"id/object/{lido:lidoRecID[@lido:type='local']}\" ];\n\
        rml:predicateObjectMap [ rml:predicate ex:title; rml:objectMap [\n\
          rml:reference \"lido:titleSet/lido:appellationValue[@xml:lang='en']\"; rml:language \"en\" ] ];\n\
        rml:predicateObjectMap [ rml:predicate ex:from; rml:objectMap [ rml:reference \"../lido:source\" ] ];\n\
        rml:predicateObjectMap [ rml:predicate ex:titles; rml:objectMap [ rml:reference \"count(lido:titleSet/*)\"; rml:datatype xsd:integer ] ] .";
    let (summary, sink) = execute(&dir, mapping);
    // The third record has no ID: its subject is null, so it produces nothing (not a reject).
    assert_eq!((summary.records_read, summary.records_rejected), (3, 0));
    assert_eq!(
        quads(&sink),
        set(&[
            "<https://data.example.tw/id/object/K1A000001> <http://example.com/title> \"Jadeite Cabbage\"@en",
            "<https://data.example.tw/id/object/K1A000001> <http://example.com/from> \"故宮\"",
            "<https://data.example.tw/id/object/K1A000001> <http://example.com/titles> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>",
            "<https://data.example.tw/id/object/K1A000002> <http://example.com/title> \"Meat-shaped Stone & more\"@en",
            "<https://data.example.tw/id/object/K1A000002> <http://example.com/from> \"故宮\"",
            "<https://data.example.tw/id/object/K1A000002> <http://example.com/titles> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer>",
        ])
    );
}

#[test]
fn xml_rejects_name_the_element_path_and_malformed_xml_fails() {
    let dir = dir_with(&[
        ("a.xml", b"<r><item n=\"1\"/><item n=\"x y\"/></r>"),
        ("bad.xml", b"<r><item n=\"1\"></r>"),
    ]);
    let body = "rml:subjectMap [ rml:template \"id/{@n}\" ];\n\
        rml:predicateObjectMap [ rml:predicate ex:n; rml:objectMap [ rml:reference \"@n\"; rml:datatype xsd:integer ] ] .";
    let mapping = format!(
        "<#M> rml:logicalSource [ rml:source \"a.xml\"; rml:iterator \"//item\" ];\n{body}"
    );
    let (summary, sink) = execute(&dir, &mapping);
    assert_eq!((summary.records_mapped, summary.records_rejected), (1, 1));
    assert_eq!(
        sink.rejects[0].position,
        RecordPosition::Path("/r[1]/item[2]".into())
    );
    let mapping = mapping.replace("a.xml", "bad.xml");
    let mapping = load(&dir, &mapping).unwrap();
    let error = run(&mapping, &RunOptions::default(), &mut CollectingSink::new()).unwrap_err();
    assert!(error.to_string().contains("bad.xml"), "{error}");
    assert!(error.to_string().contains("not well-formed XML"), "{error}");
}

#[test]
fn json_streams_simple_iterators_and_json_lines() {
    let dir = dir_with(&[
        (
            "a.json",
            br#"{"meta": {"n": 2}, "items": [{"id": 1, "v": ["x", "y"]}, {"id": 2, "v": [{"bad": 1}]}], "after": true}"#,
        ),
        (
            "b.jsonl",
            b"{\"id\": 7, \"v\": [\"z\"]}\n\n{\"id\": 8, \"v\": [{\"bad\": 1}]}\n",
        ),
    ]);
    let body = "rml:subjectMap [ rml:template \"id/{$.id}\" ];\n\
        rml:predicateObjectMap [ rml:predicate ex:v; rml:objectMap [ rml:reference \"$.v[*]\" ] ] .";
    let mapping = format!(
        "<#M> rml:logicalSource [ rml:source \"a.json\"; rml:referenceFormulation rml:JSONPath; rml:iterator \"$.items[*]\" ];\n{body}\n\
         <#L> rml:logicalSource [ rml:source \"b.jsonl\"; rml:referenceFormulation rml:JSONPath; rml:iterator \"$\" ];\n{body}"
    );
    let (summary, sink) = execute(&dir, &mapping);
    assert_eq!(
        summary,
        RunSummary {
            records_read: 4,
            records_mapped: 2,
            records_rejected: 2,
            quads_written: 3,
            warnings: 0
        }
    );
    let positions: Vec<String> = sink
        .rejects
        .iter()
        .map(|r| r.position.to_string())
        .collect();
    assert_eq!(positions, ["$['items'][1]", "line 3: $"]);
}

#[test]
fn shared_sources_duplicates_and_logical_targets() {
    let dir = dir_with(&[("a.csv", b"id,kind\n1,vase\n1,vase\n2,bowl\n")]);
    let out = dir.path().join("out");
    let mapping = format!(
        "{}{}<#T> rml:target [ rml:root \"{}\"; rml:path \"kinds.nt.gz\" ]; rml:serialization <http://www.w3.org/ns/formats/N-Triples>; rml:compression rml:gzip .\n",
        csv_map(
            "a.csv",
            "",
            "rml:subjectMap [ rml:template \"id/{id}\" ];\n\
             rml:predicateObjectMap [ rml:predicate ex:kind; rml:objectMap [ rml:reference \"kind\"; rml:logicalTarget <#T> ] ]"
        ),
        csv_map(
            "a.csv",
            "",
            "rml:subjectMap [ rml:template \"kind/{kind}\"; rml:class ex:Kind ]"
        )
        .replace("<#M>", "<#N>"),
        out.display()
    );
    // Logical targets off (an ingest): everything reaches the sink, each quad once.
    let (summary, sink) = execute(&dir, &mapping);
    assert_eq!(summary.records_read, 6);
    assert_eq!(summary.quads_written, 4);
    assert_eq!(sink.quads.len(), 4);
    assert!(!out.exists());
    // Deduplication per record only: the repeated row repeats its quads.
    let loaded = load(&dir, &mapping).unwrap();
    let mut sink = CollectingSink::new();
    let options = RunOptions {
        base_iri: Some(BASE.into()),
        deduplicate: crate::Deduplication::Record,
        ..RunOptions::default()
    };
    assert_eq!(run(&loaded, &options, &mut sink).unwrap().quads_written, 6);
    // Logical targets on: the targeted quads go to the gzipped N-Triples file instead.
    let options = RunOptions {
        base_iri: Some(BASE.into()),
        write_logical_targets: true,
        ..RunOptions::default()
    };
    let mut sink = CollectingSink::new();
    let summary = run(&loaded, &options, &mut sink).unwrap();
    assert_eq!((summary.quads_written, sink.quads.len()), (4, 2));
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(out.join("kinds.nt.gz")).unwrap()),
        &mut text,
    )
    .unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        [
            "<https://data.example.tw/id/1> <http://example.com/kind> \"vase\" .",
            "<https://data.example.tw/id/2> <http://example.com/kind> \"bowl\" .",
        ]
    );
}

#[test]
fn registered_functions_extend_mappings() {
    use crate::{FunctionDefinition, FunctionRegistry, LoadOptions};
    let dir = dir_with(&[("a.csv", "id,year\n1,民國112年\n2,乾隆十年\n3,\n".as_bytes())]);
    let mapping = format!(
        "{}<#Year> rml:function <urn:jiyi:minguo>; rml:input [ rml:parameter <urn:jiyi:text>; rml:inputValueMap [ rml:reference \"year\" ] ] .\n",
        csv_map(
            "a.csv",
            "; rml:null \"\"",
            "rml:subjectMap [ rml:template \"id/{id}\" ];\n\
             rml:predicateObjectMap [ rml:predicate ex:year; rml:objectMap [ rml:functionExecution <#Year> ] ]"
        )
    );
    let path = dir.path().join("mapping.ttl");
    std::fs::write(&path, format!("{PREFIXES}{mapping}")).unwrap();
    // Without the function the mapping is refused, naming it.
    let error = Mapping::from_file(&path).unwrap_err().to_string();
    assert!(
        error.contains("unknown function <urn:jiyi:minguo>"),
        "{error}"
    );
    let mut functions = FunctionRegistry::with_builtins();
    functions.register(
        FunctionDefinition::new("urn:jiyi:minguo")
            .parameter(["urn:jiyi:text"])
            .output(["urn:jiyi:year"])
            .implementation(|args| {
                let text = args.required_str(0)?;
                let Some(year) = text.strip_prefix("民國").and_then(|t| t.strip_suffix('年'))
                else {
                    return Err(format!("`{text}` is not a Minguo year"));
                };
                let year: i64 = year.parse().map_err(|_| format!("`{text}`: bad number"))?;
                Ok(vec![oxrdf::Literal::new_typed_literal(
                    (year + 1911).to_string(),
                    oxrdf::NamedNode::new_unchecked("http://www.w3.org/2001/XMLSchema#gYear"),
                )])
            }),
    );
    let options = LoadOptions {
        functions: Some(std::sync::Arc::new(functions)),
        ..LoadOptions::default()
    };
    let mapping = Mapping::from_file_with(&path, &options).unwrap();
    let mut sink = CollectingSink::new();
    let summary = run(
        &mapping,
        &RunOptions {
            base_iri: Some(BASE.into()),
            ..RunOptions::default()
        },
        &mut sink,
    )
    .unwrap();
    assert_eq!(
        summary,
        RunSummary {
            records_read: 3,
            records_mapped: 2,
            records_rejected: 1,
            quads_written: 1,
            warnings: 0
        }
    );
    assert_eq!(
        quads(&sink),
        set(&[
            "<https://data.example.tw/id/1> <http://example.com/year> \"2023\"^^<http://www.w3.org/2001/XMLSchema#gYear>"
        ])
    );
    assert_eq!(sink.rejects[0].position, RecordPosition::Line(3));
    assert_eq!(
        sink.rejects[0].field.as_deref(),
        Some("year via <urn:jiyi:minguo>")
    );
    assert!(sink.rejects[0].reason.contains("乾隆十年"));
}

#[test]
fn on_error_warn_leaves_the_term_out_and_publishes_the_record() {
    use crate::{FunctionDefinition, FunctionRegistry, LoadOptions};
    let dir = dir_with(&[("a.csv", "id,year\n1,民國112年\n2,乾隆十年\n3,\n".as_bytes())]);
    let body = "rml:subjectMap [ rml:template \"id/{id}\" ];\n\
         rml:predicateObjectMap [ rml:predicate ex:id; rml:objectMap [ rml:reference \"id\" ] ];\n\
         rml:predicateObjectMap [ rml:predicate ex:year; rml:objectMap [ rml:functionExecution <#Year> ] ]";
    let execution = |on_error: &str| {
        format!(
            "{PREFIXES}{}<#Year> rml:function <urn:jiyi:minguo>; {on_error} rml:input [ rml:parameter <urn:jiyi:text>; rml:inputValueMap [ rml:reference \"year\" ] ] .\n",
            csv_map("a.csv", "; rml:null \"\"", body)
        )
    };
    let on_error = |value: &str| format!("<https://w3id.org/jiyi/ns#onError> \"{value}\";");
    let mut functions = FunctionRegistry::with_builtins();
    functions.register(
        FunctionDefinition::new("urn:jiyi:minguo")
            .parameter(["urn:jiyi:text"])
            .implementation(|args| {
                let text = args.required_str(0)?;
                let year = text
                    .strip_prefix("民國")
                    .and_then(|t| t.strip_suffix('年'))
                    .and_then(|y| y.parse::<i64>().ok())
                    .ok_or_else(|| format!("`{text}` is not a Minguo year"))?;
                Ok(vec![oxrdf::Literal::new_simple_literal(
                    (year + 1911).to_string(),
                )])
            }),
    );
    let options = LoadOptions {
        functions: Some(std::sync::Arc::new(functions)),
        ..LoadOptions::default()
    };
    let path = dir.path().join("mapping.ttl");
    let run_with = |on_error: &str| {
        std::fs::write(&path, execution(on_error)).expect("write mapping");
        let mapping = Mapping::from_file_with(&path, &options).expect("mapping loads");
        let mut sink = CollectingSink::new();
        let summary = run(
            &mapping,
            &RunOptions {
                base_iri: Some(BASE.into()),
                ..RunOptions::default()
            },
            &mut sink,
        )
        .expect("run");
        (summary, sink)
    };
    // "warn": record 2 is published without its year, and a warning says why.
    let (summary, sink) = run_with(&on_error("warn"));
    assert_eq!(
        summary,
        RunSummary {
            records_read: 3,
            records_mapped: 3,
            records_rejected: 0,
            quads_written: 4,
            warnings: 1
        }
    );
    assert_eq!(
        quads(&sink),
        set(&[
            "<https://data.example.tw/id/1> <http://example.com/id> \"1\"",
            "<https://data.example.tw/id/1> <http://example.com/year> \"2023\"",
            "<https://data.example.tw/id/2> <http://example.com/id> \"2\"",
            "<https://data.example.tw/id/3> <http://example.com/id> \"3\"",
        ])
    );
    assert!(sink.rejects.is_empty());
    let warning = &sink.warnings[0];
    assert_eq!(warning.position, RecordPosition::Line(3));
    assert_eq!(warning.field.as_deref(), Some("year"));
    assert!(
        warning.reason.contains("<urn:jiyi:minguo>") && warning.reason.contains("乾隆十年"),
        "{}",
        warning.reason
    );
    assert!(
        warning.to_string().contains("a.csv line 3, field year"),
        "{warning}"
    );
    // "reject" (and no jiyi:onError at all) keeps RML's behaviour: the record is lost.
    for fragment in [on_error("reject"), String::new()] {
        let (summary, sink) = run_with(&fragment);
        assert_eq!(
            (
                summary.records_rejected,
                summary.warnings,
                summary.quads_written
            ),
            (1, 0, 3)
        );
        assert_eq!(sink.rejects[0].position, RecordPosition::Line(3));
    }
    // Anything else is a mapping error naming the execution.
    std::fs::write(&path, execution(&on_error("ignore"))).expect("write mapping");
    let error = Mapping::from_file_with(&path, &options)
        .expect_err("bad jiyi:onError")
        .to_string();
    assert!(
        error.contains("jiyi:onError must be \"warn\" or \"reject\""),
        "{error}"
    );
}

fn execute_record_dedup(dir: &TempDir, mapping: &str) -> CollectingSink {
    let mapping = load(dir, mapping).unwrap_or_else(|e| panic!("mapping should load: {e}"));
    let mut sink = CollectingSink::new();
    run(
        &mapping,
        &RunOptions {
            base_iri: Some(BASE.into()),
            deduplicate: crate::Deduplication::Record,
            ..RunOptions::default()
        },
        &mut sink,
    )
    .unwrap_or_else(|e| panic!("run should succeed: {e}"));
    sink
}

#[test]
fn equal_quads_of_one_record_are_written_once() {
    // Two maps that can give the same quad (same predicate, same language) and a join whose
    // two parent rows share a subject: per-record elimination must still catch both.
    let dir = dir_with(&[
        (
            "a.csv",
            b"id,zh,alt,who\n1,\xe7\x93\xb7,\xe7\x93\xb7,p\n2,\xe7\x8e\x89,jade,p\n",
        ),
        ("people.csv", b"pid,name\np,A\np,B\n"),
    ]);
    let mapping = format!(
        "{}{}",
        csv_map(
            "a.csv",
            "",
            "rml:subjectMap [ rml:template \"id/{id}\" ];\n\
             rml:predicateObjectMap [ rml:predicate ex:label; rml:objectMap [ rml:reference \"zh\"; rml:language \"zh-Hant\" ] ];\n\
             rml:predicateObjectMap [ rml:predicate ex:label; rml:objectMap [ rml:reference \"alt\"; rml:language \"zh-hant\" ] ];\n\
             rml:predicateObjectMap [ rml:predicate ex:by; rml:objectMap [ rml:parentTriplesMap <#P>; \
               rml:joinCondition [ rml:child \"who\"; rml:parent \"pid\" ] ] ]",
        ),
        "<#P> rml:logicalSource [ rml:source [ a rml:RelativePathSource; rml:root rml:MappingDirectory; \
         rml:path \"people.csv\" ]; rml:referenceFormulation rml:CSV ];\n\
         rml:subjectMap [ rml:template \"agent/{pid}\" ] .\n"
    );
    let sink = execute_record_dedup(&dir, &mapping);
    let lines: Vec<String> = sink.quads.iter().map(ToString::to_string).collect();
    let expected = [
        "<https://data.example.tw/id/1> <http://example.com/label> \"瓷\"@zh-hant",
        "<https://data.example.tw/id/1> <http://example.com/by> <https://data.example.tw/agent/p>",
        "<https://data.example.tw/id/2> <http://example.com/label> \"玉\"@zh-hant",
        "<https://data.example.tw/id/2> <http://example.com/label> \"jade\"@zh-hant",
        "<https://data.example.tw/id/2> <http://example.com/by> <https://data.example.tw/agent/p>",
    ];
    assert_eq!(lines, expected);
    // Without the second label map the records' quads are distinct by construction and are
    // not compared; the join's repeated parent subject must still give one quad.
    let mapping = mapping.replace(
        "rml:predicateObjectMap [ rml:predicate ex:label; rml:objectMap [ rml:reference \"alt\"; rml:language \"zh-hant\" ] ];\n",
        "",
    );
    let loaded = load(&dir, &mapping).unwrap();
    assert!(crate::distinct::record_quads_distinct(
        &loaded.triples_maps[0],
        &loaded.triples_maps
    ));
    let sink = execute_record_dedup(&dir, &mapping);
    let lines: Vec<String> = sink.quads.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [expected[0], expected[1], expected[2], expected[4]],
        "{mapping}"
    );
}

#[test]
fn records_are_compared_only_when_quads_can_repeat() {
    use crate::distinct::record_quads_distinct;
    let dir = dir_with(&[
        ("a.csv", b"id,zh,en,m\n1,x,y,z\n"),
        ("a.json", b"[{\"id\": 1}]"),
    ]);
    let distinct = |body: &str| {
        let mapping = load(&dir, &csv_map("a.csv", "", body)).unwrap();
        let tms = &mapping.triples_maps;
        tms.iter()
            .map(|tm| record_quads_distinct(tm, tms))
            .collect::<Vec<_>>()
    };
    let subject = "rml:subjectMap [ rml:template \"id/{id}\"; rml:class ex:Thing ];\n";
    // Different predicates, or the same predicate with different languages, datatypes or
    // kinds of term: no two maps can give the same quad.
    assert_eq!(
        distinct(&format!(
            "{subject}rml:predicateObjectMap [ rml:predicate ex:label; rml:objectMap [ rml:reference \"zh\"; rml:language \"zh-Hant\" ] ];\n\
             rml:predicateObjectMap [ rml:predicate ex:label; rml:objectMap [ rml:reference \"en\"; rml:language \"en\" ] ];\n\
             rml:predicateObjectMap [ rml:predicate ex:label; rml:objectMap [ rml:reference \"m\" ] ];\n\
             rml:predicateObjectMap [ rml:predicate ex:label; rml:objectMap [ rml:reference \"m\"; rml:datatype xsd:integer ] ];\n\
             rml:predicateObjectMap [ rml:predicate ex:label; rml:objectMap [ rml:template \"m/{{m}}\" ] ];\n\
             rml:predicateObjectMap [ rml:predicate ex:other; rml:objectMap [ rml:template \"m/{{m}}\" ] ]"
        )),
        [true]
    );
    // Same predicate, same language: equal values give equal quads.
    assert_eq!(
        distinct(&format!(
            "{subject}rml:predicateObjectMap [ rml:predicate ex:label; rml:objectMap [ rml:reference \"zh\"; rml:language \"en\" ] ];\n\
             rml:predicateObjectMap [ rml:predicate ex:label; rml:objectMap [ rml:reference \"en\"; rml:language \"EN\" ] ]"
        )),
        [false]
    );
    // Two IRIs, a predicate from the data, a graph map: anything may repeat.
    for body in [
        "rml:predicateObjectMap [ rml:predicate ex:p; rml:objectMap [ rml:template \"a/{m}\" ] ];\n\
         rml:predicateObjectMap [ rml:predicate ex:p; rml:objectMap [ rml:template \"b/{m}\" ] ]",
        "rml:predicateObjectMap [ rml:predicateMap [ rml:reference \"m\" ]; rml:objectMap [ rml:reference \"zh\" ] ];\n\
         rml:predicateObjectMap [ rml:predicate ex:p; rml:objectMap [ rml:reference \"en\" ] ]",
        "rml:predicateObjectMap [ rml:predicate ex:p; rml:objectMap [ rml:reference \"en\" ]; rml:graph ex:g ]",
    ] {
        assert_eq!(distinct(&format!("{subject}{body}")), [false], "{body}");
    }
    // A JSON reference may give several values.
    let json = load(
        &dir,
        "<#J> rml:logicalSource [ rml:source [ a rml:RelativePathSource; rml:root rml:MappingDirectory; \
         rml:path \"a.json\" ]; rml:referenceFormulation rml:JSONPath; rml:iterator \"$[*]\" ];\n\
         rml:subjectMap [ rml:template \"id/{$.id}\" ] .\n",
    )
    .unwrap();
    assert!(!record_quads_distinct(
        &json.triples_maps[0],
        &json.triples_maps
    ));
}

#[test]
fn csv_records_keep_their_order_and_lines_over_many_buffers() {
    // Many reads of the CSV reader's 64 KiB buffer, with malformed records next to each
    // other and near the end: every record arrives once, in file order, and each reject
    // names its own line.
    let mut data = b"id,name\n".to_vec();
    for i in 1..=20_000_u32 {
        match i {
            8_192 | 8_193 | 19_999 => data.extend_from_slice(format!("{i},a,extra\n").as_bytes()),
            _ => data.extend_from_slice(format!("{i},n{i}\n").as_bytes()),
        }
    }
    let dir = dir_with(&[("a.csv", &data)]);
    let mapping = csv_map(
        "a.csv",
        "",
        "rml:subjectMap [ rml:template \"x/{id}\" ];\n\
         rml:predicateObjectMap [ rml:predicate ex:name; rml:objectMap [ rml:reference \"name\" ] ]",
    );
    let (summary, sink) = execute(&dir, &mapping);
    assert_eq!(summary.records_read, 20_000);
    assert_eq!(summary.records_rejected, 3);
    let lines: Vec<RecordPosition> = sink.rejects.iter().map(|r| r.position.clone()).collect();
    // Record i is on line i + 1 (the header is line 1).
    assert_eq!(
        lines,
        [
            RecordPosition::Line(8_193),
            RecordPosition::Line(8_194),
            RecordPosition::Line(20_000)
        ]
    );
    let names: Vec<String> = sink.quads.iter().map(|q| q.object.to_string()).collect();
    let expected: Vec<String> = (1..=20_000_u32)
        .filter(|i| ![8_192, 8_193, 19_999].contains(i))
        .map(|i| format!("\"n{i}\""))
        .collect();
    assert_eq!(names, expected);
}

/// A sink that also counts what redactions withheld.
#[derive(Default)]
struct RedactionSink {
    inner: CollectingSink,
    withheld: Vec<usize>,
}

impl crate::QuadSink for RedactionSink {
    fn quad(&mut self, quad: oxrdf::QuadRef<'_>) -> Result<(), crate::SinkError> {
        self.inner.quad(quad)
    }
    fn reject(&mut self, reject: crate::Reject) -> Result<(), crate::SinkError> {
        self.inner.reject(reject)
    }
    fn redacted(&mut self, redaction: usize) -> Result<(), crate::SinkError> {
        self.withheld.push(redaction);
        Ok(())
    }
}

#[test]
fn redacted_fields_reach_no_term_map() {
    let people = "編號,姓名,地點\nP1,王大明,臺北\nP2,,基隆\nP3,林阿花,\n";
    let dir = dir_with(&[("people.csv", people.as_bytes())]);
    // The name is used everywhere a value can go: subject template, object reference, a
    // function input, a language-tagged literal, and the parent side of a join.
    let mapping = format!(
        "@prefix grel: <http://users.ugent.be/~bjdmeest/function/grel.ttl#> .\n{}\n{}",
        csv_map(
            "people.csv",
            "; rml:null \"\"",
            "rml:subjectMap [ rml:template \"id/person/{編號}\" ];\n\
             rml:predicateObjectMap [ rml:predicate ex:name; rml:objectMap [ rml:reference \"姓名\"; rml:language \"zh-Hant\" ] ];\n\
             rml:predicateObjectMap [ rml:predicate ex:key; rml:objectMap [ rml:template \"id/name/{姓名}\" ] ];\n\
             rml:predicateObjectMap [ rml:predicate ex:upper; rml:objectMap [ rml:functionExecution [ rml:function grel:toUpperCase; \
               rml:input [ rml:parameter grel:valueParam; rml:inputValueMap [ rml:reference \"姓名\" ] ] ] ] ];\n\
             rml:predicateObjectMap [ rml:predicate ex:same; rml:objectMap [ rml:parentTriplesMap <#N>; \
               rml:joinCondition [ rml:child \"姓名\"; rml:parent \"姓名\" ] ] ]"
        ),
        "<#N> rml:logicalSource [ rml:source [ a rml:RelativePathSource; rml:root rml:MappingDirectory; \
         rml:path \"people.csv\"; rml:null \"\" ]; rml:referenceFormulation rml:CSV ];\n\
         rml:subjectMap [ rml:template \"id/name/{姓名}\" ] .\n"
    );
    let loaded = load(&dir, &mapping).unwrap();
    for (replacement, expect_literal) in [(Some("○○○"), true), (None, false)] {
        let options = RunOptions {
            base_iri: Some(BASE.into()),
            redactions: vec![crate::Redaction {
                field: "姓名".into(),
                replacement: replacement.map(str::to_owned),
            }],
            ..RunOptions::default()
        };
        let mut sink = RedactionSink::default();
        let summary = run(&loaded, &options, &mut sink).unwrap();
        assert_eq!(summary.records_rejected, 0, "{:?}", sink.inner.rejects);
        let output = quads(&sink.inner)
            .into_iter()
            .collect::<Vec<_>>()
            .join("\n");
        for name in ["王大明", "林阿花", "%E7%8E%8B"] {
            assert!(!output.contains(name), "{name} leaked:\n{output}");
        }
        assert_eq!(
            output.contains("\"○○○\"@zh-hant"),
            expect_literal,
            "{output}"
        );
        // Two records have a name; the empty cell is not counted.
        assert_eq!(sink.withheld, vec![0, 0], "{replacement:?}");
        // Without the redaction the names are there, so the check above means something.
        let mut plain = CollectingSink::new();
        run(
            &loaded,
            &RunOptions {
                base_iri: Some(BASE.into()),
                ..RunOptions::default()
            },
            &mut plain,
        )
        .unwrap();
        let plain = quads(&plain).into_iter().collect::<Vec<_>>().join("\n");
        assert!(plain.contains("王大明") && plain.contains("王大明\"@zh-hant"));
    }
}

#[test]
fn redactions_refuse_sources_they_cannot_cover() {
    let dir = dir_with(&[("p.json", br#"[{"name":"x"}]"#)]);
    let loaded = load(
        &dir,
        "<#M> rml:logicalSource [ rml:source [ a rml:RelativePathSource; rml:root rml:MappingDirectory; \
         rml:path \"p.json\" ]; rml:referenceFormulation rml:JSONPath; rml:iterator \"$[*]\" ];\n\
         rml:subjectMap [ rml:template \"id/{name}\" ] .",
    )
    .unwrap();
    let options = RunOptions {
        redactions: vec![crate::Redaction {
            field: "name".into(),
            replacement: None,
        }],
        ..RunOptions::default()
    };
    let err = run(&loaded, &options, &mut CollectingSink::new()).unwrap_err();
    assert!(err.to_string().contains("only in CSV sources"), "{err}");
}
