//! Namespace IRIs of the vocabularies Jiyi publishes with (DESIGN.md, "Vocabularies"), kept in
//! one place so prefixes in Turtle output, HTML labels and SPARQL examples agree.

/// `(prefix, namespace)` pairs used when serialising Turtle and in the query page.
pub const PREFIXES: &[(&str, &str)] = &[
    ("rdf", RDF),
    ("rdfs", RDFS),
    ("xsd", XSD),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("skos", SKOS),
    ("dcterms", DCTERMS),
    ("dcat", DCAT),
    ("void", VOID),
    ("prov", PROV),
    ("crm", CRM),
    ("la", LA),
    ("rico", RICO),
    ("schema", SCHEMA),
    ("jiyi", JIYI),
];

/// RDF syntax namespace.
pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
/// RDF Schema: `rdfs:label` is what every page shows.
pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
/// XML Schema datatypes.
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
/// SKOS, for concepts and authorities.
pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
/// Dublin Core terms, for simple harvesters and dataset metadata.
pub const DCTERMS: &str = "http://purl.org/dc/terms/";
/// DCAT 3, for dataset descriptions.
pub const DCAT: &str = "http://www.w3.org/ns/dcat#";
/// VoID, for dataset statistics.
pub const VOID: &str = "http://rdfs.org/ns/void#";
/// PROV-O, for ingest runs.
pub const PROV: &str = "http://www.w3.org/ns/prov#";
/// CIDOC-CRM, the model under Linked Art.
pub const CRM: &str = "http://www.cidoc-crm.org/cidoc-crm/";
/// Linked Art's own extension terms.
pub const LA: &str = "https://linked.art/ns/terms/";
/// Records in Contexts (RiC-O), for archives.
pub const RICO: &str = "https://www.ica.org/standards/RiC/ontology#";
/// schema.org, for search engines.
pub const SCHEMA: &str = "https://schema.org/";
/// Jiyi's own small vocabulary (ontologies/jiyi.ttl).
pub const JIYI: &str = "https://w3id.org/jiyi/ns#";

/// Properties whose values name a resource for people, in order of preference.
pub const LABEL_PROPERTIES: &[&str] = &[
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",
    "http://xmlns.com/foaf/0.1/name",
    // Linked Art names and identifiers carry their text here, not in a label.
    "http://www.cidoc-crm.org/cidoc-crm/P190_has_symbolic_content",
];

/// Shortens an IRI to `prefix:local` when a known namespace matches and the local part is
/// simple, for display only.
pub fn compact(iri: &str) -> Option<String> {
    PREFIXES.iter().find_map(|(prefix, ns)| {
        let local = iri.strip_prefix(ns)?;
        (!local.is_empty()
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .then(|| format!("{prefix}:{local}"))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn compacts_known_namespaces_only() {
        assert_eq!(
            super::compact("http://www.cidoc-crm.org/cidoc-crm/P45_consists_of").as_deref(),
            Some("crm:P45_consists_of")
        );
        assert_eq!(super::compact("http://example.org/x"), None);
        assert_eq!(super::compact(super::RDFS), None);
    }
}
