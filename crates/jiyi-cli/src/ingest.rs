//! `jiyi ingest`: connects an ingest run (jiyi-ingest) to a graph replacement (jiyi-store).

use crate::progress::Progress;
use anyhow::{Context, Result, bail};
use jiyi_ingest::{IngestError, IngestReport, PreparedIngest, SinkError, TripleSink};
use jiyi_model::UriPolicy;
use jiyi_store::{
    ChangeCause, DatasetCommit, DatasetScope, DumpFile, GraphReplacement, ReplaceReport, Store,
    StoreError,
};
use std::fmt;
use std::path::{Path, PathBuf};

/// Options of `jiyi ingest`.
#[derive(clap::Args)]
pub struct Args {
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
    /// Where to list rejected records and warnings (JSON lines); default `<dataset>.rejects.jsonl`.
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// Read this file or folder instead of the source the mapping names (for a mapping
    /// whose logical sources all read one path, e.g. data/mappings/datagovtw.rml.ttl over
    /// ../shared/data/datagovtw-dgtw/Datasets).
    #[arg(long)]
    input: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    let store = Store::open(&args.store)
        .with_context(|| format!("opening store {}", args.store.display()))?;
    let policy = policy_for(&store, args.base.as_deref())?;
    let summary = ingest_from(
        &store,
        &policy,
        &args.mapping,
        args.dataset.as_deref(),
        args.rejects.as_deref(),
        args.input.as_deref(),
    )?;
    // A reader that stops early (`| head`) is not an error of the ingest, which is committed.
    use std::io::Write as _;
    match writeln!(std::io::stdout().lock(), "{summary}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(e).context("writing the summary");
        }
        _ => {}
    }
    Ok(())
}

/// The base IRI to use with `store`: the one given (checked against the store's) or the
/// store's own.
pub fn policy_for(store: &Store, base: Option<&str>) -> Result<UriPolicy> {
    let base = match (base, store.base_iri()?) {
        (Some(given), _) => {
            store.bind_base_iri(given)?;
            given.to_owned()
        }
        (None, Some(stored)) => stored,
        (None, None) => bail!(
            "the store at {} is new: give --base (e.g. --base https://data.example.tw/)",
            store.path().display()
        ),
    };
    UriPolicy::new(&base).context("--base")
}

struct StoreSink<'a>(GraphReplacement<'a>, Progress);

impl TripleSink for StoreSink<'_> {
    fn triple(&mut self, triple: jiyi_store::model::Triple) -> Result<(), SinkError> {
        self.1.quad();
        self.0.add(triple).map_err(Into::into)
    }
}

/// The outcome of `jiyi ingest`, printed as its summary: a published dataset, or a refusal
/// to load a dataset of access class 丙 (not an error: the steward declared it closed).
pub enum Outcome {
    /// The dataset graph was replaced.
    Published(Box<Summary>),
    /// Access class 丙: nothing was read and the store was not touched; the message says so.
    NotLoaded(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Published(summary) => summary.fmt(f),
            Self::NotLoaded(message) => write!(f, "not loaded: {message}"),
        }
    }
}

/// What a published ingest did.
pub struct Summary {
    pub run: IngestReport,
    pub stored: ReplaceReport,
    pub triples_maps: usize,
    /// The change log's view: resources created / updated / deleted, or unchanged.
    pub commit: DatasetCommit,
    /// The dataset's dumps after the run.
    pub dumps: Vec<DumpFile>,
    /// Whether the dumps were written by this run (else they were already current).
    pub dumps_written: bool,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.run.records;
        writeln!(
            f,
            "{}: {} records read, {} mapped, {} rejected, {} warnings ({} triples maps; a record counts once per triples map reading it)",
            self.run.dataset,
            r.records_read,
            r.records_mapped,
            r.records_rejected,
            r.warnings,
            self.triples_maps
        )?;
        write!(
            f,
            "  {} triples in <{}> (+{} −{}); access class {}",
            self.stored.triples,
            self.run.graph.as_str(),
            self.stored.added,
            self.stored.removed,
            self.run.access_class.label()
        )?;
        if self.commit.unchanged {
            write!(
                f,
                "\n  unchanged: no resource differs from the last run; nothing was written (the last run's provenance stays)"
            )?;
        } else {
            write!(f, "\n  resources: {}", self.commit.changes)?;
        }
        if self.commit.kept_out > 0 {
            write!(
                f,
                "\n  withdrawn: {} things in the source were left out (jiyi withdraw --thing … --restore publishes one again)",
                self.commit.kept_out
            )?;
        }
        for dump in &self.dumps {
            write!(
                f,
                "\n  dump{}: {} ({} triples, {} bytes, sha256 {})",
                if self.dumps_written {
                    ""
                } else {
                    " (unchanged)"
                },
                dump.path.display(),
                dump.triples,
                dump.bytes,
                dump.sha256
            )?;
        }
        if self.run.links.is_empty() {
            write!(
                f,
                "\n  links: none to Wikidata, GeoNames or the Getty vocabularies"
            )?;
        } else {
            let links: Vec<String> = self
                .run
                .links
                .iter()
                .map(|(target, n)| format!("{target} {n}"))
                .collect();
            write!(f, "\n  links: {}", links.join(", "))?;
        }
        if self.run.graph_map_quads > 0 {
            write!(
                f,
                "\n  note: {} quads named a graph in the mapping; a dataset is published as one graph, so they are in <{}>",
                self.run.graph_map_quads,
                self.run.graph.as_str()
            )?;
        }
        for (field, records) in &self.run.withheld {
            write!(
                f,
                "\n  de-identified: {field} withheld in {records} records (before mapping)"
            )?;
        }
        if let Some(rejects) = &self.run.rejects_file {
            let what = match (r.records_rejected > 0, r.warnings > 0) {
                (true, true) => "rejected records and warnings are",
                (false, true) => "warnings (records published without a term) are",
                _ => "rejected records are",
            };
            write!(f, "\n  {what} listed in {}", rejects.display())?;
        }
        Ok(())
    }
}

/// Runs one mapping into its dataset graph. The mapping is validated before the store is
/// touched; if the run fails, the replacement is dropped and nothing changes.
pub fn ingest(
    store: &Store,
    policy: &UriPolicy,
    mapping: &Path,
    dataset: Option<&str>,
    rejects: Option<&Path>,
) -> Result<Outcome> {
    ingest_from(store, policy, mapping, dataset, rejects, None)
}

/// [`ingest`], reading `input` instead of the mapping's own source when given.
pub fn ingest_from(
    store: &Store,
    policy: &UriPolicy,
    mapping: &Path,
    dataset: Option<&str>,
    rejects: Option<&Path>,
    input: Option<&Path>,
) -> Result<Outcome> {
    let mut prepared = match PreparedIngest::new(mapping, policy.clone(), dataset) {
        Ok(prepared) => prepared,
        Err(e @ IngestError::NotOpen { .. }) => return Ok(Outcome::NotLoaded(e.to_string())),
        Err(e) => return Err(e.into()),
    };
    if let Some(input) = input {
        prepared = prepared
            .with_input(input)
            .with_context(|| format!("reading {} instead", input.display()))?;
    }
    let rejects = rejects.map_or_else(
        || Path::new(&format!("{}.rejects.jsonl", prepared.dataset_name())).to_owned(),
        Path::to_owned,
    );
    let scope = DatasetScope::new(policy, prepared.dataset_name())?;
    let replacement = match store.replace_dataset(&scope) {
        Ok(replacement) => replacement,
        Err(e @ StoreError::DatasetWithdrawn { .. }) => {
            return Ok(Outcome::NotLoaded(e.to_string()));
        }
        Err(e) => return Err(e.into()),
    };
    let mut sink = StoreSink(replacement, Progress::new(prepared.dataset_name()));
    let run = prepared.run(&rejects, &mut sink);
    sink.1.finish();
    let run =
        run.with_context(|| format!("ingesting {}; nothing was changed", mapping.display()))?;
    let commit = sink
        .0
        .commit_with_changes(&ChangeCause::run(run.run.clone(), run.ended))?;
    // Dumps follow the graph: rewritten when it changed (or a file is missing), else left
    // byte for byte as they are.
    let dumps_written = !commit.unchanged || !store.dumps_current(&scope)?;
    let dumps = if dumps_written {
        store
            .publish_dumps(&scope)
            .with_context(|| format!("writing the dumps of {}", scope.name()))?
    } else {
        jiyi_store::DumpFormat::ALL
            .into_iter()
            .filter_map(|format| store.dump_file(scope.name(), format).transpose())
            .collect::<Result<_, _>>()?
    };
    Ok(Outcome::Published(Box::new(Summary {
        run,
        stored: commit.stored,
        triples_maps: prepared.triples_maps(),
        commit,
        dumps,
        dumps_written,
    })))
}
