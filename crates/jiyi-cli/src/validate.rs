//! `jiyi validate`: checks a store's published dataset graphs against SHACL shapes
//! (jiyi-shacl), one graph in memory at a time.
//!
//! Exit status: 0 conforms, 1 validation results, 2 error (bad store, bad shapes file). The
//! shapes are those embedded at build time (the repository's `ontologies/shapes/*.ttl`) unless
//! `--shapes` names files or folders. Every shape applies to every published graph; targets
//! (`sh:targetClass` …) decide which nodes a shape checks, so a profile's shapes only fire on
//! the classes of that profile.

use anyhow::{Context, Result, bail};
use jiyi_model::UriPolicy;
use jiyi_model::vocab::compact;
use jiyi_shacl::{DataGraph, GraphReport, PropertyPath, Shapes, ValidationResult};
use jiyi_store::Store;
use jiyi_store::model::{NamedNode, Term};
use std::io::Write;
use std::path::PathBuf;

/// Options of `jiyi validate`.
#[derive(clap::Args)]
pub struct Args {
    /// Store directory to check (stop `jiyi serve` on it first: one process opens a store).
    #[arg(long)]
    store: PathBuf,
    /// Shapes file or folder of `*.ttl` files, replacing the built-in profile shapes; repeatable.
    #[arg(long)]
    shapes: Vec<PathBuf>,
    /// Check only this dataset's graph (default: every published graph).
    #[arg(long)]
    dataset: Option<String>,
    /// Output: `text` for people, `json` for programs.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Runs the command and exits with 0 (conforms), 1 (violations) or 2 (error).
pub fn run(args: Args) -> Result<()> {
    let code = match validate(&args) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(e) => {
            eprintln!("error: {e:#}");
            2
        }
    };
    let _ = std::io::stdout().flush();
    std::process::exit(code)
}

/// One dataset graph's outcome.
struct Checked {
    dataset: String,
    graph: NamedNode,
    report: GraphReport,
}

fn validate(args: &Args) -> Result<bool> {
    let shapes = if args.shapes.is_empty() {
        Shapes::embedded().context("the built-in shapes")?
    } else {
        Shapes::from_paths(&args.shapes)?
    };
    // Opening creates a store where there is none; a check must not.
    let is_empty = std::fs::read_dir(&args.store)
        .with_context(|| format!("{}: no such store directory", args.store.display()))?
        .next()
        .is_none();
    if is_empty {
        bail!(
            "{}: empty directory, not a Jiyi store",
            args.store.display()
        );
    }
    let store = Store::open(&args.store)
        .with_context(|| format!("opening store {}", args.store.display()))?;
    let policy = store.base_iri()?.map(|b| UriPolicy::new(&b)).transpose()?;
    let name_of = |graph: &NamedNode| -> String {
        policy
            .as_ref()
            .and_then(|p| p.dataset_of_graph(graph.as_str()))
            .map_or_else(|| graph.to_string(), str::to_owned)
    };
    let mut graphs = store.published_graphs()?;
    if let Some(wanted) = &args.dataset {
        let available: Vec<String> = graphs.iter().map(name_of).collect();
        graphs.retain(|g| name_of(g) == *wanted);
        if graphs.is_empty() {
            bail!(
                "no published dataset {wanted:?} in {} (datasets: {})",
                args.store.display(),
                if available.is_empty() {
                    "none".to_owned()
                } else {
                    available.join(", ")
                }
            );
        }
    }
    let mut out = std::io::stdout().lock();
    let mut checked = Vec::new();
    for graph in graphs {
        // Memory bound: one dataset graph at a time (~24 bytes a triple plus its distinct
        // terms), never the whole store.
        let mut data = DataGraph::try_from_triples(store.graph_triples(graph.as_ref()))?;
        let report = shapes.validate(&mut data);
        drop(data);
        let one = Checked {
            dataset: name_of(&graph),
            graph,
            report,
        };
        if let Format::Text = args.format {
            write_text(&mut out, &one)?;
        }
        checked.push(one);
    }
    let focus: usize = checked.iter().map(|c| c.report.focus_nodes).sum();
    let results: usize = checked.iter().map(|c| c.report.results.len()).sum();
    match args.format {
        Format::Text => {
            writeln!(
                out,
                "{} dataset graph(s) checked with {} shape(s) from {}",
                checked.len(),
                shapes.len(),
                shapes.files().join(", ")
            )?;
            writeln!(out, "{focus} focus nodes checked, {results} violations")?;
        }
        Format::Json => {
            let json = serde_json::json!({
                "conforms": results == 0,
                "focusNodes": focus,
                "violations": results,
                "shapes": shapes.files(),
                "datasets": checked.iter().map(|c| serde_json::json!({
                    "dataset": c.dataset,
                    "graph": c.graph.as_str(),
                    "focusNodes": c.report.focus_nodes,
                    "violations": c.report.results.len(),
                })).collect::<Vec<_>>(),
                "results": checked.iter().flat_map(|c| c.report.results.iter().map(|r| result_json(&c.dataset, r))).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut out, &json)?;
            writeln!(out)?;
        }
    }
    Ok(results == 0)
}

fn result_json(dataset: &str, r: &ValidationResult) -> serde_json::Value {
    serde_json::json!({
        "dataset": dataset,
        "focusNode": r.focus_node.to_string(),
        "path": r.path.as_ref().map(ToString::to_string),
        "value": r.value.as_ref().map(ToString::to_string),
        "severity": r.severity.as_str(),
        "sourceConstraintComponent": r.component.as_str(),
        "sourceShape": r.source_shape.to_string(),
        "message": r.message,
    })
}

/// A term for people: `prefix:local` when a known namespace matches, else N-Triples.
fn short(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => compact(n.as_str()).unwrap_or_else(|| n.to_string()),
        other => other.to_string(),
    }
}

fn write_text(out: &mut impl Write, c: &Checked) -> Result<()> {
    for r in &c.report.results {
        let severity = r.severity.as_str().rsplit('#').next().unwrap_or_default();
        let component = r.component.as_str().rsplit('#').next().unwrap_or_default();
        writeln!(out, "{}: {severity} sh:{component}", c.dataset)?;
        writeln!(out, "  focus   {}", r.focus_node)?;
        match &r.path {
            Some(PropertyPath::Predicate(p)) => {
                writeln!(out, "  path    {}", short(&p.clone().into()))?;
            }
            Some(path) => writeln!(out, "  path    {path}")?,
            None => {}
        }
        if let Some(value) = &r.value {
            writeln!(out, "  value   {}", short(value))?;
        }
        if let Term::NamedNode(_) = &r.source_shape {
            writeln!(out, "  shape   {}", short(&r.source_shape))?;
        }
        writeln!(out, "  message {}", r.message)?;
    }
    writeln!(
        out,
        "{}: {} focus nodes checked, {} violations",
        c.dataset,
        c.report.focus_nodes,
        c.report.results.len()
    )?;
    Ok(())
}
