//! The LDES change feed (`/feed/{dataset}`) through a real `jiyi serve` on a socket, read by
//! rdflib (tests/interop/ldes_follow.py, no Jiyi code): pages in order, closed pages immutable
//! and unchanged by later changes to their members' things, versioned members with their
//! timestamps, deletions as `as:Delete` members with the tombstone's reason, an unchanged
//! re-ingest that adds nothing, and the acceptance check — a harvester that loads a dump
//! taken before edits, drops and withdrawals and then follows the feed ends with exactly the
//! store's content.

mod support;

use jiyi_store::DEFAULT_DELETION_REASON;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::*;

const BASE: &str = "https://data.example.tw/";
const DATASET: &str = "npm-objects";
const AS_CREATE: &str = "https://www.w3.org/ns/activitystreams#Create";
const AS_UPDATE: &str = "https://www.w3.org/ns/activitystreams#Update";
const AS_DELETE: &str = "https://www.w3.org/ns/activitystreams#Delete";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Where the Python harvester keeps its copy between runs.
fn harvester_state(copy: &DemoObjects) -> PathBuf {
    copy.dir.path().join("harvester")
}

/// Runs the rdflib harvester; its JSON report and whether it exited 0.
fn harvester(server: &Server, mode: &str, state: Option<&Path>) -> (Value, bool) {
    let mut command = std::process::Command::new(python());
    command
        .arg(root().join("tests/interop/ldes_follow.py"))
        .arg(mode)
        .args([
            "--server",
            &server.url,
            "--base",
            BASE,
            "--dataset",
            DATASET,
        ]);
    if let Some(state) = state {
        command.arg("--state").arg(state);
    }
    let out = command.output().expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "ldes_follow.py {mode}: {e}\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.success())
}

fn walk(server: &Server) -> Value {
    let (report, ok) = harvester(server, "walk", None);
    assert!(ok, "{report:#}");
    report
}

fn members(walked: &Value) -> Vec<Value> {
    walked["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .flat_map(|p| p["members"].as_array().expect("members").clone())
        .collect()
}

fn etags(walked: &Value) -> Vec<String> {
    walked["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .map(|p| p["etag"].as_str().expect("etag").to_owned())
        .collect()
}

fn seq(member: &Value) -> u64 {
    member["sequence"].as_u64().expect("sequence")
}

fn text<'a>(member: &'a Value, key: &str) -> &'a str {
    member[key].as_str().unwrap_or("")
}

/// The structure every walk must show, whatever the content.
fn check_structure(walked: &Value) {
    let stream = &walked["stream"];
    assert_eq!(
        stream["timestampPath"],
        "http://www.w3.org/ns/prov#generatedAtTime"
    );
    assert_eq!(
        stream["versionOfPath"],
        "http://purl.org/dc/terms/isVersionOf"
    );
    assert_eq!(stream["versionDeleteObject"], AS_DELETE);
    // Found from the dataset's description, not guessed.
    assert_eq!(walked["stream_iri"], format!("{BASE}feed/{DATASET}#stream"));
    assert_eq!(walked["view"], format!("{BASE}feed/{DATASET}"));
    assert_eq!(walked["root"]["cache_control"], "public, max-age=60");
    let to_first = &walked["root"]["relations"][0];
    assert_eq!(to_first["node"], walked["pages"][0]["url"]);
    assert_eq!(
        to_first["remaining"].as_u64(),
        Some(members(walked).len() as u64),
        "the root counts the members"
    );
    let pages = walked["pages"].as_array().expect("pages");
    assert!(pages.len() >= 2, "the demo fills more than one page");
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(
            page["formats_agree"], true,
            "TriG, N-Quads, JSON-LD: {}",
            page["url"]
        );
        let members = page["members"].as_array().expect("members");
        assert!(!members.is_empty());
        let first = seq(&members[0]);
        assert!(
            text(page, "url").ends_with(&format!("/pages/{first}")),
            "a page is keyed by its first entry: {}",
            page["url"]
        );
        if i + 1 < pages.len() {
            assert_eq!(page["cache_control"], IMMUTABLE, "closed: {}", page["url"]);
            // Two relations to the next page: on the sequence number and on the timestamp.
            let next = &pages[i + 1];
            let relations = page["relations"].as_array().expect("relations");
            assert_eq!(relations.len(), 2, "{relations:?}");
            for relation in relations {
                assert_eq!(
                    relation["type"],
                    "https://w3id.org/tree#GreaterThanOrEqualToRelation"
                );
                assert_eq!(relation["node"], next["url"]);
                let (key, path) = if relation["path"] == "https://w3id.org/jiyi/ns#sequence" {
                    ("sequence", "sequence")
                } else {
                    ("time", "http://www.w3.org/ns/prov#generatedAtTime")
                };
                assert!(text(relation, "path").ends_with(path), "{relation}");
                assert_eq!(relation["value"], next["members"][0][key], "{relation}");
                assert_eq!(
                    relation["remaining"],
                    Value::Null,
                    "a closed page never changes"
                );
            }
        } else {
            assert_eq!(
                page["cache_control"], "public, max-age=60",
                "the open last page"
            );
            assert_eq!(page["relations"].as_array().map(Vec::len), Some(0));
        }
    }
    // Ordered by sequence, and so by time; every member is a version of a thing.
    let all = members(walked);
    for pair in all.windows(2) {
        assert!(seq(&pair[0]) < seq(&pair[1]), "{pair:?}");
        assert!(text(&pair[0], "time") <= text(&pair[1], "time"), "{pair:?}");
    }
    for m in &all {
        assert!(text(m, "thing").starts_with(&format!("{BASE}id/")), "{m}");
        assert!(!text(m, "time").is_empty(), "{m}");
        if m["type"] == AS_DELETE {
            assert_eq!(m["triples"], 0, "a tombstone carries no description: {m}");
            assert!(!text(m, "reason").is_empty(), "{m}");
        } else {
            assert!(m["triples"].as_u64().expect("n") > 0, "{m}");
            assert_eq!(text(m, "hash").len(), 64, "{m}");
        }
    }
}

fn get(client: &reqwest::blocking::Client, url: &str, accept: &str) -> reqwest::blocking::Response {
    client
        .get(url)
        .header("Accept", accept)
        .send()
        .expect("GET")
}

#[test]
fn a_harvester_starting_from_a_dump_follows_the_feed_to_the_stores_content() {
    let copy = DemoObjects::new(BASE);
    copy.ingest();
    let client = reqwest::blocking::Client::new();

    // First load: every resource a Create member, in two pages.
    let server = Server::start(&copy.store, &[]);
    let first = walk(&server);
    check_structure(&first);
    let created = members(&first);
    assert!(created.iter().all(|m| m["type"] == AS_CREATE));
    assert_eq!(
        created.iter().map(seq).collect::<Vec<_>>(),
        (1..=created.len() as u64).collect::<Vec<_>>(),
        "one member per log entry, none missing"
    );
    let things: BTreeSet<&str> = created.iter().map(|m| text(m, "thing")).collect();
    assert_eq!(things.len(), created.len(), "one version per resource");
    // Conditional requests, conneg and errors, through the socket.
    let page_one = format!("{}/feed/{DATASET}/pages/1", server.url);
    let fresh = get(&client, &page_one, "application/n-quads");
    assert_eq!(fresh.status(), 200);
    let etag = fresh.headers()["etag"].to_str().expect("etag").to_owned();
    let again = client
        .get(&page_one)
        .header("Accept", "application/n-quads")
        .header("If-None-Match", &etag)
        .send()
        .expect("GET");
    assert_eq!(again.status(), 304);
    assert_eq!(
        get(&client, &page_one, "text/turtle").status(),
        406,
        "members are named graphs: no Turtle"
    );
    for missing in [
        format!("{}/feed/no-such-dataset", server.url),
        format!("{}/feed/{DATASET}/pages/0", server.url),
        format!("{}/feed/{DATASET}/pages/99999", server.url),
        format!("{}/feed/{DATASET}/versions/99999", server.url),
    ] {
        assert_eq!(get(&client, &missing, "*/*").status(), 404, "{missing}");
    }
    // The harvester's starting point: the dump and its feed position.
    let (snapshot, ok) = harvester(&server, "snapshot", Some(&harvester_state(&copy)));
    assert!(ok, "{snapshot}");
    assert_eq!(snapshot["position"], created.len() as u64);
    drop(server);

    // Unchanged input: no member, the same bytes on every page.
    assert!(copy.ingest().contains("unchanged"));
    let server = Server::start(&copy.store, &[]);
    let unchanged = walk(&server);
    assert_eq!(members(&unchanged).len(), created.len());
    assert_eq!(etags(&unchanged), etags(&first));
    assert_eq!(unchanged["root"]["etag"], first["root"]["etag"]);
    drop(server);

    // Three objects whose versions are on the closed first page: one edited, one dropped
    // from the source, one withdrawn by a steward.
    let on_page_one: Vec<String> = first["pages"][0]["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|m| {
            text(m, "thing")
                .strip_prefix(&format!("{BASE}id/object/"))
                .map(str::to_owned)
        })
        .collect();
    let keys: BTreeSet<String> = csv::Reader::from_path(copy.csv())
        .expect("csv")
        .records()
        .map(|r| r.expect("record")[0].to_owned())
        .collect();
    let chosen: Vec<&String> = on_page_one
        .iter()
        .filter(|k| keys.contains(*k))
        .take(3)
        .collect();
    assert_eq!(chosen.len(), 3, "{on_page_one:?}");
    let (edited, dropped, withdrawn) = (chosen[0].clone(), chosen[1].clone(), chosen[2].clone());
    let object = |key: &str| format!("{BASE}id/object/{key}");
    let old_title: String = {
        let mut reader = csv::Reader::from_path(copy.csv()).expect("csv");
        reader
            .records()
            .map(|r| r.expect("record"))
            .find(|r| r[0] == *edited)
            .map(|r| r[1].to_owned())
            .expect("edited row")
    };
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
    assert!(third.contains("0 created, 2 updated, 1 deleted"), "{third}");
    let reason = "the lender asked for it to be taken down";
    copy.jiyi(&[
        "withdraw",
        "--thing",
        &object(&withdrawn),
        "--reason",
        reason,
    ]);

    let server = Server::start(&copy.store, &[]);
    let after = walk(&server);
    check_structure(&after);
    assert_eq!(
        etags(&after)[0],
        etags(&first)[0],
        "the closed first page is byte for byte what it was, though three of its things changed"
    );
    let all = members(&after);
    let new: Vec<&Value> = all
        .iter()
        .filter(|m| seq(m) > created.len() as u64)
        .collect();
    let mut got: Vec<(String, String)> = new
        .iter()
        .map(|m| (text(m, "type").to_owned(), text(m, "thing").to_owned()))
        .collect();
    got.sort();
    let mut want = vec![
        (AS_UPDATE.to_owned(), object(&edited)),
        (AS_DELETE.to_owned(), object(&dropped)),
        (AS_UPDATE.to_owned(), format!("{BASE}id/dataset/{DATASET}")),
        (AS_DELETE.to_owned(), object(&withdrawn)),
    ];
    want.sort();
    assert_eq!(got, want);
    let reason_of = |key: &str| {
        new.iter()
            .find(|m| text(m, "thing") == object(key))
            .map(|m| text(m, "reason").to_owned())
    };
    assert_eq!(
        reason_of(&dropped).as_deref(),
        Some(DEFAULT_DELETION_REASON)
    );
    assert_eq!(reason_of(&withdrawn).as_deref(), Some(reason));
    // The edited object's first version still says what it said; its new one says the new.
    let version_of = |kind: &str| {
        all.iter()
            .find(|m| text(m, "thing") == object(&edited) && m["type"] == kind)
            .map(seq)
            .expect("member")
    };
    let body = |server: &Server, n: u64| {
        get(
            &client,
            &format!("{}/feed/{DATASET}/versions/{n}", server.url),
            "application/n-quads",
        )
        .text()
        .expect("body")
    };
    let before = body(&server, version_of(AS_CREATE));
    assert!(
        before.contains(&old_title) && !before.contains("（修訂）"),
        "{before}"
    );
    let now = body(&server, version_of(AS_UPDATE));
    assert!(now.contains("（修訂）"), "{now}");

    // The acceptance check: dump from before the changes + the feed = the store now.
    let (followed, ok) = harvester(&server, "follow", Some(&harvester_state(&copy)));
    assert!(ok, "{followed:#}");
    assert_eq!(followed["isomorphic"], true, "{followed:#}");
    assert_eq!(followed["applied"]["versions"], 2, "{followed:#}");
    assert_eq!(followed["applied"]["deletions"], 2, "{followed:#}");
    assert_eq!(followed["last_member"], followed["current_position"]);
    // Only the runs' provenance was set aside, and the dump had some to set aside.
    assert!(followed["provenance_set_aside"]["expected"].as_u64() > Some(0));
    drop(server);

    // The withdrawal lifted, the next ingest brings the thing back: a new Create member after
    // its tombstone; its first version, on the closed first page, is still what it was.
    copy.jiyi(&["withdraw", "--thing", &object(&withdrawn), "--restore"]);
    let back = copy.ingest();
    assert!(back.contains("1 created, 0 updated, 0 deleted"), "{back}");
    let server = Server::start(&copy.store, &[]);
    let restored = walk(&server);
    check_structure(&restored);
    assert_eq!(etags(&restored)[0], etags(&first)[0]);
    let versions: Vec<(String, u64)> = members(&restored)
        .iter()
        .filter(|m| text(m, "thing") == object(&withdrawn))
        .map(|m| (text(m, "type").to_owned(), seq(m)))
        .collect();
    let kinds: Vec<&str> = versions.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, [AS_CREATE, AS_DELETE, AS_CREATE], "{versions:?}");
    // The member's named graph (N-Quads lines in the member's graph, graph name dropped).
    let description = |n: u64| -> BTreeSet<String> {
        let graph = format!(" <{BASE}feed/{DATASET}/versions/{n}> .");
        body(&server, n)
            .lines()
            .filter_map(|l| l.strip_suffix(&graph).map(str::to_owned))
            .collect()
    };
    let (was, is) = (description(versions[0].1), description(versions[2].1));
    assert!(!was.is_empty());
    assert_eq!(
        was, is,
        "the same description comes back, in its own member"
    );
    let (followed, ok) = harvester(&server, "follow", Some(&harvester_state(&copy)));
    assert!(ok, "{followed:#}");
    assert_eq!(followed["applied"]["versions"], 3, "{followed:#}");
    drop(server);

    // A dataset withdrawn for rights reasons: its feed is gone, with the reason.
    let rights = "licence with the lender ended";
    copy.jiyi(&["withdraw", "--dataset", DATASET, "--reason", rights]);
    let server = Server::start(&copy.store, &[]);
    for path in ["", "/pages/1"] {
        let response = get(
            &client,
            &format!("{}/feed/{DATASET}{path}", server.url),
            "application/trig",
        );
        assert_eq!(response.status(), 410, "{path}");
        let body = response.text().expect("body");
        assert!(body.contains(rights), "{body}");
    }
}
