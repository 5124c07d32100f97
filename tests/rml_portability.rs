//! Portability: every demo mapping in data/mappings runs unchanged in Morph-KGC (the peer RML
//! engine, installed by scripts/install-deps) and gives a graph isomorphic to `jiyi map`'s.
//! The comparison (tests/interop/morph_compare.py, rdflib) documents the two normalisations
//! it makes: Morph-KGC has no base IRI, and writes IRIs in URI form.
//! Where a demo mapping calls a Jiyi-only function (`jiyi:` namespace: dates, GeoNames
//! matching), both engines run a copy without the predicate-object maps that call it; the test
//! prints each map it left out, so what is not compared is visible. A mapping that cannot run
//! in Morph-KGC at all must be listed in `JIYI_ONLY` with the reason, and is then skipped.

mod support;

use oxrdf::{Term, Triple};
use oxrdfio::{RdfFormat, RdfParser, RdfSerializer};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::*;

const BASE: &str = "https://data.example.tw/";

/// Demo mappings Morph-KGC cannot run even without their Jiyi-only function maps, with why.
const JIYI_ONLY: &[(&str, &str)] = &[
    (
        "datagovtw.rml.ttl",
        "reads a folder of JSON files (Jiyi's folder source, which Morph-KGC does not read) and \
         checks required fields with Jiyi's catalogue functions in subject conditions; checked by \
         tests/datagovtw_ingest.rs",
    ),
    (
        "licensing-stats.rml.ttl",
        "the Data Cube's structure and data set IRIs are relative templates without a reference (`id/cube/licensing-stats`), which Morph-KGC 2.10 refuses (\"No pairs of unescaped curly braces\"); RML allows them",
    ),
    (
        "visitor-stats.rml.ttl",
        "the Data Cube's structure and data set IRIs are relative templates without a reference (`id/cube/visitor-stats-daily`), which Morph-KGC 2.10 refuses; RML allows them",
    ),
];

fn morph_python() -> String {
    std::env::var("JIYI_MORPH_PYTHON").unwrap_or_else(|_| {
        panic!("JIYI_MORPH_PYTHON is not set: run the suite with scripts/test, which installs Morph-KGC")
    })
}

#[test]
fn demo_mappings_give_isomorphic_graphs_in_morph_kgc() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut compared = 0;
    for mapping in demo_mappings() {
        let name = mapping
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_owned();
        if let Some((_, why)) = JIYI_ONLY.iter().find(|(m, _)| *m == name) {
            println!("SKIP {name}: {why}");
            continue;
        }
        let (mapping, left_out) = portable_copy(&mapping, dir.path());
        for map in &left_out {
            println!("{name}: not compared (calls a Jiyi-only function): {map}");
        }
        let jiyi_out = dir.path().join(format!("{name}.jiyi.nq"));
        jiyi_ok(&[
            "map",
            "--mapping",
            mapping.to_str().expect("utf-8"),
            "--out",
            jiyi_out.to_str().expect("utf-8"),
            "--base",
            BASE,
        ]);
        // Morph-KGC resolves source paths against its working directory: run it in the
        // mapping's folder, where the mapping's relative paths point.
        let morph_out: PathBuf = dir.path().join(format!("{name}.morph.nq"));
        let config = dir.path().join(format!("{name}.ini"));
        std::fs::write(
            &config,
            format!(
                "[CONFIGURATION]\noutput_file={}\noutput_format=N-QUADS\nlogging_level=WARNING\n\n[DataSource]\nmappings={}\n",
                morph_out.display(),
                mapping.display()
            ),
        )
        .expect("config");
        let morph = Command::new(morph_python())
            .args(["-m", "morph_kgc"])
            .arg(&config)
            .current_dir(mapping.parent().expect("folder"))
            .output()
            .expect("run Morph-KGC");
        assert!(
            morph.status.success(),
            "Morph-KGC failed on {name}:\n{}",
            String::from_utf8_lossy(&morph.stderr)
        );
        let compare = Command::new(python())
            .arg(root().join("tests/interop/morph_compare.py"))
            .args([BASE.as_ref(), jiyi_out.as_os_str(), morph_out.as_os_str()])
            .output()
            .expect("run the comparison");
        let report = String::from_utf8_lossy(&compare.stdout);
        println!("{name}: {report}");
        assert!(
            compare.status.success(),
            "{name}: Jiyi and Morph-KGC disagree:\n{report}\n{}",
            String::from_utf8_lossy(&compare.stderr)
        );
        compared += 1;
    }
    assert!(compared >= 2, "the demo mappings were compared");
}

const RML: &str = "http://w3id.org/rml/";
const JIYI: &str = "https://w3id.org/jiyi/ns#";

/// Writes a copy of `mapping` into `dir` without the predicate-object maps whose object map
/// calls a `jiyi:` function, with relative source paths made absolute (the copy lives
/// elsewhere); returns the copy and a description of each map left out.
fn portable_copy(mapping: &Path, dir: &Path) -> (PathBuf, Vec<String>) {
    let folder = mapping
        .parent()
        .expect("folder")
        .canonicalize()
        .expect("canonical");
    let base = format!(
        "file://{}",
        mapping.canonicalize().expect("canonical").display()
    );
    let text = std::fs::read(mapping).expect("read mapping");
    let triples: Vec<Triple> = RdfParser::from_format(RdfFormat::Turtle)
        .with_base_iri(&base)
        .expect("base")
        .for_slice(&text)
        .map(|q| q.expect("valid Turtle").into())
        .collect();
    let p = |local: &str| format!("{RML}{local}");
    let subjects_with = |predicate: &str, objects: &HashSet<Term>| -> HashSet<Term> {
        triples
            .iter()
            .filter(|t| t.predicate.as_str() == predicate && objects.contains(&t.object))
            .map(|t| Term::from(t.subject.clone()))
            .collect()
    };
    let jiyi_functions: HashSet<Term> = triples
        .iter()
        .filter(|t| t.predicate.as_str() == p("function"))
        .filter(|t| matches!(&t.object, Term::NamedNode(f) if f.as_str().starts_with(JIYI)))
        .map(|t| Term::from(t.subject.clone()))
        .collect();
    let object_maps = subjects_with(&p("functionExecution"), &jiyi_functions);
    let poms = subjects_with(&p("objectMap"), &object_maps);
    let mut left_out = Vec::new();
    let mut kept = Vec::new();
    for t in triples.iter().cloned() {
        if t.predicate.as_str() == p("predicateObjectMap") && poms.contains(&t.object) {
            let predicate = triples
                .iter()
                .find(|x| {
                    Term::from(x.subject.clone()) == t.object
                        && x.predicate.as_str() == p("predicate")
                })
                .map_or_else(|| "?".to_owned(), |x| x.object.to_string());
            left_out.push(format!("{} {predicate}", t.subject));
            continue;
        }
        let relative_path = (t.predicate.as_str() == p("source")
            || t.predicate.as_str() == p("path"))
        .then(|| match &t.object {
            Term::Literal(l) if !l.value().starts_with('/') => Some(l.value().to_owned()),
            _ => None,
        })
        .flatten();
        kept.push(match relative_path {
            Some(path) => Triple::new(
                t.subject,
                t.predicate,
                oxrdf::Literal::new_simple_literal(folder.join(path).display().to_string()),
            ),
            None => t,
        });
    }
    let name = mapping.file_name().expect("name").to_string_lossy();
    let copy = dir.join(format!("portable-{name}"));
    let mut serializer = RdfSerializer::from_format(RdfFormat::Turtle)
        .for_writer(std::fs::File::create(&copy).expect("create"));
    for t in &kept {
        serializer.serialize_triple(t).expect("write");
    }
    serializer.finish().expect("finish");
    (copy, left_out)
}
