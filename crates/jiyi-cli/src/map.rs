//! `jiyi map`: run RML mappings to an RDF file without a store — for checking a mapping, for
//! other triple stores, and for benchmarking the engine alone.
//!
//! Output is streamed on two threads: this one maps and hands quads in bounded batches (in
//! order) to a writer thread, which does the run-wide deduplication (`--dedup run`) and the
//! writing, so the output is byte for byte that of a single-threaded run. N-Quads is
//! serialized here, straight from the quads the engine lends (`write_nquad`, tested to
//! equal oxrdfio's bytes), and the writer deduplicates the lines: an N-Quads line is a
//! canonical form of its quad, and no quad is ever copied. Other syntaxes go as owned quads
//! through oxrdfio's serializer on the writer thread. A
//! file output is written to a temporary file beside it and renamed only when the run
//! succeeds, so a failed run never leaves a half-written file that looks complete (standard
//! output cannot be taken back; a failed run there exits non-zero).

use crate::progress::Progress;
use anyhow::{Context, Result, bail};
use jiyi_ingest::RejectsWriter;
use jiyi_rml::{
    Deduplication, LoadOptions, Mapping, QuadSet, QuadSink, Reject, RunOptions, RunSummary,
    SinkError, Warning,
};
use oxrdf::vocab::xsd;
use oxrdf::{
    BlankNodeRef, GraphNameRef, NamedNodeRef, NamedOrBlankNodeRef, Quad, QuadRef, TermRef,
};
use oxrdfio::{RdfFormat, RdfSerializer};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
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
    /// Where to list rejected records and warnings (JSON lines); default `<out>.rejects.jsonl`, or
    /// `rejects.jsonl` when writing to standard output.
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// Duplicate elimination: `run` writes every quad once (exact; ~32 bytes of memory per
    /// distinct quad), `record` only within a record (memory stays flat however large the
    /// input; RDF readers treat the output as a set anyway).
    #[arg(long, value_enum, default_value_t = Dedup::Run)]
    dedup: Dedup,
    /// Read this file or folder instead of the source each mapping names (for mappings
    /// whose logical sources all read one path).
    #[arg(long)]
    input: Option<PathBuf>,
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

/// How many quads go to the writer thread at once: enough to make the channel's cost
/// negligible, small enough that the two threads overlap from the start.
const BATCH: usize = 4096;

/// How many bytes of N-Quads lines go to the writer thread at once (the same idea; waking
/// the writer costs ~0.3 ms in a VM, measured at 7 % of the mapping thread's time with
/// 512 KiB batches and 4 % with 2 MiB ones).
const BATCH_BYTES: usize = 1 << 23;

/// How many batches may wait for the writer thread; bounds the memory of the pipeline.
const QUEUED_BATCHES: usize = 3;

/// What goes to the writer thread at once.
enum Batch {
    /// N-Quads lines and where each ends.
    Lines(Vec<u8>, Vec<usize>),
    /// Quads for a syntax that is serialized on the writer thread.
    Quads(Vec<Quad>),
}

/// Hands quads, in batches, to the writer thread, and writes rejects as they come.
struct FileSink {
    /// Whether quads are serialized here as N-Quads lines (else kept as owned quads).
    lines: bool,
    /// Line buffers the writer has emptied, to be filled again: a fresh buffer per batch
    /// would cost a page fault per 4 KiB of output.
    recycled: Receiver<(Vec<u8>, Vec<usize>)>,
    line_batch: Vec<u8>,
    line_ends: Vec<usize>,
    quad_batch: Vec<Quad>,
    /// Quads in the current batch.
    batched: usize,
    to_writer: SyncSender<Batch>,
    triples_only: bool,
    rejects: RejectsWriter,
    progress: Progress,
    /// Quads handed to the writer (before its run-wide deduplication).
    sent: u64,
}

impl FileSink {
    fn send_batch(&mut self) -> Result<(), SinkError> {
        if self.batched == 0 {
            return Ok(());
        }
        let batch = if self.lines {
            let (lines, ends) = self.recycled.try_recv().unwrap_or_else(|_| {
                (
                    Vec::with_capacity(BATCH_BYTES + (1 << 16)),
                    Vec::with_capacity(BATCH),
                )
            });
            Batch::Lines(
                std::mem::replace(&mut self.line_batch, lines),
                std::mem::replace(&mut self.line_ends, ends),
            )
        } else {
            Batch::Quads(std::mem::replace(
                &mut self.quad_batch,
                Vec::with_capacity(BATCH),
            ))
        };
        self.batched = 0;
        self.to_writer
            .send(batch)
            .map_err(|_| "the output writer stopped".into())
    }
}

impl QuadSink for FileSink {
    fn quad(&mut self, quad: QuadRef<'_>) -> Result<(), SinkError> {
        if self.triples_only && !quad.graph_name.is_default_graph() {
            return Err(format!(
                "the mapping puts triples in the named graph {}; N-Triples and Turtle have no graphs: write .nq or .trig",
                quad.graph_name
            )
            .into());
        }
        if self.lines {
            write_nquad(&mut self.line_batch, quad);
            self.line_ends.push(self.line_batch.len());
        } else {
            self.quad_batch.push(quad.into_owned());
        }
        self.batched += 1;
        self.sent += 1;
        if self.batched >= BATCH && (!self.lines || self.line_batch.len() >= BATCH_BYTES) {
            self.send_batch()?;
        }
        self.progress.quad();
        Ok(())
    }

    fn reject(&mut self, reject: Reject) -> Result<(), SinkError> {
        self.rejects.write(&reject)?;
        self.progress.reject();
        Ok(())
    }

    fn warning(&mut self, warning: Warning) -> Result<(), SinkError> {
        self.rejects.write_warning(&warning)?;
        Ok(())
    }
}

/// The writer thread: run-wide duplicate elimination (when asked) and writing of the
/// batches in the order they were sent, so the output is the same as a single-threaded run.
/// Returns the writer and the number of quads written.
fn write_batches<W: Write + Send>(
    batches: Receiver<Batch>,
    recycle: SyncSender<(Vec<u8>, Vec<usize>)>,
    format: RdfFormat,
    out: W,
    deduplicate: bool,
) -> Result<(W, u64)> {
    if format == RdfFormat::NQuads {
        return if deduplicate {
            deduplicate_lines(batches, recycle, out)
        } else {
            write_lines(batches, recycle, out)
        };
    }
    let mut seen = deduplicate.then(QuadSet::new);
    let mut written: u64 = 0;
    let mut serializer = RdfSerializer::from_format(format).for_writer(out);
    for batch in batches {
        let Batch::Quads(quads) = batch else {
            continue;
        };
        for quad in &quads {
            if seen.as_mut().is_none_or(|seen| seen.insert(quad.as_ref())) {
                serializer.serialize_quad(quad)?;
                written += 1;
            }
        }
    }
    let out = serializer.finish().context("finishing the output")?;
    Ok((out, written))
}

/// Writes N-Quads line batches as they come (`--dedup record`).
fn write_lines<W: Write>(
    batches: Receiver<Batch>,
    recycle: SyncSender<(Vec<u8>, Vec<usize>)>,
    mut out: W,
) -> Result<(W, u64)> {
    let mut written: u64 = 0;
    for batch in batches {
        let Batch::Lines(mut lines, mut ends) = batch else {
            continue;
        };
        out.write_all(&lines)?;
        written += ends.len() as u64;
        lines.clear();
        ends.clear();
        // The mapping thread may have enough buffers already; then this one is dropped.
        let _ = recycle.try_send((lines, ends));
    }
    Ok((out, written))
}

/// Removes N-Quads lines seen before in the run and hands the rest to a thread of its own
/// that writes them: with both on one thread, the set's cache misses and the kernel's
/// copying into the page cache were each waiting for the other, and the mapping thread
/// for both. A batch is passed on as it is when all its lines are new (the usual case) and
/// compacted in place otherwise, so no line is copied into another buffer; the output thread
/// gives emptied buffers back to the mapping thread.
fn deduplicate_lines<W: Write + Send>(
    batches: Receiver<Batch>,
    recycle: SyncSender<(Vec<u8>, Vec<usize>)>,
    out: W,
) -> Result<(W, u64)> {
    let mut seen = QuadSet::new();
    let mut written: u64 = 0;
    let mut new = Vec::with_capacity(BATCH);
    let (to_output, kept_batches) = sync_channel::<(Vec<u8>, Vec<usize>)>(2);
    std::thread::scope(|scope| {
        let output = scope.spawn(move || -> std::io::Result<W> {
            let mut out = out;
            for (mut lines, mut ends) in kept_batches {
                out.write_all(&lines)?;
                lines.clear();
                ends.clear();
                // The mapping thread may have enough buffers already; then this one is dropped.
                let _ = recycle.try_send((lines, ends));
            }
            Ok(out)
        });
        for batch in batches {
            let Batch::Lines(mut lines, ends) = batch else {
                continue;
            };
            let starts = std::iter::once(0).chain(ends.iter().copied());
            seen.insert_all_serialized(
                starts
                    .clone()
                    .zip(&ends)
                    .map(|(start, &end)| lines.get(start..end).unwrap_or_default()),
                &mut new,
            );
            let kept = new.iter().filter(|new| **new).count();
            if kept < ends.len() {
                keep_new_lines(&mut lines, &ends, &new);
            }
            written += kept as u64;
            if to_output.send((lines, ends)).is_err() {
                // The output thread stopped on an error, reported below.
                break;
            }
        }
        drop(to_output);
        let out = output
            .join()
            .map_err(|_| anyhow::anyhow!("the output thread panicked"))??;
        Ok((out, written))
    })
}

/// Moves the lines flagged new to the front of `lines`, in order, and drops the rest.
fn keep_new_lines(lines: &mut Vec<u8>, ends: &[usize], new: &[bool]) {
    let mut write = 0;
    let mut start = 0;
    for (&end, &keep) in ends.iter().zip(new) {
        if keep {
            if start != write {
                lines.copy_within(start..end, write);
            }
            write += end - start;
        }
        start = end;
    }
    lines.truncate(write);
}

/// Appends one quad as an N-Quads line, byte for byte what oxrdfio's N-Quads serializer
/// writes (`{quad} .` through oxrdf's `Display`, whose literal escaping `write_quoted`
/// copies; the test below compares the two on every kind of term and every escaped
/// character), without going through `fmt`.
fn write_nquad(out: &mut Vec<u8>, quad: QuadRef<'_>) {
    match quad.subject {
        NamedOrBlankNodeRef::NamedNode(n) => write_iri(out, n),
        NamedOrBlankNodeRef::BlankNode(b) => write_blank(out, b),
    }
    out.push(b' ');
    write_iri(out, quad.predicate);
    out.push(b' ');
    match quad.object {
        TermRef::NamedNode(n) => write_iri(out, n),
        TermRef::BlankNode(b) => write_blank(out, b),
        TermRef::Literal(l) => {
            write_quoted(out, l.value());
            if let Some(language) = l.language() {
                out.push(b'@');
                out.extend_from_slice(language.as_bytes());
            } else if l.datatype() != xsd::STRING {
                out.extend_from_slice(b"^^");
                write_iri(out, l.datatype());
            }
        }
    }
    match quad.graph_name {
        GraphNameRef::DefaultGraph => {}
        GraphNameRef::NamedNode(n) => {
            out.push(b' ');
            write_iri(out, n);
        }
        GraphNameRef::BlankNode(b) => {
            out.push(b' ');
            write_blank(out, b);
        }
    }
    out.extend_from_slice(b" .\n");
}

fn write_iri(out: &mut Vec<u8>, iri: NamedNodeRef<'_>) {
    out.push(b'<');
    out.extend_from_slice(iri.as_str().as_bytes());
    out.push(b'>');
}

fn write_blank(out: &mut Vec<u8>, node: BlankNodeRef<'_>) {
    out.extend_from_slice(b"_:");
    out.extend_from_slice(node.as_str().as_bytes());
}

/// oxrdf's `print_quoted_str`: `\b \t \n \f \r \" \\` escaped by name, other C0
/// controls, DEL, U+FFFE and U+FFFF as `\uXXXX` (upper-case hex), the rest as is.
fn write_quoted(out: &mut Vec<u8>, value: &str) {
    out.push(b'"');
    // One pass over the bytes; 0xEF leads U+FFFE and U+FFFF (and other characters, which the
    // careful path below writes as they are).
    let plain = value
        .bytes()
        .all(|b| b >= 0x20 && b != b'"' && b != b'\\' && b != 0x7F && b != 0xEF);
    if plain {
        out.extend_from_slice(value.as_bytes());
    } else {
        let mut utf8 = [0_u8; 4];
        for c in value.chars() {
            match c {
                '\u{8}' => out.extend_from_slice(b"\\b"),
                '\t' => out.extend_from_slice(b"\\t"),
                '\n' => out.extend_from_slice(b"\\n"),
                '\u{C}' => out.extend_from_slice(b"\\f"),
                '\r' => out.extend_from_slice(b"\\r"),
                '"' => out.extend_from_slice(b"\\\""),
                '\\' => out.extend_from_slice(b"\\\\"),
                '\0'..='\u{1F}' | '\u{7F}' | '\u{FFFE}' | '\u{FFFF}' => {
                    out.extend_from_slice(format!("\\u{:04X}", u32::from(c)).as_bytes());
                }
                _ => out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes()),
            }
        }
    }
    out.push(b'"');
}

pub fn run(args: Args) -> Result<()> {
    let format = format_for(&args)?;
    // Parse every mapping before writing anything: a malformed mapping fails with no output.
    // The same functions as an ingest (dates and the rest), so a mapping maps alike with
    // and without a store.
    let options = LoadOptions {
        functions: Some(std::sync::Arc::new(jiyi_ingest::functions())),
        input: args.input.clone(),
        ..LoadOptions::default()
    };
    let mappings = args
        .mapping
        .iter()
        .map(|path| Mapping::from_file_with(path, &options).map(|m| (path, m)))
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
        // Filled per mapping in `map_into` from its de-identification rules.
        redactions: Vec::new(),
    };
    let started = Instant::now();
    let (total, rejects_file) = if to_stdout {
        let out = BufWriter::with_capacity(1 << 16, std::io::stdout());
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
        "mapped {} records ({} rejected, {} warnings{}) into {} quads in {:.2} s ({:.0} quads/s){}",
        total.records_read,
        total.records_rejected,
        total.warnings,
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

fn map_all<W: Write + Send>(
    mappings: &[(&PathBuf, Mapping)],
    options: &RunOptions,
    format: RdfFormat,
    out: W,
    rejects_path: &Path,
) -> Result<Mapped<W>> {
    // Run-wide deduplication of the quads for --out moves to the writer thread with the
    // serializer, so mapping (this thread) and writing run on two cores; the engine keeps
    // deduplicating logical-target quads and within records.
    let writer_deduplicates = options.deduplicate == Deduplication::Run;
    let mut options = options.clone();
    if writer_deduplicates {
        options.deduplicate = Deduplication::SinkDeduplicates;
    }
    let (to_writer, batches) = sync_channel(QUEUED_BATCHES);
    let (recycle, recycled) = sync_channel(QUEUED_BATCHES + 2);
    std::thread::scope(|scope| {
        let writer =
            scope.spawn(move || write_batches(batches, recycle, format, out, writer_deduplicates));
        let lines = format == RdfFormat::NQuads;
        let mut sink = FileSink {
            lines,
            recycled,
            line_batch: Vec::with_capacity(if lines { BATCH_BYTES + (1 << 16) } else { 0 }),
            line_ends: Vec::with_capacity(if lines { BATCH } else { 0 }),
            quad_batch: Vec::with_capacity(if lines { 0 } else { BATCH }),
            batched: 0,
            to_writer,
            triples_only: matches!(format, RdfFormat::NTriples | RdfFormat::Turtle),
            rejects: RejectsWriter::new(rejects_path),
            progress: Progress::new("jiyi map"),
            sent: 0,
        };
        let mapped = map_into(mappings, &options, &mut sink).and_then(|total| {
            sink.send_batch()
                .map_err(|e| anyhow::anyhow!(e))
                .map(|()| total)
        });
        sink.progress.finish();
        let FileSink {
            to_writer,
            rejects,
            sent,
            ..
        } = sink;
        // Closing the channel ends the writer's loop.
        drop(to_writer);
        let written = writer
            .join()
            .map_err(|_| anyhow::anyhow!("the output writer panicked"))?;
        // A writer error (disk full) explains a mapping error ("the writer stopped").
        let (out, written) = written?;
        let mut total = mapped?;
        // The engine counted quads handed to the sink; the writer knows how many of them
        // were distinct.
        total.quads_written = total.quads_written.saturating_sub(sent) + written;
        let rejects = rejects.finish()?;
        Ok((total, rejects, out))
    })
}

fn map_into(
    mappings: &[(&PathBuf, Mapping)],
    options: &RunOptions,
    sink: &mut FileSink,
) -> Result<RunSummary> {
    let mut total = RunSummary::default();
    for (path, mapping) in mappings {
        // A mapping's de-identification rules hold without a store too: `jiyi map` output
        // must not carry what an ingest would withhold.
        let options = RunOptions {
            redactions: jiyi_ingest::deidentify::rules_from_mapping_file(path)?
                .iter()
                .map(jiyi_ingest::deidentify::Rule::redaction)
                .collect(),
            ..options.clone()
        };
        let summary = jiyi_rml::run(mapping, &options, sink)
            .with_context(|| format!("running {}", path.display()))?;
        total.records_read += summary.records_read;
        total.records_mapped += summary.records_mapped;
        total.records_rejected += summary.records_rejected;
        total.quads_written += summary.quads_written;
        total.warnings += summary.warnings;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::{BlankNode, GraphName, Literal, NamedNode, Term};

    #[test]
    fn keeping_new_lines_keeps_them_in_order_and_drops_the_rest() {
        let text = ["a\n", "bb\n", "ccc\n", "dd\n", "e\n"];
        let mut ends = Vec::new();
        let mut lines = Vec::new();
        for line in text {
            lines.extend_from_slice(line.as_bytes());
            ends.push(lines.len());
        }
        for mask in 0_u32..32 {
            let new: Vec<bool> = (0..text.len()).map(|i| mask & (1 << i) != 0).collect();
            let mut kept = lines.clone();
            keep_new_lines(&mut kept, &ends, &new);
            let expected: String = text
                .iter()
                .zip(&new)
                .filter(|(_, new)| **new)
                .map(|(line, _)| *line)
                .collect();
            assert_eq!(
                String::from_utf8(kept).expect("lines stay UTF-8"),
                expected,
                "mask {mask:05b}"
            );
        }
    }

    #[test]
    fn nquads_lines_match_oxrdfio() {
        let mut tricky: String = (0_u32..0x80).filter_map(char::from_u32).collect();
        tricky.push_str("\u{FFFE}\u{FFFF}\u{FFFD}器物 Zoë \u{10FFFF}\u{85}\u{2028}");
        let literals = [
            Literal::new_simple_literal(""),
            Literal::new_simple_literal("plain"),
            Literal::new_simple_literal(tricky.clone()),
            Literal::new_language_tagged_literal_unchecked(tricky.clone(), "zh-hant"),
            Literal::new_typed_literal("1.5", NamedNode::new_unchecked(xsd::DECIMAL.as_str())),
            Literal::new_typed_literal("s", NamedNode::new_unchecked(xsd::STRING.as_str())),
            Literal::new_typed_literal(tricky, NamedNode::new_unchecked("http://example.com/dt")),
        ];
        let iri = NamedNode::new_unchecked("https://data.example.tw/id/object/器物-001");
        let blank = BlankNode::new_unchecked("b_20x");
        let mut objects: Vec<Term> = literals.into_iter().map(Term::from).collect();
        objects.push(iri.clone().into());
        objects.push(blank.clone().into());
        let graphs = [
            GraphName::DefaultGraph,
            iri.clone().into(),
            blank.clone().into(),
        ];
        let subjects: [oxrdf::NamedOrBlankNode; 2] = [iri.clone().into(), blank.into()];
        let mut quads = Vec::new();
        for subject in &subjects {
            for object in &objects {
                for graph in &graphs {
                    quads.push(Quad::new(
                        subject.clone(),
                        iri.clone(),
                        object.clone(),
                        graph.clone(),
                    ));
                }
            }
        }
        let mut serializer = RdfSerializer::from_format(RdfFormat::NQuads).for_writer(Vec::new());
        let mut ours = Vec::new();
        for quad in &quads {
            serializer.serialize_quad(quad).expect("writing to memory");
            write_nquad(&mut ours, quad.as_ref());
        }
        let theirs = serializer.finish().expect("writing to memory");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs)
        );
        assert_eq!(ours, theirs);
    }
}
