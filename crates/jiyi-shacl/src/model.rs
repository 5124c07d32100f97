//! Compiled shapes: what the validator evaluates, independent of how the shapes graph spelled it.

use crate::path::PropertyPath;
use oxrdf::{NamedNode, Term};
use regex::Regex;

/// Index of a shape in [`crate::Shapes`].
pub(crate) type ShapeId = usize;

/// One node or property shape.
#[derive(Debug)]
pub(crate) struct Shape {
    /// The shape's node in the shapes graph (reported as `sh:sourceShape`).
    pub node: Term,
    /// `sh:path`: present for property shapes.
    pub path: Option<PropertyPath>,
    pub targets: Vec<Target>,
    pub constraints: Vec<Constraint>,
    /// `sh:severity`, `sh:Violation` when absent.
    pub severity: NamedNode,
    /// `sh:message` (English preferred), else a message made from the constraint.
    pub message: Option<String>,
    /// `sh:deactivated true`: the shape is skipped, and conforms when referenced.
    pub deactivated: bool,
}

/// How a shape selects its focus nodes.
#[derive(Debug)]
pub(crate) enum Target {
    /// `sh:targetClass` (and the implicit class target of a shape that is an `rdfs:Class`):
    /// instances, through `rdfs:subClassOf` in the data graph.
    Class(NamedNode),
    /// `sh:targetNode`.
    Node(Term),
    /// `sh:targetSubjectsOf`.
    SubjectsOf(NamedNode),
    /// `sh:targetObjectsOf`.
    ObjectsOf(NamedNode),
}

/// `sh:nodeKind` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    Iri,
    BlankNode,
    Literal,
    BlankNodeOrIri,
    BlankNodeOrLiteral,
    IriOrLiteral,
}

/// One constraint component with its parameters.
#[derive(Debug)]
pub(crate) enum Constraint {
    Class(NamedNode),
    Datatype(NamedNode),
    NodeKind(NodeKind),
    MinCount(u64),
    MaxCount(u64),
    MinLength(u64),
    MaxLength(u64),
    In(Vec<Term>),
    HasValue(Term),
    Pattern { regex: Regex, source: String },
    LanguageIn(Vec<String>),
    UniqueLang,
    Node(ShapeId),
    Property(ShapeId),
    Or(Vec<ShapeId>),
    And(Vec<ShapeId>),
    Not(ShapeId),
    Xone(Vec<ShapeId>),
}

impl Constraint {
    /// The constraint component's local name in the `sh:` namespace.
    pub fn component(&self) -> &'static str {
        match self {
            Self::Class(_) => "ClassConstraintComponent",
            Self::Datatype(_) => "DatatypeConstraintComponent",
            Self::NodeKind(_) => "NodeKindConstraintComponent",
            Self::MinCount(_) => "MinCountConstraintComponent",
            Self::MaxCount(_) => "MaxCountConstraintComponent",
            Self::MinLength(_) => "MinLengthConstraintComponent",
            Self::MaxLength(_) => "MaxLengthConstraintComponent",
            Self::In(_) => "InConstraintComponent",
            Self::HasValue(_) => "HasValueConstraintComponent",
            Self::Pattern { .. } => "PatternConstraintComponent",
            Self::LanguageIn(_) => "LanguageInConstraintComponent",
            Self::UniqueLang => "UniqueLangConstraintComponent",
            Self::Node(_) => "NodeConstraintComponent",
            Self::Property(_) => "PropertyConstraintComponent",
            Self::Or(_) => "OrConstraintComponent",
            Self::And(_) => "AndConstraintComponent",
            Self::Not(_) => "NotConstraintComponent",
            Self::Xone(_) => "XoneConstraintComponent",
        }
    }
}
