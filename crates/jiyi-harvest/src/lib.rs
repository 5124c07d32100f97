//! Harvesting partners' records over OAI-PMH 2.0 into a record set that `jiyi harvest` maps
//! through the normal ingest path.
//!
//! Why a crate of its own: it is the only Jiyi crate that makes outgoing HTTP requests
//! (reqwest, blocking: one page at a time is all a harvester needs), and its protocol client
//! and record set are tested without the binary. It depends on no other Jiyi crate: the CLI
//! connects the record set (a folder of XML documents) to an ingest with `--input`.
//!
//! - [`client`]: requests, 503 + Retry-After, resumption tokens;
//! - [`response`]: one response parsed whole (records kept as self-contained XML);
//! - [`record_set`]: the records on disk, one file per OAI identifier, and the harvest state;
//! - [`harvest()`]: one incremental run.

pub mod client;
mod error;
mod harvest;
pub mod record_set;
pub mod response;

pub use client::{ListRequest, OaiClient, RetryPolicy};
pub use error::{HarvestError, OaiErrorElement, RequestPlace};
pub use harvest::{Counts, HarvestRun, RejectedRecord, harvest};
pub use record_set::{Applied, HarvestState, RecordSet, SourceKey};
pub use response::{Granularity, HarvestedRecord, HeaderProblem, Identify, ListPage};
