//! The change log, tombstones, withdrawals and dumps on a real store on disk, through the
//! public API an ingest uses: replace_dataset → add → commit_with_changes.

use jiyi_model::UriPolicy;
use jiyi_store::model::{BlankNode, Literal, NamedNode, Triple};
use jiyi_store::{
    ChangeCause, ChangeKind, DEFAULT_DELETION_REASON, DatasetCommit, DatasetScope, DumpFormat,
    Store, StoreError, ThingWithdrawal,
};
use std::io::Read as _;

const BASE: &str = "https://d.example/";

fn n(path: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{BASE}{path}"))
}

fn p(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("http://ex/{local}"))
}

fn lit(s: &str) -> Literal {
    Literal::new_simple_literal(s)
}

/// A small dataset the way an ingest shapes it: objects with a blank node and a hash IRI, a
/// dataset description and the run's provenance.
fn content(run: u32, objects: &[(&str, &str)], blank: &str) -> Vec<Triple> {
    let dataset = n("id/dataset/d");
    let run_iri = n(&format!("id/run/d/{run}"));
    let mut out = vec![
        Triple::new(dataset.clone(), p("title"), lit("D")),
        Triple::new(
            dataset.clone(),
            NamedNode::new_unchecked("http://www.w3.org/ns/prov#wasGeneratedBy"),
            run_iri.clone(),
        ),
        Triple::new(
            dataset.clone(),
            NamedNode::new_unchecked("http://purl.org/dc/terms/modified"),
            lit(&format!("t{run}")),
        ),
        Triple::new(run_iri, p("recordsRead"), lit(&run.to_string())),
        // Not a resource of ours: changes here are applied but logged for no one.
        Triple::new(
            NamedNode::new_unchecked("http://vocab.example/c"),
            p("label"),
            lit("c"),
        ),
    ];
    for (key, title) in objects {
        let thing = n(&format!("id/object/{key}"));
        let part = n(&format!("id/object/{key}#production"));
        let b = BlankNode::new_unchecked(format!("{blank}{key}"));
        out.extend([
            Triple::new(thing.clone(), p("title"), lit(title)),
            Triple::new(thing.clone(), p("produced"), part.clone()),
            Triple::new(part, p("timespan"), b.clone()),
            Triple::new(b, p("year"), lit(&format!("{key}-year"))),
        ]);
    }
    out
}

fn scope() -> DatasetScope {
    DatasetScope::new(&UriPolicy::new(BASE).expect("base"), "d").expect("scope")
}

fn load(store: &Store, run: u32, triples: Vec<Triple>) -> Result<DatasetCommit, StoreError> {
    let scope = scope();
    let mut r = store.replace_dataset(&scope)?;
    for t in triples {
        r.add(t)?;
    }
    r.commit_with_changes(&ChangeCause::run(
        n(&format!("id/run/d/{run}")),
        jiff::Timestamp::from_second(1_700_000_000 + i64::from(run)).expect("time"),
    ))
}

fn kinds(store: &Store, after: u64) -> Vec<(ChangeKind, String)> {
    store
        .changes(after, usize::MAX)
        .expect("log")
        .into_iter()
        .map(|c| (c.kind, c.thing.as_str().trim_start_matches(BASE).to_owned()))
        .collect()
}

#[test]
fn runs_are_logged_by_resource_and_provenance_alone_is_no_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    store.bind_base_iri(BASE).expect("base");
    let objects = [("a", "A"), ("b", "B"), ("c", "C")];

    let first = load(&store, 1, content(1, &objects, "x")).expect("first");
    let logged: std::collections::BTreeSet<_> = kinds(&store, 0).into_iter().collect();
    let expected: std::collections::BTreeSet<(ChangeKind, String)> =
        ["id/dataset/d", "id/object/a", "id/object/b", "id/object/c"]
            .into_iter()
            .map(|t| (ChangeKind::Created, t.to_owned()))
            .collect();
    assert_eq!(
        logged, expected,
        "one creation per resource; no run, no hash IRI"
    );
    assert_eq!(first.changes.created, 4);
    assert_eq!(store.last_sequence().expect("last"), 4);
    assert_eq!(
        store
            .changes(1, 2)
            .expect("page")
            .iter()
            .map(|c| c.sequence)
            .collect::<Vec<_>>(),
        vec![2, 3]
    );
    assert!(store.changes(4, 10).expect("past the end").is_empty());

    // Same content, new run: nothing is written, not even the new provenance.
    let before = store.graph_len(scope().graph()).expect("len");
    let same = load(&store, 2, content(2, &objects, "x")).expect("same");
    assert!(same.unchanged, "{same:?}");
    assert_eq!(store.last_sequence().expect("last"), 4);
    assert_eq!(store.graph_len(scope().graph()).expect("len"), before);
    assert!(
        store
            .graph_triples(scope().graph())
            .any(|t| t.expect("t").object == n("id/run/d/1").into()),
        "the run that made this content stays its provenance"
    );

    // Blank nodes relabelled, content equal: the graph changes, no resource does (RDFC-1.0).
    let relabelled = load(&store, 3, content(3, &objects, "y")).expect("relabelled");
    assert!(!relabelled.unchanged);
    assert!(relabelled.stored.added > 0);
    assert!(relabelled.changes.is_empty(), "{relabelled:?}");

    // A change deep in a description (the blank node under the hash IRI) updates its owner;
    // a resource that disappears is deleted with a tombstone.
    let mut edited = content(4, &[("a", "A"), ("b", "B")], "y");
    for t in &mut edited {
        if t.object == lit("b-year").into() {
            *t = Triple::new(
                t.subject.clone(),
                t.predicate.clone(),
                lit("b-year, revised"),
            );
        }
    }
    let commit = load(&store, 4, edited).expect("edit");
    assert_eq!(
        (
            commit.changes.updated,
            commit.changes.deleted,
            commit.changes.created
        ),
        (1, 1, 0)
    );
    assert_eq!(
        kinds(&store, 4),
        vec![
            (ChangeKind::Updated, "id/object/b".to_owned()),
            (ChangeKind::Deleted, "id/object/c".to_owned()),
        ]
    );
    let c = n("id/object/c");
    let tombstone = store.tombstone(c.as_ref()).expect("t").expect("tombstone");
    assert_eq!(tombstone.reason, DEFAULT_DELETION_REASON);
    assert_eq!(tombstone.run, Some(n("id/run/d/4")));
    assert_eq!(tombstone.sequence, 6);
    assert!(!store.is_live(c.as_ref()).expect("live"));

    // It comes back: created, tombstone ended (kept as history, no longer open).
    let back = load(
        &store,
        5,
        content(5, &[("a", "A"), ("b", "B"), ("c", "C")], "y"),
    )
    .expect("back");
    assert_eq!(back.changes.created, 1);
    assert!(store.tombstone(c.as_ref()).expect("t").is_none());
    assert!(store.open_tombstones(c.as_ref()).expect("t").is_empty());
    // b's blank node value went back too.
    assert_eq!(back.changes.updated, 1);
}

#[test]
fn withdrawals_take_things_and_datasets_down_with_their_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    store.bind_base_iri(BASE).expect("base");
    let policy = UriPolicy::new(BASE).expect("base");
    let objects = [("a", "A"), ("b", "B")];
    load(&store, 1, content(1, &objects, "x")).expect("first");

    let b = n("id/object/b");
    let outcome = store
        .withdraw_thing(
            &policy,
            b.as_ref(),
            "duplicate of a",
            Some(n("id/object/a")),
        )
        .expect("withdraw");
    assert!(
        matches!(outcome, ThingWithdrawal::TakenDown { ref datasets, .. } if datasets == &["d".to_owned()])
    );
    assert!(store.describe(b.as_ref()).expect("describe").is_none());
    // Its blank node and hash IRI went with it.
    assert!(
        !store
            .graph_triples(scope().graph())
            .any(|t| t.expect("t").to_string().contains("b-year"))
    );
    let tombstone = store.tombstone(b.as_ref()).expect("t").expect("tombstone");
    assert_eq!(tombstone.replaced_by, Some(n("id/object/a")));
    assert_eq!(tombstone.run, None);

    // The source still has b: kept out (also from the staged content's blank nodes).
    let again = load(&store, 2, content(2, &objects, "x")).expect("again");
    assert_eq!(again.kept_out, 1);
    assert!(again.unchanged, "{again:?}");
    assert!(store.describe(b.as_ref()).expect("describe").is_none());
    // Restating the reason of a thing already gone.
    assert_eq!(
        store
            .withdraw_thing(&policy, b.as_ref(), "merged into a", None)
            .expect("restate"),
        ThingWithdrawal::Restated { tombstones: 1 }
    );
    assert_eq!(
        store.tombstone(b.as_ref()).expect("t").expect("t").reason,
        "merged into a"
    );
    assert!(store.restore_thing(b.as_ref()).expect("restore"));
    let back = load(&store, 3, content(3, &objects, "x")).expect("back");
    assert_eq!(back.changes.created, 1);

    // The whole dataset.
    let last = store.last_sequence().expect("last");
    let summary = store
        .withdraw_dataset(&scope(), "rights withdrawn")
        .expect("withdraw");
    assert_eq!(summary.deleted, 3, "dataset node, a, b");
    assert!(store.published_graphs().expect("graphs").is_empty());
    for change in store.changes(last, usize::MAX).expect("log") {
        assert_eq!(change.reason.as_deref(), Some("rights withdrawn"));
    }
    let refused = load(&store, 4, content(4, &objects, "x"));
    assert!(
        matches!(refused, Err(StoreError::DatasetWithdrawn { ref reason, .. }) if reason == "rights withdrawn")
    );
    assert!(store.restore_dataset("d").expect("restore"));
    let republished = load(&store, 5, content(5, &objects, "x")).expect("republished");
    assert_eq!(republished.changes.created, 3);
    assert!(
        store
            .tombstone(n("id/object/a").as_ref())
            .expect("t")
            .is_none()
    );
}

#[test]
fn a_graph_loaded_before_the_change_log_is_reconciled_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    store.bind_base_iri(BASE).expect("base");
    // A store from before the change log: the graph is there, nothing is recorded.
    let mut plain = store.replace_graph(scope().graph()).expect("plain");
    for t in content(1, &[("a", "A")], "x") {
        plain.add(t).expect("add");
    }
    plain.commit().expect("commit");
    assert_eq!(store.last_sequence().expect("last"), 0);
    let commit = load(&store, 2, content(2, &[("a", "A"), ("b", "B")], "x")).expect("load");
    assert_eq!(commit.changes.created, 1, "only b is new in this run");
    assert_eq!(
        store.last_sequence().expect("last"),
        3,
        "dataset and a were reconciled first"
    );
    // Reconciling again logs nothing.
    let again = store
        .reconcile_changes(&scope(), &ChangeCause::steward("check", None))
        .expect("reconcile");
    assert!(again.is_empty());
}

#[test]
fn dumps_are_written_atomically_and_identically_for_identical_content() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("store")).expect("open");
    store.bind_base_iri(BASE).expect("base");
    load(&store, 1, content(1, &[("a", "A"), ("b", "B")], "x")).expect("load");
    let first = store.publish_dumps(&scope()).expect("dumps");
    assert_eq!(first.len(), 2);
    let nq = &first[0];
    assert_eq!(nq.format, DumpFormat::NQuads);
    assert_eq!(
        nq.triples as usize,
        store.graph_len(scope().graph()).expect("len")
    );
    assert_eq!(nq.feed_position, store.last_sequence().expect("last"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&nq.path).expect("open"))
        .read_to_string(&mut text)
        .expect("gunzip");
    assert_eq!(text.lines().count() as u64, nq.triples);
    assert!(
        text.lines()
            .all(|l| l.ends_with(&format!("<{BASE}graph/d> .")))
    );
    // No temporary file is left next to the dumps.
    let names: Vec<String> = std::fs::read_dir(store.dumps_dir())
        .expect("dir")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let second = store.publish_dumps(&scope()).expect("again");
    assert_eq!(second[0].sha256, first[0].sha256);
    assert_eq!(second[1].sha256, first[1].sha256);
    assert_eq!(
        store.dump_file("d", DumpFormat::Turtle).expect("record"),
        Some(second[1].clone())
    );
    // A file that is not the recorded one is not offered.
    std::fs::write(&second[1].path, b"tampered").expect("write");
    assert_eq!(
        store.dump_file("d", DumpFormat::Turtle).expect("record"),
        None
    );
    assert!(!store.dumps_current(&scope()).expect("current"));
}
