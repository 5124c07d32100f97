//! Loading shapes files and compiling their shapes graph into [`Shape`]s.
//!
//! All files given are parsed into one shapes graph (blank nodes renamed per file so two files'
//! `_:b0` stay apart), so a shape may refer to a shape of another file. Every node that has a
//! target, is typed `sh:NodeShape`/`sh:PropertyShape`, or is referenced as a shape is compiled
//! up front: a malformed or unsupported shape is an error when the shapes load, never a silent
//! skip during validation.

use crate::model::{Constraint, NodeKind, Shape, ShapeId, Target};
use crate::path::PropertyPath;
use crate::{SH, ShaclError};
use oxrdf::vocab::{rdf, rdfs, xsd};
use oxrdf::{BlankNode, Graph, NamedNode, NamedNodeRef, NamedOrBlankNode, Term, TermRef, Triple};
use oxttl::TurtleParser;
use regex::RegexBuilder;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/embedded_shapes.rs"));

/// SHACL parameters this validator implements (or that carry no constraint: labels, order…).
/// Any other `sh:` predicate on a shape is refused.
const UNDERSTOOD: &[&str] = &[
    "targetClass",
    "targetNode",
    "targetSubjectsOf",
    "targetObjectsOf",
    "path",
    "property",
    "class",
    "datatype",
    "nodeKind",
    "minCount",
    "maxCount",
    "minLength",
    "maxLength",
    "in",
    "hasValue",
    "pattern",
    "flags",
    "languageIn",
    "uniqueLang",
    "node",
    "or",
    "and",
    "not",
    "xone",
    "message",
    "severity",
    "deactivated",
    "name",
    "description",
    "order",
    "group",
    "defaultValue",
];

/// A set of compiled shapes, ready to validate data graphs with.
#[derive(Debug)]
pub struct Shapes {
    pub(crate) shapes: Vec<Shape>,
    /// Shapes with at least one target: where validation starts.
    pub(crate) roots: Vec<ShapeId>,
    files: Vec<String>,
}

impl Shapes {
    /// The shapes built into the binary: every `ontologies/shapes/*.ttl` of the repository at
    /// build time (see build.rs).
    pub fn embedded() -> Result<Self, ShaclError> {
        Self::from_texts(
            EMBEDDED
                .iter()
                .map(|(n, t)| ((*n).to_owned(), (*t).to_owned())),
        )
    }

    /// File names of the embedded shapes files, for `--help`-style listings and reports.
    pub fn embedded_files() -> Vec<&'static str> {
        EMBEDDED.iter().map(|(n, _)| *n).collect()
    }

    /// Shapes from files and folders (every `*.ttl` directly in a folder, sorted by name).
    pub fn from_paths(paths: &[PathBuf]) -> Result<Self, ShaclError> {
        let mut texts = Vec::new();
        for path in paths {
            for file in shapes_files(path)? {
                let text = std::fs::read_to_string(&file).map_err(|source| ShaclError::Io {
                    path: file.clone(),
                    source,
                })?;
                texts.push((file.display().to_string(), text));
            }
        }
        Self::from_texts(texts)
    }

    /// Shapes from `(file name, Turtle text)` pairs; the name is only used in messages.
    pub fn from_texts(
        texts: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ShaclError> {
        let mut graph = Graph::new();
        let mut origin: HashMap<Term, String> = HashMap::new();
        let mut files = Vec::new();
        for (index, (name, text)) in texts.into_iter().enumerate() {
            let parser = TurtleParser::new();
            for triple in parser.for_slice(&text) {
                let triple = triple.map_err(|e| ShaclError::Turtle {
                    file: name.clone(),
                    message: e.to_string(),
                })?;
                let triple = scope_blank_nodes(triple, index);
                origin
                    .entry(Term::from(triple.subject.clone()))
                    .or_insert_with(|| name.clone());
                graph.insert(&triple);
            }
            files.push(name);
        }
        let mut compiler = Compiler {
            graph: &graph,
            origin: &origin,
            ids: HashMap::new(),
            shapes: Vec::new(),
            in_progress: HashSet::new(),
        };
        let mut roots = Vec::new();
        for node in compiler.shape_nodes() {
            let id = compiler.compile(&node)?;
            if !compiler.shapes_targets_empty(id) && !roots.contains(&id) {
                roots.push(id);
            }
        }
        let shapes = compiler
            .shapes
            .into_iter()
            .map(|s| s.expect("every shape started is finished before compile returns"))
            .collect();
        Ok(Self {
            shapes,
            roots,
            files,
        })
    }

    /// The files these shapes came from, in load order.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// How many shapes (node and property shapes) were compiled.
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    /// Whether no shape was found at all.
    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }
}

fn shapes_files(path: &Path) -> Result<Vec<PathBuf>, ShaclError> {
    let io = |source| ShaclError::Io {
        path: path.to_owned(),
        source,
    };
    if !path.is_dir() {
        // A missing file is reported by the read, with its path.
        return Ok(vec![path.to_owned()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ttl"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(ShaclError::NoShapes(path.to_owned()));
    }
    Ok(files)
}

fn scope_blank_nodes(triple: Triple, file: usize) -> Triple {
    let scope = |b: &BlankNode| BlankNode::new_unchecked(format!("f{file}x{}", b.as_str()));
    let subject = match triple.subject {
        NamedOrBlankNode::BlankNode(b) => NamedOrBlankNode::from(scope(&b)),
        s => s,
    };
    let object = match triple.object {
        Term::BlankNode(b) => Term::from(scope(&b)),
        o => o,
    };
    Triple::new(subject, triple.predicate, object)
}

pub(crate) fn sh(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SH}{local}"))
}

struct Compiler<'a> {
    graph: &'a Graph,
    origin: &'a HashMap<Term, String>,
    ids: HashMap<Term, ShapeId>,
    shapes: Vec<Option<Shape>>,
    in_progress: HashSet<Term>,
}

impl Compiler<'_> {
    /// Nodes that are shapes by their targets or their type, in a stable order.
    fn shape_nodes(&self) -> Vec<Term> {
        let mut nodes = Vec::new();
        let mut seen = HashSet::new();
        let by_predicate = [
            "targetClass",
            "targetNode",
            "targetSubjectsOf",
            "targetObjectsOf",
        ];
        for p in by_predicate {
            for t in self.graph.triples_for_predicate(&sh(p)) {
                let n = Term::from(t.subject.into_owned());
                if seen.insert(n.clone()) {
                    nodes.push(n);
                }
            }
        }
        for class in ["NodeShape", "PropertyShape"] {
            for s in self
                .graph
                .subjects_for_predicate_object(rdf::TYPE, &sh(class))
            {
                let n = Term::from(s.into_owned());
                if seen.insert(n.clone()) {
                    nodes.push(n);
                }
            }
        }
        nodes.sort_by_key(|n| n.to_string());
        nodes
    }

    fn shapes_targets_empty(&self, id: ShapeId) -> bool {
        self.shapes[id]
            .as_ref()
            .is_none_or(|s| s.targets.is_empty())
    }

    fn error(&self, node: &Term, problem: impl Into<String>) -> ShaclError {
        ShaclError::Shape {
            file: self
                .origin
                .get(node)
                .cloned()
                .unwrap_or_else(|| "shapes graph".to_owned()),
            shape: node.to_string(),
            problem: problem.into(),
        }
    }

    fn objects(&self, node: &Term, predicate: &NamedNode) -> Vec<Term> {
        match node.as_ref() {
            TermRef::NamedNode(n) => self
                .graph
                .objects_for_subject_predicate(n, predicate)
                .map(TermRef::into_owned)
                .collect(),
            TermRef::BlankNode(b) => self
                .graph
                .objects_for_subject_predicate(b, predicate)
                .map(TermRef::into_owned)
                .collect(),
            _ => Vec::new(),
        }
    }

    fn one(&self, node: &Term, local: &str) -> Result<Option<Term>, ShaclError> {
        let mut values = self.objects(node, &sh(local));
        match values.len() {
            0 | 1 => Ok(values.pop()),
            n => Err(self.error(node, format!("sh:{local} has {n} values; give one"))),
        }
    }

    fn iri(&self, node: &Term, local: &str, value: &Term) -> Result<NamedNode, ShaclError> {
        match value {
            Term::NamedNode(n) => Ok(n.clone()),
            other => Err(self.error(node, format!("sh:{local} must be an IRI, not {other}"))),
        }
    }

    fn integer(&self, node: &Term, local: &str, value: &Term) -> Result<u64, ShaclError> {
        match value {
            Term::Literal(l) => l.value().parse().map_err(|_| {
                self.error(
                    node,
                    format!("sh:{local} must be a non-negative integer, not {l}"),
                )
            }),
            other => Err(self.error(node, format!("sh:{local} must be an integer, not {other}"))),
        }
    }

    fn boolean(&self, node: &Term, local: &str) -> Result<bool, ShaclError> {
        match self.one(node, local)? {
            None => Ok(false),
            Some(Term::Literal(l)) if l.value() == "true" || l.value() == "1" => Ok(true),
            Some(Term::Literal(l)) if l.value() == "false" || l.value() == "0" => Ok(false),
            Some(other) => {
                Err(self.error(node, format!("sh:{local} must be a boolean, not {other}")))
            }
        }
    }

    fn list(&self, owner: &Term, head: &Term) -> Result<Vec<Term>, ShaclError> {
        let mut items = Vec::new();
        let mut seen = HashSet::new();
        let mut node = head.clone();
        let nil = Term::from(rdf::NIL.into_owned());
        while node != nil {
            if !seen.insert(node.clone()) {
                return Err(self.error(owner, "an RDF list loops back on itself"));
            }
            let first = self.objects(&node, &rdf::FIRST.into_owned());
            let rest = self.objects(&node, &rdf::REST.into_owned());
            match (first.as_slice(), rest.as_slice()) {
                ([f], [r]) => {
                    items.push(f.clone());
                    node = r.clone();
                }
                _ => return Err(self.error(owner, format!("{node} is not a well-formed RDF list"))),
            }
        }
        Ok(items)
    }

    fn path(&self, owner: &Term, node: &Term) -> Result<PropertyPath, ShaclError> {
        if let Term::NamedNode(n) = node
            && n.as_ref() != rdf::NIL
        {
            return Ok(PropertyPath::Predicate(n.clone()));
        }
        if let Term::Literal(_) = node {
            return Err(self.error(owner, format!("sh:path {node} is a literal")));
        }
        if !self.objects(node, &rdf::FIRST.into_owned()).is_empty() {
            let steps = self
                .list(owner, node)?
                .iter()
                .map(|s| self.path(owner, s))
                .collect::<Result<Vec<_>, _>>()?;
            if steps.len() < 2 {
                return Err(self.error(owner, "a sequence path needs at least two steps"));
            }
            return Ok(PropertyPath::Sequence(steps));
        }
        let boxed = |local: &str| -> Result<Option<Box<PropertyPath>>, ShaclError> {
            match self.one(node, local)? {
                Some(inner) => Ok(Some(Box::new(self.path(owner, &inner)?))),
                None => Ok(None),
            }
        };
        if let Some(p) = boxed("inversePath")? {
            return Ok(PropertyPath::Inverse(p));
        }
        if let Some(p) = boxed("zeroOrMorePath")? {
            return Ok(PropertyPath::ZeroOrMore(p));
        }
        if let Some(p) = boxed("oneOrMorePath")? {
            return Ok(PropertyPath::OneOrMore(p));
        }
        if let Some(p) = boxed("zeroOrOnePath")? {
            return Ok(PropertyPath::ZeroOrOne(p));
        }
        if let Some(list) = self.one(node, "alternativePath")? {
            let options = self
                .list(owner, &list)?
                .iter()
                .map(|s| self.path(owner, s))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(PropertyPath::Alternative(options));
        }
        Err(self.error(
            owner,
            format!("sh:path {node} is not a SHACL property path"),
        ))
    }

    fn compile(&mut self, node: &Term) -> Result<ShapeId, ShaclError> {
        if let Some(id) = self.ids.get(node) {
            if self.in_progress.contains(node) {
                return Err(self.error(
                    node,
                    "the shape refers to itself (recursive shapes are undefined in SHACL)",
                ));
            }
            return Ok(*id);
        }
        let id = self.shapes.len();
        self.shapes.push(None);
        self.ids.insert(node.clone(), id);
        self.in_progress.insert(node.clone());
        let shape = self.build(node)?;
        self.in_progress.remove(node);
        self.shapes[id] = Some(shape);
        Ok(id)
    }

    fn build(&mut self, node: &Term) -> Result<Shape, ShaclError> {
        // Refuse SHACL parameters we do not implement, rather than skip them silently.
        let predicates: Vec<NamedNode> = match node.as_ref() {
            TermRef::NamedNode(n) => self
                .graph
                .triples_for_subject(n)
                .map(|t| t.predicate.into_owned())
                .collect(),
            TermRef::BlankNode(b) => self
                .graph
                .triples_for_subject(b)
                .map(|t| t.predicate.into_owned())
                .collect(),
            _ => Vec::new(),
        };
        for p in &predicates {
            if let Some(local) = p.as_str().strip_prefix(SH)
                && !UNDERSTOOD.contains(&local)
            {
                return Err(self.error(
                    node,
                    format!("sh:{local} is not supported by Jiyi's SHACL Core validator"),
                ));
            }
        }
        let path = match self.one(node, "path")? {
            Some(p) => Some(self.path(node, &p)?),
            None => None,
        };
        let types = self.objects(node, &rdf::TYPE.into_owned());
        if path.is_none() && types.contains(&Term::from(sh("PropertyShape"))) {
            return Err(self.error(node, "a sh:PropertyShape needs a sh:path"));
        }
        let mut targets = Vec::new();
        for v in self.objects(node, &sh("targetClass")) {
            targets.push(Target::Class(self.iri(node, "targetClass", &v)?));
        }
        let is_class = types
            .iter()
            .any(|t| matches!(t, Term::NamedNode(n) if n.as_ref() == rdfs::CLASS));
        let is_node_shape = types.iter().any(|t| *t == Term::from(sh("NodeShape")));
        if is_class
            && is_node_shape
            && let Term::NamedNode(n) = node
        {
            targets.push(Target::Class(n.clone()));
        }
        for v in self.objects(node, &sh("targetNode")) {
            targets.push(Target::Node(v));
        }
        for v in self.objects(node, &sh("targetSubjectsOf")) {
            targets.push(Target::SubjectsOf(self.iri(
                node,
                "targetSubjectsOf",
                &v,
            )?));
        }
        for v in self.objects(node, &sh("targetObjectsOf")) {
            targets.push(Target::ObjectsOf(self.iri(node, "targetObjectsOf", &v)?));
        }

        let mut constraints = Vec::new();
        for v in self.objects(node, &sh("class")) {
            constraints.push(Constraint::Class(self.iri(node, "class", &v)?));
        }
        if let Some(v) = self.one(node, "datatype")? {
            constraints.push(Constraint::Datatype(self.iri(node, "datatype", &v)?));
        }
        if let Some(v) = self.one(node, "nodeKind")? {
            let kind = match self.iri(node, "nodeKind", &v)?.as_str().strip_prefix(SH) {
                Some("IRI") => NodeKind::Iri,
                Some("BlankNode") => NodeKind::BlankNode,
                Some("Literal") => NodeKind::Literal,
                Some("BlankNodeOrIRI") => NodeKind::BlankNodeOrIri,
                Some("BlankNodeOrLiteral") => NodeKind::BlankNodeOrLiteral,
                Some("IRIOrLiteral") => NodeKind::IriOrLiteral,
                _ => {
                    return Err(
                        self.error(node, format!("sh:nodeKind {v} is not a SHACL node kind"))
                    );
                }
            };
            constraints.push(Constraint::NodeKind(kind));
        }
        for (local, make) in [
            ("minCount", Constraint::MinCount as fn(u64) -> Constraint),
            ("maxCount", Constraint::MaxCount),
            ("minLength", Constraint::MinLength),
            ("maxLength", Constraint::MaxLength),
        ] {
            if let Some(v) = self.one(node, local)? {
                constraints.push(make(self.integer(node, local, &v)?));
            }
        }
        if path.is_none()
            && constraints
                .iter()
                .any(|c| matches!(c, Constraint::MinCount(_) | Constraint::MaxCount(_)))
        {
            return Err(self.error(
                node,
                "sh:minCount / sh:maxCount need a property shape (sh:path)",
            ));
        }
        if let Some(list) = self.one(node, "in")? {
            constraints.push(Constraint::In(self.list(node, &list)?));
        }
        for v in self.objects(node, &sh("hasValue")) {
            constraints.push(Constraint::HasValue(v));
        }
        if let Some(v) = self.one(node, "pattern")? {
            let Term::Literal(source) = &v else {
                return Err(self.error(node, "sh:pattern must be a literal"));
            };
            let flags = match self.one(node, "flags")? {
                Some(Term::Literal(f)) => f.value().to_owned(),
                Some(other) => {
                    return Err(
                        self.error(node, format!("sh:flags must be a literal, not {other}"))
                    );
                }
                None => String::new(),
            };
            let mut builder = RegexBuilder::new(source.value());
            for flag in flags.chars() {
                match flag {
                    'i' => builder.case_insensitive(true),
                    's' => builder.dot_matches_new_line(true),
                    'm' => builder.multi_line(true),
                    'x' => builder.ignore_whitespace(true),
                    other => {
                        return Err(self.error(node, format!("sh:flags: unknown flag {other:?}")));
                    }
                };
            }
            let regex = builder.build().map_err(|e| {
                self.error(
                    node,
                    format!("sh:pattern is not a valid regular expression: {e}"),
                )
            })?;
            constraints.push(Constraint::Pattern {
                regex,
                source: source.value().to_owned(),
            });
        }
        if let Some(list) = self.one(node, "languageIn")? {
            let tags = self
                .list(node, &list)?
                .into_iter()
                .map(|t| match t {
                    Term::Literal(l) => Ok(l.value().to_owned()),
                    other => {
                        Err(self.error(node, format!("sh:languageIn lists {other}, not a literal")))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            constraints.push(Constraint::LanguageIn(tags));
        }
        if self.boolean(node, "uniqueLang")? {
            if path.is_none() {
                return Err(self.error(node, "sh:uniqueLang needs a property shape (sh:path)"));
            }
            constraints.push(Constraint::UniqueLang);
        }
        for v in self.objects(node, &sh("node")) {
            let id = self.compile(&v)?;
            constraints.push(Constraint::Node(id));
        }
        for v in self.objects(node, &sh("property")) {
            let id = self.compile(&v)?;
            if self.shapes[id].as_ref().is_some_and(|s| s.path.is_none()) {
                return Err(self.error(
                    node,
                    format!("sh:property {v} has no sh:path (a property shape needs one)"),
                ));
            }
            constraints.push(Constraint::Property(id));
        }
        for (local, make) in [
            ("or", Constraint::Or as fn(Vec<ShapeId>) -> Constraint),
            ("and", Constraint::And),
            ("xone", Constraint::Xone),
        ] {
            for list in self.objects(node, &sh(local)) {
                let mut ids = Vec::new();
                for member in self.list(node, &list)? {
                    ids.push(self.compile(&member)?);
                }
                constraints.push(make(ids));
            }
        }
        for v in self.objects(node, &sh("not")) {
            let id = self.compile(&v)?;
            constraints.push(Constraint::Not(id));
        }
        let severity = match self.one(node, "severity")? {
            Some(v) => self.iri(node, "severity", &v)?,
            None => sh("Violation"),
        };
        let messages = self.objects(node, &sh("message"));
        let message = messages
            .iter()
            .find(|m| matches!(m, Term::Literal(l) if l.language().is_some_and(|t| t.eq_ignore_ascii_case("en"))))
            .or_else(|| messages.first())
            .and_then(|m| match m {
                Term::Literal(l) => Some(l.value().to_owned()),
                _ => None,
            });
        let deactivated = self.boolean(node, "deactivated")?;
        Ok(Shape {
            node: node.clone(),
            path,
            targets,
            constraints,
            severity,
            message,
            deactivated,
        })
    }
}

/// `xsd:` datatypes as named nodes, for the lexical checks.
pub(crate) fn xsd_name(n: NamedNodeRef<'_>) -> Option<&str> {
    n.as_str()
        .strip_prefix(xsd::STRING.as_str().trim_end_matches("string"))
}
