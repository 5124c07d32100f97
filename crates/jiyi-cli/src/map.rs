//! `jiyi map`: run RML mappings to an RDF file without a store — for checking a mapping, for
//! other triple stores, and for benchmarking the engine alone.
//!
//! Output is streamed: quads go through a buffered serializer as the engine produces them. A
//! file output is written to a temporary file beside it and renamed only when the run
//! succeeds, so a failed run never leaves a half-written file that looks complete (standard
//! output cannot be taken back; a failed run there exits non-zero).

use crate::progress::Progress;
use anyhow::{Context, Result, bail};
use jiyi_ingest::RejectsWriter;
use jiyi_rml::{Deduplication, Mapping, QuadSink, Reject, RunOptions, RunSummary, SinkError};
use oxrdf::Quad;
use oxrdfio::{RdfFormat, RdfSerializer, WriterQuadSerializer};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options of `jiyi map`.
#[derive(clap::Args)]
pub struct Args {
    /// RML mapping (Turtle); repeat to run several into one output.
    #[arg(long, required = true)]
    mapping: Vec<PathBuf>,
    /// Output file: .nq, .nt, .ttl or .trig decides the syntax; `-` writes N-Quads to
    /// standard output.
    #[arg(long)]
    out: PathBuf,
    /// Syntax, overriding the extension: nquads, ntriples, turtle or trig.
    #[arg(long)]
    format: Option<String>,
    /// Base IRI that relative IRIs in the mappings' templates are appended to (unless a
    /// triples map declares rml:baseIRI).
    #[arg(long)]
    base: Option<String>,
    /// Where to list rejected records (JSON lines); default `<out>.rejects.jsonl`, or
    /// `rejects.jsonl` when writing to standard output.
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// Duplicate elimination: `run` writes every quad once (exact; ~32 bytes of memory per
    /// distinct quad), `record` only within a record (memory stays flat however large the
    /// input; RDF readers treat the output as a set anyway).
    #[arg(long, value_enum, default_value_t = Dedup::Run)]
    dedup: Dedup,
}

/// `--dedup` values.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Dedup {
    Run,
    Record,
}

fn format_for(args: &Args) -> Result<RdfFormat> {
    let name = match &args.format {
        Some(f) => f.to_ascii_lowercase(),
        None if args.out.as_os_str() == "-" => "nquads".to_owned(),
        None => args
            .out
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase(),
    };
    Ok(match name.as_str() {
        "nq" | "nquads" | "n-quads" => RdfFormat::NQuads,
        "nt" | "ntriples" | "n-triples" => RdfFormat::NTriples,
        "ttl" | "turtle" => RdfFormat::Turtle,
        "trig" => RdfFormat::TriG,
        other => bail!(
            "cannot tell the output syntax from {other:?}: use an .nq, .nt, .ttl or .trig file or --format"
        ),
    })
}

/// Serializes quads as they come and writes rejects as they come.
struct FileSink<W: Write> {
    serializer: WriterQuadSerializer<W>,
    triples_only: bool,
    rejects: RejectsWriter,
    progress: Progress,
}

impl<W: Write> QuadSink for FileSink<W> {
    fn quad(&mut self, quad: Quad) -> Result<(), SinkError> {
        if self.triples_only && !quad.graph_name.is_default_graph() {
            return Err(format!(
                "the mapping puts triples in the named graph {}; N-Triples and Turtle have no graphs: write .nq or .trig",
                quad.graph_name
            )
            .into());
        }
        self.serializer.serialize_quad(&quad)?;
        self.progress.quad();
        Ok(())
    }

    fn reject(&mut self, reject: Reject) -> Result<(), SinkError> {
        self.rejects.write(&reject)?;
        self.progress.reject();
        Ok(())
    }
}

pub fn run(args: Args) -> Result<()> {
    let format = format_for(&args)?;
    // Parse every mapping before writing anything: a malformed mapping fails with no output.
    let mappings = args
        .mapping
        .iter()
        .map(|path| Mapping::from_file(path).map(|m| (path, m)))
        .collect::<Result<Vec<_>, _>>()?;
    let to_stdout = args.out.as_os_str() == "-";
    let rejects_path = args.rejects.clone().unwrap_or_else(|| {
        if to_stdout {
            PathBuf::from("rejects.jsonl")
        } else {
            let mut p = args.out.clone().into_os_string();
            p.push(".rejects.jsonl");
            PathBuf::from(p)
        }
    });
    let options = RunOptions {
        base_iri: args.base.clone(),
        // A mapping's own rml:logicalTarget files are written, as RML-IO says; the rest
        // goes to --out.
        write_logical_targets: true,
        deduplicate: match args.dedup {
            Dedup::Run => Deduplication::Run,
            Dedup::Record => Deduplication::Record,
        },
    };
    let started = Instant::now();
    let (total, rejects_file) = if to_stdout {
        let out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let (total, rejects, out) = map_all(&mappings, &options, format, out, &rejects_path)?;
        out.into_inner()
            .map_err(|e| e.into_error())
            .context("writing standard output")?
            .flush()?;
        (total, rejects)
    } else {
        let dir = args
            .out
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let temp = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
        let out = BufWriter::with_capacity(1 << 20, temp);
        let (total, rejects, out) = map_all(&mappings, &options, format, out, &rejects_path)?;
        let temp = out
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("writing {}", args.out.display()))?;
        temp.persist(&args.out)
            .with_context(|| format!("writing {}", args.out.display()))?;
        (total, rejects)
    };
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "mapped {} records ({} rejected{}) into {} quads in {:.2} s ({:.0} quads/s){}",
        total.records_read,
        total.records_rejected,
        rejects_file
            .as_ref()
            .map(|p| format!(", listed in {}", p.display()))
            .unwrap_or_default(),
        total.quads_written,
        seconds,
        total.quads_written as f64 / seconds.max(1e-9),
        if to_stdout {
            String::new()
        } else {
            format!(" → {}", args.out.display())
        }
    );
    Ok(())
}

type Mapped<W> = (RunSummary, Option<PathBuf>, W);

fn map_all<W: Write>(
    mappings: &[(&PathBuf, Mapping)],
    options: &RunOptions,
    format: RdfFormat,
    out: W,
    rejects_path: &Path,
) -> Result<Mapped<W>> {
    let mut sink = FileSink {
        serializer: RdfSerializer::from_format(format).for_writer(out),
        triples_only: matches!(format, RdfFormat::NTriples | RdfFormat::Turtle),
        rejects: RejectsWriter::new(rejects_path),
        progress: Progress::new("jiyi map"),
    };
    let mut total = RunSummary::default();
    for (path, mapping) in mappings {
        let summary = jiyi_rml::run(mapping, options, &mut sink)
            .with_context(|| format!("running {}", path.display()))?;
        total.records_read += summary.records_read;
        total.records_mapped += summary.records_mapped;
        total.records_rejected += summary.records_rejected;
        total.quads_written += summary.quads_written;
    }
    sink.progress.finish();
    let out = sink.serializer.finish().context("finishing the output")?;
    let rejects = sink.rejects.finish()?;
    Ok((total, rejects, out))
}
