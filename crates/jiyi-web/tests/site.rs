//! Pages for people and discovery, driven through the router without a socket: the VoID,
//! the sitemap (and its index), robots.txt, the landing page, language choice, lang
//! attributes and the schema.org JSON-LD embedded in pages.
//!
//! The fixture is a real on-disk store with two described datasets (the kind of description
//! `jiyi ingest` writes: DCAT metadata, licence, access class, modification time, a linkset),
//! one graph without a description, and a thing present in two graphs. Expected counts are
//! asked of the store with SPARQL, independently of the code under test.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Answer, BASE, Site, content_type, send};
use jiyi_model::UriPolicy;
use jiyi_model::iri::iri_to_uri;
use jiyi_store::model::{NamedNode, Term, Triple};
use jiyi_store::{Query, QueryAnswer, QueryRequest, Store};
use jiyi_web::{AppState, Config};
use std::collections::{BTreeMap, BTreeSet};

const VOID: &str = "http://rdfs.org/ns/void#";
const DCAT: &str = "http://www.w3.org/ns/dcat#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const TOKEN: &str = "site-token";

const PREFIXES: &str = "
@base <https://data.example.tw/> .
@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
@prefix rico: <https://www.ica.org/standards/RiC/ontology#> .
@prefix jiyi: <https://w3id.org/jiyi/ns#> .
";

const MUSEUM: &str = r#"
<id/dataset/museum> a dcat:Dataset ;
    dcterms:title "故宮精選（測試）"@zh-Hant , "Palace highlights (test)"@en ;
    dcterms:description "測試用的典藏描述。"@zh-Hant , "Objects written for the tests."@en ;
    dcterms:license <https://creativecommons.org/publicdomain/zero/1.0/> ;
    jiyi:accessClass jiyi:Open ;
    dcterms:modified "2026-01-02T03:04:05Z"^^xsd:dateTime ;
    void:subset <id/dataset/museum#links-wikidata> .
<id/dataset/museum#links-wikidata> a void:Linkset ;
    void:subjectsTarget <id/dataset/museum> ;
    void:objectsTarget <http://www.wikidata.org/> ;
    void:triples 1 .
<id/object/翠玉白菜> a crm:E22_Human-Made_Object , schema:CreativeWork ;
    rdfs:label "翠玉白菜"@zh-Hant , "Jadeite Cabbage"@en ;
    schema:name "翠玉白菜"@zh-Hant , "Jadeite Cabbage"@en ;
    dcterms:description "A cabbage carved from one piece of jadeite."@en ;
    crm:P45_consists_of <id/concept/material/翡翠> ;
    crm:P1_is_identified_by <id/object/翠玉白菜#name-zh> ;
    crm:P43_has_dimension [ rdfs:label "高 18.7 公分"@zh-Hant ] ;
    schema:image <https://images.example.org/cabbage.jpg> .
<id/object/翠玉白菜#name-zh> a crm:E33_E41_Linguistic_Appellation ;
    crm:P190_has_symbolic_content "翠玉白菜"@zh-Hant .
<id/object/肉形石> a crm:E22_Human-Made_Object ;
    rdfs:label "肉形石"@zh-Hant , "Meat-shaped Stone"@en .
<id/object/tricky> a crm:E22_Human-Made_Object ;
    rdfs:label "A </script><script>alert(1)</script> title"@en .
<id/concept/material/翡翠> a skos:Concept ;
    skos:prefLabel "翡翠"@zh-Hant , "jadeite"@en ;
    skos:exactMatch <http://www.wikidata.org/entity/Q1> .
"#;

const ARCHIVE: &str = r#"
<id/dataset/archive> a dcat:Dataset ;
    dcterms:title "清代檔案（測試）"@zh-Hant , "Qing archives (test)"@en ;
    dcterms:license <https://data.gov.tw/license> ;
    jiyi:accessClass jiyi:LimitedUse ;
    dcterms:modified "2026-02-01T00:00:00Z"^^xsd:dateTime ;
    void:dataDump <https://data.example.tw/dumps/archive.nq.gz> .
<id/record/DEMO-QA-000001> a rico:Record ;
    rdfs:label "恭陳臺灣棄留疏"@zh-Hant ;
    rico:scopeAndContent "主張保留臺灣。"@zh-Hant .
<id/object/肉形石> rdfs:seeAlso <id/record/DEMO-QA-000001> .
"#;

const LOOSE: &str = r#"
<id/object/loose> rdfs:label "a thing without a described dataset" .
"#;

struct Fixture {
    site: Site,
    store: Store,
}

fn load(store: &Store, graph: &str, turtle: &str) {
    let text = format!("{PREFIXES}{turtle}");
    let mut r = store
        .replace_graph(
            NamedNode::new(format!("{BASE}graph/{graph}"))
                .expect("iri")
                .as_ref(),
        )
        .expect("replace");
    for triple in oxttl::TurtleParser::new().for_slice(text.as_bytes()) {
        r.add(triple.expect("fixture is Turtle")).expect("add");
    }
    r.commit().expect("commit");
}

fn fixture_with(configure: impl FnOnce(Config) -> Config) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    store.bind_base_iri(BASE).expect("base");
    load(&store, "museum", MUSEUM);
    load(&store, "archive", ARCHIVE);
    load(&store, "loose", LOOSE);
    let policy = UriPolicy::new(BASE).expect("policy");
    let state = AppState::new(store.clone(), configure(Config::new(policy))).expect("state");
    Fixture {
        site: Site { _dir: dir, state },
        store,
    }
}

fn fixture() -> Fixture {
    fixture_with(|c| c)
}

async fn get(f: &Fixture, uri: &str, headers: &[(&str, &str)]) -> Answer {
    let mut b = Request::get(uri);
    for (name, value) in headers {
        b = b.header(*name, *value);
    }
    send(&f.site, b.body(Body::empty()).expect("request")).await
}

/// One integer the store answers to a SELECT with one variable `?n`.
fn count(store: &Store, query: &str) -> u64 {
    let query = Query::parse(query, None).expect("query");
    let QueryAnswer::Solutions(mut solutions) =
        store.query(&QueryRequest::new(&query)).expect("evaluate")
    else {
        panic!("not a SELECT");
    };
    let solution = solutions.next().expect("one row").expect("row");
    match solution.get("n") {
        Some(Term::Literal(l)) => l.value().parse().expect("integer"),
        other => panic!("no count: {other:?}"),
    }
}

fn triples_in_graph(store: &Store, graph: &str) -> u64 {
    count(
        store,
        &format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}graph/{graph}> {{ ?s ?p ?o }} }}"),
    )
}

fn things_in_graph(store: &Store, graph: &str) -> u64 {
    count(
        store,
        &format!(
            "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{BASE}graph/{graph}> {{ ?s ?p ?o \
             FILTER(isIRI(?s) && STRSTARTS(STR(?s), \"{BASE}id/\") && !CONTAINS(STR(?s), \"#\")) }} }}"
        ),
    )
}

/// Every thing of every published graph, as the sitemap should list it (document URLs).
fn expected_sitemap(store: &Store) -> BTreeSet<String> {
    let query = Query::parse(
        &format!(
            "SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o \
             FILTER(isIRI(?s) && STRSTARTS(STR(?s), \"{BASE}id/\") && !CONTAINS(STR(?s), \"#\")) }} }}"
        ),
        None,
    )
    .expect("query");
    let QueryAnswer::Solutions(solutions) =
        store.query(&QueryRequest::new(&query)).expect("evaluate")
    else {
        panic!("not a SELECT");
    };
    solutions
        .map(|s| match s.expect("row").get("s") {
            Some(Term::NamedNode(n)) => {
                let doc = n.as_str().replacen("/id/", "/doc/", 1);
                iri_to_uri(&doc)
            }
            other => panic!("{other:?}"),
        })
        .collect()
}

fn parse_turtle(body: &str) -> Vec<Triple> {
    oxttl::TurtleParser::new()
        .for_slice(body.as_bytes())
        .map(|t| t.expect("the answer is Turtle"))
        .collect()
}

fn objects<'a>(triples: &'a [Triple], subject: &str, predicate: &str) -> Vec<&'a Term> {
    triples
        .iter()
        .filter(|t| {
            t.subject.to_string() == format!("<{subject}>") && t.predicate.as_str() == predicate
        })
        .map(|t| &t.object)
        .collect()
}

fn integer(term: &Term) -> u64 {
    match term {
        Term::Literal(l) => l.value().parse().expect("integer"),
        other => panic!("not a literal: {other}"),
    }
}

fn iri(term: &Term) -> &str {
    match term {
        Term::NamedNode(n) => n.as_str(),
        other => panic!("not an IRI: {other}"),
    }
}

#[tokio::test]
async fn void_describes_every_dataset_with_the_stores_counts() {
    let f = fixture();
    let a = get(&f, "/.well-known/void", &[]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(
        content_type(&a).starts_with("text/turtle"),
        "Turtle by default"
    );
    assert_eq!(a.headers[header::VARY], "Accept");
    let void = parse_turtle(&a.body);
    let catalog = format!("{BASE}.well-known/void#catalog");
    let museum = format!("{BASE}id/dataset/museum");
    let archive = format!("{BASE}id/dataset/archive");

    // The catalogue lists the described datasets, not the graph without a description.
    let listed: BTreeSet<&str> = objects(&void, &catalog, &format!("{DCAT}dataset"))
        .into_iter()
        .map(iri)
        .collect();
    assert_eq!(listed, BTreeSet::from([archive.as_str(), museum.as_str()]));
    let all_triples = count(
        &f.store,
        &format!(
            "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), \"{BASE}graph/\")) }}"
        ),
    );
    assert_eq!(
        integer(objects(&void, &catalog, &format!("{VOID}triples"))[0]),
        all_triples,
        "the catalogue counts every published triple"
    );
    assert_eq!(
        integer(objects(&void, &catalog, &format!("{VOID}entities"))[0]),
        expected_sitemap(&f.store).len() as u64,
        "a thing in two graphs is one entity of the site"
    );

    for (name, dataset) in [("museum", &museum), ("archive", &archive)] {
        let triples = objects(&void, dataset, &format!("{VOID}triples"));
        assert_eq!(triples.len(), 1, "one triple count for {name}");
        assert_eq!(
            integer(triples[0]),
            triples_in_graph(&f.store, name),
            "{name}"
        );
        let entities = objects(&void, dataset, &format!("{VOID}entities"));
        assert_eq!(
            integer(entities[0]),
            things_in_graph(&f.store, name),
            "{name}"
        );
        assert_eq!(
            objects(&void, dataset, &format!("{VOID}sparqlEndpoint"))
                .into_iter()
                .map(iri)
                .collect::<Vec<_>>(),
            vec![format!("{BASE}sparql")]
        );
        assert_eq!(
            objects(&void, dataset, &format!("{VOID}uriSpace"))[0].to_string(),
            format!("\"{BASE}id/\"")
        );
        let types: Vec<&str> = objects(&void, dataset, RDF_TYPE)
            .into_iter()
            .map(iri)
            .collect();
        assert!(
            types.contains(&"http://rdfs.org/ns/void#Dataset"),
            "{types:?}"
        );
        assert!(
            types.contains(&"http://www.w3.org/ns/dcat#Dataset"),
            "{types:?}"
        );
        // Example resources are things of the dataset.
        for example in objects(&void, dataset, &format!("{VOID}exampleResource")) {
            let example = iri(example);
            assert!(
                count(
                    &f.store,
                    &format!(
                        "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}graph/{name}> {{ <{example}> ?p ?o }} }}"
                    )
                ) > 0,
                "{example} is in {name}"
            );
        }
    }
    // The description the ingest wrote passes through: licence, linkset.
    assert_eq!(
        iri(objects(&void, &museum, "http://purl.org/dc/terms/license")[0]),
        "https://creativecommons.org/publicdomain/zero/1.0/"
    );
    let linkset = format!("{museum}#links-wikidata");
    assert!(
        objects(&void, &museum, &format!("{VOID}subset"))
            .iter()
            .any(|o| iri(o) == linkset)
    );
    assert_eq!(
        iri(objects(&void, &linkset, &format!("{VOID}objectsTarget"))[0]),
        "http://www.wikidata.org/"
    );
    // Vocabularies are the namespaces of the predicates and classes in use.
    let vocabularies: BTreeSet<&str> = objects(&void, &museum, &format!("{VOID}vocabulary"))
        .into_iter()
        .map(iri)
        .collect();
    for ns in [
        "http://www.cidoc-crm.org/cidoc-crm/",
        "https://schema.org/",
        "http://www.w3.org/2004/02/skos/core#",
    ] {
        assert!(vocabularies.contains(ns), "{ns} in {vocabularies:?}");
    }
    assert!(!vocabularies.contains("https://www.ica.org/standards/RiC/ontology#"));
    // Only the archive announces a dump; nothing is invented for the museum.
    assert_eq!(
        objects(&void, &archive, &format!("{VOID}dataDump")).len(),
        1
    );
    assert!(objects(&void, &museum, &format!("{VOID}dataDump")).is_empty());
    // Class partitions count the things of each class.
    let partitions = objects(&void, &museum, &format!("{VOID}classPartition"));
    let by_class: BTreeMap<String, u64> = partitions
        .iter()
        .map(|p| {
            let node = p.to_string();
            let of = |pred: &str| {
                void.iter()
                    .find(|t| t.subject.to_string() == node && t.predicate.as_str() == pred)
                    .map(|t| t.object.clone())
                    .expect("partition property")
            };
            (
                iri(&of(&format!("{VOID}class"))).to_owned(),
                integer(&of(&format!("{VOID}entities"))),
            )
        })
        .collect();
    assert_eq!(
        by_class.get("http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object"),
        Some(&3)
    );
}

#[tokio::test]
async fn void_is_negotiated_in_every_rdf_format_and_html() {
    let f = fixture();
    let turtle = parse_turtle(&get(&f, "/.well-known/void", &[]).await.body).len();
    for (accept, media, format) in [
        (
            "application/n-triples",
            "application/n-triples",
            oxrdfio::RdfFormat::NTriples,
        ),
        (
            "application/ld+json",
            "application/ld+json",
            oxrdfio::RdfFormat::JsonLd {
                profile: oxrdfio::JsonLdProfileSet::empty(),
            },
        ),
        (
            "application/rdf+xml",
            "application/rdf+xml",
            oxrdfio::RdfFormat::RdfXml,
        ),
        (
            "application/trig",
            "application/trig",
            oxrdfio::RdfFormat::TriG,
        ),
        (
            "application/n-quads",
            "application/n-quads",
            oxrdfio::RdfFormat::NQuads,
        ),
    ] {
        let a = get(&f, "/.well-known/void", &[("accept", accept)]).await;
        assert_eq!(a.status, StatusCode::OK, "{accept}: {}", a.body);
        assert!(content_type(&a).starts_with(media), "{accept}");
        let parsed = oxrdfio::RdfParser::from_format(format)
            .for_slice(a.body.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|e| panic!("{accept}: {e}\n{}", a.body));
        assert_eq!(parsed.len(), turtle, "{accept} carries the same triples");
    }
    let a = get(
        &f,
        "/.well-known/void?format=nt",
        &[("accept", "text/html")],
    )
    .await;
    assert!(
        content_type(&a).starts_with("application/n-triples"),
        "format= wins"
    );
    let a = get(&f, "/.well-known/void", &[("accept", "text/html")]).await;
    assert!(content_type(&a).starts_with("text/html"));
    assert!(a.body.contains("<h1>"), "{}", a.body);
    assert!(
        a.body.contains("/doc/dataset/museum"),
        "links the datasets: {}",
        a.body
    );
    let a = get(&f, "/.well-known/void", &[("accept", "image/png")]).await;
    assert_eq!(a.status, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn void_counts_follow_writes_through_the_server() {
    let f = fixture_with(|mut c| {
        c.write_token = Some(TOKEN.into());
        c
    });
    let museum = format!("{BASE}id/dataset/museum");
    let before = parse_turtle(&get(&f, "/.well-known/void", &[]).await.body);
    let triples_before = integer(objects(&before, &museum, &format!("{VOID}triples"))[0]);
    let update = format!(
        "INSERT DATA {{ GRAPH <{BASE}graph/museum> {{ <{BASE}id/object/new> <http://www.w3.org/2000/01/rdf-schema#label> \"新\" }} }}"
    );
    let a = send(
        &f.site,
        Request::post("/update")
            .header(header::CONTENT_TYPE, "application/sparql-update")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::from(update))
            .expect("request"),
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    let after = parse_turtle(&get(&f, "/.well-known/void", &[]).await.body);
    assert_eq!(
        integer(objects(&after, &museum, &format!("{VOID}triples"))[0]),
        triples_before + 1,
        "the cached statistics were dropped after the write"
    );
    let sitemap = get(&f, "/sitemap.xml", &[]).await.body;
    assert!(
        sitemap.contains(&format!("{BASE}doc/object/new")),
        "{sitemap}"
    );
}

/// `(loc, lastmod)` of every `<url>` (or `<sitemap>`) element.
fn sitemap_entries(xml: &str, element: &[u8]) -> Vec<(String, Option<String>)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<(String, Option<String>)> = None;
    let mut field: Option<Vec<u8>> = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) if e.local_name().as_ref() == element => {
                current = Some((String::new(), None));
            }
            Event::Start(e) => field = Some(e.local_name().as_ref().to_vec()),
            Event::Text(t) => {
                let text = t.unescape().expect("text").into_owned();
                match (field.as_deref(), current.as_mut()) {
                    (Some(b"loc"), Some(c)) => c.0 = text,
                    (Some(b"lastmod"), Some(c)) => c.1 = Some(text),
                    _ => {}
                }
            }
            Event::End(e) if e.local_name().as_ref() == element => {
                out.extend(current.take());
            }
            Event::End(_) => field = None,
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn sitemap_lists_every_published_thing_once_with_its_last_change() {
    let f = fixture();
    let a = get(&f, "/sitemap.xml", &[]).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(content_type(&a).starts_with("application/xml"));
    assert!(
        a.body
            .contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">")
    );
    let entries = sitemap_entries(&a.body, b"url");
    let locs: Vec<&str> = entries.iter().map(|(l, _)| l.as_str()).collect();
    let unique: BTreeSet<String> = locs.iter().map(|l| (*l).to_owned()).collect();
    assert_eq!(locs.len(), unique.len(), "each thing once: {locs:?}");
    assert_eq!(unique, expected_sitemap(&f.store));
    assert!(
        locs.iter().all(|l| l.is_ascii()),
        "URLs are percent-encoded"
    );
    let lastmod = |key: &str| {
        entries
            .iter()
            .find(|(l, _)| l.ends_with(&iri_to_uri(key)))
            .map(|(_, m)| m.clone())
            .expect("listed")
    };
    assert_eq!(
        lastmod("/doc/object/翠玉白菜").as_deref(),
        Some("2026-01-02T03:04:05Z")
    );
    assert_eq!(
        lastmod("/doc/object/肉形石").as_deref(),
        Some("2026-02-01T00:00:00Z"),
        "in two datasets: the later change"
    );
    assert_eq!(lastmod("/doc/object/loose"), None, "no dataset, no date");
}

#[tokio::test]
async fn sitemap_becomes_an_index_above_the_threshold() {
    let f = fixture_with(|mut c| {
        c.sitemap_max_urls = 3;
        c
    });
    let expected = expected_sitemap(&f.store);
    let a = get(&f, "/sitemap.xml", &[]).await;
    assert!(a.body.contains("<sitemapindex"), "{}", a.body);
    let files = sitemap_entries(&a.body, b"sitemap");
    assert_eq!(files.len(), expected.len().div_ceil(3));
    let mut seen = Vec::new();
    for (loc, lastmod) in &files {
        assert!(lastmod.is_some(), "every file has a thing with a date here");
        let path = loc
            .strip_prefix(BASE.trim_end_matches('/'))
            .expect("under the base");
        let child = get(&f, path, &[]).await;
        assert_eq!(child.status, StatusCode::OK, "{path}");
        let urls = sitemap_entries(&child.body, b"url");
        assert!(urls.len() <= 3);
        seen.extend(urls.into_iter().map(|(l, _)| l));
    }
    assert_eq!(seen.len(), expected.len(), "no thing in two files");
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), expected);
    for missing in ["/sitemaps/0.xml", "/sitemaps/99.xml", "/sitemaps/x.xml"] {
        assert_eq!(
            get(&f, missing, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    // Below the threshold there is no index and no numbered file.
    let small = fixture();
    assert_eq!(
        get(&small, "/sitemaps/1.xml", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn robots_txt_points_to_the_sitemap_and_the_void() {
    let f = fixture();
    let a = get(&f, "/robots.txt", &[]).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(content_type(&a).starts_with("text/plain"));
    let lines: Vec<&str> = a.body.lines().collect();
    assert!(lines.contains(&"User-agent: *"), "{}", a.body);
    assert!(
        lines.contains(&format!("Sitemap: {BASE}sitemap.xml").as_str()),
        "{}",
        a.body
    );
    assert!(
        lines.contains(&format!("# VoID: {BASE}.well-known/void").as_str()),
        "{}",
        a.body
    );
    assert!(lines.contains(&"Disallow: /sparql?"));
    assert!(
        !lines.contains(&"Disallow: /doc/"),
        "pages are for indexing"
    );
}

fn html_lang(body: &str) -> &str {
    let start = body.find("<html lang=\"").expect("html lang") + "<html lang=\"".len();
    &body[start..start + body[start..].find('"').expect("quote")]
}

#[tokio::test]
async fn language_follows_accept_language_and_the_switch_overrides_it() {
    let f = fixture();
    let cabbage = iri_to_uri("/doc/object/翠玉白菜");
    for path in ["/", cabbage.as_str(), "/sparql", "/.well-known/void"] {
        for (accept_language, query, expected) in [
            (None, "", "zh-Hant"),
            (Some("en-GB,en;q=0.9"), "", "en"),
            (Some("zh-TW,zh;q=0.9,en;q=0.5"), "", "zh-Hant"),
            (Some("en-US"), "?lang=zh-Hant", "zh-Hant"),
            (Some("zh-TW"), "?lang=en", "en"),
        ] {
            let mut headers = vec![("accept", "text/html")];
            if let Some(al) = accept_language {
                headers.push(("accept-language", al));
            }
            let a = get(&f, &format!("{path}{query}"), &headers).await;
            assert_eq!(a.status, StatusCode::OK, "{path}{query}");
            assert_eq!(
                html_lang(&a.body),
                expected,
                "{path}{query} {accept_language:?}"
            );
            // The switch is on every page, in both directions, each link in its own language.
            assert!(
                a.body
                    .contains(r#"<a href="?lang=zh-Hant" hreflang="zh-Hant" lang="zh-Hant""#),
                "{path}: {}",
                a.body
            );
            assert!(
                a.body
                    .contains(r#"<a href="?lang=en" hreflang="en" lang="en""#)
            );
            assert!(
                a.headers[header::VARY]
                    .to_str()
                    .expect("ascii")
                    .contains("Accept-Language"),
                "{path}"
            );
        }
    }
    let en = get(&f, "/?lang=en", &[]).await.body;
    assert!(en.contains("Palace highlights (test)"), "{en}");
    assert!(en.contains("Objects written for the tests."));
    let zh = get(&f, "/", &[]).await.body;
    assert!(zh.contains("故宮精選（測試）"));
    assert!(zh.contains("測試用的典藏描述。"));
}

#[tokio::test]
async fn landing_page_says_what_is_published_and_where_to_start() {
    let f = fixture();
    let page = get(&f, "/?lang=en", &[]).await.body;
    // Counts as the store has them, with thousands separators where needed.
    for name in ["museum", "archive"] {
        let triples = triples_in_graph(&f.store, name).to_string();
        let things = things_in_graph(&f.store, name).to_string();
        assert!(
            page.contains(&format!("<dd>{triples}</dd>")),
            "{name} triples {triples}: {page}"
        );
        assert!(
            page.contains(&format!("<dd>{things}</dd>")),
            "{name} things {things}"
        );
    }
    assert!(page.contains("CC0 1.0"), "licence by name");
    assert!(
        page.contains("class A: open"),
        "access class from ontologies/jiyi.ttl"
    );
    assert!(page.contains("class B: limited use"));
    assert!(
        page.contains(&format!("{BASE}id/dataset/museum")),
        "dataset IRI for citing"
    );
    assert!(page.contains("<a href=\"/doc/dataset/museum\">"), "{page}");
    // Examples: things of the dataset's main class, by label, linked to their documents.
    assert!(
        page.contains("<a href=\"/doc/object/翠玉白菜\" lang=\"en\">Jadeite Cabbage</a>"),
        "{page}"
    );
    for link in [
        "href=\"/sparql\"",
        "href=\"/.well-known/void\"",
        "href=\"/sitemap.xml\"",
    ] {
        assert!(page.contains(link), "{link}");
    }
    // A dump link only where the dataset announces one.
    assert_eq!(page.matches("/dumps/").count(), 1, "{page}");
    assert!(page.contains("href=\"/dumps/archive.nq.gz\""));
    assert!(page.contains("<time datetime=\"2026-02-01\">"));
    // One h1, headings in order.
    assert_eq!(page.matches("<h1").count(), 1);
    let zh = get(&f, "/", &[]).await.body;
    assert!(zh.contains("甲：開放"), "{zh}");
}

/// The text of the `<script type="application/ld+json">` element.
fn embedded_json_ld(body: &str) -> serde_json::Value {
    let open = r#"<script type="application/ld+json">"#;
    assert_eq!(body.matches(open).count(), 1, "one JSON-LD block");
    let start = body.find(open).expect("script") + open.len();
    let end = start + body[start..].find("</script>").expect("end of script");
    serde_json::from_str(&body[start..end]).expect("the embedded JSON-LD is JSON")
}

#[tokio::test]
async fn pages_embed_schema_org_json_ld_that_cannot_break_out() {
    let f = fixture();
    let a = get(
        &f,
        &iri_to_uri("/doc/object/翠玉白菜"),
        &[("accept", "text/html")],
    )
    .await;
    let json = embedded_json_ld(&a.body);
    assert_eq!(json["@context"], "https://schema.org/");
    assert_eq!(json["@id"], format!("{BASE}id/object/翠玉白菜"));
    assert_eq!(json["@type"], "CreativeWork");
    let names: BTreeSet<&str> = json["name"]
        .as_array()
        .expect("two names")
        .iter()
        .filter_map(|n| n["@value"].as_str())
        .collect();
    assert_eq!(names, BTreeSet::from(["翠玉白菜", "Jadeite Cabbage"]));
    assert_eq!(json["image"], "https://images.example.org/cabbage.jpg");
    assert_eq!(json["url"], format!("{BASE}doc/object/翠玉白菜"));
    assert_eq!(
        json["license"],
        "https://creativecommons.org/publicdomain/zero/1.0/"
    );
    assert_eq!(json["isPartOf"]["@id"], format!("{BASE}id/dataset/museum"));
    let materials: BTreeSet<&str> = json["material"]
        .as_array()
        .expect("the material in both languages")
        .iter()
        .filter_map(|m| m["@value"].as_str())
        .collect();
    assert_eq!(materials, BTreeSet::from(["翡翠", "jadeite"]));

    // A label with </script> stays inside the JSON.
    let a = get(&f, "/doc/object/tricky", &[("accept", "text/html")]).await;
    assert_eq!(
        a.body.matches("<script").count(),
        1,
        "no injected script: {}",
        a.body
    );
    let json = embedded_json_ld(&a.body);
    assert_eq!(
        json["name"]["@value"],
        "A </script><script>alert(1)</script> title"
    );

    // An archive record without schema.org triples is still described for search engines.
    let a = get(&f, "/doc/record/DEMO-QA-000001", &[("accept", "text/html")]).await;
    let json = embedded_json_ld(&a.body);
    assert_eq!(json["@type"], "ArchiveComponent");
    assert_eq!(json["description"]["@value"], "主張保留臺灣。");
}

#[tokio::test]
async fn document_pages_are_labelled_linked_and_accessible() {
    let f = fixture();
    let page = get(
        &f,
        &iri_to_uri("/doc/object/翠玉白菜"),
        &[("accept", "text/html")],
    )
    .await
    .body;
    assert_eq!(html_lang(&page), "zh-Hant");
    assert_eq!(page.matches("<h1").count(), 1, "one h1");
    assert!(page.contains("<h1>翠玉白菜</h1>"));
    assert!(
        page.contains(r##"<a class="skip" href="#main">"##),
        "skip link"
    );
    assert!(page.contains(r#"<main id="main">"#));
    assert!(page.contains(r#"<th scope="col">"#) && page.contains(r#"<th scope="row">"#));
    // Properties by name, not IRI; the IRI stays in the link.
    assert!(
        page.contains(r#"<a href="http://www.cidoc-crm.org/cidoc-crm/P45_consists_of" title="crm:P45_consists_of">材質</a>"#),
        "{page}"
    );
    // Linked resources by label, linked to their documents; classes by name.
    assert!(page.contains(r#"<a href="/doc/concept/material/翡翠" title="https://data.example.tw/id/concept/material/翡翠" lang="zh-Hant">翡翠</a>"#), "{page}");
    assert!(page.contains(">人造物件</a>"), "class E22 by name");
    // Every literal with a language tag carries it; the English description in a Chinese page.
    assert!(page.contains(r#"<span lang="en">A cabbage carved from one piece of jadeite.</span>"#));
    assert!(
        page.contains(r#"<span lang="zh-Hant">高 18.7 公分</span>"#)
            || page.contains(r#"lang="zh-Hant">高 18.7 公分</a>"#),
        "{page}"
    );
    // Hash IRIs of the thing are sections of the page.
    assert!(page.contains(r##"href="#name-zh""##));
    assert!(page.contains(r#"<section id="name-zh">"#));
    // The image, with alt text.
    assert!(
        page.contains(r#"<img src="https://images.example.org/cabbage.jpg" alt="翠玉白菜的圖像""#),
        "{page}"
    );
    // The other formats, as links and as <link rel="alternate">.
    let doc = iri_to_uri("/doc/object/翠玉白菜");
    assert!(
        page.contains(&format!(
            r#"<a href="{doc}?format=ttl" type="text/turtle">Turtle</a>"#
        )),
        "{page}"
    );
    assert!(page.contains(&format!(
        r#"<link rel="alternate" type="application/ld+json" href="{doc}?format=jsonld">"#
    )));
    assert!(page.contains(
        r#"<link rel="license" href="https://creativecommons.org/publicdomain/zero/1.0/">"#
    ));
    // English page: property names in English, the Chinese label marked as such.
    let en = get(
        &f,
        &format!("{}?lang=en", iri_to_uri("/doc/object/肉形石")),
        &[("accept", "text/html")],
    )
    .await
    .body;
    assert!(en.contains("<h1>Meat-shaped Stone</h1>"), "{en}");
    assert!(
        en.contains(">classified as</a>") || en.contains(">type</a>"),
        "{en}"
    );
    assert!(en.contains(r#"<span lang="zh-Hant">肉形石</span>"#), "{en}");
    // No page offers a script to run.
    assert!(
        !en.contains("<script>") && !en.contains("<script src"),
        "works without JavaScript"
    );
}
