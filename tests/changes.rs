//! The change log, tombstones and withdrawals as a steward meets them through the `jiyi`
//! binary, on the demo's museum objects (a temporary copy of their CSV files and mapping):
//! a first ingest logs one creation per resource, an unchanged re-ingest changes nothing at all,
//! an edited and a dropped row give exactly one update and one deletion with a tombstone, and
//! withdrawals say why.

mod support;

use jiyi_model::UriPolicy;
use jiyi_store::model::NamedNode;
use jiyi_store::{ChangeKind, DEFAULT_DELETION_REASON, DatasetScope, DumpFormat, Store};
use std::collections::BTreeSet;
use std::path::Path;
use support::*;

const BASE: &str = "https://data.example.tw/";
const DATASET: &str = "npm-objects";

fn object(key: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{BASE}id/object/{key}"))
}

fn scope() -> DatasetScope {
    DatasetScope::new(&UriPolicy::new(BASE).expect("base"), DATASET).expect("scope")
}

/// The object identifiers of the CSV, read with a CSV parser (not through Jiyi).
fn keys(csv: &Path) -> Vec<String> {
    csv::Reader::from_path(csv)
        .expect("csv")
        .records()
        .map(|r| r.expect("record")[0].to_owned())
        .collect()
}

/// The resources of the dataset graph: subjects under `{base}id/`, without a fragment, that
/// are not ingest runs.
fn resources_in_graph(store: &Store) -> BTreeSet<String> {
    resources(store, BASE, Some(DATASET))
}

#[test]
fn the_change_log_follows_ingests_and_nothing_changes_on_unchanged_input() {
    let copy = DemoObjects::new(BASE);
    let first = copy.ingest();
    assert!(first.contains("resources: "), "{first}");

    let store = Store::open(&copy.store).expect("open");
    let log = store.changes(0, usize::MAX).expect("log");
    let resources = resources_in_graph(&store);
    // One creation per resource, numbered 1, 2, 3… without gaps.
    assert_eq!(log.len(), resources.len(), "{first}");
    assert!(log.iter().all(|c| c.kind == ChangeKind::Created));
    let created: BTreeSet<String> = log.iter().map(|c| c.thing.as_str().to_owned()).collect();
    assert_eq!(created, resources);
    assert_eq!(
        log.iter().map(|c| c.sequence).collect::<Vec<_>>(),
        (1..=log.len() as u64).collect::<Vec<_>>()
    );
    for key in keys(&copy.csv()) {
        assert!(created.contains(object(&key).as_str()), "{key} was logged");
    }
    let run = log[0].run.clone().expect("the run is recorded");
    assert!(
        log.iter()
            .all(|c| c.run.as_ref() == Some(&run) && c.dataset == DATASET)
    );
    // The hashes recorded as current are those of the entries.
    let scope = scope();
    for change in &log {
        assert_eq!(
            store
                .resource_hash(&scope, change.thing.as_ref())
                .expect("hash"),
            change.hash
        );
    }
    let hashes: Vec<_> = log
        .iter()
        .map(|c| store.resource_hash(&scope, c.thing.as_ref()).expect("hash"))
        .collect();
    let dump = store
        .dump_file(DATASET, DumpFormat::NQuads)
        .expect("dump")
        .expect("written by the ingest");
    let dump_bytes = std::fs::read(&dump.path).expect("dump file");
    let graph_before: BTreeSet<String> = store
        .graph_triples(scope.graph())
        .map(|t| t.expect("triple").to_string())
        .collect();
    drop(store);

    // Unchanged input: no entry, same hashes, same graph (the new run's provenance is not
    // written), same dump file and checksum.
    let again = copy.ingest();
    assert!(again.contains("unchanged"), "{again}");
    assert!(again.contains("dump (unchanged)"), "{again}");
    let store = Store::open(&copy.store).expect("open");
    assert_eq!(store.last_sequence().expect("last"), log.len() as u64);
    let hashes_again: Vec<_> = log
        .iter()
        .map(|c| store.resource_hash(&scope, c.thing.as_ref()).expect("hash"))
        .collect();
    assert_eq!(hashes, hashes_again);
    let graph_after: BTreeSet<String> = store
        .graph_triples(scope.graph())
        .map(|t| t.expect("triple").to_string())
        .collect();
    assert_eq!(graph_before, graph_after, "not even the provenance changed");
    let dump_again = store
        .dump_file(DATASET, DumpFormat::NQuads)
        .expect("dump")
        .expect("dump");
    assert_eq!(dump_again, dump, "same record: checksum, size, time");
    assert_eq!(std::fs::read(&dump.path).expect("dump file"), dump_bytes);
    drop(store);

    // One record edited, one dropped: exactly one update and one deletion.
    let keys_before = keys(&copy.csv());
    let (edited, dropped) = ("DEMO-器物-0003", "DEMO-器物-0004");
    assert!(keys_before.iter().any(|k| k == edited) && keys_before.iter().any(|k| k == dropped));
    copy.edit_rows(|mut row| {
        if row[0] == dropped {
            return None;
        }
        if row[0] == edited {
            row[1] = format!("{}（修訂）", row[1]);
        }
        Some(row)
    });
    let third = copy.ingest();
    // Exactly one record updated and one deleted. The dataset's own description is updated
    // too, truthfully: the dropped object's links to Getty AAT (its name and dimension types)
    // no longer count in the dataset's void:Linkset, and a harvester must learn the new count.
    assert!(
        third.contains("resources: 0 created, 2 updated, 1 deleted"),
        "{third}"
    );
    let aat = |summary: &str| -> u64 {
        let links = summary
            .lines()
            .find(|l| l.trim_start().starts_with("links:"))
            .expect("links line");
        links
            .split("Getty AAT ")
            .nth(1)
            .and_then(|n| n.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .expect("AAT count")
    };
    assert!(aat(&third) < aat(&first), "{first}\n{third}");
    let store = Store::open(&copy.store).expect("open");
    let new = store.changes(log.len() as u64, usize::MAX).expect("log");
    let mut got: Vec<(ChangeKind, String)> = new
        .iter()
        .map(|c| (c.kind, c.thing.as_str().to_owned()))
        .collect();
    got.sort();
    let dataset = UriPolicy::new(BASE)
        .expect("base")
        .dataset(DATASET)
        .expect("iri");
    let mut expected = vec![
        (ChangeKind::Updated, object(edited).as_str().to_owned()),
        (ChangeKind::Deleted, object(dropped).as_str().to_owned()),
        (ChangeKind::Updated, dataset.as_str().to_owned()),
    ];
    expected.sort();
    assert_eq!(got, expected);
    let deletion = new
        .iter()
        .find(|c| c.kind == ChangeKind::Deleted)
        .expect("deletion");
    assert_eq!(deletion.reason.as_deref(), Some(DEFAULT_DELETION_REASON));
    assert_eq!(deletion.hash, None);
    assert_ne!(deletion.run.as_ref(), Some(&run), "a new run");
    let tombstone = store
        .tombstone(object(dropped).as_ref())
        .expect("tombstone")
        .expect("the dropped object has one");
    assert_eq!(tombstone.reason, DEFAULT_DELETION_REASON);
    assert_eq!(tombstone.dataset, DATASET);
    assert_eq!(tombstone.sequence, deletion.sequence);
    assert!(
        store
            .describe(object(dropped).as_ref())
            .expect("describe")
            .is_none()
    );
    assert!(
        store
            .tombstone(object(edited).as_ref())
            .expect("tombstone")
            .is_none(),
        "a live thing has no tombstone"
    );
    let update = new
        .iter()
        .find(|c| c.kind == ChangeKind::Updated && c.thing == object(edited))
        .expect("update");
    assert_eq!(
        store
            .resource_hash(&scope, object(edited).as_ref())
            .expect("hash"),
        update.hash
    );
    let new_dump = store
        .dump_file(DATASET, DumpFormat::NQuads)
        .expect("dump")
        .expect("dump");
    assert_ne!(new_dump.sha256, dump.sha256, "the dump follows the data");
    assert_eq!(new_dump.feed_position, store.last_sequence().expect("last"));
    drop(store);

    // The dropped record comes back: created again, its tombstone ended.
    std::fs::copy(data().join("npm-objects.csv"), copy.csv()).expect("restore csv");
    let fourth = copy.ingest();
    assert!(
        fourth.contains("1 created, 2 updated, 0 deleted"),
        "{fourth}"
    );
    let store = Store::open(&copy.store).expect("open");
    assert!(
        store
            .tombstone(object(dropped).as_ref())
            .expect("t")
            .is_none()
    );
    assert!(
        store
            .open_tombstones(object(dropped).as_ref())
            .expect("t")
            .is_empty()
    );
}

#[test]
fn withdrawals_state_their_reason_and_hold_across_ingests() {
    let copy = DemoObjects::new(BASE);
    copy.ingest();
    let merged = object("DEMO-器物-0005");
    let survivor = object("DEMO-器物-0004");

    // A merge: the thing goes, says why and what replaces it, and stays out.
    let said = copy.jiyi(&[
        "withdraw",
        "--thing",
        merged.as_str(),
        "--reason",
        "merged into DEMO-器物-0004 (duplicate record)",
        "--replaced-by",
        survivor.as_str(),
    ]);
    assert!(said.contains("withdrawn from npm-objects"), "{said}");
    let store = Store::open(&copy.store).expect("open");
    let tombstone = store
        .tombstone(merged.as_ref())
        .expect("tombstone")
        .expect("withdrawn");
    assert_eq!(
        tombstone.reason,
        "merged into DEMO-器物-0004 (duplicate record)"
    );
    assert_eq!(tombstone.replaced_by.as_ref(), Some(&survivor));
    assert_eq!(tombstone.run, None, "a steward's act, not a run");
    let last = store
        .changes(0, usize::MAX)
        .expect("log")
        .pop()
        .expect("entry");
    assert_eq!((last.kind, &last.thing), (ChangeKind::Deleted, &merged));
    assert_eq!(last.replaced_by.as_ref(), Some(&survivor));
    // The dump no longer has it.
    let dump = store
        .dump_file(DATASET, DumpFormat::NQuads)
        .expect("dump")
        .expect("dump");
    let text = gunzip(&dump.path);
    assert!(!text.contains(&format!("<{}>", merged.as_str())));
    let entries = store.last_sequence().expect("last");
    drop(store);

    // The source still has the record: the ingest keeps it out and logs nothing.
    let again = copy.ingest();
    assert!(
        again.contains("1 things in the source were left out"),
        "{again}"
    );
    let store = Store::open(&copy.store).expect("open");
    assert!(store.describe(merged.as_ref()).expect("describe").is_none());
    assert_eq!(store.last_sequence().expect("last"), entries);
    drop(store);

    // Restored, it comes back with the next ingest.
    copy.jiyi(&["withdraw", "--thing", merged.as_str(), "--restore"]);
    let back = copy.ingest();
    assert!(back.contains("1 created"), "{back}");

    // A whole dataset withdrawn for rights reasons: every resource tombstoned with the
    // reason, graph and dumps gone, ingests refused until restored.
    let reason = "the rights holder withdrew the licence (權利人撤回授權)";
    let said = copy.jiyi(&["withdraw", "--dataset", DATASET, "--reason", reason]);
    assert!(said.contains("withdrawn"), "{said}");
    let store = Store::open(&copy.store).expect("open");
    assert!(store.published_graphs().expect("graphs").is_empty());
    let tombstone = store
        .tombstone(survivor.as_ref())
        .expect("tombstone")
        .expect("tombstoned");
    assert_eq!(tombstone.reason, reason);
    let dataset = UriPolicy::new(BASE)
        .expect("base")
        .dataset(DATASET)
        .expect("iri");
    assert!(
        store.tombstone(dataset.as_ref()).expect("t").is_some(),
        "the dataset node too"
    );
    assert!(
        store
            .dump_file(DATASET, DumpFormat::NQuads)
            .expect("d")
            .is_none()
    );
    assert!(!copy.store.join("dumps/npm-objects.nq.gz").exists());
    drop(store);
    let refused = copy.ingest();
    assert!(
        refused.contains("not loaded") && refused.contains(reason),
        "{refused}"
    );
    copy.jiyi(&["withdraw", "--dataset", DATASET, "--restore"]);
    let republished = copy.ingest();
    assert!(republished.contains("deleted"), "{republished}");
    let store = Store::open(&copy.store).expect("open");
    assert!(store.tombstone(survivor.as_ref()).expect("t").is_none());
    assert!(store.describe(survivor.as_ref()).expect("d").is_some());
}

#[test]
fn a_withdrawn_thing_answers_410_with_its_tombstone_and_a_page_that_says_why() {
    let copy = DemoObjects::new(BASE);
    copy.ingest();
    let merged = object("DEMO-器物-0005");
    let survivor = object("DEMO-器物-0004");
    let reason = "merged into DEMO-器物-0004 (duplicate record) <重複>";
    copy.jiyi(&[
        "withdraw",
        "--thing",
        merged.as_str(),
        "--reason",
        reason,
        "--replaced-by",
        survivor.as_str(),
    ]);
    let server = Server::start(&copy.store, &[]);
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let doc = |iri: &NamedNode| {
        format!(
            "{}/{}",
            server.url,
            jiyi_model::iri::iri_to_uri(&iri.as_str()[BASE.len()..].replacen("id/", "doc/", 1))
        )
    };
    let get = |url: &str, accept: &str| {
        let r = client
            .get(url)
            .header("Accept", accept)
            .header("Accept-Language", "zh-TW")
            .send()
            .expect("GET");
        let status = r.status().as_u16();
        let link = r
            .headers()
            .get("link")
            .map(|v| v.to_str().expect("ascii").to_owned());
        (status, link, r.text().expect("body"))
    };

    // RDF: the tombstone as data, parsed and checked triple by triple.
    let (status, link, body) = get(&doc(&merged), "text/turtle");
    assert_eq!(status, 410, "{body}");
    let link = link.expect("a Link to the successor");
    assert!(
        link.contains("successor-version") && link.contains("DEMO-%E5%99%A8%E7%89%A9-0004"),
        "{link}"
    );
    let triples: Vec<_> = oxrdfio::RdfParser::from_format(oxrdfio::RdfFormat::Turtle)
        .for_reader(body.as_bytes())
        .collect::<Result<_, _>>()
        .expect("the tombstone is Turtle");
    let about = |p: &str| -> Vec<String> {
        triples
            .iter()
            .filter(|q| q.subject.to_string() == format!("<{}>", merged.as_str()))
            .filter(|q| q.predicate.as_str() == p)
            .map(|q| q.object.to_string())
            .collect()
    };
    assert_eq!(
        about("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ["<https://www.w3.org/ns/activitystreams#Tombstone>"]
    );
    assert_eq!(
        about("https://w3id.org/jiyi/ns#reason"),
        [format!("\"{}\"", reason.replace('"', "\\\""))]
    );
    assert_eq!(
        about("http://purl.org/dc/terms/isReplacedBy"),
        [format!("<{}>", survivor.as_str())]
    );
    assert_eq!(
        about("https://www.w3.org/ns/activitystreams#deleted").len(),
        1
    );

    // HTML: a page that explains, in the reader's language, escaped, linking the successor.
    let (status, _, page) = get(&doc(&merged), "text/html");
    assert_eq!(status, 410);
    assert!(page.contains("已不再發布"), "{page}");
    assert!(page.contains("&lt;重複&gt;"), "the reason, escaped: {page}");
    assert!(
        page.contains("href=\"/doc/object/DEMO-%E5%99%A8%E7%89%A9-0004\""),
        "{page}"
    );

    // A thing never published stays 404; a live one 200.
    let (status, _, _) = get(&doc(&object("DEMO-器物-9999")), "text/turtle");
    assert_eq!(status, 404);
    let (status, _, _) = get(&doc(&survivor), "text/turtle");
    assert_eq!(status, 200);
}

#[test]
fn writes_through_the_server_are_logged_like_an_ingest() {
    let copy = DemoObjects::new(BASE);
    copy.ingest();
    let before = Store::open(&copy.store)
        .expect("open")
        .last_sequence()
        .expect("last");
    let token = copy.dir.path().join("token");
    std::fs::write(&token, "s3cret").expect("token");
    let server = Server::start(
        &copy.store,
        &["--write-token-file", token.to_str().expect("utf-8")],
    );
    let edited = object("DEMO-器物-0002");
    let removed = object("DEMO-器物-0003");
    let graph = format!("{BASE}graph/{DATASET}");
    let update = format!(
        "INSERT DATA {{ GRAPH <{graph}> {{ <{edited}> <http://purl.org/dc/terms/subject> \"更正\" }} }} ;\n\
         DELETE WHERE {{ GRAPH <{graph}> {{ <{removed}> ?p ?o }} }}",
        edited = edited.as_str(),
        removed = removed.as_str(),
    );
    let response = reqwest::blocking::Client::new()
        .post(format!("{}/update", server.url))
        .header("Content-Type", "application/sparql-update")
        .header("Authorization", "Bearer s3cret")
        .body(update)
        .send()
        .expect("POST /update");
    assert_eq!(response.status(), 204, "{:?}", response.text());
    let gone = reqwest::blocking::Client::new()
        .get(format!(
            "{}/{}",
            server.url,
            jiyi_model::iri::iri_to_uri(&removed.as_str()[BASE.len()..].replacen("id/", "doc/", 1))
        ))
        .header("Accept", "text/turtle")
        .send()
        .expect("GET");
    assert_eq!(
        gone.status(),
        410,
        "the deleted thing is tombstoned at once"
    );
    drop(server);

    let store = Store::open(&copy.store).expect("open");
    let logged = store.changes(before, usize::MAX).expect("log");
    let of = |thing: &NamedNode| -> Vec<ChangeKind> {
        logged
            .iter()
            .filter(|c| &c.thing == thing)
            .map(|c| c.kind)
            .collect()
    };
    assert_eq!(of(&edited), [ChangeKind::Updated], "{logged:#?}");
    assert_eq!(of(&removed), [ChangeKind::Deleted], "{logged:#?}");
    let tombstone = store
        .tombstone(removed.as_ref())
        .expect("t")
        .expect("tombstone");
    assert!(
        tombstone.reason.contains("write interface"),
        "{}",
        tombstone.reason
    );
    assert!(
        logged.iter().all(|c| c.run.is_none()),
        "a server write is no ingest run"
    );
}

fn gunzip(path: &Path) -> String {
    use std::io::Read as _;
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect("open"))
        .read_to_string(&mut text)
        .expect("gunzip");
    text
}
