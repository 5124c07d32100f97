//! Shared fixtures for the router tests: a store with a few demo-like triples and a way to
//! send requests without a socket.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jiyi_model::UriPolicy;
use jiyi_store::Store;
use jiyi_store::model::{Literal, NamedNode, Triple};
use jiyi_web::{AppState, Config, app};
use tower::ServiceExt;

pub const BASE: &str = "https://data.example.tw/";
pub const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub const E22: &str = "http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object";

pub struct Site {
    pub _dir: tempfile::TempDir,
    pub state: AppState,
}

pub fn nn(iri: &str) -> NamedNode {
    NamedNode::new(iri).expect("valid IRI")
}

pub fn site() -> Site {
    site_with(|c| c)
}

/// The fixture with a configuration adjusted by `configure` (limits, token…).
pub fn site_with(configure: impl FnOnce(Config) -> Config) -> Site {
    site_with_filler(0, configure)
}

/// The fixture plus `filler` extra triples in `{BASE}graph/filler`, enough to make a
/// cartesian product expensive.
pub fn site_with_filler(filler: usize, configure: impl FnOnce(Config) -> Config) -> Site {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    if filler > 0 {
        let mut r = store
            .replace_graph(&nn(&format!("{BASE}graph/filler")))
            .expect("replace");
        for i in 0..filler {
            r.add(Triple::new(
                nn(&format!("{BASE}id/filler/{i}")),
                nn(RDFS_LABEL),
                Literal::new_simple_literal(i.to_string()),
            ))
            .expect("add");
        }
        r.commit().expect("commit");
    }
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
    let state = AppState::new(store, configure(Config::new(policy))).expect("state");
    Site { _dir: dir, state }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

pub async fn send(site: &Site, request: Request<Body>) -> Answer {
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

pub async fn get(site: &Site, uri: &str, accept: Option<&str>) -> Answer {
    let mut b = Request::get(uri);
    if let Some(a) = accept {
        b = b.header(header::ACCEPT, a);
    }
    send(site, b.body(Body::empty()).expect("request")).await
}

pub fn content_type(a: &Answer) -> &str {
    a.headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A POST of a form-encoded body.
pub fn form_post(uri: &str, body: String) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request")
}

/// `query=…` form encoding.
pub fn form(name: &str, value: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair(name, value)
        .finish()
}

/// Parses a problem+json body.
pub fn problem(a: &Answer) -> serde_json::Value {
    assert_eq!(content_type(a), "application/problem+json", "{}", a.body);
    serde_json::from_str(&a.body).expect("problem json")
}
