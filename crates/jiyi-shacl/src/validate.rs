//! The SHACL Core engine: focus nodes from targets, value nodes from paths, one check per
//! constraint component, over one in-memory data graph.

use crate::model::{Constraint, NodeKind, Shape, ShapeId, Target};
use crate::report::{GraphReport, ValidationResult};
use crate::shapes::{sh, xsd_name};
use crate::{Shapes, xsd};
use oxrdf::vocab::{rdf, rdfs};
use oxrdf::{Graph, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, Term, TermRef};
use std::collections::{HashMap, HashSet};

impl Shapes {
    /// Validates one data graph against every shape that has a target. The graph is the whole
    /// world for this check: `sh:class` and paths see only its triples.
    pub fn validate(&self, data: &Graph) -> GraphReport {
        let mut checked = HashSet::new();
        let mut results = Vec::new();
        for &root in &self.roots {
            let shape = &self.shapes[root];
            if shape.deactivated {
                continue;
            }
            for focus in focus_nodes(shape, data) {
                self.check(root, &focus, data, &mut results);
                checked.insert(focus);
            }
        }
        GraphReport {
            focus_nodes: checked.len(),
            results,
        }
    }

    fn check(&self, id: ShapeId, focus: &Term, data: &Graph, out: &mut Vec<ValidationResult>) {
        let shape = &self.shapes[id];
        if shape.deactivated {
            return;
        }
        let values = match &shape.path {
            Some(path) => path.values(data, focus),
            None => vec![focus.clone()],
        };
        for constraint in &shape.constraints {
            self.evaluate(shape, constraint, focus, &values, data, out);
        }
    }

    fn conforms(&self, id: ShapeId, node: &Term, data: &Graph) -> bool {
        let mut results = Vec::new();
        self.check(id, node, data, &mut results);
        results.is_empty()
    }

    fn evaluate(
        &self,
        shape: &Shape,
        constraint: &Constraint,
        focus: &Term,
        values: &[Term],
        data: &Graph,
        out: &mut Vec<ValidationResult>,
    ) {
        let mut report = |value: Option<&Term>, default: String| {
            out.push(ValidationResult {
                focus_node: focus.clone(),
                path: shape.path.clone(),
                value: value.cloned(),
                severity: shape.severity.clone(),
                component: sh(constraint.component()),
                source_shape: shape.node.clone(),
                message: shape.message.clone().unwrap_or(default),
            });
        };
        match constraint {
            Constraint::Class(class) => {
                for v in values.iter().filter(|v| !is_instance(data, v, class)) {
                    report(Some(v), format!("{v} is not an instance of {class}"));
                }
            }
            Constraint::Datatype(datatype) => {
                for v in values
                    .iter()
                    .filter(|v| !has_datatype(v, datatype.as_ref()))
                {
                    report(
                        Some(v),
                        format!("{v} is not a well-formed literal of datatype {datatype}"),
                    );
                }
            }
            Constraint::NodeKind(kind) => {
                for v in values.iter().filter(|v| !node_kind_matches(*kind, v)) {
                    report(Some(v), format!("{v} is not of node kind {kind:?}"));
                }
            }
            Constraint::MinCount(min) => {
                if (values.len() as u64) < *min {
                    report(
                        None,
                        format!("expected at least {min} value(s), found {}", values.len()),
                    );
                }
            }
            Constraint::MaxCount(max) => {
                if (values.len() as u64) > *max {
                    report(
                        None,
                        format!("expected at most {max} value(s), found {}", values.len()),
                    );
                }
            }
            Constraint::MinLength(min) => {
                for v in values
                    .iter()
                    .filter(|v| lexical(v).is_none_or(|s| (s.chars().count() as u64) < *min))
                {
                    report(
                        Some(v),
                        format!("{v} is shorter than {min} characters (or a blank node)"),
                    );
                }
            }
            Constraint::MaxLength(max) => {
                for v in values
                    .iter()
                    .filter(|v| lexical(v).is_none_or(|s| (s.chars().count() as u64) > *max))
                {
                    report(
                        Some(v),
                        format!("{v} is longer than {max} characters (or a blank node)"),
                    );
                }
            }
            Constraint::In(allowed) => {
                for v in values.iter().filter(|v| !allowed.contains(v)) {
                    report(Some(v), format!("{v} is not one of the allowed values"));
                }
            }
            Constraint::HasValue(required) => {
                if !values.contains(required) {
                    report(None, format!("{required} is missing"));
                }
            }
            Constraint::Pattern { regex, source } => {
                for v in values
                    .iter()
                    .filter(|v| lexical(v).is_none_or(|s| !regex.is_match(s)))
                {
                    report(
                        Some(v),
                        format!("{v} does not match the pattern {source:?}"),
                    );
                }
            }
            Constraint::LanguageIn(ranges) => {
                for v in values.iter().filter(|v| !language_in(v, ranges)) {
                    report(
                        Some(v),
                        format!("{v} has no language tag among {}", ranges.join(", ")),
                    );
                }
            }
            Constraint::UniqueLang => {
                let mut counts: HashMap<String, usize> = HashMap::new();
                let mut order = Vec::new();
                for v in values {
                    if let Term::Literal(l) = v
                        && let Some(tag) = l.language()
                    {
                        let n = counts.entry(tag.to_ascii_lowercase()).or_insert(0);
                        *n += 1;
                        if *n == 2 {
                            order.push(tag.to_ascii_lowercase());
                        }
                    }
                }
                for tag in order {
                    report(None, format!("more than one value in language {tag:?}"));
                }
            }
            Constraint::Node(id) => {
                for v in values.iter().filter(|v| !self.conforms(*id, v, data)) {
                    report(
                        Some(v),
                        format!(
                            "{v} does not conform to the shape {}",
                            self.shapes[*id].node
                        ),
                    );
                }
            }
            Constraint::Property(id) => {
                for v in values {
                    self.check(*id, v, data, out);
                }
            }
            Constraint::Or(ids) => {
                for v in values
                    .iter()
                    .filter(|v| !ids.iter().any(|id| self.conforms(*id, v, data)))
                {
                    report(Some(v), format!("{v} conforms to none of the sh:or shapes"));
                }
            }
            Constraint::And(ids) => {
                for v in values
                    .iter()
                    .filter(|v| !ids.iter().all(|id| self.conforms(*id, v, data)))
                {
                    report(
                        Some(v),
                        format!("{v} does not conform to all of the sh:and shapes"),
                    );
                }
            }
            Constraint::Xone(ids) => {
                for v in values {
                    let n = ids.iter().filter(|id| self.conforms(**id, v, data)).count();
                    if n != 1 {
                        report(
                            Some(v),
                            format!("{v} conforms to {n} of the sh:xone shapes, not exactly one"),
                        );
                    }
                }
            }
            Constraint::Not(id) => {
                for v in values.iter().filter(|v| self.conforms(*id, v, data)) {
                    report(
                        Some(v),
                        format!(
                            "{v} conforms to the shape {} but must not",
                            self.shapes[*id].node
                        ),
                    );
                }
            }
        }
    }
}

/// The focus nodes of a shape's targets, each once, in a stable order.
fn focus_nodes(shape: &Shape, data: &Graph) -> Vec<Term> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut add = |t: Term| {
        if seen.insert(t.clone()) {
            out.push(t);
        }
    };
    for target in &shape.targets {
        match target {
            Target::Class(class) => {
                for c in subclasses(data, class) {
                    for s in data.subjects_for_predicate_object(rdf::TYPE, &c) {
                        add(s.into_owned().into());
                    }
                }
            }
            Target::Node(n) => add(n.clone()),
            Target::SubjectsOf(p) => {
                for t in data.triples_for_predicate(p) {
                    add(t.subject.into_owned().into());
                }
            }
            Target::ObjectsOf(p) => {
                for t in data.triples_for_predicate(p) {
                    add(t.object.into_owned());
                }
            }
        }
    }
    out
}

/// `class` and every class declared (transitively) `rdfs:subClassOf` it in the data graph.
fn subclasses(data: &Graph, class: &NamedNode) -> Vec<Term> {
    let mut out = vec![Term::from(class.clone())];
    let mut i = 0;
    while i < out.len() {
        let sub: Vec<Term> = data
            .subjects_for_predicate_object(rdfs::SUB_CLASS_OF, &out[i])
            .map(|s| s.into_owned().into())
            .collect();
        for s in sub {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        i += 1;
    }
    out
}

/// SHACL instance: an `rdf:type` of the node is `class` or a (transitive) subclass of it.
fn is_instance(data: &Graph, node: &Term, class: &NamedNode) -> bool {
    let subject: NamedOrBlankNodeRef<'_> = match node.as_ref() {
        TermRef::NamedNode(n) => n.into(),
        TermRef::BlankNode(b) => b.into(),
        _ => return false,
    };
    let target = TermRef::from(class.as_ref());
    let mut queue: Vec<TermRef<'_>> = data
        .objects_for_subject_predicate(subject, rdf::TYPE)
        .collect();
    let mut seen = HashSet::new();
    while let Some(t) = queue.pop() {
        if t == target {
            return true;
        }
        if !seen.insert(t) {
            continue;
        }
        match t {
            TermRef::NamedNode(n) => {
                queue.extend(data.objects_for_subject_predicate(n, rdfs::SUB_CLASS_OF))
            }
            TermRef::BlankNode(b) => {
                queue.extend(data.objects_for_subject_predicate(b, rdfs::SUB_CLASS_OF))
            }
            _ => {}
        }
    }
    false
}

fn has_datatype(value: &Term, datatype: NamedNodeRef<'_>) -> bool {
    let Term::Literal(l) = value else {
        return false;
    };
    l.datatype() == datatype
        && xsd_name(datatype).is_none_or(|local| xsd::well_formed(local, l.value()))
}

fn node_kind_matches(kind: NodeKind, value: &Term) -> bool {
    let (iri, blank, literal) = match value {
        Term::NamedNode(_) => (true, false, false),
        Term::BlankNode(_) => (false, true, false),
        Term::Literal(_) => (false, false, true),
    };
    match kind {
        NodeKind::Iri => iri,
        NodeKind::BlankNode => blank,
        NodeKind::Literal => literal,
        NodeKind::BlankNodeOrIri => blank || iri,
        NodeKind::BlankNodeOrLiteral => blank || literal,
        NodeKind::IriOrLiteral => iri || literal,
    }
}

/// `str()` of an IRI or literal; blank nodes have none (and fail pattern/length checks).
fn lexical(value: &Term) -> Option<&str> {
    match value {
        Term::NamedNode(n) => Some(n.as_str()),
        Term::Literal(l) => Some(l.value()),
        Term::BlankNode(_) => None,
    }
}

/// SPARQL `langMatches` (RFC 4647 basic filtering) against any of the ranges.
fn language_in(value: &Term, ranges: &[String]) -> bool {
    let Term::Literal(l) = value else {
        return false;
    };
    let Some(tag) = l.language() else {
        return false;
    };
    let tag = tag.to_ascii_lowercase();
    ranges.iter().any(|range| {
        let range = range.to_ascii_lowercase();
        range == "*"
            || tag == range
            || tag
                .strip_prefix(&range)
                .is_some_and(|rest| rest.starts_with('-'))
    })
}
