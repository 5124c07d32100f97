//! `/oai`: an OAI-PMH 2.0 data provider over the change log, for the library and archive
//! aggregators that harvest by protocol rather than by crawling.
//!
//! Items are the change log's resources (IRIs under `{base}id/` without `#`, not runs, the
//! datasets' own descriptions included); the OAI identifier is the resource's IRI, which is
//! already a persistent, dereferenceable URI. A record's datestamp is the time of the
//! resource's latest change-log entry, its sets the datasets it is published in (setSpec = the
//! dataset name); a resource live nowhere any more is a deleted record (`deletedRecord`
//! persistent, from the tombstones). Lists follow the log's order, one page at a time
//! ([`jiyi_store::Store::records`]), with stateless resumption tokens ([`token`]). Formats:
//! `oai_dc` ([`dc`]) and `rdf`, the full description as RDF/XML.
//!
//! OAI-PMH errors are answered `200 OK` with `<error code="…">` as the protocol says; only a
//! failure of the store itself is an HTTP error.

mod dc;
mod request;
mod token;
mod xml;

use crate::formats::rdf_serializer;
use crate::{AppState, WebError};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiyi_store::model::{NamedNode, Term};
use jiyi_store::{MAX_DESCRIPTION_TRIPLES, RecordHeader, RecordWindow};
use oxrdfio::RdfFormat;
use request::{Arguments, ListArguments, Selection, Verb};
use std::collections::BTreeSet;
use token::ResumptionToken;
use xml::XmlText;

/// Settings of the OAI-PMH provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaiSettings {
    /// `adminEmail` of Identify; `None` gives `webmaster@{host of the base}`, a placeholder a
    /// publisher should replace (`jiyi serve --admin-email`).
    pub admin_email: Option<String>,
    /// Records (or headers) per list response; the rest follows with a resumption token.
    pub page_size: usize,
}

impl Default for OaiSettings {
    fn default() -> Self {
        Self {
            admin_email: None,
            page_size: 100,
        }
    }
}

const OAI_NS: &str = "http://www.openarchives.org/OAI/2.0/";
const DATESTAMP_FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";

/// A metadata format the repository disseminates.
struct Format {
    prefix: &'static str,
    schema: &'static str,
    namespace: &'static str,
}

const FORMATS: &[Format] = &[
    Format {
        prefix: "oai_dc",
        schema: "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        namespace: "http://www.openarchives.org/OAI/2.0/oai_dc/",
    },
    Format {
        // No W3C schema exists for RDF/XML; this is the location DSpace and others advertise.
        prefix: "rdf",
        schema: "http://www.openarchives.org/OAI/2.0/rdf.xsd",
        namespace: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    },
];

fn known_format(prefix: &str) -> bool {
    FORMATS.iter().any(|f| f.prefix == prefix)
}

/// An OAI-PMH error condition (protocol §3.6): part of a normal answer, not a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OaiError {
    /// Illegal, missing, repeated or malformed arguments.
    BadArgument(String),
    /// The resumption token is invalid or expired.
    BadResumptionToken(String),
    /// Missing, repeated or unknown verb.
    BadVerb(String),
    /// The format is not disseminated (for this item).
    CannotDisseminateFormat(String),
    /// No such item.
    IdDoesNotExist(String),
    /// The item has no format (a deleted item).
    NoMetadataFormats(String),
    /// The selection is empty.
    NoRecordsMatch(String),
    /// The repository has no sets.
    NoSetHierarchy(String),
}

impl OaiError {
    fn code(&self) -> &'static str {
        match self {
            Self::BadArgument(_) => "badArgument",
            Self::BadResumptionToken(_) => "badResumptionToken",
            Self::BadVerb(_) => "badVerb",
            Self::CannotDisseminateFormat(_) => "cannotDisseminateFormat",
            Self::IdDoesNotExist(_) => "idDoesNotExist",
            Self::NoMetadataFormats(_) => "noMetadataFormats",
            Self::NoRecordsMatch(_) => "noRecordsMatch",
            Self::NoSetHierarchy(_) => "noSetHierarchy",
        }
    }

    fn message(&self) -> &str {
        match self {
            Self::BadArgument(m)
            | Self::BadResumptionToken(m)
            | Self::BadVerb(m)
            | Self::CannotDisseminateFormat(m)
            | Self::IdDoesNotExist(m)
            | Self::NoMetadataFormats(m)
            | Self::NoRecordsMatch(m)
            | Self::NoSetHierarchy(m) => m,
        }
    }

    /// After these the `request` element carries no attributes (§3.2.1).
    fn rejects_request(&self) -> bool {
        matches!(self, Self::BadArgument(_) | Self::BadVerb(_))
    }
}

/// `GET /oai?verb=…`.
pub async fn get(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let args = request::arguments(query.unwrap_or_default().as_bytes());
    answer(state, args).await
}

/// `POST /oai` with a form-encoded body.
pub async fn post(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form {
        return WebError::UnsupportedMediaType(
            "OAI-PMH requests by POST are application/x-www-form-urlencoded".into(),
        )
        .respond(&headers);
    }
    answer(state, request::arguments(&body)).await
}

async fn answer(state: AppState, args: Arguments) -> Response {
    let result = tokio::task::spawn_blocking(move || respond(&state, &args)).await;
    match result {
        Ok(Ok(xml)) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/xml; charset=UTF-8")],
            xml,
        )
            .into_response(),
        Ok(Err(e)) => e.into_response(),
        Err(e) => WebError::Internal(format!("the OAI-PMH worker failed: {e}")).into_response(),
    }
}

/// The whole response document for one request.
fn respond(state: &AppState, args: &Arguments) -> Result<String, WebError> {
    let base_url = format!("{}oai", state.policy().base());
    let outcome = match request::parse(args) {
        Ok(verb) => verb_answer(state, &verb)?,
        Err(e) => Err(e),
    };
    let mut xml = XmlText::document();
    xml.open(
        "OAI-PMH",
        &[
            ("xmlns", OAI_NS),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd",
            ),
        ],
    );
    xml.element(
        "responseDate",
        &[],
        &jiff::Timestamp::now()
            .strftime(DATESTAMP_FORMAT)
            .to_string(),
    );
    let echo = !matches!(&outcome, Err(e) if e.rejects_request());
    let attributes: Vec<(&str, &str)> = if echo {
        args.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
    } else {
        Vec::new()
    };
    xml.element("request", &attributes, &base_url);
    match outcome {
        Ok(body) => xml.raw(&body),
        Err(e) => xml.element("error", &[("code", e.code())], e.message()),
    }
    xml.close("OAI-PMH");
    Ok(xml.finish())
}

/// The verb's element, or the OAI-PMH error it ends in; `Err` outside only when the store fails.
fn verb_answer(state: &AppState, verb: &Verb) -> Result<Result<String, OaiError>, WebError> {
    match verb {
        Verb::Identify => identify(state).map(Ok),
        Verb::ListMetadataFormats { identifier } => {
            list_metadata_formats(state, identifier.as_deref())
        }
        Verb::ListSets { resumption_token } => list_sets(state, resumption_token.as_deref()),
        Verb::GetRecord {
            identifier,
            metadata_prefix,
        } => get_record(state, identifier, metadata_prefix),
        Verb::List {
            headers_only,
            selection,
        } => list(state, *headers_only, selection),
    }
}

fn datestamp(t: jiff::Timestamp) -> String {
    t.strftime(DATESTAMP_FORMAT).to_string()
}

fn identify(state: &AppState) -> Result<String, WebError> {
    let store = state.store();
    let base = state.policy().base();
    let host = base
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .unwrap_or("localhost");
    let settings = &state.config().oai;
    let admin = settings
        .admin_email
        .clone()
        .unwrap_or_else(|| format!("webmaster@{host}"));
    let earliest = store
        .first_change_time()?
        .unwrap_or_else(jiff::Timestamp::now);
    let mut xml = XmlText::default();
    xml.open("Identify", &[]);
    xml.element("repositoryName", &[], &format!("Jiyi 記憶 — {host}"));
    xml.element("baseURL", &[], &format!("{base}oai"));
    xml.element("protocolVersion", &[], "2.0");
    xml.element("adminEmail", &[], &admin);
    xml.element("earliestDatestamp", &[], &datestamp(earliest));
    xml.element("deletedRecord", &[], "persistent");
    xml.element("granularity", &[], "YYYY-MM-DDThh:mm:ssZ");
    xml.close("Identify");
    Ok(xml.finish())
}

/// The record of an OAI identifier: the IRI as given, or its URI spelling turned into the
/// stored IRI form.
fn find_record(
    state: &AppState,
    identifier: &str,
) -> Result<Result<RecordHeader, OaiError>, WebError> {
    let store = state.store();
    let things = state.policy().things_prefix();
    let mut spellings = vec![identifier.to_owned()];
    let iri_form = jiyi_model::iri::uri_to_iri(identifier);
    if iri_form != identifier {
        spellings.push(iri_form);
    }
    for spelling in spellings {
        if !spelling.starts_with(&things) {
            continue;
        }
        if let Ok(thing) = NamedNode::new(&spelling)
            && let Some(record) = store.record_of(thing.as_ref())?
        {
            return Ok(Ok(record));
        }
    }
    Ok(Err(OaiError::IdDoesNotExist(format!(
        "{identifier:?} is not an item of this repository (items are the IRIs of published things, {things}…)"
    ))))
}

fn list_metadata_formats(
    state: &AppState,
    identifier: Option<&str>,
) -> Result<Result<String, OaiError>, WebError> {
    if let Some(identifier) = identifier {
        match find_record(state, identifier)? {
            Err(e) => return Ok(Err(e)),
            Ok(record) if record.deleted => {
                return Ok(Err(OaiError::NoMetadataFormats(format!(
                    "{identifier} is deleted: only its header remains"
                ))));
            }
            Ok(_) => {}
        }
    }
    let mut xml = XmlText::default();
    xml.open("ListMetadataFormats", &[]);
    for f in FORMATS {
        xml.open("metadataFormat", &[]);
        xml.element("metadataPrefix", &[], f.prefix);
        xml.element("schema", &[], f.schema);
        xml.element("metadataNamespace", &[], f.namespace);
        xml.close("metadataFormat");
    }
    xml.close("ListMetadataFormats");
    Ok(Ok(xml.finish()))
}

/// The datasets, as sets: (name, title).
fn sets(state: &AppState) -> Result<Vec<(String, String)>, WebError> {
    let store = state.store();
    let policy = state.policy();
    let names: BTreeSet<String> = store
        .published_graphs()?
        .iter()
        .filter_map(|g| policy.dataset_of_graph(g.as_str()).map(str::to_owned))
        .collect();
    let mut out = Vec::new();
    for name in names {
        let dataset = policy
            .dataset(&name)
            .map_err(|e| WebError::Internal(e.to_string()))?;
        let labels = store.labels([&dataset])?;
        let title = labels
            .get(&dataset)
            .and_then(|l| l.first())
            .map_or_else(|| name.clone(), |l| l.value().to_owned());
        out.push((name, title));
    }
    Ok(out)
}

fn list_sets(state: &AppState, token: Option<&str>) -> Result<Result<String, OaiError>, WebError> {
    if let Some(token) = token {
        return Ok(Err(OaiError::BadResumptionToken(format!(
            "{token:?}: the list of sets is always complete in one response, so it has no resumption tokens"
        ))));
    }
    let sets = sets(state)?;
    if sets.is_empty() {
        return Ok(Err(OaiError::NoSetHierarchy(
            "nothing is published yet, so there are no sets (one set per dataset)".into(),
        )));
    }
    let mut xml = XmlText::default();
    xml.open("ListSets", &[]);
    for (name, title) in sets {
        xml.open("set", &[]);
        xml.element("setSpec", &[], &name);
        xml.element("setName", &[], &title);
        xml.close("set");
    }
    xml.close("ListSets");
    Ok(Ok(xml.finish()))
}

fn get_record(
    state: &AppState,
    identifier: &str,
    prefix: &str,
) -> Result<Result<String, OaiError>, WebError> {
    let record = match find_record(state, identifier)? {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    if !known_format(prefix) {
        return Ok(Err(cannot_disseminate(prefix)));
    }
    let mut xml = XmlText::default();
    xml.open("GetRecord", &[]);
    write_record(state, &mut xml, &record, prefix)?;
    xml.close("GetRecord");
    Ok(Ok(xml.finish()))
}

fn cannot_disseminate(prefix: &str) -> OaiError {
    OaiError::CannotDisseminateFormat(format!(
        "{prefix:?} is not a format of this repository; ListMetadataFormats lists oai_dc and rdf"
    ))
}

fn list(
    state: &AppState,
    headers_only: bool,
    selection: &Selection,
) -> Result<Result<String, OaiError>, WebError> {
    let store = state.store();
    let (arguments, after, cursor, resumed) = match selection {
        Selection::New(arguments) => {
            if !known_format(&arguments.metadata_prefix) {
                return Ok(Err(cannot_disseminate(&arguments.metadata_prefix)));
            }
            if arguments.set.is_some() && sets(state)?.is_empty() {
                return Ok(Err(OaiError::NoSetHierarchy(
                    "nothing is published yet, so there are no sets".into(),
                )));
            }
            (arguments.clone(), 0, 0, false)
        }
        Selection::Resume(text) => {
            let token = match ResumptionToken::decode(text) {
                Ok(t) => t,
                Err(e) => return Ok(Err(e)),
            };
            if !known_format(&token.metadata_prefix) || token.after > store.last_sequence()? {
                return Ok(Err(OaiError::BadResumptionToken(format!(
                    "{text:?} does not fit this repository's log (was the store rebuilt?); start the harvest again"
                ))));
            }
            (
                ListArguments::from_token(&token),
                token.after,
                token.cursor,
                true,
            )
        }
    };
    let window = RecordWindow {
        from: arguments.from,
        until: arguments.until,
        dataset: arguments.set.clone(),
    };
    let page_size = state.config().oai.page_size.max(1);
    let page = store.records(&window, after, page_size)?;
    if page.records.is_empty() {
        return Ok(Err(OaiError::NoRecordsMatch(
            "no record matches these dates and set".into(),
        )));
    }
    let element = if headers_only {
        "ListIdentifiers"
    } else {
        "ListRecords"
    };
    let mut xml = XmlText::default();
    xml.open(element, &[]);
    for record in &page.records {
        if headers_only {
            write_header(&mut xml, record);
        } else {
            write_record(state, &mut xml, record, &arguments.metadata_prefix)?;
        }
    }
    let cursor_text = cursor.to_string();
    match page.continue_after {
        Some(last) => {
            let next = ResumptionToken::new(&arguments, last, cursor + page.records.len() as u64);
            xml.element(
                "resumptionToken",
                &[("cursor", &cursor_text)],
                &next.encode(),
            );
        }
        // The last part of a list sent in parts ends with an empty token.
        None if resumed => xml.element("resumptionToken", &[("cursor", &cursor_text)], ""),
        None => {}
    }
    xml.close(element);
    Ok(Ok(xml.finish()))
}

fn write_header(xml: &mut XmlText, record: &RecordHeader) {
    if record.deleted {
        xml.open("header", &[("status", "deleted")]);
    } else {
        xml.open("header", &[]);
    }
    xml.element("identifier", &[], record.thing.as_str());
    xml.element("datestamp", &[], &datestamp(record.datestamp));
    for set in &record.datasets {
        xml.element("setSpec", &[], set);
    }
    xml.close("header");
}

fn write_record(
    state: &AppState,
    xml: &mut XmlText,
    record: &RecordHeader,
    prefix: &str,
) -> Result<(), WebError> {
    xml.open("record", &[]);
    write_header(xml, record);
    if !record.deleted {
        let store = state.store();
        // Page by page, so a description beyond `describe`'s bound is still disseminated
        // (`rdf`: every page; `oai_dc`: the first, where the thing's own statements are)
        // rather than failing the whole list page.
        let description = store
            .describe_page(record.thing.as_ref(), 0, MAX_DESCRIPTION_TRIPLES)?
            .unwrap_or_default();
        xml.open("metadata", &[]);
        if prefix == "oai_dc" {
            let policy = state.policy();
            let mut datasets = Vec::new();
            let mut licences: Vec<Term> = Vec::new();
            for graph in &description.graphs {
                if let Some(name) = policy.dataset_of_graph(graph.as_str())
                    && let Ok(dataset) = policy.dataset(name)
                {
                    datasets.push(dataset);
                    if let Some(facts) = state.facts().facts(store, policy, graph)? {
                        licences.extend(facts.licences.iter().cloned());
                    }
                }
            }
            // Names only for the values Dublin Core shows as names.
            let iris: Vec<NamedNode> = description
                .triples
                .iter()
                .filter(|t| dc::names_its_object(t.predicate.as_str()))
                .filter_map(|t| match &t.object {
                    Term::NamedNode(n) => Some(n.clone()),
                    _ => None,
                })
                .collect();
            let labels = store.labels(&iris)?;
            let dc = dc::record(
                &record.thing,
                &description.triples,
                &labels,
                &datasets,
                &licences,
            );
            dc::write(xml, &dc);
        } else {
            let mut serializer = rdf_serializer(RdfFormat::RdfXml).for_writer(Vec::new());
            let mut page = description;
            let mut number = 0;
            loop {
                for triple in &page.triples {
                    serializer.serialize_triple(triple).map_err(|e| {
                        WebError::Internal(format!("RDF/XML of {}: {e}", record.thing))
                    })?;
                }
                if !page.has_more {
                    break;
                }
                number += 1;
                page = store
                    .describe_page(record.thing.as_ref(), number, MAX_DESCRIPTION_TRIPLES)?
                    .unwrap_or_default();
            }
            let bytes = serializer
                .finish()
                .map_err(|e| WebError::Internal(format!("RDF/XML of {}: {e}", record.thing)))?;
            let text = String::from_utf8_lossy(&bytes);
            let body = match text.trim_start().strip_prefix("<?xml") {
                Some(rest) => rest.split_once("?>").map_or("", |(_, r)| r),
                None => &text,
            };
            xml.raw(body.trim());
        }
        xml.close("metadata");
    }
    xml.close("record");
    Ok(())
}
