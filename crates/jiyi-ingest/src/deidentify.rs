//! De-identification: fields a dataset must never publish (personal names in 228-Incident-style
//! archive records), declared in the mapping file on its `dcat:Dataset` node:
//!
//! ```turtle
//! [] a dcat:Dataset ; dcterms:identifier "victims-archive" ;
//!    jiyi:accessClass jiyi:LimitedUse ; dcterms:license <https://data.gov.tw/license> ;
//!    dcterms:rightsHolder [ foaf:name "國家檔案管理局"@zh-Hant ] ;
//!    jiyi:deidentify [ jiyi:field "姓名" ; jiyi:action jiyi:Mask ; jiyi:maskText "○○○" ] ,
//!                    [ jiyi:field "身分證字號" ; jiyi:action jiyi:Drop ] .
//! ```
//!
//! `jiyi:Mask` replaces every non-empty value with the mask text (default `○○○`, the usual
//! Taiwanese placeholder); `jiyi:Drop` makes the value null, so whatever a term map would
//! have built from it is not generated. The rule is dataset-wide: it applies to the column of
//! that name in every CSV source of the mapping, and it is applied where records are read
//! (`jiyi_rml::Redaction`), before any term map — template, reference, function, join or
//! condition — sees the value, so no mapping rule can leak it. The run's provenance says which
//! fields were withheld, how, and in how many records; the rules themselves are published
//! with the dataset description (they belong to its closure), so a reader knows the data
//! was de-identified.
//!
//! The rules sit on the dataset node (not a logical source) because a name column often
//! appears in several sources joined together; a rule on one source only would let the other
//! publish it. A rule anywhere else is refused.

use crate::IngestError;
use jiyi_model::vocab::{DCAT, JIYI, RDF, RDFS};
use jiyi_rml::Redaction;
use oxrdf::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use oxttl::TurtleParser;
use std::path::Path;

/// The mask text when a `jiyi:Mask` rule gives none.
pub const DEFAULT_MASK: &str = "○○○";

/// What a rule does with the field's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `jiyi:Mask`: replace each value by the mask text.
    Mask,
    /// `jiyi:Drop`: withhold the value entirely (null).
    Drop,
}

impl Action {
    /// The action's IRI in the Jiyi vocabulary.
    pub fn iri(self) -> NamedNode {
        NamedNode::new_unchecked(format!(
            "{JIYI}{}",
            match self {
                Self::Mask => "Mask",
                Self::Drop => "Drop",
            }
        ))
    }
}

/// One de-identification rule of a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The source field (CSV column) whose values are withheld.
    pub field: String,
    /// Mask or drop.
    pub action: Action,
    /// The replacement text of a mask.
    pub mask: String,
}

impl Rule {
    /// The engine-level redaction that carries the rule out.
    pub fn redaction(&self) -> Redaction {
        Redaction {
            field: self.field.clone(),
            replacement: (self.action == Action::Mask).then(|| self.mask.clone()),
        }
    }
}

/// Reads the de-identification rules of a mapping file (none when it declares none).
pub fn rules_from_mapping_file(path: &Path) -> Result<Vec<Rule>, IngestError> {
    let problem = |problem: String| IngestError::DatasetDescription {
        file: path.to_owned(),
        problem: format!("jiyi:deidentify: {problem}"),
    };
    let text = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_owned(),
        source,
    })?;
    let parser = TurtleParser::new()
        .with_base_iri("file:///mapping.ttl")
        .map_err(|e| problem(e.to_string()))?;
    let triples = parser
        .for_slice(&text)
        .collect::<Result<Vec<Triple>, _>>()
        .map_err(|e| problem(format!("the file is not valid Turtle: {e}")))?;
    rules_from_triples(&triples).map_err(problem)
}

fn rules_from_triples(triples: &[Triple]) -> Result<Vec<Rule>, String> {
    let term = |local: &str| NamedNode::new_unchecked(format!("{JIYI}{local}"));
    let (deidentify, field, action, mask_text) = (
        term("deidentify"),
        term("field"),
        term("action"),
        term("maskText"),
    );
    let rdf_type = NamedNode::new_unchecked(format!("{RDF}type"));
    let dataset_class = Term::from(NamedNode::new_unchecked(format!("{DCAT}Dataset")));
    let values = |s: &NamedOrBlankNode, p: &NamedNode| -> Vec<Term> {
        triples
            .iter()
            .filter(|t| t.subject == *s && t.predicate == *p)
            .map(|t| t.object.clone())
            .collect()
    };
    let mut rules = Vec::new();
    for t in triples.iter().filter(|t| t.predicate == deidentify) {
        let on_dataset = triples.iter().any(|d| {
            d.subject == t.subject && d.predicate == rdf_type && d.object == dataset_class
        });
        if !on_dataset {
            return Err(format!(
                "{} is not the dcat:Dataset node; rules belong there, where they cover every source of the dataset",
                t.subject
            ));
        }
        let rule: NamedOrBlankNode = match &t.object {
            Term::NamedNode(n) => n.clone().into(),
            Term::BlankNode(b) => b.clone().into(),
            Term::Literal(l) => return Err(format!("a rule is a node, not the literal {l}")),
        };
        let name = match values(&rule, &field).as_slice() {
            [Term::Literal(l)] if !l.value().trim().is_empty() => l.value().to_owned(),
            _ => {
                return Err(format!(
                    "rule {rule} needs exactly one jiyi:field literal naming a source column"
                ));
            }
        };
        let action = match values(&rule, &action).as_slice() {
            [Term::NamedNode(a)] if *a == Action::Mask.iri() => Action::Mask,
            [Term::NamedNode(a)] if *a == Action::Drop.iri() => Action::Drop,
            _ => {
                return Err(format!(
                    "rule for `{name}` needs exactly one jiyi:action, jiyi:Mask or jiyi:Drop"
                ));
            }
        };
        let mask = match (values(&rule, &mask_text).as_slice(), action) {
            ([], _) => DEFAULT_MASK.to_owned(),
            ([Term::Literal(l)], Action::Mask) => l.value().to_owned(),
            _ => {
                return Err(format!(
                    "rule for `{name}`: jiyi:maskText is one literal, and only with jiyi:Mask"
                ));
            }
        };
        if rules.iter().any(|r: &Rule| r.field == name) {
            return Err(format!("two rules for the field `{name}`"));
        }
        rules.push(Rule {
            field: name,
            action,
            mask,
        });
    }
    Ok(rules)
}

/// The provenance of what a run withheld: for rule `i`, the node `{run}#deidentify-{i+1}`,
/// a `jiyi:Deidentification` with the field, the action and how many records had a value
/// withheld (`withheld[i]`).
pub(crate) fn provenance_triples(run: &NamedNode, rules: &[Rule], withheld: &[u64]) -> Vec<Triple> {
    let term = |local: &str| NamedNode::new_unchecked(format!("{JIYI}{local}"));
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let node = NamedNode::new_unchecked(format!("{}#deidentify-{}", run.as_str(), i + 1));
        let count = withheld.get(i).copied().unwrap_or(0);
        let verb = match rule.action {
            Action::Mask => "masked",
            Action::Drop => "dropped",
        };
        out.extend([
            Triple::new(run.clone(), term("deidentification"), node.clone()),
            Triple::new(
                node.clone(),
                NamedNode::new_unchecked(format!("{RDF}type")),
                term("Deidentification"),
            ),
            Triple::new(
                node.clone(),
                term("field"),
                Literal::new_simple_literal(&rule.field),
            ),
            Triple::new(node.clone(), term("action"), rule.action.iri()),
            Triple::new(
                node.clone(),
                term("valuesWithheld"),
                Literal::new_typed_literal(
                    count.to_string(),
                    NamedNode::new_unchecked(format!(
                        "{}nonNegativeInteger",
                        jiyi_model::vocab::XSD
                    )),
                ),
            ),
            Triple::new(
                node,
                NamedNode::new_unchecked(format!("{RDFS}label")),
                Literal::new_language_tagged_literal_unchecked(
                    format!("{} {verb} in {count} records", rule.field),
                    "en",
                ),
            ),
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Rule>, String> {
        let text = format!(
            "@prefix jiyi: <{JIYI}> . @prefix dcat: <{DCAT}> . @prefix rml: <http://w3id.org/rml/> .\n{text}"
        );
        let triples = TurtleParser::new()
            .with_base_iri("file:///mapping.ttl")
            .expect("base")
            .for_slice(text.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .expect("turtle");
        rules_from_triples(&triples)
    }

    #[test]
    fn reads_mask_and_drop_rules() {
        let rules = parse(
            "[] a dcat:Dataset ; jiyi:deidentify [ jiyi:field \"姓名\" ; jiyi:action jiyi:Mask ] ,
                [ jiyi:field \"身分證字號\" ; jiyi:action jiyi:Drop ] ,
                [ jiyi:field \"住址\" ; jiyi:action jiyi:Mask ; jiyi:maskText \"（略）\" ] .",
        )
        .expect("rules");
        assert_eq!(rules.len(), 3);
        let by_field = |f: &str| rules.iter().find(|r| r.field == f).expect(f);
        assert_eq!(
            by_field("姓名").redaction().replacement.as_deref(),
            Some(DEFAULT_MASK)
        );
        assert_eq!(by_field("身分證字號").redaction().replacement, None);
        assert_eq!(by_field("住址").mask, "（略）");
        assert!(parse("[] a dcat:Dataset .").expect("none").is_empty());
    }

    #[test]
    fn misplaced_or_incomplete_rules_are_explained() {
        for (text, expected) in [
            (
                "<#Src> a rml:LogicalSource ; jiyi:deidentify [ jiyi:field \"姓名\" ; jiyi:action jiyi:Mask ] .",
                "not the dcat:Dataset node",
            ),
            (
                "[] a dcat:Dataset ; jiyi:deidentify [ jiyi:action jiyi:Mask ] .",
                "jiyi:field",
            ),
            (
                "[] a dcat:Dataset ; jiyi:deidentify [ jiyi:field \"x\" ] .",
                "jiyi:Mask or jiyi:Drop",
            ),
            (
                "[] a dcat:Dataset ; jiyi:deidentify [ jiyi:field \"x\" ; jiyi:action jiyi:Drop ; jiyi:maskText \"?\" ] .",
                "only with jiyi:Mask",
            ),
            (
                "[] a dcat:Dataset ; jiyi:deidentify [ jiyi:field \"x\" ; jiyi:action jiyi:Drop ] , [ jiyi:field \"x\" ; jiyi:action jiyi:Mask ] .",
                "two rules",
            ),
        ] {
            let err = parse(text).expect_err(text);
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    /// Every `jiyi:` term the rules and their provenance use is defined in the vocabulary.
    #[test]
    fn terms_are_defined_in_the_jiyi_vocabulary() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ontologies/jiyi.ttl");
        let text = std::fs::read(&path).expect("ontologies/jiyi.ttl");
        let defined: Vec<String> = TurtleParser::new()
            .for_slice(&text)
            .map(|t| t.expect("valid Turtle"))
            .filter(|t| t.predicate.as_str() == format!("{RDF}type"))
            .map(|t| t.subject.to_string().trim_matches(['<', '>']).to_owned())
            .collect();
        let run = NamedNode::new_unchecked("https://data.example.tw/id/run/x/1");
        let rules = [
            Rule {
                field: "a".into(),
                action: Action::Mask,
                mask: DEFAULT_MASK.into(),
            },
            Rule {
                field: "b".into(),
                action: Action::Drop,
                mask: DEFAULT_MASK.into(),
            },
        ];
        let mut used: Vec<String> = ["deidentify", "field", "action", "maskText"]
            .iter()
            .map(|l| format!("{JIYI}{l}"))
            .collect();
        for t in provenance_triples(&run, &rules, &[1, 2]) {
            used.push(t.predicate.as_str().to_owned());
            if let Term::NamedNode(o) = &t.object {
                used.push(o.as_str().to_owned());
            }
        }
        let undefined: Vec<&String> = used
            .iter()
            .filter(|iri| iri.starts_with(JIYI) && !defined.contains(*iri))
            .collect();
        assert!(undefined.is_empty(), "undefined jiyi terms: {undefined:?}");
    }

    #[test]
    fn provenance_names_field_action_and_count() {
        let run = NamedNode::new_unchecked("https://data.example.tw/id/run/x/1");
        let rule = Rule {
            field: "姓名".into(),
            action: Action::Mask,
            mask: DEFAULT_MASK.into(),
        };
        let triples = provenance_triples(&run, &[rule], &[7]);
        let text: Vec<String> = triples.iter().map(ToString::to_string).collect();
        let joined = text.join("\n");
        assert!(
            joined.contains("#deidentify-1> <https://w3id.org/jiyi/ns#valuesWithheld> \"7\""),
            "{joined}"
        );
        assert!(
            joined.contains("<https://w3id.org/jiyi/ns#action> <https://w3id.org/jiyi/ns#Mask>"),
            "{joined}"
        );
        assert!(joined.contains("\"姓名\""), "{joined}");
    }
}
