//! Access classes and licences: what a dataset must declare before any of its records may be
//! published.
//!
//! Taiwan's government data rules sort datasets into three classes: 甲 (open to all),
//! 乙 (open with limits on use) and 丙 (not open). A steward states the class in the mapping's
//! `dcat:Dataset` node with `jiyi:accessClass` (`jiyi:Open`, `jiyi:LimitedUse`,
//! `jiyi:NotOpen`), beside a `dcterms:license` IRI and a `dcterms:rightsHolder`. The ingest
//! refuses a dataset that leaves any of them out, and never reads a single record of a 丙
//! dataset: the check runs on the description alone, before the mapping's sources are opened.
//! For the open classes the ingest adds `dcterms:accessRights` from the EU access-right
//! authority (PUBLIC, RESTRICTED) so that DCAT harvesters that do not know Jiyi's vocabulary
//! still see the class.

use jiyi_model::vocab::{DCTERMS, JIYI};
use oxrdf::{NamedNode, NamedOrBlankNode, Term, Triple};

/// The class a dataset declares; decides whether its records are loaded at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessClass {
    /// 甲: open data, anyone may use it under the licence.
    Open,
    /// 乙: published, but the licence limits use (e.g. non-commercial 3D models).
    LimitedUse,
    /// 丙: not open. Jiyi never loads its records.
    NotOpen,
}

impl AccessClass {
    /// The class from its `jiyi:` IRI.
    fn from_iri(iri: &str) -> Option<Self> {
        match iri.strip_prefix(JIYI)? {
            "Open" => Some(Self::Open),
            "LimitedUse" => Some(Self::LimitedUse),
            "NotOpen" => Some(Self::NotOpen),
            _ => None,
        }
    }

    /// The class as stewards name it (甲, 乙, 丙).
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "甲",
            Self::LimitedUse => "乙",
            Self::NotOpen => "丙",
        }
    }

    /// The EU access-right concept DCAT profiles use for `dcterms:accessRights`.
    pub fn eu_access_right(self) -> NamedNode {
        let code = match self {
            Self::Open => "PUBLIC",
            Self::LimitedUse => "RESTRICTED",
            Self::NotOpen => "NON_PUBLIC",
        };
        NamedNode::new_unchecked(format!(
            "http://publications.europa.eu/resource/authority/access-right/{code}"
        ))
    }
}

/// What a dataset declares about who may use it; all three parts are required.
#[derive(Debug, Clone)]
pub struct AccessTerms {
    /// 甲, 乙 or 丙.
    pub class: AccessClass,
    /// The licence IRIs (`dcterms:license`), at least one.
    pub licences: Vec<NamedNode>,
    /// Whether the description already states `dcterms:accessRights` (then the ingest adds none).
    pub states_access_rights: bool,
}

/// Reads the access class, licences and rights holder of the dataset node `node`, or says
/// what is missing in words a steward can act on.
pub(crate) fn access_terms(
    triples: &[Triple],
    node: &NamedOrBlankNode,
) -> Result<AccessTerms, String> {
    let objects = |property: &str| -> Vec<&Term> {
        triples
            .iter()
            .filter(|t| t.subject == *node && t.predicate.as_str() == property)
            .map(|t| &t.object)
            .collect()
    };
    let class_property = format!("{JIYI}accessClass");
    let class = match objects(&class_property).as_slice() {
        [Term::NamedNode(n)] => AccessClass::from_iri(n.as_str())
            .ok_or_else(|| format!("jiyi:accessClass is <{}>; {}", n.as_str(), CLASS_HINT))?,
        [] => return Err(format!("no jiyi:accessClass; {CLASS_HINT}")),
        [other] => {
            return Err(format!(
                "jiyi:accessClass is {other}, not an IRI; {CLASS_HINT}"
            ));
        }
        many => {
            return Err(format!(
                "{} values of jiyi:accessClass; a dataset has one class",
                many.len()
            ));
        }
    };
    if class == AccessClass::NotOpen {
        // Nothing else matters: the records are not loaded.
        return Ok(AccessTerms {
            class,
            licences: Vec::new(),
            states_access_rights: true,
        });
    }
    let mut licences = Vec::new();
    for licence in objects(&format!("{DCTERMS}license")) {
        match licence {
            Term::NamedNode(n) => licences.push(n.clone()),
            other => {
                return Err(format!(
                    "dcterms:license {other} is not an IRI; name the licence by its IRI, e.g. <https://data.gov.tw/license> (Open Government Data License, Taiwan 1.0) or <https://creativecommons.org/licenses/by/4.0/>"
                ));
            }
        }
    }
    if licences.is_empty() {
        return Err("no dcterms:license; every published dataset names its licence by IRI, e.g. <https://data.gov.tw/license> (Open Government Data License, Taiwan 1.0)".into());
    }
    if objects(&format!("{DCTERMS}rightsHolder")).is_empty() {
        return Err("no dcterms:rightsHolder; say who holds the rights, e.g. dcterms:rightsHolder [ a foaf:Agent ; foaf:name \"國立故宮博物院\"@zh-Hant ]".into());
    }
    let states_access_rights = !objects(&format!("{DCTERMS}accessRights")).is_empty();
    Ok(AccessTerms {
        class,
        licences,
        states_access_rights,
    })
}

const CLASS_HINT: &str = "declare the class with jiyi:accessClass jiyi:Open (甲, open), jiyi:LimitedUse (乙, limited use) or jiyi:NotOpen (丙, not open: never loaded)";

#[cfg(test)]
mod tests {
    use super::*;
    use oxttl::TurtleParser;

    fn terms(body: &str) -> Result<AccessTerms, String> {
        let text = format!(
            "@prefix dcterms: <http://purl.org/dc/terms/> . @prefix jiyi: <https://w3id.org/jiyi/ns#> .\n<http://x/d> {body} ."
        );
        let triples: Vec<Triple> = TurtleParser::new()
            .for_slice(text.as_bytes())
            .collect::<Result<_, _>>()
            .expect("turtle");
        access_terms(&triples, &NamedNode::new_unchecked("http://x/d").into())
    }

    #[test]
    fn open_datasets_need_a_licence_iri_and_a_rights_holder() {
        let ok = terms("jiyi:accessClass jiyi:Open ; dcterms:license <https://data.gov.tw/license> ; dcterms:rightsHolder \"NPM\"")
            .expect("complete");
        assert_eq!(ok.class, AccessClass::Open);
        assert_eq!(ok.licences.len(), 1);
        assert!(!ok.states_access_rights);
        let e = terms("jiyi:accessClass jiyi:Open ; dcterms:rightsHolder \"NPM\"")
            .expect_err("no licence");
        assert!(e.contains("dcterms:license"), "{e}");
        let e = terms("jiyi:accessClass jiyi:LimitedUse ; dcterms:license \"CC BY\" ; dcterms:rightsHolder \"NPM\"")
            .expect_err("literal licence");
        assert!(e.contains("not an IRI"), "{e}");
        let e = terms("jiyi:accessClass jiyi:Open ; dcterms:license <https://data.gov.tw/license>")
            .expect_err("no holder");
        assert!(e.contains("dcterms:rightsHolder"), "{e}");
    }

    #[test]
    fn the_class_is_required_and_must_be_one_of_three() {
        let e = terms("dcterms:license <https://data.gov.tw/license>").expect_err("no class");
        assert!(
            e.contains("jiyi:NotOpen"),
            "the hint lists the classes: {e}"
        );
        let e = terms("jiyi:accessClass jiyi:Secret").expect_err("unknown");
        assert!(e.contains("Secret"), "{e}");
        let e = terms("jiyi:accessClass \"甲\"").expect_err("literal");
        assert!(e.contains("not an IRI"), "{e}");
        let e = terms("jiyi:accessClass jiyi:Open, jiyi:NotOpen").expect_err("two");
        assert!(e.contains("2 values"), "{e}");
    }

    #[test]
    fn a_closed_dataset_needs_nothing_else_because_nothing_is_loaded() {
        let c = terms("jiyi:accessClass jiyi:NotOpen").expect("closed");
        assert_eq!(c.class, AccessClass::NotOpen);
        assert_eq!(c.class.label(), "丙");
        assert!(c.class.eu_access_right().as_str().ends_with("NON_PUBLIC"));
    }
}
