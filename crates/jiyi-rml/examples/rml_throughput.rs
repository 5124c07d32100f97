//! A simple throughput check: generates a CSV of museum-object rows, maps it with a
//! mapping of the shape the demo data uses (templates, a language-tagged literal, a typed
//! literal, a class) to N-Quads in a file, and prints rows and quads per second and the
//! process's peak memory. Not a benchmark against another engine (that lives elsewhere), a
//! quick way to see whether a change made the engine slower or memory grow with input.
//!
//! `cargo run --release -p jiyi-rml --example rml_throughput -- [ROWS] [run|record]`
//! (default 1 000 000 rows, exact run-wide deduplication).

use jiyi_rml::{Deduplication, Mapping, QuadSink, Reject, RunOptions, SinkError, run};
use oxrdf::QuadRef;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

struct NQuadsFile<W: Write> {
    out: W,
    rejects: u64,
}

impl<W: Write> QuadSink for NQuadsFile<W> {
    fn quad(&mut self, quad: QuadRef<'_>) -> Result<(), SinkError> {
        writeln!(self.out, "{quad} .")?;
        Ok(())
    }

    fn reject(&mut self, _reject: Reject) -> Result<(), SinkError> {
        self.rejects += 1;
        Ok(())
    }
}

const MAPPING: &str = r#"@prefix rml: <http://w3id.org/rml/> .
@prefix ex: <http://example.com/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<#Objects> rml:logicalSource [ rml:source [ a rml:RelativePathSource; rml:root rml:MappingDirectory;
    rml:path "objects.csv" ]; rml:referenceFormulation rml:CSV ];
  rml:subjectMap [ rml:template "id/object/{id}"; rml:class ex:Object ];
  rml:predicateObjectMap [ rml:predicate ex:title; rml:objectMap [ rml:reference "title"; rml:language "zh-Hant" ] ];
  rml:predicateObjectMap [ rml:predicate ex:year; rml:objectMap [ rml:reference "year"; rml:datatype xsd:gYear ] ];
  rml:predicateObjectMap [ rml:predicate ex:material; rml:objectMap [ rml:template "id/concept/material/{material}" ] ];
  rml:predicateObjectMap [ rml:predicate ex:dimensions; rml:objectMap [ rml:reference "dimensions" ] ] .
"#;

/// Peak resident memory of this process in KiB (Linux), if known.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let rows: u64 = args
        .next()
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let deduplicate = match args.next().as_deref() {
        Some("record") => Deduplication::Record,
        _ => Deduplication::Run,
    };
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("cannot create a temporary directory: {e}");
            return ExitCode::FAILURE;
        }
    };
    let materials = ["瓷", "玉", "銅", "紙", "絹"];
    let generate = || -> std::io::Result<()> {
        let mut csv = BufWriter::new(std::fs::File::create(dir.path().join("objects.csv"))?);
        writeln!(csv, "id,title,year,material,dimensions")?;
        for i in 0..rows {
            writeln!(
                csv,
                "故-{i:08},\"青花纏枝蓮紋瓶, 第{i}號\",{},{},\"縱{}公分\"",
                1400 + i % 600,
                materials[(i % 5) as usize],
                10 + i % 90
            )?;
        }
        csv.flush()?;
        std::fs::write(dir.path().join("mapping.ttl"), MAPPING)
    };
    if let Err(e) = generate() {
        eprintln!("cannot write the input: {e}");
        return ExitCode::FAILURE;
    }
    let out_path = dir.path().join("out.nq");
    let started = Instant::now();
    let outcome = Mapping::from_file(&dir.path().join("mapping.ttl")).and_then(|mapping| {
        let file =
            std::fs::File::create(&out_path).map_err(|e| jiyi_rml::RmlError::Sink(e.into()))?;
        let mut sink = NQuadsFile {
            out: BufWriter::with_capacity(1 << 20, file),
            rejects: 0,
        };
        let options = RunOptions {
            base_iri: Some("https://data.example.tw/".into()),
            deduplicate,
            ..RunOptions::default()
        };
        let summary = run(&mapping, &options, &mut sink)?;
        sink.out
            .flush()
            .map_err(|e| jiyi_rml::RmlError::Sink(e.into()))?;
        Ok((summary, sink.rejects))
    });
    let elapsed = started.elapsed().as_secs_f64();
    match outcome {
        Ok((summary, rejects)) => {
            let size = std::fs::metadata(&out_path).map(|m| m.len()).unwrap_or(0);
            println!(
                "{rows} rows -> {} quads ({rejects} rejects, {:.1} MB N-Quads) in {elapsed:.2} s: \
                 {:.0} rows/s, {:.0} quads/s; peak memory {} MiB; deduplication {deduplicate:?}",
                summary.quads_written,
                size as f64 / 1e6,
                rows as f64 / elapsed,
                summary.quads_written as f64 / elapsed,
                peak_memory_kib().map_or_else(|| "?".to_owned(), |k| (k / 1024).to_string()),
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
