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

/// Links for the fifth star: the demo mappings link periods to Wikidata and materials to AAT
/// (team crosswalks in data/) and Qing places to GeoNames (matched by Chinese name). The
/// summary counts the distinct links per target and the dataset description publishes each
/// count as a VoID linkset; the expected numbers are computed here from the crosswalks, the
/// records and ../shared's GeoNames file, not written down.
#[test]
fn links_to_other_datasets_are_counted_and_published() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read = |file: &str| -> Vec<std::collections::HashMap<String, String>> {
        let mut reader = csv::Reader::from_path(repo.join("data").join(file)).expect("csv");
        reader.deserialize().map(|r| r.expect("row")).collect()
    };
    let objects = read("npm-objects.csv");
    let used = |column: &str, value: &str| objects.iter().any(|o| o[column] == value);
    let wikidata = read("period-wikidata.csv")
        .iter()
        .filter(|r| used("朝代", &r["朝代"]))
        .count();
    let materials = read("material-aat.csv")
        .iter()
        .filter(|r| used("材質", &r["材質"]))
        .count();
    assert!(wikidata > 0 && materials > 0);

    // GeoNames: a place links when exactly one Taiwan place has that Han name (臺 = 台).
    let geonames: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.join("../shared/data/geonames/cities1000_TW.json"))
            .expect("../shared/data/geonames"),
    )
    .expect("json");
    let fold = |s: &str| s.trim().replace('臺', "台");
    let places: std::collections::BTreeSet<String> = read("qing-archives.csv")
        .iter()
        .map(|r| r["地點"].clone())
        .filter(|p| !p.is_empty())
        .collect();
    let mut expected_places = Vec::new();
    for place in &places {
        let ids: Vec<u64> = geonames
            .as_object()
            .expect("object")
            .values()
            .filter(|g| {
                g["alternatenames"]
                    .as_array()
                    .expect("names")
                    .iter()
                    .any(|n| fold(n.as_str().unwrap_or_default()) == fold(place))
            })
            .map(|g| g["geonameid"].as_u64().expect("id"))
            .collect();
        if let [id] = ids.as_slice() {
            expected_places.push((place.clone(), *id));
        }
    }
    assert!(
        expected_places.len() >= 3,
        "the demo names several Taiwan places: {expected_places:?}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let rejects = dir.path().join("r.jsonl");
    let npm = ingest(
        &repo.join("data/mappings/npm-objects.rml.ttl"),
        &store,
        BASE,
        &rejects,
    );
    assert!(
        npm.contains(&format!("Wikidata {wikidata},")),
        "Wikidata links counted: {npm}"
    );
    let qing = ingest(
        &repo.join("data/mappings/qing-archives.rml.ttl"),
        &store,
        BASE,
        &rejects,
    );
    assert!(
        qing.contains(&format!("links: GeoNames {}", expected_places.len())),
        "GeoNames links counted: {qing}"
    );

    let s = Store::open(&store).expect("open");
    let graph = NamedNode::new_unchecked(format!("{BASE}graph/qing-archives"));
    let triples: Vec<String> = s
        .graph_triples(graph.as_ref())
        .map(|t| t.expect("triple").to_string())
        .collect();
    for (place, id) in &expected_places {
        let subject = format!("<{BASE}id/place/{place}>");
        let link = format!(
            "{subject} <http://www.w3.org/2004/02/skos/core#closeMatch> <https://sws.geonames.org/{id}/>"
        );
        assert!(triples.contains(&link), "missing {link}");
    }
    let linkset = format!("<{BASE}id/dataset/qing-archives#links-geonames>");
    let count = format!(
        "{linkset} <http://rdfs.org/ns/void#triples> \"{}\"^^<http://www.w3.org/2001/XMLSchema#integer>",
        expected_places.len()
    );
    assert!(
        triples.contains(&count),
        "VoID linkset with the count: {count}"
    );
    let npm_graph = NamedNode::new_unchecked(format!("{BASE}graph/npm-objects"));
    let npm_triples: Vec<String> = s
        .graph_triples(npm_graph.as_ref())
        .map(|t| t.expect("triple").to_string())
        .collect();
    let material_links = npm_triples
        .iter()
        .filter(|t| t.contains("skos/core#exactMatch> <http://vocab.getty.edu/aat/"))
        .count();
    assert_eq!(material_links, materials);
}

/// Dates in the demo mappings: the Qing records' reign-year dates become RiC-O normalised
/// values (DESIGN.md's two test vectors checked), every NPM object is published, and each NPM
/// date Jiyi cannot read is a warning naming the record's line and the field, with the date
/// still published as written.
#[test]
fn demo_dates_are_normalised_and_unreadable_ones_are_warned_about() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let qing_rejects = dir.path().join("qing.jsonl");
    let qing = ingest(
        &repo.join("data/mappings/qing-archives.rml.ttl"),
        &store,
        BASE,
        &qing_rejects,
    );
    assert!(qing.contains(" 0 rejected, 0 warnings"), "{qing}");
    let npm_rejects = dir.path().join("npm.jsonl");
    let npm = ingest(
        &repo.join("data/mappings/npm-objects.rml.ttl"),
        &store,
        BASE,
        &npm_rejects,
    );
    assert!(npm.contains(" 0 rejected"), "{npm}");

    let s = Store::open(&store).expect("open");
    let graph = NamedNode::new_unchecked(format!("{BASE}graph/qing-archives"));
    let values: Vec<String> = s
        .graph_triples(graph.as_ref())
        .map(|t| t.expect("triple"))
        .filter(|t| t.predicate.as_str().ends_with("#normalizedDateValue"))
        .map(|t| t.object.to_string())
        .collect();
    let dated = std::fs::read_to_string(repo.join("data/qing-archives.csv"))
        .expect("csv")
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(3).is_some_and(|d| !d.is_empty()))
        .count();
    assert_eq!(values.len(), dated, "one normalised value per dated record");
    for expected in ["\"1745-04-06\"", "\"1880-04-21\""] {
        assert!(
            values.iter().any(|v| v == expected),
            "{expected} in {values:?}"
        );
    }

    // Each warning names an object whose date is kept as written.
    let report = std::fs::read_to_string(&npm_rejects).expect("warnings report");
    let objects = std::fs::read_to_string(repo.join("data/npm-objects.csv")).expect("csv");
    let mut reader = csv::Reader::from_reader(objects.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let warnings: Vec<serde_json::Value> = report
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert!(!warnings.is_empty());
    let npm_graph = NamedNode::new_unchecked(format!("{BASE}graph/npm-objects"));
    let npm_triples: Vec<String> = s
        .graph_triples(npm_graph.as_ref())
        .map(|t| t.expect("triple").to_string())
        .collect();
    for w in &warnings {
        assert_eq!(w["kind"], "warning");
        assert_eq!(w["field"], "年代");
        let reason = w["reason"].as_str().expect("reason");
        let date = rows
            .iter()
            .map(|r| r.get(7).expect("年代"))
            .find(|d| !d.is_empty() && reason.contains(d))
            .unwrap_or_else(|| panic!("the reason names the date: {reason}"));
        assert!(
            npm_triples
                .iter()
                .any(|t| t.ends_with(&format!("\"{date}\"@zh-hant"))
                    || t.contains(&format!("\"{date}\"@zh-Hant"))),
            "{date} is still published as written"
        );
    }
}

/// Images as Linked Art represents them: object → Visual Item (P138i) → Digital Object
/// (la:digitally_shown_by) with its format, access point and the image's own licence, plus
/// schema:image for simple consumers. Expected values come from data/npm-images.csv.
#[test]
fn demo_images_are_digital_objects_with_their_licence() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut reader = csv::Reader::from_path(repo.join("data/npm-images.csv")).expect("csv");
    let images: Vec<std::collections::HashMap<String, String>> =
        reader.deserialize().map(|r| r.expect("row")).collect();
    assert!(!images.is_empty());
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let summary = ingest(
        &repo.join("data/mappings/npm-objects.rml.ttl"),
        &store,
        BASE,
        &dir.path().join("r.jsonl"),
    );
    assert!(summary.contains(" 0 rejected"), "{summary}");
    let s = Store::open(&store).expect("open");
    let graph = NamedNode::new_unchecked(format!("{BASE}graph/npm-objects"));
    let triples: std::collections::HashSet<String> = s
        .graph_triples(graph.as_ref())
        .map(|t| t.expect("triple").to_string())
        .collect();
    let has = |t: String| assert!(triples.contains(&t), "missing {t}");
    for image in &images {
        let object = format!("<{BASE}id/object/{}>", image["識別碼"]);
        let visual = format!(
            "<{BASE}id/object/{}#image-{}>",
            image["識別碼"], image["序號"]
        );
        let file = format!(
            "<{BASE}id/object/{}#image-{}-file>",
            image["識別碼"], image["序號"]
        );
        let url = format!("<{}>", image["影像網址"]);
        has(format!(
            "{object} <http://www.cidoc-crm.org/cidoc-crm/P138i_has_representation> {visual}"
        ));
        has(format!("{object} <https://schema.org/image> {url}"));
        has(format!(
            "{visual} <https://linked.art/ns/terms/digitally_shown_by> {file}"
        ));
        has(format!(
            "{file} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.ics.forth.gr/isl/CRMdig/D1_Digital_Object>"
        ));
        has(format!(
            "{file} <https://linked.art/ns/terms/access_point> {url}"
        ));
        has(format!(
            "{file} <http://purl.org/dc/terms/license> <{}>",
            image["授權"]
        ));
        has(format!(
            "{file} <http://purl.org/dc/elements/1.1/format> \"{}\"",
            image["媒體類型"]
        ));
    }
}
