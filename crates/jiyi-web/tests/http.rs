//! HTTP behaviour of the router for documents and pages, driven without a socket
//! (`tower::ServiceExt::oneshot`).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;

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
