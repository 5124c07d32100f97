//! One test per SHACL Core feature: a tiny shapes graph and data graph, and the exact results
//! (focus node, constraint component, value) they must give.

use jiyi_shacl::{DataGraph, GraphReport, ShaclError, Shapes};
use oxttl::TurtleParser;

const PREFIXES: &str = "@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
";

fn shapes(ttl: &str) -> Shapes {
    Shapes::from_texts([("test.ttl".to_owned(), format!("{PREFIXES}{ttl}"))]).expect("shapes load")
}

fn data(ttl: &str) -> DataGraph {
    let text = format!("{PREFIXES}{ttl}");
    DataGraph::from_triples(
        TurtleParser::new()
            .for_slice(&text)
            .map(|t| t.expect("data parses")),
    )
}

fn run(shapes_ttl: &str, data_ttl: &str) -> GraphReport {
    shapes(shapes_ttl).validate(&mut data(data_ttl))
}

/// `(focus, component local name, value)` of every result, sorted.
fn summary(report: &GraphReport) -> Vec<(String, String, Option<String>)> {
    let mut out: Vec<_> = report
        .results
        .iter()
        .map(|r| {
            (
                r.focus_node.to_string(),
                r.component
                    .as_str()
                    .trim_start_matches("http://www.w3.org/ns/shacl#")
                    .to_owned(),
                r.value.as_ref().map(ToString::to_string),
            )
        })
        .collect();
    out.sort();
    out
}

fn one(focus: &str, component: &str, value: Option<&str>) -> (String, String, Option<String>) {
    (
        format!("<http://example.org/{focus}>"),
        component.to_owned(),
        value.map(str::to_owned),
    )
}

#[test]
fn class_follows_subclasses_and_rejects_literals() {
    let r = run(
        "ex:S sh:targetClass ex:Thing ; sh:property [ sh:path ex:maker ; sh:class ex:Agent ] .",
        "ex:Person rdfs:subClassOf ex:Agent .
         ex:a a ex:Thing ; ex:maker ex:p .  ex:p a ex:Person .
         ex:b a ex:Thing ; ex:maker ex:q , \"Anon\" .  ex:q a ex:Place .",
    );
    assert_eq!(
        summary(&r),
        vec![
            one("b", "ClassConstraintComponent", Some("\"Anon\"")),
            one(
                "b",
                "ClassConstraintComponent",
                Some("<http://example.org/q>")
            ),
        ]
    );
    assert_eq!(r.focus_nodes, 2);
}

#[test]
fn datatype_checks_the_type_and_the_lexical_form() {
    let r = run(
        "ex:S sh:targetClass ex:D ; sh:property [ sh:path ex:v ; sh:datatype xsd:decimal ] .",
        "ex:a a ex:D ; ex:v 1.5 .
         ex:b a ex:D ; ex:v \"12 cm\"^^xsd:decimal .
         ex:c a ex:D ; ex:v \"1.5\" .",
    );
    assert_eq!(
        summary(&r),
        vec![
            one(
                "b",
                "DatatypeConstraintComponent",
                Some("\"12 cm\"^^<http://www.w3.org/2001/XMLSchema#decimal>")
            ),
            one("c", "DatatypeConstraintComponent", Some("\"1.5\"")),
        ]
    );
}

#[test]
fn node_kind() {
    let r = run(
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:nodeKind sh:IRI ] .
         ex:N sh:targetClass ex:T ; sh:nodeKind sh:BlankNodeOrIRI .",
        "ex:a a ex:T ; ex:p ex:x , \"lit\" , [ ex:q 1 ] .",
    );
    let s = summary(&r);
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(
        s.iter()
            .all(|(f, c, _)| f == "<http://example.org/a>" && c == "NodeKindConstraintComponent")
    );
    assert!(s.iter().any(|(_, _, v)| v.as_deref() == Some("\"lit\"")));
}

#[test]
fn min_and_max_count() {
    let r = run(
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:title ; sh:minCount 1 ; sh:maxCount 2 ] .",
        "ex:none a ex:T .  ex:ok a ex:T ; ex:title \"x\" .  ex:many a ex:T ; ex:title \"x\" , \"y\" , \"z\" .",
    );
    assert_eq!(
        summary(&r),
        vec![
            one("many", "MaxCountConstraintComponent", None),
            one("none", "MinCountConstraintComponent", None),
        ]
    );
}

#[test]
fn min_and_max_length() {
    let r = run(
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:code ; sh:minLength 2 ; sh:maxLength 3 ] .",
        "ex:a a ex:T ; ex:code \"故宮\" , \"x\" , \"long\" .",
    );
    assert_eq!(
        summary(&r),
        vec![
            one("a", "MaxLengthConstraintComponent", Some("\"long\"")),
            one("a", "MinLengthConstraintComponent", Some("\"x\"")),
        ]
    );
}

#[test]
fn in_and_has_value() {
    let r = run(
        "ex:S sh:targetClass ex:T ;
           sh:property [ sh:path ex:state ; sh:in ( ex:original ex:copy ) ] ;
           sh:property [ sh:path rdf:type ; sh:hasValue ex:Record ] .",
        "ex:a a ex:T , ex:Record ; ex:state ex:original .
         ex:b a ex:T ; ex:state ex:draft .",
    );
    assert_eq!(
        summary(&r),
        vec![
            one("b", "HasValueConstraintComponent", None),
            one(
                "b",
                "InConstraintComponent",
                Some("<http://example.org/draft>")
            ),
        ]
    );
}

#[test]
fn pattern_with_flags_and_blank_nodes() {
    let r = run(
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:id ; sh:pattern \"^demo-[0-9]+$\" ; sh:flags \"i\" ] .",
        "ex:a a ex:T ; ex:id \"DEMO-12\" .  ex:b a ex:T ; ex:id \"x-1\" .  ex:c a ex:T ; ex:id [] .",
    );
    let s = summary(&r);
    assert_eq!(s.len(), 2, "{s:?}");
    assert_eq!(
        s[0],
        one("b", "PatternConstraintComponent", Some("\"x-1\""))
    );
    assert_eq!(
        s[1].0, "<http://example.org/c>",
        "a blank node has no string to match"
    );
}

#[test]
fn language_in_and_unique_lang() {
    let r = run(
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path rdfs:label ; sh:languageIn ( \"zh\" \"en\" ) ; sh:uniqueLang true ] .",
        "ex:a a ex:T ; rdfs:label \"故宮\"@zh-Hant , \"NPM\"@en .
         ex:b a ex:T ; rdfs:label \"Musée\"@fr , \"plain\" .
         ex:c a ex:T ; rdfs:label \"one\"@en , \"two\"@EN .",
    );
    assert_eq!(
        summary(&r),
        vec![
            one("b", "LanguageInConstraintComponent", Some("\"Musée\"@fr")),
            one("b", "LanguageInConstraintComponent", Some("\"plain\"")),
            one("c", "UniqueLangConstraintComponent", None),
        ]
    );
}

#[test]
fn node_and_logical_components() {
    let r = run(
        "ex:Named a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
         ex:Dated a sh:NodeShape ; sh:property [ sh:path ex:date ; sh:minCount 1 ] .
         ex:S sh:targetClass ex:T ;
           sh:property [ sh:path ex:part ; sh:node ex:Named ] ;
           sh:property [ sh:path ex:or ; sh:or ( ex:Named ex:Dated ) ] ;
           sh:property [ sh:path ex:and ; sh:and ( ex:Named ex:Dated ) ] ;
           sh:property [ sh:path ex:xone ; sh:xone ( ex:Named ex:Dated ) ] ;
           sh:property [ sh:path ex:not ; sh:not ex:Named ] .",
        "ex:n ex:name \"n\" .  ex:d ex:date \"d\" .  ex:nd ex:name \"n\" ; ex:date \"d\" .  ex:none ex:x 1 .
         ex:good a ex:T ; ex:part ex:n ; ex:or ex:d ; ex:and ex:nd ; ex:xone ex:n ; ex:not ex:d .
         ex:bad a ex:T ; ex:part ex:d ; ex:or ex:none ; ex:and ex:n ; ex:xone ex:nd ; ex:not ex:n .",
    );
    assert_eq!(
        summary(&r),
        vec![
            one(
                "bad",
                "AndConstraintComponent",
                Some("<http://example.org/n>")
            ),
            one(
                "bad",
                "NodeConstraintComponent",
                Some("<http://example.org/d>")
            ),
            one(
                "bad",
                "NotConstraintComponent",
                Some("<http://example.org/n>")
            ),
            one(
                "bad",
                "OrConstraintComponent",
                Some("<http://example.org/none>")
            ),
            one(
                "bad",
                "XoneConstraintComponent",
                Some("<http://example.org/nd>")
            ),
        ]
    );
}

#[test]
fn targets_node_subjects_of_objects_of_and_implicit_class() {
    let r = run(
        "ex:A sh:targetNode ex:x , ex:missing ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
         ex:B sh:targetSubjectsOf ex:creator ; sh:property [ sh:path ex:title ; sh:minCount 1 ] .
         ex:C sh:targetObjectsOf ex:creator ; sh:nodeKind sh:IRI .
         ex:Person a rdfs:Class , sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .",
        "ex:x ex:p 1 .  ex:r ex:creator ex:someone , \"anon\" .  ex:someone a ex:Person .",
    );
    let s = summary(&r);
    assert_eq!(
        s,
        vec![
            (
                "\"anon\"".to_owned(),
                "NodeKindConstraintComponent".to_owned(),
                Some("\"anon\"".to_owned())
            ),
            one("missing", "MinCountConstraintComponent", None),
            one("r", "MinCountConstraintComponent", None),
            one("someone", "MinCountConstraintComponent", None),
        ]
    );
    assert_eq!(
        r.focus_nodes, 5,
        "x, missing, r, someone (a target of two shapes), \"anon\""
    );
}

#[test]
fn sequence_inverse_alternative_and_transitive_paths() {
    let r = run(
        "ex:Seq sh:targetClass ex:Obj ; sh:property [ sh:path ( ex:identifiedBy rdf:type ) ; sh:hasValue ex:Name ] .
         ex:Inv sh:targetClass ex:Run ; sh:property [ sh:path [ sh:inversePath ex:generatedBy ] ; sh:minCount 1 ] .
         ex:Alt sh:targetClass ex:Obj ; sh:property [ sh:path [ sh:alternativePath ( rdfs:label ex:title ) ] ; sh:minCount 2 ] .
         ex:Star sh:targetClass ex:Obj ; sh:property [ sh:path [ sh:oneOrMorePath ex:partOf ] ; sh:hasValue ex:root ] .",
        "ex:o1 a ex:Obj ; ex:identifiedBy ex:n1 ; rdfs:label \"a\" ; ex:title \"b\" ; ex:partOf ex:mid .
         ex:n1 a ex:Name .  ex:mid ex:partOf ex:root .
         ex:o2 a ex:Obj ; ex:identifiedBy ex:i2 ; rdfs:label \"a\" ; ex:partOf ex:elsewhere .  ex:i2 a ex:Identifier .
         ex:run1 a ex:Run .  ex:d ex:generatedBy ex:run2 .  ex:run2 a ex:Run .",
    );
    assert_eq!(
        summary(&r),
        vec![
            one("o2", "HasValueConstraintComponent", None),
            one("o2", "HasValueConstraintComponent", None),
            one("o2", "MinCountConstraintComponent", None),
            one("run1", "MinCountConstraintComponent", None),
        ]
    );
    let paths: Vec<String> = r
        .results
        .iter()
        .filter_map(|x| x.path.as_ref().map(ToString::to_string))
        .collect();
    assert!(paths.contains(&"(<http://example.org/identifiedBy>/<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>)".to_owned()), "{paths:?}");
    assert!(
        paths.contains(&"^<http://example.org/generatedBy>".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"<http://example.org/partOf>+".to_owned()),
        "{paths:?}"
    );
}

#[test]
fn message_severity_and_deactivated() {
    let r = run(
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ;
             sh:message \"需要 p\"@zh-Hant , \"p is required\"@en ] .
         ex:Off sh:targetClass ex:T ; sh:deactivated true ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .",
        "ex:a a ex:T .",
    );
    assert_eq!(r.results.len(), 1, "{:?}", r.results);
    assert_eq!(r.results[0].message, "p is required");
    assert_eq!(
        r.results[0].severity.as_str(),
        "http://www.w3.org/ns/shacl#Warning"
    );
    assert!(!r.conforms());
}

#[test]
fn bad_shapes_are_refused_with_a_reason() {
    let load = |ttl: &str| Shapes::from_texts([("s.ttl".to_owned(), format!("{PREFIXES}{ttl}"))]);
    let err = load("ex:S sh:targetClass ex:T ; sh:closed true .").expect_err("unsupported");
    assert!(
        err.to_string().contains("sh:closed is not supported"),
        "{err}"
    );
    let err = load("ex:S sh:targetClass ex:T ; sh:node ex:S .").expect_err("recursive");
    assert!(err.to_string().contains("refers to itself"), "{err}");
    let err =
        load("ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:minCount \"one\" ] .")
            .expect_err("bad count");
    assert!(err.to_string().contains("sh:minCount"), "{err}");
    let err = load("ex:S sh:targetClass ex:T ; sh:property [ sh:datatype xsd:string ] .")
        .expect_err("no path");
    assert!(err.to_string().contains("has no sh:path"), "{err}");
    let err = load("ex:S sh:targetClass ex:T ; sh:pattern \"(\" .").expect_err("bad regex");
    assert!(err.to_string().contains("sh:pattern"), "{err}");
    let err = Shapes::from_texts([(
        "broken.ttl".to_owned(),
        "@prefix ex: <http://example.org/> .\nex:a ex:b .\n".to_owned(),
    )])
    .expect_err("turtle");
    assert!(matches!(err, ShaclError::Turtle { .. }), "{err}");
    assert!(
        err.to_string().contains("broken.ttl") && err.to_string().contains("line 2"),
        "{err}"
    );
}

#[test]
fn blank_nodes_of_different_files_stay_apart() {
    let a = format!(
        "{PREFIXES}ex:A sh:targetClass ex:T ; sh:property _:p .  _:p sh:path ex:a ; sh:minCount 1 ."
    );
    let b = format!(
        "{PREFIXES}ex:B sh:targetClass ex:T ; sh:property _:p .  _:p sh:path ex:b ; sh:minCount 1 ."
    );
    let shapes =
        Shapes::from_texts([("a.ttl".to_owned(), a), ("b.ttl".to_owned(), b)]).expect("load");
    let r = shapes.validate(&mut data("ex:x a ex:T ; ex:a 1 ; ex:b 2 ."));
    assert!(
        r.conforms(),
        "each file's _:p keeps its own path: {:?}",
        r.results
    );
}

#[test]
fn the_embedded_profile_shapes_load() {
    let shapes = Shapes::embedded().expect("embedded shapes");
    for file in ["dcat.ttl", "linked-art.ttl", "rico.ttl"] {
        assert!(
            Shapes::embedded_files().contains(&file),
            "{file} is embedded"
        );
    }
    assert!(shapes.len() > 20, "{} shapes", shapes.len());
}

#[test]
fn inverse_of_a_complex_path_and_zero_or_more() {
    let r = run(
        "ex:S sh:targetClass ex:Name ;
           sh:property [ sh:path [ sh:inversePath ( ex:identifiedBy ex:content ) ] ; sh:minCount 1 ] .
         ex:Z sh:targetClass ex:Part ;
           sh:property [ sh:path [ sh:zeroOrMorePath ex:partOf ] ; sh:hasValue ex:root ] .",
        "ex:obj ex:identifiedBy ex:n .  ex:n ex:content ex:text .  ex:text a ex:Name .  ex:orphan a ex:Name .
         ex:root a ex:Part .  ex:leaf a ex:Part ; ex:partOf ex:root .  ex:lost a ex:Part .",
    );
    assert_eq!(
        summary(&r),
        vec![
            one("lost", "HasValueConstraintComponent", None),
            one("orphan", "MinCountConstraintComponent", None),
        ]
    );
}
