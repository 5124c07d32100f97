//! SHACL property paths (predicate, inverse, sequence, alternative, zero-or-more, one-or-more,
//! zero-or-one) and their evaluation over one data graph.

use oxrdf::{Graph, NamedNode, NamedOrBlankNodeRef, Term, TermRef};
use std::collections::HashSet;
use std::fmt;

/// A property path, as `sh:path` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropertyPath {
    /// A plain predicate IRI.
    Predicate(NamedNode),
    /// `[ sh:inversePath p ]`.
    Inverse(Box<PropertyPath>),
    /// An RDF list of paths, followed one after the other.
    Sequence(Vec<PropertyPath>),
    /// `[ sh:alternativePath ( p q ) ]`.
    Alternative(Vec<PropertyPath>),
    /// `[ sh:zeroOrMorePath p ]`.
    ZeroOrMore(Box<PropertyPath>),
    /// `[ sh:oneOrMorePath p ]`.
    OneOrMore(Box<PropertyPath>),
    /// `[ sh:zeroOrOnePath p ]`.
    ZeroOrOne(Box<PropertyPath>),
}

impl PropertyPath {
    /// The value nodes reached from `focus`, each once, in discovery order (stable output).
    pub(crate) fn values(&self, graph: &Graph, focus: &Term) -> Vec<Term> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        self.step(graph, focus, &mut |t| {
            if seen.insert(t.clone()) {
                out.push(t);
            }
        });
        out
    }

    fn step(&self, graph: &Graph, node: &Term, emit: &mut dyn FnMut(Term)) {
        match self {
            Self::Predicate(p) => {
                if let Some(subject) = as_subject(node) {
                    for o in graph.objects_for_subject_predicate(subject, p) {
                        emit(o.into_owned());
                    }
                }
            }
            Self::Inverse(inner) => match inner.as_ref() {
                Self::Predicate(p) => {
                    for s in graph.subjects_for_predicate_object(p, node) {
                        emit(Term::from(s.into_owned()));
                    }
                }
                other => {
                    // ^(path): the nodes from which `path` reaches `node`. General inverse of a
                    // complex path: try every subject of the graph (rare in shapes; correct).
                    let candidates: HashSet<Term> = graph
                        .iter()
                        .map(|t| Term::from(t.subject.into_owned()))
                        .collect();
                    for c in candidates {
                        if other.values(graph, &c).contains(node) {
                            emit(c);
                        }
                    }
                }
            },
            Self::Sequence(steps) => {
                let mut current = vec![node.clone()];
                for step in steps {
                    let mut next = Vec::new();
                    let mut seen = HashSet::new();
                    for n in &current {
                        step.step(graph, n, &mut |t| {
                            if seen.insert(t.clone()) {
                                next.push(t);
                            }
                        });
                    }
                    current = next;
                }
                for n in current {
                    emit(n);
                }
            }
            Self::Alternative(options) => {
                for option in options {
                    option.step(graph, node, emit);
                }
            }
            Self::ZeroOrOne(inner) => {
                emit(node.clone());
                inner.step(graph, node, emit);
            }
            Self::ZeroOrMore(inner) | Self::OneOrMore(inner) => {
                let mut seen = HashSet::new();
                let mut queue = Vec::new();
                if matches!(self, Self::ZeroOrMore(_)) {
                    seen.insert(node.clone());
                    emit(node.clone());
                }
                inner.step(graph, node, &mut |t| queue.push(t));
                while let Some(n) = queue.pop() {
                    if seen.insert(n.clone()) {
                        emit(n.clone());
                        inner.step(graph, &n, &mut |t| queue.push(t));
                    }
                }
            }
        }
    }
}

fn as_subject(term: &Term) -> Option<NamedOrBlankNodeRef<'_>> {
    match term.as_ref() {
        TermRef::NamedNode(n) => Some(n.into()),
        TermRef::BlankNode(b) => Some(b.into()),
        _ => None,
    }
}

/// SPARQL 1.1 property path syntax: `<p>`, `^<p>`, `(<p>/<q>)`, `(<p>|<q>)`, `<p>*`, `<p>+`, `<p>?`.
impl fmt::Display for PropertyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, parts: &[PropertyPath], sep: &str| {
            write!(f, "(")?;
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    write!(f, "{sep}")?;
                }
                write!(f, "{p}")?;
            }
            write!(f, ")")
        };
        match self {
            Self::Predicate(p) => write!(f, "{p}"),
            Self::Inverse(p) => write!(f, "^{p}"),
            Self::Sequence(parts) => join(f, parts, "/"),
            Self::Alternative(parts) => join(f, parts, "|"),
            Self::ZeroOrMore(p) => write!(f, "{p}*"),
            Self::OneOrMore(p) => write!(f, "{p}+"),
            Self::ZeroOrOne(p) => write!(f, "{p}?"),
        }
    }
}
