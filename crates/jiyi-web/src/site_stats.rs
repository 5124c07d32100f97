//! What the site publishes, in numbers: per dataset its description, triple and thing counts,
//! vocabularies, classes and example things; for the whole site the sorted list of things
//! (the sitemap). Shared by the VoID, the sitemap and the landing page.
//!
//! Computed by one scan of each published graph ([`jiyi_store::Store::graph_statistics`]) and
//! cached until the store changes. The server is the store's only writer while it runs
//! (RocksDB's lock keeps `jiyi ingest` out), and every write through it (`/update`, Graph
//! Store) calls [`crate::AppState::written`], which invalidates the cache; so a cached value
//! is never stale. The first request after start or after a write pays for the scan
//! (≈1 s per million triples); a lock makes concurrent requests wait for one scan, not start
//! their own.

use crate::{AppState, WebError};
use jiyi_model::vocab::{DCAT, DCTERMS, VOID};
use jiyi_store::model::{NamedNode, NamedOrBlankNode, Term, Triple};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// How many example things the VoID and the landing page name per dataset.
pub const EXAMPLES: usize = 3;

/// One published dataset: a graph `{base}graph/{name}`, normally with the description of
/// `{base}id/dataset/{name}` the ingest wrote into it.
#[derive(Debug, Clone)]
pub struct DatasetStats {
    /// The dataset name.
    pub name: String,
    /// `{base}id/dataset/{name}`.
    pub iri: NamedNode,
    /// The dataset's own description as published by the ingest (DCAT metadata, licence,
    /// provenance link, linksets and blank nodes such as the contact point); empty for a
    /// graph written without one (Graph Store uploads, tests).
    pub description: Vec<Triple>,
    /// Whether the store describes the dataset node at all (so its IRI dereferences).
    pub described: bool,
    /// Triples in the graph.
    pub triples: u64,
    /// Things (IRIs under `{base}id/` without a fragment) the graph describes.
    pub entities: u64,
    /// Distinct predicates.
    pub predicates: BTreeSet<NamedNode>,
    /// Classes with the number of things of each.
    pub classes: BTreeMap<NamedNode, u64>,
    /// A few things of the dataset's most common class of things.
    pub examples: Vec<NamedNode>,
    /// `dcterms:modified` of the dataset (the end of its last ingest), as written.
    pub modified: Option<String>,
}

impl DatasetStats {
    /// Objects of `predicate` on the dataset node.
    pub fn values(&self, predicate: &str) -> impl Iterator<Item = &Term> {
        let subject = NamedOrBlankNode::from(self.iri.clone());
        self.description
            .iter()
            .filter(move |t| t.subject == subject && t.predicate.as_str() == predicate)
            .map(|t| &t.object)
    }

    /// Where the dataset can be downloaded whole: the `void:dataDump`s its description states
    /// and the `dcat:downloadURL` of each `dcat:distribution` (the dumps Jiyi writes), once each.
    pub fn dump_urls(&self) -> Vec<NamedNode> {
        let mut out: Vec<NamedNode> = Vec::new();
        let mut push = |t: &Term| {
            if let Term::NamedNode(n) = t
                && !out.contains(n)
            {
                out.push(n.clone());
            }
        };
        self.values(&format!("{VOID}dataDump")).for_each(&mut push);
        let distributions: Vec<&Term> = self.values(&format!("{DCAT}distribution")).collect();
        for t in &self.description {
            if t.predicate.as_str() == format!("{DCAT}downloadURL")
                && distributions.contains(&&Term::from(t.subject.clone()))
            {
                push(&t.object);
            }
        }
        out
    }
}

/// A thing listed in the sitemap.
#[derive(Debug, Clone)]
pub struct SiteThing {
    /// The thing's IRI.
    pub iri: NamedNode,
    /// Index into [`SiteStats::lastmods`] of its latest change, if known.
    pub lastmod: Option<u32>,
}

/// Everything the site publishes, counted.
#[derive(Debug, Default)]
pub struct SiteStats {
    /// Datasets, in graph order.
    pub datasets: Vec<DatasetStats>,
    /// Triples in all published graphs (also those that are not described datasets).
    pub total_triples: u64,
    /// Every thing of every published graph, sorted by IRI, each once.
    pub things: Vec<SiteThing>,
    /// Distinct modification times that `things` point to.
    pub lastmods: Vec<String>,
}

impl SiteStats {
    /// The modification time of a listed thing.
    pub fn lastmod(&self, thing: &SiteThing) -> Option<&str> {
        thing
            .lastmod
            .and_then(|i| self.lastmods.get(i as usize))
            .map(String::as_str)
    }
}

/// The cache, one per [`AppState`].
#[derive(Default)]
pub struct SiteCache {
    generation: AtomicU64,
    slot: Mutex<Option<(u64, Arc<SiteStats>)>>,
    computing: Mutex<()>,
}

impl SiteCache {
    /// Forgets the cached value; called after every write to the store.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn cached(&self, generation: u64) -> Option<Arc<SiteStats>> {
        match &*self.slot.lock().unwrap_or_else(PoisonError::into_inner) {
            Some((g, stats)) if *g == generation => Some(stats.clone()),
            _ => None,
        }
    }
}

/// The statistics of the store as it is now (blocking: call from `spawn_blocking`).
pub fn site_stats(state: &AppState) -> Result<Arc<SiteStats>, WebError> {
    let cache = state.site_cache();
    let generation = cache.generation.load(Ordering::SeqCst);
    if let Some(stats) = cache.cached(generation) {
        return Ok(stats);
    }
    let _one_at_a_time = cache
        .computing
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(stats) = cache.cached(generation) {
        return Ok(stats);
    }
    let stats = Arc::new(compute(state)?);
    // A write during the scan makes this value stale already: hand it out, don't keep it.
    if cache.generation.load(Ordering::SeqCst) == generation {
        *cache.slot.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((generation, stats.clone()));
    }
    Ok(stats)
}

fn compute(state: &AppState) -> Result<SiteStats, WebError> {
    let store = state.store();
    let policy = state.policy();
    let id_prefix = format!("{}id/", policy.base());
    let is_thing = |iri: &str| iri.starts_with(&id_prefix) && !iri.contains('#');
    let modified = format!("{DCTERMS}modified");
    let mut site = SiteStats::default();
    let mut listed: Vec<SiteThing> = Vec::new();
    for graph in store.published_graphs()? {
        let mut stats = store.graph_statistics(graph.as_ref(), is_thing, EXAMPLES)?;
        site.total_triples += stats.triples;
        let dataset = policy
            .dataset_of_graph(graph.as_str())
            .and_then(|name| Some((name.to_owned(), policy.dataset(name).ok()?)));
        let described = match &dataset {
            Some((_, iri)) => store.describe(iri.as_ref())?,
            None => None,
        };
        let mut lastmod = None;
        if let Some((name, iri)) = dataset {
            let is_described = described.is_some();
            let description = described.unwrap_or_default();
            let subject = NamedOrBlankNode::from(iri.clone());
            let modified = description
                .triples
                .iter()
                .filter(|t| t.subject == subject && t.predicate.as_str() == modified)
                .find_map(|t| match &t.object {
                    Term::Literal(l) => Some(l.value().to_owned()),
                    _ => None,
                });
            if let Some(m) = &modified {
                lastmod = Some(intern(&mut site.lastmods, m));
            }
            let top_class = stats
                .classes
                .iter()
                .filter(|(_, n)| **n > 0)
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(c, _)| c.clone());
            let examples = top_class
                .and_then(|c| stats.class_examples.remove(&c))
                .unwrap_or_default();
            site.datasets.push(DatasetStats {
                name,
                iri,
                description: description.triples,
                described: is_described,
                triples: stats.triples,
                entities: stats.things.len() as u64,
                predicates: std::mem::take(&mut stats.predicates),
                classes: std::mem::take(&mut stats.classes),
                examples,
                modified,
            });
        }
        listed.extend(
            std::mem::take(&mut stats.things)
                .into_iter()
                .map(|iri| SiteThing { iri, lastmod }),
        );
    }
    // One entry per thing; a thing in several graphs changed when the latest of them did.
    listed.sort_by(|a, b| a.iri.cmp(&b.iri));
    let lastmods = &site.lastmods;
    let later = |a: Option<u32>, b: Option<u32>| -> Option<u32> {
        match (a, b) {
            (Some(x), Some(y)) => {
                if lastmods[y as usize] > lastmods[x as usize] {
                    Some(y)
                } else {
                    Some(x)
                }
            }
            (x, None) => x,
            (None, y) => y,
        }
    };
    let mut things: Vec<SiteThing> = Vec::with_capacity(listed.len());
    for thing in listed {
        match things.last_mut() {
            Some(last) if last.iri == thing.iri => {
                last.lastmod = later(last.lastmod, thing.lastmod);
            }
            _ => things.push(thing),
        }
    }
    site.things = things;
    Ok(site)
}

fn intern(values: &mut Vec<String>, value: &str) -> u32 {
    match values.iter().position(|v| v == value) {
        Some(i) => i as u32,
        None => {
            values.push(value.to_owned());
            (values.len() - 1) as u32
        }
    }
}
