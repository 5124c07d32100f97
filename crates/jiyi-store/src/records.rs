//! Records for harvesters that select by date and set (OAI-PMH): each resource of the change
//! log as *one* record, dated by its latest entry, listed in the order of those entries.
//!
//! A resource's record sits at the position of its latest change-log entry (any dataset): the
//! record's datestamp is that entry's time, and it is deleted when the resource is live in no
//! dataset any more (then the datestamp is the deletion's time). Listing walks the log from a
//! position and keeps an entry only when it is its resource's latest, so a resource changed
//! again later is listed there, never through an older entry inside a date window; paging by
//! the position of the last record listed is stable while ingests append to the log (a record
//! that changes during a harvest moves to the end and is listed again, as OAI-PMH expects).
//!
//! Cost: entries are point lookups by sequence number. The log's times do not decrease along
//! the sequence (one process writes a store, each write stamps the time it commits, see the
//! invariants), so the first entry at or after `from` is found by binary search and the walk
//! stops at the first entry after `until`; in between, every entry is read once per page.

use crate::changes::{AS, STATE_PREFIX, changes_graph, iri};
use crate::model::{GraphName, NamedNode, NamedNodeRef, NamedOrBlankNode};
use crate::{Change, Store, StoreError};
use jiyi_model::vocab::JIYI;

const ENTRY_PREFIX: &str = "urn:jiyi:change:";

/// Which records a harvester asks for: times are inclusive and compared at the granularity of
/// seconds (what a datestamp shows), `dataset` restricts to records of that dataset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordWindow {
    /// Earliest datestamp, in whole seconds since the epoch.
    pub from: Option<i64>,
    /// Latest datestamp, in whole seconds since the epoch, inclusive.
    pub until: Option<i64>,
    /// Only records in this dataset.
    pub dataset: Option<String>,
}

impl RecordWindow {
    fn admits_time(&self, seconds: i64) -> bool {
        self.from.is_none_or(|f| seconds >= f) && self.until.is_none_or(|u| seconds <= u)
    }
}

/// A record's header: which resource, since when, in which datasets, whether it is deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordHeader {
    /// The resource.
    pub thing: NamedNode,
    /// The sequence number of its latest change-log entry (its position in a listing).
    pub sequence: u64,
    /// The time of that entry (the deletion time for a deleted record).
    pub datestamp: jiff::Timestamp,
    /// Live nowhere: its latest entry was a deletion from the last dataset that had it.
    pub deleted: bool,
    /// The datasets it is published in, sorted; for a deleted record, those it was deleted
    /// from (its open tombstones).
    pub datasets: Vec<String>,
}

/// One page of a listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordPage {
    /// The records, in log order.
    pub records: Vec<RecordHeader>,
    /// When more records match: the position to continue after (the last record's sequence).
    pub continue_after: Option<u64>,
}

/// Whether a listing walk goes on after an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    Continue,
    Stop,
}

impl Store {
    /// The record of `thing`, if the change log has ever logged it.
    pub fn record_of(&self, thing: NamedNodeRef<'_>) -> Result<Option<RecordHeader>, StoreError> {
        let Some(sequence) = self.latest_entry(thing)? else {
            return Ok(None);
        };
        let Some(change) = self.change(sequence)? else {
            return Ok(None);
        };
        self.header(thing.into_owned(), sequence, change.time, &change.dataset)
            .map(Some)
    }

    /// Up to `limit` records matching `window` whose position is after `after`, in log order,
    /// and where to continue. Memory is one page; see the module docs for the cost.
    pub fn records(
        &self,
        window: &RecordWindow,
        after: u64,
        limit: usize,
    ) -> Result<RecordPage, StoreError> {
        if let Some(dataset) = &window.dataset
            && self.positions_ready()?
            && !self.shares_things(dataset)?
        {
            return self.dataset_records(window, dataset, after, limit);
        }
        let last = self.last_sequence()?;
        let mut sequence = after.saturating_add(1);
        if let Some(from) = window.from {
            sequence = sequence.max(self.first_at_or_after(from, sequence, last)?);
        }
        let mut page = RecordPage::default();
        while sequence <= last {
            if let Some(change) = self.change(sequence)?
                && self.take(window, change, &mut page, limit)? == Walk::Stop
            {
                break;
            }
            sequence += 1;
        }
        Ok(page)
    }

    /// [`Self::records`] of one dataset whose resources have no entries in another dataset:
    /// every record of the set then sits at an entry of the dataset, so the walk steps through
    /// the dataset's positions (dataset_positions.rs) and never reads other datasets' entries.
    fn dataset_records(
        &self,
        window: &RecordWindow,
        dataset: &str,
        after: u64,
        limit: usize,
    ) -> Result<RecordPage, StoreError> {
        let last = self.last_position(dataset)?;
        let mut position = self.first_position_from(dataset, after.saturating_add(1), last)?;
        if let Some(from) = window.from {
            position =
                position.max(self.first_position_at_or_after(dataset, from, position, last)?);
        }
        let mut page = RecordPage::default();
        while position <= last {
            if let Some(sequence) = self.dataset_entry(dataset, position)?
                && let Some(change) = self.change(sequence)?
                && self.take(window, change, &mut page, limit)? == Walk::Stop
            {
                break;
            }
            position += 1;
        }
        Ok(page)
    }

    /// Adds `change`'s record to `page` when it is its resource's latest entry and matches
    /// `window`; says whether the walk is over (past `until`, or a record beyond the page).
    fn take(
        &self,
        window: &RecordWindow,
        change: Change,
        page: &mut RecordPage,
        limit: usize,
    ) -> Result<Walk, StoreError> {
        let sequence = change.sequence;
        let seconds = change.time.as_second();
        if window.until.is_some_and(|u| seconds > u) {
            return Ok(Walk::Stop);
        }
        if window.admits_time(seconds)
            && self.latest_entry(change.thing.as_ref())? == Some(sequence)
        {
            let header = self.header(change.thing, sequence, change.time, &change.dataset)?;
            if window
                .dataset
                .as_ref()
                .is_none_or(|d| header.datasets.contains(d))
            {
                if page.records.len() == limit {
                    // One more matches: the harvester must come back.
                    page.continue_after = page.records.last().map(|r| r.sequence);
                    return Ok(Walk::Stop);
                }
                page.records.push(header);
            }
        }
        Ok(Walk::Continue)
    }

    /// The time of the first change-log entry, the earliest datestamp a record can have.
    pub fn first_change_time(&self) -> Result<Option<jiff::Timestamp>, StoreError> {
        Ok(self.change(1)?.map(|c| c.time))
    }

    /// The sequence number of the latest entry about `thing`, from the log's object index.
    fn latest_entry(&self, thing: NamedNodeRef<'_>) -> Result<Option<u64>, StoreError> {
        let graph = changes_graph();
        let mut latest = None;
        for quad in self.inner.quads_for_pattern(
            None,
            Some(iri(AS, "object").as_ref()),
            Some(thing.into()),
            Some(graph.as_ref().into()),
        ) {
            let quad = quad.map_err(|e| self.storage(e))?;
            if let NamedOrBlankNode::NamedNode(entry) = &quad.subject
                && let Some(n) = entry
                    .as_str()
                    .strip_prefix(ENTRY_PREFIX)
                    .and_then(|n| n.parse::<u64>().ok())
            {
                latest = latest.max(Some(n));
            }
        }
        Ok(latest)
    }

    fn header(
        &self,
        thing: NamedNode,
        sequence: u64,
        datestamp: jiff::Timestamp,
        dataset: &str,
    ) -> Result<RecordHeader, StoreError> {
        let mut datasets = self.live_datasets(thing.as_ref())?;
        let deleted = datasets.is_empty();
        if deleted {
            datasets = self
                .open_tombstones(thing.as_ref())?
                .into_iter()
                .map(|t| t.dataset)
                .collect();
            if datasets.is_empty() {
                datasets.push(dataset.to_owned());
            }
            datasets.sort();
            datasets.dedup();
        }
        Ok(RecordHeader {
            thing,
            sequence,
            datestamp,
            deleted,
            datasets,
        })
    }

    /// The datasets whose state has `thing` live, sorted.
    fn live_datasets(&self, thing: NamedNodeRef<'_>) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for quad in self.inner.quads_for_pattern(
            Some(thing.into()),
            Some(iri(JIYI, "hash").as_ref()),
            None,
            None,
        ) {
            let quad = quad.map_err(|e| self.storage(e))?;
            if let GraphName::NamedNode(g) = &quad.graph_name
                && let Some(name) = g.as_str().strip_prefix(STATE_PREFIX)
            {
                out.push(name.to_owned());
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// The first position of `dataset` in `[low, last]` whose entry is at or after `from`
    /// seconds (`last + 1` when none), by binary search (the dataset's entries are a
    /// subsequence of the log, so their times do not decrease either).
    fn first_position_at_or_after(
        &self,
        dataset: &str,
        from: i64,
        low: u64,
        last: u64,
    ) -> Result<u64, StoreError> {
        let (mut low, mut high) = (low, last.saturating_add(1));
        while low < high {
            let middle = low + (high - low) / 2;
            let before = match self.dataset_entry(dataset, middle)? {
                Some(sequence) => self
                    .change(sequence)?
                    .is_none_or(|c| c.time.as_second() < from),
                None => true,
            };
            if before {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        Ok(low)
    }

    /// The first sequence number in `[low, last]` whose entry is at or after `from` seconds
    /// (`last + 1` when none), by binary search over the log's non-decreasing times.
    fn first_at_or_after(&self, from: i64, low: u64, last: u64) -> Result<u64, StoreError> {
        let (mut low, mut high) = (low, last.saturating_add(1));
        while low < high {
            let middle = low + (high - low) / 2;
            let before = match self.change(middle)? {
                Some(c) => c.time.as_second() < from,
                None => true,
            };
            if before {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        Ok(low)
    }
}
