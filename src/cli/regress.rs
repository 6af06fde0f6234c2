//! `kaizen regress <block>`: the long regressions CI does not run, one
//! sub-command per block, each in its block's folder (`memctl/regress.rs`,
//! `d2d/regress.rs`).

use anyhow::bail;
use clap::{Args, Subcommand};

#[derive(Args)]
pub struct RegressArgs {
    #[command(subcommand)]
    what: RegressWhat,
}

#[derive(Subcommand)]
enum RegressWhat {
    /// The HBM3 controller against the HBM device model.
    Memctl {
        /// Stress requests per policy.
        #[arg(long, default_value_t = 1_000_000)]
        requests: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Instead: build each timing mutant and check a test catches it.
        #[arg(long)]
        teeth: bool,
    },
    /// The die-to-die PHY (two dies on Verilator) over random channels.
    D2d {
        /// Flits to deliver in total, over channels of 5000 flits each.
        #[arg(long, default_value_t = 1_000_000)]
        flits: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Instead: build each PHY mutant and check a test catches it.
        #[arg(long)]
        teeth: bool,
    },
}

pub fn run_args(args: RegressArgs) -> anyhow::Result<()> {
    match args.what {
        RegressWhat::Memctl {
            requests,
            seed,
            teeth,
        } => super::memctl::regress::run(requests, seed, teeth),
        RegressWhat::D2d { flits, seed, teeth } => super::d2d::regress::run(flits, seed, teeth),
    }
}

/// The end of a teeth run: an error naming every mutant no test caught.
pub(super) fn survivors_fail<S: AsRef<str>>(survivors: &[S]) -> anyhow::Result<()> {
    if !survivors.is_empty() {
        bail!(
            "{} mutant(s) survived: {}",
            survivors.len(),
            survivors
                .iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}
