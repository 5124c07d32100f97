//! The SPARQL 1.1 Protocol for queries, its service description and its limits, driven
//! without a socket.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use jiyi_web::Limits;
use std::time::{Duration, Instant};

const COUNT: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object> }";

fn query(text: &str) -> String {
    form("query", text)
}

#[tokio::test]
async fn select_over_get_and_both_posts_in_every_results_format() {
    let s = site();
    let a = get(
        &s,
        &format!("/sparql?{}", query(COUNT)),
        Some("application/sparql-results+json"),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let json: serde_json::Value = serde_json::from_str(&a.body).expect("json");
    assert_eq!(json["results"]["bindings"][0]["n"]["value"], "2");

    let mut post = form_post("/sparql", query(COUNT));
    post.headers_mut()
        .insert(header::ACCEPT, "text/csv".parse().expect("header"));
    let a = send(&s, post).await;
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

    let a = get(&s, &format!("/sparql?{}&format=xml", query(COUNT)), None).await;
    assert!(content_type(&a).starts_with("application/sparql-results+xml"));
    assert!(a.body.contains("<sparql"), "{}", a.body);

    let ask = get(
        &s,
        &format!("/sparql?{}", query("ASK { ?s ?p \"翠玉白菜\"@zh-hant }")),
        Some("application/sparql-results+json"),
    )
    .await;
    assert!(ask.body.contains("true"), "{}", ask.body);
}

#[tokio::test]
async fn construct_and_describe_in_every_rdf_format() {
    let s = site();
    let construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }";
    for (accept, ty) in [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/trig", "application/trig"),
        ("application/n-quads", "application/n-quads"),
    ] {
        let a = get(&s, &format!("/sparql?{}", query(construct)), Some(accept)).await;
        assert_eq!(a.status, StatusCode::OK, "{accept}");
        assert!(content_type(&a).starts_with(ty));
        assert!(a.body.contains("Jadeite Cabbage"), "{accept}: {}", a.body);
    }
    let d = get(
        &s,
        &format!(
            "/sparql?{}",
            query("DESCRIBE <https://data.example.tw/id/object/DEMO-器物-0001>")
        ),
        Some("application/n-triples"),
    )
    .await;
    assert_eq!(d.body.lines().count(), 3, "{}", d.body);
    let wrong = get(
        &s,
        &format!("/sparql?{}", query(construct)),
        Some("text/csv"),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn protocol_dataset_parameters_select_graphs() {
    let s = site();
    let all = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }";
    let only_demo = format!(
        "/sparql?{}&default-graph-uri={}",
        query(all),
        form_urlencoded::byte_serialize(b"https://data.example.tw/graph/demo").collect::<String>()
    );
    let a = get(&s, &only_demo, Some("text/csv")).await;
    assert_eq!(a.body.replace("\r\n", "\n"), "n\n5\n");
    let nothing = format!(
        "/sparql?{}&default-graph-uri={}",
        query(all),
        form_urlencoded::byte_serialize(b"https://data.example.tw/graph/none").collect::<String>()
    );
    let a = get(&s, &nothing, Some("text/csv")).await;
    assert_eq!(a.body.replace("\r\n", "\n"), "n\n0\n");
    let named = format!(
        "/sparql?{}&named-graph-uri={}",
        query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"),
        form_urlencoded::byte_serialize(b"https://data.example.tw/graph/demo").collect::<String>()
    );
    let a = get(&s, &named, Some("text/csv")).await;
    assert!(
        a.body.contains("https://data.example.tw/graph/demo,5"),
        "{}",
        a.body
    );
}

#[tokio::test]
async fn errors_are_readable() {
    let s = site();
    let a = get(&s, &format!("/sparql?{}", query("SELEC ?x WHERE {")), None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        problem(&a)["detail"]
            .as_str()
            .is_some_and(|d| d.contains("SPARQL syntax error")),
        "{}",
        a.body
    );

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
    let a = send(&s, form_post("/sparql", form("update", "CLEAR ALL"))).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    // The graph is still there.
    let c = get(&s, &format!("/sparql?{}", query(COUNT)), Some("text/csv")).await;
    assert!(c.body.contains('2'));
    let a = get(&s, &format!("/sparql?{}", query(COUNT)), Some("image/png")).await;
    assert_eq!(a.status, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn service_description_and_query_page_state_the_limits() {
    let s = site_with(|mut c| {
        c.limits.max_results = 1234;
        c.limits.query_timeout = Duration::from_millis(2500);
        c
    });
    let sd = get(&s, "/sparql", Some("text/turtle")).await;
    assert_eq!(sd.status, StatusCode::OK, "{}", sd.body);
    assert!(content_type(&sd).starts_with("text/turtle"));
    for needle in [
        "sparql-service-description#Service",
        "<https://data.example.tw/sparql>",
        "SPARQL11Query",
        "UnionDefaultGraph",
        "SPARQL_Results_JSON",
        "<https://data.example.tw/graph/demo>",
        "1234",
        "PT2.500S",
    ] {
        assert!(sd.body.contains(needle), "{needle} not in {}", sd.body);
    }
    assert!(
        !sd.body.contains("SPARQL11Update"),
        "writes are off without a token"
    );
    // curl's */* gets the description too.
    assert!(content_type(&get(&s, "/sparql", Some("*/*")).await).starts_with("text/turtle"));
    let page = get(&s, "/sparql?lang=en", Some("text/html")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<textarea"), "{}", page.body);
    assert!(
        page.body.contains("1234") && page.body.contains("2.5 s"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("PREFIX crm: &lt;http://www.cidoc-crm.org/cidoc-crm/&gt;"),
        "prefixes preloaded"
    );
    assert!(
        !page.body.contains("yasgui.min.js"),
        "no YASGUI without its files"
    );
}

#[tokio::test]
async fn answers_over_the_cap_are_refused_not_truncated() {
    let s = site_with(|mut c| {
        c.limits.max_results = 3;
        c
    });
    let all = "SELECT * WHERE { ?s ?p ?o }";
    let a = get(
        &s,
        &format!("/sparql?{}", query(all)),
        Some("application/sparql-results+json"),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    let p = problem(&a);
    assert_eq!(p["type"], "https://w3id.org/jiyi/problems/result-too-large");
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains('3') && d.contains("LIMIT")),
        "{p}"
    );
    // A page within the cap is answered (and streamed), whatever the total.
    let page = get(
        &s,
        &format!(
            "/sparql?{}",
            query(&format!("{all} ORDER BY ?s ?p ?o LIMIT 3 OFFSET 1"))
        ),
        Some("text/csv"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.lines().count(), 4, "{}", page.body);
    // An unbounded query with a small answer passes.
    let small = get(&s, &format!("/sparql?{}", query(COUNT)), Some("text/csv")).await;
    assert_eq!(small.status, StatusCode::OK);
    let construct = get(
        &s,
        &format!("/sparql?{}", query("CONSTRUCT WHERE { ?s ?p ?o }")),
        Some("application/n-triples"),
    )
    .await;
    assert_eq!(construct.status, StatusCode::BAD_REQUEST);
}

const HOSTILE: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";

/// In-process evaluation (no worker program configured): the client still gets its 503 at the
/// time limit; tests/serve_socket.rs checks that `jiyi serve` also stops the evaluation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_query_times_out_while_others_are_answered() {
    let timeout = Duration::from_secs(2);
    let s = site_with_filler(3000, |mut c| {
        c.limits.query_timeout = timeout;
        c
    });
    let started = Instant::now();
    let hostile = tokio::spawn({
        let state = s.state.clone();
        async move {
            let request = Request::get(format!("/sparql?{}", query(HOSTILE)))
                .header(header::ACCEPT, "application/sparql-results+json")
                .body(Body::empty())
                .expect("req");
            let response = tower::ServiceExt::oneshot(jiyi_web::app(state), request)
                .await
                .expect("infallible");
            (
                response.status(),
                started.elapsed(),
                http_body_util::BodyExt::collect(response.into_body())
                    .await
                    .expect("body")
                    .to_bytes(),
            )
        }
    });
    // While it runs, other queries are answered promptly.
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..3 {
        let t = Instant::now();
        let a = get(&s, &format!("/sparql?{}", query(COUNT)), Some("text/csv")).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "a simple query waited {:?}",
            t.elapsed()
        );
    }
    let (status, elapsed, body) = hostile.await.expect("join");
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        String::from_utf8_lossy(&body)
    );
    assert!(
        elapsed < timeout + Duration::from_secs(1),
        "timed out after {elapsed:?}"
    );
    assert!(
        elapsed >= timeout,
        "answered before the timeout: {elapsed:?}"
    );
    let p: serde_json::Value = serde_json::from_slice(&body).expect("problem");
    assert_eq!(p["type"], "https://w3id.org/jiyi/problems/query-timeout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_slot_is_busy_the_answer_is_503_with_retry_after() {
    let s = site_with_filler(3000, |mut c| {
        c.limits = Limits {
            max_concurrent_queries: 1,
            query_timeout: Duration::from_secs(2),
            ..Limits::default()
        };
        c
    });
    let hostile = tokio::spawn({
        let state = s.state.clone();
        async move {
            let request = Request::get(format!("/sparql?{}", query(HOSTILE)))
                .body(Body::empty())
                .expect("req");
            tower::ServiceExt::oneshot(jiyi_web::app(state), request)
                .await
                .expect("infallible")
                .status()
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let a = get(&s, &format!("/sparql?{}", query(COUNT)), Some("text/csv")).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(a.headers.contains_key(header::RETRY_AFTER));
    assert_eq!(problem(&a)["type"], "https://w3id.org/jiyi/problems/busy");
    assert_eq!(
        hostile.await.expect("join"),
        StatusCode::SERVICE_UNAVAILABLE
    );
    // In this crate's tests queries run on threads, so the slot stays taken until the
    // evaluation notices its cancellation; with worker processes (tests/serve_socket.rs) the
    // worker is killed and the slot frees at once.
}

#[tokio::test]
async fn request_bodies_over_the_limit_get_413() {
    let s = site_with(|mut c| {
        c.limits.max_request_body = 200;
        c
    });
    let long = format!("{COUNT} # {}", "x".repeat(500));
    let a = send(&s, form_post("/sparql", query(&long))).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);
    assert!(
        problem(&a)["detail"]
            .as_str()
            .is_some_and(|d| d.contains("200"))
    );
}
