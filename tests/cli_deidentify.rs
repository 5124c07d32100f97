//! De-identification end to end with the real binary and a real store: a 228-Incident-style
//! archive export (invented rows) whose mapping declares `jiyi:deidentify` rules on its dataset
//! node. After `jiyi ingest`, SPARQL over the store must find the masked and dropped values
//! nowhere — in no subject, no object, no graph — while the mask is there, and the run's
//! provenance must say which fields were withheld, how, and in how many records. The rejects
//! report and `jiyi map`'s output must not carry them either.

mod support;

use jiyi_store::model::Term;
use jiyi_store::{Query, QueryAnswer, QueryRequest, Store};
use std::collections::BTreeSet;
use support::*;

const BASE: &str = "https://data.example.tw/";

const MAPPING: &str = r#"
@prefix rml: <http://w3id.org/rml/> .
@prefix rico: <https://www.ica.org/standards/RiC/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix jiyi: <https://w3id.org/jiyi/ns#> .

[] a dcat:Dataset ; dcterms:identifier "petitions" ;
   dcterms:title "陳情案卷（虛構）"@zh-Hant ;
   jiyi:accessClass jiyi:LimitedUse ;
   dcterms:license <https://data.gov.tw/license> ;
   dcterms:rightsHolder "示範檔案館"@zh-Hant ;
   jiyi:deidentify [ jiyi:field "姓名" ; jiyi:action jiyi:Mask ] ,
                   [ jiyi:field "身分證字號" ; jiyi:action jiyi:Drop ] .

<#Files> a rml:TriplesMap ;
  rml:logicalSource [ a rml:LogicalSource ;
    rml:source [ a rml:RelativePathSource ; rml:root rml:MappingDirectory ; rml:path "petitions.csv" ] ;
    rml:null "" ;
    rml:referenceFormulation rml:CSV ] ;
  rml:subjectMap [ rml:template "id/record/{檔號}" ; rml:class rico:Record ] ;
  rml:predicateObjectMap
    [ rml:predicate rdfs:label ; rml:objectMap [ rml:template "{姓名}陳情案（{檔號}）" ; rml:termType rml:Literal ; rml:language "zh-Hant" ] ] ,
    [ rml:predicate rico:scopeAndContent ; rml:objectMap [ rml:reference "事由" ; rml:language "zh-Hant" ] ] ,
    [ rml:predicate rico:identifier ; rml:objectMap [ rml:reference "身分證字號" ] ] ,
    [ rml:predicate rico:hasOrHadSubject ; rml:objectMap [ rml:template "id/agent/{姓名}" ] ] ,
    [ rml:predicate rdfs:seeAlso ; rml:objectMap [ rml:reference "連結" ; rml:termType rml:IRI ] ] .
"#;

/// Invented rows. The third has no name; the fourth has a link that is not an IRI, so it is
/// rejected — and its reject must not quote the name either.
const CSV: &str = "檔號,姓名,身分證字號,事由,連結\n\
A0001,林茂生,A100000001,陳情家屬下落,https://example.org/a\n\
A0002,王添灯,B200000002,請求發還財產,https://example.org/b\n\
A0003,,,機關函轉陳情書,https://example.org/c\n\
A0004,陳澄波,,請求查明死因,not an iri\n";

const SECRETS: &[&str] = &["林茂生", "王添灯", "陳澄波", "A100000001", "B200000002"];

fn ask(store: &Store, query: &str) -> bool {
    let query = Query::parse(query, Some(BASE)).expect("query");
    match store.query(&QueryRequest::new(&query)).expect("evaluate") {
        QueryAnswer::Boolean(b) => b,
        _ => panic!("not ASK"),
    }
}

#[test]
fn withheld_values_reach_nowhere_and_the_provenance_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("petitions.csv"), CSV).expect("csv");
    let mapping = dir.path().join("petitions.rml.ttl");
    std::fs::write(&mapping, MAPPING).expect("mapping");
    let store_path = dir.path().join("store");
    let rejects = dir.path().join("petitions.rejects.jsonl");
    let summary = ingest(&mapping, &store_path, BASE, &rejects);
    assert!(
        summary.contains("4 records read, 3 mapped, 1 rejected"),
        "{summary}"
    );
    // Names of records 1, 2 and 4 (the rejected one counts: it was read and withheld).
    assert!(
        summary.contains("de-identified: 姓名 withheld in 3 records"),
        "{summary}"
    );
    assert!(
        summary.contains("de-identified: 身分證字號 withheld in 2 records"),
        "{summary}"
    );
    let report = std::fs::read_to_string(&rejects).expect("rejects report");
    for secret in SECRETS {
        assert!(
            !report.contains(secret),
            "{secret} in the rejects report:\n{report}"
        );
    }

    let store = Store::open(&store_path).expect("open");
    // The published data is there...
    assert!(ask(
        &store,
        "ASK { <id/record/A0001> <https://www.ica.org/standards/RiC/ontology#scopeAndContent> \"陳情家屬下落\"@zh-Hant }"
    ));
    // ...with the mask where the name was, and no identity-card number at all.
    assert!(ask(
        &store,
        "ASK { <id/record/A0002> <http://www.w3.org/2000/01/rdf-schema#label> \"○○○陳情案（A0002）\"@zh-Hant }"
    ));
    assert!(!ask(
        &store,
        "ASK { ?s <https://www.ica.org/standards/RiC/ontology#identifier> ?id }"
    ));
    // No secret anywhere: subject, predicate or object, in any published graph or the default
    // graph, raw or percent-encoded.
    for secret in SECRETS {
        let encoded: String = secret.bytes().map(|b| format!("%{b:02X}")).collect();
        for needle in [secret.to_string(), encoded] {
            let query = format!(
                "ASK {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }}
                   FILTER(CONTAINS(STR(?s), \"{needle}\") || CONTAINS(STR(?p), \"{needle}\") || CONTAINS(STR(?o), \"{needle}\")) }}"
            );
            assert!(!ask(&store, &query), "{needle} is in the store");
        }
    }

    // The provenance: which field, which action, how many records.
    let query = Query::parse(
        "PREFIX jiyi: <https://w3id.org/jiyi/ns#>
         PREFIX prov: <http://www.w3.org/ns/prov#>
         SELECT ?field ?action ?n WHERE {
           <id/dataset/petitions> prov:wasGeneratedBy ?run .
           ?run jiyi:deidentification ?d .
           ?d a jiyi:Deidentification ; jiyi:field ?field ; jiyi:action ?action ; jiyi:valuesWithheld ?n }",
        Some(BASE),
    )
    .expect("query");
    let QueryAnswer::Solutions(solutions) = store.query(&QueryRequest::new(&query)).expect("query")
    else {
        panic!("not SELECT");
    };
    let found: BTreeSet<(String, String, String)> = solutions
        .map(|s| {
            let s = s.expect("solution");
            let text = |v: &str| match s.get(v) {
                Some(Term::Literal(l)) => l.value().to_owned(),
                Some(Term::NamedNode(n)) => n.as_str().to_owned(),
                other => format!("{other:?}"),
            };
            (text("field"), text("action"), text("n"))
        })
        .collect();
    let expected: BTreeSet<(String, String, String)> = [
        ("姓名", "https://w3id.org/jiyi/ns#Mask", "3"),
        ("身分證字號", "https://w3id.org/jiyi/ns#Drop", "2"),
    ]
    .iter()
    .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(found, expected);
    // The rules are published with the dataset description.
    assert!(ask(
        &store,
        "ASK { <id/dataset/petitions> <https://w3id.org/jiyi/ns#deidentify> [ <https://w3id.org/jiyi/ns#field> \"姓名\" ] }"
    ));
    drop(store);

    // `jiyi map` applies the same rules without a store.
    let out = dir.path().join("petitions.nq");
    jiyi_ok(&[
        "map",
        "--mapping",
        mapping.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
        "--base",
        BASE,
    ]);
    let mapped = std::fs::read_to_string(&out).expect("output");
    assert!(mapped.contains("○○○陳情案"), "{mapped}");
    for secret in SECRETS {
        assert!(!mapped.contains(secret), "{secret} in jiyi map output");
    }
}
