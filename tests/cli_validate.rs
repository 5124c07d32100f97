//! `jiyi validate` end to end: the demo datasets ingested by the real binary conform to the
//! profile shapes; a deliberately broken copy (mappings and a CSV cell edited here) gives
//! exactly the expected results and exit status 1; a bad shapes file is exit status 2 with the
//! Turtle error's line; and pyshacl, run on a dump of the same graphs with the same shapes,
//! agrees on the verdict and on every (focus node, path, constraint component).

mod support;

use jiyi_model::UriPolicy;
use jiyi_store::Store;
use oxrdfio::{RdfFormat, RdfSerializer};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use support::*;

const BASE: &str = "https://data.example.tw/";
const SH: &str = "http://www.w3.org/ns/shacl#";
const CRM: &str = "http://www.cidoc-crm.org/cidoc-crm/";
const RICO: &str = "https://www.ica.org/standards/RiC/ontology#";

/// `(dataset, focus node, path, constraint component)`, terms in N-Triples syntax.
type Finding = (String, String, Option<String>, String);

fn policy() -> UriPolicy {
    UriPolicy::new(BASE).expect("base")
}

/// Ingests every mapping of `data/mappings` (a copy or the real one) into a new store, except
/// those that read the real collections in `../shared` (Tate: minutes; tested in tests/tate.rs).
fn ingest_all(data: &Path, dir: &Path) -> PathBuf {
    let store = dir.join("store");
    let mut mappings: Vec<PathBuf> = std::fs::read_dir(data.join("mappings"))
        .expect("mappings")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ttl"))
        .filter(|p| {
            !std::fs::read_to_string(p)
                .expect("mapping")
                .contains("shared/data/")
        })
        .collect();
    mappings.sort();
    for mapping in mappings {
        ingest(&mapping, &store, BASE, &dir.join("rejects.jsonl"));
    }
    store
}

/// Runs `jiyi validate --format json` and returns its exit code and report.
fn validate_json(store: &Path) -> (i32, Value) {
    let out = jiyi(&[
        "validate",
        "--store",
        store.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    let code = out.status.code().expect("exit code");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "validate did not print JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, report)
}

fn findings(report: &Value) -> BTreeSet<Finding> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["dataset"].as_str().expect("dataset").to_owned(),
                r["focusNode"].as_str().expect("focus").to_owned(),
                r["path"].as_str().map(str::to_owned),
                r["sourceConstraintComponent"]
                    .as_str()
                    .expect("component")
                    .to_owned(),
            )
        })
        .collect()
}

fn csv_column(file: &Path, column: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_path(file).expect("csv");
    let index = reader
        .headers()
        .expect("headers")
        .iter()
        .position(|h| h == column)
        .expect("column");
    reader
        .records()
        .map(|r| r.expect("record")[index].to_owned())
        .collect()
}

fn iri(s: &str) -> String {
    format!("<{s}>")
}

/// Replaces `from` (which must occur exactly once) in a file.
fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).expect("read");
    assert_eq!(
        text.matches(from).count(),
        1,
        "{} no longer contains the text this test edits: {from}",
        file.display()
    );
    std::fs::write(file, text.replace(from, to)).expect("write");
}

/// A copy of `data/` with three kinds of damage, and the findings they must cause.
fn broken_copy(dir: &Path) -> (PathBuf, BTreeSet<Finding>) {
    let data = dir.join("data");
    std::fs::create_dir_all(data.join("mappings")).expect("mkdir");
    for entry in std::fs::read_dir(support::data()).expect("data") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|x| x == "csv") {
            std::fs::copy(&path, data.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    for name in ["npm-objects.rml.ttl", "qing-archives.rml.ttl"] {
        std::fs::copy(
            support::data().join("mappings").join(name),
            data.join("mappings").join(name),
        )
        .expect("copy mapping");
    }
    let npm = data.join("mappings/npm-objects.rml.ttl");
    let qing = data.join("mappings/qing-archives.rml.ttl");
    let policy = policy();
    let mut expected = BTreeSet::new();
    let component = |local: &str| format!("{SH}{local}");

    // 1. The dataset description loses its title.
    edit(
        &npm,
        "    dcterms:title \"國立故宮博物院典藏精選（示範資料）\"@zh-Hant ,\n        \"National Palace Museum highlights (demo data)\"@en ;\n",
        "",
    );
    expected.insert((
        "npm-objects".to_owned(),
        iri(policy.dataset("npm-objects").expect("iri").as_str()),
        Some(iri("http://purl.org/dc/terms/title")),
        component("MinCountConstraintComponent"),
    ));

    // 2. classified_as becomes a literal where Linked Art needs an IRI: every object.
    edit(
        &npm,
        "rml:objectMap [ rml:template \"id/concept/category/{分類}\" ] ] ;",
        "rml:objectMap [ rml:reference \"分類\" ] ] ;",
    );
    let objects = csv_column(&data.join("npm-objects.csv"), "識別碼");
    for key in &objects {
        expected.insert((
            "npm-objects".to_owned(),
            iri(policy.thing("object", key).expect("iri").as_str()),
            Some(iri(&format!("{CRM}P2_has_type"))),
            component("NodeKindConstraintComponent"),
        ));
    }

    // 3. A height that is not a number: the height triples map rejects the record, the object
    //    still links to the dimension node, which is now missing (a dangling dimension).
    edit(
        &data.join("npm-objects.csv"),
        ",206.3,103.3,",
        ",206.3 公分,103.3,",
    );
    expected.insert((
        "npm-objects".to_owned(),
        iri(policy.thing("object", &objects[0]).expect("iri").as_str()),
        Some(iri(&format!("{CRM}P43_has_dimension"))),
        component("ClassConstraintComponent"),
    ));

    // 4. Archive records lose rico:title: every record.
    edit(
        &qing,
        "    rml:predicateObjectMap [ rml:predicate rico:title ;\n        rml:objectMap [ rml:reference \"題名\" ; rml:language \"zh-Hant\" ] ] ;\n",
        "",
    );
    for key in csv_column(&data.join("qing-archives.csv"), "統一編號") {
        expected.insert((
            "qing-archives".to_owned(),
            iri(policy.thing("record", &key).expect("iri").as_str()),
            Some(iri(&format!("{RICO}title"))),
            component("MinCountConstraintComponent"),
        ));
    }
    (data, expected)
}

#[test]
fn demo_data_conforms() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ingest_all(&support::data(), dir.path());
    let text = jiyi_ok(&["validate", "--store", store.to_str().expect("utf-8")]);
    assert!(
        text.contains("npm-objects: ") && text.contains("qing-archives: "),
        "{text}"
    );
    let last = text.lines().last().expect("summary line");
    assert!(
        last.ends_with(" focus nodes checked, 0 violations"),
        "{text}"
    );

    let (code, report) = validate_json(&store);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["conforms"], true);
    // Every object, record, name, identifier… is a focus node: at least one per CSV row.
    let rows = csv_column(&support::data().join("npm-objects.csv"), "識別碼").len()
        + csv_column(&support::data().join("qing-archives.csv"), "統一編號").len();
    let focus = report["focusNodes"].as_u64().expect("focusNodes");
    assert!(
        focus as usize > 3 * rows,
        "only {focus} focus nodes for {rows} rows"
    );

    // One dataset only.
    let (code, report) = {
        let out = jiyi(&[
            "validate",
            "--store",
            store.to_str().expect("utf-8"),
            "--dataset",
            "qing-archives",
            "--format",
            "json",
        ]);
        (
            out.status.code(),
            serde_json::from_slice::<Value>(&out.stdout).expect("json"),
        )
    };
    assert_eq!(code, Some(0));
    let datasets = report["datasets"].as_array().expect("datasets");
    assert_eq!(datasets.len(), 1);
    assert_eq!(datasets[0]["dataset"], "qing-archives");
}

#[test]
fn broken_data_gives_exactly_the_expected_violations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (data, expected) = broken_copy(dir.path());
    let store = ingest_all(&data, dir.path());
    let (code, report) = validate_json(&store);
    assert_eq!(code, 1, "violations mean exit status 1");
    assert_eq!(report["conforms"], false);
    let found = findings(&report);
    let missing: Vec<_> = expected.difference(&found).collect();
    let unexpected: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "missing: {missing:#?}\nunexpected: {unexpected:#?}"
    );
    assert_eq!(
        report["violations"].as_u64(),
        Some(expected.len() as u64),
        "one result per finding"
    );
    for r in report["results"].as_array().expect("results") {
        assert_eq!(r["severity"], format!("{SH}Violation"));
        assert!(r["message"].as_str().is_some_and(|m| !m.is_empty()), "{r}");
    }
    let nodekind = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["sourceConstraintComponent"] == format!("{SH}NodeKindConstraintComponent"))
        .expect("a node kind result");
    assert!(
        nodekind["value"]
            .as_str()
            .is_some_and(|v| v.starts_with('"')),
        "the offending literal is reported: {nodekind}"
    );

    // The text report: one block per result and the summary line, exit status 1.
    let out = jiyi(&["validate", "--store", store.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().last().is_some_and(|l| l.ends_with(&format!(
            " focus nodes checked, {} violations",
            expected.len()
        ))),
        "{text}"
    );
    assert!(text.contains("  path    dcterms:title"), "{text}");
    assert!(
        text.contains("a dataset has a title"),
        "the shape's sh:message: {text}"
    );
}

#[test]
fn bad_shapes_are_an_error_with_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ingest_all(&support::data(), dir.path());
    let shapes = dir.path().join("bad.ttl");
    std::fs::write(
        &shapes,
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n<urn:s> sh:targetClass <urn:a class> ;\n  sh:property [ sh:path <urn:p> ; sh:minCount 1 ] .\n",
    )
    .expect("write");
    let out = jiyi(&[
        "validate",
        "--store",
        store.to_str().expect("utf-8"),
        "--shapes",
        shapes.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bad.ttl") && stderr.contains("line 3"),
        "{stderr}"
    );

    std::fs::write(
        &shapes,
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:s> sh:targetClass <urn:c> ; sh:closed true .\n",
    )
    .expect("write");
    let out = jiyi(&[
        "validate",
        "--store",
        store.to_str().expect("utf-8"),
        "--shapes",
        shapes.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("sh:closed is not supported"), "{stderr}");

    let out = jiyi(&[
        "validate",
        "--store",
        store.to_str().expect("utf-8"),
        "--dataset",
        "nope",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("npm-objects, qing-archives"),
        "lists the datasets: {stderr}"
    );

    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let out = jiyi(&["validate", "--store", empty.to_str().expect("utf-8")]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an empty directory is not a store"
    );
    assert_eq!(
        std::fs::read_dir(&empty).expect("dir").count(),
        0,
        "validate created nothing"
    );
}

/// Writes every published graph of `store` as N-Triples; returns `NAME=FILE` arguments.
fn dump_graphs(store: &Path, dir: &Path) -> Vec<String> {
    let s = Store::open(store).expect("open store");
    let policy = policy();
    let mut args = Vec::new();
    for graph in s.published_graphs().expect("graphs") {
        let name = policy
            .dataset_of_graph(graph.as_str())
            .expect("a dataset graph")
            .to_owned();
        let file = dir.join(format!("{name}.nt"));
        let out = std::fs::File::create(&file).expect("create");
        let mut serializer = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(out);
        for triple in s.graph_triples(graph.as_ref()) {
            serializer
                .serialize_triple(&triple.expect("triple"))
                .expect("write");
        }
        serializer.finish().expect("finish");
        args.push(format!("{name}={}", file.display()));
    }
    args
}

fn pyshacl(store: &Path, dir: &Path) -> BTreeMap<String, (bool, BTreeSet<Finding>)> {
    let args = dump_graphs(store, dir);
    let out = Command::new(python())
        .arg(root().join("tests/interop/shacl_check.py"))
        .arg(root().join("ontologies/shapes"))
        .args(&args)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "pyshacl failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: BTreeMap<String, Value> = serde_json::from_slice(&out.stdout).expect("json");
    report
        .into_iter()
        .map(|(name, v)| {
            let results = v["results"]
                .as_array()
                .expect("results")
                .iter()
                .map(|r| {
                    (
                        name.clone(),
                        r[0].as_str().expect("focus").to_owned(),
                        r[1].as_str().map(str::to_owned),
                        r[2].as_str().expect("component").to_owned(),
                    )
                })
                .collect();
            (name, (v["conforms"].as_bool().expect("conforms"), results))
        })
        .collect()
}

/// jiyi's report per dataset: verdict and findings.
fn jiyi_by_dataset(report: &Value) -> BTreeMap<String, (bool, BTreeSet<Finding>)> {
    let all = findings(report);
    report["datasets"]
        .as_array()
        .expect("datasets")
        .iter()
        .map(|d| {
            let name = d["dataset"].as_str().expect("name").to_owned();
            let mine: BTreeSet<Finding> = all.iter().filter(|f| f.0 == name).cloned().collect();
            (name, (mine.is_empty(), mine))
        })
        .collect()
}

#[test]
fn pyshacl_agrees_on_good_and_broken_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good");
    std::fs::create_dir_all(&good).expect("mkdir");
    let store = ingest_all(&support::data(), &good);
    let (_, report) = validate_json(&store);
    let reference = pyshacl(&store, &good);
    assert_eq!(jiyi_by_dataset(&report), reference);
    assert!(reference.values().all(|(conforms, _)| *conforms));

    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).expect("mkdir");
    let (data, expected) = broken_copy(&bad);
    let store = ingest_all(&data, &bad);
    let (_, report) = validate_json(&store);
    let reference = pyshacl(&store, &bad);
    assert_eq!(jiyi_by_dataset(&report), reference);
    let all: BTreeSet<Finding> = reference.values().flat_map(|(_, f)| f.clone()).collect();
    assert_eq!(all, expected, "pyshacl finds the planted damage too");
}
