use std::path::PathBuf;

/// Where in a harvest a request was made, so every error names the URL, the verb and the
/// page (with the resumption token that asked for it).
#[derive(Debug, Clone)]
pub struct RequestPlace {
    /// The full request URL.
    pub url: String,
    /// The OAI-PMH verb.
    pub verb: String,
    /// 1-based page number within this run's list request (1 for single requests).
    pub page: usize,
    /// The resumption token the page was asked for with, if any.
    pub resumption_token: Option<String>,
}

impl std::fmt::Display for RequestPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} page {}", self.verb, self.page)?;
        if let Some(token) = &self.resumption_token {
            write!(f, " (resumptionToken {token:?})")?;
        }
        write!(f, " from {}", self.url)
    }
}

/// One `<error>` element of an OAI-PMH response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaiErrorElement {
    /// The protocol's error code (`badArgument`, `cannotDisseminateFormat`, …).
    pub code: String,
    /// The provider's message, possibly empty.
    pub message: String,
}

impl std::fmt::Display for OaiErrorElement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.code)
        } else {
            write!(f, "{}: {}", self.code, self.message)
        }
    }
}

/// Why a harvest request or the record set failed. Every variant names where: the request
/// (URL, verb, page, token) or the file.
#[derive(Debug, thiserror::Error)]
pub enum HarvestError {
    /// The base URL is not an absolute http(s) URL.
    #[error("--oai {url}: not an http(s) URL: {problem}")]
    BaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The request could not be sent or its body not read (connection refused, timeout, …).
    #[error("{place}: request failed: {message}")]
    Transport {
        /// The request.
        place: RequestPlace,
        /// The client's description.
        message: String,
    },
    /// The provider answered with an HTTP error status.
    #[error("{place}: HTTP {status}{detail}")]
    HttpStatus {
        /// The request.
        place: RequestPlace,
        /// The status code.
        status: u16,
        /// More about it (e.g. retries given up), starting with "; " when present.
        detail: String,
    },
    /// The provider answered with OAI-PMH error elements (other than `noRecordsMatch`).
    #[error("{place}: the provider answered with OAI-PMH error {}", .errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Oai {
        /// The request.
        place: RequestPlace,
        /// The error elements, in document order.
        errors: Vec<OaiErrorElement>,
    },
    /// The response is not a well-formed OAI-PMH response.
    #[error("{place}: malformed response: {problem}")]
    Malformed {
        /// The request.
        place: RequestPlace,
        /// What was wrong (the XML error with its byte offset, or the missing element).
        problem: String,
    },
    /// Reading or writing the record set or its state failed.
    #[error("{path}: {message}")]
    RecordSet {
        /// The file or folder.
        path: PathBuf,
        /// The OS or format error.
        message: String,
    },
    /// The record set belongs to another source (base URL, prefix, set).
    #[error(
        "{path}: this dataset's records were harvested from {existing}; refusing to mix in records from {requested} (use another dataset name, or remove the folder to start over)"
    )]
    OtherSource {
        /// The state file.
        path: PathBuf,
        /// The stored source.
        existing: String,
        /// The requested source.
        requested: String,
    },
}

impl HarvestError {
    pub(crate) fn record_set(path: &std::path::Path, e: impl std::fmt::Display) -> Self {
        Self::RecordSet {
            path: path.to_owned(),
            message: e.to_string(),
        }
    }
}
