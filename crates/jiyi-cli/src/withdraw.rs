//! `jiyi withdraw`: a steward takes a thing or a whole dataset down, saying why, or restores it.

use anyhow::{Context, Result, bail};
use jiyi_model::UriPolicy;
use jiyi_store::model::NamedNode;
use jiyi_store::{DatasetScope, Store, ThingWithdrawal};
use std::path::PathBuf;

/// Options of `jiyi withdraw`.
#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["thing", "dataset"])))]
#[command(group(clap::ArgGroup::new("how").required(true).args(["reason", "restore"])))]
pub struct Args {
    /// Store directory.
    #[arg(long)]
    store: PathBuf,
    /// The thing's IRI (`{base}id/…`): taken out of every dataset and kept out of later
    /// ingests; on a thing already gone, restates the reason of its tombstone.
    #[arg(long)]
    thing: Option<String>,
    /// A dataset name: its graph and dumps are removed, every resource gets a tombstone with
    /// the reason, and ingests of it are refused until `--restore`.
    #[arg(long)]
    dataset: Option<String>,
    /// Why (published on the 410 Gone answer and in the change log), e.g. "rights holder
    /// withdrew consent" or "merged into 故宮-0002".
    #[arg(long)]
    reason: Option<String>,
    /// The thing that replaces a withdrawn thing (a merge): `dcterms:isReplacedBy`.
    #[arg(long, requires = "thing", requires = "reason")]
    replaced_by: Option<String>,
    /// Lift the withdrawal: the next ingest publishes the thing or dataset again.
    #[arg(long)]
    restore: bool,
}

pub fn run(args: Args) -> Result<()> {
    if !args.store.is_dir() {
        bail!("no store at {}", args.store.display());
    }
    let store = Store::open(&args.store)
        .with_context(|| format!("opening store {}", args.store.display()))?;
    let Some(base) = store.base_iri()? else {
        bail!("the store at {} holds no dataset", args.store.display());
    };
    let policy = UriPolicy::new(&base)?;
    let reason = match &args.reason {
        Some(r) if r.trim().is_empty() => bail!("--reason must say why"),
        Some(r) => Some(r.trim().to_owned()),
        None => None,
    };
    let message = match (&args.thing, &args.dataset, reason) {
        (Some(thing), _, reason) => {
            let thing = NamedNode::new(thing.clone())
                .with_context(|| format!("--thing {thing} is not an IRI"))?;
            let Some(reason) = reason else {
                let message = if store.restore_thing(thing.as_ref())? {
                    format!(
                        "{thing} is no longer withdrawn; the next ingest that finds it publishes it again"
                    )
                } else {
                    format!("{thing} was not withdrawn; nothing changed")
                };
                println!("{message}");
                return Ok(());
            };
            let replaced_by = args
                .replaced_by
                .as_deref()
                .map(|r| {
                    NamedNode::new(r).with_context(|| format!("--replaced-by {r} is not an IRI"))
                })
                .transpose()?;
            match store.withdraw_thing(&policy, thing.as_ref(), &reason, replaced_by)? {
                ThingWithdrawal::TakenDown { datasets, changes } => {
                    for name in &datasets {
                        store
                            .publish_dumps(&DatasetScope::new(&policy, name)?)
                            .with_context(|| format!("rewriting the dumps of {name}"))?;
                    }
                    format!(
                        "{thing} withdrawn from {} ({}); its dumps were rewritten",
                        datasets.join(", "),
                        changes
                    )
                }
                ThingWithdrawal::Restated { tombstones } => format!(
                    "{thing} was already gone; the reason of its {tombstones} tombstone(s) now reads: {reason}"
                ),
                ThingWithdrawal::KeptOut => format!(
                    "{thing} is not published; ingests will keep it out until `jiyi withdraw --thing {thing} --restore`"
                ),
            }
        }
        (None, Some(name), None) => {
            if store.restore_dataset(name)? {
                format!("dataset {name} is no longer withdrawn; `jiyi ingest` publishes it again")
            } else {
                format!("dataset {name} was not withdrawn; nothing changed")
            }
        }
        (None, Some(name), Some(reason)) => {
            let scope = DatasetScope::new(&policy, name)?;
            let known = store.published_graphs()?.contains(scope.graph())
                || store.dataset_withdrawal(name)?.is_some();
            if !known {
                bail!("no dataset {name:?} in {}", args.store.display());
            }
            let changes = store.withdraw_dataset(&scope, &reason)?;
            format!(
                "dataset {name} withdrawn: {changes}; its graph and dumps are removed and ingests of it are refused until `jiyi withdraw --dataset {name} --restore`"
            )
        }
        (None, None, _) => bail!("say what to withdraw: --thing IRI or --dataset NAME"),
    };
    println!("{message}");
    Ok(())
}
