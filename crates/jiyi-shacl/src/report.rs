//! Validation results, as SHACL's validation report describes them.

use crate::path::PropertyPath;
use oxrdf::{NamedNode, Term};

/// One `sh:ValidationResult`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationResult {
    /// `sh:focusNode`: the node that was checked.
    pub focus_node: Term,
    /// `sh:resultPath`: the property path of the property shape, if any.
    pub path: Option<PropertyPath>,
    /// `sh:value`: the offending value, when the constraint is about one value.
    pub value: Option<Term>,
    /// `sh:resultSeverity` (`sh:Violation`, `sh:Warning`, `sh:Info`).
    pub severity: NamedNode,
    /// `sh:sourceConstraintComponent`, e.g. `sh:MinCountConstraintComponent`.
    pub component: NamedNode,
    /// `sh:sourceShape`: the shape node in the shapes graph.
    pub source_shape: Term,
    /// `sh:resultMessage`: the shape's `sh:message`, else a description of the failure.
    pub message: String,
}

/// The outcome of validating one data graph.
#[derive(Debug, Clone, Default)]
pub struct GraphReport {
    /// Distinct focus nodes selected by the shapes' targets.
    pub focus_nodes: usize,
    /// Every validation result, in the order found.
    pub results: Vec<ValidationResult>,
}

impl GraphReport {
    /// `sh:conforms`: true when there are no results of any severity.
    pub fn conforms(&self) -> bool {
        self.results.is_empty()
    }
}
