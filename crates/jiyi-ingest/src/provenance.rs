//! PROV-O description of one ingest run, published in the dataset's graph so a researcher can
//! see when and from what the data was made.

use jiyi_model::vocab::{DCTERMS, JIYI, PROV, RDF, RDFS, XSD};
use jiyi_rml::RunSummary;
use oxrdf::{Literal, NamedNode, Triple};
use std::path::Path;

/// What the provenance of a run says.
pub(crate) struct RunFacts<'a> {
    pub run: &'a NamedNode,
    pub dataset: &'a NamedNode,
    pub dataset_name: &'a str,
    pub started: jiff::Timestamp,
    pub ended: jiff::Timestamp,
    pub mapping_file: &'a Path,
    pub source_files: &'a [std::path::PathBuf],
    pub summary: RunSummary,
}

fn iri(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

fn date_time(t: jiff::Timestamp) -> Literal {
    Literal::new_typed_literal(t.to_string(), iri(XSD, "dateTime"))
}

fn count(n: u64) -> Literal {
    Literal::new_typed_literal(n.to_string(), iri(XSD, "nonNegativeInteger"))
}

/// File names only: absolute paths of the steward's machine are not published.
fn file_name(p: &Path) -> Literal {
    Literal::new_simple_literal(p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    ))
}

pub(crate) fn run_triples(f: &RunFacts<'_>) -> Vec<Triple> {
    let run = f.run.clone();
    let mut out = vec![
        Triple::new(run.clone(), iri(RDF, "type"), iri(PROV, "Activity")),
        Triple::new(run.clone(), iri(RDF, "type"), iri(JIYI, "IngestRun")),
        Triple::new(
            run.clone(),
            iri(RDFS, "label"),
            Literal::new_language_tagged_literal_unchecked(
                format!("Ingest of {} at {}", f.dataset_name, f.started),
                "en",
            ),
        ),
        Triple::new(
            run.clone(),
            iri(PROV, "startedAtTime"),
            date_time(f.started),
        ),
        Triple::new(run.clone(), iri(PROV, "endedAtTime"), date_time(f.ended)),
        Triple::new(
            run.clone(),
            iri(JIYI, "mappingFile"),
            file_name(f.mapping_file),
        ),
        Triple::new(
            run.clone(),
            iri(JIYI, "recordsRead"),
            count(f.summary.records_read),
        ),
        Triple::new(
            run.clone(),
            iri(JIYI, "recordsMapped"),
            count(f.summary.records_mapped),
        ),
        Triple::new(
            run.clone(),
            iri(JIYI, "recordsRejected"),
            count(f.summary.records_rejected),
        ),
        Triple::new(f.dataset.clone(), iri(PROV, "wasGeneratedBy"), run.clone()),
        Triple::new(
            f.dataset.clone(),
            iri(DCTERMS, "modified"),
            date_time(f.ended),
        ),
    ];
    for source in f.source_files {
        out.push(Triple::new(
            run.clone(),
            iri(JIYI, "sourceFile"),
            file_name(source),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::Term;
    use std::collections::HashSet;

    /// Every `jiyi:` term the provenance uses is defined in ontologies/jiyi.ttl, so published
    /// data never points at an undefined term.
    #[test]
    fn provenance_terms_are_defined_in_the_jiyi_vocabulary() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ontologies/jiyi.ttl");
        let text = std::fs::read(&path).expect("ontologies/jiyi.ttl");
        let defined: HashSet<String> = oxttl::TurtleParser::new()
            .for_slice(&text)
            .map(|t| t.expect("valid Turtle"))
            .filter(|t| t.predicate.as_str() == format!("{RDF}type"))
            .map(|t| t.subject.to_string().trim_matches(['<', '>']).to_owned())
            .collect();
        let node = NamedNode::new_unchecked("https://data.example.tw/id/run/x/1");
        let facts = RunFacts {
            run: &node,
            dataset: &node,
            dataset_name: "x",
            started: jiff::Timestamp::UNIX_EPOCH,
            ended: jiff::Timestamp::UNIX_EPOCH,
            mapping_file: Path::new("m.ttl"),
            source_files: &[std::path::PathBuf::from("s.csv")],
            summary: RunSummary::default(),
        };
        let mut used = Vec::new();
        for t in run_triples(&facts) {
            used.push(t.predicate.as_str().to_owned());
            if let Term::NamedNode(o) = &t.object {
                used.push(o.as_str().to_owned());
            }
        }
        let undefined: Vec<_> = used
            .iter()
            .filter(|iri| iri.starts_with(JIYI) && !defined.contains(*iri))
            .collect();
        assert!(undefined.is_empty(), "undefined jiyi terms: {undefined:?}");
        assert!(
            used.iter().any(|iri| iri.starts_with(JIYI)),
            "the check must see jiyi terms"
        );
    }
}
