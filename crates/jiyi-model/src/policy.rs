//! The URI policy of DESIGN.md: things at `{base}id/{kind}/{key}`, their documents at
//! `{base}doc/{kind}/{key}`, one named graph per dataset at `{base}graph/{dataset}`.

use crate::ModelError;
use crate::iri::encode_key;
use oxrdf::NamedNode;

/// Graph names under this prefix are Jiyi's own bookkeeping (staging loads, store settings).
/// They are never published: not in the SPARQL union default graph, not listed as named graphs.
pub const SYSTEM_GRAPH_PREFIX: &str = "urn:jiyi:";

/// Maps between things, their documents and dataset graphs for one publishing base.
///
/// The base is configuration (DESIGN.md), so every IRI Jiyi mints goes through this one value;
/// nothing else concatenates strings into IRIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriPolicy {
    base: String,
}

impl UriPolicy {
    /// Accepts an absolute `http`/`https` IRI ending in `/`, without query or fragment, because
    /// every published path is appended to it by simple concatenation.
    pub fn new(base: &str) -> Result<Self, ModelError> {
        let invalid = |reason: &str| ModelError::InvalidBase {
            iri: base.to_owned(),
            reason: reason.to_owned(),
        };
        let parsed = oxiri_parse(base).map_err(|e| invalid(&e))?;
        if !(parsed.starts_with("http://") || parsed.starts_with("https://")) {
            return Err(invalid("the scheme must be http or https"));
        }
        if base.contains('?') || base.contains('#') {
            return Err(invalid("a base may not carry a query or a fragment"));
        }
        if !base.ends_with('/') {
            return Err(invalid("a base must end with '/'"));
        }
        Ok(Self {
            base: base.to_owned(),
        })
    }

    /// The base IRI, ending in `/`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The IRI of a thing from its kind (`object`, `concept/material`, …) and the source's own
    /// identifier, encoded as one path segment.
    pub fn thing(&self, kind: &str, key: &str) -> Result<NamedNode, ModelError> {
        self.named_node(format!("{}id/{}/{}", self.base, kind, encode_key(key)))
    }

    /// The document IRI that describes `thing`, when `thing` is one of ours (`{base}id/…`).
    /// A hash IRI (`…/id/object/X#production`) is described by the document of `…/id/object/X`.
    pub fn document_of(&self, thing: &str) -> Option<String> {
        let rest = thing.strip_prefix(&self.base)?.strip_prefix("id/")?;
        let rest = rest.split('#').next().unwrap_or(rest);
        (!rest.is_empty()).then(|| format!("{}doc/{}", self.base, rest))
    }

    /// The thing a document path describes. `path` is the part after `doc/` in IRI form
    /// (see [`crate::iri::uri_to_iri`]), e.g. `object/DEMO-器物-0001`.
    pub fn thing_of_document_path(&self, path: &str) -> Result<NamedNode, ModelError> {
        self.named_node(format!("{}id/{}", self.base, path))
    }

    /// The IRI naming a dataset as a thing (`dcat:Dataset`).
    pub fn dataset(&self, name: &str) -> Result<NamedNode, ModelError> {
        check_dataset_name(name)?;
        self.named_node(format!("{}id/dataset/{name}", self.base))
    }

    /// The named graph holding everything one dataset publishes.
    pub fn dataset_graph(&self, name: &str) -> Result<NamedNode, ModelError> {
        check_dataset_name(name)?;
        self.named_node(format!("{}graph/{name}", self.base))
    }

    /// The dataset name of a graph IRI minted by [`Self::dataset_graph`].
    pub fn dataset_of_graph<'a>(&self, graph: &'a str) -> Option<&'a str> {
        graph
            .strip_prefix(&self.base)?
            .strip_prefix("graph/")
            .filter(|n| check_dataset_name(n).is_ok())
    }

    /// The IRI of one ingest run of a dataset, used as a `prov:Activity`.
    pub fn ingest_run(&self, dataset: &str, run_id: &str) -> Result<NamedNode, ModelError> {
        check_dataset_name(dataset)?;
        self.named_node(format!(
            "{}id/run/{dataset}/{}",
            self.base,
            encode_key(run_id)
        ))
    }

    /// Where things live (`{base}id/`): a subject under it (without a `#` fragment, and not
    /// an ingest run) is a resource the change log follows.
    pub fn things_prefix(&self) -> String {
        format!("{}id/", self.base)
    }

    /// Where ingest runs live (`{base}id/run/`): PROV-O bookkeeping, never a resource of a
    /// dataset, so a new run alone never counts as a change.
    pub fn runs_prefix(&self) -> String {
        format!("{}id/run/", self.base)
    }

    /// The download URL of a dataset dump, `{base}dumps/{name}.{extension}` (e.g. `nq.gz`).
    pub fn dump_url(&self, name: &str, extension: &str) -> Result<NamedNode, ModelError> {
        check_dataset_name(name)?;
        self.named_node(format!("{}dumps/{name}.{extension}", self.base))
    }

    /// A resource of the site itself rather than of a dataset: `sparql`, `.well-known/void`,
    /// `sitemap.xml`. `path` is relative to the base and ASCII.
    pub fn site_resource(&self, path: &str) -> Result<NamedNode, ModelError> {
        self.named_node(format!("{}{}", self.base, path.trim_start_matches('/')))
    }

    fn named_node(&self, iri: String) -> Result<NamedNode, ModelError> {
        NamedNode::new(iri.clone()).map_err(|e| ModelError::InvalidIri {
            iri,
            reason: e.to_string(),
        })
    }
}

/// Dataset names become path segments and file names (dumps), so they are kept to a small,
/// portable alphabet.
fn check_dataset_name(name: &str) -> Result<(), ModelError> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if name.len() > 100 {
        Some("it is longer than 100 bytes")
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        Some("use only a-z, 0-9, '-' and '_'")
    } else if name.starts_with('-') || name.starts_with('_') {
        Some("it must start with a letter or digit")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ModelError::InvalidDatasetName {
            name: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

fn oxiri_parse(base: &str) -> Result<String, String> {
    NamedNode::new(base)
        .map(NamedNode::into_string)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> UriPolicy {
        UriPolicy::new("https://data.example.tw/").expect("valid base")
    }

    #[test]
    fn things_documents_and_graphs_follow_the_design() {
        let p = policy();
        let thing = p.thing("object", "DEMO-器物-0001").expect("iri");
        assert_eq!(
            thing.as_str(),
            "https://data.example.tw/id/object/DEMO-器物-0001"
        );
        assert_eq!(
            p.document_of(thing.as_str()).as_deref(),
            Some("https://data.example.tw/doc/object/DEMO-器物-0001")
        );
        assert_eq!(
            p.document_of("https://data.example.tw/id/object/X#production")
                .as_deref(),
            Some("https://data.example.tw/doc/object/X")
        );
        assert_eq!(p.document_of("https://elsewhere.org/id/object/X"), None);
        assert_eq!(
            p.thing_of_document_path("concept/material/玉")
                .expect("iri")
                .as_str(),
            "https://data.example.tw/id/concept/material/玉"
        );
        let g = p.dataset_graph("npm-objects").expect("graph");
        assert_eq!(g.as_str(), "https://data.example.tw/graph/npm-objects");
        assert_eq!(p.dataset_of_graph(g.as_str()), Some("npm-objects"));
        assert_eq!(p.dataset_of_graph("urn:jiyi:staging:x"), None);
        assert_eq!(
            p.dump_url("npm-objects", "nq.gz").expect("url").as_str(),
            "https://data.example.tw/dumps/npm-objects.nq.gz"
        );
        assert!(p.runs_prefix().starts_with(&p.things_prefix()));
    }

    #[test]
    fn keys_with_delimiters_cannot_escape_their_segment() {
        let thing = policy().thing("object", "../../graph/x?y#z").expect("iri");
        assert_eq!(
            thing.as_str(),
            "https://data.example.tw/id/object/..%2F..%2Fgraph%2Fx%3Fy%23z"
        );
    }

    #[test]
    fn bad_bases_and_dataset_names_are_refused() {
        for base in [
            "data.example.tw/",
            "ftp://x/",
            "https://x/a",
            "https://x/?q=1/",
            "https://x/#/",
        ] {
            assert!(UriPolicy::new(base).is_err(), "{base}");
        }
        for name in ["", "Upper", "a/b", "-x", "點"] {
            assert!(policy().dataset_graph(name).is_err(), "{name}");
        }
    }
}
