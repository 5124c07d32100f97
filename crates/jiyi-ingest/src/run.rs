//! One ingest run: mapping → triples for one dataset graph.

use crate::IngestError;
use crate::access::AccessClass;
use crate::dataset::DatasetDescription;
use crate::links::LinkCounter;
use crate::provenance::{RunFacts, run_triples};
use crate::rejects::RejectsWriter;
use jiyi_model::UriPolicy;
use jiyi_rml::{
    Deduplication, LoadOptions, Mapping, QuadSink, Reject, RunOptions, RunSummary, Warning,
};
use oxrdf::{
    BlankNode, BlankNodeRef, NamedNode, NamedOrBlankNode, NamedOrBlankNodeRef, QuadRef, Term,
    TermRef, Triple,
};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Error type a [`TripleSink`] may return; the ingest stops and reports it.
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Where an ingest sends the dataset's triples (in practice: a store graph replacement).
pub trait TripleSink {
    /// Accepts one triple of the dataset graph.
    fn triple(&mut self, triple: Triple) -> Result<(), SinkError>;
}

/// A mapping that has been read and validated, with its dataset, ready to run. Preparing
/// first lets the caller fail on a bad mapping before opening or touching a store.
pub struct PreparedIngest {
    mapping: Mapping,
    mapping_path: PathBuf,
    dataset: DatasetDescription,
    policy: UriPolicy,
    /// De-identification rules declared on the dataset node (`deidentify.rs`).
    deidentify: Vec<crate::deidentify::Rule>,
}

/// What an ingest run did; the counts add up
/// (`records.records_read == records.records_mapped + records.records_rejected`).
#[derive(Debug, Clone)]
pub struct IngestReport {
    /// Dataset name.
    pub dataset: String,
    /// The dataset graph the triples belong in.
    pub graph: NamedNode,
    /// The run's IRI (a `prov:Activity`).
    pub run: NamedNode,
    /// Records read, mapped and rejected, and quads the mapping produced.
    pub records: RunSummary,
    /// Triples handed to the sink (mapping output, dataset description and provenance).
    pub triples_sent: u64,
    /// Quads the mapping addressed to a named graph; they are stored in the dataset graph.
    pub graph_map_quads: u64,
    /// The rejects report, when something was rejected or warned about (warnings:
    /// `records.warnings`).
    pub rejects_file: Option<PathBuf>,
    /// Distinct links to other datasets, per target (Wikidata, GeoNames, Getty AAT…), in a
    /// fixed order; targets without links are left out.
    pub links: Vec<(&'static str, u64)>,
    /// The dataset's access class (甲 or 乙; a 丙 dataset never gets this far).
    pub access_class: crate::AccessClass,
    /// For each de-identification rule: the field and how many records had a value of it
    /// withheld (masked or dropped) before mapping.
    pub withheld: Vec<(String, u64)>,
    /// Start of the run.
    pub started: jiff::Timestamp,
    /// End of the run.
    pub ended: jiff::Timestamp,
}

impl PreparedIngest {
    /// Reads and validates the mapping and its dataset description. `dataset_name` overrides
    /// the name declared in the mapping.
    pub fn new(
        mapping_path: &Path,
        policy: UriPolicy,
        dataset_name: Option<&str>,
    ) -> Result<Self, IngestError> {
        let options = LoadOptions {
            functions: Some(std::sync::Arc::new(crate::functions())),
            ..LoadOptions::default()
        };
        // The description first: a 丙 dataset stops here, before its mapping or sources are read.
        let dataset = DatasetDescription::from_mapping_file(mapping_path, dataset_name)?;
        if dataset.access().class == AccessClass::NotOpen {
            return Err(IngestError::NotOpen {
                file: mapping_path.to_owned(),
                dataset: dataset.name,
            });
        }
        let mapping = Mapping::from_file_with(mapping_path, &options)?;
        // Fail now, not after the run, if the name cannot become an IRI.
        policy.dataset_graph(&dataset.name)?;
        let deidentify = crate::deidentify::rules_from_mapping_file(mapping_path)?;
        Ok(Self {
            mapping,
            mapping_path: mapping_path.to_owned(),
            dataset,
            policy,
            deidentify,
        })
    }

    /// Reads `input` (a file or a folder) instead of the source the mapping names, so one
    /// mapping publishes its demo sample or the real export (`jiyi ingest --input`); see
    /// [`jiyi_rml::LoadOptions::input`]. The mapping is loaded again with it.
    pub fn with_input(mut self, input: &Path) -> Result<Self, IngestError> {
        let options = LoadOptions {
            functions: Some(std::sync::Arc::new(crate::functions())),
            input: Some(input.to_owned()),
            ..LoadOptions::default()
        };
        self.mapping = Mapping::from_file_with(&self.mapping_path, &options)?;
        Ok(self)
    }

    /// The dataset name.
    pub fn dataset_name(&self) -> &str {
        &self.dataset.name
    }

    /// How many triples maps the mapping has (records are counted once per triples map).
    pub fn triples_maps(&self) -> usize {
        self.mapping.triples_map_names().len()
    }

    /// The named graph this ingest replaces.
    pub fn graph(&self) -> Result<NamedNode, IngestError> {
        Ok(self.policy.dataset_graph(&self.dataset.name)?)
    }

    /// Runs the mapping, streaming triples into `sink` and rejects into `rejects_path`
    /// (JSON lines; the file is written only if something is rejected).
    pub fn run(
        &self,
        rejects_path: &Path,
        sink: &mut dyn TripleSink,
    ) -> Result<IngestReport, IngestError> {
        let started = jiff::Timestamp::now();
        let name = self.dataset.name.clone();
        let dataset = self.policy.dataset(&name)?;
        let graph = self.graph()?;
        let run = self.policy.ingest_run(&name, &run_id(started))?;

        let mut adapter = SinkAdapter {
            sink,
            rejects: RejectsWriter::new(rejects_path),
            blank_node_scope: name.clone(),
            triples_sent: 0,
            graph_map_quads: 0,
            links: LinkCounter::default(),
            withheld: vec![0; self.deidentify.len()],
            failure: None,
        };
        let options = RunOptions {
            base_iri: Some(self.policy.base().to_owned()),
            // The store keeps a set of triples; exact run-wide elimination here would only
            // cost memory per distinct quad.
            deduplicate: Deduplication::Record,
            redactions: self.deidentify.iter().map(|r| r.redaction()).collect(),
            ..RunOptions::default()
        };
        let outcome = jiyi_rml::run(&self.mapping, &options, &mut adapter);
        if let Some(failure) = adapter.failure.take() {
            return Err(failure);
        }
        let records = outcome?;
        let ended = jiff::Timestamp::now();
        let facts = RunFacts {
            run: &run,
            dataset: &dataset,
            dataset_name: &name,
            started,
            ended,
            mapping_file: &self.mapping_path,
            source_files: &self.mapping.source_paths(),
            summary: records,
        };
        let linksets = adapter.links.linkset_triples(&dataset);
        for triple in self.dataset.triples(&self.policy)? {
            // Blank nodes of the description (a contact point, a rights holder) are scoped
            // like the mapping's own.
            let triple = adapter.scope_triple(triple);
            adapter.send(triple)?;
        }
        for triple in run_triples(&facts).into_iter().chain(linksets).chain(
            crate::deidentify::provenance_triples(&run, &self.deidentify, &adapter.withheld),
        ) {
            adapter.send(triple)?;
        }
        let triples_sent = adapter.triples_sent;
        let graph_map_quads = adapter.graph_map_quads;
        let links = adapter.links.counts();
        let withheld = self
            .deidentify
            .iter()
            .map(|r| r.field.clone())
            .zip(adapter.withheld.iter().copied())
            .collect();
        let rejects_file = adapter.rejects.finish()?;
        Ok(IngestReport {
            dataset: name,
            graph,
            run,
            records,
            triples_sent,
            graph_map_quads,
            rejects_file,
            links,
            access_class: self.dataset.access().class,
            withheld,
            started,
            ended,
        })
    }
}

/// A run id that sorts by time and is safe in a path segment.
fn run_id(t: jiff::Timestamp) -> String {
    let utc = t.to_zoned(jiff::tz::TimeZone::UTC);
    format!("{}{:03}Z", utc.strftime("%Y%m%dT%H%M%S"), utc.millisecond())
}

/// Bridges the RML engine's quad sink to the ingest's triple sink.
struct SinkAdapter<'a> {
    sink: &'a mut dyn TripleSink,
    rejects: RejectsWriter,
    /// Blank node labels are store-wide in Oxigraph; deriving them from the dataset name keeps
    /// two datasets' `_:b1` apart while keeping labels stable across runs (so unchanged input
    /// diffs to nothing).
    blank_node_scope: String,
    triples_sent: u64,
    graph_map_quads: u64,
    /// Links to known external datasets in the mapping's output.
    links: LinkCounter,
    /// Records per de-identification rule in which a value was withheld.
    withheld: Vec<u64>,
    /// The first ingest-side failure, kept because the engine only sees an opaque error.
    failure: Option<IngestError>,
}

impl SinkAdapter<'_> {
    /// A label that is stable for (dataset, engine label), unique in the store, and plain
    /// ASCII starting with a letter: engine labels may carry CJK text from templates, which
    /// N-Triples allows but common parsers (rdflib) reject, and RDF/XML's `rdf:nodeID` must be
    /// an XML NCName, which cannot start with a digit.
    fn scoped(&self, b: BlankNodeRef<'_>) -> BlankNode {
        let digest = Sha256::new()
            .chain_update(self.blank_node_scope.as_bytes())
            .chain_update([0])
            .chain_update(b.as_str().as_bytes())
            .finalize();
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        BlankNode::new_unchecked(format!("b{:032x}", u128::from_be_bytes(id)))
    }

    fn scope_triple(&self, triple: Triple) -> Triple {
        let subject = match triple.subject {
            NamedOrBlankNode::BlankNode(b) => self.scoped(b.as_ref()).into(),
            s => s,
        };
        let object = match triple.object {
            Term::BlankNode(b) => self.scoped(b.as_ref()).into(),
            o => o,
        };
        Triple::new(subject, triple.predicate, object)
    }

    fn send(&mut self, triple: Triple) -> Result<(), IngestError> {
        self.sink
            .triple(triple)
            .map_err(|e| IngestError::Sink(e.to_string()))?;
        self.triples_sent += 1;
        Ok(())
    }
}

impl QuadSink for SinkAdapter<'_> {
    fn quad(&mut self, quad: QuadRef<'_>) -> Result<(), jiyi_rml::SinkError> {
        if !quad.graph_name.is_default_graph() {
            self.graph_map_quads += 1;
        }
        let subject: NamedOrBlankNode = match quad.subject {
            NamedOrBlankNodeRef::BlankNode(b) => self.scoped(b).into(),
            s => s.into_owned(),
        };
        let object: Term = match quad.object {
            TermRef::BlankNode(b) => self.scoped(b).into(),
            o => o.into_owned(),
        };
        let triple = Triple::new(subject, quad.predicate.into_owned(), object);
        self.links.observe(&triple);
        let result = self.send(triple);
        result.map_err(|e| {
            let message = e.to_string();
            self.failure = Some(e);
            message.into()
        })
    }

    fn redacted(&mut self, redaction: usize) -> Result<(), jiyi_rml::SinkError> {
        if let Some(count) = self.withheld.get_mut(redaction) {
            *count += 1;
        }
        Ok(())
    }

    fn reject(&mut self, reject: Reject) -> Result<(), jiyi_rml::SinkError> {
        self.rejects.write(&reject).map_err(|e| {
            let message = e.to_string();
            self.failure = Some(e);
            message.into()
        })
    }

    fn warning(&mut self, warning: Warning) -> Result<(), jiyi_rml::SinkError> {
        self.rejects.write_warning(&warning).map_err(|e| {
            let message = e.to_string();
            self.failure = Some(e);
            message.into()
        })
    }
}
