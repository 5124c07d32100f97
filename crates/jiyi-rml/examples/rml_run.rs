//! Runs a mapping and prints the quads as N-Quads on stdout, rejects and the summary on
//! stderr: `cargo run -p jiyi-rml --example rml_run -- MAPPING.ttl [BASE_IRI]`.
//! A debugging aid for mapping authors; the `jiyi` CLI is the real entry point.

use jiyi_rml::{Mapping, QuadSink, Reject, RunOptions, SinkError, run};
use oxrdf::QuadRef;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

struct Printer<W: Write> {
    out: W,
}

impl<W: Write> QuadSink for Printer<W> {
    fn quad(&mut self, quad: QuadRef<'_>) -> Result<(), SinkError> {
        writeln!(self.out, "{quad} .")?;
        Ok(())
    }

    fn reject(&mut self, reject: Reject) -> Result<(), SinkError> {
        eprintln!("reject: {reject}");
        Ok(())
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(mapping) = args.next().map(PathBuf::from) else {
        eprintln!("usage: rml_run MAPPING.ttl [BASE_IRI]");
        return ExitCode::from(2);
    };
    let base_iri = args.next().map(|s| s.to_string_lossy().into_owned());
    let outcome = Mapping::from_file(&mapping).and_then(|mapping| {
        let mut printer = Printer {
            out: std::io::BufWriter::new(std::io::stdout().lock()),
        };
        let summary = run(
            &mapping,
            &RunOptions {
                base_iri,
                ..RunOptions::default()
            },
            &mut printer,
        )?;
        printer
            .out
            .flush()
            .map_err(|e| jiyi_rml::RmlError::Sink(e.into()))?;
        Ok(summary)
    });
    match outcome {
        Ok(summary) => {
            eprintln!("{summary:?}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
