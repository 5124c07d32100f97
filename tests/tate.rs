//! The Tate collection (`../shared/data/tate`, CC0) published by the real `jiyi` binary into a
//! real store on disk with `data/mappings/tate-artworks.rml.ttl`, and checked against the
//! source JSON read here, independently of the mapping: every record is published or listed
//! with a reason, the counts add up, sampled records carry their source values, and the subject
//! index is a well-formed SKOS concept scheme. The shapes are checked with pyshacl.
//!
//! The fast suite runs a sample (the first records plus every record of a kind the mapping
//! treats specially); `tate_full_collection` runs all 69,202 records and is ignored by default
//! (README, "Tests"): `cargo nextest run -p jiyi-cli --test tate --run-ignored only`.

mod support;

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use jiyi_store::model::Term;
use jiyi_store::{Query, QueryAnswer, QueryRequest, Store};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use support::*;

const BASE: &str = "https://data.example.tw/";
const CRM: &str = "http://www.cidoc-crm.org/cidoc-crm/";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const SCHEME: &str = "https://data.example.tw/id/concept/tate-subjects";
/// How many leading records the fast suite takes (besides the special ones).
const FAST_PREFIX: usize = 1000;

/// The shared Tate folder (`../shared/data/tate` beside the repository).
fn shared_tate() -> PathBuf {
    let dir = root().join("../shared/data/tate");
    assert!(
        dir.join("artworks_all.jsonl.gz").is_file(),
        "the Tate data is expected in {} (../shared beside the repository)",
        dir.display()
    );
    dir
}

/// Every artwork record, in file order (line N is `records[N - 1]`).
fn source_records() -> Vec<Value> {
    let file = std::fs::File::open(shared_tate().join("artworks_all.jsonl.gz")).expect("open");
    BufReader::new(GzDecoder::new(file))
        .lines()
        .map(|l| serde_json::from_str(&l.expect("read line")).expect("JSON line"))
        .collect()
}

/// artist_data.csv rows by Tate artist id.
fn source_artists() -> BTreeMap<String, BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(shared_tate().join("artist_data.csv")).expect("csv");
    let headers: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect();
    reader
        .records()
        .map(|r| {
            let row: BTreeMap<String, String> = headers
                .iter()
                .cloned()
                .zip(r.expect("row").iter().map(str::to_owned))
                .collect();
            (row["id"].clone(), row)
        })
        .collect()
}

/// A value as the mapping's templates see it: numbers and strings as text, null as none.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A year that makes a valid `YYYY-01-01T00:00:00Z`.
fn valid_year(v: &Value) -> bool {
    text(v).is_some_and(|t| t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
}

fn plain_number(v: &Value) -> bool {
    text(v).is_some_and(|t| {
        !t.is_empty()
            && t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && t.parse::<f64>().is_ok()
    })
}

fn object_iri(acno: &str) -> String {
    format!("{BASE}id/object/tate/{acno}")
}

fn concept_iri(id: &Value) -> String {
    format!("{SCHEME}/{}", text(id).expect("subject id"))
}

fn agent_iri(id: &Value) -> String {
    format!("{BASE}id/agent/tate/{}", text(id).expect("agent id"))
}

/// A record's subject tree below the root: (id, name, parent id or None for level 0).
fn subject_nodes(record: &Value) -> Vec<(String, String, Option<String>)> {
    fn walk(node: &Value, parent: Option<String>, out: &mut Vec<(String, String, Option<String>)>) {
        for child in node["children"].as_array().into_iter().flatten() {
            let id = text(&child["id"]).expect("id");
            out.push((
                id.clone(),
                text(&child["name"]).expect("name"),
                parent.clone(),
            ));
            walk(child, Some(id), out);
        }
    }
    let mut out = Vec::new();
    walk(&record["subjects"], None, &mut out);
    out
}

/// The subjects Tate indexed a work with: the leaves of its tree (level 2).
fn subject_leaves(record: &Value) -> BTreeSet<String> {
    let mut leaves = BTreeSet::new();
    for a in record["subjects"]["children"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for b in a["children"].as_array().into_iter().flatten() {
            for c in b["children"].as_array().into_iter().flatten() {
                leaves.insert(concept_iri(&c["id"]));
            }
        }
    }
    leaves
}

/// One ingest: the store, its summary and its rejects.
struct Published {
    _dir: tempfile::TempDir,
    store: Store,
    summary: String,
    rejects: Vec<Value>,
    records: Vec<Value>,
}

/// Lays out `records` (and the real artist_data.csv and level-0 files) as the mapping expects them, in a
/// temporary folder: `r/data/mappings/tate-artworks.rml.ttl` beside `shared/data/tate/`.
fn sample_layout(dir: &Path, records: &[Value]) -> PathBuf {
    let tate = dir.join("shared/data/tate");
    let mappings = dir.join("r/data/mappings");
    std::fs::create_dir_all(&tate).expect("mkdir");
    std::fs::create_dir_all(&mappings).expect("mkdir");
    let mut gz = GzEncoder::new(
        std::fs::File::create(tate.join("artworks_all.jsonl.gz")).expect("create"),
        Compression::fast(),
    );
    for r in records {
        serde_json::to_writer(&mut gz, r).expect("write");
        gz.write_all(b"\n").expect("write");
    }
    gz.finish().expect("gzip");
    std::fs::copy(
        shared_tate().join("artist_data.csv"),
        tate.join("artist_data.csv"),
    )
    .expect("copy artists");
    let subjects = tate.join("processed/subjects");
    std::fs::create_dir_all(&subjects).expect("mkdir");
    for file in ["level0.json", "level0list.json"] {
        std::fs::copy(
            shared_tate().join("processed/subjects").join(file),
            subjects.join(file),
        )
        .expect("copy level 0");
    }
    let mapping = mappings.join("tate-artworks.rml.ttl");
    std::fs::copy(data().join("mappings/tate-artworks.rml.ttl"), &mapping).expect("copy");
    mapping
}

/// The fast sample: the first records, then up to `PER_KIND` records of each kind the mapping
/// treats specially (a year field holding text, a number field holding a qualifier, an
/// "after" or second artist, a thumbnail copyright, a depth, no subjects, no date).
fn sample(all: &[Value]) -> Vec<Value> {
    const PER_KIND: usize = 30;
    type Kind = fn(&Value) -> bool;
    let kinds: [Kind; 8] = [
        |r| r["dateRange"].is_object() && !valid_year(&r["dateRange"]["startYear"]),
        |r| !r["dateRange"]["endYear"].is_number() && r["dateRange"].is_object(),
        |r| {
            (text(&r["width"]).is_some() && !plain_number(&r["width"]))
                || (text(&r["height"]).is_some() && !plain_number(&r["height"]))
        },
        |r| r["contributors"].as_array().is_some_and(|c| c.len() > 1),
        |r| {
            r["contributors"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c["role"] != "artist"))
        },
        |r| r["thumbnailCopyright"].is_string(),
        |r| text(&r["depth"]).is_some(),
        |r| r["subjects"].is_null() || r["dateRange"].is_null(),
    ];
    let mut out: Vec<Value> = all.iter().take(FAST_PREFIX).cloned().collect();
    let mut taken = [0usize; 8];
    for r in all.iter().skip(FAST_PREFIX) {
        if let Some(k) = (0..kinds.len()).find(|&k| taken[k] < PER_KIND && kinds[k](r)) {
            taken[k] += 1;
            out.push(r.clone());
        }
    }
    out
}

fn ingest_tate(records: Option<Vec<Value>>) -> Published {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mapping, records) = match records {
        Some(r) => (sample_layout(dir.path(), &r), r),
        None => (
            data().join("mappings/tate-artworks.rml.ttl"),
            source_records(),
        ),
    };
    let store_path = dir.path().join("store");
    let rejects_path = dir.path().join("tate.rejects.jsonl");
    let started = Instant::now();
    let summary = ingest(&mapping, &store_path, BASE, &rejects_path);
    println!(
        "jiyi ingest of {} Tate records: {:.1} s (dev build)\n{summary}",
        records.len(),
        started.elapsed().as_secs_f64()
    );
    let rejects = std::fs::read_to_string(&rejects_path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("reject line"))
        .collect();
    Published {
        store: Store::open(&store_path).expect("open store"),
        _dir: dir,
        summary,
        rejects,
        records,
    }
}

/// SELECT rows as variable → term text (IRI, blank node label or literal value).
fn select(store: &Store, sparql: &str) -> Vec<BTreeMap<String, String>> {
    let query = Query::parse(sparql, None).expect("query");
    let QueryAnswer::Solutions(solutions) = store.query(&QueryRequest::new(&query)).expect("run")
    else {
        panic!("not a SELECT: {sparql}");
    };
    solutions
        .map(|s| {
            s.expect("solution")
                .iter()
                .map(|(var, term)| {
                    let value = match term {
                        Term::NamedNode(n) => n.as_str().to_owned(),
                        Term::BlankNode(b) => b.as_str().to_owned(),
                        Term::Literal(l) => l.value().to_owned(),
                    };
                    (var.as_str().to_owned(), value)
                })
                .collect()
        })
        .collect()
}

/// The values of `?v` in a query.
fn values(store: &Store, sparql: &str) -> BTreeSet<String> {
    select(store, sparql)
        .into_iter()
        .filter_map(|mut row| row.remove("v"))
        .collect()
}

/// Asserts two sets are equal, printing only what differs.
fn assert_same<T: Ord + std::fmt::Debug>(got: &BTreeSet<T>, expected: &BTreeSet<T>, what: &str) {
    let missing: Vec<&T> = expected.difference(got).take(10).collect();
    let extra: Vec<&T> = got.difference(expected).take(10).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: {} expected, {} found; missing {missing:?}; unexpected {extra:?}",
        expected.len(),
        got.len()
    );
}

/// The JSON Lines line a reject names (`line N: $…`).
fn reject_line(reject: &Value) -> Option<usize> {
    let path = reject["path"].as_str()?;
    path.strip_prefix("line ")?.split(':').next()?.parse().ok()
}

/// Every record is published or listed with a reason, and the rejects are exactly the records
/// whose year fields hold text; prints the counts.
fn check_counts(p: &Published) {
    let n = p.records.len();
    let mut rejected_lines = BTreeSet::new();
    for reject in &p.rejects {
        let reason = reject["reason"].as_str().unwrap_or_default();
        assert!(!reason.is_empty(), "a reject without reason: {reject}");
        assert!(
            reject["field"].is_string(),
            "a reject names its field: {reject}"
        );
        let source = reject["source"].as_str().expect("source");
        assert!(
            source.ends_with("artworks_all.jsonl.gz"),
            "only artworks are rejected: {reject}"
        );
        rejected_lines.insert(reject_line(reject).expect("reject names its line"));
    }
    let expected: BTreeSet<usize> = p
        .records
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let d = &r["dateRange"];
            !d.is_null()
                && (!valid_year(&d["startYear"])
                    || (text(&d["endYear"]).is_some() && !valid_year(&d["endYear"])))
        })
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(
        rejected_lines, expected,
        "rejected records = records whose dateRange years are not years"
    );

    let objects = values(
        &p.store,
        &format!("SELECT ?v WHERE {{ ?v a <{CRM}E22_Human-Made_Object> }}"),
    );
    let source_objects: BTreeSet<String> = p
        .records
        .iter()
        .map(|r| object_iri(r["acno"].as_str().expect("acno")))
        .collect();
    assert_eq!(source_objects.len(), n, "accession numbers are unique");
    let not_published = source_objects.difference(&objects).count();
    assert_same(&objects, &source_objects, "one object per record, no other");
    let in_full = n - rejected_lines.len();
    println!(
        "Tate: {n} records read = {in_full} published in full + {} published with a rejected part \
         (listed with its reason) + {not_published} not published; {} objects in the store",
        rejected_lines.len(),
        objects.len()
    );
    assert_eq!(in_full + rejected_lines.len() + not_published, n);
}

/// One record's triples against the values in its JSON.
fn check_record(store: &Store, r: &Value, artists: &BTreeMap<String, BTreeMap<String, String>>) {
    let acno = r["acno"].as_str().expect("acno");
    let o = object_iri(acno);
    let one = |q: String| values(store, &q);
    let set = |xs: &[&str]| xs.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>();

    assert_eq!(
        one(format!(
            "SELECT ?v WHERE {{ <{o}> <{CRM}P1_is_identified_by> ?n . ?n <{CRM}P2_has_type> <http://vocab.getty.edu/aat/300404670> ; <{CRM}P190_has_symbolic_content> ?v }}"
        )),
        set(&[r["title"].as_str().expect("title")]),
        "{acno} title"
    );
    assert_eq!(
        one(format!(
            "SELECT ?v WHERE {{ <{o}> <{CRM}P1_is_identified_by> ?n . ?n a <{CRM}E42_Identifier> ; <{CRM}P2_has_type> <http://vocab.getty.edu/aat/300312355> ; <{CRM}P190_has_symbolic_content> ?v }}"
        )),
        set(&[acno]),
        "{acno} accession number"
    );

    // classified_as: artwork, Tate's classification, and the AAT object type where exact.
    let mut types = set(&["http://vocab.getty.edu/aat/300133025"]);
    if let Some(c) = text(&r["classification"]) {
        types.insert(format!(
            "{BASE}id/concept/tate-classification/{}",
            c.replace(' ', "%20").replace(',', "%2C")
        ));
        let aat = match c.as_str() {
            "painting" => Some("300033618"),
            "sculpture" => Some("300047090"),
            "on paper, print" => Some("300041273"),
            _ => None,
        };
        types.extend(aat.map(|id| format!("http://vocab.getty.edu/aat/{id}")));
    }
    assert_eq!(
        one(format!("SELECT ?v WHERE {{ <{o}> <{CRM}P2_has_type> ?v }}")),
        types,
        "{acno} classified_as"
    );

    let by_role = |roles: &[&str]| -> BTreeSet<String> {
        r["contributors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| roles.iter().any(|role| c["role"] == *role))
            .map(|c| agent_iri(&c["id"]))
            .collect()
    };
    let production = format!("<{o}> <{CRM}P108i_was_produced_by> ?p .");
    assert_eq!(
        one(format!(
            "SELECT ?v WHERE {{ {production} ?p <{CRM}P14_carried_out_by> ?v }}"
        )),
        by_role(&["artist"]),
        "{acno} carried out by"
    );
    assert_eq!(
        one(format!(
            "SELECT ?v WHERE {{ {production} ?p <{CRM}P15_was_influenced_by> ?v }}"
        )),
        by_role(&["after", "prints after"]),
        "{acno} influenced by"
    );
    assert_eq!(
        one(format!(
            "SELECT ?v WHERE {{ {production} ?p <{CRM}P67i_is_referred_to_by>/<{CRM}P190_has_symbolic_content> ?v }}"
        )),
        set(&[r["all_artists"].as_str().expect("all_artists")]),
        "{acno} production statement"
    );

    // Time-span: Tate's years, unless a year field holds text (then it is rejected).
    let d = &r["dateRange"];
    let begin = one(format!(
        "SELECT ?v WHERE {{ {production} ?p <{CRM}P4_has_time-span>/<{CRM}P82a_begin_of_the_begin> ?v }}"
    ));
    let end = one(format!(
        "SELECT ?v WHERE {{ {production} ?p <{CRM}P4_has_time-span>/<{CRM}P82b_end_of_the_end> ?v }}"
    ));
    let year_ok = |v: &Value| text(v).is_none() || valid_year(v);
    if !d.is_null() && valid_year(&d["startYear"]) && year_ok(&d["endYear"]) {
        let start = text(&d["startYear"]).expect("start");
        assert_eq!(
            begin,
            set(&[&format!("{start}-01-01T00:00:00Z")]),
            "{acno} begin"
        );
        let expected_end: BTreeSet<String> = text(&d["endYear"])
            .map(|e| format!("{e}-12-31T23:59:59Z"))
            .into_iter()
            .collect();
        assert_eq!(end, expected_end, "{acno} end");
    } else {
        assert!(
            begin.is_empty() && end.is_empty(),
            "{acno}: no dates from {d}"
        );
    }

    // Dimensions: only when height and width are plain numbers.
    let dims = select(
        store,
        &format!(
            "SELECT ?t ?v WHERE {{ <{o}> <{CRM}P43_has_dimension> ?d . ?d <{CRM}P2_has_type> ?t ; <{CRM}P90_has_value> ?v ; <{CRM}P91_has_unit> <http://vocab.getty.edu/aat/300379097> }}"
        ),
    );
    let dims: BTreeSet<(String, String)> = dims
        .into_iter()
        .map(|row| (row["t"].clone(), row["v"].clone()))
        .collect();
    let mut expected = BTreeSet::new();
    if plain_number(&r["height"]) && plain_number(&r["width"]) {
        for (field, aat) in [
            ("height", "300055644"),
            ("width", "300055647"),
            ("depth", "300072633"),
        ] {
            if let Some(v) = text(&r[field]) {
                expected.insert((format!("http://vocab.getty.edu/aat/{aat}"), v));
            }
        }
    }
    assert_eq!(dims, expected, "{acno} dimensions");

    // Statements as written.
    for (field, aat) in [
        ("dimensions", "300435430"),
        ("medium", "300435429"),
        ("creditLine", "300026687"),
        ("inscription", "300435414"),
    ] {
        let expected: BTreeSet<String> = text(&r[field]).into_iter().collect();
        assert_eq!(
            one(format!(
                "SELECT ?v WHERE {{ <{o}> <{CRM}P67i_is_referred_to_by> ?s . ?s <{CRM}P2_has_type> <http://vocab.getty.edu/aat/{aat}> ; <{CRM}P190_has_symbolic_content> ?v }}"
            )),
            expected,
            "{acno} {field}"
        );
    }

    // Subjects: the visual item is about the leaves of the record's tree.
    assert_eq!(
        one(format!(
            "SELECT ?v WHERE {{ <{o}> <{CRM}P65_shows_visual_item>/<{CRM}P129_is_about> ?v }}"
        )),
        subject_leaves(r),
        "{acno} subjects"
    );

    // Thumbnail and its copyright line; the web page.
    let image = format!(
        "<{o}> <{CRM}P138i_has_representation>/<https://linked.art/ns/terms/digitally_shown_by> ?i ."
    );
    assert_eq!(
        one(format!(
            "SELECT ?v WHERE {{ {image} ?i <https://linked.art/ns/terms/access_point> ?v }}"
        )),
        text(&r["thumbnailUrl"]).into_iter().collect(),
        "{acno} thumbnail"
    );
    let copyright: BTreeSet<String> = if text(&r["thumbnailUrl"]).is_some() {
        text(&r["thumbnailCopyright"]).into_iter().collect()
    } else {
        BTreeSet::new()
    };
    assert_eq!(
        one(format!(
            "SELECT ?v WHERE {{ {image} ?i <{CRM}P67i_is_referred_to_by>/<{CRM}P190_has_symbolic_content> ?v }}"
        )),
        copyright,
        "{acno} thumbnail copyright"
    );
    assert_eq!(
        one(format!(
            "SELECT ?v WHERE {{ <{o}> <{CRM}P129i_is_subject_of>/<https://linked.art/ns/terms/digitally_carried_by>/<https://linked.art/ns/terms/access_point> ?v }}"
        )),
        set(&[r["url"].as_str().expect("url")]),
        "{acno} web page"
    );

    // The artists, joined with artist_data.csv by Tate's id.
    for c in r["contributors"].as_array().into_iter().flatten() {
        let a = agent_iri(&c["id"]);
        assert_eq!(
            one(format!(
                "SELECT ?v WHERE {{ <{a}> <http://www.w3.org/2000/01/rdf-schema#label> ?v }}"
            )),
            set(&[c["fc"].as_str().expect("fc")]),
            "{acno}: label of {a}"
        );
        let Some(row) = artists.get(&text(&c["id"]).expect("id")) else {
            continue;
        };
        assert_eq!(
            one(format!(
                "SELECT ?v WHERE {{ <{a}> <{CRM}P1_is_identified_by> ?n . ?n <{CRM}P2_has_type> <http://vocab.getty.edu/aat/300451544> ; <{CRM}P190_has_symbolic_content> ?v }}"
            )),
            set(&[&row["name"]]),
            "{a} sort name"
        );
        let person = values(
            store,
            &format!("SELECT ?v WHERE {{ <{a}> a ?v FILTER(?v = <{CRM}E21_Person>) }}"),
        );
        assert_eq!(
            !person.is_empty(),
            !row["gender"].is_empty(),
            "{a} person iff gender"
        );
        let born = one(format!(
            "SELECT ?v WHERE {{ <{a}> <{CRM}P98i_was_born>/<{CRM}P4_has_time-span>/<{CRM}P82a_begin_of_the_begin> ?v }}"
        ));
        let expected: BTreeSet<String> = Some(&row["yearOfBirth"])
            .filter(|y| !y.is_empty())
            .map(|y| format!("{y}-01-01T00:00:00Z"))
            .into_iter()
            .collect();
        assert_eq!(born, expected, "{a} birth");
    }
}

/// The subject index: one concept per subject of the records, labels and hierarchy as in the
/// records' trees, one top concept per level-0 subject, every broader a concept of the scheme.
fn check_scheme(p: &Published) {
    let mut nodes: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
    for r in &p.records {
        for (id, name, parent) in subject_nodes(r) {
            let previous = nodes.insert(id.clone(), (name.clone(), parent.clone()));
            if let Some(prev) = previous {
                assert_eq!(
                    prev,
                    (name, parent),
                    "subject {id} is the same in every record"
                );
            }
        }
    }
    // The top concepts come from the thesaurus' own level-0 list, which must name every
    // level-0 subject the records use, with the same label.
    let level0: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(shared_tate().join("processed/subjects/level0list.json"))
            .expect("level0list.json"),
    )
    .expect("level0list JSON");
    let listed: BTreeMap<String, String> = level0
        .iter()
        .map(|e| (text(&e["id"]).expect("id"), text(&e["name"]).expect("name")))
        .collect();
    for (id, (name, parent)) in &nodes {
        if parent.is_none() {
            assert_eq!(
                listed.get(id),
                Some(name),
                "level-0 subject {id} is in level0list.json"
            );
        }
    }
    for (id, name) in listed {
        nodes.entry(id).or_insert((name, None));
    }
    let iri = |id: &str| format!("{SCHEME}/{id}");
    let concepts = select(
        &p.store,
        &format!(
            "SELECT ?c ?label ?notation WHERE {{ ?c a <{SKOS}Concept> ; <{SKOS}inScheme> <{SCHEME}> ; \
             <{SKOS}prefLabel> ?label ; <{SKOS}notation> ?notation }}"
        ),
    );
    let got: BTreeSet<(String, String, String)> = concepts
        .into_iter()
        .map(|row| {
            (
                row["c"].clone(),
                row["label"].clone(),
                row["notation"].clone(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String, String)> = nodes
        .iter()
        .map(|(id, (name, _))| (iri(id), name.clone(), id.clone()))
        .collect();
    assert_same(&got, &expected, "concepts, labels and notations");

    let tops: BTreeSet<String> = nodes
        .iter()
        .filter(|(_, (_, parent))| parent.is_none())
        .map(|(id, _)| iri(id))
        .collect();
    assert_eq!(
        values(
            &p.store,
            &format!("SELECT ?v WHERE {{ ?v <{SKOS}topConceptOf> <{SCHEME}> }}")
        ),
        tops,
        "top concepts = level-0 subjects"
    );
    assert_eq!(
        values(
            &p.store,
            &format!("SELECT ?v WHERE {{ <{SCHEME}> <{SKOS}hasTopConcept> ?v }}")
        ),
        tops
    );
    let broader: BTreeSet<(String, String)> = select(
        &p.store,
        &format!("SELECT ?c ?b WHERE {{ ?c <{SKOS}broader> ?b }}"),
    )
    .into_iter()
    .map(|row| (row["c"].clone(), row["b"].clone()))
    .collect();
    let expected: BTreeSet<(String, String)> = nodes
        .iter()
        .filter_map(|(id, (_, parent))| parent.as_ref().map(|p| (iri(id), iri(p))))
        .collect();
    assert_same(
        &broader,
        &expected,
        "skos:broader = the trees' parent links",
    );
    let dangling = values(
        &p.store,
        &format!(
            "SELECT ?v WHERE {{ ?c <{SKOS}broader>|<{SKOS}narrower> ?v \
             FILTER NOT EXISTS {{ ?v a <{SKOS}Concept> ; <{SKOS}inScheme> <{SCHEME}> }} }}"
        ),
    );
    assert!(
        dangling.is_empty(),
        "broader/narrower outside the scheme: {dangling:?}"
    );
    println!(
        "SKOS: {} concepts, {} top concepts, {} broader links",
        nodes.len(),
        tops.len(),
        broader.len()
    );
}

/// Records the fast suite compares triple by triple: the first of each kind.
fn chosen(records: &[Value]) -> Vec<&Value> {
    type Kind = fn(&Value) -> bool;
    let kinds: [Kind; 8] = [
        |r| r["dateRange"]["endYear"].is_number() && r["thumbnailUrl"].is_string(),
        |r| {
            r["contributors"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c["role"] == "after"))
        },
        |r| r["contributors"].as_array().is_some_and(|c| c.len() > 1),
        |r| text(&r["width"]).is_some() && !plain_number(&r["width"]),
        |r| r["thumbnailCopyright"].is_string(),
        |r| text(&r["depth"]).is_some(),
        |r| r["dateRange"].is_object() && !valid_year(&r["dateRange"]["startYear"]),
        |r| r["subjects"].is_null(),
    ];
    kinds
        .iter()
        .filter_map(|kind| records.iter().find(|r| kind(r)))
        .collect()
}

#[test]
fn tate_sample_publishes_every_record_or_says_why() {
    let all = source_records();
    let p = ingest_tate(Some(sample(&all)));
    assert!(p.summary.contains("tate: "), "{}", p.summary);
    check_counts(&p);
    let artists = source_artists();
    let chosen = chosen(&p.records);
    assert_eq!(chosen.len(), 8, "the sample has a record of every kind");
    for r in chosen {
        check_record(&p.store, r, &artists);
    }
    for r in p.records.iter().step_by(97) {
        check_record(&p.store, r, &artists);
    }
    check_scheme(&p);
}

/// The whole file (69,202 records); slow in a dev build, so run on demand (README, "Tests").
#[test]
#[ignore = "ingests all 69,202 Tate records (minutes in a dev build); run with --run-ignored only"]
fn tate_full_collection() {
    let p = ingest_tate(None);
    assert_eq!(
        p.records.len(),
        69_202,
        "the shared file has 69,202 records"
    );
    check_counts(&p);
    let artists = source_artists();
    for r in chosen(&p.records)
        .into_iter()
        .chain(p.records.iter().step_by(1009))
    {
        check_record(&p.store, r, &artists);
    }
    check_scheme(&p);
    // The level-0 file of the thesaurus names the same top concepts.
    let level0: BTreeMap<String, String> = serde_json::from_str(
        &std::fs::read_to_string(shared_tate().join("processed/subjects/level0.json"))
            .expect("level0.json"),
    )
    .expect("level0 JSON");
    let tops = select(
        &p.store,
        &format!(
            "SELECT ?c ?l WHERE {{ ?c <{SKOS}topConceptOf> <{SCHEME}> ; <{SKOS}prefLabel> ?l }}"
        ),
    );
    let tops: BTreeMap<String, String> = tops
        .into_iter()
        .map(|row| {
            (
                row["c"]
                    .trim_start_matches(&format!("{SCHEME}/"))
                    .to_owned(),
                row["l"].clone(),
            )
        })
        .collect();
    assert_eq!(
        tops, level0,
        "one top concept per level-0 subject, same names"
    );
}

/// pyshacl (a SHACL engine nobody here wrote) accepts the mapped sample against the Tate
/// Linked Art and SKOS shapes, and rejects it once a required statement is removed.
#[test]
fn tate_shapes_hold_in_pyshacl() {
    let python = python();
    let all = source_records();
    let mut records: Vec<Value> = all.iter().take(150).cloned().collect();
    records.extend(chosen(&all).into_iter().cloned());
    let dir = tempfile::tempdir().expect("tempdir");
    let mapping = sample_layout(dir.path(), &records);
    let out = dir.path().join("tate.nt");
    jiyi_ok(&[
        "map",
        "--mapping",
        mapping.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
        "--base",
        BASE,
    ]);
    let shapes = [
        root().join("ontologies/shapes/extra/tate-linked-art.ttl"),
        root().join("ontologies/shapes/extra/skos-hierarchy.ttl"),
        root().join("ontologies/shapes/skos.ttl"),
    ];
    let run = |data: &Path| {
        let out = Command::new(&python)
            .arg(root().join("tests/interop/tate_shacl_check.py"))
            .arg(data)
            .args(&shapes)
            .output()
            .expect("run python");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        println!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
        (out.status.success(), stdout)
    };
    let (ok, report) = run(&out);
    assert!(ok, "the sample conforms:\n{report}");
    assert!(report.contains("conforms"), "{report}");

    // Without the accession numbers' content and the concepts' labels it must not conform.
    let text = std::fs::read_to_string(&out).expect("read");
    let broken: String = text
        .lines()
        .filter(|l| {
            !(l.contains(
                "#accession-number> <http://www.cidoc-crm.org/cidoc-crm/P190_has_symbolic_content>",
            ) || (l.contains("/tate-subjects/") && l.contains("core#prefLabel>")))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(broken.len() < text.len(), "the test removed something");
    let broken_path = dir.path().join("broken.nt");
    std::fs::write(&broken_path, broken).expect("write");
    let (ok, report) = run(&broken_path);
    assert!(!ok, "pyshacl must find the removed statements:\n{report}");
    assert!(
        report.contains("x an Identifier (crm:E42_Identifier) has exactly one content"),
        "{report}"
    );
    assert!(
        report.contains("x a concept has a preferred label"),
        "{report}"
    );
}
