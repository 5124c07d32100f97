//! `jiyi`: ingest collections through RML mappings into an Oxigraph store and publish them as
//! Linked Open Data. This binary only wires the library crates together; `anyhow` lives here.

mod demo;
mod ingest;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "jiyi",
    version,
    about = "Jiyi 記憶 — museum and archive metadata as Linked Open Data"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run an RML mapping and publish its output as one dataset graph (replacing the previous
    /// version atomically).
    Ingest {
        /// The RML mapping (Turtle); its sources resolve relative to its directory.
        #[arg(long)]
        mapping: PathBuf,
        /// Store directory (created if missing).
        #[arg(long)]
        store: PathBuf,
        /// Base IRI things are published under; defaults to the store's, required for a new store.
        #[arg(long)]
        base: Option<String>,
        /// Dataset name, overriding the mapping's dcterms:identifier.
        #[arg(long)]
        dataset: Option<String>,
        /// Where to list rejected records (JSON lines); default `<dataset>.rejects.jsonl`.
        #[arg(long)]
        rejects: Option<PathBuf>,
    },
    /// Serve a store: dereferenceable URIs, SPARQL, pages.
    Serve {
        /// Store directory.
        #[arg(long)]
        store: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Base IRI; must match the one the store was ingested with (the default).
        #[arg(long)]
        base: Option<String>,
        /// Make /sparql's default graph the store's (empty) default graph instead of the union
        /// of all published graphs.
        #[arg(long)]
        no_union_default_graph: bool,
    },
    /// Ingest the bundled demo collection into a fresh store and serve it.
    Demo {
        /// Address to listen on; the base IRI becomes http://localhost:PORT/.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Folder with the demo data and its `mappings/` (default: the repository's `data/`).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Keep the store here instead of a temporary directory (it is emptied first).
        #[arg(long)]
        store: Option<PathBuf>,
    },
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Ingest {
            mapping,
            store,
            base,
            dataset,
            rejects,
        } => {
            let store = jiyi_store::Store::open(&store)
                .with_context(|| format!("opening store {}", store.display()))?;
            let policy = ingest::policy_for(&store, base.as_deref())?;
            let report = ingest::ingest(
                &store,
                &policy,
                &mapping,
                dataset.as_deref(),
                rejects.as_deref(),
            )?;
            println!("{report}");
            Ok(())
        }
        Command::Serve {
            store,
            bind,
            base,
            no_union_default_graph,
        } => {
            let store = jiyi_store::Store::open(&store)
                .with_context(|| format!("opening store {}", store.display()))?;
            let policy = ingest::policy_for(&store, base.as_deref())?;
            runtime()?.block_on(async move {
                let listener = tokio::net::TcpListener::bind(bind)
                    .await
                    .with_context(|| format!("binding {bind}"))?;
                println!(
                    "Serving {} at http://{}/",
                    policy.base(),
                    listener.local_addr()?
                );
                let state = jiyi_web::AppState::new(
                    store,
                    jiyi_web::Config {
                        policy,
                        union_default_graph: !no_union_default_graph,
                    },
                );
                jiyi_web::serve(listener, state).await.context("serving")
            })
        }
        Command::Demo { bind, data, store } => demo::run(bind, data, store),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}
