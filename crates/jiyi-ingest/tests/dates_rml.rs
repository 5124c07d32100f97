//! The date functions through the real RML engine: a tiny Qing-archive mapping calls
//! `jiyi:dateBegin`, `jiyi:dateEnd`, `jiyi:dateCalendar` and `jiyi:dateQualifier` with the
//! registry an ingest uses (`jiyi_ingest::functions()`), and a bad date rejects its record
//! with the reason.

use jiyi_rml::{CollectingSink, LoadOptions, Mapping, RunOptions};
use std::sync::Arc;

const MAPPING: &str = r#"
@prefix rml: <http://w3id.org/rml/> .
@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix jiyi: <https://w3id.org/jiyi/ns#> .

<#Dates> a rml:TriplesMap ;
  rml:logicalSource [ a rml:LogicalSource ;
    rml:source [ a rml:RelativePathSource ; rml:root rml:MappingDirectory ; rml:path "records.csv" ] ;
    rml:referenceFormulation rml:CSV ] ;
  rml:subjectMap [ rml:template "https://data.example.tw/id/record/{id}#timespan" ] ;
  rml:predicateObjectMap
    [ rml:predicate rdfs:label ; rml:objectMap [ rml:reference "年份" ; rml:language "zh-Hant" ] ] ,
    [ rml:predicate crm:P82a_begin_of_the_begin ; rml:objectMap [ rml:functionExecution <#Begin> ] ] ,
    [ rml:predicate crm:P82b_end_of_the_end ; rml:objectMap [ rml:functionExecution <#End> ] ] ,
    [ rml:predicate jiyi:calendar ; rml:objectMap [ rml:functionExecution <#Calendar> ] ] ,
    [ rml:predicate jiyi:qualifier ; rml:objectMap [ rml:functionExecution <#Qualifier> ] ] .

<#Begin> rml:function jiyi:dateBegin ;
  rml:input [ rml:parameter jiyi:dateText ; rml:inputValueMap [ rml:reference "年份" ] ] ,
            [ rml:parameter jiyi:defaultDynasty ; rml:inputValue "清" ] .
<#End> rml:function jiyi:dateEnd ;
  rml:input [ rml:parameter jiyi:dateText ; rml:inputValueMap [ rml:reference "年份" ] ] .
<#Calendar> rml:function jiyi:dateCalendar ;
  rml:input [ rml:parameter jiyi:dateText ; rml:inputValueMap [ rml:reference "年份" ] ] .
<#Qualifier> rml:function jiyi:dateQualifier ;
  rml:input [ rml:parameter jiyi:dateText ; rml:inputValueMap [ rml:reference "年份" ] ] .
"#;

const CSV: &str =
    "id,年份\nA1,乾隆十年三月初五日\nA2,光緒二十年以前\nA3,民國112年8月\nA4,乾龍十年\nA5,1745\n";

fn object(sink: &CollectingSink, id: &str, predicate: &str) -> Vec<String> {
    let subject = format!("<https://data.example.tw/id/record/{id}#timespan>");
    let mut found: Vec<String> = sink
        .quads
        .iter()
        .filter(|q| q.subject.to_string() == subject && q.predicate.as_str() == predicate)
        .map(|q| q.object.to_string())
        .collect();
    found.sort();
    found
}

#[test]
fn mapping_calls_the_date_functions() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("records.csv"), CSV).expect("csv");
    let path = dir.path().join("m.rml.ttl");
    std::fs::write(&path, MAPPING).expect("mapping");
    let options = LoadOptions {
        functions: Some(Arc::new(jiyi_ingest::functions())),
        ..LoadOptions::default()
    };
    let mapping = Mapping::from_file_with(&path, &options).expect("mapping loads");
    let mut sink = CollectingSink::new();
    jiyi_rml::run(&mapping, &RunOptions::default(), &mut sink).expect("run");

    const BEGIN: &str = "http://www.cidoc-crm.org/cidoc-crm/P82a_begin_of_the_begin";
    const END: &str = "http://www.cidoc-crm.org/cidoc-crm/P82b_end_of_the_end";
    const CALENDAR: &str = "https://w3id.org/jiyi/ns#calendar";
    const QUALIFIER: &str = "https://w3id.org/jiyi/ns#qualifier";
    let xsd = |v: &str, t: &str| format!("\"{v}\"^^<http://www.w3.org/2001/XMLSchema#{t}>");

    assert_eq!(object(&sink, "A1", BEGIN), [xsd("1745-04-06", "date")]);
    assert_eq!(object(&sink, "A1", END), [xsd("1745-04-06", "date")]);
    assert_eq!(object(&sink, "A1", CALENDAR), ["\"chinese-lunisolar\""]);
    assert!(object(&sink, "A1", QUALIFIER).is_empty());
    // 以前: no begin, the end of 光緒20.
    assert!(object(&sink, "A2", BEGIN).is_empty());
    assert_eq!(object(&sink, "A2", END), [xsd("1895-01-25", "date")]);
    assert_eq!(object(&sink, "A2", QUALIFIER), ["\"before\""]);
    assert_eq!(object(&sink, "A3", BEGIN), [xsd("2023-08", "gYearMonth")]);
    assert_eq!(object(&sink, "A3", CALENDAR), ["\"minguo\""]);
    assert_eq!(object(&sink, "A5", END), [xsd("1745", "gYear")]);
    // The original text is kept beside the normalised values.
    assert_eq!(
        object(&sink, "A1", "http://www.w3.org/2000/01/rdf-schema#label"),
        ["\"乾隆十年三月初五日\"@zh-hant"]
    );
    // An unknown era rejects the record with the reason.
    assert!(object(&sink, "A4", BEGIN).is_empty());
    assert!(
        sink.rejects
            .iter()
            .any(|r| r.reason.contains("unknown era 乾龍")),
        "{:?}",
        sink.rejects
    );
}
