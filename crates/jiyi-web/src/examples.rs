//! Example queries for the query page, written against the demo profiles (Linked Art objects,
//! RiC-O records) and the dataset graphs.

/// `(title, query)` pairs; the first one fills the editor.
pub fn queries() -> Vec<(&'static str, String)> {
    let prefixes = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n\
                    PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>\n\
                    PREFIX rico: <https://www.ica.org/standards/RiC/ontology#>\n\
                    PREFIX dcat: <http://www.w3.org/ns/dcat#>\n\
                    PREFIX dcterms: <http://purl.org/dc/terms/>\n";
    vec![
        (
            "Things per dataset / 各資料集的資源數",
            format!(
                "{prefixes}SELECT ?graph (COUNT(DISTINCT ?s) AS ?things)\nWHERE {{ GRAPH ?graph {{ ?s a ?type }} }}\nGROUP BY ?graph\nORDER BY DESC(?things)"
            ),
        ),
        (
            "Objects by dynasty / 依朝代列出典藏",
            format!(
                "{prefixes}PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT ?dynasty (COUNT(?object) AS ?objects) (SAMPLE(?title) AS ?example)\nWHERE {{\n  ?object a crm:E22_Human-Made_Object ;\n          rdfs:label ?title ;\n          crm:P108i_was_produced_by/crm:P10_falls_within/skos:prefLabel ?dynasty .\n  FILTER(langMatches(lang(?title), \"zh-Hant\") && langMatches(lang(?dynasty), \"zh-Hant\"))\n}}\nGROUP BY ?dynasty\nORDER BY DESC(?objects)"
            ),
        ),
        (
            "Archive records by memorialist / 依具奏人列出檔案",
            format!(
                "{prefixes}SELECT ?person ?name (COUNT(?record) AS ?records)\nWHERE {{\n  ?record a rico:Record ;\n          rico:hasCreator ?person .\n  ?person rdfs:label ?name .\n  FILTER(langMatches(lang(?name), \"zh-Hant\"))\n}}\nGROUP BY ?person ?name\nORDER BY DESC(?records)"
            ),
        ),
    ]
}
