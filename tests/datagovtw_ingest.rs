//! The catalogue profile end to end: `data/mappings/datagovtw.rml.ttl` ingested by the real
//! `jiyi` binary into a real store, over the team's sample records and over all 956 records of
//! data.gov.tw's export in `../shared/data/datagovtw-dgtw` (read in place, never copied). Every
//! record is published or rejected with a reason naming file and field; the triples of known
//! records match their JSON files (expected values are read from the files, not written
//! here); every catalogued dataset has a licence IRI and a publisher; pyshacl (not ours)
//! validates the published graph against `ontologies/shapes/dcat-catalogue.ttl`.

mod support;

use jiyi_store::{Query, QueryAnswer, QueryRequest, Store};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use support::*;

const BASE: &str = "https://data.example.tw/";
const GRAPH: &str = "https://data.example.tw/graph/datagovtw";
const OGDL: &str = "https://data.gov.tw/license";
/// Triples maps of the mapping that read each file once (`<#Records>`, iterator `$`): the
/// dataset, its two counters, contact point, agency, category and service concepts, once for
/// the portal shape and once for the datapackage shape.
const MAPS_PER_FILE: u64 = 14;
/// The triples maps that publish or reject a dataset record (one per shape).
const DATASET_MAPS: [&str; 2] = ["<#Dataset>", "<#DpDataset>"];
/// Triples maps without a source (the two concept schemes): one iteration each.
const SOURCELESS_MAPS: u64 = 2;

fn mapping() -> PathBuf {
    data().join("mappings/datagovtw.rml.ttl")
}

fn shared_datasets() -> PathBuf {
    root().join("../shared/data/datagovtw-dgtw/Datasets")
}

/// Every `*.json` file below `dir`, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn read_json(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_slice(&std::fs::read(path).expect("read json")).ok()
}

fn ingest_input(store: &Path, input: &Path, rejects: &Path) -> String {
    jiyi_ok(&[
        "ingest",
        "--mapping",
        mapping().to_str().expect("utf-8"),
        "--store",
        store.to_str().expect("utf-8"),
        "--base",
        BASE,
        "--rejects",
        rejects.to_str().expect("utf-8"),
        "--input",
        input.to_str().expect("utf-8"),
    ])
}

/// `N records read, N mapped, N rejected` from an ingest summary.
fn counts(summary: &str) -> (u64, u64, u64) {
    let words: Vec<&str> = summary.split_whitespace().collect();
    let before = |word: &str| -> u64 {
        let i = words
            .iter()
            .position(|w| w.trim_end_matches(',') == word)
            .unwrap_or_else(|| panic!("no `{word}` in {summary}"));
        words[i - 1].parse().expect("a count")
    };
    (before("records"), before("mapped"), before("rejected"))
}

fn rejects_of(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .map(|text| {
            text.lines()
                .map(|l| serde_json::from_str(l).expect("json line"))
                .collect()
        })
        .unwrap_or_default()
}

/// A SELECT's rows as variable → N-Triples term text.
fn select(store: &Store, sparql: &str) -> Vec<BTreeMap<String, String>> {
    let query = Query::parse(sparql, Some(BASE)).expect("query parses");
    let QueryAnswer::Solutions(rows) = store.query(&QueryRequest::new(&query)).expect("query")
    else {
        panic!("not a SELECT");
    };
    rows.map(|row| {
        let row = row.expect("row");
        row.iter()
            .map(|(v, t)| (v.as_str().to_owned(), t.to_string()))
            .collect()
    })
    .collect()
}

fn values(store: &Store, subject: &str, predicate: &str) -> BTreeSet<String> {
    select(
        store,
        &format!("SELECT ?o WHERE {{ GRAPH <{GRAPH}> {{ <{subject}> <{predicate}> ?o }} }}"),
    )
    .into_iter()
    .filter_map(|row| row.get("o").cloned())
    .collect()
}

fn count(store: &Store, sparql_where: &str) -> u64 {
    let rows = select(
        store,
        &format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ {sparql_where} }} }}"),
    );
    let n = rows[0].get("n").expect("n");
    n.trim_start_matches('"')
        .split('"')
        .next()
        .expect("lexical")
        .parse()
        .expect("integer")
}

fn record_iri(node: &str) -> String {
    format!("{BASE}id/dataset-record/data.gov.tw/{node}")
}

fn lit(text: &str) -> String {
    format!("\"{text}\"@zh-hant")
}

/// `2017/06/01 08:00` → the xsd:dateTime the mapping must give (Taiwan time).
fn expected_modified(text: &str) -> String {
    let (date, time) = text.split_once(' ').expect("date and time");
    format!(
        "\"{}T{time}:00+08:00\"^^<http://www.w3.org/2001/XMLSchema#dateTime>",
        date.replace('/', "-")
    )
}

/// The number after `label` in a `瀏覽次數: N 下載次數: N 意見數: N` line, in whichever of
/// the four fields the export put it.
fn expected_count(record: &serde_json::Value, label: &str) -> Option<String> {
    ["Stats", "VIEWS", "DOWNLOAD", "COMMENTS"]
        .iter()
        .find_map(|field| {
            let text = record[*field].as_str()?;
            let tokens: Vec<&str> = text.split_whitespace().collect();
            if tokens.len() != 6 {
                return None;
            }
            let i = tokens.iter().position(|t| *t == format!("{label}:"))?;
            tokens.get(i + 1).map(|n| (*n).to_owned())
        })
}

/// Checks the published triples of one record against its JSON file.
fn check_record(store: &Store, record: &serde_json::Value) {
    let node = record["NODE"].as_str().expect("NODE");
    let iri = record_iri(node);
    let dcterms = |p: &str| format!("http://purl.org/dc/terms/{p}");
    let dcat = |p: &str| format!("http://www.w3.org/ns/dcat#{p}");
    assert_eq!(
        values(
            store,
            &iri,
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
        ),
        BTreeSet::from([
            format!("<{}>", dcat("Dataset")),
            "<https://schema.org/Dataset>".to_owned()
        ])
    );
    assert_eq!(
        values(store, &iri, &dcterms("title")),
        BTreeSet::from([lit(record["TITLE"].as_str().expect("TITLE").trim())]),
        "{node}"
    );
    let agency = record["AGENCY"].as_str().expect("AGENCY");
    let publisher = format!("<{BASE}id/agent/{agency}>");
    assert_eq!(
        values(store, &iri, &dcterms("publisher")),
        BTreeSet::from([publisher.clone()])
    );
    assert_eq!(
        values(
            store,
            publisher.trim_matches(['<', '>']),
            "http://xmlns.com/foaf/0.1/name"
        ),
        BTreeSet::from([lit(agency)])
    );
    assert_eq!(
        values(store, &iri, &dcterms("license")),
        BTreeSet::from([format!("<{OGDL}>")]),
        "{node}: {}",
        record["LICENCE"]
    );
    assert_eq!(
        values(store, &iri, &dcterms("modified")),
        BTreeSet::from([expected_modified(
            record["DATE_UPDATE_META"].as_str().expect("meta date")
        )])
    );
    let keywords: BTreeSet<String> = record["KEYWORDS"]
        .as_array()
        .expect("KEYWORDS")
        .iter()
        .filter_map(|k| k.as_str())
        .filter(|k| !k.is_empty())
        .map(lit)
        .collect();
    assert_eq!(values(store, &iri, &dcat("keyword")), keywords, "{node}");
    assert_eq!(
        values(store, &iri, &dcat("landingPage")),
        BTreeSet::from([format!("<https://data.gov.tw/dataset/{node}>")])
    );
    // Every resource whose URL is a plain absolute URL is a linked distribution with it.
    let urls: BTreeSet<String> = record["RESOURCE"]
        .as_array()
        .expect("RESOURCE")
        .iter()
        .filter_map(|r| r["RES_URL"].as_str())
        .filter(|u| u.starts_with("http") && !u.contains(['\\', ' ', '<']))
        .map(|u| format!("<{u}>"))
        .collect();
    let linked: BTreeSet<String> = select(
        store,
        &format!(
            "SELECT ?u WHERE {{ GRAPH <{GRAPH}> {{ <{iri}> <{}> ?d . ?d <{}> ?u }} }}",
            dcat("distribution"),
            dcat("accessURL")
        ),
    )
    .into_iter()
    .filter_map(|row| row.get("u").cloned())
    .collect();
    assert!(
        urls.is_subset(&linked),
        "{node}: {urls:?} not all in {linked:?}"
    );
    assert!(!linked.is_empty(), "{node} has distributions");
    for (label, action) in [("瀏覽次數", "ViewAction"), ("下載次數", "DownloadAction")] {
        let expected: BTreeSet<String> = expected_count(record, label)
            .map(|n| format!("\"{n}\"^^<http://www.w3.org/2001/XMLSchema#integer>"))
            .into_iter()
            .collect();
        let found: BTreeSet<String> = select(
            store,
            &format!(
                "SELECT ?n WHERE {{ GRAPH <{GRAPH}> {{ <{iri}> <https://schema.org/interactionStatistic> ?c . \
                 ?c <https://schema.org/interactionType> <https://schema.org/{action}> ; \
                 <https://schema.org/userInteractionCount> ?n }} }}"
            ),
        )
        .into_iter()
        .filter_map(|row| row.get("n").cloned())
        .collect();
        assert_eq!(found, expected, "{node} {label}");
    }
}

/// The dataset graph as N-Triples, for pyshacl.
fn export(store: &Store, out: &Path) {
    let query = Query::parse(
        &format!("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"),
        None,
    )
    .expect("construct");
    let QueryAnswer::Graph(triples) = store.query(&QueryRequest::new(&query)).expect("query")
    else {
        panic!("not a CONSTRUCT");
    };
    let mut text = String::new();
    for triple in triples {
        text.push_str(&triple.expect("triple").to_string());
        text.push_str(" .\n");
    }
    std::fs::write(out, text).expect("write n-triples");
}

/// Runs pyshacl over the graph; returns its report.
fn shacl(store: &Store, dir: &Path) -> (bool, String) {
    let nt = dir.join("catalogue.nt");
    export(store, &nt);
    let out = Command::new(python())
        .arg(root().join("tests/interop/dcat_catalogue_shacl.py"))
        .arg(&nt)
        .arg(root().join("ontologies/shapes/dcat-catalogue.ttl"))
        .output()
        .expect("run python");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), report)
}

/// How many focus nodes the report says a shape had.
fn targets(report: &str, shape: &str) -> u64 {
    report
        .lines()
        .find_map(|l| l.strip_prefix(&format!("targets {shape} ")))
        .unwrap_or_else(|| panic!("no count for {shape} in {report}"))
        .trim()
        .parse()
        .expect("count")
}

#[test]
fn sample_records_publish_and_bad_ones_are_rejected_with_file_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The team's own sample data (CC0) may be copied: good and bad records in one folder.
    let input = dir.path().join("input");
    for folder in ["datagovtw", "datagovtw-rejects"] {
        for file in json_files(&data().join(folder)) {
            let relative = file.strip_prefix(data()).expect("under data/");
            let target = input.join(relative);
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::copy(&file, &target).expect("copy");
        }
    }
    let files = json_files(&input);
    let store = dir.path().join("store");
    let rejects = dir.path().join("rejects.jsonl");
    let summary = ingest_input(&store, &input, &rejects);
    println!("{summary}");

    let lines = rejects_of(&rejects);
    let dataset_rejects: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["triples_map"] == "<#Dataset>")
        .collect();
    // 900004: unknown licence; 900005: not valid JSON.
    let rejected_files: BTreeSet<String> = dataset_rejects
        .iter()
        .map(|l| l["source"].as_str().expect("source").to_owned())
        .collect();
    assert_eq!(rejected_files.len(), 2, "{lines:#?}");
    let licence = dataset_rejects
        .iter()
        .find(|l| l["source"].as_str().is_some_and(|s| s.contains("900004")))
        .expect("900004 rejected");
    assert_eq!(licence["path"], "$");
    assert!(
        licence["field"]
            .as_str()
            .is_some_and(|f| f.starts_with("LICENCE via")),
        "{licence}"
    );
    assert!(
        licence["reason"]
            .as_str()
            .is_some_and(|r| r.contains("自訂授權條款")),
        "{licence}"
    );
    let broken = dataset_rejects
        .iter()
        .find(|l| l["source"].as_str().is_some_and(|s| s.contains("900005")))
        .expect("900005 rejected");
    assert!(
        broken["reason"]
            .as_str()
            .is_some_and(|r| r.contains("not valid JSON")),
        "{broken}"
    );
    let url = lines
        .iter()
        .find(|l| l["triples_map"] == "<#Distribution>" && l["field"] != serde_json::Value::Null)
        .expect("the bad resource URL is rejected");
    assert_eq!(url["path"], "$['RESOURCE'][0]");
    assert!(
        url["field"]
            .as_str()
            .is_some_and(|f| f.starts_with("RES_URL via"))
    );

    let store = Store::open(&store).expect("open store");
    let published = count(&store, "?d <http://www.w3.org/ns/dcat#landingPage> ?p");
    println!(
        "sample: {} files, {published} published, {} rejected",
        files.len(),
        rejected_files.len()
    );
    assert_eq!(published + rejected_files.len() as u64, files.len() as u64);
    for file in &files {
        if let Some(record) =
            read_json(file).filter(|r| r["LICENCE"] == "政府資料開放授權條款-第1版")
        {
            check_record(&store, &record);
        }
    }
    assert!(
        values(
            &store,
            &record_iri("900004"),
            "http://purl.org/dc/terms/title"
        )
        .is_empty(),
        "a rejected record is not published"
    );
    // The repaired URLs: an HTML link's href, and backslashes percent-encoded.
    let access: BTreeSet<String> = select(
        &store,
        &format!("SELECT ?u WHERE {{ GRAPH <{GRAPH}> {{ ?d <http://www.w3.org/ns/dcat#accessURL> ?u }} }}"),
    )
    .into_iter()
    .filter_map(|r| r.get("u").cloned())
    .collect();
    assert!(access.contains("<https://opendata.example.tw/api/library/branches?format=json>"));
    assert!(
        access.contains("<http://opendata.example.tw/Download/?file=%5CSHELTER%5C避難處所.zip>")
    );
    assert!(!access.iter().any(|u| u.contains("www>")), "{access:?}");

    let (conforms, report) = shacl(&store, dir.path());
    println!("{report}");
    assert!(conforms, "the sample must conform:\n{report}");
    assert_eq!(targets(&report, "jshape:CataloguedDataset"), published);
    assert!(targets(&report, "jshape:Distribution") >= 3, "{report}");
}

#[test]
fn the_shapes_catch_what_the_mapping_must_not_produce() {
    // pyshacl must say "does not conform" for a dataset without licence and a distribution
    // without access URL: otherwise a passing check above would prove nothing.
    let dir = tempfile::tempdir().expect("tempdir");
    let nt = dir.path().join("bad.nt");
    std::fs::write(
        &nt,
        "<https://data.example.tw/id/dataset-record/data.gov.tw/1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dcat#Dataset> .\n\
         <https://data.example.tw/id/dataset-record/data.gov.tw/1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/Dataset> .\n\
         <https://data.example.tw/id/dataset-record/data.gov.tw/1> <http://www.w3.org/ns/dcat#landingPage> <https://data.gov.tw/dataset/1> .\n\
         <https://data.example.tw/id/dataset-record/data.gov.tw/1> <http://purl.org/dc/terms/identifier> \"1\" .\n\
         <https://data.example.tw/id/dataset-record/data.gov.tw/1> <http://purl.org/dc/terms/title> \"一\"@zh-hant .\n\
         <https://data.example.tw/id/dataset-record/data.gov.tw/1> <http://www.w3.org/ns/dcat#distribution> _:d .\n\
         _:d <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dcat#Distribution> .\n",
    )
    .expect("write");
    let out = Command::new(python())
        .arg(root().join("tests/interop/dcat_catalogue_shacl.py"))
        .arg(&nt)
        .arg(root().join("ontologies/shapes/dcat-catalogue.ttl"))
        .output()
        .expect("run python");
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    println!("{report}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{report}");
    for path in [
        "http://purl.org/dc/terms/license",
        "http://purl.org/dc/terms/publisher",
        "http://www.w3.org/ns/dcat#accessURL",
    ] {
        assert!(
            report
                .lines()
                .any(|l| l.starts_with("violation") && l.contains(path)),
            "no violation for {path}:\n{report}"
        );
    }
}

#[test]
fn all_956_real_records_are_published_or_rejected_with_a_reason() {
    let datasets = shared_datasets();
    assert!(
        datasets.is_dir(),
        "{} is missing: this test reads data.gov.tw's export from ../shared beside the repository",
        datasets.display()
    );
    let files = json_files(&datasets);
    let records: Vec<(PathBuf, Option<serde_json::Value>)> =
        files.iter().map(|f| (f.clone(), read_json(f))).collect();
    // Distributions: RESOURCE entries (portal shape) and 資料資源 members (datapackage shape).
    let resources: u64 = records
        .iter()
        .filter_map(|(_, r)| {
            let r = r.as_ref()?;
            Some(
                r["RESOURCE"].as_array().map_or(0, Vec::len) as u64
                    + r["資料資源"].as_object().map_or(0, serde_json::Map::len) as u64,
            )
        })
        .sum();

    let dir = tempfile::tempdir().expect("tempdir");
    let store_dir = dir.path().join("store");
    let rejects = dir.path().join("rejects.jsonl");
    let summary = ingest_input(&store_dir, &datasets, &rejects);
    println!("{summary}");
    let (read, mapped, rejected) = counts(&summary);
    // Each file is one record for each triples map reading `$`; each RESOURCE entry one
    // record of <#Distribution>; the two concept schemes one each.
    let files_n = files.len() as u64;
    assert_eq!(
        read,
        MAPS_PER_FILE * files_n + resources + SOURCELESS_MAPS,
        "{summary}"
    );
    assert_eq!(read, mapped + rejected);

    let lines = rejects_of(&rejects);
    assert_eq!(lines.len() as u64, rejected, "one line per rejected record");
    let mut rejected_files = BTreeSet::new();
    for line in &lines {
        let source = PathBuf::from(line["source"].as_str().expect("source"));
        assert!(
            files.contains(&source),
            "a reject names the JSON file: {line}"
        );
        assert!(
            line["field"].as_str().is_some_and(|f| !f.is_empty()),
            "a reject names the field: {line}"
        );
        assert!(line["reason"].as_str().is_some_and(|r| !r.is_empty()));
        if DATASET_MAPS.contains(&line["triples_map"].as_str().expect("map")) {
            rejected_files.insert(source);
        }
    }

    let store = Store::open(&store_dir).expect("open store");
    let mut published_files = 0_u64;
    let mut published_nodes = BTreeSet::new();
    for (file, record) in &records {
        let node = record.as_ref().and_then(|r| {
            r["NODE"]
                .as_str()
                .or_else(|| r["title"].as_str().and(r["node"].as_str()))
        });
        let is_published = node.is_some_and(|n| {
            !values(
                &store,
                &record_iri(n),
                "http://purl.org/dc/terms/identifier",
            )
            .is_empty()
        });
        let is_rejected = rejected_files.contains(file);
        assert!(
            is_published != is_rejected,
            "{}: published {is_published}, rejected {is_rejected}",
            file.display()
        );
        if is_published {
            published_files += 1;
            published_nodes.extend(node.map(str::to_owned));
        }
    }
    let distribution_rejects = lines
        .iter()
        .filter(|l| {
            l["triples_map"] == "<#Distribution>" || l["triples_map"] == "<#DpDistribution>"
        })
        .count();
    // RML rejects per triples map: the distributions of a rejected record are still mapped by
    // their own triples map, but nothing links them. Every unlinked one must come from a
    // rejected file.
    let rejected_text: String = rejected_files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("read rejected file"))
        .collect();
    let unlinked: Vec<String> = select(
        &store,
        &format!(
            "SELECT ?u WHERE {{ GRAPH <{GRAPH}> {{ ?d a <http://www.w3.org/ns/dcat#Distribution> ; \
             <http://www.w3.org/ns/dcat#accessURL> ?u \
             FILTER NOT EXISTS {{ ?x <http://www.w3.org/ns/dcat#distribution> ?d }} }} }}"
        ),
    )
    .into_iter()
    .filter_map(|row| row.get("u").cloned())
    .collect();
    for url in &unlinked {
        assert!(
            rejected_text.contains(url.trim_matches(['<', '>'])),
            "{url} is linked from no dataset, yet its record was not rejected"
        );
    }
    println!(
        "data.gov.tw: {files_n} JSON files read, {published_files} published ({} distinct datasets: \
         the same dataset is filed under two themes), {} rejected; {resources} resources, \
         {distribution_rejects} distributions rejected, {} distributions of rejected records unlinked",
        published_nodes.len(),
        rejected_files.len(),
        unlinked.len()
    );
    assert_eq!(published_files + rejected_files.len() as u64, files_n);
    assert_eq!(
        count(&store, "?d <http://www.w3.org/ns/dcat#landingPage> ?p"),
        published_nodes.len() as u64
    );

    // Every catalogued dataset has a licence IRI and a publisher.
    assert_eq!(
        count(
            &store,
            "?d <http://www.w3.org/ns/dcat#landingPage> ?p . \
             FILTER NOT EXISTS { ?d <http://purl.org/dc/terms/license> ?l FILTER(isIRI(?l)) }"
        ),
        0
    );
    assert_eq!(
        count(
            &store,
            "?d <http://www.w3.org/ns/dcat#landingPage> ?p . \
             FILTER NOT EXISTS { ?d <http://purl.org/dc/terms/publisher> ?a . ?a a <http://www.w3.org/ns/org#Organization> }"
        ),
        0
    );

    // Known records, checked against their own files.
    for name in [
        "民生公共物聯網/0. 防災/37353. 新北市政府水利局_新北市颱風期間各型移動式抽水機佈設資訊.json",
        "民生公共物聯網/2. 空污/40448. 行政院環境保護署_空氣品質指標(AQI).json",
    ] {
        let record = read_json(&datasets.join(name)).expect("known record parses");
        check_record(&store, &record);
    }

    let (conforms, report) = shacl(&store, dir.path());
    println!("{}", report.lines().take(20).collect::<Vec<_>>().join("\n"));
    assert!(conforms, "the real records must conform:\n{report}");
    assert_eq!(
        targets(&report, "jshape:CataloguedDataset"),
        published_nodes.len() as u64
    );
}
