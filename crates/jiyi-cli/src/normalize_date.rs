//! `jiyi normalize-date`: one date as written per line on stdin, one JSON object per line on
//! stdout — `{"input", "begin", "end", "calendar", "qualifier", "era", "error"}` — so a steward
//! can check a column of dates before writing a mapping, and tests can check the table.
//!
//! A line that is not a date gives an object with `error` set (begin, end, calendar null) and
//! the run goes on: the exit status is 0 unless reading or writing fails.

use anyhow::{Context, Result};
use jiyi_ingest::dates::{DateContext, normalize};
use std::io::{BufRead, BufWriter, Write};

/// Options of `jiyi normalize-date`.
#[derive(clap::Args)]
pub struct Args {
    /// Dynasty for era names that recur across dynasties when a line names none (e.g. 清).
    #[arg(long)]
    dynasty: Option<String>,
}

/// Reads stdin to the end and answers every line.
pub fn run(args: Args) -> Result<()> {
    let context = match &args.dynasty {
        Some(name) => DateContext::with_dynasty(name).context("--dynasty")?,
        None => DateContext::default(),
    };
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut reader = stdin;
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader
            .read_until(b'\n', &mut line)
            .context("reading stdin")?
            == 0
        {
            break;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        let object = answer(text, &context);
        serde_json::to_writer(&mut out, &object).context("writing stdout")?;
        out.write_all(b"\n").context("writing stdout")?;
    }
    out.flush().context("writing stdout")?;
    Ok(())
}

fn answer(text: &str, context: &DateContext) -> serde_json::Value {
    match normalize(text, context) {
        Ok(span) => serde_json::json!({
            "input": text,
            "begin": span.begin.map(|p| p.to_string()),
            "end": span.end.map(|p| p.to_string()),
            "calendar": span.calendar.name(),
            "qualifier": span.qualifier.map(|q| q.name()),
            "era": span.era,
            "error": null,
        }),
        Err(error) => serde_json::json!({
            "input": text,
            "begin": null,
            "end": null,
            "calendar": null,
            "qualifier": null,
            "era": null,
            "error": error.message,
        }),
    }
}
