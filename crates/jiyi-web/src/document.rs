//! Cool URIs ("Cool URIs for the Semantic Web", W3C): `/id/…` names a thing and answers
//! 303 See Other; `/doc/…` is the document about it, in the representation the client
//! negotiates by media type (`Accept`, `format=`, or a suffix URL `/doc/…/X.ttl`), by profile
//! (`Accept-Profile`, `_profile=`, see [`crate::profiles`]) and, for HTML, by language; large
//! documents come in pages ([`crate::paging`]); every answer is cacheable and revalidates
//! ([`crate::caching`]).

use crate::addresses::{DocAddress, Variant, split_suffix};
use crate::caching::{DOCUMENT_CACHE_CONTROL, REDIRECT_CACHE_CONTROL, http_date, strong_etag};
use crate::conneg::Accept;
use crate::document_cache::{Rendered, RequestKey};
use crate::formats::{DOCUMENT_OFFERS, RdfRepresentation};
use crate::html::{DocumentPage, Lang, PageLinks, render_document};
use crate::paging::{PAGE_SIZE, neighbours, page_number, paging_triples};
use crate::profiles::{
    ALTERNATES_PROFILE, ALTR, PROF, PROF_PROFILE, Profile, ProfileRequest, content_profile,
};
use crate::rights::{DocumentRights, document_rights};
use crate::{AppState, WebError, query_param};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use jiyi_model::iri::uri_to_iri;
use jiyi_model::vocab::{DCTERMS, RDF, RDFS};
use oxrdf::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::SystemTime;

/// `Accept-Profile` (dx-prof-conneg; not in the `http` crate's list).
pub const ACCEPT_PROFILE: HeaderName = HeaderName::from_static("accept-profile");
/// `Content-Profile`: the profile a representation conforms to.
pub const CONTENT_PROFILE: HeaderName = HeaderName::from_static("content-profile");

/// Methods `/id/…` and `/doc/…` answer.
const ALLOW: &str = "GET, HEAD, OPTIONS";

/// Where to go when a URI names nothing, for 404 messages.
const START_HERE: &str = "start from the landing page (/), the dataset descriptions \
                          (/.well-known/void) or ask the SPARQL endpoint (/sparql)";

/// Labels of a linked resource kept per page: enough for zh-Hant and English under each
/// label property, bounded so a page stays bounded.
const LABELS_PER_RESOURCE: usize = 8;

/// `GET /id/{kind}/{key}`: 303 to the document, keeping the query string (`format=`,
/// `_profile=`), with `Link: <doc>; rel="describedby"`. A profile asked for with
/// `Accept-Profile` is carried into the `Location` as `_profile=` and named in
/// `Content-Profile`, as the spec asks of a redirecting server, so it survives clients that
/// drop headers on redirects.
pub async fn thing(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    match redirect(&state, &uri, &headers) {
        Ok(response) => response,
        Err(e) => e.respond(&headers),
    }
}

fn redirect(state: &AppState, uri: &Uri, headers: &HeaderMap) -> Result<Response, WebError> {
    let rest = uri
        .path()
        .strip_prefix("/id/")
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            WebError::NotFound(format!("no thing is named by this URI; {START_HERE}"))
        })?;
    let policy = state.policy();
    let thing = policy
        .thing_of_document_path(&uri_to_iri(rest))
        .map_err(|e| WebError::NotFound(format!("{e}; {START_HERE}")))?;
    let doc = policy
        .document_of(thing.as_str())
        .ok_or_else(|| WebError::NotFound(format!("no document describes <{thing}>")))?;
    let address = DocAddress::new(policy.base(), &doc, Vec::new());
    let mut location = address.path(Variant::plain());
    let mut query: Vec<String> = uri.query().map(|q| vec![q.to_owned()]).unwrap_or_default();
    let profile = match query_param(uri, "_profile") {
        Some(_) => None,
        None => match ProfileRequest::read(None, header_values(headers, &ACCEPT_PROFILE)) {
            ProfileRequest::Preferred { profiles, .. } => {
                profiles.into_iter().find(|(_, q)| *q > 0.0).map(|(p, _)| p)
            }
            _ => None,
        },
    };
    if let Some(p) = profile {
        query.push(format!("_profile={}", p.token()));
    }
    if !query.is_empty() {
        location.push('?');
        location.push_str(&query.join("&"));
    }
    let location = HeaderValue::from_str(&location)
        .map_err(|_| WebError::BadRequest("the request cannot be redirected".into()))?;
    let mut response = StatusCode::SEE_OTHER.into_response();
    let h = response.headers_mut();
    h.insert(
        header::LINK,
        HeaderValue::from_str(&format!(
            "<{}>; rel=\"describedby\"",
            location.to_str().unwrap_or("")
        ))
        .map_err(|e| WebError::Internal(e.to_string()))?,
    );
    h.insert(header::LOCATION, location);
    h.insert(header::VARY, HeaderValue::from_static("Accept-Profile"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(REDIRECT_CACHE_CONTROL),
    );
    if let Some(p) = profile {
        insert(h, CONTENT_PROFILE, &content_profile(p.uri()))?;
    }
    Ok(response)
}

/// `OPTIONS /id/…` and `/doc/…`: 204 with `Allow`. A request layer outside the CORS layer,
/// because tower-http's CORS layer answers every OPTIONS request as a preflight (without
/// `Allow`); CORS preflights (with `Access-Control-Request-Method`) still go to it.
pub async fn plain_options(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path();
    if request.method() == axum::http::Method::OPTIONS
        && !request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
        && (path.starts_with("/id/") || path.starts_with("/doc/"))
    {
        return (StatusCode::NO_CONTENT, [(header::ALLOW, ALLOW)]).into_response();
    }
    next.run(request).await
}

/// `GET /doc/{kind}/{key}[.suffix]`: the description of the thing.
///
/// A rendered answer is kept until the store changes (`document_cache.rs`); rendering runs on
/// the blocking pool, at most `Config::describe_concurrency` at once, so a crawl at 64
/// connections queues in order instead of 64 threads fighting over two cores (issue 5
/// measured p99 fall from ~200 ms to ~34 ms with the bound, throughput unchanged).
pub async fn document(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let key = RequestKey::of(&uri, &headers);
    if let Some(hit) = state.documents().get(&key) {
        return hit.answer(&headers);
    }
    let request_headers = headers.clone();
    let Ok(permit) = state.describe_slots().clone().acquire_owned().await else {
        return WebError::Internal("the server is shutting down".into()).respond(&headers);
    };
    let worker = state.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let answer = respond(&worker, &uri, &headers);
        drop(permit);
        answer
    })
    .await;
    match answer {
        Ok(Ok(Answer::Document(rendered))) => {
            let response = rendered.answer(&request_headers);
            state.documents().insert(key, rendered);
            response
        }
        Ok(Ok(Answer::Other(response))) => response,
        Ok(Err(e)) => e.respond(&request_headers),
        Err(e) => WebError::Internal(e.to_string()).respond(&request_headers),
    }
}

/// What rendering a document request gives: a document (kept in the cache) or another
/// answer (410 Gone), sent as it is.
enum Answer {
    Document(Arc<Rendered>),
    Other(Response),
}

/// What one request asks for, read before the store is touched.
struct Asked {
    /// The path after `/doc/`, as received (percent-encoded).
    rest: String,
    /// `format=` or `_mediatype=` (QSA), if given.
    format: Option<RdfRepresentation>,
    profile: ProfileRequest,
    page: usize,
    lang: Lang,
}

fn read_request(uri: &Uri, headers: &HeaderMap) -> Result<Asked, WebError> {
    let rest = uri
        .path()
        .strip_prefix("/doc/")
        .filter(|r| !r.is_empty())
        .ok_or_else(|| WebError::NotFound(format!("no document has this URI; {START_HERE}")))?
        .to_owned();
    let format = match query_param(uri, "format").or_else(|| query_param(uri, "_mediatype")) {
        Some(value) => Some(
            RdfRepresentation::from_param(&value, DOCUMENT_OFFERS).ok_or_else(|| {
                WebError::BadRequest(format!(
                    "unknown format {value:?}; use ttl, nt, jsonld, rdf, trig, nq or html, or a media type such as text/turtle"
                ))
            })?,
        ),
        None => None,
    };
    let profile = ProfileRequest::read(
        query_param(uri, "_profile").as_deref(),
        header_values(headers, &ACCEPT_PROFILE),
    );
    let page = page_number(query_param(uri, "page").as_deref())?;
    let lang_param = query_param(uri, "lang");
    let lang = Lang::choose(
        lang_param.as_deref(),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    Ok(Asked {
        rest,
        format,
        profile,
        page,
        lang,
    })
}

fn respond(state: &AppState, uri: &Uri, headers: &HeaderMap) -> Result<Answer, WebError> {
    let asked = read_request(uri, headers)?;
    let policy = state.policy();
    let store = state.store();

    // Which thing, and does the path fix the representation? The whole path is a key first.
    let whole = policy
        .thing_of_document_path(&uri_to_iri(&asked.rest))
        .map_err(|e| WebError::NotFound(format!("{e}; {START_HERE}")))?;
    let whole_iri = whole.as_str().to_owned();
    let (thing, suffix) = match split_suffix(&asked.rest) {
        Some((stem, representation)) if !store.is_described(whole.as_ref())? => (
            policy
                .thing_of_document_path(&uri_to_iri(stem))
                .map_err(|e| WebError::NotFound(format!("{e}; {START_HERE}")))?,
            Some(representation),
        ),
        _ => (whole, None),
    };
    let representation = match (suffix, asked.format) {
        (Some(s), Some(f)) if s != f => {
            return Err(WebError::BadRequest(format!(
                "the suffix .{} already selects {}; drop format= or the suffix",
                s.suffix(),
                s.name()
            )));
        }
        (Some(s), _) => s,
        (None, Some(f)) => f,
        (None, None) => *Accept::parse(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()))
            .choose(DOCUMENT_OFFERS)
            .ok_or_else(|| WebError::NotAcceptable(not_acceptable_message(&asked.rest)))?,
    };
    let negotiated = suffix.is_none() && asked.format.is_none();

    let doc = policy
        .document_of(thing.as_str())
        .ok_or_else(|| WebError::NotFound(format!("no document describes <{thing}>")))?;
    let address = DocAddress::new(policy.base(), &doc, shadowed(state, &thing)?);

    let Some(description) = store.describe_page(thing.as_ref(), asked.page - 1, PAGE_SIZE)? else {
        // Published once and deleted since: 410 with the tombstone, never a bare 404.
        if let Some(tombstone) = store.tombstone(thing.as_ref())? {
            let doc_node =
                NamedNode::new(doc.clone()).map_err(|e| WebError::Internal(e.to_string()))?;
            return crate::gone::respond(
                state,
                &thing,
                &doc_node,
                &tombstone,
                representation,
                asked.lang,
            )
            .map(Answer::Other);
        }
        return Err(WebError::NotFound(format!(
            "nothing is published about <{thing}>{}; {START_HERE}",
            match suffix {
                Some(r) => format!(
                    " (read as the {} of it; nor about <{whole_iri}>, the whole path read as a key)",
                    r.name()
                ),
                None => String::new(),
            }
        )));
    };
    if description.triples.is_empty() {
        return Err(WebError::NotFound(format!(
            "<{thing}> has fewer than {} pages; its first page is {}",
            asked.page,
            address.path(Variant::plain())
        )));
    }

    // Profiles: which views this page has, which one to serve. The full view is the page.
    let root = NamedOrBlankNode::from(thing.clone());
    let views: Vec<(Profile, Vec<Triple>)> = Profile::ALL
        .into_iter()
        .filter(|p| *p != Profile::Full)
        .map(|p| (p, p.view(&thing, &description.triples)))
        .filter(|(_, v)| v.iter().any(|t| t.subject == root))
        .collect();
    let available: Vec<Profile> = std::iter::once(Profile::Full)
        .chain(views.iter().map(|(p, _)| *p))
        .collect();
    let listing = asked.profile == ProfileRequest::Alternates;
    let (profile, _honoured) = asked.profile.choose(&available);
    let triples: &[Triple] = views
        .iter()
        .find(|(p, _)| *p == profile)
        .map_or(description.triples.as_slice(), |(_, v)| v.as_slice());

    // Document-level statements: rights, provenance, when the data last changed.
    let mut facts = Vec::new();
    for graph in &description.graphs {
        if let Some(f) = state.facts().facts(store, policy, graph)? {
            facts.push(f);
        }
    }
    let doc_node = NamedNode::new(doc.clone()).map_err(|e| WebError::Internal(e.to_string()))?;
    let rights = document_rights(&doc_node, &thing, &facts);
    let last_modified = latest(rights.modified, state.facts().last_write(store)?);

    let variant = Variant {
        representation: Some(representation),
        profile,
        page: asked.page,
        lang: (representation == RdfRepresentation::Html).then_some(asked.lang),
    };
    let (body, content_profile_uri) = if listing {
        let alternates = alternates_graph(&address, &doc_node, &available);
        let body = serialize(
            state,
            representation,
            &alternates,
            &doc_node,
            asked.lang,
            &address,
        )?;
        (body, ALTERNATES_PROFILE)
    } else {
        let body = match representation {
            RdfRepresentation::Html => {
                let paged = asked.page > 1 || description.has_more;
                let n = neighbours(variant, description.has_more);
                let paging = PageLinks {
                    number: if paged { asked.page } else { 0 },
                    first: n.first.map(|v| address.path(v)),
                    prev: n.prev.map(|v| address.path(v)),
                    next: n.next.map(|v| address.path(v)),
                };
                html_page(
                    state,
                    &thing,
                    triples,
                    &description.graphs,
                    &rights,
                    &address,
                    (asked.lang, &paging),
                )?
            }
            RdfRepresentation::Rdf(_) => {
                let mut data: Vec<Triple> = triples.to_vec();
                data.extend(linked_labels(state, &thing, triples, profile)?);
                data.extend(rights.triples.iter().cloned());
                data.extend(paging_triples(&address, variant, description.has_more));
                serialize(
                    state,
                    representation,
                    &data,
                    &doc_node,
                    asked.lang,
                    &address,
                )?
            }
        };
        (body, profile.uri())
    };

    // Headers.
    let content_type = representation.content_type();
    let etag = strong_etag(content_type, &body);
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let mut vary = vec![];
    if negotiated {
        vary.push("Accept");
    }
    vary.push("Accept-Profile");
    if representation == RdfRepresentation::Html {
        vary.push("Accept-Language");
        insert(&mut h, header::CONTENT_LANGUAGE, asked.lang.tag())?;
    }
    vary.push("Accept-Encoding");
    insert(&mut h, header::VARY, &vary.join(", "))?;
    if suffix.is_none() {
        let located = Variant {
            profile: if listing { Profile::Full } else { profile },
            ..variant
        };
        let mut location = address.path(located);
        if listing {
            location.push_str(if location.contains('?') { "&" } else { "?" });
            location.push_str("_profile=alt");
        }
        insert(&mut h, header::CONTENT_LOCATION, &location)?;
    }
    insert(
        &mut h,
        CONTENT_PROFILE,
        &content_profile(content_profile_uri),
    )?;
    // Links to neighbouring pages keep the way this one was addressed.
    let own = Variant {
        representation: suffix.or(asked.format),
        lang: None,
        ..variant
    };
    for link in links(
        &address,
        representation,
        profile,
        &available,
        &rights,
        own,
        description.has_more,
        listing,
    ) {
        h.append(
            header::LINK,
            HeaderValue::from_str(&link).map_err(|e| WebError::Internal(e.to_string()))?,
        );
    }
    insert(&mut h, header::CACHE_CONTROL, DOCUMENT_CACHE_CONTROL)?;
    if let Some(t) = last_modified {
        insert(&mut h, header::LAST_MODIFIED, &http_date(t))?;
    }
    Ok(Answer::Document(Arc::new(Rendered {
        headers: h,
        body: body.into(),
        etag,
        last_modified,
    })))
}

/// The representations whose suffix URL would name another published thing (`a.ttl` when `a`
/// is asked for and `a.ttl` exists too): one index probe per suffix.
fn shadowed(state: &AppState, thing: &NamedNode) -> Result<Vec<RdfRepresentation>, WebError> {
    let mut out = Vec::new();
    for (r, _) in DOCUMENT_OFFERS {
        let other = NamedNode::new_unchecked(format!("{}.{}", thing.as_str(), r.suffix()));
        if state.store().is_described(other.as_ref())? {
            out.push(*r);
        }
    }
    Ok(out)
}

fn latest(a: Option<SystemTime>, b: Option<SystemTime>) -> Option<SystemTime> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The labels of every resource the page links to (not the thing's own hash IRIs, which the
/// page describes), in zh-Hant/zh, English or without a language, under the profile's label
/// properties, so a client can name what it has not fetched yet.
fn linked_labels(
    state: &AppState,
    thing: &NamedNode,
    triples: &[Triple],
    profile: Profile,
) -> Result<Vec<Triple>, WebError> {
    let hash_prefix = format!("{}#", thing.as_str());
    let mut linked: Vec<NamedOrBlankNode> = Vec::new();
    let mut seen: HashSet<&NamedNode> = HashSet::new();
    for t in triples {
        if let Term::NamedNode(n) = &t.object
            && n != thing
            && !n.as_str().starts_with(&hash_prefix)
            && seen.insert(n)
        {
            linked.push(n.clone().into());
        }
    }
    let properties: Vec<_> = profile
        .label_properties()
        .iter()
        .map(|p| oxrdf::NamedNodeRef::new_unchecked(p))
        .collect();
    let found = state
        .store()
        .statements(&linked, &properties, LABELS_PER_RESOURCE)?;
    Ok(found
        .into_iter()
        .filter(|t| match &t.object {
            Term::Literal(l) => l.language().is_none_or(|tag| {
                let tag = tag.to_ascii_lowercase();
                tag.starts_with("zh") || tag == "en" || tag.starts_with("en-")
            }),
            _ => false,
        })
        .collect())
}

fn serialize(
    state: &AppState,
    representation: RdfRepresentation,
    triples: &[Triple],
    doc: &NamedNode,
    lang: Lang,
    address: &DocAddress,
) -> Result<Vec<u8>, WebError> {
    match representation {
        RdfRepresentation::Rdf(format) => {
            let mut writer = crate::formats::rdf_serializer(format).for_writer(Vec::new());
            for triple in triples {
                writer
                    .serialize_triple(triple)
                    .map_err(|e| WebError::Internal(e.to_string()))?;
            }
            writer
                .finish()
                .map_err(|e| WebError::Internal(e.to_string()))
        }
        // The list of alternates as a page: the generic template shows its statements.
        RdfRepresentation::Html => html_page(
            state,
            doc,
            triples,
            &[],
            &DocumentRights::default(),
            address,
            (lang, &PageLinks::default()),
        ),
    }
}

fn html_page(
    state: &AppState,
    thing: &NamedNode,
    triples: &[Triple],
    graphs: &[NamedNode],
    rights: &DocumentRights,
    address: &DocAddress,
    (lang, paging): (Lang, &PageLinks),
) -> Result<Vec<u8>, WebError> {
    let policy = state.policy();
    let mut linked: Vec<NamedNode> = triples
        .iter()
        .filter_map(|t| match &t.object {
            Term::NamedNode(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    linked.push(thing.clone());
    for graph in graphs {
        if let Some(dataset) = policy
            .dataset_of_graph(graph.as_str())
            .and_then(|n| policy.dataset(n).ok())
        {
            linked.push(dataset);
        }
    }
    let labels = state.store().labels(&linked)?;
    let doc_path = address.path(Variant::plain());
    let page = DocumentPage {
        thing,
        triples,
        labels: &labels,
        graphs,
        doc_path: &doc_path,
        lang,
        rights,
        paging,
    };
    render_document(state.templates(), &page, policy)
        .map(String::into_bytes)
        .map_err(|e| WebError::Internal(format!("template: {e}")))
}

/// The Alternate Representations Data Model of one document: every format in every profile
/// available for it, the default marked, profiles with their tokens.
fn alternates_graph(address: &DocAddress, doc: &NamedNode, available: &[Profile]) -> Vec<Triple> {
    let iri = |s: String| NamedNode::new_unchecked(s);
    let altr = |l: &str| iri(format!("{ALTR}{l}"));
    let mut out = vec![Triple::new(
        doc.clone(),
        iri(format!("{RDFS}label")),
        Literal::new_language_tagged_literal_unchecked(
            format!("Representations of {}", doc.as_str()),
            "en",
        ),
    )];
    for profile in available {
        let p = iri(profile.uri().to_owned());
        out.push(Triple::new(
            p.clone(),
            iri(format!("{RDF}type")),
            iri(PROF_PROFILE.to_owned()),
        ));
        out.push(Triple::new(
            p.clone(),
            iri(format!("{PROF}hasToken")),
            Literal::new_simple_literal(profile.token()),
        ));
        out.push(Triple::new(
            p.clone(),
            iri(format!("{RDFS}label")),
            Literal::new_language_tagged_literal_unchecked(profile.label(), "en"),
        ));
        for (representation, _) in DOCUMENT_OFFERS {
            let node = iri(address.iri_of(Variant {
                representation: Some(*representation),
                profile: *profile,
                ..Variant::plain()
            }));
            let default = *profile == Profile::Full && *representation == DOCUMENT_OFFERS[0].0;
            out.push(Triple::new(
                doc.clone(),
                altr(if default {
                    "hasDefaultRepresentation"
                } else {
                    "hasRepresentation"
                }),
                node.clone(),
            ));
            out.push(Triple::new(
                node.clone(),
                iri(format!("{RDF}type")),
                altr("Representation"),
            ));
            out.push(Triple::new(
                node.clone(),
                iri(format!("{DCTERMS}format")),
                Literal::new_simple_literal(representation.media_type()),
            ));
            out.push(Triple::new(
                node,
                iri(format!("{DCTERMS}conformsTo")),
                p.clone(),
            ));
        }
    }
    out
}

/// The `Link` header values of a document answer (RFC 8288): alternates by format and profile
/// (the spec's HTTP "list profiles"), the token of each profile, the profile served, the
/// licences, the neighbouring pages.
#[allow(clippy::too_many_arguments)]
fn links(
    address: &DocAddress,
    representation: RdfRepresentation,
    profile: Profile,
    available: &[Profile],
    rights: &DocumentRights,
    own: Variant,
    has_more: bool,
    listing: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let at = |v: Variant| address.path(v);
    let html = representation == RdfRepresentation::Html;
    // Every format of the served profile (every profile when listing).
    let profiles: Vec<Profile> = if listing {
        available.to_vec()
    } else {
        vec![profile]
    };
    for p in &profiles {
        for (r, _) in DOCUMENT_OFFERS {
            let v = Variant {
                representation: Some(*r),
                profile: *p,
                page: own.page,
                lang: None,
            };
            if *r == RdfRepresentation::Html {
                for lang in [Lang::ZhHant, Lang::En] {
                    out.push(format!(
                        "<{}>; rel=\"alternate\"; type=\"text/html\"; hreflang=\"{}\"; profile=\"{}\"",
                        at(Variant { lang: Some(lang), ..v }),
                        lang.tag(),
                        p.uri()
                    ));
                }
                continue;
            }
            // The default representation is "canonical" in the spec's sense; not on an HTML
            // answer, where search engines would read it as the page's canonical URL.
            let default = *p == Profile::Full && *r == DOCUMENT_OFFERS[0].0 && own.page == 1;
            let rel = if default && !html {
                "canonical"
            } else {
                "alternate"
            };
            out.push(format!(
                "<{}>; rel=\"{rel}\"; type=\"{}\"; profile=\"{}\"",
                at(v),
                r.media_type(),
                p.uri()
            ));
        }
    }
    if !listing {
        // The same format in the other profiles this document has.
        for p in available.iter().filter(|p| **p != profile) {
            out.push(format!(
                "<{}>; rel=\"alternate\"; type=\"{}\"; profile=\"{}\"",
                at(Variant {
                    representation: Some(representation),
                    profile: *p,
                    page: own.page,
                    lang: None
                }),
                representation.media_type(),
                p.uri()
            ));
        }
        out.push(format!(
            "<{}?_profile=alt>; rel=\"alternate\"; profile=\"{ALTERNATES_PROFILE}\"",
            at(Variant::plain())
        ));
        out.push(format!("<{}>; rel=\"profile\"", profile.uri()));
    }
    for p in available {
        out.push(format!(
            "<{PROF_PROFILE}>; rel=\"type\"; token=\"{}\"; anchor=<{}>",
            p.token(),
            p.uri()
        ));
    }
    for licence in &rights.licences {
        out.push(format!("<{}>; rel=\"license\"", licence.as_str()));
    }
    if !listing {
        let n = neighbours(own, has_more);
        for (rel, v) in [("first", n.first), ("prev", n.prev), ("next", n.next)] {
            if let Some(v) = v {
                out.push(format!("<{}>; rel=\"{rel}\"", at(v)));
            }
        }
    }
    out
}

fn header_values<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Vec<&'a str> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect()
}

fn insert(h: &mut HeaderMap, name: HeaderName, value: &str) -> Result<(), WebError> {
    h.insert(
        name,
        HeaderValue::from_str(value).map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(())
}

fn not_acceptable_message(rest: &str) -> String {
    let types: Vec<&str> = DOCUMENT_OFFERS.iter().map(|(_, t)| t[0]).collect();
    let suffixes: Vec<String> = DOCUMENT_OFFERS
        .iter()
        .map(|(r, _)| format!("/doc/{rest}.{}", r.suffix()))
        .collect();
    format!(
        "this document is available as {}; ask with Accept, with ?format=ttl|nt|jsonld|rdf|trig|nq|html, or at {}",
        types.join(", "),
        suffixes.join(" ")
    )
}
