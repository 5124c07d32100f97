//! Evaluating one SPARQL query job into bytes: the part shared by in-process evaluation and
//! the query worker processes (`worker.rs`), so both answer exactly alike.
//!
//! The caller learns the outcome in two steps: `head` (the answer will come, or the error that
//! replaces it) and then the body. A job with `cap: None` is streamed as it is computed (its
//! LIMIT keeps it within the cap); any other is spooled until complete so that an answer over
//! the cap becomes an error instead of a truncated body.

use crate::WebError;
use crate::stream::Spool;
use jiyi_store::{Query, QueryAnswer, QueryCancel, QueryRequest, Store, StoreError};
use oxrdf::NamedNode;
use oxrdfio::RdfFormat;
use serde::{Deserialize, Serialize};
use sparesults::{QueryResultsFormat, QueryResultsSerializer};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Answers are spooled in memory up to this size, then on disk.
const SPOOL_MEMORY: usize = 8 * 1024 * 1024;

/// What an answer is serialised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// SELECT/ASK results.
    Results(QueryResultsFormat),
    /// CONSTRUCT/DESCRIBE triples.
    Graph(RdfFormat),
}

impl Output {
    /// The `Content-Type` of the answer.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Results(f) => crate::formats::results_content_type(f),
            Self::Graph(f) => crate::formats::RdfRepresentation::Rdf(f).content_type(),
        }
    }

    /// A short stable name, for passing the choice to a worker process.
    pub fn name(self) -> &'static str {
        match self {
            Self::Results(QueryResultsFormat::Xml) => "srx",
            Self::Results(QueryResultsFormat::Csv) => "csv",
            Self::Results(QueryResultsFormat::Tsv) => "tsv",
            Self::Results(_) => "srj",
            Self::Graph(RdfFormat::NTriples) => "nt",
            Self::Graph(RdfFormat::JsonLd { .. }) => "jsonld",
            Self::Graph(RdfFormat::RdfXml) => "rdfxml",
            Self::Graph(RdfFormat::TriG) => "trig",
            Self::Graph(RdfFormat::NQuads) => "nq",
            Self::Graph(_) => "ttl",
        }
    }

    /// Reads [`Self::name`] back.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "srj" => Self::Results(QueryResultsFormat::Json),
            "srx" => Self::Results(QueryResultsFormat::Xml),
            "csv" => Self::Results(QueryResultsFormat::Csv),
            "tsv" => Self::Results(QueryResultsFormat::Tsv),
            "ttl" => Self::Graph(RdfFormat::Turtle),
            "nt" => Self::Graph(RdfFormat::NTriples),
            "jsonld" => Self::Graph(RdfFormat::JsonLd {
                profile: oxrdfio::JsonLdProfileSet::empty(),
            }),
            "rdfxml" => Self::Graph(RdfFormat::RdfXml),
            "trig" => Self::Graph(RdfFormat::TriG),
            "nq" => Self::Graph(RdfFormat::NQuads),
            _ => return None,
        })
    }
}

/// One query to evaluate, self-contained so it can travel to a worker process as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    /// The query text (already parsed once by the handler, so known to be valid).
    pub query: String,
    /// The service's base IRI, against which relative IRIs in the query resolve.
    pub base: Option<String>,
    /// `default-graph-uri` values.
    pub default_graphs: Vec<String>,
    /// `named-graph-uri` values.
    pub named_graphs: Vec<String>,
    /// Union default graph on or off.
    pub union: bool,
    /// [`Output::name`].
    pub output: String,
    /// The result cap when the answer must be spooled and checked; `None` to stream.
    pub cap: Option<u64>,
    /// Time limit in milliseconds.
    pub timeout_ms: u64,
}

/// A failure reported in place of an answer, in a form that crosses a process boundary.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    /// Stopped at the time limit.
    Timeout {
        /// The limit in milliseconds.
        limit_ms: u64,
    },
    /// More results than the cap.
    TooMany {
        /// The cap.
        limit: u64,
    },
    /// The client's fault (bad query, bad graph IRI…).
    BadRequest {
        /// What is wrong.
        message: String,
    },
    /// Ours.
    Internal {
        /// What failed.
        message: String,
    },
}

impl From<Failure> for WebError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Timeout { limit_ms } => Self::QueryTimeout {
                limit: Duration::from_millis(limit_ms),
            },
            Failure::TooMany { limit } => Self::ResultTooLarge { limit },
            Failure::BadRequest { message } => Self::BadRequest(message),
            Failure::Internal { message } => Self::Internal(message),
        }
    }
}

/// Why serialising stopped.
enum Stop {
    TooMany,
    Store(StoreError),
    Io(std::io::Error),
}

/// Evaluates `job` on `store`. `head` is called exactly once, before any body byte, with the
/// outcome; when it is `Ok`, the answer is then written to `body`. An error after the head
/// (stream broken, evaluation failing mid-way) is returned so the caller can cut the body.
pub fn evaluate(
    store: &Store,
    job: &Job,
    cancel: &QueryCancel,
    timed_out: &AtomicBool,
    head: &mut dyn FnMut(Result<(), Failure>),
    body: &mut dyn Write,
) -> Result<(), String> {
    let failure = |e: StoreError| -> Failure {
        match e {
            StoreError::QueryCancelled if timed_out.load(Ordering::SeqCst) => Failure::Timeout {
                limit_ms: job.timeout_ms,
            },
            StoreError::QuerySyntax(m) => Failure::BadRequest {
                message: format!("SPARQL syntax error: {m}"),
            },
            e @ StoreError::QueryUnsupported(_) => Failure::BadRequest {
                message: e.to_string(),
            },
            other => Failure::Internal {
                message: other.to_string(),
            },
        }
    };
    let prepared = match prepare(job) {
        Ok(p) => p,
        Err(f) => {
            head(Err(f));
            return Ok(());
        }
    };
    let (query, defaults, named, output) = prepared;
    let request = QueryRequest {
        query: &query,
        default_graph_uris: defaults,
        named_graph_uris: named,
        union_default_graph: job.union,
        cancel: Some(cancel.clone()),
    };
    let answer = match store.query(&request) {
        Ok(a) => a,
        Err(e) => {
            head(Err(failure(e)));
            return Ok(());
        }
    };
    match job.cap {
        None => {
            head(Ok(()));
            match serialize(answer, output, body, None) {
                Ok(()) => Ok(()),
                Err(Stop::Store(e)) => Err(WebError::from(failure(e)).to_string()),
                Err(Stop::Io(e)) => Err(e.to_string()),
                Err(Stop::TooMany) => Err("result cap exceeded".into()),
            }
        }
        Some(cap) => {
            let mut spool = Spool::new(SPOOL_MEMORY);
            match serialize(answer, output, &mut spool, Some(cap)) {
                Ok(()) => {
                    head(Ok(()));
                    spool.drain_into(body).map_err(|e| e.to_string())
                }
                Err(Stop::TooMany) => {
                    head(Err(Failure::TooMany { limit: cap }));
                    Ok(())
                }
                Err(Stop::Store(e)) => {
                    head(Err(failure(e)));
                    Ok(())
                }
                Err(Stop::Io(e)) => {
                    head(Err(Failure::Internal {
                        message: format!("spooling the answer: {e}"),
                    }));
                    Ok(())
                }
            }
        }
    }
}

type Prepared = (Query, Vec<NamedNode>, Vec<NamedNode>, Output);

fn prepare(job: &Job) -> Result<Prepared, Failure> {
    let bad = |message: String| Failure::BadRequest { message };
    let query = Query::parse(&job.query, job.base.as_deref()).map_err(|e| bad(e.to_string()))?;
    let iris = |list: &[String]| -> Result<Vec<NamedNode>, Failure> {
        list.iter()
            .map(|g| NamedNode::new(g).map_err(|e| bad(format!("graph IRI <{g}> is invalid: {e}"))))
            .collect()
    };
    let output = Output::from_name(&job.output).ok_or_else(|| Failure::Internal {
        message: format!("unknown output {:?}", job.output),
    })?;
    Ok((
        query,
        iris(&job.default_graphs)?,
        iris(&job.named_graphs)?,
        output,
    ))
}

fn serialize(
    answer: QueryAnswer,
    output: Output,
    out: &mut dyn Write,
    cap: Option<u64>,
) -> Result<(), Stop> {
    let over = |n: u64| cap.is_some_and(|c| n > c);
    match (answer, output) {
        (QueryAnswer::Boolean(value), Output::Results(format)) => {
            QueryResultsSerializer::from_format(format)
                .serialize_boolean_to_writer(out, value)
                .map_err(Stop::Io)?;
        }
        (QueryAnswer::Solutions(solutions), Output::Results(format)) => {
            let mut writer = QueryResultsSerializer::from_format(format)
                .serialize_solutions_to_writer(out, solutions.variables().to_vec())
                .map_err(Stop::Io)?;
            let mut n = 0;
            for solution in solutions {
                let solution = solution.map_err(Stop::Store)?;
                n += 1;
                if over(n) {
                    return Err(Stop::TooMany);
                }
                writer.serialize(&solution).map_err(Stop::Io)?;
            }
            writer.finish().map_err(Stop::Io)?;
        }
        (QueryAnswer::Graph(triples), Output::Graph(format)) => {
            let mut writer = crate::formats::rdf_serializer(format).for_writer(out);
            let mut n = 0;
            for triple in triples {
                let triple = triple.map_err(Stop::Store)?;
                n += 1;
                if over(n) {
                    return Err(Stop::TooMany);
                }
                writer.serialize_triple(&triple).map_err(Stop::Io)?;
            }
            writer.finish().map_err(Stop::Io)?;
        }
        _ => {
            return Err(Stop::Io(std::io::Error::other(
                "answer and output format do not match",
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_round_trip() {
        for name in [
            "srj", "srx", "csv", "tsv", "ttl", "nt", "jsonld", "rdfxml", "trig", "nq",
        ] {
            let output = Output::from_name(name).expect("known");
            assert_eq!(output.name(), name);
        }
        assert_eq!(Output::from_name("yaml"), None);
    }
}
