//! The OAI-PMH client: one blocking HTTP request per page (reqwest), 503 + Retry-After
//! honoured a bounded number of times, and the pages of a list request followed through
//! their resumption tokens.

use crate::error::{HarvestError, OaiErrorElement, RequestPlace};
use crate::response::{self, Identify, ListPage, Parsed};
use std::time::Duration;

/// How long to wait on `503 Service Unavailable` (the protocol's flow control) before giving up.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Retries of one request after a 503.
    pub max_retries: u32,
    /// The longest Retry-After the harvester waits; a longer one is an error.
    pub max_wait: Duration,
    /// The wait when a 503 has no usable Retry-After.
    pub default_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 5,
            max_wait: Duration::from_secs(120),
            default_wait: Duration::from_secs(10),
        }
    }
}

/// What a `ListRecords` harvest asks for.
#[derive(Debug, Clone)]
pub struct ListRequest {
    /// `metadataPrefix`.
    pub metadata_prefix: String,
    /// `set`, if any.
    pub set: Option<String>,
    /// `from`, already cut to the repository's granularity.
    pub from: Option<String>,
}

/// A client for one OAI-PMH base URL.
pub struct OaiClient {
    base: reqwest::Url,
    http: reqwest::blocking::Client,
    retry: RetryPolicy,
}

impl OaiClient {
    /// A client for `base_url` (an http or https URL without query).
    pub fn new(base_url: &str) -> Result<Self, HarvestError> {
        let bad = |problem: String| HarvestError::BaseUrl {
            url: base_url.to_owned(),
            problem,
        };
        let base = reqwest::Url::parse(base_url).map_err(|e| bad(e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(bad(format!("scheme {}", base.scheme())));
        }
        if base.query().is_some() {
            return Err(bad(
                "a base URL has no query (the harvester adds verb=…)".into()
            ));
        }
        let http = reqwest::blocking::Client::builder()
            .user_agent(concat!("jiyi-harvest/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(30))
            .timeout(Duration::from_secs(600))
            .build()
            .map_err(|e| bad(e.to_string()))?;
        Ok(Self {
            base,
            http,
            retry: RetryPolicy::default(),
        })
    }

    /// The same client with another retry policy (tests use short waits).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    /// `Identify`: the granularity `from` must use.
    pub fn identify(&self) -> Result<Identify, HarvestError> {
        let place = self.place("Identify", &[("verb", "Identify")], 1, None);
        let body = self.fetch(&place)?;
        match response::parse_identify(&body) {
            Ok(Parsed::Answer(identify)) => Ok(identify),
            Ok(Parsed::Errors(errors)) => Err(HarvestError::Oai { place, errors }),
            Err(problem) => Err(HarvestError::Malformed { place, problem }),
        }
    }

    /// The pages of `ListRecords`, fetched one at a time as the iterator is advanced.
    pub fn list_records<'a>(&'a self, request: &'a ListRequest) -> ListRecordsPages<'a> {
        ListRecordsPages {
            client: self,
            request,
            next: Some(None),
            page: 0,
        }
    }

    fn place(
        &self,
        verb: &str,
        query: &[(&str, &str)],
        page: usize,
        resumption_token: Option<&str>,
    ) -> RequestPlace {
        let mut url = self.base.clone();
        url.query_pairs_mut().extend_pairs(query);
        RequestPlace {
            url: url.into(),
            verb: verb.to_owned(),
            page,
            resumption_token: resumption_token.map(str::to_owned),
        }
    }

    /// GETs `place.url`; a 503 is retried after its Retry-After within the policy.
    fn fetch(&self, place: &RequestPlace) -> Result<String, HarvestError> {
        let mut retries = 0;
        loop {
            let response =
                self.http
                    .get(&place.url)
                    .send()
                    .map_err(|e| HarvestError::Transport {
                        place: place.clone(),
                        message: error_chain(&e),
                    })?;
            let status = response.status();
            if status == reqwest::StatusCode::SERVICE_UNAVAILABLE {
                let wait = retry_after(&response).unwrap_or(self.retry.default_wait);
                let give_up = |detail: String| HarvestError::HttpStatus {
                    place: place.clone(),
                    status: status.as_u16(),
                    detail,
                };
                if wait > self.retry.max_wait {
                    return Err(give_up(format!(
                        "; Retry-After {} s is longer than the harvester waits ({} s)",
                        wait.as_secs(),
                        self.retry.max_wait.as_secs()
                    )));
                }
                if retries >= self.retry.max_retries {
                    return Err(give_up(format!(
                        "; still unavailable after {retries} retries"
                    )));
                }
                retries += 1;
                note_retry(place, wait, retries);
                std::thread::sleep(wait);
                continue;
            }
            if !status.is_success() {
                return Err(HarvestError::HttpStatus {
                    place: place.clone(),
                    status: status.as_u16(),
                    detail: String::new(),
                });
            }
            let bytes = response.bytes().map_err(|e| HarvestError::Transport {
                place: place.clone(),
                message: format!("reading the body: {}", error_chain(&e)),
            })?;
            return String::from_utf8(bytes.into()).map_err(|e| HarvestError::Malformed {
                place: place.clone(),
                problem: format!("not UTF-8 (OAI-PMH requires it): {e}"),
            });
        }
    }
}

/// Says that the harvester waits: a long silent pause looks like a hang.
fn note_retry(place: &RequestPlace, wait: Duration, retry: u32) {
    tracing::warn!(
        "{place}: 503 Service Unavailable, retrying in {:.1} s (retry {retry})",
        wait.as_secs_f32()
    );
}

fn retry_after(response: &reqwest::blocking::Response) -> Option<Duration> {
    let value = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// The pages of one `ListRecords` request: each item is a parsed page with the request it
/// answered; the iterator ends after the page without a resumption token, or after the
/// first error.
pub struct ListRecordsPages<'a> {
    client: &'a OaiClient,
    request: &'a ListRequest,
    /// `Some(None)`: the first page is next; `Some(Some(t))`: the page for token t; `None`: done.
    next: Option<Option<String>>,
    page: usize,
}

impl Iterator for ListRecordsPages<'_> {
    type Item = Result<(RequestPlace, ListPage), HarvestError>;

    fn next(&mut self) -> Option<Self::Item> {
        let token = self.next.take()?;
        self.page += 1;
        let place = match &token {
            Some(token) => self.client.place(
                "ListRecords",
                &[("verb", "ListRecords"), ("resumptionToken", token)],
                self.page,
                Some(token),
            ),
            None => {
                let mut query = vec![
                    ("verb", "ListRecords"),
                    ("metadataPrefix", self.request.metadata_prefix.as_str()),
                ];
                if let Some(from) = &self.request.from {
                    query.push(("from", from));
                }
                if let Some(set) = &self.request.set {
                    query.push(("set", set));
                }
                self.client.place("ListRecords", &query, self.page, None)
            }
        };
        let body = match self.client.fetch(&place) {
            Ok(body) => body,
            Err(e) => return Some(Err(e)),
        };
        let page = match response::parse_list_records(&body) {
            Ok(Parsed::Answer(page)) => page,
            // Nothing (new) to harvest: not an error.
            Ok(Parsed::Errors(errors)) if errors.iter().all(is_no_records_match) => {
                return Some(Ok((place, ListPage::default())));
            }
            Ok(Parsed::Errors(errors)) => return Some(Err(HarvestError::Oai { place, errors })),
            Err(problem) => return Some(Err(HarvestError::Malformed { place, problem })),
        };
        if let Some(next) = &page.resumption_token {
            if token.as_deref() == Some(next.token.as_str()) {
                return Some(Err(HarvestError::Malformed {
                    place,
                    problem: format!(
                        "the provider sent back the same resumptionToken {:?}; stopping rather than looping",
                        next.token
                    ),
                }));
            }
            self.next = Some(Some(next.token.clone()));
        }
        Some(Ok((place, page)))
    }
}

fn is_no_records_match(error: &OaiErrorElement) -> bool {
    error.code == "noRecordsMatch"
}
