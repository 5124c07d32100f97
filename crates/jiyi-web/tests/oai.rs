//! The OAI-PMH provider at `/oai` through the router (no socket): every verb, every error
//! code, dates, sets, resumption tokens and deleted records, on a store whose change log was
//! written the way ingests write it (replace_dataset → commit_with_changes at known times).

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jiyi_model::UriPolicy;
use jiyi_store::model::{Literal, NamedNode, Triple};
use jiyi_store::{ChangeCause, DatasetScope, Store};
use jiyi_web::{AppState, Config, app};
use std::collections::BTreeSet;
use tower::ServiceExt;

const BASE: &str = "https://data.example.tw/";
const TITLE: &str = "http://purl.org/dc/terms/title";
const LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
const TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const E22: &str = "http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object";
const T1: i64 = 1_704_067_200; // 2024-01-01T00:00:00Z
const T2: i64 = T1 + 86_400; // 2024-01-02T00:00:00Z
const T3: i64 = T1 + 2 * 86_400 + 12 * 3_600; // 2024-01-03T12:00:00Z

fn nn(iri: &str) -> NamedNode {
    NamedNode::new(iri).expect("IRI")
}

fn id(path: &str) -> String {
    format!("{BASE}id/{path}")
}

struct Site {
    _dir: tempfile::TempDir,
    state: AppState,
    store: Store,
}

/// Loads dataset `name` as run `run` at `time`: its description and `objects` (key, title),
/// plus the agent `ag` shared by both datasets.
fn load(store: &Store, name: &str, run: u32, time: i64, objects: &[(&str, &str)]) {
    let policy = UriPolicy::new(BASE).expect("base");
    let scope = DatasetScope::new(&policy, name).expect("scope");
    let mut r = store.replace_dataset(&scope).expect("replace");
    let dataset = policy.dataset(name).expect("dataset");
    let mut triples = vec![
        Triple::new(
            dataset.clone(),
            nn(TITLE),
            Literal::new_simple_literal(format!("Dataset {name} ({} things)", objects.len())),
        ),
        Triple::new(
            nn(&id("agent/ag")),
            nn(LABEL),
            Literal::new_simple_literal("Shared agent"),
        ),
    ];
    for (key, title) in objects {
        let thing = nn(&id(&format!("object/{key}")));
        triples.push(Triple::new(thing.clone(), nn(TYPE), nn(E22)));
        triples.push(Triple::new(
            thing.clone(),
            nn(TITLE),
            Literal::new_language_tagged_literal(*title, "en").expect("lang"),
        ));
        triples.push(Triple::new(
            thing,
            nn("http://purl.org/dc/terms/creator"),
            nn(&id("agent/ag")),
        ));
    }
    for t in triples {
        r.add(t).expect("add");
    }
    r.commit_with_changes(&ChangeCause::run(
        nn(&id(&format!("run/{name}/{run}"))),
        jiff::Timestamp::from_second(time).expect("time"),
    ))
    .expect("commit");
}

/// Dataset `a` at T1 (o1, o2, o3), dataset `b` at T2 (p1), `a` again at T3 (o1 edited, o3
/// dropped), then p1 withdrawn now. Pages of 2 records.
fn site() -> Site {
    site_with_page_size(2)
}

fn site_with_page_size(page_size: usize) -> Site {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    store.bind_base_iri(BASE).expect("base");
    load(
        &store,
        "a",
        1,
        T1,
        &[("o1", "One"), ("o2", "Two <&> \"quoted\""), ("o3", "Three")],
    );
    load(&store, "b", 1, T2, &[("p1", "P one")]);
    load(
        &store,
        "a",
        2,
        T3,
        &[("o1", "One, edited"), ("o2", "Two <&> \"quoted\"")],
    );
    let policy = UriPolicy::new(BASE).expect("base");
    store
        .withdraw_thing(
            &policy,
            nn(&id("object/p1")).as_ref(),
            "rights unclear",
            None,
        )
        .expect("withdraw");
    let mut config = Config::new(policy);
    config.oai.page_size = page_size;
    config.oai.admin_email = Some("steward@example.tw".into());
    let state = AppState::new(store.clone(), config).expect("state");
    Site {
        _dir: dir,
        state,
        store,
    }
}

struct Answer {
    status: StatusCode,
    content_type: String,
    body: String,
}

async fn send(site: &Site, request: Request<Body>) -> Answer {
    let response = app(site.state.clone())
        .oneshot(request)
        .await
        .expect("infallible");
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body = String::from_utf8(bytes.to_vec()).expect("UTF-8");
    if status == StatusCode::OK {
        assert_eq!(content_type, "text/xml; charset=UTF-8");
        well_formed(&body);
    }
    Answer {
        status,
        content_type,
        body,
    }
}

/// `GET /oai?` with the pairs form-encoded.
async fn oai(site: &Site, pairs: &[(&str, &str)]) -> Answer {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    send(
        site,
        Request::get(format!("/oai?{query}"))
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

/// Reads the whole document with quick-xml, which rejects mismatched and unclosed tags.
fn well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed: {e}\n{xml}"),
        }
    }
    assert_eq!(depth, 0, "unclosed elements in\n{xml}");
}

/// The texts of every `<name>…</name>` (no attributes), unescaped.
fn texts(xml: &str, name: &str) -> Vec<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    xml.split(&open)
        .skip(1)
        .filter_map(|rest| rest.split_once(&close).map(|(t, _)| t))
        .map(|t| {
            quick_xml::escape::unescape(t)
                .expect("escapes")
                .into_owned()
        })
        .collect()
}

/// The error code of an error response, asserting it has exactly one.
fn error_code(answer: &Answer) -> String {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let codes: Vec<&str> = answer
        .body
        .split("<error code=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .collect();
    assert_eq!(codes.len(), 1, "{}", answer.body);
    codes[0].to_owned()
}

/// Whether the `request` element echoes no arguments (required after badVerb/badArgument).
fn bare_request(answer: &Answer) -> bool {
    answer
        .body
        .contains(&format!("<request>{BASE}oai</request>"))
}

/// Each record or header of a list, split at `<header`.
fn headers(xml: &str) -> Vec<String> {
    xml.split("<header")
        .skip(1)
        .map(|h| h.split("</header>").next().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn identify_names_the_repository_its_policy_and_earliest_datestamp() {
    let site = site();
    let a = oai(&site, &[("verb", "Identify")]).await;
    assert!(
        a.body
            .contains(&format!("<request verb=\"Identify\">{BASE}oai</request>"))
    );
    assert_eq!(texts(&a.body, "baseURL"), [format!("{BASE}oai")]);
    assert_eq!(texts(&a.body, "protocolVersion"), ["2.0"]);
    assert_eq!(texts(&a.body, "adminEmail"), ["steward@example.tw"]);
    assert_eq!(
        texts(&a.body, "earliestDatestamp"),
        ["2024-01-01T00:00:00Z"]
    );
    assert_eq!(texts(&a.body, "deletedRecord"), ["persistent"]);
    assert_eq!(texts(&a.body, "granularity"), ["YYYY-MM-DDThh:mm:ssZ"]);
    assert_eq!(texts(&a.body, "repositoryName").len(), 1);

    // The same request by POST.
    let posted = send(
        &site,
        Request::post("/oai")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("verb=Identify"))
            .expect("request"),
    )
    .await;
    assert_eq!(texts(&posted.body, "adminEmail"), ["steward@example.tw"]);
    let wrong = send(
        &site,
        Request::post("/oai")
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from("verb=Identify"))
            .expect("request"),
    )
    .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        wrong.content_type
    );
}

#[tokio::test]
async fn metadata_formats_for_the_repository_and_for_items() {
    let site = site();
    let all = oai(&site, &[("verb", "ListMetadataFormats")]).await;
    assert_eq!(texts(&all.body, "metadataPrefix"), ["oai_dc", "rdf"]);
    assert!(
        texts(&all.body, "metadataNamespace")
            .contains(&"http://www.w3.org/1999/02/22-rdf-syntax-ns#".to_owned())
    );
    let item = oai(
        &site,
        &[
            ("verb", "ListMetadataFormats"),
            ("identifier", &id("object/o1")),
        ],
    )
    .await;
    assert_eq!(texts(&item.body, "metadataPrefix"), ["oai_dc", "rdf"]);

    let unknown = oai(
        &site,
        &[
            ("verb", "ListMetadataFormats"),
            ("identifier", &id("object/nope")),
        ],
    )
    .await;
    assert_eq!(error_code(&unknown), "idDoesNotExist");
    assert!(!bare_request(&unknown), "a valid request is echoed");
    assert!(unknown.body.contains("identifier=\""));

    let deleted = oai(
        &site,
        &[
            ("verb", "ListMetadataFormats"),
            ("identifier", &id("object/o3")),
        ],
    )
    .await;
    assert_eq!(error_code(&deleted), "noMetadataFormats");
}

#[tokio::test]
async fn sets_are_the_datasets_with_their_titles() {
    let site = site();
    let a = oai(&site, &[("verb", "ListSets")]).await;
    assert_eq!(texts(&a.body, "setSpec"), ["a", "b"]);
    assert_eq!(
        texts(&a.body, "setName"),
        ["Dataset a (2 things)", "Dataset b (1 things)"]
    );
    let token = oai(&site, &[("verb", "ListSets"), ("resumptionToken", "x")]).await;
    assert_eq!(error_code(&token), "badResumptionToken");
}

#[tokio::test]
async fn an_empty_repository_has_no_set_hierarchy_and_no_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    store.bind_base_iri(BASE).expect("base");
    let state =
        AppState::new(store.clone(), Config::new(UriPolicy::new(BASE).expect("b"))).expect("s");
    let site = Site {
        _dir: dir,
        state,
        store,
    };
    let sets = oai(&site, &[("verb", "ListSets")]).await;
    assert_eq!(error_code(&sets), "noSetHierarchy");
    let by_set = oai(
        &site,
        &[
            ("verb", "ListIdentifiers"),
            ("metadataPrefix", "oai_dc"),
            ("set", "a"),
        ],
    )
    .await;
    assert_eq!(error_code(&by_set), "noSetHierarchy");
    let none = oai(
        &site,
        &[("verb", "ListRecords"), ("metadataPrefix", "oai_dc")],
    )
    .await;
    assert_eq!(error_code(&none), "noRecordsMatch");
}

/// Follows resumption tokens to the end; returns every header and the cursors seen.
async fn harvest(site: &Site, verb: &str, first: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
    let mut pairs: Vec<(&str, &str)> = vec![("verb", verb)];
    pairs.extend_from_slice(first);
    let mut answer = oai(site, &pairs).await;
    let mut all = Vec::new();
    let mut cursors = Vec::new();
    loop {
        assert!(!answer.body.contains("<error"), "{}", answer.body);
        all.extend(headers(&answer.body));
        let Some(token) = answer.body.split("<resumptionToken").nth(1) else {
            break;
        };
        let (attributes, rest) = token.split_once('>').expect("tag end");
        cursors.push(
            attributes
                .split("cursor=\"")
                .nth(1)
                .and_then(|c| c.split('"').next())
                .unwrap_or_default()
                .to_owned(),
        );
        if attributes.ends_with('/') {
            break;
        }
        let value = rest.split("</resumptionToken>").next().unwrap_or("");
        if value.is_empty() {
            break;
        }
        let value = quick_xml::escape::unescape(value)
            .expect("escape")
            .into_owned();
        answer = oai(site, &[("verb", verb), ("resumptionToken", &value)]).await;
    }
    (all, cursors)
}

fn identifier(header: &str) -> String {
    texts(header, "identifier").pop().expect("identifier")
}

#[tokio::test]
async fn list_identifiers_pages_through_every_record_once_with_deletions() {
    let site = site();
    let (all, cursors) = harvest(&site, "ListIdentifiers", &[("metadataPrefix", "oai_dc")]).await;
    let ids: Vec<String> = all.iter().map(|h| identifier(h)).collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "each record once: {ids:?}");
    let expected: BTreeSet<String> = [
        "dataset/a",
        "dataset/b",
        "agent/ag",
        "object/o1",
        "object/o2",
        "object/o3",
        "object/p1",
    ]
    .into_iter()
    .map(id)
    .collect();
    assert_eq!(unique, expected.iter().collect());
    // 7 records in pages of 2: cursors 0, 2, 4, 6 (the last with an empty token).
    assert_eq!(cursors, ["0", "2", "4", "6"]);

    let header = |key: &str| {
        all.iter()
            .find(|h| identifier(h) == id(key))
            .cloned()
            .expect("listed")
    };
    // o1 is dated by its update, not its creation; o3 by its deletion.
    assert_eq!(
        texts(&header("object/o1"), "datestamp"),
        ["2024-01-03T12:00:00Z"]
    );
    let o3 = header("object/o3");
    assert!(o3.starts_with(" status=\"deleted\">"), "{o3}");
    assert_eq!(texts(&o3, "datestamp"), ["2024-01-03T12:00:00Z"]);
    assert_eq!(texts(&o3, "setSpec"), ["a"]);
    // One record for a thing in two datasets.
    assert_eq!(texts(&header("agent/ag"), "setSpec"), ["a", "b"]);
    // The withdrawn thing: deleted, dated now.
    let p1 = header("object/p1");
    assert!(p1.starts_with(" status=\"deleted\">"), "{p1}");
    let stamp = texts(&p1, "datestamp").pop().expect("datestamp");
    assert!(stamp.as_str() > "2025", "{stamp}");
    assert!(!header("object/o2").contains("status="));
}

#[tokio::test]
async fn dates_select_by_the_latest_change_inclusively_in_both_granularities() {
    let site = site_with_page_size(100);
    let list =
        |from: Option<&'static str>, until: Option<&'static str>, set: Option<&'static str>| {
            let site = &site;
            async move {
                let mut pairs = vec![("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc")];
                pairs.extend(from.map(|f| ("from", f)));
                pairs.extend(until.map(|u| ("until", u)));
                pairs.extend(set.map(|s| ("set", s)));
                let a = oai(site, &pairs).await;
                if a.body.contains("noRecordsMatch") {
                    return BTreeSet::new();
                }
                assert!(!a.body.contains("<error"), "{}", a.body);
                headers(&a.body)
                    .iter()
                    .map(|h| identifier(h).trim_start_matches(&id("")).to_owned())
                    .collect::<BTreeSet<String>>()
            }
        };
    let set = |items: &[&str]| {
        items
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<BTreeSet<_>>()
    };
    // Until the first day: o1 was changed later, so it is not listed through its creation.
    assert_eq!(
        list(None, Some("2024-01-01"), None).await,
        set(&["object/o2"])
    );
    // The second day, inclusive at both ends, in seconds.
    assert_eq!(
        list(
            Some("2024-01-02T00:00:00Z"),
            Some("2024-01-02T00:00:00Z"),
            None
        )
        .await,
        set(&["agent/ag", "dataset/b"])
    );
    assert_eq!(
        list(Some("2024-01-03"), Some("2024-01-03"), None).await,
        set(&["object/o1", "object/o3", "dataset/a"])
    );
    assert_eq!(
        list(
            Some("2024-01-03T12:00:01Z"),
            Some("2024-12-31T00:00:00Z"),
            None
        )
        .await,
        set(&[])
    );
    // Sets: the shared agent is in both; the withdrawn p1 stays in b.
    assert_eq!(
        list(None, None, Some("b")).await,
        set(&["agent/ag", "dataset/b", "object/p1"])
    );
    assert_eq!(
        list(None, Some("2024-01-03"), Some("a")).await,
        set(&[
            "agent/ag",
            "dataset/a",
            "object/o1",
            "object/o2",
            "object/o3"
        ])
    );
    assert_eq!(list(None, None, Some("nope")).await, set(&[]));
}

#[tokio::test]
async fn list_records_carry_dublin_core_or_rdf_and_deleted_records_only_a_header() {
    let site = site_with_page_size(100);
    let dc = oai(
        &site,
        &[("verb", "ListRecords"), ("metadataPrefix", "oai_dc")],
    )
    .await;
    let records: Vec<&str> = dc.body.split("<record>").skip(1).collect();
    assert_eq!(records.len(), 7);
    for record in &records {
        let deleted = record.contains("status=\"deleted\"");
        assert_eq!(!deleted, record.contains("<metadata>"), "{record}");
    }
    let o2 = records
        .iter()
        .find(|r| r.contains(&format!("<identifier>{}</identifier>", id("object/o2"))))
        .expect("o2");
    // Escaped, and read back as written.
    assert!(
        o2.contains("<dc:title xml:lang=\"en\">Two &lt;&amp;&gt; &quot;quoted&quot;</dc:title>"),
        "{o2}"
    );
    assert_eq!(texts(o2, "dc:creator"), ["Shared agent"]);
    assert_eq!(texts(o2, "dc:type"), [E22]);
    assert_eq!(texts(o2, "dc:relation"), [id("dataset/a")]);
    assert!(texts(o2, "dc:identifier").contains(&id("object/o2")));

    let rdf = oai(&site, &[("verb", "ListRecords"), ("metadataPrefix", "rdf")]).await;
    assert_eq!(
        rdf.body.matches("<?xml").count(),
        1,
        "no declaration inside metadata"
    );
    let o1 = rdf
        .body
        .split("<record>")
        .find(|r| r.contains(&format!("<identifier>{}</identifier>", id("object/o1"))))
        .expect("o1");
    let metadata = o1
        .split_once("<metadata>")
        .and_then(|(_, r)| r.split_once("</metadata>"))
        .map(|(m, _)| m)
        .expect("metadata");
    let parsed: Vec<_> = oxrdfio::RdfParser::from_format(oxrdfio::RdfFormat::RdfXml)
        .for_slice(metadata.as_bytes())
        .collect::<Result<_, _>>()
        .expect("RDF/XML");
    let described = site
        .store
        .describe(nn(&id("object/o1")).as_ref())
        .expect("describe")
        .expect("described");
    assert_eq!(parsed.len(), described.triples.len());
    assert!(
        parsed
            .iter()
            .any(|q| q.object.to_string() == "\"One, edited\"@en")
    );
}

#[tokio::test]
async fn get_record_answers_live_and_deleted_items() {
    let site = site();
    let live = oai(
        &site,
        &[
            ("verb", "GetRecord"),
            ("identifier", &id("object/o1")),
            ("metadataPrefix", "oai_dc"),
        ],
    )
    .await;
    assert!(
        live.body
            .contains("<dc:title xml:lang=\"en\">One, edited</dc:title>"),
        "{}",
        live.body
    );
    assert_eq!(texts(&live.body, "datestamp"), ["2024-01-03T12:00:00Z"]);
    let deleted = oai(
        &site,
        &[
            ("verb", "GetRecord"),
            ("identifier", &id("object/o3")),
            ("metadataPrefix", "rdf"),
        ],
    )
    .await;
    assert!(
        deleted.body.contains("<header status=\"deleted\">"),
        "{}",
        deleted.body
    );
    assert!(!deleted.body.contains("<metadata>"));
    let format = oai(
        &site,
        &[
            ("verb", "GetRecord"),
            ("identifier", &id("object/o1")),
            ("metadataPrefix", "marc"),
        ],
    )
    .await;
    assert_eq!(error_code(&format), "cannotDisseminateFormat");
    assert!(format.body.contains("metadataPrefix=\"marc\""), "echoed");
    let missing = oai(
        &site,
        &[
            ("verb", "GetRecord"),
            ("identifier", &id("object/zz")),
            ("metadataPrefix", "oai_dc"),
        ],
    )
    .await;
    assert_eq!(error_code(&missing), "idDoesNotExist");
    let run = oai(
        &site,
        &[
            ("verb", "GetRecord"),
            ("identifier", &id("run/a/1")),
            ("metadataPrefix", "oai_dc"),
        ],
    )
    .await;
    assert_eq!(error_code(&run), "idDoesNotExist", "runs are not items");
}

#[tokio::test]
async fn bad_verbs_and_arguments_are_named_without_echoing_the_request() {
    let site = site();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[], "badVerb"),
        (&[("verb", "Dance")], "badVerb"),
        (&[("verb", "Identify"), ("verb", "Identify")], "badVerb"),
        (&[("verb", "Identify"), ("identifier", "x")], "badArgument"),
        (&[("verb", "Identify"), ("colour", "red")], "badArgument"),
        (&[("verb", "ListRecords")], "badArgument"),
        (
            &[("verb", "GetRecord"), ("metadataPrefix", "oai_dc")],
            "badArgument",
        ),
        (
            &[
                ("verb", "ListRecords"),
                ("metadataPrefix", "oai_dc"),
                ("metadataPrefix", "rdf"),
            ],
            "badArgument",
        ),
        (
            &[
                ("verb", "ListRecords"),
                ("metadataPrefix", "oai_dc"),
                ("from", "2024-13-01"),
            ],
            "badArgument",
        ),
        (
            &[
                ("verb", "ListRecords"),
                ("metadataPrefix", "oai_dc"),
                ("until", "2024-01-01T00:00Z"),
            ],
            "badArgument",
        ),
        (
            &[
                ("verb", "ListRecords"),
                ("metadataPrefix", "oai_dc"),
                ("from", "2024-01-02"),
                ("until", "2024-01-01"),
            ],
            "badArgument",
        ),
        (
            &[
                ("verb", "ListIdentifiers"),
                ("metadataPrefix", "oai_dc"),
                ("from", "2024-01-01"),
                ("until", "2024-01-02T00:00:00Z"),
            ],
            "badArgument",
        ),
        (
            &[
                ("verb", "ListIdentifiers"),
                ("resumptionToken", "v1:oai_dc:2:2:::"),
                ("metadataPrefix", "oai_dc"),
            ],
            "badArgument",
        ),
    ];
    for (pairs, code) in cases {
        let a = oai(&site, pairs).await;
        assert_eq!(&error_code(&a), code, "{pairs:?}\n{}", a.body);
        assert!(
            bare_request(&a),
            "{pairs:?}: the request must not be echoed\n{}",
            a.body
        );
    }
}

#[tokio::test]
async fn other_errors_echo_the_request() {
    let site = site();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("verb", "ListRecords"), ("resumptionToken", "garbage")],
            "badResumptionToken",
        ),
        (
            &[
                ("verb", "ListIdentifiers"),
                ("resumptionToken", "v1:oai_dc:999999:0:::"),
            ],
            "badResumptionToken",
        ),
        (
            &[
                ("verb", "ListIdentifiers"),
                ("resumptionToken", "v1:marc:1:0:::"),
            ],
            "badResumptionToken",
        ),
        (
            &[("verb", "ListRecords"), ("metadataPrefix", "marc")],
            "cannotDisseminateFormat",
        ),
        (
            &[
                ("verb", "ListRecords"),
                ("metadataPrefix", "oai_dc"),
                ("from", "2099-01-01"),
            ],
            "noRecordsMatch",
        ),
    ];
    for (pairs, code) in cases {
        let a = oai(&site, pairs).await;
        assert_eq!(&error_code(&a), code, "{pairs:?}\n{}", a.body);
        assert!(
            !bare_request(&a),
            "{pairs:?}: a valid request is echoed\n{}",
            a.body
        );
        assert!(a.body.contains(&format!("verb=\"{}\"", pairs[0].1)));
    }
}

#[tokio::test]
async fn paging_stays_complete_while_an_ingest_changes_records() {
    let site = site();
    let first = oai(
        &site,
        &[("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc")],
    )
    .await;
    let mut seen: Vec<String> = headers(&first.body).iter().map(|h| identifier(h)).collect();
    let token = first
        .body
        .split("<resumptionToken cursor=\"0\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("a token")
        .to_owned();
    // An ingest between two pages: o2 is edited, o4 appears.
    load(
        &site.store,
        "a",
        3,
        T3 + 60,
        &[("o1", "One, edited"), ("o2", "Two, edited"), ("o4", "Four")],
    );
    let (rest, _) = harvest(&site, "ListIdentifiers", &[("resumptionToken", &token)]).await;
    // `harvest` sends the token as the first request's only argument besides the verb.
    seen.extend(rest.iter().map(|h| identifier(h)));
    let seen: BTreeSet<String> = seen.into_iter().collect();
    for key in [
        "object/o1",
        "object/o2",
        "object/o3",
        "object/o4",
        "object/p1",
        "agent/ag",
    ] {
        assert!(seen.contains(&id(key)), "{key} was harvested: {seen:?}");
    }
    let o2 = rest
        .iter()
        .find(|h| identifier(h) == id("object/o2"))
        .expect("o2 listed again at its new position");
    assert_eq!(texts(o2, "datestamp"), ["2024-01-03T12:01:00Z"]);
}
