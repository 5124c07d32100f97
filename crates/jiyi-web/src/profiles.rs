//! Content negotiation by profile (W3C "Content Negotiation by Profile", dx-prof-conneg):
//! which views of a description Jiyi serves, how a client asks for one (`Accept-Profile`, or
//! the `_profile` query parameter, which wins as the spec's order of precedence says), and
//! which triples each view keeps.
//!
//! A profile here is a *view* of the same stored description: the full description (the
//! default), or only its Linked Art (CIDOC-CRM), schema.org or Dublin Core statements. The
//! mappings publish all of these side by side, so a view is a filter, never a translation:
//! nothing is served that the store does not hold. Written here because no crate implements the
//! spec (it is a W3C draft, with headers from an IETF draft).

use jiyi_model::vocab::{CRM, DCTERMS, LA, RDF, SCHEMA};
use oxrdf::{NamedNode, NamedOrBlankNode, Term, Triple};
use std::collections::{HashMap, HashSet, VecDeque};

/// The profile of the list of alternates (`_profile=alt`): the spec's Alternate
/// Representations Data Model.
pub const ALTERNATES_PROFILE: &str = "http://www.w3.org/ns/dx/connegp/altr";
/// Namespace of the Alternate Representations Data Model.
pub const ALTR: &str = "http://www.w3.org/ns/dx/connegp/altr#";
/// The class of profiles in the Profiles Vocabulary; the link target of token mappings.
pub const PROF_PROFILE: &str = "http://www.w3.org/ns/dx/prof/Profile";
/// Namespace of the Profiles Vocabulary (`prof:hasToken`).
pub const PROF: &str = "http://www.w3.org/ns/dx/prof/";
const DC_ELEMENTS: &str = "http://purl.org/dc/elements/1.1/";
const SCHEMA_HTTP: &str = "http://schema.org/";

/// A view of a document that a client can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// Everything the store says about the thing, in every vocabulary the mapping used. The
    /// default: a crawler that asks for nothing in particular should lose nothing.
    Full,
    /// The Linked Art statements: CIDOC-CRM and Linked Art terms, with `rdfs:label` (Linked
    /// Art's `_label`).
    LinkedArt,
    /// The schema.org statements, as search engines and simple consumers read them.
    SchemaOrg,
    /// The Dublin Core terms (and elements) statements, for simple harvesters.
    DublinCore,
}

impl Profile {
    /// Every profile, the default first.
    pub const ALL: [Self; 4] = [
        Self::Full,
        Self::LinkedArt,
        Self::SchemaOrg,
        Self::DublinCore,
    ];

    /// The profile URI, as sent in `Content-Profile` and `Link … profile=`.
    pub fn uri(self) -> &'static str {
        match self {
            Self::Full => "https://w3id.org/jiyi/profile/full",
            // The profile URI Linked Art's own API uses in its media type parameter.
            Self::LinkedArt => "https://linked.art/ns/v1/linked-art.json",
            Self::SchemaOrg => SCHEMA,
            Self::DublinCore => DCTERMS,
        }
    }

    /// The token used in `_profile=` and announced in `Link: …; rel="type"; token=…`.
    pub fn token(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::LinkedArt => "linked-art",
            Self::SchemaOrg => "schema",
            Self::DublinCore => "dcterms",
        }
    }

    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Full => "Full description (all vocabularies)",
            Self::LinkedArt => "Linked Art (CIDOC-CRM)",
            Self::SchemaOrg => "schema.org",
            Self::DublinCore => "Dublin Core terms",
        }
    }

    /// The profile a token or URI names. Besides the tokens of [`Self::token`], a few
    /// spellings people write (`la`, `linkedart`, `schema.org`, `dc`) and the `http:`
    /// schema.org namespace are understood.
    pub fn from_id(id: &str) -> Option<Self> {
        let id = id.trim();
        let id = id
            .strip_prefix('<')
            .and_then(|i| i.strip_suffix('>'))
            .unwrap_or(id);
        if let Some(p) = Self::ALL.into_iter().find(|p| p.uri() == id) {
            return Some(p);
        }
        Some(match id.to_ascii_lowercase().as_str() {
            "full" | "jiyi" | "default" => Self::Full,
            "linked-art" | "linkedart" | "la" | "https://linked.art/ns/v1/linked-art.json" => {
                Self::LinkedArt
            }
            "schema" | "schema.org" | "schemaorg" | "sdo" | SCHEMA_HTTP => Self::SchemaOrg,
            "dcterms" | "dc" | "dct" | "dublin-core" | "dublincore" | DC_ELEMENTS => {
                Self::DublinCore
            }
            _ => return None,
        })
    }

    /// The label properties that belong to this view, for the names of linked resources.
    pub fn label_properties(self) -> &'static [&'static str] {
        match self {
            Self::Full => &[
                "http://www.w3.org/2004/02/skos/core#prefLabel",
                "http://www.w3.org/2000/01/rdf-schema#label",
            ],
            Self::LinkedArt => &["http://www.w3.org/2000/01/rdf-schema#label"],
            Self::SchemaOrg => &["https://schema.org/name"],
            Self::DublinCore => &["http://purl.org/dc/terms/title"],
        }
    }

    /// Whether one triple belongs to this view (reachability is checked by [`Self::view`]).
    pub fn keeps(self, triple: &Triple) -> bool {
        let p = triple.predicate.as_str();
        let object_in = |namespaces: &[&str]| match &triple.object {
            Term::NamedNode(o) => namespaces.iter().any(|ns| o.as_str().starts_with(ns)),
            _ => false,
        };
        let is_type = p.len() == RDF.len() + 4 && p.starts_with(RDF) && p.ends_with("type");
        match self {
            Self::Full => true,
            Self::LinkedArt => {
                p.starts_with(CRM)
                    || p.starts_with(LA)
                    || p == "http://www.w3.org/2000/01/rdf-schema#label"
                    || (is_type && object_in(&[CRM, LA]))
            }
            Self::SchemaOrg => {
                p.starts_with(SCHEMA)
                    || p.starts_with(SCHEMA_HTTP)
                    || (is_type && object_in(&[SCHEMA, SCHEMA_HTTP]))
            }
            Self::DublinCore => {
                p.starts_with(DCTERMS)
                    || p.starts_with(DC_ELEMENTS)
                    || (is_type && object_in(&[DCTERMS]))
            }
        }
    }

    /// The view of a description of `thing`: the triples this profile keeps whose subject is
    /// still reachable from `thing` through kept triples (a blank node reached only through a
    /// dropped statement would be an orphan).
    pub fn view(self, thing: &NamedNode, triples: &[Triple]) -> Vec<Triple> {
        if self == Self::Full {
            return triples.to_vec();
        }
        let mut by_subject: HashMap<&NamedOrBlankNode, Vec<&Triple>> = HashMap::new();
        for t in triples.iter().filter(|t| self.keeps(t)) {
            by_subject.entry(&t.subject).or_default().push(t);
        }
        let root = NamedOrBlankNode::from(thing.clone());
        let mut reachable: HashSet<NamedOrBlankNode> = HashSet::from([root.clone()]);
        let mut queue = VecDeque::from([root]);
        let mut out = Vec::new();
        while let Some(node) = queue.pop_front() {
            for t in by_subject.get(&node).into_iter().flatten() {
                out.push((*t).clone());
                let next: Option<NamedOrBlankNode> = match &t.object {
                    Term::NamedNode(n) => Some(n.clone().into()),
                    Term::BlankNode(b) => Some(b.clone().into()),
                    _ => None,
                };
                if let Some(next) = next
                    && by_subject.contains_key(&next)
                    && reachable.insert(next.clone())
                {
                    queue.push_back(next);
                }
            }
        }
        out
    }
}

/// What the client asked for in the profile dimension.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfileRequest {
    /// Nothing: the profile dimension is ignored and the default is served.
    None,
    /// Profiles in order of preference (`q` already applied); unknown ones are left out but
    /// remembered, so the answer can say that it fell back to the default.
    Preferred {
        /// Known profiles, most preferred first, with their quality.
        profiles: Vec<(Profile, f32)>,
        /// Whether the request named any profile this server does not know.
        unknown: bool,
    },
    /// The list of profiles (`_profile=alt` or `_profile=all`, QSA "list profiles").
    Alternates,
}

impl ProfileRequest {
    /// Reads the request: the `_profile` query parameter if present (QSA over HTTP headers,
    /// per the spec's order of precedence), else every `Accept-Profile` header.
    pub fn read<'a>(
        query: Option<&str>,
        accept_profile: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        if let Some(query) = query {
            let ids: Vec<&str> = query
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if ids
                .iter()
                .any(|id| id.eq_ignore_ascii_case("alt") || id.eq_ignore_ascii_case("all"))
            {
                return Self::Alternates;
            }
            // Order is preference: the first one gets q = 1 and each next one a little less.
            let ranked = ids
                .iter()
                .enumerate()
                .map(|(i, id)| (*id, 1.0 - (i as f32) * 0.001));
            return Self::from_ranked(ranked);
        }
        let mut ranked: Vec<(&str, f32)> = Vec::new();
        for header in accept_profile {
            for part in split_outside_brackets(header) {
                let mut params = part.split(';');
                let id = params.next().unwrap_or("").trim();
                if id.is_empty() {
                    continue;
                }
                let mut q = 1.0;
                for param in params {
                    if let Some((name, value)) = param.split_once('=')
                        && name.trim().eq_ignore_ascii_case("q")
                    {
                        q = value
                            .trim()
                            .parse::<f32>()
                            .map_or(1.0, |v| v.clamp(0.0, 1.0));
                    }
                }
                ranked.push((id, q));
            }
        }
        if ranked.is_empty() {
            return Self::None;
        }
        Self::from_ranked(ranked)
    }

    fn from_ranked<'a>(ranked: impl IntoIterator<Item = (&'a str, f32)>) -> Self {
        let mut profiles: Vec<(Profile, f32)> = Vec::new();
        let mut unknown = false;
        for (id, q) in ranked {
            match Profile::from_id(id) {
                Some(p) if !profiles.iter().any(|(x, _)| *x == p) => profiles.push((p, q)),
                Some(_) => {}
                None => unknown = true,
            }
        }
        // Stable: equal qualities keep the client's order.
        profiles.sort_by(|a, b| b.1.total_cmp(&a.1));
        Self::Preferred { profiles, unknown }
    }

    /// The profile to serve among those `available` for this document: the most preferred
    /// available one, else the default. Returns whether the request was honoured, so the
    /// caller can say in `Content-Profile` that it was not (the spec's "default profile"
    /// answer to an unsupported request).
    pub fn choose(&self, available: &[Profile]) -> (Profile, bool) {
        match self {
            Self::None | Self::Alternates => (Profile::Full, true),
            Self::Preferred { profiles, .. } => profiles
                .iter()
                .filter(|(_, q)| *q > 0.0)
                .find(|(p, _)| available.contains(p))
                .map_or((Profile::Full, false), |(p, _)| (*p, true)),
        }
    }
}

/// Splits a header value at commas that are not inside `<…>` (profile URIs may hold commas).
fn split_outside_brackets(value: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in value.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    parts
}

/// `Content-Profile` value for one profile URI.
pub fn content_profile(uri: &str) -> String {
    format!("<{uri}>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiyi_model::vocab::RDFS;
    use oxrdf::{BlankNode, Literal};

    fn nn(s: &str) -> NamedNode {
        NamedNode::new_unchecked(s)
    }

    #[test]
    fn tokens_and_uris_name_profiles() {
        for p in Profile::ALL {
            assert_eq!(Profile::from_id(p.token()), Some(p));
            assert_eq!(Profile::from_id(p.uri()), Some(p));
            assert_eq!(Profile::from_id(&format!("<{}>", p.uri())), Some(p));
        }
        assert_eq!(
            Profile::from_id("http://schema.org/"),
            Some(Profile::SchemaOrg)
        );
        assert_eq!(Profile::from_id("urn:example:x"), None);
    }

    #[test]
    fn the_query_parameter_wins_and_alt_lists() {
        let r = ProfileRequest::read(Some("schema"), ["<http://purl.org/dc/terms/>"]);
        assert_eq!(r.choose(&Profile::ALL), (Profile::SchemaOrg, true));
        assert_eq!(
            ProfileRequest::read(Some("alt"), []),
            ProfileRequest::Alternates
        );
        assert_eq!(
            ProfileRequest::read(Some("all"), []),
            ProfileRequest::Alternates
        );
        // A list in order of preference, the first unavailable one skipped.
        let r = ProfileRequest::read(Some("linked-art,<http://purl.org/dc/terms/>"), []);
        assert_eq!(
            r.choose(&[Profile::Full, Profile::DublinCore]),
            (Profile::DublinCore, true)
        );
    }

    #[test]
    fn accept_profile_uses_q_values_and_falls_back_to_the_default() {
        let r = ProfileRequest::read(
            None,
            ["<https://schema.org/>;q=0.5, <https://linked.art/ns/v1/linked-art.json>;q=0.9"],
        );
        assert_eq!(r.choose(&Profile::ALL), (Profile::LinkedArt, true));
        assert_eq!(
            r.choose(&[Profile::Full, Profile::SchemaOrg]),
            (Profile::SchemaOrg, true)
        );
        let unknown = ProfileRequest::read(None, ["<urn:example:profile:x>"]);
        assert_eq!(unknown.choose(&Profile::ALL), (Profile::Full, false));
        assert!(matches!(
            unknown,
            ProfileRequest::Preferred { unknown: true, .. }
        ));
        assert_eq!(ProfileRequest::read(None, []), ProfileRequest::None);
        let refused = ProfileRequest::read(None, ["<https://schema.org/>;q=0"]);
        assert_eq!(refused.choose(&Profile::ALL), (Profile::Full, false));
    }

    #[test]
    fn views_keep_their_vocabulary_and_what_it_reaches() {
        let thing = nn("http://ex/id/object/1");
        let name = nn("http://ex/id/object/1#name");
        let dim = BlankNode::new_unchecked("d");
        let t = |s: NamedOrBlankNode, p: &str, o: Term| Triple::new(s, nn(p), o);
        let triples = vec![
            t(
                thing.clone().into(),
                &format!("{RDF}type"),
                nn(&format!("{CRM}E22_Human-Made_Object")).into(),
            ),
            t(
                thing.clone().into(),
                &format!("{RDF}type"),
                nn(&format!("{SCHEMA}CreativeWork")).into(),
            ),
            t(
                thing.clone().into(),
                &format!("{CRM}P1_is_identified_by"),
                name.clone().into(),
            ),
            t(
                name.clone().into(),
                &format!("{CRM}P190_has_symbolic_content"),
                Literal::new_simple_literal("x").into(),
            ),
            t(
                thing.clone().into(),
                &format!("{DCTERMS}title"),
                Literal::new_simple_literal("x").into(),
            ),
            t(
                thing.clone().into(),
                &format!("{SCHEMA}name"),
                Literal::new_simple_literal("x").into(),
            ),
            // reached only through a Dublin Core statement: an orphan in the Linked Art view
            t(
                thing.clone().into(),
                &format!("{DCTERMS}extent"),
                dim.clone().into(),
            ),
            t(
                dim.clone().into(),
                &format!("{CRM}P90_has_value"),
                Literal::from(3).into(),
            ),
            t(
                thing.clone().into(),
                &format!("{RDFS}label"),
                Literal::new_simple_literal("x").into(),
            ),
        ];
        let la = Profile::LinkedArt.view(&thing, &triples);
        assert_eq!(la.len(), 4, "{la:#?}");
        assert!(
            la.iter()
                .all(|t| !t.predicate.as_str().starts_with(DCTERMS))
        );
        assert!(!la.iter().any(|t| t.subject == dim.clone().into()));
        let sdo = Profile::SchemaOrg.view(&thing, &triples);
        assert_eq!(sdo.len(), 2, "{sdo:#?}");
        let dc = Profile::DublinCore.view(&thing, &triples);
        assert_eq!(dc.len(), 2, "{dc:#?}");
        assert_eq!(Profile::Full.view(&thing, &triples).len(), triples.len());
    }
}
