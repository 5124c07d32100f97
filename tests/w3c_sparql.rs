//! The W3C SPARQL 1.1 test suite, run through Jiyi's HTTP endpoints (`/sparql`, `/update`)
//! on a real `jiyi serve` process over a socket, so that what is tested is our protocol layer
//! over Oxigraph, not Oxigraph alone.
//!
//! Manifests run: query evaluation and syntax (`manifest-sparql11-query.ttl`), update
//! evaluation and syntax (`manifest-sparql11-update.ttl`), result formats
//! (`manifest-sparql11-results.ttl`), the protocol (`protocol/manifest.ttl`) and the Graph
//! Store Protocol with indirect graph identification
//! (`graph-store-protocol/manifest-indirect.ttl`). Every entry is
//! run, except those listed with a reason in `tests/skips/sparql11.txt`; the runner prints
//! `N passed, N failed, N skipped` and fails when any case fails, or when a listed skip
//! would now pass (so the list cannot go stale).
//!
//! How a case runs: one update replaces the whole dataset with the case's data (`DROP ALL`
//! then `INSERT DATA`, the data parsed here with the file's own IRI as base); the query goes
//! to `/sparql` with `BASE <query file IRI>` prepended (the protocol has no base parameter);
//! the answer is requested in the format of the expected result (XML, JSON, CSV, TSV or
//! N-Triples) so every serializer is exercised; results are compared as RDF: solutions are
//! written in the W3C result-set vocabulary and compared by graph isomorphism, ordered only
//! when the query has ORDER BY. The server runs with `--no-union-default-graph`, as the suite
//! assumes the plain RDF dataset.

mod support;

use oxrdf::dataset::CanonicalizationAlgorithm;
use oxrdf::vocab::rdf;
use oxrdf::{
    BlankNode, Dataset, Graph, GraphName, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad,
    Term, TermRef, Variable,
};
use oxrdfio::{RdfFormat, RdfParser};
use sparesults::{QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Duration;
use support::Server;

const SUITE_IRI: &str = "https://w3c.github.io/rdf-tests/sparql/sparql11/";
const MF: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#";
const QT: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#";
const UT: &str = "http://www.w3.org/2009/sparql/tests/test-update#";
const DAWGT: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#";
const HT: &str = "http://www.w3.org/2011/http#";
const CNT: &str = "http://www.w3.org/2011/content#";
const HTS: &str = "http://www.w3.org/2011/http-statusCodes#";
const RS: &str = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#";
const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
const TOKEN: &str = "w3c-suite-token";

const MANIFESTS: &[&str] = &[
    "manifest-sparql11-query.ttl",
    "manifest-sparql11-update.ttl",
    "manifest-sparql11-results.ttl",
    "protocol/manifest.ttl",
    // Indirect identification (?graph=, ?default) is how Jiyi's Graph Store names graphs;
    // manifest-direct.ttl assumes graphs named by URLs under the endpoint, which Jiyi's
    // read-only /graph/{name} serves for dataset graphs only.
    "graph-store-protocol/manifest-indirect.ttl",
];

fn suite_dir() -> PathBuf {
    support::root().join("../shared/conformance/w3c-rdf-tests/sparql/sparql11")
}

fn local_path(iri: &str) -> PathBuf {
    let relative = iri
        .strip_prefix(SUITE_IRI)
        .unwrap_or_else(|| panic!("{iri} is outside the suite"));
    suite_dir().join(relative)
}

fn nn(iri: &str) -> NamedNode {
    NamedNode::new_unchecked(iri)
}

fn format_of(iri: &str) -> RdfFormat {
    match iri.rsplit('.').next() {
        Some("rdf") => RdfFormat::RdfXml,
        Some("nt") => RdfFormat::NTriples,
        Some("nq") => RdfFormat::NQuads,
        Some("trig") => RdfFormat::TriG,
        _ => RdfFormat::Turtle,
    }
}

/// Parses a suite file into quads of `graph`, with its own IRI as base.
fn parse_rdf(iri: &str, graph: GraphName) -> Result<Vec<Quad>, String> {
    let bytes = std::fs::read(local_path(iri)).map_err(|e| format!("reading {iri}: {e}"))?;
    RdfParser::from_format(format_of(iri))
        .with_base_iri(iri)
        .map_err(|e| e.to_string())?
        .with_default_graph(graph)
        .for_slice(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("parsing {iri}: {e}"))
}

fn parse_graph(iri: &str) -> Graph {
    parse_rdf(iri, GraphName::DefaultGraph)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|q| oxrdf::Triple::new(q.subject, q.predicate, q.object))
        .collect()
}

/// Read access to a manifest graph.
struct Manifest {
    graph: Graph,
}

impl Manifest {
    fn object(&self, subject: &NamedOrBlankNode, predicate: &str) -> Option<Term> {
        self.graph
            .object_for_subject_predicate(subject, NamedNodeRef::new_unchecked(predicate))
            .map(TermRef::into_owned)
    }

    fn objects(&self, subject: &NamedOrBlankNode, predicate: &str) -> Vec<Term> {
        self.graph
            .objects_for_subject_predicate(subject, NamedNodeRef::new_unchecked(predicate))
            .map(TermRef::into_owned)
            .collect()
    }

    /// The IRI object of a required property, or an error naming what is missing.
    fn iri(&self, subject: &NamedOrBlankNode, predicate: &str) -> Result<String, String> {
        self.object(subject, predicate)
            .and_then(|t| iri_of(&t).map(str::to_owned))
            .ok_or_else(|| format!("{subject} has no IRI for <{predicate}>"))
    }

    /// The node object (IRI or blank node) of a required property.
    fn node(
        &self,
        subject: &NamedOrBlankNode,
        predicate: &str,
    ) -> Result<NamedOrBlankNode, String> {
        self.object(subject, predicate)
            .and_then(|t| as_subject(&t))
            .ok_or_else(|| format!("{subject} has no node for <{predicate}>"))
    }

    /// The text (literal or IRI) of a required property.
    fn text(&self, subject: &NamedOrBlankNode, predicate: &str) -> Result<String, String> {
        self.object(subject, predicate)
            .and_then(|t| text_of(&t).map(str::to_owned))
            .ok_or_else(|| format!("{subject} has no <{predicate}>"))
    }

    fn list(&self, head: Option<Term>) -> Vec<Term> {
        let mut items = Vec::new();
        let mut node = head;
        while let Some(Term::BlankNode(b)) = node {
            let subject = NamedOrBlankNode::from(b);
            if let Some(first) = self.object(&subject, rdf::FIRST.as_str()) {
                items.push(first);
            }
            node = self.object(&subject, rdf::REST.as_str());
        }
        items
    }
}

fn as_subject(term: &Term) -> Option<NamedOrBlankNode> {
    match term {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        Term::Literal(_) => None,
    }
}

fn iri_of(term: &Term) -> Option<&str> {
    match term {
        Term::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

fn text_of(term: &Term) -> Option<&str> {
    match term {
        Term::Literal(l) => Some(l.value()),
        Term::NamedNode(n) => Some(n.as_str()),
        Term::BlankNode(_) => None,
    }
}

/// One test entry and the manifest it lives in.
struct Case {
    iri: String,
    kind: String,
    node: NamedOrBlankNode,
    manifest: std::rc::Rc<Manifest>,
}

fn collect_cases(manifest_iri: &str, out: &mut Vec<Case>) {
    let manifest = std::rc::Rc::new(Manifest {
        graph: parse_graph(manifest_iri),
    });
    let root: NamedOrBlankNode = nn(manifest_iri).into();
    for include in manifest.list(manifest.object(&root, &format!("{MF}include"))) {
        collect_cases(iri_of(&include).expect("included manifest IRI"), out);
    }
    for entry in manifest.list(manifest.object(&root, &format!("{MF}entries"))) {
        let node = as_subject(&entry).expect("entry node");
        let kind = manifest
            .object(&node, rdf::TYPE.as_str())
            .and_then(|t| iri_of(&t).map(|s| s.rsplit('#').next().unwrap_or(s).to_owned()))
            .unwrap_or_default();
        out.push(Case {
            iri: entry.to_string().trim_matches(['<', '>']).to_owned(),
            kind,
            node,
            manifest: manifest.clone(),
        });
    }
}

/// The HTTP side: a blocking client on one `jiyi serve`.
struct Endpoint {
    server: Server,
    client: reqwest::blocking::Client,
}

/// What came back from the server.
struct Answer {
    status: u16,
    content_type: String,
    location: Option<String>,
    body: Vec<u8>,
}

impl Endpoint {
    fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Result<Answer, String> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.server.url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().map_err(|e| format!("HTTP: {e}"))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response
            .bytes()
            .map_err(|e| format!("reading the answer: {e}"))?
            .to_vec();
        Ok(Answer {
            status,
            content_type,
            location,
            body,
        })
    }

    fn update(&self, text: &str) -> Result<Answer, String> {
        self.send(
            "POST",
            "/update",
            &[
                ("content-type", "application/sparql-update"),
                ("authorization", &format!("Bearer {TOKEN}")),
            ],
            Some(text.as_bytes().to_vec()),
        )
    }

    /// Replaces the whole dataset with these quads, in one update.
    fn reset(&self, quads: &[Quad]) -> Result<(), String> {
        let mut text = String::from("DROP ALL ;\nINSERT DATA {\n");
        let mut by_graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for q in quads {
            let key = match &q.graph_name {
                GraphName::DefaultGraph => String::new(),
                g => g.to_string(),
            };
            by_graph
                .entry(key)
                .or_default()
                .push(format!("{} {} {} .", q.subject, q.predicate, q.object));
        }
        for (graph, triples) in by_graph {
            if graph.is_empty() {
                text.push_str(&triples.join("\n"));
            } else {
                text.push_str(&format!("GRAPH {graph} {{\n{}\n}}", triples.join("\n")));
            }
            text.push('\n');
        }
        text.push('}');
        let answer = self.update(&text)?;
        if answer.status / 100 != 2 {
            return Err(format!(
                "loading the data failed ({}): {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            ));
        }
        Ok(())
    }

    fn query(&self, text: &str, accept: &str) -> Result<Answer, String> {
        self.send(
            "POST",
            "/sparql",
            &[
                ("content-type", "application/sparql-query"),
                ("accept", accept),
            ],
            Some(text.as_bytes().to_vec()),
        )
    }

    /// The whole dataset as quads, read back through `/sparql`.
    fn dataset(&self) -> Result<Dataset, String> {
        let answer = self.query(
            "SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
            "application/sparql-results+json",
        )?;
        if answer.status != 200 {
            return Err(format!("reading the dataset: {}", answer.status));
        }
        let (_, rows) = parse_solutions(&answer.body, QueryResultsFormat::Json)?;
        let var = |name: &str| Variable::new_unchecked(name);
        let mut dataset = Dataset::new();
        for row in rows {
            let get = |v: &str| row.get(&var(v)).cloned();
            let (Some(s), Some(p), Some(o)) = (get("s"), get("p"), get("o")) else {
                return Err("incomplete quad row".into());
            };
            let graph = match get("g") {
                Some(Term::NamedNode(n)) => GraphName::NamedNode(n),
                Some(Term::BlankNode(b)) => GraphName::BlankNode(b),
                _ => GraphName::DefaultGraph,
            };
            let Term::NamedNode(p) = p else {
                return Err("non-IRI predicate".into());
            };
            dataset.insert(&Quad::new(
                as_subject(&s).ok_or("literal subject")?,
                p,
                o,
                graph,
            ));
        }
        Ok(dataset)
    }
}

type Row = HashMap<Variable, Term>;

fn parse_solutions(
    body: &[u8],
    format: QueryResultsFormat,
) -> Result<(Vec<Variable>, Vec<Row>), String> {
    match QueryResultsParser::from_format(format)
        .for_slice(body)
        .map_err(|e| format!("unparsable results: {e}"))?
    {
        SliceQueryResultsParserOutput::Solutions(solutions) => {
            let variables = solutions.variables().to_vec();
            let mut rows = Vec::new();
            for s in solutions {
                let s = s.map_err(|e| format!("unparsable results: {e}"))?;
                rows.push(
                    s.iter()
                        .map(|(v, t)| (v.clone(), t.clone()))
                        .collect::<Row>(),
                );
            }
            Ok((variables, rows))
        }
        SliceQueryResultsParserOutput::Boolean(_) => {
            Err("expected solutions, got a boolean".into())
        }
    }
}

/// Solutions or a boolean, in a form that compares by isomorphism.
#[derive(Debug)]
enum Outcome {
    Boolean(bool),
    Solutions(Dataset),
    Graph(Dataset),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Boolean(b) => write!(f, "{b}"),
            Self::Solutions(d) | Self::Graph(d) => {
                let mut lines: Vec<String> = d.iter().map(|q| q.to_string()).collect();
                lines.sort();
                write!(f, "\n{}", lines.join("\n"))
            }
        }
    }
}

impl PartialEq for Outcome {
    fn eq(&self, other: &Self) -> bool {
        let canonical = |d: &Dataset| {
            let mut d = normalize_dataset(d);
            d.canonicalize(CanonicalizationAlgorithm::Unstable);
            d
        };
        match (self, other) {
            (Self::Boolean(a), Self::Boolean(b)) => a == b,
            (Self::Solutions(a), Self::Solutions(b)) | (Self::Graph(a), Self::Graph(b)) => {
                canonical(a) == canonical(b)
            }
            _ => false,
        }
    }
}

const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// Oxigraph stores numbers and booleans by value, so `"1.0"^^xsd:decimal` comes back as
/// `"1"` and `"3.0E4"^^xsd:double` as `"30000"`: same value, same datatype, another lexical
/// form. Both sides are brought to one lexical form per value before comparing; the
/// datatype is kept, so a changed datatype (e.g. xsd:negativeInteger read back as
/// xsd:integer) still fails.
fn normalize_term(term: Term) -> Term {
    let Term::Literal(literal) = &term else {
        return term;
    };
    let Some(local) = literal.datatype().as_str().strip_prefix(XSD) else {
        return term;
    };
    let value = literal.value().trim();
    let canonical = match local {
        "double" | "float" => match value {
            "INF" | "+INF" => Some("INF".to_owned()),
            "-INF" => Some("-INF".to_owned()),
            "NaN" => Some("NaN".to_owned()),
            v => v.parse::<f64>().ok().map(|f| format!("{f:?}")),
        },
        "decimal" => canonical_decimal(value),
        "integer" | "long" | "int" | "short" | "byte" | "nonNegativeInteger"
        | "positiveInteger" | "nonPositiveInteger" | "negativeInteger" | "unsignedLong"
        | "unsignedInt" | "unsignedShort" | "unsignedByte" => {
            value.parse::<i128>().ok().map(|i| i.to_string())
        }
        "boolean" => match value {
            "true" | "1" => Some("true".to_owned()),
            "false" | "0" => Some("false".to_owned()),
            _ => None,
        },
        _ => None,
    };
    match canonical {
        Some(c) => Literal::new_typed_literal(c, literal.datatype().into_owned()).into(),
        None => term,
    }
}

fn canonical_decimal(value: &str) -> Option<String> {
    let (negative, digits) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value.strip_prefix('+').unwrap_or(value)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let zero = int == "0" && frac.is_empty();
    Some(format!(
        "{}{int}{}{frac}",
        if negative && !zero { "-" } else { "" },
        if frac.is_empty() { "" } else { "." }
    ))
}

fn normalize_dataset(dataset: &Dataset) -> Dataset {
    dataset
        .iter()
        .map(|q| {
            let q = q.into_owned();
            Quad::new(
                q.subject,
                q.predicate,
                normalize_term(q.object),
                q.graph_name,
            )
        })
        .collect()
}

/// Writes solutions in the W3C result-set vocabulary (the one the suite's RDF results use),
/// with `rs:index` only when order matters.
fn result_set(variables: &[Variable], rows: &[Row], ordered: bool) -> Dataset {
    let mut d = Dataset::new();
    let rs = |local: &str| nn(&format!("{RS}{local}"));
    let set = BlankNode::default();
    d.insert(&Quad::new(
        set.clone(),
        rdf::TYPE.into_owned(),
        rs("ResultSet"),
        GraphName::DefaultGraph,
    ));
    for v in variables {
        d.insert(&Quad::new(
            set.clone(),
            rs("resultVariable"),
            Literal::new_simple_literal(v.as_str()),
            GraphName::DefaultGraph,
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        let solution = BlankNode::default();
        d.insert(&Quad::new(
            set.clone(),
            rs("solution"),
            solution.clone(),
            GraphName::DefaultGraph,
        ));
        if ordered {
            d.insert(&Quad::new(
                solution.clone(),
                rs("index"),
                Literal::from(i64::try_from(i + 1).unwrap_or(i64::MAX)),
                GraphName::DefaultGraph,
            ));
        }
        for (var, value) in row {
            let binding = BlankNode::default();
            d.insert(&Quad::new(
                solution.clone(),
                rs("binding"),
                binding.clone(),
                GraphName::DefaultGraph,
            ));
            d.insert(&Quad::new(
                binding.clone(),
                rs("variable"),
                Literal::new_simple_literal(var.as_str()),
                GraphName::DefaultGraph,
            ));
            d.insert(&Quad::new(
                binding,
                rs("value"),
                normalize_term(value.clone()),
                GraphName::DefaultGraph,
            ));
        }
    }
    d
}

/// Reads a result set written in the result-set vocabulary back into rows.
fn rows_from_rdf(graph: &Graph) -> Result<(Vec<Variable>, Vec<Row>, bool), String> {
    let m = Manifest {
        graph: graph.clone(),
    };
    let set = graph
        .subjects_for_predicate_object(
            rdf::TYPE,
            NamedNodeRef::new_unchecked(&format!("{RS}ResultSet")),
        )
        .next()
        .ok_or("no rs:ResultSet")?
        .into_owned();
    if let Some(b) = m.object(&set, &format!("{RS}boolean")) {
        return Err(format!("boolean:{}", text_of(&b).unwrap_or("")));
    }
    let variables = m
        .objects(&set, &format!("{RS}resultVariable"))
        .iter()
        .filter_map(text_of)
        .map(Variable::new_unchecked)
        .collect();
    let mut indexed = Vec::new();
    let mut ordered = false;
    for solution in m.objects(&set, &format!("{RS}solution")) {
        let s = as_subject(&solution).ok_or("bad solution")?;
        let index = m
            .object(&s, &format!("{RS}index"))
            .and_then(|i| text_of(&i).and_then(|t| t.parse::<u64>().ok()));
        ordered |= index.is_some();
        let mut row = Row::new();
        for binding in m.objects(&s, &format!("{RS}binding")) {
            let b = as_subject(&binding).ok_or("bad binding")?;
            let var = m
                .object(&b, &format!("{RS}variable"))
                .and_then(|v| text_of(&v).map(Variable::new_unchecked))
                .ok_or("binding without variable")?;
            let value = m
                .object(&b, &format!("{RS}value"))
                .ok_or("binding without value")?;
            row.insert(var, value);
        }
        indexed.push((index.unwrap_or(0), row));
    }
    indexed.sort_by_key(|(i, _)| *i);
    Ok((
        variables,
        indexed.into_iter().map(|(_, r)| r).collect(),
        ordered,
    ))
}

/// CSV loses term types, so both sides are compared as strings, blank-node labels kept
/// apart so that they still compare up to renaming.
fn csv_rows(body: &[u8]) -> Result<(Vec<Variable>, Vec<Row>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(body);
    let variables: Vec<Variable> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(Variable::new_unchecked)
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let mut row = Row::new();
        for (var, cell) in variables.iter().zip(record.iter()) {
            if cell.is_empty() {
                continue;
            }
            let value = match cell.strip_prefix("_:") {
                Some(label) => Term::BlankNode(BlankNode::new_unchecked(label)),
                None => Term::Literal(Literal::new_simple_literal(cell)),
            };
            row.insert(var.clone(), value);
        }
        rows.push(row);
    }
    Ok((variables, rows))
}

fn results_format(iri: &str) -> Option<QueryResultsFormat> {
    match iri.rsplit('.').next()? {
        "srx" => Some(QueryResultsFormat::Xml),
        "srj" => Some(QueryResultsFormat::Json),
        "tsv" => Some(QueryResultsFormat::Tsv),
        "csv" => Some(QueryResultsFormat::Csv),
        _ => None,
    }
}

fn is_ordered(query: &str) -> bool {
    query.to_ascii_uppercase().contains("ORDER BY")
}

/// The expected outcome of an evaluation test and the media type to ask for.
fn expected_outcome(result_iri: &str, ordered: bool) -> Result<(Outcome, &'static str), String> {
    let bytes = std::fs::read(local_path(result_iri)).map_err(|e| e.to_string())?;
    if let Some(format) = results_format(result_iri) {
        if format == QueryResultsFormat::Csv {
            let (vars, rows) = csv_rows(&bytes)?;
            return Ok((
                Outcome::Solutions(result_set(&vars, &rows, ordered)),
                "text/csv",
            ));
        }
        let accept = format.media_type();
        let accept: &'static str = match accept {
            "application/sparql-results+xml" => "application/sparql-results+xml",
            "application/sparql-results+json" => "application/sparql-results+json",
            _ => "text/tab-separated-values",
        };
        return match QueryResultsParser::from_format(format)
            .for_slice(&bytes)
            .map_err(|e| e.to_string())?
        {
            SliceQueryResultsParserOutput::Boolean(b) => Ok((Outcome::Boolean(b), accept)),
            SliceQueryResultsParserOutput::Solutions(_) => {
                let (vars, rows) = parse_solutions(&bytes, format)?;
                Ok((
                    Outcome::Solutions(result_set(&vars, &rows, ordered)),
                    accept,
                ))
            }
        };
    }
    let graph = parse_graph(result_iri);
    let is_result_set = graph
        .subjects_for_predicate_object(
            rdf::TYPE,
            NamedNodeRef::new_unchecked(&format!("{RS}ResultSet")),
        )
        .next()
        .is_some();
    if is_result_set {
        return match rows_from_rdf(&graph) {
            Ok((vars, rows, rdf_ordered)) => Ok((
                Outcome::Solutions(result_set(&vars, &rows, ordered && rdf_ordered)),
                "application/sparql-results+json",
            )),
            Err(b) if b.starts_with("boolean:") => Ok((
                Outcome::Boolean(b == "boolean:true"),
                "application/sparql-results+json",
            )),
            Err(e) => Err(e),
        };
    }
    let mut d = Dataset::new();
    for t in &graph {
        d.insert(t.in_graph(oxrdf::GraphNameRef::DefaultGraph));
    }
    Ok((Outcome::Graph(d), "application/n-triples"))
}

fn actual_outcome(answer: &Answer, accept: &str, ordered: bool) -> Result<Outcome, String> {
    if answer.status != 200 {
        return Err(format!(
            "HTTP {}: {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        ));
    }
    let media = answer.content_type.split(';').next().unwrap_or("").trim();
    if media == "application/n-triples" {
        let mut d = Dataset::new();
        for q in RdfParser::from_format(RdfFormat::NTriples).for_slice(&answer.body) {
            d.insert(&q.map_err(|e| format!("unparsable N-Triples answer: {e}"))?);
        }
        return Ok(Outcome::Graph(d));
    }
    if media != accept {
        return Err(format!("asked for {accept}, got {media}"));
    }
    if accept == "text/csv" {
        let (vars, rows) = csv_rows(&answer.body)?;
        return Ok(Outcome::Solutions(result_set(&vars, &rows, ordered)));
    }
    let format = QueryResultsFormat::from_media_type(media)
        .ok_or_else(|| format!("unknown results type {media}"))?;
    match QueryResultsParser::from_format(format)
        .for_slice(&answer.body)
        .map_err(|e| e.to_string())?
    {
        SliceQueryResultsParserOutput::Boolean(b) => Ok(Outcome::Boolean(b)),
        SliceQueryResultsParserOutput::Solutions(_) => {
            let (vars, rows) = parse_solutions(&answer.body, format)?;
            Ok(Outcome::Solutions(result_set(&vars, &rows, ordered)))
        }
    }
}

fn read_text(iri: &str) -> Result<String, String> {
    std::fs::read_to_string(local_path(iri)).map_err(|e| format!("reading {iri}: {e}"))
}

/// The data of a test: `qt:data` / `ut:data` into the default graph, `qt:graphData` into a
/// graph named by the file, `ut:graphData` into the graph its `rdfs:label` names.
fn test_data(m: &Manifest, node: &NamedOrBlankNode, ns: &str) -> Result<Vec<Quad>, String> {
    let mut quads = Vec::new();
    for data in m.objects(node, &format!("{ns}data")) {
        quads.extend(parse_rdf(
            iri_of(&data).ok_or("bad data")?,
            GraphName::DefaultGraph,
        )?);
    }
    for graph in m.objects(node, &format!("{ns}graphData")) {
        match &graph {
            Term::NamedNode(n) => quads.extend(parse_rdf(n.as_str(), n.clone().into())?),
            Term::BlankNode(b) => {
                let b = NamedOrBlankNode::from(b.clone());
                let file = m.iri(&b, &format!("{UT}graph"))?;
                let name = m
                    .object(&b, RDFS_LABEL)
                    .and_then(|t| text_of(&t).map(str::to_owned))
                    .unwrap_or_else(|| file.clone());
                quads.extend(parse_rdf(&file, nn(&name).into())?);
            }
            Term::Literal(_) => return Err("bad graphData".into()),
        }
    }
    Ok(quads)
}

fn with_base(text: &str, iri: &str) -> String {
    format!("BASE <{iri}>\n{text}")
}

fn run_query_evaluation(e: &Endpoint, case: &Case) -> Result<(), String> {
    let m = &case.manifest;
    let action = m.node(&case.node, &format!("{MF}action"))?;
    let query_iri = m.iri(&action, &format!("{QT}query"))?;
    let result_iri = m.iri(&case.node, &format!("{MF}result"))?;
    e.reset(&test_data(m, &action, QT)?)?;
    let query = read_text(&query_iri)?;
    let ordered = is_ordered(&query);
    let (expected, accept) = expected_outcome(&result_iri, ordered)?;
    let answer = e.query(&with_base(&query, &query_iri), accept)?;
    let actual = actual_outcome(&answer, accept, ordered)?;
    if actual == expected {
        Ok(())
    } else {
        Err(format!(
            "results differ\nexpected: {expected}\nactual: {actual}"
        ))
    }
}

fn run_update_evaluation(e: &Endpoint, case: &Case) -> Result<(), String> {
    let m = &case.manifest;
    let action = m.node(&case.node, &format!("{MF}action"))?;
    let request_iri = m.iri(&action, &format!("{UT}request"))?;
    let result = m.node(&case.node, &format!("{MF}result"))?;
    e.reset(&test_data(m, &action, UT)?)?;
    let answer = e.update(&with_base(&read_text(&request_iri)?, &request_iri))?;
    let expects_failure = m
        .object(&result, &format!("{UT}result"))
        .is_some_and(|r| iri_of(&r) == Some(&format!("{UT}failure")));
    if answer.status / 100 != 2 && !expects_failure {
        return Err(format!(
            "update refused ({}): {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        ));
    }
    let mut expected = Dataset::new();
    for q in test_data(m, &result, UT)? {
        expected.insert(&q);
    }
    let actual = e.dataset()?;
    if Outcome::Graph(actual.clone()) == Outcome::Graph(expected.clone()) {
        Ok(())
    } else {
        Err(format!(
            "dataset after the update differs\nexpected: {expected}\nactual: {actual}"
        ))
    }
}

fn is_syntax_error(answer: &Answer) -> bool {
    answer.status == 400 && String::from_utf8_lossy(&answer.body).contains("syntax error")
}

fn run_syntax(e: &Endpoint, case: &Case, update: bool, positive: bool) -> Result<(), String> {
    let m = &case.manifest;
    let iri = m.iri(&case.node, &format!("{MF}action"))?;
    // Decoding is part of the protocol: a file that is not UTF-8 must be refused as such.
    let bytes = std::fs::read(local_path(&iri)).map_err(|err| err.to_string())?;
    let mut body = format!("BASE <{iri}>\n").into_bytes();
    body.extend_from_slice(&bytes);
    let answer = if update {
        e.reset(&[])?;
        e.send(
            "POST",
            "/update",
            &[
                ("content-type", "application/sparql-update"),
                ("authorization", &format!("Bearer {TOKEN}")),
            ],
            Some(body),
        )?
    } else {
        e.send(
            "POST",
            "/sparql",
            &[("content-type", "application/sparql-query")],
            Some(body),
        )?
    };
    let refused_as_syntax = is_syntax_error(&answer)
        || (answer.status == 400 && !bytes.is_empty() && std::str::from_utf8(&bytes).is_err());
    match (positive, refused_as_syntax) {
        (true, false) if answer.status < 500 => Ok(()),
        (false, true) => Ok(()),
        _ => Err(format!(
            "expected {}, got {}: {}",
            if positive {
                "acceptance"
            } else {
                "a syntax error"
            },
            answer.status,
            String::from_utf8_lossy(&answer.body)
        )),
    }
}

/// A protocol test: its requests in order, each checked against the expected response.
fn run_protocol(e: &Endpoint, case: &Case) -> Result<(), String> {
    let m = &case.manifest;
    let mut data = Vec::new();
    for graph in m.objects(&case.node, &format!("{UT}graphData")) {
        let b = as_subject(&graph).ok_or("bad graphData")?;
        let file = m.iri(&b, &format!("{UT}graph"))?;
        let name = m.text(&b, RDFS_LABEL)?;
        data.extend(parse_rdf(&file, nn(&name).into())?);
    }
    e.reset(&data)?;
    let is_update_case = case.iri.contains("update");
    let action = m.node(&case.node, &format!("{MF}action"))?;
    // mf:expectedLocation: a Location header value replaces this variable in later requests.
    let mut location: Option<(String, String)> = None;
    let substitute = |text: String, location: &Option<(String, String)>| match location {
        Some((var, value)) => text.replace(var.as_str(), value),
        None => text,
    };
    for request in m.list(m.object(&action, &format!("{HT}requests"))) {
        let r = as_subject(&request).ok_or("bad request")?;
        let method = m.text(&r, &format!("{HT}methodName"))?;
        let path = m.text(&r, &format!("{HT}absolutePath"))?;
        let path = substitute(path, &location);
        let mut headers: Vec<(String, String)> = Vec::new();
        for h in m.list(m.object(&r, &format!("{HT}headers"))) {
            let h = as_subject(&h).ok_or("bad header")?;
            let name = m.object(&h, &format!("{HT}fieldName"));
            let value = m.object(&h, &format!("{HT}fieldValue"));
            if let (Some(n), Some(v)) = (name, value) {
                headers.push((
                    text_of(&n).unwrap_or("").to_owned(),
                    text_of(&v).unwrap_or("").to_owned(),
                ));
            }
        }
        let content_type = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.to_ascii_lowercase())
            .unwrap_or_default();
        let body = match m
            .object(&r, &format!("{HT}body"))
            .and_then(|b| as_subject(&b))
        {
            Some(b) => {
                let chars = m
                    .object(&b, &format!("{CNT}chars"))
                    .and_then(|t| text_of(&t).map(str::to_owned))
                    .unwrap_or_default();
                let chars = substitute(chars, &location);
                if content_type.contains("utf-16") {
                    Some(
                        chars
                            .encode_utf16()
                            .flat_map(u16::to_be_bytes)
                            .collect::<Vec<u8>>(),
                    )
                } else {
                    Some(chars.into_bytes())
                }
            }
            None => None,
        };
        // The suite sends queries and updates to one /sparql/ path; Jiyi has /sparql and
        // /update. A request is an update when it says so, or when it is the update case's
        // request that is not a query.
        let body_text = body
            .as_deref()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let says_query = content_type.starts_with("application/sparql-query")
            || body_text.starts_with("query=")
            || path.contains("query=");
        let says_update = content_type.starts_with("application/sparql-update")
            || body_text.starts_with("update=")
            || path.contains("update=");
        let to_update = says_update || (is_update_case && !says_query);
        // The Graph Store Protocol suite uses /gsp; Jiyi's Graph Store is /graph-store, where
        // reads are public and writes need the token.
        let (target, to_update) = if let Some(rest) = path.strip_prefix("/gsp") {
            let writes = !matches!(method.as_str(), "GET" | "HEAD");
            (format!("/graph-store{rest}"), writes)
        } else {
            let rest = path
                .strip_prefix("/sparql/")
                .ok_or_else(|| format!("unexpected path {path}"))?;
            let endpoint = if to_update { "/update" } else { "/sparql" };
            (format!("{endpoint}{rest}"), to_update)
        };
        let mut header_refs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let auth = format!("Bearer {TOKEN}");
        if to_update {
            header_refs.push(("authorization", &auth));
        }
        let answer = e.send(&method, &target, &header_refs, body)?;
        let response = m.node(&r, &format!("{HT}resp"))?;
        let statuses: Vec<String> = m
            .objects(&response, &format!("{MF}expectedStatus"))
            .iter()
            .filter_map(|t| iri_of(t).map(str::to_owned))
            .collect();
        let status_ok = statuses.iter().any(|s| {
            let class = s.strip_prefix(HTS).unwrap_or(s);
            match class {
                "StatusCode2xx" => answer.status / 100 == 2,
                "StatusCode3xx" => answer.status / 100 == 3,
                "StatusCode4xx" => answer.status / 100 == 4,
                "StatusCode5xx" => answer.status / 100 == 5,
                "OK" => answer.status == 200,
                "Created" => answer.status == 201,
                "NoContent" => answer.status == 204,
                "NotFound" => answer.status == 404,
                _ => false,
            }
        });
        if !status_ok {
            return Err(format!(
                "{method} {target}: expected {statuses:?}, got {}: {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            ));
        }
        let media = answer
            .content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_owned();
        if let Some(format) = m
            .object(&response, &format!("{MF}expectedFormat"))
            .and_then(|t| text_of(&t).map(str::to_owned))
        {
            let allowed: &[&str] = match format.as_str() {
                "boolean" => &[
                    "application/sparql-results+xml",
                    "application/sparql-results+json",
                ],
                "tabular" => &[
                    "application/sparql-results+xml",
                    "application/sparql-results+json",
                    "text/csv",
                    "text/tab-separated-values",
                ],
                _ => &[
                    "application/rdf+xml",
                    "text/turtle",
                    "application/n-triples",
                ],
            };
            if !allowed.contains(&media.as_str()) {
                return Err(format!("expected a {format} format, got {media}"));
            }
        }
        if let Some(var) = m
            .object(&response, &format!("{MF}expectedLocation"))
            .and_then(|t| text_of(&t).map(str::to_owned))
        {
            let value = answer
                .location
                .clone()
                .ok_or("expected a Location header")?;
            location = Some((var, value));
        }
        // An expected RDF body: the answer must be the same graph (isomorphic).
        if let Some(b) = m
            .object(&response, &format!("{HT}body"))
            .and_then(|b| as_subject(&b))
        {
            let chars = m
                .object(&b, &format!("{CNT}chars"))
                .and_then(|t| text_of(&t).map(str::to_owned))
                .unwrap_or_default();
            let graph = |bytes: &[u8], media: &str| -> Result<Dataset, String> {
                let format = RdfFormat::from_media_type(media)
                    .ok_or_else(|| format!("not an RDF media type: {media:?}"))?;
                RdfParser::from_format(format)
                    .for_slice(bytes)
                    .collect::<Result<Dataset, _>>()
                    .map_err(|err| format!("unparsable {media}: {err}"))
            };
            let expected = graph(chars.as_bytes(), "text/turtle")?;
            let actual = graph(&answer.body, &media)?;
            if Outcome::Graph(expected.clone()) != Outcome::Graph(actual.clone()) {
                return Err(format!(
                    "{method} {target}: graph differs\nexpected: {}\nactual: {}",
                    Outcome::Graph(expected),
                    Outcome::Graph(actual)
                ));
            }
        }
        if let Some(expected) = m
            .object(&response, &format!("{MF}expectedBoolean"))
            .and_then(|t| text_of(&t).map(|s| s == "true"))
        {
            let format = QueryResultsFormat::from_media_type(&media)
                .ok_or_else(|| format!("not a results format: {media}"))?;
            match QueryResultsParser::from_format(format)
                .for_slice(&answer.body)
                .map_err(|err| err.to_string())?
            {
                SliceQueryResultsParserOutput::Boolean(b) if b == expected => {}
                _ => return Err(format!("expected boolean {expected}")),
            }
        }
    }
    Ok(())
}

/// `tests/skips/sparql11.txt`: `<test IRI> reason`, one per line.
fn skips() -> BTreeMap<String, String> {
    let path = support::root().join("tests/skips/sparql11.txt");
    let text = std::fs::read_to_string(&path).expect("tests/skips/sparql11.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (iri, reason) = l.split_once(' ').unwrap_or((l, ""));
            assert!(
                !reason.trim().is_empty(),
                "skip without a reason in {}: {l}",
                path.display()
            );
            (iri.to_owned(), reason.trim().to_owned())
        })
        .collect()
}

fn run_case(e: &Endpoint, case: &Case) -> Result<(), String> {
    match case.kind.as_str() {
        "QueryEvaluationTest" | "CSVResultFormatTest" => run_query_evaluation(e, case),
        "UpdateEvaluationTest" => run_update_evaluation(e, case),
        "PositiveSyntaxTest11" => run_syntax(e, case, false, true),
        "NegativeSyntaxTest11" => run_syntax(e, case, false, false),
        "PositiveUpdateSyntaxTest11" => run_syntax(e, case, true, true),
        "NegativeUpdateSyntaxTest11" => run_syntax(e, case, true, false),
        "ProtocolTest" | "GraphStoreProtocolTest" => run_protocol(e, case),
        other => Err(format!("no runner for test type {other:?}")),
    }
}

#[test]
fn w3c_sparql11_through_http() {
    let store = tempfile::tempdir().expect("tempdir");
    let token_file = store.path().join("token");
    std::fs::write(&token_file, TOKEN).expect("token");
    let server = Server::start(
        &store.path().join("store"),
        &[
            "--base",
            "http://example.org/jiyi/",
            "--no-union-default-graph",
            "--write-token-file",
            token_file.to_str().expect("utf-8"),
            "--max-request-body",
            "67108864",
            "--query-timeout",
            "30",
        ],
    );
    let endpoint = Endpoint {
        server,
        client: reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client"),
    };
    let mut cases = Vec::new();
    for manifest in MANIFESTS {
        collect_cases(&format!("{SUITE_IRI}{manifest}"), &mut cases);
    }
    let skips = skips();
    let (mut passed, mut failed, mut skipped) = (0, Vec::new(), Vec::new());
    let mut stale_skips = Vec::new();
    for case in &cases {
        let withdrawn = case
            .manifest
            .object(&case.node, &format!("{DAWGT}approval"))
            .is_some_and(|a| iri_of(&a) == Some(&format!("{DAWGT}Withdrawn")));
        if withdrawn {
            skipped.push((
                case.iri.clone(),
                "withdrawn by the working group".to_owned(),
            ));
            continue;
        }
        let outcome = run_case(&endpoint, case);
        match (skips.get(&case.iri), outcome) {
            (Some(reason), Err(_)) => skipped.push((case.iri.clone(), reason.clone())),
            (Some(_), Ok(())) => stale_skips.push(case.iri.clone()),
            (None, Ok(())) => passed += 1,
            (None, Err(e)) => failed.push((case.iri.clone(), e)),
        }
    }
    for (iri, error) in &failed {
        println!("FAIL {iri}\n    {}", error.replace('\n', "\n    "));
    }
    for (iri, reason) in &skipped {
        println!("SKIP {iri}: {reason}");
    }
    for iri in &stale_skips {
        println!("STALE SKIP (now passes; remove it from tests/skips/sparql11.txt) {iri}");
    }
    let unknown: Vec<&String> = skips
        .keys()
        .filter(|k| !cases.iter().any(|c| &&c.iri == k))
        .collect();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for case in &cases {
        *kinds.entry(case.kind.as_str()).or_default() += 1;
    }
    println!("cases by type: {kinds:?}");
    println!(
        "W3C SPARQL 1.1 through HTTP: {passed} passed, {} failed, {} skipped ({} cases)",
        failed.len(),
        skipped.len(),
        cases.len()
    );
    assert!(unknown.is_empty(), "skips name unknown tests: {unknown:?}");
    assert!(stale_skips.is_empty(), "stale skips: {stale_skips:?}");
    assert!(failed.is_empty(), "{} cases failed", failed.len());
}
