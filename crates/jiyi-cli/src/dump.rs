//! `jiyi dump`: one dataset graph streamed from the store to a file or stdout.

use anyhow::{Context, Result, bail};
use jiyi_model::UriPolicy;
use jiyi_store::{DumpFormat, Store};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Options of `jiyi dump`.
#[derive(clap::Args)]
pub struct Args {
    /// Store directory.
    #[arg(long)]
    store: PathBuf,
    /// Dataset name (its graph is `{base}graph/NAME`).
    #[arg(long)]
    dataset: String,
    /// Output file: `.nq` / `.nq.gz` (N-Quads), `.ttl` / `.ttl.gz` (Turtle); `-` for stdout.
    #[arg(long)]
    out: PathBuf,
    /// Syntax, when the file name does not say (stdout: N-Quads by default).
    #[arg(long, value_parser = ["nq", "ttl"])]
    format: Option<String>,
}

pub fn run(args: Args) -> Result<()> {
    if !args.store.is_dir() {
        bail!("no store at {}", args.store.display());
    }
    let store = Store::open(&args.store)
        .with_context(|| format!("opening store {}", args.store.display()))?;
    let Some(base) = store.base_iri()? else {
        bail!("the store at {} holds no dataset", args.store.display());
    };
    let policy = UriPolicy::new(&base)?;
    let graph = policy.dataset_graph(&args.dataset)?;
    if !store.published_graphs()?.contains(&graph) {
        let names: Vec<String> = store
            .published_graphs()?
            .iter()
            .filter_map(|g| policy.dataset_of_graph(g.as_str()).map(str::to_owned))
            .collect();
        bail!(
            "no published dataset {:?} in {} (datasets: {})",
            args.dataset,
            args.store.display(),
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        );
    }
    let stdout = args.out == Path::new("-");
    let (format, gzip) = match (args.format.as_deref(), DumpFormat::from_path(&args.out)) {
        (Some("ttl"), found) => (DumpFormat::Turtle, found.is_some_and(|(_, gz)| gz)),
        (Some(_), found) => (DumpFormat::NQuads, found.is_some_and(|(_, gz)| gz)),
        (None, Some(found)) => found,
        (None, None) if stdout => (DumpFormat::NQuads, false),
        (None, None) => bail!(
            "{}: say the syntax with the extension (.nq, .nq.gz, .ttl, .ttl.gz) or --format",
            args.out.display()
        ),
    };
    if stdout {
        let out = BufWriter::new(std::io::stdout().lock());
        match write(&store, graph.as_ref(), format, gzip, out, &args.out) {
            // A reader that stops early (`| head`) is not an error of the dump.
            Err(e) if is_broken_pipe(&e) => return Ok(()),
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        return Ok(());
    }
    // Written next to the target and renamed, so the file is never half a dump.
    let dir = args
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temporary = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    let file = temporary.reopen()?;
    let triples = write(
        &store,
        graph.as_ref(),
        format,
        gzip,
        BufWriter::new(file),
        &args.out,
    )?;
    temporary
        .persist(&args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "{}: {triples} triples written to {}",
        args.dataset,
        args.out.display()
    );
    Ok(())
}

fn write<W: Write>(
    store: &Store,
    graph: jiyi_store::model::NamedNodeRef<'_>,
    format: DumpFormat,
    gzip: bool,
    out: W,
    label: &Path,
) -> Result<u64> {
    let triples = if gzip {
        let encoder = flate2::write::GzEncoder::new(out, flate2::Compression::default());
        let (triples, encoder) = store.write_dump(graph, format, encoder, label)?;
        encoder.finish()?.flush()?;
        triples
    } else {
        let (triples, mut out) = store.write_dump(graph, format, out, label)?;
        out.flush()?;
        triples
    };
    Ok(triples)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
