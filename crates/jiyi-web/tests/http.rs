//! HTTP behaviour of the router, driven without a socket (`tower::ServiceExt::oneshot`).

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jiyi_model::UriPolicy;
use jiyi_store::Store;
use jiyi_store::model::{Literal, NamedNode, Triple};
use jiyi_web::{AppState, Config, app};
use tower::ServiceExt;

const BASE: &str = "https://data.example.tw/";
const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const E22: &str = "http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object";

struct Site {
    _dir: tempfile::TempDir,
    state: AppState,
}

fn nn(iri: &str) -> NamedNode {
    NamedNode::new(iri).expect("valid IRI")
}

fn site() -> Site {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    store.bind_base_iri(BASE).expect("base");
    let policy = UriPolicy::new(BASE).expect("policy");
    let graph = policy.dataset_graph("demo").expect("graph");
    let cabbage = policy.thing("object", "DEMO-器物-0001").expect("iri");
    let slash = policy.thing("object", "a/b c").expect("iri");
    let mut r = store.replace_graph(graph.as_ref()).expect("replace");
    for t in [
        Triple::new(cabbage.clone(), nn(RDF_TYPE), nn(E22)),
        Triple::new(
            cabbage.clone(),
            nn(RDFS_LABEL),
            Literal::new_language_tagged_literal("翠玉白菜", "zh-Hant").expect("lit"),
        ),
        Triple::new(
            cabbage.clone(),
            nn(RDFS_LABEL),
            Literal::new_language_tagged_literal("Jadeite Cabbage", "en").expect("lit"),
        ),
        Triple::new(slash.clone(), nn(RDF_TYPE), nn(E22)),
        Triple::new(
            slash.clone(),
            nn(RDFS_LABEL),
            Literal::new_simple_literal("slash key"),
        ),
    ] {
        r.add(t).expect("add");
    }
    r.commit().expect("commit");
    let state = AppState::new(
        store,
        Config {
            policy,
            union_default_graph: true,
        },
    );
    Site { _dir: dir, state }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(site: &Site, request: Request<Body>) -> Answer {
    let response = app(site.state.clone())
        .oneshot(request)
        .await
        .expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(site: &Site, uri: &str, accept: Option<&str>) -> Answer {
    let mut b = Request::get(uri);
    if let Some(a) = accept {
        b = b.header(header::ACCEPT, a);
    }
    send(site, b.body(Body::empty()).expect("request")).await
}

fn content_type(a: &Answer) -> &str {
    a.headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

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

const COUNT: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object> }";

fn form(query: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("query", query)
        .finish()
}

#[tokio::test]
async fn sparql_select_over_get_and_both_posts_in_every_results_format() {
    let s = site();
    let a = get(
        &s,
        &format!("/sparql?{}", form(COUNT)),
        Some("application/sparql-results+json"),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let json: serde_json::Value = serde_json::from_str(&a.body).expect("json");
    assert_eq!(json["results"]["bindings"][0]["n"]["value"], "2");

    let a = send(
        &s,
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/csv")
            .body(Body::from(form(COUNT)))
            .expect("req"),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(content_type(&a).starts_with("text/csv"));
    assert_eq!(a.body.replace("\r\n", "\n"), "n\n2\n");

    let a = send(
        &s,
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/sparql-query")
            .header(header::ACCEPT, "text/tab-separated-values")
            .body(Body::from(COUNT))
            .expect("req"),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("?n"), "{}", a.body);

    let a = get(&s, &format!("/sparql?{}&format=xml", form(COUNT)), None).await;
    assert!(content_type(&a).starts_with("application/sparql-results+xml"));
    assert!(a.body.contains("<sparql"), "{}", a.body);

    let ask = get(
        &s,
        &format!("/sparql?{}", form("ASK { ?s ?p \"翠玉白菜\"@zh-hant }")),
        Some("application/sparql-results+json"),
    )
    .await;
    assert!(ask.body.contains("true"), "{}", ask.body);
}

#[tokio::test]
async fn sparql_construct_and_describe_in_rdf_formats() {
    let s = site();
    let q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }";
    for (accept, ty) in [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
    ] {
        let a = get(&s, &format!("/sparql?{}", form(q)), Some(accept)).await;
        assert_eq!(a.status, StatusCode::OK, "{accept}");
        assert!(content_type(&a).starts_with(ty));
        assert!(a.body.contains("Jadeite Cabbage"), "{accept}: {}", a.body);
    }
    let d = get(
        &s,
        &format!(
            "/sparql?{}",
            form("DESCRIBE <https://data.example.tw/id/object/DEMO-器物-0001>")
        ),
        Some("application/n-triples"),
    )
    .await;
    assert_eq!(d.body.lines().count(), 3, "{}", d.body);
    let wrong = get(&s, &format!("/sparql?{}", form(q)), Some("text/csv")).await;
    assert_eq!(wrong.status, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn sparql_errors_are_readable() {
    let s = site();
    let a = get(&s, &format!("/sparql?{}", form("SELEC ?x WHERE {")), None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(content_type(&a), "application/problem+json");
    assert!(a.body.contains("SPARQL syntax error"), "{}", a.body);

    let a = get(&s, "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let a = send(
        &s,
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from(COUNT))
            .expect("req"),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let a = send(
        &s,
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("update=CLEAR%20ALL"))
            .expect("req"),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    // The graph is still there.
    let c = get(&s, &format!("/sparql?{}", form(COUNT)), Some("text/csv")).await;
    assert!(c.body.contains('2'));

    let page = get(&s, "/sparql", Some("text/html")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<textarea"), "{}", page.body);
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
