//! Dumps as a harvester meets them: `jiyi dump` to files and stdout, the files each ingest
//! writes into the store with their checksums published as DCAT distributions, and
//! `GET /dumps/{dataset}.nq.gz` serving exactly those bytes. Contents are checked against the
//! store with oxrdfio and with rdflib (tests/interop/dump_rdflib.py).

mod support;

use jiyi_store::model::{NamedNode, Term};
use jiyi_store::{DumpFormat, Query, QueryAnswer, QueryRequest, Store};
use oxrdfio::{RdfFormat, RdfParser};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;
use std::path::Path;
use support::*;

const BASE: &str = "https://data.example.tw/";
const DATASET: &str = "npm-objects";

fn graph() -> NamedNode {
    NamedNode::new_unchecked(format!("{BASE}graph/{DATASET}"))
}

fn ingest_demo(dir: &Path) -> std::path::PathBuf {
    let store = dir.join("store");
    ingest(
        &data().join("mappings/npm-objects.rml.ttl"),
        &store,
        BASE,
        &dir.join("rejects.jsonl"),
    );
    store
}

fn read_maybe_gz(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).expect("read");
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .expect("gunzip");
        out
    } else {
        bytes
    }
}

/// Parses a dump into N-Triples-like lines (graph name dropped for Turtle), for comparison
/// with the store. Blank node labels are kept: both sides use the store's labels.
fn parse(bytes: &[u8], format: RdfFormat) -> BTreeSet<String> {
    RdfParser::from_format(format)
        .for_slice(bytes)
        .map(|q| {
            let q = q.expect("the dump parses");
            if format == RdfFormat::NQuads {
                assert_eq!(q.graph_name.to_string(), format!("<{}>", graph().as_str()));
            }
            format!("{} {} {}", q.subject, q.predicate, q.object)
        })
        .collect()
}

fn store_triples(store: &Path) -> BTreeSet<String> {
    let s = Store::open(store).expect("open");
    s.graph_triples(&graph())
        .map(|t| t.expect("triple").to_string())
        .collect()
}

/// The published distributions: property → value, per distribution IRI.
fn distributions(store: &Store) -> BTreeMap<String, BTreeMap<String, String>> {
    let query = Query::parse(
        "PREFIX dcat: <http://www.w3.org/ns/dcat#>
         PREFIX spdx: <http://spdx.org/rdf/terms#>
         SELECT ?d ?p ?o WHERE {
           { <https://data.example.tw/id/dataset/npm-objects> dcat:distribution ?d . ?d ?p ?o }
           UNION
           { <https://data.example.tw/id/dataset/npm-objects> dcat:distribution ?d .
             ?d spdx:checksum ?c . ?c ?p ?o }
         }",
        None,
    )
    .expect("query");
    let QueryAnswer::Solutions(solutions) = store.query(&QueryRequest::new(&query)).expect("run")
    else {
        panic!("SELECT");
    };
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for s in solutions {
        let s = s.expect("solution");
        let text = |t: Option<&Term>| match t {
            Some(Term::Literal(l)) => l.value().to_owned(),
            Some(Term::NamedNode(n)) => n.as_str().to_owned(),
            other => format!("{other:?}"),
        };
        out.entry(text(s.get("d")))
            .or_default()
            .insert(text(s.get("p")), text(s.get("o")));
    }
    out
}

#[test]
fn jiyi_dump_streams_exactly_the_dataset_graph() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ingest_demo(dir.path());
    let expected = store_triples(&store);
    assert!(expected.len() > 500, "the demo objects are a real graph");
    for (file, format) in [
        ("out.nq", RdfFormat::NQuads),
        ("out.nq.gz", RdfFormat::NQuads),
        ("out.ttl", RdfFormat::Turtle),
        ("out.ttl.gz", RdfFormat::Turtle),
    ] {
        let out = dir.path().join(file);
        jiyi_ok(&[
            "dump",
            "--store",
            store.to_str().expect("utf-8"),
            "--dataset",
            DATASET,
            "--out",
            out.to_str().expect("utf-8"),
        ]);
        assert_eq!(parse(&read_maybe_gz(&out), format), expected, "{file}");
    }
    let stdout = jiyi(&[
        "dump",
        "--store",
        store.to_str().expect("utf-8"),
        "--dataset",
        DATASET,
        "--out",
        "-",
        "--format",
        "ttl",
    ]);
    assert!(stdout.status.success());
    assert_eq!(parse(&stdout.stdout, RdfFormat::Turtle), expected);

    let unknown = jiyi(&[
        "dump",
        "--store",
        store.to_str().expect("utf-8"),
        "--dataset",
        "nope",
        "--out",
        "-",
    ]);
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("npm-objects"),
        "names the datasets there are"
    );
}

#[test]
fn ingest_publishes_checksummed_dumps_and_the_server_sends_those_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store_dir = ingest_demo(dir.path());
    let expected = store_triples(&store_dir);
    let store = Store::open(&store_dir).expect("open");
    let last = store.last_sequence().expect("last");
    let published = distributions(&store);
    assert_eq!(published.len(), 2, "{published:#?}");
    let mut files = Vec::new();
    for format in DumpFormat::ALL {
        let record = store
            .dump_file(DATASET, format)
            .expect("record")
            .expect("written by the ingest");
        let bytes = std::fs::read(&record.path).expect("dump file");
        let sha = format!("{:x}", Sha256::digest(&bytes));
        assert_eq!(record.sha256, sha);
        let rdf = match format {
            DumpFormat::NQuads => RdfFormat::NQuads,
            DumpFormat::Turtle => RdfFormat::Turtle,
        };
        assert_eq!(parse(&read_maybe_gz(&record.path), rdf), expected);
        let url = format!("{BASE}dumps/{DATASET}.{}.gz", format.extension());
        let (_, d) = published
            .iter()
            .find(|(_, d)| d.get("http://www.w3.org/ns/dcat#downloadURL") == Some(&url))
            .unwrap_or_else(|| panic!("a distribution for {url}: {published:#?}"));
        let get = |p: &str| d.get(p).map(String::as_str).unwrap_or_default();
        assert_eq!(get("http://spdx.org/rdf/terms#checksumValue"), sha);
        assert_eq!(
            get("http://spdx.org/rdf/terms#algorithm"),
            "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
        );
        assert_eq!(
            get("http://www.w3.org/ns/dcat#byteSize"),
            bytes.len().to_string()
        );
        assert_eq!(
            get("http://rdfs.org/ns/void#triples"),
            expected.len().to_string()
        );
        assert_eq!(
            get("https://w3id.org/jiyi/ns#feedPosition"),
            last.to_string()
        );
        assert_eq!(
            get("http://www.w3.org/ns/dcat#mediaType"),
            format!(
                "http://www.iana.org/assignments/media-types/{}",
                format.media_type()
            )
        );
        assert_eq!(
            get("http://www.w3.org/ns/dcat#compressFormat"),
            "http://www.iana.org/assignments/media-types/application/gzip"
        );
        files.push((url, bytes, sha));
    }
    // The distributions are part of the dataset's description (its document), not of the dump.
    let description = store
        .describe(NamedNode::new_unchecked(format!("{BASE}id/dataset/{DATASET}")).as_ref())
        .expect("describe")
        .expect("described");
    assert!(
        description
            .triples
            .iter()
            .any(|t| t.predicate.as_str() == "http://spdx.org/rdf/terms#checksumValue")
    );
    assert!(!expected.iter().any(|t| t.contains("spdx.org")));
    drop(store);

    // rdflib reads both dumps as the same graph.
    let records: Vec<_> = {
        let store = Store::open(&store_dir).expect("open");
        DumpFormat::ALL
            .into_iter()
            .map(|f| store.dump_file(DATASET, f).expect("r").expect("r").path)
            .collect()
    };
    let out = std::process::Command::new(python())
        .arg(root().join("tests/interop/dump_rdflib.py"))
        .arg(&records[0])
        .arg(&records[1])
        .arg(graph().as_str())
        .output()
        .expect("run python");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains(&format!("nquads {}", expected.len())),
        "{report}"
    );
    assert!(report.contains("isomorphic true"), "{report}");

    // Served over HTTP: the same bytes, as application/gzip (no second compression even
    // when the client accepts gzip), ETag = SHA-256, conditional requests, 404s.
    let server = Server::start(&store_dir, &[]);
    let client = reqwest::blocking::Client::new();
    for (url, bytes, sha) in &files {
        let path = url.strip_prefix(BASE).expect("under base");
        let response = client
            .get(format!("{}/{path}", server.url))
            .header("Accept-Encoding", "gzip, br")
            .send()
            .expect("GET dump");
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], "application/gzip");
        assert!(headers.get("content-encoding").is_none(), "{headers:?}");
        assert_eq!(headers["etag"], format!("\"{sha}\""));
        assert!(headers.contains_key("last-modified"));
        assert_eq!(response.bytes().expect("body").as_ref(), &bytes[..]);
        let again = client
            .get(format!("{}/{path}", server.url))
            .header("If-None-Match", format!("\"{sha}\""))
            .send()
            .expect("conditional GET");
        assert_eq!(again.status(), 304);
    }
    for missing in [
        "dumps/nope.nq.gz",
        "dumps/npm-objects.json",
        "dumps/npm-objects.nq",
    ] {
        let response = client
            .get(format!("{}/{missing}", server.url))
            .send()
            .expect("GET");
        assert_eq!(response.status(), 404, "{missing}");
    }
    // The VoID names every dump as the dataset's void:dataDump.
    let void = client
        .get(format!("{}/.well-known/void", server.url))
        .header("Accept", "application/n-triples")
        .send()
        .expect("GET VoID")
        .text()
        .expect("VoID");
    for (url, _, _) in &files {
        let line = format!(
            "<{BASE}id/dataset/{DATASET}> <http://rdfs.org/ns/void#dataDump> <{}> .",
            url.as_str()
        );
        assert!(void.contains(&line), "{line} not in the VoID:\n{void}");
    }
    // And the landing page offers them for download.
    let landing = client
        .get(format!("{}/", server.url))
        .header("Accept", "text/html")
        .send()
        .expect("GET /")
        .text()
        .expect("page");
    for (url, _, _) in &files {
        let href = format!(
            "href=\"/{}\"",
            url.as_str().strip_prefix(BASE).expect("base")
        );
        assert!(landing.contains(&href), "{href} not on the landing page");
    }
    for harvest in [
        format!("href=\"/feed/{DATASET}\""),
        format!("href=\"/oai?verb=ListRecords&amp;metadataPrefix=oai_dc&amp;set={DATASET}\""),
    ] {
        assert!(
            landing.contains(&harvest),
            "{harvest} not on the landing page"
        );
    }
    drop(server);

    // A withdrawn dataset's dump is 410 Gone with the reason.
    jiyi_ok(&[
        "withdraw",
        "--store",
        store_dir.to_str().expect("utf-8"),
        "--dataset",
        DATASET,
        "--reason",
        "rights holder request",
    ]);
    let server = Server::start(&store_dir, &[]);
    let response = client
        .get(format!("{}/dumps/{DATASET}.nq.gz", server.url))
        .send()
        .expect("GET");
    assert_eq!(response.status(), 410);
    assert!(
        response
            .text()
            .expect("body")
            .contains("rights holder request")
    );
}
