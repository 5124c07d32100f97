//! Server options shared by `jiyi serve` and `jiyi demo`.

use anyhow::{Context, Result};
use jiyi_model::UriPolicy;
use std::path::PathBuf;
use std::time::Duration;

/// Limits, write access and the query editor.
#[derive(clap::Args)]
pub struct WebOptions {
    /// Stop a query after this many seconds (answered 503).
    #[arg(long, default_value_t = 30.0)]
    query_timeout: f64,
    /// Most results one answer may carry; larger answers are refused, never truncated.
    #[arg(long, default_value_t = 100_000)]
    max_results: u64,
    /// Queries evaluated at once; more are answered 503 with Retry-After.
    #[arg(long, default_value_t = 4)]
    max_concurrent_queries: usize,
    /// Largest query or update request body in bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    max_request_body: usize,
    /// Largest Graph Store upload in bytes.
    #[arg(long, default_value_t = 1024 * 1024 * 1024)]
    max_upload: u64,
    /// A file holding the bearer token that enables /update and Graph Store writes (or set
    /// JIYI_WRITE_TOKEN). Without a token, writes are refused.
    #[arg(long)]
    write_token_file: Option<PathBuf>,
    /// Folder with YASGUI's built files for the query page (scripts/install-deps puts them in
    /// ~/.cache/jiyi/yasgui, used by default when present; JIYI_YASGUI_DIR overrides).
    #[arg(long)]
    yasgui: Option<PathBuf>,
    /// Make /sparql's default graph the store's default graph instead of the union of all
    /// published graphs.
    #[arg(long)]
    no_union_default_graph: bool,
    /// Evaluate queries on threads of the server instead of worker processes (a time limit
    /// then cannot stop a query computing in memory; for debugging only).
    #[arg(long)]
    in_process_queries: bool,
    /// The adminEmail OAI-PMH's Identify gives (default: webmaster@ the base's host, a
    /// placeholder).
    #[arg(long)]
    admin_email: Option<String>,
    /// Records per OAI-PMH list response; the rest follows with resumption tokens.
    #[arg(long, default_value_t = 100)]
    oai_page_size: usize,
}

impl WebOptions {
    /// The web configuration these options describe.
    pub fn config(&self, policy: UriPolicy) -> Result<jiyi_web::Config> {
        let mut config = jiyi_web::Config::new(policy);
        config.union_default_graph = !self.no_union_default_graph;
        config.limits = jiyi_web::Limits {
            query_timeout: Duration::try_from_secs_f64(self.query_timeout)
                .context("--query-timeout must be a positive number of seconds")?,
            max_results: self.max_results,
            max_concurrent_queries: self.max_concurrent_queries.max(1),
            max_request_body: self.max_request_body,
            max_upload: self.max_upload,
        };
        config.write_token = match &self.write_token_file {
            Some(file) => Some(
                std::fs::read_to_string(file)
                    .with_context(|| format!("reading {}", file.display()))?
                    .trim()
                    .to_owned(),
            ),
            None => std::env::var("JIYI_WRITE_TOKEN").ok(),
        }
        .filter(|t| !t.is_empty());
        config.yasgui_dir = self
            .yasgui
            .clone()
            .or_else(|| std::env::var_os("JIYI_YASGUI_DIR").map(PathBuf::from))
            .or_else(|| {
                std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/jiyi/yasgui"))
            })
            .filter(|d| d.join("yasgui.min.js").is_file());
        config.oai = jiyi_web::OaiSettings {
            admin_email: self.admin_email.clone(),
            page_size: self.oai_page_size.max(1),
        };
        if !self.in_process_queries {
            config.query_workers = Some(crate::sparql_worker::command()?);
        }
        Ok(config)
    }
}
