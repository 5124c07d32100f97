//! SHACL Core validation for Jiyi's published graphs: load [`Shapes`], build a [`DataGraph`]
//! per dataset graph, [`Shapes::validate`] it into a [`GraphReport`].
//!
//! Written for Jiyi rather than taken from rudof's `shacl_validation`: that crate brings a
//! second copy of the `oxigraph` crate (with RocksDB) into a crate other than `jiyi-store`,
//! plus an HTTP/TLS stack and ~250 crates, for the dozen constraint components the profiles
//! use (ARCHITECTURE.md, "SHACL"). This crate depends on `oxrdf`, `oxttl`, `regex`, `indexmap` and
//! `rustc-hash` only.
//!
//! Supported: targets (`sh:targetClass`, implicit class targets, `sh:targetNode`,
//! `sh:targetSubjectsOf`, `sh:targetObjectsOf`); property paths (predicate, inverse, sequence,
//! alternative, zero-or-more, one-or-more, zero-or-one); constraint components `sh:class`,
//! `sh:datatype` (with lexical checks of common XSD types), `sh:nodeKind`, `sh:minCount`,
//! `sh:maxCount`, `sh:minLength`, `sh:maxLength`, `sh:in`, `sh:hasValue`, `sh:pattern`
//! (+ `sh:flags`), `sh:languageIn`, `sh:uniqueLang`, `sh:node`, `sh:property`, `sh:or`,
//! `sh:and`, `sh:not`, `sh:xone`; `sh:message`, `sh:severity`, `sh:deactivated`. Any other
//! SHACL parameter on a shape is refused when the shapes load.

mod data;
mod error;
mod model;
mod path;
mod report;
mod shapes;
mod validate;
mod xsd;

pub use data::DataGraph;
pub use error::ShaclError;
pub use path::PropertyPath;
pub use report::{GraphReport, ValidationResult};
pub use shapes::Shapes;

/// The SHACL namespace.
pub const SH: &str = "http://www.w3.org/ns/shacl#";
