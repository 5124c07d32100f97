//! SHACL property paths (predicate, inverse, sequence, alternative, zero-or-more, one-or-more,
//! zero-or-one) and their evaluation over one data graph.

use crate::data::{DataGraph, Id};
use oxrdf::NamedNode;
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
    pub(crate) fn values(&self, graph: &DataGraph, focus: Id) -> Vec<Id> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        self.step(graph, focus, &mut |t| {
            if seen.insert(t) {
                out.push(t);
            }
        });
        out
    }

    fn step(&self, graph: &DataGraph, node: Id, emit: &mut dyn FnMut(Id)) {
        match self {
            Self::Predicate(p) => {
                if let Some(p) = graph.named_id(p) {
                    graph.objects(node, p).for_each(emit);
                }
            }
            Self::Inverse(inner) => match inner.as_ref() {
                Self::Predicate(p) => {
                    if let Some(p) = graph.named_id(p) {
                        graph.subjects(p, node).for_each(emit);
                    }
                }
                other => {
                    // ^(path): the nodes from which `path` reaches `node`. A general inverse of a
                    // complex path tries every subject of the graph (rare in shapes; correct).
                    for c in graph.subjects_all() {
                        if other.values(graph, c).contains(&node) {
                            emit(c);
                        }
                    }
                }
            },
            Self::Sequence(steps) => {
                let mut current = vec![node];
                for step in steps {
                    let mut next = Vec::new();
                    let mut seen = HashSet::new();
                    for &n in &current {
                        step.step(graph, n, &mut |t| {
                            if seen.insert(t) {
                                next.push(t);
                            }
                        });
                    }
                    current = next;
                }
                current.into_iter().for_each(emit);
            }
            Self::Alternative(options) => {
                for option in options {
                    option.step(graph, node, emit);
                }
            }
            Self::ZeroOrOne(inner) => {
                emit(node);
                inner.step(graph, node, emit);
            }
            Self::ZeroOrMore(inner) | Self::OneOrMore(inner) => {
                let mut seen = HashSet::new();
                let mut queue = Vec::new();
                if matches!(self, Self::ZeroOrMore(_)) {
                    seen.insert(node);
                    emit(node);
                }
                inner.step(graph, node, &mut |t| queue.push(t));
                while let Some(n) = queue.pop() {
                    if seen.insert(n) {
                        emit(n);
                        inner.step(graph, n, &mut |t| queue.push(t));
                    }
                }
            }
        }
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
