//! RML-Core conformance: runs every case under `../shared/conformance/rml/rml-core/test-cases`
//! with `jiyi-rml` and compares the output with the expected N-Quads as RDF datasets (blank
//! nodes compared by isomorphism).
//!
//! A case that expects an error passes when loading the mapping fails, the run fails, or the
//! run rejects at least one record (a data error is reported as a reject, and the run goes
//! on). A case that expects output passes when the run succeeds with no reject and the
//! output dataset is isomorphic to `output.nq`.
//!
//! Set `RML_CONFORMANCE_VERBOSE=1` to print the error each error case produced.
//!
//! Every case runs. A case that does not pass must be listed in `tests/skips/rml-core.txt`
//! as `CASE-ID reason`; the test fails on a failing case that is not listed, and on a listed
//! case that passes (a stale entry).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use jiyi_rml::{CollectingSink, Mapping, RunOptions, run};
use oxrdf::dataset::CanonicalizationAlgorithm;
use oxrdf::{Dataset, Quad};
use oxttl::NQuadsParser;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cases_dir() -> PathBuf {
    let dir = workspace_root().join("../shared/conformance/rml/rml-core/test-cases");
    dir.canonicalize().unwrap_or(dir)
}

fn read_skips() -> BTreeMap<String, String> {
    let path = workspace_root().join("tests/skips/rml-core.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut skips = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, reason) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        assert!(
            !reason.trim().is_empty(),
            "{}: skip entry {id} has no reason",
            path.display()
        );
        skips.insert(id.to_owned(), reason.trim().to_owned());
    }
    skips
}

struct Case {
    id: String,
    base_iri: String,
    mapping: String,
    output: String,
    error: bool,
}

fn read_cases(dir: &Path) -> Vec<Case> {
    let mut reader = csv::Reader::from_path(dir.join("metadata.csv")).expect("metadata.csv");
    let headers = reader.headers().expect("metadata header").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (id, base, mapping, output, error) = (
        column("ID"),
        column("base_iri"),
        column("mapping"),
        column("output1"),
        column("error"),
    );
    reader
        .records()
        .map(|record| {
            let record = record.expect("metadata record");
            let get = |i: usize| record.get(i).unwrap_or("").trim().to_owned();
            Case {
                id: get(id),
                base_iri: get(base),
                mapping: get(mapping),
                output: get(output),
                error: get(error).eq_ignore_ascii_case("true"),
            }
        })
        .collect()
}

fn dataset(quads: impl IntoIterator<Item = Quad>) -> Dataset {
    let mut dataset: Dataset = quads.into_iter().collect();
    dataset.canonicalize(CanonicalizationAlgorithm::Unstable);
    dataset
}

/// Runs one case: `Ok(())` when it passes, `Err(why)` otherwise.
fn run_case(dir: &Path, case: &Case) -> Result<(), String> {
    let case_dir = dir.join(&case.id);
    let options = RunOptions {
        base_iri: (!case.base_iri.is_empty()).then(|| case.base_iri.clone()),
    };
    let mapping_file = if case.mapping.is_empty() {
        "mapping.ttl"
    } else {
        case.mapping.as_str()
    };
    let outcome = Mapping::from_file(&case_dir.join(mapping_file)).and_then(|mapping| {
        let mut sink = CollectingSink::new();
        let summary = run(&mapping, &options, &mut sink)?;
        Ok((summary, sink))
    });
    if case.error {
        let verbose = std::env::var_os("RML_CONFORMANCE_VERBOSE").is_some();
        return match outcome {
            Err(e) => {
                if verbose {
                    println!("{}: error as expected: {e}", case.id);
                }
                Ok(())
            }
            Ok((_, sink)) if !sink.rejects.is_empty() => {
                if verbose {
                    println!("{}: reject as expected: {}", case.id, sink.rejects[0]);
                }
                Ok(())
            }
            Ok((_, sink)) => Err(format!(
                "expected an error, got {} quads and no reject",
                sink.quads.len()
            )),
        };
    }
    let (summary, sink) = outcome.map_err(|e| format!("unexpected error: {e}"))?;
    if let Some(reject) = sink.rejects.first() {
        return Err(format!("unexpected reject: {reject}"));
    }
    if summary.records_read != summary.records_mapped + summary.records_rejected {
        return Err(format!("counts do not add up: {summary:?}"));
    }
    let expected_file = case_dir.join(if case.output.is_empty() {
        "output.nq"
    } else {
        case.output.as_str()
    });
    let text =
        std::fs::read(&expected_file).map_err(|e| format!("{}: {e}", expected_file.display()))?;
    // Lenient: the rml:UnsafeIRI case expects IRIs with spaces.
    let expected: Vec<Quad> = NQuadsParser::new()
        .lenient()
        .for_slice(&text)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", expected_file.display()))?;
    let (expected, actual) = (dataset(expected), dataset(sink.quads));
    if expected == actual {
        return Ok(());
    }
    let missing: Vec<String> = expected
        .iter()
        .filter(|q| !actual.contains(*q))
        .map(|q| q.to_string())
        .collect();
    let extra: Vec<String> = actual
        .iter()
        .filter(|q| !expected.contains(*q))
        .map(|q| q.to_string())
        .collect();
    Err(format!(
        "output differs\n      missing: {missing:?}\n      extra: {extra:?}"
    ))
}

#[test]
fn rml_core_conformance() {
    let dir = cases_dir();
    assert!(
        dir.is_dir(),
        "conformance cases not found at {}",
        dir.display()
    );
    let skips = read_skips();
    let cases = read_cases(&dir);
    assert!(
        !cases.is_empty(),
        "no cases in {}",
        dir.join("metadata.csv").display()
    );

    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let mut problems = Vec::new();
    let mut skipped_list = Vec::new();
    for case in &cases {
        let result = run_case(&dir, case);
        match (result, skips.get(&case.id)) {
            (Ok(()), None) => passed += 1,
            (Ok(()), Some(_)) => {
                failed += 1;
                problems.push(format!(
                    "{}: passes but is listed in tests/skips/rml-core.txt (stale entry)",
                    case.id
                ));
            }
            (Err(_), Some(reason)) => {
                skipped += 1;
                skipped_list.push(format!("  {} {reason}", case.id));
            }
            (Err(why), None) => {
                failed += 1;
                problems.push(format!("{}: {why}", case.id));
            }
        }
    }
    for id in skips.keys() {
        if !cases.iter().any(|c| &c.id == id) {
            failed += 1;
            problems.push(format!(
                "{id}: listed in tests/skips/rml-core.txt but there is no such case"
            ));
        }
    }
    if !skipped_list.is_empty() {
        println!("skipped:");
        for line in &skipped_list {
            println!("{line}");
        }
    }
    for problem in &problems {
        println!("FAIL {problem}");
    }
    println!("rml-core: {passed} passed, {failed} failed, {skipped} skipped");
    assert!(
        problems.is_empty(),
        "{} rml-core conformance problem(s), see above",
        problems.len()
    );
}
