//! Functions for catalogue (DCAT) mappings, registered with `jiyi-rml`'s function extension
//! point: the checks and vocabulary lookups that turn a portal's dataset metadata — first
//! data.gov.tw's — into DCAT 3 with IRIs from the authority tables DCAT-AP uses.
//!
//! | function | parameters | returns |
//! |---|---|---|
//! | `jiyi:present` | `jiyi:requiredValue` (optional), `jiyi:fieldName` | `true`; an error (a reject naming the field) when the value is missing or blank — for `rml:condition`, since RML has no required fields and a null subject silently maps to nothing |
//! | `jiyi:frequency` | `jiyi:frequencyText` | the EU frequency IRI for a data.gov.tw 更新頻率 (每年 → `…/frequency/ANNUAL`) |
//! | `jiyi:licence` | `jiyi:licenceText` | the licence IRI for a data.gov.tw 授權方式 (政府資料開放授權條款-第1版 → `https://data.gov.tw/license`) |
//! | `jiyi:fileType` | `jiyi:fileTypeText` | the EU file-type IRI for a 檔案格式 (CSV → `…/file-type/CSV`); null for 其他, API, WEBSERVICES |
//! | `jiyi:mediaType` | `jiyi:fileTypeText` | the IANA media-type IRI for the same (CSV → `…/media-types/text/csv`); null when none fits |
//! | `jiyi:webUrl` | `jiyi:urlText` | an absolute `http(s)` IRI, after the repairs listed at [`web_url`]; an error otherwise |
//! | `jiyi:localDateTime` | `jiyi:dateTimeText`, `jiyi:utcOffset` (optional, default `+08:00`) | `xsd:dateTime` from `2017/06/01 08:00` |
//! | `jiyi:portalCount` | `jiyi:countText`, `jiyi:countLabel` | `xsd:integer` N from a portal statistics line `瀏覽次數: N 下載次數: N 意見數: N`; null for any other text |
//!
//! Unknown frequencies and licences are errors, not silent gaps: a dataset whose licence
//! cannot be named by an IRI is not published (its reject says which value to add here),
//! because a catalogue entry without a usable licence is exactly what a harvester must not
//! get. File types are descriptive only, so an unknown one gives no triple.

use jiyi_model::vocab::{JIYI, XSD};
use jiyi_rml::{FunctionDefinition, FunctionRegistry};
use oxrdf::{Literal, NamedNode};

/// The EU Publications Office frequency authority table.
pub const EU_FREQUENCY: &str = "http://publications.europa.eu/resource/authority/frequency/";
/// The EU Publications Office file-type authority table.
pub const EU_FILE_TYPE: &str = "http://publications.europa.eu/resource/authority/file-type/";
/// IANA media types, as DCAT-AP names them.
pub const IANA_MEDIA_TYPES: &str = "http://www.iana.org/assignments/media-types/";
/// The Open Government Data License, Taiwan 1.0 (政府資料開放授權條款-第1版).
pub const OGDL_TAIWAN: &str = "https://data.gov.tw/license";

/// data.gov.tw 更新頻率 → EU frequency code. Every value found in the 956 records of
/// `../shared/data/datagovtw-dgtw` is here, plus the other intervals the portal offers.
/// 每10日 has no exact code: MONTHLY_3 ("three times a month") is the nearest.
const FREQUENCIES: &[(&str, &str)] = &[
    ("即時", "UPDATE_CONT"),
    ("每分鐘", "UPDATE_CONT"),
    ("每小時", "HOURLY"),
    ("每日", "DAILY"),
    ("每週", "WEEKLY"),
    ("每周", "WEEKLY"),
    ("每2週", "BIWEEKLY"),
    ("每半月", "MONTHLY_2"),
    ("每10日", "MONTHLY_3"),
    ("每旬", "MONTHLY_3"),
    ("每月", "MONTHLY"),
    ("每2月", "BIMONTHLY"),
    ("每季", "QUARTERLY"),
    ("每半年", "ANNUAL_2"),
    ("每年", "ANNUAL"),
    ("每2年", "BIENNIAL"),
    ("每3年", "TRIENNIAL"),
    ("每4年", "QUADRENNIAL"),
    ("每5年", "QUINQUENNIAL"),
    ("每10年", "DECENNIAL"),
    ("不定期", "IRREG"),
    ("不更新", "NEVER"),
];

/// Licence names → IRIs. The portal's own licence (the only one in the 956 records) and
/// the open licences datasets in Taiwan are also offered under.
const LICENCES: &[(&str, &str)] = &[
    ("政府資料開放授權條款-第1版", OGDL_TAIWAN),
    ("政府資料開放授權條款第1版", OGDL_TAIWAN),
    ("Open Government Data License, version 1.0", OGDL_TAIWAN),
    (
        "創用CC 姓名標示 4.0 國際",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    (
        "CC0 1.0 公眾領域貢獻宣告",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    (
        "CC0 1.0",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
];

/// 檔案格式 → (EU file-type code, IANA media type). 壓縮檔 means "compressed file": ZIP
/// is what the portal's compressed resources are.
const FILE_TYPES: &[(&str, &str, Option<&str>)] = &[
    ("CSV", "CSV", Some("text/csv")),
    ("XML", "XML", Some("application/xml")),
    ("JSON", "JSON", Some("application/json")),
    ("GEOJSON", "GEOJSON", Some("application/geo+json")),
    ("PDF", "PDF", Some("application/pdf")),
    ("壓縮檔", "ZIP", Some("application/zip")),
    ("ZIP", "ZIP", Some("application/zip")),
    ("XLS", "XLS", Some("application/vnd.ms-excel")),
    (
        "XLSX",
        "XLSX",
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ),
    (
        "ODS",
        "ODS",
        Some("application/vnd.oasis.opendocument.spreadsheet"),
    ),
    (
        "ODT",
        "ODT",
        Some("application/vnd.oasis.opendocument.text"),
    ),
    ("KML", "KML", Some("application/vnd.google-earth.kml+xml")),
    ("KMZ", "KMZ", Some("application/vnd.google-earth.kmz")),
    ("RSS", "RSS", Some("application/rss+xml")),
    ("DOC", "DOC", Some("application/msword")),
    (
        "DOCX",
        "DOCX",
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ),
    (
        "PPTX",
        "PPTX",
        Some("application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ),
    ("SHP", "SHP", None),
    ("PNG", "PNG", Some("image/png")),
    ("JPG", "JPEG", Some("image/jpeg")),
    ("JPEG", "JPEG", Some("image/jpeg")),
    ("TXT", "TXT", Some("text/plain")),
    ("RDF", "RDF_XML", Some("application/rdf+xml")),
];

fn jiyi(local: &str) -> String {
    format!("{JIYI}{local}")
}

fn string(value: impl Into<String>) -> Vec<Literal> {
    vec![Literal::new_simple_literal(value)]
}

/// Adds the catalogue functions to `registry`.
pub fn register(registry: &mut FunctionRegistry) {
    registry.register(
        FunctionDefinition::new(jiyi("present"))
            .optional([jiyi("requiredValue")])
            .optional([jiyi("fieldName")])
            .implementation(|a| match a.str(0).filter(|v| !v.trim().is_empty()) {
                Some(_) => Ok(vec![Literal::new_typed_literal(
                    "true",
                    NamedNode::new_unchecked(format!("{XSD}boolean")),
                )]),
                None => Err(format!(
                    "required field {} is missing or empty",
                    a.str(1).unwrap_or("(unnamed)")
                )),
            }),
    );
    registry.register(
        FunctionDefinition::new(jiyi("frequency"))
            .parameter([jiyi("frequencyText")])
            .implementation(|a| frequency(a.required_str(0)?).map(string)),
    );
    registry.register(
        FunctionDefinition::new(jiyi("licence"))
            .parameter([jiyi("licenceText")])
            .implementation(|a| licence(a.required_str(0)?).map(string)),
    );
    registry.register(
        FunctionDefinition::new(jiyi("fileType"))
            .parameter([jiyi("fileTypeText")])
            .implementation(|a| {
                Ok(file_type(a.required_str(0)?)
                    .map(|(code, _)| string(format!("{EU_FILE_TYPE}{code}")))
                    .unwrap_or_default())
            }),
    );
    registry.register(
        FunctionDefinition::new(jiyi("mediaType"))
            .parameter([jiyi("fileTypeText")])
            .implementation(|a| {
                Ok(file_type(a.required_str(0)?)
                    .and_then(|(_, media)| media)
                    .map(|media| string(format!("{IANA_MEDIA_TYPES}{media}")))
                    .unwrap_or_default())
            }),
    );
    registry.register(
        FunctionDefinition::new(jiyi("webUrl"))
            .parameter([jiyi("urlText")])
            .implementation(|a| web_url(a.required_str(0)?).map(string)),
    );
    registry.register(
        FunctionDefinition::new(jiyi("localDateTime"))
            .parameter([jiyi("dateTimeText")])
            .optional([jiyi("utcOffset")])
            .implementation(|a| {
                let value = local_date_time(a.required_str(0)?, a.str(1).unwrap_or("+08:00"))?;
                Ok(vec![Literal::new_typed_literal(
                    value,
                    NamedNode::new_unchecked(format!("{XSD}dateTime")),
                )])
            }),
    );
    registry.register(
        FunctionDefinition::new(jiyi("portalCount"))
            .parameter([jiyi("countText")])
            .parameter([jiyi("countLabel")])
            .implementation(|a| {
                Ok(portal_count(a.required_str(0)?, a.required_str(1)?)
                    .map(|n| {
                        vec![Literal::new_typed_literal(
                            n.to_string(),
                            NamedNode::new_unchecked(format!("{XSD}integer")),
                        )]
                    })
                    .unwrap_or_default())
            }),
    );
}

/// The EU frequency IRI of a data.gov.tw update frequency.
pub fn frequency(text: &str) -> Result<String, String> {
    let text = text.trim();
    FREQUENCIES
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, code)| format!("{EU_FREQUENCY}{code}"))
        .ok_or_else(|| {
            let known: Vec<&str> = FREQUENCIES.iter().map(|(name, _)| *name).collect();
            format!(
                "unknown update frequency `{text}` (known: {}); add it to jiyi-ingest/src/catalogue.rs",
                known.join(" ")
            )
        })
}

/// The licence IRI of a licence name; an IRI given as text is accepted as it is.
pub fn licence(text: &str) -> Result<String, String> {
    let text = text.trim();
    if let Some((_, iri)) = LICENCES.iter().find(|(name, _)| *name == text) {
        return Ok((*iri).to_owned());
    }
    if text.starts_with("https://") || text.starts_with("http://") {
        return web_url(text);
    }
    Err(format!(
        "unknown licence `{text}`: a dataset needs a licence IRI (known: {}); add it to jiyi-ingest/src/catalogue.rs",
        LICENCES
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// The (EU file-type code, IANA media type) of a portal file type, case-insensitively.
fn file_type(text: &str) -> Option<(&'static str, Option<&'static str>)> {
    let text = text.trim();
    FILE_TYPES
        .iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case(text))
        .map(|(_, code, media)| (*code, *media))
}

/// An absolute `http`/`https` IRI from a resource URL as portals hold it. Repairs, each
/// seen in data.gov.tw's records: surrounding whitespace is removed; an HTML link
/// `<a href=URL>…</a>` gives its `href`; a backslash (Windows paths pasted into query
/// strings) and a space are percent-encoded (`%5C`, `%20`). Anything else that is not an
/// absolute http(s) IRI (`www`, a bare file name) is an error: there is no way to know what
/// it meant.
pub fn web_url(text: &str) -> Result<String, String> {
    let mut url = text.trim();
    if let Some(rest) = url.strip_prefix("<a href=") {
        let end = rest.find('>').unwrap_or(rest.len());
        url = rest
            .get(..end)
            .unwrap_or(rest)
            .trim()
            .trim_matches(|c| c == '"' || c == '\'');
    }
    let repaired = url.replace('\\', "%5C").replace(' ', "%20");
    let lower = repaired.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(format!("`{text}` is not an absolute http(s) URL"));
    }
    NamedNode::new(&repaired)
        .map(NamedNode::into_string)
        .map_err(|e| format!("`{text}` is not a valid IRI: {e}"))
}

/// `2017/06/01 08:00` (or `2017-06-01 08:00:30`, or `2017/06/01T08:00`) at `offset` →
/// `2017-06-01T08:00:00+08:00`. Portals give local time without a zone; data.gov.tw's is
/// Taiwan time, UTC+8, which is the default offset.
pub fn local_date_time(text: &str, offset: &str) -> Result<String, String> {
    let bad = || format!("`{text}` is not a date and time like 2017/06/01 08:00");
    let normalized = text.trim().replace('/', "-").replacen(' ', "T", 1);
    let datetime: jiff::civil::DateTime = normalized.parse().map_err(|_| bad())?;
    let offset_ok = offset.len() == 6
        && offset.starts_with(['+', '-'])
        && offset.get(3..4) == Some(":")
        && offset
            .chars()
            .enumerate()
            .all(|(i, c)| matches!(i, 0 | 3) || c.is_ascii_digit());
    if !offset_ok {
        return Err(format!("UTC offset `{offset}` must look like +08:00"));
    }
    Ok(format!(
        "{}{offset}",
        datetime.strftime("%Y-%m-%dT%H:%M:%S")
    ))
}

/// The number after `label` in a portal statistics line (`瀏覽次數: 241 下載次數: 29
/// 意見數: 0`); `None` when the text is not such a line. data.gov.tw exports sometimes shift
/// that line into the VIEWS, DOWNLOAD or COMMENTS field, so a mapping passes all of them and
/// takes the one that parses.
pub fn portal_count(text: &str, label: &str) -> Option<u64> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let [l1, n1, l2, n2, l3, n3] = tokens.as_slice() else {
        return None;
    };
    let pairs = [(l1, n1), (l2, n2), (l3, n3)];
    let mut found = None;
    for (name, number) in pairs {
        let name = name.strip_suffix(':')?;
        let number: u64 = number.parse().ok()?;
        if name == label {
            found = Some(number);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]

    use super::*;

    #[test]
    fn frequencies_found_in_the_portal_map_to_eu_codes() {
        assert_eq!(
            frequency("每年").as_deref(),
            Ok("http://publications.europa.eu/resource/authority/frequency/ANNUAL")
        );
        assert!(frequency(" 不定期 ").expect("known").ends_with("/IRREG"));
        assert!(frequency("每10日").expect("known").ends_with("/MONTHLY_3"));
        let error = frequency("每千年").expect_err("unknown");
        assert!(
            error.contains("每千年") && error.contains("每年"),
            "{error}"
        );
    }

    #[test]
    fn licences_map_to_iris_and_unknown_ones_are_errors() {
        assert_eq!(
            licence("政府資料開放授權條款-第1版").as_deref(),
            Ok(OGDL_TAIWAN)
        );
        assert_eq!(
            licence("https://data.gov.tw/license").as_deref(),
            Ok(OGDL_TAIWAN)
        );
        assert!(
            licence("自訂授權")
                .expect_err("unknown")
                .contains("自訂授權")
        );
    }

    #[test]
    fn urls_are_repaired_only_where_the_meaning_is_clear() {
        assert_eq!(
            web_url(" http://a.tw/x?y=1 ").as_deref(),
            Ok("http://a.tw/x?y=1")
        );
        assert_eq!(
            web_url("<a href=http://1.2.3.4/p.asp?T=JSON>http://1.2.3.4/p.asp?T=JSON</a>")
                .as_deref(),
            Ok("http://1.2.3.4/p.asp?T=JSON")
        );
        assert_eq!(
            web_url(r"http://e.tw/D/?file=\A\地震.gif").as_deref(),
            Ok("http://e.tw/D/?file=%5CA%5C地震.gif")
        );
        assert!(web_url("www").is_err());
        assert!(web_url("report-104-12.csv").is_err());
    }

    #[test]
    fn local_times_get_the_offset() {
        assert_eq!(
            local_date_time("2017/06/01 08:00", "+08:00").as_deref(),
            Ok("2017-06-01T08:00:00+08:00")
        );
        assert_eq!(
            local_date_time("2017-11-26 15:19:07", "+00:00").as_deref(),
            Ok("2017-11-26T15:19:07+00:00")
        );
        assert!(local_date_time("2017/13/01 08:00", "+08:00").is_err());
        assert!(local_date_time("去年", "+08:00").is_err());
        assert!(local_date_time("2017/06/01 08:00", "8").is_err());
    }

    #[test]
    fn counts_come_only_from_a_statistics_line() {
        let line = "瀏覽次數: 13438 下載次數: 1361 意見數: 6 ";
        assert_eq!(portal_count(line, "瀏覽次數"), Some(13438));
        assert_eq!(portal_count(line, "下載次數"), Some(1361));
        assert_eq!(portal_count("241", "瀏覽次數"), None);
        assert_eq!(portal_count("http://x.tw/a 下載次數: 1", "下載次數"), None);
    }

    #[test]
    fn file_types_have_eu_and_iana_names() {
        assert_eq!(file_type("csv"), Some(("CSV", Some("text/csv"))));
        assert_eq!(file_type("壓縮檔"), Some(("ZIP", Some("application/zip"))));
        assert_eq!(file_type("其他"), None);
    }
}
