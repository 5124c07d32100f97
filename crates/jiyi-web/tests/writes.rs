//! Writes: SPARQL Update at /update and the Graph Store Protocol, token-protected; reads of
//! graphs are public.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;

const TOKEN: &str = "s3cret-token";
const COUNT_ALL: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }";

fn with_token() -> Site {
    site_with(|mut c| {
        c.write_token = Some(TOKEN.into());
        c
    })
}

async fn count(s: &Site) -> String {
    let a = get(
        s,
        &format!("/sparql?{}", form("query", COUNT_ALL)),
        Some("text/csv"),
    )
    .await;
    a.body.replace("\r\n", "\n")
}

fn update(body: &str, token: Option<&str>) -> Request<Body> {
    let mut r = Request::post("/update").header(header::CONTENT_TYPE, "application/sparql-update");
    if let Some(t) = token {
        r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    r.body(Body::from(body.to_owned())).expect("request")
}

const INSERT: &str = "INSERT DATA { GRAPH <https://data.example.tw/graph/demo> { <https://data.example.tw/id/object/new> <http://www.w3.org/2000/01/rdf-schema#label> \"新\" } }";

#[tokio::test]
async fn updates_need_the_token_and_change_nothing_without_it() {
    let s = with_token();
    let before = count(&s).await;
    for token in [None, Some("wrong"), Some("s3cret-token2")] {
        let a = send(&s, update(INSERT, token)).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert!(a.headers.contains_key(header::WWW_AUTHENTICATE));
        assert_eq!(count(&s).await, before, "nothing changed");
    }
    let a = send(&s, update(INSERT, Some(TOKEN))).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    assert_ne!(count(&s).await, before);
    // Form-encoded updates work too; a broken update changes nothing.
    let mut r = form_post(
        "/update",
        form("update", "DROP GRAPH <https://data.example.tw/graph/demo>"),
    );
    r.headers_mut().insert(
        header::AUTHORIZATION,
        format!("Bearer {TOKEN}").parse().expect("header"),
    );
    assert_eq!(send(&s, r).await.status, StatusCode::NO_CONTENT);
    assert_eq!(count(&s).await, "n\n0\n");
    let a = send(&s, update("INSERT DATA { oops", Some(TOKEN))).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn without_a_configured_token_writes_are_disabled() {
    let s = site();
    let before = count(&s).await;
    let a = send(&s, update(INSERT, Some("anything"))).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(
        problem(&a)["detail"]
            .as_str()
            .is_some_and(|d| d.contains("disabled"))
    );
    let a = send(
        &s,
        Request::delete("/graph-store?graph=https%3A%2F%2Fdata.example.tw%2Fgraph%2Fdemo")
            .header(header::AUTHORIZATION, "Bearer anything")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(count(&s).await, before);
}

fn gsp(
    method: &str,
    graph: &str,
    body: &str,
    content_type: &str,
    token: Option<&str>,
) -> Request<Body> {
    let target = if graph == "default" {
        "/graph-store?default".to_owned()
    } else {
        format!("/graph-store?{}", form("graph", graph))
    };
    let mut r = Request::builder()
        .method(method)
        .uri(target)
        .header(header::CONTENT_TYPE, content_type);
    if let Some(t) = token {
        r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    r.body(Body::from(body.to_owned())).expect("request")
}

const G: &str = "https://data.example.tw/graph/uploaded";

#[tokio::test]
async fn graph_store_protocol_round_trip() {
    let s = with_token();
    let ttl =
        "<https://data.example.tw/id/x/1> <http://www.w3.org/2000/01/rdf-schema#label> \"一\" .";
    // Reads are public; a missing graph is 404.
    assert_eq!(
        send(&s, gsp("GET", G, "", "text/plain", None)).await.status,
        StatusCode::NOT_FOUND
    );
    // Writes need the token.
    assert_eq!(
        send(&s, gsp("PUT", G, ttl, "text/turtle", None))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&s, gsp("PUT", G, ttl, "text/turtle", Some(TOKEN)))
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        send(&s, gsp("PUT", G, ttl, "text/turtle", Some(TOKEN)))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let more =
        "<https://data.example.tw/id/x/2> <http://www.w3.org/2000/01/rdf-schema#label> \"二\" .";
    assert_eq!(
        send(
            &s,
            gsp("POST", G, more, "application/n-triples", Some(TOKEN))
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let a = get(
        &s,
        &format!("/graph-store?{}", form("graph", G)),
        Some("application/n-triples"),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body.lines().count(), 2, "{}", a.body);
    // The graph is queryable right away.
    let q = get(
        &s,
        &format!(
            "/sparql?{}",
            form(
                "query",
                "ASK { GRAPH <https://data.example.tw/graph/uploaded> { ?s ?p \"二\" } }"
            )
        ),
        Some("application/sparql-results+json"),
    )
    .await;
    assert!(q.body.contains("true"), "{}", q.body);
    // A body that does not parse changes nothing.
    let a = send(&s, gsp("PUT", G, "<broken", "text/turtle", Some(TOKEN))).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert!(
        problem(&a)["detail"]
            .as_str()
            .is_some_and(|d| d.contains("nothing was changed"))
    );
    let a = get(
        &s,
        &format!("/graph-store?{}", form("graph", G)),
        Some("application/n-triples"),
    )
    .await;
    assert_eq!(a.body.lines().count(), 2);
    // Unsupported syntax, system graphs, bad targets.
    assert_eq!(
        send(&s, gsp("PUT", G, ttl, "application/n-quads", Some(TOKEN)))
            .await
            .status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        send(
            &s,
            gsp("PUT", "urn:jiyi:settings", ttl, "text/turtle", Some(TOKEN))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&s, gsp("GET", "urn:jiyi:settings", "", "text/plain", None))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&s, "/graph-store", None).await.status,
        StatusCode::BAD_REQUEST
    );
    // The default graph.
    assert_eq!(
        send(&s, gsp("POST", "default", ttl, "text/turtle", Some(TOKEN)))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let a = get(&s, "/graph-store?default", Some("text/turtle")).await;
    assert!(a.body.contains("一"), "{}", a.body);
    // DELETE, then it is gone.
    assert_eq!(
        send(&s, gsp("DELETE", G, "", "text/plain", Some(TOKEN)))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&s, gsp("DELETE", G, "", "text/plain", Some(TOKEN)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_dataset_graph_iri_dereferences_to_its_content() {
    let s = site();
    let a = get(&s, "/graph/demo", Some("application/n-triples")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body.lines().count(), 5);
    let a = get(&s, "/graph/demo", Some("application/n-quads")).await;
    assert!(
        a.body.lines().all(|l| l
            .trim_end()
            .ends_with("<https://data.example.tw/graph/demo> .")),
        "{}",
        a.body
    );
    assert_eq!(
        get(&s, "/graph/none", None).await.status,
        StatusCode::NOT_FOUND
    );
}
