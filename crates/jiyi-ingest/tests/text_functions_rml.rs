//! The language and key functions through the real RML engine, with the registry an ingest
//! uses: a function-valued `rml:languageMap` (`jiyi:languageTag`), a tagged-literal function
//! (`jiyi:taggedText`), a bilingual cell split (`jiyi:textInLanguage`) and a function-valued
//! subject (`jiyi:iriKey`) that mints the same IRI as the engine's template for a normal key.

use jiyi_rml::{CollectingSink, LoadOptions, Mapping, RunOptions};
use std::collections::BTreeSet;
use std::sync::Arc;

const MAPPING: &str = r#"
@prefix rml: <http://w3id.org/rml/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.com/> .
@prefix jiyi: <https://w3id.org/jiyi/ns#> .

<#Src> a rml:LogicalSource ;
  rml:source [ a rml:RelativePathSource ; rml:root rml:MappingDirectory ; rml:path "things.csv" ] ;
  rml:referenceFormulation rml:CSV .

<#ByKey> a rml:TriplesMap ; rml:logicalSource <#Src> ;
  rml:subjectMap [ rml:functionExecution [ rml:function jiyi:iriKey ;
      rml:input [ rml:parameter jiyi:identifier ; rml:inputValueMap [ rml:reference "id" ] ] ,
                [ rml:parameter jiyi:keyPrefix ; rml:inputValue "id/object/" ] ] ] ;
  rml:predicateObjectMap
    [ rml:predicate rdfs:label ;
      rml:objectMap [ rml:reference "name" ;
        rml:languageMap [ rml:functionExecution [ rml:function jiyi:languageTag ;
          rml:input [ rml:parameter jiyi:text ; rml:inputValueMap [ rml:reference "name" ] ] ] ] ] ] ,
    [ rml:predicate ex:tagged ;
      rml:objectMap [ rml:functionExecution [ rml:function jiyi:taggedText ;
          rml:input [ rml:parameter jiyi:text ; rml:inputValueMap [ rml:reference "name" ] ] ] ] ] ,
    [ rml:predicate ex:zh ;
      rml:objectMap [ rml:functionExecution [ rml:function jiyi:textInLanguage ;
          rml:input [ rml:parameter jiyi:text ; rml:inputValueMap [ rml:reference "name" ] ] ,
                    [ rml:parameter jiyi:language ; rml:inputValue "zh-Hant" ] ] ] ] ,
    [ rml:predicate ex:en ;
      rml:objectMap [ rml:functionExecution [ rml:function jiyi:textInLanguage ;
          rml:input [ rml:parameter jiyi:text ; rml:inputValueMap [ rml:reference "name" ] ] ,
                    [ rml:parameter jiyi:language ; rml:inputValue "en" ] ] ] ] .

<#ByTemplate> a rml:TriplesMap ; rml:logicalSource <#Src> ;
  rml:subjectMap [ rml:template "id/object/{id}" ] ;
  rml:predicateObjectMap [ rml:predicate ex:viaTemplate ; rml:object ex:yes ] .
"#;

const CSV: &str = "id,name\n\
DEMO-器物-0001,故宮 National Palace Museum\n\
ＤＥＭＯ－器物－０００２\u{3000},Ｊａｄｅｉｔｅ\u{00A0}\u{00A0}Cabbage\n\
A 17/3,郎世寧 Giuseppe Castiglione 作品\n\
\u{3000},nameless\n";

fn run() -> CollectingSink {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("things.csv"), CSV).expect("csv");
    let path = dir.path().join("m.rml.ttl");
    std::fs::write(&path, MAPPING).expect("mapping");
    let options = LoadOptions {
        functions: Some(Arc::new(jiyi_ingest::functions())),
        ..LoadOptions::default()
    };
    let mapping = Mapping::from_file_with(&path, &options).expect("mapping loads");
    let mut sink = CollectingSink::new();
    jiyi_rml::run(
        &mapping,
        &RunOptions {
            base_iri: Some("https://data.example.tw/".into()),
            ..RunOptions::default()
        },
        &mut sink,
    )
    .expect("run");
    sink
}

fn objects(sink: &CollectingSink, key: &str, predicate: &str) -> BTreeSet<String> {
    let subject = format!("<https://data.example.tw/id/object/{key}>");
    sink.quads
        .iter()
        .filter(|q| q.subject.to_string() == subject && q.predicate.as_str() == predicate)
        .map(|q| q.object.to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn language_and_key_functions_in_a_mapping() {
    let sink = run();
    let label = "http://www.w3.org/2000/01/rdf-schema#label";
    // Function-valued language map: mixed text is zh-Hant, Latin-only (after width folding) en.
    assert_eq!(
        objects(&sink, "DEMO-器物-0001", label),
        set(&["\"故宮 National Palace Museum\"@zh-hant"])
    );
    assert_eq!(
        objects(&sink, "DEMO-器物-0001", "http://example.com/zh"),
        set(&["\"故宮\"@zh-hant"])
    );
    assert_eq!(
        objects(&sink, "DEMO-器物-0001", "http://example.com/en"),
        set(&["\"National Palace Museum\"@en"])
    );
    // The full-width, space-padded identifier is the same key as its normal form; the
    // template over the raw cell makes a different (percent-encoded) IRI, which is why keys
    // go through jiyi:iriKey.
    assert_eq!(
        objects(&sink, "DEMO-器物-0002", "http://example.com/tagged"),
        set(&["\"Jadeite Cabbage\"@en"])
    );
    assert!(objects(&sink, "DEMO-器物-0002", "http://example.com/zh").is_empty());
    // A normal key: the function and the template mint the same IRI.
    assert_eq!(
        objects(&sink, "DEMO-器物-0001", "http://example.com/viaTemplate"),
        set(&["<http://example.com/yes>"])
    );
    assert_eq!(
        objects(&sink, "A%2017%2F3", "http://example.com/tagged"),
        set(&["\"郎世寧 Giuseppe Castiglione 作品\"@zh-hant"])
    );
    assert!(objects(&sink, "A%2017%2F3", "http://example.com/en").is_empty());
    assert_eq!(
        objects(&sink, "A%2017%2F3", "http://example.com/viaTemplate"),
        set(&["<http://example.com/yes>"])
    );
    // An identifier that is only white space: the record is rejected for that triples map,
    // with the reason.
    assert!(
        sink.rejects
            .iter()
            .any(|r| r.triples_map.contains("ByKey") && r.reason.contains("cannot be a key")),
        "{:?}",
        sink.rejects
    );
}

/// Subjects typed in ontologies/jiyi.ttl.
fn defined_terms() -> BTreeSet<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ontologies/jiyi.ttl");
    let text = std::fs::read(&path).expect("ontologies/jiyi.ttl");
    oxttl::TurtleParser::new()
        .for_slice(&text)
        .map(|t| t.expect("valid Turtle"))
        .filter(|t| t.predicate.as_str() == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        .map(|t| t.subject.to_string().trim_matches(['<', '>']).to_owned())
        .collect()
}

/// Every Jiyi function an ingest registers, and each of its parameters, has its FnO
/// description in the Jiyi vocabulary, so a steward can look up what a mapping calls.
#[test]
fn jiyi_functions_are_described_in_the_vocabulary() {
    let defined = defined_terms();
    let registry = jiyi_ingest::functions();
    let mut missing = Vec::new();
    let mut checked = 0;
    for iri in registry.iris() {
        if !iri.starts_with("https://w3id.org/jiyi/ns#") {
            continue;
        }
        checked += 1;
        if !defined.contains(iri) {
            missing.push(iri.to_owned());
        }
        let function = registry.get(iri).expect("registered");
        for parameter in function.parameters() {
            for name in &parameter.iris {
                if !defined.contains(name) {
                    missing.push(format!("{iri} parameter {name}"));
                }
            }
        }
    }
    assert!(checked >= 9, "dates, language and key functions: {checked}");
    assert!(
        missing.is_empty(),
        "not in ontologies/jiyi.ttl: {missing:?}"
    );
}

/// `jiyi:iriKey` reuses `jiyi_model::iri::encode_key`, and the RML engine encodes template
/// values with its own copy of the same rule (jiyi-rml does not depend on jiyi-model): for
/// every printable ASCII character and some non-ASCII ones, in identifiers that are already
/// normal, both must mint the same IRI.
#[test]
fn iri_key_and_template_agree_on_every_ascii_character() {
    let mut ids: Vec<String> = (0x21u8..=0x7E)
        .map(|b| format!("k{}k", char::from(b)))
        .collect();
    ids.extend(["a b", "Zoë", "器物-001", "𠀀", "故宮 博物院"].map(String::from));
    let mut csv = String::from("id\n");
    for id in &ids {
        csv.push('"');
        csv.push_str(&id.replace('"', "\"\""));
        csv.push_str("\"\n");
    }
    let mapping = r#"
@prefix rml: <http://w3id.org/rml/> .
@prefix ex: <http://example.com/> .
@prefix jiyi: <https://w3id.org/jiyi/ns#> .
<#Src> a rml:LogicalSource ;
  rml:source [ a rml:RelativePathSource ; rml:root rml:MappingDirectory ; rml:path "ids.csv" ] ;
  rml:referenceFormulation rml:CSV .
<#ByKey> a rml:TriplesMap ; rml:logicalSource <#Src> ;
  rml:subjectMap [ rml:functionExecution [ rml:function jiyi:iriKey ;
      rml:input [ rml:parameter jiyi:identifier ; rml:inputValueMap [ rml:reference "id" ] ] ,
                [ rml:parameter jiyi:keyPrefix ; rml:inputValue "id/t/" ] ] ] ;
  rml:predicateObjectMap [ rml:predicate ex:by ; rml:object ex:key ] .
<#ByTemplate> a rml:TriplesMap ; rml:logicalSource <#Src> ;
  rml:subjectMap [ rml:template "id/t/{id}" ] ;
  rml:predicateObjectMap [ rml:predicate ex:by ; rml:object ex:template ] .
"#;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("ids.csv"), csv).expect("csv");
    let path = dir.path().join("m.rml.ttl");
    std::fs::write(&path, mapping).expect("mapping");
    let options = LoadOptions {
        functions: Some(Arc::new(jiyi_ingest::functions())),
        ..LoadOptions::default()
    };
    let loaded = Mapping::from_file_with(&path, &options).expect("mapping loads");
    let mut sink = CollectingSink::new();
    jiyi_rml::run(
        &loaded,
        &RunOptions {
            base_iri: Some("https://data.example.tw/".into()),
            ..RunOptions::default()
        },
        &mut sink,
    )
    .expect("run");
    assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
    let subjects = |by: &str| -> BTreeSet<String> {
        sink.quads
            .iter()
            .filter(|q| q.object.to_string() == format!("<http://example.com/{by}>"))
            .map(|q| q.subject.to_string())
            .collect()
    };
    let (by_key, by_template) = (subjects("key"), subjects("template"));
    assert_eq!(by_key.len(), ids.len());
    assert_eq!(by_key, by_template);
}
