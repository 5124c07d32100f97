//! IRIs of the RML vocabulary (<http://w3id.org/rml/>) that the engine reads.

macro_rules! rml {
    ($($name:ident = $local:literal;)*) => {
        $(pub(crate) const $name: &str = concat!("http://w3id.org/rml/", $local);)*
    };
}

/// The RML namespace.
pub(crate) const RML_NS: &str = "http://w3id.org/rml/";
/// The legacy RML namespace (semweb.mmlab.be), read only to explain why a mapping is rejected.
pub(crate) const LEGACY_RML_NS: &str = "http://semweb.mmlab.be/ns/rml#";
/// The R2RML namespace, read only to explain why a mapping is rejected.
pub(crate) const R2RML_NS: &str = "http://www.w3.org/ns/r2rml#";
/// The legacy query-language namespace (`ql:CSV`, `ql:JSONPath`), accepted as an alias.
pub(crate) const QL_NS: &str = "http://semweb.mmlab.be/ns/ql#";
/// `rdf:type`.
pub(crate) const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
/// `rdf:langString`.
pub(crate) const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
/// Jiyi's namespace (its functions are shortened to `jiyi:…` in messages).
pub(crate) const JIYI_NS: &str = "https://w3id.org/jiyi/ns#";
/// `jiyi:onError` on a function execution: `"warn"` or `"reject"` (Jiyi's extension, see
/// the crate docs; not in the RML namespace so other processors ignore it).
pub(crate) const JIYI_ON_ERROR: &str = "https://w3id.org/jiyi/ns#onError";
/// The XSD namespace.
pub(crate) const XSD_NS: &str = "http://www.w3.org/2001/XMLSchema#";

rml! {
    TRIPLES_MAP = "TriplesMap";
    LOGICAL_SOURCE = "logicalSource";
    SOURCE = "source";
    PATH = "path";
    ROOT = "root";
    MAPPING_DIRECTORY = "MappingDirectory";
    CURRENT_WORKING_DIRECTORY = "CurrentWorkingDirectory";
    REFERENCE_FORMULATION = "referenceFormulation";
    ITERATOR = "iterator";
    NULL = "null";
    CSV = "CSV";
    JSONPATH = "JSONPath";
    XPATH = "XPath";
    BASE_IRI = "baseIRI";
    SUBJECT_MAP = "subjectMap";
    SUBJECT = "subject";
    PREDICATE_OBJECT_MAP = "predicateObjectMap";
    PREDICATE_MAP = "predicateMap";
    PREDICATE = "predicate";
    OBJECT_MAP = "objectMap";
    OBJECT = "object";
    GRAPH_MAP = "graphMap";
    GRAPH = "graph";
    DEFAULT_GRAPH = "defaultGraph";
    CLASS = "class";
    CONSTANT = "constant";
    REFERENCE = "reference";
    TEMPLATE = "template";
    FUNCTION_EXECUTION = "functionExecution";
    TERM_TYPE = "termType";
    IRI = "IRI";
    URI = "URI";
    UNSAFE_IRI = "UnsafeIRI";
    UNSAFE_URI = "UnsafeURI";
    BLANK_NODE = "BlankNode";
    LITERAL = "Literal";
    LANGUAGE = "language";
    LANGUAGE_MAP = "languageMap";
    DATATYPE = "datatype";
    DATATYPE_MAP = "datatypeMap";
    PARENT_TRIPLES_MAP = "parentTriplesMap";
    JOIN_CONDITION = "joinCondition";
    CHILD = "child";
    PARENT = "parent";
    CHILD_MAP = "childMap";
    PARENT_MAP = "parentMap";
    SQL2008_TABLE = "SQL2008Table";
    SQL2008_QUERY = "SQL2008Query";
    COMPRESSION = "compression";
    ENCODING = "encoding";
    NAMESPACE = "namespace";
    NAMESPACE_PREFIX = "namespacePrefix";
    NAMESPACE_URL = "namespaceURL";
    FUNCTION = "function";
    FUNCTION_MAP = "functionMap";
    INPUT = "input";
    PARAMETER = "parameter";
    PARAMETER_MAP = "parameterMap";
    INPUT_VALUE = "inputValue";
    INPUT_VALUE_MAP = "inputValueMap";
    RETURN = "return";
    RETURN_MAP = "returnMap";
    CONDITION = "condition";
    LOGICAL_TARGET = "logicalTarget";
    TARGET = "target";
    SERIALIZATION = "serialization";
}

/// The CSVW namespace (`csvw:Table`, `csvw:dialect`), for CSV sources described with CSVW.
pub(crate) const CSVW_NS: &str = "http://www.w3.org/ns/csvw#";
/// The W3C formats namespace (`formats:N-Quads`), for `rml:serialization`.
pub(crate) const FORMATS_NS: &str = "http://www.w3.org/ns/formats/";

/// Shortens an RML IRI to `rml:local` for messages; other IRIs are shown in angle brackets.
pub(crate) fn short(iri: &str) -> String {
    match iri.strip_prefix(RML_NS) {
        Some(local) => format!("rml:{local}"),
        None => match iri.strip_prefix(XSD_NS) {
            Some(local) => format!("xsd:{local}"),
            None => format!("<{iri}>"),
        },
    }
}
