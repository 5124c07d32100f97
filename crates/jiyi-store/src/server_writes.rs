//! Bringing the change log in line after writes that bypass ingest (SPARQL Update, Graph Store).
//!
//! Harvesters learn about changes only from the log (feeds, OAI-PMH, dumps' feed positions), so
//! a correction made through the server must be logged like one made by an ingest. Which
//! resources an update touched is not known without diffing, so every dataset is reconciled:
//! each resource's description is hashed and compared with the recorded hash. That costs a scan
//! of the datasets per write; writes through the server are occasional corrections, and bulk
//! changes go through `jiyi ingest`, which diffs only what changed.

use crate::changes::{ChangeCause, ChangeSummary, DatasetScope, STATE_PREFIX};
use crate::{Store, StoreError};
use jiyi_model::UriPolicy;

impl Store {
    /// Reconciles the change log of every dataset — each one with a published graph, and each
    /// one the log follows (a graph deleted through the Graph Store leaves its resources
    /// recorded as live: they are logged as deletions with `cause`'s reason). Idempotent.
    pub fn reconcile_all_changes(
        &self,
        policy: &UriPolicy,
        cause: &ChangeCause,
    ) -> Result<ChangeSummary, StoreError> {
        let mut names: Vec<String> = self
            .published_graphs()?
            .iter()
            .filter_map(|g| policy.dataset_of_graph(g.as_str()).map(str::to_owned))
            .collect();
        for state in self.graphs_with_prefix(STATE_PREFIX)? {
            if let Some(name) = state.as_str().strip_prefix(STATE_PREFIX) {
                names.push(name.to_owned());
            }
        }
        names.sort();
        names.dedup();
        let mut summary = ChangeSummary::default();
        for name in names {
            // A graph under the base that is not a dataset's (an upload to any IRI) has no
            // resources to follow.
            let Ok(scope) = DatasetScope::new(policy, &name) else {
                continue;
            };
            summary.add(self.reconcile_changes(&scope, cause)?);
        }
        Ok(summary)
    }
}
