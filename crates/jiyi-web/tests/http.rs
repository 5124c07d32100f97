//! HTTP behaviour of the router for documents and pages, driven without a socket
//! (`tower::ServiceExt::oneshot`), on real on-disk stores: the small shared fixture
//! (`common::site`) and, for the document pipeline (Cool URIs, profiles, paging, provenance,
//! caching), [`doc_site`], a dataset written the way an ingest writes it.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use common::*;
use jiyi_model::UriPolicy;
use jiyi_store::Store;
use jiyi_store::model::{NamedNode, NamedOrBlankNode, Term, Triple};
use jiyi_web::{AppState, Config};
use oxrdfio::{RdfFormat, RdfParser};
use std::collections::HashSet;

const CABBAGE_DOC: &str = "/doc/object/DEMO-%E5%99%A8%E7%89%A9-0001";

#[tokio::test]
async fn id_redirects_to_doc_with_303_keeping_the_query() {
    let s = site();
    let a = get(&s, "/id/object/DEMO-%E5%99%A8%E7%89%A9-0001", None).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.headers[header::LOCATION], CABBAGE_DOC);
    let a = get(&s, "/id/object/x?format=nt", None).await;
    assert_eq!(a.headers[header::LOCATION], "/doc/object/x?format=nt");
}

#[tokio::test]
async fn doc_negotiates_every_format_and_says_it_varies() {
    let s = site();
    for (accept, expected_type, needle) in [
        ("text/turtle", "text/turtle", "翠玉白菜"),
        (
            "application/n-triples",
            "application/n-triples",
            "<https://data.example.tw/id/object/DEMO-器物-0001>",
        ),
        (
            "application/ld+json",
            "application/ld+json",
            "Jadeite Cabbage",
        ),
        ("application/rdf+xml", "application/rdf+xml", "rdf:RDF"),
        ("application/trig", "application/trig", "翠玉白菜"),
        (
            "application/n-quads",
            "application/n-quads",
            "Jadeite Cabbage",
        ),
        ("text/html", "text/html", "<h1>翠玉白菜</h1>"),
        (
            "text/html;q=0.4, text/turtle;q=0.5",
            "text/turtle",
            "E22_Human-Made_Object",
        ),
    ] {
        let a = get(&s, CABBAGE_DOC, Some(accept)).await;
        assert_eq!(a.status, StatusCode::OK, "{accept}: {}", a.body);
        assert!(
            content_type(&a).starts_with(expected_type),
            "{accept} gave {}",
            content_type(&a)
        );
        assert!(
            a.body.contains(needle),
            "{accept}: {needle} not in {}",
            a.body
        );
        assert!(
            a.headers[header::VARY]
                .to_str()
                .expect("ascii")
                .contains("Accept")
        );
    }
    // No Accept at all: Turtle.
    assert!(content_type(&get(&s, CABBAGE_DOC, None).await).starts_with("text/turtle"));
    // format= wins over Accept.
    let a = get(&s, &format!("{CABBAGE_DOC}?format=nt"), Some("text/html")).await;
    assert!(content_type(&a).starts_with("application/n-triples"));
    // English page on request.
    let a = get(&s, &format!("{CABBAGE_DOC}?lang=en"), Some("text/html")).await;
    assert!(a.body.contains("<h1>Jadeite Cabbage</h1>"), "{}", a.body);
}

#[tokio::test]
async fn unacceptable_unknown_and_escaped_keys() {
    let s = site();
    let a = get(&s, CABBAGE_DOC, Some("image/png")).await;
    assert_eq!(a.status, StatusCode::NOT_ACCEPTABLE);
    assert!(
        a.body.contains("text/turtle"),
        "406 lists what is available: {}",
        a.body
    );
    assert_eq!(content_type(&a), "application/problem+json");

    let a = get(&s, "/doc/object/nothing-here", Some("text/turtle")).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = get(&s, "/doc/object/nothing-here", Some("text/html")).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(content_type(&a).starts_with("text/html"));

    // A key with a slash and a space is one escaped segment, not two.
    let a = get(&s, "/doc/object/a%2Fb%20c", Some("application/n-triples")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.body.contains("slash key"));
    assert_eq!(
        get(&s, "/doc/object/a/b%20c", None).await.status,
        StatusCode::NOT_FOUND
    );

    let a = get(&s, &format!("{CABBAGE_DOC}?format=yaml"), None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let s = site();
    let a = send(
        &s,
        Request::head(CABBAGE_DOC)
            .header(header::ACCEPT, "text/turtle")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(content_type(&a).starts_with("text/turtle"));
    assert!(a.body.is_empty());
}

#[tokio::test]
async fn landing_page_lists_datasets() {
    let s = site();
    let a = get(&s, "/", Some("text/html")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.body.contains("https://data.example.tw/id/dataset/demo"),
        "{}",
        a.body
    );
    assert!(
        a.body.contains("翠玉白菜"),
        "an example thing is linked by its label: {}",
        a.body
    );
}

// ------------------------------------------------------------------------------------------
// The document pipeline.
// ------------------------------------------------------------------------------------------

const DEMO_GRAPH: &str = "https://data.example.tw/graph/demo";
const TATE_GRAPH: &str = "https://data.example.tw/graph/tate";
const OBJECT: &str = "https://data.example.tw/id/object/DEMO-器物-0001";
const OBJECT_DOC_IRI: &str = "https://data.example.tw/doc/object/DEMO-器物-0001";
const BIG: &str = "https://data.example.tw/id/concept/subject/big";
/// Statements of the big concept: three pages of 1,000.
const BIG_MEMBERS: usize = 2_300;
const LINKED_ART: &str = "https://linked.art/ns/v1/linked-art.json";
const FULL: &str = "https://w3id.org/jiyi/profile/full";
const CC0: &str = "https://creativecommons.org/publicdomain/zero/1.0/";
/// `dcterms:modified` of the demo dataset, as the ingest writes it (with a fraction).
const INGESTED: &str = "2025-03-01T10:00:00.25Z";

/// A dataset in the shape `jiyi ingest` leaves it: the records, the dataset description with
/// licence and rights holder, and the PROV-O run that made it.
const DEMO_TTL: &str = r#"
@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<id/object/DEMO-器物-0001> a crm:E22_Human-Made_Object , schema:CreativeWork ;
    rdfs:label "翠玉白菜"@zh-Hant , "Jadeite Cabbage"@en ;
    dcterms:title "翠玉白菜"@zh-Hant , "Jadeite Cabbage"@en ;
    dcterms:identifier "DEMO-器物-0001" ;
    dcterms:creator <id/agent/佚名> ;
    schema:name "翠玉白菜"@zh-Hant , "Jadeite Cabbage"@en ;
    schema:creator <id/agent/佚名> ;
    crm:P45_consists_of <id/concept/material/翠玉> ;
    crm:P108i_was_produced_by <id/object/DEMO-器物-0001#production> ;
    crm:P43_has_dimension [ a crm:E54_Dimension ; crm:P90_has_value 18.7 ] .
<id/object/DEMO-器物-0001#production> a crm:E12_Production ;
    rdfs:label "翠玉白菜的製作"@zh-Hant ;
    crm:P14_carried_out_by <id/agent/佚名> .
<id/concept/material/翠玉> a skos:Concept , crm:E57_Material ;
    skos:prefLabel "翠玉"@zh-Hant , "jadeite"@en ;
    rdfs:label "翠玉"@zh-Hant , "jadeite"@en , "jadéite"@fr .
<id/agent/佚名> a crm:E21_Person ;
    rdfs:label "佚名"@zh-Hant , "Anonymous"@en ;
    schema:name "佚名"@zh-Hant .
<id/object/report.ttl> dcterms:title "a key that ends in a suffix" .
<id/object/a> dcterms:title "plain a" .
<id/object/a.ttl> dcterms:title "a.ttl, another thing" .

<id/dataset/demo> a dcat:Dataset ;
    dcterms:title "示範資料"@zh-Hant , "Demo data"@en ;
    dcterms:license <https://creativecommons.org/publicdomain/zero/1.0/> ;
    dcterms:rightsHolder [ a foaf:Agent ; foaf:name "記憶團隊"@zh-Hant , "The Jiyi team"@en ] ;
    prov:wasGeneratedBy <id/run/demo/20250301T095900Z> ;
    dcterms:modified "2025-03-01T10:00:00.25Z"^^xsd:dateTime .
<id/run/demo/20250301T095900Z> a prov:Activity ;
    rdfs:label "Ingest of demo at 2025-03-01T09:59:00Z"@en ;
    prov:startedAtTime "2025-03-01T09:59:00Z"^^xsd:dateTime ;
    prov:endedAtTime "2025-03-01T10:00:00.25Z"^^xsd:dateTime .
"#;

fn iri(s: &str) -> NamedNode {
    NamedNode::new(s).expect("IRI")
}

/// The document-pipeline fixture: the demo dataset above, and a `tate` dataset holding a
/// subject concept with [`BIG_MEMBERS`] statements (one of them also in the demo graph).
fn doc_site_with(configure: impl FnOnce(Config) -> Config) -> Site {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    store.bind_base_iri(BASE).expect("base");
    let policy = UriPolicy::new(BASE).expect("policy");
    let demo: Vec<Triple> = oxttl::TurtleParser::new()
        .with_base_iri(BASE)
        .expect("base")
        .for_slice(DEMO_TTL.as_bytes())
        .collect::<Result<_, _>>()
        .expect("fixture Turtle");
    let big = iri(BIG);
    let member = iri("http://www.w3.org/2004/02/skos/core#member");
    let mut r = store
        .replace_graph(iri(DEMO_GRAPH).as_ref())
        .expect("replace");
    for t in &demo {
        r.add(t.clone()).expect("add");
    }
    r.add(Triple::new(big.clone(), member.clone(), iri(OBJECT)))
        .expect("add");
    r.commit().expect("commit");
    let mut r = store
        .replace_graph(iri(TATE_GRAPH).as_ref())
        .expect("replace");
    r.add(Triple::new(big.clone(), member.clone(), iri(OBJECT)))
        .expect("add");
    for i in 1..BIG_MEMBERS {
        r.add(Triple::new(
            big.clone(),
            member.clone(),
            iri(&format!("{BASE}id/object/T{i:05}")),
        ))
        .expect("add");
    }
    r.commit().expect("commit");
    let state = AppState::new(store, configure(Config::new(policy))).expect("state");
    Site { _dir: dir, state }
}

fn doc_site() -> Site {
    doc_site_with(|c| c)
}

/// `/doc/…` of the object, percent-encoded as a browser sends it.
const OBJECT_DOC: &str = "/doc/object/DEMO-%E5%99%A8%E7%89%A9-0001";

async fn get_with(s: &Site, uri: &str, headers: &[(&str, &str)]) -> Answer {
    let mut b = Request::get(uri);
    for (name, value) in headers {
        b = b.header(*name, *value);
    }
    send(s, b.body(Body::empty()).expect("request")).await
}

fn header<'a>(a: &'a Answer, name: &str) -> &'a str {
    a.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn links(a: &Answer) -> Vec<String> {
    a.headers
        .get_all(header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect()
}

fn parse(a: &Answer, format: RdfFormat) -> Vec<Triple> {
    RdfParser::from_format(format)
        .for_slice(a.body.as_bytes())
        .map(|q| q.map(Triple::from))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{format} does not parse: {e}\n{}", a.body))
}

fn has(triples: &[Triple], s: &str, p: &str, o: &str) -> bool {
    triples.iter().any(|t| {
        t.subject.to_string() == format!("<{s}>")
            && t.predicate.as_str() == p
            && match &t.object {
                Term::NamedNode(n) => n.as_str() == o,
                Term::Literal(l) => l.to_string().to_lowercase() == o.to_lowercase(),
                Term::BlankNode(_) => false,
                #[allow(unreachable_patterns)]
                _ => false,
            }
    })
}

/// A blank-node-insensitive view of a graph, for comparing formats: every triple with blank
/// nodes replaced by a marker, as a multiset-free set (the fixture's blank nodes are
/// distinguishable by their statements).
fn shape(triples: &[Triple]) -> HashSet<String> {
    triples
        .iter()
        .map(|t| {
            let s = match &t.subject {
                NamedOrBlankNode::BlankNode(_) => "_".to_owned(),
                other => other.to_string(),
            };
            let o = match &t.object {
                Term::BlankNode(_) => "_".to_owned(),
                other => other.to_string(),
            };
            format!("{s} {} {o}", t.predicate)
        })
        .collect()
}

#[tokio::test]
async fn id_answers_303_with_describedby_keeping_parameters_and_profile() {
    let s = doc_site();
    // Lower-case escapes from the client come back in the canonical upper-case form.
    let a = get(&s, "/id/object/DEMO-%e5%99%a8%e7%89%a9-0001", None).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(header(&a, "location"), OBJECT_DOC);
    assert_eq!(
        links(&a),
        vec![format!("<{OBJECT_DOC}>; rel=\"describedby\"")]
    );
    assert!(header(&a, "cache-control").contains("max-age"));
    let a = get(
        &s,
        "/id/object/DEMO-%E5%99%A8%E7%89%A9-0001?format=nt&page=2",
        None,
    )
    .await;
    assert_eq!(
        header(&a, "location"),
        format!("{OBJECT_DOC}?format=nt&page=2")
    );
    // A profile asked for in a header is carried into the Location and named.
    let a = get_with(
        &s,
        "/id/object/DEMO-%E5%99%A8%E7%89%A9-0001",
        &[("accept-profile", "<https://schema.org/>")],
    )
    .await;
    assert_eq!(
        header(&a, "location"),
        format!("{OBJECT_DOC}?_profile=schema")
    );
    assert_eq!(header(&a, "content-profile"), "<https://schema.org/>");
    assert!(header(&a, "vary").contains("Accept-Profile"));
    // Following it gets the schema.org view.
    let b = get(&s, header(&a, "location"), Some("application/n-triples")).await;
    assert_eq!(b.status, StatusCode::OK);
    assert_eq!(header(&b, "content-profile"), "<https://schema.org/>");
}

#[tokio::test]
async fn negotiated_answers_name_their_representation_and_suffix_urls_serve_it() {
    let s = doc_site();
    for (offer, suffix, format) in [
        ("text/turtle", "ttl", Some(RdfFormat::Turtle)),
        ("application/n-triples", "nt", Some(RdfFormat::NTriples)),
        (
            "application/ld+json",
            "jsonld",
            Some(RdfFormat::JsonLd {
                profile: oxrdfio::JsonLdProfileSet::empty(),
            }),
        ),
        ("application/rdf+xml", "rdf", Some(RdfFormat::RdfXml)),
        ("application/trig", "trig", Some(RdfFormat::TriG)),
        ("application/n-quads", "nq", Some(RdfFormat::NQuads)),
        ("text/html", "html", None),
    ] {
        let a = get(&s, OBJECT_DOC, Some(offer)).await;
        assert_eq!(a.status, StatusCode::OK, "{offer}: {}", a.body);
        assert!(content_type(&a).starts_with(offer), "{offer}");
        let location = header(&a, "content-location");
        let expected = if suffix == "html" {
            format!("{OBJECT_DOC}.html?lang=zh-Hant")
        } else {
            format!("{OBJECT_DOC}.{suffix}")
        };
        assert_eq!(location, expected, "{offer}");
        let vary = header(&a, "vary");
        assert!(
            vary.contains("Accept,") && vary.contains("Accept-Profile"),
            "{vary}"
        );
        // The suffix URL serves the same bytes, whatever Accept says, and says so in Vary.
        let b = get(&s, location, Some("image/png")).await;
        assert_eq!(b.status, StatusCode::OK, "{location}: {}", b.body);
        assert!(content_type(&b).starts_with(offer));
        assert_eq!(b.body, a.body, "{location}");
        assert!(!b.headers.contains_key(header::CONTENT_LOCATION));
        assert!(
            !header(&b, "vary").contains("Accept,"),
            "{}",
            header(&b, "vary")
        );
        if let Some(format) = format {
            let triples = parse(&a, format);
            assert!(
                has(
                    &triples,
                    OBJECT,
                    "http://www.w3.org/2000/01/rdf-schema#label",
                    "\"翠玉白菜\"@zh-hant"
                ),
                "{offer}: {}",
                a.body
            );
        }
    }
    // Every RDF format carries the same graph.
    let reference = shape(&parse(
        &get(&s, &format!("{OBJECT_DOC}.nt"), None).await,
        RdfFormat::NTriples,
    ));
    for (suffix, format) in [
        ("ttl", RdfFormat::Turtle),
        (
            "jsonld",
            RdfFormat::JsonLd {
                profile: oxrdfio::JsonLdProfileSet::empty(),
            },
        ),
        ("rdf", RdfFormat::RdfXml),
        ("trig", RdfFormat::TriG),
        ("nq", RdfFormat::NQuads),
    ] {
        let a = get(&s, &format!("{OBJECT_DOC}.{suffix}"), None).await;
        assert_eq!(shape(&parse(&a, format)), reference, "{suffix}");
    }
    // A suffix and a contradicting format= are refused; an agreeing one is fine.
    let a = get(&s, &format!("{OBJECT_DOC}.ttl?format=nt"), None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.body.contains("suffix"), "{}", a.body);
    assert_eq!(
        get(&s, &format!("{OBJECT_DOC}.ttl?format=ttl"), None)
            .await
            .status,
        StatusCode::OK
    );
    // format= and _mediatype= answers point at the suffix URL too.
    let a = get(
        &s,
        &format!("{OBJECT_DOC}?_mediatype=application/n-triples"),
        None,
    )
    .await;
    assert!(content_type(&a).starts_with("application/n-triples"));
    assert_eq!(header(&a, "content-location"), format!("{OBJECT_DOC}.nt"));
}

#[tokio::test]
async fn keys_that_end_in_a_suffix_stay_reachable() {
    let s = doc_site();
    // The whole path is a key first: report.ttl is a thing, negotiated like any other.
    let a = get(&s, "/doc/object/report.ttl", Some("application/n-triples")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(content_type(&a).starts_with("application/n-triples"));
    assert!(a.body.contains("a key that ends in a suffix"));
    assert_eq!(header(&a, "content-location"), "/doc/object/report.ttl.nt");
    let b = get(&s, "/doc/object/report.ttl.ttl", None).await;
    assert!(content_type(&b).starts_with("text/turtle"));
    assert!(b.body.contains("a key that ends in a suffix"));
    // The thing's id redirects to its plain document.
    let c = get(&s, "/id/object/report.ttl", None).await;
    assert_eq!(header(&c, "location"), "/doc/object/report.ttl");
    // `a` and `a.ttl` both exist: a's Turtle cannot live at a.ttl, so it is a?format=ttl.
    let d = get(&s, "/doc/object/a", Some("text/turtle")).await;
    assert!(d.body.contains("plain a"));
    assert_eq!(header(&d, "content-location"), "/doc/object/a?format=ttl");
    assert!(
        links(&d)
            .iter()
            .any(|l| l.starts_with("</doc/object/a?format=ttl>")),
        "{:#?}",
        links(&d)
    );
    let e = get(&s, "/doc/object/a?format=ttl", None).await;
    assert_eq!(e.body, d.body);
    let f = get(&s, "/doc/object/a.ttl", Some("text/turtle")).await;
    assert!(f.body.contains("another thing"), "{}", f.body);
    // Raw UTF-8 in the request path names the same thing as its percent-encoded form.
    let raw = get(&s, "/doc/object/DEMO-器物-0001.nt", None).await;
    assert_eq!(raw.status, StatusCode::OK, "{}", raw.body);
    assert_eq!(
        raw.body,
        get(&s, &format!("{OBJECT_DOC}.nt"), None).await.body
    );
    let raw = get(&s, "/id/object/DEMO-器物-0001", None).await;
    assert_eq!(header(&raw, "location"), OBJECT_DOC);
    // An encoded dot is part of the key, not a suffix.
    let g = get(&s, "/doc/object/a%2Ettl", Some("text/turtle")).await;
    assert!(g.body.contains("another thing"), "{}", g.body);
}

#[tokio::test]
async fn links_list_alternates_profiles_licence_and_tokens() {
    let s = doc_site();
    let a = get(&s, OBJECT_DOC, Some("text/turtle")).await;
    let links = links(&a);
    let find = |needle: &str| links.iter().any(|l| l.contains(needle));
    for (suffix, media) in [
        ("nt", "application/n-triples"),
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
        ("trig", "application/trig"),
        ("nq", "application/n-quads"),
    ] {
        assert!(
            find(&format!(
                "<{OBJECT_DOC}.{suffix}>; rel=\"alternate\"; type=\"{media}\"; profile=\"{FULL}\""
            )),
            "{suffix}: {links:#?}"
        );
    }
    assert!(
        find(&format!(
            "<{OBJECT_DOC}.ttl>; rel=\"canonical\"; type=\"text/turtle\""
        )),
        "{links:#?}"
    );
    assert!(
        find(&format!(
            "<{OBJECT_DOC}.html?lang=en>; rel=\"alternate\"; type=\"text/html\"; hreflang=\"en\""
        )),
        "{links:#?}"
    );
    assert!(
        find(&format!(
            "<{OBJECT_DOC}.ttl?_profile=linked-art>; rel=\"alternate\"; type=\"text/turtle\"; profile=\"{LINKED_ART}\""
        )),
        "{links:#?}"
    );
    assert!(
        find(&format!("<{OBJECT_DOC}.ttl?_profile=schema>")),
        "{links:#?}"
    );
    assert!(
        find(&format!("<{OBJECT_DOC}.ttl?_profile=dcterms>")),
        "{links:#?}"
    );
    assert!(
        find(&format!("<{OBJECT_DOC}?_profile=alt>; rel=\"alternate\"")),
        "{links:#?}"
    );
    assert!(find(&format!("<{FULL}>; rel=\"profile\"")), "{links:#?}");
    assert!(
        find(&format!(
            "<http://www.w3.org/ns/dx/prof/Profile>; rel=\"type\"; token=\"linked-art\"; anchor=<{LINKED_ART}>"
        )),
        "{links:#?}"
    );
    assert!(find(&format!("<{CC0}>; rel=\"license\"")), "{links:#?}");
    assert_eq!(header(&a, "content-profile"), format!("<{FULL}>"));
    // An HTML answer names no canonical Turtle file (search engines would take it as the page's).
    let h = get(&s, OBJECT_DOC, Some("text/html")).await;
    assert!(!links_of(&h).iter().any(|l| l.contains("canonical")));
    assert!(header(&h, "vary").contains("Accept-Language"));
    assert_eq!(header(&h, "content-language"), "zh-Hant");
    // A thing with only Dublin Core statements offers no other profile.
    let d = get(&s, "/doc/object/report.ttl", Some("text/turtle")).await;
    assert!(
        !links_of(&d)
            .iter()
            .any(|l| l.contains("_profile=linked-art")),
        "{:#?}",
        links_of(&d)
    );
    assert!(links_of(&d).iter().any(|l| l.contains("_profile=dcterms")));
}

fn links_of(a: &Answer) -> Vec<String> {
    links(a)
}

#[tokio::test]
async fn profiles_are_negotiated_by_header_and_parameter() {
    let s = doc_site();
    let crm = "http://www.cidoc-crm.org/cidoc-crm/";
    let la = get(
        &s,
        &format!("{OBJECT_DOC}?_profile=linked-art"),
        Some("application/n-triples"),
    )
    .await;
    assert_eq!(header(&la, "content-profile"), format!("<{LINKED_ART}>"));
    assert_eq!(
        header(&la, "content-location"),
        format!("{OBJECT_DOC}.nt?_profile=linked-art")
    );
    let t = parse(&la, RdfFormat::NTriples);
    let about_object: Vec<&Triple> = t
        .iter()
        .filter(|t| t.subject.to_string() == format!("<{OBJECT}>"))
        .collect();
    assert!(
        about_object
            .iter()
            .all(|t| t.predicate.as_str().starts_with(crm)
                || t.predicate.as_str().ends_with("#label")
                || t.predicate.as_str().ends_with("#type")),
        "{about_object:#?}"
    );
    assert!(
        !about_object
            .iter()
            .any(|t| t.predicate.as_str().starts_with("https://schema.org/"))
    );
    assert!(
        has(
            &t,
            &format!("{OBJECT}#production"),
            "http://www.w3.org/2000/01/rdf-schema#label",
            "\"翠玉白菜的製作\"@zh-hant"
        ),
        "the closure stays"
    );
    assert!(
        t.iter()
            .any(|t| t.predicate.as_str() == format!("{crm}P90_has_value")),
        "the blank node stays"
    );

    // Accept-Profile with q-values; the parameter wins over the header.
    let sdo = get_with(
        &s,
        OBJECT_DOC,
        &[
            ("accept", "application/n-triples"),
            (
                "accept-profile",
                "<http://purl.org/dc/terms/>;q=0.5, <https://schema.org/>;q=0.9",
            ),
        ],
    )
    .await;
    assert_eq!(header(&sdo, "content-profile"), "<https://schema.org/>");
    let t = parse(&sdo, RdfFormat::NTriples);
    assert!(has(
        &t,
        OBJECT,
        "https://schema.org/creator",
        "https://data.example.tw/id/agent/佚名"
    ));
    assert!(!t.iter().any(|t| t.predicate.as_str().starts_with(crm)));
    // linked resources are named with the profile's own label property
    assert!(has(
        &t,
        "https://data.example.tw/id/agent/佚名",
        "https://schema.org/name",
        "\"佚名\"@zh-hant"
    ));
    let dc = get_with(
        &s,
        &format!("{OBJECT_DOC}?_profile=dcterms"),
        &[
            ("accept", "application/n-triples"),
            ("accept-profile", "<https://schema.org/>"),
        ],
    )
    .await;
    assert_eq!(
        header(&dc, "content-profile"),
        "<http://purl.org/dc/terms/>"
    );
    let t = parse(&dc, RdfFormat::NTriples);
    assert!(has(
        &t,
        OBJECT,
        "http://purl.org/dc/terms/identifier",
        "\"DEMO-器物-0001\""
    ));
    assert!(
        !t.iter()
            .any(|t| t.subject.to_string() == format!("<{OBJECT}>")
                && t.predicate.as_str().starts_with("https://schema.org/"))
    );

    // An unknown profile gets the default, and Content-Profile says so.
    let unknown = get_with(
        &s,
        OBJECT_DOC,
        &[
            ("accept", "application/n-triples"),
            ("accept-profile", "<urn:example:nothing>"),
        ],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(header(&unknown, "content-profile"), format!("<{FULL}>"));
    let full = get(&s, OBJECT_DOC, Some("application/n-triples")).await;
    assert_eq!(unknown.body, full.body);
    // So does a profile this thing has no statements in.
    let none = get(
        &s,
        "/doc/object/report.ttl?_profile=linked-art",
        Some("text/turtle"),
    )
    .await;
    assert_eq!(header(&none, "content-profile"), format!("<{FULL}>"));
    assert!(none.body.contains("a key that ends in a suffix"));
}

#[tokio::test]
async fn the_list_of_profiles_is_discoverable() {
    let s = doc_site();
    let a = get(
        &s,
        &format!("{OBJECT_DOC}?_profile=alt"),
        Some("application/n-triples"),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        header(&a, "content-profile"),
        "<http://www.w3.org/ns/dx/connegp/altr>"
    );
    let t = parse(&a, RdfFormat::NTriples);
    let altr = "http://www.w3.org/ns/dx/connegp/altr#";
    assert!(has(
        &t,
        OBJECT_DOC_IRI,
        &format!("{altr}hasDefaultRepresentation"),
        &format!("{OBJECT_DOC_IRI}.ttl")
    ));
    let profiles: HashSet<String> = t
        .iter()
        .filter(|t| t.predicate.as_str() == "http://purl.org/dc/terms/conformsTo")
        .map(|t| t.object.to_string())
        .collect();
    assert_eq!(profiles.len(), 4, "{profiles:#?}");
    assert!(has(
        &t,
        LINKED_ART,
        "http://www.w3.org/ns/dx/prof/hasToken",
        "\"linked-art\""
    ));
    assert!(has(
        &t,
        &format!("{OBJECT_DOC_IRI}.jsonld?_profile=schema"),
        "http://purl.org/dc/terms/format",
        "\"application/ld+json\""
    ));
    // `all` (the spec's current keyword) is the same list; the header lists every combination.
    let b = get(
        &s,
        &format!("{OBJECT_DOC}?_profile=all"),
        Some("application/n-triples"),
    )
    .await;
    assert_eq!(b.body, a.body);
    assert!(
        links(&a)
            .iter()
            .any(|l| l.contains("_profile=dcterms") && l.contains("application/rdf+xml"))
    );
    // and it is a page for people too
    let h = get(&s, &format!("{OBJECT_DOC}?_profile=alt"), Some("text/html")).await;
    assert_eq!(h.status, StatusCode::OK);
    assert!(
        h.body.contains("hasRepresentation") || h.body.contains("altr"),
        "{}",
        h.body
    );
}

#[tokio::test]
async fn documents_carry_labels_dataset_licence_and_provenance() {
    let s = doc_site();
    let a = get(&s, OBJECT_DOC, Some("application/n-triples")).await;
    let t = parse(&a, RdfFormat::NTriples);
    let label = "http://www.w3.org/2000/01/rdf-schema#label";
    let material = "https://data.example.tw/id/concept/material/翠玉";
    assert!(has(&t, material, label, "\"翠玉\"@zh-hant"));
    assert!(has(&t, material, label, "\"jadeite\"@en"));
    assert!(has(
        &t,
        material,
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "\"jadeite\"@en"
    ));
    assert!(
        !has(&t, material, label, "\"jadéite\"@fr"),
        "only zh and en labels travel"
    );
    assert!(
        !t.iter()
            .any(|t| t.subject.to_string() == format!("<{material}>")
                && t.predicate.as_str().ends_with("#type")),
        "only labels of linked things"
    );
    assert!(has(
        &t,
        "https://data.example.tw/id/agent/佚名",
        label,
        "\"Anonymous\"@en"
    ));
    // The blank-node closure and the hash IRI are described.
    assert!(
        t.iter()
            .any(|t| t.predicate.as_str().ends_with("P90_has_value"))
    );
    assert!(has(
        &t,
        &format!("{OBJECT}#production"),
        label,
        "\"翠玉白菜的製作\"@zh-hant"
    ));
    // Dataset, licence, rights holder, provenance of the document.
    assert!(has(
        &t,
        OBJECT_DOC_IRI,
        "http://xmlns.com/foaf/0.1/primaryTopic",
        OBJECT
    ));
    assert!(has(
        &t,
        OBJECT_DOC_IRI,
        "http://rdfs.org/ns/void#inDataset",
        "https://data.example.tw/id/dataset/demo"
    ));
    assert!(has(
        &t,
        OBJECT_DOC_IRI,
        "http://purl.org/dc/terms/license",
        CC0
    ));
    assert!(
        t.iter()
            .any(|t| t.predicate.as_str() == "http://xmlns.com/foaf/0.1/name"
                && t.object.to_string() == "\"記憶團隊\"@zh-hant")
    );
    let run = "https://data.example.tw/id/run/demo/20250301T095900Z";
    assert!(has(
        &t,
        OBJECT_DOC_IRI,
        "http://www.w3.org/ns/prov#wasGeneratedBy",
        run
    ));
    assert!(has(
        &t,
        run,
        "http://www.w3.org/ns/prov#endedAtTime",
        &format!("\"{INGESTED}\"^^<http://www.w3.org/2001/XMLSchema#dateTime>")
    ));
    assert!(has(
        &t,
        OBJECT_DOC_IRI,
        "http://purl.org/dc/terms/modified",
        &format!("\"{INGESTED}\"^^<http://www.w3.org/2001/XMLSchema#dateTime>")
    ));
    // The page for people names the dataset and the licence.
    let h = get(&s, OBJECT_DOC, Some("text/html")).await;
    assert!(h.body.contains("<h1>翠玉白菜</h1>"), "{}", h.body);
    assert!(h.body.contains(CC0));
}

#[tokio::test]
async fn large_documents_come_in_pages_linked_both_ways() {
    let s = doc_site();
    let big_doc = "/doc/concept/subject/big";
    let member = "http://www.w3.org/2004/02/skos/core#member";
    let hydra = "http://www.w3.org/ns/hydra/core#";
    let mut members: HashSet<String> = HashSet::new();
    let mut page = 1;
    loop {
        let uri = if page == 1 {
            big_doc.to_owned()
        } else {
            format!("{big_doc}?page={page}")
        };
        let a = get(&s, &uri, Some("application/n-triples")).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}: {}", a.body);
        let t = parse(&a, RdfFormat::NTriples);
        let own: Vec<&Triple> = t
            .iter()
            .filter(|t| t.predicate.as_str() == member)
            .collect();
        assert!(
            !own.is_empty() && own.len() <= 1000,
            "page {page}: {}",
            own.len()
        );
        for m in &own {
            assert!(members.insert(m.object.to_string()), "{} twice", m.object);
        }
        let this = if page == 1 {
            format!("https://data.example.tw{big_doc}")
        } else {
            format!("https://data.example.tw{big_doc}?page={page}")
        };
        let links = links(&a);
        let next = links.iter().find(|l| l.ends_with("rel=\"next\""));
        if page > 1 {
            assert!(
                links.contains(&format!("<{big_doc}>; rel=\"first\"")),
                "{links:#?}"
            );
            let prev = if page == 2 {
                big_doc.to_owned()
            } else {
                format!("{big_doc}?page={}", page - 1)
            };
            assert!(
                links.contains(&format!("<{prev}>; rel=\"prev\"")),
                "{links:#?}"
            );
        }
        assert!(
            has(
                &t,
                &format!("https://data.example.tw{big_doc}"),
                &format!("{hydra}view"),
                &this
            ),
            "{}",
            a.body
        );
        match next {
            Some(link) => {
                assert_eq!(
                    link,
                    &format!("<{big_doc}?page={}>; rel=\"next\"", page + 1)
                );
                assert!(has(
                    &t,
                    &this,
                    &format!("{hydra}next"),
                    &format!("https://data.example.tw{big_doc}?page={}", page + 1)
                ));
                page += 1;
            }
            None => {
                assert!(
                    !t.iter()
                        .any(|t| t.predicate.as_str() == format!("{hydra}next"))
                );
                break;
            }
        }
        assert!(page < 10, "paging must end");
    }
    assert_eq!(page, 3);
    assert_eq!(
        members.len(),
        BIG_MEMBERS,
        "every statement on exactly one page"
    );
    // Both datasets are named, on the page where their statements are.
    let first = get(&s, big_doc, Some("text/turtle")).await;
    assert!(
        first.body.contains("/id/dataset/tate"),
        "{}",
        &first.body[..first.body.len().min(3000)]
    );
    // Past the last page, a 404 that says where the document starts; nonsense pages are 400.
    let past = get(&s, &format!("{big_doc}?page=4"), None).await;
    assert_eq!(past.status, StatusCode::NOT_FOUND);
    assert!(past.body.contains(big_doc), "{}", past.body);
    assert_eq!(
        get(&s, &format!("{big_doc}?page=0"), None).await.status,
        StatusCode::BAD_REQUEST
    );
    // Suffix URLs page too, and their links keep the suffix.
    let a = get(&s, &format!("{big_doc}.nt?page=2"), None).await;
    assert!(
        links(&a).contains(&format!("<{big_doc}.nt?page=3>; rel=\"next\"")),
        "{:#?}",
        links(&a)
    );
    assert_eq!(
        a.body,
        get(
            &s,
            &format!("{big_doc}?page=2"),
            Some("application/n-triples")
        )
        .await
        .body
    );
    // Pages in every format carry the same graph (the paging statements use format-free IRIs).
    let ttl = get(&s, &format!("{big_doc}.ttl?page=2"), None).await;
    assert_eq!(
        shape(&parse(&ttl, RdfFormat::Turtle)),
        shape(&parse(&a, RdfFormat::NTriples))
    );
}

#[tokio::test]
async fn html_pages_of_a_large_description_link_to_each_other() {
    let s = doc_site();
    let href = |body: &str, rel: &str| -> Option<String> {
        let at = body.find(&format!("rel=\"{rel}\""))?;
        let start = body[..at].rfind("href=\"")? + 6;
        let end = start + body[start..].find('"')?;
        Some(body[start..end].replace("&amp;", "&"))
    };
    // Walk the pages a person would, by the links in the page body.
    let mut uri = "/doc/concept/subject/big?lang=en".to_owned();
    let mut pages = 0;
    let mut members = 0;
    loop {
        pages += 1;
        let a = get(&s, &uri, Some("text/html")).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        assert!(
            a.body.contains(&format!("Page {pages}")),
            "{uri}: {}",
            a.body
        );
        members += a.body.matches("/doc/object/T").count();
        if pages > 1 {
            let prev = href(&a.body, "prev").expect("a link to the page before");
            assert!(prev.starts_with("/doc/concept/subject/big"), "{prev}");
            assert!(href(&a.body, "first").is_some());
            // Other formats of this page, not of page 1.
            assert!(
                a.body.contains(&format!("?format=ttl&amp;page={pages}\"")),
                "{uri}: no Turtle link to page {pages}"
            );
            let start = a.body.find("?format=ttl&amp;page=").expect("link");
            let path_start = a.body[..start].rfind('"').expect("href") + 1;
            let turtle_uri =
                a.body[path_start..start].to_owned() + &format!("?format=ttl&page={pages}");
            let turtle = get(&s, &turtle_uri, None).await;
            assert_eq!(turtle.status, StatusCode::OK, "{turtle_uri}");
            assert!(content_type(&turtle).starts_with("text/turtle"));
        } else {
            assert!(href(&a.body, "prev").is_none());
        }
        match href(&a.body, "next") {
            Some(next) => uri = next,
            None => break,
        }
        assert!(pages < 100, "the pages do not end");
    }
    assert!(pages > 1, "the fixture is larger than one page");
    assert!(
        members >= BIG_MEMBERS - 1,
        "{members} of {BIG_MEMBERS} members linked"
    );
    // A document of one page shows no page navigation.
    let small = get(&s, OBJECT_DOC, Some("text/html")).await;
    assert!(!small.body.contains("rel=\"next\""));
    assert!(!small.body.contains("aria-current=\"page\""));
}

#[tokio::test]
async fn strong_etags_last_modified_and_conditional_requests() {
    let s = doc_site();
    let a = get(&s, OBJECT_DOC, Some("text/turtle")).await;
    let etag = header(&a, "etag").to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong: {etag}"
    );
    assert_eq!(header(&a, "last-modified"), "Sat, 01 Mar 2025 10:00:00 GMT");
    assert!(header(&a, "cache-control").contains("max-age="));
    // Same request, same tag; another representation, another tag.
    assert_eq!(
        header(&get(&s, OBJECT_DOC, Some("text/turtle")).await, "etag"),
        etag
    );
    assert_ne!(
        header(
            &get(&s, OBJECT_DOC, Some("application/n-triples")).await,
            "etag"
        ),
        etag
    );
    assert_ne!(
        header(
            &get(
                &s,
                &format!("{OBJECT_DOC}?_profile=schema"),
                Some("text/turtle")
            )
            .await,
            "etag"
        ),
        etag
    );

    let nm = get_with(
        &s,
        OBJECT_DOC,
        &[
            ("accept", "text/turtle"),
            ("if-none-match", &format!("\"x\", {etag}")),
        ],
    )
    .await;
    assert_eq!(nm.status, StatusCode::NOT_MODIFIED);
    assert!(nm.body.is_empty());
    assert_eq!(header(&nm, "etag"), etag);
    assert_eq!(header(&nm, "content-location"), format!("{OBJECT_DOC}.ttl"));
    assert!(header(&nm, "vary").contains("Accept"));
    let ims = get_with(
        &s,
        OBJECT_DOC,
        &[
            ("accept", "text/turtle"),
            ("if-modified-since", "Sat, 01 Mar 2025 10:00:00 GMT"),
        ],
    )
    .await;
    assert_eq!(ims.status, StatusCode::NOT_MODIFIED);
    let older = get_with(
        &s,
        OBJECT_DOC,
        &[
            ("accept", "text/turtle"),
            ("if-modified-since", "Sat, 01 Mar 2025 09:59:59 GMT"),
        ],
    )
    .await;
    assert_eq!(older.status, StatusCode::OK);
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    let both = get_with(
        &s,
        OBJECT_DOC,
        &[
            ("accept", "text/turtle"),
            ("if-none-match", "\"stale\""),
            ("if-modified-since", "Sat, 01 Mar 2025 10:00:00 GMT"),
        ],
    )
    .await;
    assert_eq!(both.status, StatusCode::OK);
    assert_eq!(both.body, a.body);

    // A compressed body is another representation: its strong tag carries the coding, and
    // the tag validates when it comes back.
    let gz = get_with(
        &s,
        OBJECT_DOC,
        &[("accept", "text/turtle"), ("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(header(&gz, "content-encoding"), "gzip");
    let gz_tag = header(&gz, "etag").to_owned();
    assert_eq!(gz_tag, format!("{}-gzip\"", &etag[..etag.len() - 1]));
    assert!(
        header(&gz, "vary")
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    let again = get_with(
        &s,
        OBJECT_DOC,
        &[
            ("accept", "text/turtle"),
            ("accept-encoding", "gzip"),
            ("if-none-match", &gz_tag),
        ],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(header(&again, "etag"), gz_tag);
    let br = get_with(
        &s,
        OBJECT_DOC,
        &[("accept", "text/turtle"), ("accept-encoding", "br")],
    )
    .await;
    assert!(
        header(&br, "etag").ends_with("-br\""),
        "{}",
        header(&br, "etag")
    );
}

#[tokio::test]
async fn a_write_through_the_server_moves_last_modified() {
    let s = doc_site_with(|mut c| {
        c.write_token = Some("t0ken".into());
        c
    });
    let before = get(&s, OBJECT_DOC, Some("text/turtle")).await;
    let update = Request::post("/update")
        .header(header::CONTENT_TYPE, "application/sparql-update")
        .header(header::AUTHORIZATION, "Bearer t0ken")
        .body(Body::from(format!(
            "INSERT DATA {{ GRAPH <{DEMO_GRAPH}> {{ <{OBJECT}> <http://purl.org/dc/terms/subject> \"白菜\" }} }}"
        )))
        .expect("request");
    assert_eq!(send(&s, update).await.status, StatusCode::NO_CONTENT);
    let after = get_with(
        &s,
        OBJECT_DOC,
        &[
            ("accept", "text/turtle"),
            ("if-modified-since", header(&before, "last-modified")),
        ],
    )
    .await;
    assert_eq!(
        after.status,
        StatusCode::OK,
        "the write is newer than the ingest"
    );
    assert!(after.body.contains("白菜\""), "{}", after.body);
    let lm = httpdate::parse_http_date(header(&after, "last-modified")).expect("date");
    let was = httpdate::parse_http_date(header(&before, "last-modified")).expect("date");
    assert!(lm > was);
    assert_ne!(header(&after, "etag"), header(&before, "etag"));
}

#[tokio::test]
async fn rendered_documents_are_kept_until_a_write_through_the_server() {
    let insert = format!(
        "INSERT DATA {{ GRAPH <{DEMO_GRAPH}> {{ <{OBJECT}> <http://purl.org/dc/terms/subject> \"蟈蟈\" }} }}"
    );
    for cache_bytes in [64 * 1024 * 1024, 0] {
        let s = doc_site_with(|mut c| {
            c.write_token = Some("t0ken".into());
            c.document_cache_bytes = cache_bytes;
            c
        });
        let first = get(&s, OBJECT_DOC, Some("text/turtle")).await;
        // Behind the server's back: a cached answer does not see it, an uncached one does.
        s.state.store().update(&insert).expect("update");
        let second = get(&s, OBJECT_DOC, Some("text/turtle")).await;
        assert_eq!(second.status, StatusCode::OK);
        if cache_bytes > 0 {
            assert_eq!(second.body, first.body, "served from the cache");
            assert_eq!(header(&second, "etag"), header(&first, "etag"));
            // A conditional request is answered from the cached answer's tag.
            let again = get_with(
                &s,
                OBJECT_DOC,
                &[
                    ("accept", "text/turtle"),
                    ("if-none-match", header(&first, "etag")),
                ],
            )
            .await;
            assert_eq!(again.status, StatusCode::NOT_MODIFIED);
            assert!(again.body.is_empty());
            // Another representation is another entry.
            let nt = get(&s, OBJECT_DOC, Some("application/n-triples")).await;
            assert!(
                nt.body.contains("蟈蟈"),
                "rendered after the write: {}",
                nt.body
            );
        } else {
            assert!(second.body.contains("蟈蟈"), "{}", second.body);
            assert_ne!(header(&second, "etag"), header(&first, "etag"));
        }
        // A write through the server clears the cache.
        let update = Request::post("/update")
            .header(header::CONTENT_TYPE, "application/sparql-update")
            .header(header::AUTHORIZATION, "Bearer t0ken")
            .body(Body::from(insert.replace("蟈蟈", "螽斯")))
            .expect("request");
        assert_eq!(send(&s, update).await.status, StatusCode::NO_CONTENT);
        let third = get(&s, OBJECT_DOC, Some("text/turtle")).await;
        assert!(
            third.body.contains("蟈蟈") && third.body.contains("螽斯"),
            "{}",
            third.body
        );
    }
}

#[tokio::test]
async fn head_and_options_answer_like_get() {
    let s = doc_site();
    let get_answer = get(&s, OBJECT_DOC, Some("text/turtle")).await;
    let head = send(
        &s,
        Request::head(OBJECT_DOC)
            .header(header::ACCEPT, "text/turtle")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    for name in [
        "content-type",
        "etag",
        "last-modified",
        "content-location",
        "content-profile",
        "vary",
        "cache-control",
    ] {
        assert_eq!(header(&head, name), header(&get_answer, name), "{name}");
    }
    assert_eq!(links(&head), links(&get_answer));
    for path in [OBJECT_DOC, "/id/object/DEMO-%E5%99%A8%E7%89%A9-0001"] {
        let o = send(&s, Request::options(path).body(Body::empty()).expect("req")).await;
        assert_eq!(o.status, StatusCode::NO_CONTENT, "{path}");
        assert_eq!(header(&o, "allow"), "GET, HEAD, OPTIONS");
    }
    let no_post = send(
        &s,
        Request::post(OBJECT_DOC).body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(no_post.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn errors_say_what_is_available_and_where_to_go() {
    let s = doc_site();
    let a = get(&s, OBJECT_DOC, Some("image/png")).await;
    assert_eq!(a.status, StatusCode::NOT_ACCEPTABLE);
    let p = problem(&a);
    let detail = p["detail"].as_str().expect("detail");
    for needle in [
        "text/turtle",
        "application/ld+json",
        "text/html",
        "format=",
        &format!("{OBJECT_DOC}.ttl"),
    ] {
        assert!(detail.contains(needle), "{needle} in {detail}");
    }
    let a = get(
        &s,
        "/doc/object/nothing-here",
        Some("application/n-triples"),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let detail = problem(&a)["detail"].as_str().expect("detail").to_owned();
    assert!(
        detail.contains("https://data.example.tw/id/object/nothing-here")
            && detail.contains("/sparql"),
        "{detail}"
    );
    let a = get(&s, "/doc/object/nothing-here.ttl", Some("text/html")).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(content_type(&a).starts_with("text/html"));
    assert!(a.body.contains("nothing-here"), "{}", a.body);
    // CORS: scripts may read the headers that matter here.
    let a = get_with(&s, OBJECT_DOC, &[("origin", "https://example.org")]).await;
    assert_eq!(header(&a, "access-control-allow-origin"), "*");
    assert_eq!(header(&a, "access-control-expose-headers"), "*");
    let _ = HeaderMap::new();
}
