//! `jiyi`: ingest collections through RML mappings into an Oxigraph store and publish them as
//! Linked Open Data. This binary only wires the library crates together; `anyhow` lives here.
//!
//! Each subcommand is a module with its own `Args` (clap) and `run`; adding a command is one
//! variant and one match arm here.

mod demo;
mod dump;
mod harvest;
mod ingest;
mod map;
mod normalize_date;
mod progress;
mod serve;
mod sparql_worker;
mod validate;
mod web_options;
mod withdraw;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's allocator: serving documents allocates many small short-lived
/// values on several threads, and glibc's malloc/free/consolidate took about a sixth of
/// `jiyi serve`'s time under load (bench/deref --perf, BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    Ingest(ingest::Args),
    /// Run RML mappings into an RDF file (N-Quads, N-Triples, Turtle, TriG) without a store.
    Map(map::Args),
    /// Normalise dates as written (reign years, Minguo, Western, ranges): one per line on
    /// stdin, one JSON object per line on stdout.
    NormalizeDate(normalize_date::Args),
    /// Serve a store: dereferenceable URIs, SPARQL, pages.
    Serve(serve::Args),
    /// Ingest the bundled demo collection into a fresh store and serve it.
    Demo(demo::Args),
    /// Check the published dataset graphs against SHACL shapes (exit 0 conforms, 1 violations,
    /// 2 error).
    Validate(validate::Args),
    /// Write one dataset graph to a file (N-Quads or Turtle, gzipped by `.gz`) or stdout,
    /// streaming from the store.
    Dump(dump::Args),
    /// Take a thing or a dataset down with a reason (410 Gone, tombstones in the change log),
    /// or restore it.
    Withdraw(withdraw::Args),
    /// Pull a partner's records over OAI-PMH (incrementally, with deletions) and ingest them
    /// through a mapping (exit 0 complete, 1 error, 2 stopped after ingesting earlier pages).
    Harvest(harvest::Args),
    /// Internal: evaluate SPARQL queries for a server (started by `serve`).
    #[command(hide = true)]
    SparqlWorker(sparql_worker::Args),
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
        Command::Ingest(args) => ingest::run(args),
        Command::Map(args) => map::run(args),
        Command::NormalizeDate(args) => normalize_date::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Dump(args) => dump::run(args),
        Command::Withdraw(args) => withdraw::run(args),
        Command::Harvest(args) => harvest::run(args),
        Command::SparqlWorker(args) => sparql_worker::run(args),
    }
}

/// The async runtime for commands that serve HTTP.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}
