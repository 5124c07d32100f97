//! The SHACL Core engine: focus nodes from targets, value nodes from paths, one check per
//! constraint component, over one data graph ([`DataGraph`], terms as ids).

use crate::data::{DataGraph, Id};
use crate::model::{Constraint, NodeKind, Shape, ShapeId, Target};
use crate::report::{GraphReport, ValidationResult};
use crate::shapes::{sh, xsd_name};
use crate::{Shapes, xsd};
use oxrdf::{NamedNode, Term};
use std::collections::{HashMap, HashSet};

impl Shapes {
    /// Validates one data graph against every shape that has a target. The graph is the whole
    /// world for this check: `sh:class` and paths see only its triples. Target nodes the data
    /// does not mention are added to its term table (they are still focus nodes in SHACL).
    pub fn validate(&self, data: &mut DataGraph) -> GraphReport {
        for shape in &self.shapes {
            for target in &shape.targets {
                if let Target::Node(n) = target {
                    data.intern(n.clone());
                }
            }
        }
        let data: &DataGraph = data;
        let mut checked = HashSet::new();
        let mut results = Vec::new();
        for &root in &self.roots {
            let shape = &self.shapes[root];
            if shape.deactivated {
                continue;
            }
            for focus in focus_nodes(shape, data) {
                self.check(root, focus, data, &mut results);
                checked.insert(focus);
            }
        }
        GraphReport {
            focus_nodes: checked.len(),
            results,
        }
    }

    fn check(&self, id: ShapeId, focus: Id, data: &DataGraph, out: &mut Vec<ValidationResult>) {
        let shape = &self.shapes[id];
        if shape.deactivated {
            return;
        }
        let values = match &shape.path {
            Some(path) => path.values(data, focus),
            None => vec![focus],
        };
        for constraint in &shape.constraints {
            self.evaluate(shape, constraint, focus, &values, data, out);
        }
    }

    fn conforms(&self, id: ShapeId, node: Id, data: &DataGraph) -> bool {
        let mut results = Vec::new();
        self.check(id, node, data, &mut results);
        results.is_empty()
    }

    #[allow(clippy::too_many_lines)]
    fn evaluate(
        &self,
        shape: &Shape,
        constraint: &Constraint,
        focus: Id,
        values: &[Id],
        data: &DataGraph,
        out: &mut Vec<ValidationResult>,
    ) {
        let term = |id: Id| data.term(id);
        let mut report = |value: Option<Id>, default: String| {
            out.push(ValidationResult {
                focus_node: data.term(focus).clone(),
                path: shape.path.clone(),
                value: value.map(|v| data.term(v).clone()),
                severity: shape.severity.clone(),
                component: sh(constraint.component()),
                source_shape: shape.node.clone(),
                message: shape.message.clone().unwrap_or(default),
            });
        };
        match constraint {
            Constraint::Class(class) => {
                for &v in values.iter().filter(|&&v| !is_instance(data, v, class)) {
                    report(
                        Some(v),
                        format!("{} is not an instance of {class}", term(v)),
                    );
                }
            }
            Constraint::Datatype(datatype) => {
                for &v in values.iter().filter(|&&v| !has_datatype(term(v), datatype)) {
                    report(
                        Some(v),
                        format!(
                            "{} is not a well-formed literal of datatype {datatype}",
                            term(v)
                        ),
                    );
                }
            }
            Constraint::NodeKind(kind) => {
                for &v in values
                    .iter()
                    .filter(|&&v| !node_kind_matches(*kind, term(v)))
                {
                    report(Some(v), format!("{} is not of node kind {kind:?}", term(v)));
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
                for &v in values.iter().filter(|&&v| {
                    lexical(term(v)).is_none_or(|s| (s.chars().count() as u64) < *min)
                }) {
                    report(
                        Some(v),
                        format!(
                            "{} is shorter than {min} characters (or a blank node)",
                            term(v)
                        ),
                    );
                }
            }
            Constraint::MaxLength(max) => {
                for &v in values.iter().filter(|&&v| {
                    lexical(term(v)).is_none_or(|s| (s.chars().count() as u64) > *max)
                }) {
                    report(
                        Some(v),
                        format!(
                            "{} is longer than {max} characters (or a blank node)",
                            term(v)
                        ),
                    );
                }
            }
            Constraint::In(allowed) => {
                let allowed: Vec<Id> = allowed.iter().filter_map(|t| data.id(t)).collect();
                for &v in values.iter().filter(|v| !allowed.contains(v)) {
                    report(
                        Some(v),
                        format!("{} is not one of the allowed values", term(v)),
                    );
                }
            }
            Constraint::HasValue(required) => {
                if data.id(required).is_none_or(|r| !values.contains(&r)) {
                    report(None, format!("{required} is missing"));
                }
            }
            Constraint::Pattern { regex, source } => {
                for &v in values
                    .iter()
                    .filter(|&&v| lexical(term(v)).is_none_or(|s| !regex.is_match(s)))
                {
                    report(
                        Some(v),
                        format!("{} does not match the pattern {source:?}", term(v)),
                    );
                }
            }
            Constraint::LanguageIn(ranges) => {
                for &v in values.iter().filter(|&&v| !language_in(term(v), ranges)) {
                    report(
                        Some(v),
                        format!(
                            "{} has no language tag among {}",
                            term(v),
                            ranges.join(", ")
                        ),
                    );
                }
            }
            Constraint::UniqueLang => {
                let mut counts: HashMap<String, usize> = HashMap::new();
                let mut order = Vec::new();
                for &v in values {
                    if let Term::Literal(l) = term(v)
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
                for &v in values.iter().filter(|&&v| !self.conforms(*id, v, data)) {
                    report(
                        Some(v),
                        format!(
                            "{} does not conform to the shape {}",
                            term(v),
                            self.shapes[*id].node
                        ),
                    );
                }
            }
            Constraint::Property(id) => {
                for &v in values {
                    self.check(*id, v, data, out);
                }
            }
            Constraint::Or(ids) => {
                for &v in values
                    .iter()
                    .filter(|&&v| !ids.iter().any(|id| self.conforms(*id, v, data)))
                {
                    report(
                        Some(v),
                        format!("{} conforms to none of the sh:or shapes", term(v)),
                    );
                }
            }
            Constraint::And(ids) => {
                for &v in values
                    .iter()
                    .filter(|&&v| !ids.iter().all(|id| self.conforms(*id, v, data)))
                {
                    report(
                        Some(v),
                        format!("{} does not conform to all of the sh:and shapes", term(v)),
                    );
                }
            }
            Constraint::Xone(ids) => {
                for &v in values {
                    let n = ids.iter().filter(|id| self.conforms(**id, v, data)).count();
                    if n != 1 {
                        report(
                            Some(v),
                            format!(
                                "{} conforms to {n} of the sh:xone shapes, not exactly one",
                                term(v)
                            ),
                        );
                    }
                }
            }
            Constraint::Not(id) => {
                for &v in values.iter().filter(|&&v| self.conforms(*id, v, data)) {
                    report(
                        Some(v),
                        format!(
                            "{} conforms to the shape {} but must not",
                            term(v),
                            self.shapes[*id].node
                        ),
                    );
                }
            }
        }
    }
}

/// The focus nodes of a shape's targets, each once, in a stable order.
fn focus_nodes(shape: &Shape, data: &DataGraph) -> Vec<Id> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut add = |t: Id| {
        if seen.insert(t) {
            out.push(t);
        }
    };
    for target in &shape.targets {
        match target {
            Target::Class(class) => {
                if let Some(rdf_type) = data.rdf_type() {
                    for c in subclasses(data, class) {
                        data.subjects(rdf_type, c).for_each(&mut add);
                    }
                }
            }
            Target::Node(n) => {
                if let Some(id) = data.id(n) {
                    add(id);
                }
            }
            Target::SubjectsOf(p) => {
                if let Some(p) = data.named_id(p) {
                    data.with_predicate(p).for_each(|(s, _)| add(s));
                }
            }
            Target::ObjectsOf(p) => {
                if let Some(p) = data.named_id(p) {
                    data.with_predicate(p).for_each(|(_, o)| add(o));
                }
            }
        }
    }
    out
}

/// `class` and every class declared (transitively) `rdfs:subClassOf` it in the data graph.
fn subclasses(data: &DataGraph, class: &NamedNode) -> Vec<Id> {
    let Some(class) = data.named_id(class) else {
        return Vec::new();
    };
    let mut out = vec![class];
    if let Some(sub_class_of) = data.sub_class_of() {
        let mut i = 0;
        while i < out.len() {
            let sub: Vec<Id> = data.subjects(sub_class_of, out[i]).collect();
            for s in sub {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
            i += 1;
        }
    }
    out
}

/// SHACL instance: an `rdf:type` of the node is `class` or a (transitive) subclass of it.
fn is_instance(data: &DataGraph, node: Id, class: &NamedNode) -> bool {
    let (Some(rdf_type), Some(class)) = (data.rdf_type(), data.named_id(class)) else {
        return false;
    };
    let mut queue: Vec<Id> = data.objects(node, rdf_type).collect();
    if queue.contains(&class) {
        return true;
    }
    let Some(sub_class_of) = data.sub_class_of() else {
        return false;
    };
    let mut seen = HashSet::new();
    while let Some(t) = queue.pop() {
        if t == class {
            return true;
        }
        if seen.insert(t) {
            queue.extend(data.objects(t, sub_class_of));
        }
    }
    false
}

fn has_datatype(value: &Term, datatype: &NamedNode) -> bool {
    let Term::Literal(l) = value else {
        return false;
    };
    l.datatype() == datatype.as_ref()
        && xsd_name(datatype.as_ref()).is_none_or(|local| xsd::well_formed(local, l.value()))
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
