//! `jiyi serve`: publish a store over HTTP.

use crate::ingest::policy_for;
use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Options of `jiyi serve`.
#[derive(clap::Args)]
pub struct Args {
    /// Store directory.
    #[arg(long)]
    store: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Base IRI; must match the one the store was ingested with (the default).
    #[arg(long)]
    base: Option<String>,
    #[command(flatten)]
    web: crate::web_options::WebOptions,
}

pub fn run(args: Args) -> Result<()> {
    let store = jiyi_store::Store::open(&args.store)
        .with_context(|| format!("opening store {}", args.store.display()))?;
    let policy = policy_for(&store, args.base.as_deref())?;
    crate::runtime()?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .with_context(|| format!("binding {}", args.bind))?;
        // The first line of output is read by tests and scripts to learn the real address.
        println!(
            "Serving {} at http://{}/",
            policy.base(),
            listener.local_addr()?
        );
        let config = args.web.config(policy)?;
        let state = jiyi_web::AppState::new(store, config)?;
        jiyi_web::serve(listener, state).await.context("serving")
    })
}
