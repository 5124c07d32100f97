//! Helpers shared by the tests that run the `jiyi` binary.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The workspace root (this file is in `tests/support/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// The demo data folder.
pub fn data() -> PathBuf {
    root().join("data")
}

/// The demo mappings, sorted: those in data/mappings whose dataset is marked
/// `jiyi:demoData true` (the Tate and data.gov.tw mappings there read `../shared` instead).
pub fn demo_mappings() -> Vec<PathBuf> {
    let mut m: Vec<PathBuf> = std::fs::read_dir(data().join("mappings"))
        .expect("data/mappings")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ttl"))
        .filter(|p| {
            std::fs::read_to_string(p)
                .expect("read mapping")
                .contains("jiyi:demoData true")
        })
        .collect();
    m.sort();
    assert!(!m.is_empty(), "no demo mappings");
    m
}

/// Runs `jiyi` with arguments and returns its output.
pub fn jiyi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jiyi"))
        .args(args)
        .output()
        .expect("run jiyi")
}

/// Runs `jiyi` and fails the test with its stderr unless it succeeds.
pub fn jiyi_ok(args: &[&str]) -> String {
    let out = jiyi(args);
    assert!(
        out.status.success(),
        "jiyi {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `jiyi ingest` of one mapping into `store` and returns its summary.
pub fn ingest(mapping: &Path, store: &Path, base: &str, rejects: &Path) -> String {
    jiyi_ok(&[
        "ingest",
        "--mapping",
        mapping.to_str().expect("utf-8"),
        "--store",
        store.to_str().expect("utf-8"),
        "--base",
        base,
        "--rejects",
        rejects.to_str().expect("utf-8"),
    ])
}

/// A `jiyi serve` process, killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl Server {
    /// Starts `jiyi serve` on an ephemeral port and waits until it says where it listens.
    pub fn start(store: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jiyi"))
            .args([
                "serve",
                "--store",
                store.to_str().expect("utf-8 path"),
                "--bind",
                "127.0.0.1:0",
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn jiyi serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read serve banner");
        // "Serving <base> at http://127.0.0.1:PORT/"
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("unexpected banner {line:?}"))
            .trim_end_matches('/')
            .to_owned();
        Self { child, url }
    }
}

impl Server {
    /// The server's process id (to look at the worker processes it starts).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The process ids of the server's children, from /proc (Linux).
    pub fn children(&self) -> std::collections::BTreeSet<u32> {
        let mut pids = std::collections::BTreeSet::new();
        let tasks = format!("/proc/{}/task", self.pid());
        for task in std::fs::read_dir(tasks).expect("/proc task list").flatten() {
            if let Ok(list) = std::fs::read_to_string(task.path().join("children")) {
                pids.extend(
                    list.split_whitespace()
                        .filter_map(|p| p.parse::<u32>().ok()),
                );
            }
        }
        pids
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python interpreter of the venv `scripts/install-deps` made (rdflib etc.).
pub fn python() -> String {
    std::env::var("JIYI_PYTHON").unwrap_or_else(|_| {
        panic!("JIYI_PYTHON is not set: run the suite with scripts/test, which installs rdflib and friends into a virtual environment")
    })
}

/// A temporary copy of the demo objects' mapping and every demo CSV beside it, which a test
/// edits and re-ingests (the objects' mapping joins several CSVs, so all are copied).
pub struct DemoObjects {
    /// The temporary folder (the mapping in `mappings/`, the CSVs, the store in `store/`).
    pub dir: tempfile::TempDir,
    /// The mapping copy.
    pub mapping: PathBuf,
    /// Where the store goes.
    pub store: PathBuf,
    /// The base IRI ingests use.
    pub base: String,
}

impl DemoObjects {
    /// The demo objects' dataset name.
    pub const DATASET: &'static str = "npm-objects";

    /// A fresh copy, ingested under `base`; nothing ingested yet.
    pub fn new(base: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mappings = dir.path().join("mappings");
        std::fs::create_dir(&mappings).expect("mkdir");
        let mapping = mappings.join(format!("{}.rml.ttl", Self::DATASET));
        std::fs::copy(
            data().join(format!("mappings/{}.rml.ttl", Self::DATASET)),
            &mapping,
        )
        .expect("mapping");
        for entry in std::fs::read_dir(data()).expect("data/") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "csv") {
                std::fs::copy(&path, dir.path().join(path.file_name().expect("name")))
                    .expect("csv");
            }
        }
        let store = dir.path().join("store");
        Self {
            dir,
            mapping,
            store,
            base: base.to_owned(),
        }
    }

    /// The objects CSV of the copy.
    pub fn csv(&self) -> PathBuf {
        self.dir.path().join(format!("{}.csv", Self::DATASET))
    }

    /// Where ingests write their rejects.
    pub fn rejects(&self) -> PathBuf {
        self.dir.path().join("rejects.jsonl")
    }

    /// Ingests the copy into its store; the summary.
    pub fn ingest(&self) -> String {
        ingest(&self.mapping, &self.store, &self.base, &self.rejects())
    }

    /// Runs `jiyi ARGS --store STORE`; its standard output.
    pub fn jiyi(&self, args: &[&str]) -> String {
        let mut all = args.to_vec();
        all.extend(["--store", self.store.to_str().expect("utf-8")]);
        jiyi_ok(&all)
    }

    /// The object keys of the CSV copy (column 0), read with a CSV parser.
    pub fn keys(&self) -> Vec<String> {
        csv::Reader::from_path(self.csv())
            .expect("csv")
            .records()
            .map(|r| r.expect("record")[0].to_owned())
            .collect()
    }

    /// Rewrites the objects CSV record by record (a record may span lines): `edit` returns the
    /// new row, or `None` to drop it.
    pub fn edit_rows(&self, edit: impl Fn(Vec<String>) -> Option<Vec<String>>) {
        let mut reader = csv::Reader::from_path(self.csv()).expect("read csv");
        let headers = reader.headers().expect("headers").clone();
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.expect("record").iter().map(str::to_owned).collect())
            .collect();
        let mut writer = csv::Writer::from_path(self.csv()).expect("write csv");
        writer.write_record(&headers).expect("headers");
        for row in rows.into_iter().filter_map(edit) {
            writer.write_record(&row).expect("row");
        }
        writer.flush().expect("flush");
    }

    /// Rewrites the CSV copy without the record whose key is `key`.
    pub fn drop_row(&self, key: &str) {
        self.edit_rows(|row| (row[0] != key).then_some(row));
    }
}

/// The first value of a one-row SPARQL SELECT that counts (`SELECT (COUNT(…) AS ?n)`), asked
/// over HTTP from the server at `server` (`http://127.0.0.1:PORT`).
pub fn sparql_count(server: &str, query: &str) -> u64 {
    let body = reqwest::blocking::Client::new()
        .post(format!("{server}/sparql"))
        .header("Content-Type", "application/sparql-query")
        .header("Accept", "application/sparql-results+json")
        .body(query.to_owned())
        .send()
        .expect("count query")
        .error_for_status()
        .expect("count query status")
        .text()
        .expect("count body");
    let answer: serde_json::Value = serde_json::from_str(&body).expect("SPARQL JSON");
    answer["results"]["bindings"][0]["n"]["value"]
        .as_str()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {body}"))
}

/// The change log's resources in a store (subjects under `{base}id/` without a fragment, not
/// ingest runs), in one dataset's graph or in any published graph (`dataset` = `None`).
pub fn resources(
    store: &jiyi_store::Store,
    base: &str,
    dataset: Option<&str>,
) -> std::collections::BTreeSet<String> {
    use jiyi_store::model::Term;
    use jiyi_store::{Query, QueryAnswer, QueryRequest};
    let graph = dataset.map_or_else(|| "?g".to_owned(), |d| format!("<{base}graph/{d}>"));
    let query = Query::parse(
        &format!(
            "SELECT DISTINCT ?s WHERE {{ GRAPH {graph} {{ ?s ?p ?o }}
               FILTER(isIRI(?s) && STRSTARTS(STR(?s), \"{base}id/\")
                      && !STRSTARTS(STR(?s), \"{base}id/run/\") && !CONTAINS(STR(?s), \"#\")) }}"
        ),
        None,
    )
    .expect("query");
    let QueryAnswer::Solutions(solutions) = store.query(&QueryRequest::new(&query)).expect("run")
    else {
        panic!("not a SELECT");
    };
    solutions
        .map(|s| match s.expect("solution").get("s") {
            Some(Term::NamedNode(n)) => n.as_str().to_owned(),
            other => panic!("{other:?}"),
        })
        .collect()
}
