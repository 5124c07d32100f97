//! `jiyi harvest`: pulls a partner's records over OAI-PMH (jiyi-harvest) into the dataset's
//! record set under the store, then maps the whole record set through the normal ingest path
//! (`ingest_from` with the record set as `--input`), so the change log, tombstones, dumps and
//! the rejects report work exactly as for `jiyi ingest`.
//!
//! Exit status: 0 when the list was harvested to its end and ingested; 1 on an error that
//! changed nothing; 2 when the harvest stopped on a page after earlier pages brought records,
//! which were ingested (run again: the next run asks from the same datestamp and completes).

use crate::ingest::{Outcome, ingest_from, policy_for};
use anyhow::{Context, Result};
use jiyi_harvest::{HarvestRun, OaiClient, RecordSet, RetryPolicy, SourceKey};
use jiyi_ingest::{IngestError, PreparedIngest};
use jiyi_store::Store;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Options of `jiyi harvest`.
#[derive(clap::Args)]
pub struct Args {
    /// The partner's OAI-PMH base URL (e.g. https://example.org/oai).
    #[arg(long)]
    oai: String,
    /// The metadata format to ask for (e.g. oai_dc); the mapping must read it.
    #[arg(long)]
    metadata_prefix: String,
    /// Harvest only this set.
    #[arg(long)]
    set: Option<String>,
    /// The RML mapping (Turtle) over the harvested `<record>` elements (an XPath source; its
    /// path is replaced by the record set), with the dataset's description
    /// (e.g. data/mappings/oai-dc.rml.ttl).
    #[arg(long)]
    mapping: PathBuf,
    /// Store directory (created if missing); the record set is kept in {store}/harvest/{dataset}.
    #[arg(long)]
    store: PathBuf,
    /// Base IRI things are published under; defaults to the store's, required for a new store.
    #[arg(long)]
    base: Option<String>,
    /// Dataset name, overriding the mapping's dcterms:identifier.
    #[arg(long)]
    dataset: Option<String>,
    /// Where to list rejected records and warnings (JSON lines); default `<dataset>.rejects.jsonl`.
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// The longest Retry-After (seconds) to wait on a 503 before giving up.
    #[arg(long, default_value_t = 120)]
    max_retry_wait: u64,
}

/// Exit status of a harvest that stopped after ingesting what earlier pages brought.
const EXIT_STOPPED: i32 = 2;

pub fn run(args: Args) -> Result<()> {
    let (summary, stopped) = harvest_into(&args)?;
    match writeln!(std::io::stdout().lock(), "{summary}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(e).context("writing the summary");
        }
        _ => {}
    }
    if let Some(message) = stopped {
        // The store was closed when harvest_into returned.
        eprintln!("Error: {message}");
        std::process::exit(EXIT_STOPPED);
    }
    Ok(())
}

/// Harvests and ingests; returns the summary and, when the list was not harvested to its
/// end, why (with what was kept).
fn harvest_into(args: &Args) -> Result<(Summary, Option<String>)> {
    let store = Store::open(&args.store)
        .with_context(|| format!("opening store {}", args.store.display()))?;
    let policy = policy_for(&store, args.base.as_deref())?;
    let name = match PreparedIngest::new(&args.mapping, policy.clone(), args.dataset.as_deref()) {
        Ok(prepared) => prepared.dataset_name().to_owned(),
        Err(e @ IngestError::NotOpen { .. }) => {
            return Ok((Summary::NotHarvested(e.to_string()), None));
        }
        Err(e) => return Err(e.into()),
    };
    let source = SourceKey {
        base_url: args.oai.clone(),
        metadata_prefix: args.metadata_prefix.clone(),
        set: args.set.clone(),
    };
    let dir = store.path().join("harvest").join(&name);
    let (records, state) = RecordSet::open(&dir, &source)?;
    let client = OaiClient::new(&args.oai)?.with_retry(RetryPolicy {
        max_wait: Duration::from_secs(args.max_retry_wait),
        ..RetryPolicy::default()
    });
    let mut run = jiyi_harvest::harvest(&client, &records, &source, &state)
        .with_context(|| format!("harvesting {source}; nothing was changed"))?;
    let stopped = run.stopped.take();
    if let Some(e) = &stopped
        && !run.counts.changed()
    {
        return Err(anyhow::anyhow!("{e}")).context(format!(
            "harvesting {source}: stopped after {} complete pages that changed no record; the store is unchanged",
            run.pages
        ));
    }
    let rejects = args
        .rejects
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{name}.rejects.jsonl")));
    let ingested = ingest_from(
        &store,
        &policy,
        &args.mapping,
        args.dataset.as_deref(),
        Some(&rejects),
        Some(&records.records_dir()),
    )
    .with_context(|| {
        format!(
            "ingesting the record set {} (the harvested records are kept there; the next harvest asks from the same datestamp)",
            records.records_dir().display()
        )
    })?;
    append_rejects(&rejects, &run)?;
    if stopped.is_none()
        && let Some(state) = &run.next_state
    {
        records.save_state(state)?;
    }
    let stopped = stopped.map(|e| {
        format!(
            "{e}\n  the {} pages before it were kept and ingested; the harvest state was not advanced, so running the same command again asks from the same datestamp and completes",
            run.pages
        )
    });
    let summary = Summary::Harvested {
        source,
        live: records.live_records()?,
        run: Box::new(run),
        rejects,
        ingested: Box::new(ingested),
    };
    drop(store);
    Ok((summary, stopped))
}

/// Adds the records the harvester could not use to the ingest's rejects report, in its
/// format (`"kind": "reject"`, `"published": false`), naming the page and the field.
fn append_rejects(path: &Path, run: &HarvestRun) -> Result<()> {
    if run.rejected.is_empty() {
        return Ok(());
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    for rejected in &run.rejected {
        let mut line = serde_json::Map::new();
        line.insert("kind".into(), "reject".into());
        line.insert("published".into(), false.into());
        line.insert("source".into(), rejected.place.url.clone().into());
        line.insert(
            "path".into(),
            format!(
                "{} page {}, record {}",
                rejected.place.verb, rejected.place.page, rejected.problem.index
            )
            .into(),
        );
        line.insert(
            "identifier".into(),
            rejected
                .problem
                .identifier
                .clone()
                .map_or(serde_json::Value::Null, Into::into),
        );
        line.insert("triples_map".into(), serde_json::Value::Null);
        line.insert("field".into(), rejected.problem.field.into());
        line.insert("reason".into(), rejected.problem.reason.clone().into());
        writeln!(file, "{}", serde_json::Value::Object(line))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// What `jiyi harvest` did, printed as its summary.
enum Summary {
    /// Access class 丙: nothing was requested.
    NotHarvested(String),
    /// Records were harvested and the record set ingested.
    Harvested {
        source: SourceKey,
        run: Box<HarvestRun>,
        live: usize,
        rejects: PathBuf,
        ingested: Box<Outcome>,
    },
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (source, run, live, rejects, ingested) = match self {
            Self::NotHarvested(message) => return write!(f, "not harvested: {message}"),
            Self::Harvested {
                source,
                run,
                live,
                rejects,
                ingested,
            } => (source, run, live, rejects, ingested),
        };
        let c = &run.counts;
        writeln!(
            f,
            "harvested {source} ({}): {} pages{}",
            run.repository_name,
            run.pages,
            run.from.as_ref().map_or_else(
                || " (everything: first harvest)".to_owned(),
                |from| format!(" from {from} (granularity {})", run.granularity.as_str())
            )
        )?;
        writeln!(
            f,
            "  records: {} new, {} updated, {} deleted, {} unchanged; {} deletions of records never held, {} older than held, {} rejected; {live} records held",
            c.new,
            c.updated,
            c.deleted,
            c.unchanged,
            c.deletions_noted,
            c.stale,
            run.rejected.len()
        )?;
        if !run.rejected.is_empty() {
            writeln!(f, "  rejected records are listed in {}", rejects.display())?;
        }
        if run.deleted_record != "persistent" {
            writeln!(
                f,
                "  note: the repository keeps deletions {:?} (not persistent): records it drops may never be reported as deleted",
                run.deleted_record
            )?;
        }
        write!(f, "{ingested}")
    }
}
