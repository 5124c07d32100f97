//! An OAI-PMH request's arguments, checked against its verb (protocol §3.1, §4): which are
//! required, which allowed, that none is repeated, that dates are dates of one granularity.
//! What fails here is a `badVerb` or `badArgument`, the two errors after which the response's
//! `request` element must not echo the arguments (§3.2.1).

use super::OaiError;
use super::token::ResumptionToken;

/// The protocol's arguments, the only ones a request may carry.
const ARGUMENTS: &[&str] = &[
    "verb",
    "identifier",
    "metadataPrefix",
    "from",
    "until",
    "set",
    "resumptionToken",
];

/// A verb with its checked arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verb {
    /// Identify.
    Identify,
    /// ListMetadataFormats, for the repository or one item.
    ListMetadataFormats {
        /// The item, if asked about one.
        identifier: Option<String>,
    },
    /// ListSets (the repository issues no resumption tokens for sets).
    ListSets {
        /// A token the harvester sent anyway (always `badResumptionToken`).
        resumption_token: Option<String>,
    },
    /// GetRecord.
    GetRecord {
        /// The item.
        identifier: String,
        /// The format asked for.
        metadata_prefix: String,
    },
    /// ListIdentifiers (`headers_only`) or ListRecords.
    List {
        /// Whether only headers are listed (ListIdentifiers).
        headers_only: bool,
        /// A new list or the continuation of one.
        selection: Selection,
    },
}

/// What a list request selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// A first request: format, dates (inclusive, seconds since the epoch), set.
    New(ListArguments),
    /// A continuation: the token as sent (decoded later, against the store).
    Resume(String),
}

/// The selective-harvesting arguments of a first list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListArguments {
    /// The metadata format.
    pub metadata_prefix: String,
    /// Earliest datestamp (seconds, inclusive).
    pub from: Option<i64>,
    /// Latest datestamp (seconds, inclusive; a day means its last second).
    pub until: Option<i64>,
    /// A set spec.
    pub set: Option<String>,
}

impl ListArguments {
    /// The arguments a resumption token carries.
    pub fn from_token(token: &ResumptionToken) -> Self {
        Self {
            metadata_prefix: token.metadata_prefix.clone(),
            from: token.from,
            until: token.until,
            set: token.set.clone(),
        }
    }
}

/// The arguments as received, in order, each with its value; kept for the `request` element.
pub type Arguments = Vec<(String, String)>;

/// Parses `application/x-www-form-urlencoded` arguments (a GET's query string or a POST's
/// body).
pub fn arguments(encoded: &[u8]) -> Arguments {
    form_urlencoded::parse(encoded).into_owned().collect()
}

/// Checks `args` and names the verb, or says why the request is bad.
pub fn parse(args: &Arguments) -> Result<Verb, OaiError> {
    let mut verb = None;
    for (name, value) in args {
        if !ARGUMENTS.contains(&name.as_str()) {
            return Err(OaiError::BadArgument(format!(
                "{name:?} is not an OAI-PMH argument"
            )));
        }
        if args.iter().filter(|(n, _)| n == name).count() > 1 {
            return Err(if name == "verb" {
                OaiError::BadVerb("the verb argument is repeated".into())
            } else {
                OaiError::BadArgument(format!("the argument {name} is repeated"))
            });
        }
        if name == "verb" {
            verb = Some(value.as_str());
        }
    }
    let get = |name: &str| args.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let allow = |allowed: &[&str]| -> Result<(), OaiError> {
        match args
            .iter()
            .find(|(n, _)| n != "verb" && !allowed.contains(&n.as_str()))
        {
            Some((n, _)) => Err(OaiError::BadArgument(format!(
                "{n} is not an argument of {}",
                verb.unwrap_or_default()
            ))),
            None => Ok(()),
        }
    };
    let require = |name: &str| {
        get(name).filter(|v| !v.is_empty()).ok_or_else(|| {
            OaiError::BadArgument(format!(
                "{} needs the argument {name}",
                verb.unwrap_or_default()
            ))
        })
    };
    match verb {
        None => Err(OaiError::BadVerb("the verb argument is missing".into())),
        Some("Identify") => {
            allow(&[])?;
            Ok(Verb::Identify)
        }
        Some("ListMetadataFormats") => {
            allow(&["identifier"])?;
            Ok(Verb::ListMetadataFormats {
                identifier: get("identifier"),
            })
        }
        Some("ListSets") => {
            allow(&["resumptionToken"])?;
            Ok(Verb::ListSets {
                resumption_token: get("resumptionToken"),
            })
        }
        Some("GetRecord") => {
            allow(&["identifier", "metadataPrefix"])?;
            Ok(Verb::GetRecord {
                identifier: require("identifier")?,
                metadata_prefix: require("metadataPrefix")?,
            })
        }
        Some(list @ ("ListIdentifiers" | "ListRecords")) => {
            allow(&["metadataPrefix", "from", "until", "set", "resumptionToken"])?;
            let selection = if let Some(token) = get("resumptionToken") {
                // The token is an exclusive argument (§3.5).
                allow(&["resumptionToken"])?;
                Selection::Resume(token)
            } else {
                let (from, until) = (get("from"), get("until"));
                let from_date = from.as_deref().map(|f| datestamp(f, "from")).transpose()?;
                let until_date = until
                    .as_deref()
                    .map(|u| datestamp(u, "until"))
                    .transpose()?;
                if let (Some(f), Some(u)) = (&from_date, &until_date) {
                    if f.day_only != u.day_only {
                        return Err(OaiError::BadArgument(
                            "from and until have different granularities".into(),
                        ));
                    }
                    if f.first > u.last {
                        return Err(OaiError::BadArgument("from is later than until".into()));
                    }
                }
                Selection::New(ListArguments {
                    metadata_prefix: require("metadataPrefix")?,
                    from: from_date.map(|d| d.first),
                    until: until_date.map(|d| d.last),
                    set: get("set"),
                })
            };
            Ok(Verb::List {
                headers_only: list == "ListIdentifiers",
                selection,
            })
        }
        Some(other) => Err(OaiError::BadVerb(format!(
            "{other:?} is not an OAI-PMH verb"
        ))),
    }
}

/// A `from` or `until` value: the first and last second it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Datestamp {
    /// First second covered.
    pub first: i64,
    /// Last second covered (the day's last for a day).
    pub last: i64,
    /// `YYYY-MM-DD` rather than `YYYY-MM-DDThh:mm:ssZ`.
    pub day_only: bool,
}

/// Reads a datestamp in either granularity the repository supports (§3.3.1).
pub fn datestamp(value: &str, argument: &str) -> Result<Datestamp, OaiError> {
    let bad = || {
        OaiError::BadArgument(format!(
            "{argument}={value:?} is not a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDThh:mm:ssZ)"
        ))
    };
    let day = |text: &str| -> Result<jiff::civil::Date, OaiError> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(bad());
        }
        text.parse::<jiff::civil::Date>().map_err(|_| bad())
    };
    if value.len() == 10 {
        let date = day(value)?;
        let first = date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map_err(|_| bad())?
            .timestamp()
            .as_second();
        return Ok(Datestamp {
            first,
            last: first + 86_399,
            day_only: true,
        });
    }
    let (date, time) = value.split_once('T').ok_or_else(bad)?;
    let date = day(date)?;
    let time = time.strip_suffix('Z').ok_or_else(bad)?;
    let parts: Vec<&str> = time.split(':').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let number = |p: &str| p.parse::<i8>().map_err(|_| bad());
    let time = jiff::civil::Time::new(number(parts[0])?, number(parts[1])?, number(parts[2])?, 0)
        .map_err(|_| bad())?;
    let second = date
        .to_datetime(time)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map_err(|_| bad())?
        .timestamp()
        .as_second();
    Ok(Datestamp {
        first: second,
        last: second,
        day_only: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(pairs: &[(&str, &str)]) -> Arguments {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn dates_of_both_granularities_cover_their_seconds() {
        let day = datestamp("2024-02-29", "from").expect("leap day");
        assert_eq!(day.first, 1_709_164_800);
        assert_eq!(day.last, 1_709_164_800 + 86_399);
        let second = datestamp("2024-02-29T01:02:03Z", "from").expect("time");
        assert_eq!((second.first, second.last), (1_709_168_523, 1_709_168_523));
        for bad in [
            "2023-02-29",
            "2024-2-1",
            "2024-02-29T01:02:03",
            "2024-02-29T01:02Z",
            "2024-02-29T01:02:03.5Z",
            "2024-02-29T25:00:00Z",
            "yesterday",
        ] {
            assert!(datestamp(bad, "from").is_err(), "{bad}");
        }
    }

    #[test]
    fn the_token_is_exclusive_and_arguments_are_checked_per_verb() {
        assert!(matches!(
            parse(&args(&[
                ("verb", "ListRecords"),
                ("resumptionToken", "x"),
                ("set", "a")
            ])),
            Err(OaiError::BadArgument(_))
        ));
        assert!(matches!(
            parse(&args(&[("verb", "Identify"), ("set", "a")])),
            Err(OaiError::BadArgument(_))
        ));
        assert!(matches!(
            parse(&args(&[
                ("verb", "ListRecords"),
                ("metadataPrefix", "oai_dc"),
                ("from", "2024-01-01"),
                ("until", "2024-01-01T00:00:00Z")
            ])),
            Err(OaiError::BadArgument(_))
        ));
        assert_eq!(
            parse(&args(&[
                ("verb", "ListIdentifiers"),
                ("metadataPrefix", "oai_dc"),
                ("from", "2024-01-01"),
                ("until", "2024-01-01")
            ])),
            Ok(Verb::List {
                headers_only: true,
                selection: Selection::New(ListArguments {
                    metadata_prefix: "oai_dc".into(),
                    from: Some(1_704_067_200),
                    until: Some(1_704_067_200 + 86_399),
                    set: None,
                }),
            })
        );
    }
}
