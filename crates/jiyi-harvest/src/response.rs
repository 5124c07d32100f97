//! Reading one OAI-PMH response (a page of `ListRecords`, or `Identify`) with quick-xml.
//! A page is parsed whole before any of it is applied, so a malformed page changes nothing.
//! Each `<record>` is kept as the provider sent it, made self-contained by declaring on it the
//! namespaces it inherited, so a mapping can read it as a document of its own.

use crate::error::OaiErrorElement;
use quick_xml::NsReader;
use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

/// The OAI-PMH 2.0 namespace.
pub const OAI_NS: &str = "http://www.openarchives.org/OAI/2.0/";

/// One harvested record: header facts and the record element as XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HarvestedRecord {
    /// The OAI identifier (the key of the record set and of the mapping's IRIs).
    pub identifier: String,
    /// The datestamp, as sent (`YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ssZ`).
    pub datestamp: String,
    /// `status="deleted"` on the header.
    pub deleted: bool,
    /// The `<record>` element with the namespace declarations it inherited.
    pub xml: String,
}

/// A record whose header cannot be used (no identifier, a bad datestamp, …): reported as a
/// reject, the rest of the page is still applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderProblem {
    /// 1-based position of the record in its page.
    pub index: usize,
    /// The identifier, when the header had one.
    pub identifier: Option<String>,
    /// The element at fault (`header/identifier`, `header/datestamp`, `metadata`).
    pub field: &'static str,
    /// What is wrong.
    pub reason: String,
}

/// A `resumptionToken` element with a non-empty token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumptionToken {
    /// The token to send back.
    pub token: String,
    /// `completeListSize`, when given.
    pub complete_list_size: Option<u64>,
}

/// One page of `ListRecords`.
#[derive(Debug, Clone, Default)]
pub struct ListPage {
    /// `responseDate`.
    pub response_date: Option<String>,
    /// Usable records, in document order.
    pub records: Vec<HarvestedRecord>,
    /// Records that could not be used.
    pub problems: Vec<HeaderProblem>,
    /// The token for the next page; `None` ends the list.
    pub resumption_token: Option<ResumptionToken>,
}

/// Datestamp granularity a repository supports (`Identify`), which `from` must use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    /// `YYYY-MM-DD`.
    Day,
    /// `YYYY-MM-DDThh:mm:ssZ`.
    Second,
}

impl Granularity {
    /// Parses `granularity` as the protocol writes it.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "YYYY-MM-DD" => Some(Self::Day),
            "YYYY-MM-DDThh:mm:ssZ" => Some(Self::Second),
            _ => None,
        }
    }

    /// As the protocol writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "YYYY-MM-DD",
            Self::Second => "YYYY-MM-DDThh:mm:ssZ",
        }
    }

    /// `datestamp` cut to this granularity, for `from` (a day-granular `from` repeats that
    /// day: harmless, re-harvested records are idempotent).
    pub fn from_value(self, datestamp: &str) -> String {
        match self {
            Self::Day => datestamp.get(..10).unwrap_or(datestamp).to_owned(),
            Self::Second if datestamp.len() == 10 => format!("{datestamp}T00:00:00Z"),
            Self::Second => datestamp.to_owned(),
        }
    }
}

/// What `Identify` says that a harvester needs.
#[derive(Debug, Clone)]
pub struct Identify {
    /// `repositoryName`.
    pub repository_name: String,
    /// `granularity`.
    pub granularity: Granularity,
    /// `deletedRecord` (`no`, `transient`, `persistent`).
    pub deleted_record: String,
}

/// A response: its payload, or the OAI-PMH error elements it carried instead.
#[derive(Debug)]
pub enum Parsed<T> {
    /// The verb's answer.
    Answer(T),
    /// `<error>` elements.
    Errors(Vec<OaiErrorElement>),
}

/// Whether `text` is a datestamp of either granularity (UTC, as the protocol requires).
pub fn is_datestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let day = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10);
    match b.len() {
        10 => day,
        20 => {
            day && b[10] == b'T'
                && digits(11..13)
                && b[13] == b':'
                && digits(14..16)
                && b[16] == b':'
                && digits(17..19)
                && b[19] == b'Z'
        }
        _ => false,
    }
}

struct Frame {
    local: String,
    /// `xmlns` / `xmlns:p` declarations on this element: (attribute name, value).
    declarations: Vec<(String, String)>,
}

/// The record being read.
#[derive(Default)]
struct OpenRecord {
    start: usize,
    start_tag_declarations: Vec<String>,
    inherited: Vec<(String, String)>,
    identifier: Option<String>,
    datestamp: Option<String>,
    deleted: bool,
    has_header: bool,
    has_metadata: bool,
}

/// Parses a `ListRecords` response.
pub fn parse_list_records(text: &str) -> Result<Parsed<ListPage>, String> {
    let mut page = ListPage::default();
    let mut record: Option<OpenRecord> = None;
    let mut index = 0;
    let errors = walk(text, "ListRecords", |event| {
        match event {
            Walk::Start {
                path,
                position,
                start,
                frames,
            } => match path {
                ["OAI-PMH", "ListRecords", "record"] => {
                    index += 1;
                    let mut inherited: Vec<(String, String)> = Vec::new();
                    for frame in &frames[..frames.len() - 1] {
                        for (k, v) in &frame.declarations {
                            inherited.retain(|(k2, _)| k2 != k);
                            inherited.push((k.clone(), v.clone()));
                        }
                    }
                    let own = frames
                        .last()
                        .map(|f| f.declarations.iter().map(|(k, _)| k.clone()).collect())
                        .unwrap_or_default();
                    record = Some(OpenRecord {
                        start: position,
                        start_tag_declarations: own,
                        inherited,
                        ..OpenRecord::default()
                    });
                }
                ["OAI-PMH", "ListRecords", "record", "header"] => {
                    if let Some(r) = record.as_mut() {
                        r.has_header = true;
                        r.deleted = attribute(start, "status").as_deref() == Some("deleted");
                    }
                }
                ["OAI-PMH", "ListRecords", "record", "metadata"] => {
                    if let Some(r) = record.as_mut() {
                        r.has_metadata = true;
                    }
                }
                ["OAI-PMH", "ListRecords", "resumptionToken"] => {
                    page.resumption_token = Some(ResumptionToken {
                        token: String::new(),
                        complete_list_size: attribute(start, "completeListSize")
                            .and_then(|s| s.trim().parse().ok()),
                    });
                }
                _ => {}
            },
            Walk::Text { path, text } => match path {
                ["OAI-PMH", "responseDate"] => page.response_date = Some(text.trim().to_owned()),
                ["OAI-PMH", "ListRecords", "record", "header", "identifier"] => {
                    if let Some(r) = record.as_mut() {
                        r.identifier = Some(text.trim().to_owned());
                    }
                }
                ["OAI-PMH", "ListRecords", "record", "header", "datestamp"] => {
                    if let Some(r) = record.as_mut() {
                        r.datestamp = Some(text.trim().to_owned());
                    }
                }
                ["OAI-PMH", "ListRecords", "resumptionToken"] => {
                    if let Some(t) = page.resumption_token.as_mut() {
                        t.token = text.trim().to_owned();
                    }
                }
                _ => {}
            },
            Walk::End { path, position, .. } => {
                if path == ["OAI-PMH", "ListRecords", "record"]
                    && let Some(r) = record.take()
                {
                    finish_record(text, r, position, index, &mut page);
                }
            }
        }
        Ok(())
    })?;
    if let Some(errors) = errors {
        return Ok(Parsed::Errors(errors));
    }
    if page
        .resumption_token
        .as_ref()
        .is_some_and(|t| t.token.is_empty())
    {
        page.resumption_token = None;
    }
    Ok(Parsed::Answer(page))
}

fn finish_record(text: &str, r: OpenRecord, end: usize, index: usize, page: &mut ListPage) {
    let problem = |field, reason: &str| HeaderProblem {
        index,
        identifier: r.identifier.clone().filter(|i| !i.is_empty()),
        field,
        reason: reason.to_owned(),
    };
    let identifier = match r.identifier.as_deref() {
        _ if !r.has_header => {
            page.problems
                .push(problem("header", "the record has no <header>"));
            return;
        }
        None | Some("") => {
            page.problems
                .push(problem("header/identifier", "the header has no identifier"));
            return;
        }
        Some(id) => id.to_owned(),
    };
    let datestamp = match r.datestamp.as_deref() {
        None | Some("") => {
            page.problems
                .push(problem("header/datestamp", "the header has no datestamp"));
            return;
        }
        Some(d) if !is_datestamp(d) => {
            page.problems.push(problem(
                "header/datestamp",
                &format!("{d:?} is not a UTC datestamp (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)"),
            ));
            return;
        }
        Some(d) => d.to_owned(),
    };
    if !r.deleted && !r.has_metadata {
        page.problems.push(problem(
            "metadata",
            "the record is not deleted but has no <metadata>",
        ));
        return;
    }
    // Both ends are at '<' / after '>' (ASCII), so this slice cannot split a character;
    // checked anyway rather than trusted.
    let Some(raw) = text.get(r.start..end).filter(|raw| raw.starts_with('<')) else {
        page.problems.push(problem(
            "record",
            "the record element could not be cut out of the page",
        ));
        return;
    };
    let name_end = raw[1..]
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .map_or(raw.len(), |i| i + 1);
    let mut xml = String::with_capacity(raw.len() + 200);
    xml.push_str(&raw[..name_end]);
    for (key, value) in &r.inherited {
        if !r.start_tag_declarations.contains(key) {
            xml.push(' ');
            xml.push_str(key);
            xml.push_str("=\"");
            xml.push_str(&escape(value.as_str()));
            xml.push('"');
        }
    }
    xml.push_str(&raw[name_end..]);
    page.records.push(HarvestedRecord {
        identifier,
        datestamp,
        deleted: r.deleted,
        xml,
    });
}

/// Parses an `Identify` response.
pub fn parse_identify(text: &str) -> Result<Parsed<Identify>, String> {
    let mut name = String::new();
    let mut granularity = None;
    let mut deleted_record = String::new();
    let errors = walk(text, "Identify", |event| {
        if let Walk::Text { path, text } = event {
            match path {
                ["OAI-PMH", "Identify", "repositoryName"] => name = text.trim().to_owned(),
                ["OAI-PMH", "Identify", "granularity"] => {
                    granularity = Some(Granularity::parse(&text).ok_or_else(|| {
                        format!("Identify: granularity {:?} is neither YYYY-MM-DD nor YYYY-MM-DDThh:mm:ssZ", text.trim())
                    })?);
                }
                ["OAI-PMH", "Identify", "deletedRecord"] => deleted_record = text.trim().to_owned(),
                _ => {}
            }
        }
        Ok(())
    })?;
    if let Some(errors) = errors {
        return Ok(Parsed::Errors(errors));
    }
    Ok(Parsed::Answer(Identify {
        repository_name: name,
        granularity: granularity.ok_or("Identify has no <granularity>")?,
        deleted_record,
    }))
}

enum Walk<'p, 'e> {
    Start {
        path: &'p [&'p str],
        position: usize,
        start: &'e BytesStart<'e>,
        frames: &'p [Frame],
    },
    Text {
        path: &'p [&'p str],
        text: String,
    },
    End {
        path: &'p [&'p str],
        position: usize,
    },
}

/// Walks a response: checks the root is OAI-PMH 2.0's and that the verb's element (or
/// `<error>`s) is there, and calls `visit` with element starts, their whole text and ends.
/// Returns the `<error>` elements when there are any.
fn walk(
    text: &str,
    verb: &str,
    mut visit: impl FnMut(Walk<'_, '_>) -> Result<(), String>,
) -> Result<Option<Vec<OaiErrorElement>>, String> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut frames: Vec<Frame> = Vec::new();
    let mut text_buffer = String::new();
    let mut errors = Vec::new();
    let mut error_code: Option<String> = None;
    let mut saw_root = false;
    let mut saw_verb = false;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let (ns, event) = match reader.read_resolved_event() {
            Ok(resolved) => resolved,
            Err(e) => {
                let at = reader.error_position();
                return Err(format!("not well-formed XML at byte {at}: {e}"));
            }
        };
        let in_oai = matches!(ns, ResolveResult::Bound(n) if n.as_ref() == OAI_NS.as_bytes());
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let is_empty = matches!(event, Event::Empty(_));
                let local = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                if frames.is_empty() {
                    if saw_root {
                        return Err("more than one root element".into());
                    }
                    if local != "OAI-PMH" || !in_oai {
                        return Err(format!(
                            "the root element is <{}>, not OAI-PMH 2.0's <OAI-PMH xmlns=\"{OAI_NS}\">",
                            String::from_utf8_lossy(start.name().as_ref())
                        ));
                    }
                    saw_root = true;
                }
                let mut declarations = Vec::new();
                for attribute in start.attributes().with_checks(true) {
                    let attribute =
                        attribute.map_err(|e| format!("bad attribute at byte {before}: {e}"))?;
                    let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
                    if key == "xmlns" || key.starts_with("xmlns:") {
                        let value = attribute
                            .unescape_value()
                            .map_err(|e| format!("bad attribute at byte {before}: {e}"))?;
                        declarations.push((key, value.into_owned()));
                    }
                }
                frames.push(Frame {
                    local,
                    declarations,
                });
                let path: Vec<&str> = frames.iter().map(|f| f.local.as_str()).collect();
                let position = before + text[before..].find('<').unwrap_or(0);
                if path.len() == 2 && path[1] == verb {
                    saw_verb = true;
                }
                if path == ["OAI-PMH", "error"] {
                    error_code = Some(attribute(start, "code").unwrap_or_default());
                }
                text_buffer.clear();
                visit(Walk::Start {
                    path: &path,
                    position,
                    start,
                    frames: &frames,
                })?;
                if is_empty {
                    let end = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
                    if path == ["OAI-PMH", "error"] {
                        errors.push(OaiErrorElement {
                            code: error_code.take().unwrap_or_default(),
                            message: String::new(),
                        });
                    }
                    visit(Walk::End {
                        path: &path,
                        position: end,
                    })?;
                    frames.pop();
                }
            }
            Event::Text(t) => {
                let t = t
                    .unescape()
                    .map_err(|e| format!("bad text at byte {before}: {e}"))?;
                text_buffer.push_str(&t);
            }
            Event::CData(t) => text_buffer.push_str(&String::from_utf8_lossy(&t)),
            Event::End(_) => {
                let path: Vec<&str> = frames.iter().map(|f| f.local.as_str()).collect();
                let end = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
                let collected = std::mem::take(&mut text_buffer);
                if path == ["OAI-PMH", "error"] {
                    errors.push(OaiErrorElement {
                        code: error_code.take().unwrap_or_default(),
                        message: collected.trim().to_owned(),
                    });
                }
                if !collected.trim().is_empty() {
                    visit(Walk::Text {
                        path: &path,
                        text: collected,
                    })?;
                }
                text_buffer.clear();
                visit(Walk::End {
                    path: &path,
                    position: end,
                })?;
                frames.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        let start: String = text.chars().take(60).collect();
        return Err(format!(
            "no XML element in the response (it starts {start:?})"
        ));
    }
    if !frames.is_empty() {
        return Err("the document ends before its root element is closed".into());
    }
    if !errors.is_empty() {
        return Ok(Some(errors));
    }
    if !saw_verb {
        return Err(format!("no <{verb}> element and no <error>"));
    }
    Ok(None)
}

fn attribute(start: &BytesStart<'_>, name: &str) -> Option<String> {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name.as_bytes() && a.key.prefix().is_none())
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_keeps_the_namespaces_it_inherited() {
        let page = r#"<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <responseDate>2026-01-01T00:00:00Z</responseDate>
  <ListRecords>
    <record><header><identifier>oai:x:1</identifier><datestamp>2026-01-01</datestamp></header>
      <metadata><dc:title>A &amp; B</dc:title></metadata></record>
    <record><header status="deleted"><identifier>oai:x:2</identifier><datestamp>2026-01-02T00:00:00Z</datestamp></header></record>
    <record><header><identifier>oai:x:3</identifier><datestamp>yesterday</datestamp></header><metadata/></record>
    <resumptionToken completeListSize="9">t2</resumptionToken>
  </ListRecords>
</OAI-PMH>"#;
        let Ok(Parsed::Answer(page)) = parse_list_records(page) else {
            panic!("not a page")
        };
        assert_eq!(page.records.len(), 2);
        let first = &page.records[0];
        assert_eq!(
            (first.identifier.as_str(), first.deleted),
            ("oai:x:1", false)
        );
        assert!(first.xml.starts_with(
            r#"<record xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">"#
        ), "{}", first.xml);
        assert!(first.xml.ends_with("</record>") && first.xml.contains("A &amp; B"));
        assert!(page.records[1].deleted);
        assert_eq!(page.problems.len(), 1);
        assert_eq!(
            (page.problems[0].index, page.problems[0].field),
            (3, "header/datestamp")
        );
        let token = page.resumption_token.expect("token");
        assert_eq!(
            (token.token.as_str(), token.complete_list_size),
            ("t2", Some(9))
        );
    }

    #[test]
    fn errors_and_malformed_responses_are_told_apart() {
        let errors = r#"<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="badVerb">no such verb</error></OAI-PMH>"#;
        let Ok(Parsed::Errors(e)) = parse_list_records(errors) else {
            panic!("errors expected")
        };
        assert_eq!(e[0].to_string(), "badVerb: no such verb");
        for (text, needle) in [
            ("broken xml", "no XML element"),
            (
                "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\"><ListRecords>",
                "ends before",
            ),
            ("<html/>", "root element is <html>"),
            (
                "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\"><ListRecords></Other></OAI-PMH>",
                "not well-formed",
            ),
        ] {
            let problem = parse_list_records(text).expect_err(text);
            assert!(problem.contains(needle), "{text}: {problem}");
        }
    }

    #[test]
    fn granularity_cuts_from() {
        assert_eq!(
            Granularity::Day.from_value("2011-07-18T16:31:00Z"),
            "2011-07-18"
        );
        assert_eq!(
            Granularity::Second.from_value("2011-07-18"),
            "2011-07-18T00:00:00Z"
        );
        assert!(is_datestamp("2011-07-18T16:31:00Z") && !is_datestamp("2011-07-18T16:31:00+08:00"));
    }
}
