//! `jiyi demo`: the bundled collection, ingested into a fresh store and served, with the URLs
//! to try printed first.

use crate::ingest;
use anyhow::{Context, Result, bail};
use jiyi_model::UriPolicy;
use jiyi_model::iri::iri_to_uri;
use jiyi_store::model::Term;
use jiyi_store::{Query, QueryAnswer, QueryRequest, Store};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Where the demo data lives when `--data` is not given: `./data` when run from the
/// repository, else the copy next to the sources this binary was built from.
fn default_data_dir() -> PathBuf {
    let here = PathBuf::from("data");
    if here.join("mappings").is_dir() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

/// Options of `jiyi demo`.
#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on; the base IRI becomes http://localhost:PORT/.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Folder with the demo data and its `mappings/` (default: the repository's `data/`).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Keep the store here instead of a temporary directory (it is emptied first).
    #[arg(long)]
    store: Option<PathBuf>,
    #[command(flatten)]
    web: crate::web_options::WebOptions,
}

pub fn run(args: Args) -> Result<()> {
    let Args {
        bind,
        data,
        store: store_dir,
        web,
    } = args;
    let data = data.unwrap_or_else(default_data_dir);
    let mut mappings: Vec<PathBuf> = std::fs::read_dir(data.join("mappings"))
        .with_context(|| format!("reading {}", data.join("mappings").display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ttl"))
        .collect();
    mappings.sort();
    if mappings.is_empty() {
        bail!("no mappings (*.ttl) in {}", data.join("mappings").display());
    }

    let temp = tempfile::Builder::new().prefix("jiyi-demo-").tempdir()?;
    let store_path = match store_dir {
        Some(dir) => {
            prepare_store_dir(&dir)?;
            dir
        }
        None => temp.path().join("store"),
    };

    crate::runtime()?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| {
            format!("binding {bind} (is another server using the port? try --bind 127.0.0.1:0)")
        })?;
        let addr = listener.local_addr()?;
        let host = if addr.ip().is_loopback() || addr.ip().is_unspecified() {
            "localhost".to_owned()
        } else {
            addr.ip().to_string()
        };
        let policy = UriPolicy::new(&format!("http://{host}:{}/", addr.port()))?;
        let store = Store::open(&store_path)?;
        store.bind_base_iri(policy.base())?;
        for mapping in &mappings {
            if !is_demo_data(mapping, &policy)? {
                println!(
                    "skipping {}: its dataset is not marked jiyi:demoData true (publish it with `jiyi ingest`)",
                    mapping.display()
                );
                continue;
            }
            let rejects = temp.path().join(format!(
                "{}.rejects.jsonl",
                mapping
                    .file_stem()
                    .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
            ));
            let summary = ingest::ingest(&store, &policy, mapping, None, Some(&rejects))
                .with_context(|| format!("demo mapping {}", mapping.display()))?;
            println!("{summary}");
        }
        print_urls(&store, &policy)?;
        let state = jiyi_web::AppState::new(store, web.config(policy)?)?;
        let served = jiyi_web::serve(listener, state).await.context("serving");
        drop(temp);
        served
    })
}

/// Whether a mapping's dataset is the team's demo data (`jiyi:demoData true`). Mappings of
/// real collections (Tate, data.gov.tw) live in the same folder but read `../shared` and take
/// minutes, so the demo leaves them to `jiyi ingest`.
fn is_demo_data(mapping: &Path, policy: &UriPolicy) -> Result<bool> {
    let description = jiyi_ingest::DatasetDescription::from_mapping_file(mapping, None)?;
    Ok(description.triples(policy)?.iter().any(|t| {
        t.predicate.as_str() == "https://w3id.org/jiyi/ns#demoData"
            && matches!(&t.object, Term::Literal(l) if l.value() == "true")
    }))
}

/// Refuses to empty a folder that does not look like a store we made.
fn prepare_store_dir(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let empty = std::fs::read_dir(dir)?.next().is_none();
    if !empty && !dir.join("CURRENT").exists() {
        bail!(
            "{} exists and is not a Jiyi store; choose another --store",
            dir.display()
        );
    }
    std::fs::remove_dir_all(dir).with_context(|| format!("emptying {}", dir.display()))
}

fn print_urls(store: &Store, policy: &UriPolicy) -> Result<()> {
    let base = policy.base();
    println!("\nJiyi demo is up. Try:");
    println!("  {base}                      landing page");
    const FIRST_OF_EACH: &str = "SELECT ?s WHERE { \
        { SELECT ?s WHERE { ?s a <http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object> } ORDER BY ?s LIMIT 1 } UNION \
        { SELECT ?s WHERE { ?s a <https://www.ica.org/standards/RiC/ontology#Record> } ORDER BY ?s LIMIT 1 } }";
    let query = Query::parse(FIRST_OF_EACH, None)?;
    if let QueryAnswer::Solutions(solutions) = store.query(&QueryRequest::new(&query))? {
        for solution in solutions {
            if let Some(Term::NamedNode(thing)) = solution?.get("s") {
                let uri = iri_to_uri(thing.as_str());
                println!("  {uri}");
                println!("      curl -L -H 'Accept: text/turtle' '{uri}'");
            }
        }
    }
    println!("  {base}sparql                query page");
    println!(
        "      curl '{base}sparql' --data-urlencode 'query=SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}'"
    );
    println!("Stop with Ctrl-C.");
    Ok(())
}
