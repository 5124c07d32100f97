//! OAI-PMH interoperability: the demo datasets ingested by `jiyi ingest`, published by
//! `jiyi serve` over a real socket with a small page size, and harvested by Sickle
//! (tests/interop/oai_sickle.py): every record of every set in both formats, following
//! resumption tokens, must be the store's things; after a dropped source row and a
//! `jiyi withdraw --thing`, a harvest `from` the time before lists exactly the change log's
//! changes since then, the two removals as deleted records.

mod support;

use jiyi_store::Store;
use std::collections::BTreeSet;
use std::process::Command;
use support::*;

const BASE: &str = "https://data.example.tw/";
const OBJECTS: &str = "npm-objects";
const PAGE_SIZE: &str = "7";

fn object(key: &str) -> String {
    format!("{BASE}id/object/{key}")
}

/// Things the server publishes, asked in SPARQL: distinct subjects under `{base}id/` without
/// a fragment, not ingest runs (the change log's definition of a resource).
fn live_things(server: &str) -> u64 {
    sparql_count(
        server,
        &format!(
            "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o \
             FILTER(isIRI(?s) && STRSTARTS(STR(?s), \"{BASE}id/\") \
                    && !STRSTARTS(STR(?s), \"{BASE}id/run/\") && !CONTAINS(STR(?s), \"#\")) }}"
        ),
    )
}

/// Runs the Sickle harvest and returns its JSON summary, failing with its complaints.
fn sickle(
    server: &str,
    expect_live: u64,
    from: Option<&str>,
    deleted: &[String],
) -> serde_json::Value {
    let mut command = Command::new(python());
    command
        .arg(root().join("tests/interop/oai_sickle.py"))
        .arg(format!("{server}/oai"))
        .args(["--expect-live", &expect_live.to_string()]);
    if let Some(from) = from {
        command.args(["--from", from]);
    }
    for iri in deleted {
        command.args(["--expect-deleted", iri]);
    }
    let out = command.output().expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the harvest found problems:\n{stdout}\n{stderr}"
    );
    serde_json::from_str(stdout.lines().last().unwrap_or("")).expect("summary JSON")
}

fn strings(value: &serde_json::Value) -> BTreeSet<String> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_str().expect("string").to_owned())
        .collect()
}

#[test]
fn sickle_harvests_every_thing_in_both_formats_and_then_the_deletions() {
    let copy = DemoObjects::new(BASE);
    let mut datasets = BTreeSet::new();
    for mapping in demo_mappings() {
        let mapping = if mapping.ends_with(format!("{OBJECTS}.rml.ttl")) {
            copy.mapping.clone()
        } else {
            mapping
        };
        let summary = ingest(&mapping, &copy.store, BASE, &copy.rejects());
        if summary.starts_with("not loaded:") {
            continue; // the demo's 丙 dataset, refused by design
        }
        datasets.insert(
            mapping
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".rml.ttl"))
                .expect("mapping name")
                .to_owned(),
        );
    }

    // Everything, every set, both formats, in pages of 7.
    let server = Server::start(&copy.store, &["--oai-page-size", PAGE_SIZE]);
    let things = live_things(&server.url);
    assert!(things >= 100, "the demo publishes only {things} things?");
    let full = sickle(&server.url, things, None, &[]);
    println!("full harvest: {full}");
    assert_eq!(strings(&full["sets"]), datasets, "one set per dataset");
    assert_eq!(full["live"].as_u64(), Some(things));
    assert!(strings(&full["deleted"]).is_empty());
    assert!(
        full["resumed"].as_u64().unwrap_or(0) >= things / 7,
        "resumption tokens followed: {full}"
    );
    drop(server);

    // A later second: everything so far is dated before it.
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    let from = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let before = Store::open(&copy.store)
        .expect("open")
        .last_sequence()
        .expect("last");

    let keys = copy.keys();
    let dropped = keys.last().expect("rows").clone();
    let withdrawn = keys.first().expect("rows").clone();
    copy.drop_row(&dropped);
    let summary = ingest(&copy.mapping, &copy.store, BASE, &copy.rejects());
    assert!(summary.contains("deleted"), "{summary}");
    jiyi_ok(&[
        "withdraw",
        "--thing",
        &object(&withdrawn),
        "--reason",
        "rights holder asked (interop test)",
        "--store",
        copy.store.to_str().expect("utf-8"),
    ]);

    // What the change log says happened since: the harvest must list exactly that.
    let store = Store::open(&copy.store).expect("open");
    let changed: BTreeSet<String> = store
        .changes(before, usize::MAX)
        .expect("log")
        .into_iter()
        .map(|c| c.thing.as_str().to_owned())
        .collect();
    let mut live = 0;
    let mut deleted = Vec::new();
    for thing in &changed {
        let node = jiyi_store::model::NamedNode::new(thing.as_str()).expect("IRI");
        if store.is_live(node.as_ref()).expect("live") {
            live += 1;
        } else {
            deleted.push(thing.clone());
        }
    }
    drop(store);
    assert!(deleted.contains(&object(&dropped)), "{deleted:?}");
    assert!(deleted.contains(&object(&withdrawn)), "{deleted:?}");

    let server = Server::start(&copy.store, &["--oai-page-size", "2"]);
    let since = sickle(&server.url, live, Some(&from), &deleted);
    println!("harvest from {from}: {since}");
    assert_eq!(
        strings(&since["deleted"]),
        deleted.iter().cloned().collect()
    );
    assert_eq!(since["live"].as_u64(), Some(live));

    // And the whole repository now: one thing fewer live per removal, both deleted.
    let after = live_things(&server.url);
    assert!(
        after <= things - 2,
        "{after} live after two removals from {things}"
    );
    let whole = sickle(&server.url, after, None, &deleted);
    assert_eq!(
        strings(&whole["deleted"]),
        deleted.iter().cloned().collect()
    );
}
