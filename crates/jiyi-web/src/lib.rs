//! Jiyi's HTTP surface, the only crate that knows HTTP: Cool URIs with content negotiation,
//! the SPARQL 1.1 Protocol, and pages for people.
//!
//! [`app`] builds the axum `Router` from an [`AppState`]; tests drive it with
//! `tower::ServiceExt::oneshot`, the CLI serves it with [`serve`].

mod addresses;
mod caching;
mod conneg;
mod dataset_facts;
mod document;
mod dumps;
mod error;
mod evaluate;
mod examples;
mod formats;
mod graph_store;
mod html;
mod images;
mod landing;
mod oai;
mod paging;
mod pool;
mod profiles;
mod rights;
mod schema_org;
mod service;
mod site_stats;
mod sitemap;
mod sparql;
mod stream;
mod terms;
mod update;
mod void;
pub mod worker;

pub use conneg::Accept;
pub use error::WebError;
pub use oai::OaiSettings;
pub use pool::WorkerCommand;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use jiyi_model::UriPolicy;
use jiyi_store::Store;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::cors::{Any, CorsLayer};

/// Server settings that are not in the store.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where things are published; must be the base the store was ingested with.
    pub policy: UriPolicy,
    /// Whether `/sparql`'s default graph is the union of all published graphs (DESIGN.md: on).
    pub union_default_graph: bool,
    /// What a query may cost; advertised in the service description and on the query page.
    pub limits: Limits,
    /// Bearer token that enables `/update` and Graph Store writes; `None` disables writes.
    pub write_token: Option<String>,
    /// A folder with YASGUI's built files (`yasgui.min.js`, `yasgui.min.css`), served under
    /// `/assets/yasgui/`; without it the query page is a plain form.
    pub yasgui_dir: Option<PathBuf>,
    /// How to start query worker processes (see [`worker`]); `None` evaluates queries on
    /// threads of this process, where a time limit cannot stop in-memory computation.
    pub query_workers: Option<WorkerCommand>,
    /// Most URLs in one sitemap file; above it `/sitemap.xml` is a sitemap index. The
    /// protocol's limit (50,000) by default; tests set a small one.
    pub sitemap_max_urls: usize,
    /// The OAI-PMH provider at `/oai`: admin e-mail, page size.
    pub oai: OaiSettings,
}

impl Config {
    /// Default limits, writes off, plain query page.
    pub fn new(policy: UriPolicy) -> Self {
        Self {
            policy,
            union_default_graph: true,
            limits: Limits::default(),
            write_token: None,
            yasgui_dir: None,
            query_workers: None,
            sitemap_max_urls: sitemap::PROTOCOL_MAX_URLS,
            oai: OaiSettings::default(),
        }
    }
}

/// The endpoint's limits. Every one is configurable and advertised; none is silent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// A query still running after this long is stopped and answered 503.
    pub query_timeout: Duration,
    /// Most solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) one answer may carry; a larger
    /// answer is refused with an explanation of how to page, never truncated.
    pub max_results: u64,
    /// Queries evaluated at once; more are answered 503 with `Retry-After`.
    pub max_concurrent_queries: usize,
    /// Largest query or update request body, in bytes (413 beyond).
    pub max_request_body: usize,
    /// Largest Graph Store upload, in bytes; uploads are spooled to disk, not memory.
    pub max_upload: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            query_timeout: Duration::from_secs(30),
            max_results: 100_000,
            max_concurrent_queries: 4,
            max_request_body: 1024 * 1024,
            max_upload: 1024 * 1024 * 1024,
        }
    }
}

struct Inner {
    store: Store,
    config: Config,
    templates: minijinja::Environment<'static>,
    query_slots: Arc<Semaphore>,
    pool: Option<Arc<pool::QueryPool>>,
    /// Per-dataset facts every document repeats (licence, provenance, modified).
    facts: dataset_facts::FactsCache,
    /// Per-store-state counts for the VoID, the sitemap and the landing page.
    site: site_stats::SiteCache,
}

/// Shared, cheaply cloned state of the server.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    /// Bundles the store and configuration, compiles the page templates once and, when
    /// configured, starts the query workers (failing here if they cannot start).
    pub fn new(store: Store, config: Config) -> Result<Self, WebError> {
        let query_slots = Arc::new(Semaphore::new(config.limits.max_concurrent_queries));
        let pool = match &config.query_workers {
            Some(command) => Some(Arc::new(pool::QueryPool::new(
                store.clone(),
                command.clone(),
            )?)),
            None => None,
        };
        Ok(Self(Arc::new(Inner {
            store,
            config,
            templates: html::environment(),
            query_slots,
            pool,
            facts: dataset_facts::FactsCache::default(),
            site: site_stats::SiteCache::default(),
        })))
    }

    /// Call after any write: the write time is recorded (documents' `Last-Modified`), cached
    /// dataset facts are dropped, query workers move to a fresh checkpoint of the store.
    pub(crate) fn written(&self) -> Result<(), WebError> {
        self.0.store.record_write(std::time::SystemTime::now())?;
        self.0.facts.clear();
        self.0.site.invalidate();
        match &self.0.pool {
            Some(pool) => pool.refresh(),
            None => Ok(()),
        }
    }

    pub(crate) fn pool(&self) -> Option<&Arc<pool::QueryPool>> {
        self.0.pool.as_ref()
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

    pub(crate) fn limits(&self) -> &Limits {
        &self.0.config.limits
    }

    pub(crate) fn query_slots(&self) -> &Arc<Semaphore> {
        &self.0.query_slots
    }

    pub(crate) fn config(&self) -> &Config {
        &self.0.config
    }

    pub(crate) fn facts(&self) -> &dataset_facts::FactsCache {
        &self.0.facts
    }

    pub(crate) fn site_cache(&self) -> &site_stats::SiteCache {
        &self.0.site
    }
}

/// The whole site as one router.
pub fn app(state: AppState) -> Router {
    let limits = state.limits().clone();
    let mut router = Router::new()
        .route("/", get(landing::landing))
        .route("/healthz", get(|| async { "ok" }))
        .route("/id/{*path}", get(document::thing))
        .route("/doc/{*path}", get(document::document))
        .route(
            "/sparql",
            get(sparql::endpoint)
                .post(sparql::endpoint)
                .layer(DefaultBodyLimit::max(limits.max_request_body)),
        )
        .route(
            "/update",
            post(update::endpoint).layer(DefaultBodyLimit::max(limits.max_request_body)),
        )
        .route(
            "/graph-store",
            get(graph_store::indirect)
                .put(graph_store::indirect)
                .post(graph_store::indirect)
                .delete(graph_store::indirect),
        )
        .route("/graph/{*name}", get(graph_store::direct))
        // Harvesting (issue 7): dump files; 410 on /doc/ is wired with Store::tombstone.
        .route("/dumps/{file}", get(dumps::dump))
        .route("/oai", get(oai::get).post(oai::post))
        // Discovery: VoID + DCAT, sitemap, robots.txt.
        .route("/.well-known/void", get(void::void))
        .route("/sitemap.xml", get(sitemap::sitemap))
        .route("/sitemaps/{file}", get(sitemap::sitemap_file))
        .route("/robots.txt", get(sitemap::robots));
    if let Some(dir) = &state.config().yasgui_dir {
        router = router.nest_service("/assets/yasgui", tower_http::services::ServeDir::new(dir));
    }
    router
        .with_state(state)
        // Dumps are already gzip files and served as such (their checksum is of those bytes).
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("application/gzip")),
        ))
        // Outside compression: a compressed body gets its own strong ETag (caching.rs).
        .layer(axum::middleware::map_response(caching::etag_per_encoding))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([axum::http::Method::GET, axum::http::Method::HEAD])
                // Accept-Profile and conditional requests from scripts; Link, ETag,
                // Content-Location and Content-Profile readable by them.
                .allow_headers(Any)
                .expose_headers(Any),
        )
        // OPTIONS on /id/ and /doc/ answers Allow (document.rs); the CORS layer would not.
        .layer(axum::middleware::from_fn(document::plain_options))
}

/// Serves `app(state)` on a bound listener until Ctrl-C or SIGTERM, finishing requests in
/// flight. The caller binds first so it can learn the real port (the demo mints its base IRI
/// from it) before anything is served.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Without TCP_NODELAY a response written in two pieces (head, then body) waits for the
    // client's delayed ACK: ~40 ms added to every small SPARQL answer (measured with BSBM).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("could not set TCP_NODELAY: {e}");
        }
    });
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
