//! The `oai_dc` view of a thing: simple Dublin Core (15 elements) from its description.
//!
//! Mapping (documented in ARCHITECTURE.md):
//! * a `dc:` or `dcterms:` statement of the thing becomes the element of its name; dcterms
//!   refinements fold into their element (created/issued/modified… → date, license and
//!   accessRights → rights, isPartOf/hasPart/references… → relation, spatial/temporal →
//!   coverage, alternative → title, abstract → description, extent/medium → format);
//! * otherwise from the main fields: labels (skos:prefLabel, rdfs:label, schema:name,
//!   foaf:name, a Linked Art name's content) → title; Linked Art identifiers and
//!   `schema:identifier` → identifier; the production's carrier (`P108i/P14`) and
//!   `schema:creator` → creator; the production's time-span label or bounds and
//!   `schema:dateCreated` → date; `schema:description`, `rdfs:comment`, Linked Art statements →
//!   description; `schema:license` → rights, else the dataset's licence;
//! * always: the thing's IRI as the first identifier, its `rdf:type`s as types, each dataset it
//!   is published in as a relation.
//!
//! An IRI value is written as its labels when the store has any (an agent's name, a concept's
//! label), otherwise as the IRI. Nothing is invented: an element is present only when the
//! description says something that maps to it.

use super::xml::XmlText;
use jiyi_model::vocab::{CRM, DCTERMS, RDF, RDFS, SCHEMA, SKOS};
use jiyi_store::model::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use std::collections::HashMap;

const DC: &str = "http://purl.org/dc/elements/1.1/";
const FOAF_NAME: &str = "http://xmlns.com/foaf/0.1/name";

/// The 15 elements, in the order the oai_dc schema's examples list them.
pub const ELEMENTS: &[&str] = &[
    "title",
    "creator",
    "subject",
    "description",
    "publisher",
    "contributor",
    "date",
    "type",
    "format",
    "identifier",
    "source",
    "language",
    "relation",
    "coverage",
    "rights",
];

/// The element a `dc:`/`dcterms:` property maps to.
fn element_of(property: &str) -> Option<&'static str> {
    let local = property
        .strip_prefix(DC)
        .or_else(|| property.strip_prefix(DCTERMS))?;
    if let Some(e) = ELEMENTS.iter().find(|e| **e == local) {
        return Some(e);
    }
    Some(match local {
        "alternative" => "title",
        "abstract" | "tableOfContents" => "description",
        "created" | "issued" | "modified" | "available" | "dateAccepted" | "dateCopyrighted"
        | "dateSubmitted" | "valid" => "date",
        "license" | "accessRights" => "rights",
        "isPartOf" | "hasPart" | "isVersionOf" | "hasVersion" | "references" | "isReferencedBy"
        | "requires" | "isRequiredBy" | "replaces" | "isReplacedBy" | "conformsTo"
        | "hasFormat" | "isFormatOf" => "relation",
        "spatial" | "temporal" => "coverage",
        "extent" | "medium" => "format",
        "bibliographicCitation" => "identifier",
        _ => return None,
    })
}

/// Whether the object of `property` may be written as its labels (an agent, a concept): the
/// properties this mapping reads IRIs from.
pub fn names_its_object(property: &str) -> bool {
    element_of(property).is_some()
        || property == format!("{SCHEMA}creator")
        || property == format!("{CRM}P14_carried_out_by")
}

/// One value of an element: text and its language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// The text.
    pub text: String,
    /// `xml:lang`, from the literal's language tag.
    pub lang: Option<String>,
}

impl Value {
    fn of_literal(l: &Literal) -> Self {
        Self {
            text: l.value().to_owned(),
            lang: l.language().map(str::to_owned),
        }
    }

    fn text(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            lang: None,
        }
    }
}

/// The Dublin Core record of `thing`: element → values, in [`ELEMENTS`] order when written.
/// `labels` names the IRIs found as values; `datasets` are the dataset IRIs it is published
/// in, `licences` their licences (used when the thing states none).
pub fn record(
    thing: &NamedNode,
    triples: &[Triple],
    labels: &HashMap<NamedNode, Vec<Literal>>,
    datasets: &[NamedNode],
    licences: &[Term],
) -> HashMap<&'static str, Vec<Value>> {
    let d = Description { triples };
    let mut out: HashMap<&'static str, Vec<Value>> = HashMap::new();
    let named = |term: &Term| -> Vec<Value> {
        match term {
            Term::Literal(l) => vec![Value::of_literal(l)],
            Term::NamedNode(n) => match labels.get(n) {
                Some(ls) if !ls.is_empty() => ls.iter().map(Value::of_literal).collect(),
                _ => vec![Value::text(n.as_str())],
            },
            _ => Vec::new(),
        }
    };
    let subject: NamedOrBlankNode = thing.clone().into();
    push(&mut out, "identifier", Value::text(thing.as_str()));
    for t in triples.iter().filter(|t| t.subject == subject) {
        if let Some(element) = element_of(t.predicate.as_str()) {
            for v in named(&t.object) {
                push(&mut out, element, v);
            }
        }
    }

    // Titles.
    let mut titles = Vec::new();
    for p in [
        format!("{SKOS}prefLabel"),
        format!("{RDFS}label"),
        format!("{SCHEMA}name"),
        FOAF_NAME.to_owned(),
    ] {
        titles.extend(d.literals(&subject, &p));
    }
    for name in d.linked_art_parts(
        &subject,
        "P1_is_identified_by",
        "E33_E41_Linguistic_Appellation",
    ) {
        titles.extend(d.literals(&name, &format!("{CRM}P190_has_symbolic_content")));
    }
    if !has(&out, "title") {
        for l in titles {
            push(&mut out, "title", Value::of_literal(&l));
        }
    }
    // Identifiers.
    for id in d.linked_art_parts(&subject, "P1_is_identified_by", "E42_Identifier") {
        for l in d.literals(&id, &format!("{CRM}P190_has_symbolic_content")) {
            push(&mut out, "identifier", Value::of_literal(&l));
        }
    }
    for l in d.literals(&subject, &format!("{SCHEMA}identifier")) {
        push(&mut out, "identifier", Value::of_literal(&l));
    }
    // Creators and dates, from the production.
    let productions = d.objects(&subject, &format!("{CRM}P108i_was_produced_by"));
    if !has(&out, "creator") {
        let mut creators: Vec<Term> = d.objects(&subject, &format!("{SCHEMA}creator"));
        for p in productions.iter().filter_map(node) {
            creators.extend(d.objects(&p, &format!("{CRM}P14_carried_out_by")));
        }
        for c in &creators {
            for v in named(c) {
                push(&mut out, "creator", v);
            }
        }
    }
    if !has(&out, "date") {
        let mut dates: Vec<Literal> = d.literals(&subject, &format!("{SCHEMA}dateCreated"));
        for p in productions.iter().filter_map(node) {
            for span in d
                .objects(&p, &format!("{CRM}P4_has_time-span"))
                .iter()
                .filter_map(node)
            {
                let labelled: Vec<Literal> = [format!("{RDFS}label"), format!("{CRM}P3_has_note")]
                    .iter()
                    .flat_map(|p| d.literals(&span, p))
                    .collect();
                if labelled.is_empty() {
                    for bound in ["P82a_begin_of_the_begin", "P82b_end_of_the_end"] {
                        dates.extend(d.literals(&span, &format!("{CRM}{bound}")));
                    }
                } else {
                    dates.extend(labelled);
                }
            }
        }
        for l in dates {
            push(&mut out, "date", Value::of_literal(&l));
        }
    }
    if !has(&out, "description") {
        let mut texts = d.literals(&subject, &format!("{SCHEMA}description"));
        texts.extend(d.literals(&subject, &format!("{RDFS}comment")));
        for s in d.linked_art_parts(&subject, "P67i_is_referred_to_by", "E33_Linguistic_Object") {
            texts.extend(d.literals(&s, &format!("{CRM}P190_has_symbolic_content")));
        }
        for l in texts {
            push(&mut out, "description", Value::of_literal(&l));
        }
    }
    for t in d.objects(&subject, &format!("{RDF}type")) {
        if let Term::NamedNode(n) = t {
            push(&mut out, "type", Value::text(n.as_str()));
        }
    }
    if !has(&out, "rights") {
        let mut stated: Vec<Term> = d.objects(&subject, &format!("{SCHEMA}license"));
        if stated.is_empty() {
            stated = licences.to_vec();
        }
        for r in &stated {
            match r {
                Term::NamedNode(n) => push(&mut out, "rights", Value::text(n.as_str())),
                other => {
                    for v in named(other) {
                        push(&mut out, "rights", v);
                    }
                }
            }
        }
    }
    for dataset in datasets.iter().filter(|d| *d != thing) {
        push(&mut out, "relation", Value::text(dataset.as_str()));
    }
    out
}

fn push(out: &mut HashMap<&'static str, Vec<Value>>, element: &'static str, value: Value) {
    let values = out.entry(element).or_default();
    if !values.contains(&value) {
        values.push(value);
    }
}

fn has(out: &HashMap<&'static str, Vec<Value>>, element: &str) -> bool {
    out.get(element).is_some_and(|v| !v.is_empty())
}

/// Writes `record` as an `oai_dc:dc` element.
pub fn write(xml: &mut XmlText, record: &HashMap<&'static str, Vec<Value>>) {
    xml.open(
        "oai_dc:dc",
        &[
            ("xmlns:oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
            ("xmlns:dc", DC),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
            ),
        ],
    );
    for element in ELEMENTS {
        for value in record.get(element).into_iter().flatten() {
            let name = format!("dc:{element}");
            match &value.lang {
                Some(lang) => xml.element(&name, &[("xml:lang", lang)], &value.text),
                None => xml.element(&name, &[], &value.text),
            }
        }
    }
    xml.close("oai_dc:dc");
}

fn node(term: &Term) -> Option<NamedOrBlankNode> {
    match term {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        _ => None,
    }
}

/// Lookups in one description.
struct Description<'a> {
    triples: &'a [Triple],
}

impl Description<'_> {
    fn objects(&self, subject: &NamedOrBlankNode, predicate: &str) -> Vec<Term> {
        self.triples
            .iter()
            .filter(|t| &t.subject == subject && t.predicate.as_str() == predicate)
            .map(|t| t.object.clone())
            .collect()
    }

    fn literals(&self, subject: &NamedOrBlankNode, predicate: &str) -> Vec<Literal> {
        self.objects(subject, predicate)
            .into_iter()
            .filter_map(|o| match o {
                Term::Literal(l) => Some(l),
                _ => None,
            })
            .collect()
    }

    /// Nodes linked from `subject` by `crm:{link}` that have `crm:{class}` as a type.
    fn linked_art_parts(
        &self,
        subject: &NamedOrBlankNode,
        link: &str,
        class: &str,
    ) -> Vec<NamedOrBlankNode> {
        let class = Term::NamedNode(NamedNode::new_unchecked(format!("{CRM}{class}")));
        self.objects(subject, &format!("{CRM}{link}"))
            .iter()
            .filter_map(node)
            .filter(|n| self.objects(n, &format!("{RDF}type")).contains(&class))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nn(s: &str) -> NamedNode {
        NamedNode::new_unchecked(s)
    }

    #[test]
    fn dcterms_statements_win_and_linked_art_fills_the_rest() {
        let thing = nn("https://d.example/id/object/1");
        let production = nn("https://d.example/id/object/1#production");
        let agent = nn("https://d.example/id/agent/a");
        let triples = vec![
            Triple::new(
                thing.clone(),
                nn(&format!("{DCTERMS}title")),
                Literal::new_language_tagged_literal("白菜", "zh-hant").expect("lang"),
            ),
            Triple::new(
                thing.clone(),
                nn(&format!("{RDFS}label")),
                Literal::new_simple_literal("ignored: dcterms:title is present"),
            ),
            Triple::new(
                thing.clone(),
                nn(&format!("{DCTERMS}created")),
                Literal::new_simple_literal("1889"),
            ),
            Triple::new(
                thing.clone(),
                nn(&format!("{RDF}type")),
                nn(&format!("{CRM}E22_Human-Made_Object")),
            ),
            Triple::new(
                thing.clone(),
                nn(&format!("{CRM}P108i_was_produced_by")),
                production.clone(),
            ),
            Triple::new(
                production,
                nn(&format!("{CRM}P14_carried_out_by")),
                agent.clone(),
            ),
        ];
        let labels = HashMap::from([(agent, vec![Literal::new_simple_literal("An Artist")])]);
        let dataset = nn("https://d.example/id/dataset/d");
        let record = record(
            &thing,
            &triples,
            &labels,
            std::slice::from_ref(&dataset),
            &[Term::NamedNode(nn(
                "https://creativecommons.org/publicdomain/zero/1.0/",
            ))],
        );
        let texts = |e: &str| {
            record
                .get(e)
                .map(|v| v.iter().map(|v| v.text.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        assert_eq!(texts("title"), ["白菜"]);
        assert_eq!(record["title"][0].lang.as_deref(), Some("zh-hant"));
        assert_eq!(texts("date"), ["1889"]);
        assert_eq!(texts("creator"), ["An Artist"]);
        assert_eq!(texts("identifier"), [thing.as_str()]);
        assert_eq!(texts("type"), [format!("{CRM}E22_Human-Made_Object")]);
        assert_eq!(texts("relation"), [dataset.as_str()]);
        assert_eq!(
            texts("rights"),
            ["https://creativecommons.org/publicdomain/zero/1.0/"]
        );
    }
}
