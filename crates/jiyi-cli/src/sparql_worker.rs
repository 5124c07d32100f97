//! `jiyi sparql-worker`: a query worker process started by `jiyi serve` (not for people; see
//! `jiyi_web::worker` for why queries run in separate processes).

use anyhow::Result;
use std::path::PathBuf;

/// Options of `jiyi sparql-worker`.
#[derive(clap::Args)]
pub struct Args {
    /// The store checkpoint to read (made by the server).
    #[arg(long)]
    snapshot: PathBuf,
}

pub fn run(args: Args) -> Result<()> {
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    jiyi_web::worker::serve_stdio(&args.snapshot, stdin, stdout)?;
    Ok(())
}

/// How the server starts workers: this very binary.
pub fn command() -> Result<jiyi_web::WorkerCommand> {
    Ok(jiyi_web::WorkerCommand {
        program: std::env::current_exe()?,
        args: vec!["sparql-worker".into()],
    })
}
