//! The compiled form of a mapping: what [`crate::Mapping`] holds after validation.

use crate::functions::FunctionDefinition;
use crate::source::{LogicalSource, Reference};
use oxrdf::{NamedNode, Term};
use std::sync::Arc;

/// The kind of RDF term a term map generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TermType {
    /// `rml:IRI`: template values are made IRI-safe; the result must be a valid IRI.
    Iri,
    /// `rml:URI`: template values are made URI-safe; the result must be a valid ASCII URI.
    Uri,
    /// `rml:UnsafeIRI`: no encoding and (almost) no validation; the mapping author asked for it.
    UnsafeIri,
    /// `rml:BlankNode`.
    BlankNode,
    /// `rml:Literal`.
    Literal,
}

impl TermType {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Iri => "rml:IRI",
            Self::Uri => "rml:URI",
            Self::UnsafeIri => "rml:UnsafeIRI",
            Self::BlankNode => "rml:BlankNode",
            Self::Literal => "rml:Literal",
        }
    }

    pub(crate) fn is_iri(self) -> bool {
        matches!(self, Self::Iri | Self::Uri | Self::UnsafeIri)
    }
}

/// One piece of a compiled template.
#[derive(Debug, Clone)]
pub(crate) enum TemplatePart {
    /// Literal text.
    Text(String),
    /// A reference whose values are inserted.
    Reference(Reference),
}

/// How an expression map computes its values. Every term map, language map, datatype map,
/// child map and parent map is evaluated through this one type, so a future
/// `rml:functionExecution` (FNML) is one more variant here and one more arm in
/// [`crate::eval::evaluate`].
#[derive(Debug, Clone)]
pub(crate) enum Expression {
    /// `rml:constant`.
    Constant(Term),
    /// `rml:reference`.
    Reference(Reference),
    /// `rml:template`.
    Template(Vec<TemplatePart>),
    /// No expression: only for `rml:termType rml:BlankNode`, a fresh blank node per iteration.
    /// The number tells term maps apart (it is unique in the mapping).
    FreshBlankNode(usize),
    /// `rml:functionExecution` (RML-FNML): a function applied to input maps.
    Function(Box<FunctionCall>),
}

/// A resolved function execution: the function, which output is used, and the input maps.
#[derive(Debug, Clone)]
pub(crate) struct FunctionCall {
    /// The function, as registered.
    pub(crate) function: Arc<FunctionDefinition>,
    /// Its IRI shortened for messages and rejects.
    pub(crate) name: String,
    /// The index of the `rml:return` output.
    pub(crate) output: usize,
    /// (parameter index, the map giving its value).
    pub(crate) inputs: Vec<(usize, TermMap)>,
    /// What an error of the function does (`jiyi:onError` on the function execution).
    pub(crate) on_error: OnError,
}

/// What a failing function execution does to its record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum OnError {
    /// The record is rejected (RML's behaviour, the default).
    #[default]
    Reject,
    /// The function yields null (its term is left out), the record is mapped and a
    /// [`crate::Warning`] is sent (`jiyi:onError "warn"`).
    Warn,
}

impl FunctionCall {
    /// Every reference its inputs evaluate (nested functions included).
    pub(crate) fn references<'a>(&'a self, out: &mut Vec<&'a Reference>) {
        for (_, map) in &self.inputs {
            map.references(out);
        }
    }
}

/// A term map (or any expression map: language, datatype, child and parent maps reuse it).
#[derive(Debug, Clone)]
pub(crate) struct TermMap {
    /// Where it is in the mapping, for messages.
    pub(crate) location: String,
    /// How values are computed.
    pub(crate) expression: Expression,
    /// What kind of term is generated.
    pub(crate) term_type: TermType,
    /// `rml:languageMap` / `rml:language` (literal term maps only).
    pub(crate) language: Option<Box<TermMap>>,
    /// `rml:datatypeMap` / `rml:datatype` (literal term maps only).
    pub(crate) datatype: Option<Box<TermMap>>,
    /// `rml:condition` (RML-FNML): the map generates nothing unless this yields `true`.
    pub(crate) condition: Option<Box<FunctionCall>>,
    /// `rml:logicalTarget`s: indexes into [`crate::Mapping`]'s targets.
    pub(crate) targets: Vec<usize>,
    /// Whether every IRI this (template) map can generate is valid whatever the inserted
    /// values, decided once at load (see [`crate::eval::template_always_valid`]), so the
    /// IRIs are not parsed again for every record.
    pub(crate) iri_always_valid: bool,
}

impl TermMap {
    /// Every reference this map (and its language and datatype maps) evaluates.
    pub(crate) fn references<'a>(&'a self, out: &mut Vec<&'a Reference>) {
        match &self.expression {
            Expression::Reference(r) => out.push(r),
            Expression::Template(parts) => out.extend(parts.iter().filter_map(|p| match p {
                TemplatePart::Reference(r) => Some(r),
                TemplatePart::Text(_) => None,
            })),
            Expression::Function(call) => call.references(out),
            Expression::Constant(_) | Expression::FreshBlankNode(_) => {}
        }
        for nested in self.language.iter().chain(&self.datatype) {
            nested.references(out);
        }
        if let Some(condition) = &self.condition {
            condition.references(out);
        }
    }
}

/// A join condition: child and parent maps whose values must be equal.
#[derive(Debug, Clone)]
pub(crate) struct JoinCondition {
    /// Evaluated on the child (current) triples map's iteration.
    pub(crate) child: TermMap,
    /// Evaluated on the parent triples map's iteration.
    pub(crate) parent: TermMap,
}

/// A referencing object map: objects are the parent triples map's subjects.
#[derive(Debug, Clone)]
pub(crate) struct RefObjectMap {
    /// Index of the parent triples map in [`crate::Mapping`].
    pub(crate) parent: usize,
    /// The join conditions; empty when the sources are effectively equal and the parent
    /// subject is computed from the same iteration.
    pub(crate) joins: Vec<JoinCondition>,
}

/// A predicate-object map.
#[derive(Debug, Clone)]
pub(crate) struct PredicateObjectMap {
    pub(crate) predicates: Vec<TermMap>,
    pub(crate) objects: Vec<TermMap>,
    pub(crate) ref_objects: Vec<RefObjectMap>,
    pub(crate) graphs: Vec<TermMap>,
}

/// A triples map.
#[derive(Debug)]
pub(crate) struct TriplesMap {
    /// Its name for messages and rejects, e.g. `<#TriplesMap1>`.
    pub(crate) name: String,
    /// Its logical source; `None` only when every term map is constant or a fresh blank node.
    pub(crate) source: Option<LogicalSource>,
    /// `rml:baseIRI`, if declared.
    pub(crate) base_iri: Option<String>,
    pub(crate) subject: TermMap,
    pub(crate) classes: Vec<NamedNode>,
    pub(crate) subject_graphs: Vec<TermMap>,
    pub(crate) predicate_object_maps: Vec<PredicateObjectMap>,
}

impl TriplesMap {
    /// Every reference evaluated on this map's own iterations (join parent maps excluded).
    pub(crate) fn references(&self) -> Vec<&Reference> {
        let mut out = Vec::new();
        self.subject.references(&mut out);
        for graph in &self.subject_graphs {
            graph.references(&mut out);
        }
        for pom in &self.predicate_object_maps {
            for map in pom.predicates.iter().chain(&pom.objects).chain(&pom.graphs) {
                map.references(&mut out);
            }
            for rom in &pom.ref_objects {
                for join in &rom.joins {
                    join.child.references(&mut out);
                }
            }
        }
        out
    }
}
