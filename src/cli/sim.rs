//! `kaizen sim <block>`: one sub-command per block, each in its block's
//! folder (`memctl/sim.rs`, `d2d/sim.rs`, `testchip/sim.rs`).

use clap::{Args, Subcommand};

#[derive(Args)]
pub struct SimArgs {
    #[command(subcommand)]
    what: SimWhat,
}

#[derive(Subcommand)]
enum SimWhat {
    /// HBM3 pseudo-channel controller on a generated trace.
    Memctl(super::memctl::sim::MemctlArgs),
    /// Die-to-die link: the PHY RTL (two dies on Verilator) and the
    /// software reference of the link layer, over the channel model.
    D2d(super::d2d::sim::D2dArgs),
    /// The test chip end to end: the partner die reaches HBM memory through
    /// the die-to-die link, across the chip's two clock domains.
    Testchip(super::testchip::sim::TestchipArgs),
}

pub fn run(args: SimArgs) -> anyhow::Result<()> {
    match args.what {
        SimWhat::Memctl(a) => super::memctl::sim::run(a),
        SimWhat::D2d(a) => super::d2d::sim::run(a),
        SimWhat::Testchip(a) => super::testchip::sim::run_args(a),
    }
}
