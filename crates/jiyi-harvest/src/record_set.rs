//! The record set: every record harvested for one dataset, as the provider last sent it,
//! kept under the store directory (`{store}/harvest/{dataset}/`):
//!
//! - `records/{identifier}.xml`: one live record per file (the `<record>` element, a comment
//!   line with its datestamp first), the folder the mapping reads with `--input`;
//! - `deleted/{identifier}`: identifier and datestamp of each record the provider deleted;
//! - `state.json`: the source (base URL, prefix, set) and the latest datestamp of the last
//!   complete harvest, from which the next harvest asks.
//!
//! Every file is written to a dot-file beside it and renamed, so a crash leaves either the
//! old or the new version of a record, and the mapping (which skips dot-files) never sees a
//! half-written one.

use crate::error::HarvestError;
use crate::response::HarvestedRecord;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Where a dataset's records come from; one dataset has one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceKey {
    /// The OAI-PMH base URL.
    pub base_url: String,
    /// `metadataPrefix`.
    pub metadata_prefix: String,
    /// `set`, if any.
    pub set: Option<String>,
}

impl std::fmt::Display for SourceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (metadataPrefix {}",
            self.base_url, self.metadata_prefix
        )?;
        if let Some(set) = &self.set {
            write!(f, ", set {set}")?;
        }
        write!(f, ")")
    }
}

/// What the store remembers between harvests of one dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HarvestState {
    /// The source.
    pub source: SourceKey,
    /// The latest datestamp of any record seen up to the last *complete* harvest; the next
    /// harvest asks `from` it (cut to the repository's granularity).
    pub latest_datestamp: Option<String>,
    /// `responseDate` of the first page of the last complete harvest.
    pub last_response_date: Option<String>,
}

/// What applying one record did to the record set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// A record not held before (or held as deleted before).
    New,
    /// A held record with different content.
    Updated,
    /// The same record again (a re-harvest, the overlap of `from`).
    Unchanged,
    /// A held record the provider deleted.
    Deleted,
    /// A deletion of a record not held (or already deleted): noted, nothing to withdraw.
    DeletionNoted,
    /// Older than the version held: ignored.
    Stale,
}

/// One dataset's harvested records on disk.
pub struct RecordSet {
    dir: PathBuf,
}

const FILE_NAME: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

impl RecordSet {
    /// Opens (creating) the record set in `dir` for `source`. Returns the state of the last
    /// complete harvest (a new record set gets one without a datestamp, written at once so
    /// that even a first harvest that stops early binds the set to its source); a record set
    /// harvested from another source is refused.
    pub fn open(dir: &Path, source: &SourceKey) -> Result<(Self, HarvestState), HarvestError> {
        let set = Self {
            dir: dir.to_owned(),
        };
        for sub in [set.records_dir(), set.deleted_dir()] {
            std::fs::create_dir_all(&sub).map_err(|e| HarvestError::record_set(&sub, e))?;
        }
        let state_path = set.state_path();
        let state = match std::fs::read(&state_path) {
            Ok(bytes) => {
                let state: HarvestState = serde_json::from_slice(&bytes)
                    .map_err(|e| HarvestError::record_set(&state_path, e))?;
                if &state.source != source {
                    return Err(HarvestError::OtherSource {
                        path: state_path,
                        existing: state.source.to_string(),
                        requested: source.to_string(),
                    });
                }
                state
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let state = HarvestState {
                    source: source.clone(),
                    latest_datestamp: None,
                    last_response_date: None,
                };
                set.save_state(&state)?;
                state
            }
            Err(e) => return Err(HarvestError::record_set(&state_path, e)),
        };
        Ok((set, state))
    }

    /// The folder of live records, one XML document per record (what the mapping reads).
    pub fn records_dir(&self) -> PathBuf {
        self.dir.join("records")
    }

    fn deleted_dir(&self) -> PathBuf {
        self.dir.join("deleted")
    }

    fn state_path(&self) -> PathBuf {
        self.dir.join("state.json")
    }

    /// Records the state of a complete harvest.
    pub fn save_state(&self, state: &HarvestState) -> Result<(), HarvestError> {
        let path = self.state_path();
        let json =
            serde_json::to_vec_pretty(state).map_err(|e| HarvestError::record_set(&path, e))?;
        write_atomically(&path, &json)
    }

    /// How many live records the set holds.
    pub fn live_records(&self) -> Result<usize, HarvestError> {
        let dir = self.records_dir();
        let entries = std::fs::read_dir(&dir).map_err(|e| HarvestError::record_set(&dir, e))?;
        let mut n = 0;
        for entry in entries {
            let entry = entry.map_err(|e| HarvestError::record_set(&dir, e))?;
            if !entry.file_name().to_string_lossy().starts_with('.') {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Applies one record: writes, replaces or removes its file. A record older than the
    /// held version (by datestamp) is ignored, so pages may arrive overlapping.
    pub fn apply(&self, record: &HarvestedRecord) -> Result<Applied, HarvestError> {
        let name = file_name(&record.identifier);
        let live = self.records_dir().join(format!("{name}.xml"));
        let deleted = self.deleted_dir().join(&name);
        let held_live = read_optional(&live)?;
        let held_deleted = read_optional(&deleted)?;
        let held_datestamp = match (&held_live, &held_deleted) {
            (Some(text), _) => live_datestamp(text),
            (None, Some(text)) => text.split('\t').nth(1).map(|d| d.trim().to_owned()),
            (None, None) => None,
        };
        if held_datestamp
            .as_deref()
            .is_some_and(|held| record.datestamp.as_str() < held)
        {
            return Ok(Applied::Stale);
        }
        if record.deleted {
            write_atomically(
                &deleted,
                format!("{}\t{}\n", record.identifier, record.datestamp).as_bytes(),
            )?;
            if held_live.is_some() {
                std::fs::remove_file(&live).map_err(|e| HarvestError::record_set(&live, e))?;
                return Ok(Applied::Deleted);
            }
            return Ok(Applied::DeletionNoted);
        }
        let document = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- datestamp {} -->\n{}\n",
            record.datestamp, record.xml
        );
        let outcome = match &held_live {
            Some(text) if *text == document => return Ok(Applied::Unchanged),
            Some(_) => Applied::Updated,
            None => Applied::New,
        };
        write_atomically(&live, document.as_bytes())?;
        if held_deleted.is_some() {
            std::fs::remove_file(&deleted).map_err(|e| HarvestError::record_set(&deleted, e))?;
        }
        Ok(outcome)
    }
}

/// A file name for an identifier: percent-encoded (readable, reversible), or its SHA-256
/// when that would be too long for a file system.
fn file_name(identifier: &str) -> String {
    let encoded = utf8_percent_encode(identifier, FILE_NAME).to_string();
    // A leading dot would hide the file from the mapping; '.' is encoded there.
    let encoded = match encoded.strip_prefix('.') {
        Some(rest) => format!("%2E{rest}"),
        None => encoded,
    };
    if encoded.len() <= 200 {
        encoded
    } else {
        let digest = Sha256::digest(identifier.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn live_datestamp(text: &str) -> Option<String> {
    let line = text.lines().nth(1)?;
    let inner = line.strip_prefix("<!-- datestamp ")?.strip_suffix(" -->")?;
    Some(inner.to_owned())
}

fn read_optional(path: &Path) -> Result<Option<String>, HarvestError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(HarvestError::record_set(path, e)),
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), HarvestError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&temporary, bytes).map_err(|e| HarvestError::record_set(&temporary, e))?;
    std::fs::rename(&temporary, path).map_err(|e| HarvestError::record_set(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, datestamp: &str, deleted: bool, body: &str) -> HarvestedRecord {
        HarvestedRecord {
            identifier: id.into(),
            datestamp: datestamp.into(),
            deleted,
            xml: format!("<record>{body}</record>"),
        }
    }

    #[test]
    fn records_are_new_unchanged_updated_deleted_and_stale_by_datestamp() {
        let dir = tempfile::tempdir().expect("tempdir");
        let source = SourceKey {
            base_url: "http://x/oai".into(),
            metadata_prefix: "oai_dc".into(),
            set: None,
        };
        let (set, state) = RecordSet::open(dir.path(), &source).expect("open");
        assert_eq!(state.latest_datestamp, None);
        let id = "oai:x:a/b";
        assert_eq!(
            set.apply(&record(id, "2020-01-01", false, "1")).expect("a"),
            Applied::New
        );
        assert_eq!(
            set.apply(&record(id, "2020-01-01", false, "1")).expect("a"),
            Applied::Unchanged
        );
        assert_eq!(
            set.apply(&record(id, "2020-01-02", false, "2")).expect("a"),
            Applied::Updated
        );
        assert_eq!(
            set.apply(&record(id, "2020-01-01", false, "1")).expect("a"),
            Applied::Stale
        );
        assert_eq!(set.live_records().expect("n"), 1);
        assert_eq!(
            set.apply(&record(id, "2020-01-03", true, "")).expect("a"),
            Applied::Deleted
        );
        assert_eq!(set.live_records().expect("n"), 0);
        assert_eq!(
            set.apply(&record(id, "2020-01-03", true, "")).expect("a"),
            Applied::DeletionNoted
        );
        assert_eq!(
            set.apply(&record(id, "2020-01-04", false, "3")).expect("a"),
            Applied::New
        );
        let other = SourceKey {
            set: Some("s".into()),
            ..source.clone()
        };
        assert!(matches!(
            RecordSet::open(dir.path(), &other),
            Err(HarvestError::OtherSource { .. })
        ));
    }

    #[test]
    fn file_names_are_safe_and_distinct() {
        assert_eq!(file_name("oai:x:1/2"), "oai%3Ax%3A1%2F2");
        assert_eq!(file_name(".hidden"), "%2Ehidden");
        assert_eq!(file_name(&"x".repeat(300)).len(), 64);
    }
}
