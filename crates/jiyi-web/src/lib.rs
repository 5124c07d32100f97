//! Jiyi's HTTP surface, the only crate that knows HTTP: Cool URIs with content negotiation,
//! the SPARQL 1.1 Protocol, and pages for people.
//!
//! [`app`] builds the axum `Router` from an [`AppState`]; tests drive it with
//! `tower::ServiceExt::oneshot`, the CLI serves it with [`serve`].

mod conneg;
mod document;
mod error;
mod examples;
mod formats;
mod html;
mod landing;
mod sparql;
mod stream;

pub use conneg::Accept;
pub use error::WebError;

use axum::Router;
use axum::routing::get;
use jiyi_model::UriPolicy;
use jiyi_store::Store;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};

/// Server settings that are not in the store.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where things are published; must be the base the store was ingested with.
    pub policy: UriPolicy,
    /// Whether `/sparql`'s default graph is the union of all published graphs (DESIGN.md: on).
    pub union_default_graph: bool,
}

struct Inner {
    store: Store,
    config: Config,
    templates: minijinja::Environment<'static>,
}

/// Shared, cheaply cloned state of the server.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    /// Bundles the store and configuration, and compiles the page templates once.
    pub fn new(store: Store, config: Config) -> Self {
        Self(Arc::new(Inner {
            store,
            config,
            templates: html::environment(),
        }))
    }

    pub(crate) fn store(&self) -> &Store {
        &self.0.store
    }

    pub(crate) fn policy(&self) -> &UriPolicy {
        &self.0.config.policy
    }

    pub(crate) fn union_default_graph(&self) -> bool {
        self.0.config.union_default_graph
    }

    pub(crate) fn templates(&self) -> &minijinja::Environment<'static> {
        &self.0.templates
    }
}

/// The whole site as one router.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(landing::landing))
        .route("/healthz", get(|| async { "ok" }))
        .route("/id/{*path}", get(document::thing))
        .route("/doc/{*path}", get(document::document))
        .route("/sparql", get(sparql::endpoint).post(sparql::endpoint))
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([axum::http::Method::GET, axum::http::Method::HEAD]),
        )
}

/// Serves `app(state)` on a bound listener until Ctrl-C or SIGTERM, finishing requests in
/// flight. The caller binds first so it can learn the real port (the demo mints its base IRI
/// from it) before anything is served.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// The first value of a query-string parameter.
pub(crate) fn query_param(uri: &axum::http::Uri, name: &str) -> Option<String> {
    form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}
