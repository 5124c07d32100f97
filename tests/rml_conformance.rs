//! RML conformance: runs every case of the RML-Core, RML-IO and RML-FNML test suites under
//! `../shared/conformance/rml/*/test-cases` with `jiyi-rml` and compares the output with the
//! expected files as RDF datasets (blank nodes compared by isomorphism, not text).
//!
//! Each case is copied to a temporary directory (the shared suite is never written to),
//! loaded with that directory as the working directory, and run with logical targets
//! written. `output1` (the default target) is compared with what the sink received;
//! `output2`/`output3` (RML-IO target dumps) with the files the run wrote, parsed by their
//! extension (`.gz` decompressed first).
//!
//! A case that expects an error passes when loading the mapping fails, the run fails, or the
//! run rejects at least one record (a data error is reported as a reject, and the run goes
//! on). A case that expects output passes when the run succeeds with no reject and every
//! expected dataset is isomorphic to the produced one.
//!
//! Every case runs. A case that does not pass must be listed in `tests/skips/rml-SUITE.txt`
//! as `CASE-ID reason`; the test fails on a failing case that is not listed, and on a listed
//! case that passes (a stale entry). Set `RML_CONFORMANCE_VERBOSE=1` to print the error each
//! error case produced and the reason each skipped case failed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use jiyi_rml::{
    CollectingSink, FunctionDefinition, FunctionRegistry, IDLAB_NS, LoadOptions, Mapping,
    RunOptions, run,
};
use oxrdf::dataset::CanonicalizationAlgorithm;
use oxrdf::{Dataset, Literal, Quad};
use oxrdfio::{RdfFormat, RdfParser};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cases_dir(suite: &str) -> PathBuf {
    let dir = workspace_root().join(format!("../shared/conformance/rml/{suite}/test-cases"));
    dir.canonicalize().unwrap_or(dir)
}

fn read_skips(suite: &str) -> BTreeMap<String, String> {
    let path = workspace_root().join(format!("tests/skips/{suite}.txt"));
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
    outputs: Vec<String>,
    error: bool,
}

fn read_cases(dir: &Path) -> Vec<Case> {
    let mut reader = csv::Reader::from_path(dir.join("metadata.csv")).expect("metadata.csv");
    let headers = reader.headers().expect("metadata header").clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let id = column("ID").expect("ID column");
    let (base, mapping, error) = (column("base_iri"), column("mapping"), column("error"));
    let outputs: Vec<usize> = ["output1", "output2", "output3"]
        .iter()
        .filter_map(|c| column(c))
        .collect();
    reader
        .records()
        .map(|record| {
            let record = record.expect("metadata record");
            let get = |i: Option<usize>| {
                i.and_then(|i| record.get(i))
                    .unwrap_or("")
                    .trim()
                    .to_owned()
            };
            Case {
                id: get(Some(id)),
                base_iri: get(base),
                mapping: get(mapping),
                outputs: outputs.iter().map(|i| get(Some(*i))).collect(),
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

/// Reads an RDF file whose syntax its extension tells (after an optional `.gz`).
fn read_rdf(path: &Path) -> Result<Vec<Quad>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    let (name, bytes) = match name.strip_suffix(".gz") {
        Some(inner) => {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(bytes.as_slice())
                .read_to_end(&mut out)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            (inner.to_owned(), out)
        }
        None => (name, bytes),
    };
    let format = match name.rsplit_once('.').map(|(_, e)| e) {
        Some("nq") => RdfFormat::NQuads,
        Some("nt") => RdfFormat::NTriples,
        Some("ttl") => RdfFormat::Turtle,
        Some("trig") => RdfFormat::TriG,
        Some("n3") => RdfFormat::N3,
        Some("rdfxml" | "rdf" | "xml") => RdfFormat::RdfXml,
        Some("jsonld") => RdfFormat::JsonLd {
            profile: oxrdfio::JsonLdProfileSet::empty(),
        },
        _ => return Err(format!("{name}: no RDF syntax known for this extension")),
    };
    // Lenient: the rml:UnsafeIRI case expects IRIs with spaces.
    RdfParser::from_format(format)
        .lenient()
        .for_slice(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn compare(expected: Vec<Quad>, actual: Vec<Quad>, what: &str) -> Result<(), String> {
    let (expected, actual) = (dataset(expected), dataset(actual));
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
        "{what} differs\n      missing: {missing:?}\n      extra: {extra:?}"
    ))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The functions the FNML suite's mappings call: the built-ins, plus the suite's own test
/// function `idlab-fn:alwaysReturnsABC` (not a library function), registered through the
/// public extension point exactly as a caller would.
fn functions() -> Arc<FunctionRegistry> {
    let mut registry = FunctionRegistry::with_builtins();
    registry.register(
        FunctionDefinition::new(format!("{IDLAB_NS}alwaysReturnsABC"))
            .output([format!("{IDLAB_NS}_stringOut")])
            .implementation(|_| Ok(vec![Literal::new_simple_literal("ABC")])),
    );
    Arc::new(registry)
}

/// Runs one case: `Ok(())` when it passes, `Err(why)` otherwise.
fn run_case(dir: &Path, case: &Case, functions: &Arc<FunctionRegistry>) -> Result<(), String> {
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let work = scratch.path().join(&case.id);
    copy_dir(&dir.join(&case.id), &work);
    // Dumps in the case directory are expected outputs: remove them so a case passes only
    // if the run writes them.
    for output in case.outputs.iter().skip(1).filter(|o| !o.is_empty()) {
        let _ = std::fs::remove_file(work.join(output));
    }
    let load = LoadOptions {
        working_directory: Some(work.clone()),
        functions: Some(Arc::clone(functions)),
        ..LoadOptions::default()
    };
    let options = RunOptions {
        base_iri: (!case.base_iri.is_empty()).then(|| case.base_iri.clone()),
        write_logical_targets: true,
        ..RunOptions::default()
    };
    let mapping_file = if case.mapping.is_empty() {
        "mapping.ttl"
    } else {
        case.mapping.as_str()
    };
    let outcome = Mapping::from_file_with(&work.join(mapping_file), &load).and_then(|mapping| {
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
    let default_output = case
        .outputs
        .first()
        .filter(|o| !o.is_empty())
        .map_or("output.nq", String::as_str);
    let expected = read_rdf(&dir.join(&case.id).join(default_output))?;
    compare(expected, sink.quads, default_output)?;
    for dump in case.outputs.iter().skip(1).filter(|o| !o.is_empty()) {
        let expected = read_rdf(&dir.join(&case.id).join(dump))?;
        let actual = read_rdf(&work.join(dump))
            .map_err(|e| format!("the run did not write the target {dump}: {e}"))?;
        compare(expected, actual, dump)?;
    }
    Ok(())
}

/// Runs a suite and returns (passed, failed, skipped, problems).
fn run_suite(suite: &str) -> (usize, usize, usize, Vec<String>) {
    let dir = cases_dir(suite);
    assert!(
        dir.is_dir(),
        "conformance cases not found at {}",
        dir.display()
    );
    let skips = read_skips(suite);
    let cases = read_cases(&dir);
    assert!(
        !cases.is_empty(),
        "no cases in {}",
        dir.join("metadata.csv").display()
    );
    let functions = functions();
    let verbose = std::env::var_os("RML_CONFORMANCE_VERBOSE").is_some();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let mut problems = Vec::new();
    let mut skipped_list = Vec::new();
    for case in &cases {
        let result = run_case(&dir, case, &functions);
        match (result, skips.get(&case.id)) {
            (Ok(()), None) => passed += 1,
            (Ok(()), Some(_)) => {
                failed += 1;
                problems.push(format!(
                    "{}: passes but is listed in tests/skips/{suite}.txt (stale entry)",
                    case.id
                ));
            }
            (Err(why), Some(reason)) => {
                skipped += 1;
                skipped_list.push(format!("  {} {reason}", case.id));
                if verbose {
                    println!("{} (skipped) failed with: {why}", case.id);
                }
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
                "{id}: listed in tests/skips/{suite}.txt but there is no such case"
            ));
        }
    }
    if !skipped_list.is_empty() {
        println!("{suite} skipped:");
        for line in &skipped_list {
            println!("{line}");
        }
    }
    for problem in &problems {
        println!("FAIL {suite} {problem}");
    }
    println!("{suite}: {passed} passed, {failed} failed, {skipped} skipped");
    (passed, failed, skipped, problems)
}

/// One test for the three suites, run in sequence so the summary lines come together.
#[test]
fn rml_conformance() {
    let mut total = (0, 0, 0);
    let mut problems = Vec::new();
    for suite in ["rml-core", "rml-io", "rml-fnml"] {
        let (passed, failed, skipped, mut suite_problems) = run_suite(suite);
        total = (total.0 + passed, total.1 + failed, total.2 + skipped);
        problems.append(&mut suite_problems);
    }
    println!(
        "rml: {} passed, {} failed, {} skipped",
        total.0, total.1, total.2
    );
    assert!(
        problems.is_empty(),
        "{} RML conformance problem(s), see above",
        problems.len()
    );
}
