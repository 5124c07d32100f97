//! Resumption tokens that need no server state: a token carries the list request's arguments,
//! the change-log position of the last record sent and the cursor, so it survives a restart and
//! any number of servers can answer it. It never expires; a token that does not parse, names a
//! format or position the store does not have (the store was rebuilt) is a `badResumptionToken`.
//!
//! Form: `v1:{prefix}:{after}:{cursor}:{from}:{until}:{set}` (dates in seconds since the epoch,
//! empty when absent; the set last, so it may contain anything). Nothing in it is secret: a
//! harvester could ask for the same page with the same arguments.

use super::OaiError;
use super::request::ListArguments;

/// A decoded resumption token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumptionToken {
    /// The metadata format of the list.
    pub metadata_prefix: String,
    /// The change-log position of the last record already sent.
    pub after: u64,
    /// How many records were sent before this page (the `cursor` attribute).
    pub cursor: u64,
    /// The list's `from`, in seconds.
    pub from: Option<i64>,
    /// The list's `until`, in seconds (inclusive).
    pub until: Option<i64>,
    /// The list's set.
    pub set: Option<String>,
}

impl ResumptionToken {
    /// The token continuing `list` after position `after`, `cursor` records in.
    pub fn new(list: &ListArguments, after: u64, cursor: u64) -> Self {
        Self {
            metadata_prefix: list.metadata_prefix.clone(),
            after,
            cursor,
            from: list.from,
            until: list.until,
            set: list.set.clone(),
        }
    }

    /// The token as sent to harvesters.
    pub fn encode(&self) -> String {
        let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        format!(
            "v1:{}:{}:{}:{}:{}:{}",
            self.metadata_prefix,
            self.after,
            self.cursor,
            number(self.from),
            number(self.until),
            self.set.as_deref().unwrap_or_default()
        )
    }

    /// Reads a token; checks against the store (format, position) are the caller's.
    pub fn decode(text: &str) -> Result<Self, OaiError> {
        let bad = || {
            OaiError::BadResumptionToken(format!(
                "{text:?} is not a resumption token this repository issued"
            ))
        };
        let mut fields = text.splitn(7, ':');
        let mut next = || fields.next().ok_or_else(bad);
        if next()? != "v1" {
            return Err(bad());
        }
        let metadata_prefix = next()?.to_owned();
        let after = next()?.parse().map_err(|_| bad())?;
        let cursor = next()?.parse().map_err(|_| bad())?;
        let mut date = || -> Result<Option<i64>, OaiError> {
            match next()? {
                "" => Ok(None),
                n => n.parse().map(Some).map_err(|_| bad()),
            }
        };
        let from = date()?;
        let until = date()?;
        let set = Some(next()?.to_owned()).filter(|s| !s.is_empty());
        Ok(Self {
            metadata_prefix,
            after,
            cursor,
            from,
            until,
            set,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_round_trips_and_garbage_is_refused() {
        let token = ResumptionToken {
            metadata_prefix: "oai_dc".into(),
            after: 42,
            cursor: 100,
            from: Some(1_700_000_000),
            until: None,
            set: Some("a:b".into()),
        };
        assert_eq!(ResumptionToken::decode(&token.encode()), Ok(token));
        for bad in [
            "",
            "v1",
            "v2:oai_dc:1:0:::",
            "v1:oai_dc:x:0:::",
            "v1:oai_dc:1:0:y::",
        ] {
            assert!(ResumptionToken::decode(bad).is_err(), "{bad}");
        }
    }
}
