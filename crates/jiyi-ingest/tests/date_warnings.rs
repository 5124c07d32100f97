//! `jiyi:onError "warn"` through an ingest: an object whose date cannot be read is published
//! without its date, the rejects report lists a warning (`"kind": "warning"`,
//! `"published": true`) beside the real rejects, and the counts add up.

use jiyi_ingest::{PreparedIngest, SinkError, TripleSink};
use jiyi_model::UriPolicy;
use oxrdf::Triple;

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
    [ rml:predicate crm:P82a_begin_of_the_begin ; rml:objectMap [ rml:functionExecution <#Begin> ] ] ,
    [ rml:predicate crm:P82b_end_of_the_end ; rml:objectMap [ rml:functionExecution <#End> ] ] .

<#Begin> rml:function jiyi:dateBegin ; jiyi:onError "warn" ;
  rml:input [ rml:parameter jiyi:dateText ; rml:inputValueMap [ rml:reference "年代" ] ] .
<#End> rml:function jiyi:dateEnd ; jiyi:onError "warn" ;
  rml:input [ rml:parameter jiyi:dateText ; rml:inputValueMap [ rml:reference "年代" ] ] .

[] a dcat:Dataset ; dcterms:identifier "objects" ; dcterms:title "器物"@zh-Hant ;
  jiyi:accessClass jiyi:Open ;
  dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
  dcterms:rightsHolder [ <http://xmlns.com/foaf/0.1/name> "小機構"@zh-Hant ] .
"#;

/// A2's date cannot be read (a warning, A2 still published); A3's link is not an IRI (a
/// reject: the mapping did not ask for a warning there).
const CSV: &str = "id,name,年代,link\n\
    A1,鼎,北宋熙寧五年（1072）,https://example.org/a\n\
    A2,壺,清入關前,https://example.org/b\n\
    A3,盤,清代,https://example.org/not an iri\n\
    A4,尊,北宋熙寧五年（1071）,https://example.org/d\n";

#[derive(Default)]
struct Collect(Vec<Triple>);

impl TripleSink for Collect {
    fn triple(&mut self, triple: Triple) -> Result<(), SinkError> {
        self.0.push(triple);
        Ok(())
    }
}

#[test]
fn unreadable_dates_are_warnings_and_the_objects_are_published() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("objects.csv"), CSV).expect("csv");
    let mapping = dir.path().join("objects.rml.ttl");
    std::fs::write(&mapping, MAPPING).expect("mapping");
    let policy = UriPolicy::new("https://data.example.tw/").expect("policy");
    let ingest = PreparedIngest::new(&mapping, policy, None).expect("prepared");
    let rejects = dir.path().join("objects.rejects.jsonl");
    let mut sink = Collect::default();
    let report = ingest.run(&rejects, &mut sink).expect("run");

    let r = report.records;
    assert_eq!(
        (
            r.records_read,
            r.records_mapped,
            r.records_rejected,
            r.warnings
        ),
        (4, 3, 1, 2)
    );
    assert_eq!(r.records_read, r.records_mapped + r.records_rejected);
    let about = |id: &str, predicate: &str| -> Vec<String> {
        let subject = format!("<https://data.example.tw/id/object/{id}>");
        sink.0
            .iter()
            .filter(|t| {
                t.subject.to_string() == subject && t.predicate.as_str().ends_with(predicate)
            })
            .map(|t| t.object.to_string())
            .collect()
    };
    // A1: dated. A2 and A4: published, undated. A3: rejected, nothing published.
    assert_eq!(
        about("A1", "P82a_begin_of_the_begin"),
        ["\"1072-01-29\"^^<http://www.w3.org/2001/XMLSchema#date>"]
    );
    for id in ["A2", "A4"] {
        assert_eq!(about(id, "label").len(), 1, "{id} is published");
        assert!(
            about(id, "P82a_begin_of_the_begin").is_empty(),
            "{id} has no date"
        );
        assert!(
            about(id, "P82b_end_of_the_end").is_empty(),
            "{id} has no date"
        );
    }
    assert!(
        about("A3", "label").is_empty(),
        "the rejected record is not published"
    );

    let text = std::fs::read_to_string(&rejects).expect("rejects report");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let of_kind = |kind: &str| -> Vec<&serde_json::Value> {
        lines.iter().filter(|l| l["kind"] == kind).collect()
    };
    let warnings = of_kind("warning");
    let rejected = of_kind("reject");
    assert_eq!((warnings.len(), rejected.len()), (2, 1), "{text}");
    assert_eq!(warnings.len() as u64, r.warnings);
    // One warning per record and field although two functions left a term out.
    let a2 = warnings
        .iter()
        .find(|w| w["line"] == 3)
        .expect("A2's warning");
    assert_eq!(a2["published"], true);
    assert_eq!(a2["field"], "年代");
    let reason = a2["reason"].as_str().expect("reason");
    assert!(
        reason.contains("jiyi:dateBegin")
            && reason.contains("jiyi:dateEnd")
            && reason.contains("清入關前"),
        "{reason}"
    );
    let a4 = warnings
        .iter()
        .find(|w| w["line"] == 5)
        .expect("A4's warning");
    assert!(
        a4["reason"]
            .as_str()
            .is_some_and(|r| r.contains("disagrees")),
        "{a4}"
    );
    assert_eq!(rejected[0]["published"], false);
    assert_eq!(rejected[0]["line"], 4);
}
