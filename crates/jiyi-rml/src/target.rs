//! RML-IO logical targets: files that receive the quads of the term maps that name them
//! (`rml:logicalTarget`), in the declared `rml:serialization`, optionally gzip-compressed.
//! They are written only when [`crate::RunOptions::write_logical_targets`] is set; otherwise
//! every quad goes to the run's sink (an ingest stores everything in its dataset graph).

use crate::error::RmlError;
use oxrdf::{GraphNameRef, QuadRef};
use oxrdfio::{RdfFormat, RdfSerializer, WriterQuadSerializer};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// The syntax of a target file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Serialization(pub(crate) RdfFormat);

impl Serialization {
    /// N-Quads, the default.
    pub(crate) const N_QUADS: Self = Self(RdfFormat::NQuads);

    /// The serialization for a local name in <http://www.w3.org/ns/formats/>.
    pub(crate) fn from_format_name(name: &str) -> Option<Self> {
        Some(Self(match name {
            "N-Quads" => RdfFormat::NQuads,
            "N-Triples" => RdfFormat::NTriples,
            "Turtle" => RdfFormat::Turtle,
            "TriG" => RdfFormat::TriG,
            "N3" => RdfFormat::N3,
            "RDF_XML" => RdfFormat::RdfXml,
            "JSON-LD" => RdfFormat::JsonLd {
                profile: oxrdfio::JsonLdProfileSet::empty(),
            },
            _ => return None,
        }))
    }
}

/// A parsed `rml:LogicalTarget`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LogicalTarget {
    /// The file to write, already resolved against its root.
    pub(crate) path: PathBuf,
    /// Its syntax.
    pub(crate) serialization: Serialization,
    /// `rml:compression rml:gzip`.
    pub(crate) gzip: bool,
}

/// A target file, plain or gzip-compressed.
enum Out {
    Plain(BufWriter<File>),
    Gzip(flate2::write::GzEncoder<BufWriter<File>>),
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Self::Plain(w) => w.write(buf),
            Self::Gzip(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Self::Plain(w) => w.flush(),
            Self::Gzip(w) => w.flush(),
        }
    }
}

impl Out {
    /// Writes the gzip trailer (if any) and flushes, reporting errors a drop would hide.
    fn close(self) -> std::io::Result<()> {
        match self {
            Self::Plain(mut w) => w.flush(),
            Self::Gzip(w) => w.finish()?.flush(),
        }
    }
}

/// The open target files of one run.
pub(crate) struct TargetWriters {
    writers: Vec<(WriterQuadSerializer<Out>, bool, PathBuf)>,
}

impl TargetWriters {
    /// Creates (truncates) every target file before the first quad.
    pub(crate) fn open(targets: &[LogicalTarget]) -> Result<Self, RmlError> {
        let mut writers = Vec::with_capacity(targets.len());
        for target in targets {
            if let Some(parent) = target.path.parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(|e| io_error(target, e))?;
            }
            let file = File::create(&target.path).map_err(|e| io_error(target, e))?;
            let out = if target.gzip {
                Out::Gzip(flate2::write::GzEncoder::new(
                    BufWriter::new(file),
                    flate2::Compression::default(),
                ))
            } else {
                Out::Plain(BufWriter::new(file))
            };
            let format = target.serialization.0;
            writers.push((
                RdfSerializer::from_format(format).for_writer(out),
                format.supports_datasets(),
                target.path.clone(),
            ));
        }
        Ok(Self { writers })
    }

    /// Writes a quad to target `index` (triple syntaxes drop the graph name).
    pub(crate) fn write(&mut self, index: usize, quad: QuadRef<'_>) -> Result<(), RmlError> {
        let Some((writer, datasets, path)) = self.writers.get_mut(index) else {
            return Ok(());
        };
        let result = if *datasets || quad.graph_name.is_default_graph() {
            writer.serialize_quad(quad)
        } else {
            writer.serialize_quad(QuadRef {
                graph_name: GraphNameRef::DefaultGraph,
                ..quad
            })
        };
        result.map_err(|e| RmlError::TargetIo {
            path: path.clone(),
            source: e,
        })
    }

    /// Finishes every file (closing syntax, gzip trailer) and flushes it.
    pub(crate) fn finish(self) -> Result<(), RmlError> {
        for (writer, _, path) in self.writers {
            let out = writer.finish().map_err(|e| RmlError::TargetIo {
                path: path.clone(),
                source: e,
            })?;
            out.close()
                .map_err(|e| RmlError::TargetIo { path, source: e })?;
        }
        Ok(())
    }
}

fn io_error(target: &LogicalTarget, source: std::io::Error) -> RmlError {
    RmlError::TargetIo {
        path: target.path.clone(),
        source,
    }
}
