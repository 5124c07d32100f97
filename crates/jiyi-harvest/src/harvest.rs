//! One harvest run: `Identify` (for the granularity), then `ListRecords` from the latest
//! datestamp of the last complete harvest, each page applied to the record set as soon as it
//! has been parsed whole. An error on page N stops the run and is returned beside what pages
//! 1…N−1 did, which stays applied; the state is not advanced, so the next run asks from the
//! same `from` and completes (re-harvested records are `Unchanged`).

use crate::client::{ListRequest, OaiClient};
use crate::error::{HarvestError, RequestPlace};
use crate::record_set::{Applied, HarvestState, RecordSet, SourceKey};
use crate::response::{Granularity, HeaderProblem};

/// Counts of what a run did to the record set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Records not held before.
    pub new: u64,
    /// Held records whose content changed.
    pub updated: u64,
    /// Held records the provider deleted.
    pub deleted: u64,
    /// Records received again unchanged.
    pub unchanged: u64,
    /// Deletions of records never held (nothing to withdraw).
    pub deletions_noted: u64,
    /// Records older than the held version, ignored.
    pub stale: u64,
}

impl Counts {
    /// Whether the record set changed, i.e. whether the dataset must be re-mapped.
    pub fn changed(&self) -> bool {
        self.new + self.updated + self.deleted > 0
    }

    fn add(&mut self, applied: Applied) {
        match applied {
            Applied::New => self.new += 1,
            Applied::Updated => self.updated += 1,
            Applied::Deleted => self.deleted += 1,
            Applied::Unchanged => self.unchanged += 1,
            Applied::DeletionNoted => self.deletions_noted += 1,
            Applied::Stale => self.stale += 1,
        }
    }
}

/// A record the harvester could not use, with the page it came on.
#[derive(Debug, Clone)]
pub struct RejectedRecord {
    /// The page's request.
    pub place: RequestPlace,
    /// What was wrong.
    pub problem: HeaderProblem,
}

/// What one run did.
#[derive(Debug)]
pub struct HarvestRun {
    /// The repository's name (Identify).
    pub repository_name: String,
    /// Its granularity.
    pub granularity: Granularity,
    /// Its `deletedRecord` support (`no`, `transient`, `persistent`): with `no` or
    /// `transient` an incremental harvest may miss deletions.
    pub deleted_record: String,
    /// The `from` sent, if any (none on a first harvest).
    pub from: Option<String>,
    /// Pages received and applied.
    pub pages: usize,
    /// What the records did to the record set.
    pub counts: Counts,
    /// Records that could not be used.
    pub rejected: Vec<RejectedRecord>,
    /// The state to save once the records have been ingested; `None` when the run stopped
    /// early (the state must not advance past records that were never received).
    pub next_state: Option<HarvestState>,
    /// Why the run stopped before the end of the list, if it did.
    pub stopped: Option<HarvestError>,
}

/// Harvests `source` into `records`, starting from `state` (the last complete harvest).
/// Errors before any page (Identify failing) are returned as `Err`; errors on a page are in
/// [`HarvestRun::stopped`], with what earlier pages did.
pub fn harvest(
    client: &OaiClient,
    records: &RecordSet,
    source: &SourceKey,
    state: &HarvestState,
) -> Result<HarvestRun, HarvestError> {
    let identify = client.identify()?;
    let from = state
        .latest_datestamp
        .as_deref()
        .map(|d| identify.granularity.from_value(d));
    let request = ListRequest {
        metadata_prefix: source.metadata_prefix.clone(),
        set: source.set.clone(),
        from: from.clone(),
    };
    let mut run = HarvestRun {
        repository_name: identify.repository_name,
        granularity: identify.granularity,
        deleted_record: identify.deleted_record,
        from,
        pages: 0,
        counts: Counts::default(),
        rejected: Vec::new(),
        next_state: None,
        stopped: None,
    };
    let mut latest = state.latest_datestamp.clone();
    let mut first_response_date = None;
    for page in client.list_records(&request) {
        let (place, page) = match page {
            Ok(page) => page,
            Err(e) => {
                run.stopped = Some(e);
                return Ok(run);
            }
        };
        for record in &page.records {
            // Written before it is counted: a failure to write stops the run like a bad page.
            match records.apply(record) {
                Ok(applied) => run.counts.add(applied),
                Err(e) => {
                    run.stopped = Some(e);
                    return Ok(run);
                }
            }
            if latest
                .as_deref()
                .is_none_or(|l| record.datestamp.as_str() > l)
            {
                latest = Some(record.datestamp.clone());
            }
        }
        run.rejected
            .extend(page.problems.into_iter().map(|problem| RejectedRecord {
                place: place.clone(),
                problem,
            }));
        if first_response_date.is_none() {
            first_response_date = page.response_date;
        }
        run.pages += 1;
    }
    run.next_state = Some(HarvestState {
        source: source.clone(),
        latest_datestamp: latest,
        last_response_date: first_response_date,
    });
    Ok(run)
}
