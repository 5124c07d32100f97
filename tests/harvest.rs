//! `jiyi harvest` against a partner: a small HTTP server on a real socket (127.0.0.1) answers
//! by verb and resumption token with the OAI-PMH responses in `../shared/data/oai-pmh-fixtures`
//! (from the sickle project, see LICENSE.sickle there) and records every request it gets.
//! What the store should hold is read from the same fixture files by the test.

mod support;

use jiyi_store::model::{NamedNode, Term};
use jiyi_store::{Query, QueryAnswer, QueryRequest, Store};
use quick_xml::events::Event;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use support::*;

const BASE: &str = "https://data.example.tw/";
const DATASET: &str = "oai-dc";

fn fixtures() -> PathBuf {
    root().join("../shared/data/oai-pmh-fixtures")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).expect("fixture")
}

// ------------------------------------------------------------------------------------------
// The partner: a real HTTP server on a socket.
// ------------------------------------------------------------------------------------------

/// An HTTP answer: status, extra headers, body.
struct Reply(u16, Vec<(&'static str, String)>, String);

type Route = Box<dyn FnMut(&BTreeMap<String, String>) -> Reply + Send>;

/// A one-thread HTTP/1.1 server answering GETs through a route the test can swap, keeping
/// the query of every request.
struct Partner {
    url: String,
    route: Arc<Mutex<Route>>,
    requests: Arc<Mutex<Vec<BTreeMap<String, String>>>>,
}

impl Partner {
    fn start(route: Route) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/oai", listener.local_addr().expect("addr"));
        let route = Arc::new(Mutex::new(route));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (r, q) = (route.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                }
                let target = request_line.split(' ').nth(1).unwrap_or("");
                let query = target.split_once('?').map_or("", |(_, q)| q);
                let params: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect();
                q.lock().expect("lock").push(params.clone());
                let Reply(status, headers, body) = (r.lock().expect("lock"))(&params);
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body.as_bytes());
            }
        });
        Self {
            url,
            route,
            requests,
        }
    }

    fn set_route(&self, route: Route) {
        *self.route.lock().expect("lock") = route;
    }

    /// The requests received since the last call.
    fn take_requests(&self) -> Vec<BTreeMap<String, String>> {
        std::mem::take(&mut *self.requests.lock().expect("lock"))
    }
}

fn ok(body: String) -> Reply {
    Reply(200, Vec::new(), body)
}

/// The fixtures as a repository: Identify; ListRecords starting at ListRecords.xml and
/// following the tokens (which name the next file); cannotDisseminateFormat for any prefix
/// but oai_dc, badArgument for any set.
fn fixture_route(params: &BTreeMap<String, String>) -> Reply {
    let param = |k: &str| params.get(k).map(String::as_str);
    match (param("verb"), param("resumptionToken")) {
        (Some("Identify"), _) => ok(fixture("Identify.xml")),
        (Some("ListRecords"), Some(token)) => ok(fixture(token)),
        (Some("ListRecords"), None) if param("metadataPrefix") != Some("oai_dc") => {
            ok(fixture("cannotDisseminateFormat.xml"))
        }
        (Some("ListRecords"), None) if param("set").is_some() => ok(fixture("badArgument.xml")),
        (Some("ListRecords"), None) => ok(fixture("ListRecords.xml")),
        _ => ok(fixture("badArgument.xml")),
    }
}

// ------------------------------------------------------------------------------------------
// What the fixtures say, read independently of the harvester.
// ------------------------------------------------------------------------------------------

#[derive(Debug, Default, Clone)]
struct FixtureRecord {
    identifier: Option<String>,
    datestamp: Option<String>,
    deleted: bool,
    titles: Vec<String>,
    creators: BTreeSet<String>,
}

/// The records of one response file and its resumption token.
fn read_page(xml: &str) -> (Vec<FixtureRecord>, Option<String>) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut records = Vec::new();
    let mut current = FixtureRecord::default();
    let mut token = None;
    loop {
        match reader.read_event().expect("fixture XML") {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "record" {
                    current = FixtureRecord::default();
                }
                if name == "header" {
                    current.deleted = e
                        .attributes()
                        .flatten()
                        .any(|a| a.key.as_ref() == b"status" && a.value.as_ref() == b"deleted");
                }
                path.push(name);
            }
            Event::Text(t) => {
                let text = t.unescape().expect("text").into_owned();
                match path.last().map(String::as_str) {
                    Some("identifier") if path.iter().any(|p| p == "header") => {
                        current.identifier = Some(text)
                    }
                    Some("datestamp") => current.datestamp = Some(text),
                    Some("title") => current.titles.push(text),
                    Some("creator") => {
                        current.creators.insert(text);
                    }
                    Some("resumptionToken") => token = Some(text),
                    _ => {}
                }
            }
            Event::End(_) if path.pop().as_deref() == Some("record") => {
                records.push(current.clone());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (records, token)
}

/// Every page of the fixture list, in the order a harvester follows the tokens.
fn fixture_list() -> Vec<(String, Vec<FixtureRecord>)> {
    let mut pages = Vec::new();
    let mut next = Some("ListRecords.xml".to_owned());
    while let Some(file) = next {
        let (records, token) = read_page(&fixture(&file));
        pages.push((file, records));
        next = token;
    }
    pages
}

/// The final state of each identifier over the whole list (later pages win).
fn fixture_final_state() -> BTreeMap<String, FixtureRecord> {
    let mut state = BTreeMap::new();
    for (_, records) in fixture_list() {
        for record in records {
            if let Some(id) = record.identifier.clone() {
                state.insert(id, record);
            }
        }
    }
    state
}

// ------------------------------------------------------------------------------------------
// Running the harvester and reading the store.
// ------------------------------------------------------------------------------------------

struct Harvester {
    dir: tempfile::TempDir,
}

impl Harvester {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    fn rejects(&self) -> PathBuf {
        self.dir.path().join("rejects.jsonl")
    }

    fn harvest(&self, url: &str, extra: &[&str]) -> Output {
        let mapping = data().join("mappings/oai-dc.rml.ttl");
        let (store, rejects) = (self.store(), self.rejects());
        let mut args = vec![
            "harvest",
            "--oai",
            url,
            "--mapping",
            mapping.to_str().expect("utf-8"),
            "--store",
            store.to_str().expect("utf-8"),
            "--base",
            BASE,
            "--rejects",
            rejects.to_str().expect("utf-8"),
            "--max-retry-wait",
            "5",
        ];
        if !extra.contains(&"--metadata-prefix") {
            args.extend(["--metadata-prefix", "oai_dc"]);
        }
        args.extend(extra);
        jiyi(&args)
    }

    fn harvest_ok(&self, url: &str) -> String {
        let out = self.harvest(url, &[]);
        assert!(out.status.success(), "harvest failed:\n{}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Things of the harvested dataset by OAI identifier, with their titles and creators.
fn things(store: &Path) -> BTreeMap<String, (NamedNode, Vec<String>, BTreeSet<String>)> {
    let store = Store::open_read_only(store).expect("open store");
    let query = Query::parse(
        &format!(
            "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX dc: <http://purl.org/dc/elements/1.1/>
             SELECT ?s ?id ?title ?creator WHERE {{ GRAPH <{BASE}graph/{DATASET}> {{
               ?s a <https://schema.org/CreativeWork> ; dcterms:identifier ?id .
               OPTIONAL {{ ?s dcterms:title ?title }} OPTIONAL {{ ?s dc:creator ?creator }} }} }}"
        ),
        None,
    )
    .expect("query");
    let QueryAnswer::Solutions(solutions) = store.query(&QueryRequest::new(&query)).expect("run")
    else {
        panic!("not a SELECT");
    };
    let mut out: BTreeMap<String, (NamedNode, BTreeSet<String>, BTreeSet<String>)> =
        BTreeMap::new();
    let literal = |t: Option<&Term>| match t {
        Some(Term::Literal(l)) => Some(l.value().to_owned()),
        _ => None,
    };
    for solution in solutions {
        let solution = solution.expect("solution");
        let Some(Term::NamedNode(s)) = solution.get("s") else {
            panic!("subject")
        };
        let id = literal(solution.get("id")).expect("id");
        let entry = out
            .entry(id)
            .or_insert_with(|| (s.clone(), BTreeSet::new(), BTreeSet::new()));
        entry.1.extend(literal(solution.get("title")));
        entry.2.extend(literal(solution.get("creator")));
    }
    out.into_iter()
        .map(|(id, (s, titles, creators))| (id, (s, titles.into_iter().collect(), creators)))
        .collect()
}

fn live_fixture_records() -> BTreeMap<String, FixtureRecord> {
    fixture_final_state()
        .into_iter()
        .filter(|(_, r)| !r.deleted)
        .collect()
}

fn assert_store_matches_fixtures(store: &Path) {
    let expected = live_fixture_records();
    assert!(!expected.is_empty(), "the fixtures have live records");
    let got = things(store);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "one thing per live OAI identifier"
    );
    for (id, record) in &expected {
        let (_, titles, creators) = &got[id];
        let mut want_titles = record.titles.clone();
        want_titles.sort();
        want_titles.dedup();
        assert_eq!(titles, &want_titles, "titles of {id}");
        assert_eq!(creators, &record.creators, "creators of {id}");
    }
}

// ------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------

#[test]
fn harvests_every_page_through_503_and_maps_each_record() {
    // The first ListRecords request is answered 503 with Retry-After: the harvester waits.
    let mut refused = false;
    let partner = Partner::start(Box::new(move |params| {
        if params.get("verb").map(String::as_str) == Some("ListRecords")
            && !params.contains_key("resumptionToken")
            && !refused
        {
            refused = true;
            return Reply(503, vec![("Retry-After", "1".into())], String::new());
        }
        fixture_route(params)
    }));
    let h = Harvester::new();
    let summary = h.harvest_ok(&partner.url);
    let pages = fixture_list();
    assert!(
        summary.contains(&format!("{} pages", pages.len())),
        "{summary}"
    );
    assert_store_matches_fixtures(&h.store());

    // The requests: Identify, the refused first page, the first page again, then one per token.
    let requests = partner.take_requests();
    let verbs: Vec<_> = requests
        .iter()
        .map(|r| (r["verb"].clone(), r.get("resumptionToken").cloned()))
        .collect();
    let mut expected = vec![
        ("Identify".to_owned(), None),
        ("ListRecords".to_owned(), None),
        ("ListRecords".to_owned(), None),
    ];
    expected.extend(
        pages
            .iter()
            .skip(1)
            .map(|(file, _)| ("ListRecords".to_owned(), Some(file.clone()))),
    );
    assert_eq!(verbs, expected);
    assert!(
        requests.iter().all(|r| !r.contains_key("from")),
        "a first harvest asks for everything"
    );

    // Each record without an identifier is in the rejects report, naming its page and field.
    let headless: Vec<(String, usize)> = pages
        .iter()
        .flat_map(|(file, records)| {
            records
                .iter()
                .enumerate()
                .filter(|(_, r)| r.identifier.is_none())
                .map(move |(i, _)| (file.clone(), i + 1))
        })
        .collect();
    assert!(
        !headless.is_empty(),
        "ListRecords4.xml has a header without identifier"
    );
    let rejects = std::fs::read_to_string(h.rejects()).expect("rejects report");
    let lines: Vec<serde_json::Value> = rejects
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), headless.len(), "{rejects}");
    for (line, (file, index)) in lines.iter().zip(&headless) {
        assert_eq!(line["kind"], "reject");
        assert_eq!(line["field"], "header/identifier");
        assert!(
            line["source"]
                .as_str()
                .expect("source")
                .contains(file.as_str()),
            "{line}"
        );
        assert!(
            line["path"]
                .as_str()
                .expect("path")
                .ends_with(&format!("record {index}")),
            "{line}"
        );
    }
}

#[test]
fn a_broken_page_stops_with_a_clear_error_and_loses_nothing() {
    // Page 2 of the list is ListRecordsBroken.xml.
    let partner = Partner::start(Box::new(|params| {
        if params.get("resumptionToken").map(String::as_str) == Some("ListRecords2.xml") {
            return ok(fixture("ListRecordsBroken.xml"));
        }
        fixture_route(params)
    }));
    let h = Harvester::new();
    let out = h.harvest(&partner.url, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "ListRecords page 2",
        "resumptionToken \"ListRecords2.xml\"",
        partner.url.as_str(),
        "malformed response",
        "run",
    ] {
        assert!(stderr.contains(needle), "{needle:?} not in:\n{stderr}");
    }
    // What page 1 brought is in the store.
    let (_, page_one) = &fixture_list()[0];
    let page_one_live: BTreeSet<String> = page_one
        .iter()
        .filter(|r| !r.deleted)
        .filter_map(|r| r.identifier.clone())
        .collect();
    assert!(!page_one_live.is_empty());
    let held: BTreeSet<String> = things(&h.store()).into_keys().collect();
    assert_eq!(held, page_one_live, "page 1's records were ingested");

    // The stopped first harvest already binds the dataset to its source: another set is refused.
    let out = h.harvest(&partner.url, &["--set", "another"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("refusing to mix"),
        "{}",
        text(&out)
    );

    // The state did not advance: the re-run asks for everything again and completes, with
    // nothing duplicated and nothing created twice.
    partner.take_requests();
    partner.set_route(Box::new(fixture_route));
    let summary = h.harvest_ok(&partner.url);
    assert!(
        partner
            .take_requests()
            .iter()
            .all(|r| !r.contains_key("from")),
        "the stopped run did not advance the state"
    );
    assert!(summary.contains("0 updated, 0 deleted"), "{summary}");
    assert_store_matches_fixtures(&h.store());

    // A broken first page after a complete harvest: exit 1, the store keeps everything.
    partner.set_route(Box::new(|params| {
        if params.get("verb").map(String::as_str) == Some("ListRecords") {
            return ok(fixture("ListRecordsBroken.xml"));
        }
        fixture_route(params)
    }));
    let out = h.harvest(&partner.url, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ListRecords page 1") && stderr.contains("store is unchanged"),
        "{stderr}"
    );
    assert_store_matches_fixtures(&h.store());
}

#[test]
fn oai_errors_are_reported_with_their_code() {
    let partner = Partner::start(Box::new(fixture_route));
    for (extra, fixture_file) in [
        (
            &["--metadata-prefix", "oai_marc"][..],
            "cannotDisseminateFormat.xml",
        ),
        (&["--set", "no-such-set"][..], "badArgument.xml"),
    ] {
        let h = Harvester::new();
        let out = h.harvest(&partner.url, extra);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The code as the fixture writes it.
        let xml = fixture(fixture_file);
        let code = xml
            .split("code=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("error code in fixture");
        assert!(
            stderr.contains(&format!("OAI-PMH error {code}"))
                && stderr.contains("ListRecords page 1"),
            "{stderr}"
        );
    }
}

#[test]
fn a_second_harvest_asks_from_the_latest_datestamp_and_applies_deletions() {
    let partner = Partner::start(Box::new(fixture_route));
    let h = Harvester::new();
    h.harvest_ok(&partner.url);
    partner.take_requests();
    let before = things(&h.store());

    // The next page the partner has: the fixture's first page with the two records'
    // identifiers swapped, so the live record is now deleted (a later datestamp) and the
    // deleted one comes back with an older datestamp than its deletion (ignored).
    let first = fixture("ListRecords.xml");
    let (records, _) = read_page(&first);
    let deleted = records
        .iter()
        .find(|r| r.deleted)
        .expect("a deleted record");
    let live = records.iter().find(|r| !r.deleted).expect("a live record");
    let (deleted_id, live_id) = (
        deleted.identifier.clone().expect("id"),
        live.identifier.clone().expect("id"),
    );
    assert!(
        deleted.datestamp > live.datestamp,
        "the deletion is the later change"
    );
    let swapped = first
        .replace(&deleted_id, "\u{0}")
        .replace(&live_id, &deleted_id)
        .replace('\u{0}', &live_id);
    let next_page = swapped
        .lines()
        .filter(|l| !l.contains("resumptionToken"))
        .collect::<Vec<_>>()
        .join("\n");
    partner.set_route(Box::new(move |params| {
        if params.contains_key("from") {
            return ok(next_page.clone());
        }
        fixture_route(params)
    }));
    let summary = h.harvest_ok(&partner.url);

    // It asked from the latest datestamp seen, cut to Identify's granularity.
    let latest = fixture_final_state()
        .values()
        .filter_map(|r| r.datestamp.clone())
        .max()
        .expect("datestamps");
    let identify = fixture("Identify.xml");
    let from = if identify.contains("<granularity>YYYY-MM-DD</granularity>") {
        latest[..10].to_owned()
    } else {
        latest.clone()
    };
    let requests = partner.take_requests();
    let list: Vec<_> = requests
        .iter()
        .filter(|r| r["verb"] == "ListRecords")
        .collect();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].get("from"), Some(&from), "{requests:?}");
    assert!(summary.contains("1 deleted"), "{summary}");
    assert!(summary.contains("1 older than held"), "{summary}");

    // The deleted record's thing is gone and has a tombstone.
    let (thing, _, _) = before.get(&live_id).expect("harvested before").clone();
    let after = things(&h.store());
    assert!(!after.contains_key(&live_id), "{after:?}");
    let store = Store::open_read_only(&h.store()).expect("open");
    let tombstone = store
        .tombstone(thing.as_ref())
        .expect("tombstone")
        .expect("a tombstone for the deleted record");
    assert_eq!(tombstone.dataset, DATASET);
    drop(store);

    // Nothing new: noRecordsMatch is not an error, and the store stays as it is.
    partner.set_route(Box::new(|params| {
        if params.contains_key("from") {
            return ok(fixture("noRecordsMatch.xml"));
        }
        fixture_route(params)
    }));
    let summary = h.harvest_ok(&partner.url);
    assert!(summary.contains("0 new, 0 updated, 0 deleted"), "{summary}");
    assert!(
        summary.contains("unchanged: no resource differs"),
        "{summary}"
    );
    assert_eq!(
        partner
            .take_requests()
            .iter()
            .find(|r| r["verb"] == "ListRecords")
            .and_then(|r| r.get("from")),
        Some(&from)
    );
}

// ------------------------------------------------------------------------------------------
// Against Jiyi's own provider (`jiyi serve` … /oai).
// ------------------------------------------------------------------------------------------

const BASE_A: &str = "https://a.example.tw/";

/// The resources store A publishes (the provider's items): subjects under `{base}id/`
/// without a fragment, not ingest runs, in any published graph or in one dataset's graph.
fn resources_of_a(store: &Path, dataset: Option<&str>) -> BTreeSet<String> {
    resources(
        &Store::open_read_only(store).expect("open A"),
        BASE_A,
        dataset,
    )
}

/// `jiyi serve` of `store` at `127.0.0.1:port` (the partner keeps its base URL across
/// restarts), killed when dropped.
struct Provider(std::process::Child);

impl Provider {
    fn start(store: &Path, port: u16) -> Self {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jiyi"))
            .args([
                "serve",
                "--store",
                store.to_str().expect("utf-8"),
                "--oai-page-size",
                "7",
            ])
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("spawn jiyi serve");
        let mut banner = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut banner)
            .expect("banner");
        assert!(banner.contains(&format!("127.0.0.1:{port}")), "{banner}");
        Self(child)
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn jiyi_harvests_jiyi_every_record_and_then_a_deletion_as_a_tombstone() {
    // Store A: the demo's museum objects, from a copy whose rows the test can drop.
    let a = tempfile::tempdir().expect("tempdir");
    let mappings = a.path().join("mappings");
    std::fs::create_dir(&mappings).expect("mkdir");
    let mapping = mappings.join("npm-objects.rml.ttl");
    std::fs::copy(data().join("mappings/npm-objects.rml.ttl"), &mapping).expect("mapping");
    for entry in std::fs::read_dir(data()).expect("data/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&path, a.path().join(path.file_name().expect("name"))).expect("csv");
        }
    }
    let store_a = a.path().join("store");
    let rejects_a = a.path().join("rejects.jsonl");
    ingest(&mapping, &store_a, BASE_A, &rejects_a);
    // A second dataset, so that a harvest of one set is a real selection.
    let other = data().join("mappings/licensing-stats.rml.ttl");
    ingest(&other, &store_a, BASE_A, &rejects_a);
    let published = resources_of_a(&store_a, None);
    let objects = resources_of_a(&store_a, Some("npm-objects"));
    assert!(
        objects.len() > 20 && published.len() > objects.len(),
        "{published:?}"
    );

    // Store B harvests A's /oai in pages of 7 (resumption tokens all the way).
    let b = Harvester::new();
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let oai = format!("http://127.0.0.1:{port}/oai");
    let server = Provider::start(&store_a, port);
    let summary = b.harvest_ok(&oai);
    // Store C harvests one set: the objects' dataset.
    let c = Harvester::new();
    let out = c.harvest(&oai, &["--set", "npm-objects"]);
    assert!(out.status.success(), "{}", text(&out));
    drop(server);
    assert_eq!(
        things(&c.store()).into_keys().collect::<BTreeSet<_>>(),
        objects,
        "a set harvest brings that dataset's records only"
    );
    let pages_needed = published.len().div_ceil(7);
    assert!(
        summary.contains(&format!("{pages_needed} pages")),
        "{summary}"
    );
    let held = things(&b.store());
    assert_eq!(
        held.keys().cloned().collect::<BTreeSet<_>>(),
        published,
        "every record of A arrives in B, one thing per OAI identifier"
    );

    // A drops a row and re-ingests; B's next harvest brings the deletion as a tombstone.
    let csv_path = a.path().join("npm-objects.csv");
    let mut reader = csv::Reader::from_path(&csv_path).expect("csv");
    let headers = reader.headers().expect("headers").clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let dropped = rows.last().expect("rows")[0].to_owned();
    let mut writer = csv::Writer::from_path(&csv_path).expect("write csv");
    writer.write_record(&headers).expect("headers");
    for row in &rows[..rows.len() - 1] {
        writer.write_record(row).expect("row");
    }
    writer.flush().expect("flush");
    drop(writer);
    ingest(&mapping, &store_a, BASE_A, &rejects_a);
    let dropped_iri = format!("{BASE_A}id/object/{dropped}");
    let published_after = resources_of_a(&store_a, None);
    assert!(!published_after.contains(&dropped_iri));

    let server = Provider::start(&store_a, port);
    let out = b.harvest(&oai, &[]);
    let out_c = c.harvest(&oai, &["--set", "npm-objects"]);
    drop(server);
    assert!(out_c.status.success(), "{}", text(&out_c));
    assert_eq!(
        things(&c.store()).into_keys().collect::<BTreeSet<_>>(),
        resources_of_a(&store_a, Some("npm-objects")),
        "the set harvest gets the deletion too"
    );
    assert!(out.status.success(), "{}", text(&out));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains(" from "),
        "an incremental harvest: {summary}"
    );
    assert!(!summary.contains(" 0 deleted"), "{summary}");
    let held_after = things(&b.store());
    assert_eq!(
        held_after.keys().cloned().collect::<BTreeSet<_>>(),
        published_after
    );
    let (thing_in_b, _, _) = held.get(&dropped_iri).expect("held before").clone();
    let store_b = Store::open_read_only(&b.store()).expect("open B");
    let tombstone = store_b
        .tombstone(thing_in_b.as_ref())
        .expect("tombstone")
        .expect("the deleted record is a tombstone in B");
    assert_eq!(tombstone.dataset, DATASET);
    drop(store_b);
    let store_c = Store::open_read_only(&c.store()).expect("open C");
    assert!(
        store_c
            .tombstone(thing_in_b.as_ref())
            .expect("tombstone")
            .is_some(),
        "the deleted record is a tombstone in C (same base, same IRI)"
    );
}

#[test]
fn a_closed_dataset_is_not_harvested_at_all() {
    let partner = Partner::start(Box::new(fixture_route));
    let h = Harvester::new();
    let mapping = h.dir.path().join("closed.rml.ttl");
    let text_of = std::fs::read_to_string(data().join("mappings/oai-dc.rml.ttl")).expect("mapping");
    assert!(text_of.contains("jiyi:accessClass jiyi:Open"));
    std::fs::write(
        &mapping,
        text_of.replace(
            "jiyi:accessClass jiyi:Open",
            "jiyi:accessClass jiyi:NotOpen",
        ),
    )
    .expect("write");
    let store = h.store();
    let summary = jiyi_ok(&[
        "harvest",
        "--oai",
        &partner.url,
        "--metadata-prefix",
        "oai_dc",
        "--mapping",
        mapping.to_str().expect("utf-8"),
        "--store",
        store.to_str().expect("utf-8"),
        "--base",
        BASE,
    ]);
    assert!(
        summary.starts_with("not harvested:") && summary.contains("丙"),
        "{summary}"
    );
    assert!(
        partner.take_requests().is_empty(),
        "no request for a closed dataset"
    );
    assert!(!store.join("harvest").exists(), "no record kept");
}

#[test]
fn http_errors_name_the_request_and_status() {
    // A server error on Identify: nothing is harvested, the store is untouched.
    let partner = Partner::start(Box::new(|_| Reply(500, Vec::new(), "oops".into())));
    let h = Harvester::new();
    let out = h.harvest(&partner.url, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Identify page 1")
            && stderr.contains("HTTP 500")
            && stderr.contains(&partner.url),
        "{stderr}"
    );

    // 503 with a Retry-After longer than the harvester waits (--max-retry-wait 5): an error
    // that says so, not an hour of silence.
    partner.set_route(Box::new(|params| {
        if params.get("verb").map(String::as_str) == Some("ListRecords") {
            return Reply(503, vec![("Retry-After", "3600".into())], String::new());
        }
        fixture_route(params)
    }));
    let out = h.harvest(&partner.url, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("HTTP 503") && stderr.contains("Retry-After 3600 s is longer"),
        "{stderr}"
    );
}
