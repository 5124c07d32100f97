//! A live count of what a mapping run has produced, for a steward watching a long ingest.
//! indicatif draws it on standard error only when that is a terminal, so logs and pipes stay
//! clean. Updates are batched: the bar costs nothing measurable per quad.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// How many quads pass between two updates of the bar.
const BATCH: u64 = 8192;

/// Counts quads and rejects as a run produces them.
pub struct Progress {
    bar: ProgressBar,
    pending: u64,
    rejects: u64,
}

impl Progress {
    /// A spinner labelled with what is being run (a mapping file name).
    pub fn new(label: &str) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {prefix}: {human_pos} quads, {msg} [{elapsed_precise}, {per_sec}]",
            )
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(label.to_owned());
        bar.set_message("0 rejected");
        bar.enable_steady_tick(Duration::from_millis(200));
        Self {
            bar,
            pending: 0,
            rejects: 0,
        }
    }

    /// One more quad.
    pub fn quad(&mut self) {
        self.pending += 1;
        if self.pending == BATCH {
            self.bar.inc(self.pending);
            self.pending = 0;
        }
    }

    /// One more rejected record.
    pub fn reject(&mut self) {
        self.rejects += 1;
        self.bar.set_message(format!("{} rejected", self.rejects));
    }

    /// Removes the bar; the command prints its own summary.
    pub fn finish(&self) {
        self.bar.inc(self.pending);
        self.bar.finish_and_clear();
    }
}
