//! Reading a mapping document (Turtle) into the compiled model, with every check that can
//! be made before touching data.

use crate::error::RmlError;
use crate::model::{
    Expression, JoinCondition, PredicateObjectMap, RefObjectMap, TemplatePart, TermMap, TermType,
    TriplesMap,
};
use crate::source::{self, LogicalSource, Reference, SourceFormat};
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
        }
    }

    fn allows(self, term_type: TermType) -> bool {
        match self {
            Self::Subject | Self::Graph => term_type != TermType::Literal,
            Self::Predicate | Self::Datatype => term_type.is_iri(),
            Self::Object => true,
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
    index: Index,
    fresh_counter: usize,
}

/// The parsed mapping: triples maps in document order.
pub(crate) fn parse(text: &str, path: &Path) -> Result<Vec<TriplesMap>, RmlError> {
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
    let mut doc = Doc {
        path,
        base,
        mapping_dir,
        index,
        fresh_counter: 0,
    };
    doc.triples_maps(&order, &triples)
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
        let path = match self.one(&node, vocab::SOURCE, &location)? {
            None => return Err(self.error(&location, "the logical source has no rml:source")),
            Some(Term::Literal(l)) => self.mapping_dir.join(l.value()),
            Some(source) => {
                let Some(source) = as_resource(source) else {
                    return Err(self.error(&location, "unsupported rml:source"));
                };
                let source_location = self.name(&source, &format!("{location} rml:source"));
                for null in self.values(&source, vocab::NULL) {
                    match null {
                        Term::Literal(l) => nulls.push(l.value().to_owned()),
                        other => {
                            return Err(self.error(
                                &source_location,
                                format!("rml:null must be a literal, not {}", describe(other)),
                            ));
                        }
                    }
                }
                let Some(relative) = self.string(&source, vocab::PATH, &source_location)? else {
                    return Err(self.error(
                        &source_location,
                        "the source has no rml:path (supported sources: rml:RelativePathSource with rml:root \
                         and rml:path, or a plain file path literal)",
                    ));
                };
                let root = match self.one(&source, vocab::ROOT, &source_location)? {
                    Some(Term::NamedNode(n)) if n.as_str() == vocab::MAPPING_DIRECTORY => {
                        self.mapping_dir.clone()
                    }
                    None => std::env::current_dir().unwrap_or_default(),
                    Some(Term::NamedNode(n)) if n.as_str() == vocab::CURRENT_WORKING_DIRECTORY => {
                        std::env::current_dir().unwrap_or_default()
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
        };
        for null in self.values(&node, vocab::NULL) {
            match null {
                Term::Literal(l) => nulls.push(l.value().to_owned()),
                other => {
                    return Err(self.error(
                        &location,
                        format!("rml:null must be a literal, not {}", describe(other)),
                    ));
                }
            }
        }
        let format: &'static dyn SourceFormat = match self.one(&node, vocab::REFERENCE_FORMULATION, &location)? {
            Some(Term::NamedNode(n)) => match source::format_for(n.as_str()) {
                Ok(Some(format)) => format,
                Ok(None) => {
                    return Err(self.error(&location, format!("unknown reference formulation {}", short(n.as_str()))));
                }
                Err(message) => return Err(self.error(&location, message)),
            },
            Some(other) => {
                return Err(self.error(&location, format!("unknown reference formulation {}", describe(other))));
            }
            None => source::format_for_extension(&path).ok_or_else(|| {
                self.error(
                    &location,
                    format!(
                        "the logical source has no rml:referenceFormulation and the file name {} does not tell \
                         (give rml:CSV or rml:JSONPath)",
                        path.display()
                    ),
                )
            })?,
        };
        let iterator_text = self.string(&node, vocab::ITERATOR, &location)?;
        let iterator = format
            .compile_iterator(iterator_text.as_deref())
            .map_err(|message| self.error(&format!("{location} rml:iterator"), message))?;
        Ok(Some(LogicalSource {
            path,
            format,
            iterator_text,
            iterator,
            nulls,
        }))
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
            .compile_reference(text)
            .map_err(|message| self.error(location, message))?;
        Ok(Reference {
            text: text.to_owned(),
            compiled,
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
                Position::Object | Position::Language | Position::JoinChild | Position::JoinParent
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

        if self.has(&node, vocab::FUNCTION_EXECUTION) {
            return Err(self.error(
                location,
                "rml:functionExecution (RML-FNML functions) is not supported yet",
            ));
        }
        let constant = self.one(&node, vocab::CONSTANT, location)?.cloned();
        let reference = self.string(&node, vocab::REFERENCE, location)?;
        let template = self.string(&node, vocab::TEMPLATE, location)?;
        let present: Vec<&str> = [
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

        let expression = if let Some(constant) = constant {
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
                "term map has no rml:constant, rml:reference or rml:template",
            ));
        };

        let term_type = match (&expression, explicit_type) {
            (Expression::Constant(Term::Literal(_)), _) => TermType::Literal,
            (Expression::Constant(_), _) => TermType::Iri,
            (_, Some(explicit)) => explicit,
            (_, None) => match position {
                Position::Object
                    if matches!(expression, Expression::Reference(_))
                        || language.is_some()
                        || datatype.is_some() =>
                {
                    TermType::Literal
                }
                Position::Language | Position::JoinChild | Position::JoinParent => {
                    TermType::Literal
                }
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
        Ok(TermMap {
            location: location.to_owned(),
            expression,
            term_type,
            language: language.map(Box::new),
            datatype: datatype.map(Box::new),
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
                    expression: Expression::Constant(constant.clone()),
                    term_type: TermType::Literal,
                    language: None,
                    datatype: None,
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

/// `location predicate` or `location predicate[k]` when the predicate has several values.
fn indexed(location: &str, predicate: &str, k: usize, count: usize) -> String {
    if count > 1 {
        format!("{location} {predicate}[{}]", k + 1)
    } else {
        format!("{location} {predicate}")
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
