//! Reading a mapping document (Turtle) into the compiled model, with every check that can
//! be made before touching data.

use crate::LoadOptions;
use crate::error::RmlError;
use crate::functions::FunctionRegistry;
use crate::model::{
    Expression, FunctionCall, JoinCondition, OnError, PredicateObjectMap, RefObjectMap,
    TemplatePart, TermMap, TermType, TriplesMap,
};
use crate::source::input::{self, Compression};
use crate::source::{self, CsvDialect, LogicalSource, Namespaces, Reference, SourceFormat};
use crate::target::{LogicalTarget, Serialization};
use crate::template::{self, Segment};
use crate::vocab::{self, short};
use oxrdf::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use oxttl::TurtleParser;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where a term map sits; decides its default term type and what it may generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Subject,
    Predicate,
    Object,
    Graph,
    Datatype,
    Language,
    JoinChild,
    JoinParent,
    /// An `rml:inputValueMap` of a function execution.
    Input,
}

impl Position {
    fn noun(self) -> &'static str {
        match self {
            Self::Subject => "a subject map",
            Self::Predicate => "a predicate map",
            Self::Object => "an object map",
            Self::Graph => "a graph map",
            Self::Datatype => "a datatype map",
            Self::Language => "a language map",
            Self::JoinChild => "a child map",
            Self::JoinParent => "a parent map",
            Self::Input => "an input value map",
        }
    }

    fn allows(self, term_type: TermType) -> bool {
        match self {
            Self::Subject | Self::Graph => term_type != TermType::Literal,
            Self::Predicate | Self::Datatype => term_type.is_iri(),
            Self::Object | Self::Input => true,
            Self::Language | Self::JoinChild | Self::JoinParent => term_type == TermType::Literal,
        }
    }
}

/// The file URL of the mapping: the base IRI its relative IRIs (`<#TriplesMap1>`) resolve
/// against, as other RML processors do.
fn file_base_iri(path: &Path) -> String {
    const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'[')
        .add(b'\\')
        .add(b']')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let text = absolute.to_string_lossy().replace('\\', "/");
    let encoded = percent_encoding::utf8_percent_encode(&text, PATH_SET).to_string();
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        format!("file:///{encoded}")
    }
}

type Index = HashMap<NamedOrBlankNode, Vec<(NamedNode, Term)>>;

struct Doc<'a> {
    path: &'a Path,
    base: String,
    mapping_dir: PathBuf,
    /// What `rml:CurrentWorkingDirectory` means for this load.
    working_dir: PathBuf,
    index: Index,
    fresh_counter: usize,
    /// How many references were compiled so far: the next one's [`Reference::id`].
    references: std::cell::Cell<usize>,
    /// Every `rml:namespace` declaration in the document (XPath prefixes).
    namespaces: Namespaces,
    functions: &'a FunctionRegistry,
    /// Logical targets parsed so far, and the node each came from.
    targets: Vec<LogicalTarget>,
    target_nodes: Vec<NamedOrBlankNode>,
}

/// The parsed mapping: triples maps in document order, and the logical targets they use.
pub(crate) fn parse(
    text: &str,
    path: &Path,
    options: &LoadOptions,
) -> Result<(Vec<TriplesMap>, Vec<LogicalTarget>), RmlError> {
    let base = file_base_iri(path);
    let parser = TurtleParser::new()
        .with_base_iri(base.clone())
        .map_err(|e| RmlError::InvalidMapping {
            path: path.to_owned(),
            location: "mapping".into(),
            message: format!("cannot derive a base IRI from the file name: {e}"),
        })?;
    let mut triples: Vec<Triple> = Vec::new();
    for triple in parser.for_slice(text.as_bytes()) {
        match triple {
            Ok(triple) => triples.push(triple),
            Err(e) => {
                let start = e.location().start;
                return Err(RmlError::MappingSyntax {
                    path: path.to_owned(),
                    line: start.line + 1,
                    column: start.column + 1,
                    message: e.message().to_owned(),
                });
            }
        }
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mapping_dir = std::path::absolute(parent).unwrap_or_else(|_| parent.to_owned());

    let mut order: Vec<NamedOrBlankNode> = Vec::new();
    let mut index: Index = HashMap::new();
    for triple in &triples {
        let entry = index.entry(triple.subject.clone()).or_insert_with(|| {
            order.push(triple.subject.clone());
            Vec::new()
        });
        entry.push((triple.predicate.clone(), triple.object.clone()));
    }
    let working_dir = match &options.working_directory {
        Some(dir) => std::path::absolute(dir).unwrap_or_else(|_| dir.clone()),
        None => std::env::current_dir().unwrap_or_default(),
    };
    let builtins;
    let functions = match &options.functions {
        Some(functions) => functions.as_ref(),
        None => {
            builtins = FunctionRegistry::with_builtins();
            &builtins
        }
    };
    let mut doc = Doc {
        path,
        base,
        mapping_dir,
        working_dir,
        index,
        fresh_counter: 0,
        references: std::cell::Cell::new(0),
        namespaces: Namespaces::default(),
        functions,
        targets: Vec::new(),
        target_nodes: Vec::new(),
    };
    doc.namespaces = doc.collect_namespaces(&order)?;
    let maps = doc.triples_maps(&order, &triples)?;
    Ok((maps, doc.targets))
}

/// A CSVW term.
fn csvw(local: &str) -> String {
    format!("{}{local}", vocab::CSVW_NS)
}

/// A resource as the object of a triple, or `None` for a literal.
fn as_resource(term: &Term) -> Option<NamedOrBlankNode> {
    match term {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        Term::Literal(_) => None,
    }
}

fn describe(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => short(n.as_str()),
        other => other.to_string(),
    }
}

impl Doc<'_> {
    fn error(&self, location: &str, message: impl Into<String>) -> RmlError {
        RmlError::InvalidMapping {
            path: self.path.to_owned(),
            location: location.to_owned(),
            message: message.into(),
        }
    }

    fn values(&self, node: &NamedOrBlankNode, predicate: &str) -> Vec<&Term> {
        self.index
            .get(node)
            .map(|pairs| {
                pairs
                    .iter()
                    .filter(|(p, _)| p.as_str() == predicate)
                    .map(|(_, o)| o)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn has(&self, node: &NamedOrBlankNode, predicate: &str) -> bool {
        !self.values(node, predicate).is_empty()
    }

    fn one(
        &self,
        node: &NamedOrBlankNode,
        predicate: &str,
        location: &str,
    ) -> Result<Option<&Term>, RmlError> {
        let values = self.values(node, predicate);
        match values.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            many => Err(self.error(
                location,
                format!(
                    "has {} {} values; at most one is allowed",
                    many.len(),
                    short(predicate)
                ),
            )),
        }
    }

    fn string(
        &self,
        node: &NamedOrBlankNode,
        predicate: &str,
        location: &str,
    ) -> Result<Option<String>, RmlError> {
        match self.one(node, predicate, location)? {
            None => Ok(None),
            Some(Term::Literal(l)) => Ok(Some(l.value().to_owned())),
            Some(other) => Err(self.error(
                location,
                format!(
                    "the value of {} must be a string literal, not {}",
                    short(predicate),
                    describe(other)
                ),
            )),
        }
    }

    /// A readable name for a node: `<#TriplesMap1>` for IRIs in the mapping file itself.
    fn name(&self, node: &NamedOrBlankNode, fallback: &str) -> String {
        match node {
            NamedOrBlankNode::NamedNode(n) => match n.as_str().strip_prefix(&self.base) {
                Some(rest) if !rest.is_empty() => format!("<{rest}>"),
                _ => format!("<{}>", n.as_str()),
            },
            NamedOrBlankNode::BlankNode(_) => fallback.to_owned(),
        }
    }

    fn triples_maps(
        &mut self,
        order: &[NamedOrBlankNode],
        triples: &[Triple],
    ) -> Result<Vec<TriplesMap>, RmlError> {
        let markers = [
            vocab::LOGICAL_SOURCE,
            vocab::SUBJECT_MAP,
            vocab::SUBJECT,
            vocab::PREDICATE_OBJECT_MAP,
        ];
        let nodes: Vec<NamedOrBlankNode> = order
            .iter()
            .filter(|node| {
                self.values(node, vocab::RDF_TYPE)
                    .iter()
                    .any(|t| matches!(t, Term::NamedNode(n) if n.as_str() == vocab::TRIPLES_MAP))
                    || markers.iter().any(|m| self.has(node, m))
            })
            .cloned()
            .collect();
        if nodes.is_empty() {
            let uses = |ns: &str| triples.iter().any(|t| t.predicate.as_str().starts_with(ns));
            let message = if uses(vocab::LEGACY_RML_NS) || uses(vocab::R2RML_NS) {
                "no triples map in the RML namespace <http://w3id.org/rml/>; this mapping uses the legacy \
                 rr:/rml: namespaces (semweb.mmlab.be, w3.org/ns/r2rml), which Jiyi does not read: \
                 switch the prefixes to <http://w3id.org/rml/>"
            } else {
                "no triples map found (nothing has rml:logicalSource, rml:subjectMap or rdf:type rml:TriplesMap)"
            };
            return Err(self.error("mapping", message));
        }
        let positions: HashMap<NamedOrBlankNode, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        let names: Vec<String> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| self.name(n, &format!("[triples map #{}]", i + 1)))
            .collect();

        // Pass 1: logical sources and base IRIs, which references and joins depend on.
        let mut sources = Vec::with_capacity(nodes.len());
        let mut bases = Vec::with_capacity(nodes.len());
        for (node, name) in nodes.iter().zip(&names) {
            sources.push(self.logical_source(node, name)?);
            bases.push(self.base_iri(node, name)?);
        }

        // Pass 2: subject and predicate-object maps.
        let mut maps = Vec::with_capacity(nodes.len());
        for (i, (node, name)) in nodes.iter().zip(&names).enumerate() {
            let format = sources[i].as_ref().map(|s| s.format);
            let (subject, classes, subject_graphs) = self.subject_map(node, name, format)?;
            let mut predicate_object_maps = Vec::new();
            let pom_nodes = self
                .values(node, vocab::PREDICATE_OBJECT_MAP)
                .into_iter()
                .cloned()
                .collect::<Vec<_>>();
            for (k, pom) in pom_nodes.iter().enumerate() {
                let fallback = format!("{name} rml:predicateObjectMap[{}]", k + 1);
                let Some(pom) = as_resource(pom) else {
                    return Err(self.error(
                        &fallback,
                        "the value of rml:predicateObjectMap must be a resource, not a literal",
                    ));
                };
                let location = self.name(&pom, &fallback);
                predicate_object_maps.push(
                    self.predicate_object_map(&pom, &location, i, &sources, &positions, format)?,
                );
            }
            maps.push((subject, classes, subject_graphs, predicate_object_maps));
        }

        let mut out = Vec::with_capacity(nodes.len());
        for (
            ((name, source), base_iri),
            (subject, classes, subject_graphs, predicate_object_maps),
        ) in names.into_iter().zip(sources).zip(bases).zip(maps)
        {
            out.push(TriplesMap {
                name,
                source,
                base_iri,
                subject,
                classes,
                subject_graphs,
                predicate_object_maps,
            });
        }
        Ok(out)
    }

    fn base_iri(&self, node: &NamedOrBlankNode, name: &str) -> Result<Option<String>, RmlError> {
        let location = format!("{name} rml:baseIRI");
        let value = match self.one(node, vocab::BASE_IRI, &location)? {
            None => return Ok(None),
            Some(Term::NamedNode(n)) => n.as_str().to_owned(),
            Some(Term::Literal(l)) => l.value().to_owned(),
            Some(Term::BlankNode(_)) => {
                return Err(self.error(&location, "the base IRI must be an IRI, not a blank node"));
            }
        };
        NamedNode::new(value.as_str())
            .map_err(|e| self.error(&location, format!("`{value}` is not a valid IRI: {e}")))?;
        Ok(Some(value))
    }

    fn logical_source(
        &self,
        tm: &NamedOrBlankNode,
        name: &str,
    ) -> Result<Option<LogicalSource>, RmlError> {
        let fallback = format!("{name} rml:logicalSource");
        let Some(node) = self.one(tm, vocab::LOGICAL_SOURCE, &fallback)? else {
            return Ok(None);
        };
        let Some(node) = as_resource(node) else {
            return Err(self.error(
                &fallback,
                "the value of rml:logicalSource must be a resource, not a literal",
            ));
        };
        let location = self.name(&node, &fallback);
        let mut nulls = Vec::new();
        let mut compression = None;
        let mut encoding = None;
        let mut dialect = CsvDialect::default();
        let path = match self.one(&node, vocab::SOURCE, &location)? {
            None => return Err(self.error(&location, "the logical source has no rml:source")),
            Some(Term::Literal(l)) => self.mapping_dir.join(l.value()),
            Some(source) => {
                let Some(source) = as_resource(source) else {
                    return Err(self.error(&location, "unsupported rml:source"));
                };
                let source_location = self.name(&source, &format!("{location} rml:source"));
                self.nulls(&source, vocab::NULL, &source_location, &mut nulls)?;
                compression = self.compression(&source, &source_location)?;
                encoding = self.encoding(&source, &source_location)?;
                if let Some(url) = self.string(&source, &csvw("url"), &source_location)? {
                    // A CSVW table description (`a csvw:Table; csvw:url "…"; csvw:dialect […]`).
                    self.nulls(&source, &csvw("null"), &source_location, &mut nulls)?;
                    self.csv_dialect(&source, &source_location, &mut dialect, &mut encoding)?;
                    self.mapping_dir.join(url)
                } else {
                    let Some(relative) = self.string(&source, vocab::PATH, &source_location)?
                    else {
                        let hint = if self.has(
                            &source,
                            "http://www.wiwiss.fu-berlin.de/suhl/bizer/D2RQ/0.1#jdbcDSN",
                        ) {
                            "databases (D2RQ) are not read: export the table to CSV first"
                        } else {
                            "supported sources: rml:RelativePathSource or rml:FilePath with rml:root and \
                             rml:path, a csvw:Table with csvw:url, or a plain file path literal"
                        };
                        return Err(self.error(
                            &source_location,
                            format!("the source has no rml:path ({hint})"),
                        ));
                    };
                    let root = match self.one(&source, vocab::ROOT, &source_location)? {
                        Some(Term::NamedNode(n)) if n.as_str() == vocab::MAPPING_DIRECTORY => {
                            self.mapping_dir.clone()
                        }
                        None => self.working_dir.clone(),
                        Some(Term::NamedNode(n))
                            if n.as_str() == vocab::CURRENT_WORKING_DIRECTORY =>
                        {
                            self.working_dir.clone()
                        }
                        Some(Term::Literal(l)) => PathBuf::from(l.value()),
                        Some(other) => {
                            return Err(self.error(
                                &source_location,
                                format!(
                                    "unknown rml:root {} (use rml:MappingDirectory, rml:CurrentWorkingDirectory or a path)",
                                    describe(other)
                                ),
                            ));
                        }
                    };
                    root.join(relative)
                }
            }
        };
        self.nulls(&node, vocab::NULL, &location, &mut nulls)?;
        let format: &'static dyn SourceFormat = match self.one(&node, vocab::REFERENCE_FORMULATION, &location)? {
            Some(Term::NamedNode(n)) => match source::format_for(n.as_str()) {
                Ok(Some(format)) => format,
                Ok(None) => {
                    return Err(self.error(&location, format!("unknown reference formulation {}", short(n.as_str()))));
                }
                Err(message) => return Err(self.error(&location, message)),
            },
            Some(Term::BlankNode(b)) => {
                // `[ a rml:XPathReferenceFormulation; rml:namespace […] ]`
                let formulation: NamedOrBlankNode = b.clone().into();
                let is_xpath = self.values(&formulation, vocab::RDF_TYPE).iter().any(|t| {
                    matches!(t, Term::NamedNode(n) if n.as_str().ends_with("XPathReferenceFormulation"))
                }) || self.has(&formulation, vocab::NAMESPACE);
                match source::format_for(vocab::XPATH) {
                    Ok(Some(format)) if is_xpath => format,
                    _ => {
                        return Err(self.error(
                            &location,
                            "a reference formulation given as a blank node must be an rml:XPathReferenceFormulation",
                        ));
                    }
                }
            }
            Some(other) => {
                return Err(self.error(&location, format!("unknown reference formulation {}", describe(other))));
            }
            None => source::format_for_extension(&path).ok_or_else(|| {
                self.error(
                    &location,
                    format!(
                        "the logical source has no rml:referenceFormulation and the file name {} does not tell \
                         (give rml:CSV, rml:JSONPath or rml:XPath)",
                        path.display()
                    ),
                )
            })?,
        };
        if format.name() == "rml:CSV"
            && Compression::inner_name(&path)
                .to_ascii_lowercase()
                .ends_with(".tsv")
            && dialect == CsvDialect::default()
        {
            dialect.delimiter = b'\t';
        }
        let iterator_text = self.string(&node, vocab::ITERATOR, &location)?;
        let iterator = format
            .compile_iterator(iterator_text.as_deref(), &self.namespaces)
            .map_err(|message| self.error(&format!("{location} rml:iterator"), message))?;
        let compression_implied = compression.is_none();
        let compression = compression.unwrap_or_else(|| Compression::from_file_name(&path));
        Ok(Some(LogicalSource {
            directory: path.is_dir(),
            path,
            compression_implied,
            format,
            iterator_text,
            iterator,
            nulls,
            compression,
            encoding: encoding.unwrap_or(encoding_rs::UTF_8),
            dialect,
        }))
    }

    fn nulls(
        &self,
        node: &NamedOrBlankNode,
        predicate: &str,
        location: &str,
        out: &mut Vec<String>,
    ) -> Result<(), RmlError> {
        for null in self.values(node, predicate) {
            match null {
                Term::Literal(l) => {
                    if !out.iter().any(|n| n == l.value()) {
                        out.push(l.value().to_owned());
                    }
                }
                other => {
                    return Err(self.error(
                        location,
                        format!(
                            "{} must be a literal, not {}",
                            short(predicate),
                            describe(other)
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    fn compression(
        &self,
        node: &NamedOrBlankNode,
        location: &str,
    ) -> Result<Option<Compression>, RmlError> {
        match self.one(node, vocab::COMPRESSION, location)? {
            None => Ok(None),
            Some(Term::NamedNode(n)) => n
                .as_str()
                .strip_prefix(vocab::RML_NS)
                .and_then(Compression::from_local_name)
                .map(Some)
                .ok_or_else(|| {
                    self.error(
                        location,
                        format!(
                            "unknown rml:compression {} (use rml:none, rml:gzip, rml:zip, rml:targz or rml:tarxz)",
                            short(n.as_str())
                        ),
                    )
                }),
            Some(other) => Err(self.error(
                location,
                format!("rml:compression must be an IRI, not {}", describe(other)),
            )),
        }
    }

    fn encoding(
        &self,
        node: &NamedOrBlankNode,
        location: &str,
    ) -> Result<Option<&'static encoding_rs::Encoding>, RmlError> {
        let label = match self.one(node, vocab::ENCODING, location)? {
            None => return Ok(None),
            Some(Term::NamedNode(n)) => n
                .as_str()
                .strip_prefix(vocab::RML_NS)
                .unwrap_or(n.as_str())
                .to_owned(),
            Some(Term::Literal(l)) => l.value().to_owned(),
            Some(other) => {
                return Err(self.error(
                    location,
                    format!(
                        "rml:encoding must be an IRI or a label, not {}",
                        describe(other)
                    ),
                ));
            }
        };
        input::encoding_for_label(&label).map(Some).ok_or_else(|| {
            self.error(
                location,
                format!(
                    "unknown encoding `{label}` (use rml:UTF-8, rml:UTF-16 or a WHATWG label such as \"Big5\")"
                ),
            )
        })
    }

    fn csv_dialect(
        &self,
        table: &NamedOrBlankNode,
        location: &str,
        dialect: &mut CsvDialect,
        encoding: &mut Option<&'static encoding_rs::Encoding>,
    ) -> Result<(), RmlError> {
        let Some(node) = self.one(table, &csvw("dialect"), location)?.cloned() else {
            return Ok(());
        };
        let Some(node) = as_resource(&node) else {
            return Err(self.error(location, "csvw:dialect must be a resource"));
        };
        let location = format!("{location} csvw:dialect");
        let location = location.as_str();
        let single_byte = |name: &str, value: &str| -> Result<u8, RmlError> {
            match value.as_bytes() {
                [b] => Ok(*b),
                _ => Err(self.error(
                    location,
                    format!("csvw:{name} must be a single ASCII character, not `{value}`"),
                )),
            }
        };
        let boolean = |name: &str, value: &str| -> Result<bool, RmlError> {
            match value {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                other => Err(self.error(
                    location,
                    format!("csvw:{name} must be a boolean, not `{other}`"),
                )),
            }
        };
        if let Some(v) = self.string(&node, &csvw("delimiter"), location)? {
            dialect.delimiter = if v == "\\t" {
                b'\t'
            } else {
                single_byte("delimiter", &v)?
            };
        }
        if let Some(v) = self.string(&node, &csvw("quoteChar"), location)? {
            dialect.quote = single_byte("quoteChar", &v)?;
        }
        if let Some(v) = self.string(&node, &csvw("doubleQuote"), location)? {
            dialect.double_quote = boolean("doubleQuote", &v)?;
        }
        if let Some(v) = self.string(&node, &csvw("header"), location)? {
            dialect.header = boolean("header", &v)?;
        }
        if let Some(v) = self.string(&node, &csvw("headerRowCount"), location)? {
            match v.as_str() {
                "0" => dialect.header = false,
                "1" => dialect.header = true,
                other => {
                    return Err(self.error(
                        location,
                        format!("csvw:headerRowCount must be 0 or 1, not `{other}`"),
                    ));
                }
            }
        }
        if let Some(v) = self.string(&node, &csvw("skipRows"), location)? {
            dialect.skip_rows = v.parse().map_err(|_| {
                self.error(
                    location,
                    format!("csvw:skipRows must be a number, not `{v}`"),
                )
            })?;
        }
        if let Some(v) = self.string(&node, &csvw("commentPrefix"), location)? {
            dialect.comment = Some(single_byte("commentPrefix", &v)?);
        }
        if let Some(v) = self.string(&node, &csvw("trim"), location)? {
            dialect.trim = v != "false";
        }
        if let Some(v) = self.string(&node, &csvw("encoding"), location)? {
            *encoding = Some(
                input::encoding_for_label(&v)
                    .ok_or_else(|| self.error(location, format!("unknown csvw:encoding `{v}`")))?,
            );
        }
        Ok(())
    }

    #[allow(clippy::type_complexity)]
    fn subject_map(
        &mut self,
        tm: &NamedOrBlankNode,
        name: &str,
        format: Option<&'static dyn SourceFormat>,
    ) -> Result<(TermMap, Vec<NamedNode>, Vec<TermMap>), RmlError> {
        let maps = self
            .values(tm, vocab::SUBJECT_MAP)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        let shortcuts = self
            .values(tm, vocab::SUBJECT)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        match (maps.as_slice(), shortcuts.as_slice()) {
            ([], [constant]) => {
                let location = format!("{name} rml:subject");
                let map = self.constant_map(constant.clone(), Position::Subject, &location)?;
                Ok((map, Vec::new(), Vec::new()))
            }
            ([node], []) => {
                let fallback = format!("{name} rml:subjectMap");
                let map = self.term_map(node, Position::Subject, &fallback, format)?;
                let node = as_resource(node).ok_or_else(|| self.error(&fallback, "not a resource"))?;
                let location = self.name(&node, &fallback);
                let mut classes = Vec::new();
                for class in self.values(&node, vocab::CLASS) {
                    match class {
                        Term::NamedNode(n) => classes.push(n.clone()),
                        other => {
                            return Err(self.error(&location, format!("rml:class must be an IRI, not {}", describe(other))));
                        }
                    }
                }
                let graphs = self.graph_maps(&node, &location, format)?;
                Ok((map, classes, graphs))
            }
            ([], []) => Err(self.error(name, "the triples map has no subject map (rml:subjectMap or rml:subject)")),
            _ => Err(self.error(
                name,
                format!(
                    "the triples map has {} subject maps (rml:subjectMap / rml:subject); exactly one is required",
                    maps.len() + shortcuts.len()
                ),
            )),
        }
    }

    fn graph_maps(
        &mut self,
        node: &NamedOrBlankNode,
        location: &str,
        format: Option<&'static dyn SourceFormat>,
    ) -> Result<Vec<TermMap>, RmlError> {
        let maps = self
            .values(node, vocab::GRAPH_MAP)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        let constants = self
            .values(node, vocab::GRAPH)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        let mut out = Vec::new();
        for (k, map) in maps.iter().enumerate() {
            let fallback = indexed(location, "rml:graphMap", k, maps.len());
            out.push(self.term_map(map, Position::Graph, &fallback, format)?);
        }
        for (k, constant) in constants.iter().enumerate() {
            let fallback = indexed(location, "rml:graph", k, constants.len());
            out.push(self.constant_map(constant.clone(), Position::Graph, &fallback)?);
        }
        Ok(out)
    }

    fn predicate_object_map(
        &mut self,
        pom: &NamedOrBlankNode,
        location: &str,
        tm_index: usize,
        sources: &[Option<LogicalSource>],
        positions: &HashMap<NamedOrBlankNode, usize>,
        format: Option<&'static dyn SourceFormat>,
    ) -> Result<PredicateObjectMap, RmlError> {
        let mut predicates = Vec::new();
        let predicate_maps = self
            .values(pom, vocab::PREDICATE_MAP)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        for (k, map) in predicate_maps.iter().enumerate() {
            let fallback = indexed(location, "rml:predicateMap", k, predicate_maps.len());
            predicates.push(self.term_map(map, Position::Predicate, &fallback, format)?);
        }
        let predicate_constants = self
            .values(pom, vocab::PREDICATE)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        for (k, constant) in predicate_constants.iter().enumerate() {
            let fallback = indexed(location, "rml:predicate", k, predicate_constants.len());
            predicates.push(self.constant_map(constant.clone(), Position::Predicate, &fallback)?);
        }
        if predicates.is_empty() {
            return Err(self.error(
                location,
                "the predicate-object map has no rml:predicate or rml:predicateMap",
            ));
        }

        let mut objects = Vec::new();
        let mut ref_objects = Vec::new();
        let object_maps = self
            .values(pom, vocab::OBJECT_MAP)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        for (k, map) in object_maps.iter().enumerate() {
            let fallback = indexed(location, "rml:objectMap", k, object_maps.len());
            match as_resource(map) {
                Some(node) if self.has(&node, vocab::PARENT_TRIPLES_MAP) => {
                    let rom_location = self.name(&node, &fallback);
                    ref_objects.push(self.ref_object_map(
                        &node,
                        &rom_location,
                        tm_index,
                        sources,
                        positions,
                    )?);
                }
                _ => objects.push(self.term_map(map, Position::Object, &fallback, format)?),
            }
        }
        let object_constants = self
            .values(pom, vocab::OBJECT)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        for (k, constant) in object_constants.iter().enumerate() {
            let fallback = indexed(location, "rml:object", k, object_constants.len());
            objects.push(self.constant_map(constant.clone(), Position::Object, &fallback)?);
        }
        if objects.is_empty() && ref_objects.is_empty() {
            return Err(self.error(
                location,
                "the predicate-object map has no rml:object or rml:objectMap",
            ));
        }
        let graphs = self.graph_maps(pom, location, format)?;
        Ok(PredicateObjectMap {
            predicates,
            objects,
            ref_objects,
            graphs,
        })
    }

    fn ref_object_map(
        &mut self,
        node: &NamedOrBlankNode,
        location: &str,
        tm_index: usize,
        sources: &[Option<LogicalSource>],
        positions: &HashMap<NamedOrBlankNode, usize>,
    ) -> Result<RefObjectMap, RmlError> {
        for forbidden in [
            vocab::CONSTANT,
            vocab::REFERENCE,
            vocab::TEMPLATE,
            vocab::TERM_TYPE,
        ] {
            if self.has(node, forbidden) {
                return Err(self.error(
                    location,
                    format!(
                        "a referencing object map (with rml:parentTriplesMap) cannot also have {}",
                        short(forbidden)
                    ),
                ));
            }
        }
        let parent_term = self
            .one(node, vocab::PARENT_TRIPLES_MAP, location)?
            .cloned();
        let parent = match parent_term.as_ref().and_then(as_resource) {
            Some(parent_node) => match positions.get(&parent_node) {
                Some(&parent) => parent,
                None => {
                    return Err(self.error(
                        location,
                        format!(
                            "rml:parentTriplesMap {} is not a triples map",
                            self.name(&parent_node, "(a blank node)")
                        ),
                    ));
                }
            },
            None => {
                return Err(self.error(
                    location,
                    "rml:parentTriplesMap must be a triples map resource",
                ));
            }
        };
        let child_source = sources.get(tm_index).and_then(Option::as_ref);
        let parent_source = sources.get(parent).and_then(Option::as_ref);
        let child_format = child_source.map(|s| s.format);
        let parent_format = parent_source.map(|s| s.format);
        let conditions = self
            .values(node, vocab::JOIN_CONDITION)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        let mut joins = Vec::with_capacity(conditions.len());
        for (k, condition) in conditions.iter().enumerate() {
            let join_location = indexed(location, "rml:joinCondition", k, conditions.len());
            let Some(condition) = as_resource(condition) else {
                return Err(self.error(
                    &join_location,
                    "a join condition must be a resource, not a literal",
                ));
            };
            let child = self.join_side(
                &condition,
                &join_location,
                vocab::CHILD,
                vocab::CHILD_MAP,
                Position::JoinChild,
                child_format,
            )?;
            let parent = self.join_side(
                &condition,
                &join_location,
                vocab::PARENT,
                vocab::PARENT_MAP,
                Position::JoinParent,
                parent_format,
            )?;
            joins.push(JoinCondition { child, parent });
        }
        if joins.is_empty() {
            let same = match (child_source, parent_source) {
                (Some(c), Some(p)) => c.effectively_equal(p),
                (None, None) => true,
                _ => false,
            };
            if !same {
                return Err(self.error(
                    location,
                    "the referencing object map has no rml:joinCondition, but its triples map and the parent \
                     triples map read different logical sources; add a join condition",
                ));
            }
        }
        Ok(RefObjectMap { parent, joins })
    }

    fn join_side(
        &mut self,
        condition: &NamedOrBlankNode,
        location: &str,
        shortcut: &str,
        map: &str,
        position: Position,
        format: Option<&'static dyn SourceFormat>,
    ) -> Result<TermMap, RmlError> {
        let shortcuts = self
            .values(condition, shortcut)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        let maps = self
            .values(condition, map)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        match (shortcuts.as_slice(), maps.as_slice()) {
            ([Term::Literal(reference)], []) => {
                let location = format!("{location} {}", short(shortcut));
                let expression =
                    Expression::Reference(self.reference(reference.value(), format, &location)?);
                Ok(TermMap {
                    location,
                    expression,
                    term_type: TermType::Literal,
                    language: None,
                    datatype: None,
                    condition: None,
                    targets: Vec::new(),
                    iri_always_valid: false,
                })
            }
            ([other], []) => Err(self.error(
                location,
                format!(
                    "{} must be a reference string, not {}",
                    short(shortcut),
                    describe(other)
                ),
            )),
            ([], [node]) => self.term_map(
                node,
                position,
                &format!("{location} {}", short(map)),
                format,
            ),
            _ => Err(self.error(
                location,
                format!(
                    "a join condition needs exactly one {} or {}",
                    short(shortcut),
                    short(map)
                ),
            )),
        }
    }

    fn reference(
        &self,
        text: &str,
        format: Option<&'static dyn SourceFormat>,
        location: &str,
    ) -> Result<Reference, RmlError> {
        let Some(format) = format else {
            return Err(self.error(
                location,
                format!("references `{text}` but its triples map has no rml:logicalSource"),
            ));
        };
        let compiled = format
            .compile_reference(text, &self.namespaces)
            .map_err(|message| self.error(location, message))?;
        let id = self.references.get();
        self.references.set(id + 1);
        Ok(Reference {
            text: text.to_owned(),
            compiled,
            id,
        })
    }

    /// A term map from a constant shortcut (`rml:subject`, `rml:predicate`, `rml:object`,
    /// `rml:graph`).
    fn constant_map(
        &mut self,
        constant: Term,
        position: Position,
        location: &str,
    ) -> Result<TermMap, RmlError> {
        self.check_constant(&constant, position, location)?;
        let term_type = if matches!(constant, Term::Literal(_)) {
            TermType::Literal
        } else {
            TermType::Iri
        };
        Ok(TermMap {
            location: location.to_owned(),
            expression: Expression::Constant(constant),
            term_type,
            language: None,
            datatype: None,
            condition: None,
            targets: Vec::new(),
            iri_always_valid: false,
        })
    }

    fn check_constant(
        &self,
        constant: &Term,
        position: Position,
        location: &str,
    ) -> Result<(), RmlError> {
        let ok = match constant {
            Term::BlankNode(_) => {
                return Err(self.error(
                    location,
                    "a constant cannot be a blank node (blank nodes are not portable)",
                ));
            }
            Term::NamedNode(_) => !matches!(position, Position::Language),
            Term::Literal(_) => matches!(
                position,
                Position::Object
                    | Position::Language
                    | Position::JoinChild
                    | Position::JoinParent
                    | Position::Input
            ),
        };
        if !ok {
            let what = if matches!(constant, Term::Literal(_)) {
                "an IRI"
            } else {
                "a literal"
            };
            return Err(self.error(
                location,
                format!(
                    "the constant of {} must be {what}, not {}",
                    position.noun(),
                    describe(constant)
                ),
            ));
        }
        if position == Position::Language
            && let Term::Literal(l) = constant
        {
            check_language(l.value()).map_err(|message| self.error(location, message))?;
        }
        Ok(())
    }

    fn term_map(
        &mut self,
        node: &Term,
        position: Position,
        fallback: &str,
        format: Option<&'static dyn SourceFormat>,
    ) -> Result<TermMap, RmlError> {
        let Some(node) = as_resource(node) else {
            let hint = match position {
                Position::Subject => " (use rml:subject for a constant)",
                Position::Predicate => " (use rml:predicate for a constant)",
                Position::Object => " (use rml:object for a constant)",
                Position::Graph => " (use rml:graph for a constant)",
                _ => "",
            };
            return Err(self.error(
                fallback,
                format!(
                    "{} must be a resource, not the literal {node}{hint}",
                    position.noun()
                ),
            ));
        };
        let location = self.name(&node, fallback);
        let location = location.as_str();

        let function = if self.has(&node, vocab::FUNCTION_EXECUTION) {
            Some(self.function_call(&node, location, format)?)
        } else {
            None
        };
        let constant = self.one(&node, vocab::CONSTANT, location)?.cloned();
        let reference = self.string(&node, vocab::REFERENCE, location)?;
        let template = self.string(&node, vocab::TEMPLATE, location)?;
        let present: Vec<&str> = [
            function.as_ref().map(|_| "rml:functionExecution"),
            constant.as_ref().map(|_| "rml:constant"),
            reference.as_ref().map(|_| "rml:reference"),
            template.as_ref().map(|_| "rml:template"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if present.len() > 1 {
            let list = match present.as_slice() {
                [a, b] => format!("both {a} and {b}"),
                _ => present.join(", "),
            };
            return Err(self.error(
                location,
                format!("term map has {list}; exactly one is allowed"),
            ));
        }

        let explicit_type = match self.one(&node, vocab::TERM_TYPE, location)? {
            None => None,
            Some(Term::NamedNode(n)) => Some(match n.as_str() {
                vocab::IRI => TermType::Iri,
                vocab::URI => TermType::Uri,
                vocab::UNSAFE_IRI | vocab::UNSAFE_URI => TermType::UnsafeIri,
                vocab::BLANK_NODE => TermType::BlankNode,
                vocab::LITERAL => TermType::Literal,
                other => {
                    return Err(
                        self.error(location, format!("unknown rml:termType {}", short(other)))
                    );
                }
            }),
            Some(other) => {
                return Err(self.error(
                    location,
                    format!("unknown rml:termType {}", describe(other)),
                ));
            }
        };
        if explicit_type.is_some()
            && matches!(
                position,
                Position::Language | Position::JoinChild | Position::JoinParent
            )
        {
            return Err(self.error(
                location,
                format!("rml:termType is not allowed on {}", position.noun()),
            ));
        }

        let language = self.language_map(&node, location, format)?;
        let datatype = self.datatype_map(&node, location, format)?;
        if language.is_some() && datatype.is_some() {
            return Err(self.error(
                location,
                "a term map cannot have both a language and a datatype",
            ));
        }

        let expression = if let Some(call) = function {
            Expression::Function(Box::new(call))
        } else if let Some(constant) = constant {
            self.check_constant(&constant, position, location)?;
            let implied = if matches!(constant, Term::Literal(_)) {
                TermType::Literal
            } else {
                TermType::Iri
            };
            if let Some(explicit) = explicit_type {
                let consistent = explicit == implied || (explicit.is_iri() && implied.is_iri());
                if !consistent {
                    return Err(self.error(
                        location,
                        format!(
                            "rml:termType {} contradicts the constant {}",
                            explicit.name(),
                            describe(&constant)
                        ),
                    ));
                }
            }
            Expression::Constant(constant)
        } else if let Some(text) = reference {
            Expression::Reference(self.reference(&text, format, location)?)
        } else if let Some(text) = template {
            let segments =
                template::parse(&text).map_err(|message| self.error(location, message))?;
            let mut parts = Vec::with_capacity(segments.len());
            for segment in segments {
                parts.push(match segment {
                    Segment::Text(t) => TemplatePart::Text(t),
                    Segment::Reference(r) => {
                        TemplatePart::Reference(self.reference(&r, format, location)?)
                    }
                });
            }
            Expression::Template(parts)
        } else if explicit_type == Some(TermType::BlankNode) {
            self.fresh_counter += 1;
            Expression::FreshBlankNode(self.fresh_counter)
        } else {
            return Err(self.error(
                location,
                "term map has no rml:constant, rml:reference, rml:template or rml:functionExecution",
            ));
        };

        let term_type = match (&expression, explicit_type) {
            (Expression::Constant(Term::Literal(_)), _) => TermType::Literal,
            (Expression::Constant(_), _) => TermType::Iri,
            (_, Some(explicit)) => explicit,
            (_, None) => match position {
                Position::Object
                    if matches!(
                        expression,
                        Expression::Reference(_) | Expression::Function(_)
                    ) || language.is_some()
                        || datatype.is_some() =>
                {
                    TermType::Literal
                }
                Position::Language
                | Position::JoinChild
                | Position::JoinParent
                | Position::Input => TermType::Literal,
                _ => TermType::Iri,
            },
        };
        if !position.allows(term_type) {
            return Err(self.error(
                location,
                format!(
                    "rml:termType {} is not allowed on {}",
                    term_type.name(),
                    position.noun()
                ),
            ));
        }
        if language.is_some() || datatype.is_some() {
            let literal_object = position == Position::Object && term_type == TermType::Literal;
            let simple_constant = match &expression {
                Expression::Constant(Term::Literal(l)) => l.datatype() == oxrdf::vocab::xsd::STRING,
                _ => true,
            };
            if !literal_object || !simple_constant {
                let what = if language.is_some() {
                    "rml:language / rml:languageMap"
                } else {
                    "rml:datatype / rml:datatypeMap"
                };
                return Err(self.error(
                    location,
                    format!(
                        "{what} is only allowed on an object map that generates plain literals"
                    ),
                ));
            }
        }
        let condition = match self.one(&node, vocab::CONDITION, location)?.cloned() {
            None => None,
            Some(condition) => {
                let condition_location = format!("{location} rml:condition");
                let Some(condition) = as_resource(&condition) else {
                    return Err(self.error(
                        &condition_location,
                        "rml:condition must be a function-valued map (with rml:functionExecution)",
                    ));
                };
                Some(Box::new(self.function_call(
                    &condition,
                    &condition_location,
                    format,
                )?))
            }
        };
        let targets = self.logical_targets(&node, location)?;
        let iri_always_valid = crate::eval::template_always_valid(&expression, term_type);
        Ok(TermMap {
            location: location.to_owned(),
            expression,
            term_type,
            iri_always_valid,
            language: language.map(Box::new),
            datatype: datatype.map(Box::new),
            condition,
            targets,
        })
    }

    fn language_map(
        &mut self,
        node: &NamedOrBlankNode,
        location: &str,
        format: Option<&'static dyn SourceFormat>,
    ) -> Result<Option<TermMap>, RmlError> {
        let constants = self
            .values(node, vocab::LANGUAGE)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        let maps = self
            .values(node, vocab::LANGUAGE_MAP)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        match (constants.as_slice(), maps.as_slice()) {
            ([], []) => Ok(None),
            ([constant], []) => {
                let location = format!("{location} rml:language");
                self.check_constant(constant, Position::Language, &location)?;
                Ok(Some(TermMap {
                    location,
                    expression: Expression::Constant(normalised_language(constant)),
                    term_type: TermType::Literal,
                    language: None,
                    datatype: None,
                    condition: None,
                    targets: Vec::new(),
                    iri_always_valid: false,
                }))
            }
            ([], [map]) => Ok(Some(self.term_map(
                map,
                Position::Language,
                &format!("{location} rml:languageMap"),
                format,
            )?)),
            _ => Err(self.error(
                location,
                "a term map can have at most one rml:language or rml:languageMap",
            )),
        }
    }

    fn datatype_map(
        &mut self,
        node: &NamedOrBlankNode,
        location: &str,
        format: Option<&'static dyn SourceFormat>,
    ) -> Result<Option<TermMap>, RmlError> {
        let constants = self
            .values(node, vocab::DATATYPE)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        let maps = self
            .values(node, vocab::DATATYPE_MAP)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        match (constants.as_slice(), maps.as_slice()) {
            ([], []) => Ok(None),
            ([constant], []) => {
                let location = format!("{location} rml:datatype");
                if let Term::NamedNode(n) = constant
                    && n.as_str() == vocab::RDF_LANG_STRING
                {
                    return Err(self.error(
                        &location,
                        "rdf:langString cannot be given as a datatype (use rml:language)",
                    ));
                }
                Ok(Some(self.constant_map(
                    constant.clone(),
                    Position::Datatype,
                    &location,
                )?))
            }
            ([], [map]) => Ok(Some(self.term_map(
                map,
                Position::Datatype,
                &format!("{location} rml:datatypeMap"),
                format,
            )?)),
            _ => Err(self.error(
                location,
                "a term map can have at most one rml:datatype or rml:datatypeMap",
            )),
        }
    }
}

impl Doc<'_> {
    /// Every `rml:namespacePrefix` / `rml:namespaceURL` pair in the document.
    fn collect_namespaces(&self, order: &[NamedOrBlankNode]) -> Result<Namespaces, RmlError> {
        let mut namespaces = Vec::new();
        for node in order {
            let Some(prefix) = self.string(node, vocab::NAMESPACE_PREFIX, "rml:namespace")? else {
                continue;
            };
            let location = self.name(node, &format!("rml:namespace `{prefix}`"));
            let url = match self.one(node, vocab::NAMESPACE_URL, &location)? {
                Some(Term::Literal(l)) => l.value().to_owned(),
                Some(Term::NamedNode(n)) => n.as_str().to_owned(),
                _ => {
                    return Err(self.error(&location, "the namespace has no rml:namespaceURL"));
                }
            };
            if let Some((_, other)) = namespaces
                .iter()
                .find(|(p, u): &&(String, String)| *p == prefix && *u != url)
            {
                return Err(self.error(
                    &location,
                    format!("the prefix `{prefix}` is bound to both <{other}> and <{url}>"),
                ));
            }
            namespaces.push((prefix, url));
        }
        Ok(Namespaces(namespaces))
    }

    /// An IRI given by a constant shortcut (`rml:function`) or a constant-valued map
    /// (`rml:functionMap [ rml:constant … ]`).
    fn constant_iri(
        &self,
        node: &NamedOrBlankNode,
        shortcut: &str,
        map: &str,
        location: &str,
    ) -> Result<Option<String>, RmlError> {
        if let Some(term) = self.one(node, shortcut, location)? {
            return match term {
                Term::NamedNode(n) => Ok(Some(n.as_str().to_owned())),
                other => Err(self.error(
                    location,
                    format!(
                        "{} must be an IRI, not {}",
                        short(shortcut),
                        describe(other)
                    ),
                )),
            };
        }
        let Some(map_node) = self.one(node, map, location)?.cloned() else {
            return Ok(None);
        };
        let map_location = format!("{location} {}", short(map));
        let constant = as_resource(&map_node).and_then(|m| {
            self.values(&m, vocab::CONSTANT)
                .first()
                .map(|t| (*t).clone())
        });
        match constant {
            Some(Term::NamedNode(n)) => Ok(Some(n.as_str().to_owned())),
            _ => Err(self.error(
                &map_location,
                format!(
                    "only constant {} are supported (give rml:constant with an IRI)",
                    short(map)
                ),
            )),
        }
    }

    /// Resolves `rml:functionExecution` (and `rml:return` / `rml:returnMap`) of a
    /// function-valued map against the registry: unknown functions, parameters and outputs
    /// are mapping errors.
    fn function_call(
        &mut self,
        map: &NamedOrBlankNode,
        location: &str,
        format: Option<&'static dyn SourceFormat>,
    ) -> Result<FunctionCall, RmlError> {
        let Some(execution) = self.one(map, vocab::FUNCTION_EXECUTION, location)?.cloned() else {
            return Err(self.error(
                location,
                "a function-valued map needs rml:functionExecution",
            ));
        };
        let Some(execution) = as_resource(&execution) else {
            return Err(self.error(location, "rml:functionExecution must be a resource"));
        };
        let execution_location =
            self.name(&execution, &format!("{location} rml:functionExecution"));
        let Some(iri) = self.constant_iri(
            &execution,
            vocab::FUNCTION,
            vocab::FUNCTION_MAP,
            &execution_location,
        )?
        else {
            return Err(self.error(
                &execution_location,
                "the function execution has no rml:function (or rml:functionMap)",
            ));
        };
        let Some(function) = self.functions.get(&iri).cloned() else {
            return Err(self.error(
                &execution_location,
                format!(
                    "unknown function <{iri}>: it is neither built in nor registered (see FunctionRegistry; built-in: GREL string functions and IDLab equal/isNull/toUpperCaseURL…)"
                ),
            ));
        };
        let name = short_function(&iri);
        let input_nodes = self
            .values(&execution, vocab::INPUT)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        let mut inputs: Vec<(usize, TermMap)> = Vec::new();
        for (k, input) in input_nodes.iter().enumerate() {
            let input_location = indexed(&execution_location, "rml:input", k, input_nodes.len());
            let Some(input) = as_resource(input) else {
                return Err(self.error(&input_location, "rml:input must be a resource"));
            };
            let Some(parameter) = self.constant_iri(
                &input,
                vocab::PARAMETER,
                vocab::PARAMETER_MAP,
                &input_location,
            )?
            else {
                return Err(self.error(&input_location, "the input has no rml:parameter"));
            };
            let Some(index) = function.parameter_index(&parameter) else {
                let known: Vec<String> = function
                    .parameters()
                    .iter()
                    .filter_map(|p| p.iris.first().map(|i| format!("<{i}>")))
                    .collect();
                return Err(self.error(
                    &input_location,
                    format!(
                        "{name} has no parameter <{parameter}> (its parameters: {})",
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            };
            if inputs.iter().any(|(i, _)| *i == index) {
                return Err(self.error(
                    &input_location,
                    format!("parameter <{parameter}> of {name} is given twice"),
                ));
            }
            let value_map = match (
                self.one(&input, vocab::INPUT_VALUE, &input_location)?
                    .cloned(),
                self.one(&input, vocab::INPUT_VALUE_MAP, &input_location)?
                    .cloned(),
            ) {
                (Some(constant), None) => self.constant_map(
                    constant,
                    Position::Input,
                    &format!("{input_location} rml:inputValue"),
                )?,
                (None, Some(node)) => self.term_map(
                    &node,
                    Position::Input,
                    &format!("{input_location} rml:inputValueMap"),
                    format,
                )?,
                (None, None) => {
                    return Err(self.error(
                        &input_location,
                        "the input has no rml:inputValue or rml:inputValueMap",
                    ));
                }
                (Some(_), Some(_)) => {
                    return Err(self.error(
                        &input_location,
                        "the input has both rml:inputValue and rml:inputValueMap",
                    ));
                }
            };
            inputs.push((index, value_map));
        }
        for (index, parameter) in function.parameters().iter().enumerate() {
            if parameter.required && !inputs.iter().any(|(i, _)| *i == index) {
                return Err(self.error(
                    &execution_location,
                    format!(
                        "{name} needs parameter <{}>, which has no rml:input",
                        parameter.iris.first().map_or("?", String::as_str)
                    ),
                ));
            }
        }
        let output = match self.constant_iri(map, vocab::RETURN, vocab::RETURN_MAP, location)? {
            None => 0,
            Some(iri) => function.output_index(&iri).ok_or_else(|| {
                self.error(
                    location,
                    format!(
                        "{name} has no output <{iri}> (its outputs: {})",
                        function
                            .output_names()
                            .iter()
                            .map(|o| format!("<{o}>"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?,
        };
        let on_error = match self
            .one(&execution, vocab::JIYI_ON_ERROR, &execution_location)?
            .cloned()
        {
            None => OnError::Reject,
            Some(Term::Literal(l)) if l.value() == "reject" => OnError::Reject,
            Some(Term::Literal(l)) if l.value() == "warn" => OnError::Warn,
            Some(other) => {
                return Err(self.error(
                    &execution_location,
                    format!("jiyi:onError must be \"warn\" or \"reject\", not {other}"),
                ));
            }
        };
        Ok(FunctionCall {
            function,
            name,
            output,
            inputs,
            on_error,
        })
    }

    /// The logical targets of a term map (`rml:logicalTarget`), parsed once per node.
    fn logical_targets(
        &mut self,
        node: &NamedOrBlankNode,
        location: &str,
    ) -> Result<Vec<usize>, RmlError> {
        let values = self
            .values(node, vocab::LOGICAL_TARGET)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        let mut out = Vec::new();
        for value in values {
            let Some(target) = as_resource(&value) else {
                return Err(self.error(location, "rml:logicalTarget must be a resource"));
            };
            if let Some(i) = self.target_nodes.iter().position(|t| *t == target) {
                out.push(i);
                continue;
            }
            let target_location = self.name(&target, &format!("{location} rml:logicalTarget"));
            let parsed = self.logical_target(&target, &target_location)?;
            self.targets.push(parsed);
            self.target_nodes.push(target);
            out.push(self.targets.len() - 1);
        }
        Ok(out)
    }

    fn logical_target(
        &self,
        node: &NamedOrBlankNode,
        location: &str,
    ) -> Result<LogicalTarget, RmlError> {
        let Some(target) = self.one(node, vocab::TARGET, location)?.cloned() else {
            return Err(self.error(location, "the logical target has no rml:target"));
        };
        let (path, mut compression, mut encoding) = match target {
            Term::Literal(l) => (self.mapping_dir.join(l.value()), None, None),
            other => {
                let Some(target) = as_resource(&other) else {
                    return Err(self.error(location, "rml:target must be a resource"));
                };
                let target_location = self.name(&target, &format!("{location} rml:target"));
                let Some(relative) = self.string(&target, vocab::PATH, &target_location)? else {
                    return Err(self.error(
                        &target_location,
                        "only file targets (rml:FilePath with rml:path) are supported",
                    ));
                };
                let root = match self.one(&target, vocab::ROOT, &target_location)? {
                    Some(Term::NamedNode(n)) if n.as_str() == vocab::MAPPING_DIRECTORY => {
                        self.mapping_dir.clone()
                    }
                    Some(Term::Literal(l)) => PathBuf::from(l.value()),
                    _ => self.working_dir.clone(),
                };
                (
                    root.join(relative),
                    self.compression(&target, &target_location)?,
                    self.encoding(&target, &target_location)?,
                )
            }
        };
        if compression.is_none() {
            compression = self.compression(node, location)?;
        }
        if encoding.is_none() {
            encoding = self.encoding(node, location)?;
        }
        let serialization = match self.one(node, vocab::SERIALIZATION, location)? {
            None => Serialization::N_QUADS,
            Some(Term::NamedNode(n)) => n
                .as_str()
                .strip_prefix(vocab::FORMATS_NS)
                .and_then(Serialization::from_format_name)
                .ok_or_else(|| {
                    self.error(
                        location,
                        format!(
                            "unsupported rml:serialization <{}> (supported: formats:N-Quads, formats:N-Triples, formats:Turtle, formats:TriG)",
                            n.as_str()
                        ),
                    )
                })?,
            Some(other) => {
                return Err(self.error(
                    location,
                    format!("rml:serialization must be an IRI, not {}", describe(other)),
                ));
            }
        };
        let encoding = encoding.unwrap_or(encoding_rs::UTF_8);
        if encoding != encoding_rs::UTF_8 {
            return Err(self.error(
                location,
                format!(
                    "only UTF-8 output is supported, not {} (RDF syntaxes are UTF-8)",
                    encoding.name()
                ),
            ));
        }
        let compression = compression.unwrap_or(Compression::None);
        if !matches!(compression, Compression::None | Compression::Gzip) {
            return Err(self.error(
                location,
                "only rml:gzip compression is supported for targets",
            ));
        }
        Ok(LogicalTarget {
            path,
            serialization,
            gzip: compression == Compression::Gzip,
        })
    }
}

/// `grel:toUpperCase`-style short names for function IRIs in messages.
fn short_function(iri: &str) -> String {
    if let Some(local) = iri.strip_prefix(crate::functions::GREL_NS) {
        format!("grel:{local}")
    } else if let Some(local) = iri.strip_prefix(crate::functions::IDLAB_NS) {
        format!("idlab-fn:{local}")
    } else if let Some(local) = iri.strip_prefix(vocab::JIYI_NS) {
        format!("jiyi:{local}")
    } else {
        format!("<{iri}>")
    }
}

/// `location predicate` or `location predicate[k]` when the predicate has several values.
fn indexed(location: &str, predicate: &str, k: usize, count: usize) -> String {
    if count > 1 {
        format!("{location} {predicate}[{}]", k + 1)
    } else {
        format!("{location} {predicate}")
    }
}

/// A constant language tag in oxrdf's normal form (lower case), so term generation can use
/// it as it is, without normalising it per record.
fn normalised_language(constant: &Term) -> Term {
    match constant {
        Term::Literal(l) if l.datatype() == oxrdf::vocab::xsd::STRING => {
            Literal::new_simple_literal(l.value().to_ascii_lowercase()).into()
        }
        other => other.clone(),
    }
}

/// Checks a language tag against BCP 47.
pub(crate) fn check_language(tag: &str) -> Result<(), String> {
    Literal::new_language_tagged_literal("", tag)
        .map(|_| ())
        .map_err(|e| format!("rml:language \"{tag}\" is not a valid BCP 47 language tag: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_base_is_a_valid_iri() {
        let base = file_base_iri(Path::new("/data/故宮 demo/mapping.ttl"));
        assert_eq!(base, "file:///data/%E6%95%85%E5%AE%AE%20demo/mapping.ttl");
        assert!(NamedNode::new(base).is_ok());
    }
}
