//! Dumps: a dataset graph streamed to N-Quads or Turtle, gzipped files in the store directory
//! with their checksums published as DCAT distributions.
//!
//! [`Store::write_dump`] streams a graph from a store snapshot through Oxigraph's serializers;
//! nothing but the current triple is held, so a 10-million-triple dump needs no more memory than
//! a small one (BENCHMARKS.md has the measurement). The order is the store's (GSPO index), which
//! depends only on the content, and gzip is written without a timestamp, so an unchanged graph
//! gives a byte-identical file and checksum.
//!
//! [`Store::publish_dumps`] writes `{store}/dumps/{name}.nq.gz` and `{name}.ttl.gz` atomically
//! (a temporary file renamed over the old one, so a reader never sees half a dump), records
//! SHA-256, size, triple count and the change-log position they correspond to in the system graph
//! `urn:jiyi:dumps`, and publishes the same facts as `dcat:Distribution`s of the dataset in
//! [`DISTRIBUTIONS_GRAPH`] — apart from the dataset graph, because a dump
//! cannot contain its own checksum. The position (`jiyi:feedPosition`) is the last sequence
//! number of the change log when the dump was taken: a harvester loads the dump, then follows the
//! change log from the next entry.

use crate::changes::{
    DatasetScope, date_time, hex, integer, iri, literal_text, literal_time, literal_u64,
};
use crate::model::{GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};
use crate::{Store, StoreError};
use flate2::Compression;
use flate2::write::GzEncoder;
use jiyi_model::vocab::{DCAT, DCTERMS, JIYI, PREFIXES, PROV, RDF, VOID, XSD};
use oxigraph::io::{RdfFormat, RdfSerializer};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// System graph recording the dumps that are on disk.
pub(crate) const DUMPS_GRAPH: &str = "urn:jiyi:dumps";
/// The dumps' `dcat:Distribution`s, published through dataset descriptions and the SPARQL
/// union default graph, but never listed as a named graph: code that enumerates dataset graphs
/// never meets it, and no dataset name can collide with it.
pub const DISTRIBUTIONS_GRAPH: &str = "urn:jiyi:distributions";
const DUMP_PREFIX: &str = "urn:jiyi:dump:";
const SPDX: &str = "http://spdx.org/rdf/terms#";
/// IANA media types as IRIs, the form DCAT 3 and Jiyi's shapes expect for `dcat:mediaType`.
const IANA: &str = "http://www.iana.org/assignments/media-types/";
/// The EU file-type authority, for `dcterms:format`.
const FILE_TYPE: &str = "http://publications.europa.eu/resource/authority/file-type/";

/// The RDF syntaxes a dataset is dumped in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DumpFormat {
    /// N-Quads: every line names the dataset graph, so dumps of several datasets concatenate.
    NQuads,
    /// Turtle: the dataset graph's triples with the usual prefixes, for people and tools
    /// without quad support.
    Turtle,
}

impl DumpFormat {
    /// The formats every ingest publishes.
    pub const ALL: [Self; 2] = [Self::NQuads, Self::Turtle];

    /// File extension before `.gz` (`nq`, `ttl`).
    pub fn extension(self) -> &'static str {
        match self {
            Self::NQuads => "nq",
            Self::Turtle => "ttl",
        }
    }

    /// The media type of the (uncompressed) content.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::NQuads => "application/n-quads",
            Self::Turtle => "text/turtle",
        }
    }

    /// The published file name of a dataset's dump: `{dataset}.nq.gz`, `{dataset}.ttl.gz`.
    pub fn file_name(self, dataset: &str) -> String {
        format!("{dataset}.{}.gz", self.extension())
    }

    /// The format and whether to gzip, from an output file name (`.nq`, `.nq.gz`, `.ttl`,
    /// `.ttl.gz`).
    pub fn from_path(path: &Path) -> Option<(Self, bool)> {
        let name = path.file_name()?.to_str()?;
        let (stem, gzip) = match name.strip_suffix(".gz") {
            Some(stem) => (stem, true),
            None => (name, false),
        };
        let format = if stem.ends_with(".nq") {
            Self::NQuads
        } else if stem.ends_with(".ttl") {
            Self::Turtle
        } else {
            return None;
        };
        Some((format, gzip))
    }

    /// The dataset name and format of a published dump file name (`npm-objects.nq.gz`).
    pub fn parse_file_name(file: &str) -> Option<(&str, Self)> {
        Self::ALL.into_iter().find_map(|format| {
            let name = file.strip_suffix(&format!(".{}.gz", format.extension()))?;
            (!name.is_empty()).then_some((name, format))
        })
    }

    fn rdf_format(self) -> RdfFormat {
        match self {
            Self::NQuads => RdfFormat::NQuads,
            Self::Turtle => RdfFormat::Turtle,
        }
    }

    fn titles(self) -> (&'static str, &'static str) {
        match self {
            Self::NQuads => (
                "Full dump, N-Quads (gzip)",
                "完整資料下載（N-Quads，gzip 壓縮）",
            ),
            Self::Turtle => (
                "Full dump, Turtle (gzip)",
                "完整資料下載（Turtle，gzip 壓縮）",
            ),
        }
    }

    fn file_type(self) -> &'static str {
        match self {
            Self::NQuads => "RDF_N_QUADS",
            Self::Turtle => "RDF_TURTLE",
        }
    }
}

/// A dump file on disk and what was published about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpFile {
    /// The dataset name.
    pub dataset: String,
    /// The syntax.
    pub format: DumpFormat,
    /// Where it is (`{store}/dumps/{name}.{ext}.gz`).
    pub path: PathBuf,
    /// SHA-256 of the file (the gzip bytes), lower-case hex: its ETag and `spdx:checksumValue`.
    pub sha256: String,
    /// File size in bytes.
    pub bytes: u64,
    /// Triples of the dataset graph it holds.
    pub triples: u64,
    /// The change log's last sequence number when it was written.
    pub feed_position: u64,
    /// When it was written.
    pub generated: jiff::Timestamp,
}

/// Counts and hashes the bytes passing through to the file.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn dump_error(path: &Path) -> impl Fn(io::Error) -> StoreError + '_ {
    move |source| StoreError::Dump {
        path: path.display().to_string(),
        source,
    }
}

impl Store {
    /// Where published dumps are kept: `{store}/dumps`.
    pub fn dumps_dir(&self) -> PathBuf {
        self.path.join("dumps")
    }

    /// Streams the triples of `graph` to `out` in `format` (N-Quads lines carry the graph name)
    /// and returns how many were written, with the writer. `label` names the target in errors.
    pub fn write_dump<W: Write>(
        &self,
        graph: NamedNodeRef<'_>,
        format: DumpFormat,
        out: W,
        label: &Path,
    ) -> Result<(u64, W), StoreError> {
        let mut serializer = RdfSerializer::from_format(format.rdf_format());
        if format == DumpFormat::Turtle {
            for (prefix, namespace) in PREFIXES {
                serializer = serializer
                    .with_prefix(*prefix, *namespace)
                    .map_err(|e| StoreError::Bookkeeping(format!("prefix {prefix}: {e}")))?;
            }
        }
        let mut writer = serializer.for_writer(out);
        let mut triples = 0;
        for quad in self
            .inner
            .quads_for_pattern(None, None, None, Some(GraphNameRef::from(graph)))
        {
            let quad = quad.map_err(|e| self.storage(e))?;
            match format {
                DumpFormat::NQuads => writer.serialize_quad(&quad),
                DumpFormat::Turtle => writer.serialize_triple(quad.as_ref()),
            }
            .map_err(dump_error(label))?;
            triples += 1;
        }
        let out = writer.finish().map_err(dump_error(label))?;
        Ok((triples, out))
    }

    /// Regenerates the dataset's dump files and publishes their distributions (see the module
    /// docs). The previous files stay in place until the new ones are complete.
    pub fn publish_dumps(&self, scope: &DatasetScope) -> Result<Vec<DumpFile>, StoreError> {
        let dir = self.dumps_dir();
        std::fs::create_dir_all(&dir).map_err(dump_error(&dir))?;
        let feed_position = self.last_sequence()?;
        let generated = jiff::Timestamp::now();
        let mut files = Vec::new();
        for format in DumpFormat::ALL {
            let path = dir.join(format.file_name(scope.name()));
            let temporary = dir.join(format!(
                ".{}.tmp-{}",
                format.file_name(scope.name()),
                std::process::id()
            ));
            let written = self.write_dump_file(scope.graph().as_ref(), format, &temporary);
            let (triples, sha256, bytes) = match written {
                Ok(w) => w,
                Err(e) => {
                    let _ = std::fs::remove_file(&temporary);
                    return Err(e);
                }
            };
            std::fs::rename(&temporary, &path).map_err(dump_error(&path))?;
            files.push(DumpFile {
                dataset: scope.name().to_owned(),
                format,
                path,
                sha256,
                bytes,
                triples,
                feed_position,
                generated,
            });
        }
        if let Ok(d) = File::open(&dir) {
            // Make the renames durable; not every file system supports syncing a directory.
            let _ = d.sync_all();
        }
        self.record_dumps(scope, &files)?;
        Ok(files)
    }

    fn write_dump_file(
        &self,
        graph: NamedNodeRef<'_>,
        format: DumpFormat,
        path: &Path,
    ) -> Result<(u64, String, u64), StoreError> {
        let file = File::create(path).map_err(dump_error(path))?;
        let hashing = HashingWriter {
            inner: BufWriter::with_capacity(1 << 20, file),
            hasher: Sha256::new(),
            bytes: 0,
        };
        // GzEncoder::new writes no modification time, so equal content gives equal bytes.
        let gzip = GzEncoder::new(hashing, Compression::default());
        let (triples, gzip) = self.write_dump(graph, format, gzip, path)?;
        let mut hashing = gzip.finish().map_err(dump_error(path))?;
        hashing.flush().map_err(dump_error(path))?;
        let file = hashing
            .inner
            .into_inner()
            .map_err(|e| dump_error(path)(e.into_error()))?;
        file.sync_all().map_err(dump_error(path))?;
        Ok((triples, hex(&hashing.hasher.finalize()), hashing.bytes))
    }

    /// Replaces the records and published distributions of the dataset's dumps in one
    /// transaction.
    fn record_dumps(&self, scope: &DatasetScope, files: &[DumpFile]) -> Result<(), StoreError> {
        let system = NamedNode::new_unchecked(DUMPS_GRAPH);
        let published = NamedNode::new_unchecked(DISTRIBUTIONS_GRAPH);
        let mut transaction = self
            .inner
            .start_transaction()
            .map_err(|e| self.storage(e))?;
        self.remove_dump_records(&mut transaction, scope)?;
        let licences: Vec<Term> = self
            .inner
            .quads_for_pattern(
                Some(scope.dataset().as_ref().into()),
                Some(iri(DCTERMS, "license").as_ref()),
                None,
                Some(scope.graph().as_ref().into()),
            )
            .map(|q| q.map(|q| q.object))
            .collect::<Result<_, _>>()
            .map_err(|e| self.storage(e))?;
        for file in files {
            let record = record_node(scope.name(), file.format);
            let mut system_add = |p: NamedNode, o: Term| {
                transaction.insert(&Quad::new(record.clone(), p, o, system.clone()));
            };
            system_add(
                iri(JIYI, "dataset"),
                Literal::new_simple_literal(&file.dataset).into(),
            );
            system_add(
                iri(JIYI, "hash"),
                Literal::new_simple_literal(&file.sha256).into(),
            );
            system_add(iri(JIYI, "byteSize"), integer(file.bytes).into());
            system_add(iri(VOID, "triples"), integer(file.triples).into());
            system_add(
                iri(JIYI, "feedPosition"),
                integer(file.feed_position).into(),
            );
            system_add(
                iri(PROV, "generatedAtTime"),
                date_time(file.generated).into(),
            );
            for triple in distribution_triples(scope, file, &licences)? {
                transaction.insert(&triple.in_graph(published.clone()));
            }
        }
        // Where the dump ends, the change feed goes on (versions.rs).
        for triple in crate::versions::feed_link_triples(scope) {
            transaction.insert(&triple.in_graph(published.clone()));
        }
        transaction.commit().map_err(|e| self.storage(e))
    }

    fn dump_records(&self, name: &str) -> Result<Vec<NamedNode>, StoreError> {
        let system = NamedNode::new_unchecked(DUMPS_GRAPH);
        let mut out = Vec::new();
        for quad in self.inner.quads_for_pattern(
            None,
            Some(iri(JIYI, "dataset").as_ref()),
            Some(Literal::new_simple_literal(name).as_ref().into()),
            Some(system.as_ref().into()),
        ) {
            if let NamedOrBlankNode::NamedNode(n) = quad.map_err(|e| self.storage(e))?.subject {
                out.push(n);
            }
        }
        Ok(out)
    }

    /// The published dump of dataset `name` in `format`, if it exists on disk as recorded (a
    /// file of another size is not served: its checksum would be wrong).
    pub fn dump_file(
        &self,
        name: &str,
        format: DumpFormat,
    ) -> Result<Option<DumpFile>, StoreError> {
        let system = NamedNode::new_unchecked(DUMPS_GRAPH);
        let record = record_node(name, format);
        let get = |p: NamedNode| self.object(record.as_ref().into(), p.as_ref(), system.as_ref());
        let (Some(sha256), Some(bytes), Some(triples), Some(feed_position), Some(generated)) = (
            get(iri(JIYI, "hash"))?.as_ref().and_then(literal_text),
            get(iri(JIYI, "byteSize"))?.as_ref().and_then(literal_u64),
            get(iri(VOID, "triples"))?.as_ref().and_then(literal_u64),
            get(iri(JIYI, "feedPosition"))?
                .as_ref()
                .and_then(literal_u64),
            get(iri(PROV, "generatedAtTime"))?
                .as_ref()
                .and_then(literal_time),
        ) else {
            return Ok(None);
        };
        let path = self.dumps_dir().join(format.file_name(name));
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() && m.len() == bytes => Ok(Some(DumpFile {
                dataset: name.to_owned(),
                format,
                path,
                sha256,
                bytes,
                triples,
                feed_position,
                generated,
            })),
            _ => Ok(None),
        }
    }

    /// Whether every dump of the dataset is on disk as recorded (an ingest that changed nothing
    /// then leaves them alone, byte for byte).
    pub fn dumps_current(&self, scope: &DatasetScope) -> Result<bool, StoreError> {
        for format in DumpFormat::ALL {
            if self.dump_file(scope.name(), format)?.is_none() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Removes a dataset's dump files, records and published distributions.
    pub(crate) fn remove_dumps(&self, scope: &DatasetScope) -> Result<(), StoreError> {
        for format in DumpFormat::ALL {
            let path = self.dumps_dir().join(format.file_name(scope.name()));
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(dump_error(&path)(e));
                }
                _ => {}
            }
        }
        let mut transaction = self
            .inner
            .start_transaction()
            .map_err(|e| self.storage(e))?;
        self.remove_dump_records(&mut transaction, scope)?;
        transaction.commit().map_err(|e| self.storage(e))
    }

    /// Removes, inside `transaction`, the dataset's dump records and published distributions.
    fn remove_dump_records(
        &self,
        transaction: &mut oxigraph::store::Transaction<'_>,
        scope: &DatasetScope,
    ) -> Result<(), StoreError> {
        let system = NamedNode::new_unchecked(DUMPS_GRAPH);
        for record in self.dump_records(scope.name())? {
            self.remove_statements_of(transaction, record.as_ref(), system.as_ref())?;
        }
        for quad in self.distribution_quads(scope)? {
            transaction.remove(&quad);
        }
        Ok(())
    }

    /// The published distribution triples of one dataset: the dataset's `dcat:distribution`
    /// links to its dumps and everything about each dump (`{dataset}#dump-…`).
    fn distribution_quads(&self, scope: &DatasetScope) -> Result<Vec<Quad>, StoreError> {
        let graph = NamedNode::new_unchecked(DISTRIBUTIONS_GRAPH);
        let mut out = Vec::new();
        for format in DumpFormat::ALL {
            let distribution = distribution_node(scope, format);
            let checksum = checksum_node(&distribution);
            for subject in [distribution.clone(), checksum] {
                for quad in self.inner.quads_for_pattern(
                    Some(subject.as_ref().into()),
                    None,
                    None,
                    Some(graph.as_ref().into()),
                ) {
                    out.push(quad.map_err(|e| self.storage(e))?);
                }
            }
            out.push(Quad::new(
                scope.dataset().clone(),
                iri(DCAT, "distribution"),
                distribution,
                graph.clone(),
            ));
        }
        out.extend(
            crate::versions::feed_link_triples(scope)
                .into_iter()
                .map(|t| t.in_graph(graph.clone())),
        );
        Ok(out)
    }
}

fn distribution_node(scope: &DatasetScope, format: DumpFormat) -> NamedNode {
    NamedNode::new_unchecked(format!(
        "{}#dump-{}",
        scope.dataset().as_str(),
        format.extension()
    ))
}

fn checksum_node(distribution: &NamedNode) -> NamedNode {
    NamedNode::new_unchecked(format!("{}-sha256", distribution.as_str()))
}

fn record_node(name: &str, format: DumpFormat) -> NamedNode {
    NamedNode::new_unchecked(format!("{DUMP_PREFIX}{}", format.file_name(name)))
}

/// The DCAT description of one dump file, as published in [`DISTRIBUTIONS_GRAPH`].
fn distribution_triples(
    scope: &DatasetScope,
    file: &DumpFile,
    licences: &[Term],
) -> Result<Vec<crate::model::Triple>, StoreError> {
    use crate::model::Triple;
    let dataset = scope.dataset();
    let distribution = distribution_node(scope, file.format);
    let checksum = checksum_node(&distribution);
    let url = scope
        .policy()
        .dump_url(scope.name(), &format!("{}.gz", file.format.extension()))?;
    let (en, zh) = file.format.titles();
    let d = || distribution.clone();
    let typed =
        |value: String, datatype: &str| Literal::new_typed_literal(value, iri(XSD, datatype));
    let mut out = vec![
        Triple::new(dataset.clone(), iri(DCAT, "distribution"), d()),
        Triple::new(d(), iri(RDF, "type"), iri(DCAT, "Distribution")),
        Triple::new(
            d(),
            iri(DCTERMS, "title"),
            Literal::new_language_tagged_literal_unchecked(en, "en"),
        ),
        Triple::new(
            d(),
            iri(DCTERMS, "title"),
            // Lowercase, as Oxigraph normalises tags and JSON-LD processors compare them.
            Literal::new_language_tagged_literal_unchecked(zh, "zh-hant"),
        ),
        Triple::new(d(), iri(DCAT, "downloadURL"), url.clone()),
        Triple::new(d(), iri(DCAT, "accessURL"), url),
        Triple::new(
            d(),
            iri(DCAT, "mediaType"),
            NamedNode::new_unchecked(format!("{IANA}{}", file.format.media_type())),
        ),
        Triple::new(
            d(),
            iri(DCAT, "compressFormat"),
            NamedNode::new_unchecked(format!("{IANA}application/gzip")),
        ),
        Triple::new(
            d(),
            iri(DCTERMS, "format"),
            NamedNode::new_unchecked(format!("{FILE_TYPE}{}", file.format.file_type())),
        ),
        Triple::new(
            d(),
            iri(DCAT, "byteSize"),
            typed(file.bytes.to_string(), "nonNegativeInteger"),
        ),
        Triple::new(d(), iri(SPDX, "checksum"), checksum.clone()),
        Triple::new(checksum.clone(), iri(RDF, "type"), iri(SPDX, "Checksum")),
        Triple::new(
            checksum.clone(),
            iri(SPDX, "algorithm"),
            iri(SPDX, "checksumAlgorithm_sha256"),
        ),
        Triple::new(
            checksum,
            iri(SPDX, "checksumValue"),
            typed(file.sha256.clone(), "hexBinary"),
        ),
        Triple::new(d(), iri(VOID, "triples"), integer(file.triples)),
        Triple::new(d(), iri(DCTERMS, "modified"), date_time(file.generated)),
        Triple::new(
            d(),
            iri(JIYI, "feedPosition"),
            typed(file.feed_position.to_string(), "nonNegativeInteger"),
        ),
    ];
    for licence in licences {
        out.push(Triple::new(d(), iri(DCTERMS, "license"), licence.clone()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_give_format_and_compression() {
        assert_eq!(
            DumpFormat::from_path(Path::new("/x/a.nq.gz")),
            Some((DumpFormat::NQuads, true))
        );
        assert_eq!(
            DumpFormat::from_path(Path::new("a.ttl")),
            Some((DumpFormat::Turtle, false))
        );
        assert_eq!(DumpFormat::from_path(Path::new("a.json")), None);
        assert_eq!(
            DumpFormat::parse_file_name("npm-objects.ttl.gz"),
            Some(("npm-objects", DumpFormat::Turtle))
        );
        assert_eq!(DumpFormat::parse_file_name(".nq.gz"), None);
        assert_eq!(DumpFormat::parse_file_name("x.nq"), None);
    }

    /// Every `jiyi:` term a distribution uses is defined in ontologies/jiyi.ttl.
    #[test]
    fn distribution_terms_are_defined_in_the_jiyi_vocabulary() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ontologies/jiyi.ttl");
        let text = std::fs::read_to_string(path).expect("ontologies/jiyi.ttl");
        let policy = jiyi_model::UriPolicy::new("https://d.example/").expect("base");
        let scope = DatasetScope::new(&policy, "x").expect("scope");
        let file = DumpFile {
            dataset: "x".into(),
            format: DumpFormat::NQuads,
            path: PathBuf::from("x.nq.gz"),
            sha256: "00".into(),
            bytes: 1,
            triples: 1,
            feed_position: 1,
            generated: jiff::Timestamp::UNIX_EPOCH,
        };
        let mut used = 0;
        for t in distribution_triples(&scope, &file, &[]).expect("triples") {
            if let Some(local) = t.predicate.as_str().strip_prefix(JIYI) {
                used += 1;
                assert!(
                    text.contains(&format!("\njiyi:{local} a ")),
                    "jiyi:{local} is not defined in ontologies/jiyi.ttl"
                );
            }
        }
        assert!(used > 0);
    }
}
