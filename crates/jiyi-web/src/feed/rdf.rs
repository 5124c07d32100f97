//! The triples of the feed: the event stream and its view, page relations, and members.

use super::Feed;
use jiyi_model::vocab::{DCTERMS, JIYI, PROV, RDF, RDFS, XSD};
use jiyi_store::model::{
    BlankNode, GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term, Triple,
};
use jiyi_store::{Change, ChangeKind, DatasetLog, Version};

/// Linked Data Event Streams.
pub(crate) const LDES: &str = "https://w3id.org/ldes#";
/// TREE hypermedia.
pub(crate) const TREE: &str = "https://w3id.org/tree#";
/// ActivityStreams 2.0: the member types.
pub(crate) const AS: &str = "https://www.w3.org/ns/activitystreams#";

/// Prefixes for TriG output, beyond the site's usual ones.
pub(crate) const PREFIXES: &[(&str, &str)] = &[("ldes", LDES), ("tree", TREE), ("as", AS)];

fn iri(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

fn integer(n: u64) -> Literal {
    Literal::new_typed_literal(n.to_string(), iri(XSD, "integer"))
}

impl Feed {
    fn stream(&self) -> NamedNode {
        NamedNode::new_unchecked(format!("{}#stream", self.root_iri()))
    }

    fn root(&self) -> NamedNode {
        NamedNode::new_unchecked(self.root_iri())
    }

    fn page(&self, first: u64) -> NamedNode {
        NamedNode::new_unchecked(format!("{}/pages/{first}", self.root_iri()))
    }

    fn member(&self, sequence: u64) -> NamedNode {
        NamedNode::new_unchecked(format!("{}/versions/{sequence}", self.root_iri()))
    }

    fn dataset(&self) -> NamedNode {
        self.scope.dataset().clone()
    }
}

/// Quads in the default graph.
struct Triples(Vec<Quad>);

impl Triples {
    fn add(&mut self, s: impl Into<NamedOrBlankNode>, p: NamedNode, o: impl Into<Term>) {
        self.0
            .push(Quad::new(s.into(), p, o.into(), GraphName::DefaultGraph));
    }
}

/// What every document of the feed says about the stream: how to read its members.
fn stream_description(feed: &Feed, out: &mut Triples) {
    let stream = feed.stream();
    out.add(stream.clone(), iri(RDF, "type"), iri(LDES, "EventStream"));
    out.add(stream.clone(), iri(TREE, "view"), feed.root());
    out.add(
        stream.clone(),
        iri(LDES, "timestampPath"),
        iri(PROV, "generatedAtTime"),
    );
    out.add(
        stream.clone(),
        iri(LDES, "versionOfPath"),
        iri(DCTERMS, "isVersionOf"),
    );
    out.add(
        stream.clone(),
        iri(LDES, "sequencePath"),
        iri(JIYI, "sequence"),
    );
    out.add(
        stream.clone(),
        iri(LDES, "versionDeletePath"),
        iri(RDF, "type"),
    );
    out.add(
        stream.clone(),
        iri(LDES, "versionDeleteObject"),
        iri(AS, "Delete"),
    );
    out.add(stream, iri(DCTERMS, "source"), feed.dataset());
}

/// Relations from `from` to the page that starts with entry `to`: one
/// `tree:GreaterThanOrEqualToRelation` on the sequence number and one on the timestamp (every
/// member there and after is at least as late), with `tree:remainingItems` when known.
fn relations(
    feed: &Feed,
    from: NamedNode,
    to: u64,
    time: Option<&Literal>,
    remaining: Option<u64>,
    out: &mut Triples,
) {
    let mut relation = |name: &str, path: NamedNode, value: Term| {
        let relation = BlankNode::new_unchecked(format!("{name}{to}"));
        out.add(from.clone(), iri(TREE, "relation"), relation.clone());
        out.add(
            relation.clone(),
            iri(RDF, "type"),
            iri(TREE, "GreaterThanOrEqualToRelation"),
        );
        out.add(relation.clone(), iri(TREE, "node"), feed.page(to));
        out.add(relation.clone(), iri(TREE, "path"), path);
        out.add(relation.clone(), iri(TREE, "value"), value);
        if let Some(n) = remaining {
            out.add(relation, iri(TREE, "remainingItems"), integer(n));
        }
    };
    relation("sequence", iri(JIYI, "sequence"), integer(to).into());
    if let Some(time) = time {
        relation("time", iri(PROV, "generatedAtTime"), time.clone().into());
    }
}

fn time(change: &Change) -> Literal {
    Literal::new_typed_literal(change.time.to_string(), iri(XSD, "dateTime"))
}

/// The root node: the stream, and relations to the first page (none while the log is empty),
/// with the number of members: the root is short-cached, so the count may change.
pub(super) fn root(feed: &Feed, log: Option<DatasetLog>) -> Vec<Quad> {
    let mut out = Triples(Vec::new());
    stream_description(feed, &mut out);
    out.add(feed.root(), iri(RDF, "type"), iri(TREE, "Node"));
    if let Some(log) = log {
        relations(
            feed,
            feed.root(),
            log.first,
            None,
            Some(log.entries),
            &mut out,
        );
    }
    out.0
}

/// A page's own triples: the stream, the page, and its relations to the next page (no
/// `tree:remainingItems`: a closed page never changes, and the count would).
pub(super) fn page_head(feed: &Feed, first: u64, next: Option<&Change>) -> Vec<Quad> {
    let mut out = Triples(Vec::new());
    stream_description(feed, &mut out);
    let page = feed.page(first);
    out.add(page.clone(), iri(RDF, "type"), iri(TREE, "Node"));
    if let Some(next) = next {
        relations(feed, page, next.sequence, Some(&time(next)), None, &mut out);
    }
    out.0
}

/// The stream alone, for a member served by itself (it says how to read the member).
pub(super) fn stream(feed: &Feed) -> Vec<Quad> {
    let mut out = Triples(Vec::new());
    stream_description(feed, &mut out);
    out.0
}

fn member_head(feed: &Feed, change: &Change) -> Triples {
    let mut out = Triples(Vec::new());
    let member = feed.member(change.sequence);
    out.add(feed.stream(), iri(TREE, "member"), member.clone());
    out.add(
        member.clone(),
        iri(RDF, "type"),
        change.kind.activity_type(),
    );
    out.add(
        member.clone(),
        iri(DCTERMS, "isVersionOf"),
        change.thing.clone(),
    );
    out.add(member.clone(), iri(PROV, "generatedAtTime"), time(change));
    out.add(
        member.clone(),
        iri(JIYI, "sequence"),
        integer(change.sequence),
    );
    if let Some(run) = &change.run {
        out.add(member.clone(), iri(PROV, "wasGeneratedBy"), run.clone());
    }
    if let Some(hash) = &change.hash {
        out.add(
            member.clone(),
            iri(JIYI, "hash"),
            Literal::new_simple_literal(hash),
        );
    }
    if change.kind == ChangeKind::Deleted {
        if let Some(reason) = &change.reason {
            out.add(
                member.clone(),
                iri(JIYI, "reason"),
                Literal::new_simple_literal(reason),
            );
        }
        if let Some(by) = &change.replaced_by {
            out.add(member, iri(DCTERMS, "isReplacedBy"), by.clone());
        }
    }
    out
}

/// A member: its facts in the default graph, the version's description as the named graph of
/// the member IRI (blank nodes relabelled per member, so two versions on one page never share
/// one).
pub(super) fn member(feed: &Feed, change: &Change, version: &Version) -> Vec<Quad> {
    let mut out = member_head(feed, change);
    let member = feed.member(change.sequence);
    match version {
        Version::Deleted => {}
        Version::Unavailable(why) => out.add(
            member,
            iri(RDFS, "comment"),
            Literal::new_simple_literal(format!("description not available: {why}")),
        ),
        Version::Described(triples) => {
            let graph = GraphName::NamedNode(member);
            let relabel = |b: &BlankNode| {
                BlankNode::new_unchecked(format!("v{}x{}", change.sequence, b.as_str()))
            };
            for Triple {
                subject,
                predicate,
                object,
            } in triples.iter().cloned()
            {
                let subject = match subject {
                    NamedOrBlankNode::BlankNode(b) => relabel(&b).into(),
                    other => other,
                };
                let object = match object {
                    Term::BlankNode(b) => relabel(&b).into(),
                    other => other,
                };
                out.0
                    .push(Quad::new(subject, predicate, object, graph.clone()));
            }
        }
    }
    out.0
}
