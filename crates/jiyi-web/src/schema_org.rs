//! schema.org JSON-LD embedded in every page (`<script type="application/ld+json">`), the form
//! search engines read. Built from the description: `schema:` triples where the mapping wrote
//! them (the NPM and Tate mappings do), otherwise the main fields mapped from the profile
//! actually published (Linked Art, RiC-O, Dublin Core, SKOS, DCAT), so an archive record that
//! has no schema.org terms still appears as an `ArchiveComponent` with its name.

use crate::images::Image;
use jiyi_model::vocab::{CRM, DCAT, DCTERMS, LABEL_PROPERTIES, RDF, RDFS, RICO, SKOS, XSD};
use oxrdf::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

const SCHEMA_NAMESPACES: [&str; 2] = ["https://schema.org/", "http://schema.org/"];
const OWL_SAME_AS: &str = "http://www.w3.org/2002/07/owl#sameAs";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const QB: &str = "http://purl.org/linked-data/cube#";

/// Classes of the published profiles and the schema.org type that fits them, in order of
/// preference when a thing has several.
const TYPES: &[(&str, &str, &str)] = &[
    (CRM, "E22_Human-Made_Object", "CreativeWork"),
    (RICO, "Record", "ArchiveComponent"),
    (RICO, "RecordSet", "Collection"),
    (CRM, "E21_Person", "Person"),
    (RICO, "Person", "Person"),
    (FOAF, "Person", "Person"),
    (CRM, "E74_Group", "Organization"),
    (CRM, "E53_Place", "Place"),
    (RICO, "Place", "Place"),
    (SKOS, "ConceptScheme", "DefinedTermSet"),
    (SKOS, "Concept", "DefinedTerm"),
    (DCAT, "Catalog", "DataCatalog"),
    (DCAT, "Dataset", "Dataset"),
    (QB, "DataSet", "Dataset"),
    (QB, "Observation", "Observation"),
];

/// What the embed is made from.
pub struct Embed<'a> {
    /// The thing the page is about.
    pub thing: &'a NamedNode,
    /// Its description.
    pub triples: &'a [Triple],
    /// Labels of the resources it links to (from the store).
    pub labels: &'a HashMap<NamedNode, Vec<Literal>>,
    /// The page's own URL (the document IRI).
    pub page: Option<&'a str>,
    /// Datasets the description comes from.
    pub datasets: &'a [NamedNode],
    /// Licences of those datasets.
    pub licences: &'a [NamedNode],
    /// Images found for the thing.
    pub images: &'a [Image],
}

fn literal(l: &Literal) -> Value {
    if let Some(tag) = l.language() {
        json!({ "@value": l.value(), "@language": tag })
    } else if l.datatype().as_str() == format!("{XSD}string") {
        Value::String(l.value().to_owned())
    } else {
        json!({ "@value": l.value(), "@type": l.datatype().as_str() })
    }
}

fn one_or_many(mut values: Vec<Value>) -> Option<Value> {
    let mut seen = Vec::new();
    values.retain(|v| {
        let keep = !seen.contains(v);
        if keep {
            seen.push(v.clone());
        }
        keep
    });
    match values.len() {
        0 => None,
        1 => values.pop(),
        _ => Some(Value::Array(values)),
    }
}

impl Embed<'_> {
    fn objects(&self, subject: &NamedOrBlankNode, predicate: &str) -> Vec<&Term> {
        self.triples
            .iter()
            .filter(|t| &t.subject == subject && t.predicate.as_str() == predicate)
            .map(|t| &t.object)
            .collect()
    }

    fn subject(&self) -> NamedOrBlankNode {
        self.thing.clone().into()
    }

    /// Literal values of the first of `predicates` that has any.
    fn literals(&self, predicates: &[String]) -> Vec<Value> {
        let subject = self.subject();
        predicates
            .iter()
            .map(|p| {
                self.objects(&subject, p)
                    .into_iter()
                    .filter_map(|o| match o {
                        Term::Literal(l) => Some(literal(l)),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            })
            .find(|v| !v.is_empty())
            .unwrap_or_default()
    }

    /// The names of a linked resource: its labels from the store, else from the description.
    fn names(&self, node: &NamedOrBlankNode) -> Vec<Value> {
        if let NamedOrBlankNode::NamedNode(n) = node
            && let Some(labels) = self.labels.get(n).filter(|l| !l.is_empty())
        {
            return labels.iter().map(literal).collect();
        }
        LABEL_PROPERTIES
            .iter()
            .map(|p| {
                self.objects(node, p)
                    .into_iter()
                    .filter_map(|o| match o {
                        Term::Literal(l) => Some(literal(l)),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            })
            .find(|v| !v.is_empty())
            .unwrap_or_default()
    }

    /// Linked resources of the first of `predicates` that has any, as `{"@id", "name"}`.
    fn references(&self, predicates: &[String]) -> Vec<Value> {
        let subject = self.subject();
        predicates
            .iter()
            .map(|p| {
                self.objects(&subject, p)
                    .into_iter()
                    .filter_map(|o| match o {
                        Term::NamedNode(n) => {
                            let mut m = Map::new();
                            m.insert("@id".into(), Value::String(n.as_str().to_owned()));
                            if let Some(name) = one_or_many(self.names(&n.clone().into())) {
                                m.insert("name".into(), name);
                            }
                            Some(Value::Object(m))
                        }
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            })
            .find(|v| !v.is_empty())
            .unwrap_or_default()
    }

    fn schema(&self, local: &str) -> Vec<String> {
        SCHEMA_NAMESPACES
            .iter()
            .map(|ns| format!("{ns}{local}"))
            .collect()
    }

    fn types(&self) -> Value {
        let subject = self.subject();
        let classes: Vec<&str> = self
            .objects(&subject, &format!("{RDF}type"))
            .into_iter()
            .filter_map(|o| match o {
                Term::NamedNode(n) => Some(n.as_str()),
                _ => None,
            })
            .collect();
        let schema_types: Vec<Value> = classes
            .iter()
            .filter_map(|c| SCHEMA_NAMESPACES.iter().find_map(|ns| c.strip_prefix(ns)))
            .map(|local| Value::String(local.to_owned()))
            .collect();
        if let Some(v) = one_or_many(schema_types) {
            return v;
        }
        TYPES
            .iter()
            .find(|(ns, local, _)| classes.iter().any(|c| *c == format!("{ns}{local}")))
            .map_or_else(
                || Value::String("Thing".into()),
                |(_, _, t)| Value::String((*t).into()),
            )
    }

    /// The JSON-LD object.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert(
            "@context".into(),
            Value::String("https://schema.org/".into()),
        );
        m.insert("@id".into(), Value::String(self.thing.as_str().to_owned()));
        m.insert("@type".into(), self.types());
        let p = |ns: &str, local: &str| format!("{ns}{local}");
        let mut fields: Vec<(&str, Vec<Value>)> = Vec::new();
        let name = {
            let schema = self.literals(&self.schema("name"));
            if schema.is_empty() {
                self.names(&self.subject())
            } else {
                schema
            }
        };
        fields.push(("name", name));
        let mut description = self.schema("description");
        description.extend([
            p(DCTERMS, "description"),
            p(RICO, "scopeAndContent"),
            p(SKOS, "definition"),
            p(RDFS, "comment"),
        ]);
        // schema:description first, but a description in another language from Dublin Core
        // is as useful: take every language of the first property that has any.
        fields.push(("description", self.literals(&description)));
        let mut identifier = self.schema("identifier");
        identifier.extend([
            p(DCTERMS, "identifier"),
            p(RICO, "identifier"),
            p(SKOS, "notation"),
        ]);
        fields.push(("identifier", self.literals(&identifier)));
        let mut creator = self.schema("creator");
        creator.extend([p(DCTERMS, "creator"), p(RICO, "hasCreator")]);
        fields.push(("creator", self.references(&creator)));
        let mut temporal = self.literals(&[p(DCTERMS, "date")]);
        if temporal.is_empty() {
            let subject = self.subject();
            for date in self.objects(&subject, &p(RICO, "hasCreationDate")) {
                let node = match date {
                    Term::NamedNode(n) => NamedOrBlankNode::from(n.clone()),
                    Term::BlankNode(b) => NamedOrBlankNode::from(b.clone()),
                    Term::Literal(_) => continue,
                };
                temporal.extend(
                    self.objects(&node, &p(RICO, "expressedDate"))
                        .into_iter()
                        .filter_map(|o| match o {
                            Term::Literal(l) => Some(literal(l)),
                            _ => None,
                        }),
                );
            }
        }
        fields.push(("temporalCoverage", temporal));
        let subject = self.subject();
        let materials: Vec<Value> = self
            .objects(&subject, &p(CRM, "P45_consists_of"))
            .into_iter()
            .filter_map(|o| match o {
                Term::NamedNode(n) => Some(self.names(&n.clone().into())),
                _ => None,
            })
            .flatten()
            .collect();
        fields.push(("material", materials));
        fields.push((
            "image",
            self.images
                .iter()
                .map(|i| Value::String(i.src.clone()))
                .collect(),
        ));
        let mut url = self
            .objects(&subject, &self.schema("url")[0])
            .into_iter()
            .chain(self.objects(&subject, &self.schema("url")[1]))
            .filter_map(|o| match o {
                Term::NamedNode(n) => Some(Value::String(n.as_str().to_owned())),
                _ => None,
            })
            .collect::<Vec<_>>();
        if url.is_empty()
            && let Some(page) = self.page
        {
            url.push(Value::String(page.to_owned()));
        }
        fields.push(("url", url));
        if let Some(page) = self.page {
            fields.push(("mainEntityOfPage", vec![Value::String(page.to_owned())]));
        }
        fields.push((
            "license",
            self.licences
                .iter()
                .map(|l| Value::String(l.as_str().to_owned()))
                .collect(),
        ));
        fields.push((
            "isPartOf",
            self.datasets
                .iter()
                .map(|d| {
                    let mut m = Map::new();
                    m.insert("@type".into(), Value::String("Dataset".into()));
                    m.insert("@id".into(), Value::String(d.as_str().to_owned()));
                    if let Some(name) = one_or_many(self.names(&d.clone().into())) {
                        m.insert("name".into(), name);
                    }
                    Value::Object(m)
                })
                .collect(),
        ));
        let same_as: Vec<Value> = [OWL_SAME_AS.to_owned(), p(SKOS, "exactMatch")]
            .iter()
            .flat_map(|pr| self.objects(&subject, pr))
            .filter_map(|o| match o {
                Term::NamedNode(n) => Some(Value::String(n.as_str().to_owned())),
                _ => None,
            })
            .collect();
        fields.push(("sameAs", same_as));
        for (key, values) in fields {
            if let Some(v) = one_or_many(values) {
                m.insert(key.into(), v);
            }
        }
        // Any other schema.org statement the mapping made about the thing, as it is.
        for t in self.triples.iter().filter(|t| t.subject == subject) {
            let Some(local) = SCHEMA_NAMESPACES
                .iter()
                .find_map(|ns| t.predicate.as_str().strip_prefix(ns))
            else {
                continue;
            };
            if m.contains_key(local) || local.is_empty() {
                continue;
            }
            let value = match &t.object {
                Term::Literal(l) => literal(l),
                Term::NamedNode(n) => json!({ "@id": n.as_str() }),
                _ => continue,
            };
            let values: Vec<Value> = self
                .triples
                .iter()
                .filter(|u| u.subject == subject && u.predicate == t.predicate)
                .filter_map(|u| match &u.object {
                    Term::Literal(l) => Some(literal(l)),
                    Term::NamedNode(n) => Some(json!({ "@id": n.as_str() })),
                    _ => None,
                })
                .collect();
            m.insert(local.to_owned(), one_or_many(values).unwrap_or(value));
        }
        Value::Object(m)
    }
}

/// Serialises JSON for a `<script>` element: `<`, `>` and `&` become `\u003c` etc., which JSON
/// reads as the same characters, so no string in the data can close the element
/// (`</script>`) or open a comment.
pub fn script_safe(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> NamedNode {
        NamedNode::new_unchecked(s)
    }

    #[test]
    fn an_archive_record_without_schema_terms_is_mapped_and_script_safe() {
        let record = n("https://x/id/record/1");
        let person = n("https://x/id/agent/施琅");
        let triples = vec![
            Triple::new(
                record.clone(),
                n(&format!("{RDF}type")),
                n(&format!("{RICO}Record")),
            ),
            Triple::new(
                record.clone(),
                n(&format!("{RDFS}label")),
                Literal::new_language_tagged_literal_unchecked(
                    "恭陳臺灣棄留疏</script>",
                    "zh-Hant",
                ),
            ),
            Triple::new(
                record.clone(),
                n(&format!("{RICO}scopeAndContent")),
                Literal::new_language_tagged_literal_unchecked("事由", "zh-Hant"),
            ),
            Triple::new(
                record.clone(),
                n(&format!("{RICO}hasCreator")),
                person.clone(),
            ),
        ];
        let mut labels = HashMap::new();
        labels.insert(
            person.clone(),
            vec![Literal::new_language_tagged_literal_unchecked(
                "施琅", "zh-Hant",
            )],
        );
        let embed = Embed {
            thing: &record,
            triples: &triples,
            labels: &labels,
            page: Some("https://x/doc/record/1"),
            datasets: &[],
            licences: &[n("https://creativecommons.org/publicdomain/zero/1.0/")],
            images: &[],
        };
        let json = embed.to_json();
        assert_eq!(json["@type"], "ArchiveComponent");
        assert_eq!(json["name"]["@language"], "zh-Hant");
        assert_eq!(json["creator"]["@id"], person.as_str());
        assert_eq!(json["creator"]["name"]["@value"], "施琅");
        assert_eq!(json["url"], "https://x/doc/record/1");
        let text = script_safe(&json);
        assert!(!text.contains("</script>"), "{text}");
        let back: Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back, json);
    }

    #[test]
    fn schema_terms_of_the_mapping_win() {
        let object = n("https://x/id/object/1");
        let triples = vec![
            Triple::new(
                object.clone(),
                n(&format!("{RDF}type")),
                n("https://schema.org/CreativeWork"),
            ),
            Triple::new(
                object.clone(),
                n(&format!("{RDF}type")),
                n(&format!("{CRM}E22_Human-Made_Object")),
            ),
            Triple::new(
                object.clone(),
                n("https://schema.org/name"),
                Literal::new_language_tagged_literal_unchecked("翠玉白菜", "zh-Hant"),
            ),
            Triple::new(
                object.clone(),
                n(&format!("{RDFS}label")),
                Literal::new_language_tagged_literal_unchecked("Jadeite Cabbage", "en"),
            ),
            Triple::new(
                object.clone(),
                n("https://schema.org/isAccessibleForFree"),
                Literal::from(true),
            ),
        ];
        let labels = HashMap::new();
        let json = Embed {
            thing: &object,
            triples: &triples,
            labels: &labels,
            page: None,
            datasets: &[],
            licences: &[],
            images: &[],
        }
        .to_json();
        assert_eq!(json["@type"], "CreativeWork");
        assert_eq!(json["name"]["@value"], "翠玉白菜");
        assert_eq!(json["isAccessibleForFree"]["@value"], "true");
    }
}
